package model

import (
	"strings"
	"testing"
)

func TestGroupByShape(t *testing.T) {
	dir := testDir()
	tickets := []Ticket{
		// Same mistake twice: acme.cmo for acme.com, an auto-created requester.
		tk(func(t *Ticket) { t.ID = 1 }, email("jane@acme.cmo"), reqSub(uTypo, uPat)),
		// The partner still the requester, the customer exists: requester + organization.
		tk(func(t *Ticket) { t.ID = 2 }, email("jane@acme.com"), reqSub(uPat, uPat), org(orgPartner)),
		tk(func(t *Ticket) { t.ID = 3 }, email("jane@acme.cmo"), reqSub(uTypo, uAnn)),
		// Clean.
		tk(func(t *Ticket) { t.ID = 4 }, email("jane@acme.com"), reqSub(uJane, uAnn), org(orgAcme)),
	}
	bp := PlanBulk(testCfg, tickets, dir)
	plans := make([]Plan, len(bp))
	for i := range bp {
		plans[i] = bp[i].Plan
	}
	groups := GroupByShape(plans)
	if len(groups) != 3 {
		for _, g := range groups {
			t.Logf("%s %v", g.Shape.Key, g.Indexes)
		}
		t.Fatalf("%d groups, want 3", len(groups))
	}
	if g := groups[0]; len(g.Indexes) != 2 || g.Indexes[0] != 0 || g.Indexes[1] != 2 ||
		!strings.Contains(g.Shape.Label, "Organization Email acme.cmo → acme.com") {
		t.Errorf("first group %+v, want tickets 1 and 3 with the acme.cmo → acme.com label", g)
	}
	if g := groups[1]; len(g.Indexes) != 1 || g.Indexes[0] != 1 || strings.Contains(g.Shape.Key, "org_email") {
		t.Errorf("second group %+v", g)
	}
	if g := groups[2]; g.Shape.Key != "none" || g.Indexes[0] != 3 {
		t.Errorf("last group %+v, want the clean ticket", g)
	}
	refused := plans[0]
	refused.Refused = "refused: x"
	if ShapeOf(refused) != ShapePerson {
		t.Error("a refused plan needs a person")
	}
}

// BenchmarkPlanBulk1000: planning and grouping a bulk fix of 1,000 tickets (every ticket of
// a mixed synthetic queue), as `F` does.
func BenchmarkPlanBulk1000(b *testing.B) {
	dir, tickets := syntheticQueue(1000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		bp := PlanBulk(testCfg, tickets, dir)
		plans := make([]Plan, len(bp))
		for i := range bp {
			plans[i] = bp[i].Plan
		}
		if len(GroupByShape(plans)) == 0 {
			b.Fatal("no groups")
		}
	}
}
