package tui

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

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
	// checking holds the queue tickets delivered before their look-ups (a Pending page):
	// shown in the queue and the detail, never judged, so they are kept apart from tickets
	// and evals and no fix, ask, bulk, audit or review ever sees an unjudged ticket. A
	// resolved page moves them to tickets.
	checking map[int64]checkingTicket
	marked   marks              // tickets marked for a bulk fix (x)
	deps     map[int64][]depKey // what each verdict read; see dependents
	// readers indexes deps the other way: for each user, organization, domain and
	// address, the tickets whose verdict read it.
	readers map[depKey][]int64

	// newest is the newest updated_at merged: where the next live refresh starts, on
	// Zendesk's clock.
	newest time.Time

	// convs caches conversations by ticket (conversation.go); authors are the people who
	// wrote their comments.
	convs   map[int64]*conversation
	authors map[int64]model.User

	// pending holds the navigation messages screens emitted during the current Update.
	pending []tea.Msg
	// people: the addresses Zendesk was asked about (people.go).
	people peopleAsked
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

		checking: map[int64]checkingTicket{},
		deps:     map[int64][]depKey{},
		readers:  map[depKey][]int64{},
		convs:    map[int64]*conversation{},
		authors:  map[int64]model.User{},
	}
}

// reset forgets the loaded queue (before a reload).
func (s *session) reset() {
	s.dir = model.NewDirectory()
	s.tickets = map[int64]model.Ticket{}
	s.evals = map[int64]model.Evaluation{}
	s.checking = map[int64]checkingTicket{}
	s.deps = map[int64][]depKey{}
	s.readers = map[depKey][]int64{}
	s.convs = map[int64]*conversation{}
	s.newest = time.Time{}
}

// checkingTicket is a queue ticket whose verdict is not known yet.
type checkingTicket struct {
	t model.Ticket
	// stopped: the load that was to judge it ended first (failed, or never sent the
	// resolved page): the row says "not checked" rather than "checking".
	stopped bool
}

// ticketShown is a queue ticket as the queue and the detail show it, judged or not;
// checking reports that it has no verdict (yet).
func (s *session) ticketShown(id int64) (t model.Ticket, checking, ok bool) {
	if t, ok := s.tickets[id]; ok {
		return t, false, true
	}
	c, ok := s.checking[id]
	return c.t, ok, ok
}

// stillChecking says why a ticket cannot be fixed, asked about or marked yet ("" when it
// has a verdict, or is not in the queue).
func (s *session) stillChecking(id int64) string {
	c, ok := s.checking[id]
	switch {
	case !ok:
		return ""
	case c.stopped:
		return fmt.Sprintf("#%d was not checked (the load stopped): r reloads the queue", id)
	}
	return fmt.Sprintf("#%d is still being checked: wait for its findings", id)
}

// stopChecking marks every ticket still being checked as not checked (the load ended) and
// returns their ids.
func (s *session) stopChecking() []int64 {
	var ids []int64
	for id, c := range s.checking {
		if !c.stopped {
			c.stopped = true
			s.checking[id] = c
			ids = append(ids, id)
		}
	}
	return ids
}

// dropChecking forgets the tickets without a verdict (a reload brings them again) and
// returns their ids.
func (s *session) dropChecking() []int64 {
	ids := make([]int64, 0, len(s.checking))
	for id := range s.checking {
		ids = append(ids, id)
	}
	clear(s.checking)
	return ids
}

// merge adds a page (made inert first) and returns the tickets whose verdict or row may
// have changed: the page's own tickets (dropped ones included, so their rows go) and, when
// the page brought people, organizations or memberships, the tickets that depend on them
// (dependents). Only those are judged again. The tickets of a Pending page are kept apart,
// unjudged (checking), until a resolved page brings them again; its people and
// organizations are merged all the same.
func (s *session) merge(p model.QueuePage) []int64 {
	p = inertPage(p)
	delta := s.news(p) // before the merge: what the page changes in the directory
	s.dir.Merge(p)
	changed := make([]int64, 0, len(p.Tickets))
	for _, t := range p.Tickets {
		if t.UpdatedAt.After(s.newest) {
			s.newest = t.UpdatedAt
		}
		switch {
		case model.InQueue(s.rules, t) && p.Pending:
			if old, judged := s.tickets[t.ID]; judged && old.UpdatedAt.Equal(t.UpdatedAt) && !t.UpdatedAt.IsZero() {
				continue // unchanged: its verdict stands until the resolved page judges it again
			}
			// A changed version without a verdict: the older verdict must not stand for it.
			s.checking[t.ID] = checkingTicket{t: t}
			delete(s.tickets, t.ID)
			delete(s.evals, t.ID)
			s.setDeps(t.ID, nil)
		case model.InQueue(s.rules, t):
			s.tickets[t.ID] = t
			delete(s.checking, t.ID)
		default:
			delete(s.tickets, t.ID)
			delete(s.evals, t.ID)
			delete(s.checking, t.ID)
			s.setDeps(t.ID, nil)
		}
		changed = append(changed, t.ID)
	}
	if len(delta.Users) > 0 || len(delta.Organizations) > 0 || len(delta.Memberships) > 0 {
		changed = append(changed, s.dependents(delta, changed)...)
	}
	for _, id := range changed {
		if t, ok := s.tickets[id]; ok {
			ev := model.Evaluate(s.rules, t, s.dir)
			s.evals[id] = ev
			s.setDeps(id, s.dependencies(t, ev))
		}
	}
	return changed
}

// depKey names one thing a verdict can read from the directory: a user or organization
// id, or a domain or address (lower-cased).
type depKey struct {
	kind byte // 'u' user, 'o' organization, 'd' domain, 'e' address, 'l' local part, '?' any domain
	id   int64
	s    string
}

// news keeps of a page the people, organizations and memberships the directory does not
// hold as they are: a user seen again unchanged changes no verdict.
func (s *session) news(p model.QueuePage) model.QueuePage {
	var out model.QueuePage
	for _, u := range p.Users {
		if old, ok := s.dir.User(u.ID); !ok || !reflect.DeepEqual(old, u) && !(u.Emails == nil && sameBut(old, u)) {
			out.Users = append(out.Users, u)
		}
	}
	for _, o := range p.Organizations {
		if old, ok := s.dir.Organization(o.ID); !ok || !reflect.DeepEqual(old, o) {
			out.Organizations = append(out.Organizations, o)
		}
	}
	for _, m := range p.Memberships {
		if !slices.ContainsFunc(s.dir.MembershipsOf(m.UserID), func(x model.Membership) bool { return x == m }) {
			out.Memberships = append(out.Memberships, m)
		}
	}
	return out
}

// sameBut reports whether two versions of a user differ only in Emails (nil in a page
// means "not looked up": the directory keeps what it knew).
func sameBut(a, b model.User) bool {
	a.Emails, b.Emails = nil, nil
	return reflect.DeepEqual(a, b)
}

// remove forgets tickets that left the queue's source and returns their ids.
func (s *session) remove(ids []int64) []int64 {
	for _, id := range ids {
		delete(s.tickets, id)
		delete(s.evals, id)
		delete(s.checking, id)
		s.setDeps(id, nil)
	}
	return ids
}

// dependencies lists what a ticket's verdict and row read from the directory, noted when
// the ticket is judged: its people, their organizations, the domains of their addresses
// and of its Organization Email, and the addresses it names (Organization Email, CC request).
func (s *session) dependencies(t model.Ticket, ev model.Evaluation) []depKey {
	var d []depKey
	users := append([]int64{t.RequesterID, t.SubmitterID, t.AssigneeID}, t.EmailCCIDs...)
	users = append(users, t.CollaboratorIDs...)
	for _, o := range []int64{t.OrganizationID, ev.OrgOfEmail, ev.SupportBasisOrgID} {
		d = append(d, depKey{kind: 'o', id: o})
	}
	addr := func(e string) {
		if e = model.NormalizeEmail(e); e != "" {
			d = append(d, depKey{kind: 'e', s: e}, depKey{kind: 'd', s: domainOf(e)})
		}
	}
	addr(ev.OrgEmail)
	for _, f := range ev.Findings {
		if f.Kind == model.KindCustomerEmailUnknown && ev.OrgEmail != "" {
			// The suggestion weighs every customer domain, and prefers a domain where
			// local@domain is an existing user: any new domain, or a user with E's local part.
			local := ev.OrgEmail[:strings.LastIndexByte(ev.OrgEmail, '@')]
			d = append(d, depKey{kind: '?'}, depKey{kind: 'l', s: local})
		}
	}
	for _, w := range strings.FieldsFunc(t.Field(s.rules.CCRequestField), func(r rune) bool {
		return r == ',' || r == ';' || r == '<' || r == '>' || unicode.IsSpace(r)
	}) {
		addr(w)
	}
	for _, id := range users {
		if id == 0 {
			continue
		}
		d = append(d, depKey{kind: 'u', id: id})
		if u, ok := s.dir.User(id); ok {
			if e := model.NormalizeEmail(u.Email); e != "" {
				d = append(d, depKey{kind: 'd', s: domainOf(e)})
			}
		}
		for _, o := range s.dir.OrganizationIDsOf(id) {
			d = append(d, depKey{kind: 'o', id: o})
		}
	}
	return d
}

// setDeps replaces what a ticket's verdict read (nil when the ticket left the queue).
// Reader lists are short (the tickets of one person or organization), so they are slices.
func (s *session) setDeps(id int64, keys []depKey) {
	for _, k := range s.deps[id] {
		ids := s.readers[k]
		if i := slices.Index(ids, id); i >= 0 {
			ids[i] = ids[len(ids)-1]
			ids = ids[:len(ids)-1]
		}
		if len(ids) == 0 {
			delete(s.readers, k)
		} else {
			s.readers[k] = ids
		}
	}
	if keys == nil {
		delete(s.deps, id)
		return
	}
	s.deps[id] = keys
	for _, k := range keys {
		if (k.kind == 'o' || k.kind == 'u') && k.id == 0 {
			continue
		}
		s.readers[k] = append(s.readers[k], id)
	}
}

// dependents lists the loaded tickets (other than skip) whose verdict read something the
// page brought (see dependencies), found through the readers index. Tickets whose
// customer address is unknown are judged again whenever people or organizations arrive:
// their suggestion weighs every customer domain and existing user.
func (s *session) dependents(p model.QueuePage, skip []int64) []int64 {
	hit := map[int64]bool{}
	for _, id := range skip {
		hit[id] = true
	}
	var out []int64
	add := func(k depKey) {
		for _, id := range s.readers[k] {
			if !hit[id] {
				hit[id] = true
				out = append(out, id)
			}
		}
	}
	for _, u := range p.Users {
		// A user's address decides who E names, not what its domain is: domains are
		// classified by the organizations that hold them (below).
		add(depKey{kind: 'u', id: u.ID})
		if e := model.NormalizeEmail(u.Email); e != "" {
			add(depKey{kind: 'e', s: e})
			add(depKey{kind: 'l', s: e[:strings.LastIndexByte(e, '@')]})
		}
	}
	for _, o := range p.Organizations {
		add(depKey{kind: 'o', id: o.ID})
		for _, d := range o.DomainNames {
			add(depKey{kind: 'd', s: strings.ToLower(strings.TrimSpace(d))})
		}
	}
	for _, m := range p.Memberships {
		add(depKey{kind: 'u', id: m.UserID})
		add(depKey{kind: 'o', id: m.OrganizationID})
	}
	for _, o := range p.Organizations {
		if len(o.DomainNames) > 0 {
			add(depKey{kind: '?'})
			break
		}
	}
	return out
}

// domainOf is the part of a normalised address after its @.
func domainOf(email string) string {
	return email[strings.LastIndexByte(email, '@')+1:]
}

// userLabel names a user for a person: the email, else the name, else the id.
func (s *session) userLabel(id int64) string {
	if id == 0 {
		return "—"
	}
	u, ok := s.dir.User(id)
	if !ok {
		return "user #" + itoa(id) + " (not found)" // deleted or merged in Zendesk
	}
	if u.Email != "" {
		return u.Email
	}
	if u.Name != "" {
		return u.Name + " (no email)"
	}
	return "user #" + itoa(id) + " (no email)"
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
