package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// expiryModel is a loaded console whose clock the test moves.
func expiryModel(t *testing.T) (*Model, *time.Time) {
	t.Helper()
	opts, pages := loadPages(t, 40)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	opts.Now = func() time.Time { return now }
	m := New(opts)
	for _, p := range pages {
		m.mergePage(p)
	}
	return &m, &now
}

// send gives the console one message as the program would and returns the status bar.
func (m *Model) send(msg tea.Msg) string {
	next, _ := m.Update(msg)
	*m = next.(Model)
	return m.statusBar()
}

func key1(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// Trial 2, item 4: an informational message ("sent to the clipboard") stays while the agent
// keeps working for less than statusLife, and goes once statusLife has passed and the agent
// did something; an agent who touches nothing keeps reading it.
func TestInfoMessageExpiresAfterOtherActions(t *testing.T) {
	m, now := expiryModel(t)
	if bar := m.send(copiedMsg{url: "https://demo.test/agent/tickets/1"}); !strings.Contains(bar, "sent to the clipboard") {
		t.Fatalf("status bar after c = %q", bar)
	}
	*now = now.Add(time.Minute)
	if bar := m.send(ageTickMsg{}); !strings.Contains(bar, "sent to the clipboard") {
		t.Errorf("the message went while the agent touched nothing: %q", bar)
	}
	for i := range 8 {
		if bar := m.send(key1("j")); !strings.Contains(bar, "sent to the clipboard") {
			t.Fatalf("the message went after %ds of moving: %q", i, bar)
		}
		*now = now.Add(time.Second)
	}
	if bar := m.send(key1("j")); strings.Contains(bar, "sent to the clipboard") {
		t.Errorf("the message stayed after 8s of moving: %q", bar)
	}
}

// Trial 2, item 4: a message said on one screen does not follow the agent to another
// ("fix abandoned" on the queue is gone in the audit); an error stays (! keeps it).
func TestInfoMessageGoesWithItsScreen(t *testing.T) {
	m, _ := expiryModel(t)
	m.send(statusMsg{text: "fix abandoned: nothing was sent"})
	if bar := m.send(key1("j")); !strings.Contains(bar, "fix abandoned") {
		t.Fatalf("status bar = %q", bar)
	}
	if bar := m.send(tea.KeyMsg{Type: tea.KeyEnter}); strings.Contains(bar, "fix abandoned") {
		t.Errorf("the queue's message followed into the detail: %q", bar)
	}
	m.setErr("refreshing the queue: 503")
	m.send(key1("j"))
	if bar := m.send(tea.KeyMsg{Type: tea.KeyEsc}); !strings.Contains(bar, "error: refreshing the queue: 503") {
		t.Errorf("an error went with the screen: %q", bar)
	}
}
