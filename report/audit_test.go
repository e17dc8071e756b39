package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	"github.com/partner-triage/partner-triage/model"
)

func TestAuditTableIsInertAndFits(t *testing.T) {
	cfg := model.RuleConfig{TrackField: "partner_track", SelectValues: []string{"select"}, OpenValues: []string{"open"}}
	res := model.AuditResult{
		MembershipsChecked: 3,
		Violations: []model.AuditViolation{{MembershipID: 9, UserID: 1, OrganizationID: 2, Kind: model.AuditCustomerInSelect,
			OpenTickets: []int64{4012, 4013}}},
		Page: model.QueuePage{
			Users: []model.User{{ID: 1, Name: "Evil", Email: "evil\x1b]52;c;aGk=\x07@acme.com"}},
			Organizations: []model.Organization{{ID: 2, Name: strings.Repeat("Very Long Select Partner Name ", 5) + "\x1b[31m",
				Fields: map[string]string{"partner_track": "select"}}},
		},
	}
	a := BuildAudit(cfg, res, nil, nil)
	if a.Violations[0].Organization.Track != "select" || a.ByPartner == nil {
		t.Fatalf("audit %+v", a)
	}
	var b bytes.Buffer
	if err := WriteAuditTable(&b, a, 80); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("control characters reach the terminal: %q", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if w := runewidth.StringWidth(l); w > 80 {
			t.Errorf("line of %d cells at width 80: %q", w, l)
		}
	}
	if !strings.Contains(out, "#4012 #4013") || !strings.Contains(out, "1 violation (1 customer_in_select)") {
		t.Errorf("table:\n%s", out)
	}
	var none bytes.Buffer
	_ = WriteAuditJSON(&none, Audit{})
	if !strings.Contains(none.String(), `"violations": []`) || !strings.Contains(none.String(), `"by_partner": []`) {
		t.Errorf("empty audit JSON: %s", none.String())
	}
}
