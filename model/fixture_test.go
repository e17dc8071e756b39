package model

import "time"

// The test world: a few customers, an Open partner and a Select partner, with the mistakes
// rules.md is about.
const (
	formOpen   = 360000818199
	formSelect = 360000837100
	formOther  = 360001172559
	fEmail     = 360012194200
	fCC        = 360020735339

	orgAcme     = 10
	orgGlobex   = 12 // customer org without organization_fields
	orgInitech  = 13 // customer org whose track field is a number-like text
	orgPartner  = 20 // Open
	orgSelect   = 30 // Select
	orgSelect2  = 31 // Select, track in another case
	orgMissing  = 99 // referenced but not in the directory
	uJane       = 1  // jane@acme.com in Acme
	uPat        = 2  // pat@partner.io, the Open partner
	uSam        = 3  // sam@select.net, the Select partner
	uTypo       = 4  // jane@acme.cmo, auto-created by the trigger, no org
	uBob        = 5  // bob@acme.com in Acme, also a member of SelectCo (m500)
	uSue        = 6  // sue@select.net in SelectCo, also a member of Acme (m600)
	uCarl       = 7  // carl@globex.com, default org SelectCo, membership record m700
	uDan        = 8  // dan@globex.com, default org SelectCo, no membership record
	uNoMail     = 9  // a user without an email
	uAnn        = 11 // ann@partner.io, another Open partner person
	uSubAcme    = 12 // eve@eu.acme.com: a subdomain is another domain
	uDeleted    = 77 // referenced, not in the directory
	memBobSel   = 500
	memSueAcme  = 600
	memCarlSel  = 700
	memJaneAcme = 100
)

var testCfg = RuleConfig{
	OpenForms:      []int64{formOpen},
	SelectForms:    []int64{formSelect},
	OrgEmailField:  fEmail,
	CCRequestField: fCC,
	TrackField:     "partner_track",
	SelectValues:   []string{"select"},
	OpenValues:     []string{"open"},
}

func testOrgs() []Organization {
	return []Organization{
		{ID: orgAcme, Name: "Acme", DomainNames: []string{"acme.com"}, Fields: map[string]string{"partner_track": "", "account_type": "Customer"}},
		{ID: orgGlobex, Name: "Globex", DomainNames: []string{"Globex.com"}},
		{ID: orgInitech, Name: "Initech", DomainNames: []string{"initech.com"}, Fields: map[string]string{"partner_track": "42"}},
		{ID: orgPartner, Name: "PartnerCo", DomainNames: []string{"partner.io"}, Fields: map[string]string{"partner_track": "Open"}},
		{ID: orgSelect, Name: "SelectCo", DomainNames: []string{"select.net"}, Fields: map[string]string{"partner_track": "SELECT"}},
		{ID: orgSelect2, Name: "Select Two", DomainNames: []string{"s2.net"}, Fields: map[string]string{"partner_track": " Select "}},
	}
}

func testUsers() []User {
	return []User{
		{ID: uJane, Name: "Jane", Email: "jane@acme.com", OrganizationID: orgAcme},
		{ID: uPat, Name: "Pat", Email: "Pat@Partner.io", OrganizationID: orgPartner},
		{ID: uSam, Name: "Sam", Email: "sam@select.net", OrganizationID: orgSelect},
		{ID: uTypo, Name: "jane", Email: "jane@acme.cmo"},
		{ID: uBob, Name: "Bob", Email: "bob@acme.com", OrganizationID: orgAcme},
		{ID: uSue, Name: "Sue", Email: "sue@select.net", OrganizationID: orgSelect},
		{ID: uCarl, Name: "Carl", Email: "carl@globex.com", OrganizationID: orgSelect},
		{ID: uDan, Name: "Dan", Email: "dan@globex.com", OrganizationID: orgSelect},
		{ID: uNoMail, Name: "No Mail", OrganizationID: orgAcme},
		{ID: uAnn, Name: "Ann", Email: "ann@partner.io", OrganizationID: orgPartner},
		{ID: uSubAcme, Name: "Eve", Email: "eve@eu.acme.com"},
	}
}

func testMemberships() []Membership {
	return []Membership{
		{ID: memJaneAcme, UserID: uJane, OrganizationID: orgAcme, Default: true},
		{ID: memBobSel, UserID: uBob, OrganizationID: orgSelect},
		{ID: memSueAcme, UserID: uSue, OrganizationID: orgAcme},
		{ID: memCarlSel, UserID: uCarl, OrganizationID: orgSelect, Default: true},
	}
}

func testDir() *Directory {
	d := NewDirectory()
	d.Merge(QueuePage{Users: testUsers(), Organizations: testOrgs(), Memberships: testMemberships()})
	return d
}

var loadStamp = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// tk builds an open Open-form ticket; opts adjust it.
func tk(opts ...func(*Ticket)) Ticket {
	t := Ticket{ID: 4012, Subject: "Pipeline fails", Status: "open", FormID: formOpen,
		Fields: map[int64]FieldValue{}, UpdatedAt: loadStamp}
	for _, o := range opts {
		o(&t)
	}
	return t
}

func email(s string) func(*Ticket) {
	return func(t *Ticket) { t.Fields[fEmail] = FieldValue{Kind: FieldString, Text: s} }
}
func ccField(s string) func(*Ticket) {
	return func(t *Ticket) { t.Fields[fCC] = FieldValue{Kind: FieldString, Text: s} }
}
func field(id int64, v FieldValue) func(*Ticket) {
	return func(t *Ticket) { t.Fields[id] = v }
}
func req(id int64) func(*Ticket) { return func(t *Ticket) { t.RequesterID = id } }
func sub(id int64) func(*Ticket) { return func(t *Ticket) { t.SubmitterID = id } }
func reqSub(r, s int64) func(*Ticket) {
	return func(t *Ticket) { t.RequesterID, t.SubmitterID = r, s }
}
func org(id int64) func(*Ticket)     { return func(t *Ticket) { t.OrganizationID = id } }
func form(id int64) func(*Ticket)    { return func(t *Ticket) { t.FormID = id } }
func status(s string) func(*Ticket)  { return func(t *Ticket) { t.Status = s } }
func ccs(ids ...int64) func(*Ticket) { return func(t *Ticket) { t.EmailCCIDs = ids } }
func collabs(ids ...int64) func(*Ticket) {
	return func(t *Ticket) { t.CollaboratorIDs = ids }
}
