package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

type auditJSON struct {
	MembershipsChecked int `json:"memberships_checked"`
	Violations         []struct {
		MembershipID int64 `json:"membership_id"`
		User         struct {
			ID    int64  `json:"id"`
			Email string `json:"email"`
			Name  string `json:"name"`
		} `json:"user"`
		Organization struct {
			ID    int64  `json:"id"`
			Name  string `json:"name"`
			Track string `json:"track"`
		} `json:"organization"`
		Kind        string  `json:"kind"`
		OpenTickets []int64 `json:"open_tickets"`
	} `json:"violations"`
	ByPartner []struct {
		Organization struct {
			ID    int64  `json:"id"`
			Name  string `json:"name"`
			Track string `json:"track"`
		} `json:"organization"`
		Tickets int            `json:"tickets"`
		Kinds   map[string]int `json:"kinds"`
	} `json:"by_partner"`
}

func TestAuditDemoJSON(t *testing.T) {
	r := runWith(t, nil, "audit", "--demo", "--format", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (violations); stderr %q", r.code, r.stderr)
	}
	if r.stderr != "" {
		t.Errorf("stderr not empty for a pipe: %q", r.stderr)
	}
	var a auditJSON
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("stdout is not the audit document: %v\n%s", err, r.stdout)
	}
	got := map[string]string{}
	for _, v := range a.Violations {
		got[v.User.Email] = v.Kind + " " + v.Organization.Name + " (" + v.Organization.Track + ")"
		if v.MembershipID == 0 || v.OpenTickets == nil {
			t.Errorf("violation %+v lacks its membership id or open_tickets", v)
		}
	}
	want := map[string]string{
		"ben.carter@wingtipbank.com":  "customer_in_select Relecloud Solutions (select)",
		"liam.novak@adatum.com":       "customer_in_select Coho Digital (select)",
		"hannah.cole@cohodigital.com": "select_user_in_customer Tailspin Toys (customer)",
		"mei.tan@relecloud.com":       "select_user_in_customer Litware Inc. (customer)",
	}
	if len(got) != len(want) {
		t.Errorf("violations %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if a.MembershipsChecked < 4 {
		t.Errorf("memberships_checked %d", a.MembershipsChecked)
	}
	if len(a.ByPartner) == 0 {
		t.Fatal("by_partner is empty on the demo queue")
	}
	for _, p := range a.ByPartner {
		if p.Tickets == 0 || len(p.Kinds) != 4 || p.Organization.Track == "customer" {
			t.Errorf("by_partner row %+v", p)
		}
	}
}

func TestAuditTableAndUsage(t *testing.T) {
	r := runWith(t, nil, "audit", "--demo")
	if r.code != 1 || !strings.Contains(r.stdout, "4 violations (2 customer_in_select, 2 select_user_in_customer)") ||
		!strings.Contains(r.stdout, "by partner") {
		t.Errorf("table: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"audit", "--format", "xml"}, {"audit", "--bogus"}, {"audit", "extra"}} {
		if r := runWith(t, nil, args...); r.code != 2 || !strings.Contains(r.stderr, "Usage: partner-triage audit") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	h := runWith(t, nil, "audit", "--help")
	for _, s := range []string{"NAME", "EXIT STATUS", "customer_in_select", "select_user_in_customer", `"by_partner"`, "1    At least one violation"} {
		if !strings.Contains(h.stdout, s) {
			t.Errorf("audit --help lacks %q", s)
		}
	}
}

// A Zendesk failure during the audit is one line, exit 3, no secret; a clean instance exits 0.
func TestAuditZendeskErrorAndClean(t *testing.T) {
	const token = "audit-token-SECRET-0123"
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("agent@example.com", token))
	defer srv.Close()
	cfg := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 360077000001\n")
	env := map[string]string{"ZENDESK_API_TOKEN": token}

	srv.Inject(zendesktest.Fault{Method: "GET", PathPrefix: "/api/v2/search/export", Status: 403, Times: -1})
	r := runWith(t, env, "audit", "--config", cfg)
	if r.code != exitZendesk || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "403") ||
		strings.Contains(r.stderr, "SECRET") || r.stdout != "" {
		t.Errorf("403: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	// Without partner organizations nothing can break the rule (a fresh emulator: the
	// first one keeps failing).
	srv2 := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("agent@example.com", token))
	defer srv2.Close()
	clean := writeConfig(t, "zendesk:\n  url: "+srv2.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 360077000001\n"+
		"organizations:\n  select_values: [nobody]\n  open_values: [none]\n")
	r = runWith(t, env, "audit", "--config", clean, "--format", "json")
	if r.code != exitOK || !strings.Contains(r.stdout, `"violations": []`) {
		t.Errorf("clean: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
