package model

import "strings"

// Directory indexes the users, organizations and memberships known so far. It is built by
// merging QueuePages and read by the rules; it is not safe for concurrent use.
type Directory struct {
	users       map[int64]User
	orgs        map[int64]Organization
	byEmail     map[string]int64 // lower-cased email → user id
	memberships map[int64][]Membership
	seenMember  map[int64]struct{} // membership ids already merged
}

// NewDirectory returns an empty directory.
func NewDirectory() *Directory {
	return &Directory{
		users:       map[int64]User{},
		orgs:        map[int64]Organization{},
		byEmail:     map[string]int64{},
		memberships: map[int64][]Membership{},
		seenMember:  map[int64]struct{}{},
	}
}

// Merge adds (or replaces) the people, organizations and memberships of a page.
func (d *Directory) Merge(p QueuePage) {
	for _, u := range p.Users {
		d.PutUser(u)
	}
	for _, o := range p.Organizations {
		d.orgs[o.ID] = o
	}
	for _, m := range p.Memberships {
		d.PutMembership(m)
	}
}

// PutUser adds or replaces one user.
func (d *Directory) PutUser(u User) {
	if old, ok := d.users[u.ID]; ok && old.Email != "" {
		delete(d.byEmail, strings.ToLower(old.Email))
	}
	d.users[u.ID] = u
	if u.Email != "" {
		d.byEmail[strings.ToLower(strings.TrimSpace(u.Email))] = u.ID
	}
}

// PutOrganization adds or replaces one organization.
func (d *Directory) PutOrganization(o Organization) { d.orgs[o.ID] = o }

// PutMembership adds a membership once (by id; id 0 memberships are keyed by user and org).
func (d *Directory) PutMembership(m Membership) {
	if m.ID != 0 {
		if _, ok := d.seenMember[m.ID]; ok {
			return
		}
		d.seenMember[m.ID] = struct{}{}
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
	for uid, ms := range d.memberships {
		for i, m := range ms {
			if m.ID == id {
				d.memberships[uid] = append(ms[:i:i], ms[i+1:]...)
				delete(d.seenMember, id)
				return
			}
		}
	}
}

// User returns the user with id.
func (d *Directory) User(id int64) (User, bool) {
	u, ok := d.users[id]
	return u, ok
}

// Organization returns the organization with id.
func (d *Directory) Organization(id int64) (Organization, bool) {
	o, ok := d.orgs[id]
	return o, ok
}

// UserByEmail finds a user by exact address, compared case-insensitively.
func (d *Directory) UserByEmail(email string) (User, bool) {
	id, ok := d.byEmail[strings.ToLower(strings.TrimSpace(email))]
	if !ok {
		return User{}, false
	}
	return d.users[id], true
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
		dup := false
		for _, id := range ids {
			if id == m.OrganizationID {
				dup = true
				break
			}
		}
		if !dup {
			ids = append(ids, m.OrganizationID)
		}
	}
	return ids
}

// MembershipsOf returns the user's known memberships.
func (d *Directory) MembershipsOf(userID int64) []Membership {
	return d.memberships[userID]
}
