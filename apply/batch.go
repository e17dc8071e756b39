package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// BatchItem is one unit of a bulk fix: a ticket's compiled plan (Update and Removals, with
// Before the ticket as loaded), or — for an audit removal — only Removals with a zero
// Before. Refused, when set, is the validator's reason: the item is reported refused and
// nothing of it is sent.
type BatchItem struct {
	Before   model.Ticket
	Update   model.TicketUpdate
	Removals []model.MembershipRemoval
	Refused  string
}

// BatchStatus is what happened to one item.
type BatchStatus string

const (
	BatchApplied  BatchStatus = "applied"  // everything was written
	BatchConflict BatchStatus = "conflict" // safe_update refused: the ticket changed (reloaded)
	BatchRefused  BatchStatus = "refused"  // the plan was refused, or Zendesk refused the write (4xx)
	BatchFailed   BatchStatus = "failed"   // no usable answer (network, 5xx): reload to know
	BatchNotSent  BatchStatus = "not sent" // the batch was stopped before this item
	BatchKept     BatchStatus = "kept"     // undo: a removed Select membership stays removed
)

// BatchResult is one item's result, with the reason in one line.
type BatchResult struct {
	TicketID int64 // 0 for an audit removal
	Status   BatchStatus
	Reason   string
	Outcome  Outcome
}

// Pacing bounds a batch's ticket writes to Zendesk's limit of 100 ticket updates a minute
// per account (shared/spec/zendesk.md); a 429 beyond it is retried by the client after
// Retry-After. Every ticket gets one update, so the per-ticket limit (30 per 10 minutes)
// is never near.
type Pacing struct {
	PerWindow int           // writes allowed in any window (default 100)
	Window    time.Duration // default one minute
}

// batchJournal stamps the batch id on every entry it passes on.
type batchJournal struct {
	Journal
	id string
}

func (b batchJournal) Begin(e model.JournalEntry) error  { e.Batch = b.id; return b.Journal.Begin(e) }
func (b batchJournal) Append(e model.JournalEntry) error { e.Batch = b.id; return b.Journal.Append(e) }
func (b batchJournal) Abort(e model.JournalEntry) error  { e.Batch = b.id; return b.Journal.Abort(e) }

// RunBatch submits the items in order, one at a time: for a ticket, Submit (its membership
// removals, then one safe_update, journaled as its own entry, then a reload); for an audit
// removal, the membership deletion, journaled. Every journal entry carries batchID. Before
// each item it checks stop (closed: the rest are reported not sent; the item in flight is
// always finished) and ctx, and keeps to pacing. A conflict or a refusal concerns its ticket
// only and the batch goes on; a failure (see judge) stops it, the rest reported not sent.
// progress (may be nil) is called after each item with the count done and its result. It
// returns one result per item, in order.
func RunBatch(ctx context.Context, c Client, j Journal, batchID string, items []BatchItem, pacing Pacing,
	now func() time.Time, stop <-chan struct{}, progress func(done int, r BatchResult), opts ...Option) []BatchResult {
	if pacing.PerWindow <= 0 {
		pacing.PerWindow = 100
	}
	if pacing.Window <= 0 {
		pacing.Window = time.Minute
	}
	var jj Journal
	if j != nil {
		jj = batchJournal{Journal: j, id: batchID}
	}
	var sent []time.Time
	var failedAt failure
	out := make([]BatchResult, 0, len(items))
	for i, it := range items {
		r := BatchResult{TicketID: it.Before.ID}
		if r.TicketID == 0 {
			r.TicketID = it.Update.TicketID
		}
		switch {
		case failedAt != (failure{}):
			r.Status, r.Reason = BatchNotSent, fmt.Sprintf("not sent: the batch stopped after %s failed", failedAt.what())
		case stopped(ctx, stop):
			r.Status, r.Reason = BatchNotSent, "not sent: the batch was stopped before it"
		case it.Refused != "":
			r.Status, r.Reason = BatchRefused, oneLine(it.Refused)
		default:
			if !it.Update.IsEmpty() {
				if len(sent) >= pacing.PerWindow {
					wait := sent[len(sent)-pacing.PerWindow].Add(pacing.Window).Sub(time.Now())
					if !pause(ctx, stop, wait) {
						r.Status, r.Reason = BatchNotSent, "not sent: the batch was stopped before it"
						break
					}
				}
				sent = append(sent, time.Now())
			}
			if it.Before.ID == 0 && it.Update.IsEmpty() {
				r.Outcome = removeOnly(ctx, c, jj, it.Removals, now())
			} else {
				r.Outcome = Submit(ctx, c, jj, it.Update, it.Removals, it.Before, now(), opts...)
			}
			r.Status, r.Reason = judge(r.Outcome)
			if r.Status == BatchFailed {
				// What failed here (the network, the credentials, the journal) would fail
				// every ticket after it: stop, and say so.
				failedAt = failure{ticket: r.TicketID, n: i + 1}
			}
		}
		out = append(out, r)
		if progress != nil {
			progress(i+1, r)
		}
	}
	return out
}

// failure names the item a batch stopped after; the zero value is no failure.
type failure struct {
	ticket int64
	n      int
}

func (f failure) what() string {
	if f.ticket != 0 {
		return fmt.Sprintf("#%d", f.ticket)
	}
	return fmt.Sprintf("removal %d", f.n)
}

func stopped(ctx context.Context, stop <-chan struct{}) bool {
	if ctx.Err() != nil {
		return true
	}
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// pause waits d unless the batch is stopped first; false when stopped.
func pause(ctx context.Context, stop <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-stop:
	}
	return false
}

// removeOnly deletes memberships that belong to no ticket (an audit removal), journaled.
func removeOnly(ctx context.Context, c Client, j Journal, removals []model.MembershipRemoval, now time.Time) Outcome {
	var res Outcome
	e := model.JournalEntry{Time: now, RemovedMemberships: removals}
	if j != nil {
		if err := j.Begin(e); err != nil {
			res.Err = &JournalError{Err: fmt.Errorf("the removal could not be journaled, so nothing was sent: %w", err)}
			res.NotApplied = append(res.NotApplied, "everything (nothing was sent)")
			return res
		}
	}
	for i, rm := range removals {
		if err := c.RemoveMembership(ctx, rm); err != nil {
			res.Err = fmt.Errorf("removing membership %d: %w", rm.MembershipID, err)
			for _, left := range removals[i:] {
				res.NotApplied = append(res.NotApplied, fmt.Sprintf("remove membership %d", left.MembershipID))
			}
			break
		}
		res.Removed = append(res.Removed, rm)
	}
	if j != nil {
		var err error
		if len(res.Removed) > 0 {
			done := e
			done.RemovedMemberships = res.Removed
			err = j.Append(done)
		} else {
			err = j.Abort(e)
		}
		if err != nil && res.Err == nil {
			res.Err = &JournalError{Err: fmt.Errorf("removed, but the journal could not record it: %w", err)}
		}
	}
	return res
}

// judge turns an outcome into a status and a one-line reason. Refused is a write Zendesk
// answered with a 4xx about this ticket (validation, not found); a refusal of the
// credentials (401/403), a rate limit it gave up on (429), a lost answer, a 5xx or a journal
// that cannot be written is a failure that would hit every ticket after it.
func judge(o Outcome) (BatchStatus, string) {
	var api interface{ StatusCode() int }
	switch {
	case o.Err == nil:
		return BatchApplied, oneLine(strings.Join(append(removedWords(o.Removed), o.Applied...), "; "))
	case o.Conflict:
		return BatchConflict, "somebody changed the ticket since it was loaded: nothing on it was overwritten; reloaded to judge it again"
	case o.Unknown:
		return BatchFailed, oneLine(o.Err.Error()) + " (Zendesk's answer was lost and the ticket could not be read back: reload it to see whether the change was applied)"
	case errors.Is(o.Err, model.ErrNotFound):
		return BatchRefused, oneLine(o.Err.Error())
	case errors.As(o.Err, &api) && api.StatusCode() >= 400 && api.StatusCode() < 500 &&
		api.StatusCode() != 401 && api.StatusCode() != 403 && api.StatusCode() != 429:
		return BatchRefused, oneLine(o.Err.Error())
	}
	reason := oneLine(o.Err.Error())
	if len(o.Applied) > 0 || len(o.Removed) > 0 {
		reason += " (partly applied: " + oneLine(strings.Join(append(removedWords(o.Removed), o.Applied...), "; ")) + ")"
	}
	return BatchFailed, reason
}

func removedWords(rs []model.MembershipRemoval) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("membership %d removed", r.MembershipID))
	}
	return out
}

// BatchChanges returns the changes of one batch that are applied and not undone, oldest
// first (none for an empty id).
func BatchChanges(j Journal, batchID string) ([]model.JournalEntry, error) {
	if j == nil || batchID == "" {
		return nil, nil
	}
	all, err := j.Changes()
	if err != nil {
		return nil, &JournalError{Err: err}
	}
	var out []model.JournalEntry
	for _, e := range all {
		if e.Batch == batchID {
			out = append(out, e)
		}
	}
	return out, nil
}

// UndoBatch reverts every change of a batch that is not undone yet, newest first, each
// checked against the ticket as it is now (model.PlanUndo refuses a ticket changed since).
// Removed memberships are never restored: an entry with nothing on the ticket to set back
// (model.JournalEntry.Revertible) is marked undone and reported kept. rules plan each revert
// (model.PlanUndo). It stops between entries as RunBatch does.
func UndoBatch(ctx context.Context, c Client, j Journal, rules model.RuleConfig, batchID string, stop <-chan struct{},
	progress func(done int, r BatchResult)) ([]BatchResult, error) {
	if j == nil {
		return nil, errors.New("undo is unavailable: no journal is configured")
	}
	entries, err := BatchChanges(j, batchID)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, ErrNothingToUndo
	}
	out := make([]BatchResult, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		r := BatchResult{TicketID: e.TicketID}
		switch {
		case stopped(ctx, stop):
			r.Status, r.Reason = BatchNotSent, "not undone: stopped before it"
		case !e.Revertible():
			// Nothing on the ticket to set back: removed memberships stay removed, and an
			// internal note is part of the ticket's history.
			r.Status = BatchKept
			r.Reason = "nothing to set back: only an internal note was added"
			if len(e.RemovedMemberships) > 0 {
				r.Reason = "the removed membership stays removed: restoring it would tie a customer and a Select partner again"
			}
			if err := j.MarkUndone(e); err != nil {
				r.Status, r.Reason = BatchFailed, oneLine((&JournalError{Err: err}).Error())
			}
		default:
			page, err := c.ReloadTicket(ctx, e.TicketID)
			if err != nil {
				r.Status, r.Reason = BatchFailed, oneLine(fmt.Sprintf("reloading #%d: %v", e.TicketID, err))
				break
			}
			var current model.Ticket
			for _, t := range page.Tickets {
				if t.ID == e.TicketID {
					current = t
				}
			}
			dir := model.NewDirectory()
			dir.Merge(page)
			nameMissing(ctx, c, dir, e)
			plan, err := model.PlanUndo(rules, e, current, dir)
			if errors.Is(err, model.ErrUndoKept) {
				// Setting it back would tie a customer and a Select partner again: kept, as a
				// removed membership is, and nothing is sent.
				r.Status, r.Reason = BatchKept, oneLine(err.Error())
				r.Outcome.Reloaded = &page
				if err := j.MarkUndone(e); err != nil {
					r.Status, r.Reason = BatchFailed, oneLine((&JournalError{Err: err}).Error())
				}
				break
			}
			if err != nil {
				r.Status, r.Reason = BatchRefused, oneLine(err.Error())
				r.Outcome.Reloaded = &page
				break
			}
			r.Outcome = Undo(ctx, c, j, PreparedUndo{Entry: e, Plan: plan, Page: &page, rules: &rules})
			r.Status, r.Reason = judge(r.Outcome)
			if r.Status == BatchApplied {
				r.Reason = "reverted: " + r.Reason
				if len(plan.KeptRemovals) > 0 {
					r.Reason += "; removed memberships stay removed"
				}
				for _, k := range plan.Kept {
					r.Reason += "; " + oneLine(k)
				}
			}
		}
		out = append(out, r)
		if progress != nil {
			progress(len(out), r)
		}
	}
	return out, nil
}

// oneLine folds a text to one line (control characters become spaces).
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }), " ")
}
