package zendesktest

import (
	"encoding/json"
	"time"
)

// IDs of the demo instance: the product's default config (shared/spec/zendesk.md).
const (
	FormOpenPartner     int64 = 360000818199 // "Support for Open Partners"
	FormSelectPartner   int64 = 360000837100 // "Support for Select Partners"
	FormAlliancePartner int64 = 360001172559 // "Support for Alliance Partners" (not in the queue)
	FormSelfManaged     int64 = 360000006771 // "Support for Self-Managed" (customers' own form; not in the queue)

	FieldOrgEmail          int64 = 360012194200 // Organization Email (partners)
	FieldOrgName           int64 = 360012167559 // Organization Name (partners)
	FieldCustomerName      int64 = 360012167579 // Customer Name (partners)
	FieldTroubleshooting   int64 = 360012194220 // Partner troubleshooting
	FieldPartnerOrgName    int64 = 360015090839 // Partner Organization Name
	FieldCCRequest         int64 = 360020735339 // Request for CCs
	DemoViewID             int64 = 360077000001 // view "Partner tickets"
	DemoTrackField               = "partner_track"
	DemoAccountURL               = "https://demo.zendesk.com"
	DemoAgentEmail               = "priya.raman@gitlab.com"
	demoAgentID            int64 = 381000000101
	demoSecondAgentID      int64 = 381000000102
	demoMembershipIDOffset int64 = 5000000100
)

// Demo organizations.
const (
	OrgNorthwind  int64 = 360100000101 // Northwind DevOps Partners — Open (reseller)
	OrgProseware  int64 = 360100000102 // Proseware Integrations — Open (integrator)
	OrgLucerne    int64 = 360100000103 // Lucerne Cloud Consulting — Open
	OrgRelecloud  int64 = 360100000104 // Relecloud Solutions — Select
	OrgCoho       int64 = 360100000105 // Coho Digital — "Select" (capitalised on purpose)
	OrgBlueSummit int64 = 360100000106 // Blue Summit Cloud — Alliance (not a partner track of the rules)
	OrgAcme       int64 = 360100000201 // customers from here on
	OrgContoso    int64 = 360100000202
	OrgFabrikam   int64 = 360100000203
	OrgTailspin   int64 = 360100000204
	OrgWingtip    int64 = 360100000205
	OrgWoodgrove  int64 = 360100000206
	OrgAdatum     int64 = 360100000207
	OrgLitware    int64 = 360100000208
	OrgGlobex     int64 = 360100000209
	OrgInitech    int64 = 360100000210
)

// Demo users.
const (
	uPriya         = demoAgentID       // agent
	uLukas         = demoSecondAgentID // agent
	uDana    int64 = 381000000201      // Northwind (Open)
	uMarco   int64 = 381000000202      // Northwind (Open)
	uKenji   int64 = 381000000203      // Proseware (Open)
	uLaura   int64 = 381000000204      // Proseware (Open)
	uAoife   int64 = 381000000205      // Lucerne (Open)
	uSam     int64 = 381000000206      // Relecloud (Select)
	uTessa   int64 = 381000000207      // Relecloud (Select)
	uRavi    int64 = 381000000208      // Coho (Select)
	uHannah  int64 = 381000000209      // Coho (Select) + member of Tailspin (customer): violation (b)
	uChris   int64 = 381000000210      // Blue Summit (Alliance)
	uJane    int64 = 381000000301      // Acme
	uTom     int64 = 381000000302      // Acme
	uPris    int64 = 381000000303      // Contoso
	uOmar    int64 = 381000000304      // Contoso
	uMartin  int64 = 381000000305      // Fabrikam
	uGrace   int64 = 381000000306      // Tailspin
	uBen     int64 = 381000000307      // Wingtip + member of Relecloud (Select): violation (a)
	uElena   int64 = 381000000308      // Woodgrove
	uSofia   int64 = 381000000309      // Adatum
	uPeter   int64 = 381000000310      // Litware
	uNadia   int64 = 381000000311      // Globex
	uJoanna  int64 = 381000000312      // Initech
	uJaneCmo int64 = 381000000401      // jane@acme.cmo — auto-created by the trigger from a mistyped email, no org
	uKellerC int64 = 381000000402      // m.keller@fabrikam.co — auto-created, no org
	uQuantum int64 = 381000000403      // devops@quantumleaf.ai — auto-created, no org, no customer domain near
	uBob     int64 = 381000000404      // bob@initech.cmo — auto-created (on a solved ticket)
	// On no ticket: violations only the audit finds.
	uLiam int64 = 381000000501 // Adatum (customer) + member of Coho (Select): violation (a)
	uMei  int64 = 381000000502 // Relecloud (Select) + member of Litware (customer): violation (b)
)

func at(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC)
}

// partnerFields builds the partner forms' custom fields in the order Zendesk lists them.
// nil means the field is empty (null on the wire).
func partnerFields(orgEmail, orgName, customer, trouble, cc any) []CustomField {
	return []CustomField{
		{ID: FieldOrgEmail, Value: orgEmail},
		{ID: FieldOrgName, Value: orgName},
		{ID: FieldCustomerName, Value: customer},
		{ID: FieldTroubleshooting, Value: trouble},
		{ID: FieldPartnerOrgName, Value: nil},
		{ID: FieldCCRequest, Value: cc},
	}
}

// Demo is the built-in desk of `partner-triage --demo`: the support desk of a DevOps
// vendor (agents Priya Raman and Lukas Berg @gitlab.com) in November 2026, with fixed
// dates (created 2026-11-02 … 2026-11-19) so golden tests stay stable.
//
// Organizations: Open-track partners Northwind DevOps Partners (northwind-devops.com),
// Proseware Integrations (proseware.io), Lucerne Cloud Consulting (lucernecloud.com);
// Select-track partners Relecloud Solutions (relecloud.com, partner_track "select") and
// Coho Digital (cohodigital.com, partner_track "Select" — capitalised, to show the
// comparison is case-insensitive); the Alliance partner Blue Summit Cloud; ten customer
// companies (Acme acme.com, Contoso, Fabrikam, Tailspin Toys, Wingtip Bank, Woodgrove
// Bank, Adatum Health, Litware, Globex Logistics, Initech) whose partner_track is null.
//
// View 360077000001 "Partner tickets" returns all 36 tickets, 4001–4036, including
// solved/closed ones and other forms, which the client must filter out. Every ticket's
// first comment is its description. Each ticket below carries a comment naming the
// rule (rules.md) it exercises; DemoExpectations lists them for tests.
//
// Accounts that make the findings possible: Ben Carter (Wingtip Bank, a customer) also
// has a membership in Relecloud (Select); Hannah Cole (Coho Digital, Select) also has
// one in Tailspin Toys (a customer); jane@acme.cmo, m.keller@fabrikam.co,
// devops@quantumleaf.ai and bob@initech.cmo were auto-created without organization by the
// trigger "Set requester for Open Partner tickets" from mistyped/unknown addresses.
func Demo() Dataset {
	created := at(1, 8, 0)
	org := func(id int64, name string, domains []string, track any, accountType string) Organization {
		return Organization{ID: id, Name: name, DomainNames: domains, CreatedAt: created.AddDate(-1, 0, int(id%100)),
			OrganizationFields: map[string]any{DemoTrackField: track, "account_type": accountType},
			Tags:               []string{}}
	}
	orgs := []Organization{
		org(OrgNorthwind, "Northwind DevOps Partners", []string{"northwind-devops.com"}, "open", "Authorized Reseller"),
		org(OrgProseware, "Proseware Integrations", []string{"proseware.io"}, "open", "Integrator"),
		org(OrgLucerne, "Lucerne Cloud Consulting", []string{"lucernecloud.com"}, "open", "Partner"),
		org(OrgRelecloud, "Relecloud Solutions", []string{"relecloud.com"}, "select", "Partner"),
		org(OrgCoho, "Coho Digital", []string{"cohodigital.com", "coho.digital"}, "Select", "Partner"),
		org(OrgBlueSummit, "Blue Summit Cloud", []string{"bluesummit.cloud"}, "alliance", "Alliance Partner"),
		org(OrgAcme, "Acme Corporation", []string{"acme.com"}, nil, "Customer"),
		org(OrgContoso, "Contoso Retail", []string{"contoso.com"}, nil, "Customer"),
		org(OrgFabrikam, "Fabrikam Manufacturing", []string{"fabrikam.com"}, nil, "Customer"),
		org(OrgTailspin, "Tailspin Toys", []string{"tailspintoys.com"}, nil, "Customer"),
		org(OrgWingtip, "Wingtip Bank", []string{"wingtipbank.com"}, nil, "Customer"),
		org(OrgWoodgrove, "Woodgrove Bank", []string{"woodgrovebank.com"}, nil, "Customer"),
		org(OrgAdatum, "Adatum Health", []string{"adatum.com"}, nil, "Customer"),
		org(OrgLitware, "Litware Inc.", []string{"litware.com"}, nil, "Customer"),
		org(OrgGlobex, "Globex Logistics", []string{"globex.io"}, nil, "Customer"),
		org(OrgInitech, "Initech", []string{"initech.com"}, nil, "Customer"),
	}
	user := func(id int64, name, email, role string, orgID int64) User {
		return User{ID: id, Name: name, Email: email, Role: role, OrganizationID: orgID, Active: true,
			Verified: orgID != 0, CreatedAt: created.AddDate(0, -int(id%7+1), 0)}
	}
	users := []User{
		user(uPriya, "Priya Raman", DemoAgentEmail, "agent", 0),
		user(uLukas, "Lukas Berg", "lukas.berg@gitlab.com", "agent", 0),
		user(uDana, "Dana Whitfield", "dana.whitfield@northwind-devops.com", "end-user", OrgNorthwind),
		user(uMarco, "Marco Bianchi", "marco.bianchi@northwind-devops.com", "end-user", OrgNorthwind),
		user(uKenji, "Kenji Watanabe", "kenji@proseware.io", "end-user", OrgProseware),
		user(uLaura, "Laura Stein", "laura.stein@proseware.io", "end-user", OrgProseware),
		user(uAoife, "Aoife Byrne", "aoife.byrne@lucernecloud.com", "end-user", OrgLucerne),
		user(uSam, "Sam Okafor", "sam.okafor@relecloud.com", "end-user", OrgRelecloud),
		user(uTessa, "Tessa Lindqvist", "tessa.lindqvist@relecloud.com", "end-user", OrgRelecloud),
		user(uRavi, "Ravi Menon", "ravi.menon@cohodigital.com", "end-user", OrgCoho),
		user(uHannah, "Hannah Cole", "hannah.cole@cohodigital.com", "end-user", OrgCoho),
		user(uChris, "Chris Doyle", "chris.doyle@bluesummit.cloud", "end-user", OrgBlueSummit),
		user(uJane, "Jane Porter", "jane@acme.com", "end-user", OrgAcme),
		user(uTom, "Tom Reyes", "tom.reyes@acme.com", "end-user", OrgAcme),
		user(uPris, "Priscilla Nunez", "p.nunez@contoso.com", "end-user", OrgContoso),
		user(uOmar, "Omar Haddad", "omar.haddad@contoso.com", "end-user", OrgContoso),
		user(uMartin, "Martin Keller", "m.keller@fabrikam.com", "end-user", OrgFabrikam),
		user(uGrace, "Grace Liu", "grace.liu@tailspintoys.com", "end-user", OrgTailspin),
		user(uBen, "Ben Carter", "ben.carter@wingtipbank.com", "end-user", OrgWingtip),
		user(uElena, "Elena Petrova", "elena.petrova@woodgrovebank.com", "end-user", OrgWoodgrove),
		user(uSofia, "Sofia Marin", "sofia.marin@adatum.com", "end-user", OrgAdatum),
		user(uPeter, "Peter Novak", "peter.novak@litware.com", "end-user", OrgLitware),
		user(uNadia, "Nadia Rahman", "nadia.rahman@globex.io", "end-user", OrgGlobex),
		user(uJoanna, "Joanna Park", "joanna.park@initech.com", "end-user", OrgInitech),
		// Auto-created by the trigger from the Organization Email field: org-less, unverified.
		{ID: uJaneCmo, Name: "jane", Email: "jane@acme.cmo", Role: "end-user", Active: true, CreatedAt: at(3, 9, 14)},
		{ID: uKellerC, Name: "m.keller", Email: "m.keller@fabrikam.co", Role: "end-user", Active: true, CreatedAt: at(10, 16, 2)},
		{ID: uQuantum, Name: "devops", Email: "devops@quantumleaf.ai", Role: "end-user", Active: true, CreatedAt: at(12, 11, 40)},
		{ID: uBob, Name: "bob", Email: "bob@initech.cmo", Role: "end-user", Active: true, CreatedAt: at(2, 10, 5)},
		user(uLiam, "Liam Novak", "liam.novak@adatum.com", "end-user", OrgAdatum),
		user(uMei, "Mei Tan", "mei.tan@relecloud.com", "end-user", OrgRelecloud),
	}
	// Default memberships are derived from OrganizationID by the server; these are the extra ones.
	mem := []Membership{
		// Ben Carter (Wingtip Bank customer) was added to Relecloud (Select) to "see their runners".
		{ID: demoMembershipIDOffset + 1, UserID: uBen, OrganizationID: OrgRelecloud, CreatedAt: at(4, 13, 0)},
		// Hannah Cole (Coho Digital, Select) was added to the customer Tailspin Toys.
		{ID: demoMembershipIDOffset + 2, UserID: uHannah, OrganizationID: OrgTailspin, CreatedAt: at(6, 10, 30)},
		// Harmless: Marco Bianchi (Northwind) also belongs to Lucerne — two Open orgs, not a violation.
		{ID: demoMembershipIDOffset + 3, UserID: uMarco, OrganizationID: OrgLucerne, CreatedAt: at(5, 9, 0)},
		// Beyond the queue (no ticket names them; only the audit finds these):
		// Liam Novak (Adatum customer) was added to Coho Digital (Select) …
		{ID: demoMembershipIDOffset + 4, UserID: uLiam, OrganizationID: OrgCoho, CreatedAt: at(7, 15, 0)},
		// … and Mei Tan (Relecloud, Select) to the customer Litware.
		{ID: demoMembershipIDOffset + 5, UserID: uMei, OrganizationID: OrgLitware, CreatedAt: at(8, 11, 20)},
	}

	num := func(s string) json.Number { return json.Number(s) }
	tk := func(id, form int64, status, subject, desc string, req, sub, orgID int64, c time.Time, upd time.Duration, cf []CustomField) Ticket {
		return Ticket{ID: id, TicketFormID: form, Status: status, Subject: subject, Description: desc,
			RequesterID: req, SubmitterID: sub, OrganizationID: orgID, CreatedAt: c, UpdatedAt: c.Add(upd),
			CustomFields: cf, Priority: "normal", Tags: []string{"partner"}, AssigneeID: uPriya}
	}
	h := time.Hour
	tickets := []Ticket{
		// requester_org_mismatch + customer_email_unknown (suggest jane@acme.com): the partner
		// mistyped E as jane@acme.cmo; the trigger made an org-less user of it. customer_account.
		tk(4001, FormOpenPartner, "open", "Runner fails after upgrade to 17.2",
			"After upgrading our customer's runners to 17.2 every job fails with 'exec format error' on the arm64 hosts.",
			uJaneCmo, uDana, 0, at(3, 9, 14), 26*h,
			partnerFields("jane@acme.cmo", "Northwind DevOps Partners", "Acme Corporation", "Re-registered the runner, same error.", nil)),
		// requester_org_mismatch: the partner is still the requester; E is an existing Acme user. customer_account.
		tk(4002, FormOpenPartner, "open", "Merge request pipelines stuck in pending",
			"Merged results pipelines for Acme stay pending forever since yesterday; no runner picks them up.",
			uMarco, uMarco, OrgNorthwind, at(5, 14, 22), 5*h,
			partnerFields("tom.reyes@acme.com", "Northwind DevOps Partners", "Acme Corporation", "Checked runner tags and protected branches.", nil)),
		// requester_org_mismatch (not unknown): E is on a known customer domain (fabrikam.com) with no user yet.
		tk(4003, FormOpenPartner, "new", "SAML SSO login loop after IdP certificate rotation",
			"Users at Fabrikam are bounced back to the login page after the Azure AD signing certificate was rotated.",
			uKenji, uKenji, OrgProseware, at(18, 7, 51), 0,
			partnerFields("it-admin@fabrikam.com", "Proseware Integrations", "Fabrikam Manufacturing", "Uploaded the new fingerprint in the SAML settings.", nil)),
		// requester_org_mismatch: the requester is right (E) but the ticket has no organization.
		tk(4004, FormOpenPartner, "pending", "Container registry cleanup policy not deleting tags",
			"The cleanup policy runs (we see it in the logs) but no tags are ever removed from Tailspin's registry.",
			uGrace, uAoife, 0, at(9, 15, 3), 49*h,
			partnerFields("grace.liu@tailspintoys.com", "Lucerne Cloud Consulting", "Tailspin Toys", "", nil)),
		// requester_org_mismatch + customer_email_unknown (suggest m.keller@fabrikam.com, an existing user).
		tk(4005, FormOpenPartner, "open", "Geo secondary replication lag keeps growing",
			"Replication lag on the Frankfurt secondary has grown to 6 hours since Tuesday.",
			uKellerC, uLaura, 0, at(10, 16, 2), 20*h,
			partnerFields("m.keller@fabrikam.co", "Proseware Integrations", "Fabrikam", "Verified the tracking database is healthy.", nil)),
		// requester_org_mismatch + customer_email_unknown with no suggestion: no customer domain within distance 2.
		tk(4006, FormOpenPartner, "new", "Need help sizing a 5k-user reference architecture",
			"Our customer plans to move 5,000 developers onto a self-managed instance; which reference architecture fits?",
			uQuantum, uDana, 0, at(12, 11, 40), 0,
			partnerFields("devops@quantumleaf.ai", "Northwind DevOps Partners", "QuantumLeaf AI", "", nil)),
		// services_engagement + partner_cc_missing: the field names two partner people (display-name form),
		// only Dana is CC'd — Marco is missing.
		tk(4007, FormOpenPartner, "open", "Upgrade path from 16.11 to 17.5 for customer's HA cluster",
			"We are running the upgrade for Woodgrove next weekend and need the supported path for their 3-node HA setup.",
			uElena, uDana, OrgWoodgrove, at(11, 10, 12), 30*h,
			partnerFields("elena.petrova@woodgrovebank.com", "Northwind DevOps Partners", "Woodgrove Bank", "We are the implementation partner on this upgrade.",
				"Please CC Dana Whitfield <dana.whitfield@northwind-devops.com>, marco.bianchi@northwind-devops.com")),
		// services_engagement + partner_cc_missing: the field just says "yes please" and the submitter is not CC'd.
		tk(4008, FormOpenPartner, "open", "Sidekiq queues backing up during nightly backups",
			"Every night between 01:00 and 03:00 the Sidekiq queues for Adatum exceed 50k jobs.",
			uSofia, uAoife, OrgAdatum, at(13, 8, 45), 8*h,
			partnerFields("sofia.marin@adatum.com", "Lucerne Cloud Consulting", "Adatum Health", "Moved the backup to a replica, no change.", "yes please")),
		// services_engagement, clean: the requested partner person is CC'd.
		tk(4009, FormOpenPartner, "pending", "Pages deployment fails with 'artifact too large'",
			"Litware's documentation site (1.2 GB) fails to deploy to Pages since the upgrade.",
			uPeter, uKenji, OrgLitware, at(7, 12, 5), 72*h,
			partnerFields("peter.novak@litware.com", "Proseware Integrations", "Litware", "", "Kenji Watanabe <kenji@proseware.io>")),
		// partner_account, clean: the partner's own subscription (E on the partner's domain).
		tk(4010, FormOpenPartner, "pending", "License seat count not updated after renewal",
			"We renewed our own 50-seat subscription last week but the instance still shows 25 seats.",
			uLaura, uLaura, OrgProseware, at(6, 9, 30), 96*h,
			partnerFields("laura.stein@proseware.io", "Proseware Integrations", "", "", nil)),
		// partner_account (NFR / internal training), clean.
		tk(4011, FormOpenPartner, "open", "NFR licence for internal training lab won't activate",
			"The NFR activation code for our enablement lab returns 'subscription not found'.",
			uMarco, uMarco, OrgNorthwind, at(14, 13, 20), 3*h,
			partnerFields("marco.bianchi@northwind-devops.com", "Northwind DevOps Partners", "", "Internal enablement lab on our NFR licences.", nil)),
		// unknown: Open form with an empty Organization Email — ask the submitter.
		tk(4012, FormOpenPartner, "new", "Question about deal registration in the partner portal",
			"Where do we register a deal for a customer that already has a trial running?",
			uAoife, uAoife, OrgLucerne, at(19, 8, 5), 0,
			partnerFields(nil, "Lucerne Cloud Consulting", nil, nil, nil)),
		// unknown: Organization Email "n/a" is not an address.
		tk(4013, FormOpenPartner, "open", "CI minutes quota shows 0 after namespace migration",
			"After moving the group to a new top-level namespace, the compute minutes quota shows 0 of 0.",
			uDana, uDana, OrgNorthwind, at(16, 17, 48), 15*h,
			partnerFields("n/a", "Northwind DevOps Partners", "n/a", "", "")),
		// customer_account, clean: E " Jane@ACME.com " (spaces, capitals) equals the requester's address.
		tk(4014, FormOpenPartner, "open", "Runner autoscaling on AWS spot instances drops jobs",
			"When a spot instance is reclaimed the running job is marked failed instead of being retried.",
			uJane, uDana, OrgAcme, at(8, 10, 0), 50*h,
			partnerFields(" Jane@ACME.com ", "Northwind DevOps Partners", "Acme Corporation", "", nil)),
		// customer_account, clean (on hold).
		tk(4015, FormOpenPartner, "hold", "Webhook deliveries time out to self-hosted Jira",
			"Issue webhooks to Contoso's on-prem Jira time out after exactly 10 seconds.",
			uOmar, uKenji, OrgContoso, at(4, 11, 35), 120*h,
			partnerFields("omar.haddad@contoso.com", "Proseware Integrations", "Contoso Retail", "Jira responds in 2 s from the runner host.", nil)),
		// select_partner_association (a) on the Open form: the requester is a customer who is also a member of
		// the Select org Relecloud. Otherwise customer_account and correct.
		tk(4016, FormOpenPartner, "open", "Can't see the partner's shared runners from our group",
			"Wingtip's projects don't get Relecloud's shared runners although we were told we'd have access.",
			uBen, uLaura, OrgWingtip, at(15, 9, 10), 6*h,
			partnerFields("ben.carter@wingtipbank.com", "Proseware Integrations", "Wingtip Bank", "", nil)),
		// select_partner + select_partner_association (b): a Select user who is a member of a customer org (Tailspin).
		tk(4017, FormSelectPartner, "open", "Customer project mirrors fail to sync",
			"Pull mirrors for the Tailspin projects we manage stopped syncing with 'connection reset by peer'.",
			uHannah, uHannah, OrgCoho, at(12, 14, 55), 22*h,
			partnerFields(nil, "Coho Digital", "Tailspin Toys", "Mirrors work from our own network.", nil)),
		// select_partner + select_partner_association (c): the ticket's org is a Select org, the requester a customer.
		tk(4018, FormSelectPartner, "open", "Audit events missing for group-level changes",
			"Globex asks why changes to group settings don't show up in the audit events export.",
			uNadia, uSam, OrgRelecloud, at(9, 8, 20), 28*h,
			partnerFields(nil, "Relecloud Solutions", "Globex Logistics", "", nil)),
		// select_partner + select_partner_association (d): a Select-form ticket filed under a customer org.
		tk(4019, FormSelectPartner, "pending", "Vulnerability report export times out",
			"Exporting the vulnerability report for Contoso's monorepo times out after 60 s.",
			uSam, uSam, OrgContoso, at(11, 15, 40), 44*h,
			partnerFields(nil, "Relecloud Solutions", "Contoso Retail", "", nil)),
		// select_partner, clean.
		tk(4020, FormSelectPartner, "open", "Advanced SAST scanner crashes on monorepo",
			"The semgrep-based analyzer is OOM-killed on our 40 GB monorepo even with 16 GB runners.",
			uTessa, uTessa, OrgRelecloud, at(17, 10, 25), 2*h,
			partnerFields(nil, "Relecloud Solutions", "", "", nil)),
		// select_partner, clean — Coho Digital's partner_track is "Select" (capitalised).
		tk(4021, FormSelectPartner, "new", "Request for a 17.6 upgrade review window",
			"We'd like a support engineer to review our upgrade plan for the 17.6 rollout next month.",
			uRavi, uRavi, OrgCoho, at(19, 11, 0), 0,
			partnerFields(nil, "Coho Digital", "", "", nil)),
		// select_partner + partner_cc_missing on the Select form: ops@relecloud.com has no Zendesk user
		// (missing by definition); sam.okafor is a collaborator.
		tk(4022, FormSelectPartner, "open", "Zoekt indexing stalls on large groups",
			"Exact code search indexing for our biggest group has been at 43% for two days.",
			uTessa, uTessa, OrgRelecloud, at(13, 16, 30), 19*h,
			partnerFields(nil, "Relecloud Solutions", "", "", "sam.okafor@relecloud.com, ops@relecloud.com")),
		// Off the queue: solved (would otherwise show a mismatch, bob@initech.cmo).
		tk(4023, FormOpenPartner, "solved", "Runner registration token expired",
			"The registration token we were given for Initech expired before we could use it.",
			uBob, uKenji, 0, at(2, 10, 5), 100*h,
			partnerFields("bob@initech.cmo", "Proseware Integrations", "Initech", "", nil)),
		// Off the queue: closed.
		tk(4024, FormOpenPartner, "closed", "502 errors on /api/v4/projects after restart",
			"Puma workers crashed on boot after a config change; resolved by fixing gitlab.rb.",
			uDana, uDana, OrgNorthwind, at(2, 8, 15), 240*h,
			partnerFields("tom.reyes@acme.com", "Northwind DevOps Partners", "Acme Corporation", "", nil)),
		// Off the queue: solved Select ticket.
		tk(4025, FormSelectPartner, "solved", "Geo proxying for the secondary site",
			"How do we enable unified URLs for the Geo secondary? Answered with the docs link.",
			uRavi, uRavi, OrgCoho, at(3, 13, 10), 30*h,
			partnerFields(nil, "Coho Digital", "", "", nil)),
		// Off the queue: Alliance form (would otherwise show a mistyped-email mismatch).
		tk(4026, FormAlliancePartner, "open", "Marketplace listing OAuth callback fails",
			"The marketplace integration's OAuth callback returns 422 for new installs.",
			uChris, uChris, OrgBlueSummit, at(14, 9, 45), 4*h,
			partnerFields("buyer@acme.cmo", "Blue Summit Cloud", "", "", nil)),
		// Off the queue: Alliance form.
		tk(4027, FormAlliancePartner, "new", "Co-sell registration for a joint customer",
			"We'd like to register Fabrikam as a co-sell opportunity.",
			uChris, uChris, OrgBlueSummit, at(18, 15, 5), 0, nil),
		// Off the queue: the customers' own Self-Managed form.
		{ID: 4028, TicketFormID: FormSelfManaged, Status: "open", Subject: "Backup fails with 'No space left on device'",
			Description: "gitlab-backup create fails at the repositories step.", RequesterID: uTom, SubmitterID: uTom,
			OrganizationID: OrgAcme, CreatedAt: at(10, 7, 30), UpdatedAt: at(10, 12, 0), AssigneeID: uLukas, Priority: "high",
			CustomFields: []CustomField{{ID: 360000000111, Value: "self-managed"}}},
		// customer_account, clean — the Customer Name field arrives as a number (tolerant decoding).
		tk(4029, FormOpenPartner, "open", "Dependency proxy returns 401 for group-level images",
			"Pulling through the group dependency proxy fails with 401 since the token rotation.",
			uJoanna, uLaura, OrgInitech, at(15, 14, 10), 9*h,
			partnerFields("joanna.park@initech.com", "Proseware Integrations", num("20231"), "", nil)),
		// customer_account, clean, with a follower and a partner CC already on it.
		tk(4030, FormOpenPartner, "open", "Secret detection push rule blocks legitimate commits",
			"Commits containing test fixtures with fake AWS keys are rejected by the push rule.",
			uPris, uKenji, OrgContoso, at(16, 9, 0), 7*h,
			partnerFields("p.nunez@contoso.com", "Proseware Integrations", "Contoso Retail", "", nil)),
		// requester_org_mismatch (ticket org ≠ Fabrikam) + select_partner_association (c) on the Open form:
		// a Select partner filed it and left the ticket under its own Select org.
		tk(4031, FormOpenPartner, "open", "Kubernetes agent disconnects every 15 minutes",
			"Fabrikam's agentk pods reconnect every 15 minutes and deployments fail in between.",
			uMartin, uRavi, OrgCoho, at(17, 13, 35), 4*h,
			partnerFields("m.keller@fabrikam.com", "Coho Digital", "Fabrikam Manufacturing", "", nil)),
		// services_engagement, clean: display names, mixed case, semicolons; both people are CC'd.
		tk(4032, FormOpenPartner, "new", "Review our customer's Helm values before production upgrade",
			"Please review the attached values.yaml for Acme's production cluster before the 17.5 upgrade.",
			uTom, uDana, OrgAcme, at(19, 9, 20), 0,
			partnerFields("tom.reyes@acme.com", "Northwind DevOps Partners", "Acme", "",
				`Dana Whitfield <Dana.Whitfield@Northwind-DevOps.com>; "Marco Bianchi" <marco.bianchi@northwind-devops.com>`)),
		// requester_org_mismatch + customer_email_unknown, no suggestion: eu.contoso.com is a subdomain,
		// i.e. another domain, and 3 edits away from contoso.com.
		tk(4033, FormOpenPartner, "open", "Container scanning can't pull from EU registry mirror",
			"Container scanning jobs fail to pull images from Contoso's EU mirror.",
			uOmar, uKenji, OrgContoso, at(12, 8, 0), 10*h,
			partnerFields("ci@eu.contoso.com", "Proseware Integrations", "Contoso Retail", "", nil)),
		// services_engagement, clean: "yes" and the submitter is a collaborator (not an email CC).
		tk(4034, FormOpenPartner, "hold", "Large file storage objects missing after migration",
			"About 3% of Globex's LFS objects return 404 after the storage migration.",
			uNadia, uLaura, OrgGlobex, at(5, 10, 50), 150*h,
			partnerFields("nadia.rahman@globex.io", "Proseware Integrations", "Globex Logistics", "Ran the integrity check.", "yes")),
		// requester_org_mismatch: E is an existing customer (Elena) but the ticket's requester is another
		// customer of the same partner (copy-paste from a previous ticket).
		tk(4035, FormOpenPartner, "pending", "Merge trains skip the last merge request",
			"With merge trains enabled the last MR in the train is silently dropped.",
			uSofia, uDana, OrgAdatum, at(7, 15, 15), 80*h,
			partnerFields("elena.petrova@woodgrovebank.com", "Northwind DevOps Partners", "Woodgrove Bank", "", nil)),
		// select_partner, clean; Select form with the CC field honoured (Tessa CC'd).
		tk(4036, FormSelectPartner, "open", "Runner fleet dashboard shows stale data",
			"The runner fleet dashboard hasn't refreshed since the Sunday maintenance.",
			uSam, uSam, OrgRelecloud, at(18, 10, 40), 5*h,
			partnerFields(nil, "Relecloud Solutions", "", "", "tessa.lindqvist@relecloud.com")),
	}
	for i := range tickets {
		t := &tickets[i]
		switch t.ID {
		case 4007:
			t.EmailCCIDs = []int64{uDana}
			t.CollaboratorIDs = []int64{uDana}
		case 4009:
			t.EmailCCIDs = []int64{uKenji}
			t.CollaboratorIDs = []int64{uKenji}
		case 4022:
			t.CollaboratorIDs = []int64{uSam}
			t.FollowerIDs = []int64{uSam}
		case 4030:
			t.EmailCCIDs = []int64{uKenji}
			t.CollaboratorIDs = []int64{uKenji, uLukas}
			t.FollowerIDs = []int64{uLukas}
		case 4032:
			t.EmailCCIDs = []int64{uDana, uMarco}
			t.CollaboratorIDs = []int64{uDana, uMarco}
		case 4034:
			t.CollaboratorIDs = []int64{uLaura}
			t.FollowerIDs = []int64{uLaura}
		case 4036:
			t.EmailCCIDs = []int64{uTessa}
			t.CollaboratorIDs = []int64{uTessa}
		case 4017, 4019, 4021:
			t.AssigneeID = uLukas
		case 4006, 4012, 4003:
			t.AssigneeID = 0 // new and unassigned
		}
		if t.Status == "new" {
			t.AssigneeID = 0
		}
	}
	ids := make([]int64, len(tickets))
	for i, t := range tickets {
		ids[i] = t.ID
	}
	return Dataset{
		Tickets: tickets, Users: users, Organizations: orgs, Memberships: mem,
		Views:       []View{{ID: DemoViewID, Title: "Partner tickets", TicketIDs: ids}},
		Comments:    demoConversations(tickets),
		AccountURL:  DemoAccountURL,
		Agent:       uPriya,
		TicketForms: demoForms(),
	}
}

func demoForms() map[int64]string {
	return map[int64]string{
		FormOpenPartner: "Support for Open Partners", FormSelectPartner: "Support for Select Partners",
		FormAlliancePartner: "Support for Alliance Partners", FormSelfManaged: "Support for Self-Managed",
	}
}

// Expectation is what the rules (shared/spec/rules.md, default config) should say about
// a demo ticket. InQueue false: the ticket is off the queue (solved/closed/other form).
type Expectation struct {
	TicketID       int64
	InQueue        bool
	Scenario       string
	Findings       []string // finding kinds, in rules.md order
	SuggestedEmail string   // for customer_email_unknown ("" = none)
}

const (
	kMismatch = "requester_org_mismatch"
	kUnknown  = "customer_email_unknown"
	kAssoc    = "select_partner_association"
	kCC       = "partner_cc_missing"
)

// DemoExpectations lists, per demo ticket, the scenario and findings the demo is meant
// to show. Model and end-to-end tests can check the rules against it.
func DemoExpectations() []Expectation {
	q := func(id int64, sc string, f ...string) Expectation {
		return Expectation{TicketID: id, InQueue: true, Scenario: sc, Findings: f}
	}
	off := func(id int64) Expectation { return Expectation{TicketID: id} }
	e4001 := q(4001, "customer_account", kMismatch, kUnknown)
	e4001.SuggestedEmail = "jane@acme.com"
	e4005 := q(4005, "customer_account", kMismatch, kUnknown)
	e4005.SuggestedEmail = "m.keller@fabrikam.com"
	return []Expectation{
		e4001,
		q(4002, "customer_account", kMismatch),
		q(4003, "customer_account", kMismatch),
		q(4004, "customer_account", kMismatch),
		e4005,
		q(4006, "customer_account", kMismatch, kUnknown),
		q(4007, "services_engagement", kCC),
		q(4008, "services_engagement", kCC),
		q(4009, "services_engagement"),
		q(4010, "partner_account"),
		q(4011, "partner_account"),
		q(4012, "unknown"),
		q(4013, "unknown"),
		q(4014, "customer_account"),
		q(4015, "customer_account"),
		q(4016, "customer_account", kAssoc),
		q(4017, "select_partner", kAssoc),
		q(4018, "select_partner", kAssoc),
		q(4019, "select_partner", kAssoc),
		q(4020, "select_partner"),
		q(4021, "select_partner"),
		q(4022, "select_partner", kCC),
		off(4023), off(4024), off(4025), off(4026), off(4027), off(4028),
		q(4029, "customer_account"),
		q(4030, "customer_account"),
		q(4031, "customer_account", kMismatch, kAssoc),
		q(4032, "services_engagement"),
		q(4033, "customer_account", kMismatch, kUnknown),
		q(4034, "services_engagement"),
		q(4035, "customer_account", kMismatch),
		q(4036, "select_partner"),
	}
}
