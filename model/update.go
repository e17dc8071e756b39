package model

import "time"

// TicketUpdate is one ticket write, expressed without HTTP: the Zendesk client turns it into
// an explicit JSON body for PUT /tickets/{id} with safe_update and updated_stamp. Only the
// fields that are set are sent, so nothing is cleared or overwritten by accident.
type TicketUpdate struct {
	TicketID int64
	// UpdatedStamp is the ticket's updated_at as read at load (safe_update).
	UpdatedStamp time.Time
	// CustomFields to set, by field id.
	CustomFields map[int64]string
	// Requester: either an existing user's id, or a new end user created by email (and name)
	// in the same update. At most one of the two is set.
	RequesterID  int64
	NewRequester *NewUser
	// OrganizationID sets the ticket's organization when non-nil (*0 is never sent).
	OrganizationID *int64
	// ClearOrganization sends organization_id: null (only an undo needs it).
	ClearOrganization bool
	// AddEmailCCs are added with action "put" (existing CCs are kept).
	AddEmailCCs []CCRef
	// RemoveEmailCCs are removed with action "delete" (only an undo needs it).
	RemoveEmailCCs []CCRef
	// Note is added as an internal note (public: false) when non-empty.
	Note string
	// PublicReply is added as a public comment (public: true) to the requester when
	// non-empty (ask the submitter). An update carries either a Note or a PublicReply.
	PublicReply string
	// Status sets the ticket status (new, open, pending, hold, solved) when non-empty.
	Status string
}

// NewUser is an end user created by a ticket update.
type NewUser struct {
	Email string
	Name  string
}

// CCRef names an email CC by user id or, for someone without a Zendesk user yet, by address.
type CCRef struct {
	UserID int64
	Email  string
}

// IsEmpty reports whether the update would change nothing.
func (u TicketUpdate) IsEmpty() bool {
	return len(u.CustomFields) == 0 && u.RequesterID == 0 && u.NewRequester == nil &&
		u.OrganizationID == nil && !u.ClearOrganization && len(u.AddEmailCCs) == 0 &&
		len(u.RemoveEmailCCs) == 0 && u.Note == "" &&
		u.PublicReply == "" && u.Status == ""
}

// MembershipRemoval deletes one organization membership (never a user or an organization).
// MembershipID is 0 when the offending link is the user's default organization and its
// membership record was not loaded: the client then looks it up by UserID and
// OrganizationID (/users/{id}/organization_memberships) before deleting it.
type MembershipRemoval struct {
	MembershipID   int64
	UserID         int64
	OrganizationID int64
}
