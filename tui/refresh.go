package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/model"
)

// ChangeReader is what the live queue needs: the tickets changed since a time on
// Zendesk's clock (zendesk.Client.Changes). A Client without it refreshes only on `r`.
type ChangeReader interface {
	Changes(ctx context.Context, since time.Time, known map[int64]time.Time) (model.QueueChanges, error)
}

type (
	// refreshTickMsg: time to read what changed (for the load generation it was set for).
	refreshTickMsg struct{ load int }
	// changesMsg carries what changed, for the load generation that asked.
	changesMsg struct {
		load    int
		changes model.QueueChanges
		err     error
	}
	// ageTickMsg redraws the status bar's "updated … ago".
	ageTickMsg struct{}
)

// ageTick is how often the data's age is redrawn.
const ageTick = 15 * time.Second

// scheduleRefresh sets the next live refresh, when it is on and the client can do it.
func (m *Model) scheduleRefresh() tea.Cmd {
	if _, ok := m.s.client.(ChangeReader); !ok || m.opts.Refresh <= 0 {
		return nil
	}
	load := m.load
	return tea.Tick(m.opts.Refresh, func(time.Time) tea.Msg { return refreshTickMsg{load: load} })
}

// startRefresh reads what changed since the newest updated_at the console has seen. The
// known versions are copied for the command, which never reads the model.
func (m *Model) startRefresh(msg refreshTickMsg) tea.Cmd {
	r, ok := m.s.client.(ChangeReader)
	if !ok || msg.load != m.load || m.loading || m.refreshing {
		return nil
	}
	m.refreshing = true
	known := make(map[int64]time.Time, len(m.s.tickets))
	for id, t := range m.s.tickets {
		known[id] = t.UpdatedAt
	}
	since, load := m.s.newest, m.load
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), conversationTimeout)
		defer cancel()
		ch, err := r.Changes(ctx, since, known)
		return changesMsg{load: load, changes: ch, err: err}
	}
}

// applyChanges merges a refresh: changed and new tickets are judged again with the
// tickets that share their people or organizations, marked for a while, and the cursor,
// the filter and any open fix stay. A fix whose ticket changed says so before submit.
func (m *Model) applyChanges(msg changesMsg) tea.Cmd {
	if msg.load != m.load {
		return nil
	}
	m.refreshing = false
	if msg.err != nil {
		if errors.Is(msg.err, model.ErrTooManyChanges) {
			if m.openFix() != 0 {
				// A reload would pull the ticket from under the fix: the agent decides.
				m.status = "many tickets changed in Zendesk: r reloads the queue"
				return m.scheduleRefresh()
			}
			m.status = "many tickets changed: reloading…"
			m.s.reset()
			m.queue.invalidate()
			return m.startLoad()
		}
		m.setErr("refreshing the queue: " + msg.err.Error())
		return m.scheduleRefresh()
	}
	var fresh, changed []int64
	open := m.openFix()
	beforeOpen, hadOpen := m.s.tickets[open]
	for _, p := range msg.changes.Pages {
		for _, t := range p.Tickets {
			before, had := m.s.tickets[t.ID]
			switch {
			case !had && model.InQueue(m.s.rules, t):
				fresh = append(fresh, t.ID)
			case had && !before.UpdatedAt.Equal(t.UpdatedAt):
				changed = append(changed, t.ID)
			}
		}
	}
	m.queue.mark(fresh, markNew)
	m.queue.mark(changed, markChanged)
	var all model.QueuePage // one merge: the queue re-sorts once
	for _, p := range msg.changes.Pages {
		all.Tickets = append(all.Tickets, p.Tickets...)
		all.Users = append(all.Users, p.Users...)
		all.Organizations = append(all.Organizations, p.Organizations...)
		all.Memberships = append(all.Memberships, p.Memberships...)
	}
	m.mergePage(all)
	cmds := []tea.Cmd{m.scheduleRefresh()}
	m.queue.update(append(m.s.remove(msg.changes.Left), m.queue.expireMarks()...))
	m.queue.refresh()
	if msg.changes.AsOf.After(m.s.newest) {
		m.s.newest = msg.changes.AsOf
	}
	m.dataAt = m.s.now()
	if strings.HasPrefix(m.lastErr, "refreshing the queue: ") {
		m.lastErr = "" // this refresh went through
	}
	if n := len(fresh) + len(changed) + len(msg.changes.Left); n > 0 {
		m.status = fmt.Sprintf("refreshed: %d new, %d changed, %d gone", len(fresh), len(changed), len(msg.changes.Left))
	}
	if after, ok := m.s.tickets[open]; hadOpen && ok && slices.Contains(changed, open) && m.asking() {
		m.setErr(fmt.Sprintf("#%d changed in Zendesk while you were writing the question (%s): sending would be refused; esc, then a to start again",
			open, strings.Join(m.s.ticketChanges(beforeOpen, after), "; ")))
	} else if hadOpen && ok && slices.Contains(changed, open) {
		m.setErr(fmt.Sprintf("#%d changed in Zendesk while you were fixing it (%s): this plan would be refused; esc, then f to plan again",
			open, strings.Join(m.s.ticketChanges(beforeOpen, after), "; ")))
	}
	return tea.Batch(cmds...)
}

// asking: the screen is the question's editor or its review.
func (m *Model) asking() bool {
	return m.current == screenAsk || m.current == screenReview && m.review.ask
}

// openFix is the ticket of the fix wizard or review on screen (0 when none).
func (m *Model) openFix() int64 {
	switch m.current {
	case screenWizard:
		return m.wizard.ticketID
	case screenAsk:
		return m.ask.ticketID
	case screenReview:
		if m.review.phase == reviewing {
			return m.review.plan.TicketID
		}
	}
	return 0
}

// dataAge says how old the queue's data is, for the status bar ("" before the first load
// and for the first seconds after one).
func (m Model) dataAge() string {
	if m.dataAt.IsZero() {
		return ""
	}
	d := m.s.now().Sub(m.dataAt)
	switch {
	case d < 10*time.Second:
		return "" // just loaded: the message says so
	case d < time.Minute:
		return fmt.Sprintf("updated %ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("updated %dm ago", int(d.Minutes()))
	}
	return fmt.Sprintf("updated %dh ago", int(d.Hours()))
}

func ageTickCmd() tea.Cmd {
	return tea.Tick(ageTick, func(time.Time) tea.Msg { return ageTickMsg{} })
}
