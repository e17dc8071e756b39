package model

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The passages the plans cite (shared/seed/open-partners-handbook.txt; rules.md, "Fix
// plans"): each step names the one that calls for it, and the note repeats them.
const (
	whyCustomerAccount = `Open Partners handbook, example 1: a ticket a partner raises for a customer is handled under the customer's account and organization ("Update Organization Email (partners) to use the correct email, change Requester, submit").`
	whyServicesCC      = `Open Partners handbook, example 2: a partner fulfilling a services engagement asks to be CC'd and stays in the ticket work.`
	whyRequestedCC     = `The partner asked for it in the ticket's Request for CCs field.`
	whyFormerCC        = `Optional: the partner who raised the ticket can keep following it as an email CC (in handbook example 1 support corresponds with the customer directly, so this is off unless the partner asked).`
	whyTypedSelect     = `Set as the agent chose, although it is a Select partner's address: the Organization Email (partners) is the end customer's address, and the handbook says "Never associate a customer to a Select Partner's organization, or vice-versa!"`
	whyTypedOpen       = `Set as the agent chose: an Open partner's own address, as in handbook examples 3 and 4 (the partner's own work, own subscription or NFR licences).`
	whyAssociation     = `Open Partners handbook: "Never associate a customer to a Select Partner's organization, or vice-versa!"`
)

// BuildPlan proposes the ordered fix for an evaluated ticket (rules.md, "Fix plans"):
//
//  1. org_email: the corrected Organization Email (partners): opt.OrgEmail, else the
//     suggestion of customer_email_unknown, else E unchanged (no step);
//  2. requester: the user with that address, or a new end user (name: opt.NewRequesterName,
//     else derived from the address) created in the same update;
//  3. organization: org(E), only when Zendesk will accept it — the new requester already
//     belongs to it, or is being created and the org owns the address's domain (Zendesk
//     adds a new user to the org of their domain). Otherwise the step is left out and
//     Plan.Manual says what to do, because an organization_id the requester does not
//     belong to is refused (422);
//  4. ccs: the partner people who lose the ticket (the former requester and submitter when
//     the requester changes, on by default for services_engagement) and every person of
//     partner_cc_missing (on by default);
//  5. association: one step per select_partner_association: remove the offending
//     membership (forms a/b), move the ticket to the requester's customer org (form c on an
//     Open ticket) or to the requester's Select org (form d);
//  6. note: the internal note saying what changed and why.
//
// Steps 2 and 3 are proposed only when the corrected address is a customer address whose
// org(E) is known: an unknown address is never made the requester (that would create the
// mistyped user again). A ticket that is already right gets a plan with no steps. The plan
// is checked by ValidatePlan; a refused plan has Refused set.
func BuildPlan(cfg RuleConfig, t Ticket, ev Evaluation, dir *Directory, opt PlanOptions) Plan {
	p := Plan{TicketID: t.ID, UpdatedStamp: t.UpdatedAt}
	if ev.Skipped != "" {
		return p
	}
	if dir == nil {
		dir = NewDirectory()
	}
	f := resolve(cfg, &t, dir)
	b := planBuilder{cfg: cfg, t: &t, f: &f, dir: dir, ev: &ev, p: &p, newReqID: t.RequesterID}
	if ev.NeedsAsking() {
		b.askSubmitter("", "No handbook example fits: the Organization Email (partners) is empty, so it is not known whether the partner raised the ticket for a customer, for a services engagement or for their own work. Ask the submitter which situation applies.")
	}

	target := f.e
	for _, fd := range ev.Findings {
		if fd.Kind == KindCustomerEmailUnknown && fd.SuggestedEmail != "" {
			target = fd.SuggestedEmail
		}
	}
	if strings.TrimSpace(opt.OrgEmail) != "" {
		target = NormalizeEmail(opt.OrgEmail)
		if target == "" {
			p.Refused = fmt.Sprintf("%q is not an email address, so it cannot be the Organization Email (partners).",
				strings.TrimSpace(opt.OrgEmail))
			return p
		}
	}
	b.customerAccount(target, opt)
	b.ccs()
	b.associations()
	b.suspended()
	b.unplanned()
	if len(p.Steps) > 0 {
		note := Step{Kind: StepNote, Title: "Internal note", Why: "Every change is recorded on the ticket (public: false).",
			Accepted: true, Editable: true}
		note.autoNote = noteFor(p.Steps)
		note.Note, note.After = note.autoNote, note.autoNote
		p.Steps = append(p.Steps, note)
	}
	if err := ValidatePlan(cfg, t, p, dir); err != nil {
		p.Refused = err.Error()
	}
	return p
}

type planBuilder struct {
	cfg      RuleConfig
	t        *Ticket
	f        *facts
	dir      *Directory
	ev       *Evaluation
	p        *Plan
	newReqID int64 // the requester after the plan (0 when created by it)
	creating bool  // the requester is created by the update
	orgSet   bool  // a step already sets the ticket's organization
	reqStep  bool  // the requester changes
}

func (b *planBuilder) add(s Step) { b.p.Steps = append(b.p.Steps, s) }

func (b *planBuilder) manual(format string, args ...any) {
	b.p.Manual = append(b.p.Manual, fmt.Sprintf(format, args...))
}

// unplanned keeps "nothing to change" true: a flagged ticket whose plan changes nothing and
// gives no advice gets its findings as steps to take by hand.
func (b *planBuilder) unplanned() {
	if len(b.ev.Findings) == 0 || len(b.p.Manual) > 0 || b.p.Ask != nil {
		return
	}
	for _, s := range b.p.Steps {
		if s.Accepted || s.Toggle {
			return
		}
	}
	for _, fd := range b.ev.Findings {
		b.manual("%s (%s: partner-triage has no step for it here.)", strings.TrimSpace(fd.Message), fd.Kind)
	}
}

// askSubmitter is what the plan cannot do until the submitter answers: the sentence goes
// to Manual (the wizard's and the review's advice) and Plan.Ask (what lets `a` ask), so
// the advice and the permission are one decision. question is the question for the
// partner ("" → the handbook's situations).
func (b *planBuilder) askSubmitter(question, why string) {
	b.p.Manual = append(b.p.Manual, why)
	if b.p.Ask == nil {
		b.p.Ask = &AskAdvice{Why: why, Question: question}
	}
}

// customerAccount proposes steps 1–3.
func (b *planBuilder) customerAccount(target string, opt PlanOptions) {
	f, t, dir := b.f, b.t, b.dir
	partner := b.partnerAddress(target)
	if target != f.e {
		before := "(empty)"
		if raw := strings.TrimSpace(t.Field(b.cfg.OrgEmailField)); raw != "" {
			before = raw
		}
		s := Step{Kind: StepOrgEmail, Title: fieldOrgEmail,
			Before: before, After: target, OrgEmail: target, Accepted: true, Editable: true}
		switch {
		case partner.track == TrackUnknown:
			s = cite(s, whyCustomerAccount)
		case partner.track == TrackSelect:
			s = cite(s, whyTypedSelect)
		default:
			s = cite(s, whyTypedOpen)
		}
		if partner.track != TrackUnknown {
			// The review names who owns the address; the note keeps the plain change.
			s.noteLine = s.Title + ": " + before + " → " + target
			s.After = target + " (" + partner.who + ")"
			b.warn("%s", partner.warning)
		}
		b.add(s)
	}
	if f.open && target == f.e && partner.track != TrackUnknown && f.ix.emailTrack(domainOf(target)) == TrackCustomer {
		// E is on a customer's domain but a partner user owns it (a secondary identity): the
		// rules flag the ticket, and only the submitter can say whose address is meant.
		b.askSubmitter(fmt.Sprintf("The address %s given in the Organization Email (partners) field belongs to a partner's user. Could you send us the end customer's email address, so that we support them under their own subscription?", target),
			partner.warning+" Ask the submitter for the customer's address, then edit the Organization Email (partners).")
	}
	if !f.open || target == "" || partner.track != TrackUnknown || f.ix.emailTrack(domainOf(target)) != TrackCustomer {
		return // a partner's address never makes a partner user the requester of a customer's ticket
	}
	orgT := f.orgOf(target, domainOf(target))
	if orgT == 0 {
		b.askSubmitter(fmt.Sprintf("No customer we know has the address %s given in the Organization Email (partners) field. Could you send us the end customer's correct email address, so that we support them under their own subscription?", target),
			fmt.Sprintf("No customer organization is known for %s: ask the submitter for the customer's address, then edit the Organization Email (partners).", target))
		return
	}
	orgName := dir.orgName(orgT)
	b.twoCustomers(target, orgT)

	// 2. requester
	if !f.reqOK || !dir.owns(f.req, target) {
		s := Step{Kind: StepRequester, Title: "Requester",
			Before: dir.userName(t.RequesterID), Accepted: true}
		if id, ok := dir.byEmail[target]; ok {
			s.RequesterID, s.After = id, dir.existingLabel(id)
			s.noteLine = "Requester: " + personLabel(dir, t.RequesterID) + " → " + personLabel(dir, id)
			b.newReqID = id
			b.existingUser(id, target, orgT)
		} else {
			name := oneLine(opt.NewRequesterName)
			if name == "" {
				name = NameFromEmail(target)
			}
			s.NewRequester = &NewUser{Email: target, Name: name}
			s.After = fmt.Sprintf("%s <%s> (new end user)", name, target)
			s.noteLine = "Requester: " + personLabel(dir, t.RequesterID) + " → " + s.After
			s.Editable = true
			b.newReqID, b.creating = 0, true
		}
		b.add(cite(s, whyCustomerAccount))
		b.reqStep = true
	}

	// 3. organization
	if orgT == t.OrganizationID {
		return
	}
	if !b.creating && !dir.isMember(b.newReqID, orgT) {
		b.manual("Zendesk would refuse %s as the ticket's organization because %s is not a member of it: add them to %s, then set the organization.",
			orgName, target, orgName)
		return
	}
	org := Step{Kind: StepOrganization, Title: "Organization",
		Before: dir.orgName(t.OrganizationID), After: orgName, OrganizationID: orgT, Accepted: true}
	if f.ix.class[t.OrganizationID] == TrackSelect { // a customer's ticket under a Select org
		org = cite(org, whyCustomerAccount, whyAssociation)
	} else {
		org = cite(org, whyCustomerAccount)
	}
	b.add(org)
	b.orgSet = true
}

// partnerAddr is what partnerAddress found: the partner track of an address (TrackUnknown
// for a customer's), who owns it for the review, and the warning.
type partnerAddr struct {
	track   Track
	who     string
	warning string
}

// partnerAddress tells whether an address is a partner's: its domain is a partner domain,
// or the user who owns it (as any identity) is a partner user: their primary address is on
// a partner domain (a customer wrongly in a partner org stays a customer). The Organization
// Email must be the end customer's address (handbook example 1; "Never associate a
// customer to a Select Partner's organization, or vice-versa!").
func (b *planBuilder) partnerAddress(target string) partnerAddr {
	f, dir := b.f, b.dir
	if target == "" {
		return partnerAddr{}
	}
	track, orgID := f.ix.emailTrack(domainOf(target)), int64(0)
	if track != TrackSelect && track != TrackOpen {
		track = TrackUnknown
	}
	var owner *userRec
	if id, ok := dir.byEmail[target]; ok {
		owner = dir.users[id]
	}
	if owner != nil && track == TrackUnknown {
		if tr := f.ix.emailTrack(owner.domain); tr == TrackSelect || tr == TrackOpen {
			track = tr
		}
	}
	if track == TrackUnknown {
		return partnerAddr{}
	}
	if owner != nil && f.ix.class[owner.OrganizationID] == track {
		orgID = owner.OrganizationID
	}
	if orgID == 0 {
		byDomain := f.ix.partnerByDomain[domainOf(target)]
		if owner != nil && len(byDomain) == 0 {
			byDomain = f.ix.partnerByDomain[owner.domain]
		}
		for _, id := range byDomain {
			if f.ix.class[id] == track {
				orgID = id
				break
			}
		}
	}
	kind := "a Select partner"
	if track == TrackOpen {
		kind = "an Open partner"
	}
	org := kind
	if orgID != 0 {
		org = dir.orgName(orgID) + ", " + kind
	}
	p := partnerAddr{track: track, who: org}
	switch {
	case owner != nil && oneLine(owner.Name) != "":
		p.who = "existing user " + oneLine(owner.Name) + " of " + org
		p.warning = target + " belongs to " + oneLine(owner.Name) + " of " + org
	case owner != nil:
		p.who = "existing user of " + org
		p.warning = target + " belongs to a user of " + org
	default:
		p.warning = target + " is an address of " + org
	}
	p.warning += ": the Organization Email must be the end customer's address"
	if track == TrackOpen {
		p.warning += ", unless the ticket is the partner's own work (handbook examples 3 and 4)"
	}
	p.warning += ". The plan does not change the requester or organization for it."
	return p
}

// twoCustomers warns when the fix moves the ticket from the customer who is its requester to
// another customer (E names a different customer), and offers the other reading: keep the
// requester and correct the Organization Email to theirs (rules.md, "Warnings").
func (b *planBuilder) twoCustomers(target string, orgT int64) {
	f, dir := b.f, b.dir
	if !f.reqOK || f.req.track != TrackCustomer || f.req.email == "" || f.req.email == target {
		return
	}
	reqOrg := f.orgOfUser(f.req, f.req.domain)
	if reqOrg == 0 || reqOrg == orgT {
		return
	}
	who := personLabel(dir, f.req.ID)
	to := target
	if id, ok := dir.byEmail[target]; ok {
		to = personLabel(dir, id)
	}
	b.p.Warnings = append(b.p.Warnings, fmt.Sprintf(
		"This moves the ticket from customer %s (requester %s) to customer %s (%s): either the Organization Email (partners) or the requester may be the mistake. If in doubt, ask the submitter.",
		dir.orgName(reqOrg), who, dir.orgName(orgT), to))
	b.p.OtherReading = &Reading{
		Label:   fmt.Sprintf("keep %s as the requester and set Organization Email (partners) to %s", who, f.req.email),
		Options: PlanOptions{OrgEmail: f.req.email},
	}
}

func onTicket(t *Ticket, id int64) bool {
	return containsID(t.EmailCCIDs, id) || containsID(t.CollaboratorIDs, id)
}

// ccs proposes step 4 (rules.md): the people a partner_cc_missing finding asked for, on by
// default, and the partner people who lose the ticket when the requester changes, on by
// default only for services_engagement (handbook example 2; in example 1 support
// corresponds with the customer directly). On a services_engagement ticket both are one
// step; otherwise they are two, so accepting every step as proposed never CCs a partner
// the handbook does not ask for.
func (b *planBuilder) ccs() {
	t, dir := b.t, b.dir
	var requested, former ccList
	seen := func(r CCRef) bool { return slices.Contains(requested.refs, r) || slices.Contains(former.refs, r) }
	addUser := func(l *ccList, id int64) {
		if id == 0 || id == b.newReqID || seen(CCRef{UserID: id}) {
			return
		}
		l.add(CCRef{UserID: id}, dir.userName(id), personLabel(dir, id))
	}
	for _, fd := range b.ev.Findings {
		if fd.Kind != KindPartnerCCMissing {
			continue
		}
		for _, a := range fd.MissingCCs {
			if id, ok := dir.byEmail[a]; ok {
				addUser(&requested, id)
			} else if (!b.creating || a != b.newRequesterEmail()) && !seen(CCRef{Email: a}) {
				requested.add(CCRef{Email: a}, a+" (new end user)", a+" (new end user)")
			}
		}
		for _, id := range fd.MissingCCUserIDs {
			addUser(&requested, id)
		}
	}
	if b.reqStep { // the partner people who lose the ticket
		for _, id := range []int64{t.RequesterID, t.SubmitterID} {
			u, ok := dir.users[id]
			if !ok || onTicket(t, id) {
				continue
			}
			if tr := b.f.ix.emailTrack(u.domain); tr == TrackOpen || tr == TrackSelect {
				addUser(&former, id)
			}
		}
	}
	if b.ev.Scenario == ScenarioServicesEngagement {
		requested.refs = append(requested.refs, former.refs...)
		requested.names = append(requested.names, former.names...)
		requested.people = append(requested.people, former.people...)
		former = ccList{}
		b.addCCs(requested, "Email "+ccWord(len(requested.refs)), true, whyServicesCC)
		return
	}
	b.addCCs(requested, "Email "+ccWord(len(requested.refs)), true, whyRequestedCC)
	title := "Keep the partner as email CC"
	if len(former.refs) > 1 {
		title = "Keep the partners as email CCs"
	}
	b.addCCs(former, title, false, whyFormerCC)
}

// ccList is the people of one CC step: refs to submit, names for the diff (addresses) and
// people for the note (name and address).
type ccList struct {
	refs          []CCRef
	names, people []string
}

func (l *ccList) add(r CCRef, name, person string) {
	l.refs = append(l.refs, r)
	l.names = append(l.names, name)
	l.people = append(l.people, person)
}

func ccWord(n int) string {
	if n == 1 {
		return "CC"
	}
	return "CCs"
}

func (b *planBuilder) addCCs(l ccList, title string, on bool, why string) {
	if len(l.refs) == 0 {
		return
	}
	t, dir := b.t, b.dir
	before := make([]string, 0, len(t.EmailCCIDs))
	for _, id := range t.EmailCCIDs {
		before = append(before, dir.userName(id))
	}
	s := Step{Kind: StepCCs, Title: title,
		Before: strings.Join(before, ", "), After: strings.Join(append(before, l.names...), ", "),
		CCs: l.refs, Accepted: on, Toggle: true,
		noteLine: "Added as email " + ccWord(len(l.refs)) + ": " + strings.Join(l.people, ", ")}
	b.add(cite(s, why))
}

// cite sets the passages a step names: Why for the wizard, cites for the note.
func cite(s Step, whys ...string) Step {
	s.cites = whys
	s.Why = strings.Join(whys, " ")
	return s
}

// personLabel names a user for the note and the warnings: "Name <address>", else what
// userName says.
func personLabel(dir *Directory, id int64) string {
	u, ok := dir.users[id]
	if !ok || u.email == "" {
		return dir.userName(id)
	}
	if n := oneLine(u.Name); n != "" && !strings.EqualFold(n, u.email) {
		return n + " <" + u.email + ">"
	}
	return u.email
}

func (b *planBuilder) newRequesterEmail() string {
	for _, s := range b.p.Steps {
		if s.Kind == StepRequester && s.NewRequester != nil {
			return s.NewRequester.Email
		}
	}
	return ""
}

// associations proposes step 5.
func (b *planBuilder) associations() {
	t, dir, f := b.t, b.dir, b.f
	var removed []MembershipRemoval
	for _, fd := range b.ev.Findings {
		if fd.Kind != KindSelectPartnerAssociation {
			continue
		}
		switch fd.AssociationForm {
		case "a", "b":
			r := MembershipRemoval{MembershipID: fd.MembershipID, UserID: fd.UserID, OrganizationID: fd.OrgID}
			if slices.ContainsFunc(removed, func(x MembershipRemoval) bool {
				return x.UserID == r.UserID && x.OrganizationID == r.OrganizationID
			}) {
				continue
			}
			removed = append(removed, r)
			who, where := dir.userName(fd.UserID), dir.orgName(fd.OrgID)
			why := whyAssociation
			if fd.MembershipID == 0 {
				why += " It is their default organization; the membership is looked up when submitted."
			}
			s := cite(Step{Kind: StepAssociation, Title: "Remove membership",
				Before: who + " is a member of " + where, After: who + " is not a member of " + where,
				Removal: &r, Accepted: true,
				noteLine: "Membership removed: " + personLabel(dir, fd.UserID) + " from " + trackedOrg(f.ix, dir, fd.OrgID)}, whyAssociation)
			s.Why = why
			b.add(s)
		case "c":
			if b.orgSet || b.reqStep {
				continue // the requester/organization steps move the ticket, or Manual says why not
			}
			if !f.open {
				// Not a question by `a`: its public reply would reach the customer requester.
				b.manual("The requester %s of this Select ticket is a customer: find out from the Select partner who submitted it, %s, who at the partner should be the requester — directly, since a public reply here goes to the customer — then change the requester.",
					dir.userName(t.RequesterID), dir.userName(t.SubmitterID))
				continue
			}
			target := f.firstOrgOfTrack(t.RequesterID, TrackCustomer)
			if target == 0 {
				b.manual("The ticket is under Select organization %s and its customer requester %s belongs to no customer organization: add them to their company's organization, then move the ticket there.",
					dir.orgName(t.OrganizationID), dir.userName(t.RequesterID))
				continue
			}
			b.setOrg(target, "Move the ticket to the customer's organization")
		case "d":
			if b.orgSet {
				continue
			}
			target := f.selectBasis(t)
			if target == 0 {
				b.manual("The requester %s of this Select ticket is no Select partner user of a Select organization: find the Select partner and their organization, and set them by hand.",
					dir.userName(t.RequesterID))
				continue
			}
			b.setOrg(target, "Move the ticket to the Select partner's organization")
		}
	}
}

func (b *planBuilder) setOrg(target int64, title string) {
	b.add(cite(Step{Kind: StepAssociation, Title: title,
		Before: b.dir.orgName(b.t.OrganizationID), After: b.dir.orgName(target),
		OrganizationID: target, Accepted: true,
		noteLine: "Organization: " + b.dir.orgName(b.t.OrganizationID) + " → " + b.dir.orgName(target)}, whyAssociation))
	b.orgSet = true
}

// noteFor writes the internal note for the accepted steps ("" when none changes anything):
// one line per change, people by name and address, then, for each passage cited, the
// steps it calls for (rules.md: every step names the passage that asks for it).
func noteFor(steps []Step) string {
	var lines, cites []string
	calls := map[string][]string{}
	for _, s := range steps {
		if !s.Accepted || s.Kind == StepNote {
			continue
		}
		line := s.noteLine
		if line == "" {
			line = s.Title + ": " + orNone(s.Before) + " → " + orNone(s.After)
		}
		lines = append(lines, "- "+line)
		cs := s.cites
		if len(cs) == 0 && s.Why != "" {
			cs = []string{s.Why}
		}
		name := noteStepName(s)
		for _, c := range cs {
			if _, ok := calls[c]; !ok {
				cites = append(cites, c)
			}
			if !slices.Contains(calls[c], name) {
				calls[c] = append(calls[c], name)
			}
		}
	}
	if len(lines) == 0 {
		return ""
	}
	var why strings.Builder
	for _, c := range cites {
		why.WriteString("\n- " + strings.Join(calls[c], ", ") + ": " + c)
	}
	return "partner-triage changed this ticket:\n" + strings.Join(lines, "\n") + "\nWhy:" + why.String()
}

// trackedOrg names an organization with its partner track: "Relecloud (Select partner)".
func trackedOrg(ix *ruleIndex, dir *Directory, id int64) string {
	switch ix.class[id] {
	case TrackSelect:
		return dir.orgName(id) + " (Select partner)"
	case TrackOpen:
		return dir.orgName(id) + " (Open partner)"
	case TrackCustomer:
		return dir.orgName(id) + " (customer)"
	}
	return dir.orgName(id)
}

// noteStepName names a step in the note's "Why" list.
func noteStepName(s Step) string {
	switch {
	case s.Removal != nil:
		return "Membership removal"
	case s.Kind == StepCCs:
		return "Email " + ccWord(len(s.CCs))
	case s.Kind == StepAssociation:
		return "Organization"
	}
	return s.Title
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// note returns the text the note step sends: the agent's text when edited, else the note
// of the steps accepted now.
func (p Plan) note(s Step) string {
	if s.Note != s.autoNote {
		return strings.TrimSpace(s.Note)
	}
	return noteFor(p.Steps)
}

// GeneratedNote is the note partner-triage writes for the plan's accepted steps as they
// stand ("" when none changes anything), whatever the agent typed into the note step.
func (p Plan) GeneratedNote() string { return noteFor(p.Steps) }

// RefreshNote rewrites an unedited note step after the agent accepted or skipped steps, so
// the wizard shows the note that will be sent.
func (p *Plan) RefreshNote() {
	for i := range p.Steps {
		s := &p.Steps[i]
		if s.Kind == StepNote && s.Note == s.autoNote {
			s.autoNote = noteFor(p.Steps)
			s.Note, s.After = s.autoNote, s.autoNote
		}
	}
}

// Compile turns the accepted steps of a plan into the writes that carry it out: the
// membership removals (submitted first, each confirmed) and one ticket update. The note
// step becomes TicketUpdate.Note: the agent's text when edited, else a note listing the
// accepted steps (no note when none is accepted). A refused plan compiles to an empty
// update and no removals.
func (p Plan) Compile(cfg RuleConfig) (TicketUpdate, []MembershipRemoval) {
	u := TicketUpdate{TicketID: p.TicketID, UpdatedStamp: p.UpdatedStamp}
	if p.Refused != "" {
		return u, nil
	}
	var removals []MembershipRemoval
	for _, s := range p.Steps {
		if !s.Accepted {
			continue
		}
		switch s.Kind {
		case StepOrgEmail:
			if u.CustomFields == nil {
				u.CustomFields = map[int64]string{}
			}
			u.CustomFields[cfg.OrgEmailField] = s.OrgEmail
		case StepRequester:
			if s.NewRequester != nil {
				nu := *s.NewRequester
				u.RequesterID, u.NewRequester = 0, &nu
			} else if s.RequesterID != 0 {
				u.RequesterID, u.NewRequester = s.RequesterID, nil
			}
		case StepOrganization, StepAssociation:
			if s.Removal != nil {
				removals = append(removals, *s.Removal)
			} else if s.OrganizationID != 0 {
				id := s.OrganizationID
				u.OrganizationID = &id
			}
		case StepCCs:
			for _, c := range s.CCs {
				if !slices.Contains(u.AddEmailCCs, c) {
					u.AddEmailCCs = append(u.AddEmailCCs, c)
				}
			}
		case StepNote:
			u.Note = p.note(s)
		}
	}
	return u, removals
}

// Diff is the review: one line per field the accepted steps change (membership removals
// first, as they are submitted first), then the internal note.
func (p Plan) Diff() []DiffLine {
	var out []DiffLine
	for _, s := range p.Steps {
		if s.Accepted && s.Removal != nil {
			out = append(out, DiffLine{Field: "Membership", Before: s.Before, After: s.After})
		}
	}
	var note string
	for _, s := range p.Steps {
		switch {
		case !s.Accepted || s.Removal != nil:
		case s.Kind == StepNote:
			note = p.note(s)
		default:
			out = append(out, DiffLine{Field: s.Title, Before: s.Before, After: s.After})
		}
	}
	if note != "" {
		out = append(out, DiffLine{Field: "Internal note (private)", After: note})
	}
	return out
}

// ValidatePlan checks the accepted steps of a plan before it is shown or submitted. It
// refuses a plan that would create a Select association — make a customer the requester
// of, or leave them as the requester of, a ticket under a Select org; set a Select org on a
// customer's ticket; put a Select partner user on a customer org's ticket — or that sets an
// organization the requester does not belong to (Zendesk answers 422), unless the requester
// is created by the same update and the organization owns their address's domain. It also
// refuses references to users or organizations that are not known. The error is one line.
func ValidatePlan(cfg RuleConfig, t Ticket, p Plan, dir *Directory) error {
	if dir == nil {
		dir = NewDirectory()
	}
	ix := dir.index(cfg)
	reqID, orgID := t.RequesterID, t.OrganizationID
	var newReq *NewUser
	reqChanged, orgChanged := false, false
	var removed []MembershipRemoval
	for _, s := range p.Steps {
		if !s.Accepted {
			continue
		}
		switch s.Kind {
		case StepOrgEmail:
			if NormalizeEmail(s.OrgEmail) == "" {
				return fmt.Errorf("%q is not an email address, so it cannot be the Organization Email (partners)", s.OrgEmail)
			}
		case StepRequester:
			switch {
			case s.NewRequester != nil:
				if NormalizeEmail(s.NewRequester.Email) == "" {
					return fmt.Errorf("the new requester's address %q is not an email address", s.NewRequester.Email)
				}
				newReq, reqID = s.NewRequester, 0
			case s.RequesterID != 0:
				if _, ok := dir.users[s.RequesterID]; !ok {
					return fmt.Errorf("the new requester, user #%d, is not known", s.RequesterID)
				}
				newReq, reqID = nil, s.RequesterID
			default:
				return errors.New("the requester step names no user")
			}
			reqChanged = true
		case StepOrganization, StepAssociation:
			if s.Removal != nil {
				removed = append(removed, *s.Removal)
			} else if s.OrganizationID != 0 {
				if _, ok := dir.orgs[s.OrganizationID]; !ok {
					return fmt.Errorf("organization #%d is not known", s.OrganizationID)
				}
				orgID, orgChanged = s.OrganizationID, true
			}
		}
	}

	// A requester change without an organization makes Zendesk put the ticket under the new
	// requester's default organization (a new end user: the one mapped from the email domain).
	if reqChanged && !orgChanged {
		orgID = 0
		if u, ok := dir.users[reqID]; ok && newReq == nil {
			orgID = u.OrganizationID
		} else if newReq != nil {
			orgID = OrgOfEmail(cfg, newReq.Email, dir)
		}
	}

	// who the requester is after the update
	reqName, reqDomain := dir.userName(reqID), ""
	if newReq != nil {
		reqName = NormalizeEmail(newReq.Email)
		reqDomain = domainOf(reqName)
	} else if u, ok := dir.users[reqID]; ok {
		reqDomain = u.domain
	}
	reqTrack, orgTrack := ix.emailTrack(reqDomain), ix.class[orgID]
	orgName := dir.orgName(orgID)
	if reqChanged || orgChanged {
		switch {
		case reqTrack == TrackCustomer && orgTrack == TrackSelect && orgChanged:
			return fmt.Errorf("refused: it would set Select partner organization %s on the ticket of customer %s (never associate a customer with a Select partner's organization)", orgName, reqName)
		case reqTrack == TrackCustomer && orgTrack == TrackSelect:
			return fmt.Errorf("refused: it would make customer %s the requester of a ticket under Select partner organization %s (never associate a customer with a Select partner's organization)", reqName, orgName)
		case reqTrack == TrackSelect && orgTrack == TrackCustomer:
			return fmt.Errorf("refused: it would put Select partner user %s on a ticket of customer organization %s (never associate a Select partner with a customer's organization)", reqName, orgName)
		}
	}
	if orgChanged {
		member := false
		if newReq != nil {
			o := dir.orgs[orgID]
			orgDomains(o, func(d string) { member = member || d == reqDomain })
		} else {
			member = dir.isMember(reqID, orgID) && !slices.ContainsFunc(removed, func(r MembershipRemoval) bool {
				return r.UserID == reqID && r.OrganizationID == orgID
			})
		}
		if !member {
			return fmt.Errorf("refused: %s is not a member of %s, so Zendesk would reject that organization on the ticket (422)", reqName, orgName)
		}
	}
	return nil
}
