package zendesk

import (
	"strings"
	"testing"

	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// A page that cannot say whether more follow, or a list shorter than its own count, is an
// error naming the request — never a silently shorter queue (issue 10: 170 of 270 dropped).
func TestLoadQueueRefusesPagesThatContradictThemselves(t *testing.T) {
	ticket := `{"id":8801,"status":"open","ticket_form_id":360000818199,"requester_id":7}`
	cases := []struct {
		name, search, prefix, body, want string
	}{
		{"has_more missing", "", "/views/", `{"tickets":[` + ticket + `],"meta":{"after_cursor":"x"}}`, "has_more is missing"},
		{"has_more null", "", "/views/", `{"tickets":[` + ticket + `],"meta":{"has_more":null,"after_cursor":"x"}}`, "has_more is missing or null"},
		{"has_more a string", "", "/views/", `{"tickets":[` + ticket + `],"meta":{"has_more":"no","after_cursor":"x"}}`, `has_more is "no"`},
		{"has_more a number", "", "/views/", `{"tickets":[` + ticket + `],"meta":{"has_more":0}}`, "has_more is 0"},
		{"no meta at all", "", "/views/", `{"tickets":[` + ticket + `]}`, "has_more is missing"},
		{"search shorter than its count", "status<solved", "/search", `{"results":[` + strings.Replace(ticket, `{`, `{"result_type":"ticket",`, 1) + `],"count":5,"next_page":null}`, "1 of the 5 results"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c, _ := emu(t, zt.Demo(), func(cfg *Config) {
				if tc.search != "" {
					cfg.ViewID, cfg.Search = 0, tc.search
				}
			})
			s.Inject(zt.Fault{Method: "GET", PathPrefix: tc.prefix, Body: tc.body, Times: 1})
			l, err := loadAll(t, c)
			if err == nil {
				t.Fatalf("loaded %d tickets without an error", len(l.tickets))
			}
			var de *DecodeError
			if !asDecodeError(err, &de) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want a DecodeError saying %q", err, tc.want)
			}
		})
	}
}

// Ticket ids that name no ticket (null, 0, negative, fractional, ≥ 2^63) are reported with the
// value, never dropped, truncated or wrapped into another ticket's id.
func TestLoadQueueReportsInvalidTicketIDs(t *testing.T) {
	for _, id := range []string{"null", "0", "-3", "1.5", "9223372036854775808", "1e19", `"12x"`} {
		t.Run(id, func(t *testing.T) {
			s, c, _ := emu(t, zt.Demo(), nil)
			s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Times: 1,
				Body: `{"tickets":[{"id":8801,"status":"open"},{"id":` + id + `,"status":"open"}],"meta":{"has_more":false}}`})
			l, err := loadAll(t, c)
			if err == nil {
				t.Fatalf("loaded %d tickets without an error", len(l.tickets))
			}
			want := strings.Trim(id, `"`)
			if id == "null" || id == "0" {
				want = "no id"
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error = %v, want it to name %s", err, want)
			}
		})
	}
}

func asDecodeError(err error, de **DecodeError) bool {
	for e := err; e != nil; {
		if d, ok := e.(*DecodeError); ok {
			*de = d
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}
