package model

import "time"

// JournalEntry is one submitted fix as the local journal keeps it: what the ticket was
// before and what was sent, so the change can be reverted with safe_update later.
type JournalEntry struct {
	// ID names the entry for `undo ID` and the console's journal list: the line of the
	// journal file where it starts. Set when the journal is read; never stored.
	ID       int       `json:"-"`
	Time     time.Time `json:"time"`
	TicketID int64     `json:"ticket_id"`
	// Before holds the ticket's values, as loaded, of every field the fix changed.
	Before TicketState `json:"before"`
	// After holds the values written.
	After TicketState `json:"after"`
	// RemovedMemberships were deleted before the ticket update.
	RemovedMemberships []MembershipRemoval `json:"removed_memberships,omitempty"`
	// UpdatedAt is the ticket's updated_at after the write: undo refuses when it moved since.
	UpdatedAt time.Time `json:"updated_at"`
	Undone    bool      `json:"undone,omitempty"`
	// Batch is the id shared by every entry of one bulk fix or audit removal ("" for a
	// single fix), so the whole batch can be undone together.
	Batch string `json:"batch,omitempty"`
	// PublicReply is the public reply the change sent (ask the submitter): an undo cannot
	// unsend it, so it adds an internal note saying the question was withdrawn.
	PublicReply string `json:"public_reply,omitempty"`
}

// TicketState is the part of a ticket a fix may change.
type TicketState struct {
	RequesterID    int64            `json:"requester_id,omitempty"`
	OrganizationID int64            `json:"organization_id,omitempty"`
	CustomFields   map[int64]string `json:"custom_fields,omitempty"`
	EmailCCIDs     []int64          `json:"email_cc_ids,omitempty"`
	// Status is recorded only when the change set it ("" otherwise).
	Status string `json:"status,omitempty"`
}
