package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/model"
)

// Journal records every submitted change so it can be undone; nil disables journaling.
type Journal = apply.Journal

// undoCheck is what the journal list learned about undoing one entry before enter.
type undoCheck struct {
	state undoCheckState
	// reason: why the undo is refused (checkRefused) or why the check failed (checkFailed).
	reason string
	kept   bool // refused because the Select rule keeps all the change set (model.ErrUndoKept)
}

type undoCheckState int

const (
	checkAsked    undoCheckState = iota + 1 // the ticket is being read
	checkUndoable                           // an undo would be planned now
	checkRefused                            // the undo would be refused: reason says why
	checkFailed                             // the ticket could not be read: enter tries anyway
)

// journalCheckMsg is the answer to one check of the journal list (journal generation gen):
// for entry id, the undo's refusal (nil: it would be planned), or the ticket read's failure;
// the people and organizations read to name an entry on no ticket.
type journalCheckMsg struct {
	gen, id int
	refusal error
	failed  error
	users   []model.User
	orgs    []model.Organization
}

// checkUndoCmd reads the ticket of e and checks its undo as the queue's u would
// (apply.CheckUndo).
func checkUndoCmd(c Client, rules model.RuleConfig, gen int, e model.JournalEntry) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		msg := journalCheckMsg{gen: gen, id: e.ID}
		page, err := c.ReloadTicket(ctx, e.TicketID)
		if err != nil {
			msg.failed = err
			return msg
		}
		msg.refusal = apply.CheckUndo(ctx, c, rules, e, page)
		msg.users, msg.orgs = page.Users, page.Organizations
		return msg
	}
}

// readNamesCmd reads the people and organizations of users and orgs (best effort: a
// failure leaves them named by id).
func readNamesCmd(n apply.Namer, gen, id int, users, orgs []int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		msg := journalCheckMsg{gen: gen, id: id}
		if len(users) > 0 {
			msg.users, _ = n.UsersByID(ctx, users)
		}
		if len(orgs) > 0 {
			msg.orgs, _ = n.OrganizationsByID(ctx, orgs)
		}
		return msg
	}
}

// seedNames copies the people and organizations an entry's removals name from the session.
func (js *journalScreen) seedNames(e model.JournalEntry) {
	for _, m := range e.RemovedMemberships {
		if u, ok := js.s.dir.User(m.UserID); ok {
			js.names.PutUser(u)
		}
		if o, ok := js.s.dir.Organization(m.OrganizationID); ok {
			js.names.PutOrganization(o)
		}
	}
}

// missingNames lists the people and organizations of an entry's removals nobody named yet.
func (js *journalScreen) missingNames(e model.JournalEntry) (users, orgs []int64) {
	for _, m := range e.RemovedMemberships {
		if _, ok := js.names.User(m.UserID); !ok && m.UserID != 0 {
			users = append(users, m.UserID)
		}
		if _, ok := js.names.Organization(m.OrganizationID); !ok && m.OrganizationID != 0 {
			orgs = append(orgs, m.OrganizationID)
		}
	}
	return users, orgs
}

// window is the range of entries on screen.
func (js *journalScreen) window() (first, end int) {
	rows := max(js.height-4-len(js.problems)-js.panelRows(), 1)
	first = max(0, js.cursor-rows+1)
	return first, min(len(js.entries), first+rows)
}

// panelRows are the rows kept under the list for why the entry under the cursor cannot be
// undone (a blank line and the reason).
func (js *journalScreen) panelRows() int {
	if js.height >= 14 {
		return 5
	}
	return 2
}

// nextCheck starts the next check the entries on screen need, the cursor's first: reading
// the ticket of an entry an undo could revert, or naming the people and organizations of
// an entry on no ticket. One at a time, each once per opening: the list costs at most one
// ticket read per entry the agent brings on screen.
func (js *journalScreen) nextCheck() tea.Cmd {
	if js.asking || len(js.entries) == 0 || js.s.client == nil {
		return nil
	}
	first, end := js.window()
	order := []int{js.cursor}
	for i := first; i < end; i++ {
		if i != js.cursor {
			order = append(order, i)
		}
	}
	for _, i := range order {
		e := js.entries[i]
		if e.Revertible() {
			if _, done := js.checks[e.ID]; done {
				continue
			}
			js.checks[e.ID] = undoCheck{state: checkAsked}
			js.asking = true
			return checkUndoCmd(js.s.client, js.s.rules, js.gen, e)
		}
		n, ok := js.s.client.(apply.Namer)
		if !ok || js.namesAsked[e.ID] {
			continue
		}
		js.namesAsked[e.ID] = true
		if users, orgs := js.missingNames(e); len(users)+len(orgs) > 0 {
			js.asking = true
			return readNamesCmd(n, js.gen, e.ID, users, orgs)
		}
	}
	return nil
}

// checked records a check's answer and starts the next one.
func (js *journalScreen) checked(msg journalCheckMsg) tea.Cmd {
	if msg.gen != js.gen {
		return nil // an earlier opening of the list
	}
	js.asking = false
	for _, u := range msg.users {
		js.names.PutUser(u)
	}
	for _, o := range msg.orgs {
		js.names.PutOrganization(o)
	}
	if c, ok := js.checks[msg.id]; ok && c.state == checkAsked {
		var refused *apply.RefusedError
		switch {
		case msg.failed != nil:
			js.checks[msg.id] = undoCheck{state: checkFailed, reason: "could not read the ticket to check: " + msg.failed.Error()}
		case errors.As(msg.refusal, &refused):
			js.checks[msg.id] = undoCheck{state: checkRefused, reason: msg.refusal.Error(), kept: errors.Is(msg.refusal, model.ErrUndoKept)}
		case msg.refusal != nil:
			js.checks[msg.id] = undoCheck{state: checkFailed, reason: "could not check: " + msg.refusal.Error()}
		default:
			js.checks[msg.id] = undoCheck{state: checkUndoable}
		}
	}
	return js.nextCheck()
}

// refused records a refusal enter met (the ticket changed after the list checked it, or
// before it could).
func (js *journalScreen) refused(id int, err error) {
	if js.checks != nil && id != 0 {
		js.checks[id] = undoCheck{state: checkRefused, reason: err.Error(), kept: errors.Is(err, model.ErrUndoKept)}
	}
}

// whyNot says why an entry cannot be undone ("" when it can, or nobody knows yet).
func (js *journalScreen) whyNot(e model.JournalEntry) string {
	if !e.Revertible() {
		return "nothing to undo: " + model.NothingToUndo(e, js.names)
	}
	if c := js.checks[e.ID]; c.state == checkRefused {
		return refusalText(e, c.reason)
	}
	return ""
}

// mark is what an entry's row adds after the change: why it cannot be undone, in short, in
// the words the list uses for every such entry ("nothing to undo: …"), or that it is being
// checked. Summary marks the entries with nothing on a ticket itself.
func (js *journalScreen) mark(e model.JournalEntry) string {
	if !e.Revertible() {
		return ""
	}
	switch c := js.checks[e.ID]; c.state {
	case checkAsked:
		return "checking…"
	case checkFailed:
		return "not checked: enter tries"
	case checkRefused:
		if c.kept {
			return "nothing to undo: setting it back would break the Select rule"
		}
		return "cannot be undone: " + strings.TrimSuffix(refusalText(e, c.reason), "; revert it by hand")
	}
	return ""
}

// refusalText is an undo's refusal without the prefixes that repeat what the screen
// already says ("undo refused: ", "undo of ticket #N: ").
func refusalText(e model.JournalEntry, reason string) string {
	for _, p := range []string{"undo refused: ", "undo: ", fmt.Sprintf("undo of ticket #%d: ", e.TicketID)} {
		reason = strings.TrimPrefix(reason, p)
	}
	return reason
}

// undoTitle says what an undo reverts: "Undo #4005's fix of 23:40 (change 7)"; the date is
// given when the change was not made today.
func undoTitle(e model.JournalEntry, now time.Time) string {
	when := e.Time.Local()
	at := when.Format("15:04")
	if y, m, d := when.Date(); now.Local().Year() != y || now.Local().Month() != m || now.Local().Day() != d {
		at = when.Format("2006-01-02 15:04")
	}
	what := "fix"
	switch {
	case e.PublicReply != "":
		what = "question to the submitter"
	case e.Batch != "":
		what = "bulk fix"
	}
	if e.TicketID == 0 {
		return fmt.Sprintf("Undo the audit's removal of %s (change %d)", at, e.ID)
	}
	return fmt.Sprintf("Undo #%d's %s of %s (change %d)", e.TicketID, what, at, e.ID)
}
