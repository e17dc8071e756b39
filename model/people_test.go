package model

import (
	"strings"
	"testing"
)

// A ticket whose requester or submitter Zendesk no longer returns (deleted or merged), or
// whose requester_id is null, is judged like any other and named "user #ID (not found)";
// nothing panics (issue 10, ticket 8802).
func TestDeletedRequesterIsJudgedNotPanicked(t *testing.T) {
	const gone = 361000000777
	dir := testDir()
	if u, ok := dir.User(gone); ok || u.ID != 0 {
		t.Fatalf("User(%d) = %+v, %v; want zero, false", gone, u, ok)
	}
	for _, tc := range []struct {
		name string
		t    Ticket
	}{
		{"requester deleted", tk(email("jane@acme.com"), reqSub(gone, uPat), org(orgAcme))},
		{"submitter deleted", tk(email("jane@acme.com"), reqSub(uJane, gone), org(orgAcme), ccField("yes"))},
		{"requester_id null", tk(email("jane@acme.com"), reqSub(0, uPat), org(orgAcme))},
		{"Select ticket, requester deleted", tk(form(formSelect), reqSub(gone, gone), org(orgAcme))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := Evaluate(testCfg, tc.t, dir)
			if ev.Skipped != "" {
				t.Fatalf("skipped: %s", ev.Skipped)
			}
			p := BuildPlan(testCfg, tc.t, ev, dir, PlanOptions{})
			for _, d := range p.Diff() {
				if strings.Contains(d.Before, "361000000777") && !strings.Contains(d.Before, "user #361000000777 (not found)") {
					t.Errorf("diff names the deleted user as %q", d.Before)
				}
			}
		})
	}
	ev := Evaluate(testCfg, tk(email("jane@acme.com"), reqSub(gone, uPat), org(orgAcme)), dir)
	if len(ev.Findings) == 0 || ev.Findings[0].Kind != KindRequesterOrgMismatch {
		t.Fatalf("a requester Zendesk no longer has is not the customer of E: want a mismatch, got %+v", ev.Findings)
	}
}

// The people of issue 11, with the exact look-ups' answers given as data.
const (
	orgUmbrella = 40
	orgVandelay = 41
	orgKramer   = 42
	uPriya      = 40 // priya@umbrella-labs.com, secondary p.raman@umbrella-labs.com
	uTomas      = 41 // tomas@vandelay.io, only organization Kramerica
	uTomasTypo  = 42 // tomas@vandelay.oi, auto-created
	uLiWen      = 43 // li.wen@globex.com in Globex
	uOla        = 44 // ola@acme.com in Acme, suspended
)

func peopleDir() *Directory {
	d := testDir()
	d.Merge(QueuePage{
		Organizations: []Organization{
			{ID: orgUmbrella, Name: "Umbrella Labs", DomainNames: []string{"umbrella-labs.com"}},
			{ID: orgVandelay, Name: "Vandelay Industries", DomainNames: []string{"vandelay.io"}},
			{ID: orgKramer, Name: "Kramerica Industries", DomainNames: []string{"kramerica.com"}},
		},
		Users: []User{
			{ID: uPriya, Name: "Priya Raman", Email: "priya@umbrella-labs.com", OrganizationID: orgUmbrella,
				Emails: []string{"P.Raman@umbrella-labs.com"}},
			{ID: uTomas, Name: "Tomas Brandt", Email: "tomas@vandelay.io", OrganizationID: orgKramer, Emails: []string{}},
			{ID: uTomasTypo, Name: "tomas", Email: "tomas@vandelay.oi"},
			{ID: uLiWen, Name: "Li Wen", Email: "li.wen@globex.com", OrganizationID: orgGlobex},
			{ID: uOla, Name: "Ola Nordmann", Email: "ola@acme.com", OrganizationID: orgAcme, Suspended: true},
		},
	})
	return d
}

// Priya owns p.raman@… as a secondary identity: she is the user with E, so no finding.
func TestSecondaryIdentityIsTheUserWithE(t *testing.T) {
	dir := peopleDir()
	tkt := tk(email("p.raman@umbrella-labs.com"), reqSub(uPriya, uPat), org(orgUmbrella))
	ev := Evaluate(testCfg, tkt, dir)
	if len(ev.Findings) != 0 || ev.OrgOfEmail != orgUmbrella {
		t.Fatalf("findings %+v, org(E) %d; want none, Umbrella", ev.Findings, ev.OrgOfEmail)
	}
	if p := BuildPlan(testCfg, tkt, ev, dir, PlanOptions{}); len(p.Steps) != 0 {
		t.Fatalf("plan for a right ticket: %+v", p.Steps)
	}
	// A later copy of Priya without identities (a sideload) keeps what the look-up found.
	dir.PutUser(User{ID: uPriya, Name: "Priya Raman", Email: "priya@umbrella-labs.com", OrganizationID: orgUmbrella})
	if u, ok := dir.UserByEmail("p.raman@umbrella-labs.com"); !ok || u.ID != uPriya {
		t.Fatalf("secondary address lost: %+v %v", u, ok)
	}
	// The ticket whose requester is somebody else is still a mismatch, and the plan makes
	// Priya (not a new end user) the requester.
	other := tk(email("p.raman@umbrella-labs.com"), reqSub(uPat, uPat), org(orgPartner))
	ev = Evaluate(testCfg, other, dir)
	p := BuildPlan(testCfg, other, ev, dir, PlanOptions{})
	if s := stepOf(p, StepRequester); s == nil || s.RequesterID != uPriya || s.NewRequester != nil {
		t.Fatalf("requester step %+v", s)
	}
}

// The suggested address belongs to an existing user of another organization: the plan
// names Tomas, uses his Kramerica, and warns that it differs from what vandelay.io implies.
func TestSuggestedAddressOfExistingUserOfAnotherOrg(t *testing.T) {
	dir := peopleDir()
	tkt := tk(email("tomas@vandelay.oi"), reqSub(uTomasTypo, uPat))
	ev := Evaluate(testCfg, tkt, dir)
	if len(ev.Findings) != 2 || ev.Findings[1].SuggestedEmail != "tomas@vandelay.io" {
		t.Fatalf("findings %+v", ev.Findings)
	}
	p := BuildPlan(testCfg, tkt, ev, dir, PlanOptions{})
	if p.Refused != "" {
		t.Fatalf("refused: %s", p.Refused)
	}
	req, org := stepOf(p, StepRequester), stepOf(p, StepOrganization)
	if req == nil || req.RequesterID != uTomas || req.After != "Tomas Brandt <tomas@vandelay.io> (existing user, Kramerica Industries)" {
		t.Fatalf("requester step %+v", req)
	}
	if org == nil || org.OrganizationID != orgKramer {
		t.Fatalf("organization step %+v, want Kramerica", org)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "Kramerica Industries, not Vandelay Industries") {
		t.Fatalf("warnings %q", p.Warnings)
	}
	note := p.Diff()[len(p.Diff())-1].After
	if strings.Contains(note, "new end user") || !strings.Contains(note, "Tomas Brandt <tomas@vandelay.io>") {
		t.Fatalf("note:\n%s", note)
	}
}

// A typed address of an existing user: the review and the note name Li Wen.
func TestTypedAddressOfExistingUser(t *testing.T) {
	dir := peopleDir()
	tkt := tk(email("devops@quantumleaf.ai"), reqSub(uPat, uPat), org(orgPartner))
	ev := Evaluate(testCfg, tkt, dir)
	p := BuildPlan(testCfg, tkt, ev, dir, PlanOptions{OrgEmail: "Li.Wen@globex.com"})
	req := stepOf(p, StepRequester)
	if req == nil || req.RequesterID != uLiWen || strings.Contains(req.After, "new end user") {
		t.Fatalf("requester step %+v", req)
	}
	for _, d := range p.Diff() {
		if strings.Contains(d.After, "new end user") {
			t.Fatalf("diff line %+v says new end user", d)
		}
	}
}

func TestSuspendedRequesterAndCCWarn(t *testing.T) {
	dir := peopleDir()
	tkt := tk(email("ola@acme.com"), reqSub(uPat, uPat), org(orgPartner), ccField("ola@acme.com, jane@acme.com"))
	ev := Evaluate(testCfg, tkt, dir)
	p := BuildPlan(testCfg, tkt, ev, dir, PlanOptions{})
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "Ola Nordmann <ola@acme.com>, Acme is suspended") {
		t.Fatalf("warnings %q", p.Warnings)
	}
	tkt = tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgAcme), ccField("ola@acme.com"))
	ev = Evaluate(testCfg, tkt, dir)
	p = BuildPlan(testCfg, tkt, ev, dir, PlanOptions{})
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "new CC Ola Nordmann") {
		t.Fatalf("warnings %q (steps %+v)", p.Warnings, p.Steps)
	}
	if got := SuspendedPeople(Ticket{RequesterID: uOla, SubmitterID: uOla, EmailCCIDs: []int64{uJane, uOla}}, dir); len(got) != 1 {
		t.Fatalf("SuspendedPeople = %v", got)
	}
}

func stepOf(p Plan, k StepKind) *Step {
	for i := range p.Steps {
		if p.Steps[i].Kind == k {
			return &p.Steps[i]
		}
	}
	return nil
}
