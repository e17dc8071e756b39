package model

import (
	"fmt"
	"sort"
	"strings"
)

// UndoPlan is what reverting a journaled change takes: one ticket update with safe_update
// against the ticket as it is now.
type UndoPlan struct {
	Update TicketUpdate
	// KeptRemovals are the change's membership removals, which an undo never restores:
	// each one untied a customer from a Select partner (or the reverse), and putting it
	// back would break the handbook's rule.
	KeptRemovals []MembershipRemoval
}

// PlanUndo builds the revert of a journaled change. It refuses when the ticket moved on
// since the change (its updated_at is not the one the change left), so an undo never
// overwrites somebody else's later work. Users created by the change are left alone
// (partner-triage never deletes a user), and removed memberships stay removed.
func PlanUndo(e JournalEntry, current Ticket) (UndoPlan, error) {
	if current.ID != e.TicketID {
		return UndoPlan{}, fmt.Errorf("undo: journal entry is for ticket #%d, not #%d", e.TicketID, current.ID)
	}
	if !e.UpdatedAt.IsZero() && !current.UpdatedAt.Equal(e.UpdatedAt) {
		return UndoPlan{}, fmt.Errorf("undo refused: ticket #%d changed in Zendesk since partner-triage updated it (%s, now %s); revert it by hand",
			e.TicketID, e.UpdatedAt.UTC().Format("2006-01-02 15:04:05Z"), current.UpdatedAt.UTC().Format("2006-01-02 15:04:05Z"))
	}
	u := TicketUpdate{TicketID: e.TicketID, UpdatedStamp: current.UpdatedAt}
	var what []string
	if len(e.After.CustomFields) > 0 {
		u.CustomFields = map[int64]string{}
		ids := make([]int64, 0, len(e.After.CustomFields))
		for id := range e.After.CustomFields {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			u.CustomFields[id] = e.Before.CustomFields[id]
			what = append(what, fmt.Sprintf("field %d back to %q", id, e.Before.CustomFields[id]))
		}
	}
	requesterBack := e.Before.RequesterID != 0 && e.After.RequesterID != 0 && e.Before.RequesterID != e.After.RequesterID
	if requesterBack {
		u.RequesterID = e.Before.RequesterID
		what = append(what, fmt.Sprintf("requester back to user %d", e.Before.RequesterID))
	}
	// A requester change makes Zendesk pick the requester's default organization unless one is
	// given, so the organization is always sent with it.
	if requesterBack || e.Before.OrganizationID != e.After.OrganizationID {
		if e.Before.OrganizationID == 0 {
			u.ClearOrganization = true
			what = append(what, "organization cleared")
		} else {
			org := e.Before.OrganizationID
			u.OrganizationID = &org
			what = append(what, fmt.Sprintf("organization back to %d", org))
		}
	}
	for _, id := range e.After.EmailCCIDs {
		if !containsID(e.Before.EmailCCIDs, id) {
			u.RemoveEmailCCs = append(u.RemoveEmailCCs, CCRef{UserID: id})
		}
	}
	if len(u.RemoveEmailCCs) > 0 {
		what = append(what, fmt.Sprintf("%d added CC(s) removed", len(u.RemoveEmailCCs)))
	}
	if len(what) == 0 {
		if len(e.RemovedMemberships) > 0 {
			return UndoPlan{}, fmt.Errorf("undo: the change to ticket #%d only removed a membership tying a customer and a Select partner; restoring it would break the handbook's rule, so undo leaves it (add it back in Zendesk by hand if it was wrong)", e.TicketID)
		}
		return UndoPlan{}, fmt.Errorf("undo: the journaled change to ticket #%d changed nothing that can be reverted", e.TicketID)
	}
	u.Note = "partner-triage undo: " + strings.Join(what, "; ") + "."
	return UndoPlan{Update: u, KeptRemovals: e.RemovedMemberships}, nil
}
