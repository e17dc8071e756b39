package zendesk

// Per page: plan (in page order, claiming look-ups), resolve (fetch what the sideloads
// lacked) and deliver (each user, organization and membership once).

import (
	"context"
	"sync"

	"github.com/partner-triage/partner-triage/model"
)

// pagePlan is what one page must look up.
type pagePlan struct {
	raw      rawPage
	tickets  []model.Ticket // queue tickets only
	needUser []int64        // users the tickets reference
	fetchU   []int64        // … of which this page fetches
	fetchO   []int64        // organizations this page fetches
}

// ticketPeople are the users a ticket references that the rules read.
func ticketPeople(t model.Ticket) []int64 {
	ids := make([]int64, 0, 2+len(t.CollaboratorIDs)+len(t.EmailCCIDs))
	ids = append(ids, t.RequesterID, t.SubmitterID)
	ids = append(ids, t.EmailCCIDs...)
	ids = append(ids, t.CollaboratorIDs...)
	return ids
}

// plan runs in page order: it records the page's sideloads and claims its look-ups.
func (l *loader) plan(raw rawPage) *pagePlan {
	p := &pagePlan{raw: raw}
	rules := l.c.cfg.Rules
	for _, t := range raw.tickets {
		if model.InQueue(rules, t) {
			p.tickets = append(p.tickets, t)
		}
	}
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
	for _, t := range p.tickets {
		for _, id := range ticketPeople(t) {
			if id == 0 || seen[id] {
				continue
			}
			seen[id] = true
			p.needUser = append(p.needUser, id)
			if _, ok := l.users[id]; !ok && claim(l.userClaim, id, raw.index) {
				p.fetchU = append(p.fetchU, id)
			}
		}
		if id := t.OrganizationID; id != 0 && !seenOrg[id] {
			seenOrg[id] = true
			if _, ok := l.orgs[id]; !ok && claim(l.orgClaim, id, raw.index) {
				p.fetchO = append(p.fetchO, id)
			}
		}
	}
	return p
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

// resolve fetches what the plan claimed: missing users and orgs (show_many), then the
// memberships of Select-domain users and the users named by Organization Email values.
func (l *loader) resolve(ctx context.Context, p *pagePlan) (*resolvedPage, error) {
	c := l.c
	idx := p.raw.index
	out := &resolvedPage{index: idx, tickets: p.tickets, total: p.raw.total}
	var mu sync.Mutex
	var fetchedUsers []model.User
	var fetchedOrgs []model.Organization

	userBatches := batches(p.fetchU, pageSize)
	orgBatches := batches(p.fetchO, pageSize)
	err := parallel(ctx, len(userBatches)+len(orgBatches), func(ctx context.Context, i int) error {
		if i < len(userBatches) {
			us, err := c.showManyUsers(ctx, userBatches[i])
			mu.Lock()
			fetchedUsers = append(fetchedUsers, us...)
			mu.Unlock()
			return err
		}
		os, err := c.showManyOrgs(ctx, orgBatches[i-len(userBatches)])
		mu.Lock()
		fetchedOrgs = append(fetchedOrgs, os...)
		mu.Unlock()
		return err
	})
	if err != nil {
		return nil, err
	}

	// Second round: default orgs of fetched users not yet known, Select-domain users'
	// memberships, and Organization Email addresses naming no known user.
	l.mu.Lock()
	for _, u := range fetchedUsers {
		l.knowUser(u)
	}
	for _, o := range fetchedOrgs {
		l.orgs[o.ID] = o
	}
	var moreOrgs, memberOf []int64
	var lookups []string
	for _, id := range p.needUser {
		u, ok := l.users[id]
		if !ok {
			continue
		}
		if oid := u.OrganizationID; oid != 0 {
			if _, ok := l.orgs[oid]; !ok && claim(l.orgClaim, oid, idx) {
				moreOrgs = append(moreOrgs, oid)
			}
		}
	}
	// A Select user's membership in a customer org is visible only from the user's side;
	// the rules ask about requesters and submitters.
	for _, t := range p.tickets {
		for _, id := range [2]int64{t.RequesterID, t.SubmitterID} {
			if u, ok := l.users[id]; ok && l.selectDomains[model.Domain(u.Email)] && claim(l.memberClaim, id, idx) {
				memberOf = append(memberOf, id)
			}
		}
	}
	if f := c.cfg.Rules.OrgEmailField; f != 0 {
		for _, t := range p.tickets {
			e := model.NormalizeEmail(t.Field(f))
			if e == "" || l.partnerDomain[model.Domain(e)] {
				continue // the rules only resolve org(E) for customer addresses
			}
			if _, ok := l.byEmail[e]; !ok && claim(l.emailClaim, e, idx) {
				lookups = append(lookups, e)
			}
			// A suggestion tie is broken by which candidate address is an existing user: one
			// look-up per candidate, only for the few addresses on no customer domain.
			for _, cand := range model.SuggestionTies(c.cfg.Rules, e, l.orgDirectory()) {
				if _, ok := l.byEmail[cand]; !ok && claim(l.emailClaim, cand, idx) {
					lookups = append(lookups, cand)
				}
			}
		}
	}
	l.mu.Unlock()

	var found []model.User
	orgBatches = batches(moreOrgs, pageSize)
	n1, n2 := len(orgBatches), len(memberOf)
	err = parallel(ctx, n1+n2+len(lookups), func(ctx context.Context, i int) error {
		switch {
		case i < n1:
			os, err := c.showManyOrgs(ctx, orgBatches[i])
			mu.Lock()
			fetchedOrgs = append(fetchedOrgs, os...)
			mu.Unlock()
			return err
		case i < n1+n2:
			ms, err := c.userMemberships(ctx, memberOf[i-n1])
			mu.Lock()
			out.memberships = append(out.memberships, ms...)
			mu.Unlock()
			return err
		default:
			u, ok, err := c.findUserForLoad(ctx, lookups[i-n1-n2])
			if ok {
				mu.Lock()
				found = append(found, u)
				mu.Unlock()
			}
			return err
		}
	})
	if err != nil {
		return nil, err
	}

	// Organizations the new people and memberships point at, when the listing missed them
	// (created during the load): one more show_many, rarely needed.
	l.mu.Lock()
	for _, o := range fetchedOrgs {
		l.orgs[o.ID] = o
	}
	for _, u := range found {
		l.knowUser(u)
	}
	var lastOrgs []int64
	addOrg := func(oid int64) {
		if oid == 0 {
			return
		}
		if _, ok := l.orgs[oid]; !ok && claim(l.orgClaim, oid, idx) {
			lastOrgs = append(lastOrgs, oid)
		}
	}
	for _, u := range found {
		addOrg(u.OrganizationID)
	}
	for _, m := range out.memberships {
		addOrg(m.OrganizationID)
	}
	l.mu.Unlock()
	if len(lastOrgs) > 0 {
		for _, b := range batches(lastOrgs, pageSize) {
			os, err := c.showManyOrgs(ctx, b)
			if err != nil {
				return nil, err
			}
			fetchedOrgs = append(fetchedOrgs, os...)
		}
		l.mu.Lock()
		for _, o := range fetchedOrgs {
			l.orgs[o.ID] = o
		}
		l.mu.Unlock()
	}

	// The page's people and organizations, as known now.
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range p.needUser {
		if u, ok := l.users[id]; ok {
			out.users = append(out.users, u)
		}
	}
	out.users = append(out.users, found...)
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
	return out, nil
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
