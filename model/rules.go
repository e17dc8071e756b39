package model

// InQueue reports whether a ticket belongs to the triage queue: one of the configured
// partner forms and a status of new, open, pending or hold (rules.md, "Queue").
func InQueue(cfg RuleConfig, t Ticket) bool {
	switch t.Status {
	case "new", "open", "pending", "hold":
	default:
		return false
	}
	return containsID(cfg.OpenForms, t.FormID) || containsID(cfg.SelectForms, t.FormID)
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Evaluate judges one ticket against the rules (rules.md). TODO: being implemented.
func Evaluate(cfg RuleConfig, t Ticket, dir *Directory) Evaluation {
	if !InQueue(cfg, t) {
		return Evaluation{TicketID: t.ID, Scenario: ScenarioUnknown, Skipped: "not in the partner queue (form or status)"}
	}
	return Evaluation{TicketID: t.ID, Scenario: ScenarioUnknown}
}

// BuildPlan proposes the ordered fix for an evaluated ticket. TODO: being implemented.
func BuildPlan(cfg RuleConfig, t Ticket, ev Evaluation, dir *Directory, opt PlanOptions) Plan {
	return Plan{TicketID: t.ID, UpdatedStamp: t.UpdatedAt}
}

// Compile turns the accepted steps of a plan into the writes that carry it out: the
// membership removals (submitted first, each confirmed) and one ticket update.
func (p Plan) Compile(cfg RuleConfig) (TicketUpdate, []MembershipRemoval) {
	return TicketUpdate{TicketID: p.TicketID, UpdatedStamp: p.UpdatedStamp}, nil
}
