package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/partner-triage/partner-triage/text"
)

// messageOrder tracks which of the last informational message and the last error came
// last, so the status bar shows the newer one: an old error must not stick over a later
// confirmation. The message fields stay plain strings, set wherever they are.
type messageOrder struct {
	seq, statusAt, errAt int
}

// noteMessages records which message a handled message set (both: the error counts as the
// newer one).
func (m *Model) noteMessages(prevStatus, prevErr string) {
	if m.status != prevStatus && m.status != "" {
		m.order.seq++
		m.order.statusAt = m.order.seq
	}
	if m.lastErr != prevErr && m.lastErr != "" {
		m.order.seq++
		m.order.errAt = m.order.seq
	}
}

// errorIsNewest reports whether the status bar shows the last error rather than the last
// informational message.
func (m Model) errorIsNewest() bool {
	return m.lastErr != "" && (m.status == "" || m.order.errAt >= m.order.statusAt)
}

// lastMessage is what `!` shows whole: the newer message (and the error it replaced on the
// status bar, if any); "" when there is nothing to show.
func (m Model) lastMessage() (title, body string) {
	switch {
	case m.errorIsNewest():
		return "Last error", m.lastErr
	case m.status == "":
		return "", ""
	case m.lastErr != "":
		return "Last message", m.status + "\n\nEarlier error:\n" + m.lastErr
	}
	return "Last message", m.status
}

// statusBar shows the queue source, loading progress, counts, marks, data age and the
// newest message. The message matters most: at a narrow width the source goes first, then
// the age, the counts, the marks and the progress; a message still too long keeps its start
// and says that `!` shows it whole.
func (m Model) statusBar() string {
	st := m.s.styles
	w := max(m.s.width, 10)
	room := w - 2
	type part struct {
		text string
		drop int // lower goes first
	}
	var parts []part
	parts = append(parts, part{m.s.client.Source(), 0})
	if m.loading {
		prog := fmt.Sprintf("%s loading %d", m.spinner.View(), m.loaded)
		if m.total >= 0 {
			prog += fmt.Sprintf("/%d", m.total)
		}
		parts = append(parts, part{prog + " tickets…", 4})
	}
	parts = append(parts, part{m.queue.counts(), 2})
	if n := len(m.s.marked); n > 0 {
		parts = append(parts, part{fmt.Sprintf("%d marked", n), 3})
	}
	if a := m.dataAge(); a != "" && !m.loading {
		parts = append(parts, part{a, 1})
	}
	style, msg := st.StatusBar, text.Line(m.status)
	if m.errorIsNewest() {
		style, msg = st.StatusErr, "error: "+text.Line(m.lastErr)
	}
	if msg != "" {
		parts = append(parts, part{msg, 99})
	}
	line := func(minDrop int) string {
		var out []string
		for _, p := range parts {
			if p.drop >= minDrop {
				out = append(out, p.text)
			}
		}
		return strings.Join(out, " · ")
	}
	out := line(0)
	for d := 1; lipgloss.Width(out) > room && d <= 5; d++ {
		out = line(d)
	}
	if lipgloss.Width(out) > room {
		out = shorten(out, room)
	}
	return style.Width(w).MaxWidth(w).Render(out)
}

// shorten cuts a message to n cells, keeping its start, and says how to read it whole.
func shorten(s string, n int) string {
	const more = " (! shows all)"
	if n < 2*lipgloss.Width(more) {
		return truncate(s, n)
	}
	return truncate(s, n-lipgloss.Width(more)) + more
}

func truncate(s string, n int) string {
	return ansi.Truncate(s, max(n, 1), "…") // by terminal cells, never runes
}
