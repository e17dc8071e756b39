package tui_test

import (
	"fmt"
	"github.com/charmbracelet/x/ansi"
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

// Trial 1, item 2: after a submit that only removed a membership (and added the note) the
// result offers no undo and says removed memberships are never restored; u there never opens
// the undo of another ticket changed earlier.
func TestResultOffersNoUndoForRemovedMembership(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4004) // an earlier change that undo can revert
	h.keys("enter")
	h.submit(t, 4004, "Submitted")
	h.keys("esc", "esc") // to the queue, then clear its filter
	h.openFix(t, 4016)   // membership removal, note
	h.keys("enter")
	h.submit(t, 4016, "never restored")
	h.keys("?")
	h.waitFor(t, "Keys", "? or esc closes")
	h.keys("?", "u")
	h.waitFor(t, "nothing to undo: removed memberships are never restored")
	v := h.view(t)
	if strings.Contains(v, "undo it") || strings.Contains(v, "Undo #") || strings.Contains(v, "#4004") {
		t.Errorf("the result of a membership removal offers or opens an undo:\n%s", v)
	}
}

// u on the result of a fix undoes that ticket's change, even when other changes came after
// it in the journal (here a bulk-free second fix is not involved: the newest is this one).
func TestResultUndoIsThisTicketsChange(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4004)
	h.keys("enter")
	h.submit(t, 4004, "u undo it")
	h.keys("u")
	h.waitFor(t, "Review #4004", "Undo #")
	h.view(t)
}

// flat joins a frame's lines and collapses white space, so text wrapped over lines reads
// as one sentence again.
func flat(v string) string { return strings.Join(strings.Fields(v), " ") }

// Trial 1, item 4: review lines wrap by terminal cells instead of being cut, at every
// width: the whole new requester, with its organization, stays readable.
func TestReviewWrapsLongLines(t *testing.T) {
	for _, w := range []int{44, 60, 80, 100, 120} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			h := start(t, 120, 50)
			h.tm.Send(tea.WindowSizeMsg{Width: w, Height: 50})
			h.openFix(t, 4035)
			h.keys("enter")
			h.waitFor(t, "Review #4035")
			v := h.view(t)
			for _, l := range strings.Split(v, "\n") {
				if lw := ansi.StringWidth(l); lw > w {
					t.Errorf("line of %d cells on a %d-cell terminal: %q", lw, w, l)
				}
			}
			if f := flat(v); !strings.Contains(f, "Elena Petrova <elena.petrova@woodgrovebank.com> (existing user, Woodgrove Bank)") {
				t.Errorf("the new requester is cut at %d columns:\n%s", w, v)
			}
		})
	}
}

// Trial 1, item 10: at 80×24 the wizard's warning keeps its hanging indent (no
// "(partners)" alone at the box's edge), and the footer fits with `? help` on it.
func TestWizardWarningAndFooterAt80(t *testing.T) {
	h := start(t, 80, 24)
	h.openFixWhen(t, 4035, "⚠")
	v := h.view(t)
	lines := strings.Split(v, "\n")
	in := false
	for _, l := range lines {
		switch {
		case strings.Contains(l, "⚠"):
			in = true
		case in && (strings.HasPrefix(l, "│ t:") || strings.TrimSpace(strings.Trim(l, "│")) == ""):
			in = false
		case in && !strings.HasPrefix(l, "│   "):
			t.Errorf("warning line without its hanging indent: %q\n%s", l, v)
		}
	}
	foot := lines[len(lines)-1]
	if !strings.Contains(foot, "? help") || strings.Contains(foot, "…") || ansi.StringWidth(foot) > 80 {
		t.Errorf("footer at 80 columns: %q", foot)
	}
}

// Trial 1, item 9: an error from u with nothing to undo does not stick over what the agent
// did next: the newer message replaces it on the status bar, whole at 80 columns, and `!`
// opens that message whole, with the earlier error under it.
func TestNewerMessageReplacesStaleError(t *testing.T) {
	h := start(t, 80, 24)
	h.keys("u")
	h.waitFor(t, "Nothing to undo")
	h.keys("esc")
	h.openFix(t, 4004)
	h.keys("esc")
	h.waitFor(t, "fix abandoned: nothing was sent")
	h.keys("!")
	h.waitFor(t, "Last message", "fix abandoned")
	h.keys("esc")
	v := h.view(t)
	lines := strings.Split(v, "\n")
	if bar := lines[len(lines)-2]; !strings.Contains(bar, "fix abandoned: nothing was sent") || strings.Contains(bar, "error") {
		t.Errorf("status bar after a newer message: %q", bar)
	}
}

// At 80 columns a message is shown whole where the queue's source and counts make room;
// too long for a narrower terminal, it keeps its start and says how to read it whole.
func TestLongMessageShortenedSensibly(t *testing.T) {
	h := start(t, 80, 24)
	h.keys("u")
	h.waitFor(t, "Nothing to undo")
	h.keys("esc")
	h.tm.Send(tea.WindowSizeMsg{Width: 40, Height: 24})
	h.waitFor(t, "nothing to undo", "(! shows all)")
	h.tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.waitFor(t, "nothing to undo: the journal has no change left that can be reverted")
	h.tm.Send(tea.WindowSizeMsg{Width: 40, Height: 24})
	h.waitFor(t, "(! shows all)")
	v := h.view(t)
	lines := strings.Split(v, "\n")
	if bar := lines[len(lines)-2]; !strings.HasPrefix(bar, "nothing to undo") || ansi.StringWidth(bar) > 40 {
		t.Errorf("status bar at 40 columns: %q", bar)
	}
}

// Every way back to re-planning keeps the edited note: a new Organization Email (asked of
// Zendesk) and the other reading (t).
func TestEditedNoteSurvivesEveryReplan(t *testing.T) {
	editNote := func(t *testing.T, h *harness, noteStep string) {
		t.Helper()
		h.waitFor(t, "▸ "+noteStep)
		h.keys("e")
		h.waitFor(t, "ctrl+s keep the note")
		h.tm.Type(" MYLINE")
		h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
		h.waitFor(t, "MYLINE", "Edited by hand")
	}
	t.Run("organization email", func(t *testing.T) {
		h := start(t, 80, 24)
		h.openFix(t, 4001) // email, requester, organization, CC, note
		h.keys("space", "space", "space", "space")
		editNote(t, h, "5. Internal note")
		h.keys("k", "k", "k", "k")
		h.waitFor(t, "▸ 1. Organization Email")
		h.keys("e")
		h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
		h.tm.Type("j.doe@acme.com")
		h.keys("enter")
		h.waitFor(t, "j.doe@acme.com")
		h.keys("enter")
		h.waitFor(t, "Review #4001", "MYLINE")
		h.view(t)
	})
	t.Run("other reading", func(t *testing.T) {
		h := start(t, 80, 24)
		h.openFixWhen(t, 4035, "⚠")
		h.keys("space", "space", "space")
		editNote(t, h, "4. Internal note")
		h.keys("t")
		h.waitFor(t, "other reading; t goes back")
		h.keys("enter")
		h.waitFor(t, "Review #4035", "MYLINE")
		h.view(t)
	})
}
