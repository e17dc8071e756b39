package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/partner-triage/partner-triage/model"
)

// detailScreen shows one ticket: fields, people, the applicable rule and the findings.
type detailScreen struct {
	s        *session
	ticketID int64
	vp       viewport.Model
	preview  bool // shown beside the queue, not on its own
}

func newDetailScreen(s *session) *detailScreen {
	return &detailScreen{s: s, vp: viewport.New(0, 0)}
}

func (d *detailScreen) SetSize(width, height int) {
	d.vp.Width, d.vp.Height = width, max(height-1, 2) // the last line marks what is below
	d.render()
}

// show switches the screen to a ticket.
func (d *detailScreen) show(id int64) {
	d.ticketID = id
	d.vp.GotoTop()
	d.render()
}

func (d *detailScreen) render() {
	if d.ticketID == 0 { // the queue (or its filter) has no ticket to preview
		d.vp.SetContent(d.s.styles.Muted.Render("No ticket selected."))
		return
	}
	d.vp.SetContent(renderTicket(d.s, d.ticketID, d.vp.Width))
}

// Update handles the detail's keys (back, fix, browser, copy URL); the rest scrolls the viewport.
func (d *detailScreen) Update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok {
		k := d.s.keys
		switch {
		case key.Matches(km, k.Back):
			d.s.emit(showQueueMsg{})
			return nil
		case key.Matches(km, k.Fix):
			d.s.emit(startFixMsg{id: d.ticketID})
			return nil
		case key.Matches(km, k.Ask):
			d.s.emit(startAskMsg{id: d.ticketID})
			return nil
		case key.Matches(km, k.Browser):
			d.s.emit(openTicketMsg{id: d.ticketID})
			return nil
		case key.Matches(km, k.CopyURL):
			d.s.emit(copyURLMsg{id: d.ticketID})
			return nil
		case key.Matches(km, k.Top):
			d.vp.GotoTop()
			return nil
		case key.Matches(km, k.Bottom):
			d.vp.GotoBottom()
			return nil
		}
	}
	var cmd tea.Cmd
	d.vp, cmd = d.vp.Update(msg)
	return cmd
}

func (d *detailScreen) View() string {
	scroll := "j"
	if d.preview {
		scroll = "enter" // beside the queue, j moves the list: enter opens the whole detail
	}
	return d.vp.View() + "\n" + moreMarker(d.s.styles, d.vp, scroll)
}

// CapturesKeys is false: the detail has no text input.
func (d *detailScreen) CapturesKeys() bool { return false }

// ShortHelp is the detail's help line.
func (d *detailScreen) ShortHelp() []key.Binding {
	k := d.s.keys
	more := k.ScrollDown // the marker under the text says "(j)": the help line agrees
	more.SetEnabled(!d.vp.AtBottom())
	return []key.Binding{k.Fix, askBinding(d.s, d.ticketID), k.Browser, k.Back, more, k.Help, k.Quit}
}

// FullHelp is the detail's `?` help.
func (d *detailScreen) FullHelp() [][]key.Binding {
	k := d.s.keys
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp, k.Wheel}, {k.Fix, askBinding(d.s, d.ticketID), k.Browser, k.CopyURL}, {k.Back, k.Help, k.Quit}}
}

// renderTicket is the detail text of a ticket, wrapped to width.
func renderTicket(s *session, id int64, width int) string {
	t, checking, ok := s.ticketShown(id)
	if !ok {
		return s.styles.Muted.Render(fmt.Sprintf("Ticket #%d is no longer in the queue.", id))
	}
	ev := s.evals[id]
	st := s.styles
	var b strings.Builder
	line := func(label, value string) {
		fmt.Fprintf(&b, "%s %s\n", st.Label.Render(fmt.Sprintf("%-13s", label)),
			indentRest(wrapStyled(value, width-15), strings.Repeat(" ", 14)))
	}
	person := func(uid int64) string {
		if uid == 0 {
			return st.Error.Render("none")
		}
		u, ok := s.dir.User(uid)
		switch {
		case !ok && checking: // not looked up yet
			return st.Muted.Render(fmt.Sprintf("user #%d", uid))
		case !ok:
			return st.Error.Render(fmt.Sprintf("user #%d (not found)", uid))
		}
		org := "no organization"
		if u.OrganizationID != 0 {
			org = fmt.Sprintf("%s, %s", s.orgLabel(u.OrganizationID), s.track(u.OrganizationID))
		}
		return personLine(st, u, org)
	}
	b.WriteString(st.Title.Render(truncate(fmt.Sprintf("#%d  %s", t.ID, oneLine(t.Subject)), width)) + "\n")
	line("Status", fmt.Sprintf("%s · %s · opened %s ago", t.Status, formName(s.rules, t.FormID), age(s.now(), t.CreatedAt)))
	line("Requester", person(t.RequesterID))
	if t.SubmitterID != t.RequesterID {
		line("Submitter", person(t.SubmitterID))
	}
	org := st.Error.Render("none")
	if t.OrganizationID != 0 {
		org = fmt.Sprintf("%s (%s)", s.orgLabel(t.OrganizationID), s.track(t.OrganizationID))
	}
	line("Organization", org)
	orgEmail := t.Field(s.rules.OrgEmailField)
	if orgEmail == "" {
		orgEmail = st.Muted.Render("(empty)")
	}
	line("Org Email", orgEmail+s.ownerNote(ev.OrgEmail)) // ev.OrgEmail is "" while checking
	if cc := strings.TrimSpace(t.Field(s.rules.CCRequestField)); cc != "" {
		line("CC request", strings.Join(strings.Fields(cc), " ")+s.suspendedAmong(model.ParseCCAddresses(cc)))
	}
	if len(t.EmailCCIDs) > 0 {
		names := make([]string, len(t.EmailCCIDs))
		for i, id := range t.EmailCCIDs {
			names[i] = s.userLabel(id)
			if _, ok := s.dir.User(id); !ok && checking {
				names[i] = fmt.Sprintf("user #%d", id) // not looked up yet, not "not found"
			}
		}
		line("CCs", strings.Join(names, ", "))
	}
	if checking { // no scenario, findings or conversation before the verdict
		return b.String() + "\n" + checkingNote(s, id, width)
	}
	b.WriteString("\n")
	basis := "support basis unknown: ask the submitter"
	if ev.SupportBasisOrgID != 0 {
		basis = "support based on the subscription of " + s.orgLabel(ev.SupportBasisOrgID)
	}
	line("Scenario", fmt.Sprintf("%s · %s", ev.Scenario, basis))
	b.WriteString(st.Muted.Render(wrapText(ev.Scenario.HandbookRule(), width-2)) + "\n\n")
	switch {
	case ev.NeedsAsking():
		b.WriteString(st.Warning.Render(wrapText("? No handbook example fits: press a to ask the submitter under which situation the ticket is raised.", width-2)) + "\n")
	case len(ev.Findings) == 0:
		b.WriteString(st.OK.Render(wrapText("✓ No findings: this ticket follows the handbook.", width-2)) + "\n")
	}
	for _, f := range ev.Findings {
		sev := st.Warning.Render("! " + string(f.Kind))
		if f.Severity == model.SeverityError {
			sev = st.Error.Render("✗ " + string(f.Kind))
		}
		b.WriteString(sev + "\n")
		b.WriteString(indent(wrapText(f.Message, width-4), "  ") + "\n")
		if f.SuggestedEmail != "" {
			b.WriteString("  suggested address: " + st.After.Render(f.SuggestedEmail) + "\n")
		}
	}
	if len(ev.Findings) > 0 {
		say := "Press f to walk through the fix."
		if s.askAdvice(id) != nil { // the same plan the wizard shows says to ask
			say = "Press f to walk through the fix, or a to ask the submitter: the fix needs their answer."
		}
		b.WriteString("\n" + st.Muted.Render(wrapText(say, width-2)) + "\n")
	}
	if _, ok := s.client.(ConversationReader); ok {
		b.WriteString("\n" + renderConversation(s, id, width) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// checkingNote stands for the scenario and findings of a ticket without a verdict: it is
// being checked, or the load stopped before it was.
func checkingNote(s *session, id int64, width int) string {
	msg := "… checking requester, organization and memberships: the findings show when Zendesk has answered."
	if s.checking[id].stopped {
		msg = "Not checked: the queue load stopped before this ticket's requester, organization and memberships were looked up, so there are no findings to show. Press r on the queue to reload."
	}
	return s.styles.Muted.Render(wrapText(msg, width-2))
}

// formName names a ticket form by the configured lists.
func formName(cfg model.RuleConfig, id int64) string {
	for _, f := range cfg.OpenForms {
		if f == id {
			return "Open partner form"
		}
	}
	for _, f := range cfg.SelectForms {
		if f == id {
			return "Select partner form"
		}
	}
	return fmt.Sprintf("form %d", id)
}

// wrapStyled wraps a value that may carry styling; plain values wrap by words.
func wrapStyled(s string, width int) string {
	if strings.Contains(s, "\x1b") {
		return s
	}
	return wrapText(s, width)
}
