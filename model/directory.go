package model

import (
	"slices"
	"strings"

	"github.com/partner-triage/partner-triage/text"
)

// Directory indexes the users, organizations and memberships known so far. It is built by
// merging QueuePages and read by the rules; it is not safe for concurrent use (Evaluate
// and BuildPlan refresh its caches, so even they must not run concurrently on one Directory).
//
// Besides the plain maps it keeps, lazily, the per-configuration indexes the rules need
// (the class of every organization, partner/Select domains, customer organizations by
// domain). They are built on the first Evaluate for a configuration and kept up to date
// incrementally by PutOrganization/Merge, so evaluating a ticket costs a few map look-ups.
type Directory struct {
	users       map[int64]*userRec
	orgs        map[int64]Organization
	byEmail     map[string]int64 // normalised email → user id
	memberships map[int64][]Membership
	memberOwner map[int64]int64 // membership id → user id (membership ids already merged)

	ix *ruleIndex // nil until the rules first ask; see index
	// gen counts changes (and index rebuilds); a userRec's cached verdicts hold while
	// their gen is the directory's.
	gen uint64
}

// userRec is a user with its address normalised once, so the rules never lower-case on the
// hot path, and the rules' verdicts on the user cached until the directory changes.
type userRec struct {
	User
	email  string // trimmed, lower-cased; "" when the user has no valid address
	domain string // the part after @ of email

	gen      uint64 // the Directory.gen the cached verdicts below belong to
	track    Track  // the track of the address's domain
	badLinks bool   // a member of an organization of the track the user must not join
}

// NewDirectory returns an empty directory.
func NewDirectory() *Directory {
	return &Directory{
		gen:         1,
		users:       map[int64]*userRec{},
		orgs:        map[int64]Organization{},
		byEmail:     map[string]int64{},
		memberships: map[int64][]Membership{},
		memberOwner: map[int64]int64{},
	}
}

// Merge adds (or replaces) the people, organizations and memberships of a page.
func (d *Directory) Merge(p QueuePage) {
	for _, u := range p.Users {
		d.PutUser(u)
	}
	for _, o := range p.Organizations {
		d.PutOrganization(o)
	}
	for _, m := range p.Memberships {
		d.PutMembership(m)
	}
}

// PutUser adds or replaces one user. Every email identity of the user (Email and Emails)
// then finds them: the user whose email is X is the user who owns X as any identity
// (rules.md). A User whose Emails is nil keeps the identities known before.
func (d *Directory) PutUser(u User) {
	if old, ok := d.users[u.ID]; ok && old != nil {
		if u.Emails == nil {
			u.Emails = old.Emails
		}
		for _, e := range append([]string{old.email}, old.Emails...) {
			if e = NormalizeEmail(e); e != "" && d.byEmail[e] == u.ID {
				delete(d.byEmail, e)
			}
		}
	}
	d.gen++
	rec := &userRec{User: u, email: NormalizeEmail(u.Email)}
	if rec.email != "" {
		rec.domain = domainOf(rec.email)
	}
	for _, e := range u.Emails {
		if e = NormalizeEmail(e); e != "" {
			d.byEmail[e] = u.ID
		}
	}
	if rec.email != "" {
		d.byEmail[rec.email] = u.ID
	}
	d.users[u.ID] = rec
}

// owns reports whether the user owns address e (normalised) as any email identity.
func (d *Directory) owns(u *userRec, e string) bool {
	if u == nil || e == "" {
		return false
	}
	if u.email == e {
		return true
	}
	id, ok := d.byEmail[e]
	return ok && id == u.ID
}

// Owns reports whether the user owns the address as any known email identity (primary or
// secondary), compared case-insensitively; false for a user the directory lacks.
func (d *Directory) Owns(userID int64, email string) bool {
	return d.owns(d.users[userID], NormalizeEmail(email))
}

// PutOrganization adds or replaces one organization.
func (d *Directory) PutOrganization(o Organization) {
	d.gen++
	if d.ix != nil {
		if old, ok := d.orgs[o.ID]; ok {
			d.ix.removeOrg(old)
		}
		d.ix.addOrg(o)
	}
	d.orgs[o.ID] = o
}

// PutMembership adds a membership once (by id; id 0 memberships are keyed by user and org).
func (d *Directory) PutMembership(m Membership) {
	d.gen++
	if m.ID != 0 {
		if _, ok := d.memberOwner[m.ID]; ok {
			return
		}
		d.memberOwner[m.ID] = m.UserID
	} else {
		for _, have := range d.memberships[m.UserID] {
			if have.OrganizationID == m.OrganizationID {
				return
			}
		}
	}
	d.memberships[m.UserID] = append(d.memberships[m.UserID], m)
}

// RemoveMembership forgets a membership (after it was deleted in Zendesk).
func (d *Directory) RemoveMembership(id int64) {
	uid, ok := d.memberOwner[id]
	if !ok {
		return
	}
	delete(d.memberOwner, id)
	d.gen++
	ms := d.memberships[uid]
	for i, m := range ms {
		if m.ID == id {
			d.memberships[uid] = append(ms[:i:i], ms[i+1:]...)
			return
		}
	}
}

// RemoveMembershipOf forgets every membership joining a user and an organization (after
// it was deleted in Zendesk, where the removal may have been looked up by user and org).
func (d *Directory) RemoveMembershipOf(userID, orgID int64) {
	ms := d.memberships[userID]
	kept := ms[:0:0]
	for _, m := range ms {
		if m.OrganizationID == orgID {
			delete(d.memberOwner, m.ID)
			continue
		}
		kept = append(kept, m)
	}
	if len(kept) != len(ms) {
		d.memberships[userID] = kept
		d.gen++
	}
}

// User returns the user with id; false (and a zero User) when no endpoint returned them
// (a deleted or merged user, or id 0 for a null requester_id).
func (d *Directory) User(id int64) (User, bool) {
	u, ok := d.users[id]
	if !ok || u == nil {
		return User{}, false
	}
	return u.User, true
}

// Organization returns the organization with id.
func (d *Directory) Organization(id int64) (Organization, bool) {
	o, ok := d.orgs[id]
	return o, ok
}

// UserByEmail finds the user who owns an address as any known email identity, compared
// case-insensitively.
func (d *Directory) UserByEmail(email string) (User, bool) {
	id, ok := d.byEmail[NormalizeEmail(email)]
	if !ok {
		return User{}, false
	}
	u := d.users[id]
	if u == nil {
		return User{}, false
	}
	return u.User, true
}

// Organizations calls fn for every known organization, in no particular order.
func (d *Directory) Organizations(fn func(Organization)) {
	for _, o := range d.orgs {
		fn(o)
	}
}

// OrganizationIDsOf returns the ids of every organization the user belongs to: the default
// organization and every membership, without repeats.
func (d *Directory) OrganizationIDsOf(userID int64) []int64 {
	var ids []int64
	if u, ok := d.users[userID]; ok && u.OrganizationID != 0 {
		ids = append(ids, u.OrganizationID)
	}
	for _, m := range d.memberships[userID] {
		if m.OrganizationID != 0 && !slices.Contains(ids, m.OrganizationID) {
			ids = append(ids, m.OrganizationID)
		}
	}
	return ids
}

// MembershipsOf returns the user's known memberships.
func (d *Directory) MembershipsOf(userID int64) []Membership {
	return d.memberships[userID]
}

// verdicts returns u with its cached track and badLinks up to date for ix.
func (d *Directory) verdicts(ix *ruleIndex, u *userRec) *userRec {
	if u.gen == d.gen {
		return u
	}
	u.track = ix.emailTrack(u.domain)
	var bad Track
	switch u.track {
	case TrackCustomer:
		bad = TrackSelect
	case TrackSelect:
		bad = TrackCustomer
	}
	u.badLinks = false
	if bad != TrackUnknown {
		u.badLinks = u.OrganizationID != 0 && ix.class[u.OrganizationID] == bad
		for _, m := range d.memberships[u.ID] {
			u.badLinks = u.badLinks || ix.class[m.OrganizationID] == bad
		}
	}
	u.gen = d.gen
	return u
}

// isMember reports whether the user belongs to org (default organization or a membership).
func (d *Directory) isMember(userID, orgID int64) bool {
	if orgID == 0 {
		return false
	}
	if u, ok := d.users[userID]; ok && u.OrganizationID == orgID {
		return true
	}
	for _, m := range d.memberships[userID] {
		if m.OrganizationID == orgID {
			return true
		}
	}
	return false
}

// membershipID returns the id of the user's membership record in org (0 when none is known).
func (d *Directory) membershipID(userID, orgID int64) int64 {
	for _, m := range d.memberships[userID] {
		if m.OrganizationID == orgID {
			return m.ID
		}
	}
	return 0
}

// orgName names an organization for a person: its name, else "organization #id".
func (d *Directory) orgName(id int64) string {
	if id == 0 {
		return "(none)"
	}
	if o, ok := d.orgs[id]; ok && strings.TrimSpace(o.Name) != "" {
		return oneLine(o.Name)
	}
	return "organization #" + itoa(id)
}

// userName names a user for a person: their address, else their name, else "user #id".
func (d *Directory) userName(id int64) string {
	if id == 0 {
		return "(none)"
	}
	u, ok := d.users[id]
	switch {
	case !ok:
		return "user #" + itoa(id) + " (not found)"
	case u.email != "":
		return u.email
	case strings.TrimSpace(u.Email) != "":
		return oneLine(u.Email)
	case strings.TrimSpace(u.Name) != "":
		return oneLine(u.Name) + " (user #" + itoa(id) + ", no email)"
	}
	return "user #" + itoa(id)
}

// oneLine makes a name from Zendesk safe for a one-line message: text.Line (escape
// sequences, controls and bidi characters removed, line breaks folded), trimmed.
func oneLine(s string) string {
	return strings.TrimSpace(text.Line(s))
}
