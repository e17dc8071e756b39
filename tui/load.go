package tui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/model"
)

// Messages of the queue stream, tagged with the load they belong to so a reload
// drops pages of the load it replaced.
type (
	pageMsg struct {
		load int
		page model.QueuePage
	}
	loadDoneMsg struct {
		load int
		err  error
	}
	// startLoadMsg starts (or restarts) loading the queue. Init cannot change the model,
	// so it asks Update to do it.
	startLoadMsg struct{}
)

// startLoad streams the queue from the client: a goroutine feeds pages into a channel and
// waitStream turns each into a message, so the first page shows before the rest arrives.
func (m *Model) startLoad() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	m.load++
	m.loading, m.loaded, m.listed, m.total = true, 0, 0, -1
	// Rows without a verdict do not outlive the load that was to judge them: the new load
	// brings them again.
	m.redrawRows(m.s.dropChecking())
	m.refreshing = false // a refresh of the previous load is dropped when it answers
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	ch := make(chan tea.Msg, 4)
	m.stream = ch
	load, client := m.load, m.s.client
	go func() {
		defer close(ch)
		err := client.LoadQueue(ctx, func(p model.QueuePage) {
			select {
			case ch <- pageMsg{load: load, page: p}:
			case <-ctx.Done():
			}
		})
		if ctx.Err() == nil {
			ch <- loadDoneMsg{load: load, err: err}
		}
	}()
	return tea.Batch(waitStream(ch), m.spinner.Tick)
}

func waitStream(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

// stopChecking ends the wait for verdicts when a load ends: after a load that finished, a
// ticket shown pending that no resolved page brought left the queue during the load
// (model.QueuePage.Pending) and its row goes; after a failed load such rows stay, marked
// "not checked", so no row waits for a verdict that will not come.
func (m *Model) stopChecking(finished bool) {
	if finished {
		m.redrawRows(m.s.dropChecking())
	} else {
		m.redrawRows(m.s.stopChecking())
	}
}

// redrawRows prepares the rows of ids again (dropping those no longer shown) and redraws
// an open detail, which may show one of them.
func (m *Model) redrawRows(ids []int64) {
	if len(ids) == 0 {
		return
	}
	m.queue.update(ids)
	m.queue.refresh()
	if m.current == screenDetail {
		m.detail.render()
	}
}

// mergePage adds tickets and people to the session, redraws what shows them and asks for
// the conversation on screen again when its ticket changed. The read is emitted (the root
// runs it), not returned: a caller that dropped the command left the conversation marked
// "loading" for ever, as submitDone did.
func (m *Model) mergePage(p model.QueuePage) {
	changed := m.s.merge(p)
	m.queue.update(changed)
	m.queue.refresh()
	if m.queue.preview != nil && m.queue.previewID != 0 {
		m.s.emit(loadConversationMsg{id: m.queue.previewID})
	}
	if m.current == screenDetail {
		m.detail.render()
		m.s.emit(loadConversationMsg{id: m.detail.ticketID})
	}
}
