package model

import (
	"cmp"
	"slices"
)

// AuditKind names the two ways an organization membership breaks the handbook's rule
// ("Never associate a customer to a Select Partner's organization, or vice-versa!").
type AuditKind string

const (
	// AuditCustomerInSelect: a customer user is a member of a Select org (rules.md form a).
	AuditCustomerInSelect AuditKind = "customer_in_select"
	// AuditSelectUserInCustomer: a Select user is a member of a customer org (form b).
	AuditSelectUserInCustomer AuditKind = "select_user_in_customer"
)

// AuditViolation is one membership that breaks the rule. MembershipID is 0 when the link is
// a user's default organization whose membership record was not loaded.
type AuditViolation struct {
	MembershipID   int64
	UserID         int64
	OrganizationID int64
	Kind           AuditKind
	// OpenTickets are the ids of the user's unsolved tickets (filled by the caller that
	// looked them up; ascending).
	OpenTickets []int64
}

// Removal is the membership removal that ends the violation.
func (v AuditViolation) Removal() MembershipRemoval {
	return MembershipRemoval{MembershipID: v.MembershipID, UserID: v.UserID, OrganizationID: v.OrganizationID}
}

// Audit lists every membership in dir that breaks the handbook's rule, by the same
// definitions the ticket rules use (customer user / Select user from the email domain,
// Select / customer org from ClassifyOrganization; see select_partner_association forms a
// and b). Only organizations in dir are judged: an organization missing from dir is never
// reported. Sorted by organization id, then user id, then membership id.
func Audit(cfg RuleConfig, dir *Directory) []AuditViolation {
	if dir == nil {
		return nil
	}
	f := facts{dir: dir, ix: dir.index(cfg)}
	var out []AuditViolation
	var found []Finding
	for _, u := range dir.users {
		dir.verdicts(f.ix, u)
		found = f.userAssociations(u, "user", found[:0])
		for _, fd := range found {
			v := AuditViolation{MembershipID: fd.MembershipID, UserID: fd.UserID, OrganizationID: fd.OrgID,
				Kind: AuditCustomerInSelect}
			if fd.AssociationForm == "b" {
				v.Kind = AuditSelectUserInCustomer
			}
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b AuditViolation) int {
		return cmp.Or(cmp.Compare(a.OrganizationID, b.OrganizationID), cmp.Compare(a.UserID, b.UserID),
			cmp.Compare(a.MembershipID, b.MembershipID))
	})
	return out
}

// PartnerOfTicket is the partner organization behind a queue ticket, for counting who keeps
// making a mistake: on a Select-form ticket the Select org support is based on; otherwise
// the submitter's partner org (their default organization when it is a partner org, else
// the partner org owning their email domain, the lowest id when several do); else the
// partner org of E on a partner_account ticket; 0 when none is known.
func PartnerOfTicket(cfg RuleConfig, t Ticket, dir *Directory) int64 {
	if dir == nil || skipReason(cfg, t) != "" {
		return 0
	}
	f := resolve(cfg, &t, dir)
	if f.sel {
		if id := f.selectBasis(&t); id != 0 {
			return id
		}
	}
	if f.subOK {
		if o := f.sub.OrganizationID; o != 0 {
			if tr := f.ix.class[o]; tr == TrackOpen || tr == TrackSelect {
				return o
			}
		}
		if ids := f.ix.partnerByDomain[f.sub.domain]; len(ids) > 0 {
			return ids[0]
		}
	}
	if f.e != "" && f.eTrack != TrackCustomer {
		return f.partnerOrgOf()
	}
	return 0
}

// PartnerTally counts, for one partner organization, the queued tickets with findings and
// how many of them carry each finding kind.
type PartnerTally struct {
	OrganizationID int64
	Tickets        int                 // queued tickets with at least one finding
	Kinds          map[FindingKind]int // tickets carrying each kind (a ticket counts once per kind)
}

// TallyByPartner groups the queue tickets with findings by PartnerOfTicket (tickets with no
// known partner are left out) and counts each finding kind once per ticket. Sorted by
// Tickets descending, then organization id.
func TallyByPartner(cfg RuleConfig, tickets []Ticket, dir *Directory) []PartnerTally {
	return TallyEvaluated(cfg, tickets, func(t Ticket) Evaluation { return Evaluate(cfg, t, dir) }, dir)
}

// TallyEvaluated is TallyByPartner with the verdicts the caller already holds (eval returns
// the Evaluation of a ticket), so a console that keeps them does not judge the queue again.
func TallyEvaluated(cfg RuleConfig, tickets []Ticket, eval func(Ticket) Evaluation, dir *Directory) []PartnerTally {
	if dir == nil {
		return nil
	}
	byOrg := map[int64]*PartnerTally{}
	seen := map[int64]bool{}
	for _, t := range tickets {
		if seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		ev := eval(t)
		if len(ev.Findings) == 0 {
			continue
		}
		org := PartnerOfTicket(cfg, t, dir)
		if org == 0 {
			continue
		}
		pt := byOrg[org]
		if pt == nil {
			pt = &PartnerTally{OrganizationID: org, Kinds: map[FindingKind]int{}}
			byOrg[org] = pt
		}
		pt.Tickets++
		var kinds []FindingKind
		for _, fd := range ev.Findings {
			if !slices.Contains(kinds, fd.Kind) {
				kinds = append(kinds, fd.Kind)
				pt.Kinds[fd.Kind]++
			}
		}
	}
	out := make([]PartnerTally, 0, len(byOrg))
	for _, pt := range byOrg {
		out = append(out, *pt)
	}
	slices.SortFunc(out, func(a, b PartnerTally) int {
		return cmp.Or(cmp.Compare(b.Tickets, a.Tickets), cmp.Compare(a.OrganizationID, b.OrganizationID))
	})
	return out
}

// AuditResult is an instance-wide audit as the Zendesk client reads it: every membership
// that breaks the rule, how many memberships were looked at, and the people,
// organizations and memberships read (to name them, and to plan removals).
type AuditResult struct {
	// MembershipsChecked counts the distinct memberships judged (the Select orgs' members
	// and the Select users' memberships).
	MembershipsChecked int
	Violations         []AuditViolation
	Page               QueuePage
}
