package zendesk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// An error answer echoes what people typed (here a requester name with an OSC 52
// clipboard write and a screen clear): the error and the --debug log carry it inert.
func TestErrorTextFromZendeskIsInert(t *testing.T) {
	s, c, logs := emu(t, zt.Demo(), nil)
	s.Inject(zt.Fault{Method: "PUT", PathPrefix: "/tickets/4001", Status: 422,
		Body: `{"error":"RecordInvalid","description":"Record validation errors","details":{"requester":[{"description":"Requester Jane\u001b]52;c;Y3VybCBldmls\u0007 \u001b[2Jis invalid","error":"InvalidValue"}]}}`})
	tk, _ := s.Ticket(4001)
	_, err := c.UpdateTicket(context.Background(), model.TicketUpdate{TicketID: 4001, UpdatedStamp: tk.UpdatedAt, Note: "x"})
	if err == nil {
		t.Fatal("want the 422")
	}
	for what, txt := range map[string]string{"error": err.Error(), "debug log": logs.all()} {
		if strings.ContainsAny(txt, "\x1b\x07") {
			t.Errorf("%s carries a control sequence: %q", what, txt)
		}
	}
	if !strings.Contains(err.Error(), "Requester Jane is invalid") {
		t.Errorf("error lost its words: %q", err.Error())
	}
}

// loadPeople loads the PeopleDemo queue and evaluates it as the console and scan do.
func loadPeople(t *testing.T) (*zt.Server, *Client, *model.Directory, map[int64]model.Ticket) {
	t.Helper()
	s, c, _ := emu(t, zt.PeopleDemo(), nil)
	l, err := loadAll(t, c)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	dir := model.NewDirectory()
	for _, p := range l.pages {
		dir.Merge(p)
	}
	byID := map[int64]model.Ticket{}
	for _, tk := range l.tickets {
		byID[tk.ID] = tk
	}
	return s, c, dir, byID
}

func TestLoadPeopleDemo(t *testing.T) {
	_, _, dir, tickets := loadPeople(t)
	for _, id := range []int64{zt.TicketDeleted, zt.TicketNullReq, zt.TicketSubmitterGone} {
		if _, ok := tickets[id]; !ok {
			t.Errorf("ticket %d was dropped from the queue", id)
		}
	}
	// Priya owns p.raman@… as a secondary identity: the loader's exact look-up found her.
	if ev := model.Evaluate(defaultRules(), tickets[zt.TicketSecondary], dir); len(ev.Findings) != 0 {
		t.Errorf("#%d (E is the requester's secondary address): findings %+v", zt.TicketSecondary, ev.Findings)
	}
	ev := model.Evaluate(defaultRules(), tickets[zt.TicketDeleted], dir)
	if len(ev.Findings) == 0 || ev.Findings[0].Kind != model.KindRequesterOrgMismatch ||
		!strings.Contains(ev.Findings[0].Message, "user #361000000777") {
		t.Errorf("#%d (deleted requester): %+v", zt.TicketDeleted, ev.Findings)
	}
	if u, ok := dir.User(zt.UserOla); !ok || !u.Suspended {
		t.Errorf("Ola is suspended in Zendesk, decoded %+v", u)
	}
}

// The exact look-ups find the owner of a primary or secondary address with their own
// organizations, and nobody for an address nobody owns, however fuzzy the search.
func TestLookupPeople(t *testing.T) {
	s, c, _ := emu(t, zt.PeopleDemo(), nil)
	qp, err := c.LookupPeople(context.Background(), []string{"tomas@vandelay.io", " P.Raman@umbrella-labs.com ",
		"li.wen@globex.io", "nobody@vandelay.io", "tomas@vandelay.i", "n/a", "tomas@vandelay.io"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]model.User{}
	for _, u := range qp.Users {
		got[u.ID] = u
	}
	if len(got) != 3 || got[zt.UserTomas].ID == 0 || got[zt.UserLiWen].ID == 0 || got[zt.UserPriyaR].ID == 0 {
		t.Fatalf("users %+v", qp.Users)
	}
	if p := got[zt.UserPriyaR]; len(p.Emails) != 2 || p.Emails[1] != "p.raman@umbrella-labs.com" {
		t.Errorf("Priya's identities %v", p.Emails)
	}
	if !slices.ContainsFunc(qp.Memberships, func(m model.Membership) bool {
		return m.UserID == zt.UserTomas && m.OrganizationID == zt.OrgKramer
	}) || !slices.ContainsFunc(qp.Organizations, func(o model.Organization) bool { return o.ID == zt.OrgKramer }) {
		t.Errorf("Tomas's Kramerica membership/organization missing: %+v %+v", qp.Memberships, qp.Organizations)
	}
	// A deleted user is nobody.
	s.DeleteUser(zt.UserLiWen)
	if _, ok, err := c.FindUserByEmail(context.Background(), "li.wen@globex.io"); ok || err != nil {
		t.Errorf("deleted Li Wen found: %v %v", ok, err)
	}
}

// BenchmarkExactLookups10k measures the request cost of the exact address look-ups on a
// 10,000-ticket queue: the load's own look-ups (Organization Email addresses that name no
// user the load brought, suggestion ties), and the look-ups a fix makes before planning
// (every Organization Email and suggested address of the tickets with a finding).
func BenchmarkExactLookups10k(b *testing.B) {
	const n = 10000
	s := zt.NewServer(zt.Synthetic(n, 42), zt.WithAPIToken(emuEmail, testToken))
	defer s.Close()
	c, err := New(Config{BaseURL: s.URL(), Email: emuEmail, APIToken: testToken, ViewID: zt.DemoViewID, Rules: defaultRules()})
	if err != nil {
		b.Fatal(err)
	}
	dir := model.NewDirectory()
	var tickets []model.Ticket
	if err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
		dir.Merge(p)
		tickets = append(tickets, p.Tickets...)
	}); err != nil {
		b.Fatal(err)
	}
	var loadLookups int
	for _, r := range s.Requests() {
		if strings.Contains(r.Path, "/users/search") || strings.Contains(r.Path, "/identities") {
			loadLookups++
		}
	}
	var addrs []string
	var perFix [][]string // the addresses one fix asks about, as the console does
	for _, tk := range tickets {
		ev := model.Evaluate(defaultRules(), tk, dir)
		if len(ev.Findings) == 0 {
			continue
		}
		one := []string{ev.OrgEmail}
		for _, f := range ev.Findings {
			one = append(one, f.SuggestedEmail)
			one = append(one, f.MissingCCs...)
		}
		perFix = append(perFix, one)
		addrs = append(addrs, one...)
	}
	fixable := len(perFix)
	// One fix at a time, as an agent works: the mean requests of the first 100 fixes.
	oneFix := 0.0
	if n := min(100, len(perFix)); n > 0 {
		before := c.RequestCount()
		for _, one := range perFix[:n] {
			if _, err := c.LookupPeople(context.Background(), one); err != nil {
				b.Fatal(err)
			}
		}
		oneFix = float64(c.RequestCount()-before) / float64(n)
	}
	b.ResetTimer()
	for b.Loop() {
		before := c.RequestCount()
		if _, err := c.LookupPeople(context.Background(), addrs); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(c.RequestCount()-before), "all-fixes-lookup-requests/op")
	}
	b.ReportMetric(float64(loadLookups), "load-lookup-requests")
	b.ReportMetric(float64(fixable), "tickets-with-findings")
	b.ReportMetric(float64(len(addrs)), "addresses")
	b.ReportMetric(oneFix, "requests-per-fix")
}

// Many loose matches (a common local part) are not "nobody owns it": past the bound of
// identity checks the look-up says it cannot tell, so no plan calls an existing user new.
func TestLookupBoundsLooseMatches(t *testing.T) {
	ds := zt.PeopleDemo()
	for i := 0; i < 30; i++ {
		ds.Users = append(ds.Users, zt.User{ID: int64(391000000000 + i), Name: "Info", Email: fmt.Sprintf("info@co%02d.example", i), Active: true})
	}
	ds.Identities = append(ds.Identities, zt.Identity{UserID: 391000000029, Value: "info@acme.com"})
	for i := range ds.Tickets {
		if ds.Tickets[i].ID == zt.TicketNoEmail {
			ds.Tickets[i].CustomFields[0].Value = "info@acme.com" // the Organization Email
		}
	}
	s, c, _ := emu(t, ds, nil)
	if _, err := loadAll(t, c); err != nil {
		t.Fatalf("the queue load fails on an address with many loose matches: %v", err)
	}
	before := len(s.Requests())
	_, ok, err := c.FindUserByEmail(context.Background(), "info@acme.com")
	if ok || err == nil || !strings.Contains(err.Error(), "who owns it exactly is still unknown") {
		t.Fatalf("ok %v, err %v; want an error, not a guess", ok, err)
	}
	if n := len(s.Requests()) - before; n != 1+maxIdentityChecks {
		t.Errorf("%d requests, want 1 search + %d identity checks", n, maxIdentityChecks)
	}
	// On the address's domain a secondary owner is found first.
	ds.Identities[len(ds.Identities)-1] = zt.Identity{UserID: zt.UserTomas, Value: "info@vandelay.io"}
	_, c2, _ := emu(t, ds, nil)
	if u, ok, err := c2.FindUserByEmail(context.Background(), "info@vandelay.io"); !ok || err != nil || u.ID != zt.UserTomas {
		t.Errorf("info@vandelay.io: %+v %v %v, want Tomas", u, ok, err)
	}
}
