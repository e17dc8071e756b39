package zendesk

// Listing a view fast without losing a ticket: offset pages in parallel after the first, then
// a check that the view did not move under the load, and a cursor walk when it did.

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// defaultPageConcurrency is how many list pages are fetched at once (Config.PageConcurrency).
const defaultPageConcurrency = 8

// listView emits a view's pages in order.
//
// Page 1 is an offset page: its count says how many pages there are. Up to Zendesk's offset
// limit (10,000 records) pages 2… are then fetched PageConcurrency at a time (one at a time
// while X-Rate-Limit-Remaining is under a tenth of the limit; only two until firstShown
// closes, so the first page's look-ups are not queued behind the list) and emitted in order. Above the limit, or without a count, the view is walked by cursor.
//
// Offset pages shift when the view changes during the load (a ticket solved, added or moved):
// a ticket can then fall between two pages. So after the last page the load checks that
// nothing moved — no ticket on two pages, every page but the last full, the tickets listed
// equal to the count, no ticket updated since the first page's Date (the server's clock) —
// and otherwise walks the view by
// cursor once more, emitting only the tickets not delivered yet. No ticket is lost; a ticket
// that left the view during the load may still be shown, as after any load.
func (c *Client) listView(ctx context.Context, firstShown <-chan struct{}, emit func(rawPage) error) error {
	base := fmt.Sprintf("/views/%d/tickets.json?include=users%%2Corganizations", c.cfg.ViewID)
	offsetPath := func(page, per int) string { return fmt.Sprintf("%s&per_page=%d&page=%d", base, per, page) }
	cursorPath := fmt.Sprintf("%s&page%%5Bsize%%5D=%d", base, pageSize)
	idx := 0
	delivered := map[int64]bool{}
	send := func(path string, data []byte, ids []int64, total int) error {
		skip := make(map[int64]bool)
		for _, id := range ids {
			if delivered[id] {
				skip[id] = true
			}
			delivered[id] = true
		}
		idx++
		return emit(rawPage{index: idx - 1, path: path, data: data, total: total, skip: skip})
	}
	walkCursor := func() error {
		return c.eachPageLazy(ctx, cursorPath, func(p string, data []byte, _ pageHead) error {
			ids, _, err := pageTicketIDs(data)
			if err != nil {
				return c.decodeErr("GET", p, err)
			}
			return send(p, data, ids, -1)
		})
	}

	first := offsetPath(1, pageSize)
	var since time.Time // the first page's Date: a ticket updated at or after it changed during the load
	data, err := c.getBytes(context.WithValue(ctx, dateSink{}, &since), first)
	if err != nil {
		return err
	}
	head, err := parseHead(data)
	if err != nil {
		return c.decodeErr("GET", first, err)
	}
	if head.Count == nil || int(*head.Count) > offsetLimit || c.pageConcurrency() <= 1 {
		return walkCursor()
	}
	count := int(*head.Count)
	ids, _, err := pageTicketIDs(data)
	if err != nil {
		return c.decodeErr("GET", first, err)
	}
	if err := send(first, data, ids, count); err != nil {
		return err
	}
	moved := len(ids) != min(count, pageSize)
	listed := len(ids)
	pages := (count + pageSize - 1) / pageSize
	if pages > 1 {
		n, dup, short, newest, err := c.fetchPagesInOrder(ctx, pages, firstShown, false, func(i int) string { return offsetPath(i, pageSize) },
			func(p string, data []byte, ids []int64, last bool) error {
				return send(p, data, ids, count)
			}, delivered)
		if err != nil {
			return err
		}
		listed += n
		// A ticket the later pages show as updated since page 1 was answered: the view
		// changed under the load (e.g. a ticket solved on page 1 and another added at the
		// end, which no count shows).
		changed := !since.IsZero() && !newest.Before(since)
		moved = moved || dup || short || changed
	}
	// A ticket solved (or added) during the load changes how many the pages listed; one
	// that moved between pages lands on two of them; a page before the last comes up short.
	// Solved-and-added in one load can cancel out in the count, not in the rest.
	moved = moved || listed != count
	if moved {
		c.logf("view %d changed while it was loaded (count %d, %d listed); walking it by cursor to catch every ticket", c.cfg.ViewID, count, listed)
		return walkCursor()
	}
	return nil
}

// firstPagesAhead is how many list pages are fetched while the first page is still resolved.
const firstPagesAhead = 2

// fetchPagesInOrder fetches pages 2…pages concurrently and hands each to emit in order. It
// returns how many tickets they listed, whether a ticket was on two pages (already in
// delivered when its page came), and whether a page before the last was short.
func (c *Client) fetchPagesInOrder(ctx context.Context, pages int, firstShown <-chan struct{}, searchResults bool, path func(int) string,
	emit func(p string, data []byte, ids []int64, last bool) error, delivered map[int64]bool) (listed int, dup, short bool, newest time.Time, err error) {
	type fetched struct {
		data    []byte
		ids     []int64
		updated time.Time
		err     error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]chan fetched, pages+1)
	for i := 2; i <= pages; i++ {
		results[i] = make(chan fetched, 1)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.pageConcurrency())
	var slow sync.Mutex // held per request while the rate limit runs low: one at a time
	launched := make(chan struct{})
	go func() {
		defer close(launched)
		for i := 2; i <= pages; i++ {
			if i == 2+firstPagesAhead {
				// The first page's look-ups go before the rest of the list.
				select {
				case <-firstShown:
				case <-ctx.Done():
					return
				}
			}
			g.Go(func() error {
				if c.tr.rateLow() {
					slow.Lock()
					defer slow.Unlock()
				}
				p := path(i)
				data, err := c.getBytes(gctx, p)
				var ids []int64
				var updated time.Time
				if err == nil {
					if ids, updated, err = pageIDs(data, searchResults); err != nil {
						err = c.decodeErr("GET", p, err)
					}
				}
				results[i] <- fetched{data, ids, updated, err}
				return err
			})
		}
	}()
	defer func() {
		cancel()
		<-launched
		_ = g.Wait()
	}()
	for i := 2; i <= pages; i++ {
		var r fetched
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return 0, false, false, newest, ctx.Err()
		}
		if r.err != nil {
			return 0, false, false, newest, r.err
		}
		if r.updated.After(newest) {
			newest = r.updated
		}
		for _, id := range r.ids {
			dup = dup || delivered[id]
		}
		if i < pages && len(r.ids) < pageSize {
			short = true
		}
		listed += len(r.ids)
		if err := emit(path(i), r.data, r.ids, i == pages); err != nil {
			return 0, false, false, newest, err
		}
	}
	return listed, dup, short, newest, nil
}

func (c *Client) pageConcurrency() int {
	if c.cfg.PageConcurrency > 0 {
		return c.cfg.PageConcurrency
	}
	return defaultPageConcurrency
}

// pageTicketIDs reads only the ids of a list page's tickets and their latest updated_at (the
// page is decoded in full later, off the fetcher's path).
func pageTicketIDs(data []byte) ([]int64, time.Time, error) {
	return pageIDs(data, false)
}

// pageIDs is pageTicketIDs for a view page or (results) a search page's ticket results.
func pageIDs(data []byte, results bool) ([]int64, time.Time, error) {
	type item struct {
		ID         flexID   `json:"id"`
		UpdatedAt  flexTime `json:"updated_at"`
		ResultType string   `json:"result_type"`
	}
	var page struct {
		Tickets []item `json:"tickets"`
		Results []item `json:"results"`
	}
	if err := json.Unmarshal(data, &page); err != nil {
		return nil, time.Time{}, err
	}
	list := page.Tickets
	if results {
		list = page.Results[:0:0]
		for _, r := range page.Results {
			if r.ResultType == "" || r.ResultType == "ticket" {
				list = append(list, r)
			}
		}
	}
	ids := make([]int64, len(list))
	var newest time.Time
	for i, t := range list {
		ids[i] = int64(t.ID)
		if u := time.Time(t.UpdatedAt); u.After(newest) {
			newest = u
		}
	}
	return ids, newest, nil
}

// listSearchPages lists a /search of count ≤ 1,000 results: page 1 (data, already fetched),
// then the other offset pages in parallel as for a view, with the same checks that nothing
// moved during the load; when something did, rewalk lists the search again by cursor
// (/search/export), leaving out what was delivered.
func (c *Client) listSearchPages(ctx context.Context, firstShown <-chan struct{}, emit func(rawPage) error, idx *int,
	first string, data []byte, count int, path func(int) string, rewalk func(skip map[int64]bool) error) error {
	delivered := map[int64]bool{}
	send := func(p string, data []byte, ids []int64) error {
		skip := make(map[int64]bool)
		for _, id := range ids {
			if delivered[id] {
				skip[id] = true
			}
			delivered[id] = true
		}
		*idx++
		return emit(rawPage{index: *idx - 1, path: p, data: data, results: true, total: count, skip: skip})
	}
	ids, _, err := pageIDs(data, true)
	if err != nil {
		return c.decodeErr("GET", first, err)
	}
	if err := send(first, data, ids); err != nil {
		return err
	}
	listed := len(ids)
	moved := len(ids) != min(count, pageSize)
	if pages := (count + pageSize - 1) / pageSize; pages > 1 {
		n, dup, short, _, err := c.fetchPagesInOrder(ctx, pages, firstShown, true, path,
			func(p string, data []byte, ids []int64, _ bool) error { return send(p, data, ids) }, delivered)
		if err != nil {
			return err
		}
		listed += n
		moved = moved || dup || short
	}
	if moved || listed != count {
		c.logf("search changed while it was loaded (count %d, %d listed); listing it again by cursor to catch every ticket", count, listed)
		skip := make(map[int64]bool, len(delivered))
		for id := range delivered {
			skip[id] = true
		}
		return rewalk(skip)
	}
	return nil
}
