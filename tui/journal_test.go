package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/model"
)

// run handles msg and then every message its commands answer, in turn, as the program
// would one at a time (the journal list's checks run one after the other).
func (m *Model) run(msg tea.Msg) {
	for msg != nil {
		cmd := m.handle(msg)
		for _, p := range m.s.takePending() {
			m.handle(p)
		}
		if cmd == nil {
			return
		}
		msg = cmd()
	}
}

// Trial 2, item 1: the journal list reads only the tickets of the entries on screen, each
// once per opening, never the whole journal: 40 changes at 80×24 cost one ticket read per
// row shown, moving within the screen reads nothing more, and going to the end reads only
// the rows it brings on screen. Every entry on screen is marked.
func TestJournalChecksOnlyWhatIsOnScreen(t *testing.T) {
	m, srv := demoConsole(t, 80, 24)
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	var entries []model.JournalEntry
	for i := 40; i >= 1; i-- { // newest first, as apply.Entries lists them
		entries = append(entries, model.JournalEntry{ID: i, Time: at, TicketID: 4001, UpdatedAt: at,
			After: model.TicketState{OrganizationID: int64(1000 + i)}})
	}
	reads := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if strings.Contains(r.Path, "4001") {
				n++
			}
		}
		return n
	}
	srv.ResetRequests()
	m.run(journalListMsg{entries: entries})
	first, end := m.journal.window()
	shown := end - first
	if shown < 5 || shown >= len(entries) {
		t.Fatalf("%d rows on screen", shown)
	}
	perRow := reads() / shown
	t.Logf("%d rows on screen: %d requests naming #4001 (%d per row)", shown, reads(), perRow)
	if perRow == 0 || reads() != perRow*shown {
		t.Fatalf("%d reads for %d rows", reads(), shown)
	}
	v := m.View()
	if n := strings.Count(v, "(cannot be undone"); n != shown {
		t.Errorf("%d of %d rows marked:\n%s", n, shown, v)
	}
	m.run(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	if reads() != perRow*shown {
		t.Errorf("moving within the screen read again: %d reads", reads())
	}
	m.run(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	if want := perRow * 2 * shown; reads() != want {
		t.Errorf("going to the end: %d reads, want %d (the rows it brought on screen)", reads(), want)
	}
}
