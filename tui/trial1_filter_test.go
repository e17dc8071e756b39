package tui_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// filter replaces the queue's filter with words and closes the filter line.
func (h *harness) filter(words string) {
	h.keys("/")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.tm.Type(words)
	h.keys("enter")
}

// Trial 1, item 5: kind: words name one finding kind exactly, by its full name, its badge or
// its short badge: kind:mis keeps the nine mismatch tickets, not the "! cc" ones (whose
// partner_cc_missing merely contains "mis"); kind:c and kind:s are not kinds.
func TestKindFilterMatchesOneKindExactly(t *testing.T) {
	h := start(t, 120, 40)
	for _, w := range []string{"kind:requester_org_mismatch", "kind:mismatch", "kind:MIS"} {
		h.filter(w)
		h.waitFor(t, "filter: "+w, "(9 of 30")
	}
	for _, w := range []string{"kind:partner_cc_missing", "kind:cc"} {
		h.filter(w)
		h.waitFor(t, "filter: "+w, "(3 of 30")
	}
	for _, w := range []string{"kind:none", "kind:clean"} {
		h.filter(w)
		h.waitFor(t, "filter: "+w, "(12 of 30")
	}
	h.filter("kind:ask")
	h.waitFor(t, "filter: kind:ask", "(2 of 30")
	for _, w := range []string{"c", "s", "mi", "missing"} {
		h.filter("kind:" + w)
		h.waitFor(t, "filter: kind:"+w+`  unknown kind "`+w+`"`)
	}
	h.filter("kind:mis")
	h.waitFor(t, "(9 of 30")
	v := h.view(t)
	for _, id := range []string{"4007", "4008", "4022"} {
		if strings.Contains(v, id) {
			t.Errorf("kind:mis shows the partner_cc_missing ticket %s:\n%s", id, v)
		}
	}
}

// Trial 1, item 5: scenario: words name one scenario exactly, by its full name or the word
// the scenario column shows, and an unknown one says so like an unknown kind: does.
func TestScenarioFilterMatchesOneScenarioExactly(t *testing.T) {
	h := start(t, 120, 40)
	// scenario:partner once matched select_partner as well (2 + 7 tickets).
	for _, tc := range []struct{ words, count string }{
		{"scenario:partner", "(2 of 30"}, {"scenario:partner_account", "(2 of 30"},
		{"scenario:select", "(7 of 30"}, {"scenario:select_partner", "(7 of 30"},
	} {
		h.filter(tc.words)
		h.waitFor(t, "filter: "+tc.words+" ", tc.count)
	}
	for _, w := range []string{"bogus", "part", "p"} {
		h.filter("scenario:" + w)
		h.waitFor(t, "filter: scenario:"+w+`  unknown scenario "`+w+`"`)
	}
	h.filter("scenario:partner kind:none")
	h.waitFor(t, "(2 of 30")
	v := h.view(t)
	if !strings.Contains(v, "4010") || strings.Contains(v, "4017") {
		t.Errorf("scenario:partner shows other scenarios' tickets:\n%s", v)
	}
}

// Trial 1, item 5: while an unknown kind: word is typed, and after enter, the filter line
// shows what was typed with the error beside it.
func TestFilterErrorBesideTypedWords(t *testing.T) {
	h := start(t, 80, 24)
	h.keys("/")
	h.tm.Type("kind:bo")
	h.waitFor(t, "/kind:bo", `unknown kind "bo"`)
	h.keys("enter")
	h.waitFor(t, `filter: kind:bo  unknown kind "bo"`)
	v := h.view(t)
	first := strings.SplitN(v, "\n", 2)[0]
	if !strings.HasPrefix(first, `filter: kind:bo  unknown kind "bo" (kinds: mismatch unknown select cc ask none)`) {
		t.Errorf("filter line = %q, want the typed words and the whole error beside them", first)
	}
	if !strings.Contains(v, "no ticket matches the filter") {
		t.Errorf("an unknown kind: word keeps tickets:\n%s", v)
	}
}

// Trial 1, item 12: beside a filter that matches nothing the preview shows no ticket, not the
// one selected before.
func TestPreviewEmptyWhenFilterMatchesNothing(t *testing.T) {
	h := start(t, 120, 40)
	h.filter("zzzz-no-such-ticket")
	h.waitFor(t, "no ticket matches the filter", "No ticket selected")
	v := h.view(t)
	if strings.Contains(v, "#4001") || strings.Contains(v, "Org Email") {
		t.Errorf("the preview still shows a ticket while the filter matches nothing:\n%s", v)
	}
}
