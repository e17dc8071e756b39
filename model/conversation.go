package model

import "time"

// Comment is one entry of a ticket's conversation (GET /tickets/{id}/comments): the
// description is the first. Public false marks an internal note.
type Comment struct {
	ID        int64
	AuthorID  int64
	Body      string // plain text as Zendesk gives it (untrusted)
	Public    bool
	CreatedAt time.Time
}

// Conversation is what the console shows of a ticket's comments: the description and the
// latest comments, oldest first, with their authors.
type Conversation struct {
	TicketID int64
	Comments []Comment
	Authors  []User
	// Partial is set when comments between the description and the latest ones were not read.
	Partial bool
}
