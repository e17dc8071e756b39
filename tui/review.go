package tui

import (
	"context"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
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
	// undoID is the journal entry this submit wrote when an undo can revert it (0: none, e.g.
	// it only removed memberships, which are never restored); u on the result undoes exactly it.
	undoID int
	// undoWhyNot says why the change just made cannot be undone although it changed the
	// ticket (the handbook's rule keeps it): the result says so instead of offering u.
	undoWhyNot string
}

// undoEntryMsg asks the root to prepare the undo of one journal entry (the result's u).
type undoEntryMsg struct{ id int }

// cancelReviewMsg tells the root the agent backed out of the review; nothing was sent.
type cancelReviewMsg struct{ undo, ask bool }

type reviewPhase int

const (
	reviewing reviewPhase = iota
	submitting
	submitted
)

// reviewScreen shows the whole diff of a plan (or of an undo), submits it on y/enter, goes
// back to the wizard with every choice kept on b, cancels on esc, scrolls on j/k, and
// then shows the result.
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
	// ask is set when the screen reviews a question to the submitter (tui/ask.go).
	ask bool
	// asked holds the tickets a question was sent to in this session (`a` warns before
	// asking one again).
	asked  map[int64]bool
	vp     viewport.Model
	width  int
	height int
}

func newReviewScreen(s *session) *reviewScreen {
	sp := spinner.New(spinner.WithSpinner(spinner.Dot))
	s.styles.Spinner(&sp)
	return &reviewScreen{s: s, spinner: sp, vp: viewport.New(80, 10), width: 80, height: 22, asked: map[int64]bool{}}
}

// CapturesKeys: the review answers its own keys; q and ? keep working.
func (r *reviewScreen) CapturesKeys() bool { return false }

// Busy refuses to quit while a submit is in flight: quitting could leave a fix
// half-applied and unjournaled.
func (r *reviewScreen) Busy() string {
	if r.phase == submitting {
		return "submitting — quit when Zendesk has answered"
	}
	return ""
}

// SetSize gives the review its body size in cells.
func (r *reviewScreen) SetSize(width, height int) {
	r.width, r.height = max(width, 20), max(height, 3)
}

// canSubmit reports whether y/enter sends something.
func (r *reviewScreen) canSubmit() bool {
	return r.phase == reviewing && (r.undo != nil || !r.empty() && r.plan.Refused == "")
}

// undoable: the result is a fix that was applied and journaled with something an undo can
// revert, so u reverts it (that journal entry, never another ticket's).
func (r *reviewScreen) undoable() bool {
	m := r.result
	return r.phase == submitted && !m.undo && m.Err == nil && !m.Conflict && m.undoID != 0
}

// bindings returns the review's keys, each enabled only where it works.
func (r *reviewScreen) bindings() (confirm, back, cancel, up, down, done, undo key.Binding) {
	k := r.s.keys
	confirm, back, up, down, undo = k.Submit, k.BackToFix, k.ScrollUp, k.ScrollDown, k.Undo
	cancel = key.NewBinding(key.WithKeys(k.Back.Keys()...), key.WithHelp(k.Back.Help().Key, "cancel"))
	done = key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("esc/enter", "queue"))
	if r.ask {
		back.SetHelp(k.BackToFix.Help().Key, "back to the reply")
	}
	if r.undo != nil {
		confirm.SetHelp(k.Submit.Help().Key, "revert")
	} else if r.ask {
		confirm.SetHelp(k.Submit.Help().Key, "send")
	} else {
		confirm.SetHelp(k.Submit.Help().Key, "submit")
	}
	confirm.SetEnabled(r.canSubmit())
	back.SetEnabled(r.phase == reviewing && r.undo == nil)
	cancel.SetEnabled(r.phase == reviewing)
	up.SetEnabled(r.phase != submitting && !r.vp.AtTop())
	down.SetEnabled(r.phase != submitting && !r.vp.AtBottom())
	done.SetEnabled(r.phase == submitted)
	undo.SetHelp(k.Undo.Help().Key, "undo it")
	undo.SetEnabled(r.undoable())
	return
}

// ShortHelp is the review's help line: only the keys that work now.
func (r *reviewScreen) ShortHelp() []key.Binding {
	confirm, back, cancel, _, down, done, undo := r.bindings()
	return []key.Binding{confirm, back, cancel, down, done, undo, r.s.keys.Help, r.s.keys.Quit}
}

// FullHelp is the review's `?` help.
func (r *reviewScreen) FullHelp() [][]key.Binding {
	confirm, back, cancel, up, down, done, undo := r.bindings()
	// The full help lists scrolling wherever it works, whatever the position (the marker
	// under the diff says what is below).
	up.SetEnabled(r.phase != submitting)
	down.SetEnabled(r.phase != submitting)
	return [][]key.Binding{{confirm, back, cancel}, {up, down}, {done, undo, r.s.keys.Help, r.s.keys.Quit}}
}

// Update handles the submit spinner and the review's keys.
func (r *reviewScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if r.phase != submitting {
			return nil
		}
		var cmd tea.Cmd
		r.spinner, cmd = r.spinner.Update(msg)
		return cmd
	case tea.KeyMsg:
		confirm, back, cancel, up, down, done, undo := r.bindings()
		switch {
		case key.Matches(msg, confirm) && r.undo != nil:
			r.phase = submitting
			return tea.Batch(r.spinner.Tick, undoCmd(r.s.client, r.s.journal, r.undo.PreparedUndo))
		case key.Matches(msg, confirm):
			r.phase = submitting
			t := r.s.tickets[r.plan.TicketID]
			return tea.Batch(r.spinner.Tick,
				submitCmd(r.s.client, r.s.journal, r.update, r.removals, t, r.s.now(), r.s.rules))
		case key.Matches(msg, back) && r.ask:
			r.s.emit(resumeAskMsg{})
		case key.Matches(msg, back):
			r.s.emit(resumeFixMsg{})
		case key.Matches(msg, cancel):
			r.s.emit(cancelReviewMsg{undo: r.undo != nil, ask: r.ask})
		case key.Matches(msg, up):
			r.vp.ScrollUp(1)
		case key.Matches(msg, down):
			r.vp.ScrollDown(1)
		case key.Matches(msg, done):
			r.s.emit(showQueueMsg{})
		case key.Matches(msg, undo):
			r.s.emit(undoEntryMsg{id: r.result.undoID})
		case r.phase == submitted && key.Matches(msg, r.s.keys.Undo):
			// Not the journal's newest change instead: that may be another ticket's.
			say := "nothing to undo here"
			if r.result.undoWhyNot != "" {
				say = "nothing to undo: " + r.result.undoWhyNot
			} else if len(r.result.Removed) > 0 {
				say = "nothing to undo: removed memberships are never restored"
			}
			r.s.emit(statusMsg{text: say})
		}
	}
	return nil
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
	r.plan, r.phase, r.result, r.undo, r.ask = p, reviewing, submitDoneMsg{}, nil, false
	r.update, r.removals = p.Compile(r.s.rules)
	r.vp.GotoTop()
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
	r.phase, r.result, r.undo, r.ask = reviewing, submitDoneMsg{}, &u, false
	r.update, r.removals = u.Plan.Update, nil
	r.vp.GotoTop()
}

// showAsk prepares the review of a question to the submitter: exactly the update that will
// be sent (the status change is a plan step, so the result lists it like a fix's).
func (r *reviewScreen) showAsk(u model.TicketUpdate) {
	t := r.s.tickets[u.TicketID]
	r.plan = model.Plan{TicketID: u.TicketID, UpdatedStamp: u.UpdatedStamp}
	if u.Status != "" {
		r.plan.Steps = []model.Step{{Title: "Status", Before: t.Status, After: u.Status, Accepted: true}}
	}
	for _, cc := range u.AddEmailCCs { // the submitter, so the question reaches them
		r.plan.Steps = append(r.plan.Steps, model.Step{Title: "Email CC", After: r.s.userLabel(cc.UserID) + " (the submitter)", Accepted: true})
	}
	r.phase, r.result, r.undo, r.ask = reviewing, submitDoneMsg{}, nil, true
	r.update, r.removals = u, nil
	r.vp.GotoTop()
}

// askView is the review of a question: the status change, then the public reply whole.
func (r *reviewScreen) askView() string {
	st := r.s.styles
	t := r.s.tickets[r.update.TicketID]
	var b strings.Builder
	if r.update.Status != "" {
		b.WriteString(diffLine(st, "Status", orNone(t.Status), r.update.Status, r.width) + "\n")
	} else {
		b.WriteString(st.Muted.Render("Status stays "+orNone(t.Status)) + "\n")
	}
	for _, cc := range r.update.AddEmailCCs { // the submitter, so the question reaches them
		b.WriteString(diffLine(st, "Email CC", "(not on the ticket)", r.s.userLabel(cc.UserID)+" (the submitter)", r.width) + "\n")
	}
	b.WriteString(st.Label.Render("Public reply") + "\n")
	b.WriteString(st.Muted.Render(indent(wrapText("seen by the requester "+r.s.userLabel(t.RequesterID)+" and the ticket's CCs; once sent it cannot be unsent", r.width-4), "  ")) + "\n\n")
	b.WriteString(indent(wrapText(r.update.PublicReply, r.width-4), "  "))
	return b.String()
}

// empty reports whether the accepted steps change nothing.
func (r reviewScreen) empty() bool { return r.update.IsEmpty() && len(r.removals) == 0 }

// finish records a submit's outcome (the root merged the reloaded ticket already).
func (r *reviewScreen) finish(m submitDoneMsg) {
	r.phase, r.result = submitted, m
	if r.ask && !m.undo && (len(m.Applied) > 0 || m.Unknown) {
		r.asked[m.TicketID] = true
	}
	r.vp.GotoTop()
}

// View draws the review: title, then the diff (or the result) scrolling under it with a
// marker when more is below.
func (r *reviewScreen) View() string {
	st := r.s.styles
	t := r.s.tickets[r.plan.TicketID]
	what := "Review"
	if r.phase == submitted {
		what = "Result"
	}
	head := st.Title.Render(truncate(fmt.Sprintf("%s #%d  %s", what, r.plan.TicketID, oneLine(t.Subject)), r.width)) + "\n\n"
	var body, foot string
	switch {
	case r.phase == submitted:
		body = r.resultView()
	case r.undo != nil:
		body = r.undoView()
	case r.ask:
		body = r.askView()
	default:
		body = r.diffView()
	}
	if r.phase == submitting {
		what := " Submitting to Zendesk…"
		if r.undo != nil {
			what = " Reverting in Zendesk…"
		}
		foot = r.spinner.View() + what
	}
	room := r.height - 2
	if foot != "" {
		room -= lipgloss.Height(foot)
	}
	room = max(room, 2)
	r.vp.Width, r.vp.Height = r.width, room
	r.vp.SetContent(body)
	if r.vp.TotalLineCount() > room {
		r.vp.Height = room - 1
		marker := moreMarker(st, r.vp, "j")
		body = r.vp.View() + "\n" + marker
	}
	if foot != "" {
		body += "\n" + foot
	}
	return head + body
}

func (r *reviewScreen) diffView() string {
	st := r.s.styles
	var b strings.Builder
	if r.plan.Refused != "" {
		b.WriteString(st.Error.Render("Refused: these steps will not be submitted.") + "\n")
		b.WriteString(wrapText(r.plan.Refused, r.width-2) + "\n\n")
		b.WriteString(st.Muted.Render(wrapText("b goes back to the steps to change them; esc cancels.", r.width-2)))
		return b.String()
	}
	if r.empty() {
		b.WriteString(st.Muted.Render(wrapText("Every step was skipped: nothing to submit. b goes back to the steps; esc cancels.", r.width-2)))
		return b.String()
	}
	for _, w := range r.plan.Warnings {
		b.WriteString(st.Warning.Render(wrapHanging("⚠ "+w, r.width-2, "  ")) + "\n")
	}
	if len(r.plan.Warnings) > 0 {
		b.WriteString("\n")
	}
	for _, rm := range r.removals {
		b.WriteString(diffLine(st, "Membership", fmt.Sprintf("%s in %s", r.s.userLabel(rm.UserID), r.s.orgLabel(rm.OrganizationID)),
			"removed (first)", r.width) + "\n")
	}
	titleW := 0
	for _, s := range r.plan.Steps {
		if s.Accepted && s.Kind != model.StepNote && s.Removal == nil {
			titleW = max(titleW, lipgloss.Width(s.Title))
		}
	}
	for _, s := range r.plan.Steps {
		if !s.Accepted || s.Kind == model.StepNote || s.Removal != nil { // removals are listed above
			continue
		}
		title := s.Title + strings.Repeat(" ", titleW-lipgloss.Width(s.Title))
		b.WriteString(diffLine(st, title, orNone(s.Before), orNone(s.After), r.width) + "\n")
	}
	if implied := r.implicitOrganization(); implied != "" {
		b.WriteString(st.Warning.Render("Organization  ") + indentRest(wrapText(implied, r.width-14), "              ") + "\n")
	}
	if len(r.plan.Manual) > 0 {
		b.WriteString(st.Warning.Render("Still to do by hand:") + "\n" + manualList(r.plan.Manual, r.width) + "\n")
		if r.plan.Ask != nil {
			b.WriteString(st.Label.Render(wrapText("a on the queue asks the submitter.", r.width-2)) + "\n")
		}
	}
	if r.update.Note != "" { // whole: it is what the ticket will say
		b.WriteString(st.Label.Render("Internal note") + st.Muted.Render(" (private)") + "\n")
		b.WriteString(st.Muted.Render(indent(wrapText(r.update.Note, r.width-4), "  ")))
	}
	return strings.TrimRight(b.String(), "\n")
}

func (r *reviewScreen) resultView() string {
	st := r.s.styles
	m := r.result
	w := r.width
	var b strings.Builder
	switch {
	case m.Conflict:
		b.WriteString(st.Warning.Render(wrapText("Ticket changed in Zendesk since it was loaded — nothing was overwritten.", w-2)) + "\n")
		if len(m.changes) > 0 {
			b.WriteString("Changed in Zendesk meanwhile:\n")
			for _, c := range m.changes {
				b.WriteString("  • " + indentRest(wrapText(c, w-6), "    ") + "\n")
			}
		}
		b.WriteString(wrapText("It has been reloaded and checked again; its current state is in the queue. Press f on it to plan a new fix.", w-2) + "\n")
	case m.Err != nil:
		label := "Submit failed:"
		if m.undo {
			label = "Undo failed:"
		}
		b.WriteString(st.Error.Render(label) + "\n" + indent(wrapText(m.Err.Error(), w-4), "  ") + "\n")
	case m.undo:
		b.WriteString(st.OK.Render("✓ Reverted.") + "\n")
	default:
		b.WriteString(st.OK.Render("✓ Submitted.") + "\n")
	}
	for _, rm := range m.Removed {
		a := fmt.Sprintf("✓ removed %s from %s", r.s.userLabel(rm.UserID), r.s.orgLabel(rm.OrganizationID))
		b.WriteString(st.OK.Render(indent(wrapText(a, w-4), "  ")) + "\n")
	}
	if len(m.Applied) > 0 && !m.undo && r.undo == nil {
		// What the review showed, now on the ticket, in the review's words.
		for _, s := range r.plan.Steps {
			if s.Accepted && s.Removal == nil && s.Kind != model.StepNote {
				b.WriteString(st.OK.Render(indent(wrapText("✓ "+s.Title+": "+orNone(s.After), w-4), "  ")) + "\n")
			}
		}
		if r.update.Note != "" {
			b.WriteString(st.OK.Render("  ✓ internal note added") + "\n")
		}
		if r.update.PublicReply != "" {
			b.WriteString(st.OK.Render("  ✓ public reply sent to the requester") + "\n")
		}
	} else if len(m.Applied) > 0 && r.undo != nil {
		for _, d := range r.undo.Plan.Diff { // the undo review's words
			b.WriteString(st.OK.Render(indent(wrapText("✓ "+d.Field+": "+orNone(d.After), w-4), "  ")) + "\n")
		}
		if r.undo.Plan.Unsendable != "" {
			b.WriteString(st.OK.Render("  ✓ internal note added: the question is withdrawn") + "\n")
		}
	} else {
		for _, a := range m.Applied {
			b.WriteString(st.OK.Render(indent(wrapText("✓ "+a, w-4), "  ")) + "\n")
		}
	}
	for _, a := range m.NotApplied {
		b.WriteString(st.Error.Render(indent(wrapText("not applied: "+a, w-4), "  ")) + "\n")
	}
	if say := r.undoNote(); say != "" {
		b.WriteString(st.Muted.Render(indent(wrapText(say, w-4), "  ")) + "\n")
	}
	if m.ReloadErr != nil {
		b.WriteString(st.Warning.Render(indent(wrapText("could not reload the ticket: "+m.ReloadErr.Error(), w-4), "  ")) + "\n")
	} else if m.Reloaded != nil && !m.Conflict && !r.ask {
		ev := r.s.evals[m.TicketID]
		switch {
		case len(ev.Findings) == 0 && ev.NeedsAsking():
			// No finding, but no handbook example fits either (an ask undone, say): not "done".
			b.WriteString(st.Warning.Render(indent(wrapText("Reloaded: no findings, but no handbook example fits: a asks the submitter", w-4), "  ")) + "\n")
		case len(ev.Findings) == 0:
			b.WriteString(st.OK.Render("  Reloaded: no findings left on this ticket.") + "\n")
		default:
			kinds := make([]string, len(ev.Findings))
			for i, f := range ev.Findings {
				kinds[i] = string(f.Kind)
			}
			b.WriteString(st.Warning.Render(indent(wrapText("Reloaded: still "+strings.Join(kinds, ", "), w-4), "  ")) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// undoNote says, on the result of a fix, what undo can and cannot set back ("" when there is
// nothing to say).
func (r *reviewScreen) undoNote() string {
	m := r.result
	if m.undo || m.Conflict || len(m.Applied) == 0 && len(m.Removed) == 0 {
		return ""
	}
	switch {
	case m.undoID != 0 && r.ask && len(r.update.AddEmailCCs) > 0:
		return "u sets the status back, takes the submitter off the CCs and adds an internal note that the question is withdrawn; the public reply itself cannot be unsent."
	case m.undoID != 0 && r.ask:
		return "u sets the status back and adds an internal note that the question is withdrawn; the public reply itself cannot be unsent."
	case m.undoID != 0 && len(m.Removed) > 0:
		return "u sets the ticket back; removed memberships are never restored (restoring one would break the handbook's rule)."
	case m.undoID != 0:
		return ""
	case m.undoWhyNot != "":
		return "Nothing to undo: " + m.undoWhyNot
	case len(m.Removed) > 0:
		return "Nothing to undo: removed memberships are never restored (restoring one would break the handbook's rule), and the internal note stays on the ticket."
	}
	return "Nothing to undo: the internal note stays on the ticket."
}

// diffLine renders one changed field as "Field  - before → + after" on one line when it
// fits the width, else as the field's name over the before and after values, each wrapped
// to the width in cells (never cut: a cut address reads as a mistyped one).
func diffLine(st Styles, title, before, after string, width int) string {
	one := fmt.Sprintf("%s  - %s → + %s", title, before, after)
	if ansi.StringWidth(one) <= width { // cells, not runes: names can be wide
		return st.Label.Render(title) + "  " + st.Before.Render("- "+before) + " → " + st.After.Render("+ "+after)
	}
	return st.Label.Render(wrapText(strings.TrimRight(title, " "), width)) + "\n" +
		st.Before.Render(indent(wrapHanging("- "+before, width-2, "  "), "  ")) + "\n" +
		st.After.Render(indent(wrapHanging("+ "+after, width-2, "  "), "  "))
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// submitCmd carries a plan out (apply.Submit: memberships first, then one safe_update,
// journal, reload). Every value it needs is copied in; it never reads the model. u is
// offered on the result only when the undo would be allowed against the reloaded ticket
// (apply.CheckUndo), so it never offers what the handbook's rule refuses.
func submitCmd(c Client, j Journal, upd model.TicketUpdate, removals []model.MembershipRemoval,
	before model.Ticket, now time.Time, rules model.RuleConfig) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		out := apply.Submit(ctx, c, j, upd, removals, before, now, apply.FieldNames(rules))
		msg := submitDoneMsg{Outcome: out}
		e, ok := revertibleEntry(j, out, now)
		switch {
		case !ok:
		case out.Reloaded == nil:
			msg.undoID = e.ID // the reload failed: u reads the ticket again and decides then
		default:
			if err := apply.CheckUndo(ctx, c, rules, e, *out.Reloaded); err != nil {
				msg.undoWhyNot = strings.TrimPrefix(err.Error(), fmt.Sprintf("undo of ticket #%d: ", e.TicketID))
			} else {
				msg.undoID = e.ID
			}
		}
		return msg
	}
}

// revertibleEntry finds the journal entry a submit just wrote (its ticket, its time) when
// an undo can revert something of it.
func revertibleEntry(j Journal, out apply.Outcome, at time.Time) (model.JournalEntry, bool) {
	if j == nil || out.Err != nil || out.Conflict || out.Unknown || len(out.Applied) == 0 {
		return model.JournalEntry{}, false
	}
	entries, err := apply.Entries(j)
	if err != nil {
		return model.JournalEntry{}, false
	}
	for _, e := range entries { // newest first
		if e.TicketID == out.TicketID && e.Time.Equal(at) {
			return e, e.Revertible()
		}
	}
	return model.JournalEntry{}, false
}
