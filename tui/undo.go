package tui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/apply"
)

// undoReadyMsg carries a prepared undo of the journal's last change (or why there is none).
type undoReadyMsg struct {
	apply.PreparedUndo
	err error
}

// prepareUndoCmd reads the journal's last change, reloads its ticket and plans the revert.
func prepareUndoCmd(c Client, j Journal) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		p, err := apply.PrepareUndo(ctx, c, j)
		return undoReadyMsg{PreparedUndo: p, err: err}
	}
}

// undoCmd carries a prepared undo out (apply.Undo).
func undoCmd(c Client, j Journal, p apply.PreparedUndo) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		return submitDoneMsg{Outcome: apply.Undo(ctx, c, j, p), undo: true}
	}
}
