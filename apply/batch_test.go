package apply_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/journal"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

type batchWorld struct {
	srv    *zendesktest.Server
	client *zendesk.Client
	j      *journal.File
	rules  model.RuleConfig
	items  []apply.BatchItem // the demo queue's fixable tickets, by id
}

func newBatchWorld(t *testing.T) *batchWorld {
	t.Helper()
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("a@demo.test", "tok"))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	c, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Email: "a@demo.test", APIToken: "tok",
		ViewID: cfg.Queue.ViewID, Rules: cfg.Rules(), MaxWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := &batchWorld{srv: srv, client: c, rules: cfg.Rules()}
	dir := model.NewDirectory()
	var tickets []model.Ticket
	if err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
		dir.Merge(p)
		tickets = append(tickets, p.Tickets...)
	}); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(tickets, func(a, b model.Ticket) int { return int(a.ID - b.ID) })
	for _, tk := range tickets {
		p := model.BuildPlan(cfg.Rules(), tk, model.Evaluate(cfg.Rules(), tk, dir), dir, model.PlanOptions{})
		upd, rms := p.Compile(cfg.Rules())
		if p.Refused == "" && !upd.IsEmpty() && len(rms) == 0 {
			w.items = append(w.items, apply.BatchItem{Before: tk, Update: upd})
		}
	}
	if len(w.items) < 5 {
		t.Fatalf("the demo queue has %d fixable tickets, want 5", len(w.items))
	}
	if w.j, err = journal.Open(filepath.Join(t.TempDir(), "journal.jsonl")); err != nil {
		t.Fatal(err)
	}
	return w
}

func clock() func() time.Time {
	t := now
	return func() time.Time { t = t.Add(time.Second); return t }
}

// Five tickets, the third changed by somebody else meanwhile: four applied, one conflict
// (reloaded, nothing overwritten), each its own journal entry under the batch id.
func TestRunBatchFiveTicketsOneConflict(t *testing.T) {
	w := newBatchWorld(t)
	items := w.items[:5]
	third := items[2].Before.ID
	w.srv.UpdateTicketDirect(third, func(tk *zendesktest.Ticket) { tk.Priority = "high" })
	var progress []int
	res := apply.RunBatch(context.Background(), w.client, w.j, "b-1", items, apply.Pacing{}, clock(), nil,
		func(done int, r apply.BatchResult) { progress = append(progress, done) })
	want := []apply.BatchStatus{apply.BatchApplied, apply.BatchApplied, apply.BatchConflict, apply.BatchApplied, apply.BatchApplied}
	for i, r := range res {
		if r.Status != want[i] || r.TicketID != items[i].Before.ID || r.Reason == "" {
			t.Errorf("result %d: %+v, want %s for #%d with a reason", i, r, want[i], items[i].Before.ID)
		}
	}
	if !slices.Equal(progress, []int{1, 2, 3, 4, 5}) {
		t.Errorf("progress %v", progress)
	}
	if res[2].Outcome.Reloaded == nil {
		t.Error("the conflicting ticket was not reloaded")
	}
	for i, it := range items {
		got, _ := w.srv.Ticket(it.Before.ID)
		changed := !got.UpdatedAt.Equal(it.Before.UpdatedAt)
		if i == 2 {
			if got.Priority != "high" || len(w.srv.Comments(it.Before.ID)) != 1 {
				t.Errorf("#%d: the conflicting ticket was overwritten", it.Before.ID)
			}
		} else if !changed {
			t.Errorf("#%d: not written", it.Before.ID)
		}
	}
	entries, err := apply.BatchChanges(w.j, "b-1")
	if err != nil || len(entries) != 4 {
		t.Fatalf("journal batch: %d entries (%v), want 4", len(entries), err)
	}
	for _, e := range entries {
		if e.TicketID == third || e.Batch != "b-1" {
			t.Errorf("journal entry %+v", e)
		}
	}

	// Undo the batch: the four tickets are reverted, newest first.
	undone, err := apply.UndoBatch(context.Background(), w.client, w.j, w.rules, "b-1", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(undone) != 4 || undone[0].TicketID != items[4].Before.ID {
		t.Fatalf("undo results %+v", undone)
	}
	for _, r := range undone {
		if r.Status != apply.BatchApplied {
			t.Errorf("undo #%d: %s %s", r.TicketID, r.Status, r.Reason)
		}
		got, _ := w.srv.Ticket(r.TicketID)
		var before model.Ticket
		for _, it := range items {
			if it.Before.ID == r.TicketID {
				before = it.Before
			}
		}
		if got.RequesterID != before.RequesterID || got.OrganizationID != before.OrganizationID {
			t.Errorf("#%d not reverted: requester %d org %d, was %d %d", r.TicketID, got.RequesterID, got.OrganizationID,
				before.RequesterID, before.OrganizationID)
		}
	}
	if left, _ := apply.BatchChanges(w.j, "b-1"); len(left) != 0 {
		t.Errorf("%d entries left after undoing the batch", len(left))
	}
}

// Stopping between tickets finishes the one in flight and sends nothing after it; a refused
// plan is never sent.
func TestRunBatchStopsBetweenTickets(t *testing.T) {
	w := newBatchWorld(t)
	items := slices.Clone(w.items[:4])
	items[0].Refused = "refused: it would set Select partner organization X on the ticket of customer y"
	stop := make(chan struct{})
	res := apply.RunBatch(context.Background(), w.client, w.j, "b-2", items, apply.Pacing{}, clock(), stop,
		func(done int, r apply.BatchResult) {
			if done == 2 {
				close(stop)
			}
		})
	want := []apply.BatchStatus{apply.BatchRefused, apply.BatchApplied, apply.BatchNotSent, apply.BatchNotSent}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("result %d: %s (%s), want %s", i, r.Status, r.Reason, want[i])
		}
		got, _ := w.srv.Ticket(items[i].Before.ID)
		if written := !got.UpdatedAt.Equal(items[i].Before.UpdatedAt); written != (i == 1) {
			t.Errorf("#%d written = %v", items[i].Before.ID, written)
		}
	}
	if !strings.Contains(res[0].Reason, "Select partner") {
		t.Errorf("refusal reason %q", res[0].Reason)
	}
}

// Audit removals: memberships without a ticket, journaled under the batch; undoing the batch
// never restores them.
func TestRunBatchAuditRemovalNeverRestored(t *testing.T) {
	w := newBatchWorld(t)
	liam, _ := w.srv.UserByEmail("liam.novak@adatum.com")
	var rm model.MembershipRemoval
	for _, m := range w.srv.Memberships(liam.ID) {
		if m.OrganizationID == zendesktest.OrgCoho {
			rm = model.MembershipRemoval{MembershipID: m.ID, UserID: liam.ID, OrganizationID: m.OrganizationID}
		}
	}
	if rm.MembershipID == 0 {
		t.Fatal("demo: Liam Novak is not in Coho Digital")
	}
	res := apply.RunBatch(context.Background(), w.client, w.j, "b-3", []apply.BatchItem{{Removals: []model.MembershipRemoval{rm}}},
		apply.Pacing{}, clock(), nil, nil)
	if len(res) != 1 || res[0].Status != apply.BatchApplied || !strings.Contains(res[0].Reason, "membership") {
		t.Fatalf("removal: %+v", res)
	}
	gone := func() bool {
		for _, m := range w.srv.Memberships(liam.ID) {
			if m.OrganizationID == zendesktest.OrgCoho {
				return false
			}
		}
		return true
	}
	if !gone() {
		t.Fatal("membership still there")
	}
	undone, err := apply.UndoBatch(context.Background(), w.client, w.j, w.rules, "b-3", nil, nil)
	if err != nil || len(undone) != 1 || undone[0].Status != apply.BatchKept {
		t.Fatalf("undo: %+v %v", undone, err)
	}
	if !gone() {
		t.Error("undo restored a customer's membership in a Select org")
	}
}

// Past the update limit the batch waits for the window before the next write. Checked as a
// lower bound on elapsed time (which a correct batch always meets, however slow the machine).
func TestRunBatchPacesUpdates(t *testing.T) {
	w := newBatchWorld(t)
	const window = 300 * time.Millisecond
	t0 := time.Now()
	res := apply.RunBatch(context.Background(), w.client, w.j, "b-4", w.items[:3], apply.Pacing{PerWindow: 2, Window: window},
		clock(), nil, nil)
	for _, r := range res {
		if r.Status != apply.BatchApplied {
			t.Fatalf("results %+v", res)
		}
	}
	if took := time.Since(t0); took < window {
		t.Errorf("3 writes at 2 per %v took %v: the third was not held back", window, took)
	}
}

// A failure that is not about one ticket (here every write answers 500) stops the batch
// after it, instead of failing every ticket in turn; nothing after it is sent.
func TestRunBatchStopsAfterFailure(t *testing.T) {
	w := newBatchWorld(t)
	items := w.items[:3]
	w.srv.Inject(zendesktest.Fault{Method: "PUT", PathPrefix: "/api/v2/tickets/", Status: 500, Times: -1})
	res := apply.RunBatch(context.Background(), w.client, w.j, "b-5", items, apply.Pacing{}, clock(), nil, nil)
	want := []apply.BatchStatus{apply.BatchFailed, apply.BatchNotSent, apply.BatchNotSent}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("result %d: %s (%s), want %s", i, r.Status, r.Reason, want[i])
		}
	}
	if !strings.Contains(res[1].Reason, fmt.Sprintf("#%d failed", items[0].Before.ID)) {
		t.Errorf("reason %q does not say where the batch stopped", res[1].Reason)
	}
	puts := 0
	for _, r := range w.srv.Requests() {
		if r.Method == "PUT" {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("%d ticket writes sent, want only the first", puts)
	}
}

// The journal list names an audit removal and its batch, never "ticket #0".
func TestSummaryNamesAuditRemovalAndBatch(t *testing.T) {
	s := apply.Summary(model.JournalEntry{ID: 3, Time: now, Batch: "b-9",
		RemovedMemberships: []model.MembershipRemoval{{MembershipID: 1, UserID: 2, OrganizationID: 3}}})
	if strings.Contains(s, "#0") || !strings.Contains(s, "audit (batch b-9)") || !strings.Contains(s, "removed the membership of user #2 in organization #3") {
		t.Errorf("summary %q", s)
	}
}

// Trial finding 11: undoing a batch with #4031 (moved from the Select org Coho Digital to
// the customer's organization) failed with a 422 and would have set the Select org back on
// a customer's ticket. Now that ticket is kept, with the handbook's reason, and not written.
func TestUndoBatchKeepsSelectOrganizationAway(t *testing.T) {
	w := newBatchWorld(t)
	var items []apply.BatchItem
	for _, it := range w.items {
		if it.Before.ID == 4031 {
			items = append(items, it)
		}
	}
	if len(items) != 1 {
		t.Fatal("demo: #4031 is not a fixable ticket")
	}
	res := apply.RunBatch(context.Background(), w.client, w.j, "b-4031", items, apply.Pacing{}, clock(), nil, nil)
	if len(res) != 1 || res[0].Status != apply.BatchApplied {
		t.Fatalf("fix: %+v", res)
	}
	fixed, _ := w.srv.Ticket(4031)
	undone, err := apply.UndoBatch(context.Background(), w.client, w.j, w.rules, "b-4031", nil, nil)
	if err != nil || len(undone) != 1 {
		t.Fatalf("undo: %+v %v", undone, err)
	}
	r := undone[0]
	if r.Status != apply.BatchKept || !strings.Contains(r.Reason, "Coho Digital") || !strings.Contains(r.Reason, "Never associate") ||
		strings.Contains(r.Reason, "422") || strings.Contains(r.Reason, "360100000105") {
		t.Errorf("undo of #4031: %s %q, want kept with the handbook's reason, naming Coho Digital", r.Status, r.Reason)
	}
	if got, _ := w.srv.Ticket(4031); got.OrganizationID != fixed.OrganizationID || got.OrganizationID == zendesktest.OrgCoho {
		t.Errorf("#4031 organization %d after the undo, want it kept at %d", got.OrganizationID, fixed.OrganizationID)
	}
}
