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
// confirmation, nor come back when a later message is cleared. The message fields stay
// plain strings, set wherever they are.
type messageOrder struct {
	seq, statusAt, errAt int
	marks                int // the marks counted when the last message was noted
	errSets, errSetsSeen int // setErr calls, so an error reported again in the same words is new
}

// setErr reports an error; the same words as the last error count as a new report (shown
// again on the status bar even if a later message had replaced it there).
func (m *Model) setErr(s string) {
	m.lastErr = s
	m.order.errSets++
}

// noteMessages records which message a handled message set (both: the error counts as the
// newer one, and replaces the status). A status cleared or a mark set or taken away is
// newer than any error before it, so that error never returns to the status bar (! still
// shows it).
func (m *Model) noteMessages(prevStatus, prevErr string) {
	if m.status != prevStatus || len(m.s.marked) != m.order.marks {
		m.order.seq++
		m.order.statusAt = m.order.seq
		m.order.marks = len(m.s.marked)
	}
	again := m.order.errSets != m.order.errSetsSeen
	m.order.errSetsSeen = m.order.errSets
	if (m.lastErr != prevErr || again) && m.lastErr != "" {
		m.order.seq++
		m.order.errAt = m.order.seq
		// The error replaces the message before it ("preparing undo…" is over), so that
		// message cannot come back either once something newer hides the error.
		m.status = ""
	}
}

// errorIsNewest reports whether the status bar shows the last error rather than the last
// informational message.
func (m Model) errorIsNewest() bool {
	return m.lastErr != "" && m.order.errAt >= m.order.statusAt
}

// lastMessage is what `!` shows whole: the newer message (and the error it replaced on the
// status bar, if any); "" when there is nothing to show.
func (m Model) lastMessage() (title, body string) {
	switch {
	case m.errorIsNewest():
		return "Last error", m.lastErr
	case m.status != "" && m.lastErr != "":
		return "Last message", m.status + "\n\nEarlier error:\n" + m.lastErr
	case m.status != "":
		return "Last message", m.status
	case m.lastErr != "":
		return "Earlier error", m.lastErr
	}
	return "", ""
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
		parts = append(parts, part{m.spinner.View() + " " + loadProgress(m.loaded, m.listed, m.total), 4})
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

// cutLines cuts every line wider than width cells with "…", so nothing on screen is cut
// without saying so (a screen that lays a line out wider than the terminal is cut here,
// never silently by the frame).
func cutLines(s string, width int) string {
	if width <= 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	cut := false
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i], cut = truncate(l, width), true
		}
	}
	if !cut {
		return s
	}
	return strings.Join(lines, "\n")
}

// loadProgress says how far a queue load is: "loading 30 tickets…", and, when the source's
// count is known, how much of it is listed ("loading 30 tickets · 36/36 listed…"), the
// count being of every record the source lists, in the queue or not.
func loadProgress(loaded, listed, total int) string {
	if total < 0 {
		return fmt.Sprintf("loading %d tickets…", loaded)
	}
	return fmt.Sprintf("loading %d tickets · %d/%d listed…", loaded, listed, total)
}

// loadedNote is the status after a load: how many queue tickets, and, when the source
// listed more (other forms, solved: not to triage), of how many ("loaded 30 tickets (of 36
// listed)", as the progress "loading 30 tickets · 36/36 listed…" said).
func loadedNote(tickets, listed int) string {
	if listed > tickets {
		return fmt.Sprintf("loaded %d tickets (of %d listed)", tickets, listed)
	}
	return fmt.Sprintf("loaded %d tickets", tickets)
}
