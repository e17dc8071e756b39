package tui_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// a on the unknown demo ticket #4012: the editor is filled from the default template, the
// review shows the reply and new → pending, y sends one safe_update with a public comment
// and the status, and the journal holds it (so U and `undo --list` show it).
func TestAskSubmitterSendsPublicReplyAndPending(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4012")
	h.keys("enter")
	h.waitFor(t, "a ask the submitter")
	h.keys("a")
	h.waitFor(t, "Ask the submitter #4012", "[x] set status to pending (now new)", "services engagement")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.waitFor(t, "Review #4012", "Status", "+ pending", "Public reply", "y/enter send")
	h.keys("y")
	h.waitFor(t, "Submitted", "public reply sent")

	tk, _ := h.srv.Ticket(4012)
	if tk.Status != "pending" {
		t.Errorf("status on the emulator = %q, want pending", tk.Status)
	}
	found := false
	for _, c := range h.srv.Comments(4012) {
		if c.Public && strings.Contains(c.Body, "NFR licences") && strings.Contains(c.Body, "#4012") {
			found = true
		}
	}
	if !found {
		t.Errorf("no public comment with the ask template on #4012: %+v", h.srv.Comments(4012))
	}
	e, ok, err := h.journal.Last()
	if err != nil || !ok || e.TicketID != 4012 || e.PublicReply == "" || e.Before.Status != "new" || e.After.Status != "pending" {
		t.Fatalf("journal last = %+v, %v, %v; want the ask on #4012 (new → pending, reply kept)", e, ok, err)
	}
	if s := apply.Summary(e); !strings.Contains(s, "asked the submitter") {
		t.Errorf("journal summary %q does not say the submitter was asked", s)
	}
	h.view(t)
}

// a on a ticket with findings says why nothing opens, and the help does not offer it; f on
// the ask ticket points to a instead of saying there is nothing to fix.
func TestAskOnlyOnAskTickets(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4001")
	h.keys("enter", "a")
	h.waitFor(t, "a: #4001 is not an ask ticket")
	h.keys("esc", "/")
	h.tm.Type("4012")
	h.keys("enter", "f")
	h.waitFor(t, "press a to ask the submitter")
	v := h.view(t)
	if strings.Contains(v, "Nothing to fix") {
		t.Errorf("f on an ask ticket says there is nothing to fix:\n%s", v)
	}
	if !strings.Contains(v, "a ask the submitter") {
		t.Errorf("the help line does not offer a on the ask ticket #4012:\n%s", v)
	}
}

// The help line offers a only where it works.
func TestAskNotOfferedOnOtherTickets(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4001")
	h.keys("enter", "enter")
	h.waitFor(t, "#4001")
	if v := h.view(t); strings.Contains(v, "a ask the submitter") {
		t.Errorf("the detail of #4001 (findings, not an ask ticket) offers a:\n%s", v)
	}
}

// Undo of an ask says the reply cannot be unsent, sets the status back (new cannot come
// back: open) and adds an internal note that the question was withdrawn.
func TestUndoAskWithdrawsQuestion(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4012")
	h.keys("enter", "a")
	h.waitFor(t, "Ask the submitter #4012")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.waitFor(t, "Review #4012")
	h.keys("y")
	h.waitFor(t, "Submitted", "question is withdrawn")
	h.keys("u")
	h.waitFor(t, "Undo #", "cannot be unsent", "withdrawn")
	h.keys("y")
	h.waitFor(t, "Reverted")
	tk, _ := h.srv.Ticket(4012)
	if tk.Status != "open" {
		t.Errorf("status after undo = %q, want open (a ticket never goes back to new)", tk.Status)
	}
	cs := h.srv.Comments(4012)
	if last := cs[len(cs)-1]; last.Public || !strings.Contains(last.Body, "Question withdrawn") {
		t.Errorf("last comment = %+v, want an internal note withdrawing the question", last)
	}
	h.view(t)
}

// The question is sent with the updated_at read when a was pressed: a ticket changed in
// Zendesk meanwhile is refused by safe_update (nothing sent), never answered blindly.
func TestAskRefusedWhenTicketChangedMeanwhile(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4012")
	h.keys("enter", "a")
	h.waitFor(t, "Ask the submitter #4012")
	h.srv.UpdateTicketDirect(4012, func(tk *zendesktest.Ticket) { tk.Status = "hold" })
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.waitFor(t, "Review #4012")
	h.keys("y")
	h.waitFor(t, "nothing was overwritten")
	for _, c := range h.srv.Comments(4012) {
		if c.Public && strings.Contains(c.Body, "NFR licences") {
			t.Errorf("the question was sent over a ticket changed meanwhile: %+v", c)
		}
	}
	if tk, _ := h.srv.Ticket(4012); tk.Status != "hold" {
		t.Errorf("status = %q, want hold (the other agent's change kept)", tk.Status)
	}
	h.view(t)
}
