package model

import (
	"strconv"
	"testing"
)

// syntheticQueue builds a directory of 2,000 customer orgs, 50 Open and 20 Select partner
// orgs, 20,000 users with membership records (1% of customers also in a Select org), and n
// tickets mixing every scenario: mostly clean customer tickets, then partner, Select,
// mismatched, mistyped and CC-request tickets.
func syntheticQueue(n int) (*Directory, []Ticket) {
	d := NewDirectory()
	var page QueuePage
	const customers, opens, selects, users = 2000, 50, 20, 20000
	for i := 0; i < customers; i++ {
		page.Organizations = append(page.Organizations, Organization{ID: int64(1000 + i), Name: "Customer " + strconv.Itoa(i),
			DomainNames: []string{"customer" + strconv.Itoa(i) + ".com"}, Fields: map[string]string{"partner_track": ""}})
	}
	for i := 0; i < opens; i++ {
		page.Organizations = append(page.Organizations, Organization{ID: int64(5000 + i), Name: "Open " + strconv.Itoa(i),
			DomainNames: []string{"open" + strconv.Itoa(i) + ".io"}, Fields: map[string]string{"partner_track": "open"}})
	}
	for i := 0; i < selects; i++ {
		page.Organizations = append(page.Organizations, Organization{ID: int64(6000 + i), Name: "Select " + strconv.Itoa(i),
			DomainNames: []string{"select" + strconv.Itoa(i) + ".net"}, Fields: map[string]string{"partner_track": "Select"}})
	}
	mid := int64(1)
	for i := 0; i < users; i++ {
		var u User
		switch {
		case i%20 == 0: // Open partner people
			k := i % opens
			u = User{ID: int64(i + 1), Email: "p" + strconv.Itoa(i) + "@open" + strconv.Itoa(k) + ".io", OrganizationID: int64(5000 + k)}
		case i%50 == 1: // Select partner people
			k := i % selects
			u = User{ID: int64(i + 1), Email: "s" + strconv.Itoa(i) + "@select" + strconv.Itoa(k) + ".net", OrganizationID: int64(6000 + k)}
		default:
			k := i % customers
			u = User{ID: int64(i + 1), Email: "user" + strconv.Itoa(i) + "@customer" + strconv.Itoa(k) + ".com", OrganizationID: int64(1000 + k)}
		}
		page.Users = append(page.Users, u)
		page.Memberships = append(page.Memberships, Membership{ID: mid, UserID: u.ID, OrganizationID: u.OrganizationID, Default: true})
		mid++
		if i%100 == 63 { // a customer also in a Select org
			page.Memberships = append(page.Memberships, Membership{ID: mid, UserID: u.ID, OrganizationID: int64(6000 + i%selects)})
			mid++
		}
	}
	d.Merge(page)

	tickets := make([]Ticket, n)
	for i := range tickets {
		cust := page.Users[(i*7)%users]
		for cust.Email[0] != 'u' {
			cust = page.Users[(cust.ID)%users]
		}
		partner := page.Users[(i%(users/20))*20]
		t := Ticket{ID: int64(i + 1), Status: "open", FormID: formOpen, RequesterID: cust.ID, SubmitterID: partner.ID,
			OrganizationID: cust.OrganizationID, EmailCCIDs: []int64{partner.ID},
			Fields: map[int64]FieldValue{fEmail: {Kind: FieldString, Text: cust.Email}, fCC: {Kind: FieldNull}}}
		switch i % 20 {
		case 0, 1: // partner account
			t.RequesterID, t.OrganizationID = partner.ID, partner.OrganizationID
			t.Fields[fEmail] = FieldValue{Kind: FieldString, Text: partner.Email}
		case 2, 3: // Select ticket
			sel := page.Users[1+50*(i%(users/50))]
			t.FormID, t.RequesterID, t.SubmitterID, t.OrganizationID = formSelect, sel.ID, sel.ID, sel.OrganizationID
		case 4: // mismatch: the partner is the requester
			t.RequesterID, t.OrganizationID = partner.ID, partner.OrganizationID
		case 5: // mistyped domain
			t.Fields[fEmail] = FieldValue{Kind: FieldString, Text: cust.Email + "x"}
		case 6: // services engagement, the partner not CC'd
			t.Fields[fCC] = FieldValue{Kind: FieldString, Text: "yes, CC me"}
			t.EmailCCIDs = nil
		case 7: // upper-case E
			t.Fields[fEmail] = FieldValue{Kind: FieldString, Text: " " + cust.Email + " "}
		}
		tickets[i] = t
	}
	return d, tickets
}

func BenchmarkEvaluate(b *testing.B) {
	const n = 100000
	dir, tickets := syntheticQueue(n)
	Evaluate(testCfg, tickets[0], dir) // build the index outside the timing
	b.ReportAllocs()
	b.ResetTimer()
	findings := 0
	for b.Loop() {
		findings = 0
		for i := range tickets {
			findings += len(Evaluate(testCfg, tickets[i], dir).Findings)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/ticket")
	b.ReportMetric(float64(findings), "findings")
}

// BenchmarkEvaluateClean is one clean customer ticket: the common case.
func BenchmarkEvaluateClean(b *testing.B) {
	dir, tickets := syntheticQueue(8)
	t := tickets[7]
	if ev := Evaluate(testCfg, t, dir); len(ev.Findings) != 0 {
		b.Fatalf("not clean: %+v", ev)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(testCfg, t, dir)
	}
}

func TestSyntheticQueueFindsEachKind(t *testing.T) {
	dir, tickets := syntheticQueue(2000)
	kinds := map[FindingKind]int{}
	scen := map[Scenario]int{}
	for _, tk := range tickets {
		ev := Evaluate(testCfg, tk, dir)
		scen[ev.Scenario]++
		for _, f := range ev.Findings {
			kinds[f.Kind]++
		}
	}
	for _, k := range []FindingKind{KindRequesterOrgMismatch, KindCustomerEmailUnknown, KindSelectPartnerAssociation, KindPartnerCCMissing} {
		if kinds[k] == 0 {
			t.Errorf("no %s in the synthetic queue (%v)", k, kinds)
		}
	}
	for _, s := range []Scenario{ScenarioServicesEngagement, ScenarioCustomerAccount, ScenarioPartnerAccount, ScenarioSelectPartner} {
		if scen[s] == 0 {
			t.Errorf("no %s in the synthetic queue (%v)", s, scen)
		}
	}
}
