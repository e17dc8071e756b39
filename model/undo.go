package model

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// UndoPlan is what reverting a journaled change takes: one ticket update with safe_update
// against the ticket as it is now.
type UndoPlan struct {
	Update TicketUpdate
	// Diff is the revert as the review shows it, one line per field: Before is the value the
	// ticket has now, After the value the undo sets back. People are named with name and
	// email, organizations by name (never bare ids, unless Zendesk no longer has them).
	Diff []DiffLine
	// KeptRemovals are the change's membership removals, which an undo never restores:
	// each one untied a customer from a Select partner (or the reverse), and putting it
	// back would break the handbook's rule.
	KeptRemovals []MembershipRemoval
	// Kept names, one line each, the values an undo leaves as the change set them because
	// setting them back would re-create a Select association (the handbook's rule).
	Kept []string
	// Unsendable says, when the change sent a public reply (ask the submitter), that an undo
	// cannot unsend it and withdraws the question in an internal note instead ("" otherwise).
	Unsendable string
}

// ErrUndoKept: nothing of a change can be set back without re-creating a Select association
// ("Never associate a customer to a Select Partner's organization, or vice-versa!"), so the
// undo keeps it all. PlanUndo's error wraps it; the message names who and which organization.
var ErrUndoKept = errors.New("nothing else to set back, so the undo leaves the ticket as it is")

// handbookRule is the passage every kept step cites.
const handbookRule = `"Never associate a customer to a Select Partner's organization, or vice-versa!"`

// undoAssociation says how a ticket with requester reqID under organization orgID would tie
// a customer and a Select partner ("" when it would not, or when either is unknown). The
// tracks are the rules' (Directory.UserTrack, Directory.OrgTrack).
func undoAssociation(cfg RuleConfig, dir *Directory, reqID, orgID int64) string {
	if reqID == 0 || orgID == 0 {
		return ""
	}
	switch rt, ot := dir.UserTrack(cfg, reqID), dir.OrgTrack(cfg, orgID); {
	case rt == TrackCustomer && ot == TrackSelect:
		return fmt.Sprintf("put customer %s on a ticket of Select partner organization %s", personLabel(dir, reqID), dir.orgName(orgID))
	case rt == TrackSelect && ot == TrackCustomer:
		return fmt.Sprintf("put Select partner user %s on a ticket of customer organization %s", personLabel(dir, reqID), dir.orgName(orgID))
	}
	return ""
}

// Revertible reports whether the entry changed something on the ticket that an undo can set
// back. A change that only removed memberships is not: they are never restored.
func (e JournalEntry) Revertible() bool {
	b, a := e.Before, e.After
	if a.RequesterID != 0 && b.RequesterID != 0 && a.RequesterID != b.RequesterID {
		return true
	}
	if a.OrganizationID != b.OrganizationID || len(a.CustomFields) > 0 {
		return true
	}
	if a.Status != b.Status || e.PublicReply != "" {
		return true // an asked question is withdrawn (model.PlanUndo)
	}
	for _, id := range a.EmailCCIDs {
		if !containsID(b.EmailCCIDs, id) {
			return true
		}
	}
	return false
}

// PlanUndo builds the revert of a journaled change against current, the ticket as just read
// from Zendesk, naming people and organizations from dir (nil: by id). It refuses when the
// ticket moved on since the change (its updated_at is not the one the change left, or a
// value the change wrote is no longer there) and when it cannot tell (no updated_at on
// either side), so an undo never overwrites somebody else's later work. Users created by the
// change are left alone (partner-triage never deletes a user), and removed memberships stay
// removed.
func PlanUndo(cfg RuleConfig, e JournalEntry, current Ticket, dir *Directory) (UndoPlan, error) {
	if dir == nil {
		dir = NewDirectory()
	}
	if current.ID != e.TicketID {
		return UndoPlan{}, fmt.Errorf("undo: journal entry is for ticket #%d, not #%d", e.TicketID, current.ID)
	}
	if !e.Revertible() {
		return UndoPlan{}, fmt.Errorf("undo: %s", NothingToUndo(e, dir))
	}
	if e.UpdatedAt.IsZero() || current.UpdatedAt.IsZero() {
		return UndoPlan{}, fmt.Errorf("undo refused: ticket #%d has no updated_at to compare with (journal or Zendesk), so partner-triage cannot tell whether somebody changed it since; revert it by hand", e.TicketID)
	}
	const stamp = "2006-01-02 15:04:05Z"
	if !current.UpdatedAt.Equal(e.UpdatedAt) {
		return UndoPlan{}, fmt.Errorf("undo refused: ticket #%d changed in Zendesk since partner-triage updated it (%s, now %s); revert it by hand",
			e.TicketID, e.UpdatedAt.UTC().Format(stamp), current.UpdatedAt.UTC().Format(stamp))
	}
	if moved := movedOn(cfg, e, current); moved != "" {
		return UndoPlan{}, fmt.Errorf("undo refused: ticket #%d changed in Zendesk since partner-triage updated it (%s); revert it by hand", e.TicketID, moved)
	}
	u := TicketUpdate{TicketID: e.TicketID, UpdatedStamp: current.UpdatedAt}
	var diff []DiffLine
	if len(e.After.CustomFields) > 0 {
		u.CustomFields = map[int64]string{}
		ids := make([]int64, 0, len(e.After.CustomFields))
		for id := range e.After.CustomFields {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			u.CustomFields[id] = e.Before.CustomFields[id]
			if current.Field(id) != e.Before.CustomFields[id] {
				diff = append(diff, DiffLine{Field: FieldName(cfg, id), Before: orNone(oneLine(current.Field(id))), After: orNone(oneLine(e.Before.CustomFields[id]))})
			}
		}
	}
	requesterBack := e.Before.RequesterID != 0 && e.After.RequesterID != 0 && e.Before.RequesterID != e.After.RequesterID
	orgBack := e.Before.OrganizationID != e.After.OrganizationID
	// An undo never re-creates a Select association, exactly as it never restores a removed
	// membership: a step that would is kept as the change left it, with the reason.
	var kept []string
	if why := undoAssociation(cfg, dir, finalReqOf(requesterBack, e, current), e.Before.OrganizationID); orgBack && why != "" {
		kept = append(kept, fmt.Sprintf("Organization stays %s: setting %s back would %s (%s)",
			dir.orgName(current.OrganizationID), dir.orgName(e.Before.OrganizationID), why, handbookRule))
		orgBack = false
	}
	if requesterBack && !orgBack {
		if why := undoAssociation(cfg, dir, e.Before.RequesterID, current.OrganizationID); why != "" {
			kept = append(kept, fmt.Sprintf("Requester stays %s: setting %s back would %s (%s)",
				personLabel(dir, current.RequesterID), personLabel(dir, e.Before.RequesterID), why, handbookRule))
			requesterBack = false
		}
	}
	if requesterBack {
		u.RequesterID = e.Before.RequesterID
		diff = append(diff, DiffLine{Field: "Requester", Before: personLabel(dir, current.RequesterID), After: personLabel(dir, e.Before.RequesterID)})
	}
	// A requester change makes Zendesk pick the requester's default organization unless one is
	// given, so the organization is always sent with it.
	if requesterBack || orgBack {
		org := current.OrganizationID
		if orgBack {
			org = e.Before.OrganizationID
		}
		if org == 0 {
			u.ClearOrganization = true
		} else {
			u.OrganizationID = &org
		}
		if current.OrganizationID != org {
			diff = append(diff, DiffLine{Field: "Organization", Before: dir.orgName(current.OrganizationID), After: dir.orgName(org)})
		}
		// Zendesk refuses (422) an organization that is not one of the requester's; say so
		// before sending, naming both, when the directory knows the requester.
		req := finalReqOf(requesterBack, e, current)
		if _, known := dir.User(req); known && org != 0 && !memberAfter(dir, req, org, e.RemovedMemberships) {
			return UndoPlan{}, fmt.Errorf("undo refused: %s is not a member of %s (any more), so Zendesk would refuse to set that organization on ticket #%d; revert it by hand",
				personLabel(dir, req), dir.orgName(org), e.TicketID)
		}
	}
	for _, id := range e.After.EmailCCIDs {
		if !containsID(e.Before.EmailCCIDs, id) {
			u.RemoveEmailCCs = append(u.RemoveEmailCCs, CCRef{UserID: id})
			diff = append(diff, DiffLine{Field: "Email CC", Before: personLabel(dir, id), After: "(removed)"})
		}
	}
	if e.After.Status != "" && e.After.Status != e.Before.Status {
		back, why := e.Before.Status, ""
		if back == "new" || back == "" {
			// Zendesk never lets a ticket go back to new; open is the closest.
			back, why = "open", " (a ticket never goes back to new)"
		}
		if back != current.Status {
			u.Status = back
			diff = append(diff, DiffLine{Field: "Status", Before: current.Status, After: back + why})
		}
	}
	if len(diff) == 0 && len(u.RemoveEmailCCs) == 0 && len(kept) > 0 {
		return UndoPlan{}, fmt.Errorf("undo of ticket #%d: %s; %w", e.TicketID, strings.Join(kept, "; "), ErrUndoKept)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "partner-triage undo of its change of %s:", e.Time.UTC().Format("2006-01-02 15:04Z"))
	for _, d := range diff {
		fmt.Fprintf(&b, "\n- %s: %s → %s", d.Field, d.Before, d.After)
	}
	for _, k := range kept {
		fmt.Fprintf(&b, "\n- Kept: %s", k)
	}
	for _, m := range e.RemovedMemberships {
		fmt.Fprintf(&b, "\n- Kept removed: the membership of %s in %s (\"Never associate a customer to a Select Partner's organization, or vice-versa!\")",
			personLabel(dir, m.UserID), dir.orgName(m.OrganizationID))
	}
	if e.PublicReply != "" {
		// The reply itself says what was asked (which situation applies, or the customer's
		// address): the note names it by time, not by a question it may not have asked.
		fmt.Fprintf(&b, "\n- Question withdrawn: the public reply of %s to the submitter was sent and cannot be unsent.",
			e.Time.UTC().Format("2006-01-02 15:04Z"))
	}
	u.Note = b.String()
	plan := UndoPlan{Update: u, Diff: diff, KeptRemovals: e.RemovedMemberships, Kept: kept}
	if e.PublicReply != "" {
		plan.Unsendable = "The public reply asking the submitter cannot be unsent: the undo adds an internal note saying the question was withdrawn."
	}
	return plan, nil
}

// finalReqOf is the ticket's requester once the undo is applied.
func finalReqOf(requesterBack bool, e JournalEntry, current Ticket) int64 {
	if requesterBack {
		return e.Before.RequesterID
	}
	return current.RequesterID
}

// memberAfter reports whether the user belongs to org, leaving out memberships the change
// removed (they stay removed).
func memberAfter(dir *Directory, userID, org int64, removed []MembershipRemoval) bool {
	for _, r := range removed {
		if r.UserID == userID && r.OrganizationID == org {
			return false
		}
	}
	return dir.isMember(userID, org)
}

// movedOn names a value the change wrote that the ticket no longer holds ("" when all are
// still there): a second check beside updated_at, against the ticket as just read.
func movedOn(cfg RuleConfig, e JournalEntry, cur Ticket) string {
	if e.After.RequesterID != 0 && cur.RequesterID != e.After.RequesterID {
		return "the requester"
	}
	if e.After.OrganizationID != e.Before.OrganizationID && cur.OrganizationID != e.After.OrganizationID {
		return "the organization"
	}
	for id, v := range e.After.CustomFields {
		if strings.TrimSpace(cur.Field(id)) != strings.TrimSpace(v) {
			return "the " + FieldName(cfg, id)
		}
	}
	if e.After.Status != "" && cur.Status != e.After.Status {
		return "the status"
	}
	return ""
}

// FieldName names a custom field for a person the way the fix review and the
// configuration do (fields.org_email: "Organization Email (partners)", fields.cc_request:
// "Request for CCs"); a field the configuration does not name is "custom field ID".
func FieldName(cfg RuleConfig, id int64) string {
	switch {
	case id == 0:
	case id == cfg.OrgEmailField:
		return "Organization Email (partners)"
	case id == cfg.CCRequestField:
		return "Request for CCs"
	}
	return fmt.Sprintf("custom field %d", id)
}

// ChangeSubject names, for a person, what a journaled change was made to: "ticket #4031",
// or for a change on no ticket (a membership removal of the audit screen) the membership
// it removed, named from dir (nil: by id): "the membership of Liam Novak
// <liam.novak@adatum.com> in Coho Digital removed by the audit". There is no ticket #0.
func ChangeSubject(e JournalEntry, dir *Directory) string {
	if e.TicketID != 0 {
		return fmt.Sprintf("ticket #%d", e.TicketID)
	}
	return RemovalsText(e.RemovedMemberships, dir) + " removed by the audit"
}

// RemovalsText names removed memberships: "the membership of USER in ORG", several joined
// with "and"; "a membership" when there are none.
func RemovalsText(rs []MembershipRemoval, dir *Directory) string {
	if dir == nil {
		dir = NewDirectory()
	}
	if len(rs) == 0 {
		return "a membership"
	}
	parts := make([]string, len(rs))
	for i, m := range rs {
		who := "user #" + itoa(m.UserID) // not read (a journal list names what it read)
		if _, ok := dir.User(m.UserID); ok {
			who = personLabel(dir, m.UserID)
		}
		parts[i] = fmt.Sprintf("%s in %s", who, dir.orgName(m.OrganizationID))
	}
	if len(parts) == 1 {
		return "the membership of " + parts[0]
	}
	return "the memberships of " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// NothingToUndo says why a change that is not Revertible has nothing an undo can set back,
// naming what it was made to (ChangeSubject) and, when it removed memberships, whose.
func NothingToUndo(e JournalEntry, dir *Directory) string {
	if len(e.RemovedMemberships) == 0 {
		return fmt.Sprintf("the journaled change to %s changed nothing that can be reverted", ChangeSubject(e, dir))
	}
	what := RemovalsText(e.RemovedMemberships, dir)
	if e.TicketID != 0 {
		what = fmt.Sprintf("the change to ticket #%d only removed %s", e.TicketID, what)
	} else {
		what = fmt.Sprintf("the audit removed %s", what)
	}
	return what + ", which tied a customer and a Select partner; restoring it would break the handbook's rule, so undo leaves it (add it back in Zendesk by hand if it was wrong)"
}
