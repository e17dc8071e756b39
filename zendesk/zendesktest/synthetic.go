package zendesktest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

var (
	synthFirst = []string{"Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
		"Noah", "Mia", "Liam", "Emma", "Lucas", "Olivia", "Mateo", "Sofia", "Arjun", "Yuki", "Fatima", "Chen", "Ines", "Tomas"}
	synthLast = []string{"Smith", "Garcia", "Kim", "Nguyen", "Müller", "Rossi", "Silva", "Okafor", "Novak", "Haddad",
		"Lindqvist", "Byrne", "Tanaka", "Kowalski", "Dubois", "Patel", "Jensen", "Moreau", "Costa", "Ivanova"}
	synthCo = []string{"Northstar", "Bluepeak", "Redwood", "Silverline", "Ironbridge", "Brightwave", "Clearwater",
		"Summit", "Harbor", "Granite", "Evergreen", "Falcon", "Meridian", "Oakridge", "Pioneer", "Quantum", "Riverstone",
		"Sterling", "Trident", "Vertex", "Willow", "Zenith", "Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Fjord"}
	synthKind = []string{"Logistics", "Health", "Bank", "Retail", "Energy", "Media", "Labs", "Insurance", "Motors",
		"Foods", "Telecom", "Airlines", "Analytics", "Robotics", "Pharma", "Games"}
	synthSubj = []string{"Runner fails after upgrade to %d.%d", "Pipeline stuck in pending on %d.%d",
		"SAML login loop after upgrading to %d.%d", "Geo replication lag since %d.%d", "Container registry cleanup not running on %d.%d",
		"Sidekiq memory growth on %d.%d", "Merge request diffs time out on %d.%d", "Backup fails after %d.%d upgrade",
		"Gitaly cluster failover issue on %d.%d", "Kubernetes agent disconnects on %d.%d", "LDAP sync drops users on %d.%d",
		"Pages deploy fails on %d.%d", "Dependency proxy 401 on %d.%d", "Licence seats not updated on %d.%d"}
)

// Synthetic builds a deterministic load-test desk: n tickets, every one in the queue
// (Open or Select form, status new/open/pending/hold), all in view 360077000001 (so a
// queue of n costs ⌈n/100⌉ view pages), with customer orgs (≈n/25, two users each),
// Open partner orgs (≈n/400, min 3), five Select orgs (track "select", one "Select"),
// and the same field/form ids as Demo. About 10% of tickets carry a finding: partner
// still requester, ticket without org, mistyped customer domain (auto-created org-less
// user), a customer user who is also in a Select org, a Select ticket under a customer
// org, or a CC request not honoured. Same (n, seed) → same Dataset.
func Synthetic(n int, seed int64) Dataset {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	ds := Dataset{AccountURL: DemoAccountURL, Agent: demoAgentID, TicketForms: demoForms()}
	ds.Users = append(ds.Users, User{ID: demoAgentID, Name: "Priya Raman", Email: DemoAgentEmail, Role: "agent",
		Active: true, Verified: true, CreatedAt: base.AddDate(-1, 0, 0)})
	nextUser, nextOrg, nextMem := int64(382000000001), int64(361000000001), int64(6000000001)
	type person struct {
		id    int64
		email string
		org   int64
	}
	type company struct {
		id     int64
		name   string
		domain string
		people []person
	}
	mkOrg := func(name, domain string, track any, acct string, people int) company {
		id := nextOrg
		nextOrg++
		ds.Organizations = append(ds.Organizations, Organization{ID: id, Name: name, DomainNames: []string{domain},
			OrganizationFields: map[string]any{DemoTrackField: track, "account_type": acct},
			CreatedAt:          base.AddDate(-2, 0, int(id%300))})
		c := company{id: id, name: name, domain: domain}
		for range people {
			fn, ln := synthFirst[rng.IntN(len(synthFirst))], synthLast[rng.IntN(len(synthLast))]
			email := fmt.Sprintf("%s.%s%d@%s", strings.ToLower(fn), strings.ToLower(asciiOnly(ln)), nextUser%1000, domain)
			ds.Users = append(ds.Users, User{ID: nextUser, Name: fn + " " + ln, Email: email, Role: "end-user",
				OrganizationID: id, Active: true, Verified: true, CreatedAt: base.AddDate(-1, 0, -int(nextUser%200))})
			c.people = append(c.people, person{nextUser, email, id})
			nextUser++
		}
		return c
	}
	slug := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "-")) }
	nCust := max(10, n/25)
	nOpen := max(3, n/400)
	var customers, opens, selects []company
	for i := range nCust {
		name := fmt.Sprintf("%s %s", synthCo[i%len(synthCo)], synthKind[(i/len(synthCo))%len(synthKind)])
		domain := slug(name) + ".com"
		if i >= len(synthCo)*len(synthKind) {
			name = fmt.Sprintf("%s %d", name, i)
			domain = fmt.Sprintf("%s-%d.com", slug(name), i)
		}
		customers = append(customers, mkOrg(name, domain, nil, "Customer", 2))
	}
	for i := range nOpen {
		name := fmt.Sprintf("%s DevOps Partners %d", synthCo[(i*7)%len(synthCo)], i+1)
		opens = append(opens, mkOrg(name, fmt.Sprintf("%s-devops-%d.net", slug(synthCo[(i*7)%len(synthCo)]), i+1), "open", "Authorized Reseller", 3))
	}
	for i := range 5 {
		track := "select"
		if i == 4 {
			track = "Select"
		}
		name := fmt.Sprintf("%s Select Solutions", synthCo[(i*5+3)%len(synthCo)])
		selects = append(selects, mkOrg(name, slug(synthCo[(i*5+3)%len(synthCo)])+"-select.io", track, "Partner", 4))
	}
	// A handful of customers also in a Select org (association (a)).
	var assoc []person
	for i := range max(2, n/2000) {
		c := customers[(i*13)%len(customers)]
		p := c.people[0]
		s := selects[i%len(selects)]
		ds.Memberships = append(ds.Memberships, Membership{ID: nextMem, UserID: p.id, OrganizationID: s.id})
		nextMem++
		assoc = append(assoc, p)
	}
	autoUsers := map[string]int64{}
	statuses := []string{"new", "open", "open", "open", "pending", "pending", "hold"}
	ids := make([]int64, 0, n)
	for i := range n {
		id := int64(100001 + i)
		created := base.Add(-time.Duration(rng.IntN(60*24*60)) * time.Minute)
		t := Ticket{ID: id, Status: statuses[rng.IntN(len(statuses))], CreatedAt: created,
			UpdatedAt: created.Add(time.Duration(rng.IntN(48*60)) * time.Minute), Priority: "normal",
			Tags: []string{"partner"}, Subject: fmt.Sprintf(synthSubj[rng.IntN(len(synthSubj))], 16+rng.IntN(2), rng.IntN(12))}
		t.Description = t.Subject + ". Details in the attached logs."
		cust := customers[rng.IntN(len(customers))]
		cp := cust.people[rng.IntN(len(cust.people))]
		finding := rng.IntN(100) < 10
		variant := rng.IntN(6)
		if rng.IntN(4) == 0 { // Select form
			sel := selects[rng.IntN(len(selects))]
			sp := sel.people[rng.IntN(len(sel.people))]
			t.TicketFormID = FormSelectPartner
			t.RequesterID, t.SubmitterID, t.OrganizationID = sp.id, sp.id, sel.id
			var cc any
			if finding && variant%2 == 0 {
				t.OrganizationID = cust.id // (d) Select ticket under a customer org
			} else if finding {
				cc = "please cc " + sel.people[(rng.IntN(3)+1)%len(sel.people)].email // not CC'd
			}
			t.CustomFields = partnerFields(nil, sel.name, nil, "", cc)
		} else {
			op := opens[rng.IntN(len(opens))]
			pp := op.people[rng.IntN(len(op.people))]
			t.TicketFormID = FormOpenPartner
			t.SubmitterID = pp.id
			e := cp.email
			var cc any
			t.RequesterID, t.OrganizationID = cp.id, cp.org
			switch r := rng.IntN(100); {
			case r < 15: // services engagement, honoured
				cc = "Please CC me: " + pp.email
				t.EmailCCIDs, t.CollaboratorIDs = []int64{pp.id}, []int64{pp.id}
			case r < 30: // partner's own account
				e = pp.email
				t.RequesterID, t.OrganizationID = pp.id, op.id
			case r < 34: // unknown
				e = ""
				t.RequesterID, t.OrganizationID = pp.id, op.id
			}
			if finding {
				switch variant {
				case 0: // partner still the requester
					e = cp.email
					t.RequesterID, t.OrganizationID = pp.id, op.id
				case 1: // right requester, no ticket org
					e = cp.email
					t.RequesterID, t.OrganizationID = cp.id, 0
				case 2: // mistyped TLD → org-less auto-created requester
					local, dom, _ := strings.Cut(cp.email, "@")
					bad := local + "@" + dom[:len(dom)-2] + dom[len(dom)-1:] + dom[len(dom)-2:len(dom)-1]
					uid, ok := autoUsers[bad]
					if !ok {
						uid = nextUser
						nextUser++
						autoUsers[bad] = uid
						ds.Users = append(ds.Users, User{ID: uid, Name: local, Email: bad, Role: "end-user", Active: true, CreatedAt: created})
					}
					e = bad
					t.RequesterID, t.OrganizationID = uid, 0
				case 3: // customer also in a Select org
					p := assoc[rng.IntN(len(assoc))]
					e = p.email
					t.RequesterID, t.OrganizationID = p.id, p.org
				default: // CC request not honoured
					cc = "yes"
					t.EmailCCIDs, t.CollaboratorIDs = nil, nil
				}
			}
			var ev any = e
			if e == "" {
				ev = nil
			}
			t.CustomFields = partnerFields(ev, op.name, cust.name, "", cc)
		}
		ds.Tickets = append(ds.Tickets, t)
		ids = append(ids, id)
	}
	ds.Views = []View{{ID: DemoViewID, Title: "Partner tickets", TicketIDs: ids}}
	return ds
}

func asciiOnly(s string) string {
	r := strings.NewReplacer("ü", "ue", "ö", "oe", "ä", "ae", "é", "e")
	return r.Replace(s)
}
