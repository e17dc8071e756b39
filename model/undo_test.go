package model

import (
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
	current := Ticket{ID: 4001, RequesterID: 11, OrganizationID: 500, UpdatedAt: t0}

	p, err := PlanUndo(change, current)
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
	if !u.UpdatedStamp.Equal(t0) || !strings.HasPrefix(u.Note, "partner-triage undo: ") {
		t.Errorf("stamp %v, note %q", u.UpdatedStamp, u.Note)
	}

	// Somebody changed the ticket after partner-triage: refused.
	later := current
	later.UpdatedAt = t0.Add(time.Minute)
	if _, err := PlanUndo(change, later); err == nil || !strings.Contains(err.Error(), "changed in Zendesk since") {
		t.Errorf("err = %v, want a refusal", err)
	}

	// A requester revert always names the organization, since Zendesk would otherwise pick
	// the old requester's default.
	sameOrg := JournalEntry{TicketID: 1, Before: TicketState{RequesterID: 2, OrganizationID: 9}, After: TicketState{RequesterID: 3, OrganizationID: 9}, UpdatedAt: t0}
	p, err = PlanUndo(sameOrg, Ticket{ID: 1, UpdatedAt: t0})
	if err != nil || p.Update.OrganizationID == nil || *p.Update.OrganizationID != 9 {
		t.Errorf("plan %+v, err %v: want organization 9 sent with the requester", p.Update, err)
	}

	// Membership removals are never restored.
	onlyRemoval := JournalEntry{TicketID: 1, RemovedMemberships: []MembershipRemoval{{MembershipID: 5, UserID: 2, OrganizationID: 9}}}
	if _, err := PlanUndo(onlyRemoval, Ticket{ID: 1, UpdatedAt: t0}); err == nil || !strings.Contains(err.Error(), "restoring it would break") {
		t.Errorf("err = %v, want a refusal explaining the kept removal", err)
	}
	if _, err := PlanUndo(change, Ticket{ID: 2, UpdatedAt: t0}); err == nil {
		t.Error("an entry for another ticket was accepted")
	}
}
