package tui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// A bulk fix of the five tickets at the top of the queue, one of which somebody changes
// meanwhile: four are applied on the emulator, the fifth is reported as a conflict (reloaded
// and judged again, nothing overwritten), each ticket is its own journal entry under one
// batch id, and u undoes the batch.
func TestBulkFixFiveTicketsOneConflict(t *testing.T) {
	h := start(t, 100, 30)
	for range 5 {
		h.keys("x")
	}
	h.waitFor(t, "●4001", "●4005", "5 marked")
	before := map[int64]zendesktest.Ticket{}
	for _, id := range []int64{4001, 4002, 4003, 4004, 4005} {
		before[id], _ = h.srv.Ticket(id)
	}
	comments4003 := len(h.srv.Comments(4003))
	h.srv.UpdateTicketDirect(4003, func(tk *zendesktest.Ticket) { tk.Priority = "urgent" })

	h.keys("F")
	h.waitFor(t, "Review bulk fix: 5 of 5 included", "Organization Email acme.cmo → acme.com")
	h.keys("y")
	h.waitFor(t, "bulk fix: 4 applied, 1 conflict", "judged again")

	for id, b := range before {
		got, _ := h.srv.Ticket(id)
		written := !got.UpdatedAt.Equal(b.UpdatedAt)
		if id == 4003 {
			if got.Priority != "urgent" || got.RequesterID != b.RequesterID || len(h.srv.Comments(id)) != comments4003 {
				t.Errorf("#4003 was overwritten: %+v", got)
			}
			continue
		}
		if !written {
			t.Errorf("#%d was not written", id)
		}
	}
	if got, _ := h.srv.Ticket(4001); orgEmail(got, zendesktest.FieldOrgEmail) != "jane@acme.com" {
		t.Errorf("#4001 Organization Email = %q", orgEmail(got, zendesktest.FieldOrgEmail))
	}
	last, ok, err := h.journal.Last()
	if err != nil || !ok || last.Batch == "" {
		t.Fatalf("journal's last entry %+v (%v): want one of the batch", last, err)
	}
	entries, err := apply.BatchChanges(h.journal, last.Batch)
	if err != nil || len(entries) != 4 {
		t.Fatalf("the batch has %d journal entries (%v), want 4", len(entries), err)
	}

	// Trial finding 11: the prompt shows what each undo sets back, with names.
	h.keys("u")
	h.waitFor(t, "Undo the whole batch", "4 changes", "#4001", "Organization Email (partners): jane@acme.com → jane@acme.cmo")
	h.keys("y")
	h.waitFor(t, "undo of the bulk fix: 4 reverted")
	for _, id := range []int64{4001, 4002, 4004, 4005} {
		got, _ := h.srv.Ticket(id)
		if got.RequesterID != before[id].RequesterID || got.OrganizationID != before[id].OrganizationID {
			t.Errorf("#%d not reverted: requester %d org %d, was %d %d", id, got.RequesterID, got.OrganizationID,
				before[id].RequesterID, before[id].OrganizationID)
		}
	}
}

// esc on the queue clears the marks; F without marks says how to mark.
func TestBulkMarksClear(t *testing.T) {
	h := start(t, 100, 30)
	h.keys("x", "x")
	h.waitFor(t, "2 marked")
	h.keys("esc")
	h.keys("F")
	h.waitFor(t, "mark tickets with x first")
	if v := h.view(t); strings.Contains(v, "●") || strings.Contains(v, "marked ·") {
		t.Errorf("marks left after esc:\n%s", v)
	}
}

// The audit screen lists the demo's four violations (two on no queued ticket), removes the
// chosen one through the review, journal and progress, and undo never restores it.
func TestAuditScreenRemovesChosenMembership(t *testing.T) {
	h := start(t, 100, 30)
	h.keys("A")
	h.waitFor(t, "4 break the Select rule", "liam.novak@adatum.com in Coho Digital")
	h.keys("j", "space", "enter")
	h.waitFor(t, "Review audit removal: 1 of 1 included")
	h.keys("y")
	h.waitFor(t, "audit removal: 1 applied")
	inCoho := func() bool {
		liam, _ := h.srv.UserByEmail("liam.novak@adatum.com")
		for _, m := range h.srv.Memberships(liam.ID) {
			if m.OrganizationID == zendesktest.OrgCoho {
				return true
			}
		}
		return false
	}
	if inCoho() {
		t.Fatal("the chosen membership is still on the emulator")
	}
	ben, _ := h.srv.UserByEmail("ben.carter@wingtipbank.com")
	if len(h.srv.Memberships(ben.ID)) != 2 {
		t.Error("a membership that was not chosen was removed")
	}
	last, ok, _ := h.journal.Last()
	if !ok || last.Batch == "" || len(last.RemovedMemberships) != 1 {
		t.Errorf("journal entry %+v", last)
	}
	// Trial finding 11: the result names who left which organization, and offers no undo
	// (removed memberships are never restored).
	h.keys("u")
	h.waitFor(t, "nothing in this batch can be undone")
	if inCoho() {
		t.Error("undo restored a customer's membership in a Select org")
	}
	if v := h.view(t); !strings.Contains(v, "applied: removed the membership of liam.novak@adatum.com in Coho Digital") ||
		strings.Contains(v, "u undo") || strings.Contains(v, "membership 5") || strings.Contains(v, "Undo the whole batch") {
		t.Errorf("the result offers an undo or names the membership by id:\n%s", v)
	}
}

// u offers to undo a whole batch found in the journal (submitted by an earlier session).
func TestUndoOffersBatchFromJournal(t *testing.T) {
	h := start(t, 100, 30)
	c, err := zendesk.New(zendesk.Config{BaseURL: h.srv.URL(), Email: demoEmail, APIToken: demoToken,
		ViewID: zendesktest.DemoViewID, Rules: h.rules})
	if err != nil {
		t.Fatal(err)
	}
	var items []apply.BatchItem
	for _, id := range []int64{4014, 4015} {
		p, err := c.ReloadTicket(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		tk := p.Tickets[0]
		items = append(items, apply.BatchItem{Before: tk, Update: model.TicketUpdate{TicketID: id, UpdatedStamp: tk.UpdatedAt,
			CustomFields: map[int64]string{h.rules.CCRequestField: "earlier session"}, Note: "test"}})
	}
	res := apply.RunBatch(context.Background(), c, h.journal, "earlier-batch", items, apply.Pacing{}, time.Now, nil, nil)
	for _, r := range res {
		if r.Status != apply.BatchApplied {
			t.Fatalf("setup batch: %+v", r)
		}
	}
	h.keys("u")
	h.waitFor(t, "Undo the whole batch (earlier-batch, 2 changes)")
	h.keys("y")
	h.waitFor(t, "undo of the bulk fix: 2 reverted")
	for _, id := range []int64{4014, 4015} {
		got, _ := h.srv.Ticket(id)
		if orgEmail(got, zendesktest.FieldCCRequest) == "earlier session" {
			t.Errorf("#%d not reverted", id)
		}
	}
}

// A ticket the rules read two ways (#4035: the fix would move it from one customer to
// another) is shown with its warning and left out until the agent takes it in.
func TestBulkLeavesAmbiguousTicketOut(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4035")
	h.keys("enter")
	h.waitFor(t, "filter: 4035")
	h.keys("x", "esc", "g", "x") // #4035, then the first row of the whole queue (#4001)
	h.waitFor(t, "2 marked")
	before, _ := h.srv.Ticket(4035)
	h.keys("F")
	h.waitFor(t, "Review bulk fix: 1 of 2 included", "⚠ This moves the ticket from customer Adatum Health")
	h.keys("y")
	h.waitFor(t, "bulk fix: 1 applied")
	if after, _ := h.srv.Ticket(4035); !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Error("#4035 was sent although it was left out")
	}
}

// An audit that Zendesk refuses says so on the screen, whole, and r runs it again.
func TestAuditScreenShowsErrorAndRetries(t *testing.T) {
	h := start(t, 100, 30)
	h.srv.Inject(zendesktest.Fault{Method: "GET", PathPrefix: "/api/v2/search/export", Status: 403})
	h.keys("A")
	h.waitFor(t, "Audit failed", "audit: GET /search/export", "403")
	h.keys("r")
	h.waitFor(t, "4 break the Select rule")
	h.keys("enter") // nothing chosen: the membership under the cursor
	h.waitFor(t, "Review audit removal: 1 of 1 included", "ben.carter@wingtipbank.com in Relecloud")
}

// Trial finding 11 (#4031): u says, before anything is sent, that the customer's ticket
// keeps its organization rather than going back under the Select org Coho Digital — the
// batch is not offered for undo at all, as nothing of it can be set back; a one-group
// review says "1 kind of change".
func TestBatchUndoPromptKeepsSelectOrganizationAway(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4031")
	h.keys("enter")
	h.waitFor(t, "filter: 4031")
	h.keys("x")
	h.waitFor(t, "1 marked")
	h.keys("F")
	h.waitFor(t, "Review bulk fix: 1 of 1 included · 1 kind of change")
	h.keys("y")
	h.waitFor(t, "bulk fix: 1 applied")
	fixed, _ := h.srv.Ticket(4031)
	h.keys("u")
	h.waitFor(t, "nothing in this batch can be undone: #4031: Organization stays Fabrikam Manufacturing")
	h.keys("!")
	h.waitFor(t, "Coho Digital")
	if got, _ := h.srv.Ticket(4031); got.OrganizationID != fixed.OrganizationID {
		t.Errorf("#4031 organization %d after the undo, want %d kept", got.OrganizationID, fixed.OrganizationID)
	}
	if v := h.view(t); strings.Contains(v, "422") || strings.Contains(v, "360100000105") {
		t.Errorf("the undo shows a raw error:\n%s", v)
	}
}
