package zendesktest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testEmail = "priya.raman@gitlab.com"
	testToken = "s3cr3t"
)

func newDemo(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := NewServer(Demo(), append([]Option{WithAPIToken(testEmail, testToken)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

func tokenAuth(r *http.Request) { r.SetBasicAuth(testEmail+"/token", testToken) }

// call makes one request (path relative to the API base, or an absolute URL) and
// returns the status, the headers and the body decoded into a map (nil when not JSON).
func call(t *testing.T, s *Server, method, path string, body any, auth func(*http.Request)) (int, http.Header, map[string]any) {
	t.Helper()
	st, h, raw := callRaw(t, s, method, path, body, auth)
	var m map[string]any
	if len(raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s %s: body is not a JSON object: %v: %s", method, path, err, raw)
		}
	}
	return st, h, m
}

func callRaw(t *testing.T, s *Server, method, path string, body any, auth func(*http.Request)) (int, http.Header, []byte) {
	t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = s.URL() + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != nil {
		auth(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, raw
}

func get(t *testing.T, s *Server, path string) (int, map[string]any) {
	t.Helper()
	st, _, m := call(t, s, "GET", path, nil, tokenAuth)
	return st, m
}

func num(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("not a number: %#v", v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func list(t *testing.T, m map[string]any, key string) []map[string]any {
	t.Helper()
	raw, ok := m[key].([]any)
	if !ok {
		t.Fatalf("%q is not a list: %#v", key, m[key])
	}
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i] = r.(map[string]any)
	}
	return out
}

func ids(t *testing.T, items []map[string]any) []int64 {
	t.Helper()
	var out []int64
	for _, it := range items {
		out = append(out, num(t, it["id"]))
	}
	return out
}

func wantStatus(t *testing.T, got, want int, body any) {
	t.Helper()
	if got != want {
		t.Fatalf("status %d, want %d; body %v", got, want, body)
	}
}

// ---- auth ----

func TestAuth(t *testing.T) {
	s := newDemo(t)
	st, _, m := call(t, s, "GET", "/tickets/4001.json", nil, tokenAuth)
	wantStatus(t, st, 200, m)

	for name, auth := range map[string]func(*http.Request){
		"none":          nil,
		"wrong token":   func(r *http.Request) { r.SetBasicAuth(testEmail+"/token", "nope") },
		"wrong email":   func(r *http.Request) { r.SetBasicAuth("x@y.com/token", testToken) },
		"password auth": func(r *http.Request) { r.SetBasicAuth(testEmail, testToken) },
		"bearer":        func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+testToken) },
	} {
		st, _, m := call(t, s, "GET", "/tickets/4001.json", nil, auth)
		if st != 401 || m["error"] != "Couldn't authenticate you" {
			t.Errorf("%s: %d %v, want 401 Couldn't authenticate you", name, st, m)
		}
	}

	o := NewServer(Demo(), WithOAuthToken("oauth-abc"))
	defer o.Close()
	st, _, _ = call(t, o, "GET", "/users/me.json", nil, func(r *http.Request) { r.Header.Set("Authorization", "Bearer oauth-abc") })
	wantStatus(t, st, 200, nil)
	st, _, _ = call(t, o, "GET", "/users/me.json", nil, func(r *http.Request) { r.Header.Set("Authorization", "Bearer other") })
	wantStatus(t, st, 401, nil)
	st, _, _ = call(t, o, "GET", "/users/me.json", nil, tokenAuth)
	wantStatus(t, st, 401, nil)

	// Both kinds configured: both work.
	b := NewServer(Demo(), WithOAuthToken("oauth-abc"), WithAPIToken(testEmail, testToken))
	defer b.Close()
	st, _, _ = call(t, b, "GET", "/users/me.json", nil, tokenAuth)
	wantStatus(t, st, 200, nil)
	st, _, _ = call(t, b, "GET", "/users/me.json", nil, func(r *http.Request) { r.Header.Set("Authorization", "Bearer oauth-abc") })
	wantStatus(t, st, 200, nil)

	// Neither option: any credentials, but not none.
	a := NewServer(Demo())
	defer a.Close()
	st, _, _ = call(t, a, "GET", "/users/me.json", nil, func(r *http.Request) { r.SetBasicAuth("who@ever.com/token", "x") })
	wantStatus(t, st, 200, nil)
	st, _, _ = call(t, a, "GET", "/users/me.json", nil, nil)
	wantStatus(t, st, 401, nil)
}

func TestMe(t *testing.T) {
	s := newDemo(t)
	st, m := get(t, s, "/users/me.json")
	wantStatus(t, st, 200, m)
	if u := m["user"].(map[string]any); u["email"] != testEmail || u["role"] != "agent" {
		t.Fatalf("me = %v", u)
	}
}

// ---- pagination ----

func TestViewCursorPagination(t *testing.T) {
	s := newDemo(t)
	next := "/views/360077000001/tickets.json?page%5Bsize%5D=10"
	var got []int64
	pages := 0
	for {
		st, m := get(t, s, next)
		wantStatus(t, st, 200, m)
		pages++
		got = append(got, ids(t, list(t, m, "tickets"))...)
		meta := m["meta"].(map[string]any)
		links := m["links"].(map[string]any)
		if meta["has_more"] == false {
			// Like Zendesk, the last page still carries a next link; following it yields nothing more.
			if links["next"] == nil {
				t.Fatal("links.next is null on the last page; Zendesk keeps it, clients must stop on has_more")
			}
			st, m2 := get(t, s, links["next"].(string))
			wantStatus(t, st, 200, m2)
			if n := len(list(t, m2, "tickets")); n != 0 || m2["meta"].(map[string]any)["has_more"] != false {
				t.Fatalf("page after the last: %d tickets, meta %v", n, m2["meta"])
			}
			if m2["links"].(map[string]any)["next"] != nil || m2["meta"].(map[string]any)["after_cursor"] != nil {
				t.Fatalf("empty page should have no cursor: %v", m2)
			}
			break
		}
		if meta["after_cursor"] == nil {
			t.Fatal("after_cursor missing while has_more")
		}
		next = links["next"].(string)
		if pages > 10 {
			t.Fatal("runaway pagination")
		}
	}
	if pages != 4 || len(got) != 36 {
		t.Fatalf("pages %d, tickets %d; want 4 and 36", pages, len(got))
	}
	seen := map[int64]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("ticket %d twice", id)
		}
		seen[id] = true
	}
	// Default page size is 100: one page.
	st, m := get(t, s, "/views/360077000001/tickets.json?page[size]=100")
	wantStatus(t, st, 200, m)
	if n := len(list(t, m, "tickets")); n != 36 || m["meta"].(map[string]any)["has_more"] != false {
		t.Fatalf("page[size]=100: %d tickets, meta %v", n, m["meta"])
	}
	// Backwards with page[before].
	st, m = get(t, s, "/views/360077000001/tickets.json?page[size]=10")
	wantStatus(t, st, 200, m)
	st, m = get(t, s, m["links"].(map[string]any)["next"].(string))
	wantStatus(t, st, 200, m)
	prev := m["links"].(map[string]any)["prev"].(string)
	st, m = get(t, s, prev)
	wantStatus(t, st, 200, m)
	if first := ids(t, list(t, m, "tickets")); first[0] != 4001 || len(first) != 10 {
		t.Fatalf("prev page = %v", first)
	}
}

func TestPageSizeLimits(t *testing.T) {
	s := newDemo(t)
	for _, p := range []string{
		"/views/360077000001/tickets.json?page[size]=101",
		"/organizations.json?page[size]=101",
		"/organizations/360100000104/organization_memberships.json?page[size]=500",
		"/users/381000000307/organization_memberships.json?page[size]=0",
		"/views/360077000001/tickets.json?page[size]=ten",
		"/views/360077000001/tickets.json?page[size]=10&page[after]=garbage",
	} {
		st, m := get(t, s, p)
		if st != 400 {
			t.Errorf("%s: %d %v, want 400", p, st, m)
		}
	}
	// A cursor from another list is refused.
	_, m := get(t, s, "/organizations.json?page[size]=2")
	after := m["meta"].(map[string]any)["after_cursor"].(string)
	st, _ := get(t, s, "/views/360077000001/tickets.json?page[size]=2&page[after]="+after)
	wantStatus(t, st, 400, nil)
}

func TestOffsetPagination(t *testing.T) {
	s := newDemo(t)
	st, m := get(t, s, "/views/360077000001/tickets.json?per_page=10&page=4")
	wantStatus(t, st, 200, m)
	if n := len(list(t, m, "tickets")); n != 6 {
		t.Fatalf("page 4 has %d tickets, want 6", n)
	}
	if m["next_page"] != nil || m["previous_page"] == nil || num(t, m["count"]) != 36 {
		t.Fatalf("offset fields: next %v prev %v count %v", m["next_page"], m["previous_page"], m["count"])
	}
	st, m = get(t, s, "/views/360077000001/tickets.json?per_page=10")
	wantStatus(t, st, 200, m)
	if !strings.Contains(m["next_page"].(string), "page=2") {
		t.Fatalf("next_page = %v", m["next_page"])
	}
	// per_page above 100 is clamped, as on Zendesk.
	st, m = get(t, s, "/organizations.json?per_page=1000")
	wantStatus(t, st, 200, m)
	// Offset depth is capped at 10,000 records.
	st, m = get(t, s, "/views/360077000001/tickets.json?per_page=100&page=101")
	wantStatus(t, st, 400, m)
}

func TestOrganizationsCursor(t *testing.T) {
	s := newDemo(t)
	next := "/organizations.json?page[size]=5"
	var got []int64
	for next != "" {
		st, m := get(t, s, next)
		wantStatus(t, st, 200, m)
		got = append(got, ids(t, list(t, m, "organizations"))...)
		next = ""
		if m["meta"].(map[string]any)["has_more"] == true {
			next = m["links"].(map[string]any)["next"].(string)
		}
	}
	if len(got) != 16 {
		t.Fatalf("%d organizations, want 16", len(got))
	}
}

// ---- show_many ----

func TestShowMany(t *testing.T) {
	s := newDemo(t)
	var many []string
	for i := range 101 {
		many = append(many, strconv.Itoa(4001+i))
	}
	for _, p := range []string{"/tickets/show_many.json", "/users/show_many.json", "/organizations/show_many.json"} {
		st, m := get(t, s, p+"?ids="+strings.Join(many, ","))
		if st != 400 {
			t.Errorf("%s with 101 ids: %d %v, want 400", p, st, m)
		}
		st, m = get(t, s, p+"?ids="+strings.Join(many[:100], ","))
		wantStatus(t, st, 200, m)
		st, m = get(t, s, p+"?ids=12,abc")
		wantStatus(t, st, 400, m)
	}
	st, m := get(t, s, "/tickets/show_many.json?ids=4001,4017,99999&include=users,organizations")
	wantStatus(t, st, 200, m)
	if got := ids(t, list(t, m, "tickets")); len(got) != 2 || got[0] != 4001 || got[1] != 4017 {
		t.Fatalf("show_many tickets = %v", got)
	}
	if len(list(t, m, "users")) == 0 || len(list(t, m, "organizations")) == 0 {
		t.Fatal("show_many did not sideload")
	}
	st, m = get(t, s, "/users/show_many.json?ids=381000000307,381000000401")
	wantStatus(t, st, 200, m)
	us := list(t, m, "users")
	if len(us) != 2 || us[1]["organization_id"] != nil {
		t.Fatalf("users = %v", us)
	}
}

// ---- sideloads ----

func TestViewSideloads(t *testing.T) {
	s := newDemo(t)
	st, m := get(t, s, "/views/360077000001/tickets.json?include=users,organizations")
	wantStatus(t, st, 200, m)
	users := map[int64]map[string]any{}
	for _, u := range list(t, m, "users") {
		users[num(t, u["id"])] = u
	}
	orgs := map[int64]bool{}
	for _, o := range list(t, m, "organizations") {
		orgs[num(t, o["id"])] = true
	}
	for _, tk := range list(t, m, "tickets") {
		for _, k := range []string{"requester_id", "submitter_id"} {
			if users[num(t, tk[k])] == nil {
				t.Errorf("ticket %v: %s not sideloaded", tk["id"], k)
			}
		}
		for _, k := range []string{"email_cc_ids", "collaborator_ids"} {
			for _, id := range tk[k].([]any) {
				if users[num(t, id)] == nil {
					t.Errorf("ticket %v: %s %v not sideloaded", tk["id"], k, id)
				}
			}
		}
		if tk["organization_id"] != nil && !orgs[num(t, tk["organization_id"])] {
			t.Errorf("ticket %v: organization not sideloaded", tk["id"])
		}
	}
	for id, u := range users {
		if u["organization_id"] != nil && !orgs[num(t, u["organization_id"])] {
			t.Errorf("user %d's organization not sideloaded", id)
		}
	}
	// Without include: no sideloads.
	_, m = get(t, s, "/views/360077000001/tickets.json")
	if _, ok := m["users"]; ok {
		t.Fatal("users sideloaded without include")
	}
}

// ---- search ----

func TestSearch(t *testing.T) {
	s := newDemo(t)
	cases := []struct {
		q    string
		want int
	}{
		{"type:organization partner_track:select", 2}, // Relecloud "select" and Coho "Select"
		{"type:organization partner_track:open", 3},
		{"type:user email:jane@acme.com", 1},
		{"type:user email:JANE@acme.com", 1},
		{"type:ticket status<solved", 33},
		{"type:ticket status:open", 20},
		{"type:ticket form:360000837100", 8},
		{"type:ticket ticket_form_id:360000818199", 25},
		{`type:ticket form:"Support for Select Partners" status<solved`, 7},
		{"type:ticket status<solved -form:360000818199 -form:360000837100", 3},
		{"type:ticket runner", 7},
		{"type:ticket created>2026-11-18", 3},
		{"type:ticket organization:360100000104", 4},
		{"type:ticket no_such_field:x", 0},
	}
	for _, c := range cases {
		st, m := get(t, s, "/search.json?query="+url.QueryEscape(c.q))
		if st != 200 {
			t.Errorf("%q: %d %v", c.q, st, m)
			continue
		}
		if got := num(t, m["count"]); int(got) != c.want {
			t.Errorf("%q: count %d, want %d (%v)", c.q, got, c.want, ids(t, list(t, m, "results")))
		}
	}
	// Results carry result_type; include=tickets(users,organizations) sideloads.
	st, m := get(t, s, "/search.json?query="+url.QueryEscape("type:ticket status:new")+"&include="+url.QueryEscape("tickets(users,organizations)"))
	wantStatus(t, st, 200, m)
	for _, r := range list(t, m, "results") {
		if r["result_type"] != "ticket" {
			t.Fatalf("result_type = %v", r["result_type"])
		}
	}
	if len(list(t, m, "users")) == 0 || len(list(t, m, "organizations")) == 0 {
		t.Fatal("search include=tickets(users,organizations) did not sideload")
	}
	// Plain include=users is not a search sideload.
	_, m = get(t, s, "/search.json?query=type:ticket&include=users")
	if _, ok := m["users"]; ok {
		t.Fatal("include=users sideloaded on /search")
	}
}

func TestSearchLimits(t *testing.T) {
	s := NewServer(Synthetic(1500, 1), WithAPIToken(testEmail, testToken))
	defer s.Close()
	st, m := get(t, s, "/search.json?query=type:ticket&per_page=100&page=10")
	wantStatus(t, st, 200, m)
	if num(t, m["count"]) != 1500 {
		t.Fatalf("count = %v, want the true total 1500", m["count"])
	}
	if m["next_page"] != nil {
		// page 11 would exceed the cap, but Zendesk still links it; either is fine — check the cap itself.
		st, _ := get(t, s, m["next_page"].(string))
		wantStatus(t, st, 422, nil)
	}
	st, m = get(t, s, "/search.json?query=type:ticket&per_page=100&page=11")
	wantStatus(t, st, 422, m)
	st, m = get(t, s, "/search.json?query=type:ticket&per_page=50&page=21")
	wantStatus(t, st, 422, m)
	st, m = get(t, s, "/search.json?query=type:ticket&page[size]=100")
	wantStatus(t, st, 400, m)
	st, m = get(t, s, "/search.json")
	wantStatus(t, st, 400, m)
}

func TestSearchExport(t *testing.T) {
	s := NewServer(Synthetic(250, 7), WithAPIToken(testEmail, testToken))
	defer s.Close()
	for p, want := range map[string]int{
		"/search/export.json?query=type:ticket&filter[type]=ticket":                   400,
		"/search/export.json?query=status<solved":                                     400,
		"/search/export.json?query=status<solved&filter[type]=bogus":                  400,
		"/search/export.json?query=status<solved&filter[type]=ticket&page[size]=1001": 400,
		"/search/export.json?query=status<solved&filter[type]=ticket&page[after]=zzz": 400,
	} {
		st, m := get(t, s, p)
		if st != want {
			t.Errorf("%s: %d %v, want %d", p, st, m, want)
		}
	}
	next := "/search/export.json?query=" + url.QueryEscape("status<solved") + "&filter[type]=ticket&page[size]=100&include=" + url.QueryEscape("tickets(users)")
	var got []int64
	pages := 0
	for {
		st, m := get(t, s, next)
		wantStatus(t, st, 200, m)
		pages++
		got = append(got, ids(t, list(t, m, "results"))...)
		if len(list(t, m, "users")) == 0 {
			t.Fatal("export did not sideload users")
		}
		if m["links"].(map[string]any)["prev"] != nil {
			t.Fatal("export links.prev must be null")
		}
		if m["meta"].(map[string]any)["has_more"] == false {
			break
		}
		next = m["links"].(map[string]any)["next"].(string)
	}
	if pages != 3 || len(got) != 250 {
		t.Fatalf("export: %d pages, %d results", pages, len(got))
	}
	// Organizations by track through export (the client's way to find Select orgs).
	st, m := get(t, s, "/search/export.json?query=partner_track:select&filter[type]=organization")
	wantStatus(t, st, 200, m)
	if n := len(list(t, m, "results")); n != 5 {
		t.Fatalf("Select orgs via export = %d, want 5", n)
	}
	// page[size] up to 1000 is fine.
	st, m = get(t, s, "/search/export.json?query=status<solved&filter[type]=ticket&page[size]=1000")
	wantStatus(t, st, 200, m)
	if n := len(list(t, m, "results")); n != 250 {
		t.Fatalf("page[size]=1000 returned %d", n)
	}
}

func TestUsersSearchIsFuzzy(t *testing.T) {
	s := newDemo(t)
	st, m := get(t, s, "/users/search.json?query="+url.QueryEscape("email:jane@acme.com"))
	wantStatus(t, st, 200, m)
	emails := map[string]bool{}
	for _, u := range list(t, m, "users") {
		emails[u["email"].(string)] = true
	}
	if !emails["jane@acme.com"] || !emails["jane@acme.cmo"] {
		t.Fatalf("fuzzy user search = %v; want the exact and the near match", emails)
	}
	st, m = get(t, s, "/users/search.json?query="+url.QueryEscape("email:nobody@nowhere.example"))
	wantStatus(t, st, 200, m)
	if len(list(t, m, "users")) != 0 {
		t.Fatal("unexpected hits")
	}
	st, _ = get(t, s, "/users/search.json")
	wantStatus(t, st, 400, nil)
}

// ---- not found ----

func TestNotFound(t *testing.T) {
	s := newDemo(t)
	for _, p := range []string{"/tickets/1.json", "/users/1.json", "/organizations/1.json", "/views/1/tickets.json",
		"/tickets/1/comments.json", "/organizations/1/users.json", "/organization_memberships/1.json"} {
		st, m := get(t, s, p)
		if st != 404 || m["error"] != "RecordNotFound" || m["description"] != "Not found" {
			t.Errorf("%s: %d %v", p, st, m)
		}
	}
	for _, p := range []string{"/nope.json", "/tickets/abc.json", "/tickets/4001/nope.json"} {
		st, _ := get(t, s, p)
		wantStatus(t, st, 404, nil)
	}
	st, _, _ := call(t, s, "GET", s.URL()[:len(s.URL())-len("/api/v2")]+"/tickets/4001.json", nil, tokenAuth)
	wantStatus(t, st, 404, nil)
	st, _, _ = call(t, s, "PATCH", "/tickets/4001.json", map[string]any{"ticket": map[string]any{}}, tokenAuth)
	wantStatus(t, st, 404, nil)
	// .json is optional, as on Zendesk.
	st, _ = get(t, s, "/tickets/4001")
	wantStatus(t, st, 200, nil)
}

// ---- updates ----

func put(t *testing.T, s *Server, id int64, ticket map[string]any) (int, map[string]any) {
	t.Helper()
	st, _, m := call(t, s, "PUT", "/tickets/"+strconv.FormatInt(id, 10)+".json", map[string]any{"ticket": ticket}, tokenAuth)
	return st, m
}

func stamp(t *testing.T, s *Server, id int64) string {
	t.Helper()
	tk, ok := s.Ticket(id)
	if !ok {
		t.Fatalf("no ticket %d", id)
	}
	return tk.UpdatedAt.Format(time.RFC3339)
}

func TestSafeUpdate(t *testing.T) {
	s := newDemo(t)
	before, _ := s.Ticket(4002)
	st, m := put(t, s, 4002, map[string]any{"safe_update": true, "updated_stamp": "2026-11-01T00:00:00Z",
		"custom_fields": []any{map[string]any{"id": FieldOrgEmail, "value": "x@acme.com"}}})
	wantStatus(t, st, 409, m)
	if m["error"] != "UpdateConflict" || m["description"] == "" {
		t.Fatalf("409 body = %v", m)
	}
	if after, _ := s.Ticket(4002); after.Field(FieldOrgEmail) != before.Field(FieldOrgEmail) {
		t.Fatal("a refused update changed the ticket")
	}
	// Missing stamp with safe_update is refused too.
	st, _ = put(t, s, 4002, map[string]any{"safe_update": true})
	wantStatus(t, st, 409, nil)

	st, m = put(t, s, 4002, map[string]any{"safe_update": true, "updated_stamp": stamp(t, s, 4002),
		"custom_fields": []any{map[string]any{"id": FieldOrgEmail, "value": "tom.reyes@acme.com "}}})
	wantStatus(t, st, 200, m)
	tk := m["ticket"].(map[string]any)
	upd, err := time.Parse(time.RFC3339, tk["updated_at"].(string))
	if err != nil || !strings.HasSuffix(tk["updated_at"].(string), "Z") || upd.Nanosecond() != 0 {
		t.Fatalf("updated_at %v is not RFC3339 with second precision", tk["updated_at"])
	}
	if upd.Sub(before.UpdatedAt) < time.Second {
		t.Fatalf("updated_at moved from %v to %v; want at least +1s", before.UpdatedAt, upd)
	}
	// A concurrent agent edit makes the stamp stale.
	old := stamp(t, s, 4002)
	s.UpdateTicketDirect(4002, func(t *Ticket) { t.Status = "pending" })
	if stamp(t, s, 4002) <= old {
		t.Fatal("UpdateTicketDirect did not bump updated_at")
	}
	st, _ = put(t, s, 4002, map[string]any{"safe_update": true, "updated_stamp": old, "status": "open"})
	wantStatus(t, st, 409, nil)
	if tk, _ := s.Ticket(4002); tk.Status != "pending" {
		t.Fatal("conflicting update overwrote the concurrent edit")
	}
	// Updates in a row keep updated_at strictly increasing.
	prev := stamp(t, s, 4002)
	for range 3 {
		st, _ = put(t, s, 4002, map[string]any{"safe_update": true, "updated_stamp": prev, "tags": []string{"partner", "x"}})
		wantStatus(t, st, 200, nil)
		cur := stamp(t, s, 4002)
		if cur <= prev {
			t.Fatalf("updated_at %s not after %s", cur, prev)
		}
		prev = cur
	}
}

func TestUpdateCustomFields(t *testing.T) {
	s := newDemo(t)
	st, m := put(t, s, 4001, map[string]any{"custom_fields": []any{
		map[string]any{"id": FieldOrgEmail, "value": "jane@acme.com"},
		map[string]any{"id": FieldCCRequest, "value": nil},
		map[string]any{"id": 360099999999, "value": 42},
	}})
	wantStatus(t, st, 200, m)
	tk, _ := s.Ticket(4001)
	if tk.Field(FieldOrgEmail) != "jane@acme.com" || tk.Field(FieldCCRequest) != nil {
		t.Fatalf("fields = %v", tk.CustomFields)
	}
	if v, ok := tk.Field(360099999999).(json.Number); !ok || v.String() != "42" {
		t.Fatalf("numeric field = %#v", tk.Field(360099999999))
	}
	st, _ = put(t, s, 4001, map[string]any{"custom_fields": []any{map[string]any{"value": "x"}}})
	wantStatus(t, st, 400, nil)
}

func TestOrganizationMustBeRequesters(t *testing.T) {
	s := newDemo(t)
	// 4002: the requester is Marco (Northwind, Lucerne); Acme is not one of his organizations.
	st, m := put(t, s, 4002, map[string]any{"organization_id": OrgAcme})
	wantStatus(t, st, 422, m)
	if m["error"] != "RecordInvalid" || m["description"] != "Record validation errors" {
		t.Fatalf("422 body = %v", m)
	}
	det := m["details"].(map[string]any)["organization_id"].([]any)[0].(map[string]any)
	if det["description"] == "" || det["error"] == "" {
		t.Fatalf("details = %v", det)
	}
	if tk, _ := s.Ticket(4002); tk.OrganizationID != OrgNorthwind {
		t.Fatal("422 changed the ticket")
	}
	// A non-default membership is fine.
	st, m = put(t, s, 4002, map[string]any{"organization_id": OrgLucerne})
	wantStatus(t, st, 200, m)
	// Re-sending an unchanged (even inconsistent) organization is not a change: 4018 sits
	// under Relecloud though its requester is not a member.
	st, m = put(t, s, 4018, map[string]any{"organization_id": OrgRelecloud, "tags": []string{"x"}})
	wantStatus(t, st, 200, m)
	st, m = put(t, s, 4018, map[string]any{"organization_id": OrgCoho})
	wantStatus(t, st, 422, m)
	// Unknown organization.
	st, _ = put(t, s, 4002, map[string]any{"organization_id": 1})
	wantStatus(t, st, 422, nil)
	// Requester and organization in one update: validated against the new requester.
	st, m = put(t, s, 4002, map[string]any{"requester_id": uTom, "organization_id": OrgAcme})
	wantStatus(t, st, 200, m)
	if tk, _ := s.Ticket(4002); tk.RequesterID != uTom || tk.OrganizationID != OrgAcme {
		t.Fatalf("ticket = %+v", tk)
	}
	// Unknown requester.
	st, m = put(t, s, 4002, map[string]any{"requester_id": 1})
	wantStatus(t, st, 422, m)
	if _, ok := m["details"].(map[string]any)["requester_id"]; !ok {
		t.Fatalf("details = %v", m["details"])
	}
}

func TestRequesterChangeBringsDefaultOrg(t *testing.T) {
	s := newDemo(t)
	// 4004 has no organization; switching the requester to Jane sets Acme.
	st, m := put(t, s, 4004, map[string]any{"requester_id": uJane})
	wantStatus(t, st, 200, m)
	if tk, _ := s.Ticket(4004); tk.OrganizationID != OrgAcme {
		t.Fatalf("organization = %d, want Acme", tk.OrganizationID)
	}
	// An explicit null clears the organization (an undo needs it).
	st, m = put(t, s, 4004, map[string]any{"organization_id": nil})
	wantStatus(t, st, 200, m)
	if tk, _ := s.Ticket(4004); tk.OrganizationID != 0 || tk.RequesterID != uJane {
		t.Fatalf("after organization_id null: %+v", tk)
	}
	st, m = put(t, s, 4004, map[string]any{"organization_id": OrgAcme})
	wantStatus(t, st, 200, m)
	// To an org-less requester: organization becomes null.
	st, m = put(t, s, 4004, map[string]any{"requester_id": uJaneCmo})
	wantStatus(t, st, 200, m)
	if m["ticket"].(map[string]any)["organization_id"] != nil {
		t.Fatalf("organization_id = %v, want null", m["ticket"].(map[string]any)["organization_id"])
	}
}

func TestRequesterCreation(t *testing.T) {
	s := newDemo(t)
	// 4003: E is it-admin@fabrikam.com, no such user yet. Create it and set Fabrikam in one update.
	st, m := put(t, s, 4003, map[string]any{"safe_update": true, "updated_stamp": stamp(t, s, 4003),
		"requester": map[string]any{"email": "IT-Admin@fabrikam.com", "name": "Fabrikam IT"}, "organization_id": OrgFabrikam})
	wantStatus(t, st, 200, m)
	u, ok := s.UserByEmail("it-admin@fabrikam.com")
	if !ok || u.Name != "Fabrikam IT" || u.Role != "end-user" || u.OrganizationID != OrgFabrikam {
		t.Fatalf("created user = %+v, %v", u, ok)
	}
	if ms := s.Memberships(u.ID); len(ms) != 1 || !ms[0].Default {
		t.Fatalf("memberships = %+v", ms)
	}
	tk, _ := s.Ticket(4003)
	if tk.RequesterID != u.ID || tk.OrganizationID != OrgFabrikam {
		t.Fatalf("ticket = %+v", tk)
	}
	st, m = get(t, s, "/users/"+strconv.FormatInt(u.ID, 10)+".json")
	wantStatus(t, st, 200, m)
	// An existing email reuses the user.
	n := len(s.Memberships(uJane))
	st, _ = put(t, s, 4001, map[string]any{"requester": map[string]any{"email": "jane@acme.com", "name": "Someone Else"}})
	wantStatus(t, st, 200, nil)
	if tk, _ := s.Ticket(4001); tk.RequesterID != uJane || tk.OrganizationID != OrgAcme {
		t.Fatalf("ticket 4001 = %+v", tk)
	}
	if u, _ := s.User(uJane); u.Name != "Jane Porter" || len(s.Memberships(uJane)) != n {
		t.Fatal("existing user changed")
	}
	// A new address on no known domain: an org-less user; asking for an org is refused and creates nobody.
	st, m = put(t, s, 4006, map[string]any{"requester": map[string]any{"email": "ops@nowhere-known.dev"}, "organization_id": OrgAcme})
	wantStatus(t, st, 422, m)
	if _, ok := s.UserByEmail("ops@nowhere-known.dev"); ok {
		t.Fatal("a refused update created a user")
	}
	st, _ = put(t, s, 4006, map[string]any{"requester": map[string]any{"email": "ops@nowhere-known.dev"}})
	wantStatus(t, st, 200, nil)
	if u, ok := s.UserByEmail("ops@nowhere-known.dev"); !ok || u.OrganizationID != 0 || u.Name != "ops" {
		t.Fatalf("user = %+v", u)
	}
	// Invalid email.
	st, m = put(t, s, 4006, map[string]any{"requester": map[string]any{"email": "not an email"}})
	wantStatus(t, st, 422, m)
}

func TestEmailCCs(t *testing.T) {
	s := newDemo(t)
	// 4007 asks for Dana and Marco; Marco is missing.
	st, m := put(t, s, 4007, map[string]any{"email_ccs": []any{
		map[string]any{"user_id": uMarco, "action": "put"},
		map[string]any{"user_email": "new.person@northwind-devops.com", "user_name": "New Person", "action": "put"},
		map[string]any{"user_id": uElena, "action": "put"}, // the requester: dropped, as Zendesk does
	}})
	wantStatus(t, st, 200, m)
	np, ok := s.UserByEmail("new.person@northwind-devops.com")
	if !ok || np.OrganizationID != OrgNorthwind {
		t.Fatalf("new CC user = %+v %v", np, ok)
	}
	tk, _ := s.Ticket(4007)
	want := []int64{uDana, uMarco, np.ID}
	if len(tk.EmailCCIDs) != 3 || tk.EmailCCIDs[0] != want[0] || tk.EmailCCIDs[1] != want[1] || tk.EmailCCIDs[2] != want[2] {
		t.Fatalf("email_cc_ids = %v, want %v", tk.EmailCCIDs, want)
	}
	for _, id := range want {
		found := false
		for _, c := range tk.CollaboratorIDs {
			found = found || c == id
		}
		if !found {
			t.Fatalf("collaborator_ids %v lacks %d", tk.CollaboratorIDs, id)
		}
	}
	st, _ = put(t, s, 4007, map[string]any{"email_ccs": []any{map[string]any{"user_email": "new.person@northwind-devops.com", "action": "delete"}}})
	wantStatus(t, st, 200, nil)
	if tk, _ := s.Ticket(4007); len(tk.EmailCCIDs) != 2 {
		t.Fatalf("after delete: %v", tk.EmailCCIDs)
	}
	for _, bad := range []map[string]any{{"user_id": 1}, {"action": "put"}, {"user_id": uMarco, "action": "add"}, {"user_email": "nope"}} {
		st, m := put(t, s, 4007, map[string]any{"email_ccs": []any{bad}})
		if st != 422 || m["details"].(map[string]any)["email_ccs"] == nil {
			t.Errorf("email_ccs %v: %d %v", bad, st, m)
		}
	}
}

func TestComments(t *testing.T) {
	s := newDemo(t)
	st, m := get(t, s, "/tickets/4002/comments.json")
	wantStatus(t, st, 200, m)
	cs := list(t, m, "comments")
	if len(cs) != 1 || cs[0]["public"] != true || num(t, cs[0]["author_id"]) != uMarco {
		t.Fatalf("initial comments = %v", cs)
	}
	st, m = put(t, s, 4002, map[string]any{"comment": map[string]any{"body": "partner-triage: requester corrected", "public": false}})
	wantStatus(t, st, 200, m)
	if m["audit"] == nil {
		t.Fatal("update response without audit")
	}
	st, m = get(t, s, "/tickets/4002/comments.json")
	wantStatus(t, st, 200, m)
	cs = list(t, m, "comments")
	last := cs[len(cs)-1]
	if len(cs) != 2 || last["public"] != false || last["body"] != "partner-triage: requester corrected" || num(t, last["author_id"]) != uPriya {
		t.Fatalf("comments = %v", cs)
	}
	// Without "public", a comment is public (Zendesk's default) — the client must send false.
	put(t, s, 4002, map[string]any{"comment": map[string]any{"body": "hello"}})
	if c := s.Comments(4002); len(c) != 3 || !c[2].Public {
		t.Fatalf("comments = %+v", c)
	}
	// Cursor pagination works on comments too.
	st, m = get(t, s, "/tickets/4002/comments.json?page[size]=2")
	wantStatus(t, st, 200, m)
	if m["meta"].(map[string]any)["has_more"] != true {
		t.Fatal("has_more should be true")
	}
	// Newest first, with the authors sideloaded: what the console's conversation asks for.
	st, m = get(t, s, "/tickets/4001/comments.json?sort_order=desc&page[size]=2&include=users")
	wantStatus(t, st, 200, m)
	cs = list(t, m, "comments")
	if len(cs) != 2 || cs[0]["public"] != false || num(t, cs[1]["author_id"]) != uDana {
		t.Fatalf("newest two comments of 4001 = %v", cs)
	}
	if us := list(t, m, "users"); len(us) != 2 {
		t.Fatalf("include=users sideloaded %v, want the two authors", us)
	}
	st, m = get(t, s, "/tickets/4001/comments.json?sort_order=newest")
	wantStatus(t, st, 400, m)
}

func TestMalformedPut(t *testing.T) {
	s := newDemo(t)
	before, _ := s.Ticket(4001)
	for name, body := range map[string]string{
		"not json":         `{"ticket": {"subject": `,
		"no ticket":        `{"subject": "x"}`,
		"array":            `[1,2]`,
		"wrong type":       `{"ticket": {"requester": "jane@acme.com"}}`,
		"org id as string": `{"ticket": {"organization_id": "abc"}}`,
		"empty":            ``,
	} {
		st, _, raw := callRaw(t, s, "PUT", "/tickets/4001.json", body, func(r *http.Request) {
			tokenAuth(r)
			r.Header.Set("Content-Type", "application/json")
		})
		if st != 400 {
			t.Errorf("%s: %d %s, want 400", name, st, raw)
		}
	}
	// Not declared as JSON.
	st, _, _ := callRaw(t, s, "PUT", "/tickets/4001.json", `{"ticket":{}}`, func(r *http.Request) {
		tokenAuth(r)
		r.Header.Set("Content-Type", "text/plain")
	})
	wantStatus(t, st, 400, nil)
	if after, _ := s.Ticket(4001); !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatal("a malformed update touched the ticket")
	}
	// Closed tickets cannot be updated.
	st, m := put(t, s, 4024, map[string]any{"subject": "x"})
	wantStatus(t, st, 422, m)
	// Unknown ticket.
	st, _ = put(t, s, 99, map[string]any{"subject": "x"})
	wantStatus(t, st, 404, nil)
}

// ---- memberships ----

func TestMemberships(t *testing.T) {
	s := newDemo(t)
	ms := s.Memberships(uBen)
	if len(ms) != 2 {
		t.Fatalf("Ben's memberships = %+v", ms)
	}
	var sel Membership
	for _, m := range ms {
		if m.OrganizationID == OrgRelecloud {
			sel = m
		}
	}
	st, m := get(t, s, "/organizations/360100000104/organization_memberships.json")
	wantStatus(t, st, 200, m)
	users := map[int64]bool{}
	for _, om := range list(t, m, "organization_memberships") {
		users[num(t, om["user_id"])] = true
	}
	if !users[uBen] || !users[uSam] || !users[uTessa] {
		t.Fatalf("Relecloud memberships: %v", users)
	}
	st, m = get(t, s, "/organizations/360100000204/users.json")
	wantStatus(t, st, 200, m)
	if got := ids(t, list(t, m, "users")); len(got) != 2 { // Grace and Hannah
		t.Fatalf("Tailspin users = %v", got)
	}

	st, _, raw := callRaw(t, s, "DELETE", "/organization_memberships/"+strconv.FormatInt(sel.ID, 10)+".json", nil, tokenAuth)
	if st != 204 || len(raw) != 0 {
		t.Fatalf("DELETE: %d %s", st, raw)
	}
	if ms := s.Memberships(uBen); len(ms) != 1 || ms[0].OrganizationID != OrgWingtip {
		t.Fatalf("after delete: %+v", ms)
	}
	st, _, _ = callRaw(t, s, "DELETE", "/organization_memberships/"+strconv.FormatInt(sel.ID, 10)+".json", nil, tokenAuth)
	wantStatus(t, st, 404, nil)

	// Undo.
	body := map[string]any{"organization_membership": map[string]any{"user_id": uBen, "organization_id": OrgRelecloud}}
	st, _, m = call(t, s, "POST", "/organization_memberships.json", body, tokenAuth)
	wantStatus(t, st, 201, m)
	om := m["organization_membership"].(map[string]any)
	if om["default"] != false || num(t, om["organization_id"]) != OrgRelecloud {
		t.Fatalf("created = %v", om)
	}
	if u, _ := s.User(uBen); u.OrganizationID != OrgWingtip {
		t.Fatal("a second membership changed the default organization")
	}
	st, _, m = call(t, s, "POST", "/organization_memberships.json", body, tokenAuth)
	wantStatus(t, st, 422, m)
	st, _, m = call(t, s, "POST", "/organization_memberships.json",
		map[string]any{"organization_membership": map[string]any{"user_id": 1, "organization_id": OrgRelecloud}}, tokenAuth)
	wantStatus(t, st, 422, m)
	st, _, _ = call(t, s, "POST", "/organization_memberships.json", `{"organization_membership":`, tokenAuth)
	wantStatus(t, st, 400, nil)

	// Deleting a default membership moves the default to the remaining one.
	var def Membership
	for _, m := range s.Memberships(uHannah) {
		if m.Default {
			def = m
		}
	}
	st, _, _ = callRaw(t, s, "DELETE", "/organization_memberships/"+strconv.FormatInt(def.ID, 10)+".json", nil, tokenAuth)
	wantStatus(t, st, 204, nil)
	if u, _ := s.User(uHannah); u.OrganizationID != OrgTailspin {
		t.Fatalf("Hannah's organization = %d, want Tailspin", u.OrganizationID)
	}
}

// ---- rate limit and faults ----

func TestRateLimit(t *testing.T) {
	s := newDemo(t, WithRateLimit(3))
	for i := range 3 {
		st, h, _ := call(t, s, "GET", "/tickets/4001.json", nil, tokenAuth)
		wantStatus(t, st, 200, nil)
		if h.Get("X-Rate-Limit") != "3" || h.Get("X-Rate-Limit-Remaining") != strconv.Itoa(2-i) {
			t.Fatalf("headers %v", h)
		}
	}
	st, h, m := call(t, s, "GET", "/tickets/4001.json", nil, tokenAuth)
	wantStatus(t, st, 429, m)
	ra, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 60 {
		t.Fatalf("Retry-After = %q", h.Get("Retry-After"))
	}
	if h.Get("X-Rate-Limit-Remaining") != "0" {
		t.Fatalf("remaining = %q", h.Get("X-Rate-Limit-Remaining"))
	}

	// A window recovers after Retry-After (a test clock moves past it; no waiting).
	clock := NewClock(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	w := newDemo(t, WithRateLimitWindow(2, 2*time.Second), WithClock(clock.Now))
	call(t, w, "GET", "/tickets/4001.json", nil, tokenAuth)
	call(t, w, "GET", "/tickets/4001.json", nil, tokenAuth)
	st, h, _ = call(t, w, "GET", "/tickets/4001.json", nil, tokenAuth)
	wantStatus(t, st, 429, nil)
	ra, _ = strconv.Atoi(h.Get("Retry-After"))
	clock.Advance(time.Duration(ra)*time.Second - time.Millisecond)
	if st, _, _ = call(t, w, "GET", "/tickets/4001.json", nil, tokenAuth); st != 429 {
		t.Fatalf("before Retry-After passed: %d, want 429", st)
	}
	clock.Advance(time.Millisecond)
	st, _, _ = call(t, w, "GET", "/tickets/4001.json", nil, tokenAuth)
	wantStatus(t, st, 200, nil)
}

func TestExportRateLimit(t *testing.T) {
	s := newDemo(t, WithRateLimit(1000), WithExportRateLimit(2))
	p := "/search/export.json?query=status:open&filter[type]=ticket"
	for range 2 {
		st, _ := get(t, s, p)
		wantStatus(t, st, 200, nil)
	}
	st, h, _ := call(t, s, "GET", p, nil, tokenAuth)
	if st != 429 || h.Get("Retry-After") == "" {
		t.Fatalf("export limit: %d %v", st, h)
	}
	st, _ = get(t, s, "/tickets/4001.json")
	wantStatus(t, st, 200, nil)
}

func TestFaultStatus(t *testing.T) {
	s := newDemo(t)
	s.Inject(Fault{Method: "GET", PathPrefix: "/tickets/", Status: 503, RetryAfter: "2", Times: 2})
	for range 2 {
		st, h, _ := call(t, s, "GET", "/tickets/4001.json", nil, tokenAuth)
		if st != 503 || h.Get("Retry-After") != "2" {
			t.Fatalf("fault: %d %v", st, h)
		}
	}
	st, _ := get(t, s, "/tickets/4001.json")
	wantStatus(t, st, 200, nil)

	// Method and path must match; the /api/v2 prefix is optional.
	s.Inject(Fault{Method: "PUT", PathPrefix: "/api/v2/tickets/4001", Status: 500})
	st, _ = get(t, s, "/tickets/4001.json")
	wantStatus(t, st, 200, nil)
	st, _ = get(t, s, "/users/me.json")
	wantStatus(t, st, 200, nil)
	st, _ = put(t, s, 4001, map[string]any{"subject": "x"})
	wantStatus(t, st, 500, nil)
	if tk, _ := s.Ticket(4001); tk.Subject == "x" {
		t.Fatal("a faulted write was applied")
	}

	// 429 by fault.
	s.Inject(Fault{Status: 429, RetryAfter: "1"})
	st, h, _ := call(t, s, "GET", "/organizations.json", nil, tokenAuth)
	if st != 429 || h.Get("Retry-After") != "1" {
		t.Fatalf("429 fault: %d %v", st, h)
	}
	// Forever.
	s.Inject(Fault{PathPrefix: "/views", Status: 502, Times: -1})
	for range 3 {
		st, _ = get(t, s, "/views/360077000001/tickets.json")
		wantStatus(t, st, 502, nil)
	}
}

func TestFaultMalformedBody(t *testing.T) {
	s := newDemo(t)
	s.Inject(Fault{PathPrefix: "/views/", Body: `{"tickets": [{"id": 1,`})
	st, _, raw := callRaw(t, s, "GET", "/views/360077000001/tickets.json", nil, tokenAuth)
	wantStatus(t, st, 200, nil)
	var v any
	if json.Unmarshal(raw, &v) == nil {
		t.Fatalf("body parsed: %s", raw)
	}
	// Status and custom body together.
	s.Inject(Fault{Status: 500, Body: "<html>oops</html>"})
	st, _, raw = callRaw(t, s, "GET", "/tickets/4001.json", nil, tokenAuth)
	if st != 500 || string(raw) != "<html>oops</html>" {
		t.Fatalf("%d %s", st, raw)
	}
}

func TestFaultDelay(t *testing.T) {
	s := newDemo(t)
	s.Inject(Fault{Delay: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/tickets/4001.json", nil)
	tokenAuth(req)
	start := time.Now()
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > time.Second {
		t.Fatal("timeout not honoured")
	}
	// Used up: the next request is fast.
	start = time.Now()
	st, _ := get(t, s, "/tickets/4001.json")
	wantStatus(t, st, 200, nil)
	if time.Since(start) > time.Second {
		t.Fatal("delay fault hit twice")
	}
	// A delay alone still answers normally.
	s.Inject(Fault{Delay: 50 * time.Millisecond})
	start = time.Now()
	st, _ = get(t, s, "/tickets/4001.json")
	wantStatus(t, st, 200, nil)
	if time.Since(start) < 50*time.Millisecond {
		t.Fatal("no delay")
	}
}

func TestFaultCutOff(t *testing.T) {
	s := newDemo(t)
	s.Inject(Fault{PathPrefix: "/views/", CutOff: true})
	req, _ := http.NewRequest("GET", s.URL()+"/views/360077000001/tickets.json", nil)
	tokenAuth(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("read err = %v, want unexpected EOF", err)
	}
	// With a status: the fault's body is cut.
	s.Inject(Fault{Status: 500, CutOff: true})
	req, _ = http.NewRequest("GET", s.URL()+"/tickets/4001.json", nil)
	tokenAuth(req)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || err == nil {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	st, _ := get(t, s, "/views/360077000001/tickets.json")
	wantStatus(t, st, 200, nil)
	recs := s.Requests()
	if !recs[0].Fault || recs[0].Status != 200 || !recs[1].Fault || recs[1].Status != 500 || recs[2].Fault {
		t.Fatalf("records = %+v", recs)
	}
}

func TestLatency(t *testing.T) {
	s := newDemo(t, WithLatency(30*time.Millisecond))
	start := time.Now()
	st, _ := get(t, s, "/tickets/4001.json")
	wantStatus(t, st, 200, nil)
	if time.Since(start) < 30*time.Millisecond {
		t.Fatal("no latency")
	}
}

func TestRequestsRecorded(t *testing.T) {
	s := newDemo(t)
	get(t, s, "/tickets/4001.json?include=users")
	call(t, s, "GET", "/tickets/4001.json", nil, nil)
	recs := s.Requests()
	if len(recs) != 2 || recs[0] != (RequestRecord{Method: "GET", Path: "/api/v2/tickets/4001.json?include=users", Status: 200}) ||
		recs[1].Status != 401 {
		t.Fatalf("records = %+v", recs)
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Fatal("not reset")
	}
}

func TestConcurrentUse(t *testing.T) {
	s := newDemo(t)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				p := "/views/360077000001/tickets.json?include=users,organizations"
				if j%3 == 0 {
					req, _ := http.NewRequest("PUT", s.URL()+"/tickets/4014.json",
						strings.NewReader(`{"ticket":{"tags":["t`+strconv.Itoa(i)+`"]}}`))
					req.Header.Set("Content-Type", "application/json")
					tokenAuth(req)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						errs <- err.Error()
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					continue
				}
				req, _ := http.NewRequest("GET", s.URL()+p, nil)
				tokenAuth(req)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- resp.Status
				}
				s.Ticket(4014)
				s.Requests()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// ---- wire format ----

// The keys of go-zendesk v0.18.0's recorded fixtures (fixture/GET/ticket.json, user.json,
// organization.json, organization_memberships.json): every one must be present.
func TestWireKeysMatchRecordedFixtures(t *testing.T) {
	s := newDemo(t)
	check := func(what string, obj map[string]any, keys string) {
		t.Helper()
		for _, k := range strings.Fields(keys) {
			if _, ok := obj[k]; !ok {
				t.Errorf("%s lacks %q", what, k)
			}
		}
	}
	_, m := get(t, s, "/tickets/4001.json")
	check("ticket", m["ticket"].(map[string]any), `url id external_id via created_at updated_at type subject raw_subject
		description priority status recipient requester_id submitter_id assignee_id organization_id group_id
		collaborator_ids follower_ids email_cc_ids forum_topic_id problem_id has_incidents is_public due_at tags
		custom_fields satisfaction_rating sharing_agreement_ids fields followup_ids ticket_form_id brand_id
		allow_channelback allow_attachments`)
	_, m = get(t, s, "/users/381000000301.json")
	check("user", m["user"].(map[string]any), `id url name email created_at updated_at time_zone iana_time_zone phone
		shared_phone_number photo locale_id locale organization_id role verified external_id tags alias active shared
		shared_agent last_login_at two_factor_auth_enabled signature details notes role_type custom_role_id moderator
		ticket_restriction only_private_comments restricted_agent suspended default_group_id report_csv user_fields`)
	_, m = get(t, s, "/organizations/360100000201.json")
	check("organization", m["organization"].(map[string]any), `url id name shared_tickets shared_comments created_at
		updated_at domain_names group_id tags organization_fields`)
	_, m = get(t, s, "/users/381000000301/organization_memberships.json")
	check("membership", list(t, m, "organization_memberships")[0], `created_at default id organization_id
		organization_name updated_at user_id view_tickets`)
	// Times are RFC3339 UTC with second precision; null ids are null.
	_, m = get(t, s, "/tickets/4001.json")
	tk := m["ticket"].(map[string]any)
	if tk["created_at"] != "2026-11-03T09:14:00Z" || tk["organization_id"] != nil {
		t.Fatalf("ticket 4001: created_at %v organization_id %v", tk["created_at"], tk["organization_id"])
	}
	// The numeric custom field arrives as a JSON number.
	_, _, raw := callRaw(t, s, "GET", "/tickets/4029.json", nil, tokenAuth)
	if !strings.Contains(string(raw), `{"id":360012167579,"value":20231}`) {
		t.Fatalf("numeric field not a number: %s", raw)
	}
}

func TestTicketJSONRoundTrip(t *testing.T) {
	d := Demo()
	for _, tk := range d.Tickets {
		b, err := json.Marshal(tk)
		if err != nil {
			t.Fatal(err)
		}
		var back Ticket
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.ID != tk.ID || back.OrganizationID != tk.OrganizationID || back.TicketFormID != tk.TicketFormID ||
			len(back.CustomFields) != len(tk.CustomFields) || !back.CreatedAt.Equal(tk.CreatedAt) {
			t.Fatalf("round trip of %d: %+v", tk.ID, back)
		}
	}
}

// AfterApply faults make the write, then lose its answer; Reset drops the connection.
func TestFaultAfterApply(t *testing.T) {
	s := newDemo(t)
	s.Inject(Fault{Method: "PUT", PathPrefix: "/tickets/4001", Status: 504, AfterApply: true})
	st, _ := put(t, s, 4001, map[string]any{"subject": "applied"})
	wantStatus(t, st, 504, nil)
	if tk, _ := s.Ticket(4001); tk.Subject != "applied" {
		t.Fatalf("subject %q: an AfterApply fault must still make the write", tk.Subject)
	}
	reqs := s.Requests()
	if last := reqs[len(reqs)-1]; last.Method != "PUT" || last.Status != 504 || !last.Fault {
		t.Fatalf("recorded %+v, want the faulted PUT", last)
	}

	s.Inject(Fault{Method: "PUT", PathPrefix: "/tickets/4001", Reset: true, AfterApply: true})
	req, _ := http.NewRequest("PUT", s.URL()+"/tickets/4001.json", strings.NewReader(`{"ticket":{"subject":"reset"}}`))
	req.Header.Set("Content-Type", "application/json")
	tokenAuth(req)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a Reset fault answered %d, want no answer", resp.StatusCode)
	}
	if tk, _ := s.Ticket(4001); tk.Subject != "reset" {
		t.Fatalf("subject %q: the write before the reset was not made", tk.Subject)
	}
	if reqs := s.Requests(); !reqs[len(reqs)-1].Fault {
		t.Fatalf("the reset request was not recorded as a fault: %+v", reqs[len(reqs)-1])
	}
}

// A request is recorded before its answer leaves: whoever holds the answer finds it (a list
// is larger than the server's write buffer, so its answer goes out while the handler runs).
func TestRequestRecordedBeforeAnswer(t *testing.T) {
	s := newDemo(t)
	for i := range 50 {
		st, _ := get(t, s, "/tickets.json?include=users,organizations")
		wantStatus(t, st, 200, nil)
		if n := len(s.Requests()); n != i+1 {
			t.Fatalf("after %d answers %d requests recorded", i+1, n)
		}
	}
}

// With WithClock, a write is stamped on that clock (the demo passes time.Now, so a note just
// added is not dated with the demo's tickets, twelve days back), still strictly increasing.
func TestWritesStampedOnWithClock(t *testing.T) {
	at := time.Date(2026, 12, 1, 23, 40, 0, 0, time.UTC)
	clock := NewClock(at)
	s := newDemo(t, WithClock(clock.Now))
	st, m := put(t, s, 4001, map[string]any{"subject": "first"})
	wantStatus(t, st, 200, m)
	first, _ := s.Ticket(4001)
	if first.UpdatedAt.Before(at) {
		t.Fatalf("updated_at %v, before the clock's %v", first.UpdatedAt, at)
	}
	st, m = put(t, s, 4001, map[string]any{"subject": "second"}) // the clock has not moved
	wantStatus(t, st, 200, m)
	if second, _ := s.Ticket(4001); !second.UpdatedAt.After(first.UpdatedAt) {
		t.Fatalf("updated_at %v after %v: not strictly increasing", second.UpdatedAt, first.UpdatedAt)
	}
}
