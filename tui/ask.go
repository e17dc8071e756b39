package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/partner-triage/partner-triage/model"
)

// Ask the submitter (product.md, `a`): for an `unknown`-scenario ticket ("if in doubt, ask
// questions about the situation under which the ticket is being raised") the agent edits a
// public reply from templates.ask_submitter, chooses whether the ticket goes to pending,
// reviews exactly what will be sent, and submits it through the same safe_update, journal
// and undo as a fix.

// startAskMsg opens the reply editor for a ticket (a on the queue, the preview, the detail).
type startAskMsg struct{ id int64 }

// reviewAskMsg shows the review of a question: the update that will be sent.
type reviewAskMsg struct{ update model.TicketUpdate }

// resumeAskMsg goes back from the review to the reply editor, the text kept.
type resumeAskMsg struct{}

// askScreen edits the public reply and the pending toggle.
type askScreen struct {
	s        *session
	template string // templates.ask_submitter ("" → model.DefaultAskSubmitter)
	ticketID int64
	// advice is why the ticket's plan asks the submitter (model.Plan.Ask), and tmpl the
	// template the question starts from for it.
	advice model.AskAdvice
	tmpl   string
	// loaded is the ticket as it was when a was pressed: its updated_at is the safe_update
	// stamp, so a change made meanwhile is refused (409), never silently sent over.
	loaded  model.Ticket
	reply   textarea.Model
	pending bool
	// again says, when the ticket was already asked (this session, or its last public
	// comment is the question), why; the editor waits for y before the question is
	// written again.
	again  string
	width  int
	height int
}

func newAskScreen(s *session, template string) *askScreen {
	ta := textarea.New()
	ta.ShowLineNumbers = false
	ta.CharLimit = 0 // the reply is never cut
	ta.MaxHeight = 0
	ta.Prompt = ""
	s.styles.TextArea(&ta)
	return &askScreen{s: s, template: template, reply: ta, width: 80, height: 22}
}

// planFor is ticket id's plan as the wizard would propose it (model.BuildPlan); false for a
// ticket without a verdict or not a partner ticket in the queue.
func (s *session) planFor(id int64) (model.Plan, bool) {
	t, ok := s.tickets[id]
	ev, evOK := s.evals[id]
	if !ok || !evOK || ev.Skipped != "" {
		return model.Plan{}, false
	}
	return model.BuildPlan(s.rules, t, ev, s.dir, model.PlanOptions{}), true
}

// askAdvice is why ticket id's plan asks the submitter (nil when it does not): the same
// plan the wizard shows, so f's advice and a's permission never differ.
func (s *session) askAdvice(id int64) *model.AskAdvice {
	p, _ := s.planFor(id)
	return p.Ask
}

// whyNotAsk says why `a` does nothing on a ticket ("" when it may ask). It builds the plan
// once: the help line asks it on every key.
func whyNotAsk(s *session, id int64) string {
	ev, ok := s.evals[id]
	switch {
	case id == 0 || !ok:
		return "no ticket selected"
	case ev.Skipped != "":
		return fmt.Sprintf("#%d is not a partner ticket in the queue (%s): nothing to ask", id, ev.Skipped)
	}
	p, _ := s.planFor(id)
	switch {
	case p.Ask != nil:
		return ""
	case len(ev.Findings) > 0 && p.NeedsPerson():
		// The same plan f shows (and the bulk review's "need a person"): what it cannot do
		// is done by hand, not asked in public.
		why := p.Refused
		if len(p.Manual) > 0 {
			why = p.Manual[0]
		}
		return fmt.Sprintf("#%d needs a person, not a public question (f lists what to do by hand): %s", id, why)
	case len(ev.Findings) > 0:
		return fmt.Sprintf("#%d is not an ask ticket: its findings say what to fix — f walks through the fix", id)
	}
	return fmt.Sprintf("#%d is not an ask ticket: it follows the handbook (%s), nothing to ask the submitter", id, ev.Scenario)
}

// askBinding is `a` as the help lists it: enabled only where it works.
func askBinding(s *session, id int64) key.Binding {
	b := s.keys.Ask
	b.SetEnabled(whyNotAsk(s, id) == "")
	return b
}

// askedAlready says why ticket id was already asked ("" when it was not as far as the
// console knows): askedNow (a question sent in this session), or the last public comment
// of its conversation, when read, is the question as the template writes it.
func (a *askScreen) askedAlready(id int64, askedNow bool, name string) string {
	if askedNow {
		return fmt.Sprintf("#%d was already asked in this session", id)
	}
	c, ok := a.s.convs[id]
	if !ok || c.loading || c.err != nil || !c.updated.Equal(a.s.tickets[id].UpdatedAt) {
		return ""
	}
	for i := len(c.conv.Comments) - 1; i >= 0; i-- {
		cm := c.conv.Comments[i]
		if !cm.Public {
			continue
		}
		if strings.Join(strings.Fields(cm.Body), " ") == strings.Join(strings.Fields(model.RenderAsk(a.tmpl, name, id)), " ") {
			return fmt.Sprintf("the last public comment on #%d is already the question (%s ago)", id, age(a.s.now(), cm.CreatedAt))
		}
		return ""
	}
	return ""
}

// start fills the editor from the template for the ticket; pending is on by default (the
// ticket then waits for the partner's answer). askedNow: a question to this ticket was sent
// in this session; then, as when its last public comment is the question, the editor first
// warns and waits for y (asking twice sends the partner the same question again).
func (a *askScreen) start(id int64, askedNow bool) tea.Cmd {
	t := a.s.tickets[id]
	name := a.submitterName(t)
	a.ticketID, a.loaded, a.pending = id, t, t.Status != "pending"
	a.advice = model.AskAdvice{}
	if adv := a.s.askAdvice(id); adv != nil {
		a.advice = *adv
	}
	a.tmpl = a.advice.Template(a.template)
	a.again = a.askedAlready(id, askedNow, name)
	a.reply.SetValue(model.RenderAsk(a.tmpl, name, id))
	a.reply.CursorStart()
	a.layout()
	if a.again != "" {
		a.reply.Blur()
		return nil
	}
	return a.reply.Focus()
}

// recheck warns, when ticket id's conversation arrives while its question is being
// written, if its last public comment is already the question.
func (a *askScreen) recheck(id int64) {
	if id != a.ticketID || a.again != "" {
		return
	}
	t := a.s.tickets[id]
	if a.again = a.askedAlready(id, false, a.submitterName(t)); a.again != "" {
		a.reply.Blur()
	}
}

// submitterName is the name the question greets: the submitter's, else the requester's.
func (a *askScreen) submitterName(t model.Ticket) string {
	for _, uid := range []int64{t.SubmitterID, t.RequesterID} {
		if u, ok := a.s.dir.User(uid); ok && uid != 0 && strings.TrimSpace(u.Name) != "" {
			return oneLine(u.Name)
		}
	}
	return ""
}

// update is the ticket update the editor's choices make.
func (a *askScreen) update() model.TicketUpdate {
	u := model.AskUpdate(a.loaded, strings.TrimSpace(a.reply.Value()), a.pending)
	if id := a.ccSubmitter(a.loaded); id != 0 { // the submitter is not on the ticket: CC them, or they never read it
		u.AddEmailCCs = []model.CCRef{{UserID: id}}
	}
	return u
}

// ccSubmitter is the submitter the question CCs (model.AskCC), when Zendesk still has them
// (a deleted or merged user cannot be CC'd); 0 for none.
func (a *askScreen) ccSubmitter(t model.Ticket) int64 {
	id := model.AskCC(t)
	if _, ok := a.s.dir.User(id); id == 0 || !ok {
		return 0
	}
	return id
}

func (a *askScreen) SetSize(width, height int) {
	a.width, a.height = max(width, 20), max(height, 8)
	a.layout()
}

func (a *askScreen) layout() {
	a.reply.SetWidth(max(a.width-2, 16))
	a.reply.SetHeight(max(a.height-6, 3))
}

// CapturesKeys: typed keys are the reply's text.
func (a *askScreen) CapturesKeys() bool { return true }

func (a *askScreen) bindings() (review, toggle, cancel key.Binding) {
	k := a.s.keys
	review, toggle = k.AskReview, k.AskPending
	cancel = key.NewBinding(key.WithKeys(k.Back.Keys()...), key.WithHelp(k.Back.Help().Key, "cancel"))
	review.SetEnabled(strings.TrimSpace(a.reply.Value()) != "")
	return
}

// ShortHelp is the editor's help line.
func (a *askScreen) ShortHelp() []key.Binding {
	if a.again != "" {
		again := a.s.keys.Confirm
		again.SetHelp(again.Help().Key, "ask again")
		return []key.Binding{again, key.NewBinding(key.WithKeys("esc"), key.WithHelp("any other key", "do not ask again"))}
	}
	review, toggle, cancel := a.bindings()
	return []key.Binding{review, toggle, cancel, a.s.keys.Interrupt}
}

// FullHelp is the editor's `?` help (shown only in the help line while typing).
func (a *askScreen) FullHelp() [][]key.Binding { return [][]key.Binding{a.ShortHelp()} }

// Update edits the reply; ctrl+s reviews, ctrl+t toggles pending, esc cancels.
func (a *askScreen) Update(msg tea.Msg) tea.Cmd {
	review, toggle, cancel := a.bindings()
	if km, ok := msg.(tea.KeyMsg); ok && a.again != "" {
		if key.Matches(km, a.s.keys.Confirm) {
			a.again = ""
			return a.reply.Focus()
		}
		a.s.emit(showQueueMsg{status: fmt.Sprintf("#%d not asked again: nothing was sent", a.ticketID)})
		return nil
	}
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(km, review):
			a.s.emit(reviewAskMsg{update: a.update()})
			return nil
		case key.Matches(km, a.s.keys.AskReview):
			a.s.emit(statusMsg{text: "the reply is empty: write the question first"})
			return nil
		case key.Matches(km, toggle):
			a.pending = !a.pending
			return nil
		case key.Matches(km, cancel):
			a.s.emit(showQueueMsg{status: "question not sent"})
			return nil
		}
	}
	var cmd tea.Cmd
	a.reply, cmd = a.reply.Update(msg)
	return cmd
}

// View: the title, who the reply goes to, the pending toggle, the reply.
func (a *askScreen) View() string {
	st := a.s.styles
	t := a.s.tickets[a.ticketID]
	head := st.Title.Render(truncate(fmt.Sprintf("Ask the submitter #%d  %s", t.ID, oneLine(t.Subject)), a.width))
	to := "Public reply to " + orNone(a.s.userLabel(t.RequesterID)) + " (the requester sees it)"
	if id := a.ccSubmitter(t); id != 0 {
		to += "; the submitter " + a.s.userLabel(id) + " is added as email CC so it reaches them"
	} else if id := model.AskCC(t); id != 0 {
		to += "; the submitter " + a.s.userLabel(id) + " cannot be CC'd, so they will not see it"
	}
	box := "[ ]"
	if a.pending {
		box = "[x]"
	}
	status := fmt.Sprintf("%s set status to pending (now %s)   %s toggles", box, orNone(t.Status), a.s.keys.AskPending.Help().Key)
	if t.Status == "pending" {
		status = "status is already pending"
	}
	if a.again != "" {
		warn := "⚠ " + a.again + ". Asking twice sends the partner the same question again. y: write another question · any other key: do not ask again (nothing is sent)"
		return head + "\n\n" + st.Warning.Render(wrapHanging(warn, a.width-2, "  "))
	}
	top := head + "\n" + wrapHanging(to, a.width, "  ") + "\n" + truncate(status, a.width) + "\n"
	if a.advice.Why != "" { // why the question is asked, whole
		top += st.Muted.Render(wrapHanging("Why: "+a.advice.Why, a.width-2, "  ")) + "\n"
	}
	top += "\n"
	a.reply.SetHeight(max(a.height-lipgloss.Height(top), 3))
	return top + a.reply.View()
}
