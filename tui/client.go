package tui

import (
	"context"

	"github.com/partner-triage/partner-triage/model"
)

// Client is everything the console needs from Zendesk. The zendesk package implements it
// over HTTP; the console never sees go-zendesk, URLs or credentials.
type Client interface {
	// LoadQueue streams the queue: onPage is called once per list page, in order, and the
	// first call happens before later pages are fetched. A page may come first Pending
	// (model.QueuePage.Pending: no verdict possible yet) and then again resolved.
	LoadQueue(ctx context.Context, onPage func(model.QueuePage)) error
	// ReloadTicket returns one ticket with its people, organizations and memberships.
	ReloadTicket(ctx context.Context, id int64) (model.QueuePage, error)
	// UpdateTicket sends one safe_update; a concurrent change yields model.ErrConflict.
	UpdateTicket(ctx context.Context, u model.TicketUpdate) (model.Ticket, error)
	// RemoveMembership deletes one organization membership.
	RemoveMembership(ctx context.Context, m model.MembershipRemoval) error
	// TicketURL is the agent's link to a ticket.
	TicketURL(id int64) string
	// Source names the queue source for the status bar.
	Source() string
}
