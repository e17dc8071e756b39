package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPlanUndo(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	change := JournalEntry{
		TicketID:  4001,
		Before:    TicketState{RequesterID: 10, CustomFields: map[int64]string{77: "jane@acme.cmo"}},
		After:     TicketState{RequesterID: 11, OrganizationID: 500, EmailCCIDs: []int64{12}, CustomFields: map[int64]string{77: "jane@acme.com"}},
		UpdatedAt: t0,
	}
	current := Ticket{ID: 4001, RequesterID: 11, OrganizationID: 500, EmailCCIDs: []int64{12}, UpdatedAt: t0,
		Fields: map[int64]FieldValue{77: {Text: "jane@acme.com"}}}

	p, err := PlanUndo(RuleConfig{}, change, current, nil)
	if err != nil {
		t.Fatal(err)
	}
	u := p.Update
	if u.RequesterID != 10 || !u.ClearOrganization || u.OrganizationID != nil {
		t.Errorf("requester %d, clear org %v, org %v: want requester 10 back and the organization cleared", u.RequesterID, u.ClearOrganization, u.OrganizationID)
	}
	if u.CustomFields[77] != "jane@acme.cmo" || len(u.RemoveEmailCCs) != 1 || u.RemoveEmailCCs[0].UserID != 12 {
		t.Errorf("fields %v, CC removals %v: want the old address back and the added CC removed", u.CustomFields, u.RemoveEmailCCs)
	}
	if !u.UpdatedStamp.Equal(t0) || !strings.HasPrefix(u.Note, "partner-triage undo") {
		t.Errorf("stamp %v, note %q", u.UpdatedStamp, u.Note)
	}

	// Somebody changed the ticket after partner-triage: refused.
	later := current
	later.UpdatedAt = t0.Add(time.Minute)
	if _, err := PlanUndo(RuleConfig{}, change, later, nil); err == nil || !strings.Contains(err.Error(), "changed in Zendesk since") {
		t.Errorf("err = %v, want a refusal", err)
	}

	// A requester revert always names the organization, since Zendesk would otherwise pick
	// the old requester's default.
	sameOrg := JournalEntry{TicketID: 1, Before: TicketState{RequesterID: 2, OrganizationID: 9}, After: TicketState{RequesterID: 3, OrganizationID: 9}, UpdatedAt: t0}
	p, err = PlanUndo(RuleConfig{}, sameOrg, Ticket{ID: 1, RequesterID: 3, OrganizationID: 9, UpdatedAt: t0}, nil)
	if err != nil || p.Update.OrganizationID == nil || *p.Update.OrganizationID != 9 {
		t.Errorf("plan %+v, err %v: want organization 9 sent with the requester", p.Update, err)
	}

	// Membership removals are never restored.
	onlyRemoval := JournalEntry{TicketID: 1, RemovedMemberships: []MembershipRemoval{{MembershipID: 5, UserID: 2, OrganizationID: 9}}}
	if _, err := PlanUndo(RuleConfig{}, onlyRemoval, Ticket{ID: 1, UpdatedAt: t0}, nil); err == nil || !strings.Contains(err.Error(), "restoring it would break") {
		t.Errorf("err = %v, want a refusal explaining the kept removal", err)
	}
	if _, err := PlanUndo(RuleConfig{}, change, Ticket{ID: 2, UpdatedAt: t0}, nil); err == nil {
		t.Error("an entry for another ticket was accepted")
	}
}

// Undo refuses when it cannot tell whether the ticket changed since: no updated_at saved
// (the check used to be skipped for a zero time, and undo overwrote a later edit).
func TestPlanUndoRefusesWithoutUpdatedAt(t *testing.T) {
	change := JournalEntry{TicketID: 1, Before: TicketState{OrganizationID: 9}, After: TicketState{OrganizationID: 8}}
	later := Ticket{ID: 1, OrganizationID: 7, UpdatedAt: time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)}
	if _, err := PlanUndo(RuleConfig{}, change, later, nil); err == nil || !strings.Contains(err.Error(), "cannot tell") {
		t.Fatalf("err = %v, want a refusal: without updated_at nobody can tell", err)
	}
	// Even with matching stamps, a value the change wrote that is gone means somebody edited.
	t0 := later.UpdatedAt
	change.UpdatedAt = t0
	if _, err := PlanUndo(RuleConfig{}, change, later, nil); err == nil || !strings.Contains(err.Error(), "organization") {
		t.Fatalf("err = %v, want a refusal naming the organization", err)
	}
}

// The undo's diff and note name people and organizations (name and email), never bare ids.
func TestPlanUndoNamesPeople(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	dir := NewDirectory()
	dir.PutUser(User{ID: 10, Name: "Pat Partner", Email: "pat@partner.test"})
	dir.PutUser(User{ID: 11, Name: "Jane Doe", Email: "jane@acme.com"})
	dir.PutOrganization(Organization{ID: 500, Name: "Acme"})
	cfg := RuleConfig{OrgEmailField: 77}
	change := JournalEntry{TicketID: 1, Time: t0, UpdatedAt: t0,
		Before: TicketState{RequesterID: 10, CustomFields: map[int64]string{77: "jane@acme.cmo"}},
		After:  TicketState{RequesterID: 11, OrganizationID: 500, CustomFields: map[int64]string{77: "jane@acme.com"}}}
	cur := Ticket{ID: 1, RequesterID: 11, OrganizationID: 500, UpdatedAt: t0, Fields: map[int64]FieldValue{77: {Text: "jane@acme.com"}}}
	p, err := PlanUndo(cfg, change, cur, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []DiffLine{
		{Field: "Organization Email (partners)", Before: "jane@acme.com", After: "jane@acme.cmo"},
		{Field: "Requester", Before: "Jane Doe <jane@acme.com>", After: "Pat Partner <pat@partner.test>"},
		{Field: "Organization", Before: "Acme", After: "(none)"},
	}
	if len(p.Diff) != len(want) {
		t.Fatalf("diff %+v, want %+v", p.Diff, want)
	}
	for i := range want {
		if p.Diff[i] != want[i] {
			t.Errorf("diff[%d] = %+v, want %+v", i, p.Diff[i], want[i])
		}
	}
	for _, raw := range []string{"user 10", "user 11", " 500"} {
		if strings.Contains(p.Update.Note, raw) {
			t.Errorf("note names a raw id (%q):\n%s", raw, p.Update.Note)
		}
	}
	if !strings.Contains(p.Update.Note, "Pat Partner <pat@partner.test>") {
		t.Errorf("note does not name the requester set back:\n%s", p.Update.Note)
	}
}

// Trial finding 11 (#4031): a fix moved a customer's ticket away from a Select org; its undo
// set the Select org back on the customer's ticket (and Zendesk answered 422). The undo
// keeps the organization, with the handbook's reason, as it keeps removed memberships.
func TestPlanUndoNeverSetsSelectOrgBack(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	dir := testDir()
	only := JournalEntry{TicketID: 4031, UpdatedAt: t0,
		Before: TicketState{OrganizationID: orgSelect}, After: TicketState{OrganizationID: orgAcme}}
	cur := Ticket{ID: 4031, RequesterID: uJane, OrganizationID: orgAcme, UpdatedAt: t0}
	_, err := PlanUndo(testCfg, only, cur, dir)
	if !errors.Is(err, ErrUndoKept) {
		t.Fatalf("err = %v, want the undo kept by the handbook's rule", err)
	}
	for _, want := range []string{"Organization stays Acme", "SelectCo", "Jane <jane@acme.com>", "Never associate a customer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
	}

	// With other values to set back, the undo goes on without the organization.
	withField := only
	withField.Before.CustomFields = map[int64]string{fEmail: "jane@acme.cmo"}
	withField.After.CustomFields = map[int64]string{fEmail: "jane@acme.com"}
	cur.Fields = map[int64]FieldValue{fEmail: {Text: "jane@acme.com"}}
	p, err := PlanUndo(testCfg, withField, cur, dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Update.OrganizationID != nil || p.Update.ClearOrganization || p.Update.CustomFields[fEmail] != "jane@acme.cmo" {
		t.Errorf("update %+v: want the field set back and the organization left alone", p.Update)
	}
	for _, d := range p.Diff {
		if d.Field == "Organization" {
			t.Errorf("diff sets the organization back: %+v", d)
		}
	}
	if len(p.Kept) != 1 || !strings.Contains(p.Kept[0], "SelectCo") || !strings.Contains(p.Update.Note, "Kept: Organization stays Acme") {
		t.Errorf("kept %q, note %q: want the kept organization named in both", p.Kept, p.Update.Note)
	}

	// A Select partner user set back as requester of a customer org's ticket: kept too.
	reqBack := JournalEntry{TicketID: 7, UpdatedAt: t0,
		Before: TicketState{RequesterID: uSue, OrganizationID: orgAcme, CustomFields: map[int64]string{fEmail: "x@acme.com"}},
		After:  TicketState{RequesterID: uJane, OrganizationID: orgAcme, CustomFields: map[int64]string{fEmail: "jane@acme.com"}}}
	cur2 := Ticket{ID: 7, RequesterID: uJane, OrganizationID: orgAcme, UpdatedAt: t0, Fields: map[int64]FieldValue{fEmail: {Text: "jane@acme.com"}}}
	p, err = PlanUndo(testCfg, reqBack, cur2, dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Update.RequesterID != 0 || len(p.Kept) != 1 || !strings.Contains(p.Kept[0], "Requester stays Jane <jane@acme.com>") {
		t.Errorf("update %+v, kept %q: want the requester kept", p.Update, p.Kept)
	}
}

// Trial finding 11: Zendesk refuses (422) an organization that is not one of the
// requester's; the undo says so before sending, naming the organization, never its id.
func TestPlanUndoRefusesOrganizationTheRequesterIsNotIn(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	dir := testDir()
	e := JournalEntry{TicketID: 9, UpdatedAt: t0,
		Before: TicketState{OrganizationID: orgGlobex}, After: TicketState{OrganizationID: orgAcme}}
	cur := Ticket{ID: 9, RequesterID: uJane, OrganizationID: orgAcme, UpdatedAt: t0}
	_, err := PlanUndo(testCfg, e, cur, dir)
	if err == nil || !strings.Contains(err.Error(), "Jane <jane@acme.com> is not a member of Globex") || strings.Contains(err.Error(), "#12") {
		t.Fatalf("err = %v, want a refusal naming Globex", err)
	}
	// A membership the change itself removed stays removed, so it does not count.
	e = JournalEntry{TicketID: 9, UpdatedAt: t0, RemovedMemberships: []MembershipRemoval{{MembershipID: memSueAcme, UserID: uSue, OrganizationID: orgAcme}},
		Before: TicketState{OrganizationID: orgAcme}, After: TicketState{OrganizationID: orgSelect}}
	cur = Ticket{ID: 9, RequesterID: uSue, OrganizationID: orgSelect, UpdatedAt: t0}
	if _, err := PlanUndo(RuleConfig{}, e, cur, dir); err == nil || !strings.Contains(err.Error(), "not a member of Acme") {
		t.Fatalf("err = %v, want a refusal: the membership was removed by the change", err)
	}
}

// An undo refused because a field the change wrote moved on names the field as the
// configuration does, not by id.
func TestPlanUndoNamesTheFieldThatMovedOn(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	change := JournalEntry{TicketID: 4001, UpdatedAt: t0,
		Before: TicketState{CustomFields: map[int64]string{77: "jane@acme.cmo"}},
		After:  TicketState{CustomFields: map[int64]string{77: "jane@acme.com"}}}
	current := Ticket{ID: 4001, UpdatedAt: t0, Fields: map[int64]FieldValue{77: {Text: "someone@else.com"}}}
	_, err := PlanUndo(RuleConfig{OrgEmailField: 77}, change, current, nil)
	if err == nil || !strings.Contains(err.Error(), "(the Organization Email (partners))") || strings.Contains(err.Error(), "77") {
		t.Errorf("err = %v, want a refusal naming Organization Email (partners)", err)
	}
}
