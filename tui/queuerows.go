package tui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/text"
)

// findingBadges names the finding kinds in the queue's findings column, in the order the
// `?` legend lists them: the long form when the column has room for every kind of a
// ticket, else the short one. The `kind:` filter words come from this table.
var findingBadges = []struct {
	kind        model.FindingKind
	long, short string
}{
	{model.KindRequesterOrgMismatch, "mismatch", "mis"},
	{model.KindCustomerEmailUnknown, "unknown", "unk"},
	{model.KindSelectPartnerAssociation, "select", "sel"},
	{model.KindPartnerCCMissing, "cc", "cc"},
}

// badges is findingBadges by kind: [0] the long form, [1] the short one.
var badges = func() map[model.FindingKind][2]string {
	m := make(map[model.FindingKind][2]string, len(findingBadges))
	for _, b := range findingBadges {
		m[b.kind] = [2]string{b.long, b.short}
	}
	return m
}()

// askBadge marks a ticket of the unknown scenario: not clean, the submitter must be asked.
const askBadge = "? ask"

// badge renders the findings column in at most width cells: "✗ mismatch unknown" when a
// finding is an error, "! cc" for warnings only, "? ask" for a ticket to ask about, "✓"
// when clean. Every kind shows while the short names fit; only then "✗ mis +2".
func badge(ev model.Evaluation, width int) string {
	if len(ev.Findings) == 0 {
		if ev.NeedsAsking() {
			return askBadge
		}
		return "✓"
	}
	mark := "!"
	if ev.Worst() == model.SeverityError {
		mark = "✗"
	}
	for form := range 2 {
		var b strings.Builder
		b.WriteString(mark)
		for _, f := range ev.Findings {
			b.WriteByte(' ')
			b.WriteString(badges[f.Kind][form])
		}
		if s := b.String(); ansi.StringWidth(s) <= width {
			return s
		}
	}
	return mark + " " + badges[ev.Findings[0].Kind][1] + " +" + strconv.Itoa(len(ev.Findings)-1)
}

// rowMark says whether a row is new or changed since the console first showed it.
type rowMark uint8

const (
	markNone rowMark = iota
	markNew
	markChanged
)

// markFor is how long a new or changed row keeps its mark.
const markFor = 5 * time.Minute

// queueEntry is one ticket's row, prepared once per change of the ticket (or of the
// people and organizations it names, or of the width) so that moving, filtering and
// sorting never recompute labels or verdicts.
type queueEntry struct {
	id       int64
	line     string   // the whole row, padded to the list width (plain text)
	hay      string   // lower-cased text the filter matches
	kinds    []string // the finding kinds (model.FindingKind) and kindAsk, for kind:… filters
	scenario string   // model.Scenario, for scenario:… filters
	rank     int      // the findings-first group: see entryRank
	flagged  bool
	// checking: the ticket has no verdict yet (session.checking); stopped: nor will it get
	// one from this load. Such a row matches no kind: or scenario: filter.
	checking, stopped bool
	// dim is the row with its findings cell in the muted style, drawn when the row is not
	// selected ("" for a judged ticket: line is drawn). line stays plain for the selection.
	dim      string
	created  time.Time
	mark     rowMark
	markedAt time.Time
	stale    bool // replaced by a newer entry during an update
}

// columns are the widths, in cells, of the queue's columns for one list width; 0 hides a
// column. Each cell has one cell of padding on either side.
type columns struct {
	id, subject, age, status, scenario, requester, org, findings int
}

// layoutColumns sizes the columns for a list width. The base columns are id, subject,
// requester (wide enough for an address to stay recognisable), org and findings; while the
// subject keeps at least 24 cells, age, scenario and status are added, then the findings,
// requester and org columns grow (the requester to 32 at most), and the subject takes the
// rest. The columns and their padding fill exactly max(width, 40) cells.
func layoutColumns(width int) columns {
	w := max(width, 40)
	c := columns{id: 7, requester: 20, org: 12, findings: 14}
	if w < 80 {
		c.requester, c.org, c.findings = 18, 10, 12
	}
	if w < 70 {
		c.findings = 9
	}
	subject := func() int {
		n, sum := 1, 0 // the subject column's own padding
		for _, v := range []int{c.id, c.age, c.status, c.scenario, c.requester, c.org, c.findings} {
			if v > 0 {
				n++
				sum += v
			}
		}
		return w - sum - 2*n
	}
	for _, grow := range []func(){
		func() { c.age = 4 },
		func() { c.scenario = 8 },
		func() { c.status = 7 },
		func() { c.findings = 20 },
		func() { c.requester, c.org = 24, 16 },
		func() { c.findings = 28 },
		func() { c.requester, c.org = 32, 24 },
	} {
		before := c
		grow()
		if subject() < 24 {
			c = before
			break
		}
	}
	// Narrow: the subject keeps 8 cells by taking from the requester (down to 14), then the
	// org column goes, then the requester gives down to 10 and the subject down to 6. The
	// findings column, the reason for the list, keeps its width, and the row never outgrows
	// the width (the frame would cut its findings).
	short := func() int { return 8 - subject() }
	if d := short(); d > 0 {
		c.requester -= min(d, max(c.requester-14, 0))
	}
	if short() > 0 {
		c.org = 0
	}
	if d := short() - 2; d > 0 {
		c.requester -= min(d, max(c.requester-10, 0))
	}
	c.subject = max(subject(), 1)
	return c
}

// header is the title line of the list.
func (c columns) header() string {
	return c.join("ID", "Subject", "Age", "Status", "Scenario", "Requester", "Org", "Findings")
}

// join lays cells out in the columns, each truncated to its width and padded.
func (c columns) join(id, subject, age, status, scenario, requester, org, findings string) string {
	var b strings.Builder
	cell := func(s string, w int) {
		if w <= 0 {
			return
		}
		b.WriteByte(' ')
		b.WriteString(fit(s, w))
		b.WriteByte(' ')
	}
	cell(id, c.id)
	cell(subject, c.subject)
	cell(age, c.age)
	cell(status, c.status)
	cell(scenario, c.scenario)
	cell(requester, c.requester)
	cell(org, c.org)
	cell(findings, c.findings)
	return b.String()
}

// fit truncates s to w cells (with "…") and pads it to exactly w cells.
func fit(s string, w int) string {
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// scenarioWords are the scenarios with the short word the scenario column shows, in the
// order the `?` legend lists them. The `scenario:` filter words come from this table.
var scenarioWords = []struct {
	scenario model.Scenario
	short    string
}{
	{model.ScenarioCustomerAccount, "customer"},
	{model.ScenarioPartnerAccount, "partner"},
	{model.ScenarioSelectPartner, "select"},
	{model.ScenarioServicesEngagement, "services"},
	{model.ScenarioUnknown, "unknown"},
}

// scenarioShort keeps the scenario column narrow ("unknown" for a scenario not in the table).
func scenarioShort(sc model.Scenario) string {
	for _, w := range scenarioWords {
		if w.scenario == sc {
			return w.short
		}
	}
	return "unknown"
}

// Ranks of the findings-first order: model.QueueRank's groups (errors, warnings, ask,
// clean, skipped) doubled, so that tickets still being checked go between those to ask
// about and the clean ones: below every verdict that calls for work, above the clean.
const (
	rankAsk      = 2 * 2
	rankChecking = 2*2 + 1
)

// entryRank is a judged ticket's findings-first group.
func entryRank(ev model.Evaluation) int { return 2 * model.QueueRank(ev) }

// The findings cell of a ticket without a verdict.
const (
	checkingBadge = "… checking"
	stoppedBadge  = "not checked"
)

// prepareEntry builds the row of one ticket for the current columns.
func (q *queueScreen) prepareEntry(t model.Ticket, ev model.Evaluation, now time.Time) queueEntry {
	req, org := q.s.userLabel(t.RequesterID), q.s.orgLabel(t.OrganizationID)
	e := queueEntry{
		id: t.ID, rank: entryRank(ev), created: t.CreatedAt, flagged: len(ev.Findings) > 0,
		scenario: string(ev.Scenario),
	}
	var kinds strings.Builder // the kinds' names and badges, for free-text words
	for _, f := range ev.Findings {
		if !slices.Contains(e.kinds, string(f.Kind)) {
			e.kinds = append(e.kinds, string(f.Kind))
		}
		kinds.WriteString(string(f.Kind) + " " + badges[f.Kind][0] + " ")
	}
	if ev.NeedsAsking() {
		e.kinds = append(e.kinds, kindAsk)
		kinds.WriteString("ask ")
	}
	var hay strings.Builder
	for _, s := range []string{"#" + itoa(t.ID), t.Subject, t.Status, req, org, string(ev.Scenario), ev.OrgEmail, kinds.String()} {
		hay.WriteString(s)
		hay.WriteByte(' ')
	}
	e.hay = strings.ToLower(hay.String())
	if m, ok := q.marks[t.ID]; ok && now.Sub(m.at) < markFor {
		e.mark, e.markedAt = m.kind, m.at
	}
	c := q.cols
	id := q.idText(t.ID, e.mark)
	// The session holds inert text only (inertPage): nothing here can move the cursor.
	e.line = c.join(id, t.Subject, age(now, t.CreatedAt), t.Status, scenarioShort(ev.Scenario),
		text.FitEmail(req, c.requester), org, badge(ev, c.findings))
	return e
}

// prepareChecking builds the row of a ticket without a verdict: what its list page told
// (id, subject, age, status, and the requester and organization as far as the list's
// sideloads name them), no scenario, and "… checking" (or "not checked") for findings.
func (q *queueScreen) prepareChecking(ct checkingTicket, now time.Time) queueEntry {
	t := ct.t
	req := q.s.userLabel(t.RequesterID)
	if _, ok := q.s.dir.User(t.RequesterID); !ok && t.RequesterID != 0 {
		req = "user #" + itoa(t.RequesterID) // not looked up yet: not "not found"
	}
	org := q.s.orgLabel(t.OrganizationID)
	e := queueEntry{id: t.ID, rank: rankChecking, created: t.CreatedAt, checking: true, stopped: ct.stopped}
	cell := checkingBadge
	if ct.stopped {
		cell = stoppedBadge
	}
	e.hay = strings.ToLower(strings.Join([]string{"#" + itoa(t.ID), t.Subject, t.Status, req, org, cell}, " "))
	if m, ok := q.marks[t.ID]; ok && now.Sub(m.at) < markFor {
		e.mark, e.markedAt = m.kind, m.at
	}
	c := q.cols
	cols := c
	cols.findings = 0 // the findings cell is drawn apart, plain and muted
	head := cols.join(q.idText(t.ID, e.mark), t.Subject, age(now, t.CreatedAt), t.Status, "",
		text.FitEmail(req, c.requester), org, "")
	if c.findings > 0 {
		cell = " " + fit(cell, c.findings) + " "
		e.line, e.dim = head+cell, head+q.s.styles.Muted.Render(cell)
	} else {
		e.line = head
	}
	return e
}

// idText is the id cell: the id after a one-cell mark (+ new, • changed in a live refresh,
// ● marked for a bulk fix; the agent's own mark wins).
func (q *queueScreen) idText(id int64, mark rowMark) string {
	switch {
	case q.s.marked[id]:
		return "●" + itoa(id)
	case mark == markNew:
		return "+" + itoa(id)
	case mark == markChanged:
		return "•" + itoa(id)
	}
	return " " + itoa(id)
}

// less orders entries by the queue's sort order.
func (q *queueScreen) less(a, b *queueEntry) bool {
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
}
