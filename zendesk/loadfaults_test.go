package zendesk

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/partner-triage/partner-triage/model"
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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c, _ := emu(t, zt.Demo(), func(cfg *Config) {
				if tc.search != "" {
					cfg.ViewID, cfg.Search = 0, tc.search
				}
			})
			s.Inject(zt.Fault{Method: "GET", PathPrefix: tc.prefix, Body: tc.body, Times: -1})
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

// A search page shorter than its count is not a shorter queue: the search is listed again by
// cursor (/search/export) and every ticket arrives once.
func TestSearchShorterThanItsCountIsListedAgain(t *testing.T) {
	_, c, _ := emu(t, zt.Synthetic(250, 2), func(cfg *Config) { cfg.ViewID, cfg.Search = 0, "status<solved" })
	clean, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	s, c, logs := emu(t, zt.Synthetic(250, 2), func(cfg *Config) { cfg.ViewID, cfg.Search = 0, "status<solved" })
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/search.json", Times: 1,
		Body: `{"results":[{"result_type":"ticket","id":1,"status":"open"}],"count":250,"next_page":null}`})
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for _, tk := range l.tickets {
		if got[tk.ID] {
			t.Errorf("ticket %d twice", tk.ID)
		}
		got[tk.ID] = true
	}
	for _, tk := range clean.tickets {
		if !got[tk.ID] {
			t.Errorf("ticket %d missing", tk.ID)
		}
	}
	if !strings.Contains(logs.all(), "listing it again by cursor") {
		t.Errorf("the reconciliation is not logged")
	}
}

// Ticket ids that name no ticket (null, 0, negative, fractional, ≥ 2^63) are reported with the
// value, never dropped, truncated or wrapped into another ticket's id.
func TestLoadQueueReportsInvalidTicketIDs(t *testing.T) {
	for _, id := range []string{"null", "0", "-3", "1.5", "9223372036854775808", "1e19", `"12x"`} {
		t.Run(id, func(t *testing.T) {
			s, c, _ := emu(t, zt.Demo(), nil)
			s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Times: -1,
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

// An answer past the byte cap is an error saying so (not 2 GB of memory); a long string is
// kept only up to maxStringBytes.
func TestLoadQueueCapsAnswerBytesAndStringLength(t *testing.T) {
	page := func(subject string) string {
		return `{"tickets":[{"id":8801,"status":"open","ticket_form_id":360000818199,"subject":"` + subject +
			`","custom_fields":[{"id":360012194200,"value":"` + subject + `"}]}],"meta":{"has_more":false}}`
	}
	t.Run("answer over the cap", func(t *testing.T) {
		s, c, _ := emu(t, zt.Demo(), func(cfg *Config) { cfg.MaxResponseBytes = 256 << 10 })
		s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Times: -1, Body: page(strings.Repeat("x", 300<<10))})
		_, err := loadAll(t, c)
		if err == nil || !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "larger than 256 KiB") {
			t.Fatalf("error = %v, want one saying the answer is larger than 256 KiB", err)
		}
		if strings.Contains(err.Error(), "xxxxxxxx") {
			t.Errorf("the error repeats the answer: %.200s", err)
		}
	})
	t.Run("long strings are cut", func(t *testing.T) {
		s, c, _ := emu(t, zt.Demo(), nil)
		s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Times: -1, Body: page(strings.Repeat("é", 500<<10))})
		var got []model.Ticket
		err := c.LoadQueue(context.Background(), func(p model.QueuePage) { got = append(got, p.Tickets...) })
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("%d tickets", len(got))
		}
		for name, v := range map[string]string{"subject": got[0].Subject, "field": got[0].Field(zt.FieldOrgEmail)} {
			if len(v) > maxStringBytes || !strings.HasSuffix(v, "…") || !utf8.ValidString(v) {
				t.Errorf("%s kept %d bytes (valid UTF-8: %v), want ≤ %d ending in …", name, len(v), utf8.ValidString(v), maxStringBytes)
			}
		}
	})
}

// Export reads 1,000 a page; when such a page times out the walk goes on from the same
// cursor at 100 a page, and no ticket is lost or repeated.
func TestExportFallsBackToSmallerPagesOnTimeout(t *testing.T) {
	s, c, logs := emu(t, zt.Synthetic(2500, 9), func(cfg *Config) {
		cfg.ViewID, cfg.Search = 0, "status<solved"
		cfg.RequestTimeout = 2 * time.Second // the hanging page times out; the others, even under -race, do not
	})
	// The second export page (the first of 1,000) never answers.
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/search/export", Times: 1, Status: 0})
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/search/export", Times: 1, Delay: time.Hour})
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, tk := range l.tickets {
		if seen[tk.ID] {
			t.Fatalf("ticket %d twice", tk.ID)
		}
		seen[tk.ID] = true
	}
	if len(l.tickets) != 2500 {
		t.Errorf("%d tickets, want 2500", len(l.tickets))
	}
	var sizes []string
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Path, "/api/v2/search/export") {
			sizes = append(sizes, pageParam(r.Path))
		}
	}
	// 100 (the first page, small for quick first rows), 1000 (timed out), then 100 a page
	// for the remaining 2,400.
	bySize := map[string]int{}
	for _, z := range sizes {
		bySize[z]++
	}
	if sizes[0] != "100" || bySize["1000"] != 1 || bySize["100"] != 25 || len(sizes) != 26 {
		t.Errorf("export page sizes %v", sizes)
	}
	if !strings.Contains(logs.all(), "timed out; going on at 100 a page") {
		t.Errorf("the fallback is not logged")
	}
}

// A look-up that fails fails every page waiting for it: the load ends with the error (pages
// share look-ups in flight, so a lost landing would hang the load instead).
func TestFailedSharedLookUpEndsTheLoad(t *testing.T) {
	s, c, _ := emu(t, zt.Synthetic(3000, 42), nil)
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/users/", Status: 403, Body: `{"error":"Forbidden","description":"You do not have access"}`, Times: -1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang fails the test, not the suite
	defer cancel()
	err := c.LoadQueue(ctx, func(model.QueuePage) {})
	if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("LoadQueue = %v (context: %v), want the look-up's 403", err, ctx.Err())
	}
}
