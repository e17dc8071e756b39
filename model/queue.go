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

// queueRank orders evaluations for the queue: errors, warnings, clean, skipped.
func queueRank(e Evaluation) int {
	switch {
	case e.Skipped != "":
		return 3
	case e.Worst() == SeverityError:
		return 0
	case e.Worst() == SeverityWarning:
		return 1
	}
	return 2
}

// SortForQueue orders evaluations findings first: tickets with an error, then with
// warnings only, then clean ones, then skipped ones; by ticket id within each group.
func SortForQueue(evs []Evaluation) {
	slices.SortStableFunc(evs, func(a, b Evaluation) int {
		if c := cmp.Compare(queueRank(a), queueRank(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.TicketID, b.TicketID)
	})
}

// HandbookRule is the handbook guidance that applies to a scenario, for the detail pane.
func (s Scenario) HandbookRule() string {
	switch s {
	case ScenarioServicesEngagement:
		return "Handbook example 2: the partner fulfils a services engagement for the customer; support is based on the customer's subscription and the partner stays CC'd."
	case ScenarioCustomerAccount:
		return "Handbook example 1: the partner raised the ticket for a customer; it belongs under the customer's account and support corresponds with the customer directly."
	case ScenarioPartnerAccount:
		return "Handbook examples 3 and 4: the partner works under their own account, on their own subscription or NFR licences."
	case ScenarioSelectPartner:
		return "Select partner ticket: support is based on the Select partner's subscription and talks to the partner; never associate a customer with a Select partner's organization."
	}
	return "Not one of the handbook examples: if in doubt, ask the submitter about the situation."
}
