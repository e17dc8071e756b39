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
	if u, ok := dir.User(gone); ok || u != (User{}) {
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
