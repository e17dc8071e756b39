package model

import (
	"reflect"
	"testing"
)

func TestSortForQueue(t *testing.T) {
	warn := []Finding{{Kind: KindPartnerCCMissing, Severity: SeverityWarning}}
	errs := []Finding{{Kind: KindPartnerCCMissing, Severity: SeverityWarning}, {Kind: KindRequesterOrgMismatch, Severity: SeverityError}}
	evs := []Evaluation{
		{TicketID: 9, Scenario: ScenarioCustomerAccount},
		{TicketID: 5, Skipped: "closed"},
		{TicketID: 6, Scenario: ScenarioUnknown},
		{TicketID: 7, Findings: warn},
		{TicketID: 8, Findings: errs},
		{TicketID: 2, Scenario: ScenarioPartnerAccount},
		{TicketID: 3, Findings: warn},
		{TicketID: 4, Findings: errs},
	}
	SortForQueue(evs)
	var ids []int64
	for _, e := range evs {
		ids = append(ids, e.TicketID)
	}
	if want := []int64{4, 8, 3, 7, 6, 2, 9, 5}; !reflect.DeepEqual(ids, want) {
		t.Errorf("order %v, want %v", ids, want)
	}
	if evs[0].Worst() != SeverityError || evs[2].Worst() != SeverityWarning || evs[5].Worst() != "" || !evs[4].NeedsAsking() || evs[5].NeedsAsking() {
		t.Error("Worst")
	}
}

func TestHandbookRule(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range []Scenario{ScenarioServicesEngagement, ScenarioCustomerAccount, ScenarioPartnerAccount, ScenarioSelectPartner, ScenarioUnknown} {
		r := s.HandbookRule()
		checkSentence(t, r)
		if seen[r] {
			t.Errorf("%s repeats a rule", s)
		}
		seen[r] = true
	}
}
