package zendesktest

// The people of issue 11 and issue 10's deleted requester, for tests: PeopleDemo is the
// demo desk plus the cases where a person is messier than one email.
const (
	OrgUmbrella int64 = 360100000301 // Umbrella Labs (customer), umbrella-labs.com
	OrgVandelay int64 = 360100000302 // Vandelay Industries (customer), vandelay.io
	OrgKramer   int64 = 360100000303 // Kramerica Industries (customer), kramerica.com

	UserPriyaR   int64 = 381000000601 // Priya Raman, priya@umbrella-labs.com + secondary p.raman@umbrella-labs.com
	UserTomas    int64 = 381000000602 // Tomas Brandt, tomas@vandelay.io, whose only organization is Kramerica
	UserLiWen    int64 = 381000000603 // Li Wen, li.wen@globex.io in Globex; on no queue ticket
	UserOla      int64 = 381000000604 // Ola Nordmann, ola@wingtipbank.com in Wingtip, suspended
	UserTomasTyp int64 = 381000000605 // tomas@vandelay.oi, auto-created from a mistyped address, no org
	UserNoEmail  int64 = 381000000606 // Zoë 👩‍💻 Brandt, no email, Umbrella Labs
	UserDeleted  int64 = 361000000777 // no endpoint returns this user (deleted or merged)

	TicketSecondary     int64 = 8801 // E is the requester's secondary identity: clean
	TicketDeleted       int64 = 8802 // the requester is a deleted user
	TicketOtherOrg      int64 = 8803 // E tomas@vandelay.oi → suggestion tomas@vandelay.io, an existing user of Kramerica
	TicketSuspended     int64 = 8804 // E names a suspended user
	TicketNoEmail       int64 = 8805 // the submitter has no email
	TicketNullReq       int64 = 8806 // requester_id null
	TicketSubmitterGone int64 = 8807 // the submitter is a deleted user; the partner asks to CC suspended Ola
)

// PeopleDemo is Demo plus the people of issue 11: secondary identities, an existing user of
// another organization behind a suggested address, a suspended user, a user without an
// email, and tickets whose requester or submitter no endpoint returns.
func PeopleDemo() Dataset {
	ds := Demo()
	org := func(id int64, name, domain string) Organization {
		return Organization{ID: id, Name: name, DomainNames: []string{domain},
			OrganizationFields: map[string]any{DemoTrackField: nil, "account_type": "Customer"}, Tags: []string{}}
	}
	ds.Organizations = append(ds.Organizations,
		org(OrgUmbrella, "Umbrella Labs", "umbrella-labs.com"),
		org(OrgVandelay, "Vandelay Industries", "vandelay.io"),
		org(OrgKramer, "Kramerica Industries", "kramerica.com"))
	user := func(id int64, name, email string, orgID int64) User {
		return User{ID: id, Name: name, Email: email, Role: "end-user", OrganizationID: orgID, Active: true, Verified: true}
	}
	ola := user(UserOla, "Ola Nordmann", "ola@wingtipbank.com", OrgWingtip)
	ola.Suspended = true
	ds.Users = append(ds.Users,
		user(UserPriyaR, "Priya Raman", "priya@umbrella-labs.com", OrgUmbrella),
		user(UserTomas, "Tomas Brandt", "tomas@vandelay.io", OrgKramer),
		user(UserLiWen, "Li Wen", "li.wen@globex.io", OrgGlobex),
		ola,
		User{ID: UserTomasTyp, Name: "tomas", Email: "tomas@vandelay.oi", Role: "end-user", Active: true},
		user(UserNoEmail, "Zoë 👩‍💻 Brandt", "", OrgUmbrella),
	)
	ds.Identities = append(ds.Identities, Identity{UserID: UserPriyaR, Value: "p.raman@umbrella-labs.com", Verified: true})
	tk := func(id, req, sub, orgID int64, subject string, e any) Ticket {
		return Ticket{ID: id, TicketFormID: FormOpenPartner, Status: "open", Subject: subject,
			Description: subject + ".", RequesterID: req, SubmitterID: sub, OrganizationID: orgID,
			CreatedAt: at(20, 9, int(id%60)), Priority: "normal", Tags: []string{"partner"}, AssigneeID: uPriya,
			CustomFields: partnerFields(e, "Northwind DevOps Partners", nil, nil, nil)}
	}
	extra := []Ticket{
		tk(TicketSecondary, UserPriyaR, uDana, OrgUmbrella, "Pages deploy fails on protected branch", "p.raman@umbrella-labs.com"),
		tk(TicketDeleted, UserDeleted, uDana, OrgAcme, "Backup restore hangs at 80%", "jane@acme.com"),
		tk(TicketOtherOrg, UserTomasTyp, uDana, 0, "License seats not updated after renewal", "tomas@vandelay.oi"),
		tk(TicketSuspended, uKenji, uKenji, OrgProseware, "Wingtip cannot sign in after SSO change", "ola@wingtipbank.com"),
		tk(TicketNoEmail, uJane, UserNoEmail, OrgAcme, "Gitaly timeouts on large repository", "jane@acme.com"),
		tk(TicketNullReq, 0, uDana, 0, "Search indexing stalled", "tom.reyes@acme.com"),
		tk(TicketSubmitterGone, uOmar, UserDeleted, OrgContoso, "Runner registration token expired", "omar.haddad@contoso.com"),
	}
	// The partner asks to CC Ola, who is suspended.
	extra[len(extra)-1].CustomFields = partnerFields("omar.haddad@contoso.com", "Northwind DevOps Partners", nil, nil, "Please CC ola@wingtipbank.com")
	ds.Tickets = append(ds.Tickets, extra...)
	for i := range ds.Views {
		if ds.Views[i].ID == DemoViewID {
			for _, t := range extra {
				ds.Views[i].TicketIDs = append(ds.Views[i].TicketIDs, t.ID)
			}
		}
	}
	return ds
}
