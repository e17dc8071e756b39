package zendesk

import (
	"context"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// BenchmarkLoadQueue10k loads a 10,000-ticket synthetic queue from the emulator with 50 ms
// of latency per request. Reported: requests per load, the floor (list pages × latency: the
// cursor pages cannot be fetched in parallel), the wall time to the first rows (the pending
// first page) and to the first verdicts (the resolved one), and the peak heap in use while loading.
func BenchmarkLoadQueue10k(b *testing.B) {
	const n = 10000
	latency := benchLatency
	s := zt.NewServer(zt.Synthetic(n, 42), zt.WithAPIToken(emuEmail, testToken), zt.WithLatency(latency))
	defer s.Close()
	c, err := New(Config{BaseURL: s.URL(), Email: emuEmail, APIToken: testToken, ViewID: zt.DemoViewID, Rules: defaultRules(),
		ListedFirst: true}) // as the console loads
	if err != nil {
		b.Fatal(err)
	}
	listPages := (n + 99) / 100
	b.ReportAllocs()
	var firstPage, firstRows time.Duration
	var peak atomic.Uint64
	for b.Loop() {
		before := c.RequestCount()
		runtime.GC()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() { // sample the heap while loading
			var ms runtime.MemStats
			tk := time.NewTicker(20 * time.Millisecond)
			defer tk.Stop()
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-tk.C:
				}
			}
		})
		start := time.Now()
		tickets := 0
		first, rows := time.Duration(0), time.Duration(0)
		err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
			if rows == 0 {
				rows = time.Since(start)
			}
			if p.Pending {
				return
			}
			if first == 0 {
				first = time.Since(start)
			}
			tickets += len(p.Tickets)
		})
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		if tickets != n {
			b.Fatalf("%d tickets", tickets)
		}
		firstPage, firstRows = first, rows
		b.ReportMetric(float64(c.RequestCount()-before), "requests/op")
	}
	b.ReportMetric(float64(listPages)*latency.Seconds(), "floor-s")
	b.ReportMetric(firstPage.Seconds(), "first-page-s")
	b.ReportMetric(firstRows.Seconds(), "first-rows-s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}

var benchLatency = func() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("BENCH_LATENCY")); err == nil {
		return d
	}
	return 50 * time.Millisecond
}()

// benchLoad loads a synthetic queue of n tickets through cfg's source at benchLatency per
// request and reports requests per load, the sequential floor (⌈n/100⌉ list round trips), the
// load's ratio to that floor and the time to the first page.
func benchLoad(b *testing.B, n int, mod func(*Config)) {
	latency := benchLatency
	s := zt.NewServer(zt.Synthetic(n, 42), zt.WithAPIToken(emuEmail, testToken), zt.WithLatency(latency))
	defer s.Close()
	cfg := Config{BaseURL: s.URL(), Email: emuEmail, APIToken: testToken, ViewID: zt.DemoViewID, Rules: defaultRules(),
		ListedFirst: true} // as the console loads
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	floor := time.Duration((n+99)/100) * latency
	var total, first, rows time.Duration
	loads := 0
	for b.Loop() {
		before := c.RequestCount()
		start := time.Now()
		tickets := 0
		var f, r time.Duration
		err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
			if r == 0 {
				r = time.Since(start)
			}
			if p.Pending {
				return
			}
			if f == 0 {
				f = time.Since(start)
			}
			tickets += len(p.Tickets)
		})
		if err != nil {
			b.Fatal(err)
		}
		if tickets != n {
			b.Fatalf("%d tickets, want %d", tickets, n)
		}
		total += time.Since(start)
		first += f
		rows += r
		loads++
		b.ReportMetric(float64(c.RequestCount()-before), "requests/op")
	}
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(total.Seconds()/float64(loads)/floor.Seconds(), "x-floor")
	b.ReportMetric(first.Seconds()/float64(loads), "first-page-s")
	// The first rows (the pending first page) in round trips: the goal is ≤ 1 + 50 ms.
	b.ReportMetric(rows.Seconds()/float64(loads), "first-rows-s")
	b.ReportMetric(rows.Seconds()/float64(loads)/latency.Seconds(), "first-rows-rtt")
}

// BenchmarkLoadView2k: a 2,000-ticket view; goal ≤ 0.5× the sequential floor (x-floor).
func BenchmarkLoadView2k(b *testing.B) { benchLoad(b, 2000, nil) }

// BenchmarkLoadSearch10k: a 10,000-result search, which has to go through /search/export.
func BenchmarkLoadSearch10k(b *testing.B) {
	benchLoad(b, 10000, func(c *Config) { c.ViewID, c.Search = 0, "status<solved" })
}

// BenchmarkDecodePage decodes one 100-ticket view page with its sideloads (the CPU a load
// spends per page off the network).
func BenchmarkDecodePage(b *testing.B) {
	s := zt.NewServer(zt.Synthetic(100, 42), zt.WithAPIToken(emuEmail, testToken))
	defer s.Close()
	c, err := New(Config{BaseURL: s.URL(), Email: emuEmail, APIToken: testToken, ViewID: zt.DemoViewID, Rules: defaultRules()})
	if err != nil {
		b.Fatal(err)
	}
	path := "/views/360077000001/tickets.json?include=users%2Corganizations&page%5Bsize%5D=100"
	data, err := c.getBytes(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := c.decodePage(rawPage{path: path, data: data})
		if r.err != nil || len(r.tickets) != 100 {
			b.Fatalf("%v, %d tickets", r.err, len(r.tickets))
		}
	}
}
