package zendesk

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// A view that changes while its pages are fetched in parallel still loads exactly: every
// ticket in the view after the load is loaded, once (issue 15: never at the cost of a
// ticket). The emulator solves, adds and updates tickets between two page requests.
func TestParallelViewLoadNeverLosesATicket(t *testing.T) {
	open := func(tk zt.Ticket) bool {
		return tk.Status == "new" || tk.Status == "open" || tk.Status == "pending" || tk.Status == "hold"
	}
	base := zt.Synthetic(1000, 7)
	base.Views = []zt.View{{ID: zt.DemoViewID, Title: "Open partner tickets", Match: open}}
	var ids []int64
	for _, tk := range base.Tickets {
		if open(tk) {
			ids = append(ids, tk.ID)
		}
	}
	slices.Sort(ids)
	template := base.Tickets[0]
	added := func(id int64) zt.Ticket {
		tk := template
		tk.ID, tk.Status = id, "open"
		return tk
	}
	solve := func(tk *zt.Ticket) { tk.Status = "solved" }
	cases := []struct {
		name   string
		mutate func(s *zt.Server)
	}{
		{"solve on a fetched page", func(s *zt.Server) { s.UpdateTicketDirect(ids[10], solve) }},
		{"add before every ticket", func(s *zt.Server) { s.AddTicketDirect(added(ids[0] - 1)) }},
		{"solve on page 1 and add at the end", func(s *zt.Server) {
			s.UpdateTicketDirect(ids[10], solve)
			s.AddTicketDirect(added(ids[len(ids)-1] + 1))
		}},
		{"solve late, add early", func(s *zt.Server) {
			s.UpdateTicketDirect(ids[len(ids)-5], solve)
			s.AddTicketDirect(added(ids[0] - 1))
		}},
		{"update without leaving the view", func(s *zt.Server) {
			s.UpdateTicketDirect(ids[500], func(tk *zt.Ticket) { tk.Subject = "changed during the load" })
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c, _ := emu(t, base, func(cfg *Config) { cfg.PageConcurrency = 4 })
			// Page 1 passes; the change happens as the next list page is asked for.
			s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Times: 1})
			s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Times: 1, Before: func() { tc.mutate(s) }})
			l, err := loadAll(t, c)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]bool{}
			for _, tk := range l.tickets {
				if got[tk.ID] {
					t.Errorf("ticket %d delivered twice", tk.ID)
				}
				got[tk.ID] = true
			}
			// Every queue ticket of the view as it is now was loaded.
			for id := ids[0] - 1; id <= ids[len(ids)-1]+1; id++ {
				tk, ok := s.Ticket(id)
				if ok && open(tk) && model.InQueue(c.cfg.Rules, model.Ticket{Status: tk.Status, FormID: tk.TicketFormID}) && !got[id] {
					t.Errorf("ticket %d is in the queue but was not loaded", id)
				}
			}
		})
	}
}

// The list pages back off to one at a time as X-Rate-Limit-Remaining falls under a tenth of
// the limit, and a load that meets the limit still loads every ticket.
func TestParallelPagesBackOffNearTheRateLimit(t *testing.T) {
	tr := &transport{}
	for _, c := range []struct {
		limit, left string
		low         bool
	}{{"700", "700", false}, {"700", "70", false}, {"700", "69", true}, {"", "", true}, {"x", "1", true}} {
		h := http.Header{}
		h.Set("X-Rate-Limit", c.limit)
		h.Set("X-Rate-Limit-Remaining", c.left)
		tr.noteRate(h) // unreadable headers keep the last good reading
		if tr.rateLow() != c.low {
			t.Errorf("limit %q remaining %q: rateLow = %v", c.limit, c.left, !c.low)
		}
	}
	s, c, _ := emu(t, zt.Synthetic(1500, 3), nil, zt.WithRateLimitWindow(30, 200*time.Millisecond))
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.tickets) != 1500 {
		t.Errorf("%d tickets, want 1500", len(l.tickets))
	}
	if c.tr.rateLimit.Load() != 30 {
		t.Errorf("X-Rate-Limit not read: %d", c.tr.rateLimit.Load())
	}
	_ = s
}

// Above Zendesk's offset limit (10,000 records) a view is walked by cursor, every ticket once.
func TestViewAboveTheOffsetLimitGoesByCursor(t *testing.T) {
	s, c, _ := emu(t, zt.Synthetic(10050, 11), nil)
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.tickets) != 10050 {
		t.Errorf("%d tickets, want 10050", len(l.tickets))
	}
	offset, cursor := 0, 0
	for _, r := range s.Requests() {
		switch {
		case !strings.HasPrefix(r.Path, "/api/v2/views/"):
		case strings.Contains(r.Path, "per_page="):
			offset++
		default:
			cursor++
		}
		if strings.HasPrefix(r.Path, "/api/v2/views/") && r.Status != 200 {
			t.Errorf("%s → %d", r.Path, r.Status)
		}
	}
	if offset != 1 || cursor != 101 {
		t.Errorf("%d offset and %d cursor list requests, want 1 (the count) and 101", offset, cursor)
	}
}

// The same for a /search under 1,000 results, whose offset pages are fetched in parallel too:
// a ticket solved on page 1 while the others are fetched does not cost a later ticket.
func TestParallelSearchLoadNeverLosesATicket(t *testing.T) {
	ds := zt.Synthetic(800, 5)
	s, c, _ := emu(t, ds, func(cfg *Config) { cfg.ViewID, cfg.Search, cfg.PageConcurrency = 0, "status<solved", 4 })
	var first int64
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/search.json", Times: 1})
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/search.json", Times: 1, Before: func() {
		s.UpdateTicketDirect(first, func(tk *zt.Ticket) { tk.Status = "solved" })
	}})
	ids := []int64{}
	for _, tk := range ds.Tickets {
		ids = append(ids, tk.ID)
	}
	slices.Sort(ids)
	first = ids[5]
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
	for _, id := range ids {
		tk, _ := s.Ticket(id)
		if model.InQueue(c.cfg.Rules, model.Ticket{Status: tk.Status, FormID: tk.TicketFormID}) && !got[id] {
			t.Errorf("ticket %d is in the queue but was not loaded", id)
		}
	}
}
