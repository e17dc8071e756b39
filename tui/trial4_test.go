package tui_test

import "testing"

// f on #4018 says it cannot be fixed here and lists what to do by hand; a said "f walks
// through the fix" — each sent the agent to the other (trial 4). a now says why it asks
// nothing, from the same plan.
func TestAskOnAByHandTicketSaysWhy(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4018")
	h.keys("enter", "a")
	h.waitFor(t, "#4018 needs a person, not a public question")
	h.view(t)
}

// The detail's verdict line wraps to the preview's width instead of being cut mid-word
// ("✓ No findings: this ticket follows the han", trial 4).
func TestPreviewVerdictLineWraps(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4009")
	h.keys("enter")
	h.waitFor(t, "✓ No findings: this ticket follows the", "handbook.")
	h.view(t)
}
