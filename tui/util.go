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
// space become one space, and a word wider than the line is broken (x/ansi measures wide,
// combining and emoji characters as the terminal draws them).
func wrapText(s string, width int) string {
	if width < 20 {
		width = 20
	}
	paras := strings.Split(s, "\n")
	for i, para := range paras {
		paras[i] = ansi.Wrap(strings.Join(strings.Fields(para), " "), width, "")
	}
	return strings.Join(paras, "\n")
}

// indentRest indents every line but the first.
func indentRest(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}
