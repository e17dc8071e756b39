package tui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/text"
)

// Bulk fixes (product.md, "Beyond one ticket"): `x` marks tickets on the queue, `F` plans
// every marked ticket and shows one review grouped by plan shape; `y` submits one
// safe_update per ticket (apply.RunBatch) with a progress bar and ends with a result per
// ticket. The same screen reviews and submits the audit's membership removals.

// Navigation messages of the bulk screens (see screen.go).
type (
	// startBulkMsg plans the marked tickets and opens their review.
	startBulkMsg struct{ ids []int64 }
	// startRemovalsMsg opens the review of audit removals.
	startRemovalsMsg struct {
		rows []bulkRow
	}
	// startAuditMsg opens the audit screen.
	startAuditMsg struct{}
)

// Messages of a running batch, tagged with the run they belong to.
type (
	batchStepMsg struct {
		run  int
		done int
		r    apply.BatchResult
	}
	batchDoneMsg struct {
		run     int
		results []apply.BatchResult
		err     error // UndoBatch could not start (journal)
		// checked: undoable says whether an undo of the batch would set anything back
		// against the tickets as reloaded (batchUndoable), and undoWhyNot why not.
		checked    bool
		undoable   bool
		undoWhyNot string
	}
)

// marks are the tickets marked for a bulk fix.
type marks map[int64]bool

// idCell is the queue's id column: a mark before the id of a marked ticket.
func (s *session) idCell(id int64) string {
	if s.marked[id] {
		return "●" + itoa(id)
	}
	return itoa(id)
}

// markedIDs are the marked tickets still in the queue, ascending.
func (s *session) markedIDs() []int64 {
	ids := make([]int64, 0, len(s.marked))
	for id := range s.marked {
		if _, ok := s.tickets[id]; ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// toggleMark marks or unmarks the ticket and redraws its row in place.
func (q *queueScreen) toggleMark(id int64) {
	if id == 0 {
		return
	}
	if q.s.marked[id] {
		delete(q.s.marked, id)
	} else {
		q.s.marked[id] = true
	}
	q.redrawID(id)
}

// clearMarks unmarks every ticket.
func (q *queueScreen) clearMarks() {
	ids := slices.Collect(func(yield func(int64) bool) {
		for id := range q.s.marked {
			if !yield(id) {
				return
			}
		}
	})
	clear(q.s.marked)
	for _, id := range ids {
		q.redrawID(id)
	}
}

// redrawID prepares one ticket's row again (its mark changed).
func (q *queueScreen) redrawID(id int64) {
	if q.entries != nil {
		q.update([]int64{id})
		q.refresh()
	}
}

type bulkPhase int

const (
	bulkReview bulkPhase = iota
	bulkRunning
	bulkDone
	bulkUndoConfirm
)

// bulkRow is one ticket (or one audit removal) of a bulk review.
type bulkRow struct {
	ticketID int64  // 0 for an audit removal
	title    string // one line: "#4012 subject" or the membership
	group    string // the plan shape's label
	diff     []model.DiffLine
	item     apply.BatchItem
	refused  string // why it cannot be submitted ("" when it can)
	nothing  bool   // the ticket needs nothing (refused says "nothing to change"): not a kind of change
	// person: partner-triage cannot fix the ticket itself (refused, by-hand steps, a question
	// for the submitter: model.Plan.NeedsPerson); refused says what to do. Not a change either.
	person   bool
	manual   []string
	warnings []string
	included bool
	result   *apply.BatchResult
	// diffLines caches the diff laid out for width diffW.
	diffLines []string
	diffW     int
}

// bulkScreen is the review, progress and result of a bulk fix or of audit removals.
type bulkScreen struct {
	s        *session
	q        *queueScreen
	noColor  bool
	what     string // "bulk fix" or "audit removal"
	rows     []bulkRow
	cursor   int
	phase    bulkPhase
	lines    []string // the laid-out rows (render)
	heads    []int    // the line of each row's header
	off      int      // the first line shown
	page     viewport.KeyMap
	bk       bulkKeys
	bar      progress.Model
	run      int
	stream   chan tea.Msg
	stop     chan struct{}
	stopping bool
	done     int
	total    int
	undoing  bool
	batchID  string // the last batch submitted (undo offers it)
	undone   bool
	pending  int  // changes of a batch offered from the journal
	canUndo  bool // the last batch changed a ticket, so an undo has something to set back
	// undoWhyNot says why the last batch cannot be undone although it changed tickets.
	undoWhyNot string
	// offered is the batch's changes not undone yet, newest first, and preview what undoing
	// each would set back (the undo prompt's body).
	offered []model.JournalEntry
	preview []undoPreview
	width   int
	height  int
	// titleMemo is the title as last wrapped (titleLines).
	titleMemo struct {
		text, lines string
		width       int
	}
}

func newBulkScreen(s *session, q *queueScreen, noColor bool) *bulkScreen {
	b := &bulkScreen{s: s, q: q, noColor: noColor, width: 80, height: 20}
	// Paging keys of the viewport, without its space and letters (space leaves a ticket out).
	b.page = viewport.KeyMap{
		PageDown:     key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "half page down")),
		HalfPageUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "half page up")),
	}
	b.bk = bulkKeys{
		toggle: key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space", "leave out / take in")),
		all:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all / none")),
		submit: key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", "submit")),
		stop:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop after this ticket")),
		keep:   key.NewBinding(key.WithKeys("n"), key.WithHelp("any other key", "keep")),
	}
	b.bar = b.newBar(60)
	return b
}

func (b *bulkScreen) newBar(width int) progress.Model {
	opts := []progress.Option{progress.WithWidth(width), progress.WithFillCharacters('█', '░')}
	if b.noColor {
		opts = append(opts, progress.WithColorProfile(termenv.Ascii))
	} else {
		opts = append(opts, progress.WithDefaultGradient())
	}
	return progress.New(opts...)
}

// SetSize lays the review out: a title line, the scrollable body, a progress line.
func (b *bulkScreen) SetSize(width, height int) {
	b.width, b.height = width, height
	b.bar = b.newBar(max(min(width-16, 60), 10))
	b.render()
}

// CapturesKeys: the review answers y/n/space itself; q still quits (refused while busy).
func (b *bulkScreen) CapturesKeys() bool { return b.phase == bulkUndoConfirm }

// Busy refuses to quit while a batch runs: each ticket is finished or reported first.
func (b *bulkScreen) Busy() string {
	if b.phase == bulkRunning {
		return "a " + b.what + " is running — esc stops it after the current ticket"
	}
	return ""
}

// bulkKeys are the review's own bindings, declared once (newBulkScreen).
type bulkKeys struct {
	toggle, all, submit, stop, keep key.Binding
}

func (b *bulkScreen) keys() (toggle, all, submit, stop key.Binding) {
	return b.bk.toggle, b.bk.all, b.bk.submit, b.bk.stop
}

// ShortHelp is the bulk screen's help line, in the order the agent uses the keys: what
// comes next first (submit on the review, u on a result that can be undone).
func (b *bulkScreen) ShortHelp() []key.Binding {
	k := b.s.keys
	toggle, all, submit, stop := b.keys()
	switch b.phase {
	case bulkRunning:
		return []key.Binding{stop}
	case bulkDone:
		if !b.canUndo || b.undone {
			return []key.Binding{k.Back, k.Down, k.Quit} // nothing here for u to undo
		}
		return []key.Binding{k.Back, k.Undo, k.Down, k.Quit}
	case bulkUndoConfirm:
		return []key.Binding{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "undo the batch")), b.page.PageDown, b.bk.keep}
	}
	return []key.Binding{submit, toggle, all, k.Down, k.Back}
}

// FullHelp is the bulk screen's `?` help: the keys of the phase on screen, the next step
// first, then moving and paging.
func (b *bulkScreen) FullHelp() [][]key.Binding {
	k := b.s.keys
	toggle, all, submit, stop := b.keys()
	move := []key.Binding{k.Up, k.Down, k.Top, k.Bottom}
	pages := []key.Binding{b.page.PageDown, b.page.PageUp, b.page.HalfPageDown, b.page.HalfPageUp}
	switch b.phase {
	case bulkRunning:
		return [][]key.Binding{{stop}}
	case bulkDone:
		first := []key.Binding{k.Back}
		if b.canUndo && !b.undone {
			first = append(first, k.Undo)
		}
		return [][]key.Binding{append(first, k.Quit), move, pages}
	case bulkUndoConfirm:
		return [][]key.Binding{b.ShortHelp(), {b.page.PageUp}}
	}
	return [][]key.Binding{{submit, toggle, all, k.Back}, move, pages}
}

// Legend explains the review's boxes and the groups that are no change, for its `?` help.
func (b *bulkScreen) Legend() string {
	if b.phase != bulkReview || b.what != "bulk fix" {
		return ""
	}
	w := max(b.width, 20)
	lines := []string{wrapHanging("Boxes: [x] sent by y · [ ] left out (space takes it in) · [-] never sent:", w, "  ")}
	for _, l := range []string{
		"need a person — partner-triage cannot fix it itself: steps by hand, a question for the submitter (a on the queue asks it), or a fix refused by the Select rule",
		"nothing to change — the ticket already follows the handbook",
	} {
		lines = append(lines, indent(wrapHanging(l, w-2, "  "), "  "))
	}
	return b.s.styles.Muted.Render(strings.Join(lines, "\n"))
}

// startBulk plans every marked ticket (model.PlanBulk, grouped by shape) for review.
func (b *bulkScreen) startBulk(ids []int64) {
	b.reset("bulk fix")
	tickets := make([]model.Ticket, 0, len(ids))
	for _, id := range ids {
		tickets = append(tickets, b.s.tickets[id])
	}
	plans := model.PlanBulk(b.s.rules, tickets, b.s.dir)
	ps := make([]model.Plan, len(plans))
	for i := range plans {
		ps[i] = plans[i].Plan
	}
	for _, g := range model.GroupByShape(ps) {
		for _, i := range g.Indexes {
			bp := plans[i]
			row := bulkRow{ticketID: bp.Ticket.ID, group: g.Shape.Label, manual: bp.Plan.Manual, warnings: bp.Plan.Warnings,
				title: "#" + itoa(bp.Ticket.ID) + " " + text.Line(bp.Ticket.Subject)}
			upd, rms := bp.Plan.Compile(b.s.rules)
			row.item = apply.BatchItem{Before: bp.Ticket, Update: upd, Removals: rms}
			row.diff = bp.Plan.Diff()
			switch {
			case bp.Plan.NeedsPerson():
				row.refused, row.person = needsPersonWhy(bp.Plan), true
			case upd.IsEmpty() && len(rms) == 0:
				row.refused, row.nothing = "nothing to change", true
			}
			// A ticket the rules read two ways ("if in doubt, ask") is left out until the agent
			// takes it in: a bulk submit must not settle it by default.
			row.included = row.refused == "" && bp.Plan.OtherReading == nil
			b.rows = append(b.rows, row)
		}
	}
	b.render()
}

// nothingSent says, when y finds nothing included, that nothing was sent and why: the
// tickets need nothing, need a person, were refused, or the agent left them out.
func (b *bulkScreen) nothingSent() string {
	person, nothing, refused, left := b.tally()
	switch {
	case nothing == 1 && len(b.rows) == 1:
		return "nothing was sent: the ticket needs no change"
	case nothing == len(b.rows):
		return fmt.Sprintf("nothing was sent: the %d tickets need no change", nothing)
	}
	var why []string
	if left > 0 {
		why = append(why, fmt.Sprintf("you left out %s with a change (space takes one in)", plural(left, "the ticket", fmt.Sprintf("the %d tickets", left))))
	}
	if person > 0 {
		why = append(why, fmt.Sprintf("%d %s a person", person, plural(person, "needs", "need")))
	}
	if nothing > 0 {
		why = append(why, fmt.Sprintf("%d %s nothing", nothing, plural(nothing, "needs", "need")))
	}
	if refused > 0 {
		why = append(why, fmt.Sprintf("%d %s refused", refused, plural(refused, "is", "are")))
	}
	return "nothing was sent: " + strings.Join(why, ", ")
}

// needsPersonWhy says what a person must do about a plan partner-triage cannot carry out:
// why it is refused, or the steps by hand, and whether `a` (on the queue) asks the submitter.
func needsPersonWhy(p model.Plan) string {
	if p.Refused != "" {
		return "the fix is refused: " + strings.TrimPrefix(p.Refused, "refused: ")
	}
	var why []string
	for _, m := range p.Manual {
		why = append(why, "• "+m)
	}
	if p.Ask != nil {
		why = append(why, "a on the queue asks the submitter (you see the reply before it is sent).")
	}
	return "a person must:\n" + strings.Join(why, "\n")
}

// startRemovals reviews audit removals.
func (b *bulkScreen) startRemovals(rows []bulkRow) {
	b.reset("audit removal")
	b.rows = rows
	b.render()
}

func (b *bulkScreen) reset(what string) {
	b.what, b.rows, b.cursor, b.phase = what, nil, 0, bulkReview
	b.done, b.total, b.stopping, b.undoing, b.pending = 0, 0, false, false, 0
	b.off, b.canUndo, b.offered, b.preview = 0, false, nil, nil
}

// included counts the rows that will be submitted.
func (b *bulkScreen) included() int {
	n := 0
	for _, r := range b.rows {
		if r.included {
			n++
		}
	}
	return n
}

// Update handles the review's keys, a running batch's messages and the result's keys.
func (b *bulkScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case batchStepMsg:
		if msg.run != b.run {
			return nil
		}
		b.done = msg.done
		b.applyResult(msg.r)
		b.render()
		return waitStream(b.stream)
	case batchDoneMsg:
		if msg.run != b.run {
			return nil
		}
		b.finish(msg)
		return nil
	case tea.KeyMsg:
		return b.key(msg)
	}
	return nil
}

func (b *bulkScreen) key(msg tea.KeyMsg) tea.Cmd {
	k := b.s.keys
	toggle, all, submit, stop := b.keys()
	switch b.phase {
	case bulkRunning:
		if key.Matches(msg, stop) && !b.stopping {
			b.stopping = true
			close(b.stop)
			b.render()
		}
		return nil
	case bulkUndoConfirm:
		switch {
		case key.Matches(msg, k.Confirm):
			return b.startUndo()
		case key.Matches(msg, b.page.PageDown, k.Down):
			b.scroll(max(b.bodyHeight()-1, 1))
			return nil
		case key.Matches(msg, b.page.PageUp, k.Up):
			b.scroll(-max(b.bodyHeight()-1, 1))
			return nil
		}
		b.phase = bulkDone
		b.render()
		b.s.emit(statusMsg{text: "batch kept: nothing was undone"})
		return nil
	}
	switch {
	case key.Matches(msg, k.Down):
		b.move(1)
	case key.Matches(msg, k.Up):
		b.move(-1)
	case key.Matches(msg, k.Top):
		b.move(-len(b.rows))
	case key.Matches(msg, k.Bottom):
		b.move(len(b.rows))
	case key.Matches(msg, k.Back):
		if b.phase == bulkDone {
			b.leave()
			return nil
		}
		b.s.emit(showQueueMsg{status: b.what + " cancelled: nothing was sent"})
	case b.phase == bulkDone && key.Matches(msg, k.Undo):
		if cmd := b.offerUndo(); cmd != nil {
			return cmd
		}
		if b.batchID != "" && !b.undone && !b.canUndo {
			say := nothingInBatch
			if b.undoWhyNot != "" {
				say = "nothing in this batch can be undone: " + b.undoWhyNot
			}
			b.s.emit(statusMsg{text: say})
		}
	case key.Matches(msg, b.page.PageDown):
		b.scroll(b.bodyHeight())
	case key.Matches(msg, b.page.PageUp):
		b.scroll(-b.bodyHeight())
	case key.Matches(msg, b.page.HalfPageDown):
		b.scroll(b.bodyHeight() / 2)
	case key.Matches(msg, b.page.HalfPageUp):
		b.scroll(-b.bodyHeight() / 2)
	case b.phase != bulkReview:
	case key.Matches(msg, toggle):
		if r := b.row(); r != nil && r.refused == "" {
			r.included = !r.included
			b.redrawRow(b.cursor)
		}
	case key.Matches(msg, all):
		on := b.included() == 0
		for i := range b.rows {
			b.rows[i].included = on && b.rows[i].refused == ""
		}
		b.render()
	case key.Matches(msg, submit):
		return b.submit()
	}
	return nil
}

func (b *bulkScreen) row() *bulkRow {
	if b.cursor < 0 || b.cursor >= len(b.rows) {
		return nil
	}
	return &b.rows[b.cursor]
}

func (b *bulkScreen) move(d int) { b.moveCursor(d) }

// submit runs the included rows as one batch in the background, streaming its progress.
func (b *bulkScreen) submit() tea.Cmd {
	var items []apply.BatchItem
	for _, r := range b.rows {
		if r.included {
			items = append(items, r.item)
		}
	}
	if len(items) == 0 {
		b.s.emit(statusMsg{text: b.nothingSent()})
		return nil
	}
	b.batchID = newBatchID(b.s.now())
	b.undone = false
	b.phase, b.done, b.total, b.stopping = bulkRunning, 0, len(items), false
	b.run++
	b.stop = make(chan struct{})
	ch := make(chan tea.Msg, len(items)+1)
	b.stream = ch
	run, client, j, id, stop, now, rules := b.run, b.s.client, b.s.journal, b.batchID, b.stop, b.s.now, b.s.rules
	go func() {
		defer close(ch)
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(len(items))*submitTimeout)
		defer cancel()
		res := apply.RunBatch(ctx, client, j, id, items, apply.Pacing{}, now, stop, func(done int, r apply.BatchResult) {
			ch <- batchStepMsg{run: run, done: done, r: r}
		}, apply.FieldNames(rules))
		undoable, why := batchUndoable(ctx, client, j, rules, id, res)
		ch <- batchDoneMsg{run: run, results: res, checked: true, undoable: undoable, undoWhyNot: why}
	}()
	b.render()
	return waitStream(ch)
}

// batchUndoChecks bounds how many of a batch's changes batchUndoable checks (each may cost
// a few look-ups); past it the batch is offered and its undo prompt says what each sets back.
const batchUndoChecks = 20

// batchUndoable reports whether undoing the batch would set anything back, checking its
// changes against the tickets as the batch reloaded them (apply.CheckUndo, as u would),
// and else why not (the first refusal). It stops at the first change an undo can revert.
// Values only: it runs in the batch's goroutine.
func batchUndoable(ctx context.Context, c Client, j Journal, rules model.RuleConfig, id string, res []apply.BatchResult) (bool, string) {
	entries, err := apply.BatchChanges(j, id)
	if err != nil {
		return true, "" // u reads the journal again and says what is wrong
	}
	why := ""
	checks := 0
	for _, e := range entries {
		if !e.Revertible() {
			continue
		}
		var page *model.QueuePage
		for _, r := range res {
			if r.TicketID == e.TicketID && r.Status == apply.BatchApplied {
				page = r.Outcome.Reloaded
			}
		}
		if page == nil || checks == batchUndoChecks {
			return true, "" // the reload failed (or too many to check): the prompt will tell
		}
		checks++
		err := apply.CheckUndo(ctx, c, rules, e, *page)
		if err == nil {
			return true, ""
		}
		if why == "" {
			why = strings.TrimPrefix(err.Error(), fmt.Sprintf("undo of ticket #%d: ", e.TicketID))
			why = fmt.Sprintf("#%d: %s", e.TicketID, why)
		}
	}
	if why == "" {
		return true, "" // nothing refused: the rows say what can be undone
	}
	return false, why
}

// nothingInBatch says why a batch offers no undo.
const nothingInBatch = "nothing in this batch can be undone: it only removed memberships, which are never restored (the handbook's rule)"

// offerUndo asks before undoing the last batch of this session (u after a bulk fix): it
// reads the batch's changes from the journal, then offerBatch shows what each undo sets
// back. nil when there is no batch an undo could change anything of.
func (b *bulkScreen) offerUndo() tea.Cmd {
	if b.batchID == "" || b.undone || b.phase == bulkRunning || !b.canUndo {
		return nil
	}
	j, id := b.s.journal, b.batchID
	return func() tea.Msg {
		entries, err := apply.BatchChanges(j, id)
		if err != nil {
			return statusMsg{text: "undo: " + err.Error()}
		}
		return offerBatchUndoMsg{id: id, entries: entries}
	}
}

// offerBatchUndoMsg: the journal's last change belongs to a batch (perhaps of an earlier
// session), so u offers to undo the whole batch.
type offerBatchUndoMsg struct {
	id      string
	entries []model.JournalEntry // its changes not undone yet, oldest first
}

// undoLastCmd is u: when the journal's last change belongs to a batch of which something
// can be set back it offers the batch's undo, else it prepares the undo of one change
// (prepareUndoCmd).
func undoLastCmd(c Client, j Journal, rules model.RuleConfig) tea.Cmd {
	single := prepareUndoCmd(c, j, rules, 0)
	return func() tea.Msg {
		if j != nil {
			if ch, err := j.Changes(); err == nil && len(ch) > 0 && ch[len(ch)-1].Batch != "" {
				id := ch[len(ch)-1].Batch
				entries, _ := apply.BatchChanges(j, id)
				if batchHasUndo(c, rules, entries) {
					return offerBatchUndoMsg{id: id, entries: entries}
				}
			}
		}
		// No batch, or nothing of it can be set back: the newest single change that can.
		return single()
	}
}

// batchHasUndo reports whether undoing a batch's entries would set anything back: one of
// them an undo can revert against the ticket as Zendesk has it now (apply.CheckUndo),
// newest first, reading at most batchUndoChecks tickets (past that, or when a ticket
// cannot be read, the batch is offered and its prompt says what each undo does).
func batchHasUndo(c Client, rules model.RuleConfig, entries []model.JournalEntry) bool {
	ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
	defer cancel()
	checks := 0
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if !e.Revertible() {
			continue
		}
		if checks == batchUndoChecks {
			return true
		}
		checks++
		page, err := c.ReloadTicket(ctx, e.TicketID)
		if err != nil || apply.CheckUndo(ctx, c, rules, e, page) == nil {
			return true
		}
	}
	return false
}

// offerBatch asks before undoing a batch, showing per ticket what the undo sets back.
func (b *bulkScreen) offerBatch(id string, entries []model.JournalEntry) {
	if id != b.batchID || len(b.rows) == 0 {
		b.reset("bulk fix")
		b.pending = len(entries) // offered from the journal: no rows of this session
	}
	b.batchID, b.undone = id, false
	b.offered = make([]model.JournalEntry, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- { // newest first, as UndoBatch goes
		b.offered = append(b.offered, entries[i])
	}
	b.preview = b.undoPreviews(b.offered)
	b.phase = bulkUndoConfirm
	b.off = 0
	b.render()
}

// undoPreview is what undoing one journaled change would do, for the batch-undo prompt.
type undoPreview struct {
	title string
	lines []string
	kind  apply.BatchStatus // BatchApplied: reverted; BatchKept; BatchRefused: not undone
}

// undoPreviews plans each change's undo against the ticket as the change left it (the
// session's copy for what the change did not touch), naming people and organizations from
// the session. Zendesk is asked again, ticket by ticket, when the undo runs.
func (b *bulkScreen) undoPreviews(entries []model.JournalEntry) []undoPreview {
	out := make([]undoPreview, 0, len(entries))
	for _, e := range entries {
		p := undoPreview{title: "#" + itoa(e.TicketID), kind: apply.BatchApplied}
		if t, ok := b.s.tickets[e.TicketID]; ok {
			p.title += " " + text.Line(t.Subject)
		}
		if e.TicketID == 0 {
			p.title = "membership removal"
		}
		var removed []string
		for _, m := range e.RemovedMemberships {
			removed = append(removed, fmt.Sprintf("stays removed: the membership of %s in %s", b.s.userLabel(m.UserID), b.s.orgLabel(m.OrganizationID)))
		}
		if !e.Revertible() {
			p.kind = apply.BatchKept
			p.lines = removed
			if len(p.lines) == 0 {
				p.lines = []string{"nothing to set back: only an internal note was added"}
			}
			out = append(out, p)
			continue
		}
		plan, err := model.PlanUndo(b.s.rules, e, b.asLeft(e), b.s.dir)
		switch {
		case errors.Is(err, model.ErrUndoKept):
			p.kind = apply.BatchKept
			p.lines = append([]string{"kept: " + err.Error()}, removed...)
		case err != nil:
			p.kind = apply.BatchRefused
			p.lines = []string{"not undone: " + err.Error()}
		default:
			for _, d := range plan.Diff {
				p.lines = append(p.lines, d.Field+": "+orNone(d.Before)+" → "+orNone(d.After))
			}
			for _, k := range plan.Kept {
				p.lines = append(p.lines, "kept: "+k)
			}
			p.lines = append(p.lines, removed...)
		}
		out = append(out, p)
	}
	return out
}

// asLeft is the ticket as change e left it: the session's copy, with the values e wrote.
func (b *bulkScreen) asLeft(e model.JournalEntry) model.Ticket {
	cur := model.Ticket{ID: e.TicketID}
	if t, ok := b.s.tickets[e.TicketID]; ok {
		cur = t
	}
	cur.UpdatedAt = e.UpdatedAt
	if e.After.RequesterID != 0 {
		cur.RequesterID = e.After.RequesterID
	}
	if e.After.OrganizationID != e.Before.OrganizationID {
		cur.OrganizationID = e.After.OrganizationID
	}
	fields := make(map[int64]model.FieldValue, len(cur.Fields)+len(e.After.CustomFields))
	for id, v := range cur.Fields {
		fields[id] = v
	}
	for id, v := range e.After.CustomFields {
		fields[id] = model.FieldValue{Kind: model.FieldString, Text: v}
	}
	cur.Fields = fields
	return cur
}

// startUndo reverts the batch (apply.UndoBatch), each ticket checked for changes.
func (b *bulkScreen) startUndo() tea.Cmd {
	bj := b.s.journal
	if bj == nil {
		b.phase = bulkDone
		b.s.emit(showQueueMsg{status: "undo is unavailable: no journal is configured"})
		return nil
	}
	b.undoing = true
	applied := 0
	for i := range b.rows {
		if r := b.rows[i].result; r != nil && r.Status == apply.BatchApplied {
			applied++
		}
		b.rows[i].result = nil
	}
	if len(b.rows) == 0 {
		applied = b.pending // offered from the journal: no rows of this session
	}
	b.phase, b.done, b.total, b.stopping = bulkRunning, 0, applied, false
	b.run++
	b.stop = make(chan struct{})
	ch := make(chan tea.Msg, len(b.rows)+1)
	b.stream = ch
	run, client, id, stop, n, rules := b.run, b.s.client, b.batchID, b.stop, len(b.rows), b.s.rules
	go func() {
		defer close(ch)
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n+1)*submitTimeout)
		defer cancel()
		res, err := apply.UndoBatch(ctx, client, bj, rules, id, stop, func(done int, r apply.BatchResult) {
			ch <- batchStepMsg{run: run, done: done, r: r}
		})
		ch <- batchDoneMsg{run: run, results: res, err: err}
	}()
	b.render()
	return waitStream(ch)
}

// applyResult records one item's result on its row and brings the session up to date:
// removed memberships are forgotten, the reloaded ticket is merged and judged again.
func (b *bulkScreen) applyResult(r apply.BatchResult) {
	changed := b.s.forgetMemberships(r.Outcome.Removed)
	if r.Outcome.Reloaded != nil {
		changed = append(changed, b.s.merge(*r.Outcome.Reloaded)...)
	}
	if r.Status == apply.BatchConflict {
		if ev, ok := b.s.evals[r.TicketID]; ok {
			r.Reason += "; judged again: " + findingWords(ev)
		}
	}
	r.Reason = b.nameRemovals(r.Reason)
	for i := range b.rows {
		row := &b.rows[i]
		if row.included && row.result == nil && (row.ticketID == r.TicketID || row.ticketID == 0 && r.TicketID == 0) {
			row.result = &r
			break
		}
	}
	b.q.update(changed)
	b.q.refresh()
}

// nameRemovals puts the user and organization in place of the membership ids apply writes
// ("membership 5000000104 removed" → "removed the membership of liam.novak@adatum.com in
// Coho Digital"), from the batch's own items, which know every removal they asked for.
func (b *bulkScreen) nameRemovals(reason string) string {
	for _, row := range b.rows {
		for _, m := range row.item.Removals {
			who := fmt.Sprintf("the membership of %s in %s", b.s.userLabel(m.UserID), b.s.orgLabel(m.OrganizationID))
			id := itoa(m.MembershipID)
			reason = strings.ReplaceAll(reason, "membership "+id+" removed", "removed "+who)
			reason = strings.ReplaceAll(reason, "remove membership "+id, "remove "+who)
			reason = strings.ReplaceAll(reason, "removing membership "+id, "removing "+who)
		}
	}
	return reason
}

// forgetMemberships drops removed memberships from the session (a reload adds what Zendesk
// has but cannot tell what is gone) and judges again the tickets that read them; it
// returns those tickets.
func (s *session) forgetMemberships(rms []model.MembershipRemoval) []int64 {
	if len(rms) == 0 {
		return nil
	}
	var gone model.QueuePage
	for _, rm := range rms {
		s.dir.RemoveMembershipOf(rm.UserID, rm.OrganizationID)
		gone.Memberships = append(gone.Memberships, model.Membership{UserID: rm.UserID, OrganizationID: rm.OrganizationID})
	}
	ids := s.dependents(gone, nil)
	for _, id := range ids {
		if t, ok := s.tickets[id]; ok {
			ev := model.Evaluate(s.rules, t, s.dir)
			s.evals[id] = ev
			s.setDeps(id, s.dependencies(t, ev))
		}
	}
	return ids
}

// findingWords lists a verdict's finding kinds for a person ("no findings" when clean).
func findingWords(ev model.Evaluation) string {
	if len(ev.Findings) == 0 {
		return "no findings"
	}
	var kinds []string
	for _, f := range ev.Findings {
		if !slices.Contains(kinds, string(f.Kind)) {
			kinds = append(kinds, string(f.Kind))
		}
	}
	return strings.Join(kinds, ", ")
}

func (b *bulkScreen) finish(msg batchDoneMsg) {
	b.phase = bulkDone
	if b.undoing {
		b.undone = true
	}
	counts := map[apply.BatchStatus]int{}
	for _, r := range msg.results {
		counts[r.Status]++
	}
	var parts []string
	for _, st := range []apply.BatchStatus{apply.BatchApplied, apply.BatchConflict, apply.BatchRefused, apply.BatchFailed,
		apply.BatchNotSent, apply.BatchKept} {
		if counts[st] > 0 {
			word := string(st)
			if b.undoing && st == apply.BatchApplied {
				word = "reverted"
			}
			parts = append(parts, fmt.Sprintf("%d %s", counts[st], word))
		}
	}
	verb := b.what
	if b.undoing {
		verb = "undo of the " + b.what
		b.rows = b.undoRows(msg.results)
		b.cursor = 0
	}
	status := verb + ": " + strings.Join(parts, ", ")
	if msg.err != nil {
		status = verb + ": " + msg.err.Error()
	}
	if !b.undoing {
		b.canUndo, b.undoWhyNot = false, ""
		for _, r := range b.rows {
			if r.result != nil && r.result.Status == apply.BatchApplied && !r.item.Update.IsEmpty() {
				b.canUndo = true
			}
		}
		if b.canUndo && msg.checked && !msg.undoable {
			// Every change it made is one the handbook's rule keeps: u would set nothing back.
			b.canUndo, b.undoWhyNot = false, msg.undoWhyNot
		}
		var applied []int64
		for _, r := range msg.results {
			if r.Status == apply.BatchApplied {
				delete(b.s.marked, r.TicketID)
				applied = append(applied, r.TicketID)
			}
		}
		b.q.update(applied)
		b.q.refresh()
	}
	b.s.emit(statusMsg{text: status})
	b.render()
}

// undoRows shows an undo's results, one row per journaled ticket.
func (b *bulkScreen) undoRows(results []apply.BatchResult) []bulkRow {
	rows := make([]bulkRow, 0, len(results))
	for _, r := range results {
		r := r
		title := "#" + itoa(r.TicketID)
		if t, ok := b.s.tickets[r.TicketID]; ok {
			title += " " + text.Line(t.Subject)
		}
		if r.TicketID == 0 {
			title = "membership removal"
		}
		rows = append(rows, bulkRow{ticketID: r.TicketID, title: title, group: "undo", included: true, result: &r})
	}
	return rows
}

// leave returns to the queue after the results.
func (b *bulkScreen) leave() {
	b.s.emit(showQueueMsg{})
}

// statusMsg puts a line in the status bar (the root's).
type statusMsg struct{ text string }

func newBatchID(now time.Time) string {
	var r [3]byte
	_, _ = rand.Read(r[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(r[:])
}

// render lays every row out again (after a change of content or width) and keeps the
// cursor's row in view. A cursor move only restyles two header lines (moveCursor), so a
// review of a thousand tickets answers a key at once.
func (b *bulkScreen) render() {
	st := b.s.styles
	w := max(b.width, 20)
	b.lines = b.lines[:0]
	b.heads = b.heads[:0]
	if b.phase == bulkUndoConfirm {
		for _, p := range b.preview {
			b.lines = append(b.lines, ansi.Truncate("  "+p.title, w, "…"))
			for _, l := range p.lines {
				b.lines = append(b.lines, wrapLines(l, w, "      ", statusStyle(st, p.kind))...)
			}
		}
		b.off = max(min(b.off, len(b.lines)-b.bodyHeight()), 0)
		return
	}
	group := "\x00"
	for i, r := range b.rows {
		if r.group != group {
			group = r.group
			n := 0
			for _, x := range b.rows[i:] {
				if x.group != group {
					break
				}
				n++
			}
			b.lines = append(b.lines, st.Label.Render(ansi.Truncate(fmt.Sprintf("── %s (%d)", group, n), w, "…")))
		}
		b.heads = append(b.heads, len(b.lines))
		b.lines = append(b.lines, b.header(i))
		b.lines = append(b.lines, b.body(&b.rows[i], w)...)
	}
	b.scrollToCursor()
}

// header is row i's first line: pointer, box or result mark, title.
func (b *bulkScreen) header(i int) string {
	r := &b.rows[i]
	on := i == b.cursor && b.phase != bulkRunning
	box := "[x]"
	switch {
	case r.result != nil:
		box = resultMark(r.result.Status)
	case r.refused != "":
		box = "[-]"
	case !r.included:
		box = "[ ]"
	}
	pointer := "  "
	if on {
		pointer = "› "
	}
	head := ansi.Truncate(pointer+box+" "+r.title, max(b.width, 20), "…")
	if on {
		return b.s.styles.StepActive.Render(head)
	}
	return head
}

// body is a row's lines under its header: the result, why it is not sent, or its diff.
func (b *bulkScreen) body(r *bulkRow, w int) []string {
	st := b.s.styles
	const indent = "      "
	switch {
	case r.result != nil:
		word := string(r.result.Status)
		if b.undoing && r.result.Status == apply.BatchApplied {
			word = "reverted"
		}
		return wrapLines(word+": "+strings.TrimPrefix(r.result.Reason, "reverted: "), w, indent, statusStyle(st, r.result.Status))
	case r.person:
		var lines []string
		for i, l := range strings.Split("not sent — "+r.refused, "\n") {
			lead := indent
			if i > 0 {
				lead += "  "
			}
			for _, part := range strings.Split(wrapHanging(l, max(w-ansi.StringWidth(lead), 10), "  "), "\n") {
				lines = append(lines, lead+st.Warning.Render(part))
			}
		}
		return lines
	case r.refused != "":
		return wrapLines("not sent — "+r.refused, w, indent, st.Muted)
	case !r.included && b.phase != bulkReview:
		return wrapLines("left out: not sent", w, indent, st.Muted)
	}
	if r.diffW == w && r.diffLines != nil {
		return r.diffLines
	}
	var lines []string
	for _, warn := range r.warnings {
		lines = append(lines, wrapLines("⚠ "+warn, w, indent, st.Warning)...)
	}
	for _, d := range r.diff {
		if strings.HasPrefix(d.Field, "Internal note") {
			// The whole note, as it will be written: nothing is cut short.
			lines = append(lines, wrapLines(d.Field+":", w, indent, st.Muted)...)
			for _, l := range strings.Split(d.After, "\n") {
				lines = append(lines, wrapLines(l, w, indent+"  ", st.Muted)...)
			}
			continue
		}
		lines = append(lines, wrapLines(d.Field+": "+orNone(d.Before)+" → "+orNone(d.After), w, indent, st.After)...)
	}
	for _, m := range r.manual {
		lines = append(lines, wrapLines("by hand: "+m, w, indent, st.Muted)...)
	}

	r.diffLines, r.diffW = lines, w
	return lines
}

// moveCursor moves the cursor by d rows, restyling only the two header lines.
func (b *bulkScreen) moveCursor(d int) {
	if len(b.rows) == 0 {
		return
	}
	old := b.cursor
	b.cursor = max(0, min(len(b.rows)-1, b.cursor+d))
	if len(b.heads) != len(b.rows) {
		b.render()
		return
	}
	b.lines[b.heads[old]] = b.header(old)
	b.lines[b.heads[b.cursor]] = b.header(b.cursor)
	b.scrollToCursor()
}

// redrawRow refreshes one row's header after its box changed.
func (b *bulkScreen) redrawRow(i int) {
	if len(b.heads) != len(b.rows) {
		b.render()
		return
	}
	b.lines[b.heads[i]] = b.header(i)
}

// scrollToCursor keeps the cursor's row in view: its whole diff when it fits, else its
// first lines.
func (b *bulkScreen) scrollToCursor() {
	h := b.bodyHeight()
	if b.cursor >= len(b.heads) {
		b.off = max(min(b.off, len(b.lines)-h), 0)
		return
	}
	start, end := b.heads[b.cursor], len(b.lines)
	if b.cursor+1 < len(b.heads) {
		end = b.heads[b.cursor+1]
	}
	switch {
	case start < b.off:
		b.off = start
	case end > b.off+h:
		b.off = min(start, end-h)
	}
	b.off = max(min(b.off, len(b.lines)-h), 0)
}

// scroll moves the view by n lines (pages, half pages), leaving the cursor where it is.
func (b *bulkScreen) scroll(n int) {
	b.off = max(min(b.off+n, len(b.lines)-b.bodyHeight()), 0)
}

// bodyHeight is the rows' room: the height less the title's lines and the progress line.
func (b *bulkScreen) bodyHeight() int {
	return max(b.height-2-lipgloss.Height(b.titleLines()), 3)
}

// wrapLines wraps text with an indent to width cells, each line drawn in style.
func wrapLines(s string, width int, indent string, style lipgloss.Style) []string {
	var out []string
	for _, l := range strings.Split(wrapText(s, max(width-ansi.StringWidth(indent), 10)), "\n") {
		out = append(out, indent+style.Render(l))
	}
	return out
}

func resultMark(s apply.BatchStatus) string {
	switch s {
	case apply.BatchApplied:
		return " ✓ "
	case apply.BatchKept:
		return " = "
	case apply.BatchNotSent:
		return " · "
	}
	return " ✗ "
}

func statusStyle(st Styles, s apply.BatchStatus) lipgloss.Style {
	switch s {
	case apply.BatchApplied, apply.BatchKept:
		return st.OK
	case apply.BatchNotSent:
		return st.Muted
	}
	return st.Error
}

// reviewTitle sums the review up: what is included, how many kinds of change, and apart
// from them the tickets that need a person and those that need nothing (neither is a
// change).
func (b *bulkScreen) reviewTitle() string {
	kinds := map[string]bool{}
	for _, r := range b.rows {
		if r.refused == "" {
			kinds[r.group] = true
		}
	}
	t := fmt.Sprintf("Review %s: %d of %d included · %d %s of change", b.what, b.included(), len(b.rows), len(kinds), plural(len(kinds), "kind", "kinds"))
	return t + b.apart()
}

// tally counts the rows by what they are: needing a person, needing nothing, refused (an
// audit removal), and the rest (changes, included or left out by the agent).
func (b *bulkScreen) tally() (person, nothing, refused, other int) {
	for _, r := range b.rows {
		switch {
		case r.person:
			person++
		case r.nothing:
			nothing++
		case r.refused != "":
			refused++
		default:
			other++
		}
	}
	return
}

// apart counts the rows that are no change: " · 2 need a person · 3 tickets need nothing"
// ("" when none; an audit removal refused counts as refused).
func (b *bulkScreen) apart() string {
	person, nothing, refused, _ := b.tally()
	var t string
	if person > 0 {
		t += fmt.Sprintf(" · %d %s a person", person, plural(person, "needs", "need"))
	}
	if nothing > 0 {
		t += fmt.Sprintf(" · %d %s nothing", nothing, plural(nothing, "ticket needs", "tickets need"))
	}
	if refused > 0 {
		t += fmt.Sprintf(" · %d refused", refused)
	}
	return t
}

// titleText is the screen's title for its phase, unwrapped.
func (b *bulkScreen) titleText() string {
	var title string
	switch b.phase {
	case bulkReview:
		title = b.reviewTitle()
	case bulkRunning:
		verb := "Submitting"
		if b.undoing {
			verb = "Undoing"
		}
		title = fmt.Sprintf("%s %d/%d…", verb, b.done, b.total)
		if b.total > 100 && !b.undoing {
			title += " (Zendesk allows 100 ticket updates a minute)"
		}
		if b.stopping {
			title += " stopping after this one"
		}
	case bulkDone:
		title = "Result of the " + b.what
		if b.undoing {
			title = "Result of the undo"
		} else if b.batchID != "" && !b.undone && b.canUndo {
			title += " · u undoes the whole batch"
		} else if b.batchID != "" && !b.undone && b.undoWhyNot != "" {
			title += " · nothing in it can be undone (u says why)"
		}
		if !b.undoing {
			title += b.apart() // the tickets not sent, and why, stay counted apart
		}
	case bulkUndoConfirm:
		n := len(b.offered)
		title = fmt.Sprintf("Undo the whole batch (%s, %d %s)? Each ticket is checked again for later changes; nothing that would tie a customer and a Select partner is set back. y: undo · pgdn/pgup: scroll · any other key: keep",
			b.batchID, n, plural(n, "change", "changes"))
	}
	return title
}

// titleLines is the title wrapped to the width: a question or a count of what is not sent
// is never cut short; the running title (progress) stays on one line.
func (b *bulkScreen) titleLines() string {
	text, w := b.titleText(), max(b.width, 20)
	if b.phase == bulkRunning {
		return ansi.Truncate(text, w, "…")
	}
	if text != b.titleMemo.text || w != b.titleMemo.width { // bodyHeight asks on every key
		b.titleMemo.text, b.titleMemo.width, b.titleMemo.lines = text, w, wrapText(text, w)
	}
	return b.titleMemo.lines
}

// View draws the title, the rows and, while running, the progress bar.
func (b *bulkScreen) View() string {
	st := b.s.styles
	title := st.Title.Render(b.titleLines())
	foot := ""
	if b.phase == bulkRunning || b.phase == bulkDone {
		pct := 0.0
		if b.total > 0 {
			pct = float64(b.done) / float64(b.total)
		}
		foot = b.bar.ViewAs(pct) + fmt.Sprintf("  %d/%d", b.done, b.total)
	}
	h := b.bodyHeight()
	end := min(b.off+h, len(b.lines))
	body := strings.Join(b.lines[min(b.off, end):end], "\n")
	if n := end - min(b.off, end); n < h {
		body += strings.Repeat("\n", h-n)
	}
	return title + "\n" + body + "\n" + foot
}
