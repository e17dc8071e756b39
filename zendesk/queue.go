package zendesk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// LoadQueue loads the configured queue and calls onPage once per list page, in order, with the
// page's queue tickets (model.InQueue) and everything learnt to judge them.
//
// Requests, for a queue of N tickets: the organizations (one per 100), the Select orgs'
// memberships and users (one per 100 each), ⌈N/100⌉ list pages (a search above 1,000 results:
// ⌈N/1,000⌉ export pages), and per page only what the sideloads lacked: show_many batches of
// ≤100 ids, memberships of the Select-domain users on the page, and an exact-email look-up
// for Organization Email values naming no known user.
//
// With Config.ListedFirst the first page is delivered twice: Pending (model.QueuePage.Pending)
// as soon as it is listed, with the list's sideloads, then resolved. A view's pages after the
// first are fetched in parallel (see listView) while the first is resolved; pages are resolved
// concurrently but delivered in order. The first resolved page also carries every
// organization and the Select orgs' users and memberships. Each user, organization and
// membership is delivered once by the resolved pages; each ticket once, even when the view
// changes during the load. Config.LoadTimeout bounds the whole load.
func (c *Client) LoadQueue(ctx context.Context, onPage func(model.QueuePage)) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return c.withLoadTimeout(ctx, func(ctx context.Context) error { return c.loadQueue(ctx, onPage) })
}

// withLoadTimeout runs fn under Config.LoadTimeout, and says so when that limit stopped it.
func (c *Client) withLoadTimeout(ctx context.Context, fn func(context.Context) error) error {
	if c.cfg.LoadTimeout <= 0 {
		return fn(ctx)
	}
	tctx, cancel := context.WithTimeout(ctx, c.cfg.LoadTimeout)
	defer cancel()
	err := fn(tctx)
	if err != nil && ctx.Err() == nil && tctx.Err() != nil {
		return fmt.Errorf("gave up after %s (the time limit, --timeout): %w", c.cfg.LoadTimeout, err)
	}
	return err
}

func (c *Client) loadQueue(ctx context.Context, onPage func(model.QueuePage)) error {
	if c.cfg.ViewID == 0 && strings.TrimSpace(c.cfg.Search) == "" {
		return errors.New("zendesk: no queue source: set queue.view_id or queue.search")
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup // no goroutine outlives the call
	defer wg.Wait()
	defer cancel()
	l := newLoader(c)

	// Organizations, the Select orgs' members and the first list page, all at once.
	dirDone := make(chan error, 1)
	wg.Go(func() { dirDone <- l.loadDirectory(ctx) })

	pages := make(chan rawPage, 8) // the fetcher never waits on decoding
	// Closed once the first page is delivered: until then a view's later pages are fetched
	// only two at a time, so the first page's own look-ups go first.
	firstShown := make(chan struct{})
	var closeFirst sync.Once
	defer closeFirst.Do(func() { close(firstShown) })
	fetchDone := make(chan error, 1)
	wg.Go(func() {
		defer close(pages)
		fetchDone <- c.listQueue(ctx, firstShown, func(p rawPage) error {
			select {
			case pages <- p:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil // the next pages are fetched while this one is resolved
		})
	})

	// The directory is waited for by the first page's plan, not before: with ListedFirst the
	// first page is delivered Pending as soon as it is listed (its rows show one round trip
	// in), then again resolved.
	waitDir := sync.OnceValue(func() error {
		select {
		case err := <-dirDone:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	})

	// Plan each page in order (the first page that needs a look-up makes it), resolve pages
	// concurrently, deliver in order.
	ordered := make(chan *pending, 6)
	listed, announced := 0, -1 // records listed; the source's count (read after ordered closes)
	wg.Go(func() {
		defer close(ordered)
		push := func(p *pending) bool {
			select {
			case ordered <- p:
				return true
			case <-ctx.Done():
				return false
			}
		}
		// fail delivers err in p's place and ends the listing.
		fail := func(p *pending, err error) {
			p.err = err
			close(p.done)
			push(p)
		}
		early := c.cfg.ListedFirst
		// showEarly delivers the first listed page pending; false when the load is cancelled.
		showEarly := func(raw rawPage) bool {
			if !early || raw.err != nil {
				return true
			}
			early = false
			ts := l.queueTickets(raw)
			return len(ts) == 0 || push(listedPage(ts, raw))
		}
		for raw := range pages {
			p := &pending{done: make(chan struct{})}
			raw = c.decodePage(raw)
			if raw.listedOnly {
				if !showEarly(raw) {
					return
				}
				continue
			}
			listed += raw.records
			p.listed = listed
			if raw.results {
				announced = raw.total // a view's count may change under a load: see listView
			}
			if raw.err != nil {
				fail(p, raw.err)
				return
			}
			if !showEarly(raw) {
				return
			}
			if err := waitDir(); err != nil {
				fail(p, err)
				return
			}
			// Resolving starts before the page waits for its turn in ordered: an earlier page
			// may be waiting for a look-up this page's plan has just taken.
			plan := l.plan(raw)
			wg.Go(func() {
				p.page, p.err = l.resolve(ctx, plan)
				close(p.done)
			})
			if !push(p) {
				return
			}
		}
	})

	loaded, pagesSeen := 0, 0
	started := time.Now()
	first := true
	for p := range ordered {
		select {
		case <-p.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := ctx.Err(); err != nil {
			return err // cancelled (by onPage, say) while this page was ready: deliver no more
		}
		if p.err != nil {
			return p.err
		}
		if p.shown != nil {
			p.shown.Loaded = len(p.shown.Tickets)
			onPage(*p.shown)
			continue
		}
		qp := l.deliver(p.page, first)
		loaded += len(qp.Tickets)
		qp.Loaded = loaded
		qp.Listed = p.listed
		qp.Total = p.page.total
		pagesSeen++
		onPage(qp)
		if first {
			closeFirst.Do(func() { close(firstShown) })
		}
		first = false
	}
	if err := <-fetchDone; err != nil {
		return err
	}
	if err := waitDir(); err != nil {
		return err // the list ended before the directory could be waited for (no page)
	}
	if announced >= 0 && listed < announced {
		// A list that ends before its own count lost records on the way (a page that
		// contradicts the count): report it rather than show a shorter queue.
		return &DecodeError{Method: "GET", Path: errPath(c.sourcePath()), Err: fmt.Errorf(
			"the list ended after %d of the %d results its count announced; load again", listed, announced)}
	}
	c.logf("queue %s: %d tickets in %d pages, %d requests so far, %s", c.Source(), loaded, pagesSeen,
		c.RequestCount(), time.Since(started).Round(time.Millisecond))
	return ctx.Err()
}

// listedPage is the pending delivery of a first page's queue tickets (see Config.ListedFirst).
// Its pending.done is closed: nothing to resolve.
func listedPage(ts []model.Ticket, raw rawPage) *pending {
	done := make(chan struct{})
	close(done)
	return &pending{done: done, shown: &model.QueuePage{
		Tickets: ts, Users: raw.users, Organizations: raw.orgs, Pending: true, Listed: raw.records, Total: raw.total,
	}}
}

// pending is one delivery in order: a page being resolved (page, once done closes), a page
// shown pending (shown), or the error that ends the load.
type pending struct {
	done   chan struct{}
	page   *resolvedPage
	shown  *model.QueuePage
	listed int // the source's records listed up to this page
	err    error
}

// sourcePath is the queue source's list path, for error messages.
func (c *Client) sourcePath() string {
	if c.cfg.ViewID != 0 {
		return fmt.Sprintf("/views/%d/tickets", c.cfg.ViewID)
	}
	return "/search"
}

// rawPage is one list page as fetched: data until decodePage fills the rest.
type rawPage struct {
	index   int
	path    string
	data    []byte
	results bool // search answer: tickets under "results"
	err     error
	tickets []model.Ticket // every ticket of the page, queue or not
	users   []model.User   // sideloaded
	orgs    []model.Organization
	total   int            // the source's count, -1 when unknown
	records int            // results on the page (before the queue filter), to hold against total
	skip    map[int64]bool // tickets an earlier page delivered: left out of this one
	// listedOnly: tickets listed again by the pages that follow (a search's first page before
	// its export), only to be shown pending.
	listedOnly bool
}
