package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// MaxChanges is the most changed tickets Changes reads one by one; above it a full reload
// is cheaper and Changes answers ErrTooManyChanges.
const MaxChanges = 50

// ChangesOverlap is read again before since: Zendesk's search index trails writes by up to
// a minute or so, and reading a ticket twice is harmless.
const ChangesOverlap = 2 * time.Minute

// ErrTooManyChanges is model.ErrTooManyChanges: more tickets changed than a refresh reads.
var ErrTooManyChanges = model.ErrTooManyChanges

// Changes finds the tickets updated after since and reads each again with its people
// (zendesk.md: a search with updated>{time}; the incremental export needs an admin).
// since is a time on Zendesk's clock — the newest updated_at the caller has seen — so the
// agent's clock never matters; ChangesOverlap before it is searched again (the search
// index trails writes), and tickets whose updated_at equals known's are not read again.
// A search-sourced queue also asks its own query, and a changed ticket that no longer
// matches it is listed in Left; a view's conditions are left to the console's form and
// status filter. AsOf is the newest updated_at found (since when nothing changed). Costs
// one or two searches plus one ReloadTicket per changed ticket. Errors: ErrTooManyChanges
// above MaxChanges, else the client's usual errors.
func (c *Client) Changes(ctx context.Context, since time.Time, known map[int64]time.Time) (model.QueueChanges, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	out := model.QueueChanges{AsOf: since}
	after := since.Add(-ChangesOverlap).UTC().Format(time.RFC3339)
	err := c.withLoadTimeout(ctx, func(ctx context.Context) error {
		hits, total, err := c.searchTickets(ctx, "type:ticket updated>"+after)
		if err != nil {
			return err
		}
		if total > MaxChanges {
			return fmt.Errorf("%w (%d since %s)", ErrTooManyChanges, total, after)
		}
		var changed []int64
		for _, h := range hits {
			if t, ok := known[h.ID]; !ok || !t.Equal(h.UpdatedAt) {
				changed = append(changed, h.ID)
			}
			if h.UpdatedAt.After(out.AsOf) {
				out.AsOf = h.UpdatedAt
			}
		}
		var inSource []int64
		if c.cfg.ViewID == 0 && len(changed) > 0 {
			q := typeTerm.ReplaceAllString(c.cfg.Search, " ")
			srcHits, _, err := c.searchTickets(ctx, "type:ticket "+q+" updated>"+after)
			if err != nil {
				return err
			}
			for _, h := range srcHits {
				inSource = append(inSource, h.ID)
			}
		}
		for _, id := range changed {
			if c.cfg.ViewID == 0 && !slices.Contains(inSource, id) {
				out.Left = append(out.Left, id)
				continue
			}
			page, err := c.reloadTicket(ctx, id)
			if errors.Is(err, model.ErrNotFound) {
				out.Left = append(out.Left, id) // deleted since the search
				continue
			}
			if err != nil {
				return err
			}
			out.Pages = append(out.Pages, page)
		}
		return nil
	})
	return out, err
}

// searchTickets returns the tickets on the first page of a search (up to MaxChanges+1)
// and the search's count of them all.
func (c *Client) searchTickets(ctx context.Context, query string) ([]model.Ticket, int, error) {
	var env envelope
	path := fmt.Sprintf("/search.json?query=%s&per_page=%d", url.QueryEscape(query), MaxChanges+1)
	if err := c.get(ctx, path, &env); err != nil {
		return nil, 0, err
	}
	ts := make([]model.Ticket, 0, len(env.Results))
	for i := range env.Results {
		if t := env.Results[i].model(); t.ID != 0 {
			ts = append(ts, t)
		}
	}
	total := len(ts)
	if env.Count != nil {
		total = max(total, int(*env.Count))
	}
	return ts, total, nil
}
