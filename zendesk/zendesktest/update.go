package zendesktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

type ticketUpdate struct {
	Subject      *string           `json:"subject"`
	Status       *string           `json:"status"`
	Priority     *string           `json:"priority"`
	Tags         *[]string         `json:"tags"`
	AssigneeID   json.RawMessage   `json:"assignee_id"`
	CustomFields []json.RawMessage `json:"custom_fields"`
	RequesterID  json.RawMessage   `json:"requester_id"`
	Requester    *struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		LocaleID int    `json:"locale_id"`
	} `json:"requester"`
	OrganizationID json.RawMessage `json:"organization_id"`
	EmailCCs       []struct {
		UserID    int64  `json:"user_id"`
		UserEmail string `json:"user_email"`
		UserName  string `json:"user_name"`
		Action    string `json:"action"`
	} `json:"email_ccs"`
	Comment *struct {
		Body     string `json:"body"`
		HTMLBody string `json:"html_body"`
		Public   *bool  `json:"public"`
		AuthorID int64  `json:"author_id"`
	} `json:"comment"`
	SafeUpdate   bool    `json:"safe_update"`
	UpdatedStamp *string `json:"updated_stamp"`
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func validEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(e, " <>,;") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.Contains(domain, "@")
}

// createEndUser makes a new end user for email (already validated, not existing). Like
// Zendesk's domain mapping, a user whose email domain is in an organization's
// domain_names joins that organization (lowest id first) as default.
func (s *Server) createEndUser(email, name string, now time.Time) *User {
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	s.nextUserID++
	u := &User{ID: s.nextUserID, Name: name, Email: strings.ToLower(email), Role: "end-user", Active: true,
		CreatedAt: now, UpdatedAt: now}
	u.URL = fmt.Sprintf("%s/api/v2/users/%d.json", s.accountURL, u.ID)
	_, domain, _ := strings.Cut(u.Email, "@")
	for _, oid := range s.orgIDs {
		if slices.ContainsFunc(s.orgs[oid].DomainNames, func(d string) bool { return strings.EqualFold(d, domain) }) {
			s.nextMemberID++
			m := &Membership{ID: s.nextMemberID, UserID: u.ID, OrganizationID: oid, Default: true, ViewTickets: true,
				CreatedAt: now, UpdatedAt: now}
			s.fillMembership(m)
			s.addMember(m)
			u.OrganizationID = oid
			break
		}
	}
	s.users[u.ID] = u
	s.userByEmail[u.Email] = u.ID
	s.addPrimaryIdentity(u)
	return u
}

// updateTicket is PUT /tickets/{id}. Everything is validated before anything is
// applied: a 4xx leaves the ticket (and users) untouched, except that end users created
// for requester/email_ccs are only created on success.
func (s *Server) updateTicket(r *http.Request, id int64) (response, *apiError) {
	if e := requireJSON(r); e != nil {
		return response{}, e
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return response{}, errBadRequest("InvalidJSON", "could not read body")
	}
	var env struct {
		Ticket *json.RawMessage `json:"ticket"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return response{}, errBadRequest("InvalidJSON", "Invalid JSON: "+err.Error())
	}
	if env.Ticket == nil || isNull(*env.Ticket) {
		return response{}, errBadRequest("InvalidJSON", `body must be {"ticket":{…}}`)
	}
	var up ticketUpdate
	dec := json.NewDecoder(bytes.NewReader(*env.Ticket))
	dec.UseNumber()
	if err := dec.Decode(&up); err != nil {
		return response{}, errBadRequest("InvalidJSON", "Invalid JSON: "+err.Error())
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.tickets[id]
	if cur == nil {
		return response{}, errNotFound()
	}
	if s.ticketLimit != nil {
		now := s.now()
		tl := s.ticketLimit[id]
		if tl == nil {
			tl = &limiter{n: 30, window: 10 * time.Minute}
			s.ticketLimit[id] = tl
		}
		if wait, _ := s.updateLimiter.take(now); wait > 0 {
			return tooMany(wait, http.Header{}, "TicketUpdateRateLimitExceeded").asErr()
		}
		if wait, _ := tl.take(now); wait > 0 {
			return tooMany(wait, http.Header{}, "TicketUpdateRateLimitExceeded").asErr()
		}
	}
	if up.SafeUpdate {
		ok := false
		if up.UpdatedStamp != nil {
			if ts, err := time.Parse(time.RFC3339, *up.UpdatedStamp); err == nil && ts.Equal(cur.UpdatedAt) {
				ok = true
			}
		}
		if !ok {
			return response{}, &apiError{status: 409, body: map[string]string{"error": "UpdateConflict",
				"description": "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again."}}
		}
	}
	det := map[string][]detail{}
	add := func(field, desc, code string) {
		det[field] = append(det[field], detail{Description: desc, Error: code})
	}
	if cur.Status == "closed" {
		add("status", "Status: closed prevents ticket update", "ClosedPreventsUpdate")
		return response{}, errRecordInvalid(det)
	}
	t := cur.clone()

	// Pending user creations happen only when the update succeeds.
	type newUser struct{ email, name string }
	var pending []newUser
	pendingID := func(email string) int64 { // negative placeholder ids
		for i, p := range pending {
			if strings.EqualFold(p.email, email) {
				return -int64(i + 1)
			}
		}
		return 0
	}
	resolveEmail := func(email, name string) int64 {
		email = strings.ToLower(strings.TrimSpace(email))
		if id, ok := s.userByEmail[email]; ok {
			return id
		}
		if id := pendingID(email); id != 0 {
			return id
		}
		pending = append(pending, newUser{email, name})
		return -int64(len(pending))
	}

	if up.Subject != nil {
		if strings.TrimSpace(*up.Subject) == "" {
			add("subject", "Subject: cannot be blank", "BlankValue")
		}
		t.Subject = *up.Subject
	}
	if up.Status != nil {
		if _, ok := statusRank[*up.Status]; !ok {
			add("status", "Status: is invalid", "InvalidValue")
		}
		t.Status = *up.Status
	}
	if up.Priority != nil {
		t.Priority = *up.Priority
	}
	if up.Tags != nil {
		t.Tags = slices.Clone(*up.Tags)
	}
	if len(up.AssigneeID) > 0 {
		if isNull(up.AssigneeID) {
			t.AssigneeID = 0
		} else {
			var a int64
			if err := json.Unmarshal(up.AssigneeID, &a); err != nil {
				return response{}, errBadRequest("InvalidJSON", "assignee_id must be an integer")
			}
			if u := s.users[a]; u == nil || u.Role == "end-user" {
				add("assignee_id", "Assignee: is invalid", "InvalidValue")
			}
			t.AssigneeID = a
		}
	}
	for _, rawCF := range up.CustomFields {
		var cf struct {
			ID    *json.Number `json:"id"`
			Value any          `json:"value"`
		}
		d := json.NewDecoder(bytes.NewReader(rawCF))
		d.UseNumber()
		if err := d.Decode(&cf); err != nil {
			return response{}, errBadRequest("InvalidJSON", "custom_fields: "+err.Error())
		}
		if cf.ID == nil {
			return response{}, errBadRequest("InvalidJSON", "custom_fields: every entry needs an id")
		}
		fid, err := cf.ID.Int64()
		if err != nil || fid <= 0 {
			return response{}, errBadRequest("InvalidJSON", "custom_fields: id must be an integer")
		}
		i := slices.IndexFunc(t.CustomFields, func(f CustomField) bool { return f.ID == fid })
		if i < 0 {
			t.CustomFields = append(t.CustomFields, CustomField{ID: fid, Value: cf.Value})
		} else {
			t.CustomFields[i].Value = cf.Value
		}
	}

	requesterChanged := false
	if len(up.RequesterID) > 0 {
		var rid int64
		if isNull(up.RequesterID) || json.Unmarshal(up.RequesterID, &rid) != nil {
			add("requester_id", "Requester: is invalid", "InvalidValue")
		} else if s.users[rid] == nil {
			add("requester_id", "Requester: is invalid", "InvalidValue")
		} else {
			requesterChanged = rid != t.RequesterID
			t.RequesterID = rid
		}
	}
	if up.Requester != nil {
		email := strings.ToLower(strings.TrimSpace(up.Requester.Email))
		if !validEmail(email) {
			add("requester", "Requester: Email is invalid", "InvalidValue")
		} else {
			rid := resolveEmail(email, up.Requester.Name)
			requesterChanged = requesterChanged || rid != t.RequesterID
			t.RequesterID = rid
		}
	}

	// Organization: given explicitly, it must be one of the requester's organizations;
	// otherwise a new requester brings their default organization.
	newUserDomainOrg := func(email string) int64 {
		_, domain, _ := strings.Cut(email, "@")
		for _, oid := range s.orgIDs {
			if slices.ContainsFunc(s.orgs[oid].DomainNames, func(d string) bool { return strings.EqualFold(d, domain) }) {
				return oid
			}
		}
		return 0
	}
	requesterOrgs := func(rid int64) (def int64, all []int64) {
		if rid < 0 {
			o := newUserDomainOrg(pending[-rid-1].email)
			if o == 0 {
				return 0, nil
			}
			return o, []int64{o}
		}
		if u := s.users[rid]; u != nil {
			def = u.OrganizationID
		}
		for _, mid := range s.memByUser[rid] {
			all = append(all, s.members[mid].OrganizationID)
		}
		return def, all
	}
	if len(up.OrganizationID) > 0 {
		if isNull(up.OrganizationID) {
			t.OrganizationID = 0
		} else {
			var oid int64
			if err := json.Unmarshal(up.OrganizationID, &oid); err != nil {
				return response{}, errBadRequest("InvalidJSON", "organization_id must be an integer or null")
			}
			_, all := requesterOrgs(t.RequesterID)
			unchanged := oid == cur.OrganizationID && t.RequesterID == cur.RequesterID
			switch {
			case unchanged: // Zendesk validates the pair only when one side changes
			case s.orgs[oid] == nil:
				add("organization_id", fmt.Sprintf("Organization: %d does not exist", oid), "InvalidValue")
			case !slices.Contains(all, oid):
				add("organization_id", fmt.Sprintf("Organization: the requester is not a member of %s (%d)", s.orgs[oid].Name, oid), "InvalidValue")
			}
			t.OrganizationID = oid
		}
	} else if requesterChanged {
		t.OrganizationID, _ = requesterOrgs(t.RequesterID)
	}

	for i, cc := range up.EmailCCs {
		action := cc.Action
		if action == "" {
			action = "put"
		}
		if action != "put" && action != "delete" {
			add("email_ccs", fmt.Sprintf("Email CCs: action %q is invalid (put or delete)", cc.Action), "InvalidValue")
			continue
		}
		var uid int64
		switch {
		case cc.UserID != 0:
			if s.users[cc.UserID] == nil {
				add("email_ccs", fmt.Sprintf("Email CCs: user %d is invalid", cc.UserID), "InvalidValue")
				continue
			}
			uid = cc.UserID
		case cc.UserEmail != "":
			email := strings.ToLower(strings.TrimSpace(cc.UserEmail))
			if !validEmail(email) {
				add("email_ccs", fmt.Sprintf("Email CCs: %q is not a valid email", cc.UserEmail), "InvalidValue")
				continue
			}
			if action == "delete" {
				id, ok := s.userByEmail[email]
				if !ok {
					continue
				}
				uid = id
			} else {
				uid = resolveEmail(email, cc.UserName)
			}
		default:
			add("email_ccs", fmt.Sprintf("Email CCs: entry %d needs user_id or user_email", i), "InvalidValue")
			continue
		}
		if action == "put" {
			if uid == t.RequesterID { // Zendesk drops the requester from CCs
				continue
			}
			if !slices.Contains(t.EmailCCIDs, uid) {
				t.EmailCCIDs = append(t.EmailCCIDs, uid)
			}
			if !slices.Contains(t.CollaboratorIDs, uid) {
				t.CollaboratorIDs = append(t.CollaboratorIDs, uid)
			}
		} else {
			t.EmailCCIDs = slices.DeleteFunc(t.EmailCCIDs, func(x int64) bool { return x == uid })
			if !slices.Contains(t.FollowerIDs, uid) {
				t.CollaboratorIDs = slices.DeleteFunc(t.CollaboratorIDs, func(x int64) bool { return x == uid })
			}
		}
	}
	var comment *Comment
	if up.Comment != nil && (strings.TrimSpace(up.Comment.Body) != "" || strings.TrimSpace(up.Comment.HTMLBody) != "") {
		pub := true // Zendesk's default: a comment without "public" is public
		if up.Comment.Public != nil {
			pub = *up.Comment.Public
		}
		author := up.Comment.AuthorID
		if author == 0 {
			author = s.agentID
		} else if s.users[author] == nil {
			add("comment", "Comment: author is invalid", "InvalidValue")
		}
		body := up.Comment.Body
		if body == "" {
			body = up.Comment.HTMLBody
		}
		comment = &Comment{Body: body, HTMLBody: up.Comment.HTMLBody, Public: pub, AuthorID: author}
	}
	if len(det) > 0 {
		return response{}, errRecordInvalid(det)
	}

	// Apply.
	now := s.tick(cur.UpdatedAt)
	created := map[int64]int64{}
	for i, p := range pending {
		created[-int64(i+1)] = s.createEndUser(p.email, p.name, now).ID
	}
	fix := func(id int64) int64 {
		if id < 0 {
			return created[id]
		}
		return id
	}
	t.RequesterID = fix(t.RequesterID)
	for i := range t.EmailCCIDs {
		t.EmailCCIDs[i] = fix(t.EmailCCIDs[i])
	}
	for i := range t.CollaboratorIDs {
		t.CollaboratorIDs[i] = fix(t.CollaboratorIDs[i])
	}
	t.UpdatedAt = now
	s.tickets[id] = &t
	s.nextAuditID++
	audit := map[string]any{"id": s.nextAuditID, "ticket_id": id, "created_at": now, "author_id": s.agentID,
		"metadata": map[string]any{}, "events": []any{}}
	if comment != nil {
		s.nextCommentID++
		comment.ID = s.nextCommentID
		comment.AuditID = s.nextAuditID
		comment.CreatedAt = now
		s.addComment(id, *comment)
		audit["events"] = []any{map[string]any{"id": comment.ID, "type": "Comment", "body": comment.Body,
			"public": comment.Public, "author_id": comment.AuthorID}}
	}
	return jsonResponse(200, map[string]any{"ticket": t, "audit": audit}), nil
}

func (r response) asErr() (response, *apiError) {
	var body any
	_ = json.Unmarshal(r.body, &body)
	h := map[string]string{}
	for k := range r.header {
		h[k] = r.header.Get(k)
	}
	return response{}, &apiError{status: r.status, body: body, header: h}
}
