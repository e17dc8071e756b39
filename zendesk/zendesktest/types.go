package zendesktest

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"
)

// CustomField is one entry of a ticket's custom_fields (and fields) array. Value is
// whatever JSON type Zendesk holds for the field: a string, a number (json.Number or
// any Go number), a bool, a list ([]any / []string) or nil for null.
type CustomField struct {
	ID    int64 `json:"id"`
	Value any   `json:"value"`
}

// Ticket is a Zendesk ticket as the emulator stores it. It marshals to (and unmarshals
// from) Zendesk's wire format: zero ids (assignee, organization, form, group) become
// null, nil slices become [], and the fields Zendesk always sends but the project never
// reads (via, priority, brand_id, …) are filled with believable constants.
type Ticket struct {
	ID              int64
	URL             string // filled by the server when empty
	Subject         string
	Description     string
	Status          string // new, open, pending, hold, solved, closed
	Priority        string // "" → null
	Type            string // "" → null
	TicketFormID    int64  // 0 → null
	RequesterID     int64
	SubmitterID     int64
	AssigneeID      int64 // 0 → null
	GroupID         int64 // 0 → null
	OrganizationID  int64 // 0 → null
	CollaboratorIDs []int64
	EmailCCIDs      []int64
	FollowerIDs     []int64
	CustomFields    []CustomField
	Tags            []string
	ViaChannel      string // "" → "web"
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

type ticketWire struct {
	URL                 string        `json:"url"`
	ID                  int64         `json:"id"`
	ExternalID          *string       `json:"external_id"`
	Via                 viaWire       `json:"via"`
	CreatedAt           time.Time     `json:"created_at"`
	UpdatedAt           time.Time     `json:"updated_at"`
	Type                *string       `json:"type"`
	Subject             string        `json:"subject"`
	RawSubject          string        `json:"raw_subject"`
	Description         string        `json:"description"`
	Priority            *string       `json:"priority"`
	Status              string        `json:"status"`
	Recipient           *string       `json:"recipient"`
	RequesterID         int64         `json:"requester_id"`
	SubmitterID         int64         `json:"submitter_id"`
	AssigneeID          *int64        `json:"assignee_id"`
	OrganizationID      *int64        `json:"organization_id"`
	GroupID             *int64        `json:"group_id"`
	CollaboratorIDs     []int64       `json:"collaborator_ids"`
	FollowerIDs         []int64       `json:"follower_ids"`
	EmailCCIDs          []int64       `json:"email_cc_ids"`
	ForumTopicID        *int64        `json:"forum_topic_id"`
	ProblemID           *int64        `json:"problem_id"`
	HasIncidents        bool          `json:"has_incidents"`
	IsPublic            bool          `json:"is_public"`
	DueAt               *time.Time    `json:"due_at"`
	Tags                []string      `json:"tags"`
	CustomFields        []CustomField `json:"custom_fields"`
	SatisfactionRating  any           `json:"satisfaction_rating"`
	SharingAgreementIDs []int64       `json:"sharing_agreement_ids"`
	Fields              []CustomField `json:"fields"`
	FollowupIDs         []int64       `json:"followup_ids"`
	TicketFormID        *int64        `json:"ticket_form_id"`
	BrandID             *int64        `json:"brand_id"`
	AllowChannelback    bool          `json:"allow_channelback"`
	AllowAttachments    bool          `json:"allow_attachments"`
	FromMessaging       bool          `json:"from_messaging_channel"`
	ResultType          string        `json:"result_type,omitempty"`
}

type viaWire struct {
	Channel string `json:"channel"`
	Source  struct {
		From map[string]any `json:"from"`
		To   map[string]any `json:"to"`
		Rel  *string        `json:"rel"`
	} `json:"source"`
}

const demoBrandID = 360000100001

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func nullStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

func nonNilStrs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (t Ticket) wire(resultType string) ticketWire {
	cf := t.CustomFields
	if cf == nil {
		cf = []CustomField{}
	}
	via := viaWire{Channel: t.ViaChannel}
	if via.Channel == "" {
		via.Channel = "web"
	}
	via.Source.From = map[string]any{}
	via.Source.To = map[string]any{}
	brand := int64(demoBrandID)
	return ticketWire{
		URL: t.URL, ID: t.ID, Via: via, CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(),
		Type: nullStr(t.Type), Subject: t.Subject, RawSubject: t.Subject, Description: t.Description,
		Priority: nullStr(t.Priority), Status: t.Status, RequesterID: t.RequesterID, SubmitterID: t.SubmitterID,
		AssigneeID: nullID(t.AssigneeID), OrganizationID: nullID(t.OrganizationID), GroupID: nullID(t.GroupID),
		CollaboratorIDs: nonNilIDs(t.CollaboratorIDs), FollowerIDs: nonNilIDs(t.FollowerIDs),
		EmailCCIDs: nonNilIDs(t.EmailCCIDs), IsPublic: true, Tags: nonNilStrs(t.Tags),
		CustomFields: cf, Fields: cf, SharingAgreementIDs: []int64{}, FollowupIDs: []int64{},
		TicketFormID: nullID(t.TicketFormID), BrandID: &brand, AllowAttachments: true, ResultType: resultType,
	}
}

// MarshalJSON writes the ticket in Zendesk's wire format.
func (t Ticket) MarshalJSON() ([]byte, error) { return json.Marshal(t.wire("")) }

// UnmarshalJSON reads a ticket in Zendesk's wire format (numbers in custom field values
// are kept as json.Number).
func (t *Ticket) UnmarshalJSON(b []byte) error {
	var w ticketWire
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	*t = Ticket{
		ID: w.ID, URL: w.URL, Subject: w.Subject, Description: w.Description, Status: w.Status,
		Priority: deref(w.Priority), Type: deref(w.Type), TicketFormID: derefID(w.TicketFormID),
		RequesterID: w.RequesterID, SubmitterID: w.SubmitterID, AssigneeID: derefID(w.AssigneeID),
		GroupID: derefID(w.GroupID), OrganizationID: derefID(w.OrganizationID),
		CollaboratorIDs: w.CollaboratorIDs, EmailCCIDs: w.EmailCCIDs, FollowerIDs: w.FollowerIDs,
		CustomFields: w.CustomFields, Tags: w.Tags, ViaChannel: w.Via.Channel,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// Field returns the value of custom field id (nil when absent or null).
func (t Ticket) Field(id int64) any {
	for _, f := range t.CustomFields {
		if f.ID == id {
			return f.Value
		}
	}
	return nil
}

func (t Ticket) clone() Ticket {
	t.CollaboratorIDs = slices.Clone(t.CollaboratorIDs)
	t.EmailCCIDs = slices.Clone(t.EmailCCIDs)
	t.FollowerIDs = slices.Clone(t.FollowerIDs)
	t.CustomFields = slices.Clone(t.CustomFields)
	t.Tags = slices.Clone(t.Tags)
	return t
}

// User is a Zendesk user. OrganizationID is the default organization (0 → null); Email
// "" → null (a user without an email). Role is end-user, agent or admin.
type User struct {
	ID             int64
	URL            string
	Name           string
	Email          string
	Role           string // "" → end-user
	OrganizationID int64
	Active         bool
	Verified       bool
	Suspended      bool
	Tags           []string
	UserFields     map[string]any
	TimeZone       string // "" → "Eastern Time (US & Canada)"
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

type userWire struct {
	ID                   int64          `json:"id"`
	URL                  string         `json:"url"`
	Name                 string         `json:"name"`
	Email                *string        `json:"email"`
	CreatedAt            time.Time      `json:"created_at"`
	UpdatedAt            time.Time      `json:"updated_at"`
	TimeZone             string         `json:"time_zone"`
	IANATimeZone         string         `json:"iana_time_zone"`
	Phone                *string        `json:"phone"`
	SharedPhoneNumber    *bool          `json:"shared_phone_number"`
	Photo                any            `json:"photo"`
	LocaleID             int            `json:"locale_id"`
	Locale               string         `json:"locale"`
	OrganizationID       *int64         `json:"organization_id"`
	Role                 string         `json:"role"`
	Verified             bool           `json:"verified"`
	ExternalID           *string        `json:"external_id"`
	Tags                 []string       `json:"tags"`
	Alias                *string        `json:"alias"`
	Active               bool           `json:"active"`
	Shared               bool           `json:"shared"`
	SharedAgent          bool           `json:"shared_agent"`
	LastLoginAt          *time.Time     `json:"last_login_at"`
	TwoFactorAuthEnabled *bool          `json:"two_factor_auth_enabled"`
	Signature            *string        `json:"signature"`
	Details              string         `json:"details"`
	Notes                string         `json:"notes"`
	RoleType             *int           `json:"role_type"`
	CustomRoleID         *int64         `json:"custom_role_id"`
	Moderator            bool           `json:"moderator"`
	TicketRestriction    *string        `json:"ticket_restriction"`
	OnlyPrivateComments  bool           `json:"only_private_comments"`
	RestrictedAgent      bool           `json:"restricted_agent"`
	Suspended            bool           `json:"suspended"`
	DefaultGroupID       *int64         `json:"default_group_id"`
	ReportCSV            bool           `json:"report_csv"`
	UserFields           map[string]any `json:"user_fields"`
	ResultType           string         `json:"result_type,omitempty"`
}

func (u User) wire(resultType string) userWire {
	role := u.Role
	if role == "" {
		role = "end-user"
	}
	tz := u.TimeZone
	if tz == "" {
		tz = "Eastern Time (US & Canada)"
	}
	uf := u.UserFields
	if uf == nil {
		uf = map[string]any{}
	}
	w := userWire{
		ID: u.ID, URL: u.URL, Name: u.Name, Email: nullStr(u.Email), CreatedAt: u.CreatedAt.UTC(),
		UpdatedAt: u.UpdatedAt.UTC(), TimeZone: tz, IANATimeZone: "America/New_York", LocaleID: 1,
		Locale: "en-US", OrganizationID: nullID(u.OrganizationID), Role: role, Verified: u.Verified,
		Tags: nonNilStrs(u.Tags), Active: u.Active, Suspended: u.Suspended, UserFields: uf,
		ResultType: resultType, RestrictedAgent: role == "end-user",
	}
	if role == "end-user" {
		r := "requested"
		w.TicketRestriction = &r
	}
	return w
}

// MarshalJSON writes the user in Zendesk's wire format.
func (u User) MarshalJSON() ([]byte, error) { return json.Marshal(u.wire("")) }

// UnmarshalJSON reads a user in Zendesk's wire format.
func (u *User) UnmarshalJSON(b []byte) error {
	var w userWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = User{ID: w.ID, URL: w.URL, Name: w.Name, Email: deref(w.Email), Role: w.Role,
		OrganizationID: derefID(w.OrganizationID), Active: w.Active, Verified: w.Verified,
		Suspended: w.Suspended, Tags: w.Tags, UserFields: w.UserFields, TimeZone: w.TimeZone,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	return nil
}

// Organization is a Zendesk organization. OrganizationFields values may be any JSON
// type (string, number, bool, nil).
type Organization struct {
	ID                 int64
	URL                string
	Name               string
	DomainNames        []string
	OrganizationFields map[string]any
	Tags               []string
	Details            string
	Notes              string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

type orgWire struct {
	URL                string         `json:"url"`
	ID                 int64          `json:"id"`
	Name               string         `json:"name"`
	SharedTickets      bool           `json:"shared_tickets"`
	SharedComments     bool           `json:"shared_comments"`
	ExternalID         *string        `json:"external_id"`
	CreatedAt          time.Time      `json:"created_at"`
	UpdatedAt          time.Time      `json:"updated_at"`
	DomainNames        []string       `json:"domain_names"`
	Details            string         `json:"details"`
	Notes              string         `json:"notes"`
	GroupID            *int64         `json:"group_id"`
	Tags               []string       `json:"tags"`
	OrganizationFields map[string]any `json:"organization_fields"`
	ResultType         string         `json:"result_type,omitempty"`
}

func (o Organization) wire(resultType string) orgWire {
	of := o.OrganizationFields
	if of == nil {
		of = map[string]any{}
	}
	return orgWire{URL: o.URL, ID: o.ID, Name: o.Name, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
		DomainNames: nonNilStrs(o.DomainNames), Details: o.Details, Notes: o.Notes, Tags: nonNilStrs(o.Tags),
		OrganizationFields: of, ResultType: resultType}
}

// MarshalJSON writes the organization in Zendesk's wire format.
func (o Organization) MarshalJSON() ([]byte, error) { return json.Marshal(o.wire("")) }

// UnmarshalJSON reads an organization in Zendesk's wire format.
func (o *Organization) UnmarshalJSON(b []byte) error {
	var w orgWire
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	*o = Organization{ID: w.ID, URL: w.URL, Name: w.Name, DomainNames: w.DomainNames,
		OrganizationFields: w.OrganizationFields, Tags: w.Tags, Details: w.Details, Notes: w.Notes,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	return nil
}

// Membership is an organization membership (GET /organization_memberships shape).
// OrganizationName and URL are filled by the server.
type Membership struct {
	ID               int64     `json:"id"`
	URL              string    `json:"url"`
	UserID           int64     `json:"user_id"`
	OrganizationID   int64     `json:"organization_id"`
	OrganizationName string    `json:"organization_name"`
	Default          bool      `json:"default"`
	ViewTickets      bool      `json:"view_tickets"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Comment is a ticket comment (GET /tickets/{id}/comments shape).
type Comment struct {
	ID          int64     `json:"id"`
	Type        string    `json:"type"`
	AuthorID    int64     `json:"author_id"`
	Body        string    `json:"body"`
	HTMLBody    string    `json:"html_body"`
	PlainBody   string    `json:"plain_body"`
	Public      bool      `json:"public"`
	Attachments []any     `json:"attachments"`
	AuditID     int64     `json:"audit_id"`
	CreatedAt   time.Time `json:"created_at"`
}

// View is a Zendesk view. Its tickets are TicketIDs in that order (ids unknown to the
// dataset are skipped), or — when TicketIDs is nil — every ticket Match accepts, by id,
// evaluated at request time; with both nil the view holds every ticket.
type View struct {
	ID        int64
	Title     string
	TicketIDs []int64
	Match     func(Ticket) bool
}

// Dataset seeds a Server. The server copies it; later changes to the Dataset do not
// reach the server.
//
// Consistency the server adds on load: a user's OrganizationID gets a default
// membership when the dataset has none; a user without OrganizationID but with a
// membership marked Default takes that organization; URLs, organization names on
// memberships and missing timestamps are filled in; times are truncated to seconds, UTC.
type Dataset struct {
	Tickets       []Ticket
	Users         []User
	Organizations []Organization
	Memberships   []Membership
	// Identities are the users' secondary email identities (primary ones come from User.Email).
	Identities []Identity
	Views      []View
	Comments   map[int64][]Comment // by ticket id; a ticket without any gets its description as first comment
	// TicketForms names ticket forms by id, so the search term form:"Name" works.
	TicketForms map[int64]string
	// AccountURL is used in the resources' url fields, e.g. https://demo.zendesk.com
	// (empty: the server's own address). Pagination links always point to the server.
	AccountURL string
	// Agent is the id of the user the API credentials belong to (GET /users/me, author
	// of comments written through the API). 0: the user whose email matches
	// WithAPIToken's email, else the first agent or admin.
	Agent int64
}

// RequestRecord is one request the server received (recorded when it arrives; its Status is
// set before the answer is sent).
type RequestRecord struct {
	Method string
	Path   string // path and query as sent, including /api/v2
	Status int    // status written (the fault's status for an injected fault); 0 none (yet)
	Fault  bool   // an injected fault answered it
}

// Fault is an injected failure. It hits the next Times requests whose method equals
// Method ("" any) and whose path starts with PathPrefix (given with or without the
// /api/v2 prefix; "" any). Times == 0 means once; Times < 0 forever.
//
//   - Delay: wait before answering (alone: a slow but otherwise normal response).
//   - Status (+ Body, RetryAfter): answer with that status instead of handling the
//     request; Body defaults to a JSON error. Retry-After is set when RetryAfter != "".
//   - Body with Status 0: answer 200 with that raw body (e.g. malformed JSON).
//   - CutOff: announce the full Content-Length, write half the body (of the fault's
//     response, or of the real one), then close the connection.
//   - Reset: close the connection without answering (TCP RST: "connection reset by peer").
//   - AfterApply: handle the request first, so its change is made, and only then answer
//     as the other fields say — a write whose answer is lost: with Reset, Status (e.g.
//     500, 504), CutOff, Body (e.g. "{}", a 200 without the ticket) or Delay (the client
//     times out; the change stays made).
type Fault struct {
	Method     string
	PathPrefix string
	Status     int
	RetryAfter string
	Body       string
	Delay      time.Duration
	Times      int
	CutOff     bool
	Reset      bool
	AfterApply bool
	// Before, when set, runs as the fault is taken, before the request is handled: a test's
	// hook to change the data between two requests deterministically (e.g. solve a ticket
	// while a parallel load is in flight). It must not call Inject.
	Before func()
}
