package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/partner-triage/partner-triage/model"
)

// reviewPlanMsg asks the root to show the review of a finished walk-through.
type reviewPlanMsg struct{ plan model.Plan }

// wizardEdit is what the wizard's edit field is editing.
type wizardEdit int

const (
	editNone wizardEdit = iota
	editLine            // a one-line value (an address, a name) in the text input
	editNote            // the internal note in the multi-line text area
)

// wizardScreen walks the agent through a fix plan one step at a time (rules.md, "Fix
// plans"): each step shows before → after first, then the passage that calls for it, and
// is accepted as proposed (space), skipped (n) or edited (e); enter accepts every remaining
// step as proposed and goes to the review. A CC step is a toggle: space keeps what the plan
// proposes, e turns it on or off. What does not fit the height scrolls (pgdn/pgup).
type wizardScreen struct {
	s        *session
	ticketID int64
	plan     model.Plan
	opts     model.PlanOptions
	// base is the reading the agent started from when they took the other one (t), so t
	// takes them back; nil while on the first reading.
	base *model.PlanOptions
	// decided holds the agent's choices so far by step kind and title, kept across
	// re-planning (an edited address) and a return from the review.
	decided map[string]bool
	step    int
	editing wizardEdit
	input   textinput.Model
	note    textarea.Model
	vp      viewport.Model
	width   int
	height  int
	// asking names the addresses Zendesk is being asked about (people.go); the plan and the
	// keys typed meanwhile (queued) wait for the answer.
	asking string
	queued []tea.KeyMsg
	// noteEdit is the note as the agent edited it ("" while untouched), kept across
	// re-planning; noteFrom is the generated note it was edited from, and noteStale says the
	// generated part changed since, so the edit may need a look.
	noteEdit, noteFrom string
	noteStale          bool
}

func newWizardScreen(s *session) *wizardScreen {
	in := textinput.New()
	in.Prompt = "› "
	ta := textarea.New()
	ta.ShowLineNumbers = false
	ta.CharLimit = 0 // the note is never cut
	ta.MaxHeight = 0
	ta.Prompt = ""
	s.styles.Input(&in)
	s.styles.TextArea(&ta)
	return &wizardScreen{s: s, input: in, note: ta, vp: viewport.New(80, 10), width: 80, height: 22}
}

// start plans the fix for a ticket from scratch.
func (w *wizardScreen) start(id int64) {
	w.ticketID, w.step, w.editing, w.asking, w.queued = id, 0, editNone, "", nil
	w.opts, w.base = model.PlanOptions{}, nil
	w.decided = map[string]bool{}
	w.noteEdit, w.noteFrom, w.noteStale = "", "", false
	w.replan()
}

// refreshNote makes the note step follow the steps the agent keeps, except that a note the
// agent edited is never dropped: it stays, and when the generated part changed since the
// edit the wizard says it may need a look.
func (w *wizardScreen) refreshNote() {
	w.plan.RefreshNote()
	if w.noteEdit == "" {
		return
	}
	if w.plan.GeneratedNote() != w.noteFrom {
		w.noteStale = true
	}
	for i := range w.plan.Steps {
		if s := &w.plan.Steps[i]; s.Kind == model.StepNote {
			s.Note, s.After = w.noteEdit, w.noteEdit
		}
	}
}

func decisionKey(s model.Step) string { return string(s.Kind) + "\x00" + s.Title }

// replan rebuilds the plan from the current options (after an edit), keeping earlier choices.
func (w *wizardScreen) replan() {
	t := w.s.tickets[w.ticketID]
	w.plan = model.BuildPlan(w.s.rules, t, w.s.evals[w.ticketID], w.s.dir, w.opts)
	for i := range w.plan.Steps {
		if v, ok := w.decided[decisionKey(w.plan.Steps[i])]; ok {
			w.plan.Steps[i].Accepted = v
		}
	}
	w.refreshNote()
	if w.step >= len(w.plan.Steps) {
		w.step = max(len(w.plan.Steps)-1, 0)
	}
	w.vp.GotoTop()
}

// CapturesKeys reports whether typed keys belong to the edit field.
func (w *wizardScreen) CapturesKeys() bool { return w.editing != editNone }

// SetSize gives the wizard its body size in cells.
func (w *wizardScreen) SetSize(width, height int) {
	w.width, w.height = max(width, 20), max(height, 3)
}

// walking reports whether there are steps to walk (not refused, not empty).
func (w *wizardScreen) walking() bool { return w.plan.Refused == "" && len(w.plan.Steps) > 0 }

// canType reports whether e opens the address field on a plan without steps.
func (w *wizardScreen) canType() bool {
	return !w.walking() && (w.canEnterEmail() || w.opts.OrgEmail != "")
}

// bindings returns the keys that work in the wizard's current state, each enabled or not,
// so the help line and `?` list exactly what works (key.Binding.SetEnabled).
func (w *wizardScreen) bindings() (accept, skip, edit, all, prev, other, up, down, keep, done, cancel, back key.Binding) {
	k := w.s.keys
	accept, skip, edit, all, prev, other = k.Accept, k.Skip, k.Edit, k.AcceptAll, k.PrevStep, k.OtherReading
	// Short words: the help line must fit 80 columns with every key that works.
	accept.SetHelp(k.Accept.Help().Key, "accept")
	skip.SetHelp(k.Skip.Help().Key, "skip")
	edit.SetHelp(k.Edit.Help().Key, "edit")
	all.SetHelp(k.AcceptAll.Help().Key, "accept all")
	other.SetHelp(k.OtherReading.Help().Key, "other reading")
	up = key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "scroll up"))
	down = key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "more"))
	keep, done = k.KeepNote, k.InputDone
	cancel = key.NewBinding(key.WithKeys(k.Back.Keys()...), key.WithHelp(k.Back.Help().Key, "cancel edit"))
	back = key.NewBinding(key.WithKeys(k.Back.Keys()...), key.WithHelp(k.Back.Help().Key, "cancel"))

	editing := w.editing != editNone
	walking := w.walking() && !editing
	var cur model.Step
	if walking {
		cur = w.plan.Steps[w.step]
	}
	accept.SetEnabled(walking)
	skip.SetEnabled(walking)
	all.SetEnabled(walking)
	prev.SetEnabled(walking && w.step > 0)
	other.SetEnabled(!editing && w.plan.Refused == "" && (w.plan.OtherReading != nil || w.base != nil))
	switch {
	case walking && cur.Toggle && cur.Accepted:
		edit.SetHelp(k.Edit.Help().Key, "turn off")
	case walking && cur.Toggle:
		edit.SetHelp(k.Edit.Help().Key, "turn on")
	case walking && cur.Kind == model.StepNote:
		edit.SetHelp(k.Edit.Help().Key, "edit note")
	case !walking && !editing:
		edit.SetHelp(k.Edit.Help().Key, "type the address")
	}
	edit.SetEnabled(walking && (cur.Editable || cur.Toggle) || !w.walking() && !editing && w.canType())
	up.SetEnabled(!editing && !w.vp.AtTop())
	down.SetEnabled(!editing && !w.vp.AtBottom())
	keep.SetEnabled(w.editing == editNote)
	done.SetEnabled(w.editing == editLine)
	cancel.SetEnabled(editing)
	back.SetEnabled(!editing)
	if w.base != nil {
		other.SetHelp(k.OtherReading.Help().Key, "first reading")
	}
	return
}

// askKey is `a` in the wizard: it works when the plan's advice is to ask the submitter
// (model.Plan.Ask), the same rule `a` follows on the queue.
func (w *wizardScreen) askKey() key.Binding {
	ask := w.s.keys.Ask
	ask.SetEnabled(w.editing == editNone && w.plan.Ask != nil)
	return ask
}

// ShortHelp is the wizard's help line: only the keys that work now.
func (w *wizardScreen) ShortHelp() []key.Binding {
	accept, skip, edit, all, _, other, _, down, keep, done, cancel, back := w.bindings()
	hlp := w.s.keys.Help
	hlp.SetEnabled(w.editing == editNone) // ? types a question mark into the edit field
	// Most important first: a narrow footer drops keys from the end (the "more below" marker
	// and the warning that offers t name their keys too).
	return []key.Binding{accept, skip, edit, all, w.askKey(), keep, done, cancel, back, other, down, hlp}
}

// FullHelp is the wizard's `?` help.
func (w *wizardScreen) FullHelp() [][]key.Binding {
	accept, skip, edit, all, prev, other, up, down, keep, done, cancel, back := w.bindings()
	// The full help lists scrolling wherever it works, whatever the position (the marker
	// under the step says what is below).
	up.SetEnabled(w.editing == editNone)
	down.SetEnabled(w.editing == editNone)
	return [][]key.Binding{{accept, skip, edit, all, w.askKey()}, {prev, other, up, down}, {keep, done, cancel}, {back, w.s.keys.Help, w.s.keys.Quit}}
}

// Update handles a key or, while editing, the edit field's messages.
func (w *wizardScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return w.updateField(msg)
	}
	accept, skip, edit, all, prev, other, up, down, keep, done, cancel, back := w.bindings()
	switch {
	case key.Matches(km, cancel):
		w.stopEditing()
		return nil
	case key.Matches(km, keep):
		v := w.note.Value()
		w.stopEditing()
		w.applyEdit(v)
		return nil
	case key.Matches(km, done):
		v := strings.TrimSpace(w.input.Value())
		w.stopEditing()
		w.applyEdit(v)
		return nil
	case w.editing != editNone:
		return w.updateField(msg)
	case w.asking != "" && !key.Matches(km, back):
		w.queued = append(w.queued, km) // the plan waits for Zendesk: keys typed ahead wait too
	case key.Matches(km, back):
		w.s.emit(abandonFixMsg{id: w.ticketID})
	case key.Matches(km, w.askKey()):
		w.s.emit(startAskMsg{id: w.ticketID}) // the plan says to ask: nothing of the fix is sent
	case key.Matches(km, accept):
		w.decide(true)
	case key.Matches(km, skip):
		w.decide(false)
	case key.Matches(km, all):
		w.toReview()
	case key.Matches(km, prev):
		w.step--
		w.vp.GotoTop()
	case key.Matches(km, other):
		w.takeOtherReading()
	case key.Matches(km, up):
		w.vp.HalfPageUp()
	case key.Matches(km, down):
		w.vp.HalfPageDown()
	case key.Matches(km, edit):
		return w.startEditing()
	}
	return nil
}

func (w *wizardScreen) updateField(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch w.editing {
	case editLine:
		w.input, cmd = w.input.Update(msg)
	case editNote:
		w.note, cmd = w.note.Update(msg)
	}
	return cmd
}

func (w *wizardScreen) stopEditing() {
	w.editing = editNone
	w.input.Blur()
	w.note.Blur()
}

// startEditing opens the edit field for the current step (or flips a toggle).
func (w *wizardScreen) startEditing() tea.Cmd {
	if !w.walking() { // an address typed for an unknown customer
		v := w.s.evals[w.ticketID].OrgEmail
		if w.opts.OrgEmail != "" {
			v = w.opts.OrgEmail
		}
		return w.editLine(v)
	}
	st := &w.plan.Steps[w.step]
	switch {
	case st.Toggle:
		st.Accepted = !st.Accepted
		w.decided[decisionKey(*st)] = st.Accepted
		w.refreshNote()
		return nil
	case st.Kind == model.StepNote:
		w.editing = editNote
		w.note.SetValue(st.Note)
		w.layoutNote()
		return w.note.Focus()
	case st.Kind == model.StepOrgEmail:
		return w.editLine(st.OrgEmail)
	case st.Kind == model.StepRequester && st.NewRequester != nil:
		return w.editLine(st.NewRequester.Name)
	}
	return w.editLine(st.After)
}

func (w *wizardScreen) editLine(v string) tea.Cmd {
	w.editing = editLine
	w.input.SetValue(v)
	w.input.CursorEnd()
	return w.input.Focus()
}

// decide records the choice for the current step and moves on; after the last step it
// hands the plan to the review. Accepting a toggle keeps what the plan proposes.
func (w *wizardScreen) decide(accept bool) {
	st := &w.plan.Steps[w.step]
	if !st.Toggle || !accept {
		st.Accepted = accept
	}
	w.decided[decisionKey(*st)] = st.Accepted
	w.refreshNote() // the note follows the steps the agent keeps
	if w.step+1 >= len(w.plan.Steps) {
		w.toReview()
		return
	}
	w.step++
	w.vp.GotoTop()
}

// toReview accepts every step not decided yet as proposed and shows the review; the
// wizard keeps its place, so `b` on the review comes back to the last step.
func (w *wizardScreen) toReview() {
	for _, s := range w.plan.Steps {
		if _, ok := w.decided[decisionKey(s)]; !ok {
			w.decided[decisionKey(s)] = s.Accepted
		}
	}
	w.refreshNote()
	w.step = len(w.plan.Steps) - 1
	w.s.emit(reviewPlanMsg{plan: w.plan})
}

// takeOtherReading switches to the other fix a warning offers, or back to the first.
func (w *wizardScreen) takeOtherReading() {
	if w.base != nil {
		w.opts, w.base = *w.base, nil
	} else if r := w.plan.OtherReading; r != nil {
		base := w.opts
		w.opts, w.base = r.Options, &base
	}
	w.decided = map[string]bool{}
	w.step = 0
	w.replan()
}

// canEnterEmail: a plan without steps for an unknown customer address can be rebuilt from
// an address the agent types (after asking the submitter, as the handbook says).
func (w *wizardScreen) canEnterEmail() bool {
	for _, f := range w.s.evals[w.ticketID].Findings {
		if f.Kind == model.KindCustomerEmailUnknown {
			return true
		}
	}
	return false
}

// applyEdit feeds an edited value back into the plan. A new Organization Email re-plans
// the requester and organization from that address; an unchanged value changes nothing.
func (w *wizardScreen) applyEdit(v string) {
	if strings.TrimSpace(v) == "" {
		return
	}
	if !w.walking() {
		w.opts.OrgEmail = v // a corrected address typed for an unknown customer
		w.askThenReplan(v)
		return
	}
	st := &w.plan.Steps[w.step]
	switch st.Kind {
	case model.StepOrgEmail:
		if v != st.OrgEmail {
			w.opts.OrgEmail = v
			w.askThenReplan(v)
		}
	case model.StepRequester:
		if st.NewRequester != nil && v != st.NewRequester.Name {
			w.opts.NewRequesterName = v
			w.replan()
		}
	case model.StepNote:
		if v != st.Note { // untouched, the note keeps following the steps
			st.Note, st.After = v, v
			w.noteEdit, w.noteFrom, w.noteStale = v, w.plan.GeneratedNote(), false
		}
	}
}

// layoutNote sizes the note's text area to the room under the step header.
func (w *wizardScreen) layoutNote() {
	w.note.SetWidth(max(w.width-4, 16))
	w.note.SetHeight(max(w.height-w.headerHeight()-3, 3))
}

func (w *wizardScreen) title() string {
	t := w.s.tickets[w.ticketID]
	return w.s.styles.Title.Render(truncate(fmt.Sprintf("Fix #%d  %s", t.ID, oneLine(t.Subject)), w.width))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// stepList is the overview of the steps: one line each when the height allows, else one line.
func (w *wizardScreen) stepList() string {
	st := w.s.styles
	if w.height < 18 {
		lead := fmt.Sprintf("Step %d of %d: ", w.step+1, len(w.plan.Steps))
		return st.Muted.Render(lead) + st.StepActive.Render(truncate(w.plan.Steps[w.step].Title, max(w.width-len(lead), 4)))
	}
	lines := make([]string, len(w.plan.Steps))
	for i, s := range w.plan.Steps {
		_, decided := w.decided[decisionKey(s)]
		mark, note := "  ", ""
		switch {
		case i == w.step:
			mark = "▸ "
		case decided && s.Accepted:
			mark = "✓ "
		case decided:
			mark, note = "– ", " (skipped)"
			if s.Toggle {
				note = " (off)"
			}
		}
		label := truncate(fmt.Sprintf("%s%d. %s%s", mark, i+1, s.Title, note), w.width)
		switch {
		case i == w.step:
			label = st.StepActive.Render(label)
		case !decided:
			label = st.Muted.Render(label)
		}
		lines[i] = label
	}
	return strings.Join(lines, "\n")
}

func (w *wizardScreen) headerHeight() int {
	if !w.walking() {
		return 2
	}
	return 2 + lipgloss.Height(w.stepList()) + 1
}

// stepBox is the current step: the values first, then what is proposed, why, and warnings.
func (w *wizardScreen) stepBox() string {
	st := w.s.styles
	cur := w.plan.Steps[w.step]
	inner := max(w.width-4, 16)
	var b strings.Builder
	b.WriteString(st.Label.Render(cur.Title) + "\n")
	if w.editing == editNote {
		b.WriteString(w.note.View())
		return st.Box.Width(max(w.width-2, 18)).Render(b.String())
	}
	if cur.Kind == model.StepNote {
		if msg := w.noteEditedWarning(); msg != "" {
			b.WriteString(st.Warning.Render(wrapHanging(msg, inner, "  ")) + "\n")
		}
		b.WriteString(st.After.Render(wrapText(orNone(cur.After), inner)))
	} else {
		b.WriteString(st.Before.Render(wrapHanging("- "+orNone(cur.Before), inner, "  ")) + "\n")
		b.WriteString(st.After.Render(wrapHanging("+ "+orNone(cur.After), inner, "  ")))
		if w.editing == editLine {
			b.WriteString("\n" + w.input.View())
		}
	}
	if cur.Toggle {
		state := "Off: e turns it on."
		if cur.Accepted {
			state = "On: e turns it off."
		}
		b.WriteString("\n" + st.Label.Render(state))
	}
	// Warnings before the rationale: they are what the agent must weigh.
	for _, warn := range w.plan.Warnings {
		b.WriteString("\n\n" + st.Warning.Render(wrapHanging("⚠ "+warn, inner, "  ")))
	}
	if r := w.plan.OtherReading; r != nil {
		b.WriteString("\n" + st.Warning.Render(wrapHanging("t: "+r.Label+".", inner, "   ")))
	}
	if w.base != nil {
		b.WriteString("\n\n" + st.Warning.Render(wrapText("This is the other reading; t goes back to the first.", inner)))
	}
	if cur.Why != "" {
		b.WriteString("\n\n" + st.Muted.Render(wrapText(cur.Why, inner)))
	}
	return st.Box.Width(max(w.width-2, 18)).Render(b.String())
}

// noteEditedWarning says the note is the agent's text ("" while it is generated), and
// whether the steps changed since it was edited.
func (w *wizardScreen) noteEditedWarning() string {
	switch {
	case w.noteEdit == "":
		return ""
	case w.noteStale:
		return "✎ Edited by hand, and the steps changed since: the note may need a look (e edits it)."
	}
	return "✎ Edited by hand: sent as you wrote it."
}

// View draws the wizard: title, the step overview, and the current step scrolling under it.
func (w *wizardScreen) View() string {
	st := w.s.styles
	if w.asking != "" {
		return w.askingView() // people.go: no plan (and no "Fix #") before Zendesk answers
	}
	head := w.title() + "\n\n"
	var body string
	switch {
	case w.plan.Refused != "":
		body = st.Error.Render("This fix is refused and will not be submitted:") + "\n" + wrapText(w.plan.Refused, w.width-2)
	case len(w.plan.Steps) == 0 && len(w.plan.Manual) > 0:
		body = st.Warning.Render("partner-triage cannot fix this itself; by hand:") + "\n" + manualList(w.plan.Manual, w.width)
		body += w.askHint()
		if w.editing == editLine {
			body += "\n\nCorrected Organization Email (partners):\n" + w.input.View()
		}
	case len(w.plan.Steps) == 0:
		body = st.OK.Render("Nothing to fix: the ticket already follows the handbook.")
	default:
		head += w.stepList() + "\n\n"
		body = w.stepBox()
		if len(w.plan.Manual) > 0 {
			body += "\n" + st.Warning.Render("Also, by hand:") + "\n" + manualList(w.plan.Manual, w.width) + w.askHint()
		}
	}
	if w.editing == editNote { // the text area scrolls itself; keep it whole on screen
		w.layoutNote()
		return head + w.stepBox()
	}
	room := max(w.height-lipgloss.Height(head), 2)
	w.vp.Width, w.vp.Height = w.width, room
	w.vp.SetContent(body)
	if w.vp.TotalLineCount() <= room {
		return head + body
	}
	w.vp.Height = room - 1
	return head + w.vp.View() + "\n" + moreMarker(st, w.vp, "pgdn")
}

// askHint says, under the by-hand steps, that a asks the submitter ("" when the plan does
// not ask).
func (w *wizardScreen) askHint() string {
	if w.plan.Ask == nil || w.editing != editNone {
		return ""
	}
	return "\n\n" + w.s.styles.Label.Render(wrapText("a asks the submitter: a public reply from the template, shown before it is sent.", w.width-2))
}

// moreMarker is the line under a scrolled view: what is hidden and how to see it.
func moreMarker(st Styles, vp viewport.Model, keyName string) string {
	hidden := vp.TotalLineCount() - vp.YOffset - vp.Height
	switch {
	case hidden > 0:
		return st.Label.Render(fmt.Sprintf("↓ %d more %s below (%s)", hidden, plural(hidden, "line", "lines"), keyName))
	case vp.YOffset > 0:
		return st.Muted.Render("↑ more above")
	}
	return ""
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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
		out[i] = "• " + wrapHanging(m, width-2, "  ")
	}
	return strings.Join(out, "\n")
}
