package model

import (
	"strings"
	"testing"
	"time"
)

func TestRenderAsk(t *testing.T) {
	got := RenderAsk("", "Pat Partner", 4012)
	for _, want := range []string{"Hello Pat Partner,", "#4012", "Organization Email (partners)", "CC'd", "NFR licences"} {
		if !strings.Contains(got, want) {
			t.Errorf("default reply lacks %q:\n%s", want, got)
		}
	}
	if got := RenderAsk("Hi {submitter_name}", "", 1); got != "Hi there" {
		t.Errorf("no name: %q", got)
	}
	if err := CheckAskTemplate("Hi {name}"); err == nil || !strings.Contains(err.Error(), "{name}") {
		t.Errorf("unknown placeholder: err = %v", err)
	}
	if err := CheckAskTemplate(DefaultAskSubmitter); err != nil {
		t.Errorf("default template refused: %v", err)
	}
}

// Undo of an ask sets the status back (new cannot come back: open) and withdraws the
// question in an internal note; the public reply cannot be unsent.
func TestPlanUndoAsk(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	e := JournalEntry{TicketID: 4012, Time: t0, Before: TicketState{RequesterID: 5, Status: "new"},
		After: TicketState{RequesterID: 5, Status: "pending"}, UpdatedAt: t0, PublicReply: "Which applies?"}
	if !e.Revertible() {
		t.Fatal("an ask is not revertible")
	}
	p, err := PlanUndo(RuleConfig{}, e, Ticket{ID: 4012, RequesterID: 5, Status: "pending", UpdatedAt: t0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Update.Status != "open" || p.Update.PublicReply != "" || !strings.Contains(p.Update.Note, "Question withdrawn") {
		t.Errorf("undo update %+v: want status open and an internal note withdrawing the question", p.Update)
	}
	if !strings.Contains(p.Unsendable, "cannot be unsent") {
		t.Errorf("Unsendable = %q: the undo preview must say the reply cannot be unsent", p.Unsendable)
	}
	if _, err := PlanUndo(RuleConfig{}, e, Ticket{ID: 4012, RequesterID: 5, Status: "solved", UpdatedAt: t0}, nil); err == nil {
		t.Error("undo over a status somebody changed was accepted")
	}
	// Without the status toggle: the note alone withdraws the question.
	e.Before.Status, e.After.Status = "", ""
	p, err = PlanUndo(RuleConfig{}, e, Ticket{ID: 4012, RequesterID: 5, Status: "open", UpdatedAt: t0}, nil)
	if err != nil || p.Update.Status != "" || !strings.Contains(p.Update.Note, "Question withdrawn") {
		t.Errorf("plan %+v, err %v", p.Update, err)
	}
}

// The withdrawal note does not describe a question the reply did not ask: #4006's asked
// for the customer's address, and the note said "which situation applies" (trial 4).
func TestUndoAskNoteClaimsNoQuestion(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	e := JournalEntry{TicketID: 4006, Time: t0, Before: TicketState{RequesterID: 5, Status: "open"},
		After: TicketState{RequesterID: 5, Status: "pending"}, UpdatedAt: t0,
		PublicReply: "Could you send us the end customer's correct email address?"}
	p, err := PlanUndo(RuleConfig{}, e, Ticket{ID: 4006, RequesterID: 5, Status: "pending", UpdatedAt: t0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.Update.Note, "which situation") || !strings.Contains(p.Update.Note, "Question withdrawn") {
		t.Errorf("note %q: want the withdrawal without a question the reply did not ask", p.Update.Note)
	}
}
