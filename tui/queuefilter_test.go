package tui

import (
	"slices"
	"strings"
	"testing"
)

// legendWords reads the words the `?` legend lists on the line that starts with field
// ("kind:" or "scenario:") and the indented lines that continue it.
func legendWords(t *testing.T, lines []string, field string) []string {
	t.Helper()
	var text string
	for i, l := range lines {
		if !strings.HasPrefix(l, field+" ") {
			continue
		}
		text = strings.TrimPrefix(l, field)
		for _, c := range lines[i+1:] {
			if !strings.HasPrefix(c, "  ") {
				break
			}
			text += " " + c
		}
	}
	if text == "" {
		t.Fatalf("legend lacks a %q line:\n%s", field, strings.Join(lines, "\n"))
	}
	return strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '/' || r == ',' })
}

// The queue legend in `?` lists exactly the words the filter accepts: each listed word is
// accepted, and of every candidate (each listed word's prefixes, the badges, the scenario
// column's words, common slips) those accepted are listed.
func TestLegendListsExactlyTheFilterWords(t *testing.T) {
	lines := filterLegend(1000)
	for _, field := range []string{"kind", "scenario"} {
		listed := legendWords(t, lines, field+":")
		candidates := []string{"clean", "none", "ask", "bogus", "c", "s", "mi", "missing", "part", "sel", "unk", "mis", "cc",
			"services", "customer", "partner", "select", "unknown", "mismatch"}
		for _, w := range listed {
			if _, msg := parseFilter(field + ":" + w); msg != "" {
				t.Errorf("the legend lists %s:%s but the filter says %q", field, w, msg)
			}
			for n := 1; n < len(w); n++ {
				candidates = append(candidates, w[:n])
			}
		}
		for _, w := range candidates {
			if _, msg := parseFilter(field + ":" + w); msg == "" && !slices.Contains(listed, w) {
				t.Errorf("the filter accepts %s:%s but the legend does not list it (lists %v)", field, w, listed)
			}
		}
	}
	// At 80 columns the legend wraps instead of cutting words off, in five lines (the `?`
	// help's first page has room for no more).
	l80 := filterLegend(80)
	if len(l80) > 5 {
		t.Errorf("the legend takes %d lines at 80 columns, want at most 5:\n%s", len(l80), strings.Join(l80, "\n"))
	}
	for _, l := range l80 {
		if n := len([]rune(l)); n > 80 || strings.Contains(l, "…") {
			t.Errorf("legend line cut or too wide at 80 columns (%d): %q", n, l)
		}
	}
}
