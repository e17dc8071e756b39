package model

import (
	"fmt"
	"strings"
)

// InQueue reports whether a ticket belongs to the triage queue: one of the configured
// partner forms and a status of new, open, pending or hold (rules.md, "Queue").
func InQueue(cfg RuleConfig, t Ticket) bool {
	return skipReason(cfg, t) == ""
}

// skipReason says why a ticket is not in the queue ("" when it is).
func skipReason(cfg RuleConfig, t Ticket) string {
	switch t.Status {
	case "new", "open", "pending", "hold":
	default:
		if t.Status == "" {
			return "the ticket has no status, so it is not in the partner queue"
		}
		return "status " + t.Status + " is not new, open, pending or hold, so the ticket is not in the partner queue"
	}
	if !containsID(cfg.OpenForms, t.FormID) && !containsID(cfg.SelectForms, t.FormID) {
		if t.FormID == 0 {
			return "the ticket has no form, so it is not in the partner queue"
		}
		return "form " + itoa(t.FormID) + " is not a partner form, so the ticket is not in the partner queue"
	}
	return ""
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// facts is what the rules resolve about one ticket; Evaluate and BuildPlan share it.
type facts struct {
	dir        *Directory
	ix         *ruleIndex
	open, sel  bool // Open form / Select form (a form in both lists counts as Open)
	e, eDomain string
	eTrack     Track // TrackCustomer when E's domain is not a partner domain
	orgE       int64 // org(E)
	ccAsked    bool
	req, sub   *userRec // nil when missing or unknown; verdicts up to date
	reqOK      bool
	subOK      bool
}

func resolve(cfg RuleConfig, t *Ticket, dir *Directory) facts {
	f := facts{dir: dir, ix: dir.index(cfg)}
	f.open = containsID(cfg.OpenForms, t.FormID)
	f.sel = !f.open && containsID(cfg.SelectForms, t.FormID)
	if t.Fields != nil {
		f.e = NormalizeEmail(t.Fields[cfg.OrgEmailField].Text)
		f.ccAsked = ccRequested(t.Fields[cfg.CCRequestField])
	}
	f.req, f.reqOK = dir.users[t.RequesterID]
	if f.reqOK {
		dir.verdicts(f.ix, f.req)
	}
	if t.SubmitterID == t.RequesterID {
		f.sub, f.subOK = f.req, f.reqOK
	} else if f.sub, f.subOK = dir.users[t.SubmitterID]; f.subOK {
		dir.verdicts(f.ix, f.sub)
	}
	if f.e != "" {
		f.eDomain = domainOf(f.e)
		if f.reqOK && dir.owns(f.req, f.e) { // the common case: E is the requester's address
			f.eTrack = f.req.track
			f.orgE = f.orgOfUser(f.req, f.eDomain)
		} else {
			f.eTrack = f.ix.emailTrack(f.eDomain)
			f.orgE = f.orgOf(f.e, f.eDomain)
		}
	}
	return f
}

// orgOf is org(E): the customer org that is the default organization of the user with
// address e; else the customer org whose domain_names hold e's domain (the lowest id when
// several do); else 0.
func (f *facts) orgOf(e, domain string) int64 {
	var u *userRec
	if id, ok := f.dir.byEmail[e]; ok {
		u = f.dir.users[id]
	}
	return f.orgOfUser(u, domain)
}

// orgOfUser is org(E) when u is the user with E (nil when there is none).
func (f *facts) orgOfUser(u *userRec, domain string) int64 {
	if u != nil && u.OrganizationID != 0 && f.ix.class[u.OrganizationID] == TrackCustomer {
		return u.OrganizationID
	}
	if ids := f.ix.customerByDomain[domain]; len(ids) > 0 {
		return ids[0]
	}
	return 0
}

// OrgOfEmail is org(E) of rules.md for any address (normalised first; 0 when none).
func OrgOfEmail(cfg RuleConfig, email string, dir *Directory) int64 {
	e := NormalizeEmail(email)
	if e == "" || dir == nil {
		return 0
	}
	f := facts{dir: dir, ix: dir.index(cfg)}
	return f.orgOf(e, domainOf(e))
}

// Evaluate judges one ticket against the rules (rules.md): its scenario, the organization
// whose subscription applies, E and org(E), and the findings, in a stable order
// (requester_org_mismatch, customer_email_unknown, select_partner_association for the
// requester then the submitter then forms (c) and (d), partner_cc_missing).
// A ticket outside the queue is Skipped with the reason. A nil dir counts as empty.
func Evaluate(cfg RuleConfig, t Ticket, dir *Directory) Evaluation {
	if reason := skipReason(cfg, t); reason != "" {
		return Evaluation{TicketID: t.ID, Scenario: ScenarioUnknown, Skipped: reason}
	}
	if dir == nil {
		dir = NewDirectory()
	}
	f := resolve(cfg, &t, dir)
	ev := Evaluation{TicketID: t.ID, OrgEmail: f.e, OrgOfEmail: f.orgE}
	ev.Scenario, ev.SupportBasisOrgID = f.scenario(&t)

	if f.open && f.eTrack == TrackCustomer {
		if fd, ok := f.mismatch(&t); ok {
			ev.Findings = append(ev.Findings, fd)
		}
		if f.orgE == 0 {
			ev.Findings = append(ev.Findings, f.unknownEmail())
		}
	}
	ev.Findings = f.associations(&t, ev.Findings)
	if f.ccAsked {
		if fd, ok := f.ccMissing(cfg, &t); ok {
			ev.Findings = append(ev.Findings, fd)
		}
	}
	return ev
}

func (f *facts) scenario(t *Ticket) (Scenario, int64) {
	switch {
	case f.open && f.ccAsked:
		if f.eTrack == TrackCustomer {
			return ScenarioServicesEngagement, f.orgE
		}
		return ScenarioServicesEngagement, 0
	case f.open && f.eTrack == TrackCustomer:
		return ScenarioCustomerAccount, f.orgE
	case f.open && f.e != "": // E's domain is a partner domain
		return ScenarioPartnerAccount, f.partnerOrgOf()
	case f.sel:
		return ScenarioSelectPartner, f.selectBasis(t)
	}
	return ScenarioUnknown, 0
}

// partnerOrgOf is the partner org of E: the default organization of the user with E when it
// is a partner org, else the partner org whose domain_names hold E's domain.
func (f *facts) partnerOrgOf() int64 {
	if id, ok := f.dir.byEmail[f.e]; ok {
		if o := f.dir.users[id].OrganizationID; o != 0 {
			if tr := f.ix.class[o]; tr == TrackOpen || tr == TrackSelect {
				return o
			}
		}
	}
	if ids := f.ix.partnerByDomain[f.eDomain]; len(ids) > 0 {
		return ids[0]
	}
	return 0
}

// selectBasis is the Select org of a Select-form ticket: the ticket's organization when it
// is a Select org, else the requester's first Select org, else 0. A customer requester's
// Select org is never taken: that membership is itself an association to remove.
func (f *facts) selectBasis(t *Ticket) int64 {
	if f.ix.class[t.OrganizationID] == TrackSelect {
		return t.OrganizationID
	}
	if f.reqOK && f.req.track != TrackCustomer {
		return f.firstOrgOfTrack(t.RequesterID, TrackSelect)
	}
	return 0
}

// firstOrgOfTrack returns the user's first organization of track tr (default organization
// first, then memberships in the order known), 0 when none.
func (f *facts) firstOrgOfTrack(userID int64, tr Track) int64 {
	if u, ok := f.dir.users[userID]; ok && u.OrganizationID != 0 && f.ix.class[u.OrganizationID] == tr {
		return u.OrganizationID
	}
	for _, m := range f.dir.memberships[userID] {
		if f.ix.class[m.OrganizationID] == tr {
			return m.OrganizationID
		}
	}
	return 0
}

const fieldOrgEmail = "Organization Email (partners)"

func (f *facts) mismatch(t *Ticket) (Finding, bool) {
	if f.reqOK && f.dir.owns(f.req, f.e) && t.OrganizationID != 0 && t.OrganizationID == f.orgE {
		return Finding{}, false // right requester, right organization
	}
	d := f.dir
	orgE := d.orgName(f.orgE)
	fd := Finding{Kind: KindRequesterOrgMismatch, Severity: SeverityError}
	var who string
	switch {
	case t.RequesterID == 0:
		who = "the ticket has no requester"
	case !f.reqOK:
		who = "the requester, user #" + itoa(t.RequesterID) + ", is not found in Zendesk (deleted or merged),"
	case !d.owns(f.req, f.e):
		who = "the requester is " + d.userName(t.RequesterID)
	}
	if who != "" {
		fix := "change the requester to " + f.e
		switch {
		case f.orgE != 0 && t.OrganizationID != f.orgE:
			fix += " and the organization to " + orgE
		case f.orgE == 0:
			fix = "correct that address, then change the requester to it"
		}
		fd.Message = fmt.Sprintf("%s%s but %s is %s: %s.", strings.ToUpper(who[:1]), who[1:],
			fieldOrgEmail, f.e, fix)
		return fd, true
	}
	switch {
	case t.OrganizationID == 0 && f.orgE != 0:
		fd.Message = fmt.Sprintf("The ticket of %s has no organization: set it to %s.", f.e, orgE)
	case t.OrganizationID == 0:
		fd.Message = fmt.Sprintf("The ticket of %s has no organization and no customer organization is known for %s.",
			f.e, f.eDomain)
	case f.orgE == 0:
		fd.Message = fmt.Sprintf("The ticket is under %s but no customer organization is known for %s.",
			d.orgName(t.OrganizationID), f.e)
	case t.OrganizationID != f.orgE:
		fd.Message = fmt.Sprintf("The ticket is under %s but %s belongs to %s: set the organization to %s.",
			d.orgName(t.OrganizationID), f.e, orgE, orgE)
	default:
		return Finding{}, false
	}
	return fd, true
}

func (f *facts) unknownEmail() Finding {
	fd := Finding{Kind: KindCustomerEmailUnknown, Severity: SeverityError}
	fd.SuggestedEmail = f.suggest()
	if fd.SuggestedEmail != "" {
		fd.Message = fmt.Sprintf("No customer organization is known for %s (no customer has the domain %s): did the partner mean %s?",
			f.e, f.eDomain, fd.SuggestedEmail)
	} else {
		fd.Message = fmt.Sprintf("No customer organization is known for %s and no customer domain is near %s: ask the submitter for the customer's address.",
			f.e, f.eDomain)
	}
	return fd
}

// suggest returns E's local part @ the customer domain nearest to E's domain (optimal
// string alignment distance ≤ 2); on a tie the domain giving an existing user's address,
// then the alphabetically first; "" when none is within 2.
func (f *facts) suggest() string {
	near := f.ix.nearest(f.eDomain) // sorted, so the first of equals is alphabetical
	if len(near) == 0 {
		return ""
	}
	local := localOf(f.e)
	for _, d := range near {
		if _, isUser := f.dir.byEmail[local+"@"+d]; isUser {
			return local + "@" + d
		}
	}
	return local + "@" + near[0]
}

// associations appends the select_partner_association findings: forms (a)/(b) for the
// requester then the submitter (one finding per offending organization, default
// organization first), then (c) and (d).
func (f *facts) associations(t *Ticket, out []Finding) []Finding {
	if f.reqOK {
		out = f.userAssociations(f.req, "requester", out)
	}
	if f.subOK && t.SubmitterID != t.RequesterID {
		out = f.userAssociations(f.sub, "submitter", out)
	}
	d := f.dir
	ticketTrack := f.ix.class[t.OrganizationID]
	if ticketTrack == TrackSelect && f.reqOK && f.req.track == TrackCustomer {
		out = append(out, Finding{
			Kind: KindSelectPartnerAssociation, Severity: SeverityError,
			UserID: t.RequesterID, OrgID: t.OrganizationID, AssociationForm: "c",
			Message: fmt.Sprintf("The ticket is under Select partner organization %s but its requester %s is a customer: never associate a customer with a Select partner's organization.",
				d.orgName(t.OrganizationID), f.req.email),
		})
	}
	if f.sel && ticketTrack == TrackCustomer {
		fd := Finding{Kind: KindSelectPartnerAssociation, Severity: SeverityError,
			UserID: t.RequesterID, OrgID: t.OrganizationID, AssociationForm: "d"}
		if sel := f.selectBasis(t); sel != 0 {
			fd.Message = fmt.Sprintf("This Select partner ticket is under customer organization %s: set it to the requester's Select organization %s.",
				d.orgName(t.OrganizationID), d.orgName(sel))
		} else {
			fd.Message = fmt.Sprintf("This Select partner ticket is under customer organization %s and its requester %s is not a Select partner user of a Select organization: ask who the Select partner is.",
				d.orgName(t.OrganizationID), d.userName(t.RequesterID))
		}
		out = append(out, fd)
	}
	return out
}

func (f *facts) userAssociations(u *userRec, role string, out []Finding) []Finding {
	if !u.badLinks {
		return out
	}
	var bad Track // the organization track this user must not belong to
	var form string
	switch u.track {
	case TrackCustomer:
		bad, form = TrackSelect, "a"
	case TrackSelect:
		bad, form = TrackCustomer, "b"
	default:
		return out
	}
	d := f.dir
	report := func(orgID, membershipID int64) {
		var msg string
		if bad == TrackSelect {
			msg = fmt.Sprintf("The %s %s is a customer and a member of Select partner organization %s: remove that membership (never associate a customer with a Select partner's organization).",
				role, u.email, d.orgName(orgID))
		} else {
			msg = fmt.Sprintf("The %s %s is a Select partner user and a member of customer organization %s: remove that membership (never associate a Select partner with a customer's organization).",
				role, u.email, d.orgName(orgID))
		}
		out = append(out, Finding{Kind: KindSelectPartnerAssociation, Severity: SeverityError,
			Message: msg, UserID: u.ID, OrgID: orgID, MembershipID: membershipID, AssociationForm: form})
	}
	if u.OrganizationID != 0 && f.ix.class[u.OrganizationID] == bad {
		report(u.OrganizationID, d.membershipID(u.ID, u.OrganizationID))
	}
	ms := d.memberships[u.ID]
	for i, m := range ms {
		if m.OrganizationID == u.OrganizationID || f.ix.class[m.OrganizationID] != bad {
			continue
		}
		dup := false
		for _, prev := range ms[:i] {
			if prev.OrganizationID == m.OrganizationID {
				dup = true
				break
			}
		}
		if !dup {
			report(m.OrganizationID, m.ID)
		}
	}
	return out
}

// ccMissing is partner_cc_missing: the people the CC-request field asks for (the addresses
// written in it, else the submitter) who are not on the ticket.
func (f *facts) ccMissing(cfg RuleConfig, t *Ticket) (Finding, bool) {
	onTicket := func(id int64) bool {
		// The requester receives every public reply already (and Zendesk ignores a CC of
		// the requester), so they count as on the ticket.
		return id == t.RequesterID || onTicket(t, id)
	}
	var fd Finding
	addrs := ParseCCAddresses(t.Fields[cfg.CCRequestField].Text)
	if len(addrs) == 0 {
		if t.SubmitterID == 0 || onTicket(t.SubmitterID) {
			return Finding{}, false
		}
		fd.MissingCCUserIDs = []int64{t.SubmitterID}
	}
	for _, a := range addrs {
		if id, ok := f.dir.byEmail[a]; ok && onTicket(id) {
			continue
		}
		fd.MissingCCs = append(fd.MissingCCs, a)
	}
	if len(fd.MissingCCs) == 0 && len(fd.MissingCCUserIDs) == 0 {
		return Finding{}, false
	}
	fd.Kind, fd.Severity = KindPartnerCCMissing, SeverityWarning
	if len(addrs) == 0 {
		fd.Message = fmt.Sprintf("The submitter %s asked to be CC'd but is not on the ticket: add them as an email CC.",
			f.dir.userName(t.SubmitterID))
	} else {
		var unknown []string
		for _, a := range fd.MissingCCs {
			if _, ok := f.dir.byEmail[a]; !ok {
				unknown = append(unknown, a)
			}
		}
		what := "who is not on the ticket: add them as an email CC"
		if len(fd.MissingCCs) > 1 {
			what = "who are not on the ticket: add them as email CCs"
		}
		fd.Message = fmt.Sprintf("The partner asked to CC %s, %s", strings.Join(fd.MissingCCs, ", "), what)
		if len(unknown) > 0 {
			if len(unknown) == 1 {
				fd.Message += " (" + unknown[0] + " will be created as an end user)"
			} else {
				fd.Message += " (" + strings.Join(unknown, ", ") + " will be created as end users)"
			}
		}
		fd.Message += "."
	}
	return fd, true
}
