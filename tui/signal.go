package tui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// The console does not let Bubble Tea take SIGINT/SIGTERM/SIGHUP (tea.WithoutSignalHandler):
// the command's handler cancels Run's context, Run turns that into interruptMsg, and the
// model quits through tea.Quit like q does — one party handles the signal, and Bubble Tea
// always restores the terminal. A submit in flight gets submitGrace to finish; its outcome,
// or the fact that it was still in flight, is returned as *InterruptedError.

// submitGrace is how long a signal waits for a submit in flight, so the whole program still
// ends within a second.
const submitGrace = 600 * time.Millisecond

type (
	interruptMsg         struct{}
	interruptDeadlineMsg struct{}
)

// InterruptedError is Run's error when a signal stopped the console. Submit says what became
// of a submit that was in flight ("" when none was).
type InterruptedError struct{ Submit string }

func (e *InterruptedError) Error() string {
	if e.Submit == "" {
		return "interrupted"
	}
	return "interrupted: " + e.Submit
}

// onInterrupt quits now, or after the submit in flight answered (at most submitGrace).
func (m *Model) onInterrupt() tea.Cmd {
	m.interrupted = true
	if m.review.phase == submitting {
		m.status = "interrupted: waiting briefly for Zendesk to answer the submit…"
		return tea.Tick(submitGrace, func(time.Time) tea.Msg { return interruptDeadlineMsg{} })
	}
	return m.stop()
}

// onInterruptDeadline quits with the submit still in flight, saying so.
func (m *Model) onInterruptDeadline() tea.Cmd {
	if m.review.phase == submitting {
		m.interruptNote = fmt.Sprintf("the submit to #%d was still in flight: check the ticket in Zendesk (the journal keeps its intent; the next start reports it)", m.review.plan.TicketID)
	}
	return m.stop()
}

// afterInterruptedSubmit records a submit's outcome that arrived after a signal and quits.
func (m *Model) afterInterruptedSubmit(msg submitDoneMsg) tea.Cmd {
	m.submitDone(msg)
	what := "submitted"
	switch {
	case msg.undo && msg.Err == nil:
		what = "reverted"
	case msg.Conflict:
		what = "refused: the ticket changed in Zendesk, nothing was overwritten"
	case msg.Err != nil:
		what = "failed: " + msg.Err.Error()
	}
	if len(msg.NotApplied) > 0 {
		what += "; not applied: " + strings.Join(msg.NotApplied, "; ")
	}
	m.interruptNote = fmt.Sprintf("the submit to #%d finished before exiting: %s", msg.TicketID, what)
	return m.stop()
}
