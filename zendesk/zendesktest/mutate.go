package zendesktest

import (
	"fmt"
	"slices"
)

// AddTicketDirect creates a ticket as another agent or a customer would, between two
// requests of a test (see Fault.Before): created and updated now on the logical clock, with
// status "new" when none is given. An id already in use is ignored.
func (s *Server) AddTicketDirect(t Ticket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.ID <= 0 || s.tickets[t.ID] != nil {
		return
	}
	t.CreatedAt = s.tick(s.clock)
	t.UpdatedAt = t.CreatedAt
	if t.Status == "" {
		t.Status = "new"
	}
	t.URL = fmt.Sprintf("%s/api/v2/tickets/%d.json", s.accountURL, t.ID)
	t.CustomFields = slices.Clone(t.CustomFields)
	s.tickets[t.ID] = &t
	s.ticketIDs = insertSorted(s.ticketIDs, t.ID)
}
