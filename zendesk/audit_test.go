package zendesk

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

func TestAuditDemoFindsViolationsBeyondTheQueue(t *testing.T) {
	_, c, _ := emu(t, zt.Demo(), nil)
	res, err := c.Audit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		user, org int64
		kind      model.AuditKind
	}
	var got []key
	for _, v := range res.Violations {
		got = append(got, key{v.UserID, v.OrganizationID, v.Kind})
		if v.MembershipID == 0 {
			t.Errorf("violation without its membership id: %+v", v)
		}
	}
	for _, w := range []key{
		{381000000307, zt.OrgRelecloud, model.AuditCustomerInSelect},    // Ben Carter, on the queue
		{381000000209, zt.OrgTailspin, model.AuditSelectUserInCustomer}, // Hannah Cole in Tailspin
		{381000000501, zt.OrgCoho, model.AuditCustomerInSelect},         // Liam Novak: on no ticket
		{381000000502, zt.OrgLitware, model.AuditSelectUserInCustomer},  // Mei Tan: on no ticket
	} {
		if !slices.Contains(got, w) {
			t.Errorf("missing violation %+v in %+v", w, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("want exactly the demo's 4 violations, got %+v", got)
	}
	if res.MembershipsChecked < len(res.Violations) || res.MembershipsChecked == 0 {
		t.Errorf("memberships checked = %d for %d violations", res.MembershipsChecked, len(res.Violations))
	}
}

// auditRequests runs the audit on a synthetic instance and returns the violations and the
// requests it took.
func auditRequests(t *testing.T, users, orgs int) (model.AuditResult, []zt.RequestRecord) {
	t.Helper()
	s, c, _ := emu(t, zt.SyntheticInstance(users, orgs, 7), nil)
	s.ResetRequests()
	res, err := c.Audit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res, s.Requests()
}

// TestAuditRequestsStayFlat: the audit looks from the partner side, so an instance ten
// times larger costs the same requests (50,000 users and 5,000 organizations: the figure
// the README reports).
func TestAuditRequestsStayFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000-user instance")
	}
	small, smallReqs := auditRequests(t, 5000, 500)
	large, largeReqs := auditRequests(t, 50000, 5000)
	t.Logf("audit requests: %d on 5,000 users / 500 orgs, %d on 50,000 users / 5,000 orgs; %d memberships checked, %d violations",
		len(smallReqs), len(largeReqs), large.MembershipsChecked, len(large.Violations))
	if len(largeReqs) != len(smallReqs) {
		t.Errorf("requests grew with the instance: %d → %d", len(smallReqs), len(largeReqs))
	}
	if len(largeReqs) > 60 {
		for _, r := range largeReqs {
			t.Log(r.Method, r.Path)
		}
		t.Errorf("%d requests for the audit, want at most 60", len(largeReqs))
	}
	for _, r := range largeReqs {
		if strings.HasPrefix(r.Path, "/api/v2/organizations.json") || strings.HasPrefix(r.Path, "/api/v2/users.json") {
			t.Errorf("the audit listed the whole instance: %s", r.Path)
		}
	}
	// 5 customers in a Select org, 2 Select users in a customer org, each with an open ticket.
	for _, res := range []model.AuditResult{small, large} {
		var cis, suic int
		for _, v := range res.Violations {
			switch v.Kind {
			case model.AuditCustomerInSelect:
				cis++
			case model.AuditSelectUserInCustomer:
				suic++
			}
			if len(v.OpenTickets) != 1 {
				t.Errorf("violation %+v: want its one open ticket", v)
			}
		}
		if cis != 5 || suic != 2 {
			t.Errorf("violations: %d customer_in_select, %d select_user_in_customer; want 5 and 2", cis, suic)
		}
	}
}
