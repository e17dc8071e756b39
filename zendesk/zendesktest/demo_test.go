package zendesktest

import (
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestDemoInvariants(t *testing.T) {
	d := Demo()
	if n := len(d.Tickets); n < 20 || n > 40 {
		t.Fatalf("%d demo tickets, want 20–40", n)
	}
	users := map[int64]User{}
	emails := map[string]bool{}
	for _, u := range d.Users {
		if _, dup := users[u.ID]; dup {
			t.Fatalf("user id %d twice", u.ID)
		}
		users[u.ID] = u
		e := strings.ToLower(u.Email)
		if emails[e] {
			t.Fatalf("email %s twice", e)
		}
		emails[e] = true
	}
	orgs := map[int64]Organization{}
	for _, o := range d.Organizations {
		if _, dup := orgs[o.ID]; dup {
			t.Fatalf("org id %d twice", o.ID)
		}
		orgs[o.ID] = o
	}
	for _, u := range d.Users {
		if u.OrganizationID != 0 && orgs[u.OrganizationID].ID == 0 {
			t.Errorf("user %d: unknown org %d", u.ID, u.OrganizationID)
		}
	}
	for _, m := range d.Memberships {
		if users[m.UserID].ID == 0 || orgs[m.OrganizationID].ID == 0 {
			t.Errorf("membership %d references unknown ids", m.ID)
		}
	}
	forms := map[int64]int{}
	statuses := map[string]int{}
	seen := map[int64]bool{}
	for _, tk := range d.Tickets {
		if seen[tk.ID] {
			t.Fatalf("ticket id %d twice", tk.ID)
		}
		seen[tk.ID] = true
		forms[tk.TicketFormID]++
		statuses[tk.Status]++
		refs := append([]int64{tk.RequesterID, tk.SubmitterID}, tk.CollaboratorIDs...)
		refs = append(refs, tk.EmailCCIDs...)
		refs = append(refs, tk.FollowerIDs...)
		if tk.AssigneeID != 0 {
			refs = append(refs, tk.AssigneeID)
		}
		for _, id := range refs {
			if users[id].ID == 0 {
				t.Errorf("ticket %d references unknown user %d", tk.ID, id)
			}
		}
		if tk.OrganizationID != 0 && orgs[tk.OrganizationID].ID == 0 {
			t.Errorf("ticket %d: unknown org %d", tk.ID, tk.OrganizationID)
		}
		for _, id := range tk.EmailCCIDs {
			if !slices.Contains(tk.CollaboratorIDs, id) {
				t.Errorf("ticket %d: email CC %d not a collaborator", tk.ID, id)
			}
		}
		if tk.CreatedAt.Year() != 2026 || tk.CreatedAt.Month() != time.November || tk.UpdatedAt.Before(tk.CreatedAt) {
			t.Errorf("ticket %d: dates %v %v", tk.ID, tk.CreatedAt, tk.UpdatedAt)
		}
		if tk.Subject == "" || tk.Description == "" {
			t.Errorf("ticket %d: empty subject/description", tk.ID)
		}
	}
	if forms[FormOpenPartner] < 15 || forms[FormSelectPartner] < 5 || forms[FormAlliancePartner] < 1 || forms[FormSelfManaged] < 1 {
		t.Errorf("forms = %v", forms)
	}
	if statuses["solved"] < 1 || statuses["closed"] < 1 || statuses["new"] < 1 || statuses["pending"] < 1 || statuses["hold"] < 1 {
		t.Errorf("statuses = %v", statuses)
	}
	if len(d.Views) != 1 || d.Views[0].ID != DemoViewID || len(d.Views[0].TicketIDs) != len(d.Tickets) {
		t.Fatalf("views = %+v", d.Views)
	}
	if d.AccountURL != "https://demo.zendesk.com" {
		t.Fatal(d.AccountURL)
	}
	// Case-insensitivity showcase, numeric field, null org email.
	if orgs[OrgCoho].OrganizationFields[DemoTrackField] != "Select" {
		t.Error("Coho Digital should carry \"Select\" capitalised")
	}
	foundNum := false
	for _, tk := range d.Tickets {
		if _, ok := tk.Field(FieldCustomerName).(interface{ Int64() (int64, error) }); ok {
			foundNum = true
		}
	}
	if !foundNum {
		t.Error("no numeric custom field value")
	}
	// Demo() is deterministic and returns fresh data.
	d2 := Demo()
	d2.Views[0].Match = nil
	if !reflect.DeepEqual(d.Tickets, d2.Tickets) || !reflect.DeepEqual(d.Users, d2.Users) {
		t.Fatal("Demo() not deterministic")
	}
	d2.Tickets[0].Subject = "changed"
	if Demo().Tickets[0].Subject == "changed" {
		t.Fatal("Demo() shares state")
	}
}

// TestDemoShowsEveryRule evaluates the demo with a small rule engine written here from
// shared/spec/rules.md (default config) — independent of the project's model package —
// and checks it against DemoExpectations: every scenario and finding appears, and every
// ticket shows what its comment says.
func TestDemoShowsEveryRule(t *testing.T) {
	d := Demo()
	exp := DemoExpectations()
	if len(exp) != len(d.Tickets) {
		t.Fatalf("%d expectations for %d tickets", len(exp), len(d.Tickets))
	}
	ev := newRuleEval(d)
	kinds := map[string]int{}
	scen := map[string]int{}
	for _, e := range exp {
		tk := ev.tickets[e.TicketID]
		got := ev.evaluate(tk)
		if got.InQueue != e.InQueue {
			t.Errorf("ticket %d: in queue %v, want %v", e.TicketID, got.InQueue, e.InQueue)
			continue
		}
		if !e.InQueue {
			continue
		}
		if got.Scenario != e.Scenario || !slices.Equal(got.Findings, e.Findings) || got.SuggestedEmail != e.SuggestedEmail {
			t.Errorf("ticket %d (%s): got %s %v %q, want %s %v %q", e.TicketID, tk.Subject,
				got.Scenario, got.Findings, got.SuggestedEmail, e.Scenario, e.Findings, e.SuggestedEmail)
		}
		scen[e.Scenario]++
		for _, k := range e.Findings {
			kinds[k]++
		}
	}
	for _, s := range []string{"services_engagement", "customer_account", "partner_account", "select_partner", "unknown"} {
		if scen[s] == 0 {
			t.Errorf("no %s ticket", s)
		}
	}
	for _, k := range []string{kMismatch, kUnknown, kAssoc, kCC} {
		if kinds[k] == 0 {
			t.Errorf("no %s finding", k)
		}
	}
	clean := 0
	for _, e := range exp {
		if e.InQueue && len(e.Findings) == 0 {
			clean++
		}
	}
	if clean < 5 {
		t.Errorf("only %d clean tickets", clean)
	}
}

// Its speed is measured by BenchmarkSynthetic10k: a timed test failed under -race on a
// loaded machine.
func TestSynthetic(t *testing.T) {
	d := Synthetic(10000, 42)
	if len(d.Tickets) != 10000 || len(d.Views) != 1 || len(d.Views[0].TicketIDs) != 10000 || d.Views[0].ID != DemoViewID {
		t.Fatalf("tickets %d, views %+v", len(d.Tickets), len(d.Views))
	}
	if !reflect.DeepEqual(d, Synthetic(10000, 42)) {
		t.Fatal("Synthetic not deterministic")
	}
	if reflect.DeepEqual(d.Tickets[:50], Synthetic(10000, 43).Tickets[:50]) {
		t.Fatal("seed ignored")
	}
	ev := newRuleEval(d)
	withFindings, inQueue := 0, 0
	kinds := map[string]int{}
	for _, tk := range d.Tickets {
		r := ev.evaluate(&tk)
		if r.InQueue {
			inQueue++
		}
		if len(r.Findings) > 0 {
			withFindings++
		}
		for _, k := range r.Findings {
			kinds[k]++
		}
	}
	if inQueue != 10000 {
		t.Errorf("%d of 10000 in the queue", inQueue)
	}
	if withFindings < 700 || withFindings > 1500 {
		t.Errorf("%d tickets with findings, want ≈10%%", withFindings)
	}
	for _, k := range []string{kMismatch, kUnknown, kAssoc, kCC} {
		if kinds[k] == 0 {
			t.Errorf("no %s finding at scale (%v)", k, kinds)
		}
	}
	selects := 0
	for _, o := range d.Organizations {
		if strings.EqualFold(fmt.Sprint(o.OrganizationFields[DemoTrackField]), "select") {
			selects++
		}
	}
	if selects != 5 {
		t.Errorf("%d Select orgs", selects)
	}

	// The whole queue through the view in ⌈n/100⌉ requests.
	s := NewServer(d, WithAPIToken(testEmail, testToken))
	defer s.Close()
	next := "/views/360077000001/tickets.json?page[size]=100&include=users,organizations"
	n := 0
	for {
		st, m := get(t, s, next)
		wantStatus(t, st, 200, nil)
		n += len(list(t, m, "tickets"))
		if m["meta"].(map[string]any)["has_more"] == false {
			break
		}
		next = m["links"].(map[string]any)["next"].(string)
	}
	if n != 10000 || len(s.Requests()) != 100 {
		t.Fatalf("%d tickets in %d requests", n, len(s.Requests()))
	}
}

func BenchmarkViewPage(b *testing.B) {
	s := NewServer(Synthetic(10000, 1), WithAPIToken(testEmail, testToken))
	defer s.Close()
	t := &testing.T{}
	b.ResetTimer()
	for range b.N {
		get(t, s, "/views/360077000001/tickets.json?page[size]=100&include=users,organizations")
	}
}

func BenchmarkSynthetic10k(b *testing.B) {
	for range b.N {
		Synthetic(10000, 1)
	}
}

// ---- an independent reading of rules.md, for the tests only ----

type ruleEval struct {
	tickets    map[int64]*Ticket
	users      map[int64]User
	byEmail    map[string]User
	orgs       map[int64]Organization
	members    map[int64][]int64 // user → orgs
	partnerDom map[string]bool
	selectDom  map[string]bool
	custDoms   []string
	custByDom  map[string]int64
}

type ruleResult struct {
	InQueue        bool
	Scenario       string
	Findings       []string
	SuggestedEmail string
}

func newRuleEval(d Dataset) *ruleEval {
	ev := &ruleEval{tickets: map[int64]*Ticket{}, users: map[int64]User{}, byEmail: map[string]User{},
		orgs: map[int64]Organization{}, members: map[int64][]int64{}, partnerDom: map[string]bool{},
		selectDom: map[string]bool{}, custByDom: map[string]int64{}}
	for i := range d.Tickets {
		ev.tickets[d.Tickets[i].ID] = &d.Tickets[i]
	}
	for _, u := range d.Users {
		ev.users[u.ID] = u
		ev.byEmail[strings.ToLower(u.Email)] = u
		if u.OrganizationID != 0 {
			ev.members[u.ID] = append(ev.members[u.ID], u.OrganizationID)
		}
	}
	for _, m := range d.Memberships {
		ev.members[m.UserID] = append(ev.members[m.UserID], m.OrganizationID)
	}
	for _, o := range d.Organizations {
		ev.orgs[o.ID] = o
		switch ev.track(o.ID) {
		case "select":
			for _, dn := range o.DomainNames {
				ev.partnerDom[strings.ToLower(dn)] = true
				ev.selectDom[strings.ToLower(dn)] = true
			}
		case "open":
			for _, dn := range o.DomainNames {
				ev.partnerDom[strings.ToLower(dn)] = true
			}
		default:
			for _, dn := range o.DomainNames {
				dn = strings.ToLower(dn)
				if _, ok := ev.custByDom[dn]; !ok {
					ev.custByDom[dn] = o.ID
					ev.custDoms = append(ev.custDoms, dn)
				}
			}
		}
	}
	sort.Strings(ev.custDoms)
	return ev
}

func (ev *ruleEval) track(oid int64) string {
	o, ok := ev.orgs[oid]
	if !ok {
		return ""
	}
	v := strings.ToLower(strings.TrimSpace(valueText(o.OrganizationFields[DemoTrackField])))
	if v == "select" || v == "open" {
		return v
	}
	return "customer"
}

func domainOf(e string) string { _, d, _ := strings.Cut(e, "@"); return d }

func (ev *ruleEval) customerUser(uid int64) bool {
	u := ev.users[uid]
	return u.Email != "" && !ev.partnerDom[strings.ToLower(domainOf(u.Email))]
}

func (ev *ruleEval) selectUser(uid int64) bool {
	u := ev.users[uid]
	return u.Email != "" && ev.selectDom[strings.ToLower(domainOf(u.Email))]
}

func (ev *ruleEval) memberOf(uid int64, track string) bool {
	for _, oid := range ev.members[uid] {
		if ev.track(oid) == track {
			return true
		}
	}
	return false
}

func (ev *ruleEval) orgOfE(e string) int64 {
	if u, ok := ev.byEmail[e]; ok && u.OrganizationID != 0 && ev.track(u.OrganizationID) == "customer" {
		return u.OrganizationID
	}
	return ev.custByDom[domainOf(e)]
}

func osa(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

func (ev *ruleEval) evaluate(tk *Ticket) ruleResult {
	open := tk.TicketFormID == FormOpenPartner
	sel := tk.TicketFormID == FormSelectPartner
	if !(open || sel) || statusRank[tk.Status] >= statusRank["solved"] {
		return ruleResult{}
	}
	r := ruleResult{InQueue: true}
	e := strings.ToLower(strings.TrimSpace(valueText(tk.Field(FieldOrgEmail))))
	if l, dm, ok := strings.Cut(e, "@"); !ok || l == "" || dm == "" {
		e = ""
	}
	cc := strings.TrimSpace(valueText(tk.Field(FieldCCRequest)))
	eCustomer := e != "" && !ev.partnerDom[domainOf(e)]
	switch {
	case open && cc != "":
		r.Scenario = "services_engagement"
	case open && eCustomer:
		r.Scenario = "customer_account"
	case open && e != "":
		r.Scenario = "partner_account"
	case sel:
		r.Scenario = "select_partner"
	default:
		r.Scenario = "unknown"
	}
	if open && eCustomer {
		oe := ev.orgOfE(e)
		if !strings.EqualFold(ev.users[tk.RequesterID].Email, e) || tk.OrganizationID == 0 || tk.OrganizationID != oe {
			r.Findings = append(r.Findings, kMismatch)
		}
		if oe == 0 {
			r.Findings = append(r.Findings, kUnknown)
			local, dom, _ := strings.Cut(e, "@")
			best, bestD := "", 3
			for _, c := range ev.custDoms {
				dd := osa(dom, c)
				if dd > 2 {
					continue
				}
				_, exists := ev.byEmail[local+"@"+c]
				_, bestExists := ev.byEmail[local+"@"+best]
				if dd < bestD || (dd == bestD && exists && !bestExists) {
					best, bestD = c, dd
				}
			}
			if best != "" {
				r.SuggestedEmail = local + "@" + best
			}
		}
	}
	assoc := false
	for _, uid := range []int64{tk.RequesterID, tk.SubmitterID} {
		if ev.customerUser(uid) && ev.memberOf(uid, "select") {
			assoc = true
		}
		if ev.selectUser(uid) && ev.memberOf(uid, "customer") {
			assoc = true
		}
	}
	if tk.OrganizationID != 0 && ev.track(tk.OrganizationID) == "select" && ev.customerUser(tk.RequesterID) {
		assoc = true
	}
	if sel && tk.OrganizationID != 0 && ev.track(tk.OrganizationID) == "customer" {
		assoc = true
	}
	if assoc {
		r.Findings = append(r.Findings, kAssoc)
	}
	if cc != "" {
		on := func(uid int64) bool {
			return slices.Contains(tk.EmailCCIDs, uid) || slices.Contains(tk.CollaboratorIDs, uid)
		}
		missing := false
		addrs := emailRE.FindAllString(cc, -1)
		for _, a := range addrs {
			u, ok := ev.byEmail[strings.ToLower(a)]
			if !ok || !on(u.ID) {
				missing = true
			}
		}
		if len(addrs) == 0 && !on(tk.SubmitterID) {
			missing = true
		}
		if missing {
			r.Findings = append(r.Findings, kCC)
		}
	}
	return r
}

func BenchmarkViewPageServerOnly(b *testing.B) {
	s := NewServer(Synthetic(10000, 1), WithAPIToken(testEmail, testToken))
	defer s.Close()
	req, _ := http.NewRequest("GET", s.URL()+"/views/360077000001/tickets.json?page[size]=100&include=users,organizations", nil)
	tokenAuth(req)
	b.ResetTimer()
	for range b.N {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
