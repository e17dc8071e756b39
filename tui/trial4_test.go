package tui_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

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

// Undoing an ask leaves a ticket no handbook example fits: the result says a asks the
// submitter, not "no findings left" as if it were done (trial 4).
func TestUndoneAskIsNotCalledDone(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4012")
	h.keys("enter", "a")
	h.waitFor(t, "Ask the submitter #4012")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.waitFor(t, "Review #4012")
	h.keys("y")
	h.waitFor(t, "Submitted")
	h.keys("u")
	h.waitFor(t, "Undo #")
	h.keys("y")
	h.waitFor(t, "Reverted", "no handbook example fits: a asks the submitter")
	h.view(t)
}

// esc that clears the marks says how many it cleared (it did so without a word, trial 4).
func TestEscSaysMarksCleared(t *testing.T) {
	h := start(t, 80, 24)
	h.keys("x", "x", "esc")
	h.waitFor(t, "2 marks cleared")
	h.view(t)
}

// Keeping a batch at its undo prompt says so (it closed without a word, trial 4).
func TestBatchUndoKeptSaysSo(t *testing.T) {
	h := start(t, 100, 30)
	h.keys("x", "x")
	h.waitFor(t, "2 marked")
	h.keys("F")
	h.waitFor(t, "Review bulk fix")
	h.keys("y")
	h.waitFor(t, "bulk fix:")
	h.keys("u")
	h.waitFor(t, "Undo the whole batch")
	h.keys("n")
	h.waitFor(t, "batch kept: nothing was undone")
	h.view(t)
}

// At 80 columns the journal row keeps its "cannot be undone" mark (short, the reason whole
// below the list) instead of losing it off the row's end (trial 4).
func TestJournalRowKeepsItsMarkAt80(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4019)
	h.keys("enter")
	h.submit(t, 4019, "Submitted")
	h.keys("esc", "esc", "U")
	h.waitFor(t, "ticket #4019", "(nothing to undo)", "change 1: Organization stays")
	h.view(t)
}
