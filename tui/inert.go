package tui

import (
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/text"
)

// inertPage returns a copy of a page whose every string people typed into Zendesk —
// subjects, custom field values, user names and addresses, organization names, domains and
// organization fields — has passed text.Line, so nothing the console draws from it can
// clear the screen, retitle the terminal, write the clipboard or reorder a line. The
// session keeps only inert pages, so every screen (queue, preview, detail, wizard, review,
// undo) and every note built from them is inert too.
func inertPage(p model.QueuePage) model.QueuePage {
	out := p
	out.Tickets = make([]model.Ticket, len(p.Tickets))
	for i, t := range p.Tickets {
		t.Subject = text.Line(t.Subject)
		if t.Fields != nil {
			fs := make(map[int64]model.FieldValue, len(t.Fields))
			for id, v := range t.Fields {
				v.Text = text.Line(v.Text)
				fs[id] = v
			}
			t.Fields = fs
		}
		out.Tickets[i] = t
	}
	if p.Users != nil {
		out.Users = make([]model.User, len(p.Users))
		for i, u := range p.Users {
			u.Name, u.Email, u.Role = text.Line(u.Name), text.Line(u.Email), text.Line(u.Role)
			if u.Emails != nil {
				es := make([]string, len(u.Emails))
				for j, e := range u.Emails {
					es[j] = text.Line(e)
				}
				u.Emails = es
			}
			out.Users[i] = u
		}
	}
	if p.Organizations != nil {
		out.Organizations = make([]model.Organization, len(p.Organizations))
		for i, o := range p.Organizations {
			o.Name = text.Line(o.Name)
			if o.DomainNames != nil {
				ds := make([]string, len(o.DomainNames))
				for j, d := range o.DomainNames {
					ds[j] = text.Line(d)
				}
				o.DomainNames = ds
			}
			if o.Fields != nil {
				fs := make(map[string]string, len(o.Fields))
				for k, v := range o.Fields {
					fs[text.Line(k)] = text.Line(v)
				}
				o.Fields = fs
			}
			out.Organizations[i] = o
		}
	}
	return out
}
