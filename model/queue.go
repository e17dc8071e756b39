package model

import (
	"cmp"
	"slices"
)

// Worst returns the most severe finding's severity: SeverityError, SeverityWarning, or ""
// for a clean or skipped ticket.
func (e Evaluation) Worst() Severity {
	var worst Severity
	for _, f := range e.Findings {
		switch f.Severity {
		case SeverityError:
			return SeverityError
		case SeverityWarning:
			worst = SeverityWarning
		}
	}
	return worst
}

// NeedsAsking reports a ticket of the unknown scenario without findings: not clean, since
// none of the handbook's examples fits and the submitter must be asked (rules.md).
func (e Evaluation) NeedsAsking() bool {
	return e.Skipped == "" && len(e.Findings) == 0 && e.Scenario == ScenarioUnknown
}

// QueueRank orders evaluations for the queue: 0 errors, 1 warnings only, 2 "ask"
// (NeedsAsking), 3 clean, 4 skipped.
func QueueRank(e Evaluation) int {
	switch {
	case e.Skipped != "":
		return 4
	case e.Worst() == SeverityError:
		return 0
	case e.Worst() == SeverityWarning:
		return 1
	case e.NeedsAsking():
		return 2
	}
	return 3
}

// SortForQueue orders evaluations findings first: tickets with an error, then with
// warnings only, then those to ask about, then clean ones, then skipped ones; by ticket
// id within each group.
func SortForQueue(evs []Evaluation) {
	slices.SortStableFunc(evs, func(a, b Evaluation) int {
		if c := cmp.Compare(QueueRank(a), QueueRank(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.TicketID, b.TicketID)
	})
}

// HandbookRule is the handbook guidance that applies to a scenario, for the detail pane.
func (s Scenario) HandbookRule() string {
	switch s {
	case ScenarioServicesEngagement:
		return "Example 2 — services engagement: the partner delivers services for its end customer and asked to be CC'd. Support is based on the customer's subscription; keep the partner in the CC list."
	case ScenarioCustomerAccount:
		return "Example 1 — raised for an end customer: it must be under the customer's account. Support is based on the customer's subscription and we correspond with the customer directly. A mistyped email is fixed by: 1. update Organization Email (partners), 2. change the requester, 3. submit."
	case ScenarioPartnerAccount:
		return "Examples 3 and 4 — the partner's own account: commercial work on a subscription the partner bought, or internal training and testing on NFR licences. Support is based on the partner's subscription."
	case ScenarioSelectPartner:
		return "Select partner: support is based on the Select partner's subscription and talks to the partner. Never associate a customer with a Select partner's organization, or vice-versa."
	}
	return "None of the handbook's examples fits (e.g. no Organization Email): \"if in doubt, ask questions about the situation under which the ticket is being raised\"."
}
