package tui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// screen is the contract every screen of the console implements (soft-serve's
// common.Component): it owns its keys and its help, and the root only routes.
//
//   - Update handles a message routed to the screen; keys arrive only while it is active.
//     To change screens or reach state the root owns, it calls session.emit with one of
//     the navigation messages below.
//   - View draws the screen in the size of the last SetSize (cells).
//   - SetSize gives the screen its width and height in terminal cells.
//   - ShortHelp/FullHelp (help.KeyMap) list the screen's keys for the help line and `?`.
//   - CapturesKeys reports that typed keys belong to the screen (a text input, a
//     confirmation): then only ctrl+c is taken by the root.
type screen interface {
	help.KeyMap
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	CapturesKeys() bool
}

// busyScreen is implemented by a screen that cannot be left safely right now (a submit in
// flight): Busy says why, and the root refuses to quit until it returns "".
type busyScreen interface {
	Busy() string
}

// screenID names the screens the root switches between.
type screenID int

const (
	screenQueue screenID = iota
	screenDetail
	screenWizard
	screenReview
	screenError
	screenJournal
	screenBulk
	screenAudit
	screenAsk
	numScreens
)

// Navigation messages: a screen asks the root for something outside itself by emitting
// one (session.emit); the root handles it right after the screen's Update returns, so a
// key that follows is routed to the screen the previous key opened.
type (
	// showQueueMsg returns to the queue; status (optional) goes to the status bar.
	showQueueMsg struct{ status string }
	// showDetailMsg opens a ticket's detail; status (optional) goes to the status bar.
	showDetailMsg struct {
		id     int64
		status string
	}
	// abandonFixMsg leaves the wizard without sending anything, back to the screen the fix
	// was started from (the queue or the ticket's detail).
	abandonFixMsg struct{ id int64 }
	// startFixMsg opens the fix wizard for a ticket.
	startFixMsg struct{ id int64 }
	// resumeFixMsg goes back from the review to the wizard, every choice kept.
	resumeFixMsg struct{}
	// reloadMsg loads the queue again; the old one goes when the first page comes.
	reloadMsg struct{}
	// undoMsg prepares the undo of the journal's newest change an undo can revert.
	undoMsg struct{}
	// undoPickMsg lists the journal to pick a change to undo (U).
	undoPickMsg struct{}
	// openTicketMsg opens a ticket in the browser (Options.OpenURL).
	openTicketMsg struct{ id int64 }
	// copyURLMsg copies a ticket's URL to the clipboard (Options.CopyText).
	copyURLMsg struct{ id int64 }
)

// navigate carries out a screen's navigation message; any other message goes to the
// active screen.
func (m *Model) navigate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case showQueueMsg:
		m.current = screenQueue
		if msg.status != "" {
			m.status = msg.status
		}
	case abandonFixMsg:
		const said = "fix abandoned: nothing was sent"
		if m.fixFrom == screenQueue {
			m.current, m.status = screenQueue, said
			return nil
		}
		return m.handle(showDetailMsg{id: msg.id, status: said})
	case showDetailMsg:
		m.detail.show(msg.id)
		m.current = screenDetail
		if msg.status != "" {
			m.status = msg.status
		}
		return m.loadConversation(msg.id)
	case loadConversationMsg:
		return m.loadConversation(msg.id)
	case conversationMsg:
		m.storeConversation(msg)
		if m.current == screenAsk {
			m.ask.recheck(msg.id) // the question may be its last public comment
		}
	case refreshTickMsg:
		return m.startRefresh(msg)
	case changesMsg:
		return m.applyChanges(msg)
	case ageTickMsg:
		return ageTickCmd() // the View that follows redraws the age
	case journalCheckMsg:
		return m.journal.Update(msg) // the journal list's own checks, whichever screen is active
	case previewSettledMsg:
		return m.queue.Update(msg) // the queue's own timer, whichever screen is active
	case startAskMsg:
		if why := m.s.stillChecking(msg.id); why != "" { // no verdict yet: nothing to ask or fix
			m.status = why
			return nil
		}
		if why := whyNotAsk(m.s, msg.id); why != "" {
			m.status = "a: " + why
			return nil
		}
		m.current, m.status = screenAsk, ""
		// The conversation tells whether the question is already its last public comment.
		return tea.Batch(m.ask.start(msg.id, m.review.asked[msg.id]), m.loadConversation(msg.id))
	case reviewAskMsg:
		m.review.showAsk(msg.update)
		m.current = screenReview
	case resumeAskMsg:
		m.current = screenAsk
	case startFixMsg:
		if why := m.s.stillChecking(msg.id); why != "" {
			m.status = why
			return nil
		}
		if m.s.evals[msg.id].NeedsAsking() {
			// No handbook example fits: there is nothing to fix until the submitter says which.
			m.status = fmt.Sprintf("#%d: no handbook example fits — press a to ask the submitter", msg.id)
			return nil
		}
		if _, ok := m.s.tickets[msg.id]; ok && msg.id != 0 {
			m.wizard.start(msg.id)
			m.fixFrom = m.current
			m.current, m.status = screenWizard, "" // no stale "fix cancelled" during the next fix
			return m.lookupBeforeFix(msg.id)       // people.go: the plan waits for Zendesk's answer
		}
	case resumeFixMsg:
		m.current = screenWizard
	case showErrorMsg:
		title, body := m.lastMessage()
		switch {
		case m.current == screenError:
		case title == "":
			m.status = "no message to show (errors stay here; other messages expire)"
		default:
			m.errs.show(title, body, m.current)
			m.errs.info = title == "Last message" // errors.go: not in red when it is no error
			m.current = screenError
		}
	case returnToMsg:
		m.current = msg.id
	case reloadMsg:
		m.stale = true // forgotten at the reload's first page, kept if it fails
		m.lastErr, m.status = "", "reloading…"
		return m.startLoad()
	case startBulkMsg:
		if len(msg.ids) == 0 {
			m.status = "mark tickets with x first, then F fixes them together"
			return nil
		}
		if cmd := m.lookupBeforeBulk(msg.ids); cmd != nil {
			return cmd // people.go: the bulk review opens when Zendesk has answered
		}
		m.bulk.startBulk(msg.ids)
		m.current = screenBulk
	case startRemovalsMsg:
		m.bulk.startRemovals(msg.rows)
		m.current = screenBulk
	case startAuditMsg:
		m.current = screenAudit
		return m.audit.start()
	case statusMsg:
		m.status = msg.text
	case undoMsg:
		if cmd := m.bulk.offerUndo(); cmd != nil { // u after a bulk fix offers to undo the whole batch
			return cmd
		}
		m.status = "preparing undo…"
		return undoLastCmd(m.s.client, m.s.journal, m.s.rules)
	case undoPickMsg:
		m.status = "reading the journal…"
		return listJournalCmd(m.s.journal)
	case offerBatchUndoMsg:
		m.status = ""
		m.bulk.offerBatch(msg.id, msg.entries)
		m.current = screenBulk
	case openTicketMsg:
		return m.openTicket(msg.id)
	case copyURLMsg:
		return m.copyURL(msg.id)
	case openedMsg:
		if msg.err != nil {
			m.setErr("opening the browser: " + msg.err.Error())
			m.openError("The browser did not open", msg.err.Error())
		}
	case copiedMsg:
		if msg.err != nil {
			m.setErr(fmt.Sprintf("copying the URL: %v (it is %s)", msg.err, msg.url))
		} else {
			// The terminal may ignore OSC 52 without telling: say what was done, and show the
			// URL so it can be selected by hand.
			m.status = "sent to the clipboard (OSC 52): " + msg.url
		}
	default:
		return m.active().Update(msg)
	}
	return nil
}

func (m *Model) openTicket(id int64) tea.Cmd {
	if id == 0 {
		return nil
	}
	url, open := m.s.client.TicketURL(id), m.opts.OpenURL
	if open == nil {
		open = func(string) error { return errors.New("no browser opener configured") }
	}
	return func() tea.Msg {
		if err := open(url); err != nil {
			if strings.Contains(err.Error(), url) { // the opener named it already
				return openedMsg{err: err}
			}
			return openedMsg{err: fmt.Errorf("%w (the ticket is at %s)", err, url)}
		}
		return openedMsg{}
	}
}

// copiedMsg is the clipboard's answer.
type copiedMsg struct {
	url string
	err error
}

func (m *Model) copyURL(id int64) tea.Cmd {
	if id == 0 {
		return nil
	}
	url, cp := m.s.client.TicketURL(id), m.opts.CopyText
	if cp == nil {
		cp = func(string) error { return errors.New("no clipboard configured") }
	}
	return func() tea.Msg { return copiedMsg{url: url, err: cp(url)} }
}

// openedMsg is the browser opener's answer.
type openedMsg struct{ err error }
