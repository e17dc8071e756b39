package zendesktest

import (
	"fmt"
	"slices"
)

// AddTicket creates a ticket as a partner would while the console runs: it gets the next
// updated_at on the emulator's clock (created_at too when zero), its description as first
// comment, and joins every view that lists its tickets explicitly (as the demo's "Partner
// tickets" view would match it). An existing id is replaced.
func (s *Server) AddTicket(t Ticket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t = t.clone()
	t.UpdatedAt = s.tick(s.clock)
	if t.CreatedAt.IsZero() {
		t.CreatedAt = t.UpdatedAt
	}
	if t.Status == "" {
		t.Status = "new"
	}
	t.URL = fmt.Sprintf("%s/api/v2/tickets/%d.json", s.accountURL, t.ID)
	if _, ok := s.tickets[t.ID]; !ok {
		s.ticketIDs = append(s.ticketIDs, t.ID)
		slices.Sort(s.ticketIDs)
		s.nextCommentID++
		s.nextAuditID++
		s.addComment(t.ID, Comment{ID: s.nextCommentID, Body: t.Description, Public: true, AuthorID: t.SubmitterID, CreatedAt: t.CreatedAt})
		for id, v := range s.views {
			if v.TicketIDs != nil && !slices.Contains(v.TicketIDs, t.ID) {
				v.TicketIDs = append(v.TicketIDs, t.ID)
				s.views[id] = v
			}
		}
	}
	s.tickets[t.ID] = &t
}
