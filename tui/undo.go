package tui

import (
	"context"
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/partner-triage/partner-triage/model"
)

// undoReadyMsg carries a prepared undo of the journal's last change (or why there is none).
type undoReadyMsg struct {
	entry model.JournalEntry
	plan  model.UndoPlan
	page  *model.QueuePage // the ticket as Zendesk has it now
	err   error
}

// prepareUndoCmd reads the journal's last change, reloads its ticket and plans the revert.
func prepareUndoCmd(c Client, j Journal) tea.Cmd {
	return func() tea.Msg {
		if j == nil {
			return undoReadyMsg{err: errors.New("undo is unavailable: no journal is configured")}
		}
		e, ok, err := j.Last()
		if err != nil {
			return undoReadyMsg{err: err}
		}
		if !ok {
			return undoReadyMsg{err: errors.New("nothing to undo: the journal has no change left")}
		}
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		page, err := c.ReloadTicket(ctx, e.TicketID)
		if err != nil {
			return undoReadyMsg{err: fmt.Errorf("undo: reloading #%d: %w", e.TicketID, err)}
		}
		var current model.Ticket
		for _, t := range page.Tickets {
			if t.ID == e.TicketID {
				current = t
			}
		}
		plan, err := model.PlanUndo(e, current)
		return undoReadyMsg{entry: e, plan: plan, page: &page, err: err}
	}
}

// undoCmd carries out an undo: memberships back first, then the ticket update with
// safe_update, then the journal is told, then the ticket is reloaded.
func undoCmd(c Client, j Journal, e model.JournalEntry, p model.UndoPlan) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		res := submitDoneMsg{ticketID: e.TicketID, undo: true}
		for i, m := range p.Restore {
			if _, err := c.AddMembership(ctx, m.UserID, m.OrganizationID); err != nil {
				res.err = fmt.Errorf("restoring membership of user %d in organization %d: %w", m.UserID, m.OrganizationID, err)
				for _, left := range p.Restore[i:] {
					res.notApplied = append(res.notApplied, fmt.Sprintf("restore membership of user %d in organization %d", left.UserID, left.OrganizationID))
				}
				break
			}
			res.applied = append(res.applied, fmt.Sprintf("restored membership of user %d in organization %d", m.UserID, m.OrganizationID))
		}
		if res.err == nil && !p.Update.IsEmpty() {
			res.update(ctx, c, p.Update, "ticket revert")
		}
		if res.err == nil {
			if err := j.MarkUndone(e); err != nil {
				res.err = fmt.Errorf("reverted, but the journal could not record it: %w", err)
			}
		}
		res.reload(ctx, c)
		return res
	}
}
