package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/partner-triage/partner-triage/model"
)

// sortOrder is how the queue is ordered; `s` cycles through them.
type sortOrder int

const (
	sortFindings sortOrder = iota // findings first (errors, then warnings), then oldest first
	sortID
	sortAge
)

func (o sortOrder) String() string {
	return [...]string{"findings first", "by id", "newest first"}[o]
}

// badges abbreviates finding kinds for the queue's findings column.
var badges = map[model.FindingKind]string{
	model.KindRequesterOrgMismatch:     "mismatch",
	model.KindCustomerEmailUnknown:     "unknown",
	model.KindSelectPartnerAssociation: "select",
	model.KindPartnerCCMissing:         "cc",
}

// queueScreen is the list of queue tickets with a filter line.
type queueScreen struct {
	s         *session
	table     table.Model
	filter    textinput.Model
	filtering bool
	order     sortOrder
	entries   []queueEntry // every queue ticket, sorted; nil when stale
	ids       []int64      // the visible rows' ticket ids, in table order
	total     int          // tickets in the queue (before the filter)
	badgeW    int          // width of the findings column
	flagged   int          // of which with findings
}

func newQueueScreen(s *session) *queueScreen {
	t := table.New(table.WithFocused(true), table.WithStyles(s.styles.Table))
	km := table.DefaultKeyMap()
	// The console's own bindings for paging and jumping; the table keeps only its moves.
	km.LineUp = s.keys.Up
	km.LineDown = s.keys.Down
	km.GotoTop = s.keys.Top
	km.GotoBottom = s.keys.Bottom
	km.HalfPageUp.SetEnabled(false)
	km.HalfPageDown.SetEnabled(false)
	t.KeyMap = km
	fi := textinput.New()
	fi.Prompt = "/"
	fi.Placeholder = "text · kind:cc · kind:select · scenario:partner · kind:none"
	s.styles.Input(&fi)
	q := &queueScreen{s: s, table: t, filter: fi}
	q.setColumns()
	return q
}

// SetSize fits the table to the space the root model gives it.
func (q *queueScreen) SetSize(width, height int) {
	q.table.SetWidth(width)
	q.table.SetHeight(max(height, 3))
	q.setColumns()
	q.invalidate() // the findings badges depend on the column width
	if len(q.s.tickets) > 0 {
		q.refresh()
	}
}

func (q *queueScreen) setColumns() {
	w := max(q.s.width, 40)
	// Fixed columns, then the remaining width shared by requester, org and findings.
	idW, ageW, statusW, scenW, cols := 7, 4, 7, 8, 7
	if w < 80 {
		// Narrow terminals keep what triage needs: who, which org, what is wrong.
		ageW, statusW, cols = 0, 0, 5
	}
	rest := w - (idW + ageW + statusW + scenW) - 2*cols // each cell has 1 column of padding per side
	findW := max(rest*30/100, 14)
	reqW := max((rest-findW)*60/100, 8)
	orgW := max(rest-findW-reqW, 6)
	q.badgeW = findW
	q.table.SetColumns([]table.Column{
		{Title: "ID", Width: idW},
		{Title: "Age", Width: ageW},
		{Title: "Status", Width: statusW},
		{Title: "Scenario", Width: scenW},
		{Title: "Requester", Width: reqW},
		{Title: "Org", Width: orgW},
		{Title: "Findings", Width: findW},
	})
}

// scenarioShort keeps the scenario column narrow.
func scenarioShort(sc model.Scenario) string {
	switch sc {
	case model.ScenarioServicesEngagement:
		return "services"
	case model.ScenarioCustomerAccount:
		return "customer"
	case model.ScenarioPartnerAccount:
		return "partner"
	case model.ScenarioSelectPartner:
		return "select"
	}
	return "unknown"
}

// badge renders the findings column: "✗ mismatch unknown" when a finding is an error,
// "! cc" for warnings only; when that does not fit, the first kind and a count ("✗ mismatch +1").
func badge(ev model.Evaluation, width int) string {
	if len(ev.Findings) == 0 {
		return "✓"
	}
	mark := "!"
	parts := make([]string, 0, len(ev.Findings))
	for _, f := range ev.Findings {
		if f.Severity == model.SeverityError {
			mark = "✗"
		}
		parts = append(parts, badges[f.Kind])
	}
	full := mark + " " + strings.Join(parts, " ")
	if len([]rune(full)) <= width || len(parts) == 1 {
		return full
	}
	return fmt.Sprintf("%s %s +%d", mark, parts[0], len(parts)-1)
}

// haystack is what the filter matches: id, subject, people, org, scenario and finding kinds.
func (q *queueScreen) haystack(t model.Ticket, ev model.Evaluation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s %s %s %s %s", t.ID, t.Subject, t.Status, q.s.userLabel(t.RequesterID),
		q.s.orgLabel(t.OrganizationID), ev.Scenario, ev.OrgEmail)
	for _, f := range ev.Findings {
		b.WriteString(" ")
		b.WriteString(string(f.Kind))
		b.WriteString(" ")
		b.WriteString(badges[f.Kind])
	}
	return strings.ToLower(b.String())
}

// queueEntry is one ticket's row, prepared once per change of the queue so that moving,
// filtering and sorting never recompute labels or verdicts.
type queueEntry struct {
	id       int64
	row      table.Row
	hay      string // lower-cased text the filter matches
	kinds    string // finding kinds and badges, for kind:… filters
	scenario string
	rank     int
	created  time.Time
}

// invalidate marks the prepared rows stale (the queue, the verdicts or the width changed).
func (q *queueScreen) invalidate() { q.entries = nil }

// prepare builds the entries from the session and sorts them in the current order.
func (q *queueScreen) prepare() {
	now := q.s.now()
	q.entries = make([]queueEntry, 0, len(q.s.tickets))
	q.total, q.flagged = len(q.s.tickets), 0
	for id, t := range q.s.tickets {
		ev := q.s.evals[id]
		if len(ev.Findings) > 0 {
			q.flagged++
		}
		var kinds strings.Builder
		for _, f := range ev.Findings {
			kinds.WriteString(string(f.Kind) + " " + badges[f.Kind] + " ")
		}
		q.entries = append(q.entries, queueEntry{
			id: id, hay: q.haystack(t, ev), rank: model.QueueRank(ev), created: t.CreatedAt,
			kinds: kinds.String(), scenario: string(ev.Scenario),
			row: table.Row{
				itoa(id), age(now, t.CreatedAt), t.Status, scenarioShort(ev.Scenario),
				q.s.userLabel(t.RequesterID), q.s.orgLabel(t.OrganizationID), badge(ev, q.badgeW),
			},
		})
	}
	q.sortEntries()
}

func (q *queueScreen) sortEntries() {
	e := q.entries
	sort.Slice(e, func(i, j int) bool {
		a, b := &e[i], &e[j]
		switch q.order {
		case sortID:
			return a.id < b.id
		case sortAge:
			if !a.created.Equal(b.created) {
				return a.created.After(b.created)
			}
			return a.id > b.id
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.id < b.id
	})
}

// refresh shows the entries that match the filter, keeping the cursor on the same ticket.
func (q *queueScreen) refresh() {
	keep := q.selected()
	if q.entries == nil {
		q.prepare()
	}
	needle := strings.ToLower(strings.TrimSpace(q.filter.Value()))
	ids := make([]int64, 0, len(q.entries))
	rows := make([]table.Row, 0, len(q.entries))
	cursor := 0
	for i := range q.entries {
		e := &q.entries[i]
		if needle != "" && !e.matches(needle) {
			continue
		}
		if e.id == keep {
			cursor = len(ids)
		}
		ids = append(ids, e.id)
		rows = append(rows, e.row)
	}
	q.ids = ids
	q.table.SetRows(rows)
	q.table.SetCursor(cursor)
}

// matches reports whether every word of the filter matches the entry: "kind:cc" and
// "scenario:select" look only at the finding kinds and the scenario, "kind:none" keeps
// clean tickets, any other word is looked for in the whole row text.
func (e *queueEntry) matches(needle string) bool {
	for _, w := range strings.Fields(needle) {
		var ok bool
		switch {
		case w == "kind:none":
			ok = e.kinds == ""
		case strings.HasPrefix(w, "kind:"):
			ok = strings.Contains(e.kinds, strings.TrimPrefix(w, "kind:"))
		case strings.HasPrefix(w, "scenario:"):
			ok = strings.Contains(e.scenario, strings.TrimPrefix(w, "scenario:"))
		default:
			ok = strings.Contains(e.hay, w)
		}
		if !ok {
			return false
		}
	}
	return true
}

// selected is the ticket under the cursor (0 when the list is empty).
func (q *queueScreen) selected() int64 {
	c := q.table.Cursor()
	if c < 0 || c >= len(q.ids) {
		return 0
	}
	return q.ids[c]
}

// Update handles the queue's keys: the filter line while it is open, else moving,
// filtering, sorting and the keys that open another screen.
func (q *queueScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if ok && q.filtering {
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
		q.filter, cmd = q.filter.Update(msg)
		q.refresh()
		return cmd
	}
	if ok {
		k := q.s.keys
		switch {
		case key.Matches(km, k.Open):
			if id := q.selected(); id != 0 {
				q.s.emit(showDetailMsg{id: id})
			}
			return nil
		case key.Matches(km, k.Fix):
			q.s.emit(startFixMsg{id: q.selected()})
			return nil
		case key.Matches(km, k.Reload):
			q.s.emit(reloadMsg{})
			return nil
		case key.Matches(km, k.Browser):
			q.s.emit(openTicketMsg{id: q.selected()})
			return nil
		case key.Matches(km, k.Undo):
			q.s.emit(undoMsg{})
			return nil
		case key.Matches(km, k.Filter):
			q.filtering = true
			return q.filter.Focus()
		case key.Matches(km, k.ClearFilter) && q.filter.Value() != "":
			q.filter.SetValue("")
			q.refresh()
			return nil
		case key.Matches(km, k.Sort):
			q.order = (q.order + 1) % 3
			if q.entries != nil {
				q.sortEntries()
			}
			q.refresh()
			return nil
		}
	}
	var cmd tea.Cmd
	q.table, cmd = q.table.Update(msg)
	return cmd
}

// CapturesKeys reports whether typed keys belong to the filter line.
func (q *queueScreen) CapturesKeys() bool { return q.filtering }

// ShortHelp is the queue's help line.
func (q *queueScreen) ShortHelp() []key.Binding {
	k := q.s.keys
	return []key.Binding{k.Down, k.Open, k.Fix, k.Filter, k.Reload, k.Help, k.Quit}
}

// FullHelp is the queue's `?` help.
func (q *queueScreen) FullHelp() [][]key.Binding {
	k := q.s.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom},
		{k.Open, k.Fix, k.Browser, k.Undo},
		{k.Filter, k.ClearFilter, k.Sort, k.Reload},
		{k.Help, k.Quit},
	}
}

func (q *queueScreen) View() string {
	var filterLine string
	switch {
	case q.filtering:
		filterLine = q.filter.View()
	case q.filter.Value() != "":
		filterLine = q.s.styles.Muted.Render(fmt.Sprintf("filter: %s  (%d of %d · esc clears)", q.filter.Value(), len(q.ids), q.total))
	default:
		filterLine = q.s.styles.Muted.Render(fmt.Sprintf("%d tickets · %d with findings · sorted %s", q.total, q.flagged, q.order))
	}
	if len(q.ids) == 0 && q.total > 0 {
		return filterLine + "\n" + q.table.View() + "\n" + q.s.styles.Muted.Render("  no ticket matches the filter")
	}
	return filterLine + "\n" + q.table.View()
}
