package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// The `?` help: every binding the active screen lists in FullHelp, laid out to the
// terminal's width (as many columns as fit, read top to bottom), then the screen's legend
// and, on the queue, the per-partner counts; taller than the screen, it scrolls in a
// viewport with a marker saying what is below.

// helpColumns lays bindings (the enabled ones of every group, in order) out in as many
// columns as fit width cells; one column is cut at the width when even that is too wide.
// bubbles' help lays out one column per group and drops (or cuts) those that overflow,
// which hid `? help` and `q quit` at 80 columns.
func helpColumns(h help.Model, groups [][]key.Binding, width int) string {
	var all []key.Binding
	for _, g := range groups {
		for _, b := range g {
			if b.Enabled() {
				all = append(all, b)
			}
		}
	}
	if len(all) == 0 {
		return ""
	}
	h.Width = 0 // no cutting: the columns are chosen to fit
	for n := min(len(all), 6); n >= 1; n-- {
		per := (len(all) + n - 1) / n
		var cols [][]key.Binding
		for i := 0; i < len(all); i += per {
			cols = append(cols, all[i:min(i+per, len(all))])
		}
		v := h.FullHelpView(cols)
		if lipgloss.Width(v) <= width || len(cols) == 1 {
			if lipgloss.Width(v) > width {
				lines := strings.Split(v, "\n")
				for i, l := range lines {
					lines[i] = ansi.Truncate(l, width, "…")
				}
				v = strings.Join(lines, "\n")
			}
			return v
		}
	}
	return ""
}

// helpContent is the whole `?` help for keys (what the active screen lists).
func (m *Model) helpContent(keys help.KeyMap) string {
	st := m.s.styles
	body := st.Title.Render("Keys") + "\n\n" + helpColumns(m.help, withBangKey(m.s.keys, keys.FullHelp(), m.active().CapturesKeys()), m.s.width)
	if l, ok := m.active().(interface{ Legend() string }); ok {
		body += "\n\n" + l.Legend()
	}
	body += "\n\n" + st.Muted.Render("? or esc closes this help.")
	if m.current == screenQueue { // who keeps making mistakes (tui/audit.go); the help scrolls to it
		if sum := partnerSummary(m.s, m.s.width, max(m.s.height, 12)); sum != "" {
			body += "\n\n" + sum
		}
	}
	return body
}

// withBangKey adds `!` to the groups of a screen that takes no typing when they do not list
// it: it works on every such screen, also when there is no error (it shows the last
// message), so the full help always names it.
func withBangKey(k KeyMap, groups [][]key.Binding, capturing bool) [][]key.Binding {
	if capturing || len(groups) == 0 {
		return groups
	}
	for _, g := range groups {
		for _, b := range g {
			if slices.Equal(b.Keys(), k.LastError.Keys()) {
				return groups
			}
		}
	}
	bang := k.LastError
	bang.SetHelp(bang.Help().Key, "last error or message")
	out := append([][]key.Binding{}, groups...)
	last := len(out) - 1
	out[last] = append(append([]key.Binding{}, out[last]...), bang)
	return out
}

// helpPage is the help's viewport for the body's height, holding the scroll position
// kept in m.helpVP; the last row is left for the marker when the help is taller.
func (m *Model) helpPage(keys help.KeyMap) viewport.Model {
	bodyH := max(m.s.height-2, 1)
	vp := m.helpVP
	vp.Width, vp.Height = m.s.width, bodyH
	vp.SetContent(m.helpContent(keys))
	if vp.TotalLineCount() > bodyH {
		vp.Height = max(bodyH-1, 1)
	}
	vp.SetYOffset(vp.YOffset) // clamp after a resize
	return vp
}

// helpView draws the help page (helpPage) with its marker.
func (m *Model) helpView(vp viewport.Model) string {
	if vp.TotalLineCount() <= vp.Height {
		return strings.Join(strings.Split(vp.View(), "\n")[:vp.TotalLineCount()], "\n")
	}
	return vp.View() + "\n" + moreMarker(m.s.styles, vp, "j")
}

// helpKeys are the keys that work while the help is shown, for its help line.
func (m *Model) helpKeys(vp viewport.Model) keyList {
	k := m.s.keys
	up, down := k.ScrollUp, k.ScrollDown
	up.SetEnabled(!vp.AtTop())
	down.SetEnabled(!vp.AtBottom())
	closeHelp := key.NewBinding(key.WithKeys(k.Back.Keys()...), key.WithHelp(k.Back.Help().Key+"/"+k.Help.Help().Key, "close help"))
	return keyList{down, up, closeHelp, k.Quit}
}

// helpScroll moves the help by a key or the mouse wheel; it reports whether msg scrolled.
func (m *Model) helpScroll(keys help.KeyMap, msg tea.Msg) bool {
	vp := m.helpPage(keys)
	k := m.s.keys
	switch msg := msg.(type) {
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelDown:
			vp.ScrollDown(3)
		case tea.MouseButtonWheelUp:
			vp.ScrollUp(3)
		default:
			return false
		}
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.PageDown):
			vp.PageDown()
		case key.Matches(msg, k.PageUp):
			vp.PageUp()
		case key.Matches(msg, k.HalfPageDown):
			vp.HalfPageDown()
		case key.Matches(msg, k.HalfPageUp):
			vp.HalfPageUp()
		case key.Matches(msg, k.Top):
			vp.GotoTop()
		case key.Matches(msg, k.Bottom):
			vp.GotoBottom()
		case key.Matches(msg, k.ScrollDown):
			vp.ScrollDown(1)
		case key.Matches(msg, k.ScrollUp):
			vp.ScrollUp(1)
		default:
			return false
		}
	default:
		return false
	}
	m.helpVP = vp
	return true
}
