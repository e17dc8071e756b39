package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

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
	b.WriteString(st.Label.Render(undoTitle(u.Entry, r.s.now())) + "\n")
	if len(u.passed) > 0 {
		// u went past newer changes: say which and why, so the agent knows this is not the last one.
		b.WriteString(st.Warning.Render(wrapText(fmt.Sprintf("Not the newest change: %s cannot be undone.", plural(len(u.passed), "the newer change", fmt.Sprintf("the %d newer changes", len(u.passed)))), r.s.width-2)) + "\n")
		for _, p := range u.passed {
			line := fmt.Sprintf("· change %d (ticket #%d): %s", p.Entry.ID, p.Entry.TicketID, refusalText(p.Entry, p.Reason))
			if p.Entry.TicketID == 0 { // an audit removal: the reason names the membership
				line = fmt.Sprintf("· change %d: %s", p.Entry.ID, refusalText(p.Entry, p.Reason))
			}
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

// journalScreen lists the journal (U) so the agent picks the change to undo. Every entry
// that cannot be undone is marked with the reason before enter: a change with nothing on a
// ticket to set back at once, and a change whose undo the rules refuse (apply.CheckUndo, as
// the queue's u) once its ticket was read. Tickets are read lazily (journal.go): only for the
// entries on screen, one at a time, each once per opening of the list.
type journalScreen struct {
	s        *session
	entries  []model.JournalEntry
	problems []string
	cursor   int
	height   int
	// reviewing: the undo review on screen was opened from this list, so esc returns here.
	reviewing bool
	// gen counts the openings of the list: a check of an earlier one is dropped.
	gen int
	// checks holds what the tickets read say about undoing each entry (by entry ID).
	checks map[int]undoCheck
	// asking: a check or a names look-up is on its way (one at a time).
	asking bool
	// names are the people and organizations the entries name (the session's, and those
	// read for entries on no ticket); namesAsked the entries they were read for.
	names      *model.Directory
	namesAsked map[int]bool
}

func newJournalScreen(s *session) *journalScreen { return &journalScreen{s: s} }

// show opens the list on the journal just read and starts checking the entries on screen.
func (js *journalScreen) show(m journalListMsg) tea.Cmd {
	js.entries, js.problems, js.cursor = m.entries, m.problems, 0
	js.gen++
	js.checks, js.asking, js.namesAsked = map[int]undoCheck{}, false, map[int]bool{}
	js.names = model.NewDirectory()
	for _, e := range js.entries {
		js.seedNames(e)
	}
	return js.nextCheck()
}

// SetSize sets the rows the list may use.
func (js *journalScreen) SetSize(_, h int) { js.height = h }

// CapturesKeys: the list takes no typing.
func (js *journalScreen) CapturesKeys() bool { return false }

func (js *journalScreen) Update(msg tea.Msg) tea.Cmd {
	if c, ok := msg.(journalCheckMsg); ok {
		return js.checked(c)
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	keys := js.s.keys
	switch {
	case key.Matches(k, keys.Back):
		js.s.emit(showQueueMsg{})
		return nil
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
		if why := js.whyNot(e); why != "" {
			// Known already: say why, as information (nothing failed), and read nothing.
			js.s.emit(statusMsg{text: fmt.Sprintf("change %d: %s", e.ID, why)})
			return nil
		}
		return prepareUndoCmd(js.s.client, js.s.journal, js.s.rules, e.ID)
	}
	return js.nextCheck() // entries the move brought on screen
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
	first, end := js.window()
	idW := 1
	for _, e := range js.entries[first:end] {
		idW = max(idW, len(itoa(int64(e.ID))))
	}
	for i := first; i < end; i++ {
		e := js.entries[i]
		line := apply.Summary(e, apply.FieldNames(js.s.rules), apply.Names(js.names), apply.IDWidth(idW), apply.WithoutBatchIDs())
		mark := js.mark(e)
		avail := max(js.s.width-3, 10)
		if mark != "" {
			// The mark is never cut off the row: when the row is too long it shrinks to its
			// head ("nothing to undo"; the whole reason shows below for the cursor's entry)
			// and the summary gives way.
			tail := "  (" + mark + ")"
			if ansi.StringWidth(line)+ansi.StringWidth(tail) > avail {
				head, _, _ := strings.Cut(mark, ": ")
				tail = "  (" + head + ")"
			}
			line = truncate(line, max(avail-ansi.StringWidth(tail), 10)) + tail
		}
		line = truncate(line, avail)
		switch {
		case i == js.cursor:
			b.WriteString(st.Table.Selected.Render("> "+line) + "\n")
		case mark != "" || !e.Revertible():
			b.WriteString(st.Muted.Render("  "+line) + "\n")
		default:
			b.WriteString("  " + line + "\n")
		}
	}
	// The entry under the cursor: why it cannot be undone, whole (within the panel's rows).
	if why := js.whyNot(js.entries[js.cursor]); why != "" {
		lines := strings.Split(wrapText(fmt.Sprintf("change %d: %s", js.entries[js.cursor].ID, why), max(js.s.width-4, 10)), "\n")
		if n := js.panelRows() - 1; len(lines) > n {
			lines = append(lines[:n-1], truncate(strings.Join(lines[n-1:], " "), max(js.s.width-4, 10)))
		}
		b.WriteString("\n" + st.Muted.Render(indent(strings.Join(lines, "\n"), "  ")) + "\n")
	}
	return b.String()
}

func (js *journalScreen) ShortHelp() []key.Binding {
	k := js.s.keys
	return []key.Binding{k.Down, k.Up, k.Top, k.Bottom, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "undo this change")), k.Back}
}

func (js *journalScreen) FullHelp() [][]key.Binding { return [][]key.Binding{js.ShortHelp()} }

// undoRefused reports an undo that was not prepared. A refusal (the rules keep the change,
// the ticket moved on, nothing is left to undo) is information, not a failure: it goes to
// the status line, whole on the journal list under the entry (which is marked) and else in
// the information panel. Anything else (Zendesk or the journal failed) is an error.
func (m *Model) undoRefused(msg undoReadyMsg) tea.Cmd {
	var refused *apply.RefusedError
	if !errors.As(msg.err, &refused) && !errors.Is(msg.err, apply.ErrNothingToUndo) {
		m.setErr(msg.err.Error())
		m.openError("Undo failed", m.lastErr)
		return nil
	}
	say := refusalText(msg.Entry, msg.err.Error())
	if msg.Entry.ID != 0 {
		say = fmt.Sprintf("change %d: %s", msg.Entry.ID, say)
	}
	m.status = say
	if m.current == screenJournal {
		m.journal.refused(msg.Entry.ID, msg.err)
		return nil
	}
	title := "Undo refused"
	if errors.Is(msg.err, apply.ErrNothingToUndo) || errors.Is(msg.err, model.ErrUndoKept) {
		title = "Nothing to undo"
	}
	// Every change u went past is named, whatever its kind (an audit's removal too).
	body := say
	if len(msg.passed) > 0 {
		body += "\n\nChanges passed over, newest first:"
		for _, p := range msg.passed {
			line := fmt.Sprintf("change %d (ticket #%d): %s", p.Entry.ID, p.Entry.TicketID, refusalText(p.Entry, p.Reason))
			if p.Entry.TicketID == 0 {
				line = fmt.Sprintf("change %d: %s", p.Entry.ID, refusalText(p.Entry, p.Reason))
			}
			body += "\n· " + line
		}
	}
	m.openInfo(title, body)
	return nil
}
