package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// sortOrder is how the queue is ordered; `s` cycles through them.
type sortOrder int

const (
	sortFindings sortOrder = iota // findings first (errors, warnings, ask), then by id
	sortID
	sortAge
)

func (o sortOrder) String() string {
	return [...]string{"findings first", "by id", "newest first"}[o]
}

// previewMinWidth is the terminal width from which the selected ticket's detail shows
// beside the list (gh-dash's preview pane).
const previewMinWidth = 120

// queueMark remembers that a ticket arrived or changed during a live refresh.
type queueMark struct {
	kind rowMark
	at   time.Time
}

// queueScreen is the list of queue tickets with a filter line and, on wide terminals, a
// preview of the selected ticket. It draws only the rows on screen and prepares a row only
// when its ticket (or what the row shows of its people) changed.
type queueScreen struct {
	s             *session
	width, height int // of the whole screen area, in cells
	listW, rowsH  int // the list's width and the number of rows it shows
	cols          columns
	filter        textinput.Model
	filtering     bool
	filterErr     string // why the filter cannot match (an unknown kind: or scenario: word)
	order         sortOrder

	entries []*queueEntry         // every queue ticket, sorted; nil when stale
	byID    map[int64]*queueEntry // the same entries by ticket id
	visible []*queueEntry         // the entries that pass the filter, in order
	cursor  int                   // index into visible
	offset  int                   // first visible row on screen
	marks   map[int64]queueMark

	total, flagged, asking int // tickets in the queue (before the filter), with findings, to ask about
	// checking, stopped: tickets without a verdict, still being checked or left unchecked
	// by a load that stopped (session.checking); counted in total, never in flagged.
	checking, stopped int

	preview   *detailScreen // nil below previewMinWidth
	previewID int64
	// moves counts the preview's moves to another ticket; settling is true while a
	// previewSettle timer runs (one at a time: holding j starts one per previewSettle, not
	// one per key, each of which would cost an Update and a View).
	moves    int
	movedAt  time.Time // wall clock of the latest move (not the session's clock: a timer)
	settling bool

	// The table styles of the theme, applied to whole prepared lines (which carry their
	// own cell padding) and without the header's border, so every row is one line.
	headerStyle, selectedStyle lipgloss.Style
}

func newQueueScreen(s *session) *queueScreen {
	fi := textinput.New()
	fi.Prompt = "/"
	fi.Placeholder = "text · kind:cc · kind:select · kind:ask · scenario:partner · kind:none"
	s.styles.Input(&fi)
	q := &queueScreen{s: s, filter: fi, marks: map[int64]queueMark{},
		headerStyle:   s.styles.Table.Header.UnsetPadding().UnsetBorderStyle().BorderBottom(false),
		selectedStyle: s.styles.Table.Selected.UnsetPadding(),
	}
	q.SetSize(80, 20)
	return q
}

// SetSize fits the list (and the preview, when the terminal is wide enough) to the space
// the root gives the screen: a filter line, the header, the rows.
func (q *queueScreen) SetSize(width, height int) {
	q.width, q.height = width, height
	q.listW = width
	if width >= previewMinWidth {
		q.listW = width - max(width*35/100, 42) - 1
		if q.preview == nil {
			q.preview = newDetailScreen(q.s)
			q.preview.preview = true
		}
		q.preview.SetSize(width-q.listW-1, height)
		q.previewID = 0
	} else {
		q.preview = nil
	}
	q.rowsH = max(height-2, 1)
	if c := layoutColumns(q.listW); c != q.cols {
		q.cols = c
		q.invalidate() // the cells depend on the column widths
	}
	q.refresh()
}

// invalidate marks every prepared row stale (the width or the whole queue changed).
func (q *queueScreen) invalidate() { q.entries = nil }

// rebuild prepares every row from the session and sorts them.
func (q *queueScreen) rebuild() {
	now := q.s.now()
	n := len(q.s.tickets) + len(q.s.checking)
	q.entries = make([]*queueEntry, 0, n)
	q.byID = make(map[int64]*queueEntry, n)
	for id, t := range q.s.tickets {
		e := q.prepareEntry(t, q.s.evals[id], now)
		q.entries = append(q.entries, &e)
		q.byID[id] = &e
	}
	for id, c := range q.s.checking {
		e := q.prepareChecking(c, now)
		q.entries = append(q.entries, &e)
		q.byID[id] = &e
	}
	slices.SortFunc(q.entries, q.compare)
	q.count()
}

func (q *queueScreen) compare(a, b *queueEntry) int {
	switch {
	case q.less(a, b):
		return -1
	case q.less(b, a):
		return 1
	}
	return 0
}

func (q *queueScreen) count() {
	q.total, q.flagged, q.asking, q.checking, q.stopped = len(q.entries), 0, 0, 0, 0
	for _, e := range q.entries {
		switch {
		case e.flagged:
			q.flagged++
		case e.rank == rankAsk:
			q.asking++
		case e.stopped:
			q.stopped++
		case e.checking:
			q.checking++
		}
	}
}

// update prepares the rows of the given tickets again (dropping those no longer in the
// queue) and merges them into the sorted list: the changed rows are prepared and sorted,
// the others only move (pointers), so a page costs O(changed·log changed + total).
func (q *queueScreen) update(ids []int64) {
	if q.entries == nil || len(ids) > len(q.entries)/2 {
		q.rebuild()
		return
	}
	now := q.s.now()
	fresh := make([]*queueEntry, 0, len(ids))
	seen := make(map[int64]bool, len(ids))
	stale := 0
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if old, ok := q.byID[id]; ok {
			old.stale = true
			stale++
			delete(q.byID, id)
		}
		if t, ok := q.s.tickets[id]; ok {
			e := q.prepareEntry(t, q.s.evals[id], now)
			fresh = append(fresh, &e)
		} else if c, ok := q.s.checking[id]; ok {
			e := q.prepareChecking(c, now)
			fresh = append(fresh, &e)
		}
	}
	for _, e := range fresh {
		q.byID[e.id] = e
	}
	if q.preview != nil && slices.Contains(ids, q.previewID) {
		q.preview.render()
	}
	slices.SortFunc(fresh, q.compare)
	out := make([]*queueEntry, 0, len(q.entries)+len(fresh))
	if stale == 0 {
		// Only new tickets (a streamed page): find each one's place by binary search and
		// copy the runs between them.
		lo := 0
		for _, f := range fresh {
			i := lo + sort.Search(len(q.entries)-lo, func(k int) bool { return q.less(f, q.entries[lo+k]) })
			out = append(append(out, q.entries[lo:i]...), f)
			lo = i
		}
		q.entries = append(out, q.entries[lo:]...)
		q.count()
		return
	}
	j := 0
	for _, e := range q.entries {
		if e.stale {
			continue
		}
		for j < len(fresh) && q.less(fresh[j], e) {
			out = append(out, fresh[j])
			j++
		}
		out = append(out, e)
	}
	out = append(out, fresh[j:]...)
	q.entries = out
	q.count()
}

// mark records tickets that arrived (new) or changed in a live refresh; their rows carry
// the mark for markFor.
func (q *queueScreen) mark(ids []int64, kind rowMark) {
	now := q.s.now()
	for _, id := range ids {
		q.marks[id] = queueMark{kind: kind, at: now}
	}
}

// expireMarks forgets marks older than markFor and returns the tickets whose rows change.
func (q *queueScreen) expireMarks() []int64 {
	now := q.s.now()
	var ids []int64
	for id, m := range q.marks {
		if now.Sub(m.at) >= markFor {
			delete(q.marks, id)
			ids = append(ids, id)
		}
	}
	return ids
}

// refresh shows the entries that match the filter, keeping the cursor on the same ticket.
func (q *queueScreen) refresh() {
	keep := q.selected()
	if q.entries == nil {
		q.rebuild()
	}
	terms, errMsg := parseFilter(q.filter.Value())
	q.filterErr = errMsg
	q.visible = q.visible[:0]
	cursor := -1
	for _, e := range q.entries {
		if !e.matches(terms) {
			continue
		}
		if e.id == keep {
			cursor = len(q.visible)
		}
		q.visible = append(q.visible, e)
	}
	if cursor < 0 {
		cursor = min(q.cursor, len(q.visible)-1)
	}
	q.moveTo(max(cursor, 0))
}

// selected is the ticket under the cursor (0 when the list is empty).
func (q *queueScreen) selected() int64 {
	if q.cursor < 0 || q.cursor >= len(q.visible) || q.entries == nil {
		return 0
	}
	return q.visible[q.cursor].id
}

// moveTo puts the cursor on a visible row, scrolls it into view and points the preview at it.
func (q *queueScreen) moveTo(i int) {
	q.cursor = max(min(i, len(q.visible)-1), 0)
	if q.cursor < q.offset {
		q.offset = q.cursor
	}
	if q.cursor >= q.offset+q.rowsH {
		q.offset = q.cursor - q.rowsH + 1
	}
	q.offset = max(min(q.offset, len(q.visible)-q.rowsH), 0)
	if q.preview != nil {
		if id := q.selected(); id != q.previewID {
			q.previewID = id
			q.preview.show(id)
		}
	}
}

// nextFlagged moves to the next (dir 1) or previous (dir -1) ticket with findings.
func (q *queueScreen) nextFlagged(dir int) {
	for i := q.cursor + dir; i >= 0 && i < len(q.visible); i += dir {
		if q.visible[i].flagged {
			q.moveTo(i)
			return
		}
	}
	where := "below"
	if dir < 0 {
		where = "above"
	}
	q.s.emit(statusMsg{text: "no more tickets with findings " + where}) // the key did something
}

// Update handles the queue's keys: the filter line while it is open, else moving,
// filtering, sorting and the keys that open another screen; and the mouse.
func (q *queueScreen) Update(msg tea.Msg) tea.Cmd {
	before := q.previewID
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if q.filtering {
			cmd = q.filterKey(msg)
		} else {
			cmd = q.key(msg)
		}
	case tea.MouseMsg:
		q.mouse(msg)
	case previewSettledMsg:
		q.settling = false
		switch {
		case q.preview == nil || q.previewID == 0:
		case msg.seq == q.moves: // rested for previewSettle: read the previewed conversation
			q.s.emit(loadConversationMsg{id: q.previewID})
		default: // moved on since: wait until previewSettle after the latest move
			cmd = q.settle(previewSettle - time.Since(q.movedAt))
		}
	}
	if id := q.previewID; id != before && id != 0 && q.preview != nil {
		q.moves++
		q.movedAt = time.Now()
		if !q.settling {
			cmd = tea.Batch(cmd, q.settle(previewSettle))
		}
	}
	return cmd
}

// settle starts the one previewSettle timer, to fire after d, for the preview's latest move.
func (q *queueScreen) settle(d time.Duration) tea.Cmd {
	q.settling = true
	seq := q.moves
	return tea.Tick(max(d, time.Millisecond), func(time.Time) tea.Msg { return previewSettledMsg{seq: seq} })
}

func (q *queueScreen) filterKey(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, q.s.keys.InputDone):
		q.filtering = false
		q.filter.Blur()
		return nil
	case key.Matches(km, q.s.keys.ClearFilter):
		q.filtering = false
		q.filter.Blur()
		q.filter.SetValue("")
		q.refresh()
		return nil
	}
	var cmd tea.Cmd
	q.filter, cmd = q.filter.Update(km)
	q.refresh()
	return cmd
}

func (q *queueScreen) key(km tea.KeyMsg) tea.Cmd {
	k := q.s.keys
	half := max(q.rowsH/2, 1)
	switch {
	case key.Matches(km, k.Up):
		q.moveTo(q.cursor - 1)
	case key.Matches(km, k.Down):
		q.moveTo(q.cursor + 1)
	case key.Matches(km, k.Top):
		q.moveTo(0)
	case key.Matches(km, k.Bottom):
		q.moveTo(len(q.visible) - 1)
	case key.Matches(km, k.HalfPageDown):
		q.moveTo(q.cursor + half)
	case key.Matches(km, k.HalfPageUp):
		q.moveTo(q.cursor - half)
	case key.Matches(km, k.PageDown):
		q.moveTo(q.cursor + q.rowsH)
	case key.Matches(km, k.PageUp):
		q.moveTo(q.cursor - q.rowsH)
	case key.Matches(km, k.NextFlagged):
		q.nextFlagged(1)
	case key.Matches(km, k.PrevFlagged):
		q.nextFlagged(-1)
	case key.Matches(km, k.Open):
		if id := q.selected(); id != 0 {
			q.s.emit(showDetailMsg{id: id})
		}
	case key.Matches(km, k.Fix):
		q.s.emit(startFixMsg{id: q.selected()}) // the root refuses a ticket still being checked
	case key.Matches(km, k.Ask):
		q.s.emit(startAskMsg{id: q.selected()})
	case key.Matches(km, k.Reload):
		q.s.emit(reloadMsg{})
	case key.Matches(km, k.Browser):
		q.s.emit(openTicketMsg{id: q.selected()})
	case key.Matches(km, k.CopyURL):
		q.s.emit(copyURLMsg{id: q.selected()})
	case key.Matches(km, k.Undo):
		q.s.emit(undoMsg{})
	case key.Matches(km, k.UndoPick):
		q.s.emit(undoPickMsg{})
	case key.Matches(km, k.Filter):
		q.filtering = true
		return q.filter.Focus()
	case key.Matches(km, k.ClearFilter) && q.filter.Value() != "":
		q.filter.SetValue("")
		q.refresh()
	case key.Matches(km, k.ClearFilter) && len(q.s.marked) > 0:
		n := len(q.s.marked)
		q.clearMarks()
		q.s.emit(statusMsg{text: fmt.Sprintf("%d %s cleared (x marks again)", n, plural(n, "mark", "marks"))})
	case key.Matches(km, k.Mark):
		if why := q.s.stillChecking(q.selected()); why != "" {
			q.s.emit(statusMsg{text: why}) // a bulk fix needs a verdict: nothing to mark yet
			return nil
		}
		q.toggleMark(q.selected())
		q.moveTo(q.cursor + 1)
	case key.Matches(km, k.BulkFix):
		q.s.emit(startBulkMsg{ids: q.s.markedIDs()})
	case key.Matches(km, k.Audit):
		q.s.emit(startAuditMsg{})
	case key.Matches(km, k.Sort):
		q.order = (q.order + 1) % 3
		if q.entries != nil {
			slices.SortFunc(q.entries, q.compare)
		}
		q.refresh()
	}
	return nil
}

// mouse scrolls with the wheel and selects the row clicked (rows start below the filter
// line and the header).
func (q *queueScreen) mouse(m tea.MouseMsg) {
	switch {
	case m.Button == tea.MouseButtonWheelUp:
		q.moveTo(q.cursor - 3)
	case m.Button == tea.MouseButtonWheelDown:
		q.moveTo(q.cursor + 3)
	case m.Button == tea.MouseButtonLeft && m.Action == tea.MouseActionPress && m.X < q.listW:
		if row := q.offset + m.Y - 2; m.Y >= 2 && row < len(q.visible) && row-q.offset < q.rowsH {
			q.moveTo(row)
		}
	}
}

// CapturesKeys reports whether typed keys belong to the filter line.
func (q *queueScreen) CapturesKeys() bool { return q.filtering }

// ShortHelp is the queue's help line.
func (q *queueScreen) ShortHelp() []key.Binding {
	k := q.s.keys
	if q.filtering { // every other key types into the filter
		return []key.Binding{k.InputDone, k.ClearFilter, k.Interrupt}
	}
	return []key.Binding{k.Down, k.NextFlagged, k.Open, k.Fix, askBinding(q.s, q.selected()), k.Filter, k.Help, k.Quit}
}

// FullHelp is the queue's `?` help.
func (q *queueScreen) FullHelp() [][]key.Binding {
	k := q.s.keys
	if q.filtering {
		return [][]key.Binding{q.ShortHelp()}
	}
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.HalfPageDown, k.HalfPageUp, k.PageDown, k.PageUp, k.Wheel},
		{k.NextFlagged, k.PrevFlagged, k.Open, k.Fix, k.Ask, k.Browser, k.CopyURL, k.Undo, k.UndoPick}, // a: listed even where the row cannot be asked
		{k.Filter, k.ClearFilter, k.Sort, k.Reload, k.Mark, k.BulkFix, k.Audit},
		{k.Help, k.Quit},
	}
}

// Legend explains the filter words and the badges, for the `?` help of the queue.
func (q *queueScreen) Legend() string {
	lines := append(filterLegend(q.width),
		"Findings: ✗ an error · ! warnings only · ? ask submitter · ✓ clean · … checking",
		"Rows: ● marked for a bulk fix · + new · • changed since last shown",
	)
	for i, l := range lines {
		lines[i] = fit(l, q.width)
	}
	return strings.Join(lines, "\n")
}

func (q *queueScreen) View() string {
	st := q.s.styles
	var filterLine string
	switch {
	case q.filtering:
		filterLine = q.filter.View()
		if q.filterErr != "" { // beside what is typed, never instead of it
			filterLine += "  " + st.Error.Render(q.filterErr)
		}
	case q.filter.Value() != "" && q.filterErr != "":
		// What was typed, then why it cannot match (before the count, which a narrow
		// terminal cuts first).
		filterLine = st.Muted.Render("filter: "+q.filter.Value()) + "  " + st.Error.Render(q.filterErr) +
			st.Muted.Render(fmt.Sprintf("  (%d of %d · esc clears)", len(q.visible), q.total))
	case q.filter.Value() != "":
		filterLine = st.Muted.Render(fmt.Sprintf("filter: %s  (%d of %d · esc clears)", q.filter.Value(), len(q.visible), q.total))
	default:
		const counts = " · %d with findings · %d to ask · sorted %s"
		switch note := q.uncheckedNote(" · "); {
		case note == "":
			filterLine = st.Muted.Render(fmt.Sprintf("%d tickets"+counts, q.total, q.flagged, q.asking, q.order))
		case q.judged() == 0: // "0 with findings" would read as a verdict
			filterLine = st.Muted.Render(fmt.Sprintf("%d tickets%s · sorted %s", q.total, note, q.order))
		default:
			filterLine = st.Muted.Render(fmt.Sprintf("%d tickets%s"+counts, q.total, note, q.flagged, q.asking, q.order))
		}
	}
	var b strings.Builder
	b.WriteString(q.headerStyle.Render(q.cols.header()))
	for i := q.offset; i < len(q.visible) && i < q.offset+q.rowsH; i++ {
		b.WriteByte('\n')
		e := q.visible[i]
		switch {
		case i == q.cursor:
			b.WriteString(q.selectedStyle.Render(e.line))
		case e.dim != "":
			b.WriteString(e.dim)
		default:
			b.WriteString(e.line)
		}
	}
	if len(q.visible) == 0 && q.total > 0 {
		b.WriteString("\n" + st.Muted.Render("  no ticket matches the filter"))
	}
	list := filterLine + "\n" + b.String()
	if q.preview == nil {
		return list
	}
	// Side by side, line by line: every list line fitted to the list's width (rows are
	// prepared at that width already), a separator, the preview's line.
	left, right := strings.Split(list, "\n"), strings.Split(q.preview.View(), "\n")
	sep := st.Muted.Render("│")
	var out strings.Builder
	for i := range max(len(left), len(right), q.height) {
		if i > 0 {
			out.WriteByte('\n')
		}
		l := ""
		if i < len(left) {
			l = left[i]
		}
		if w := lipgloss.Width(l); w != q.listW {
			l = fitStyled(l, w, q.listW)
		}
		out.WriteString(l)
		out.WriteString(sep)
		if i < len(right) {
			out.WriteString(right[i])
		}
	}
	return out.String()
}

// uncheckedNote tells, after sep, how many tickets have no verdict ("" when every ticket
// has one): "checking 100…" while a load looks them up, "100 not checked" when it stopped.
func (q *queueScreen) uncheckedNote(sep string) string {
	var parts []string
	if q.checking > 0 {
		parts = append(parts, fmt.Sprintf("checking %d…", q.checking))
	}
	if q.stopped > 0 {
		parts = append(parts, fmt.Sprintf("%d not checked", q.stopped))
	}
	if len(parts) == 0 {
		return ""
	}
	return sep + strings.Join(parts, sep)
}

// counts is the queue's tally for the status bar: tickets, those with findings, and those
// without a verdict yet (never counted as flagged or clean).
func (q *queueScreen) counts() string {
	if q.judged() == 0 && q.total > 0 { // "0 flagged" would read as a verdict
		return fmt.Sprintf("%d tickets", q.total) + q.uncheckedNote(", ")
	}
	return fmt.Sprintf("%d tickets, %d flagged", q.total, q.flagged) + q.uncheckedNote(", ")
}

// judged is the number of queue tickets with a verdict.
func (q *queueScreen) judged() int { return q.total - q.checking - q.stopped }

// fitStyled pads or cuts a line that may carry styles (w is its width in cells) to n cells.
func fitStyled(s string, w, n int) string {
	if w > n {
		return ansi.Truncate(s, n, "…")
	}
	return s + strings.Repeat(" ", n-w)
}
