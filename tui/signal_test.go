package tui

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/apply"
)

// quits reports whether running cmd (and any batch it returns) asks the program to quit.
func quits(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			if quits(c) {
				return true
			}
		}
	}
	return false
}

func submittingModel() Model {
	m := New(Options{})
	m.current = screenReview
	m.review.phase = submitting
	m.review.plan.TicketID = 4004
	return m
}

// A signal with no submit in flight quits at once.
func TestInterruptQuitsAtOnce(t *testing.T) {
	m := New(Options{})
	next, cmd := m.Update(interruptMsg{})
	if !quits(cmd) || !next.(Model).interrupted {
		t.Fatal("a signal on the queue did not quit")
	}
}

// A signal during a submit waits for its answer, then quits and says what became of it.
func TestInterruptWaitsForSubmit(t *testing.T) {
	m := submittingModel()
	next, _ := m.Update(interruptMsg{}) // its command is the grace period's tick
	if st := next.(Model).status; !strings.Contains(st, "waiting") {
		t.Fatalf("status %q, want it to say the console waits for the submit", st)
	}
	next, cmd := next.(Model).Update(submitDoneMsg{Outcome: apply.Outcome{TicketID: 4004, Applied: []string{"ticket update: organization"}}})
	if !quits(cmd) {
		t.Fatal("did not quit once the submit answered")
	}
	if note := next.(Model).interruptNote; !strings.Contains(note, "#4004 finished before exiting: submitted") {
		t.Errorf("note %q, want the submit's outcome", note)
	}
}

// When the submit does not answer within the grace period, the console quits and says the
// submit was still in flight, so the agent checks the ticket.
func TestInterruptReportsSubmitInFlight(t *testing.T) {
	m := submittingModel()
	next, _ := m.Update(interruptMsg{})
	next, cmd := next.(Model).Update(interruptDeadlineMsg{})
	if !quits(cmd) {
		t.Fatal("did not quit after the grace period")
	}
	err := error(&InterruptedError{Submit: next.(Model).interruptNote})
	var ie *InterruptedError
	if !errors.As(err, &ie) || !strings.Contains(ie.Submit, "#4004 was still in flight") {
		t.Errorf("note %q, want the submit reported in flight", ie.Submit)
	}
}
