package model

import (
	"fmt"
	"slices"
	"strings"
)

// labelWithOrg names a user for a person in a plan: "Name <address>" with their default
// organization, e.g. "Tomas Brandt <tomas@vandelay.io>, Kramerica Industries"; a user
// without an email is "Name (no email)"; one the directory lacks is "user #ID (not found)".
func (d *Directory) labelWithOrg(id int64) string {
	u, ok := d.users[id]
	if !ok || u == nil {
		return d.userName(id)
	}
	name := oneLine(u.Name)
	addr := u.email
	if addr == "" {
		addr = oneLine(u.Email)
	}
	var s string
	switch {
	case name != "" && addr != "":
		s = name + " <" + addr + ">"
	case addr != "":
		s = addr
	case name != "":
		s = name + " (no email)"
	default:
		s = "user #" + itoa(id) + " (no email)"
	}
	if u.OrganizationID != 0 {
		s += ", " + d.orgName(u.OrganizationID)
	}
	return s
}

// existingLabel names an existing user a plan makes the requester, with their organizations:
// "Tomas Brandt <tomas@vandelay.io> (existing user, Kramerica Industries)".
func (d *Directory) existingLabel(id int64) string {
	u := d.users[id]
	if u == nil {
		return d.userName(id)
	}
	name, addr := oneLine(u.Name), u.email
	s := addr
	switch {
	case name != "" && addr != "":
		s = name + " <" + addr + ">"
	case name != "":
		s = name + " (no email)"
	}
	return s + " (existing user, " + d.organizationsOf(id) + ")"
}

// PersonLabel is labelWithOrg for the console: "Name <address>, Organization", "Name (no
// email)", or "user #ID (not found)" for a user Zendesk no longer returns.
func (d *Directory) PersonLabel(id int64) string {
	if id == 0 {
		return "(none)"
	}
	return d.labelWithOrg(id)
}

// organizationsOf names the user's organizations (default first), "no organization" when none.
func (d *Directory) organizationsOf(id int64) string {
	ids := d.OrganizationIDsOf(id)
	if len(ids) == 0 {
		return "no organization"
	}
	names := make([]string, len(ids))
	for i, o := range ids {
		names[i] = d.orgName(o)
	}
	return strings.Join(names, ", ")
}

// existingUser warns that the address being set belongs to an existing user, and says so
// when the organization the plan uses for them (orgT, their own) differs from the one E's
// domain implies (rules.md: "the plan names that user (and their organizations) instead
// of "new end user", and uses their organization for the organization step").
func (b *planBuilder) existingUser(id int64, target string, orgT int64) {
	d := b.dir
	u := d.users[id]
	if u == nil {
		return
	}
	byDomain := int64(0)
	if ids := b.f.ix.customerByDomain[domainOf(target)]; len(ids) > 0 {
		byDomain = ids[0]
	}
	who := d.labelWithOrg(id)
	if byDomain != 0 && orgT != byDomain {
		b.warn("%s already belongs to the existing user %s (organizations: %s), so Zendesk will make them the requester: the ticket goes to %s, not %s as the address's domain suggests. Check with the submitter which customer is meant.",
			target, who, d.organizationsOf(id), d.orgName(orgT), d.orgName(byDomain))
	} else if !d.owns(b.f.req, target) && u.email != target {
		b.warn("%s is a secondary address of the existing user %s: Zendesk makes that user the requester.", target, who)
	}
}

// suspended warns about every suspended user the plan makes the requester or adds as a CC.
func (b *planBuilder) suspended() {
	d := b.dir
	seen := map[int64]bool{}
	for _, s := range b.p.Steps {
		switch s.Kind {
		case StepRequester:
			if u := d.users[s.RequesterID]; s.RequesterID != 0 && u != nil && u.Suspended && !seen[u.ID] {
				seen[u.ID] = true
				b.warn("The new requester %s is suspended in Zendesk: they will receive no email about this ticket.", d.labelWithOrg(u.ID))
			}
		case StepCCs:
			for _, c := range s.CCs {
				id := c.UserID
				if id == 0 {
					id = d.byEmail[NormalizeEmail(c.Email)]
				}
				if u := d.users[id]; id != 0 && u != nil && u.Suspended && !seen[id] {
					seen[id] = true
					b.warn("The new CC %s is suspended in Zendesk: while a CC is suspended, Zendesk sends no CC email on this ticket.", d.labelWithOrg(id))
				}
			}
		}
	}
}

func (b *planBuilder) warn(format string, args ...any) {
	w := fmt.Sprintf(format, args...)
	if !slices.Contains(b.p.Warnings, w) {
		b.p.Warnings = append(b.p.Warnings, w)
	}
}

// SuspendedPeople lists, for the detail screen, the people on a ticket Zendesk reports as
// suspended: its requester, submitter and email CCs (ids, in that order, without repeats).
func SuspendedPeople(t Ticket, dir *Directory) []int64 {
	var out []int64
	for _, id := range append([]int64{t.RequesterID, t.SubmitterID}, t.EmailCCIDs...) {
		if u := dir.users[id]; u != nil && u.Suspended && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
