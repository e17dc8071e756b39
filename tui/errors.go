package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/text"
)

// showErrorMsg opens the error panel on the last error (`!`, an undo refused, the browser).
type showErrorMsg struct{}

// errorScreen shows the last error whole, wrapped to the width, scrolling when it is
// taller than the screen; esc goes back to where the agent was.
type errorScreen struct {
	s      *session
	title  string
	info   bool // information (a refusal, a message), not an error: the title is not in red
	text   string
	back   screenID
	vp     viewport.Model
	width  int
	height int
}

func newErrorScreen(s *session) *errorScreen {
	return &errorScreen{s: s, vp: viewport.New(80, 10), width: 80, height: 22}
}

// show sets the error to show and the screen esc returns to.
func (e *errorScreen) show(title, text string, back screenID) {
	e.title, e.text, e.back, e.info = title, text, back, false
	e.vp.GotoTop()
}

func (e *errorScreen) CapturesKeys() bool { return false }

func (e *errorScreen) SetSize(width, height int) {
	e.width, e.height = max(width, 20), max(height, 3)
}

func (e *errorScreen) bindings() (back, up, down key.Binding) {
	k := e.s.keys
	back = key.NewBinding(key.WithKeys(k.Back.Keys()...), key.WithHelp(k.Back.Help().Key, "back"))
	up, down = k.ScrollUp, k.ScrollDown
	up.SetEnabled(!e.vp.AtTop())
	down.SetEnabled(!e.vp.AtBottom())
	return
}

func (e *errorScreen) ShortHelp() []key.Binding {
	back, _, down := e.bindings()
	return []key.Binding{back, down, e.s.keys.Help, e.s.keys.Quit}
}

func (e *errorScreen) FullHelp() [][]key.Binding {
	back, up, down := e.bindings()
	return [][]key.Binding{{back, up, down}, {e.s.keys.Help, e.s.keys.Quit}}
}

func (e *errorScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	back, up, down := e.bindings()
	switch {
	case key.Matches(km, back):
		e.s.emit(returnToMsg{id: e.back})
	case key.Matches(km, up):
		e.vp.ScrollUp(1)
	case key.Matches(km, down):
		e.vp.ScrollDown(1)
	}
	return nil
}

func (e *errorScreen) View() string {
	st := e.s.styles
	head := st.Error.Render(e.title) + "\n\n"
	if e.info {
		head = st.Label.Render(e.title) + "\n\n"
	}
	body := wrapText(text.Block(e.text), e.width-2)
	room := max(e.height-2, 2)
	e.vp.Width, e.vp.Height = e.width, room
	e.vp.SetContent(body)
	if e.vp.TotalLineCount() <= room {
		return head + body
	}
	e.vp.Height = room - 1
	return head + e.vp.View() + "\n" + moreMarker(st, e.vp, "j")
}

// returnToMsg goes back to a screen (from the error panel).
type returnToMsg struct{ id screenID }

// loadFailedPanel is the queue's body when loading failed and nothing was loaded: what
// failed, the whole error, and what to do.
func (m *Model) loadFailedPanel() string {
	st := m.s.styles
	w := max(m.s.width-4, 16)
	var b strings.Builder
	b.WriteString(st.Error.Render("The queue could not be loaded.") + "\n\n")
	b.WriteString(wrapText(text.Block(m.lastErr), w) + "\n\n")
	b.WriteString(wrapText("What to do: a wrong config file or credentials are read at start, so fix what the error names, quit with q and start partner-triage again; for a network or Zendesk outage press r to try again. ! shows the error on its own.", w))
	return st.Box.Width(max(m.s.width-2, 18)).Render(b.String())
}

// loadFailed reports whether the queue screen shows the failed-load panel instead of rows.
func (m *Model) loadFailed() bool {
	return m.current == screenQueue && !m.loading && m.queue.total == 0 && m.lastErr != ""
}

// loadFailedKeys are the keys that work on the failed-load panel, for its help line.
func (m *Model) loadFailedKeys() keyList {
	k := m.s.keys
	return keyList{k.Reload, k.LastError, k.Help, k.Quit}
}

// keyList is a help.KeyMap of a fixed set of keys.
type keyList []key.Binding

func (l keyList) ShortHelp() []key.Binding  { return l }
func (l keyList) FullHelp() [][]key.Binding { return [][]key.Binding{l} }

// withLastError adds `!` to a screen's help while there is an error to show.
type withLastError struct {
	help.KeyMap
	last key.Binding
}

func (w withLastError) ShortHelp() []key.Binding { return append(w.KeyMap.ShortHelp(), w.last) }
func (w withLastError) FullHelp() [][]key.Binding {
	cols := w.KeyMap.FullHelp()
	if len(cols) == 0 {
		return [][]key.Binding{{w.last}}
	}
	// In the first column: a narrow terminal cuts the columns on the right.
	first := append(append([]key.Binding{}, cols[0]...), w.last)
	return append([][]key.Binding{first}, cols[1:]...)
}

// openInfo shows a message the agent's own action brought, whole, in the same panel as an
// error but as information (an undo the rules refuse is not a failure).
func (m *Model) openInfo(title, text string) {
	m.openError(title, text)
	m.errs.info = true
}
