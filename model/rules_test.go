package model

import (
	"reflect"
	"strings"
	"testing"
)

// want is an expected Evaluation; findings are compared on every field but Message, which
// is checked to be one sentence (and exactly, for a few cases, in TestEvaluateMessages).
type want struct {
	scenario Scenario
	basis    int64
	e        string
	orgE     int64
	findings []Finding
	skipped  bool
}

func fMismatch() Finding {
	return Finding{Kind: KindRequesterOrgMismatch, Severity: SeverityError}
}
func fUnknown(suggest string) Finding {
	return Finding{Kind: KindCustomerEmailUnknown, Severity: SeverityError, SuggestedEmail: suggest}
}
func fAssoc(form string, user, org, membership int64) Finding {
	return Finding{Kind: KindSelectPartnerAssociation, Severity: SeverityError, UserID: user, OrgID: org,
		MembershipID: membership, AssociationForm: form}
}
func fCCMissing(addrs []string, ids []int64) Finding {
	return Finding{Kind: KindPartnerCCMissing, Severity: SeverityWarning, MissingCCs: addrs, MissingCCUserIDs: ids}
}

func checkEvaluation(t *testing.T, got Evaluation, w want) {
	t.Helper()
	if w.skipped {
		if got.Skipped == "" || len(got.Findings) != 0 {
			t.Fatalf("want skipped without findings, got %+v", got)
		}
		return
	}
	if got.Skipped != "" {
		t.Fatalf("unexpected skip: %s", got.Skipped)
	}
	if got.Scenario != w.scenario || got.SupportBasisOrgID != w.basis || got.OrgEmail != w.e || got.OrgOfEmail != w.orgE {
		t.Errorf("scenario/basis/E/org(E) = %s/%d/%q/%d, want %s/%d/%q/%d", got.Scenario, got.SupportBasisOrgID,
			got.OrgEmail, got.OrgOfEmail, w.scenario, w.basis, w.e, w.orgE)
	}
	var stripped []Finding
	for _, f := range got.Findings {
		checkSentence(t, f.Message)
		f.Message = ""
		stripped = append(stripped, f)
	}
	if !reflect.DeepEqual(stripped, w.findings) {
		t.Errorf("findings:\n got  %+v\n want %+v", stripped, w.findings)
		for _, f := range got.Findings {
			t.Logf("message: %s", f.Message)
		}
	}
}

func checkSentence(t *testing.T, msg string) {
	t.Helper()
	if msg == "" || strings.ContainsAny(msg, "\n\r") || !strings.ContainsAny(msg[len(msg)-1:], ".?") ||
		strings.ToUpper(msg[:1]) != msg[:1] {
		t.Errorf("message is not one sentence: %q", msg)
	}
}

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name string
		t    Ticket
		want want
	}{
		// rules.md worked examples
		{"example 1: mistyped domain, auto-created requester without org → mismatch + unknown with suggestion",
			tk(email("jane@acme.cmo"), reqSub(uTypo, uPat)),
			want{ScenarioCustomerAccount, 0, "jane@acme.cmo", 0, []Finding{fMismatch(), fUnknown("jane@acme.com")}, false}},
		{"example 2: padded upper-case E, right requester and org → clean",
			tk(email(" Jane@ACME.com "), reqSub(uJane, uPat), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, nil, false}},
		{"example 3: requester is the partner, E an existing customer → mismatch",
			tk(email("jane@acme.com"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, []Finding{fMismatch()}, false}},
		{"example 4: customer address on a known domain without user → mismatch, not unknown",
			tk(email("new.person@acme.com"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioCustomerAccount, orgAcme, "new.person@acme.com", orgAcme, []Finding{fMismatch()}, false}},
		{"example 5: requester right, organization empty → mismatch",
			tk(email("jane@acme.com"), reqSub(uJane, uPat)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, []Finding{fMismatch()}, false}},
		{"example 6: customer also a member of a Select org, Open ticket → association (a)",
			tk(email("bob@acme.com"), reqSub(uBob, uPat), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "bob@acme.com", orgAcme, []Finding{fAssoc("a", uBob, orgSelect, memBobSel)}, false}},
		{"example 6b: the same customer on a Select ticket under the Select org → (a) and (c)",
			tk(form(formSelect), reqSub(uBob, uBob), org(orgSelect)),
			want{ScenarioSelectPartner, orgSelect, "", 0, []Finding{fAssoc("a", uBob, orgSelect, memBobSel), fAssoc("c", uBob, orgSelect, 0)}, false}},
		{"example 7: Select ticket under a customer org → association (d)",
			tk(form(formSelect), reqSub(uSam, uSam), org(orgAcme)),
			want{ScenarioSelectPartner, orgSelect, "", 0, []Finding{fAssoc("d", uSam, orgAcme, 0)}, false}},

		// scenarios
		{"services engagement: CC field set, partner CC'd → clean, customer's subscription",
			tk(email("jane@acme.com"), ccField("please cc me"), reqSub(uJane, uPat), org(orgAcme), ccs(uPat)),
			want{ScenarioServicesEngagement, orgAcme, "jane@acme.com", orgAcme, nil, false}},
		{"services engagement wins over an empty E",
			tk(ccField("yes"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioServicesEngagement, 0, "", 0, nil, false}},
		{"services engagement with a wrong requester still reports the mismatch",
			tk(email("jane@acme.com"), ccField("yes"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioServicesEngagement, orgAcme, "jane@acme.com", orgAcme, []Finding{fMismatch()}, false}},
		{"partner account: E is the partner's own address",
			tk(email("PAT@partner.io"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioPartnerAccount, orgPartner, "pat@partner.io", 0, nil, false}},
		{"partner account: E on a partner domain without user → partner org by domain",
			tk(email("nfr@partner.io"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioPartnerAccount, orgPartner, "nfr@partner.io", 0, nil, false}},
		{"select partner: clean",
			tk(form(formSelect), reqSub(uSam, uSam), org(orgSelect)),
			want{ScenarioSelectPartner, orgSelect, "", 0, nil, false}},
		{"select partner: ticket without org → basis is the requester's Select org",
			tk(form(formSelect), reqSub(uSam, uSam)),
			want{ScenarioSelectPartner, orgSelect, "", 0, nil, false}},
		{"unknown: Open form with empty E",
			tk(reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioUnknown, 0, "", 0, nil, false}},
		{"unknown: E is n/a",
			tk(email("n/a"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioUnknown, 0, "", 0, nil, false}},
		{"unknown: E without local part",
			tk(email("@acme.com"), reqSub(uPat, uPat)),
			want{ScenarioUnknown, 0, "", 0, nil, false}},

		// requester_org_mismatch variants and edge cases
		{"mismatch: ticket under another customer org",
			tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgGlobex)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, []Finding{fMismatch()}, false}},
		{"mismatch: missing requester",
			tk(email("jane@acme.com"), sub(uPat), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, []Finding{fMismatch()}, false}},
		{"mismatch: deleted requester (id not in the directory), deleted submitter",
			tk(email("jane@acme.com"), reqSub(uDeleted, uDeleted+1), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, []Finding{fMismatch()}, false}},
		{"mismatch: requester without an email",
			tk(email("jane@acme.com"), reqSub(uNoMail, uPat), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, []Finding{fMismatch()}, false}},
		{"mismatch: ticket org not in the directory",
			tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgMissing)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, []Finding{fMismatch()}, false}},
		{"subdomain is another domain: eu.acme.com is unknown, nothing within 2",
			tk(email("eve@eu.acme.com"), reqSub(uSubAcme, uPat)),
			want{ScenarioCustomerAccount, 0, "eve@eu.acme.com", 0, []Finding{fMismatch(), fUnknown("")}, false}},
		{"org without fields is a customer org (domain case-insensitive)",
			tk(email("someone@GLOBEX.com"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioCustomerAccount, orgGlobex, "someone@globex.com", orgGlobex, []Finding{fMismatch()}, false}},
		{"org whose track is an unknown value is a customer org",
			tk(email("x@initech.com"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioCustomerAccount, orgInitech, "x@initech.com", orgInitech, []Finding{fMismatch()}, false}},

		// org(E) for a customer wrongly placed in a Select org, forms (a) with and without a record
		{"customer with Select default org resolves to the company org; (a) with membership record",
			tk(email("carl@globex.com"), reqSub(uCarl, uPat), org(orgGlobex)),
			want{ScenarioCustomerAccount, orgGlobex, "carl@globex.com", orgGlobex, []Finding{fAssoc("a", uCarl, orgSelect, memCarlSel)}, false}},
		{"(a) default organization only, no membership record → membership id 0",
			tk(email("dan@globex.com"), reqSub(uDan, uPat), org(orgGlobex)),
			want{ScenarioCustomerAccount, orgGlobex, "dan@globex.com", orgGlobex, []Finding{fAssoc("a", uDan, orgSelect, 0)}, false}},
		{"(b) Select submitter who is a member of a customer org",
			tk(email("jane@acme.com"), reqSub(uJane, uSue), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, []Finding{fAssoc("b", uSue, orgAcme, memSueAcme)}, false}},
		{"(a) for the requester and (b) for the submitter, requester first; a customer's Select org is no basis",
			tk(form(formSelect), reqSub(uBob, uSue), org(orgAcme)),
			want{ScenarioSelectPartner, 0, "", 0, []Finding{fAssoc("a", uBob, orgSelect, memBobSel), fAssoc("b", uSue, orgAcme, memSueAcme), fAssoc("d", uBob, orgAcme, 0)}, false}},
		{"requester who is also the submitter is reported once",
			tk(email("bob@acme.com"), reqSub(uBob, uBob), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "bob@acme.com", orgAcme, []Finding{fAssoc("a", uBob, orgSelect, memBobSel)}, false}},
		{"(c) Open ticket under a Select org (track value in another case) with a customer requester",
			tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgSelect2)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, []Finding{fMismatch(), fAssoc("c", uJane, orgSelect2, 0)}, false}},
		{"(d) Select ticket under a customer org, requester in no Select org",
			tk(form(formSelect), reqSub(uJane, uJane), org(orgAcme)),
			want{ScenarioSelectPartner, 0, "", 0, []Finding{fAssoc("d", uJane, orgAcme, 0)}, false}},
		{"Select ticket under an organization not in the directory → no (d)",
			tk(form(formSelect), reqSub(uSam, uSam), org(orgMissing)),
			want{ScenarioSelectPartner, orgSelect, "", 0, nil, false}},
		{"user without email is neither customer nor Select",
			tk(form(formSelect), reqSub(uNoMail, uSam), org(orgSelect)),
			want{ScenarioSelectPartner, orgSelect, "", 0, nil, false}},

		// partner_cc_missing
		{"cc: display names, mixed separators and case, one already CC'd, one without user",
			tk(email("jane@acme.com"), ccField("Ann <ANN@partner.io>; pat@partner.io,\nnew@Partner.io"), reqSub(uJane, uPat), org(orgAcme), ccs(uPat)),
			want{ScenarioServicesEngagement, orgAcme, "jane@acme.com", orgAcme, []Finding{fCCMissing([]string{"ann@partner.io", "new@partner.io"}, nil)}, false}},
		{"cc: a collaborator counts as on the ticket",
			tk(email("jane@acme.com"), ccField("ann@partner.io pat@partner.io"), reqSub(uJane, uPat), org(orgAcme), ccs(uPat), collabs(uAnn)),
			want{ScenarioServicesEngagement, orgAcme, "jane@acme.com", orgAcme, nil, false}},
		{"cc: no address in the field → the submitter is requested",
			tk(email("jane@acme.com"), ccField("Yes, please"), reqSub(uJane, uPat), org(orgAcme)),
			want{ScenarioServicesEngagement, orgAcme, "jane@acme.com", orgAcme, []Finding{fCCMissing(nil, []int64{uPat})}, false}},
		{"cc: submitter already a collaborator",
			tk(email("jane@acme.com"), ccField("yes"), reqSub(uJane, uPat), org(orgAcme), collabs(uPat)),
			want{ScenarioServicesEngagement, orgAcme, "jane@acme.com", orgAcme, nil, false}},
		{"cc: white space only is not a request",
			tk(email("jane@acme.com"), ccField(" \n\t "), reqSub(uJane, uPat), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, nil, false}},
		{"cc: submitter who is the requester is already on the ticket",
			tk(email("pat@partner.io"), ccField("yes"), reqSub(uPat, uPat), org(orgPartner)),
			want{ScenarioServicesEngagement, 0, "pat@partner.io", 0, nil, false}},
		{"cc: Select form too",
			tk(form(formSelect), ccField("ann@partner.io"), reqSub(uSam, uSam), org(orgSelect)),
			want{ScenarioSelectPartner, orgSelect, "", 0, []Finding{fCCMissing([]string{"ann@partner.io"}, nil)}, false}},
		{"cc: checkbox false is not a request",
			tk(email("jane@acme.com"), field(fCC, FieldValue{Kind: FieldBool, Text: "false"}), reqSub(uJane, uPat), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, nil, false}},
		{"cc: checkbox true asks for the submitter",
			tk(email("jane@acme.com"), field(fCC, FieldValue{Kind: FieldBool, Text: "true"}), reqSub(uJane, uPat), org(orgAcme)),
			want{ScenarioServicesEngagement, orgAcme, "jane@acme.com", orgAcme, []Finding{fCCMissing(nil, []int64{uPat})}, false}},
		{"cc: a number asks for the submitter",
			tk(email("jane@acme.com"), field(fCC, FieldValue{Kind: FieldNumber, Text: "1"}), reqSub(uJane, uPat), org(orgAcme)),
			want{ScenarioServicesEngagement, orgAcme, "jane@acme.com", orgAcme, []Finding{fCCMissing(nil, []int64{uPat})}, false}},
		{"cc: no submitter and no address → nobody to add",
			tk(email("jane@acme.com"), ccField("yes"), req(uJane), org(orgAcme)),
			want{ScenarioServicesEngagement, orgAcme, "jane@acme.com", orgAcme, nil, false}},

		// field values of unexpected JSON types
		{"E as a number counts as empty",
			tk(field(fEmail, FieldValue{Kind: FieldNumber, Text: "12345"}), reqSub(uPat, uPat)),
			want{ScenarioUnknown, 0, "", 0, nil, false}},
		{"E as a bool counts as empty",
			tk(field(fEmail, FieldValue{Kind: FieldBool, Text: "true"}), reqSub(uPat, uPat)),
			want{ScenarioUnknown, 0, "", 0, nil, false}},
		{"E as a one-address list is read",
			tk(field(fEmail, FieldValue{Kind: FieldList, Text: "jane@acme.com"}), reqSub(uJane, uPat), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, nil, false}},
		{"E as a two-address list is not an address",
			tk(field(fEmail, FieldValue{Kind: FieldList, Text: "jane@acme.com bob@acme.com"}), reqSub(uPat, uPat)),
			want{ScenarioUnknown, 0, "", 0, nil, false}},
		{"E as an object counts as empty",
			tk(field(fEmail, FieldValue{Kind: FieldOther}), reqSub(uPat, uPat)),
			want{ScenarioUnknown, 0, "", 0, nil, false}},
		{"ticket without any fields",
			func() Ticket { t := tk(reqSub(uPat, uPat)); t.Fields = nil; return t }(),
			want{ScenarioUnknown, 0, "", 0, nil, false}},

		// queue
		{"solved ticket is skipped", tk(status("solved"), email("jane@acme.cmo"), req(uTypo)), want{skipped: true}},
		{"closed ticket is skipped", tk(status("closed")), want{skipped: true}},
		{"ticket without status is skipped", tk(status("")), want{skipped: true}},
		{"other form is skipped", tk(form(formOther), email("jane@acme.cmo"), req(uTypo)), want{skipped: true}},
		{"no form is skipped", tk(form(0)), want{skipped: true}},
		{"pending and hold are in the queue",
			tk(status("hold"), email("jane@acme.com"), reqSub(uJane, uPat), org(orgAcme)),
			want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, nil, false}},
	}
	dir := testDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkEvaluation(t, Evaluate(testCfg, c.t, dir), c.want)
		})
	}
}

func TestEvaluateMessages(t *testing.T) {
	dir := testDir()
	cases := []struct {
		name string
		t    Ticket
		want []string
	}{
		{"example 1", tk(email("jane@acme.cmo"), reqSub(uTypo, uPat)), []string{
			"The ticket of jane@acme.cmo has no organization and no customer organization is known for acme.cmo.",
			"No customer organization is known for jane@acme.cmo (no customer has the domain acme.cmo): did the partner mean jane@acme.com?",
		}},
		{"partner requester", tk(email("jane@acme.com"), reqSub(uPat, uPat), org(orgPartner)), []string{
			"The requester is pat@partner.io but Organization Email (partners) is jane@acme.com: change the requester to jane@acme.com and the organization to Acme.",
		}},
		{"no org", tk(email("jane@acme.com"), reqSub(uJane, uPat)), []string{
			"The ticket of jane@acme.com has no organization: set it to Acme.",
		}},
		{"missing requester", tk(email("jane@acme.com"), org(orgAcme)), []string{
			"The ticket has no requester but Organization Email (partners) is jane@acme.com: change the requester to jane@acme.com.",
		}},
		{"assoc a", tk(email("bob@acme.com"), reqSub(uBob, uPat), org(orgAcme)), []string{
			"The requester bob@acme.com is a customer and a member of Select partner organization SelectCo: remove that membership (never associate a customer with a Select partner's organization).",
		}},
		{"assoc b", tk(email("jane@acme.com"), reqSub(uJane, uSue), org(orgAcme)), []string{
			"The submitter sue@select.net is a Select partner user and a member of customer organization Acme: remove that membership (never associate a Select partner with a customer's organization).",
		}},
		{"assoc d", tk(form(formSelect), reqSub(uSam, uSam), org(orgAcme)), []string{
			"This Select partner ticket is under customer organization Acme: set it to the requester's Select organization SelectCo.",
		}},
		{"cc submitter", tk(email("jane@acme.com"), ccField("yes"), reqSub(uJane, uPat), org(orgAcme)), []string{
			"The submitter pat@partner.io asked to be CC'd but is not on the ticket: add them as an email CC.",
		}},
		{"cc addresses", tk(email("jane@acme.com"), ccField("ann@partner.io, zed@partner.io"), reqSub(uJane, uPat), org(orgAcme)), []string{
			"The partner asked to CC ann@partner.io, zed@partner.io, who are not on the ticket: add them as email CCs (zed@partner.io will be created as an end user).",
		}},
		{"cc one address", tk(email("jane@acme.com"), ccField("Ann <ann@partner.io>"), reqSub(uJane, uPat), org(orgAcme)), []string{
			"The partner asked to CC ann@partner.io, who is not on the ticket: add them as an email CC.",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := Evaluate(testCfg, c.t, dir)
			var got []string
			for _, f := range ev.Findings {
				got = append(got, f.Message)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("messages:\n got  %q\n want %q", got, c.want)
			}
		})
	}
}

func TestEvaluateSkippedReason(t *testing.T) {
	ev := Evaluate(testCfg, tk(status("solved")), testDir())
	if ev.Skipped != "status solved is not new, open, pending or hold, so the ticket is not in the partner queue" || ev.Scenario != ScenarioUnknown {
		t.Errorf("got %+v", ev)
	}
	ev = Evaluate(testCfg, tk(form(formOther)), testDir())
	if ev.Skipped != "form 360001172559 is not a partner form, so the ticket is not in the partner queue" {
		t.Errorf("got %q", ev.Skipped)
	}
}

func TestEvaluateConfigVariants(t *testing.T) {
	dir := testDir()
	t.Run("several forms per list", func(t *testing.T) {
		cfg := testCfg
		cfg.OpenForms = []int64{1, 2, formOpen}
		cfg.SelectForms = []int64{3, formSelect}
		ev := Evaluate(cfg, tk(form(formSelect), reqSub(uSam, uSam), org(orgAcme)), dir)
		checkEvaluation(t, ev, want{ScenarioSelectPartner, orgSelect, "", 0, []Finding{fAssoc("d", uSam, orgAcme, 0)}, false})
		ev = Evaluate(cfg, tk(form(2), email("jane@acme.com"), reqSub(uJane, uPat), org(orgAcme)), dir)
		checkEvaluation(t, ev, want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, nil, false})
	})
	t.Run("another track field name", func(t *testing.T) {
		cfg := testCfg
		cfg.TrackField = "account_type"
		cfg.SelectValues = []string{"customer"} // Acme's account_type is "Customer": it becomes a Select org
		cfg.OpenValues = nil
		ev := Evaluate(cfg, tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgAcme)), dir)
		// acme.com is now a Select domain: E is a partner address, and pat (now a customer
		// user, partner.io being no partner domain) is not in any Select org.
		checkEvaluation(t, ev, want{ScenarioPartnerAccount, orgAcme, "jane@acme.com", 0, nil, false})
		if dir.OrgTrack(cfg, orgAcme) != TrackSelect || dir.OrgTrack(cfg, orgSelect) != TrackCustomer {
			t.Errorf("tracks under account_type: acme %v, selectco %v", dir.OrgTrack(cfg, orgAcme), dir.OrgTrack(cfg, orgSelect))
		}
		// and back: the index follows the configuration it is asked with
		ev = Evaluate(testCfg, tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgAcme)), dir)
		checkEvaluation(t, ev, want{ScenarioCustomerAccount, orgAcme, "jane@acme.com", orgAcme, nil, false})
	})
	t.Run("no track field: every org is a customer org", func(t *testing.T) {
		cfg := testCfg
		cfg.TrackField = ""
		ev := Evaluate(cfg, tk(email("pat@partner.io"), reqSub(uPat, uPat), org(orgPartner)), dir)
		checkEvaluation(t, ev, want{ScenarioCustomerAccount, orgPartner, "pat@partner.io", orgPartner, nil, false})
	})
	t.Run("nil directory", func(t *testing.T) {
		ev := Evaluate(testCfg, tk(email("jane@acme.com"), reqSub(uJane, uPat)), nil)
		checkEvaluation(t, ev, want{ScenarioCustomerAccount, 0, "jane@acme.com", 0, []Finding{fMismatch(), fUnknown("")}, false})
	})
}

func TestSuggestion(t *testing.T) {
	mk := func(customer, partner []string, users ...string) *Directory {
		d := NewDirectory()
		for i, dom := range customer {
			d.PutOrganization(Organization{ID: int64(100 + i), Name: dom, DomainNames: []string{dom}})
		}
		for i, dom := range partner {
			d.PutOrganization(Organization{ID: int64(200 + i), Name: dom, DomainNames: []string{dom},
				Fields: map[string]string{"partner_track": "open"}})
		}
		for i, u := range users {
			d.PutUser(User{ID: int64(300 + i), Email: u})
		}
		return d
	}
	cases := []struct {
		name string
		dir  *Directory
		e    string
		want string
	}{
		{"transposition counts 1", mk([]string{"acme.com", "zzz.com"}, nil), "jane@acme.cmo", "jane@acme.com"},
		{"tie → alphabetical first", mk([]string{"acme.com", "acme.co", "acme.cm"}, nil), "jane@acme.cmo", "jane@acme.cm"},
		{"tie → existing user first", mk([]string{"acme.com", "acme.co", "acme.cm"}, nil, "jane@acme.com"), "jane@acme.cmo", "jane@acme.com"},
		{"tie → existing users, then alphabetical", mk([]string{"acme.com", "acme.co", "acme.cm"}, nil, "JANE@acme.com", "jane@acme.co"), "jane@acme.cmo", "jane@acme.co"},
		{"nearer beats an existing user", mk([]string{"acme.com", "acne.org"}, nil, "jane@acne.org"), "jane@acme.cmo", "jane@acme.com"},
		{"distance 2 is near", mk([]string{"acme.com"}, nil), "jane@acm.cmo", "jane@acme.com"},
		{"distance 3 is not", mk([]string{"acme.com"}, nil), "jane@ac.cmo", ""},
		{"no customer domain at all", mk(nil, nil), "jane@acme.cmo", ""},
		{"partner domains are never suggested", mk([]string{"acme.com"}, []string{"acme.cm"}), "jane@acme.cmo", "jane@acme.com"},
		{"keeps the local part as typed (lower-cased)", mk([]string{"acme.com"}, nil), "J.Doe+x@Acme.cmo", "j.doe+x@acme.com"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := Evaluate(testCfg, tk(email(c.e), reqSub(uPat, uPat)), c.dir)
			var got *Finding
			for i := range ev.Findings {
				if ev.Findings[i].Kind == KindCustomerEmailUnknown {
					got = &ev.Findings[i]
				}
			}
			if got == nil {
				t.Fatalf("no customer_email_unknown in %+v", ev.Findings)
			}
			if got.SuggestedEmail != c.want {
				t.Errorf("suggested %q, want %q", got.SuggestedEmail, c.want)
			}
		})
	}
}

func TestOSADistance(t *testing.T) {
	cases := []struct {
		a, b string
		max  int
		want int
	}{
		{"acme.com", "acme.com", 2, 0},
		{"acme.cmo", "acme.com", 2, 1},
		{"acme.co", "acme.com", 2, 1},
		{"acm.cmo", "acme.com", 2, 2},
		{"ca", "abc", 5, 3}, // OSA, not unrestricted Damerau–Levenshtein (2)
		{"ab", "ba", 2, 1},
		{"kitten", "sitting", 5, 3},
		{"kitten", "sitting", 2, 3}, // capped at max+1
		{"", "abc", 5, 3},
		{"abcdef", "a", 2, 3},
		{"bücher.de", "buecher.de", 5, 2},
		{"xabcdefgh", "baxcdefgh", 2, 2},
	}
	for _, c := range cases {
		if got := osaDistance(c.a, c.b, c.max); got != c.want {
			t.Errorf("osa(%q,%q,%d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

func TestParseCCAddresses(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"ann@x.com", []string{"ann@x.com"}},
		{"Ann <ann@x.com>", []string{"ann@x.com"}},
		{`"Doe, Ann" <Ann@X.com>, bob@y.org`, []string{"ann@x.com", "bob@y.org"}},
		{"a@x.com;b@x.com ; c@x.com\nd@x.com\r\ne@x.com\tf@x.com", []string{"a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com", "f@x.com"}},
		{"please cc ann@x.com and ANN@x.com.", []string{"ann@x.com"}},
		{"mailto:ann@x.com", []string{"ann@x.com"}},
		{"o'brien@x.com", []string{"o'brien@x.com"}},
		{"yes", nil},
		{"Yes please, add me (the partner)", nil},
		{"@x.com ann@ @", nil},
		{"", nil},
	}
	for _, c := range cases {
		if got := ParseCCAddresses(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseCCAddresses(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	cases := map[string]string{
		" Jane@ACME.com ": "jane@acme.com",
		"n/a":             "",
		"":                "",
		"jane@":           "",
		"@acme.com":       "",
		"a@b@c.com":       "",
		"a b@c.com":       "",
		"a\u00a0b@c.com":  "",
		"JÖRG@Müller.de":  "jörg@müller.de",
	}
	for in, want := range cases {
		if got := NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNameFromEmail(t *testing.T) {
	cases := map[string]string{
		"jane.doe@acme.com":     "Jane Doe",
		"j_smith+help@x.io":     "J Smith",
		"JANE@acme.com":         "Jane",
		"mary-ann.o.neil@x.com": "Mary Ann O Neil",
		"...@x.com":             "...@x.com",
		"élodie.dupont@x.fr":    "Élodie Dupont",
	}
	for in, want := range cases {
		if got := NameFromEmail(in); got != want {
			t.Errorf("NameFromEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

// The index is kept right as the directory grows or changes.
func TestDirectoryIndexFollowsChanges(t *testing.T) {
	dir := testDir()
	ticket := tk(email("jane@acme.cmo"), reqSub(uTypo, uPat))
	checkEvaluation(t, Evaluate(testCfg, ticket, dir),
		want{ScenarioCustomerAccount, 0, "jane@acme.cmo", 0, []Finding{fMismatch(), fUnknown("jane@acme.com")}, false})

	// a page brings a customer org that owns acme.cmo
	dir.Merge(QueuePage{Organizations: []Organization{{ID: 40, Name: "Acme Typo Corp", DomainNames: []string{"ACME.CMO"}}}})
	checkEvaluation(t, Evaluate(testCfg, ticket, dir),
		want{ScenarioCustomerAccount, 40, "jane@acme.cmo", 40, []Finding{fMismatch()}, false})

	// that org is then re-read as an Open partner: acme.cmo becomes a partner domain
	dir.PutOrganization(Organization{ID: 40, Name: "Acme Typo Corp", DomainNames: []string{"acme.cmo"}, Fields: map[string]string{"partner_track": "open"}})
	checkEvaluation(t, Evaluate(testCfg, ticket, dir),
		want{ScenarioPartnerAccount, 40, "jane@acme.cmo", 0, nil, false})

	// and loses its domain: back to unknown, suggestions still work
	dir.PutOrganization(Organization{ID: 40, Name: "Acme Typo Corp", Fields: map[string]string{"partner_track": "open"}})
	checkEvaluation(t, Evaluate(testCfg, ticket, dir),
		want{ScenarioCustomerAccount, 0, "jane@acme.cmo", 0, []Finding{fMismatch(), fUnknown("jane@acme.com")}, false})

	// Acme turns Select: jane@acme.com is a Select user now; E is a partner address
	dir.PutOrganization(Organization{ID: orgAcme, Name: "Acme", DomainNames: []string{"acme.com"}, Fields: map[string]string{"partner_track": "select"}})
	ev := Evaluate(testCfg, tk(email("jane@acme.com"), reqSub(uJane, uPat), org(orgAcme)), dir)
	checkEvaluation(t, ev, want{ScenarioPartnerAccount, orgAcme, "jane@acme.com", 0, nil, false})

	// a user changing address leaves the old address free
	dir.PutUser(User{ID: uTypo, Email: "jane.fixed@acme.cmo"})
	if _, ok := dir.UserByEmail("jane@acme.cmo"); ok {
		t.Error("old address still indexed")
	}
	if u, ok := dir.UserByEmail("JANE.FIXED@acme.cmo"); !ok || u.ID != uTypo {
		t.Error("new address not indexed")
	}
}

func TestDirectoryMemberships(t *testing.T) {
	dir := testDir()
	dir.PutMembership(Membership{ID: memBobSel, UserID: uBob, OrganizationID: orgSelect}) // repeat: ignored
	dir.PutMembership(Membership{UserID: uBob, OrganizationID: orgGlobex})
	dir.PutMembership(Membership{UserID: uBob, OrganizationID: orgGlobex}) // repeat without id: ignored
	if got := dir.OrganizationIDsOf(uBob); !reflect.DeepEqual(got, []int64{orgAcme, orgSelect, orgGlobex}) {
		t.Errorf("orgs of bob = %v", got)
	}
	dir.RemoveMembership(memBobSel)
	dir.RemoveMembership(12345) // unknown: no-op
	if got := dir.OrganizationIDsOf(uBob); !reflect.DeepEqual(got, []int64{orgAcme, orgGlobex}) {
		t.Errorf("orgs of bob after removal = %v", got)
	}
	ev := Evaluate(testCfg, tk(email("bob@acme.com"), reqSub(uBob, uPat), org(orgAcme)), dir)
	checkEvaluation(t, ev, want{ScenarioCustomerAccount, orgAcme, "bob@acme.com", orgAcme, nil, false})
	if dir.UserTrack(testCfg, uSam) != TrackSelect || dir.UserTrack(testCfg, uJane) != TrackCustomer ||
		dir.UserTrack(testCfg, uPat) != TrackOpen || dir.UserTrack(testCfg, uNoMail) != TrackUnknown {
		t.Error("user tracks wrong")
	}
}

func TestSuggestionTies(t *testing.T) {
	cfg := testCfg
	dir := NewDirectory()
	dir.Merge(QueuePage{Organizations: []Organization{
		{ID: 1, Name: "Acme", DomainNames: []string{"acme.com"}},
		{ID: 2, Name: "Acne", DomainNames: []string{"acne.com"}},
		{ID: 3, Name: "Globex", DomainNames: []string{"globex.com"}},
	}})
	if got := SuggestionTies(cfg, "Jane@ACXE.com", dir); !reflect.DeepEqual(got, []string{"jane@acme.com", "jane@acne.com"}) {
		t.Errorf("tie = %v, want both one edit away, alphabetical", got)
	}
	for _, e := range []string{"jane@acme.com", "jane@globx.com", "n/a", "jane@zzzz.org"} {
		if got := SuggestionTies(cfg, e, dir); got != nil {
			t.Errorf("%s: %v, want no tie to look up", e, got)
		}
	}
	// With jane@acne.com an existing user, the suggestion prefers it over the alphabetical acme.
	dir.PutUser(User{ID: 9, Email: "jane@acne.com"})
	tk := Ticket{ID: 1, Status: "open", FormID: cfg.OpenForms[0], RequesterID: 9,
		Fields: map[int64]FieldValue{cfg.OrgEmailField: {Kind: FieldString, Text: "jane@acxe.com"}}}
	ev := Evaluate(cfg, tk, dir)
	for _, f := range ev.Findings {
		if f.Kind == KindCustomerEmailUnknown && f.SuggestedEmail != "jane@acne.com" {
			t.Errorf("suggested %q, want jane@acne.com (the existing user)", f.SuggestedEmail)
		}
	}
}
