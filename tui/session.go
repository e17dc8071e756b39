package tui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/model"
)

// session is the state every screen shares, passed by pointer (gh-dash's context): the
// terminal size, styles and keys, and the queue as loaded so far with its verdicts.
type session struct {
	width, height int
	styles        Styles
	keys          KeyMap
	rules         model.RuleConfig
	client        Client
	now           func() time.Time
	journal       Journal

	dir     *model.Directory
	tickets map[int64]model.Ticket
	evals   map[int64]model.Evaluation
	marked  marks // tickets marked for a bulk fix (x)

	// pending holds the navigation messages screens emitted during the current Update.
	pending []tea.Msg
}

// emit asks the root for something outside the calling screen (a navigation message of
// screen.go); the root handles it as soon as the screen's Update returns.
func (s *session) emit(msg tea.Msg) { s.pending = append(s.pending, msg) }

// takePending returns and clears the emitted messages.
func (s *session) takePending() []tea.Msg {
	p := s.pending
	s.pending = nil
	return p
}

func newSession(opts Options) *session {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &session{
		styles:  DefaultStyles(opts.NoColor),
		keys:    DefaultKeyMap(),
		rules:   opts.Rules,
		client:  opts.Client,
		now:     now,
		journal: opts.Journal,
		dir:     model.NewDirectory(),
		tickets: map[int64]model.Ticket{},
		evals:   map[int64]model.Evaluation{},
		marked:  marks{},
	}
}

// reset forgets the loaded queue (before a reload).
func (s *session) reset() {
	s.dir = model.NewDirectory()
	s.tickets = map[int64]model.Ticket{}
	s.evals = map[int64]model.Evaluation{}
}

// merge adds a page and returns the queue tickets it brought. Earlier verdicts are
// recomputed only when the page brought people or organizations they may depend on.
func (s *session) merge(p model.QueuePage) {
	p = inertPage(p)
	s.dir.Merge(p)
	for _, t := range p.Tickets {
		if model.InQueue(s.rules, t) {
			s.tickets[t.ID] = t
		} else {
			delete(s.tickets, t.ID)
			delete(s.evals, t.ID)
		}
	}
	if len(p.Users) > 0 || len(p.Organizations) > 0 || len(p.Memberships) > 0 {
		s.reevaluateAll()
		return
	}
	for _, t := range p.Tickets {
		if _, ok := s.tickets[t.ID]; ok {
			s.evals[t.ID] = model.Evaluate(s.rules, t, s.dir)
		}
	}
}

func (s *session) reevaluateAll() {
	for id, t := range s.tickets {
		s.evals[id] = model.Evaluate(s.rules, t, s.dir)
	}
}

// userLabel names a user for a person: the email, else the name, else the id.
func (s *session) userLabel(id int64) string {
	if id == 0 {
		return "—"
	}
	u, ok := s.dir.User(id)
	if !ok {
		return "user #" + itoa(id)
	}
	if u.Email != "" {
		return u.Email
	}
	if u.Name != "" {
		return u.Name
	}
	return "user #" + itoa(id)
}

// orgLabel names an organization ("" when none).
func (s *session) orgLabel(id int64) string {
	if id == 0 {
		return ""
	}
	o, ok := s.dir.Organization(id)
	if !ok {
		return "org #" + itoa(id)
	}
	return o.Name
}

// track names an organization's partner track for a person.
func (s *session) track(id int64) string {
	switch s.dir.OrgTrack(s.rules, id) {
	case model.TrackSelect:
		return "Select partner"
	case model.TrackOpen:
		return "Open partner"
	case model.TrackCustomer:
		return "customer"
	}
	return "unknown track"
}

// ticketChanges lists, for a person, what differs between two versions of a ticket.
func (s *session) ticketChanges(before, after model.Ticket) []string {
	var out []string
	diff := func(what, a, b string) {
		if a != b {
			out = append(out, what+": "+orNone(a)+" → "+orNone(b))
		}
	}
	diff("Subject", before.Subject, after.Subject)
	diff("Status", before.Status, after.Status)
	diff("Requester", s.userLabel(before.RequesterID), s.userLabel(after.RequesterID))
	diff("Organization", s.orgLabel(before.OrganizationID), s.orgLabel(after.OrganizationID))
	diff("Organization Email (partners)", before.Field(s.rules.OrgEmailField), after.Field(s.rules.OrgEmailField))
	diff("Request for CCs", before.Field(s.rules.CCRequestField), after.Field(s.rules.CCRequestField))
	if len(before.EmailCCIDs) != len(after.EmailCCIDs) {
		out = append(out, fmt.Sprintf("Email CCs: %d → %d people", len(before.EmailCCIDs), len(after.EmailCCIDs)))
	}
	if len(out) == 0 && !before.UpdatedAt.Equal(after.UpdatedAt) {
		out = append(out, "other fields (updated "+after.UpdatedAt.UTC().Format("2006-01-02 15:04:05Z")+")")
	}
	return out
}
