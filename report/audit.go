package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/partner-triage/partner-triage/model"
)

// Audit is the result of `partner-triage audit` (product.md, "Audit"), JSON shape (every key
// always present):
//
//	{"memberships_checked": N,
//	 "violations": [{"membership_id", "user": {"id", "email", "name"},
//	                 "organization": {"id", "name", "track"},
//	                 "kind": "customer_in_select" | "select_user_in_customer",
//	                 "open_tickets": [ids]}],
//	 "by_partner": [{"organization": {"id", "name", "track"}, "tickets": N,
//	                 "kinds": {"requester_org_mismatch": n, "customer_email_unknown": n,
//	                           "select_partner_association": n, "partner_cc_missing": n}}]}
//
// membership_id is 0 when the link is a default organization whose membership record
// Zendesk did not list. track is "select", "open" or "customer". by_partner counts, per
// partner organization, the queued tickets with findings and how many carry each kind.
type Audit struct {
	MembershipsChecked int              `json:"memberships_checked"`
	Violations         []AuditViolation `json:"violations"`
	ByPartner          []PartnerCount   `json:"by_partner"`
}

// AuditViolation is one membership that breaks the rule.
type AuditViolation struct {
	MembershipID int64     `json:"membership_id"`
	User         AuditUser `json:"user"`
	Organization AuditOrg  `json:"organization"`
	Kind         string    `json:"kind"`
	OpenTickets  []int64   `json:"open_tickets"`
}

// AuditUser names a user; email and name are "" when unknown.
type AuditUser struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// AuditOrg names an organization with its partner track.
type AuditOrg struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Track string `json:"track"`
}

// PartnerCount is one partner organization's queued tickets with findings.
type PartnerCount struct {
	Organization AuditOrg       `json:"organization"`
	Tickets      int            `json:"tickets"`
	Kinds        map[string]int `json:"kinds"`
}

// BuildAudit names the audit's violations from what the audit read, and tallies the queue
// (tickets and dir from a queue load; nil when the queue was not loaded) by partner.
func BuildAudit(cfg model.RuleConfig, res model.AuditResult, tickets []model.Ticket, dir *model.Directory) Audit {
	names := model.NewDirectory()
	names.Merge(res.Page)
	if dir != nil {
		// The queue may have brought organizations and people the audit did not need.
		dir.Organizations(func(o model.Organization) {
			if _, ok := names.Organization(o.ID); !ok {
				names.PutOrganization(o)
			}
		})
	}
	a := Audit{MembershipsChecked: res.MembershipsChecked, Violations: []AuditViolation{}, ByPartner: []PartnerCount{}}
	for _, v := range res.Violations {
		av := AuditViolation{MembershipID: v.MembershipID, Kind: string(v.Kind), OpenTickets: append([]int64{}, v.OpenTickets...),
			User: AuditUser{ID: v.UserID}, Organization: auditOrg(cfg, names, v.OrganizationID)}
		if u, ok := names.User(v.UserID); ok {
			av.User.Email, av.User.Name = u.Email, u.Name
		} else if dir != nil {
			if u, ok := dir.User(v.UserID); ok {
				av.User.Email, av.User.Name = u.Email, u.Name
			}
		}
		a.Violations = append(a.Violations, av)
	}
	if dir != nil {
		for _, pt := range model.TallyByPartner(cfg, tickets, dir) {
			pc := PartnerCount{Organization: auditOrg(cfg, dir, pt.OrganizationID), Tickets: pt.Tickets, Kinds: map[string]int{}}
			for _, k := range Kinds {
				pc.Kinds[string(k)] = pt.Kinds[k]
			}
			a.ByPartner = append(a.ByPartner, pc)
		}
	}
	return a
}

func auditOrg(cfg model.RuleConfig, dir *model.Directory, id int64) AuditOrg {
	o := AuditOrg{ID: id, Track: dir.OrgTrack(cfg, id).String()}
	if org, ok := dir.Organization(id); ok {
		o.Name = org.Name
	}
	return o
}

// CountKinds counts the violations of each kind.
func (a Audit) CountKinds() (customerInSelect, selectInCustomer int) {
	for _, v := range a.Violations {
		switch model.AuditKind(v.Kind) {
		case model.AuditCustomerInSelect:
			customerInSelect++
		case model.AuditSelectUserInCustomer:
			selectInCustomer++
		}
	}
	return
}

// Summary is the closing line of the table, e.g. "42 memberships checked, 3 violations
// (2 customer_in_select, 1 select_user_in_customer)".
func (a Audit) Summary() string {
	s := fmt.Sprintf("%d %s checked, ", a.MembershipsChecked, plural(a.MembershipsChecked, "membership", "memberships"))
	if len(a.Violations) == 0 {
		return s + "no violations"
	}
	cis, sic := a.CountKinds()
	var parts []string
	if cis > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", cis, model.AuditCustomerInSelect))
	}
	if sic > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", sic, model.AuditSelectUserInCustomer))
	}
	return fmt.Sprintf("%s%d %s (%s)", s, len(a.Violations), plural(len(a.Violations), "violation", "violations"), strings.Join(parts, ", "))
}

// WriteAuditJSON writes the audit as one indented JSON document followed by a newline.
func WriteAuditJSON(w io.Writer, a Audit) error {
	if a.Violations == nil {
		a.Violations = []AuditViolation{}
	}
	if a.ByPartner == nil {
		a.ByPartner = []PartnerCount{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(a); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteAuditTable writes the audit for a person: the violations (membership, kind, user,
// organization with its track, open tickets), the summary line, then the partner tally
// when there is one. width is the terminal width; 0 or less means no limit. Text from
// Zendesk is stripped of control characters.
func WriteAuditTable(w io.Writer, a Audit, width int) error {
	var b strings.Builder
	if len(a.Violations) > 0 {
		rows := [][]string{{"MEMBERSHIP", "KIND", "USER", "ORGANIZATION", "OPEN TICKETS"}}
		for _, v := range a.Violations {
			user := clean(v.User.Email)
			if user == "" {
				user = orDash(clean(v.User.Name))
			}
			org := orDash(clean(v.Organization.Name)) + " (" + v.Organization.Track + ")"
			tickets := make([]string, len(v.OpenTickets))
			for i, id := range v.OpenTickets {
				tickets[i] = fmt.Sprintf("#%d", id)
			}
			mem := "-"
			if v.MembershipID != 0 {
				mem = fmt.Sprint(v.MembershipID)
			}
			rows = append(rows, []string{mem, v.Kind, user, org, orDash(strings.Join(tickets, " "))})
		}
		if width > 0 && gridWidth(rows) > width {
			// Too narrow for one row each: the membership, then who and where below it.
			for _, r := range rows[1:] {
				wrap(&b, "", r[0]+"  "+r[1]+"  open: "+r[4], width)
				wrap(&b, "    ", r[2]+" in "+r[3], width)
			}
		} else {
			writeGrid(&b, rows, width, []int{2, 3, 4})
		}
		b.WriteString("\n")
	}
	wrap(&b, "", a.Summary(), width)
	if len(a.ByPartner) > 0 {
		b.WriteString("\nQueued tickets with findings, by partner (who keeps making the mistake):\n")
		rows := [][]string{{"PARTNER", "TRACK", "TICKETS", "MISMATCH", "UNKNOWN", "SELECT", "CC"}}
		for _, p := range a.ByPartner {
			rows = append(rows, []string{orDash(clean(p.Organization.Name)), p.Organization.Track, fmt.Sprint(p.Tickets),
				fmt.Sprint(p.Kinds[string(model.KindRequesterOrgMismatch)]), fmt.Sprint(p.Kinds[string(model.KindCustomerEmailUnknown)]),
				fmt.Sprint(p.Kinds[string(model.KindSelectPartnerAssociation)]), fmt.Sprint(p.Kinds[string(model.KindPartnerCCMissing)])})
		}
		writeGrid(&b, rows, width, []int{0})
		wrap(&b, "", "(MISMATCH requester_org_mismatch, UNKNOWN customer_email_unknown, SELECT select_partner_association, CC partner_cc_missing)", width)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// gridWidth is the width writeGrid needs for rows without cutting any cell.
func gridWidth(rows [][]string) int {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	n := len(gap) * (len(widths) - 1)
	for _, w := range widths {
		n += w
	}
	return n
}

// writeGrid writes rows (the first is the header) as aligned columns; when a row is wider
// than width (> 0), the shrinkable columns are cut (with …) down to 12 cells, widest first.
func writeGrid(b *strings.Builder, rows [][]string, width int, shrink []int) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	if width > 0 {
		total := func() int {
			n := len(gap) * (len(widths) - 1)
			for _, w := range widths {
				n += w
			}
			return n
		}
		for total() > width {
			best := -1
			for _, i := range shrink {
				if widths[i] > 12 && (best < 0 || widths[i] > widths[best]) {
					best = i
				}
			}
			if best < 0 {
				break
			}
			widths[best]--
		}
	}
	for _, row := range rows {
		var l strings.Builder
		for i, c := range row {
			if i > 0 {
				l.WriteString(gap)
			}
			c = ansi.Truncate(c, widths[i], "…")
			l.WriteString(c)
			l.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)))
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteString("\n")
	}
}
