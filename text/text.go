// Package text makes strings that people typed into Zendesk (subjects, names, organization
// names, field values, comments, error descriptions) inert before partner-triage shows them
// on a terminal, writes them to a log, or puts them into an error. It is the one sanitiser
// of the project (shared/spec/zendesk.md, "People are messier than one email"); it is pure.
//
// What becomes inert: every escape sequence (CSI such as ESC[2J, OSC such as the window
// title or the OSC 52 clipboard, DCS, APC, PM, SOS, and their 8-bit C1 forms), every other
// C0 and C1 control and DEL, the Unicode bidirectional controls (which can make a line read
// differently from what it is) and, in one-line text, line and paragraph breaks. Invalid
// UTF-8 becomes U+FFFD. Printable text, wide and combining characters and emoji pass
// unchanged; measure them with github.com/charmbracelet/x/ansi (StringWidth, Truncate).
package text

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Line returns s as one line of inert text: sequences and controls removed, each run of
// new lines, carriage returns and tabs folded to one space (so words stay apart), outer
// white space kept as it was except for those breaks.
func Line(s string) string {
	if isPlainASCII(s) {
		return s
	}
	return clean(s, false)
}

// Block returns s as inert multi-line text: like Line, but new lines are kept ("\r\n" and
// a lone "\r" become "\n", a tab becomes four spaces), for comments and notes that are
// shown as paragraphs.
func Block(s string) string {
	if isPlainASCII(s) {
		return s
	}
	return clean(s, true)
}

// isPlainASCII reports whether s is printable ASCII only (the common case: nothing to do).
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func clean(s string, keepLines bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if keepLines {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	// 8-bit C1 introducers (U+009B CSI, U+009D OSC, U+0090 DCS, …) written as UTF-8 start
	// sequences too on some terminals: turn them into their 7-bit form so Strip removes the
	// whole sequence, payload included.
	if strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 && r <= 0x9f }) {
		s = sevenBit(s)
	}
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false // the last rune written was a folded break
	for _, r := range s {
		switch {
		case r == '\n' && keepLines:
			b.WriteByte('\n')
			space = false
			continue
		case r == '\t' && keepLines:
			b.WriteString("    ")
		case r == '\n', r == '\r', r == '\t', r == '\v', r == '\f', r == 0x85, r == 0x2028, r == 0x2029:
			if keepLines {
				b.WriteByte('\n')
				space = false
				continue
			}
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, isBidi(r):
			continue // dropped
		default:
			b.WriteRune(r)
		}
		space = false
	}
	return b.String()
}

// sevenBit rewrites the 8-bit C1 sequence introducers as ESC + their 7-bit final byte,
// so that ansi.Strip sees (and removes) a whole sequence.
func sevenBit(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 0x90:
			b.WriteString("\x1bP")
		case 0x98:
			b.WriteString("\x1bX")
		case 0x9b:
			b.WriteString("\x1b[")
		case 0x9c:
			b.WriteString("\x1b\\")
		case 0x9d:
			b.WriteString("\x1b]")
		case 0x9e:
			b.WriteString("\x1b^")
		case 0x9f:
			b.WriteString("\x1b_")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isBidi reports the Unicode bidirectional formatting controls (embeddings, overrides,
// isolates and marks).
func isBidi(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
