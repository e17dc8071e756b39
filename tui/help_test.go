package tui_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/partner-triage/partner-triage/tui"
)

// helpBody is a frame without its last two rows (the status bar and the help line).
func helpBody(frame string) string {
	lines := strings.Split(frame, "\n")
	return strings.Join(lines[:max(len(lines)-2, 0)], "\n")
}

// hasKey reports whether the help lists key k with the description desc on one row.
func hasKey(body, k, desc string) bool {
	return regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(k) + ` +` + regexp.QuoteMeta(desc) + `(\s|$)`).MatchString(body)
}

// Trial finding 8: at 80x24 the `?` help clipped its third column (`? help`, `q quit`
// hidden) and the per-partner counts never appeared. The keys are laid out to the width
// and the help scrolls, with a marker, to the counts.
func TestHelpFitsAt80x24AndScrolls(t *testing.T) {
	h := start(t, 80, 24)
	h.keys("?")
	h.waitFor(t, "close help")
	frame := h.view(t)
	body := helpBody(frame)
	for _, k := range [][2]string{{"?", "help"}, {"q", "quit"}, {"A", "audit"}, {"↑/k", "up"}} {
		if !hasKey(body, k[0], k[1]) {
			t.Errorf("the help at 80x24 does not list %s %s:\n%s", k[0], k[1], body)
		}
	}
	for _, l := range strings.Split(frame, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("row of %d cells: %q", w, l)
		}
	}
	if !strings.Contains(body, "more lines below (j)") {
		t.Errorf("the help is taller than 24 rows but says nothing of what is below:\n%s", body)
	}

	h = start(t, 80, 24)
	h.keys("?", "G")
	h.waitFor(t, "Tickets with findings, by partner")
	if body := helpBody(h.view(t)); !strings.Contains(body, "more above") || !strings.Contains(body, "Northwind DevOps Partners") {
		t.Errorf("scrolled to the end, the help does not show the partner counts with a marker:\n%s", body)
	}
}

// Trial finding 8: each screen's `?` help lists the keys the screen handles.
func TestHelpListsEveryKeyOfTheScreen(t *testing.T) {
	failing := func(o *tui.Options) {
		o.OpenURL = func(string) error { return errors.New("no browser found") }
	}
	for _, tc := range []struct {
		name  string
		mod   func(*tui.Options)
		setup func(h *harness)
		keys  [][2]string
	}{
		{"queue with an error", failing, func(h *harness) {
			h.keys("o")
			h.waitFor(t, "The browser did not open")
			h.keys("esc")
		}, [][2]string{{"!", "last error"}, {"wheel", "scroll"}, {"c", "copy URL"}}},
		{"detail", failing, func(h *harness) {
			h.keys("o")
			h.waitFor(t, "The browser did not open")
			h.keys("esc", "enter")
			h.waitFor(t, "Org Email")
		}, [][2]string{{"c", "copy URL"}, {"!", "last error"}, {"o", "open in browser"}, {"wheel", "scroll"}}},
		{"review", nil, func(h *harness) {
			h.keys("f", "space", "space", "space", "space", "space")
			h.waitFor(t, "Review #4001")
		}, [][2]string{{"↓/j", "more"}, {"↑/k", "scroll up"}, {"b", "back to steps"}}},
		{"wizard", nil, func(h *harness) {
			h.keys("/")
			h.tm.Type("4035")
			h.keys("enter", "f")
			h.waitFor(t, "Fix #4035", "t: keep Sofia Marin")
		}, [][2]string{{"t", "other reading"}, {"pgdn", "more"}, {"pgup", "scroll up"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := startOpts(t, 80, 24, tc.mod)
			tc.setup(h)
			h.keys("?")
			h.waitFor(t, "close help")
			body := helpBody(h.view(t))
			for _, k := range tc.keys {
				if !hasKey(body, k[0], k[1]) {
					t.Errorf("the %s help does not list %s %s:\n%s", tc.name, k[0], k[1], body)
				}
			}
		})
	}
}

// The detail copies the ticket's URL with c, as the queue does (product.md: `c` copy its URL).
func TestDetailCopiesURL(t *testing.T) {
	copied := make(chan string, 1)
	h := startOpts(t, 80, 24, func(o *tui.Options) {
		o.CopyText = func(s string) error { copied <- s; return nil }
	})
	h.keys("enter")
	h.waitFor(t, "Org Email")
	h.keys("c")
	h.waitFor(t, "sent to the clipboard (OSC 52): http")
	if u := <-copied; !strings.HasSuffix(u, "/agent/tickets/4001") {
		t.Errorf("copied %q, want the agent URL of #4001", u)
	}
}

// An opener whose error already names the URL (cmd's "no browser found (set $BROWSER);
// the ticket is at URL") is shown as it is, without the URL a second time.
func TestBrowserErrorNamesURLOnce(t *testing.T) {
	h := startOpts(t, 80, 24, func(o *tui.Options) {
		o.OpenURL = func(u string) error { return errors.New("no browser found (set $BROWSER); the ticket is at " + u) }
	})
	h.keys("o")
	h.waitFor(t, "The browser did not open")
	v := strings.Join(strings.Fields(h.view(t)), " ")
	if n := strings.Count(v, "/agent/tickets/4001"); n != 1 || !strings.Contains(v, "no browser found (set $BROWSER); the ticket is at") {
		t.Errorf("the error panel names the URL %d times (want once):\n%s", n, v)
	}
}
