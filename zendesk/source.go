package zendesk

// Listing the queue source: a view's cursor pages, /search's offset pages, or /search/export
// when the search counts more than /search can page through; and decoding each page.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/partner-triage/partner-triage/model"
)

var typeTerm = regexp.MustCompile(`(?i)(^|\s)-?type:\S+`)

// listQueue fetches the source's pages in order and hands each to emit.
// firstShown closes when the first page has been delivered (see listView).
func (c *Client) listQueue(ctx context.Context, firstShown <-chan struct{}, emit func(rawPage) error) error {
	idx := 0
	send := func(path string, data []byte, results bool, total int) error {
		idx++
		return emit(rawPage{index: idx - 1, path: path, data: data, results: results, total: total})
	}

	if c.cfg.ViewID != 0 {
		return c.listView(ctx, firstShown, emit)
	}

	q := strings.TrimSpace(c.cfg.Search)
	if !typeTerm.MatchString(q) {
		q = "type:ticket " + q
	}
	searchPath := func(page int) string {
		v := url.Values{}
		v.Set("query", q)
		v.Set("per_page", strconv.Itoa(pageSize))
		v.Set("include", "tickets(users,organizations)")
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		return "/search.json?" + v.Encode()
	}
	path := searchPath(1)
	data, err := c.getBytes(ctx, path)
	if err != nil {
		return err
	}
	head, err := parseHead(data)
	if err != nil {
		return c.decodeErr("GET", path, err)
	}
	count := -1
	if head.Count != nil {
		count = int(*head.Count)
	}
	if count >= 0 && count <= 1000 {
		return c.listSearchPages(ctx, firstShown, emit, &idx, path, data, count, searchPath, func(skip map[int64]bool) error {
			return c.exportSearch(ctx, q, count, skip, emit, &idx)
		})
	}
	if count < 0 {
		// /search without a count: offset pages one after the other, at most 1,000 results.
		for page := 1; ; page++ {
			if err := send(path, data, true, count); err != nil {
				return err
			}
			if head.NextPage == "" || page*pageSize >= 1000 {
				return nil
			}
			path = searchPath(page + 1)
			if data, err = c.getBytes(ctx, path); err != nil {
				return err
			}
			if head, err = parseHead(data); err != nil {
				return c.decodeErr("GET", path, err)
			}
		}
	}
	c.logf("search counts %d results (>1000): using /search/export", count)
	// The first results are shown (pending) while export lists them all again.
	if err := emit(rawPage{index: -1, path: path, data: data, results: true, total: count, listedOnly: true}); err != nil {
		return err
	}
	return c.exportSearch(ctx, q, count, nil, emit, &idx)
}

// exportSearch lists a search through /search/export (cursor, no cap), leaving out the
// tickets in skip. Export takes the type only as filter[type], never as a query term.
func (c *Client) exportSearch(ctx context.Context, q string, count int, skip map[int64]bool, emit func(rawPage) error, idx *int) error {
	eq := strings.TrimSpace(typeTerm.ReplaceAllString(q, " "))
	if eq == "" {
		// Export needs a query; the queue only keeps new/open/pending/hold tickets anyway.
		eq = "status<solved"
	}
	v := url.Values{}
	v.Set("query", eq)
	v.Set("filter[type]", "ticket")
	v.Set("page[size]", strconv.Itoa(exportPageSize))
	v.Set("include", "tickets(users,organizations)")
	// Export allows 1,000 a page (10× fewer requests within its own 100-a-minute limit), but
	// such a page can time out: then the walk goes on from the same cursor at 100 a page.
	// The first page is a small one, so the first rows show after one short round trip.
	path := "/search/export.json?" + v.Encode()
	return c.walkWith(context.WithValue(ctx, noTimeoutRetry{}, true), path, withParam(path, "page[size]", strconv.Itoa(pageSize)), true,
		func(p string, data []byte) (pageHead, error) {
			h, err := parseHead(data)
			if err != nil {
				return h, c.decodeErr("GET", p, err)
			}
			*idx++
			return h, emit(rawPage{index: *idx - 1, path: p, data: data, results: true, total: count, skip: skip})
		})
}

// exportPageSize is /search/export's largest page; pageSize is the fallback.
const exportPageSize = 1000

// decodePage decodes a fetched list page (off the fetcher's critical path).
func (c *Client) decodePage(r rawPage) rawPage {
	var env envelope
	if err := json.Unmarshal(r.data, &env); err != nil {
		r.err = c.decodeErr("GET", r.path, err)
		return r
	}
	r.data = nil
	tickets := env.Tickets
	if r.results {
		tickets = env.Results
	}
	r.records = len(tickets)
	r.tickets = make([]model.Ticket, 0, len(tickets))
	skip := r.skip
	for i := range tickets {
		if tickets[i].ResultType != "" && tickets[i].ResultType != "ticket" {
			continue
		}
		if tickets[i].ID == 0 {
			r.err = &DecodeError{Method: "GET", Path: errPath(r.path), Err: fmt.Errorf("ticket %d of the page has no id (null or 0); the queue would silently miss it", i+1)}
			return r
		}
		if skip[int64(tickets[i].ID)] {
			continue // delivered by an earlier page (the list moved while it was read)
		}
		r.tickets = append(r.tickets, tickets[i].model())
	}
	for i := range env.Users {
		if env.Users[i].ID != 0 {
			r.users = append(r.users, env.Users[i].model())
		}
	}
	for i := range env.Organizations {
		if env.Organizations[i].ID != 0 {
			r.orgs = append(r.orgs, env.Organizations[i].model())
		}
	}
	return r
}
