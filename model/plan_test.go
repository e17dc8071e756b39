package model

import (
	"reflect"
	"strings"
	"testing"
)

// plain strips what the table does not spell out (titles, reasons, the note's text, which
// TestPlanNote checks exactly) after checking they are there.
func plain(t *testing.T, steps []Step) []Step {
	t.Helper()
	var out []Step
	for _, s := range steps {
		if s.Title == "" || s.Why == "" {
			t.Errorf("step %s without title or reason: %+v", s.Kind, s)
		}
		if s.Kind != StepNote && len(s.cites) == 0 {
			t.Errorf("step %s cites no passage", s.Kind)
		}
		s.Title, s.Why, s.autoNote, s.cites, s.noteLine = "", "", "", nil, ""
		if s.Kind == StepNote {
			if s.Note == "" || s.After != s.Note {
				t.Errorf("note step without text: %+v", s)
			}
			s.Note, s.After = "", ""
		}
		out = append(out, s)
	}
	return out
}

var noteStep = Step{Kind: StepNote, Accepted: true, Editable: true}

func ptr(n int64) *int64 { return &n }

func TestBuildPlan(t *testing.T) {
	type compiled struct {
		fields    map[int64]string
		requester int64
		newReq    *NewUser
		org       *int64
		ccs       []CCRef
		removals  []MembershipRemoval
	}
	cases := []struct {
		name     string
		t        Ticket
		opt      PlanOptions
		steps    []Step
		manual   int
		refused  string // a part of the reason
		compiled compiled
	}{
		{name: "clean ticket: no steps",
			t: tk(email(" Jane@ACME.com "), reqSub(uJane, uPat), org(orgAcme))},
		{name: "example 1: mistyped domain → field, requester, organization; partner CC offered, off",
			t: tk(email("jane@acme.cmo"), reqSub(uTypo, uPat)),
			steps: []Step{
				{Kind: StepOrgEmail, Before: "jane@acme.cmo", After: "jane@acme.com", OrgEmail: "jane@acme.com", Accepted: true, Editable: true},
				{Kind: StepRequester, Before: "jane@acme.cmo", After: "Jane <jane@acme.com> (existing user, Acme)", RequesterID: uJane, Accepted: true},
				{Kind: StepOrganization, Before: "(none)", After: "Acme", OrganizationID: orgAcme, Accepted: true},
				{Kind: StepCCs, Toggle: true, Before: "", After: "pat@partner.io", CCs: []CCRef{{UserID: uPat}}},
				noteStep,
			},
			compiled: compiled{fields: map[int64]string{fEmail: "jane@acme.com"}, requester: uJane, org: ptr(orgAcme)}},
		{name: "example 1 with the agent's address: requester created with a derived name",
			t:   tk(email("jane@acme.cmo"), reqSub(uTypo, uPat)),
			opt: PlanOptions{OrgEmail: " Jane.Doe@ACME.com "},
			steps: []Step{
				{Kind: StepOrgEmail, Before: "jane@acme.cmo", After: "jane.doe@acme.com", OrgEmail: "jane.doe@acme.com", Accepted: true, Editable: true},
				{Kind: StepRequester, Before: "jane@acme.cmo", After: "Jane Doe <jane.doe@acme.com> (new end user)",
					NewRequester: &NewUser{Email: "jane.doe@acme.com", Name: "Jane Doe"}, Accepted: true, Editable: true},
				{Kind: StepOrganization, Before: "(none)", After: "Acme", OrganizationID: orgAcme, Accepted: true},
				{Kind: StepCCs, Toggle: true, Before: "", After: "pat@partner.io", CCs: []CCRef{{UserID: uPat}}},
				noteStep,
			},
			compiled: compiled{fields: map[int64]string{fEmail: "jane.doe@acme.com"},
				newReq: &NewUser{Email: "jane.doe@acme.com", Name: "Jane Doe"}, org: ptr(orgAcme)}},
		{name: "the agent names the new requester",
			t:   tk(email("jane@acme.cmo"), reqSub(uTypo, uTypo)),
			opt: PlanOptions{OrgEmail: "jd@acme.com", NewRequesterName: "  Jane Doe-Smith "},
			steps: []Step{
				{Kind: StepOrgEmail, Before: "jane@acme.cmo", After: "jd@acme.com", OrgEmail: "jd@acme.com", Accepted: true, Editable: true},
				{Kind: StepRequester, Before: "jane@acme.cmo", After: "Jane Doe-Smith <jd@acme.com> (new end user)",
					NewRequester: &NewUser{Email: "jd@acme.com", Name: "Jane Doe-Smith"}, Accepted: true, Editable: true},
				{Kind: StepOrganization, Before: "(none)", After: "Acme", OrganizationID: orgAcme, Accepted: true},
				noteStep,
			},
			compiled: compiled{fields: map[int64]string{fEmail: "jd@acme.com"},
				newReq: &NewUser{Email: "jd@acme.com", Name: "Jane Doe-Smith"}, org: ptr(orgAcme)}},
		{name: "the agent's address is not an address → refused, no steps",
			t: tk(email("jane@acme.cmo"), reqSub(uTypo, uPat)), opt: PlanOptions{OrgEmail: "n/a"},
			refused: `"n/a" is not an email address`},
		{name: "example 3: the partner is the requester → requester and organization to the customer's",
			t: tk(email("jane@acme.com"), reqSub(uPat, uPat), org(orgPartner)),
			steps: []Step{
				{Kind: StepRequester, Before: "pat@partner.io", After: "Jane <jane@acme.com> (existing user, Acme)", RequesterID: uJane, Accepted: true},
				{Kind: StepOrganization, Before: "PartnerCo", After: "Acme", OrganizationID: orgAcme, Accepted: true},
				{Kind: StepCCs, Toggle: true, Before: "", After: "pat@partner.io", CCs: []CCRef{{UserID: uPat}}},
				noteStep,
			},
			compiled: compiled{requester: uJane, org: ptr(orgAcme)}},
		{name: "example 4: no user yet on a known domain → create the requester, org by domain",
			t: tk(email("new.person@acme.com"), reqSub(uPat, uPat), org(orgPartner)),
			steps: []Step{
				{Kind: StepRequester, Before: "pat@partner.io", After: "New Person <new.person@acme.com> (new end user)",
					NewRequester: &NewUser{Email: "new.person@acme.com", Name: "New Person"}, Accepted: true, Editable: true},
				{Kind: StepOrganization, Before: "PartnerCo", After: "Acme", OrganizationID: orgAcme, Accepted: true},
				{Kind: StepCCs, Toggle: true, Before: "", After: "pat@partner.io", CCs: []CCRef{{UserID: uPat}}},
				noteStep,
			},
			compiled: compiled{newReq: &NewUser{Email: "new.person@acme.com", Name: "New Person"}, org: ptr(orgAcme)}},
		{name: "example 5: requester right, organization empty → organization only",
			t: tk(email("jane@acme.com"), reqSub(uJane, uPat)),
			steps: []Step{
				{Kind: StepOrganization, Before: "(none)", After: "Acme", OrganizationID: orgAcme, Accepted: true},
				noteStep,
			},
			compiled: compiled{org: ptr(orgAcme)}},
		{name: "unknown address, nothing near → nothing to change, the agent asks",
			t: tk(email("eve@eu.acme.com"), reqSub(uSubAcme, uPat)), manual: 1},
		// Carl's default organization is SelectCo: Zendesk would move the ticket there with the
		// requester, creating a Select association, so the plan is refused (fix Carl first).
		{name: "existing user outside the org(E) organization → requester only; refused while his default org is Select",
			t: tk(email("carl@globex.com"), reqSub(uPat, uPat), org(orgPartner)), manual: 1,
			refused: "refused: it would make customer carl@globex.com the requester of a ticket under Select partner organization SelectCo (never associate a customer with a Select partner's organization)",
			steps: []Step{
				{Kind: StepRequester, Before: "pat@partner.io", After: "Carl <carl@globex.com> (existing user, SelectCo)", RequesterID: uCarl, Accepted: true},
				{Kind: StepCCs, Toggle: true, Before: "", After: "pat@partner.io", CCs: []CCRef{{UserID: uPat}}},
				noteStep,
			},
			compiled: compiled{requester: uCarl}},
		{name: "services engagement: the partner who loses the ticket is CC'd by default",
			t: tk(email("jane@acme.com"), ccField("yes"), reqSub(uPat, uPat), org(orgPartner), ccs(uAnn)),
			steps: []Step{
				{Kind: StepRequester, Before: "pat@partner.io", After: "Jane <jane@acme.com> (existing user, Acme)", RequesterID: uJane, Accepted: true},
				{Kind: StepOrganization, Before: "PartnerCo", After: "Acme", OrganizationID: orgAcme, Accepted: true},
				{Kind: StepCCs, Toggle: true, Before: "ann@partner.io", After: "ann@partner.io, pat@partner.io", CCs: []CCRef{{UserID: uPat}}, Accepted: true},
				noteStep,
			},
			compiled: compiled{requester: uJane, org: ptr(orgAcme), ccs: []CCRef{{UserID: uPat}}}},
		{name: "partner_cc_missing with addresses: known user by id, unknown by address",
			t: tk(email("jane@acme.com"), ccField("Ann <ann@partner.io>, new@partner.io, pat@partner.io"), reqSub(uJane, uPat), org(orgAcme), ccs(uPat)),
			steps: []Step{
				{Kind: StepCCs, Toggle: true, Before: "pat@partner.io", After: "pat@partner.io, ann@partner.io, new@partner.io (new end user)",
					CCs: []CCRef{{UserID: uAnn}, {Email: "new@partner.io"}}, Accepted: true},
				noteStep,
			},
			compiled: compiled{ccs: []CCRef{{UserID: uAnn}, {Email: "new@partner.io"}}}},
		{name: "partner_cc_missing without addresses: the submitter",
			t: tk(email("jane@acme.com"), ccField("yes please"), reqSub(uJane, uPat), org(orgAcme)),
			steps: []Step{
				{Kind: StepCCs, Toggle: true, Before: "", After: "pat@partner.io", CCs: []CCRef{{UserID: uPat}}, Accepted: true},
				noteStep,
			},
			compiled: compiled{ccs: []CCRef{{UserID: uPat}}}},
		{name: "association (a): remove the customer's Select membership",
			t: tk(email("bob@acme.com"), reqSub(uBob, uPat), org(orgAcme)),
			steps: []Step{
				{Kind: StepAssociation, Before: "bob@acme.com is a member of SelectCo", After: "bob@acme.com is not a member of SelectCo",
					Removal: &MembershipRemoval{MembershipID: memBobSel, UserID: uBob, OrganizationID: orgSelect}, Accepted: true},
				noteStep,
			},
			compiled: compiled{removals: []MembershipRemoval{{MembershipID: memBobSel, UserID: uBob, OrganizationID: orgSelect}}}},
		{name: "association (a) by default organization only: membership looked up at submit",
			t: tk(email("dan@globex.com"), reqSub(uDan, uPat), org(orgGlobex)),
			steps: []Step{
				{Kind: StepAssociation, Before: "dan@globex.com is a member of SelectCo", After: "dan@globex.com is not a member of SelectCo",
					Removal: &MembershipRemoval{UserID: uDan, OrganizationID: orgSelect}, Accepted: true},
				noteStep,
			},
			compiled: compiled{removals: []MembershipRemoval{{UserID: uDan, OrganizationID: orgSelect}}}},
		{name: "association (b): remove the Select submitter's customer membership",
			t: tk(email("jane@acme.com"), reqSub(uJane, uSue), org(orgAcme)),
			steps: []Step{
				{Kind: StepAssociation, Before: "sue@select.net is a member of Acme", After: "sue@select.net is not a member of Acme",
					Removal: &MembershipRemoval{MembershipID: memSueAcme, UserID: uSue, OrganizationID: orgAcme}, Accepted: true},
				noteStep,
			},
			compiled: compiled{removals: []MembershipRemoval{{MembershipID: memSueAcme, UserID: uSue, OrganizationID: orgAcme}}}},
		{name: "association (c) on an Open ticket: the organization step moves it to org(E)",
			t: tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgSelect2)),
			steps: []Step{
				{Kind: StepOrganization, Before: "Select Two", After: "Acme", OrganizationID: orgAcme, Accepted: true},
				noteStep,
			},
			compiled: compiled{org: ptr(orgAcme)}},
		{name: "association (c) on an Open ticket without E: move to the requester's customer org",
			t: tk(reqSub(uJane, uPat), org(orgSelect2)),
			steps: []Step{
				{Kind: StepAssociation, Before: "Select Two", After: "Acme", OrganizationID: orgAcme, Accepted: true},
				noteStep,
			},
			compiled: compiled{org: ptr(orgAcme)}},
		{name: "association (a)+(c) on a Select ticket: remove the membership; the requester is manual",
			t: tk(form(formSelect), reqSub(uBob, uBob), org(orgSelect)), manual: 1,
			steps: []Step{
				{Kind: StepAssociation, Before: "bob@acme.com is a member of SelectCo", After: "bob@acme.com is not a member of SelectCo",
					Removal: &MembershipRemoval{MembershipID: memBobSel, UserID: uBob, OrganizationID: orgSelect}, Accepted: true},
				noteStep,
			},
			compiled: compiled{removals: []MembershipRemoval{{MembershipID: memBobSel, UserID: uBob, OrganizationID: orgSelect}}}},
		{name: "association (d): Select ticket under a customer org → the requester's Select org",
			t: tk(form(formSelect), reqSub(uSam, uSam), org(orgAcme)),
			steps: []Step{
				{Kind: StepAssociation, Before: "Acme", After: "SelectCo", OrganizationID: orgSelect, Accepted: true},
				noteStep,
			},
			compiled: compiled{org: ptr(orgSelect)}},
		{name: "association (d) with a customer requester in a Select org: remove that membership, never use it",
			t: tk(form(formSelect), reqSub(uBob, uBob), org(orgAcme)), manual: 1,
			steps: []Step{
				{Kind: StepAssociation, Before: "bob@acme.com is a member of SelectCo", After: "bob@acme.com is not a member of SelectCo",
					Removal: &MembershipRemoval{MembershipID: memBobSel, UserID: uBob, OrganizationID: orgSelect}, Accepted: true},
				noteStep,
			},
			compiled: compiled{removals: []MembershipRemoval{{MembershipID: memBobSel, UserID: uBob, OrganizationID: orgSelect}}}},
		{name: "association (d) with a requester in no Select org → manual only",
			t: tk(form(formSelect), reqSub(uJane, uJane), org(orgAcme)), manual: 1},
		{name: "a requester change that would leave a customer under a Select org is refused",
			t:       tk(email("carl@globex.com"), reqSub(uPat, uPat), org(orgSelect)),
			manual:  1,
			refused: "refused: it would make customer carl@globex.com the requester of a ticket under Select partner organization SelectCo",
			steps: []Step{
				{Kind: StepRequester, Before: "pat@partner.io", After: "Carl <carl@globex.com> (existing user, SelectCo)", RequesterID: uCarl, Accepted: true},
				{Kind: StepCCs, Toggle: true, Before: "", After: "pat@partner.io", CCs: []CCRef{{UserID: uPat}}},
				noteStep,
			}},
		{name: "skipped ticket: no plan", t: tk(status("closed"), email("jane@acme.cmo"), req(uTypo))},
	}
	dir := testDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := Evaluate(testCfg, c.t, dir)
			p := BuildPlan(testCfg, c.t, ev, dir, c.opt)
			if p.TicketID != c.t.ID || !p.UpdatedStamp.Equal(loadStamp) {
				t.Errorf("plan id/stamp = %d/%v", p.TicketID, p.UpdatedStamp)
			}
			if got := plain(t, p.Steps); !reflect.DeepEqual(got, c.steps) {
				t.Errorf("steps:\n got  %+v\n want %+v", got, c.steps)
			}
			if len(p.Manual) != c.manual {
				t.Errorf("manual = %q, want %d item(s)", p.Manual, c.manual)
			}
			for _, m := range p.Manual {
				checkSentence(t, m)
			}
			if c.refused == "" && p.Refused != "" || !strings.Contains(p.Refused, c.refused) {
				t.Fatalf("refused = %q, want %q", p.Refused, c.refused)
			}
			u, rm := p.Compile(testCfg)
			if c.refused != "" {
				if !u.IsEmpty() || rm != nil {
					t.Errorf("a refused plan compiled to %+v, %+v", u, rm)
				}
				return
			}
			want := TicketUpdate{TicketID: c.t.ID, UpdatedStamp: loadStamp, CustomFields: c.compiled.fields,
				RequesterID: c.compiled.requester, NewRequester: c.compiled.newReq, OrganizationID: c.compiled.org,
				AddEmailCCs: c.compiled.ccs}
			if len(c.steps) > 0 {
				want.Note = u.Note
				if !strings.HasPrefix(u.Note, "partner-triage changed this ticket:\n") {
					t.Errorf("note = %q", u.Note)
				}
			}
			if !reflect.DeepEqual(u, want) {
				t.Errorf("update:\n got  %+v\n want %+v", u, want)
			}
			if !reflect.DeepEqual(rm, c.compiled.removals) {
				t.Errorf("removals = %+v, want %+v", rm, c.compiled.removals)
			}
			if len(c.steps) == 0 && (!u.IsEmpty() || len(p.Steps) != 0) {
				t.Errorf("no steps wanted, update %+v", u)
			}
		})
	}
}

const whyEx1 = "- Organization Email (partners), Requester, Organization: " + whyCustomerAccount

func TestPlanNote(t *testing.T) {
	dir := testDir()
	ticket := tk(email("jane@acme.cmo"), reqSub(uTypo, uPat))
	p := BuildPlan(testCfg, ticket, Evaluate(testCfg, ticket, dir), dir, PlanOptions{})
	wantNote := "partner-triage changed this ticket:\n" +
		"- Organization Email (partners): jane@acme.cmo → jane@acme.com\n" +
		"- Requester: jane <jane@acme.cmo> → Jane <jane@acme.com>\n" +
		"- Organization: (none) → Acme\n" +
		"Why:\n" + whyEx1
	if note := p.Steps[len(p.Steps)-1]; note.Note != wantNote || note.After != wantNote {
		t.Fatalf("note:\n%s\nwant:\n%s", note.Note, wantNote)
	}
	if !strings.Contains(wantNote, "Open Partners handbook, example 1") {
		t.Fatal("the note names the handbook rule")
	}

	// The agent accepts the CC and skips the organization: the note follows.
	p.Steps[2].Accepted, p.Steps[3].Accepted = false, true
	u, _ := p.Compile(testCfg)
	want2 := "partner-triage changed this ticket:\n" +
		"- Organization Email (partners): jane@acme.cmo → jane@acme.com\n" +
		"- Requester: jane <jane@acme.cmo> → Jane <jane@acme.com>\n" +
		"- Added as email CC: Pat <pat@partner.io>\n" +
		"Why:\n- Organization Email (partners), Requester: " + whyCustomerAccount + "\n- Email CC: " + whyFormerCC
	if u.Note != want2 || u.OrganizationID != nil || !reflect.DeepEqual(u.AddEmailCCs, []CCRef{{UserID: uPat}}) {
		t.Errorf("after toggles: %+v\nnote:\n%s", u, u.Note)
	}
	p.RefreshNote()
	if p.Steps[4].After != want2 {
		t.Errorf("RefreshNote: %q", p.Steps[4].After)
	}
	diff := p.Diff()
	wantDiff := []DiffLine{
		{"Organization Email (partners)", "jane@acme.cmo", "jane@acme.com"},
		{"Requester", "jane@acme.cmo", "Jane <jane@acme.com> (existing user, Acme)"},
		{"Keep the partner as email CC", "", "pat@partner.io"},
		{"Internal note (private)", "", want2},
	}
	if !reflect.DeepEqual(diff, wantDiff) {
		t.Errorf("diff:\n got  %q\n want %q", diff, wantDiff)
	}

	// An edited note is sent as written, whatever is toggled.
	p.Steps[4].Note, p.Steps[4].After = "Fixed the customer's address.", "Fixed the customer's address."
	p.Steps[0].Accepted = false
	if u, _ := p.Compile(testCfg); u.Note != "Fixed the customer's address." || u.CustomFields != nil {
		t.Errorf("edited note: %+v", u)
	}
	p.RefreshNote()
	if p.Steps[4].Note != "Fixed the customer's address." {
		t.Error("RefreshNote overwrote the agent's note")
	}

	// Everything skipped: nothing to send.
	p = BuildPlan(testCfg, ticket, Evaluate(testCfg, ticket, dir), dir, PlanOptions{})
	for i := range p.Steps {
		if p.Steps[i].Kind != StepNote {
			p.Steps[i].Accepted = false
		}
	}
	if u, rm := p.Compile(testCfg); !u.IsEmpty() || rm != nil {
		t.Errorf("all skipped: %+v %+v", u, rm)
	}
	if d := p.Diff(); d != nil {
		t.Errorf("all skipped diff: %+v", d)
	}
}

func TestPlanRemovalsDiffFirst(t *testing.T) {
	dir := testDir()
	ticket := tk(form(formSelect), reqSub(uSue, uBob), org(orgAcme))
	p := BuildPlan(testCfg, ticket, Evaluate(testCfg, ticket, dir), dir, PlanOptions{})
	if p.Refused != "" {
		t.Fatal(p.Refused)
	}
	d := p.Diff()
	if len(d) != 4 || d[0] != (DiffLine{"Membership", "sue@select.net is a member of Acme", "sue@select.net is not a member of Acme"}) ||
		d[1] != (DiffLine{"Membership", "bob@acme.com is a member of SelectCo", "bob@acme.com is not a member of SelectCo"}) ||
		d[2] != (DiffLine{"Move the ticket to the Select partner's organization", "Acme", "SelectCo"}) {
		t.Errorf("diff %+v", d)
	}
	u, rm := p.Compile(testCfg)
	if !reflect.DeepEqual(rm, []MembershipRemoval{{memSueAcme, uSue, orgAcme}, {memBobSel, uBob, orgSelect}}) ||
		u.OrganizationID == nil || *u.OrganizationID != orgSelect {
		t.Errorf("compiled %+v %+v", u, rm)
	}
}

func TestValidatePlan(t *testing.T) {
	dir := testDir()
	dir.PutOrganization(Organization{ID: 50, Name: "Acme Labs", DomainNames: []string{"labs.acme.com"}})
	reqStep := func(id int64) Step { return Step{Kind: StepRequester, RequesterID: id, Accepted: true} }
	newReq := func(e string) Step {
		return Step{Kind: StepRequester, NewRequester: &NewUser{Email: e, Name: "X"}, Accepted: true}
	}
	orgStep := func(id int64) Step { return Step{Kind: StepOrganization, OrganizationID: id, Accepted: true} }
	cases := []struct {
		name  string
		t     Ticket
		steps []Step
		want  string // "" → accepted
	}{
		{"Select org set on a customer's ticket", tk(req(uJane), org(orgAcme)), []Step{orgStep(orgSelect)},
			"refused: it would set Select partner organization SelectCo on the ticket of customer jane@acme.com (never associate a customer with a Select partner's organization)"},
		// A requester change without an organization step moves the ticket to the new
		// requester's default organization, as Zendesk does: that is what gets judged.
		{"customer whose default org is Select made requester", tk(req(uSam), org(orgAcme)), []Step{reqStep(uCarl)},
			"refused: it would make customer carl@globex.com the requester of a ticket under Select partner organization SelectCo (never associate a customer with a Select partner's organization)"},
		{"customer made requester of a Select org's ticket moves it to the customer's org", tk(req(uSam), org(orgSelect)), []Step{reqStep(uJane)}, ""},
		{"new customer requester on a Select org's ticket moves it to the org of the domain", tk(req(uSam), org(orgSelect)), []Step{newReq("x@acme.com")}, ""},
		{"customer made requester of a Select org's ticket, org kept", tk(req(uSam), org(orgSelect)), []Step{reqStep(uJane), orgStep(orgSelect)},
			"refused: it would set Select partner organization SelectCo on the ticket of customer jane@acme.com (never associate a customer with a Select partner's organization)"},
		{"Select user made requester of a customer org's ticket, org kept", tk(req(uJane), org(orgAcme)), []Step{reqStep(uSam), orgStep(orgAcme)},
			"refused: it would put Select partner user sam@select.net on a ticket of customer organization Acme (never associate a Select partner with a customer's organization)"},
		{"customer org set on a Select user's ticket", tk(req(uSam)), []Step{orgStep(orgAcme)},
			"refused: it would put Select partner user sam@select.net on a ticket of customer organization Acme (never associate a Select partner with a customer's organization)"},
		{"organization the requester does not belong to", tk(req(uJane), org(orgAcme)), []Step{orgStep(orgGlobex)},
			"refused: jane@acme.com is not a member of Globex, so Zendesk would reject that organization on the ticket (422)"},
		{"organization whose membership the plan removes", tk(req(uBob), org(orgAcme)),
			[]Step{{Kind: StepAssociation, Removal: &MembershipRemoval{UserID: uBob, OrganizationID: orgGlobex}, Accepted: true}, orgStep(orgGlobex)},
			"refused: bob@acme.com is not a member of Globex, so Zendesk would reject that organization on the ticket (422)"},
		{"new requester, org owns the domain", tk(req(uPat), org(orgPartner)), []Step{newReq("NEW@Acme.com"), orgStep(orgAcme)}, ""},
		{"new requester, org owns only a subdomain", tk(req(uPat), org(orgPartner)), []Step{newReq("new@acme.com"), orgStep(50)},
			"refused: new@acme.com is not a member of Acme Labs, so Zendesk would reject that organization on the ticket (422)"},
		{"existing requester and their own org", tk(req(uPat), org(orgPartner)), []Step{reqStep(uJane), orgStep(orgAcme)}, ""},
		{"member by a membership record", tk(req(uSue), org(orgSelect)), []Step{orgStep(orgSelect)}, ""},
		{"unknown organization", tk(req(uJane)), []Step{orgStep(orgMissing)}, "organization #99 is not known"},
		{"unknown user", tk(req(uPat)), []Step{reqStep(uDeleted)}, "the new requester, user #77, is not known"},
		{"bad new requester address", tk(req(uPat)), []Step{newReq("n/a")}, `the new requester's address "n/a" is not an email address`},
		{"bad org email", tk(req(uPat)), []Step{{Kind: StepOrgEmail, OrgEmail: "jane", Accepted: true}},
			`"jane" is not an email address, so it cannot be the Organization Email (partners)`},
		{"skipped steps are not checked", tk(req(uJane), org(orgAcme)), []Step{func() Step { s := orgStep(orgSelect); s.Accepted = false; return s }()}, ""},
		{"an existing association the plan does not touch is not refused", tk(form(formSelect), req(uBob), org(orgSelect)),
			[]Step{{Kind: StepCCs, CCs: []CCRef{{UserID: uPat}}, Accepted: true}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidatePlan(testCfg, c.t, Plan{TicketID: c.t.ID, Steps: c.steps}, dir)
			got := ""
			if err != nil {
				got = err.Error()
				if strings.Contains(got, "\n") {
					t.Errorf("reason is not one line: %q", got)
				}
			}
			if got != c.want {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

// whyOf returns the note's "Why" lines: "steps: passage".
func whyOf(t *testing.T, note string) []string {
	t.Helper()
	_, why, ok := strings.Cut(note, "\nWhy:\n")
	if !ok {
		t.Fatalf("note without Why:\n%s", note)
	}
	return strings.Split(strings.TrimPrefix(why, "- "), "\n- ")
}

// Each step cites its own passage (rules.md, "Fix plans"): the customer-account steps example
// 1, a services CC example 2, a CC a Select partner asked for the field (never example 2), a
// move off a Select org and a membership removal the "never associate" sentence; people are
// named by name and address, and a removal is never explained by the membership itself.
func TestPlanCitesItsPassage(t *testing.T) {
	dir := testDir()
	cases := []struct {
		name  string
		t     Ticket
		why   []string
		lines []string // note lines that must be there
		not   []string // text that must not be in the note
	}{
		{"customer under a Select org: the organization step cites both passages",
			tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgSelect2)),
			[]string{"Organization: " + whyCustomerAccount, "Organization: " + whyAssociation},
			[]string{"- Organization: Select Two → Acme"}, nil},
		{"membership removal: names the person and the Select org, cites the never-associate sentence",
			tk(email("bob@acme.com"), reqSub(uBob, uPat), org(orgAcme)),
			[]string{"Membership removal: " + whyAssociation},
			[]string{"- Membership removed: Bob <bob@acme.com> from SelectCo (Select partner)"},
			[]string{"is a member of", "#"}},
		{"a CC a Select partner asked for cites the field, not the services example",
			tk(form(formSelect), ccField("ann@partner.io"), reqSub(uSam, uSam), org(orgSelect)),
			[]string{"Email CC: " + whyRequestedCC},
			[]string{"- Added as email CC: Ann <ann@partner.io>"},
			[]string{"example 2"}},
		{"a services engagement CC cites example 2",
			tk(email("jane@acme.com"), ccField("yes"), reqSub(uPat, uPat), org(orgPartner)),
			[]string{"Requester, Organization: " + whyCustomerAccount, "Email CC: " + whyServicesCC},
			[]string{"- Requester: Pat <pat@partner.io> → Jane <jane@acme.com>", "- Added as email CC: Pat <pat@partner.io>"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := BuildPlan(testCfg, c.t, Evaluate(testCfg, c.t, dir), dir, PlanOptions{})
			if p.Refused != "" {
				t.Fatal(p.Refused)
			}
			u, _ := p.Compile(testCfg)
			if got := whyOf(t, u.Note); !reflect.DeepEqual(got, c.why) {
				t.Errorf("why:\n got  %q\n want %q\nnote:\n%s", got, c.why, u.Note)
			}
			for _, l := range c.lines {
				if !strings.Contains(u.Note, l+"\n") {
					t.Errorf("note lacks %q:\n%s", l, u.Note)
				}
			}
			for _, n := range c.not {
				if strings.Contains(u.Note, n) {
					t.Errorf("note says %q:\n%s", n, u.Note)
				}
			}
		})
	}
}

// acceptAsProposed is what `enter` in the wizard does: every step as the plan proposes it.
func acceptAsProposed(p Plan) TicketUpdate {
	u, _ := p.Compile(testCfg)
	return u
}

// rules.md step 4: the CC toggle is on by default only for services_engagement and for the
// people of a partner_cc_missing finding, so accepting every step never CCs a partner the
// handbook does not ask for.
func TestPlanCCDefaults(t *testing.T) {
	dir := testDir()
	cases := []struct {
		name string
		t    Ticket
		want []CCRef
	}{
		{"customer_account: the partner who loses the ticket is offered, off",
			tk(email("jane@acme.com"), reqSub(uPat, uPat), org(orgPartner)), nil},
		{"services_engagement: the partner stays CC'd",
			tk(email("jane@acme.com"), ccField("yes"), reqSub(uPat, uPat), org(orgPartner)), []CCRef{{UserID: uPat}}},
		{"partner_cc_missing on a Select ticket: the people asked for",
			tk(form(formSelect), ccField("ann@partner.io"), reqSub(uSam, uSam), org(orgSelect)), []CCRef{{UserID: uAnn}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := BuildPlan(testCfg, c.t, Evaluate(testCfg, c.t, dir), dir, PlanOptions{})
			if got := acceptAsProposed(p).AddEmailCCs; !reflect.DeepEqual(got, c.want) {
				t.Errorf("CCs = %+v, want %+v", got, c.want)
			}
			for _, s := range p.Steps {
				if s.Kind == StepCCs && !s.Toggle {
					t.Errorf("CC step is not a toggle: %+v", s)
				}
			}
		})
	}
}

// rules.md, "Warnings": moving a ticket from one customer to another warns and offers the
// other reading (keep the requester, correct the Organization Email to theirs).
func TestPlanTwoCustomersWarns(t *testing.T) {
	dir := testDir()
	dir.PutOrganization(Organization{ID: 40, Name: "Contoso", DomainNames: []string{"contoso.com"}})
	dir.PutUser(User{ID: 41, Name: "Omar", Email: "omar@contoso.com", OrganizationID: 40})
	ticket := tk(email("jane@acme.com"), reqSub(41, uPat), org(40))
	p := BuildPlan(testCfg, ticket, Evaluate(testCfg, ticket, dir), dir, PlanOptions{})
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "from customer Contoso (requester Omar <omar@contoso.com>) to customer Acme (Jane <jane@acme.com>)") {
		t.Fatalf("warnings = %q", p.Warnings)
	}
	if p.OtherReading == nil || p.OtherReading.Options.OrgEmail != "omar@contoso.com" ||
		p.OtherReading.Label != "keep Omar <omar@contoso.com> as the requester and set Organization Email (partners) to omar@contoso.com" {
		t.Fatalf("other reading = %+v", p.OtherReading)
	}
	other := BuildPlan(testCfg, ticket, Evaluate(testCfg, ticket, dir), dir, p.OtherReading.Options)
	u := acceptAsProposed(other)
	if u.CustomFields[fEmail] != "omar@contoso.com" || u.RequesterID != 0 || u.NewRequester != nil || u.OrganizationID != nil {
		t.Errorf("other reading compiles to %+v", u)
	}
	if len(other.Warnings) != 0 {
		t.Errorf("the other reading warns again: %q", other.Warnings)
	}

	// The partner as requester is not a customer: no warning.
	ticket = tk(email("jane@acme.com"), reqSub(uPat, uPat), org(orgPartner))
	if p := BuildPlan(testCfg, ticket, Evaluate(testCfg, ticket, dir), dir, PlanOptions{}); len(p.Warnings) != 0 || p.OtherReading != nil {
		t.Errorf("partner requester warned: %q", p.Warnings)
	}
}
