package zendesk

// Per page: plan (in page order, claiming look-ups), resolve (fetch what the sideloads
// lacked) and deliver (each user, organization and membership once).

import (
	"context"

	"github.com/partner-triage/partner-triage/model"
)

// pagePlan is what one page must look up, and the look-ups it waits for.
type pagePlan struct {
	raw      rawPage
	tickets  []model.Ticket // queue tickets only
	needUser []int64        // users the tickets reference
	rounds   [3]lookups     // 0: users and organizations by id; 1: default orgs, memberships, addresses; 2: their orgs
	members  []int64        // users whose memberships the page delivers
	emails   []string       // addresses whose owner the page delivers
}

// lookups is one round of a page's look-ups: those it makes and those of other pages it
// waits for. A look-up is made once per load, by the first page that needs it (want).
type lookups struct {
	users, orgs, members []int64
	emails               []string
	// The flights the page makes, in the order of users, orgs, members and emails.
	userF, orgF, memberF, emailF []*flight
	waits                        []*flight // other pages' look-ups, still in flight when taken
}

// add records that the page needs k: made here or awaited (another page's, still in flight).
// l.mu held.
func (r *lookups) add(l *loader, k lookupKey) {
	f, mine := l.want(k)
	switch {
	case !mine:
		if !f.landed {
			r.waits = append(r.waits, f)
		}
	case k.kind == 'u':
		r.users, r.userF = append(r.users, k.id), append(r.userF, f)
	case k.kind == 'o':
		r.orgs, r.orgF = append(r.orgs, k.id), append(r.orgF, f)
	case k.kind == 'm':
		r.members, r.memberF = append(r.members, k.id), append(r.memberF, f)
	case k.kind == 'e':
		r.emails, r.emailF = append(r.emails, k.s), append(r.emailF, f)
	}
}

// mine is every flight the round makes.
func (r *lookups) mine() [][]*flight { return [][]*flight{r.userF, r.orgF, r.memberF, r.emailF} }

// ticketPeople are the users a ticket references that the rules read.
func ticketPeople(t model.Ticket) []int64 {
	ids := make([]int64, 0, 2+len(t.CollaboratorIDs)+len(t.EmailCCIDs))
	ids = append(ids, t.RequesterID, t.SubmitterID)
	ids = append(ids, t.EmailCCIDs...)
	ids = append(ids, t.CollaboratorIDs...)
	return ids
}

// queueTickets keeps the page's queue tickets (model.InQueue).
func (l *loader) queueTickets(raw rawPage) []model.Ticket {
	var out []model.Ticket
	for _, t := range raw.tickets {
		if model.InQueue(l.c.cfg.Rules, t) {
			out = append(out, t)
		}
	}
	return out
}

// plan runs in page order: it records the page's sideloads and takes its first round of
// look-ups (users and organizations the sideloads lacked).
func (l *loader) plan(raw rawPage) *pagePlan {
	p := &pagePlan{raw: raw, tickets: l.queueTickets(raw)}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, u := range raw.users {
		l.knowUser(u)
	}
	for _, o := range raw.orgs {
		if _, ok := l.orgs[o.ID]; !ok {
			l.orgs[o.ID] = o
		}
	}
	seen := map[int64]bool{}
	seenOrg := map[int64]bool{}
	r := &p.rounds[0]
	for _, t := range p.tickets {
		for _, id := range ticketPeople(t) {
			if id == 0 || seen[id] {
				continue
			}
			seen[id] = true
			p.needUser = append(p.needUser, id)
			if _, ok := l.users[id]; !ok {
				r.add(l, lookupKey{kind: 'u', id: id})
			}
		}
		if id := t.OrganizationID; id != 0 && !seenOrg[id] {
			seenOrg[id] = true
			if _, ok := l.orgs[id]; !ok {
				r.add(l, lookupKey{kind: 'o', id: id})
			}
		}
	}
	return p
}

// planSecond takes the second round: default organizations of the page's users not yet
// known, the memberships of Select-domain requesters and submitters (a Select user's
// membership in a customer org is visible only from the user's side), and the owners of
// Organization Email addresses naming no known user. l.mu held.
func (l *loader) planSecond(p *pagePlan) {
	r := &p.rounds[1]
	for _, id := range p.needUser {
		if u, ok := l.users[id]; ok && u.OrganizationID != 0 {
			if _, ok := l.orgs[u.OrganizationID]; !ok {
				r.add(l, lookupKey{kind: 'o', id: u.OrganizationID})
			}
		}
	}
	seen := map[int64]bool{}
	for _, t := range p.tickets {
		for _, id := range [2]int64{t.RequesterID, t.SubmitterID} {
			if u, ok := l.users[id]; ok && !seen[id] && l.selectDomains[model.Domain(u.Email)] {
				seen[id] = true
				p.members = append(p.members, id)
				r.add(l, lookupKey{kind: 'm', id: id})
			}
		}
	}
	f := l.c.cfg.Rules.OrgEmailField
	if f == 0 {
		return
	}
	seenE := map[string]bool{}
	wantOwner := func(e string) {
		if seenE[e] {
			return
		}
		seenE[e] = true
		p.emails = append(p.emails, e)
		if _, ok := l.byEmail[e]; !ok {
			r.add(l, lookupKey{kind: 'e', s: e})
		}
	}
	for _, t := range p.tickets {
		e := model.NormalizeEmail(t.Field(f))
		if e == "" || l.partnerDomain[model.Domain(e)] {
			continue // the rules only resolve org(E) for customer addresses
		}
		wantOwner(e)
		// A suggestion tie is broken by which candidate address is an existing user: one
		// look-up per candidate, only for the few addresses on no customer domain.
		for _, cand := range model.SuggestionTies(l.c.cfg.Rules, e, l.orgDirectory()) {
			wantOwner(cand)
		}
	}
}

// planThird takes the organizations the found people and memberships point at, when the
// listing missed them (created during the load): rarely any. l.mu held.
func (l *loader) planThird(p *pagePlan) {
	r := &p.rounds[2]
	want := func(oid int64) {
		if _, ok := l.orgs[oid]; oid != 0 && !ok {
			r.add(l, lookupKey{kind: 'o', id: oid})
		}
	}
	for _, e := range p.emails {
		if u, ok := l.users[l.ownerOf(e)]; ok {
			want(u.OrganizationID)
		}
	}
	for _, id := range p.members {
		for _, m := range l.memberships[id] {
			want(m.OrganizationID)
		}
	}
}

// ownerOf is the user who owns address e as far as the load knows (0: nobody). l.mu held.
func (l *loader) ownerOf(e string) int64 {
	if id := l.owner[e]; id != 0 {
		return id
	}
	return l.byEmail[e]
}

// resolvedPage is a page with everything it needs.
type resolvedPage struct {
	index       int
	tickets     []model.Ticket
	users       []model.User
	orgs        []model.Organization
	memberships []model.Membership
	total       int
}

// resolve makes the page's look-ups in three rounds (each round's in parallel, and after
// the other pages' look-ups it needs have landed), then gathers what the page delivers.
func (l *loader) resolve(ctx context.Context, p *pagePlan) (out *resolvedPage, err error) {
	defer func() {
		// Look-ups this page took but never made (it failed or was cancelled) fail for the
		// pages awaiting them too, so none waits forever.
		if err == nil {
			return
		}
		l.mu.Lock()
		for i := range p.rounds {
			for _, fs := range p.rounds[i].mine() {
				for _, f := range fs {
					l.land(f, err)
				}
			}
		}
		l.mu.Unlock()
	}()
	for i := range p.rounds {
		switch i {
		case 1:
			l.mu.Lock()
			l.planSecond(p)
			l.mu.Unlock()
		case 2:
			l.mu.Lock()
			l.planThird(p)
			l.mu.Unlock()
		}
		if err := l.lookUp(ctx, &p.rounds[i]); err != nil {
			return nil, err
		}
		if err := await(ctx, p.rounds[i].waits); err != nil {
			return nil, err
		}
	}
	return l.gather(p), nil
}

// lookUp makes one round's look-ups in parallel: show_many batches of ≤100 users and
// organizations, one membership list per user, one exact search per address. Each lands
// its flights once its answer is stored.
func (l *loader) lookUp(ctx context.Context, r *lookups) error {
	c := l.c
	jobs := showManyJobs(l, r.users, r.userF, c.showManyUsers, l.knowUser)
	jobs = append(jobs, showManyJobs(l, r.orgs, r.orgF, c.showManyOrgs, func(o model.Organization) { l.orgs[o.ID] = o })...)
	for i, id := range r.members {
		f := r.memberF[i]
		jobs = append(jobs, func(ctx context.Context) error {
			ms, err := c.userMemberships(ctx, id)
			l.mu.Lock()
			defer l.mu.Unlock()
			if err == nil {
				l.memberships[id] = ms
			}
			l.land(f, err)
			return err
		})
	}
	for i, e := range r.emails {
		f := r.emailF[i]
		jobs = append(jobs, func(ctx context.Context) error {
			u, ok, err := c.findUserForLoad(ctx, e)
			l.mu.Lock()
			defer l.mu.Unlock()
			if ok {
				l.knowUser(u) // with the identities the look-up found
				l.owner[e] = u.ID
			}
			l.land(f, err)
			return err
		})
	}
	return parallel(ctx, len(jobs), func(ctx context.Context, i int) error { return jobs[i](ctx) })
}

// showManyJobs makes one job per show_many batch of ≤100 ids: read the batch, store each
// record (store runs with l.mu held), then land the batch's flights (fs, in the order of ids).
func showManyJobs[T any](l *loader, ids []int64, fs []*flight, read func(context.Context, []int64) ([]T, error), store func(T)) []func(context.Context) error {
	var jobs []func(context.Context) error
	for i, b := range batches(ids, pageSize) {
		bf := fs[i*pageSize : i*pageSize+len(b)]
		jobs = append(jobs, func(ctx context.Context) error {
			recs, err := read(ctx, b)
			l.mu.Lock()
			defer l.mu.Unlock()
			for _, rec := range recs {
				store(rec)
			}
			for _, f := range bf {
				l.land(f, err)
			}
			return err
		})
	}
	return jobs
}

// gather is the page's tickets with the people, organizations and memberships that judge
// them, as known now (every look-up it needed has landed).
func (l *loader) gather(p *pagePlan) *resolvedPage {
	out := &resolvedPage{index: p.raw.index, tickets: p.tickets, total: p.raw.total}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range p.needUser {
		if u, ok := l.users[id]; ok {
			out.users = append(out.users, u)
		}
	}
	for _, e := range p.emails {
		if u, ok := l.users[l.ownerOf(e)]; ok {
			out.users = append(out.users, u)
		}
	}
	for _, id := range p.members {
		out.memberships = append(out.memberships, l.memberships[id]...)
	}
	orgSeen := map[int64]bool{}
	addPageOrg := func(id int64) {
		if id == 0 || orgSeen[id] {
			return
		}
		orgSeen[id] = true
		if o, ok := l.orgs[id]; ok {
			out.orgs = append(out.orgs, o)
		}
	}
	for _, t := range p.tickets {
		addPageOrg(t.OrganizationID)
	}
	for _, u := range out.users {
		addPageOrg(u.OrganizationID)
	}
	for _, m := range out.memberships {
		addPageOrg(m.OrganizationID)
	}
	return out
}

// deliver builds the QueuePage, leaving out what earlier pages delivered.
func (l *loader) deliver(p *resolvedPage, first bool) model.QueuePage {
	qp := model.QueuePage{Tickets: p.tickets}
	if qp.Tickets == nil {
		qp.Tickets = []model.Ticket{}
	}
	if l.sentIdentities == nil {
		l.sentIdentities = map[int64]bool{}
	}
	addUser := func(u model.User) {
		// A user an exact look-up found by a secondary address is delivered again once with
		// their identities, so the rules know they own it (they may have come without).
		if !l.sentUsers[u.ID] || (u.Emails != nil && !l.sentIdentities[u.ID]) {
			l.sentUsers[u.ID] = true
			l.sentIdentities[u.ID] = l.sentIdentities[u.ID] || u.Emails != nil
			qp.Users = append(qp.Users, u)
		}
	}
	addOrg := func(o model.Organization) {
		if !l.sentOrgs[o.ID] {
			l.sentOrgs[o.ID] = true
			qp.Organizations = append(qp.Organizations, o)
		}
	}
	addMember := func(m model.Membership) {
		if m.ID == 0 || !l.sentMemberships[m.ID] {
			if m.ID != 0 {
				l.sentMemberships[m.ID] = true
			}
			qp.Memberships = append(qp.Memberships, m)
		}
	}
	if first {
		l.mu.Lock()
		for _, o := range l.dirOrgs {
			addOrg(o)
		}
		for _, u := range l.dirUsers {
			addUser(u)
		}
		for _, m := range l.dirMemberships {
			addMember(m)
		}
		l.mu.Unlock()
	}
	for _, u := range p.users {
		addUser(u)
	}
	for _, o := range p.orgs {
		addOrg(o)
	}
	for _, m := range p.memberships {
		addMember(m)
	}
	return qp
}
