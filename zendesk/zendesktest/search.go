package zendesktest

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The search query subset (for /search and /search/export):
//
//	type:ticket|user|organization       (export: rejected, use filter[type])
//	status:X  status<X  status<=X  status>X  status>=X   (new<open<pending<hold<solved<closed)
//	form:ID or form:"Form name", ticket_form_id:ID
//	organization:ID|name, organization_id:ID, requester:ID|email, submitter:…, assignee:…
//	tags:X (tag:X), custom_field_ID:value, subject:word, description:word
//	created>2026-11-10 (and <, <=, >=, :), updated…
//	email:ADDR (users: exact, case-insensitive), name:…, role:…
//	<org field key>:value  (organizations: organization_fields[key] equals value, case-insensitive)
//	-term negates; a bare word is free text (substring of subject/description,
//	name/email, name/domains, case-insensitive).
//
// A property term that does not apply to a result type never matches it (Zendesk would
// treat it as free text, which practically never matches). Results are ordered by
// created_at then id unless sort_by/sort_order say otherwise.

type term struct {
	neg   bool
	key   string // "" for free text
	op    string // ":", "<", "<=", ">", ">="
	value string // lower-cased, unquoted
}

func tokenize(q string) []string {
	var toks []string
	var b strings.Builder
	inQ := false
	for _, r := range q {
		switch {
		case r == '"':
			inQ = !inQ
			b.WriteRune(r)
		case (r == ' ' || r == '\t' || r == '\n') && !inQ:
			if b.Len() > 0 {
				toks = append(toks, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		toks = append(toks, b.String())
	}
	return toks
}

func parseQuery(q string) []term {
	var out []term
	for _, tok := range tokenize(q) {
		t := term{op: ":"}
		if strings.HasPrefix(tok, "-") && len(tok) > 1 {
			t.neg = true
			tok = tok[1:]
		}
		idx := strings.IndexAny(tok, ":<>")
		if idx <= 0 || strings.HasPrefix(tok, `"`) {
			t.value = strings.ToLower(strings.Trim(tok, `"`))
			out = append(out, t)
			continue
		}
		t.key = strings.ToLower(tok[:idx])
		rest := tok[idx:]
		switch {
		case strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, ">="):
			t.op, rest = rest[:2], rest[2:]
		default:
			t.op, rest = rest[:1], rest[1:]
		}
		t.value = strings.ToLower(strings.Trim(rest, `"`))
		out = append(out, t)
	}
	return out
}

var statusRank = map[string]int{"new": 0, "open": 1, "pending": 2, "hold": 3, "solved": 4, "closed": 5}

func cmpOp(op string, c int) bool {
	switch op {
	case ":", "=":
		return c == 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = valueText(e)
		}
		return strings.Join(parts, " ")
	case []string:
		return strings.Join(x, " ")
	default:
		return fmt.Sprint(x)
	}
}

func (s *Server) userRef(v string, id int64) bool {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n == id
	}
	if v == "none" {
		return id == 0
	}
	u := s.users[id]
	return u != nil && (strings.EqualFold(u.Email, v) || strings.EqualFold(u.Name, v))
}

func (s *Server) orgRef(v string, id int64) bool {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n == id
	}
	if v == "none" {
		return id == 0
	}
	o := s.orgs[id]
	return o != nil && strings.EqualFold(o.Name, v)
}

func dateCmp(op, v string, t time.Time) bool {
	d, err := time.Parse("2006-01-02", v)
	if err != nil {
		d, err = time.Parse(time.RFC3339, strings.ToUpper(v))
		if err != nil {
			return false
		}
		return cmpOp(op, t.Compare(d))
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return cmpOp(op, day.Compare(d))
}

func (s *Server) ticketTerm(t *Ticket, tm term) bool {
	v := tm.value
	switch tm.key {
	case "":
		return strings.Contains(strings.ToLower(t.Subject), v) || strings.Contains(strings.ToLower(t.Description), v) ||
			slices.Contains(t.Tags, v)
	case "status":
		r, ok := statusRank[v]
		return ok && cmpOp(tm.op, statusRank[t.Status]-r)
	case "form", "ticket_form", "ticket_form_id":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return t.TicketFormID == n
		}
		return tm.key == "form" && strings.EqualFold(s.forms[t.TicketFormID], v)
	case "organization", "organization_id":
		return s.orgRef(v, t.OrganizationID)
	case "requester", "requester_id":
		return s.userRef(v, t.RequesterID)
	case "submitter", "submitter_id":
		return s.userRef(v, t.SubmitterID)
	case "assignee", "assignee_id":
		return s.userRef(v, t.AssigneeID)
	case "tags", "tag":
		return slices.ContainsFunc(t.Tags, func(x string) bool { return strings.EqualFold(x, v) })
	case "subject":
		return strings.Contains(strings.ToLower(t.Subject), v)
	case "description":
		return strings.Contains(strings.ToLower(t.Description), v)
	case "created":
		return dateCmp(tm.op, v, t.CreatedAt)
	case "updated":
		return dateCmp(tm.op, v, t.UpdatedAt)
	case "priority":
		return strings.EqualFold(t.Priority, v)
	}
	if idStr, ok := strings.CutPrefix(tm.key, "custom_field_"); ok {
		id, err := strconv.ParseInt(idStr, 10, 64)
		if err != nil {
			return false
		}
		txt := strings.ToLower(strings.TrimSpace(valueText(t.Field(id))))
		if v == "*" {
			return txt != ""
		}
		return txt == v
	}
	return false
}

func (s *Server) userTerm(u *User, tm term) bool {
	v := tm.value
	switch tm.key {
	case "":
		return strings.Contains(strings.ToLower(u.Name), v) || strings.Contains(strings.ToLower(u.Email), v)
	case "email":
		return s.ownsAddress(u, strings.ToLower(v))
	case "name":
		return strings.Contains(strings.ToLower(u.Name), v)
	case "role":
		return strings.EqualFold(u.Role, v)
	case "organization", "organization_id":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return s.isMember(u.ID, n)
		}
		return s.orgRef(v, u.OrganizationID)
	case "created":
		return dateCmp(tm.op, v, u.CreatedAt)
	case "tags", "tag":
		return slices.ContainsFunc(u.Tags, func(x string) bool { return strings.EqualFold(x, v) })
	}
	return false
}

func (s *Server) orgTerm(o *Organization, tm term) bool {
	v := tm.value
	switch tm.key {
	case "":
		if strings.Contains(strings.ToLower(o.Name), v) {
			return true
		}
		return slices.ContainsFunc(o.DomainNames, func(d string) bool { return strings.Contains(strings.ToLower(d), v) })
	case "name":
		return strings.Contains(strings.ToLower(o.Name), v)
	case "created":
		return dateCmp(tm.op, v, o.CreatedAt)
	case "tags", "tag":
		return slices.ContainsFunc(o.Tags, func(x string) bool { return strings.EqualFold(x, v) })
	case "domain", "domain_names":
		return slices.ContainsFunc(o.DomainNames, func(d string) bool { return strings.EqualFold(d, v) })
	}
	if fv, ok := o.OrganizationFields[tm.key]; ok {
		txt := strings.ToLower(strings.TrimSpace(valueText(fv)))
		if v == "*" {
			return txt != ""
		}
		return tm.op == ":" && txt == v
	}
	return false
}

func allTerms(terms []term, f func(term) bool) bool {
	for _, tm := range terms {
		if f(tm) == tm.neg {
			return false
		}
	}
	return true
}

type hit struct {
	kind string // ticket, user, organization
	id   int64
	at   time.Time
	upd  time.Time
}

// runSearch evaluates the terms (type terms removed) over the given result types.
func (s *Server) runSearch(terms []term, types []string) []hit {
	var hits []hit
	for _, typ := range types {
		switch typ {
		case "ticket":
			for _, id := range s.ticketIDs {
				t := s.tickets[id]
				if allTerms(terms, func(tm term) bool { return s.ticketTerm(t, tm) }) {
					hits = append(hits, hit{"ticket", id, t.CreatedAt, t.UpdatedAt})
				}
			}
		case "user":
			for _, id := range sortedKeys(s.users) {
				u := s.users[id]
				if allTerms(terms, func(tm term) bool { return s.userTerm(u, tm) }) {
					hits = append(hits, hit{"user", id, u.CreatedAt, u.UpdatedAt})
				}
			}
		case "organization":
			for _, id := range s.orgIDs {
				o := s.orgs[id]
				if allTerms(terms, func(tm term) bool { return s.orgTerm(o, tm) }) {
					hits = append(hits, hit{"organization", id, o.CreatedAt, o.UpdatedAt})
				}
			}
		}
	}
	return hits
}

func sortHits(hits []hit, by, order string) {
	key := func(h hit) time.Time { return h.at }
	if by == "updated_at" {
		key = func(h hit) time.Time { return h.upd }
	}
	desc := order == "desc"
	slices.SortStableFunc(hits, func(a, b hit) int {
		c := key(a).Compare(key(b))
		if c == 0 {
			c = cmpInt(a.id, b.id)
		}
		if desc {
			return -c
		}
		return c
	})
}

func normType(v string) string {
	switch v {
	case "ticket", "tickets":
		return "ticket"
	case "user", "users":
		return "user"
	case "organization", "organizations", "org":
		return "organization"
	case "group", "groups":
		return "group"
	}
	return ""
}

func (s *Server) results(hits []hit) []any {
	out := make([]any, 0, len(hits))
	for _, h := range hits {
		switch h.kind {
		case "ticket":
			out = append(out, s.tickets[h.id].wire("ticket"))
		case "user":
			out = append(out, s.users[h.id].wire("user"))
		case "organization":
			out = append(out, s.orgs[h.id].wire("organization"))
		}
	}
	return out
}

// searchIncludes parses include=tickets(users,organizations); plain include=users is
// not a search sideload and is ignored, as on Zendesk.
func searchIncludes(v string) includes {
	var in includes
	for _, part := range strings.SplitAfter(v, ")") {
		part = strings.TrimLeft(strings.TrimSpace(part), ",")
		inner, ok := strings.CutPrefix(strings.TrimSpace(part), "tickets(")
		if !ok {
			continue
		}
		inner = strings.TrimSuffix(inner, ")")
		in2 := parseInclude(inner)
		in.users = in.users || in2.users
		in.orgs = in.orgs || in2.orgs
	}
	return in
}

func (s *Server) ticketsOf(hits []hit) []*Ticket {
	var ts []*Ticket
	for _, h := range hits {
		if h.kind == "ticket" {
			ts = append(ts, s.tickets[h.id])
		}
	}
	return ts
}

// search is GET /search?query=…: offset pagination only (page[size] → 400), per_page
// clamped to 100, page × per_page > 1000 → 422, count is the true total.
func (s *Server) search(r *http.Request) (response, *apiError) {
	q := r.URL.Query()
	if _, ok := q["page[size]"]; ok {
		return response{}, errInvalidAttr("page", "Invalid parameter: page must be an integer; /search does not support cursor pagination (use /search/export)")
	}
	if _, ok := q["page[after]"]; ok {
		return response{}, errInvalidAttr("page", "Invalid parameter: page must be an integer; /search does not support cursor pagination (use /search/export)")
	}
	query := strings.TrimSpace(q.Get("query"))
	if query == "" {
		return response{}, errBadRequest("invalid", "query is required")
	}
	rules := pageRules{offset: true, maxOffset: 100, offsetDepth: 1000, depthStatus: 422}
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	terms := parseQuery(query)
	var types []string
	var rest []term
	for _, tm := range terms {
		if tm.key == "type" && !tm.neg {
			t := normType(tm.value)
			if t == "" {
				return response{}, errBadRequest("invalid", "unknown type "+tm.value)
			}
			types = append(types, t)
			continue
		}
		rest = append(rest, tm)
	}
	if len(types) == 0 {
		types = []string{"ticket", "user", "organization"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	hits := s.runSearch(rest, types)
	sortHits(hits, q.Get("sort_by"), q.Get("sort_order"))
	lo, hi := p.window(len(hits))
	page := hits[lo:hi]
	out := map[string]any{"results": s.results(page), "facets": nil}
	s.pageFields(r, p, len(hits), lo, hi, false, out)
	s.sideload(s.ticketsOf(page), searchIncludes(q.Get("include")), out)
	return jsonResponse(200, out), nil
}

// searchExport is GET /search/export?query=…&filter[type]=…: cursor only (page[size]
// default 100, at most 1000), cursors expire after an hour, no result cap; a type: term
// in the query or a missing/unknown filter[type] is 400. Ordered by created_at.
// include=tickets(users,organizations) is honoured for tickets.
func (s *Server) searchExport(r *http.Request) (response, *apiError) {
	q := r.URL.Query()
	typ := normType(q.Get("filter[type]"))
	if q.Get("filter[type]") == "" {
		return response{}, errBadRequest("InvalidSearchExportParameter", "filter[type] is required: one of ticket, user, organization, group")
	}
	if typ == "" {
		return response{}, errBadRequest("InvalidSearchExportParameter", "filter[type] must be one of ticket, user, organization, group")
	}
	query := strings.TrimSpace(q.Get("query"))
	if query == "" {
		return response{}, errBadRequest("InvalidSearchExportParameter", "query is required")
	}
	terms := parseQuery(query)
	for _, tm := range terms {
		if tm.key == "type" {
			return response{}, errBadRequest("InvalidSearchExportParameter",
				"type is not allowed in the query of /search/export; use filter[type]")
		}
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(query))
	rules := pageRules{kind: fmt.Sprintf("export:%s:%x", typ, h.Sum32()), cursor: true, maxCursor: 1000, defCursor: 100, expires: true}
	p, e := rules.parse(r)
	if e != nil {
		return response{}, e
	}
	if p.before >= 0 {
		return response{}, errBadRequest("InvalidPaginationParameter", "/search/export does not support page[before]")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	hits := s.runSearch(terms, []string{typ})
	sortHits(hits, "created_at", "asc")
	lo, hi := p.window(len(hits))
	page := hits[lo:hi]
	out := map[string]any{"results": s.results(page), "facets": nil}
	s.pageFields(r, p, len(hits), lo, hi, true, out)
	out["links"].(map[string]any)["prev"] = nil
	s.sideload(s.ticketsOf(page), searchIncludes(q.Get("include")), out)
	return jsonResponse(200, out), nil
}
