// Package model holds the tickets, people and organizations partner-triage reasons about,
// the triage rules of shared/spec/rules.md and the fix plans that correct what they find.
// It is pure: no I/O, no clocks, no Bubble Tea, so every rule is a plain function under test.
package model

import (
	"errors"
	"time"
)

// Ticket is the part of a Zendesk ticket the rules read.
type Ticket struct {
	ID             int64
	Subject        string
	Status         string // new, open, pending, hold, solved, closed
	FormID         int64  // ticket_form_id; 0 when none
	RequesterID    int64  // 0 when missing
	SubmitterID    int64
	AssigneeID     int64
	OrganizationID int64 // 0 when the ticket has no organization
	// CollaboratorIDs and EmailCCIDs are the ticket's collaborator_ids and email_cc_ids.
	CollaboratorIDs []int64
	EmailCCIDs      []int64
	// Fields holds custom field values by field id, decoded tolerantly (see FieldValue).
	Fields    map[int64]FieldValue
	CreatedAt time.Time
	// UpdatedAt is the ticket's updated_at as read at load; it is sent back as
	// updated_stamp with safe_update so a concurrent change is refused (409), never overwritten.
	UpdatedAt time.Time
}

// FieldKind says which JSON type a custom field value had on the wire.
type FieldKind uint8

const (
	FieldNull FieldKind = iota
	FieldString
	FieldNumber
	FieldBool
	FieldList
	FieldOther // an object or anything else unexpected
)

// FieldValue is a custom field value whatever JSON type Zendesk sent. Text is the value
// as text: strings as they are, numbers in their JSON spelling, bools as true/false,
// lists joined with a space, null and objects as "".
type FieldValue struct {
	Kind FieldKind
	Text string
}

// Field returns the text of the ticket's custom field id ("" when absent).
func (t Ticket) Field(id int64) string {
	if t.Fields == nil {
		return ""
	}
	return t.Fields[id].Text
}

// User is a Zendesk user. OrganizationID is the default organization (0 when none).
type User struct {
	ID             int64
	Name           string
	Email          string // the primary email identity ("" when the user has none)
	Role           string // end-user, agent, admin
	OrganizationID int64
	// Suspended: Zendesk's suspended flag (a suspended user gets no email; while a CC is
	// suspended, CC notifications stop).
	Suspended bool
	// Emails are the user's other email identities (GET /users/{id}/identities), known once
	// the user was looked up by exact address; nil when not looked up (the directory then
	// keeps what it knew), empty when the user has none.
	Emails []string
}

// Organization is a Zendesk organization. Fields holds organization_fields as text
// (the same tolerant conversion as FieldValue.Text).
type Organization struct {
	ID          int64
	Name        string
	DomainNames []string
	Fields      map[string]string
}

// Membership is an organization membership (a user may have several).
type Membership struct {
	ID             int64
	UserID         int64
	OrganizationID int64
	Default        bool
}

// QueuePage is one increment of a queue load: the tickets of one list page and every
// user, organization and membership the loader learnt while resolving them. Pages are
// merged into a Directory by the consumer, so loader and console never share a map.
type QueuePage struct {
	Tickets       []Ticket
	Users         []User
	Organizations []Organization
	Memberships   []Membership
	// Loaded is how many queue tickets have been delivered so far (this page included);
	// Listed is how many of the source's records have been listed so far, in the queue or
	// not (other forms, solved); Total is the source's count when known, else -1, to hold
	// against Listed (never against Loaded: the queue keeps only some of the records).
	Loaded, Listed, Total int
	// Pending marks a page delivered as soon as it was listed, before the people,
	// organizations and memberships that judge its tickets were looked up: its tickets (and
	// the users and organizations the list sideloaded) are final, their verdicts are not
	// known yet. The same tickets come again, resolved, in a later page of the same load
	// (usually the next); a pending ticket no later page brings left the queue during the
	// load. A console shows them as being checked; a report skips pending pages.
	Pending bool
}

// RuleConfig is the part of the configuration the rules need. Every id and name comes
// from the user's config file; the defaults are the real ids in shared/spec/zendesk.md.
type RuleConfig struct {
	OpenForms      []int64
	SelectForms    []int64
	OrgEmailField  int64    // Organization Email (partners)
	CCRequestField int64    // Request for CCs
	TrackField     string   // organization_fields key holding the partner track
	SelectValues   []string // track values meaning Select (case-insensitive)
	OpenValues     []string // track values meaning Open (case-insensitive)
}

// Scenario is the handbook example that applies to a ticket (rules.md, "Scenario").
type Scenario string

const (
	ScenarioServicesEngagement Scenario = "services_engagement"
	ScenarioCustomerAccount    Scenario = "customer_account"
	ScenarioPartnerAccount     Scenario = "partner_account"
	ScenarioSelectPartner      Scenario = "select_partner"
	ScenarioUnknown            Scenario = "unknown"
)

// FindingKind names one of the four findings of rules.md.
type FindingKind string

const (
	KindRequesterOrgMismatch     FindingKind = "requester_org_mismatch"
	KindCustomerEmailUnknown     FindingKind = "customer_email_unknown"
	KindSelectPartnerAssociation FindingKind = "select_partner_association"
	KindPartnerCCMissing         FindingKind = "partner_cc_missing"
)

// Severity of a finding.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one thing wrong with a ticket, with what a fix needs to know.
type Finding struct {
	Kind     FindingKind
	Severity Severity
	Message  string // one sentence for a person
	// SuggestedEmail is set on customer_email_unknown when a customer domain is near.
	SuggestedEmail string
	// Association details (select_partner_association): the offending user and
	// organization, and the membership to remove when there is one (0 for form (c)/(d)).
	UserID       int64
	OrgID        int64
	MembershipID int64
	// AssociationForm says which form of rules.md the association takes: "a" (a customer in
	// a Select org), "b" (a Select user in a customer org), "c" (a Select org on a customer's
	// ticket) or "d" (a Select ticket under a customer org). For "a"/"b" a MembershipID of 0
	// means the link is the user's default organization and its membership record is unknown.
	AssociationForm string
	// MissingCCs are the requested addresses (partner_cc_missing) not yet on the ticket;
	// MissingCCUserIDs the requested users known by id only (the submitter when the field names nobody).
	MissingCCs       []string
	MissingCCUserIDs []int64
}

// Evaluation is the verdict on one ticket.
type Evaluation struct {
	TicketID int64
	Scenario Scenario
	// SupportBasisOrgID names the organization whose subscription applies (0 when unknown).
	SupportBasisOrgID int64
	// OrgEmail is E: the normalised Organization Email (partners), "" when not an address.
	OrgEmail string
	// OrgOfEmail is org(E) (0 when none).
	OrgOfEmail int64
	Findings   []Finding
	// Skipped is set (with no findings) when the ticket cannot be judged, e.g. it is not
	// in the queue; it says why.
	Skipped string
}

// Errors the Zendesk client wraps so the console can react without knowing HTTP.
var (
	// ErrConflict: safe_update refused the write because the ticket changed since load (409).
	ErrConflict = errors.New("the ticket changed in Zendesk since it was loaded")
	// ErrNotFound: the ticket, user, organization or membership does not exist (404).
	ErrNotFound = errors.New("not found in Zendesk")
	// ErrNotSent: the request never left (e.g. no usable sign-in): nothing was applied.
	ErrNotSent = errors.New("not sent to Zendesk")
)
