package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/model"
)

// undoReadyMsg carries a prepared undo of a journaled change (or why there is none).
type undoReadyMsg struct {
	apply.PreparedUndo
	// passed are the newer changes u went past because their undo is refused (u only).
	passed []apply.PassedUndo
	err    error
}

// prepareUndoCmd reads the journal afresh, reloads the ticket of entry id (0: the newest
// change an undo can revert now, going past the ones whose undo is refused) and plans the
// revert.
func prepareUndoCmd(c Client, j Journal, rules model.RuleConfig, id int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		if id == 0 {
			p, passed, err := apply.PrepareNewestUndo(ctx, c, j, rules)
			return undoReadyMsg{PreparedUndo: p, passed: passed, err: err}
		}
		p, err := apply.PrepareUndo(ctx, c, j, rules, id)
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

// undoView is the review of an undo: the revert as a diff (value now → value set back),
// with people and organizations named, the memberships that stay removed, and the note.
func (r reviewScreen) undoView() string {
	st := r.s.styles
	u := r.undo
	var b strings.Builder
	b.WriteString(st.Label.Render(fmt.Sprintf("Undo change %d of %s", u.Entry.ID, u.Entry.Time.Local().Format("2006-01-02 15:04"))) + "\n")
	if len(u.passed) > 0 {
		// u went past newer changes: say which and why, so the agent knows this is not the last one.
		b.WriteString(st.Warning.Render(wrapText(fmt.Sprintf("Not the newest change: %s cannot be undone.", plural(len(u.passed), "the newer change", fmt.Sprintf("the %d newer changes", len(u.passed)))), r.s.width-2)) + "\n")
		for _, p := range u.passed {
			why := strings.TrimPrefix(p.Reason, fmt.Sprintf("undo of ticket #%d: ", p.Entry.TicketID))
			line := fmt.Sprintf("· change %d (ticket #%d): %s", p.Entry.ID, p.Entry.TicketID, why)
			b.WriteString(st.Muted.Render(indent(wrapHanging(line, r.s.width-4, "  "), "  ")) + "\n")
		}
	}
	titleW := 0
	for _, d := range u.Plan.Diff {
		titleW = max(titleW, len([]rune(d.Field)))
	}
	for _, d := range u.Plan.Diff {
		title := d.Field + strings.Repeat(" ", titleW-len([]rune(d.Field)))
		b.WriteString(diffLine(st, title, d.Before, d.After, r.s.width) + "\n")
	}
	for _, k := range u.Plan.Kept {
		b.WriteString(st.Warning.Render(wrapText("kept: "+k, r.s.width-2)) + "\n")
	}
	for _, m := range u.Plan.KeptRemovals {
		b.WriteString(st.Muted.Render(wrapText(fmt.Sprintf("kept removed: membership of %s in %s (restoring it would break the Select rule)",
			r.s.userLabel(m.UserID), r.s.orgLabel(m.OrganizationID)), r.s.width-2)) + "\n")
	}
	if u.Plan.Unsendable != "" {
		b.WriteString(st.Warning.Render(wrapText(u.Plan.Unsendable, r.s.width-2)) + "\n")
	}
	if r.update.Note != "" {
		b.WriteString(st.Label.Render("Internal note") + st.Muted.Render(" (private)") + "\n")
		b.WriteString(st.Muted.Render(indent(wrapText(r.update.Note, r.s.width-4), "  ")) + "\n")
	}
	// The review draws the spinner and lists the keys (y/enter reverts, esc cancels).
	return strings.TrimRight(b.String(), "\n")
}

// journalListMsg carries the journal's changes not undone yet, newest first.
type journalListMsg struct {
	entries  []model.JournalEntry
	problems []string
	err      error
}

// problemReader is the optional part of a Journal that reports unreadable lines.
type problemReader interface{ Problems() ([]string, error) }

// listJournalCmd reads the journal afresh (another console may have written it).
func listJournalCmd(j Journal) tea.Cmd {
	return func() tea.Msg {
		entries, err := apply.Entries(j)
		msg := journalListMsg{entries: entries, err: err}
		if p, ok := j.(problemReader); ok && err == nil {
			msg.problems, _ = p.Problems()
		}
		return msg
	}
}

// journalScreen lists the journal (U) so the agent picks the change to undo; an entry that
// cannot be undone is marked and never blocks the ones before it.
type journalScreen struct {
	s        *session
	entries  []model.JournalEntry
	problems []string
	cursor   int
	height   int
	// reviewing: the undo review on screen was opened from this list, so esc returns here.
	reviewing bool
}

func newJournalScreen(s *session) *journalScreen { return &journalScreen{s: s} }

func (js *journalScreen) show(m journalListMsg) {
	js.entries, js.problems, js.cursor = m.entries, m.problems, 0
}

// SetSize sets the rows the list may use.
func (js *journalScreen) SetSize(_, h int) { js.height = h }

// CapturesKeys: the list takes no typing.
func (js *journalScreen) CapturesKeys() bool { return false }

func (js *journalScreen) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	keys := js.s.keys
	switch {
	case key.Matches(k, keys.Back):
		js.s.emit(showQueueMsg{})
	case key.Matches(k, keys.Down):
		js.cursor = min(js.cursor+1, max(len(js.entries)-1, 0))
	case key.Matches(k, keys.Up):
		js.cursor = max(js.cursor-1, 0)
	case key.Matches(k, keys.Top):
		js.cursor = 0
	case key.Matches(k, keys.Bottom):
		js.cursor = max(len(js.entries)-1, 0)
	case key.Matches(k, keys.Open) && len(js.entries) > 0:
		e := js.entries[js.cursor]
		if !e.Revertible() {
			// Say why, in the rule's words (model.PlanUndo refuses before reading the ticket).
			_, err := model.PlanUndo(js.s.rules, e, model.Ticket{ID: e.TicketID}, nil)
			say := fmt.Sprintf("change %d: nothing to undo", e.ID)
			if err != nil {
				say = fmt.Sprintf("change %d: %s", e.ID, strings.TrimPrefix(err.Error(), "undo: "))
			}
			js.s.emit(statusMsg{text: say})
			return nil
		}
		return prepareUndoCmd(js.s.client, js.s.journal, js.s.rules, e.ID)
	}
	return nil
}

func (js *journalScreen) View() string {
	st := js.s.styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Journal — pick a change to undo") + "\n\n")
	for _, p := range js.problems {
		b.WriteString(st.Warning.Render(wrapText(p, js.s.width-2)) + "\n")
	}
	if len(js.entries) == 0 {
		b.WriteString(st.Muted.Render("The journal has no change left to undo.") + "\n")
		return b.String()
	}
	rows := max(js.height-4-len(js.problems), 1)
	first := max(0, js.cursor-rows+1)
	for i := first; i < len(js.entries) && i < first+rows; i++ {
		line := truncate(apply.Summary(js.entries[i], apply.FieldNames(js.s.rules)), max(js.s.width-3, 10))
		switch {
		case i == js.cursor:
			b.WriteString(st.Table.Selected.Render("> "+line) + "\n")
		case !js.entries[i].Revertible():
			b.WriteString(st.Muted.Render("  "+line) + "\n")
		default:
			b.WriteString("  " + line + "\n")
		}
	}
	return b.String()
}

func (js *journalScreen) ShortHelp() []key.Binding {
	k := js.s.keys
	return []key.Binding{k.Down, k.Up, k.Top, k.Bottom, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "undo this change")), k.Back}
}

func (js *journalScreen) FullHelp() [][]key.Binding { return [][]key.Binding{js.ShortHelp()} }
