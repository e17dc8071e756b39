// Package apply carries a fix (or its undo) out against Zendesk in the order that keeps
// Zendesk consistent if it stops part way, journals it, and reloads the ticket. The console
// and the `undo` command share it, so both say the same about what was and was not applied.
package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// Client is the part of the Zendesk client a submit needs.
type Client interface {
	ReloadTicket(ctx context.Context, id int64) (model.QueuePage, error)
	UpdateTicket(ctx context.Context, u model.TicketUpdate) (model.Ticket, error)
	RemoveMembership(ctx context.Context, m model.MembershipRemoval) error
}

// Journal records submitted changes so the last one can be undone: Begin before anything
// is sent, then Append (something was applied) or Abort (nothing was).
type Journal interface {
	Begin(e model.JournalEntry) error
	Append(e model.JournalEntry) error
	Abort(e model.JournalEntry) error
	Last() (model.JournalEntry, bool, error)
	MarkUndone(e model.JournalEntry) error
}

// Outcome says what a submit or an undo did, in words a person can act on.
type Outcome struct {
	TicketID int64
	// Applied says what was written to the ticket; memberships removed are in Removed.
	Applied    []string
	NotApplied []string
	Conflict   bool // safe_update refused the ticket write (409)
	// Removed are the memberships deleted in Zendesk, so the caller can forget them too.
	Removed   []model.MembershipRemoval
	Err       error // the first failure, if any
	Reloaded  *model.QueuePage
	ReloadErr error
}

// Submit journals the intent (the ticket's values before), removes the plan's memberships
// (each on its own), then sends the single ticket update with safe_update, journals what was
// applied (nil j: no journal), and reloads the ticket. A failure part way stops the rest and
// is reported with what was applied. If the intent cannot be journaled nothing is sent.
func Submit(ctx context.Context, c Client, j Journal, upd model.TicketUpdate,
	removals []model.MembershipRemoval, before model.Ticket, now time.Time) Outcome {
	res := Outcome{TicketID: upd.TicketID}
	intent := journalEntry(before, upd, removals, model.Ticket{}, now)
	if j != nil {
		if err := j.Begin(intent); err != nil {
			res.Err = &JournalError{Err: fmt.Errorf("the change could not be journaled, so nothing was sent: %w", err)}
			res.NotApplied = append(res.NotApplied, "everything (nothing was sent)")
			return res
		}
	}
	var done []model.MembershipRemoval
	for i, rm := range removals {
		if err := c.RemoveMembership(ctx, rm); err != nil {
			res.Err = fmt.Errorf("removing membership %d: %w", rm.MembershipID, err)
			for _, left := range removals[i:] {
				res.NotApplied = append(res.NotApplied, fmt.Sprintf("remove membership %d", left.MembershipID))
			}
			if !upd.IsEmpty() {
				res.NotApplied = append(res.NotApplied, "ticket update (nothing on the ticket was changed)")
			}
			break
		}
		done = append(done, rm)
		res.Removed = append(res.Removed, rm)
	}
	var after model.Ticket
	if res.Err == nil && !upd.IsEmpty() {
		after = res.update(ctx, c, upd, "ticket update")
	}
	if j != nil {
		var err error
		switch {
		case after.ID != 0:
			err = j.Append(journalEntry(before, upd, done, after, now))
		case len(done) > 0:
			// Only memberships went: the ticket is as it was, so undo has nothing to revert there.
			err = j.Append(model.JournalEntry{Time: now, TicketID: before.ID, RemovedMemberships: done})
		default:
			err = j.Abort(intent)
		}
		if err != nil && res.Err == nil {
			res.Err = &JournalError{Err: fmt.Errorf("the change was submitted but could not be journaled (undo unavailable): %w", err)}
		}
	}
	res.reload(ctx, c)
	return res
}

// PreparedUndo is the revert of the journal's last change, checked against the ticket now.
type PreparedUndo struct {
	Entry model.JournalEntry
	Plan  model.UndoPlan
	// Page is the ticket as Zendesk has it now (also when the undo is refused).
	Page *model.QueuePage
}

// ErrNothingToUndo: the journal holds no change that has not been undone.
var ErrNothingToUndo = errors.New("nothing to undo: the journal has no change left")

// JournalError is a failure to read or write the local journal (not a Zendesk error).
type JournalError struct{ Err error }

func (e *JournalError) Error() string { return e.Err.Error() }
func (e *JournalError) Unwrap() error { return e.Err }

// RefusedError: the undo was refused because the ticket moved on since the change.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// PrepareUndo reads the journal's last change, reloads its ticket and plans the revert. It
// refuses (model.PlanUndo) when the ticket changed since the change.
func PrepareUndo(ctx context.Context, c Client, j Journal) (PreparedUndo, error) {
	if j == nil {
		return PreparedUndo{}, errors.New("undo is unavailable: no journal is configured")
	}
	e, ok, err := j.Last()
	if err != nil {
		return PreparedUndo{}, &JournalError{Err: err}
	}
	if !ok {
		return PreparedUndo{}, ErrNothingToUndo
	}
	page, err := c.ReloadTicket(ctx, e.TicketID)
	if err != nil {
		return PreparedUndo{}, fmt.Errorf("undo: reloading #%d: %w", e.TicketID, err)
	}
	var current model.Ticket
	for _, t := range page.Tickets {
		if t.ID == e.TicketID {
			current = t
		}
	}
	plan, err := model.PlanUndo(e, current)
	if err != nil {
		return PreparedUndo{Entry: e, Page: &page}, &RefusedError{Err: err}
	}
	return PreparedUndo{Entry: e, Plan: plan, Page: &page}, nil
}

// Undo carries a prepared undo out: the ticket revert with safe_update, then the journal is
// told, then the ticket is reloaded. Removed memberships stay removed (model.PlanUndo).
func Undo(ctx context.Context, c Client, j Journal, p PreparedUndo) Outcome {
	res := Outcome{TicketID: p.Entry.TicketID}
	if res.Err == nil && !p.Plan.Update.IsEmpty() {
		res.update(ctx, c, p.Plan.Update, "ticket revert")
	}
	if res.Err == nil && j != nil {
		if err := j.MarkUndone(p.Entry); err != nil {
			res.Err = &JournalError{Err: fmt.Errorf("reverted, but the journal could not record it: %w", err)}
		}
	}
	res.reload(ctx, c)
	return res
}

// update sends one ticket update and records, in words, whether it was applied.
func (res *Outcome) update(ctx context.Context, c Client, upd model.TicketUpdate, what string) model.Ticket {
	after, err := c.UpdateTicket(ctx, upd)
	switch {
	case errors.Is(err, model.ErrConflict):
		res.Conflict, res.Err = true, err
		res.NotApplied = append(res.NotApplied, what+" (refused by safe_update: the ticket changed)")
	case err != nil:
		res.Err = err
		res.NotApplied = append(res.NotApplied, what)
	default:
		res.Applied = append(res.Applied, what+": "+describeUpdate(upd))
	}
	return after
}

// reload fetches the ticket as Zendesk now has it, so the screen shows the truth.
func (res *Outcome) reload(ctx context.Context, c Client) {
	page, err := c.ReloadTicket(ctx, res.TicketID)
	if err != nil {
		res.ReloadErr = err
		return
	}
	res.Reloaded = &page
}

// describeUpdate lists, in words, what a ticket update changes.
func describeUpdate(u model.TicketUpdate) string {
	var parts []string
	if len(u.CustomFields) > 0 {
		parts = append(parts, "custom fields")
	}
	if u.RequesterID != 0 || u.NewRequester != nil {
		parts = append(parts, "requester")
	}
	if u.OrganizationID != nil || u.ClearOrganization {
		parts = append(parts, "organization")
	}
	if len(u.AddEmailCCs) > 0 || len(u.RemoveEmailCCs) > 0 {
		parts = append(parts, "CCs")
	}
	if u.Note != "" {
		parts = append(parts, "internal note")
	}
	return strings.Join(parts, ", ")
}

// journalEntry records a fix: the ticket's values before and, once the ticket update was
// applied (after is non-zero), the values after. The intent written before anything is sent
// is the entry without an after.
func journalEntry(before model.Ticket, u model.TicketUpdate, removed []model.MembershipRemoval,
	after model.Ticket, now time.Time) model.JournalEntry {
	e := model.JournalEntry{Time: now, TicketID: before.ID, RemovedMemberships: removed,
		Before: model.TicketState{RequesterID: before.RequesterID, OrganizationID: before.OrganizationID,
			EmailCCIDs: before.EmailCCIDs}}
	if len(u.CustomFields) > 0 {
		e.Before.CustomFields = map[int64]string{}
		for id := range u.CustomFields {
			e.Before.CustomFields[id] = before.Field(id)
		}
	}
	if after.ID == 0 {
		return e
	}
	e.UpdatedAt = after.UpdatedAt
	e.After = model.TicketState{RequesterID: after.RequesterID, OrganizationID: after.OrganizationID,
		EmailCCIDs: after.EmailCCIDs}
	if len(u.CustomFields) > 0 {
		e.After.CustomFields = map[int64]string{}
		for id, v := range u.CustomFields {
			e.After.CustomFields[id] = v
		}
	}
	return e
}
