package model

import (
	"cmp"
	"slices"
	"strings"
)

// BulkPlan is one ticket of a bulk fix: its verdict and its default plan (every step as
// proposed, as the wizard's `enter` would accept them).
type BulkPlan struct {
	Ticket     Ticket
	Evaluation Evaluation
	Plan       Plan
}

// PlanBulk evaluates and plans every ticket, in the order given (tickets outside the queue
// get an empty plan). It is BuildPlan per ticket: the same rules and validator, one copy.
func PlanBulk(cfg RuleConfig, tickets []Ticket, dir *Directory) []BulkPlan {
	out := make([]BulkPlan, len(tickets))
	for i, t := range tickets {
		ev := Evaluate(cfg, t, dir)
		out[i] = BulkPlan{Ticket: t, Evaluation: ev, Plan: BuildPlan(cfg, t, ev, dir, PlanOptions{})}
	}
	return out
}

// PlanShape says what a plan does, without the ticket's particulars, so plans of the same
// shape (e.g. ten tickets where one partner mistyped acme.com as acme.cmo) review together.
// Key compares; Label is for a person, e.g. "Organization Email acme.cmo → acme.com,
// requester (new end user), organization".
type PlanShape struct {
	Key   string
	Label string
}

// The shapes of plans that change nothing: those a person must take up (refused, by-hand
// steps, a question for the submitter: Plan.NeedsPerson) and those that truly need nothing.
var (
	ShapePerson  = PlanShape{Key: "person", Label: "need a person"}
	ShapeNothing = PlanShape{Key: "none", Label: "nothing to change"}
)

// ShapeOf returns the shape of the plan's accepted steps: ShapePerson for a plan a person
// must take up (Plan.NeedsPerson), ShapeNothing for one with nothing to change.
func ShapeOf(p Plan) PlanShape {
	if p.NeedsPerson() {
		return ShapePerson
	}
	var keys, labels []string
	for _, s := range p.Steps {
		if !s.Accepted || s.Kind == StepNote {
			continue
		}
		switch s.Kind {
		case StepOrgEmail:
			from, to := domainOrEmpty(s.Before), domainOrEmpty(s.After)
			keys = append(keys, "org_email:"+from+">"+to)
			labels = append(labels, "Organization Email "+orNone(from)+" → "+orNone(to))
		case StepRequester:
			if s.NewRequester != nil {
				keys, labels = append(keys, "requester:new"), append(labels, "requester (new end user)")
			} else {
				keys, labels = append(keys, "requester"), append(labels, "requester")
			}
		case StepOrganization:
			keys, labels = append(keys, "organization"), append(labels, "organization")
		case StepCCs:
			keys, labels = append(keys, "ccs"), append(labels, "email CCs")
		case StepAssociation:
			if s.Removal != nil {
				keys, labels = append(keys, "remove_membership"), append(labels, "remove a Select membership")
			} else {
				keys, labels = append(keys, "association_org"), append(labels, "organization (Select rule)")
			}
		default:
			keys, labels = append(keys, string(s.Kind)), append(labels, s.Title)
		}
	}
	if len(keys) == 0 {
		return ShapeNothing
	}
	return PlanShape{Key: strings.Join(keys, "+"), Label: strings.Join(labels, ", ")}
}

// domainOrEmpty is the domain of an address (lower-cased), else "".
func domainOrEmpty(s string) string {
	if e := NormalizeEmail(s); e != "" {
		return domainOf(e)
	}
	return ""
}

// PlanGroup is the tickets of one shape, as indexes into the plans grouped.
type PlanGroup struct {
	Shape   PlanShape
	Indexes []int
}

// GroupByShape groups plans by ShapeOf: groups with something to change first (largest
// first, then by their first plan's position), then "need a person", then "nothing to
// change".
// Within a group the plans keep their order.
func GroupByShape(plans []Plan) []PlanGroup {
	var groups []PlanGroup
	at := map[string]int{}
	for i, p := range plans {
		sh := ShapeOf(p)
		g, ok := at[sh.Key]
		if !ok {
			g = len(groups)
			at[sh.Key] = g
			groups = append(groups, PlanGroup{Shape: sh})
		}
		groups[g].Indexes = append(groups[g].Indexes, i)
	}
	rank := func(g PlanGroup) int {
		switch g.Shape.Key {
		case ShapePerson.Key:
			return 1
		case ShapeNothing.Key:
			return 2
		}
		return 0
	}
	slices.SortStableFunc(groups, func(a, b PlanGroup) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(len(b.Indexes), len(a.Indexes)),
			cmp.Compare(a.Indexes[0], b.Indexes[0]))
	})
	return groups
}
