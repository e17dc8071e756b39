// Package report builds and renders the result of `partner-triage scan`: the JSON
// document of shared/spec/product.md and a table for a person. It is pure: the same
// tickets and directory give the same bytes, whatever order the API returned them in.
//
// JSON shape (every key always present):
//
//	{"scanned": N,
//	 "tickets": [{"id", "subject", "status", "requester", "organization", "scenario",
//	              "support_basis", "findings": [{"kind", "severity", "message", "suggested_email"}]}]}
//
// requester is the requester's email ("user #ID (not found)" for a user Zendesk no longer
// returns, e.g. deleted or merged) and organization / support_basis are organization
// names, each "" when unknown. findings is [] (never null) for a clean ticket.
// suggested_email is always present and "" when there is no suggestion, so consumers
// need not test for the key. Tickets are sorted by id; a ticket's findings are in the
// order of rules.md's table (requester_org_mismatch, customer_email_unknown,
// select_partner_association, partner_cc_missing), then by message.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/text"
)

// Report is the scan result.
type Report struct {
	Scanned int      `json:"scanned"`
	Tickets []Ticket `json:"tickets"`
}

// Ticket is one scanned ticket.
type Ticket struct {
	ID           int64     `json:"id"`
	Subject      string    `json:"subject"`
	Status       string    `json:"status"`
	Requester    string    `json:"requester"`
	Organization string    `json:"organization"`
	Scenario     string    `json:"scenario"`
	SupportBasis string    `json:"support_basis"`
	Findings     []Finding `json:"findings"`
}

// Finding is one finding on a ticket.
type Finding struct {
	Kind           string `json:"kind"`
	Severity       string `json:"severity"`
	Message        string `json:"message"`
	SuggestedEmail string `json:"suggested_email"`
}

// Kinds lists the finding kinds in rules.md's order, which is the order reports use.
var Kinds = []model.FindingKind{
	model.KindRequesterOrgMismatch,
	model.KindCustomerEmailUnknown,
	model.KindSelectPartnerAssociation,
	model.KindPartnerCCMissing,
}

func kindRank(k string) int {
	for i, x := range Kinds {
		if string(x) == k {
			return i
		}
	}
	return len(Kinds)
}

// Build evaluates every queue ticket (model.InQueue) against the rules. Tickets outside
// the queue (other forms, solved or closed) are left out and not counted; a ticket
// delivered twice counts once (the most recently updated copy wins).
func Build(cfg model.RuleConfig, tickets []model.Ticket, dir *model.Directory) Report {
	if dir == nil {
		dir = model.NewDirectory()
	}
	byID := make(map[int64]model.Ticket, len(tickets))
	for _, t := range tickets {
		if !model.InQueue(cfg, t) {
			continue
		}
		if old, ok := byID[t.ID]; ok && !t.UpdatedAt.After(old.UpdatedAt) {
			continue
		}
		byID[t.ID] = t
	}
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })

	r := Report{Scanned: len(ids), Tickets: make([]Ticket, 0, len(ids))}
	for _, id := range ids {
		t := byID[id]
		ev := model.Evaluate(cfg, t, dir)
		if ev.Skipped != "" {
			// InQueue said yes, so this should not happen; keep the ticket visible.
			ev.Findings = nil
		}
		rt := Ticket{
			ID:           t.ID,
			Subject:      t.Subject,
			Status:       t.Status,
			Scenario:     string(ev.Scenario),
			Findings:     make([]Finding, 0, len(ev.Findings)),
			Requester:    userEmail(dir, t.RequesterID),
			Organization: orgName(dir, t.OrganizationID),
			SupportBasis: orgName(dir, ev.SupportBasisOrgID),
		}
		if rt.Scenario == "" {
			rt.Scenario = string(model.ScenarioUnknown)
		}
		for _, f := range ev.Findings {
			rt.Findings = append(rt.Findings, Finding{
				Kind:           string(f.Kind),
				Severity:       string(f.Severity),
				Message:        f.Message,
				SuggestedEmail: f.SuggestedEmail,
			})
		}
		sort.SliceStable(rt.Findings, func(i, j int) bool {
			a, b := rt.Findings[i], rt.Findings[j]
			if ra, rb := kindRank(a.Kind), kindRank(b.Kind); ra != rb {
				return ra < rb
			}
			if a.Kind != b.Kind {
				return a.Kind < b.Kind
			}
			if a.Message != b.Message {
				return a.Message < b.Message
			}
			return a.SuggestedEmail < b.SuggestedEmail
		})
		r.Tickets = append(r.Tickets, rt)
	}
	return r
}

func userEmail(dir *model.Directory, id int64) string {
	if id == 0 {
		return ""
	}
	u, ok := dir.User(id)
	if !ok {
		return "user #" + strconv.FormatInt(id, 10) + " (not found)" // deleted or merged in Zendesk
	}
	return u.Email
}

func orgName(dir *model.Directory, id int64) string {
	if id == 0 {
		return ""
	}
	if o, ok := dir.Organization(id); ok {
		return o.Name
	}
	return ""
}

// WithFindings counts the tickets that have at least one finding.
func (r Report) WithFindings() int {
	n := 0
	for _, t := range r.Tickets {
		if len(t.Findings) > 0 {
			n++
		}
	}
	return n
}

// KindCounts counts findings by kind.
func (r Report) KindCounts() map[string]int {
	m := map[string]int{}
	for _, t := range r.Tickets {
		for _, f := range t.Findings {
			m[f.Kind]++
		}
	}
	return m
}

// Summary is the closing line of the table, e.g.
// "12 tickets scanned, 3 with findings (2 requester_org_mismatch, 1 customer_email_unknown)".
// Kinds are counted per finding, in rules.md's order; kinds with none are left out.
func (r Report) Summary() string {
	s := fmt.Sprintf("%d %s scanned, ", r.Scanned, plural(r.Scanned, "ticket", "tickets"))
	m := r.WithFindings()
	if m == 0 {
		return s + "none with findings"
	}
	counts := r.KindCounts()
	var parts []string
	for _, k := range Kinds {
		if n := counts[string(k)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
			delete(counts, string(k))
		}
	}
	// Kinds this package does not know yet, alphabetically.
	var rest []string
	for k := range counts {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	return fmt.Sprintf("%s%d with findings (%s)", s, m, strings.Join(parts, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WriteJSON writes the report as one indented JSON document followed by a newline.
func WriteJSON(w io.Writer, r Report) error {
	if r.Tickets == nil {
		r.Tickets = []Ticket{}
	}
	for i := range r.Tickets {
		if r.Tickets[i].Findings == nil {
			// Copy before fixing up, so the caller's report is not changed.
			r.Tickets = append([]Ticket(nil), r.Tickets...)
			for j := range r.Tickets {
				if r.Tickets[j].Findings == nil {
					r.Tickets[j].Findings = []Finding{}
				}
			}
			break
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteTable writes the report for a person: an aligned table (id, subject, status,
// scenario, requester, suggested email, organization, findings), the findings in words,
// then the summary line. width is the terminal width in cells; 0 or less means no limit
// (a pipe or a file: nothing is cut). On a terminal, columns shrink to fit: addresses lose
// the middle of their local part, never their domain (text.FitEmail); scenarios take their
// short form; the subject column, then the suggested-email column, is left out when even
// at its narrowest it would not fit (the findings below still name every suggestion). A
// ticket of the unknown scenario without findings says "ask" in the findings column, as
// the console's badge does. Text from Zendesk is stripped of control characters so it
// cannot drive the terminal.
func WriteTable(w io.Writer, r Report, width int) error {
	var b strings.Builder
	if len(r.Tickets) > 0 {
		writeRows(&b, r, width)
		if r.WithFindings() > 0 {
			b.WriteString("\n")
			writeFindings(&b, r, width)
		}
		b.WriteString("\n")
	}
	wrap(&b, "", r.Summary(), width)
	_, err := io.WriteString(w, b.String())
	return err
}

const gap = "  "

// askCell is the findings cell of an unknown-scenario ticket without findings: not clean,
// the submitter must be asked (rules.md; the console's "? ask" badge).
const askCell = "ask"

// tableColumn is one column of the scan table.
type tableColumn struct {
	head  string
	cells []string
	floor int                          // the narrowest it shrinks to (its natural width when that is less)
	cut   func(s string, w int) string // fits a cell to w cells; nil: cut at the end with "…"
	width int
}

func writeRows(b *strings.Builder, r Report, width int) {
	id := &tableColumn{head: "ID"}
	subject := &tableColumn{head: "SUBJECT", floor: 16}
	status := &tableColumn{head: "STATUS"}
	scenario := &tableColumn{head: "SCENARIO", cut: shortScenario}
	requester := &tableColumn{head: "REQUESTER", floor: 16, cut: text.FitEmail}
	suggested := &tableColumn{head: "SUGGESTED", floor: 16, cut: text.FitEmail}
	org := &tableColumn{head: "ORGANIZATION", floor: 12}
	findings := &tableColumn{head: "FINDINGS", floor: 12, cut: shortKinds}
	anySuggestion := false
	for _, t := range r.Tickets {
		kinds := make([]string, 0, len(t.Findings))
		var sugg []string
		for _, f := range t.Findings {
			if !containsStr(kinds, f.Kind) {
				kinds = append(kinds, f.Kind)
			}
			if e := clean(f.SuggestedEmail); e != "" && !containsStr(sugg, e) {
				sugg = append(sugg, e)
			}
		}
		fs := "-"
		switch {
		case len(t.Findings) > 0:
			fs = fmt.Sprintf("%d: %s", len(t.Findings), strings.Join(kinds, ", "))
		case t.Scenario == string(model.ScenarioUnknown):
			fs = askCell
		}
		anySuggestion = anySuggestion || len(sugg) > 0
		id.cells = append(id.cells, fmt.Sprint(t.ID))
		subject.cells = append(subject.cells, clean(t.Subject))
		status.cells = append(status.cells, clean(t.Status))
		scenario.cells = append(scenario.cells, clean(t.Scenario))
		requester.cells = append(requester.cells, orDash(clean(t.Requester)))
		suggested.cells = append(suggested.cells, strings.Join(sugg, " "))
		org.cells = append(org.cells, orDash(clean(t.Organization)))
		findings.cells = append(findings.cells, fs)
	}
	for _, c := range []*tableColumn{id, subject, status, scenario, requester, suggested, org, findings} {
		c.width = ansi.StringWidth(c.head)
		for _, s := range c.cells {
			c.width = max(c.width, ansi.StringWidth(s))
		}
	}
	scenario.floor = ansi.StringWidth(scenario.head)
	for _, s := range scenario.cells {
		scenario.floor = max(scenario.floor, ansi.StringWidth(shortScenario(s, 0)))
	}
	for _, c := range []*tableColumn{id, subject, status, scenario, requester, suggested, org, findings} {
		if c.floor == 0 || c.floor > c.width {
			c.floor = c.width
		}
	}

	cols := []*tableColumn{id, subject, status, scenario, requester, suggested, org, findings}
	if !anySuggestion {
		cols = without(cols, suggested)
	}
	if width > 0 {
		// Optional columns go, the subject first, while even their floors do not fit.
		for _, opt := range []*tableColumn{subject, suggested} {
			if tableWidth(cols, true) > width {
				cols = without(cols, opt)
			}
		}
		// What a person reads first stays whole longest: the addresses, then the
		// organization; the findings column only starts the kinds the section below names.
		fitColumns(cols, width, []fitStage{
			{[]*tableColumn{subject}, 24}, {[]*tableColumn{findings}, 16}, {[]*tableColumn{scenario}, 0},
			{[]*tableColumn{org}, 16}, {[]*tableColumn{subject}, 0}, {[]*tableColumn{requester, suggested}, 24},
			{[]*tableColumn{findings, org}, 0}, {[]*tableColumn{requester, suggested}, 0},
		})
		// Narrower than every floor: the organization, findings and scenario give way
		// before the requester's address is cut into its domain.
		for _, c := range []*tableColumn{org, findings, scenario} {
			c.floor = min(c.floor, 6)
		}
		requester.floor = min(requester.floor, 12)
		fitColumns(cols, width, []fitStage{{[]*tableColumn{org, findings, scenario}, 0}, {[]*tableColumn{requester}, 0}})
	}

	line := func(cell func(c *tableColumn) string) {
		var l strings.Builder
		for i, c := range cols {
			if i > 0 {
				l.WriteString(gap)
			}
			s := cell(c)
			if ansi.StringWidth(s) > c.width {
				if c.cut != nil {
					s = c.cut(s, c.width)
				}
				s = ansi.Truncate(s, c.width, "…")
			}
			l.WriteString(s)
			if i < len(cols)-1 {
				l.WriteString(strings.Repeat(" ", c.width-ansi.StringWidth(s)))
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteString("\n")
	}
	line(func(c *tableColumn) string { return c.head })
	for i := range r.Tickets {
		line(func(c *tableColumn) string { return c.cells[i] })
	}
}

func without(cols []*tableColumn, x *tableColumn) []*tableColumn {
	out := make([]*tableColumn, 0, len(cols))
	for _, c := range cols {
		if c != x {
			out = append(out, c)
		}
	}
	return out
}

// tableWidth is the width of a row of cols, at their floors when floors is set.
func tableWidth(cols []*tableColumn, floors bool) int {
	n := len(gap) * (len(cols) - 1)
	for _, c := range cols {
		if floors {
			n += c.floor
		} else {
			n += c.width
		}
	}
	return n
}

// fitStage is one step of fitColumns: its columns shrink down to max(floor, limit).
type fitStage struct {
	cols  []*tableColumn
	limit int
}

// fitColumns shrinks columns until a row fits width, stage by stage: in each stage the
// widest of its columns (among those shown) loses a cell until none is wider than
// max(its floor, the stage's limit).
func fitColumns(cols []*tableColumn, width int, stages []fitStage) {
	shown := func(c *tableColumn) bool {
		for _, x := range cols {
			if x == c {
				return true
			}
		}
		return false
	}
	for _, stage := range stages {
		for tableWidth(cols, false) > width {
			var best *tableColumn
			for _, c := range stage.cols {
				if shown(c) && c.width > max(c.floor, stage.limit) && (best == nil || c.width > best.width) {
					best = c
				}
			}
			if best == nil {
				break
			}
			best.width--
		}
	}
}

// kindWords are the short names of the finding kinds, as the console's badges name them.
var kindWords = strings.NewReplacer(
	string(model.KindRequesterOrgMismatch), "mismatch",
	string(model.KindCustomerEmailUnknown), "unknown",
	string(model.KindSelectPartnerAssociation), "select",
	string(model.KindPartnerCCMissing), "cc")

// shortKinds fits a findings cell ("2: requester_org_mismatch, customer_email_unknown")
// to w cells by naming the kinds by their short names ("2: mismatch, unknown").
func shortKinds(s string, w int) string {
	return kindWords.Replace(s)
}

// shortScenario fits a scenario name to w cells by its first word ("services_engagement"
// → "services"); w ≤ 0 asks for the short form.
func shortScenario(s string, w int) string {
	if w > 0 && ansi.StringWidth(s) <= w {
		return s
	}
	short, _, _ := strings.Cut(s, "_")
	return short
}

func writeFindings(b *strings.Builder, r Report, width int) {
	b.WriteString("Findings:\n")
	for _, t := range r.Tickets {
		for _, f := range t.Findings {
			head := fmt.Sprintf("  #%d %s %s: ", t.ID, clean(f.Severity), clean(f.Kind))
			text := clean(f.Message)
			if f.SuggestedEmail != "" {
				text += " (suggested: " + clean(f.SuggestedEmail) + ")"
			}
			wrap(b, head, text, width)
		}
	}
}

// wrap writes head+text, wrapping text at width with a hanging indent.
func wrap(b *strings.Builder, head, text string, width int) {
	const indent = "      "
	line := head
	lineW := ansi.StringWidth(head)
	first := true
	for _, word := range strings.Fields(text) {
		ww := ansi.StringWidth(word)
		if !first && width > 0 && lineW+1+ww > width {
			b.WriteString(line)
			b.WriteString("\n")
			line, lineW, first = indent+word, len(indent)+ww, false
			continue
		}
		if first {
			line += word
			lineW += ww
			first = false
		} else {
			line += " " + word
			lineW += 1 + ww
		}
	}
	b.WriteString(strings.TrimRight(line, " "))
	b.WriteString("\n")
}

func containsStr(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clean is text.Line: text from Zendesk stays on its line and cannot drive the terminal.
func clean(s string) string { return text.Line(s) }
