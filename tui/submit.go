package tui

import "fmt"

// submitDone records a submit's or an undo's outcome: the reloaded ticket is merged, the
// status says what happened, and the review shows the result.
func (m *Model) submitDone(msg submitDoneMsg) {
	m.bulk.batchID = "" // u now undoes this change, not an earlier batch
	before, had := m.s.tickets[msg.TicketID]
	fixed := !msg.undo && msg.Err == nil && !msg.Conflict
	next := m.queue.flaggedAfter(msg.TicketID) // before the fixed ticket moves to the clean rows
	for _, rm := range msg.Removed {
		// A reload adds what Zendesk has but cannot tell what is gone.
		m.s.dir.RemoveMembershipOf(rm.UserID, rm.OrganizationID)
	}
	if msg.Reloaded != nil {
		m.mergePage(*msg.Reloaded)
	}
	if fixed && !m.queue.needsWork(msg.TicketID) { // the next fix starts where the agent left off
		m.queue.selectFlagged(next)
	}
	switch {
	case msg.Conflict:
		m.setErr(fmt.Sprintf("#%d changed in Zendesk since load; reloaded, nothing overwritten", msg.TicketID))
	case msg.Err != nil:
		m.setErr(fmt.Sprintf("#%d: %v", msg.TicketID, msg.Err))
	case msg.undo:
		m.status = fmt.Sprintf("#%d reverted", msg.TicketID)
	default:
		m.status = fmt.Sprintf("#%d submitted", msg.TicketID)
	}
	m.logf("submit #%d (undo=%v): applied %q, not applied %q, conflict=%v, err=%v",
		msg.TicketID, msg.undo, msg.Applied, msg.NotApplied, msg.Conflict, msg.Err)
	if after, ok := m.s.tickets[msg.TicketID]; msg.Conflict && had && ok {
		msg.changes = m.s.ticketChanges(before, after)
	}
	m.review.finish(msg)
}
