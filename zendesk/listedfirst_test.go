package zendesk

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// Issue 15: first rows on screen within one round trip. With ListedFirst the first page
// arrives Pending while the organizations (and every look-up) are still unanswered, then
// the same tickets arrive resolved; the resolved pages alone are the whole queue.
func TestListedFirstDeliversPageOneBeforeItsLookUps(t *testing.T) {
	search := func(cfg *Config) { cfg.ListedFirst, cfg.ViewID, cfg.Search = true, 0, "status<solved" }
	for _, src := range []struct {
		name string
		n    int
		mod  func(*Config)
	}{
		{"view", 450, func(cfg *Config) { cfg.ListedFirst = true }},
		{"search", 450, search},
		{"search export", 1200, search}, // /search's first page shows while export lists it all
	} {
		t.Run(src.name, func(t *testing.T) {
			s, c, _ := emu(t, zt.Synthetic(src.n, 7), src.mod)
			release := make(chan struct{})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a loader that waits hangs: fail, don't stall
			defer cancel()
			// The organizations' list answers only once the test has seen the pending page.
			s.Inject(zt.Fault{Method: "GET", PathPrefix: "/organizations.json", Times: 1, Before: func() {
				select {
				case <-release:
				case <-ctx.Done():
				}
			}})
			var pages []model.QueuePage
			err := c.LoadQueue(ctx, func(p model.QueuePage) {
				if len(pages) == 0 {
					close(release)
				}
				pages = append(pages, p)
			})
			if err != nil {
				t.Fatalf("LoadQueue: %v", err)
			}
			if len(pages) < 2 || !pages[0].Pending || len(pages[0].Tickets) == 0 {
				t.Fatalf("%d deliveries, the first pending=%v; want page 1 pending with its tickets, then the resolved pages", len(pages), len(pages) > 0 && pages[0].Pending)
			}
			if len(pages[0].Users) == 0 {
				t.Errorf("the pending page carries none of the list's sideloaded users")
			}
			var resolved []int64
			for i, p := range pages[1:] {
				if p.Pending {
					t.Fatalf("page %d is pending: only the first page may be", i+2)
				}
				for _, tk := range p.Tickets {
					resolved = append(resolved, tk.ID)
				}
			}
			slices.Sort(resolved)
			for _, tk := range pages[0].Tickets {
				if _, ok := slices.BinarySearch(resolved, tk.ID); !ok {
					t.Errorf("pending ticket %d is in no resolved page", tk.ID)
				}
			}
			if got := pages[0].Loaded; got != len(pages[0].Tickets) {
				t.Errorf("pending page Loaded = %d, want %d", got, len(pages[0].Tickets))
			}
			if n := len(slices.Compact(resolved)); n != len(resolved) || n != src.n { // every synthetic ticket is in the queue
				t.Errorf("resolved pages hold %d tickets (%d distinct), the queue has %d", len(resolved), n, src.n)
			}
		})
	}
}

// Without ListedFirst (scan, audit) no page is pending.
func TestNoPendingPageByDefault(t *testing.T) {
	_, c, _ := emu(t, zt.Synthetic(250, 7), nil)
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range l.pages {
		if p.Pending {
			t.Fatalf("page %d is pending", i+1)
		}
	}
}

// Listed counts every record the source listed, in the queue or not, so progress held
// against Total ends at Total; Loaded counts only the queue's (trial 3: "loading 30/36"
// then "loaded 30" left the agent wondering about the other 6).
func TestPagesSayHowManyRecordsAreListed(t *testing.T) {
	_, c, _ := emu(t, zt.Demo(), nil)
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	last := l.pages[len(l.pages)-1]
	if last.Total < 0 || last.Listed != last.Total || last.Loaded >= last.Listed {
		t.Errorf("last page: Loaded %d, Listed %d, Total %d; want Listed = Total and more than Loaded (the demo view holds tickets the queue leaves out)", last.Loaded, last.Listed, last.Total)
	}
}
