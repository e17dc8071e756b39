package model

// BuildPlan proposes the ordered fix for an evaluated ticket. TODO: being implemented.
func BuildPlan(cfg RuleConfig, t Ticket, ev Evaluation, dir *Directory, opt PlanOptions) Plan {
	return Plan{TicketID: t.ID, UpdatedStamp: t.UpdatedAt}
}

// Compile turns the accepted steps of a plan into the writes that carry it out: the
// membership removals (submitted first, each confirmed) and one ticket update.
func (p Plan) Compile(cfg RuleConfig) (TicketUpdate, []MembershipRemoval) {
	return TicketUpdate{TicketID: p.TicketID, UpdatedStamp: p.UpdatedStamp}, nil
}
