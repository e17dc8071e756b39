package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/partner-triage/partner-triage/model"
)

// reviewPlanMsg asks the root to show the review of a finished walk-through.
type reviewPlanMsg struct{ plan model.Plan }

// wizardScreen walks the agent through a fix plan one step at a time: each step shows
// before → after and is accepted (space), skipped (n) or edited (e) before the review.
type wizardScreen struct {
	s        *session
	ticketID int64
	plan     model.Plan
	opts     model.PlanOptions
	decided  map[model.StepKind]bool // the agent's choices so far, kept across re-planning
	step     int
	editing  bool
	input    textinput.Model
	// asking names the addresses Zendesk is being asked about (people.go); the plan and the
	// keys typed meanwhile (queued) wait for the answer.
	asking string
	queued []tea.KeyMsg
}

func newWizardScreen(s *session) *wizardScreen {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 254
	s.styles.Input(&in)
	return &wizardScreen{s: s, input: in}
}

// start plans the fix for a ticket from scratch.
func (w *wizardScreen) start(id int64) {
	w.ticketID, w.step, w.editing, w.asking, w.queued = id, 0, false, "", nil
	w.opts = model.PlanOptions{}
	w.decided = map[model.StepKind]bool{}
	w.replan()
}

// replan rebuilds the plan from the current options (after an edit), keeping earlier choices.
func (w *wizardScreen) replan() {
	t := w.s.tickets[w.ticketID]
	w.plan = model.BuildPlan(w.s.rules, t, w.s.evals[w.ticketID], w.s.dir, w.opts)
	for i := range w.plan.Steps {
		if v, ok := w.decided[w.plan.Steps[i].Kind]; ok {
			w.plan.Steps[i].Accepted = v
		}
	}
	w.plan.RefreshNote()
	if w.step > len(w.plan.Steps) {
		w.step = len(w.plan.Steps)
	}
}

// CapturesKeys reports whether typed keys belong to the edit line.
func (w *wizardScreen) CapturesKeys() bool { return w.editing }

// SetSize is a no-op: the wizard draws to the session's width.
func (w *wizardScreen) SetSize(int, int) {}

// ShortHelp is the wizard's help line.
func (w *wizardScreen) ShortHelp() []key.Binding {
	k := w.s.keys
	return []key.Binding{k.Accept, k.Skip, k.Edit, k.Back, k.Help}
}

// FullHelp is the wizard's `?` help.
func (w *wizardScreen) FullHelp() [][]key.Binding {
	k := w.s.keys
	prev := key.NewBinding(key.WithKeys(k.Up.Keys()...), key.WithHelp(k.Up.Help().Key, "previous step"))
	return [][]key.Binding{{k.Accept, k.Skip, k.Edit, prev}, {k.Back, k.Help, k.Quit}}
}

// Update satisfies the screen contract with handle, its value-style Update.
func (w *wizardScreen) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	*w, cmd = w.handle(msg)
	return cmd
}

func (w wizardScreen) handle(msg tea.Msg) (wizardScreen, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		if w.editing {
			var cmd tea.Cmd
			w.input, cmd = w.input.Update(msg)
			return w, cmd
		}
		return w, nil
	}
	if w.editing {
		switch {
		case key.Matches(km, w.s.keys.InputDone):
			w.editing = false
			w.input.Blur()
			w.applyEdit(strings.TrimSpace(w.input.Value()))
			return w, nil
		case key.Matches(km, w.s.keys.Back):
			w.editing = false
			w.input.Blur()
			return w, nil
		}
		var cmd tea.Cmd
		w.input, cmd = w.input.Update(msg)
		return w, cmd
	}
	if w.asking != "" && !key.Matches(km, w.s.keys.Back) {
		w.queued = append(w.queued, km) // the plan waits for Zendesk: keys typed ahead wait too
		return w, nil
	}
	if key.Matches(km, w.s.keys.Back) {
		w.s.emit(showDetailMsg{id: w.ticketID, status: "fix abandoned: nothing was sent"})
		return w, nil
	}
	if w.plan.Refused != "" || len(w.plan.Steps) == 0 {
		// Only esc (handled above) leaves a refused or empty plan — or, when the
		// customer's address is unknown, e to type the address the submitter gave.
		if key.Matches(km, w.s.keys.Edit) && (w.canEnterEmail() || w.opts.OrgEmail != "") {
			w.editing = true
			w.input.SetValue(w.s.evals[w.ticketID].OrgEmail)
			if w.opts.OrgEmail != "" {
				w.input.SetValue(w.opts.OrgEmail)
			}
			w.input.CursorEnd()
			return w, w.input.Focus()
		}
		return w, nil
	}
	switch {
	case key.Matches(km, w.s.keys.Accept):
		return w.decide(true)
	case key.Matches(km, w.s.keys.Skip):
		return w.decide(false)
	case key.Matches(km, w.s.keys.Edit):
		if w.step < len(w.plan.Steps) && w.plan.Steps[w.step].Editable {
			w.editing = true
			w.input.SetValue(w.editValue())
			w.input.CursorEnd()
			return w, w.input.Focus()
		}
	case key.Matches(km, w.s.keys.Up):
		if w.step > 0 {
			w.step--
		}
	}
	return w, nil
}

// decide records the choice for the current step and moves on; after the last step it
// hands the plan to the review.
func (w wizardScreen) decide(accept bool) (wizardScreen, tea.Cmd) {
	st := &w.plan.Steps[w.step]
	st.Accepted = accept
	w.decided[st.Kind] = accept
	w.plan.RefreshNote() // the note follows the steps the agent keeps
	w.step++
	if w.step >= len(w.plan.Steps) {
		plan := w.plan
		w.step = len(w.plan.Steps) - 1
		return w, func() tea.Msg { return reviewPlanMsg{plan: plan} }
	}
	return w, nil
}

// canEnterEmail: a plan without steps for an unknown customer address can be rebuilt from
// an address the agent types (after asking the submitter, as the handbook says).
func (w wizardScreen) canEnterEmail() bool {
	for _, f := range w.s.evals[w.ticketID].Findings {
		if f.Kind == model.KindCustomerEmailUnknown {
			return true
		}
	}
	return false
}

// editValue is the text the edit line starts from.
func (w wizardScreen) editValue() string {
	st := w.plan.Steps[w.step]
	switch st.Kind {
	case model.StepOrgEmail:
		return st.OrgEmail
	case model.StepRequester:
		if st.NewRequester != nil {
			return st.NewRequester.Name
		}
	case model.StepNote:
		return st.Note
	}
	return st.After
}

// applyEdit feeds an edited value back into the plan. A new Organization Email re-plans
// the requester and organization from that address.
func (w *wizardScreen) applyEdit(v string) {
	if v == "" {
		return
	}
	if len(w.plan.Steps) == 0 {
		w.opts.OrgEmail = v // a corrected address typed for an unknown customer
		w.askThenReplan(v)
		return
	}
	st := &w.plan.Steps[w.step]
	switch st.Kind {
	case model.StepOrgEmail:
		w.opts.OrgEmail = v
		w.askThenReplan(v)
	case model.StepRequester:
		w.opts.NewRequesterName = v
		w.replan()
	case model.StepNote:
		st.Note, st.After = v, v
	}
}

func (w wizardScreen) View() string {
	st := w.s.styles
	if w.asking != "" {
		return w.askingView() // people.go: no plan (and no "Fix #") before Zendesk answers
	}
	var b strings.Builder
	t := w.s.tickets[w.ticketID]
	b.WriteString(st.Title.Render(fmt.Sprintf("Fix #%d  %s", t.ID, t.Subject)) + "\n\n")
	if w.plan.Refused != "" {
		b.WriteString(st.Error.Render("This fix is refused and will not be submitted:") + "\n")
		hint := "esc goes back."
		if w.opts.OrgEmail != "" {
			hint = "e corrects the address you typed · esc goes back."
		}
		b.WriteString(wrapText(w.plan.Refused, w.s.width-2) + "\n\n" + st.Muted.Render(hint))
		return b.String()
	}
	if len(w.plan.Steps) == 0 {
		if len(w.plan.Manual) > 0 {
			b.WriteString(st.Warning.Render("partner-triage cannot fix this itself; by hand:") + "\n")
			b.WriteString(manualList(w.plan.Manual, w.s.width) + "\n\n")
			if w.editing {
				b.WriteString("Corrected Organization Email (partners):\n" + w.input.View() + "\n")
			} else if w.canEnterEmail() {
				b.WriteString(st.Muted.Render("e enters the corrected address · esc goes back."))
			} else {
				b.WriteString(st.Muted.Render("esc goes back."))
			}
			return b.String()
		}
		b.WriteString(st.OK.Render("Nothing to fix: the ticket already follows the handbook.") + "\n\n" + st.Muted.Render("esc goes back."))
		return b.String()
	}
	for i, s := range w.plan.Steps {
		mark := "  "
		switch {
		case i == w.step:
			mark = "▸ "
		case i < w.step && s.Accepted:
			mark = "✓ "
		case i < w.step:
			mark = "✗ "
		}
		label := fmt.Sprintf("%s%d. %s", mark, i+1, s.Title)
		if i == w.step {
			label = st.StepActive.Render(label)
		} else if i > w.step {
			label = st.Muted.Render(label)
		}
		b.WriteString(label + "\n")
	}
	cur := w.plan.Steps[w.step]
	var box strings.Builder
	box.WriteString(st.Label.Render(cur.Title) + "\n")
	if cur.Why != "" {
		box.WriteString(st.Muted.Render(wrapText(cur.Why, w.s.width-6)) + "\n")
	}
	box.WriteString(st.Before.Render("- "+orNone(cur.Before)) + "\n")
	box.WriteString(st.After.Render("+ " + orNone(cur.After)))
	if w.editing {
		box.WriteString("\n" + w.input.View())
	}
	b.WriteString("\n" + st.Box.Width(max(w.s.width-4, 20)).Render(box.String()))
	if len(w.plan.Manual) > 0 {
		b.WriteString("\n" + st.Warning.Render("Also, by hand:") + "\n" + manualList(w.plan.Manual, w.s.width))
	}
	return b.String()
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

// manualList renders what the agent must do by hand, one bullet each.
func manualList(items []string, width int) string {
	out := make([]string, len(items))
	for i, m := range items {
		out[i] = "• " + indentRest(wrapText(m, width-4), "  ")
	}
	return strings.Join(out, "\n")
}
