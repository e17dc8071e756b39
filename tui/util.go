package tui

import (
	"github.com/charmbracelet/x/ansi"
	"strconv"
	"strings"
	"time"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// age renders how long ago t was, compactly: 5m, 3h, 12d.
func age(now, t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return strconv.Itoa(max(int(d.Minutes()), 0)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + "h"
	default:
		return strconv.Itoa(int(d.Hours()/24)) + "d"
	}
}

// wrapText wraps words to width terminal cells (plain text, no styling): runs of white
// space become one space, and a word wider than the line is broken, after a hyphen where
// it has one (x/ansi measures wide, combining and emoji characters as the terminal draws
// them). A word that fits is never broken after its hyphen: x/ansi would split
// it-admin@fabrikam.com into what reads as two addresses; an address wider than the line
// breaks before its '@'.
func wrapText(s string, width int) string {
	width = max(width, 1)
	hold := !strings.ContainsRune(s, hyphenStandIn)
	paras := strings.Split(s, "\n")
	for i, para := range paras {
		words := strings.Fields(para)
		for j, w := range words {
			fits := ansi.StringWidth(w) <= width
			at := strings.LastIndexByte(w, '@')
			if hold && (fits || at > 0) {
				words[j] = strings.ReplaceAll(w, "-", string(hyphenStandIn))
			}
			if at = strings.LastIndexByte(words[j], '@'); !fits && at > 0 {
				// An address wider than the line breaks before its '@' only (then, if the
				// domain alone is wider still, where the line ends): never at a hyphen or
				// a dot inside the domain, which reads as a different address.
				words[j] = words[j][:at] + "\n" + words[j][at:]
			}
		}
		para = ansi.Wrap(strings.Join(words, " "), width, "")
		if hold {
			para = strings.ReplaceAll(para, string(hyphenStandIn), "-")
		}
		paras[i] = para
	}
	return strings.Join(paras, "\n")
}

// hyphenStandIn (a non-breaking hyphen, one cell like '-') stands in for '-' while
// wrapping, as x/ansi always breaks after a hyphen.
const hyphenStandIn = '\u2011'

// wrapHanging wraps s so that every line, the ones after the first indented by prefix,
// fits width cells (a bullet's or a diff sign's hanging indent).
func wrapHanging(s string, width int, prefix string) string {
	return indentRest(wrapText(s, width-ansi.StringWidth(prefix)), prefix)
}

// indentRest indents every line but the first.
func indentRest(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}
