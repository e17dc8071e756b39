package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

const emuEmail = "priya.raman@gitlab.com"

func defaultRules() model.RuleConfig {
	return model.RuleConfig{
		OpenForms:      []int64{zt.FormOpenPartner},
		SelectForms:    []int64{zt.FormSelectPartner},
		OrgEmailField:  zt.FieldOrgEmail,
		CCRequestField: zt.FieldCCRequest,
		TrackField:     zt.DemoTrackField,
		SelectValues:   []string{"select"},
		OpenValues:     []string{"open"},
	}
}

// emu starts the emulator with ds and returns it with a client on its view.
func emu(t testing.TB, ds zt.Dataset, mod func(*Config), opts ...zt.Option) (*zt.Server, *Client, *logSink) {
	t.Helper()
	s := zt.NewServer(ds, append([]zt.Option{zt.WithAPIToken(emuEmail, testToken)}, opts...)...)
	t.Cleanup(s.Close)
	logs := &logSink{}
	cfg := Config{
		BaseURL:  s.URL(),
		Email:    emuEmail,
		APIToken: testToken,
		ViewID:   zt.DemoViewID,
		Rules:    defaultRules(),
		MaxWait:  30 * time.Second,
		Logf:     logs.logf,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.tr.backoffBase = 10 * time.Millisecond
	c.tr.backoffCap = 100 * time.Millisecond
	t.Cleanup(func() {
		if strings.Contains(logs.all(), testToken) {
			t.Errorf("the token was logged")
		}
	})
	return s, c, logs
}

// loadAll runs LoadQueue and merges the pages, checking the delivery invariants.
type loaded struct {
	pages   []model.QueuePage
	tickets []model.Ticket
	users   map[int64]model.User
	orgs    map[int64]model.Organization
	members map[int64][]model.Membership
}

func loadAll(t testing.TB, c *Client) (*loaded, error) {
	t.Helper()
	l := &loaded{users: map[int64]model.User{}, orgs: map[int64]model.Organization{}, members: map[int64][]model.Membership{}}
	err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
		l.pages = append(l.pages, p)
		l.tickets = append(l.tickets, p.Tickets...)
		for _, u := range p.Users {
			if _, dup := l.users[u.ID]; dup {
				t.Errorf("user %d delivered twice", u.ID)
			}
			l.users[u.ID] = u
		}
		for _, o := range p.Organizations {
			if _, dup := l.orgs[o.ID]; dup {
				t.Errorf("organization %d delivered twice", o.ID)
			}
			l.orgs[o.ID] = o
		}
		for _, m := range p.Memberships {
			l.members[m.UserID] = append(l.members[m.UserID], m)
		}
		if p.Loaded != len(l.tickets) {
			t.Errorf("page %d: Loaded = %d, want %d", len(l.pages), p.Loaded, len(l.tickets))
		}
	})
	return l, err
}

// checkComplete: every queue ticket's people and organizations arrived no later than the ticket.
func checkComplete(t *testing.T, l *loaded) {
	t.Helper()
	users := map[int64]bool{}
	orgs := map[int64]bool{}
	for i, p := range l.pages {
		for _, u := range p.Users {
			users[u.ID] = true
		}
		for _, o := range p.Organizations {
			orgs[o.ID] = true
		}
		for _, tk := range p.Tickets {
			for _, id := range ticketPeople(tk) {
				if id != 0 && !users[id] {
					t.Errorf("page %d: ticket %d references user %d not delivered yet", i, tk.ID, id)
				}
			}
			if tk.OrganizationID != 0 && !orgs[tk.OrganizationID] {
				t.Errorf("page %d: ticket %d's organization %d not delivered yet", i, tk.ID, tk.OrganizationID)
			}
		}
	}
}

func requestsTo(s *zt.Server, prefix string) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Path, "/api/v2"+prefix) {
			n++
		}
	}
	return n
}

func TestLoadQueueDemo(t *testing.T) {
	s, c, _ := emu(t, zt.Demo(), nil)
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, e := range zt.DemoExpectations() {
		if e.InQueue {
			want = append(want, e.TicketID)
		}
	}
	var got []int64
	for _, tk := range l.tickets {
		got = append(got, tk.ID)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("queue tickets\n got %v\nwant %v", got, want)
	}
	checkComplete(t, l)
	if len(l.orgs) != 16 {
		t.Errorf("%d organizations, want all 16", len(l.orgs))
	}
	if len(l.pages[0].Organizations) != 16 {
		t.Errorf("the first page carries %d organizations, want all", len(l.pages[0].Organizations))
	}
	// The first page carries the Select orgs' memberships.
	if !slices.ContainsFunc(l.pages[0].Memberships, func(m model.Membership) bool {
		return m.UserID == 381000000307 && m.OrganizationID == zt.OrgRelecloud
	}) {
		t.Errorf("the first page lacks the Select memberships")
	}
	// Ben (customer) in Relecloud (Select): seen from the Select side.
	if !slices.ContainsFunc(l.members[381000000307], func(m model.Membership) bool { return m.OrganizationID == zt.OrgRelecloud }) {
		t.Errorf("Ben's Relecloud membership missing: %+v", l.members[381000000307])
	}
	// Hannah (Select) in Tailspin (customer): seen from her side.
	if !slices.ContainsFunc(l.members[381000000209], func(m model.Membership) bool { return m.OrganizationID == zt.OrgTailspin }) {
		t.Errorf("Hannah's Tailspin membership missing: %+v", l.members[381000000209])
	}
	// Every customer Organization Email naming an existing user: that user was delivered.
	for _, tk := range l.tickets {
		e := model.NormalizeEmail(tk.Field(zt.FieldOrgEmail))
		if e == "" {
			continue
		}
		if u, ok := s.UserByEmail(e); ok {
			if _, have := l.users[u.ID]; !have {
				t.Errorf("ticket %d: Organization Email %s names user %d, not delivered", tk.ID, e, u.ID)
			}
		}
	}
	// Numeric / odd custom field values decode.
	for _, tk := range l.tickets {
		if tk.UpdatedAt.IsZero() || tk.FormID == 0 {
			t.Errorf("ticket %d decoded without form or updated_at: %+v", tk.ID, tk)
		}
	}
	if l.pages[0].Total != 36 {
		t.Errorf("a view's Total = %d, want its count, 36 (the offset first page says)", l.pages[0].Total)
	}
	t.Logf("demo: %d requests", c.RequestCount())
}

// The list pages after the first are fetched while the first is resolved (issue 15: waiting
// for page 1's delivery cost a fixed 0.17 s), and delivered in order.
func TestLoadQueueViewPagination(t *testing.T) {
	s, c, _ := emu(t, zt.Synthetic(250, 1), nil)
	var pages int
	err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
		pages++
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 3 {
		t.Errorf("%d pages, want 3", pages)
	}
	if n := requestsTo(s, "/views/"); n != 3 {
		t.Errorf("%d view requests, want 3", n)
	}
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.tickets) != 250 {
		t.Errorf("%d tickets, want 250", len(l.tickets))
	}
	seen := map[int64]bool{}
	for _, tk := range l.tickets {
		if seen[tk.ID] {
			t.Errorf("ticket %d twice", tk.ID)
		}
		seen[tk.ID] = true
	}
	checkComplete(t, l)
}

func TestLoadQueueSearch(t *testing.T) {
	t.Run("offset pages under 1000", func(t *testing.T) {
		s, c, _ := emu(t, zt.Synthetic(250, 2), func(cfg *Config) { cfg.ViewID, cfg.Search = 0, "status<solved" })
		l, err := loadAll(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.tickets) != 250 || l.pages[0].Total != 250 {
			t.Errorf("%d tickets, total %d", len(l.tickets), l.pages[0].Total)
		}
		if requestsTo(s, "/search/export") != 0 || requestsTo(s, "/search.json") != 3 {
			t.Errorf("search requests: %d export, %d search", requestsTo(s, "/search/export"), requestsTo(s, "/search.json"))
		}
		checkComplete(t, l)
	})
	t.Run("export above 1000", func(t *testing.T) {
		s, c, logs := emu(t, zt.Synthetic(1500, 3), func(cfg *Config) { cfg.ViewID, cfg.Search = 0, "type:ticket status<solved" })
		l, err := loadAll(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.tickets) != 1500 {
			t.Errorf("%d tickets, want 1500", len(l.tickets))
		}
		seen := map[int64]bool{}
		for _, tk := range l.tickets {
			if seen[tk.ID] {
				t.Fatalf("ticket %d twice", tk.ID)
			}
			seen[tk.ID] = true
		}
		if n := requestsTo(s, "/search/export"); n != 3 {
			t.Errorf("%d export requests, want 3 (100 first, then 1,000 a page)", n)
		}
		for _, r := range s.Requests() {
			if strings.HasPrefix(r.Path, "/api/v2/search/export") && (strings.Contains(r.Path, "type%3A") || r.Status != 200) {
				t.Errorf("export request %s → %d", r.Path, r.Status)
			}
		}
		if !strings.Contains(logs.all(), "/search/export") {
			t.Errorf("the switch is not logged")
		}
		checkComplete(t, l)
	})
	t.Run("query of only a type term", func(t *testing.T) {
		_, c, _ := emu(t, zt.Synthetic(1200, 4), func(cfg *Config) { cfg.ViewID, cfg.Search = 0, "type:ticket" })
		l, err := loadAll(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.tickets) != 1200 {
			t.Errorf("%d tickets", len(l.tickets))
		}
	})
}

// A view page without sideloads: the client fetches the people with show_many, ≤100 ids each.
func TestShowManyBatching(t *testing.T) {
	ds := zt.Synthetic(3000, 5)
	s, c, _ := emu(t, ds, nil)
	var b strings.Builder
	b.WriteString(`{"tickets":[`)
	want := map[int64]bool{}
	n := 0
	for _, tk := range ds.Tickets {
		if tk.TicketFormID != zt.FormOpenPartner || want[tk.RequesterID] || n == 150 {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		want[tk.RequesterID], want[tk.SubmitterID] = true, true
		fmt.Fprintf(&b, `{"id":%d,"status":"open","ticket_form_id":%d,"requester_id":%d,"submitter_id":%d,"organization_id":null,`+
			`"custom_fields":[{"id":%d,"value":12345},{"value":"no id"}],"updated_at":"2026-11-01T00:00:00Z"}`,
			tk.ID, zt.FormOpenPartner, tk.RequesterID, tk.SubmitterID, zt.FieldOrgEmail)
	}
	b.WriteString(`],"meta":{"has_more":false,"after_cursor":"x"},"links":{"next":"http://127.0.0.1:1/api/v2/views/1/tickets.json?page[after]=x"}}`)
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Body: b.String(), Times: -1})
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.tickets) != n || len(want) <= 100 {
		t.Fatalf("%d tickets (want %d), %d people", len(l.tickets), n, len(want))
	}
	for id := range want {
		if _, ok := l.users[id]; !ok {
			t.Errorf("user %d not fetched", id)
		}
	}
	calls := 0
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Path, "/api/v2/users/show_many") {
			calls++
			_, ids, _ := strings.Cut(r.Path, "ids=")
			ids, _, _ = strings.Cut(ids, "&")
			if k := len(strings.Split(strings.ReplaceAll(ids, "%2C", ","), ",")); k > 100 {
				t.Errorf("show_many with %d ids", k)
			}
		}
	}
	if minCalls := 1 + (len(want)-1)/100; calls < minCalls || calls > minCalls+1 {
		t.Errorf("%d show_many calls for %d people", calls, len(want))
	}
	if l.tickets[0].Fields[zt.FieldOrgEmail] != (model.FieldValue{Kind: model.FieldNumber, Text: "12345"}) {
		t.Errorf("numeric field: %+v", l.tickets[0].Fields)
	}
	// The offset first page (no count: not trusted as an offset list), then one cursor page.
	if requestsTo(s, "/views/") != 2 {
		t.Errorf("has_more false must stop the walk although links.next is set")
	}
}

func TestLoadQueueRateLimitedShared(t *testing.T) {
	s, c, logs := emu(t, zt.Synthetic(1000, 6), nil, zt.WithRateLimitWindow(15, time.Second))
	start := time.Now()
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.tickets) != 1000 {
		t.Errorf("%d tickets", len(l.tickets))
	}
	limited := 0
	for _, r := range s.Requests() {
		if r.Status == 429 {
			limited++
		}
	}
	if limited == 0 || !strings.Contains(logs.all(), "429") {
		t.Errorf("the test did not hit the rate limit (%d 429s)", limited)
	}
	// With a shared gate a burst of 429s stays small: the concurrent requests wait together.
	ok := len(s.Requests()) - limited
	if limited > ok {
		t.Errorf("%d requests refused for %d answered: the Retry-After wait is not shared", limited, ok)
	}
	t.Logf("%d answered, %d refused with 429, %s", ok, limited, time.Since(start).Round(time.Millisecond))
}

func TestLoadQueueRetriesAndFaults(t *testing.T) {
	t.Run("500 then success", func(t *testing.T) {
		s, c, _ := emu(t, zt.Demo(), nil)
		s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Status: 500, Times: 2})
		s.Inject(zt.Fault{Method: "GET", PathPrefix: "/organizations.json", Status: 503, RetryAfter: "0"})
		l, err := loadAll(t, c)
		if err != nil || len(l.tickets) == 0 {
			t.Fatalf("err = %v, %d tickets", err, len(l.tickets))
		}
	})
	t.Run("cut off and slow", func(t *testing.T) {
		s, c, _ := emu(t, zt.Demo(), func(cfg *Config) { cfg.RequestTimeout = 300 * time.Millisecond })
		s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", CutOff: true})
		s.Inject(zt.Fault{Method: "GET", PathPrefix: "/organizations/", Delay: time.Second})
		l, err := loadAll(t, c)
		if err != nil || len(l.tickets) == 0 {
			t.Fatalf("err = %v, %d tickets", err, len(l.tickets))
		}
	})
	t.Run("429 Retry-After", func(t *testing.T) {
		s, c, _ := emu(t, zt.Demo(), nil)
		s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Status: 429, RetryAfter: "1"})
		start := time.Now()
		if _, err := loadAll(t, c); err != nil {
			t.Fatal(err)
		}
		if time.Since(start) < time.Second {
			t.Errorf("Retry-After not honoured")
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		s, c, _ := emu(t, zt.Demo(), nil)
		s.Inject(zt.Fault{Method: "GET", PathPrefix: "/organizations.json", Body: `{"organizations":[{"id":1,`})
		_, err := loadAll(t, c)
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), "GET /organizations.json") {
			t.Fatalf("err = %v", err)
		}
		for _, body := range []string{`{"tickets":[{"id":1,`, `{"tickets":"oops","meta":{"has_more":false}}`, `[]`} {
			// Twice: the offset first page, then (no count) the cursor walk.
			s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Body: body, Times: 2})
			_, err = loadAll(t, c)
			if !errors.As(err, &de) || !strings.Contains(err.Error(), "GET /views/360077000001/tickets.json") {
				t.Errorf("%s: err = %v", body, err)
			}
		}
	})
	t.Run("persistent 500 gives up", func(t *testing.T) {
		s, c, _ := emu(t, zt.Demo(), func(cfg *Config) { cfg.MaxWait = 300 * time.Millisecond })
		s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Status: 500, Times: -1})
		_, err := loadAll(t, c)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 500 || strings.Contains(err.Error(), "\n") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		_, c, _ := emu(t, zt.Synthetic(500, 1), nil, zt.WithLatency(30*time.Millisecond))
		ctx, cancel := context.WithCancel(context.Background())
		pages := 0
		err := c.LoadQueue(ctx, func(model.QueuePage) { pages++; cancel() })
		if !errors.Is(err, context.Canceled) || pages != 1 {
			t.Fatalf("err = %v after %d pages", err, pages)
		}
	})
}

func TestUpdateTicketWrites(t *testing.T) {
	s, c, _ := emu(t, zt.Demo(), nil)
	ctx := context.Background()
	reload := func(id int64) model.Ticket {
		qp, err := c.ReloadTicket(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return qp.Tickets[0]
	}

	// 4001: jane@acme.cmo → fix the org email, create… no: jane@acme.com exists; use a new address.
	tk := reload(4001)
	got, err := c.UpdateTicket(ctx, model.TicketUpdate{
		TicketID:     4001,
		UpdatedStamp: tk.UpdatedAt,
		CustomFields: map[int64]string{zt.FieldOrgEmail: "newbie@acme.com"},
		NewRequester: &model.NewUser{Email: "newbie@acme.com", Name: "New Bie"},
		AddEmailCCs:  []model.CCRef{{UserID: 381000000201}, {Email: "fresh.cc@northwind-devops.com"}},
		Note:         "partner-triage: requester corrected",
	})
	if err != nil {
		t.Fatal(err)
	}
	nu, ok := s.UserByEmail("newbie@acme.com")
	if !ok || got.RequesterID != nu.ID || nu.Name != "New Bie" {
		t.Errorf("requester not created: %+v / %+v", got, nu)
	}
	if got.Field(zt.FieldOrgEmail) != "newbie@acme.com" || !got.UpdatedAt.After(tk.UpdatedAt) {
		t.Errorf("returned ticket: %+v", got)
	}
	st, _ := s.Ticket(4001)
	cc, ok := s.UserByEmail("fresh.cc@northwind-devops.com")
	if !ok || !slices.Contains(st.EmailCCIDs, 381000000201) || !slices.Contains(st.EmailCCIDs, cc.ID) {
		t.Errorf("CCs: %v", st.EmailCCIDs)
	}
	cm := s.Comments(4001)
	if last := cm[len(cm)-1]; last.Public || !strings.Contains(last.Body, "requester corrected") {
		t.Errorf("note: %+v", last)
	}

	// 409: someone else changed the ticket since it was read.
	s.UpdateTicketDirect(4002, func(t *zt.Ticket) { t.Subject = "changed elsewhere" })
	_, err = c.UpdateTicket(ctx, model.TicketUpdate{TicketID: 4002, UpdatedStamp: tk.UpdatedAt, Note: "x"})
	if !errors.Is(err, model.ErrConflict) {
		t.Errorf("err = %v, want ErrConflict", err)
	}
	if st, _ := s.Ticket(4002); st.Subject != "changed elsewhere" {
		t.Error("the conflicting write was applied")
	}

	// 422: an organization the requester is not in — Zendesk's words reach the error.
	tk = reload(4003)
	other := zt.OrgGlobex
	_, err = c.UpdateTicket(ctx, model.TicketUpdate{TicketID: 4003, UpdatedStamp: tk.UpdatedAt, OrganizationID: &other})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 422 || len(ae.Details) == 0 || !strings.Contains(err.Error(), "not a member") {
		t.Errorf("err = %v", err)
	}

	// 404.
	_, err = c.UpdateTicket(ctx, model.TicketUpdate{TicketID: 999999, UpdatedStamp: tk.UpdatedAt, Note: "x"})
	if !errors.Is(err, model.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func TestMembershipRemove(t *testing.T) {
	s, c, _ := emu(t, zt.Demo(), nil)
	ctx := context.Background()
	const ben = 381000000307
	var target model.Membership
	for _, m := range s.Memberships(ben) {
		if m.OrganizationID == zt.OrgRelecloud {
			target = model.Membership{ID: m.ID, UserID: ben, OrganizationID: zt.OrgRelecloud}
		}
	}
	if target.ID == 0 {
		t.Fatal("demo: Ben has no Relecloud membership")
	}
	// A removal naming the wrong organization is refused, nothing deleted.
	err := c.RemoveMembership(ctx, model.MembershipRemoval{MembershipID: target.ID, UserID: ben, OrganizationID: zt.OrgWingtip})
	if err == nil || len(s.Memberships(ben)) != 2 {
		t.Fatalf("mismatched removal: err=%v, memberships %v", err, s.Memberships(ben))
	}
	if err := c.RemoveMembership(ctx, model.MembershipRemoval{MembershipID: target.ID, UserID: ben, OrganizationID: zt.OrgRelecloud}); err != nil {
		t.Fatal(err)
	}
	for _, m := range s.Memberships(ben) {
		if m.OrganizationID == zt.OrgRelecloud {
			t.Fatal("membership still there")
		}
	}
	if _, ok := s.User(ben); !ok {
		t.Fatal("the user went with the membership")
	}
	// A membership that is already gone is removed: done (issue 10), not a 404 on every retry.
	if err := c.RemoveMembership(ctx, model.MembershipRemoval{MembershipID: target.ID, UserID: ben, OrganizationID: zt.OrgRelecloud}); err != nil {
		t.Errorf("second removal: %v, want done", err)
	}
	// By user and organization when the id is unknown.
	if err := c.RemoveMembership(ctx, model.MembershipRemoval{UserID: ben, OrganizationID: zt.OrgWingtip}); err != nil {
		t.Fatal(err)
	}
	if len(s.Memberships(ben)) != 0 {
		t.Errorf("memberships: %v", s.Memberships(ben))
	}
}

func TestFindUserByEmailExact(t *testing.T) {
	s, c, _ := emu(t, zt.Demo(), nil)
	ctx := context.Background()
	want, _ := s.UserByEmail("jane@acme.com")
	u, ok, err := c.FindUserByEmail(ctx, "  JANE@Acme.com ")
	if err != nil || !ok || u.ID != want.ID {
		t.Fatalf("got %+v %v %v, want %d", u, ok, err, want.ID)
	}
	// jane@acme.c matches jane@acme.com by prefix in a fuzzy search: not an exact match.
	if u, ok, err := c.FindUserByEmail(ctx, "jane@acme.c"); ok || err != nil {
		t.Errorf("fuzzy match accepted: %+v %v", u, err)
	}
	if _, ok, err := c.FindUserByEmail(ctx, "n/a"); ok || err != nil {
		t.Errorf("non-address: %v %v", ok, err)
	}
}

func TestReloadTicket(t *testing.T) {
	_, c, _ := emu(t, zt.Demo(), nil)
	// 4018: a Select ticket involving Hannah (Coho, Select) who is also in Tailspin.
	for _, id := range []int64{4001, 4016, 4017, 4018, 4019} {
		qp, err := c.ReloadTicket(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		tk := qp.Tickets[0]
		users := map[int64]bool{}
		for _, u := range qp.Users {
			users[u.ID] = true
		}
		for _, uid := range ticketPeople(tk) {
			if uid != 0 && !users[uid] {
				t.Errorf("ticket %d: user %d missing", id, uid)
			}
		}
		orgs := map[int64]bool{}
		for _, o := range qp.Organizations {
			orgs[o.ID] = true
		}
		for _, m := range qp.Memberships {
			if !orgs[m.OrganizationID] {
				t.Errorf("ticket %d: membership org %d not delivered", id, m.OrganizationID)
			}
		}
		if qp.Loaded != 1 || qp.Total != 1 {
			t.Errorf("Loaded/Total %d/%d", qp.Loaded, qp.Total)
		}
	}
	if _, err := c.ReloadTicket(context.Background(), 999999); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("missing ticket: %v", err)
	}
}

func TestAuthAgainstEmulator(t *testing.T) {
	const oauth = "oauth-T0KEN-secret"
	s := zt.NewServer(zt.Demo(), zt.WithAPIToken(emuEmail, testToken), zt.WithOAuthToken(oauth))
	defer s.Close()
	logs := &logSink{}
	for _, tc := range []struct {
		name     string
		cfg      Config
		ok       bool
		mentions string
	}{
		{"basic", Config{Email: emuEmail, APIToken: testToken}, true, ""},
		{"bearer", Config{OAuthToken: oauth}, true, ""},
		{"bearer wins", Config{Email: emuEmail, APIToken: "wrong", OAuthToken: oauth}, true, ""},
		{"bad token", Config{Email: emuEmail, APIToken: testToken + "x"}, false, "ZENDESK_API_TOKEN"},
		{"bad email", Config{Email: "someone@else.com", APIToken: testToken}, false, "zendesk.email"},
		{"bad oauth", Config{OAuthToken: oauth + "x"}, false, "ZENDESK_OAUTH_TOKEN"},
	} {
		cfg := tc.cfg
		cfg.BaseURL, cfg.ViewID, cfg.Rules, cfg.Logf = s.URL(), zt.DemoViewID, defaultRules(), logs.logf
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = c.LoadQueue(context.Background(), func(model.QueuePage) {})
		if tc.ok != (err == nil) {
			t.Errorf("%s: err = %v", tc.name, err)
			continue
		}
		if !tc.ok {
			if !IsAuthError(err) || !strings.Contains(err.Error(), tc.mentions) || !strings.Contains(err.Error(), "401") {
				t.Errorf("%s: %v", tc.name, err)
			}
			for _, sec := range []string{testToken, oauth} {
				if strings.Contains(err.Error(), sec) {
					t.Errorf("%s: secret in %q", tc.name, err)
				}
			}
		}
	}
	for _, sec := range []string{testToken, oauth} {
		if strings.Contains(logs.all(), sec) {
			t.Error("secret logged")
		}
	}
}

// queueBudget is the request bound the product promises: ⌈N/100⌉ list pages plus a
// constant that does not grow with the queue: the organization pages, two lists per
// Select org, the Select users' memberships and the few Organization Email look-ups.
func queueBudget(n int) int64 { return int64((n+99)/100) + 60 }

func TestRequestCountScales(t *testing.T) {
	for _, n := range []int{1000, 10000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if n > 1000 && testing.Short() {
				t.Skip("short")
			}
			s, c, _ := emu(t, zt.Synthetic(n, 42), nil)
			l, err := loadAll(t, c)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.tickets) != n {
				t.Errorf("%d tickets, want %d", len(l.tickets), n)
			}
			checkComplete(t, l)
			kinds := map[string]int{}
			for _, r := range s.Requests() {
				p := strings.TrimPrefix(r.Path, "/api/v2")
				p, _, _ = strings.Cut(p, "?")
				f := strings.Split(p, "/")
				for i, x := range f {
					if x != "" && x[0] >= '0' && x[0] <= '9' {
						f[i] = "{id}"
					}
				}
				kinds[strings.Join(f, "/")]++
			}
			// Each look-up is made once per load, however the parallel pages interleave: an
			// earlier page waits for a later page's look-up in flight instead of repeating it.
			seen := map[string]int{}
			for _, r := range s.Requests() {
				seen[r.Method+" "+r.Path]++
			}
			for req, k := range seen {
				if k > 1 {
					t.Errorf("%s made %d times", req, k)
				}
			}
			t.Logf("N=%d: %d requests %v", n, c.RequestCount(), kinds)
			if got, max := c.RequestCount(), queueBudget(n); got > max {
				t.Errorf("%d requests for %d tickets, budget %d", got, n, max)
			}
			if kinds["/views/{id}/tickets.json"] != (n+99)/100 {
				t.Errorf("%d list requests, want %d", kinds["/views/{id}/tickets.json"], (n+99)/100)
			}
			if kinds["/users/show_many.json"] != 0 {
				t.Errorf("show_many used although the view sideloads every user")
			}
		})
	}
}

func TestConcurrentCallsShareClient(t *testing.T) {
	_, c, _ := emu(t, zt.Demo(), nil)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			if _, err := c.ReloadTicket(context.Background(), 4001+int64(i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Go(func() {
		if _, err := loadAll(t, c); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	_ = http.StatusOK
}

// A customer_email_unknown whose nearest customer domains tie: the loader looks up each
// candidate address, so the rules can prefer the one that is an existing user even when
// no ticket mentions that user.
func TestLoadQueueLooksUpSuggestionTies(t *testing.T) {
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	ds := zt.Dataset{
		Organizations: []zt.Organization{
			{ID: 1, Name: "Acme", DomainNames: []string{"acme.com"}, OrganizationFields: map[string]any{"partner_track": nil}},
			{ID: 2, Name: "Acne Labs", DomainNames: []string{"acne.com"}, OrganizationFields: map[string]any{"partner_track": nil}},
			{ID: 3, Name: "Partner Co", DomainNames: []string{"partner.io"}, OrganizationFields: map[string]any{"partner_track": "open"}},
		},
		Users: []zt.User{
			{ID: 10, Name: "Pat", Email: "pat@partner.io", Role: "end-user", OrganizationID: 3, Active: true},
			{ID: 11, Name: "Jane", Email: "jane@acne.com", Role: "end-user", OrganizationID: 2, Active: true},
			{ID: 12, Name: "jane", Email: "jane@acxe.com", Role: "end-user", Active: true},
		},
		Memberships: []zt.Membership{{ID: 100, UserID: 10, OrganizationID: 3, Default: true}, {ID: 101, UserID: 11, OrganizationID: 2, Default: true}},
		Tickets: []zt.Ticket{{ID: 1, Subject: "Pipeline stuck", Status: "open", TicketFormID: zt.FormOpenPartner,
			RequesterID: 12, SubmitterID: 10, CreatedAt: at, UpdatedAt: at,
			CustomFields: []zt.CustomField{{ID: zt.FieldOrgEmail, Value: "jane@acxe.com"}}}},
		Views: []zt.View{{ID: zt.DemoViewID, Title: "Partner tickets", TicketIDs: []int64{1}}},
	}
	_, c, _ := emu(t, ds, nil)
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatal(err)
	}
	dir := model.NewDirectory()
	for _, p := range l.pages {
		dir.Merge(p)
	}
	ev := model.Evaluate(defaultRules(), l.tickets[0], dir)
	var got string
	for _, f := range ev.Findings {
		if f.Kind == model.KindCustomerEmailUnknown {
			got = f.SuggestedEmail
		}
	}
	if got != "jane@acne.com" {
		t.Errorf("suggested %q, want jane@acne.com (an existing user beats the alphabetical acme.com)", got)
	}
}

// Organizations are listed with offset pages fetched in parallel once the first page's count
// is known: every organization arrives once, in ⌈N/100⌉ requests.
func TestListOrganizationsParallelOffsetPages(t *testing.T) {
	ds := zt.Demo()
	base := len(ds.Organizations)
	for i := 0; i < 1050; i++ {
		ds.Organizations = append(ds.Organizations, zt.Organization{ID: int64(900000 + i), Name: fmt.Sprintf("Customer %d", i),
			DomainNames: []string{fmt.Sprintf("customer%d.example", i)}, OrganizationFields: map[string]any{}})
	}
	s, c, _ := emu(t, ds, nil)
	orgs, err := c.listOrganizations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, o := range orgs {
		if seen[o.ID] {
			t.Errorf("organization %d listed twice", o.ID)
		}
		seen[o.ID] = true
	}
	if want := base + 1050; len(orgs) != want {
		t.Errorf("listed %d organizations, want %d", len(orgs), want)
	}
	pages := 0
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Path, "/api/v2/organizations.json") {
			pages++
			if !strings.Contains(r.Path, "per_page=100") {
				t.Errorf("organization page %q is not an offset page of 100", r.Path)
			}
		}
	}
	if want := (base + 1050 + 99) / 100; pages != want {
		t.Errorf("%d organization requests, want %d", pages, want)
	}
}
