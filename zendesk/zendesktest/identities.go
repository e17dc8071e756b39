package zendesktest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Identity is one of a user's email identities (GET /users/{id}/identities). A user's
// Email is their primary identity, which the server creates itself; a Dataset lists the
// secondary ones. Zendesk resolves an address to the user who owns it as any identity:
// requester {email}, email_ccs user_email, search email: and /users/search all find the
// owner of a secondary address, and none of them creates a second user for it.
type Identity struct {
	ID        int64
	UserID    int64
	Value     string // the address
	Primary   bool
	Verified  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

type identityWire struct {
	URL                string    `json:"url"`
	ID                 int64     `json:"id"`
	UserID             int64     `json:"user_id"`
	Type               string    `json:"type"`
	Value              string    `json:"value"`
	Verified           bool      `json:"verified"`
	Primary            bool      `json:"primary"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	UndeliverableCount int       `json:"undeliverable_count"`
	DeliverableState   string    `json:"deliverable_state"`
}

// loadIdentities gives every user with an email their primary identity, then adds the
// dataset's secondary ones (an address another user already owns is skipped, as Zendesk
// refuses it). s.mu is held (or the server is not serving yet).
func (s *Server) loadIdentities(ds Dataset) {
	s.identities = map[int64][]*Identity{}
	for _, uid := range sortedKeys(s.users) {
		s.addPrimaryIdentity(s.users[uid])
	}
	for _, id := range ds.Identities {
		id := id
		id.Value = strings.ToLower(strings.TrimSpace(id.Value))
		u := s.users[id.UserID]
		if u == nil || id.Value == "" {
			continue
		}
		if owner, taken := s.userByEmail[id.Value]; taken && owner != u.ID {
			continue
		}
		if slices.ContainsFunc(s.identities[u.ID], func(x *Identity) bool { return x.Value == id.Value }) {
			continue
		}
		s.nextIdentityID = max(s.nextIdentityID+1, id.ID)
		id.ID, id.Primary = s.nextIdentityID, false
		if id.CreatedAt.IsZero() {
			id.CreatedAt = u.CreatedAt
		}
		if id.UpdatedAt.IsZero() {
			id.UpdatedAt = id.CreatedAt
		}
		s.identities[u.ID] = append(s.identities[u.ID], &id)
		s.userByEmail[id.Value] = u.ID
	}
}

// addPrimaryIdentity records the user's Email as their primary identity (s.mu held).
func (s *Server) addPrimaryIdentity(u *User) {
	if u.Email == "" {
		return
	}
	s.nextIdentityID++
	s.identities[u.ID] = append(s.identities[u.ID], &Identity{ID: s.nextIdentityID, UserID: u.ID,
		Value: strings.ToLower(u.Email), Primary: true, Verified: u.Verified, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt})
}

// ownsAddress reports whether the user owns addr (lower case) as any email identity.
func (s *Server) ownsAddress(u *User, addr string) bool {
	if strings.EqualFold(u.Email, addr) {
		return true
	}
	return slices.ContainsFunc(s.identities[u.ID], func(x *Identity) bool { return x.Value == addr })
}

// userAddresses lists the user's email identities, primary first (s.mu held).
func (s *Server) userAddresses(u *User) []string {
	var out []string
	if u.Email != "" {
		out = append(out, strings.ToLower(u.Email))
	}
	for _, id := range s.identities[u.ID] {
		if !slices.Contains(out, id.Value) {
			out = append(out, id.Value)
		}
	}
	return out
}

// Identities lists a user's email identities (primary first).
func (s *Server) Identities(userID int64) []Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Identity
	for _, id := range s.identities[userID] {
		out = append(out, *id)
	}
	return out
}

// DeleteUser removes a user as Zendesk's deletion (or a merge into another user) does for
// the API: no endpoint returns them any more, their identities and memberships are gone,
// and tickets keep their id as requester, submitter or CC.
func (s *Server) DeleteUser(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[id] == nil {
		return
	}
	for _, mid := range slices.Clone(s.memByUser[id]) {
		s.removeMember(mid)
	}
	for e, owner := range s.userByEmail {
		if owner == id {
			delete(s.userByEmail, e)
		}
	}
	delete(s.identities, id)
	delete(s.users, id)
}

// userIdentitiesList is GET /users/{id}/identities (offset or cursor pages; 404 for a user
// that does not exist).
func (s *Server) userIdentitiesList(r *http.Request, uid int64) (response, *apiError) {
	rules := listRules
	rules.kind = fmt.Sprintf("uid:%d", uid)
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[uid] == nil {
		return response{}, errNotFound()
	}
	ids := s.identities[uid]
	lo, hi := p.window(len(ids))
	list := []identityWire{}
	for _, id := range ids[lo:hi] {
		list = append(list, identityWire{
			URL: fmt.Sprintf("%s/api/v2/users/%d/identities/%d.json", s.accountURL, uid, id.ID),
			ID:  id.ID, UserID: uid, Type: "email", Value: id.Value, Verified: id.Verified, Primary: id.Primary,
			CreatedAt: id.CreatedAt.UTC(), UpdatedAt: id.UpdatedAt.UTC(), DeliverableState: "deliverable",
		})
	}
	out := map[string]any{"identities": list}
	s.pageFields(r, p, len(ids), lo, hi, false, out)
	return jsonResponse(200, out), nil
}
