package apply_test

import (
	"context"
	"errors"
	"path/filepath"
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

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

type fixture struct {
	srv    *zendesktest.Server
	client *zendesk.Client
	rules  model.RuleConfig
	dir    *model.Directory
	queue  map[int64]model.Ticket
	j      *journal.File
}

func setup(t *testing.T) *fixture {
	t.Helper()
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("a@demo.test", "tok"))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	c, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Email: "a@demo.test", APIToken: "tok",
		ViewID: cfg.Queue.ViewID, Rules: cfg.Rules(), MaxWait: time.Second,
		// Short, so the timeout-after-apply cases end soon; reads are retried after a timeout
		// and a write that timed out is read back, so a slow machine only adds a retry.
		RequestTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{srv: srv, client: c, rules: cfg.Rules(), dir: model.NewDirectory(), queue: map[int64]model.Ticket{}}
	if err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
		f.dir.Merge(p)
		for _, tk := range p.Tickets {
			f.queue[tk.ID] = tk
		}
	}); err != nil {
		t.Fatal(err)
	}
	if f.j, err = journal.Open(filepath.Join(t.TempDir(), "journal.jsonl")); err != nil {
		t.Fatal(err)
	}
	return f
}

// plan builds and compiles the default fix of a demo ticket.
func (f *fixture) plan(id int64) (model.TicketUpdate, []model.MembershipRemoval, model.Ticket) {
	tk := f.queue[id]
	p := model.BuildPlan(f.rules, tk, model.Evaluate(f.rules, tk, f.dir), f.dir, model.PlanOptions{})
	upd, rms := p.Compile(f.rules)
	return upd, rms, tk
}

// When the membership removal fails, the ticket update is not sent and the outcome says so.
func TestSubmitStopsAfterFailedRemoval(t *testing.T) {
	f := setup(t)
	upd, rms, before := f.plan(4016)
	if len(rms) != 1 {
		t.Fatalf("plan for 4016 removes %d memberships, want 1", len(rms))
	}
	f.srv.Inject(zendesktest.Fault{Method: "DELETE", PathPrefix: "/api/v2/organization_memberships/", Status: 500, Times: -1})
	out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now)
	if out.Err == nil || len(out.Applied) != 0 {
		t.Fatalf("outcome %+v, want an error and nothing applied", out)
	}
	if got := strings.Join(out.NotApplied, "; "); !strings.Contains(got, "remove membership") || !strings.Contains(got, "nothing on the ticket was changed") {
		t.Errorf("not applied = %q, want the removal and the untouched ticket", got)
	}
	if _, ok, _ := f.j.Last(); ok {
		t.Error("a change that applied nothing was journaled")
	}
	after, _ := f.srv.Ticket(4016)
	if !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Error("the ticket was written although the removal failed")
	}
}

// A membership-only change is journaled, but undo will not restore the membership: it tied
// a customer to a Select partner, and putting it back would break the handbook's rule. Such
// an entry never blocks the changes before it: u goes past it, and naming it says why not.
func TestMembershipOnlyChangeDoesNotBlockUndo(t *testing.T) {
	f := setup(t)
	upd, rms, before := f.plan(4004)
	if out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now); out.Err != nil {
		t.Fatal(out.Err)
	}
	_, rms, before = f.plan(4016)
	out := apply.Submit(context.Background(), f.client, f.j, model.TicketUpdate{TicketID: 4016}, rms, before, now.Add(time.Minute))
	if out.Err != nil || len(out.Removed) != 1 {
		t.Fatalf("removal: err=%v removed=%v, want the one membership", out.Err, out.Removed)
	}
	ben, _ := f.srv.UserByEmail("ben.carter@wingtipbank.com")
	n := len(f.srv.Memberships(ben.ID))
	entries, err := apply.Entries(f.j)
	if err != nil || len(entries) != 2 || entries[0].TicketID != 4016 {
		t.Fatalf("entries %+v %v, want the removal then the fix", entries, err)
	}
	var refused *apply.RefusedError
	if _, err := apply.PrepareUndo(context.Background(), f.client, f.j, f.rules, entries[0].ID); !errors.As(err, &refused) || !strings.Contains(err.Error(), "would break the handbook's rule") {
		t.Fatalf("undo of the membership-only change: %v, want a refusal that explains why", err)
	}
	p, err := apply.PrepareUndo(context.Background(), f.client, f.j, f.rules, 0)
	if err != nil || p.Entry.TicketID != 4004 {
		t.Fatalf("u after a membership-only change: %+v %v, want the fix of 4004 before it", p.Entry, err)
	}
	if u := apply.Undo(context.Background(), f.client, f.j, p); u.Err != nil {
		t.Fatal(u.Err)
	}
	if got := len(f.srv.Memberships(ben.ID)); got != n {
		t.Errorf("memberships changed by undo: %d → %d", n, got)
	}
	if _, err := apply.PrepareUndo(context.Background(), f.client, f.j, f.rules, 0); !errors.Is(err, apply.ErrNothingToUndo) || !strings.Contains(err.Error(), "never restored") {
		t.Errorf("after undoing the fix: %v, want nothing to undo, saying why", err)
	}
}

// Undo refuses when somebody changed the ticket after partner-triage did.
func TestUndoRefusesAfterLaterEdit(t *testing.T) {
	f := setup(t)
	upd, rms, before := f.plan(4004)
	if out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now); out.Err != nil {
		t.Fatal(out.Err)
	}
	f.srv.UpdateTicketDirect(4004, func(tk *zendesktest.Ticket) { tk.Status = "open" })
	_, err := apply.PrepareUndo(context.Background(), f.client, f.j, f.rules, 0)
	if err == nil || !strings.Contains(err.Error(), "changed in Zendesk since") {
		t.Fatalf("err = %v, want a refusal naming the later change", err)
	}
	if got, _ := f.srv.Ticket(4004); got.OrganizationID == 0 {
		t.Error("the refused undo changed the ticket")
	}
}

// lostAnswers are the ways Zendesk's answer to a write that it applied can be lost.
var lostAnswers = []struct {
	name  string
	fault zendesktest.Fault
}{
	{"connection reset", zendesktest.Fault{Reset: true}},
	{"500 after applying", zendesktest.Fault{Status: 500}},
	{"504 after applying", zendesktest.Fault{Status: 504, Body: `<html>Gateway Timeout</html>`}},
	{"cut-off body", zendesktest.Fault{CutOff: true}},
	{"timeout after applying", zendesktest.Fault{Delay: time.Hour}},
	{"200 without ticket", zendesktest.Fault{Body: `{}`}},
}

// A ticket update that Zendesk applied but whose answer was lost is read back: the outcome
// says applied, the journal holds the change, and undo reverts it.
func TestSubmitAnswerLostAfterApply(t *testing.T) {
	for _, tc := range lostAnswers {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			upd, rms, before := f.plan(4004)
			fault := tc.fault
			fault.Method, fault.PathPrefix, fault.AfterApply = "PUT", "/api/v2/tickets/4004", true
			f.srv.Inject(fault)
			out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now)
			if out.Err != nil || out.Conflict || out.Unknown {
				t.Fatalf("outcome err=%v conflict=%v unknown=%v, want applied", out.Err, out.Conflict, out.Unknown)
			}
			if got := strings.Join(out.Applied, "; "); !strings.Contains(got, "confirmed by reading the ticket back") {
				t.Errorf("applied = %q, want it confirmed by the read-back", got)
			}
			if len(out.NotApplied) > 0 {
				t.Errorf("not applied = %q, want nothing", out.NotApplied)
			}
			e, ok, err := f.j.Last()
			if err != nil || !ok || e.TicketID != 4004 || e.UpdatedAt.IsZero() {
				t.Fatalf("journal Last = %+v %v %v, want the applied change with its updated_at", e, ok, err)
			}
			if pending, _ := f.j.Interrupted(); len(pending) != 0 {
				t.Errorf("an applied change is still reported as interrupted: %+v", pending)
			}
			p, err := apply.PrepareUndo(context.Background(), f.client, f.j, f.rules, 0)
			if err != nil {
				t.Fatalf("undo: %v", err)
			}
			if u := apply.Undo(context.Background(), f.client, f.j, p); u.Err != nil {
				t.Fatalf("undo: %v", u.Err)
			}
			if got, _ := f.srv.Ticket(4004); got.OrganizationID != before.OrganizationID {
				t.Errorf("after undo organization = %d, want %d", got.OrganizationID, before.OrganizationID)
			}
		})
	}
}

// An update that failed without being applied is read back too and reported as not applied;
// the journal keeps nothing to undo.
func TestSubmitFailedNotApplied(t *testing.T) {
	f := setup(t)
	upd, rms, before := f.plan(4004)
	f.srv.Inject(zendesktest.Fault{Method: "PUT", PathPrefix: "/api/v2/tickets/4004", Status: 500})
	out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now)
	if out.Err == nil || len(out.Applied) != 0 || out.Unknown {
		t.Fatalf("outcome %+v, want an error and nothing applied", out)
	}
	if got := strings.Join(out.NotApplied, "; "); !strings.Contains(got, "nothing on the ticket was changed") {
		t.Errorf("not applied = %q, want the read-back's verdict", got)
	}
	if _, ok, _ := f.j.Last(); ok {
		t.Error("a change that applied nothing was journaled")
	}
	if pending, _ := f.j.Interrupted(); len(pending) != 0 {
		t.Errorf("a change known not applied is reported as interrupted: %+v", pending)
	}
}

// When neither the answer nor a read-back comes, the outcome says nobody can tell yet and the
// intent stays open for the next start to report.
func TestSubmitOutcomeUnknown(t *testing.T) {
	f := setup(t)
	upd, rms, before := f.plan(4004)
	f.srv.Inject(zendesktest.Fault{Method: "PUT", PathPrefix: "/api/v2/tickets/4004", AfterApply: true, Reset: true})
	f.srv.Inject(zendesktest.Fault{Method: "GET", PathPrefix: "/api/v2/tickets/4004", Status: 503, Times: -1})
	out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now)
	if !out.Unknown || out.Err == nil || !strings.Contains(out.Err.Error(), "check the ticket in Zendesk") {
		t.Fatalf("outcome unknown=%v err=%v, want unknown and advice", out.Unknown, out.Err)
	}
	if pending, _ := f.j.Interrupted(); len(pending) != 1 {
		t.Errorf("interrupted = %+v, want the open intent", pending)
	}
}

// A 409 while the ticket is unchanged is Zendesk's transient "Database collision": the update
// is sent once more and applied, and the outcome says so.
func TestSubmitRetriesDatabaseCollision(t *testing.T) {
	f := setup(t)
	upd, rms, before := f.plan(4004)
	f.srv.Inject(zendesktest.Fault{Method: "PUT", PathPrefix: "/api/v2/tickets/4004", Status: 409,
		Body: `{"error":"DatabaseConflict","description":"Database collision"}`})
	out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now)
	if out.Err != nil || out.Conflict {
		t.Fatalf("outcome err=%v conflict=%v, want applied after one retry", out.Err, out.Conflict)
	}
	if got := strings.Join(out.Applied, "; "); !strings.Contains(got, "Database collision") {
		t.Errorf("applied = %q, want it to say a transient collision was retried", got)
	}
	puts := 0
	for _, r := range f.srv.Requests() {
		if r.Method == "PUT" {
			puts++
		}
	}
	if puts != 2 {
		t.Errorf("%d PUTs, want 2 (one retry)", puts)
	}
	if got, _ := f.srv.Ticket(4004); got.OrganizationID == 0 {
		t.Error("the retried update did not reach the ticket")
	}
}

// A real safe_update conflict (somebody changed the ticket) is not retried.
func TestSubmitConflictNotRetried(t *testing.T) {
	f := setup(t)
	upd, rms, before := f.plan(4004)
	f.srv.UpdateTicketDirect(4004, func(tk *zendesktest.Ticket) { tk.Status = "open" })
	out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now)
	if !out.Conflict {
		t.Fatalf("outcome %+v, want a conflict", out)
	}
	puts := 0
	for _, r := range f.srv.Requests() {
		if r.Method == "PUT" {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("%d PUTs, want 1", puts)
	}
}

// A membership removal applied but answered with a lost answer is removed, done; so is one
// that is already gone when it is removed.
func TestRemoveMembershipAnswerLost(t *testing.T) {
	for _, tc := range lostAnswers {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			upd, rms, before := f.plan(4016)
			fault := tc.fault
			if fault.CutOff {
				// DELETE answers 204 without a body; cut off a 200 with one instead.
				fault.Status, fault.Body = 200, `{"organization_membership":{"id":1}}`
			}
			fault.Method, fault.PathPrefix, fault.AfterApply = "DELETE", "/api/v2/organization_memberships/", true
			f.srv.Inject(fault)
			out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now)
			if out.Err != nil || len(out.Removed) != 1 {
				t.Fatalf("outcome err=%v removed=%v not applied=%q, want the membership removed", out.Err, out.Removed, out.NotApplied)
			}
			// Removing the same membership again (the agent retries) is done at once.
			again := apply.Submit(context.Background(), f.client, f.j, model.TicketUpdate{TicketID: 4016}, rms, before, now.Add(time.Minute))
			if again.Err != nil || len(again.Removed) != 1 {
				t.Fatalf("retry: err=%v removed=%v, want done", again.Err, again.Removed)
			}
		})
	}
}

// fakeClient answers a ticket update with an error and a read-back with a given ticket.
type fakeClient struct {
	updateErr error
	readBack  model.Ticket
	users     []model.User
}

func (c *fakeClient) ReloadTicket(context.Context, int64) (model.QueuePage, error) {
	return model.QueuePage{Tickets: []model.Ticket{c.readBack}, Users: c.users}, nil
}
func (c *fakeClient) UpdateTicket(context.Context, model.TicketUpdate) (model.Ticket, error) {
	return model.Ticket{}, c.updateErr
}
func (c *fakeClient) RemoveMembership(context.Context, model.MembershipRemoval) error { return nil }

// A read-back that shows part of the update is reported as partly applied, journaled with
// exactly what Zendesk holds, and the undo reverts only that.
func TestSubmitPartlyApplied(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	before := model.Ticket{ID: 7, RequesterID: 1, UpdatedAt: t0,
		Fields: map[int64]model.FieldValue{77: {Text: "jane@acme.cmo"}}}
	org := int64(500)
	upd := model.TicketUpdate{TicketID: 7, UpdatedStamp: t0, OrganizationID: &org,
		CustomFields: map[int64]string{77: "jane@acme.com"}, Note: "fix"}
	cur := before
	cur.UpdatedAt = t0.Add(time.Minute)
	cur.Fields = map[int64]model.FieldValue{77: {Text: "jane@acme.com"}} // the field went, the organization did not
	c := &fakeClient{updateErr: errors.New("PUT /tickets/7: 502 Bad Gateway"), readBack: cur}
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	out := apply.Submit(context.Background(), c, j, upd, nil, before, now)
	if out.Err == nil || !strings.Contains(out.Err.Error(), "partly applied") {
		t.Fatalf("err = %v, want partly applied", out.Err)
	}
	if a, n := strings.Join(out.Applied, ";"), strings.Join(out.NotApplied, ";"); !strings.Contains(a, "field 77") || !strings.Contains(n, "organization") {
		t.Errorf("applied %q, not applied %q: want the field applied and the organization not", a, n)
	}
	e, ok, _ := j.Last()
	if !ok || e.After.CustomFields[77] != "jane@acme.com" || e.After.OrganizationID != 0 || !e.UpdatedAt.Equal(cur.UpdatedAt) {
		t.Fatalf("journal %+v, want what Zendesk holds", e)
	}
	p, err := apply.PrepareUndo(context.Background(), c, j, model.RuleConfig{OrgEmailField: 77}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Plan.Update.OrganizationID != nil || p.Plan.Update.ClearOrganization || p.Plan.Update.CustomFields[77] != "jane@acme.cmo" {
		t.Errorf("undo %+v, want only the field set back", p.Plan.Update)
	}
}

// What a submit reports names custom fields as the configuration does, never by bare id,
// also when Zendesk's answer was lost and the ticket was read back.
func TestOutcomeNamesConfiguredFields(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	before := model.Ticket{ID: 7, RequesterID: 1, UpdatedAt: t0,
		Fields: map[int64]model.FieldValue{77: {Text: "jane@acme.cmo"}}}
	org := int64(500)
	upd := model.TicketUpdate{TicketID: 7, UpdatedStamp: t0, OrganizationID: &org,
		CustomFields: map[int64]string{77: "jane@acme.com"}, Note: "fix"}
	cur := before
	cur.UpdatedAt = t0.Add(time.Minute)
	cur.Fields = map[int64]model.FieldValue{77: {Text: "jane@acme.com"}}
	c := &fakeClient{updateErr: errors.New("PUT /tickets/7: 502 Bad Gateway"), readBack: cur}
	out := apply.Submit(context.Background(), c, nil, upd, nil, before, now, apply.FieldNames(model.RuleConfig{OrgEmailField: 77}))
	if a := strings.Join(out.Applied, ";"); !strings.Contains(a, "Organization Email (partners)") || strings.Contains(a, "77") {
		t.Errorf("applied %q, want the field named Organization Email (partners)", a)
	}
}

// PrepareNewestUndo goes past a change whose undo the handbook's rule refuses (#4019 moved
// to its Select partner's organization) to the newest one it can revert, naming the one it
// passed; CheckUndo agrees with it; when none is left it says so, with the reason.
func TestPrepareNewestUndoPassesRefusedChanges(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	upd, rms, before := f.plan(4004)
	if out := apply.Submit(ctx, f.client, f.j, upd, rms, before, now); out.Err != nil {
		t.Fatal(out.Err)
	}
	upd, rms, before = f.plan(4019)
	out := apply.Submit(ctx, f.client, f.j, upd, rms, before, now.Add(time.Minute))
	if out.Err != nil || out.Reloaded == nil {
		t.Fatalf("fix of 4019: %v", out.Err)
	}
	entries, _ := apply.Entries(f.j)
	if err := apply.CheckUndo(ctx, f.client, f.rules, entries[0], *out.Reloaded); err == nil || !strings.Contains(err.Error(), "Organization stays") {
		t.Errorf("CheckUndo of the 4019 fix = %v, want the rule's refusal", err)
	}
	p, passed, err := apply.PrepareNewestUndo(ctx, f.client, f.j, f.rules)
	if err != nil || p.Entry.TicketID != 4004 || len(passed) != 1 || passed[0].Entry.TicketID != 4019 {
		t.Fatalf("PrepareNewestUndo = %d, passed %+v, %v; want 4004 after passing 4019", p.Entry.TicketID, passed, err)
	}
	if u := apply.Undo(ctx, f.client, f.j, p); u.Err != nil {
		t.Fatal(u.Err)
	}
	var refused *apply.RefusedError
	if _, _, err := apply.PrepareNewestUndo(ctx, f.client, f.j, f.rules); !errors.As(err, &refused) ||
		!strings.Contains(err.Error(), "no change in the journal can be undone") || !strings.Contains(err.Error(), "Organization stays") {
		t.Errorf("with only the 4019 fix left: %v, want a refusal saying none can be undone and why", err)
	}
}

// Trial 2, item 3: PrepareNewestUndo names every newer change it passes over, also one on
// no ticket (the audit's removal), by the membership it removed — never "ticket #0".
func TestPrepareNewestUndoNamesPassedAuditRemoval(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	upd, rms, before := f.plan(4004)
	if out := apply.Submit(ctx, f.client, f.j, upd, rms, before, now); out.Err != nil {
		t.Fatal(out.Err)
	}
	if err := f.j.Append(model.JournalEntry{Time: now.Add(time.Minute), Batch: "audit-1",
		RemovedMemberships: []model.MembershipRemoval{{MembershipID: 4, UserID: 381000000501, OrganizationID: zendesktest.OrgCoho}}}); err != nil {
		t.Fatal(err)
	}
	p, passed, err := apply.PrepareNewestUndo(ctx, f.client, f.j, f.rules)
	if err != nil || p.Entry.TicketID != 4004 || len(passed) != 1 {
		t.Fatalf("PrepareNewestUndo = %d, passed %+v, %v; want 4004 after passing the audit removal", p.Entry.TicketID, passed, err)
	}
	if r := passed[0].Reason; strings.Contains(r, "#0") || !strings.Contains(r, "the membership of Liam Novak <liam.novak@adatum.com> in Coho Digital") {
		t.Errorf("passed reason %q, want the membership named", r)
	}
}
