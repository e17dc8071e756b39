package model

import (
	"reflect"
	"strings"
	"testing"
)

// fuzzWorld builds a directory and a ticket from arbitrary bytes and strings, drawing ids,
// domains and track values from small pools so that collisions (the interesting cases)
// happen often.
type fuzzWorld struct {
	orgs    []Organization
	users   []User
	members []Membership
	ticket  Ticket
}

// person draws a user id for a ticket: mostly one of the pool's, sometimes one no endpoint
// returns (a deleted or merged user, like ticket 8802's 361000000777) or 0 (a null id).
func person(b int) int64 {
	if b%11 == 10 {
		return 361000000777
	}
	return int64(b % 9) // 0 is a null id; ids the pool's users happen not to take are missing too
}

func buildFuzzWorld(data []byte, e, cc, extra string) fuzzWorld {
	pos := 0
	next := func() int {
		if pos >= len(data) {
			return 0
		}
		b := data[pos]
		pos++
		return int(b)
	}
	domains := []string{"acme.com", "ACME.com", "acme.cmo", "partner.io", "select.net", "eu.acme.com", "", " globex.com ", extra}
	tracks := []string{"", "select", "Select ", "OPEN", "open", "customer", extra}
	emails := []string{"jane@acme.com", "JANE@acme.com", "pat@partner.io", "sam@select.net", "x@acme.cmo", "", "n/a", e, cc, extra + "@acme.com"}
	kinds := []FieldKind{FieldNull, FieldString, FieldNumber, FieldBool, FieldList, FieldOther, 17}

	var w fuzzWorld
	for i, n := 0, next()%6; i < n; i++ {
		o := Organization{ID: int64(next() % 8), Name: extra}
		for j, m := 0, next()%3; j < m; j++ {
			o.DomainNames = append(o.DomainNames, domains[next()%len(domains)])
		}
		if next()%4 != 0 {
			o.Fields = map[string]string{"partner_track": tracks[next()%len(tracks)]}
		}
		w.orgs = append(w.orgs, o)
	}
	for i, n := 0, next()%6; i < n; i++ {
		w.users = append(w.users, User{ID: int64(next() % 8), Email: emails[next()%len(emails)], OrganizationID: int64(next() % 8)})
	}
	for i, n := 0, next()%6; i < n; i++ {
		w.members = append(w.members, Membership{ID: int64(next() % 5), UserID: int64(next() % 8), OrganizationID: int64(next() % 8)})
	}
	t := Ticket{ID: int64(next()), Status: []string{"open", "new", "pending", "hold", "solved", ""}[next()%6],
		FormID:      []int64{formOpen, formSelect, formOther, 0}[next()%4],
		RequesterID: person(next()), SubmitterID: person(next()), OrganizationID: int64(next() % 9),
		Fields: map[int64]FieldValue{}}
	if next()%5 != 0 {
		t.Fields[fEmail] = FieldValue{Kind: kinds[next()%len(kinds)], Text: e}
	}
	if next()%3 != 0 {
		t.Fields[fCC] = FieldValue{Kind: kinds[next()%len(kinds)], Text: cc}
	}
	for i, n := 0, next()%3; i < n; i++ {
		t.EmailCCIDs = append(t.EmailCCIDs, person(next()))
	}
	for i, n := 0, next()%3; i < n; i++ {
		t.CollaboratorIDs = append(t.CollaboratorIDs, person(next()))
	}
	if next()%7 == 0 {
		t.Fields = nil
	}
	w.ticket = t
	return w
}

func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{3, 1, 1, 0, 1, 2, 2, 0, 2, 3, 1, 1, 4, 3, 1, 0, 1, 1, 0, 1, 2, 1, 4, 0, 0, 1, 1, 1, 0, 0, 1, 1}, "jane@acme.cmo", "yes", "x")
	f.Add([]byte{5, 1, 2, 0, 1, 1, 1, 2, 1, 3, 1, 2, 1, 4, 3, 1, 4, 1, 2, 5, 2, 2, 2, 1, 3, 3, 3, 1, 1, 3, 2, 4, 4, 0, 2, 2, 0, 1, 1, 1}, " Jane@ACME.com ", "Ann <ann@partner.io>; pat@partner.io", "Select")
	f.Add([]byte{2, 3, 1, 4, 1, 1, 4, 1, 2, 1, 3, 1, 1, 3, 5, 3, 1, 1, 4, 0, 2, 2, 3, 4, 1, 1, 0, 2, 1, 1, 1, 1, 2, 3}, "n/a", "", "")
	f.Add([]byte{}, "", "", "")
	// ticket 8802: the requester and a CC are ids no endpoint returns
	f.Add([]byte{1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 9, 1, 0, 0, 10, 10, 3, 1, 1, 10, 1, 0}, "jane@acme.com", "cc me", "x")
	f.Add([]byte{255, 255, 255, 255, 255, 255, 255, 255, 255}, "@", "@@ <> ,;", "é")
	f.Fuzz(func(t *testing.T, data []byte, e, cc, extra string) {
		w := buildFuzzWorld(data, e, cc, extra)
		dir := NewDirectory()
		dir.Merge(QueuePage{Users: w.users, Organizations: w.orgs, Memberships: w.members})
		for _, id := range ticketUserIDs(w.ticket) {
			u, ok := dir.User(id)
			if !ok && u.ID != 0 {
				t.Fatalf("User(%d) of a missing user = %+v", id, u)
			}
			if name := dir.userName(id); !ok && id != 0 && name != "user #"+itoa(id)+" (not found)" {
				t.Fatalf("missing user %d is named %q", id, name)
			}
		}
		ev := Evaluate(testCfg, w.ticket, dir)
		if ev.TicketID != w.ticket.ID {
			t.Fatalf("ticket id %d", ev.TicketID)
		}
		if ev.Skipped != "" && len(ev.Findings) != 0 {
			t.Fatal("skipped with findings")
		}
		for _, fd := range ev.Findings {
			if fd.Message == "" || strings.Contains(fd.Message, "\n") {
				t.Fatalf("bad message %q", fd.Message)
			}
		}

		// The index kept incrementally equals one built from scratch.
		inc := NewDirectory()
		inc.Merge(QueuePage{Users: w.users, Memberships: w.members})
		Evaluate(testCfg, w.ticket, inc)
		for _, o := range w.orgs {
			inc.PutOrganization(o)
			Evaluate(testCfg, w.ticket, inc)
		}
		if got := Evaluate(testCfg, w.ticket, inc); !reflect.DeepEqual(got, ev) {
			t.Fatalf("incremental index differs:\n%+v\n%+v", got, ev)
		}

		for _, opt := range []PlanOptions{{}, {OrgEmail: cc, NewRequesterName: extra}, {OrgEmail: extra + "@acme.com"}} {
			p := BuildPlan(testCfg, w.ticket, ev, dir, opt)
			err := ValidatePlan(testCfg, w.ticket, p, dir)
			if p.Refused == "" && err != nil {
				t.Fatalf("plan not refused but invalid: %v", err)
			}
			u, rm := p.Compile(testCfg)
			if p.Refused != "" && (!u.IsEmpty() || rm != nil) {
				t.Fatal("refused plan compiled to writes")
			}
			if len(p.Steps) == 0 && !u.IsEmpty() {
				t.Fatal("empty plan compiled to writes")
			}
			if u.RequesterID != 0 && u.NewRequester != nil {
				t.Fatal("both requester forms")
			}
			if u.OrganizationID != nil && *u.OrganizationID == 0 {
				t.Fatal("organization 0 sent")
			}
			p.Diff()
			// Toggling any step keeps the plan compilable and the validator quiet or clear.
			for i := range p.Steps {
				p.Steps[i].Accepted = !p.Steps[i].Accepted
				p.RefreshNote()
				p.Compile(testCfg)
				if err := ValidatePlan(testCfg, w.ticket, p, dir); err != nil && strings.Contains(err.Error(), "\n") {
					t.Fatal("multi-line reason")
				}
			}
		}
	})
}

func ticketUserIDs(t Ticket) []int64 {
	ids := append([]int64{t.RequesterID, t.SubmitterID}, t.EmailCCIDs...)
	return append(ids, t.CollaboratorIDs...)
}
