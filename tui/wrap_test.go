package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// An address wider than the line is broken before its '@', never inside the domain
// (a newcomer read "fabrikam-" / "industries.example.com" as two addresses).
func TestWrapKeepsAnAddressDomainWhole(t *testing.T) {
	const addr, domain = "it-admin@fabrikam-industries.example.com", "@fabrikam-industries.example.com"
	s := "Change the requester to " + addr + " and submit the ticket as solved"
	for _, w := range []int{20, 31, 32, 35, 39, 40, 41, 60} {
		got := wrapText(s, w)
		for _, l := range strings.Split(got, "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("width %d: line %q is wider", w, l)
			}
		}
		if w >= len(domain) && !strings.Contains(got, domain) {
			t.Errorf("width %d: the domain is broken:\n%s", w, got)
		}
		if w >= len(addr) && !strings.Contains(got, addr) {
			t.Errorf("width %d: the address is broken although it fits:\n%s", w, got)
		}
		// Only line breaks were added: one before '@' when the address is wider, and hard
		// ones inside the domain only when the domain alone is wider than the line.
		back := strings.ReplaceAll(strings.ReplaceAll(got, "\n@", "@"), "\n", " ")
		if w < len(domain) {
			back, s := strings.Join(strings.Fields(got), ""), strings.Join(strings.Fields(s), "")
			if back != s {
				t.Errorf("width %d: text changed: %q", w, got)
			}
		} else if back != s {
			t.Errorf("width %d: text changed: %q", w, back)
		}
	}
}

// The bulk review's notes and the audit's error wrap by the same rule (they used x/ansi
// directly and broke northwind-devops.com after its hyphen).
func TestBulkNoteWrapKeepsTheDomainWhole(t *testing.T) {
	note := "Requester changed to dana.whitfield@northwind-devops.com as the handbook's first example says"
	for w := 40; w <= 80; w++ {
		got := strings.Join(wrapLines(note, w, "    ", lipgloss.NewStyle()), "\n")
		if !strings.Contains(got, "dana.whitfield@northwind-devops.com") {
			t.Errorf("width %d: the address is broken:\n%s", w, got)
		}
	}
}
