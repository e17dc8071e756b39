package zendesk

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// Changes reads only the tickets changed or added since the newest updated_at seen, each
// with its people; an unchanged desk costs one search.
func TestChangesReadsOnlyWhatChanged(t *testing.T) {
	s, c, _ := emu(t, zt.Demo(), nil)
	known := map[int64]time.Time{}
	var since time.Time
	if err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
		for _, tk := range p.Tickets {
			known[tk.ID] = tk.UpdatedAt
			if tk.UpdatedAt.After(since) {
				since = tk.UpdatedAt
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	s.ResetRequests()
	ch, err := c.Changes(context.Background(), since, known)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Pages) != 0 || len(ch.Left) != 0 || len(s.Requests()) != 1 {
		t.Fatalf("unchanged desk: %d pages, left %v, %d requests; want nothing in one request", len(ch.Pages), ch.Left, len(s.Requests()))
	}
	s.UpdateTicketDirect(4005, func(tk *zt.Ticket) { tk.Subject = "Geo lag (urgent)" })
	tmpl, _ := s.Ticket(4001)
	tmpl.ID, tmpl.Subject, tmpl.CreatedAt, tmpl.UpdatedAt = 4040, "New: runner registration token rejected", time.Time{}, time.Time{}
	s.AddTicket(tmpl)
	ch, err = c.Changes(context.Background(), ch.AsOf, known)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, p := range ch.Pages {
		for _, tk := range p.Tickets {
			got = append(got, tk.ID)
			if len(p.Users) == 0 {
				t.Errorf("#%d came without its people", tk.ID)
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []int64{4005, 4040}) {
		t.Errorf("changed tickets %v, want [4005 4040]", got)
	}
	if !ch.AsOf.After(since) {
		t.Errorf("AsOf %v is not after %v", ch.AsOf, since)
	}
}

// A refresh after a mass change asks for a reload instead of reading every ticket.
func TestChangesTooMany(t *testing.T) {
	_, c, _ := emu(t, zt.Synthetic(200, 1), nil)
	_, err := c.Changes(context.Background(), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), nil)
	if !errors.Is(err, ErrTooManyChanges) {
		t.Fatalf("err = %v, want ErrTooManyChanges", err)
	}
}
