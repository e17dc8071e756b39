package tui_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// After a fix, the ticket's detail reads its conversation again, with the note just added;
// it said "loading the description and the latest comments…" for ever (the reload's read
// was marked as started, but the command that reads it was dropped).
func TestDetailShowsTheConversationAfterAFix(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4005)
	h.keys("enter")
	h.submit(t, 4005, "Submitted")
	h.keys("esc")                   // the queue, the fixed ticket in the preview
	h.waitFor(t, "Replication lag") // its conversation, read again
	h.keys("enter", "G")            // the whole detail, at its end
	h.waitFor(t, "partner-triage changed this ticket")
	h.view(t)
}

// After asking the submitter, the question shows in the ticket's conversation.
func TestDetailShowsTheQuestionAfterAsking(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4012")
	h.keys("enter")
	h.waitFor(t, "a ask the submitter")
	h.keys("a")
	h.waitFor(t, "Ask the submitter #4012")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.waitFor(t, "Review #4012")
	h.keys("y")
	h.waitFor(t, "Submitted", "public reply sent")
	h.keys("esc") // the queue, the ticket in the preview with the question just sent
	h.waitFor(t, "Thank you for ticket #4012")
	h.view(t)
}
