package zendesktest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
)

func (s *Server) getTicket(r *http.Request, id int64) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tickets[id]
	if t == nil {
		return response{}, errNotFound()
	}
	out := map[string]any{"ticket": *t}
	s.sideload([]*Ticket{t}, parseInclude(r.URL.Query().Get("include")), out)
	return jsonResponse(200, out), nil
}

func (s *Server) showManyTickets(r *http.Request) (response, *apiError) {
	ids, e := parseIDs(r.URL.Query().Get("ids"))
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := []*Ticket{}
	list := []ticketWire{}
	for _, id := range ids {
		if t := s.tickets[id]; t != nil {
			ts = append(ts, t)
			list = append(list, t.wire(""))
		}
	}
	out := map[string]any{"tickets": list, "next_page": nil, "previous_page": nil, "count": len(list)}
	s.sideload(ts, parseInclude(r.URL.Query().Get("include")), out)
	return jsonResponse(200, out), nil
}

func (s *Server) listTickets(r *http.Request) (response, *apiError) {
	rules := listRules
	rules.kind = "tickets"
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ticketPage(r, p, s.ticketIDs), nil
}

func (s *Server) ticketPage(r *http.Request, p pageReq, ids []int64) response {
	lo, hi := p.window(len(ids))
	ts := make([]*Ticket, 0, hi-lo)
	list := make([]ticketWire, 0, hi-lo)
	for _, id := range ids[lo:hi] {
		t := s.tickets[id]
		ts = append(ts, t)
		list = append(list, t.wire(""))
	}
	out := map[string]any{"tickets": list}
	s.pageFields(r, p, len(ids), lo, hi, false, out)
	s.sideload(ts, parseInclude(r.URL.Query().Get("include")), out)
	return jsonResponse(200, out)
}

func (s *Server) listComments(r *http.Request, id int64) (response, *apiError) {
	rules := listRules
	rules.kind = fmt.Sprintf("comments:%d", id)
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tickets[id] == nil {
		return response{}, errNotFound()
	}
	cs := s.comments[id]
	// sort_order: asc (oldest first, the default) or desc; Zendesk documents no other value.
	switch r.URL.Query().Get("sort_order") {
	case "", "asc":
	case "desc":
		cs = slices.Clone(cs)
		slices.Reverse(cs)
	default:
		return response{}, errInvalidAttr("sort_order", "Invalid parameter: sort_order must be asc or desc")
	}
	lo, hi := p.window(len(cs))
	page := slices.Clone(cs[lo:hi])
	out := map[string]any{"comments": page}
	s.pageFields(r, p, len(cs), lo, hi, false, out)
	if parseInclude(r.URL.Query().Get("include")).users {
		// The comments' authors, as include=users sideloads them.
		users := []userWire{}
		seen := map[int64]bool{}
		for _, c := range page {
			if u := s.users[c.AuthorID]; u != nil && !seen[c.AuthorID] {
				seen[c.AuthorID] = true
				users = append(users, u.wire(""))
			}
		}
		out["users"] = users
	}
	return jsonResponse(200, out), nil
}

func (s *Server) getView(id int64) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[id]
	if !ok {
		return response{}, errNotFound()
	}
	return jsonResponse(200, map[string]any{"view": map[string]any{
		"url": fmt.Sprintf("%s/api/v2/views/%d.json", s.accountURL, v.ID), "id": v.ID, "title": v.Title,
		"active": true, "default": false, "position": 1, "description": nil, "restriction": nil,
		"execution":  map[string]any{"group_by": nil, "sort_by": "created_at", "sort_order": "asc"},
		"conditions": map[string]any{"all": []any{}, "any": []any{}},
		"created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-10-01T09:00:00Z"}}), nil
}

func (s *Server) viewTicketIDs(v View) []int64 {
	if v.TicketIDs != nil {
		ids := make([]int64, 0, len(v.TicketIDs))
		for _, id := range v.TicketIDs {
			if s.tickets[id] != nil {
				ids = append(ids, id)
			}
		}
		return ids
	}
	if v.Match == nil {
		return s.ticketIDs
	}
	var ids []int64
	for _, id := range s.ticketIDs {
		if v.Match(s.tickets[id].clone()) {
			ids = append(ids, id)
		}
	}
	return ids
}

func (s *Server) viewTickets(r *http.Request, id int64) (response, *apiError) {
	rules := listRules
	rules.kind = fmt.Sprintf("view:%d", id)
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[id]
	if !ok {
		return response{}, errNotFound()
	}
	return s.ticketPage(r, p, s.viewTicketIDs(v)), nil
}

// ---- users ----

func (s *Server) me(*http.Request) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[s.agentID]; u != nil {
		return jsonResponse(200, map[string]any{"user": *u}), nil
	}
	return jsonResponse(200, map[string]any{"user": User{ID: 1, Name: "API user", Email: s.cfg.email, Role: "admin", Active: true,
		Verified: true, CreatedAt: s.clock, UpdatedAt: s.clock}}), nil
}

func (s *Server) getUser(id int64) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	if u == nil {
		return response{}, errNotFound()
	}
	return jsonResponse(200, map[string]any{"user": *u}), nil
}

func (s *Server) showManyUsers(r *http.Request) (response, *apiError) {
	ids, e := parseIDs(r.URL.Query().Get("ids"))
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []userWire{}
	oids := map[int64]bool{}
	for _, id := range ids {
		if u := s.users[id]; u != nil {
			list = append(list, u.wire(""))
			oids[u.OrganizationID] = true
		}
	}
	out := map[string]any{"users": list, "next_page": nil, "previous_page": nil, "count": len(list)}
	if parseInclude(r.URL.Query().Get("include")).orgs {
		orgs := []Organization{}
		for _, id := range sortedKeys(oids) {
			if o := s.orgs[id]; o != nil {
				orgs = append(orgs, *o)
			}
		}
		out["organizations"] = orgs
	}
	return jsonResponse(200, out), nil
}

// searchUsers is /users/search?query=…: fuzzy like Zendesk. For an address (with or
// without "email:") it returns every user with an email identity (primary or secondary)
// that equals it, has the same local part, or starts with it — the exact match is not first, so clients must filter.
// Other text matches names and emails by substring. Offset pagination.
func (s *Server) searchUsers(r *http.Request) (response, *apiError) {
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("query"))
	ext := q.Get("external_id")
	if query == "" && ext == "" {
		return response{}, errBadRequest("InvalidQuery", "query or external_id is required")
	}
	rules := listRules
	rules.cursor = false
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	addr := strings.ToLower(strings.Trim(strings.TrimPrefix(query, "email:"), `" `))
	local, _, isAddr := strings.Cut(addr, "@")
	var hits []User
	for _, id := range sortedKeys(s.users) {
		u := s.users[id]
		ok := false
		for _, em := range append(s.userAddresses(u), "") { // every email identity
			switch {
			case query == "":
			case isAddr:
				l, _, _ := strings.Cut(em, "@")
				ok = ok || em != "" && (em == addr || l == local || strings.HasPrefix(em, addr))
			default:
				ok = ok || strings.Contains(strings.ToLower(u.Name), addr) || em != "" && strings.Contains(em, addr)
			}
		}
		if ok {
			hits = append(hits, *u)
		}
	}
	lo, hi := p.window(len(hits))
	out := map[string]any{"users": append([]User{}, hits[lo:hi]...)}
	s.pageFields(r, p, len(hits), lo, hi, false, out)
	return jsonResponse(200, out), nil
}

func (s *Server) userMembershipsList(r *http.Request, uid int64) (response, *apiError) {
	rules := listRules
	rules.kind = fmt.Sprintf("umem:%d", uid)
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[uid] == nil {
		return response{}, errNotFound()
	}
	ms := s.userMemberships(uid)
	lo, hi := p.window(len(ms))
	out := map[string]any{"organization_memberships": append([]Membership{}, ms[lo:hi]...)}
	s.pageFields(r, p, len(ms), lo, hi, false, out)
	return jsonResponse(200, out), nil
}

// ---- organizations ----

func (s *Server) listOrgs(r *http.Request) (response, *apiError) {
	rules := listRules
	rules.kind = "orgs"
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lo, hi := p.window(len(s.orgIDs))
	list := make([]orgWire, 0, hi-lo)
	for _, id := range s.orgIDs[lo:hi] {
		list = append(list, s.orgs[id].wire(""))
	}
	out := map[string]any{"organizations": list}
	s.pageFields(r, p, len(s.orgIDs), lo, hi, false, out)
	return jsonResponse(200, out), nil
}

func (s *Server) getOrg(id int64) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[id]
	if o == nil {
		return response{}, errNotFound()
	}
	return jsonResponse(200, map[string]any{"organization": *o}), nil
}

func (s *Server) showManyOrgs(r *http.Request) (response, *apiError) {
	ids, e := parseIDs(r.URL.Query().Get("ids"))
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []Organization{}
	for _, id := range ids {
		if o := s.orgs[id]; o != nil {
			list = append(list, *o)
		}
	}
	return jsonResponse(200, map[string]any{"organizations": list, "next_page": nil, "previous_page": nil,
		"count": len(list)}), nil
}

func (s *Server) orgMembers(oid int64) []Membership {
	var out []Membership
	for _, id := range s.memByOrg[oid] {
		out = append(out, *s.members[id])
	}
	return out
}

func (s *Server) orgMembershipsList(r *http.Request, oid int64) (response, *apiError) {
	rules := listRules
	rules.kind = fmt.Sprintf("omem:%d", oid)
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgs[oid] == nil {
		return response{}, errNotFound()
	}
	ms := s.orgMembers(oid)
	lo, hi := p.window(len(ms))
	out := map[string]any{"organization_memberships": append([]Membership{}, ms[lo:hi]...)}
	s.pageFields(r, p, len(ms), lo, hi, false, out)
	return jsonResponse(200, out), nil
}

func (s *Server) orgUsers(r *http.Request, oid int64) (response, *apiError) {
	rules := listRules
	rules.kind = fmt.Sprintf("ousers:%d", oid)
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgs[oid] == nil {
		return response{}, errNotFound()
	}
	var users []User
	seen := map[int64]bool{}
	for _, m := range s.orgMembers(oid) {
		if u := s.users[m.UserID]; u != nil && !seen[u.ID] {
			seen[u.ID] = true
			users = append(users, *u)
		}
	}
	sortByID(users, func(u User) int64 { return u.ID })
	lo, hi := p.window(len(users))
	out := map[string]any{"users": append([]User{}, users[lo:hi]...)}
	s.pageFields(r, p, len(users), lo, hi, false, out)
	return jsonResponse(200, out), nil
}

// ---- memberships ----

func (s *Server) getMembership(id int64) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.members[id]
	if m == nil {
		return response{}, errNotFound()
	}
	return jsonResponse(200, map[string]any{"organization_membership": *m}), nil
}

// deleteMembership removes one membership (204). When it was the user's default, the
// user's oldest remaining membership becomes the default (organization_id follows), or
// the user is left without organization.
func (s *Server) deleteMembership(id int64) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.members[id]
	if m == nil {
		return response{}, errNotFound()
	}
	s.removeMember(id)
	if u := s.users[m.UserID]; u != nil && (m.Default || u.OrganizationID == m.OrganizationID) {
		u.OrganizationID = 0
		if rest := s.userMemberships(u.ID); len(rest) > 0 {
			nm := s.members[rest[0].ID]
			nm.Default = true
			u.OrganizationID = nm.OrganizationID
		}
		u.UpdatedAt = s.tick(u.UpdatedAt)
	}
	return response{status: 204, header: http.Header{}}, nil
}

func requireJSON(r *http.Request) *apiError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errBadRequest("UnsupportedMediaType", "Content-Type must be application/json")
	}
	return nil
}

// createMembership is POST /organization_memberships {"organization_membership":
// {"user_id", "organization_id", "default"?}} → 201. Unknown user or organization and
// duplicates are 422 RecordInvalid. A user's first membership becomes the default.
func (s *Server) createMembership(r *http.Request) (response, *apiError) {
	if e := requireJSON(r); e != nil {
		return response{}, e
	}
	var body struct {
		M *struct {
			UserID         int64 `json:"user_id"`
			OrganizationID int64 `json:"organization_id"`
			Default        *bool `json:"default"`
		} `json:"organization_membership"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.M == nil {
		return response{}, errBadRequest("InvalidJSON", "body must be {\"organization_membership\":{…}}")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	det := map[string][]detail{}
	u := s.users[body.M.UserID]
	if u == nil {
		det["user_id"] = []detail{{Description: "User cannot be blank", Error: "BlankValue"}}
	}
	if s.orgs[body.M.OrganizationID] == nil {
		det["organization_id"] = []detail{{Description: "Organization cannot be blank", Error: "BlankValue"}}
	}
	if len(det) == 0 {
		if s.isMember(u.ID, body.M.OrganizationID) {
			det["user_id"] = []detail{{Description: "User has already been taken", Error: "DuplicateValue"}}
		}
	}
	if len(det) > 0 {
		return response{}, errRecordInvalid(det)
	}
	now := s.tick(s.clock)
	s.nextMemberID++
	m := &Membership{ID: s.nextMemberID, UserID: u.ID, OrganizationID: body.M.OrganizationID, ViewTickets: true,
		CreatedAt: now, UpdatedAt: now}
	existing := s.userMemberships(u.ID)
	if len(existing) == 0 || (body.M.Default != nil && *body.M.Default) {
		for _, e := range existing {
			s.members[e.ID].Default = false
		}
		m.Default = true
		u.OrganizationID = m.OrganizationID
		u.UpdatedAt = now
	}
	s.fillMembership(m)
	s.addMember(m)
	return jsonResponse(201, map[string]any{"organization_membership": *m}), nil
}
