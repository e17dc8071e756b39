package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/text"
)

// Auditor is the part of the Zendesk client the audit screen needs (zendesk.Client.Audit):
// every membership in the instance that ties a customer to a Select partner or the reverse.
// A Client that does not implement it has no audit screen.
type Auditor interface {
	Audit(ctx context.Context) (model.AuditResult, error)
}

// auditTimeout bounds one audit.
const auditTimeout = 5 * time.Minute

type auditLoadedMsg struct {
	run int
	res model.AuditResult
	err error
}

// auditScreen lists the instance's violating memberships (A); space chooses, enter reviews
// the removal of the chosen ones on the bulk screen.
type auditScreen struct {
	s       *session
	run     int
	loading bool
	err     string
	res     model.AuditResult
	names   *model.Directory // the people and organizations the audit read
	chosen  []bool
	cursor  int
	vp      viewport.Model
	width   int
	// the screen's own bindings, declared once
	toggle, review key.Binding
}

func newAuditScreen(s *session) *auditScreen {
	return &auditScreen{s: s, vp: viewport.New(80, 20),
		toggle: key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space", "choose")),
		review: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "review removal"))}
}

// SetSize gives the list the screen less its title line.
func (a *auditScreen) SetSize(width, height int) {
	a.width = width
	a.vp.Width, a.vp.Height = max(width, 20), max(height-2, 3)
	a.render()
}

func (a *auditScreen) CapturesKeys() bool { return false }

func (a *auditScreen) keys() (toggle, review key.Binding) { return a.toggle, a.review }

func (a *auditScreen) ShortHelp() []key.Binding {
	k := a.s.keys
	toggle, review := a.keys()
	return []key.Binding{k.Down, toggle, review, k.Reload, k.Back}
}

func (a *auditScreen) FullHelp() [][]key.Binding {
	k := a.s.keys
	toggle, review := a.keys()
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {toggle, review, k.Reload}, {k.Back, k.Quit}}
}

// start runs the audit in the background.
func (a *auditScreen) start() tea.Cmd {
	aud, ok := a.s.client.(Auditor)
	a.err, a.res, a.chosen, a.cursor = "", model.AuditResult{}, nil, 0
	if !ok {
		a.err = "this Zendesk client cannot audit memberships"
		a.render()
		return nil
	}
	a.run++
	a.loading = true
	a.render()
	run := a.run
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
		defer cancel()
		res, err := aud.Audit(ctx)
		return auditLoadedMsg{run: run, res: res, err: err}
	}
}

func (a *auditScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case auditLoadedMsg:
		if msg.run != a.run {
			return nil
		}
		a.loading = false
		if msg.err != nil {
			a.err = "audit: " + msg.err.Error()
		}
		a.res = msg.res
		a.names = model.NewDirectory()
		a.names.Merge(msg.res.Page)
		a.chosen = make([]bool, len(msg.res.Violations))
		a.render()
		return nil
	case tea.KeyMsg:
		k := a.s.keys
		toggle, review := a.keys()
		switch {
		case key.Matches(msg, k.Back):
			a.s.emit(showQueueMsg{})
		case key.Matches(msg, k.Reload):
			return a.start()
		case a.loading:
		case key.Matches(msg, k.Down):
			a.cursor = min(a.cursor+1, max(len(a.chosen)-1, 0))
			a.render()
		case key.Matches(msg, k.Up):
			a.cursor = max(a.cursor-1, 0)
			a.render()
		case key.Matches(msg, k.Top):
			a.cursor = 0
			a.render()
		case key.Matches(msg, k.Bottom):
			a.cursor = max(len(a.chosen)-1, 0)
			a.render()
		case key.Matches(msg, toggle):
			if a.cursor < len(a.chosen) {
				a.chosen[a.cursor] = !a.chosen[a.cursor]
				a.cursor = min(a.cursor+1, len(a.chosen)-1)
				a.render()
			}
		case key.Matches(msg, review):
			rows := a.removalRows()
			if len(rows) == 0 && a.cursor < len(a.chosen) {
				// Nothing chosen: enter reviews the one under the cursor.
				a.chosen[a.cursor] = true
				rows = a.removalRows()
			}
			if len(rows) == 0 {
				return nil
			}
			a.s.emit(startRemovalsMsg{rows: rows})
		}
	}
	return nil
}

// removalRows are the chosen violations as rows of the bulk review, each one removal.
func (a *auditScreen) removalRows() []bulkRow {
	var rows []bulkRow
	for i, v := range a.res.Violations {
		if !a.chosen[i] {
			continue
		}
		who, where := a.userName(v.UserID), a.orgName(v.OrganizationID)
		rows = append(rows, bulkRow{
			title: who + " in " + where,
			group: removalGroup(v.Kind),
			diff: []model.DiffLine{{Field: "Membership", Before: who + " is a member of " + where,
				After: who + " is not a member of " + where}},
			item:     apply.BatchItem{Removals: []model.MembershipRemoval{v.Removal()}},
			included: true,
		})
	}
	return rows
}

// removalGroup names a kind of audit removal for the review's group heading.
func removalGroup(k model.AuditKind) string {
	if k == model.AuditSelectUserInCustomer {
		return "remove Select partner users from customer organizations"
	}
	return "remove customers from Select partner organizations"
}

func (a *auditScreen) userName(id int64) string {
	if u, ok := a.names.User(id); ok && u.Email != "" {
		return text.Line(u.Email)
	}
	return a.s.userLabel(id)
}

func (a *auditScreen) orgName(id int64) string {
	name := ""
	if o, ok := a.names.Organization(id); ok {
		name = text.Line(o.Name)
	} else {
		name = a.s.orgLabel(id)
	}
	return name + " (" + a.names.OrgTrack(a.s.rules, id).String() + ")"
}

func (a *auditScreen) render() {
	st := a.s.styles
	w := max(a.vp.Width, 20)
	var lines []string
	for i, v := range a.res.Violations {
		box := "[ ]"
		if i < len(a.chosen) && a.chosen[i] {
			box = "[x]"
		}
		pointer := "  "
		if i == a.cursor {
			pointer = "› "
		}
		open := "no open ticket"
		if len(v.OpenTickets) > 0 {
			ids := make([]string, len(v.OpenTickets))
			for j, id := range v.OpenTickets {
				ids[j] = "#" + itoa(id)
			}
			open = "open " + strings.Join(ids, " ")
		}
		line := ansi.Truncate(fmt.Sprintf("%s%s %-23s %s in %s · %s", pointer, box, v.Kind, a.userName(v.UserID),
			a.orgName(v.OrganizationID), open), w, "…")
		if i == a.cursor {
			line = st.StepActive.Render(line)
		}
		lines = append(lines, line)
	}
	a.vp.SetContent(strings.Join(lines, "\n"))
	if a.cursor < a.vp.YOffset {
		a.vp.SetYOffset(a.cursor)
	} else if a.cursor >= a.vp.YOffset+a.vp.Height {
		a.vp.SetYOffset(a.cursor - a.vp.Height + 1)
	}
}

func (a *auditScreen) View() string {
	st := a.s.styles
	var title string
	switch {
	case a.loading:
		title = "Audit: checking every Select partner's memberships…"
	case a.err != "" && len(a.res.Violations) == 0:
		title = "Audit failed — r tries again, esc goes back"
	case len(a.res.Violations) == 0 && a.err == "":
		title = fmt.Sprintf("Audit: %d memberships checked, none breaks the Select rule", a.res.MembershipsChecked)
	default:
		n := 0
		for _, c := range a.chosen {
			if c {
				n++
			}
		}
		title = fmt.Sprintf("Audit: %d memberships checked, %d break the Select rule · %d chosen",
			a.res.MembershipsChecked, len(a.res.Violations), n)
	}
	head := st.Title.Render(ansi.Truncate(title, max(a.width, 20), "…"))
	if a.err != "" {
		head += "\n" + st.Error.Render(wrapText(a.err, max(a.width, 20)))
	} else {
		head += "\n" + st.Muted.Render(ansi.Truncate("Never associate a customer to a Select Partner's organization, or vice-versa!", max(a.width, 20), "…"))
	}
	return head + "\n" + a.vp.View()
}

// partnerSummary is the queue's `?` summary of who keeps making mistakes: per partner
// organization, the queued tickets with findings and how many carry each kind
// (model.TallyEvaluated, the same tally as the audit's by_partner), at most rows lines.
func partnerSummary(s *session, width, rows int) string {
	if rows < 3 || len(s.tickets) == 0 {
		return ""
	}
	tickets := make([]model.Ticket, 0, len(s.tickets))
	for _, t := range s.tickets {
		tickets = append(tickets, t)
	}
	tally := model.TallyEvaluated(s.rules, tickets, func(t model.Ticket) model.Evaluation { return s.evals[t.ID] }, s.dir)
	st := s.styles
	title := st.Title.Render("Tickets with findings, by partner")
	if len(tally) == 0 {
		return title + "\n" + st.Muted.Render("none")
	}
	const counts = "%7d %8d %7d %6d %3d"
	header := fmt.Sprintf("%7s %8s %7s %6s %3s", "tickets", "mismatch", "unknown", "select", "cc")
	names := make([]string, len(tally))
	nameW := 7
	for i, pt := range tally {
		names[i] = s.orgLabel(pt.OrganizationID) + " (" + s.dir.OrgTrack(s.rules, pt.OrganizationID).String() + ")"
		nameW = max(nameW, ansi.StringWidth(names[i]))
	}
	nameW = min(nameW, max(width-ansi.StringWidth(header)-2, 8))
	cell := func(name string) string {
		name = ansi.Truncate(name, nameW, "…")
		return name + strings.Repeat(" ", nameW-ansi.StringWidth(name)+2)
	}
	lines := []string{title, st.Label.Render(cell("partner") + header)}
	for i, pt := range tally {
		if len(lines) == rows-1 && i < len(tally)-1 {
			lines = append(lines, st.Muted.Render(fmt.Sprintf("… %d more (partner-triage audit lists them all)", len(tally)-i)))
			break
		}
		lines = append(lines, cell(names[i])+fmt.Sprintf(counts, pt.Tickets, pt.Kinds[model.KindRequesterOrgMismatch],
			pt.Kinds[model.KindCustomerEmailUnknown], pt.Kinds[model.KindSelectPartnerAssociation], pt.Kinds[model.KindPartnerCCMissing]))
	}
	return strings.Join(lines, "\n")
}
