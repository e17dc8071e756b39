package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/partner-triage/partner-triage/text"
)

// statusBar shows the queue source, counts, loading progress and the last error.
func (m Model) statusBar() string {
	st := m.s.styles
	parts := []string{m.s.client.Source()}
	if m.loading {
		prog := fmt.Sprintf("%s loading %d", m.spinner.View(), m.loaded)
		if m.total >= 0 {
			prog += fmt.Sprintf("/%d", m.total)
		}
		parts = append(parts, prog+" tickets…")
	}
	parts = append(parts, fmt.Sprintf("%d tickets, %d flagged", m.queue.total, m.queue.flagged))
	if n := len(m.s.marked); n > 0 {
		parts = append(parts, fmt.Sprintf("%d marked", n))
	}
	if a := m.dataAge(); a != "" && !m.loading {
		parts = append(parts, a) // before the message: when the line is cut, the message goes
	}
	style := st.StatusBar
	switch {
	case m.lastErr != "":
		used := lipgloss.Width(strings.Join(parts, " · ")) + 3
		parts = append(parts, errorHint(text.Line(m.lastErr), max(m.s.width-2-used, 20)))
		style = st.StatusErr
	case m.status != "":
		parts = append(parts, m.status)
	}
	line := strings.Join(parts, " · ")
	w := max(m.s.width, 10)
	if lipgloss.Width(line) > w-2 {
		line = truncate(line, w-2)
	}
	return style.Width(w).MaxWidth(w).Render(line)
}

func truncate(s string, n int) string {
	return ansi.Truncate(s, max(n, 1), "…") // by terminal cells, never runes
}
