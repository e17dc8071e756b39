package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/model"
)

// PeopleFinder is the exact address look-up the console makes before a fix plan uses an
// address (rules.md: whether a user with an address exists is asked of Zendesk, never
// inferred from the users a queue load brought). The zendesk client implements it; a
// Client without it plans from what the load brought.
type PeopleFinder interface {
	// LookupPeople returns the users owning each address exactly (as any email identity),
	// with their memberships and organizations; addresses nobody owns bring nothing.
	LookupPeople(ctx context.Context, emails []string) (model.QueuePage, error)
}

// lookupTimeout bounds one round of look-ups.
const lookupTimeout = 60 * time.Second

// peopleAsked remembers which addresses Zendesk was asked about for the current directory
// (a reload starts a new directory, and asks again).
type peopleAsked struct {
	dir   *model.Directory
	asked map[string]bool
}

// peopleMsg is the answer to a look-up made for a ticket's fix (the wizard waits for it),
// or for a bulk fix of the tickets bulk (the bulk review opens with the answer).
type peopleMsg struct {
	ticketID int64
	bulk     []int64
	addrs    []string
	page     model.QueuePage
	err      error
}

// unasked returns the addresses (normalised, without repeats) Zendesk was not asked about yet.
func (s *session) unasked(addrs []string) []string {
	if s.people.dir != s.dir {
		s.people = peopleAsked{dir: s.dir, asked: map[string]bool{}}
	}
	var out []string
	for _, a := range addrs {
		if a = model.NormalizeEmail(a); a != "" && !s.people.asked[a] && !containsStr(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// fixAddresses are the addresses a fix of the ticket may use: E, the suggestion, and the
// people the partner asked to CC.
func (s *session) fixAddresses(id int64) []string {
	ev := s.evals[id]
	addrs := []string{ev.OrgEmail}
	for _, f := range ev.Findings {
		addrs = append(addrs, f.SuggestedEmail)
		addrs = append(addrs, f.MissingCCs...)
	}
	return s.unasked(addrs)
}

// lookupCmd asks Zendesk who owns addrs; nil when there is nothing to ask or no finder.
func (s *session) lookupCmd(id int64, addrs []string) tea.Cmd {
	finder, ok := s.client.(PeopleFinder)
	if !ok || len(addrs) == 0 {
		return nil
	}
	addrs = append([]string(nil), addrs...)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
		defer cancel()
		page, err := finder.LookupPeople(ctx, addrs)
		return peopleMsg{ticketID: id, addrs: addrs, page: page, err: err}
	}
}

// lookupBeforeFix asks Zendesk about the addresses a fix of ticket id may use, with the
// wizard waiting; nil when none needs asking (the plan stands as built).
func (m *Model) lookupBeforeFix(id int64) tea.Cmd {
	addrs := m.s.fixAddresses(id)
	cmd := m.s.lookupCmd(id, addrs)
	if cmd != nil {
		m.wizard.asking = strings.Join(addrs, ", ")
	}
	return cmd
}

// lookupBeforeBulk asks Zendesk about the addresses the fixes of the marked tickets may use,
// before any of their plans is built; nil when none needs asking.
func (m *Model) lookupBeforeBulk(ids []int64) tea.Cmd {
	var addrs []string
	for _, id := range ids {
		addrs = append(addrs, m.s.fixAddresses(id)...)
	}
	addrs = m.s.unasked(addrs)
	cmd := m.s.lookupCmd(0, addrs)
	if cmd == nil {
		return nil
	}
	m.status = fmt.Sprintf("asking Zendesk who owns %d addresses before planning the bulk fix…", len(addrs))
	ids = append([]int64(nil), ids...)
	return func() tea.Msg {
		msg := cmd().(peopleMsg)
		msg.bulk = ids
		return msg
	}
}

// gotPeople merges a look-up's answer and lets the waiting wizard plan with it. When Zendesk
// could not be asked the plan is refused (never submitted on a guess) with the reason.
func (m *Model) gotPeople(msg peopleMsg) tea.Cmd {
	if msg.err == nil && m.s.people.dir == m.s.dir {
		for _, a := range msg.addrs {
			m.s.people.asked[a] = true
		}
		if len(msg.page.Users) > 0 {
			m.mergePage(msg.page)
		}
	}
	if msg.bulk != nil {
		if msg.err != nil {
			m.setErr(fmt.Sprintf("bulk fix not started: Zendesk could not be asked who owns %s: %v", strings.Join(msg.addrs, ", "), msg.err))
			return nil
		}
		m.status = ""
		return m.navigate(startBulkMsg{ids: msg.bulk})
	}
	return m.wizard.lookedUp(msg)
}

func containsStr(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// askThenReplan re-plans with a typed address once Zendesk said who owns it (at once when
// it was asked before, or when no finder is wired).
func (w *wizardScreen) askThenReplan(addr string) {
	addrs := w.s.unasked([]string{addr})
	if cmd := w.s.lookupCmd(w.ticketID, addrs); cmd != nil {
		w.asking = strings.Join(addrs, ", ")
		w.s.emit(lookupStartMsg{cmd: cmd})
		return
	}
	w.replan()
}

// lookupStartMsg asks the root to run a look-up a screen started.
type lookupStartMsg struct{ cmd tea.Cmd }

// lookedUp ends the wait for Zendesk's answer: re-plan with what it said, then replay the
// keys typed meanwhile. Without an answer the plan is refused with the reason: a plan never
// guesses whether an address belongs to an existing user.
func (w *wizardScreen) lookedUp(msg peopleMsg) tea.Cmd {
	if w.asking == "" || w.ticketID != msg.ticketID {
		return nil
	}
	w.asking = ""
	w.replan()
	if msg.err != nil {
		w.plan = model.Plan{TicketID: w.ticketID, Refused: fmt.Sprintf(
			"Zendesk could not be asked who owns %s (%v), so partner-triage cannot tell an existing user from a new one. Go back and start the fix again.",
			strings.Join(msg.addrs, ", "), msg.err)}
		w.queued = nil
		return nil
	}
	// Replayed through the root, in order, so a key that opens the review is followed by
	// keys for the review (y), and a key that starts another look-up queues the rest again.
	for _, k := range w.queued {
		w.s.emit(k)
	}
	w.queued = nil
	return nil
}

// askingView is the wizard while Zendesk is asked who owns the addresses the fix may use.
func (w *wizardScreen) askingView() string {
	t := w.s.tickets[w.ticketID]
	return w.s.styles.Title.Render(truncate(fmt.Sprintf("#%d  %s", t.ID, oneLine(t.Subject)), w.width)) + "\n\n" +
		w.s.styles.Muted.Render(wrapText("Asking Zendesk who owns "+w.asking+" (an existing user, and whose organization?) before planning the fix…", w.width-2))
}

// personLine is a person in the detail: "Name <address> — organization, track", "Name
// (no email) — …" for a user without an email, and a warning when Zendesk has them
// suspended.
func personLine(st Styles, u model.User, org string) string {
	who := u.Name
	switch {
	case u.Email == "" && who == "":
		who = "user #" + itoa(u.ID) + " (no email)"
	case u.Email == "":
		who += " (no email)"
	case who == "":
		who = "<" + u.Email + ">"
	default:
		who += " <" + u.Email + ">"
	}
	s := who + " — " + org
	if u.Suspended {
		s += " " + st.Warning.Render("· suspended in Zendesk: no email reaches them")
	}
	return s
}

// ownerNote says, after an Organization Email in the detail, who owns that address when it
// is not the requester's own primary address: an existing user (by a secondary identity or
// unknown to the ticket), and whether Zendesk has them suspended — the fix would make a
// suspended user the requester.
func (s *session) ownerNote(e string) string {
	if e == "" {
		return ""
	}
	u, ok := s.dir.UserByEmail(e)
	if !ok {
		return ""
	}
	var note string
	if model.NormalizeEmail(u.Email) != e {
		note = " (a secondary address of " + u.Name + " <" + u.Email + ">)"
	}
	if u.Suspended {
		note += " " + s.styles.Warning.Render("· "+orName(u)+" is suspended in Zendesk: as requester they would get no email")
	}
	return note
}

func orName(u model.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

// suspendedAmong warns, after the addresses a partner asked to CC, about those whose owner
// Zendesk has suspended: while a CC is suspended, Zendesk sends no CC email on the ticket.
func (s *session) suspendedAmong(addrs []string) string {
	var names []string
	for _, a := range addrs {
		if u, ok := s.dir.UserByEmail(a); ok && u.Suspended {
			names = append(names, orName(u))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " " + s.styles.Warning.Render("· suspended in Zendesk (no CC email while they are CC'd): "+strings.Join(names, ", "))
}
