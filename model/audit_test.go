package model

import (
	"reflect"
	"testing"
)

func TestAuditListsEveryViolatingMembership(t *testing.T) {
	got := Audit(testCfg, testDir())
	want := []AuditViolation{
		{MembershipID: memSueAcme, UserID: uSue, OrganizationID: orgAcme, Kind: AuditSelectUserInCustomer},
		{MembershipID: memBobSel, UserID: uBob, OrganizationID: orgSelect, Kind: AuditCustomerInSelect},
		{MembershipID: memCarlSel, UserID: uCarl, OrganizationID: orgSelect, Kind: AuditCustomerInSelect},
		{MembershipID: 0, UserID: uDan, OrganizationID: orgSelect, Kind: AuditCustomerInSelect},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Audit:\n got  %+v\n want %+v", got, want)
	}
}

func TestAuditAgreesWithTheTicketRule(t *testing.T) {
	// Every user the audit flags gets a select_partner_association on a ticket they request,
	// and a removed membership is no longer reported.
	dir := testDir()
	for _, v := range Audit(testCfg, dir) {
		ev := Evaluate(testCfg, tk(email("x@acme.com"), reqSub(v.UserID, v.UserID)), dir)
		found := false
		for _, f := range ev.Findings {
			found = found || (f.Kind == KindSelectPartnerAssociation && f.OrgID == v.OrganizationID)
		}
		if !found {
			t.Errorf("audit flags user %d in org %d but the ticket rule does not: %+v", v.UserID, v.OrganizationID, ev.Findings)
		}
	}
	dir.RemoveMembership(memBobSel)
	for _, v := range Audit(testCfg, dir) {
		if v.UserID == uBob {
			t.Errorf("removed membership still reported: %+v", v)
		}
	}
}

func TestAuditNeedsTheOrganization(t *testing.T) {
	// An organization the directory does not hold is never judged.
	d := NewDirectory()
	d.Merge(QueuePage{Users: testUsers(), Memberships: testMemberships()})
	if got := Audit(testCfg, d); len(got) != 0 {
		t.Fatalf("violations without organizations: %+v", got)
	}
	if got := Audit(testCfg, nil); got != nil {
		t.Fatalf("nil directory: %+v", got)
	}
}

func TestTallyByPartner(t *testing.T) {
	dir := testDir()
	tickets := []Ticket{
		// Pat's mistyped address: mismatch + unknown, partner PartnerCo.
		tk(func(t *Ticket) { t.ID = 1 }, email("jane@acme.cmo"), reqSub(uTypo, uPat)),
		// Pat again, still the requester: mismatch.
		tk(func(t *Ticket) { t.ID = 2 }, email("jane@acme.com"), reqSub(uPat, uPat), org(orgPartner)),
		tk(func(t *Ticket) { t.ID = 2 }, email("jane@acme.com"), reqSub(uPat, uPat), org(orgPartner)), // repeated
		// Clean: not counted.
		tk(func(t *Ticket) { t.ID = 3 }, email("jane@acme.com"), reqSub(uJane, uAnn), org(orgAcme)),
		// Select ticket under a customer org: SelectCo.
		tk(func(t *Ticket) { t.ID = 4 }, form(formSelect), reqSub(uSam, uSam), org(orgAcme)),
	}
	got := TallyByPartner(testCfg, tickets, dir)
	want := []PartnerTally{
		{OrganizationID: orgPartner, Tickets: 2, Kinds: map[FindingKind]int{KindRequesterOrgMismatch: 2, KindCustomerEmailUnknown: 1}},
		{OrganizationID: orgSelect, Tickets: 1, Kinds: map[FindingKind]int{KindSelectPartnerAssociation: 1}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("TallyByPartner:\n got  %+v\n want %+v", got, want)
	}
}
