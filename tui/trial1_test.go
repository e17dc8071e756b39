package tui_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// Trial 1, item 1: the agent's edited note survives going back to a step and re-planning
// (renaming the new requester); as the generated part changed, the wizard says the note was
// edited by hand and may need a look, and the review sends the agent's text.
func TestEditedNoteSurvivesReplan(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4003) // requester (new end user), organization, CC, note
	h.keys("space", "space", "space")
	h.waitFor(t, "▸ 4. Internal note")
	h.keys("e")
	h.waitFor(t, "ctrl+s keep the note")
	h.tm.Type(" MYLINE")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.waitFor(t, "MYLINE")
	h.keys("k", "k", "k")
	h.waitFor(t, "▸ 1. Requester")
	h.keys("e")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.tm.Type("Renamed Admin")
	h.keys("enter")
	h.waitFor(t, "Renamed Admin")
	h.keys("space", "space", "space")
	h.waitFor(t, "▸ 4. Internal note", "MYLINE", "Edited by hand", "may need a look")
	h.keys("space")
	h.waitFor(t, "Review #4003", "MYLINE")
	h.keys("y")
	h.waitFor(t, "Submitted")
	if c := lastComment(t, h, 4003); !strings.Contains(c.Body, "MYLINE") {
		t.Errorf("note on Zendesk lost the agent's line:\n%s", c.Body)
	}
	h.view(t)
}
