// Package apply carries a fix (or its undo) out against Zendesk in the order that keeps
// Zendesk consistent if it stops part way, journals it, and reloads the ticket. The console
// and the `undo` command share it, so both say the same about what was and was not applied.
package apply

import (
	"context"
	"errors"
	"fmt"
	"sort"
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

// Journal records submitted changes so they can be undone: Begin before anything is sent,
// then Append (something was applied) or Abort (nothing was). Changes lists the completed
// changes not undone yet, oldest first, each with its ID; it is read afresh every time, so
// a change another process journaled or undid meanwhile is seen.
type Journal interface {
	Begin(e model.JournalEntry) error
	Append(e model.JournalEntry) error
	Abort(e model.JournalEntry) error
	Changes() ([]model.JournalEntry, error)
	MarkUndone(e model.JournalEntry) error
}

// Namer is the optional part of a Client that reads people and organizations by id, so an
// undo can name the ones the ticket no longer points at (the requester it sets back).
type Namer interface {
	UsersByID(ctx context.Context, ids []int64) ([]model.User, error)
	OrganizationsByID(ctx context.Context, ids []int64) ([]model.Organization, error)
}

// Outcome says what a submit or an undo did, in words a person can act on.
type Outcome struct {
	TicketID int64
	// Applied says what was written to the ticket; memberships removed are in Removed.
	Applied    []string
	NotApplied []string
	Conflict   bool // safe_update refused the ticket write (409) because somebody changed it
	// Unknown: Zendesk's answer to the ticket write was lost and the ticket could not be read
	// back, so nobody can tell yet whether it was applied. The journal keeps the intent, so the
	// next start reports it too.
	Unknown bool
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
//
// When Zendesk's answer to the ticket update is lost (connection reset, 5xx, a cut-off or
// empty answer, a timeout) the ticket is read back and compared with the intended values:
// the outcome and the journal then say applied, not applied or partly applied, and what was
// applied can be undone. A 409 whose reload shows the ticket unchanged (Zendesk's transient
// "Database collision") is sent once more.
func Submit(ctx context.Context, c Client, j Journal, upd model.TicketUpdate,
	removals []model.MembershipRemoval, before model.Ticket, now time.Time, opts ...Option) Outcome {
	o := options(opts)
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
		after = res.update(ctx, c, upd, before, "ticket update", o.fieldName)
	}
	if j != nil {
		var err error
		switch {
		case after.ID != 0:
			err = j.Append(journalEntry(before, upd, done, after, now))
		case res.Unknown && len(done) > 0:
			// The ticket may hold the change: keep the intent open (reported at the next
			// start) but record the memberships, which certainly went.
			err = j.Append(model.JournalEntry{Time: now.Add(time.Nanosecond), TicketID: before.ID, RemovedMemberships: done})
		case res.Unknown:
			// Neither applied nor not: the open intent is reported at the next start.
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

// PreparedUndo is the revert of a journaled change, checked against the ticket now.
type PreparedUndo struct {
	Entry model.JournalEntry
	Plan  model.UndoPlan
	// Page is the ticket as Zendesk has it now (also when the undo is refused).
	Page *model.QueuePage
	// rules name the custom fields in what Undo reports (set by PrepareUndo).
	rules *model.RuleConfig
}

// Option changes how Submit and RunBatch report what they did.
type Option func(*settings)

type settings struct {
	fieldName func(id int64) string
	names     *model.Directory
	idWidth   int  // Summary right-aligns the entry ids to this many digits
	noBatchID bool // Summary says "bulk fix" instead of the batch id
}

// WithoutBatchIDs makes Summary say that a ticket's change was part of a bulk fix instead
// of giving the batch id (a screen has no use for it, and it hid what the change was).
func WithoutBatchIDs() Option {
	return func(s *settings) { s.noBatchID = true }
}

// IDWidth right-aligns the entry id in Summary to n characters, so a list's columns line up.
func IDWidth(n int) Option {
	return func(s *settings) { s.idWidth = n }
}

// Names names the people and organizations in Summary from dir (else by id).
func Names(dir *model.Directory) Option {
	return func(s *settings) { s.names = dir }
}

// FieldNames names custom fields in the outcome's words as the configuration does
// ("Organization Email (partners)"), never by bare id.
func FieldNames(rules model.RuleConfig) Option {
	return func(s *settings) { s.fieldName = func(id int64) string { return model.FieldName(rules, id) } }
}

func options(opts []Option) settings {
	s := settings{fieldName: func(id int64) string { return model.FieldName(model.RuleConfig{}, id) }}
	for _, o := range opts {
		o(&s)
	}
	return s
}

// ErrNothingToUndo: the journal holds no change left that an undo could revert.
var ErrNothingToUndo = errors.New("nothing to undo: the journal has no change left that can be reverted")

// JournalError is a failure to read or write the local journal (not a Zendesk error).
type JournalError struct{ Err error }

func (e *JournalError) Error() string { return e.Err.Error() }
func (e *JournalError) Unwrap() error { return e.Err }

// RefusedError: the undo was refused because the ticket moved on since the change (or
// nobody can tell), or because the change has nothing an undo could revert.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// Entries lists the journal's changes not undone yet, newest first.
func Entries(j Journal) ([]model.JournalEntry, error) {
	if j == nil {
		return nil, errors.New("undo is unavailable: no journal is configured")
	}
	ch, err := j.Changes()
	if err != nil {
		return nil, &JournalError{Err: err}
	}
	out := make([]model.JournalEntry, len(ch))
	for i, e := range ch {
		out[len(ch)-1-i] = e
	}
	return out, nil
}

// Summary describes a journal entry on one line for a list: when, which ticket, what it
// changed, and whether an undo can revert it. With FieldNames the custom fields are named
// ("Organization Email (partners)"), else they are "fields".
func Summary(e model.JournalEntry, opts ...Option) string {
	o := settings{}
	for _, op := range opts {
		op(&o)
	}
	var what []string
	if e.After.RequesterID != 0 && e.Before.RequesterID != 0 && e.After.RequesterID != e.Before.RequesterID {
		what = append(what, "requester")
	}
	if e.After.OrganizationID != e.Before.OrganizationID {
		what = append(what, "organization")
	}
	if len(e.After.CustomFields) > 0 && o.fieldName == nil {
		what = append(what, "fields")
	} else if len(e.After.CustomFields) > 0 {
		ids := make([]int64, 0, len(e.After.CustomFields))
		for id := range e.After.CustomFields {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, k int) bool { return ids[i] < ids[k] })
		for _, id := range ids {
			what = append(what, o.fieldName(id))
		}
	}
	if len(e.After.EmailCCIDs) > len(e.Before.EmailCCIDs) {
		what = append(what, "CCs")
	}
	if e.After.Status != e.Before.Status {
		what = append(what, "status")
	}
	if e.PublicReply != "" {
		what = append(what, "asked the submitter (public reply)")
	}
	if n := len(e.RemovedMemberships); n > 0 && e.TicketID == 0 {
		// No ticket: what it was is the membership itself, named (model.RemovalsText).
		what = append(what, "removed "+model.RemovalsText(e.RemovedMemberships, o.names))
	} else if n > 0 {
		word := "memberships"
		if n == 1 {
			word = "membership"
		}
		what = append(what, fmt.Sprintf("%d %s removed", n, word))
	}
	where := fmt.Sprintf("ticket #%d", e.TicketID)
	if e.TicketID == 0 {
		where = "audit" // a membership removal of the audit, on no ticket
	}
	switch {
	case e.Batch != "" && o.noBatchID && e.TicketID != 0:
		where += " (bulk fix)"
	case e.Batch != "" && !o.noBatchID:
		where += " (batch " + e.Batch + ")"
	}
	s := fmt.Sprintf("%*d  %s  %s  %s", o.idWidth, e.ID, e.Time.Local().Format("2006-01-02 15:04"), where, strings.Join(what, ", "))
	if !e.Revertible() {
		s += "  (nothing to undo: removed memberships are never restored)"
	}
	return s
}

// PrepareUndo plans the revert of the journal entry with the given ID — 0: the newest one
// that changed something an undo can revert, so a change that only removed a membership
// never blocks the ones before it. It reads the ticket afresh and refuses (model.PlanUndo)
// when the ticket changed since the change or nobody can tell. People and organizations are
// named from Zendesk (the ticket's reload, and c's Namer when it has one).
func PrepareUndo(ctx context.Context, c Client, j Journal, rules model.RuleConfig, id int) (PreparedUndo, error) {
	entries, err := Entries(j)
	if err != nil {
		return PreparedUndo{}, err
	}
	var e model.JournalEntry
	found := false
	for _, x := range entries {
		if id == 0 && x.Revertible() || id != 0 && x.ID == id {
			e, found = x, true
			break
		}
	}
	switch {
	case !found && id != 0:
		return PreparedUndo{}, &RefusedError{Err: fmt.Errorf("undo: the journal has no change %d left (already undone, or never completed); see `partner-triage undo --list`", id)}
	case !found && len(entries) > 0:
		left := fmt.Sprintf("the %d changes left only removed memberships", len(entries))
		if len(entries) == 1 {
			left = "the change left only removed a membership"
		}
		return PreparedUndo{}, fmt.Errorf("%w (%s: removed memberships are never restored, as restoring one would break the handbook's rule)", ErrNothingToUndo, left)
	case !found:
		return PreparedUndo{}, ErrNothingToUndo
	}
	page, err := c.ReloadTicket(ctx, e.TicketID)
	if err != nil {
		return PreparedUndo{}, fmt.Errorf("undo: reloading #%d: %w", e.TicketID, err)
	}
	return planEntry(ctx, c, rules, e, page)
}

// planEntry plans the revert of e against page, the ticket as just read from Zendesk; a
// refusal is a *RefusedError.
func planEntry(ctx context.Context, c Client, rules model.RuleConfig, e model.JournalEntry, page model.QueuePage) (PreparedUndo, error) {
	current, _ := ticketIn(page, e.TicketID)
	dir := model.NewDirectory()
	dir.Merge(page)
	nameMissing(ctx, c, dir, e)
	plan, err := model.PlanUndo(rules, e, current, dir)
	if err != nil {
		return PreparedUndo{Entry: e, Page: &page, rules: &rules}, &RefusedError{Err: err}
	}
	return PreparedUndo{Entry: e, Plan: plan, Page: &page, rules: &rules}, nil
}

// CheckUndo says why an undo of e would be refused against page, the ticket as Zendesk has
// it now (nil: it would be allowed), with the same reading as PrepareUndo, so a result
// screen offers u only where u would work.
func CheckUndo(ctx context.Context, c Client, rules model.RuleConfig, e model.JournalEntry, page model.QueuePage) error {
	if !e.Revertible() {
		dir := model.NewDirectory()
		dir.Merge(page)
		return &RefusedError{Err: fmt.Errorf("undo: %s", model.NothingToUndo(e, dir))}
	}
	_, err := planEntry(ctx, c, rules, e, page)
	return err
}

// PassedUndo is a newer change PrepareNewestUndo went past, and why: its undo is refused,
// or it has nothing on a ticket to set back (an audit's removal, named by its membership).
type PassedUndo struct {
	Entry  model.JournalEntry
	Reason string
}

// newestUndoTries bounds how many refused changes PrepareNewestUndo reads before it gives up
// (each costs a ticket read); the journal list (U) reaches the rest.
const newestUndoTries = 10

// PrepareNewestUndo plans the revert of the newest change that an undo can revert now, for
// a console that shows the revert before sending it: a change whose undo is refused (the
// handbook's rule keeps everything it did, or the ticket moved on since) does not block the
// ones before it. passed lists the newer changes it went past, newest first, with why. When
// none can be undone the error is a *RefusedError naming the newest change's reason.
func PrepareNewestUndo(ctx context.Context, c Client, j Journal, rules model.RuleConfig) (p PreparedUndo, passed []PassedUndo, err error) {
	entries, err := Entries(j)
	if err != nil {
		return PreparedUndo{}, nil, err
	}
	var firstRefusal error
	reads, named := 0, 0
	for _, e := range entries {
		if !e.Revertible() {
			// Nothing on a ticket to set back (removed memberships stay removed): passed too,
			// and named, so the agent knows which newer change the undo is not.
			dir := model.NewDirectory()
			if named < newestUndoTries {
				nameMissing(ctx, c, dir, e)
				named++
			}
			passed = append(passed, PassedUndo{Entry: e, Reason: "undo: " + model.NothingToUndo(e, dir)})
			continue
		}
		if reads == newestUndoTries {
			return PreparedUndo{}, passed, &RefusedError{Err: fmt.Errorf("none of the %d newest changes that touched a ticket can be undone; the newest: %w — press U to pick an older one from the journal", reads, firstRefusal)}
		}
		reads++
		page, err := c.ReloadTicket(ctx, e.TicketID)
		if err != nil {
			return PreparedUndo{}, passed, fmt.Errorf("undo: reloading #%d: %w", e.TicketID, err)
		}
		p, err := planEntry(ctx, c, rules, e, page)
		var refused *RefusedError
		switch {
		case errors.As(err, &refused):
			if firstRefusal == nil {
				firstRefusal = err
			}
			passed = append(passed, PassedUndo{Entry: e, Reason: err.Error()})
			continue
		case err != nil:
			return PreparedUndo{}, passed, err
		}
		return p, passed, nil
	}
	switch {
	case firstRefusal != nil && reads == 1:
		return PreparedUndo{}, passed, &RefusedError{Err: fmt.Errorf("no change in the journal can be undone: %w", firstRefusal)}
	case firstRefusal != nil:
		return PreparedUndo{}, passed, &RefusedError{Err: fmt.Errorf("none of the %d changes in the journal that touched a ticket can be undone; the newest: %w", reads, firstRefusal)}
	}
	// Nothing revertible at all: PrepareUndo says why, in its words.
	p, err = PrepareUndo(ctx, c, j, rules, 0)
	return p, nil, err
}

// nameMissing reads the people and organizations the entry names that the reload did not
// bring (best effort: a failure leaves them named by id).
func nameMissing(ctx context.Context, c Client, dir *model.Directory, e model.JournalEntry) {
	n, ok := c.(Namer)
	if !ok {
		return
	}
	var users, orgs []int64
	for _, id := range append([]int64{e.Before.RequesterID, e.After.RequesterID}, e.After.EmailCCIDs...) {
		if _, ok := dir.User(id); id != 0 && !ok {
			users = append(users, id)
		}
	}
	for _, m := range e.RemovedMemberships {
		if _, ok := dir.User(m.UserID); !ok {
			users = append(users, m.UserID)
		}
		orgs = append(orgs, m.OrganizationID)
	}
	orgs = append(orgs, e.Before.OrganizationID, e.After.OrganizationID)
	var missingOrgs []int64
	for _, id := range orgs {
		if _, ok := dir.Organization(id); id != 0 && !ok {
			missingOrgs = append(missingOrgs, id)
		}
	}
	if len(users) > 0 {
		if us, err := n.UsersByID(ctx, users); err == nil {
			for _, u := range us {
				dir.PutUser(u)
			}
		}
	}
	if len(missingOrgs) > 0 {
		if os, err := n.OrganizationsByID(ctx, missingOrgs); err == nil {
			for _, o := range os {
				dir.PutOrganization(o)
			}
		}
	}
	// The requester an undo sets back is no longer on the ticket, so the reload brought none
	// of their memberships: read them, so the check that Zendesk would accept the
	// organization (model.PlanUndo) sees them all.
	if pl, ok := c.(PeopleLookup); ok && e.Before.RequesterID != 0 && e.Before.RequesterID != e.After.RequesterID {
		if u, ok := dir.User(e.Before.RequesterID); ok && u.Email != "" {
			if page, err := pl.LookupPeople(ctx, []string{u.Email}); err == nil {
				dir.Merge(page)
			}
		}
	}
}

// PeopleLookup is the optional part of a Client that reads users by exact address with
// every membership and organization they have (zendesk.Client.LookupPeople).
type PeopleLookup interface {
	LookupPeople(ctx context.Context, emails []string) (model.QueuePage, error)
}

// Undo carries a prepared undo out: the ticket revert with safe_update, then the journal is
// told, then the ticket is reloaded. Removed memberships stay removed (model.PlanUndo).
func Undo(ctx context.Context, c Client, j Journal, p PreparedUndo) Outcome {
	res := Outcome{TicketID: p.Entry.TicketID}
	if res.Err == nil && !p.Plan.Update.IsEmpty() {
		var current model.Ticket
		if p.Page != nil {
			current, _ = ticketIn(*p.Page, p.Entry.TicketID)
		}
		var opts []Option
		if p.rules != nil {
			opts = append(opts, FieldNames(*p.rules))
		}
		res.update(ctx, c, p.Plan.Update, current, "ticket revert", options(opts).fieldName)
	}
	if res.Err == nil && j != nil {
		if err := j.MarkUndone(p.Entry); err != nil {
			res.Err = &JournalError{Err: fmt.Errorf("reverted, but the journal could not record it: %w", err)}
		}
	}
	res.reload(ctx, c)
	return res
}

// update sends one ticket update and records, in words, whether it was applied. It returns
// the ticket as Zendesk has it after the write (zero when nothing was applied or nobody can
// tell). before is the ticket as the plan saw it, to tell which values the update changes.
func (res *Outcome) update(ctx context.Context, c Client, upd model.TicketUpdate, before model.Ticket, what string,
	fieldName func(int64) string) model.Ticket {
	after, err := c.UpdateTicket(ctx, upd)
	retried := ""
	if errors.Is(err, model.ErrConflict) {
		page, rerr := c.ReloadTicket(ctx, upd.TicketID)
		cur, ok := ticketIn(page, upd.TicketID)
		if rerr != nil || !ok || !cur.UpdatedAt.Equal(upd.UpdatedStamp) {
			res.Conflict, res.Err = true, err
			res.NotApplied = append(res.NotApplied, what+" (refused by safe_update: the ticket changed)")
			return model.Ticket{}
		}
		// Zendesk answers 409 "Database collision" for a transient clash too; the ticket is
		// as it was, so the same safe_update is sent once more.
		retried = " (sent twice: the first answer was a 409 while the ticket was unchanged, Zendesk's transient “Database collision”)"
		after, err = c.UpdateTicket(ctx, upd)
		if errors.Is(err, model.ErrConflict) {
			res.Conflict, res.Err = true, fmt.Errorf("%w (twice; the first 409 was a transient “Database collision”)", err)
			res.NotApplied = append(res.NotApplied, what+" (refused by safe_update twice)")
			return model.Ticket{}
		}
	}
	if err == nil {
		res.Applied = append(res.Applied, what+": "+describeUpdate(upd, fieldName)+retried)
		return after
	}
	if errors.Is(err, model.ErrNotSent) {
		// Never sent (e.g. the sign-in was refused): nothing to read back.
		res.Err = err
		res.NotApplied = append(res.NotApplied, what+" (nothing was sent)")
		return model.Ticket{}
	}
	// The answer is an error, or was lost after the fact: only the ticket as Zendesk has it
	// now tells what happened.
	page, rerr := c.ReloadTicket(ctx, upd.TicketID)
	cur, ok := ticketIn(page, upd.TicketID)
	if rerr != nil || !ok {
		if rerr == nil {
			rerr = errors.New("the answer holds no such ticket")
		}
		res.Unknown = true
		res.Err = fmt.Errorf("%w; reading #%d back failed too (%v): check the ticket in Zendesk before retrying", err, upd.TicketID, rerr)
		res.NotApplied = append(res.NotApplied, what+" (outcome unknown: Zendesk's answer was lost)")
		return model.Ticket{}
	}
	took, missed := verify(upd, before, cur, page.Users, fieldName)
	switch {
	case len(missed) == 0 && len(took) > 0:
		res.Applied = append(res.Applied, fmt.Sprintf("%s: %s — confirmed by reading the ticket back (Zendesk's answer was: %v)",
			what, strings.Join(took, ", "), err))
		return cur
	case len(took) == 0:
		res.Err = err
		res.NotApplied = append(res.NotApplied, what+" (read back: nothing on the ticket was changed)")
		return model.Ticket{}
	default:
		res.Err = fmt.Errorf("ticket #%d partly applied (read back after: %v)", upd.TicketID, err)
		res.Applied = append(res.Applied, what+": "+strings.Join(took, ", ")+" (read back)")
		res.NotApplied = append(res.NotApplied, what+": "+strings.Join(missed, ", ")+" (read back)")
		return cur
	}
}

func ticketIn(p model.QueuePage, id int64) (model.Ticket, bool) {
	for _, t := range p.Tickets {
		if t.ID == id {
			return t, true
		}
	}
	return model.Ticket{}, false
}

// Verify compares a ticket read back from Zendesk (cur, with the users Zendesk returned
// beside it) with what upd asked for, for an update whose answer was lost. It returns the
// parts found applied and the parts found not applied, in words. A value the ticket already
// had before (so the update cannot be told apart) counts as applied. The internal note cannot
// be read back from the ticket: a ticket update is one transaction in Zendesk, so the note
// went when anything else did, or — for a note alone — when updated_at moved past the stamp.
func Verify(upd model.TicketUpdate, before, cur model.Ticket, users []model.User) (applied, missing []string) {
	return verify(upd, before, cur, users, options(nil).fieldName)
}

// verify is Verify naming custom fields with fieldName.
func verify(upd model.TicketUpdate, before, cur model.Ticket, users []model.User, fieldName func(int64) string) (applied, missing []string) {
	check := func(what string, ok bool) {
		if ok {
			applied = append(applied, what)
		} else {
			missing = append(missing, what)
		}
	}
	emailOf := func(id int64) string {
		for _, u := range users {
			if u.ID == id {
				return strings.ToLower(strings.TrimSpace(u.Email))
			}
		}
		return ""
	}
	ids := make([]int64, 0, len(upd.CustomFields))
	for id := range upd.CustomFields {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, k int) bool { return ids[i] < ids[k] })
	for _, id := range ids {
		check(fieldName(id), strings.TrimSpace(cur.Field(id)) == strings.TrimSpace(upd.CustomFields[id]))
	}
	switch {
	case upd.RequesterID != 0:
		check("requester", cur.RequesterID == upd.RequesterID)
	case upd.NewRequester != nil:
		want := strings.ToLower(strings.TrimSpace(upd.NewRequester.Email))
		check("requester", cur.RequesterID != 0 && (emailOf(cur.RequesterID) == want ||
			emailOf(cur.RequesterID) == "" && cur.RequesterID != before.RequesterID))
	}
	switch {
	case upd.OrganizationID != nil:
		check("organization", cur.OrganizationID == *upd.OrganizationID)
	case upd.ClearOrganization:
		check("organization", cur.OrganizationID == 0)
	}
	for _, cc := range upd.AddEmailCCs {
		found := false
		for _, id := range cur.EmailCCIDs {
			if id == cc.UserID && cc.UserID != 0 || cc.UserID == 0 && emailOf(id) == strings.ToLower(strings.TrimSpace(cc.Email)) {
				found = true
			}
		}
		check("CC "+ccName(cc), found)
	}
	for _, cc := range upd.RemoveEmailCCs {
		gone := true
		for _, id := range cur.EmailCCIDs {
			if id == cc.UserID && cc.UserID != 0 {
				gone = false
			}
		}
		check("CC "+ccName(cc)+" removed", gone)
	}
	if upd.Status != "" {
		check("status "+upd.Status, cur.Status == upd.Status)
	}
	for _, c := range []struct{ what, body string }{{"internal note", upd.Note}, {"public reply", upd.PublicReply}} {
		if c.body == "" {
			continue
		}
		moved := cur.UpdatedAt.After(upd.UpdatedStamp)
		if len(applied) > 0 || len(missing) > 0 {
			// One transaction: the comment went with the fields.
			check(c.what, len(applied) > 0 && moved)
		} else {
			check(c.what, moved)
		}
	}
	return applied, missing
}

func ccName(cc model.CCRef) string {
	if cc.Email != "" {
		return cc.Email
	}
	return fmt.Sprintf("user %d", cc.UserID)
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
func describeUpdate(u model.TicketUpdate, fieldName func(int64) string) string {
	var parts []string
	ids := make([]int64, 0, len(u.CustomFields))
	for id := range u.CustomFields {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, k int) bool { return ids[i] < ids[k] })
	for _, id := range ids {
		parts = append(parts, fieldName(id))
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
	if u.Status != "" {
		parts = append(parts, "status "+u.Status)
	}
	if u.Note != "" {
		parts = append(parts, "internal note")
	}
	if u.PublicReply != "" {
		parts = append(parts, "public reply")
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
	if u.Status != "" {
		e.Before.Status = before.Status
	}
	e.PublicReply = u.PublicReply
	if after.ID == 0 {
		return e
	}
	e.UpdatedAt = after.UpdatedAt
	e.After = model.TicketState{RequesterID: after.RequesterID, OrganizationID: after.OrganizationID,
		EmailCCIDs: after.EmailCCIDs}
	if u.Status != "" {
		e.After.Status = after.Status
	}
	if len(u.CustomFields) > 0 {
		// The values as Zendesk holds them: after a lost answer only some may have been written.
		e.After.CustomFields = map[int64]string{}
		for id := range u.CustomFields {
			e.After.CustomFields[id] = after.Field(id)
		}
	}
	return e
}
