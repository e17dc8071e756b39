package apply_test

import (
	"context"
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/model"
)

// An ask whose answer is lost after Zendesk applied it is confirmed by reading the ticket
// back (status and a moved updated_at), journaled with the reply and the status before and
// after, and its undo sets the status back with a note withdrawing the question.
func TestAskAnswerLostAfterApply(t *testing.T) {
	for _, tc := range lostAnswers {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			before := f.queue[4012]
			upd := model.AskUpdate(before, "Which situation applies?", true)
			fault := tc.fault
			fault.Method, fault.PathPrefix, fault.AfterApply = "PUT", "/api/v2/tickets/4012", true
			f.srv.Inject(fault)
			out := apply.Submit(context.Background(), f.client, f.j, upd, nil, before, now)
			if out.Err != nil || out.Unknown {
				t.Fatalf("outcome err=%v unknown=%v, want applied", out.Err, out.Unknown)
			}
			if got := strings.Join(out.Applied, "; "); !strings.Contains(got, "status pending") || !strings.Contains(got, "public reply") {
				t.Errorf("applied = %q, want the status and the public reply confirmed", got)
			}
			e, ok, err := f.j.Last()
			if err != nil || !ok || e.PublicReply == "" || e.Before.Status != before.Status || e.After.Status != "pending" {
				t.Fatalf("journal Last = %+v %v %v", e, ok, err)
			}
			p, err := apply.PrepareUndo(context.Background(), f.client, f.j, f.rules, 0)
			if err != nil {
				t.Fatalf("undo: %v", err)
			}
			if u := apply.Undo(context.Background(), f.client, f.j, p); u.Err != nil {
				t.Fatalf("undo: %v", u.Err)
			}
			if got, _ := f.srv.Ticket(4012); got.Status != "open" {
				t.Errorf("after undo status = %q, want open (new cannot come back)", got.Status)
			}
		})
	}
}
