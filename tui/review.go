package tui

import (
	"context"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/model"
)

// submitTimeout bounds one submit (memberships, the update and the reload).
const submitTimeout = 2 * time.Minute

// submitDoneMsg is the outcome of a submit or an undo: what was applied, what was not, and
// the ticket as Zendesk has it now (reloaded after the write or after a conflict).
type submitDoneMsg struct {
	apply.Outcome
	undo bool
	// changes lists, after a conflict, what somebody else changed on the ticket.
	changes []string
}

// cancelReviewMsg tells the root the agent backed out of the review; nothing was sent.
type cancelReviewMsg struct{}

type reviewPhase int

const (
	reviewing reviewPhase = iota
	submitting
	submitted
)

// reviewScreen shows the whole diff of a plan, submits it on `y` and shows the result.
type reviewScreen struct {
	s        *session
	plan     model.Plan
	update   model.TicketUpdate
	removals []model.MembershipRemoval
	phase    reviewPhase
	spinner  spinner.Model
	result   submitDoneMsg
	// undo is set when the screen reviews the revert of a journaled change instead of a plan.
	undo *undoReadyMsg
}

func newReviewScreen(s *session) *reviewScreen {
	sp := spinner.New(spinner.WithSpinner(spinner.Dot))
	s.styles.Spinner(&sp)
	return &reviewScreen{s: s, spinner: sp}
}

// CapturesKeys: while the agent reviews, every key answers the review (y submits, any
// other key cancels), q and ? included.
func (r *reviewScreen) CapturesKeys() bool { return r.phase == reviewing }

// Busy refuses to quit while a submit is in flight: quitting could leave a fix
// half-applied and unjournaled.
func (r *reviewScreen) Busy() string {
	if r.phase == submitting {
		return "submitting — quit when Zendesk has answered"
	}
	return ""
}

// SetSize is a no-op: the review draws to the session's size.
func (r *reviewScreen) SetSize(int, int) {}

// ShortHelp is the review's help line; once submitted only esc is left.
func (r *reviewScreen) ShortHelp() []key.Binding {
	k := r.s.keys
	if r.phase == submitted {
		return []key.Binding{k.Back, k.Undo, k.Quit}
	}
	return []key.Binding{k.Confirm, key.NewBinding(key.WithKeys("any"), key.WithHelp("any other key", "cancel"))}
}

// FullHelp is the review's `?` help.
func (r *reviewScreen) FullHelp() [][]key.Binding { return [][]key.Binding{r.ShortHelp()} }

// Update satisfies the screen contract with handle, its value-style Update.
func (r *reviewScreen) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	*r, cmd = r.handle(msg)
	return cmd
}

// show prepares the review of a plan.
func (r *reviewScreen) show(p model.Plan) {
	// The agent may have skipped steps: the plan as it now stands is checked again, so a
	// skip can never leave a Select association or an organization Zendesk would refuse.
	if p.Refused == "" {
		if err := model.ValidatePlan(r.s.rules, r.s.tickets[p.TicketID], p, r.s.dir); err != nil {
			p.Refused = err.Error()
		}
	}
	r.plan, r.phase, r.result, r.undo = p, reviewing, submitDoneMsg{}, nil
	r.update, r.removals = p.Compile(r.s.rules)
}

// implicitOrganization says where Zendesk will put the ticket when the requester changes
// and no organization step was kept ("" when that does not happen).
func (r reviewScreen) implicitOrganization() string {
	changed, orgSet := false, false
	var target int64
	for _, s := range r.plan.Steps {
		if !s.Accepted {
			continue
		}
		switch {
		case s.Kind == model.StepRequester && s.NewRequester != nil:
			changed, target = true, model.OrgOfEmail(r.s.rules, s.NewRequester.Email, r.s.dir)
		case s.Kind == model.StepRequester:
			changed = true
			if u, ok := r.s.dir.User(s.RequesterID); ok {
				target = u.OrganizationID
			}
		case s.OrganizationID != 0:
			orgSet = true
		}
	}
	t := r.s.tickets[r.plan.TicketID]
	if !changed || orgSet || target == t.OrganizationID {
		return ""
	}
	return orNone(r.s.orgLabel(t.OrganizationID)) + " → " + orNone(r.s.orgLabel(target)) + " (Zendesk follows the new requester)"
}

// showUndo prepares the review of an undo.
func (r *reviewScreen) showUndo(u undoReadyMsg) {
	r.plan = model.Plan{TicketID: u.Entry.TicketID}
	r.phase, r.result, r.undo = reviewing, submitDoneMsg{}, &u
	r.update, r.removals = u.Plan.Update, nil
}

// empty reports whether the accepted steps change nothing.
func (r reviewScreen) empty() bool { return r.update.IsEmpty() && len(r.removals) == 0 }

func (r reviewScreen) handle(msg tea.Msg) (reviewScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if r.phase != submitting {
			return r, nil
		}
		var cmd tea.Cmd
		r.spinner, cmd = r.spinner.Update(msg)
		return r, cmd
	case tea.KeyMsg:
		if r.phase == submitted && (key.Matches(msg, r.s.keys.Back) || key.Matches(msg, r.s.keys.InputDone)) {
			r.s.emit(showQueueMsg{})
			return r, nil
		}
		if r.phase != reviewing {
			return r, nil // keys while submitting are ignored
		}
		if key.Matches(msg, r.s.keys.Confirm) && r.undo != nil {
			r.phase = submitting
			return r, tea.Batch(r.spinner.Tick, undoCmd(r.s.client, r.s.journal, r.undo.PreparedUndo))
		}
		if key.Matches(msg, r.s.keys.Confirm) && !r.empty() && r.plan.Refused == "" {
			r.phase = submitting
			t := r.s.tickets[r.plan.TicketID]
			return r, tea.Batch(r.spinner.Tick,
				submitCmd(r.s.client, r.s.journal, r.update, r.removals, t, r.s.now()))
		}
		return r, func() tea.Msg { return cancelReviewMsg{} }
	}
	return r, nil
}

// finish records a submit's outcome (the root merged the reloaded ticket already).
func (r *reviewScreen) finish(m submitDoneMsg) {
	r.phase, r.result = submitted, m
}

func (r reviewScreen) View() string {
	st := r.s.styles
	var b strings.Builder
	t := r.s.tickets[r.plan.TicketID]
	b.WriteString(st.Title.Render(fmt.Sprintf("Review #%d  %s", r.plan.TicketID, t.Subject)) + "\n\n")
	if r.phase == submitted {
		return b.String() + r.resultView()
	}
	if r.undo != nil {
		return b.String() + r.undoView()
	}
	if r.plan.Refused != "" {
		b.WriteString(st.Error.Render("Refused: these steps will not be submitted.") + "\n")
		b.WriteString(wrapText(r.plan.Refused, r.s.width-2) + "\n\n")
		b.WriteString(st.Muted.Render("Press any key to go back, then f to plan again."))
		return b.String()
	}
	if r.empty() {
		b.WriteString(st.Muted.Render("Every step was skipped: nothing to submit. Press any key to go back."))
		return b.String()
	}
	for _, rm := range r.removals {
		b.WriteString(st.Label.Render("Membership") + "  " + st.Before.Render(fmt.Sprintf("- %s in %s",
			r.s.userLabel(rm.UserID), r.s.orgLabel(rm.OrganizationID))) + "  (removed first)\n")
	}
	titleW := 0
	for _, s := range r.plan.Steps {
		if s.Accepted && s.Kind != model.StepNote && s.Removal == nil {
			titleW = max(titleW, len([]rune(s.Title)))
		}
	}
	for _, s := range r.plan.Steps {
		if !s.Accepted || s.Kind == model.StepNote || s.Removal != nil { // removals are listed above
			continue
		}
		title := s.Title + strings.Repeat(" ", titleW-len([]rune(s.Title)))
		b.WriteString(diffLine(st, title, orNone(s.Before), orNone(s.After), r.s.width) + "\n")
	}
	if implied := r.implicitOrganization(); implied != "" {
		b.WriteString(st.Warning.Render("Organization  ") + wrapText(implied, r.s.width-14) + "\n")
	}
	if len(r.plan.Manual) > 0 {
		b.WriteString(st.Warning.Render("Still to do by hand: ") + strings.Join(r.plan.Manual, " ") + "\n")
	}
	if r.update.Note != "" {
		// The note can be long; the review shows as much as fits, the rest is on the ticket.
		used := strings.Count(b.String(), "\n") + 3
		room := max(r.s.height-2-used-2, 2)
		lines := strings.Split(wrapText(r.update.Note, r.s.width-4), "\n")
		if len(lines) > room {
			lines = append(lines[:room-1], fmt.Sprintf("… (%d more lines)", len(lines)-room+1))
		}
		b.WriteString(st.Label.Render("Internal note") + st.Muted.Render(" (private)") + "\n")
		b.WriteString(st.Muted.Render(indent(strings.Join(lines, "\n"), "  ")) + "\n")
	}
	b.WriteString("\n")
	if r.phase == submitting {
		b.WriteString(r.spinner.View() + " Submitting to Zendesk…")
	} else {
		b.WriteString(st.Label.Render("y") + " submit with safe_update · any other key cancels")
	}
	return b.String()
}

func (r reviewScreen) resultView() string {
	st := r.s.styles
	m := r.result
	var b strings.Builder
	switch {
	case m.Conflict:
		b.WriteString(st.Warning.Render("Ticket changed in Zendesk since it was loaded — nothing was overwritten.") + "\n")
		if len(m.changes) > 0 {
			b.WriteString("Changed in Zendesk meanwhile:\n")
			for _, c := range m.changes {
				b.WriteString("  • " + indentRest(wrapText(c, r.s.width-6), "    ") + "\n")
			}
		}
		b.WriteString("It has been reloaded and checked again; its current state is in the queue.\nPress f on it to plan a new fix.\n")
	case m.Err != nil:
		label := "Submit failed: "
		if m.undo {
			label = "Undo failed: "
		}
		// The first line carries the label; every line stays inside the width.
		b.WriteString(st.Error.Render(label) + indentRest(wrapText(m.Err.Error(), r.s.width-len(label)-1), "  ") + "\n")
	case m.undo:
		b.WriteString(st.OK.Render("✓ Reverted.") + "\n")
	default:
		b.WriteString(st.OK.Render("✓ Submitted.") + "\n")
	}
	for _, rm := range m.Removed {
		a := fmt.Sprintf("removed %s from %s", r.s.userLabel(rm.UserID), r.s.orgLabel(rm.OrganizationID))
		b.WriteString(st.OK.Render("  applied: ") + indentRest(wrapText(a, r.s.width-13), "             ") + "\n")
	}
	for _, a := range m.Applied {
		b.WriteString(st.OK.Render("  applied: ") + indentRest(wrapText(a, r.s.width-13), "             ") + "\n")
	}
	for _, a := range m.NotApplied {
		b.WriteString(st.Error.Render("  not applied: ") + indentRest(wrapText(a, r.s.width-17), "                 ") + "\n")
	}
	if m.ReloadErr != nil {
		b.WriteString(st.Warning.Render("  could not reload the ticket: ") + m.ReloadErr.Error() + "\n")
	} else if m.Reloaded != nil && !m.Conflict {
		ev := r.s.evals[m.TicketID]
		if len(ev.Findings) == 0 {
			b.WriteString(st.OK.Render("  reloaded: no findings left on this ticket.") + "\n")
		} else {
			kinds := make([]string, len(ev.Findings))
			for i, f := range ev.Findings {
				kinds[i] = string(f.Kind)
			}
			b.WriteString(st.Warning.Render("  reloaded: still "+strings.Join(kinds, ", ")) + "\n")
		}
	}
	b.WriteString("\n" + st.Muted.Render("esc returns to the queue."))
	return b.String()
}

// diffLine renders one changed field as "Field  - before → + after" on one line when it
// fits the width, else on three.
func diffLine(st Styles, title, before, after string, width int) string {
	one := fmt.Sprintf("%s  - %s → + %s", title, before, after)
	if ansi.StringWidth(one) <= width { // cells, not runes: names can be wide
		return st.Label.Render(title) + "  " + st.Before.Render("- "+before) + " → " + st.After.Render("+ "+after)
	}
	return st.Label.Render(strings.TrimRight(title, " ")) + "\n  " + st.Before.Render("- "+before) + "\n  " + st.After.Render("+ "+after)
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// submitCmd carries a plan out (apply.Submit: memberships first, then one safe_update,
// journal, reload). Every value it needs is copied in; it never reads the model.
func submitCmd(c Client, j Journal, upd model.TicketUpdate, removals []model.MembershipRemoval,
	before model.Ticket, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		return submitDoneMsg{Outcome: apply.Submit(ctx, c, j, upd, removals, before, now)}
	}
}
