package model

import "time"

// StepKind names a fix-wizard step (rules.md, "Fix plans"), in the order they are walked.
type StepKind string

const (
	StepOrgEmail     StepKind = "org_email"    // 1. Organization Email (partners)
	StepRequester    StepKind = "requester"    // 2. change the requester (or create the end user)
	StepOrganization StepKind = "organization" // 3. set the ticket organization to org(E)
	StepCCs          StepKind = "ccs"          // 4. keep the partner informed
	StepAssociation  StepKind = "association"  // 5. remove an offending membership / set the Select org
	StepNote         StepKind = "note"         // 6. the internal note recording what changed and why
)

// Step is one proposed change. Before/After are what a person reads in the wizard and the
// review diff; the typed payload is what is submitted.
type Step struct {
	Kind   StepKind
	Title  string // e.g. "Organization Email (partners)"
	Why    string // the finding or handbook rule that asks for it
	Before string
	After  string
	// Accepted is the wizard's choice; steps start accepted except optional ones
	// (a CC step off by default outside services_engagement).
	Accepted bool
	// Editable: `e` may edit the proposed value. The org email and a new requester's name
	// are edited by rebuilding the plan with PlanOptions (OrgEmail, NewRequesterName), so
	// the requester and organization follow; the note is edited in place by setting Note
	// (and After) to the new text (see Plan.Compile).
	Editable bool
	// Toggle: the step is an on/off choice (CCs, rules.md step 4). Accepting it "as
	// proposed" keeps Accepted as the plan set it; the wizard's edit flips it.
	Toggle bool

	// Payload, by kind.
	OrgEmail       string             // StepOrgEmail
	RequesterID    int64              // StepRequester: existing user …
	NewRequester   *NewUser           // … or an end user created in the update
	OrganizationID int64              // StepOrganization, StepAssociation (Select ticket under a customer org)
	CCs            []CCRef            // StepCCs
	Removal        *MembershipRemoval // StepAssociation (membership to remove)
	Note           string             // StepNote

	// cites are the passages Why is made of (one or more); the note groups steps by them.
	cites []string
	// noteLine is what the note says the step does, people named by name and address
	// ("" → Title: Before → After).
	noteLine string

	// autoNote is the note as generated; while Note still equals it, the note follows the
	// steps the agent accepts (Plan.Compile, Plan.RefreshNote).
	autoNote string
}

// Plan is the ordered fix for one ticket. A plan for a ticket that is already right has no steps.
type Plan struct {
	TicketID     int64
	UpdatedStamp time.Time
	Steps        []Step
	// Refused is set when the validator refused the plan; such a plan is never submitted
	// (Compile returns an empty update for it).
	Refused string
	// Manual lists what a finding needs that the plan cannot do, one sentence each, for the
	// agent to do by hand (e.g. "ask the submitter for the customer's address").
	Manual []string
	// Ask is set when the plan's advice is to ask the submitter (the unknown scenario, an
	// address no customer has, …): the one rule both the wizard's advice and `a` (ask the
	// submitter) follow. Its Why is also one of Manual's sentences.
	Ask *AskAdvice
	// Warnings are what the agent should weigh before submitting (rules.md, "Warnings"), one
	// sentence each; the wizard and the review show them, nothing is refused for them.
	Warnings []string
	// OtherReading, when set, is the other fix a warning offers: BuildPlan with its Options
	// builds it (e.g. keep the requester and correct the Organization Email to theirs).
	OtherReading *Reading
}

// AskAdvice says why the submitter must be asked and what: Question is the question in
// the partner's words ("" → the handbook's situations, the ask template).
type AskAdvice struct {
	Why      string
	Question string
}

// Template is the ask-the-submitter template for this advice: configured (the config's
// templates.ask_submitter, "" → DefaultAskSubmitter) when the question is which situation
// applies, else a short reply asking Question.
func (a AskAdvice) Template(configured string) string {
	if a.Question == "" {
		return configured
	}
	return "Hello {submitter_name},\n\nThank you for ticket #{ticket_id}. " + a.Question + "\n\nThank you!"
}

// AskCC is who a question to the submitter must add as email CC to reach them: a public
// reply reaches the requester and the ticket's CCs, so the submitter when they are neither
// (e.g. a partner who raised the ticket for a customer); 0 when the reply reaches them.
func AskCC(t Ticket) int64 {
	if t.SubmitterID == 0 || t.SubmitterID == t.RequesterID || onTicket(&t, t.SubmitterID) {
		return 0
	}
	return t.SubmitterID
}

// NeedsPerson reports a plan partner-triage cannot carry out itself: it is refused, or it
// changes nothing while something must be done by hand or asked. A bulk review lists such
// tickets apart from the ones that truly need nothing.
func (p Plan) NeedsPerson() bool {
	if p.Refused != "" {
		return true
	}
	if len(p.Manual) == 0 && p.Ask == nil {
		return false
	}
	for _, s := range p.Steps {
		if s.Accepted && s.Kind != StepNote {
			return false
		}
	}
	return true
}

// Reading is another way to read a ticket's mistake, offered by a warning.
type Reading struct {
	Label   string // what it does, for a person: "keep … as requester and set …"
	Options PlanOptions
}

// DiffLine is one row of the review diff: a field, its value now and after the update.
type DiffLine struct {
	Field  string
	Before string
	After  string
}

// PlanOptions carries the agent's edits into a rebuilt plan.
type PlanOptions struct {
	// OrgEmail overrides the corrected Organization Email (default: the finding's suggestion,
	// else the current E).
	OrgEmail string
	// NewRequesterName names the end user created when no user has the address.
	NewRequesterName string
}
