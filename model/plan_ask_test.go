package model

import (
	"strings"
	"testing"
)

// A plan that tells the agent to ask the submitter carries Plan.Ask (what `a` follows), and
// a plan partner-triage cannot carry out itself is a "need a person" shape, never "nothing
// to change" (trial: 4006 and 4013 were counted as needing nothing).
func TestPlanAskAndNeedsPerson(t *testing.T) {
	dir := testDir()
	sam, _ := dir.User(uSam)
	sam.Emails = []string{"sam@globex.com"} // a secondary identity on a customer's domain
	dir.PutUser(sam)
	cases := []struct {
		name     string
		ticket   Ticket
		ask      bool   // Plan.Ask set
		question string // in Ask.Question ("" → the situations template)
		shape    PlanShape
	}{
		{name: "unknown address, nothing near: ask for the customer's address",
			ticket: tk(email("devops@quantumleaf.ai"), reqSub(uPat, uPat)),
			ask:    true, question: "devops@quantumleaf.ai", shape: ShapePerson},
		{name: "unknown scenario (Open form, empty E): ask which situation applies",
			ticket: tk(reqSub(uPat, uPat), org(orgPartner)),
			ask:    true, shape: ShapePerson},
		{name: "Select ticket of a customer requester: by hand (a public reply would reach the customer)",
			ticket: tk(form(formSelect), reqSub(uJane, uSam), org(orgSelect)),
			shape:  ShapePerson},
		{name: "E on a customer domain but owned by a Select user (secondary identity): ask for the customer's address",
			ticket: tk(email("sam@globex.com"), reqSub(uPat, uPat), org(orgPartner)),
			ask:    true, question: "sam@globex.com", shape: ShapePerson},
		{name: "clean: truly nothing to change",
			ticket: tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgAcme)),
			shape:  ShapeNothing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := Evaluate(testCfg, c.ticket, dir)
			p := BuildPlan(testCfg, c.ticket, ev, dir, PlanOptions{})
			if (p.Ask != nil) != c.ask {
				t.Fatalf("Ask = %+v, want set %v (manual %q)", p.Ask, c.ask, p.Manual)
			}
			if p.Ask != nil {
				if !strings.Contains(p.Ask.Question, c.question) || (c.question == "") != (p.Ask.Question == "") {
					t.Errorf("question %q, want one about %q", p.Ask.Question, c.question)
				}
				if len(p.Manual) == 0 || !strings.Contains(strings.Join(p.Manual, " "), p.Ask.Why) {
					t.Errorf("the advice %q does not say why to ask (%q)", p.Manual, p.Ask.Why)
				}
			}
			if got := ShapeOf(p); got != c.shape {
				t.Errorf("shape %+v, want %+v", got, c.shape)
			}
		})
	}
	// A refused plan needs a person too, and the groups list the changes first, then the
	// tickets that need a person, then those that need nothing.
	refused := Plan{Refused: "refused: x"}
	if !refused.NeedsPerson() {
		t.Error("a refused plan does not need a person")
	}
	change := BuildPlan(testCfg, tk(email("jane@acme.cmo"), reqSub(uTypo, uPat)),
		Evaluate(testCfg, tk(email("jane@acme.cmo"), reqSub(uTypo, uPat)), dir), dir, PlanOptions{})
	groups := GroupByShape([]Plan{{}, refused, change})
	if len(groups) != 3 || groups[1].Shape != ShapePerson || groups[2].Shape != ShapeNothing {
		t.Errorf("groups %+v", groups)
	}
}

// An address typed for the Organization Email that a Select (or Open) partner's user owns is
// set only with a warning that says so, the review names its owner, the requester is not
// moved to that partner user, and the note does not cite handbook example 1 for it.
func TestPlanTypedPartnerAddress(t *testing.T) {
	dir := testDir()
	ticket := tk(email("jane@acme.cmo"), reqSub(uTypo, uPat))
	ev := Evaluate(testCfg, ticket, dir)
	cases := []struct {
		typed, warning, after string
		select_               bool
	}{
		{typed: "Sam@Select.net", select_: true,
			warning: "sam@select.net belongs to Sam of SelectCo, a Select partner: the Organization Email must be the end customer's address",
			after:   "sam@select.net (existing user Sam of SelectCo, a Select partner)"},
		{typed: "nobody@select.net", select_: true,
			warning: "nobody@select.net is an address of SelectCo, a Select partner: the Organization Email must be the end customer's address"},
		{typed: "ann@partner.io",
			warning: "ann@partner.io belongs to Ann of PartnerCo, an Open partner: the Organization Email must be the end customer's address, unless the ticket is the partner's own work"},
	}
	for _, c := range cases {
		t.Run(c.typed, func(t *testing.T) {
			p := BuildPlan(testCfg, ticket, ev, dir, PlanOptions{OrgEmail: c.typed})
			if p.Refused != "" {
				t.Fatalf("refused: %s", p.Refused)
			}
			if !strings.Contains(strings.Join(p.Warnings, "\n"), c.warning) {
				t.Errorf("warnings %q, want %q", p.Warnings, c.warning)
			}
			for _, s := range p.Steps {
				if s.Kind == StepRequester || s.Kind == StepOrganization {
					t.Errorf("the plan moves the ticket to the partner: %s %s → %s", s.Title, s.Before, s.After)
				}
				if s.Kind == StepOrgEmail {
					if c.after != "" && s.After != c.after {
						t.Errorf("review shows %q, want %q", s.After, c.after)
					}
					if strings.Contains(s.Why, "example 1: a ticket a partner raises for a customer") {
						t.Errorf("Why cites example 1 for a partner's address: %s", s.Why)
					}
				}
			}
			u, _ := p.Compile(testCfg)
			if u.RequesterID != 0 || u.NewRequester != nil || u.OrganizationID != nil {
				t.Errorf("update moves the requester/organization: %+v", u)
			}
			if u.CustomFields[fEmail] != NormalizeEmail(c.typed) {
				t.Errorf("Organization Email sent %q", u.CustomFields[fEmail])
			}
			if strings.Contains(u.Note, "example 1: a ticket a partner raises") {
				t.Errorf("note cites example 1:\n%s", u.Note)
			}
			if c.select_ && !strings.Contains(u.Note, "Never associate a customer") {
				t.Errorf("note does not name the Select rule:\n%s", u.Note)
			}
		})
	}
}

// A question to the submitter reaches them only as requester or CC: AskCC names the
// submitter to CC when they are neither.
func TestAskCC(t *testing.T) {
	cases := []struct {
		name string
		t    Ticket
		want int64
	}{
		{"partner raised it for a customer", tk(reqSub(uTypo, uPat)), uPat},
		{"the submitter is the requester", tk(reqSub(uPat, uPat)), 0},
		{"already CC'd", tk(reqSub(uTypo, uPat), ccs(uPat)), 0},
		{"a collaborator", tk(reqSub(uTypo, uPat), collabs(uPat)), 0},
		{"no submitter", tk(reqSub(uTypo, 0)), 0},
	}
	for _, c := range cases {
		if got := AskCC(c.t); got != c.want {
			t.Errorf("%s: AskCC = %d, want %d", c.name, got, c.want)
		}
	}
}

// A flagged ticket whose plan has no step for its findings is never "nothing to change":
// the findings become steps by hand, and the plan needs a person.
func TestPlanUnplannedFindingsNeedAPerson(t *testing.T) {
	dir := testDir()
	clean := tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgAcme))
	ev := Evaluate(testCfg, clean, dir)
	ev.Findings = append(ev.Findings, Finding{Kind: KindRequesterOrgMismatch, Severity: SeverityError, Message: "Something no step covers."})
	p := BuildPlan(testCfg, clean, ev, dir, PlanOptions{})
	if !p.NeedsPerson() || len(p.Manual) != 1 || !strings.Contains(p.Manual[0], "Something no step covers.") {
		t.Errorf("plan %+v: want the finding as a step by hand", p)
	}
	if ShapeOf(p) != ShapePerson {
		t.Errorf("shape %+v", ShapeOf(p))
	}
}
