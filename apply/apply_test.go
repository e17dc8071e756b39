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
		ViewID: cfg.Queue.ViewID, Rules: cfg.Rules(), MaxWait: time.Second})
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
// a customer to a Select partner, and putting it back would break the handbook's rule.
func TestUndoKeepsSelectMembershipRemoved(t *testing.T) {
	f := setup(t)
	upd, rms, before := f.plan(4016)
	out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now)
	if out.Err != nil {
		t.Fatal(out.Err)
	}
	if len(out.Removed) != 1 {
		t.Fatalf("removed %v, want the one membership", out.Removed)
	}
	ben, _ := f.srv.UserByEmail("ben.carter@wingtipbank.com")
	n := len(f.srv.Memberships(ben.ID))
	p, err := apply.PrepareUndo(context.Background(), f.client, f.j)
	var refused *apply.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "would break the handbook's rule") {
		t.Fatalf("undo of a membership-only change: %v (%+v), want a refusal that explains why", err, p.Plan)
	}
	if got := len(f.srv.Memberships(ben.ID)); got != n {
		t.Errorf("memberships changed by a refused undo: %d → %d", n, got)
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
	_, err := apply.PrepareUndo(context.Background(), f.client, f.j)
	if err == nil || !strings.Contains(err.Error(), "changed in Zendesk since") {
		t.Fatalf("err = %v, want a refusal naming the later change", err)
	}
	if got, _ := f.srv.Ticket(4004); got.OrganizationID == 0 {
		t.Error("the refused undo changed the ticket")
	}
}
