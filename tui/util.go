package tui

import (
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

// wrapText wraps words to width columns (plain text, no styling).
func wrapText(s string, width int) string {
	if width < 20 {
		width = 20
	}
	var b strings.Builder
	for pi, para := range strings.Split(s, "\n") {
		if pi > 0 {
			b.WriteByte('\n')
		}
		col := 0
		for _, w := range strings.Fields(para) {
			n := len([]rune(w))
			if col > 0 && col+1+n > width {
				b.WriteByte('\n')
				col = 0
			} else if col > 0 {
				b.WriteByte(' ')
				col++
			}
			b.WriteString(w)
			col += n
		}
	}
	return b.String()
}

// indentRest indents every line but the first.
func indentRest(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}
