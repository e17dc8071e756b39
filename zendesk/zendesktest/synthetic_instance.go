package zendesktest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// SyntheticInstance builds a deterministic instance for instance-wide checks (the audit):
// users end users and orgs organizations, of which five are Select orgs (four people each)
// and twenty Open orgs (three people each); every other organization is a customer
// (domain mapped, its people members by default). The partner side stays that small
// whatever the size, as on a real desk. Violations of the handbook's rule, each with one
// open Open-form ticket in view 360077000001: five customers who are also members of a
// Select org, and two Select users who are also members of a customer org. Same
// (users, orgs, seed) → same Dataset. orgs must be at least 30 and users at least 200.
func SyntheticInstance(users, orgs int, seed int64) Dataset {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x2545f4914f6cdd1d))
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	ds := Dataset{AccountURL: DemoAccountURL, Agent: demoAgentID, TicketForms: demoForms()}
	ds.Users = append(ds.Users, User{ID: demoAgentID, Name: "Priya Raman", Email: DemoAgentEmail, Role: "agent",
		Active: true, Verified: true, CreatedAt: base.AddDate(-1, 0, 0)})
	nextUser, nextOrg, nextMem := int64(383000000001), int64(362000000001), int64(7000000001)
	type company struct {
		id     int64
		domain string
		people []int64
	}
	addOrg := func(name, domain string, track any) company {
		id := nextOrg
		nextOrg++
		ds.Organizations = append(ds.Organizations, Organization{ID: id, Name: name, DomainNames: []string{domain},
			OrganizationFields: map[string]any{DemoTrackField: track}, CreatedAt: base.AddDate(-2, 0, int(id%300))})
		return company{id: id, domain: domain}
	}
	addUser := func(c *company) int64 {
		fn, ln := synthFirst[rng.IntN(len(synthFirst))], synthLast[rng.IntN(len(synthLast))]
		id := nextUser
		nextUser++
		ds.Users = append(ds.Users, User{ID: id, Name: fn + " " + ln, Role: "end-user", OrganizationID: c.id,
			Email:  fmt.Sprintf("%s.%s%d@%s", strings.ToLower(fn), strings.ToLower(asciiOnly(ln)), id%100000, c.domain),
			Active: true, Verified: true, CreatedAt: base.AddDate(-1, 0, -int(id%200))})
		c.people = append(c.people, id)
		return id
	}
	var selects, opens, customers []company
	for i := range 5 {
		c := addOrg(fmt.Sprintf("%s Select Solutions %d", synthCo[i%len(synthCo)], i+1), fmt.Sprintf("select-%d.io", i+1), "select")
		for range 4 {
			addUser(&c)
		}
		selects = append(selects, c)
	}
	for i := range 20 {
		c := addOrg(fmt.Sprintf("%s DevOps Partners %d", synthCo[(i*3)%len(synthCo)], i+1), fmt.Sprintf("devops-%d.net", i+1), "open")
		for range 3 {
			addUser(&c)
		}
		opens = append(opens, c)
	}
	for i := range max(5, orgs-25) {
		customers = append(customers, addOrg(fmt.Sprintf("%s %s %d", synthCo[i%len(synthCo)], synthKind[i%len(synthKind)], i+1),
			fmt.Sprintf("customer-%d.com", i+1), nil))
	}
	for len(ds.Users)-1 < max(users, 200) {
		addUser(&customers[rng.IntN(len(customers))])
	}
	var ticketIDs []int64
	ticket := func(requester, submitter, org int64, email string) {
		id := int64(200001 + len(ticketIDs))
		ds.Tickets = append(ds.Tickets, Ticket{ID: id, Status: "open", TicketFormID: FormOpenPartner,
			Subject: "Runner fails after upgrade", Description: "Runner fails after upgrade.",
			RequesterID: requester, SubmitterID: submitter, OrganizationID: org, CreatedAt: base, UpdatedAt: base,
			CustomFields: partnerFields(email, nil, nil, "", nil)})
		ticketIDs = append(ticketIDs, id)
	}
	emailOf := func(uid int64) string {
		for i := range ds.Users {
			if ds.Users[i].ID == uid {
				return ds.Users[i].Email
			}
		}
		return ""
	}
	for i := range 5 { // customers inside a Select org
		c := customers[(i*37)%len(customers)]
		if len(c.people) == 0 {
			continue
		}
		p := c.people[0]
		ds.Memberships = append(ds.Memberships, Membership{ID: nextMem, UserID: p, OrganizationID: selects[i].id, CreatedAt: base})
		nextMem++
		ticket(p, opens[i].people[0], c.id, emailOf(p))
	}
	for i := range 2 { // Select users inside a customer org
		s := selects[i]
		c := customers[(i*101+7)%len(customers)]
		ds.Memberships = append(ds.Memberships, Membership{ID: nextMem, UserID: s.people[1], OrganizationID: c.id, CreatedAt: base})
		nextMem++
		ticket(s.people[1], s.people[1], s.id, emailOf(s.people[1]))
	}
	ds.Views = []View{{ID: DemoViewID, Title: "Partner tickets", TicketIDs: ticketIDs}}
	return ds
}
