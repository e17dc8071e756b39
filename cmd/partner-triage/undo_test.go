package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
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

// `partner-triage undo` reverts the journal's last change on Zendesk, then has nothing left.
func TestUndoCommand(t *testing.T) {
	const token = "undo-token-0123456789"
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("agent@example.com", token))
	defer srv.Close()
	cfgPath := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 360077000001\n")
	state := t.TempDir()
	env := map[string]string{"ZENDESK_API_TOKEN": token, "XDG_STATE_HOME": state}

	// A fix of ticket 4004 (set its organization), submitted and journaled as the console does.
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := zendesk.New(zendesk.Config{BaseURL: cfg.APIBase(), Email: "agent@example.com", APIToken: token, ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ReloadTicket(context.Background(), 4004)
	if err != nil {
		t.Fatal(err)
	}
	dir := model.NewDirectory()
	dir.Merge(page)
	tk := page.Tickets[0]
	plan := model.BuildPlan(cfg.Rules(), tk, model.Evaluate(cfg.Rules(), tk, dir), dir, model.PlanOptions{})
	upd, rms := plan.Compile(cfg.Rules())
	j, err := journal.Open(filepath.Join(state, "partner-triage", "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if out := apply.Submit(context.Background(), c, j, upd, rms, tk, time.Now()); out.Err != nil {
		t.Fatal(out.Err)
	}
	if got, _ := srv.Ticket(4004); got.OrganizationID == 0 {
		t.Fatal("the fix did not set the organization")
	}

	r := runWith(t, env, "undo", "--config", cfgPath, "--dry-run")
	if r.code != exitOK || !strings.Contains(r.stdout, "ticket #4004") || !strings.Contains(r.stdout, "nothing was sent") {
		t.Fatalf("dry run: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got, _ := srv.Ticket(4004); got.OrganizationID == 0 {
		t.Fatal("--dry-run changed the ticket")
	}
	r = runWith(t, env, "undo", "--config", cfgPath)
	if r.code != exitOK || !strings.Contains(r.stdout, "Reverted ticket #4004") {
		t.Fatalf("undo: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got, _ := srv.Ticket(4004); got.OrganizationID != 0 {
		t.Errorf("after undo the organization is %d, want none", got.OrganizationID)
	}
	r = runWith(t, env, "undo", "--config", cfgPath)
	if r.code != exitFindings || firstLine(r.stderr) != "partner-triage undo: nothing to undo: the journal has no change left that can be reverted" {
		t.Errorf("second undo: exit %d, stderr %q", r.code, r.stderr)
	}
}

// A submit that was cut off mid-way is announced once at the next start, then acknowledged.
func TestInterruptedNotice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Begin(model.JournalEntry{Time: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), TicketID: 4003}); err != nil {
		t.Fatal(err)
	}
	msg, err := interruptedNotice(j, path)
	if err != nil || !strings.Contains(msg, "#4003 was interrupted") || !strings.Contains(msg, path) {
		t.Fatalf("notice %q, %v", msg, err)
	}
	if msg, _ := interruptedNotice(j, path); msg != "" {
		t.Errorf("second start still announces: %q", msg)
	}
}

// `undo --list` shows the journal with IDs, marks a membership-only change, and `undo ID`
// reverts the change named, past a later one; a torn last line is a warning, not a stop.
func TestUndoListAndID(t *testing.T) {
	const token = "undo-token-0123456789"
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("agent@example.com", token))
	defer srv.Close()
	cfgPath := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 360077000001\n")
	state := t.TempDir()
	env := map[string]string{"ZENDESK_API_TOKEN": token, "XDG_STATE_HOME": state}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := zendesk.New(zendesk.Config{BaseURL: cfg.APIBase(), Email: "agent@example.com", APIToken: token, ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	jpath := filepath.Join(state, "partner-triage", "journal.jsonl")
	j, err := journal.Open(jpath)
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ReloadTicket(context.Background(), 4004)
	if err != nil {
		t.Fatal(err)
	}
	dir := model.NewDirectory()
	dir.Merge(page)
	tk := page.Tickets[0]
	plan := model.BuildPlan(cfg.Rules(), tk, model.Evaluate(cfg.Rules(), tk, dir), dir, model.PlanOptions{})
	upd, rms := plan.Compile(cfg.Rules())
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if out := apply.Submit(context.Background(), c, j, upd, rms, tk, t0); out.Err != nil {
		t.Fatal(out.Err)
	}
	if err := j.Append(model.JournalEntry{Time: t0.Add(time.Hour), TicketID: 4016,
		RemovedMemberships: []model.MembershipRemoval{{MembershipID: 1, UserID: 2, OrganizationID: 3}}}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(jpath, os.O_APPEND|os.O_WRONLY, 0o600)
	f.WriteString(`{"kind":"change","change":{"ti`) // a crash mid-write
	f.Close()

	r := runWith(t, env, "undo", "--list")
	if r.code != exitOK || !strings.Contains(r.stdout, "ticket #4016") || !strings.Contains(r.stdout, "nothing to undo") ||
		!strings.Contains(r.stdout, "ticket #4004") || !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, "cut off") {
		t.Fatalf("--list: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	entries, _ := j.Changes()
	fix := entries[0]
	r = runWith(t, env, "undo", "--config", cfgPath, "--dry-run", strconv.Itoa(fix.ID))
	if r.code != exitOK || !strings.Contains(r.stdout, "Organization") || strings.Contains(r.stdout, "back to user") {
		t.Fatalf("dry run of ID %d: exit %d, stdout %q, stderr %q", fix.ID, r.code, r.stdout, r.stderr)
	}
	r = runWith(t, env, "undo", "--config", cfgPath, strconv.Itoa(entries[1].ID))
	if r.code != exitFindings || !strings.Contains(r.stderr, "would break the handbook's rule") {
		t.Fatalf("undo of the membership-only change: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runWith(t, env, "undo", "--config", cfgPath)
	if r.code != exitOK || !strings.Contains(r.stdout, "Reverted ticket #4004") {
		t.Fatalf("undo past the membership-only change: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got, _ := srv.Ticket(4004); got.OrganizationID != 0 {
		t.Errorf("after undo the organization is %d, want none", got.OrganizationID)
	}
	if r := runWith(t, env, "undo", "--list", "7"); r.code != exitUsage {
		t.Errorf("--list with an ID: exit %d, want 2", r.code)
	}
}

// A torn journal line never stops the console: the start notice warns of it once.
func TestInterruptedNoticeWarnsOfTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	if err := os.WriteFile(path, []byte(`{"kind":"change","change":{"ti`), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := interruptedNotice(j, path)
	if err != nil || !strings.Contains(msg, path+":1") || !strings.Contains(msg, "skipped") {
		t.Fatalf("notice %q, %v; want a warning naming %s:1", msg, err, path)
	}
}

// Trial finding 11 (#4031): the fix moved a customer's ticket from the Select org Coho Digital
// to the customer's own organization. Its undo used to set Coho Digital back (a Select
// association, and a 422 from Zendesk with a raw id); now it keeps the organization, says
// why with the handbook's rule, and sends nothing.
func TestUndoNeverSetsSelectOrgBack(t *testing.T) {
	const token = "undo-token-0123456789"
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("agent@example.com", token))
	defer srv.Close()
	cfgPath := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 360077000001\n")
	state := t.TempDir()
	env := map[string]string{"ZENDESK_API_TOKEN": token, "XDG_STATE_HOME": state}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := zendesk.New(zendesk.Config{BaseURL: cfg.APIBase(), Email: "agent@example.com", APIToken: token, ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(filepath.Join(state, "partner-triage", "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ReloadTicket(context.Background(), 4031)
	if err != nil {
		t.Fatal(err)
	}
	dir := model.NewDirectory()
	dir.Merge(page)
	tk := page.Tickets[0]
	plan := model.BuildPlan(cfg.Rules(), tk, model.Evaluate(cfg.Rules(), tk, dir), dir, model.PlanOptions{})
	upd, rms := plan.Compile(cfg.Rules())
	if out := apply.Submit(context.Background(), c, j, upd, rms, tk, time.Now()); out.Err != nil {
		t.Fatal(out.Err)
	}
	fixed, _ := srv.Ticket(4031)
	if fixed.OrganizationID == tk.OrganizationID {
		t.Fatal("the fix did not move the ticket away from Coho Digital")
	}

	for _, args := range [][]string{{"--dry-run"}, nil} {
		r := runWith(t, env, append([]string{"undo", "--config", cfgPath}, args...)...)
		if r.code != exitFindings || !strings.Contains(r.stderr, "Coho Digital") || !strings.Contains(r.stderr, "Never associate a customer") ||
			strings.Contains(r.stderr, "422") || strings.Contains(r.stderr, "360100000105") {
			t.Fatalf("undo %v: exit %d, stdout %q, stderr %q; want a refusal naming Coho Digital with the handbook's rule", args, r.code, r.stdout, r.stderr)
		}
	}
	if got, _ := srv.Ticket(4031); got.OrganizationID != fixed.OrganizationID || !got.UpdatedAt.Equal(fixed.UpdatedAt) {
		t.Errorf("the undo wrote to the ticket: organization %d (want %d)", got.OrganizationID, fixed.OrganizationID)
	}
}

// Trial finding 11: an undo that would set an organization the requester is not a member of
// used to reach Zendesk and come back as "422 RecordInvalid … (360100000201)". It is caught
// before sending, with the organization named.
func TestUndoRefusesOrganizationTheRequesterIsNotIn(t *testing.T) {
	const token = "undo-token-0123456789"
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("agent@example.com", token))
	defer srv.Close()
	cfgPath := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 360077000001\n")
	state := t.TempDir()
	env := map[string]string{"ZENDESK_API_TOKEN": token, "XDG_STATE_HOME": state}
	j, err := journal.Open(filepath.Join(state, "partner-triage", "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// #4030 is Priscilla Nunez's (Contoso Retail); the journal says it was under Acme Corporation.
	tk, _ := srv.Ticket(4030)
	if err := j.Append(model.JournalEntry{Time: time.Now(), TicketID: 4030, UpdatedAt: tk.UpdatedAt,
		Before: model.TicketState{OrganizationID: zendesktest.OrgAcme}, After: model.TicketState{OrganizationID: zendesktest.OrgContoso}}); err != nil {
		t.Fatal(err)
	}
	r := runWith(t, env, "undo", "--config", cfgPath)
	if r.code != exitFindings || !strings.Contains(r.stderr, "Priscilla Nunez <p.nunez@contoso.com> is not a member of Acme Corporation") ||
		strings.Contains(r.stderr, "422") || strings.Contains(r.stderr, "360100000201") {
		t.Fatalf("undo: exit %d, stdout %q, stderr %q; want a refusal naming Acme Corporation", r.code, r.stdout, r.stderr)
	}
	if got, _ := srv.Ticket(4030); got.OrganizationID != zendesktest.OrgContoso || !got.UpdatedAt.Equal(tk.UpdatedAt) {
		t.Errorf("the undo wrote to #4030 (organization %d)", got.OrganizationID)
	}
}

// Trial finding 15: `undo --list` "sends nothing and needs no configuration", yet it left
// partner-triage/journal.jsonl.lock behind when nothing was ever journaled.
func TestUndoListLeavesNothingBehind(t *testing.T) {
	state := t.TempDir()
	r := runWith(t, map[string]string{"XDG_STATE_HOME": state}, "undo", "--list")
	if r.code != exitOK || !strings.Contains(r.stdout, "no change left to undo") {
		t.Fatalf("--list: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if left, _ := os.ReadDir(state); len(left) != 0 {
		t.Errorf("--list left %v in the state directory", left)
	}
}
