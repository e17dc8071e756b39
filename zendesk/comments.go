package zendesk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// ConversationSize is how many of the latest comments Conversation reads.
const ConversationSize = 20

type wireComment struct {
	ID        flexID     `json:"id"`
	AuthorID  flexID     `json:"author_id"`
	PlainBody flexString `json:"plain_body"`
	Body      flexString `json:"body"`
	Public    *bool      `json:"public"`
	CreatedAt flexTime   `json:"created_at"`
}

type commentsPage struct {
	Comments []wireComment `json:"comments"`
	Users    []wireUser    `json:"users"`
	Meta     struct {
		HasMore bool `json:"has_more"`
	} `json:"meta"`
}

// Conversation reads a ticket's latest ConversationSize comments with their authors in one
// request (GET /tickets/{id}/comments, newest first, include=users); when the ticket has
// more, a second request reads the description (its first comment). Comments come oldest
// first. A comment without "public" counts as internal, so nothing is shown as sent to the
// customer unless Zendesk says so. Errors: model.ErrNotFound for an unknown ticket, the
// client's usual HTTP and decoding errors.
func (c *Client) Conversation(ctx context.Context, id int64) (model.Conversation, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	conv := model.Conversation{TicketID: id}
	err := c.withLoadTimeout(ctx, func(ctx context.Context) error {
		var latest commentsPage
		path := fmt.Sprintf("/tickets/%d/comments.json?sort_order=desc&page%%5Bsize%%5D=%d&include=users", id, ConversationSize)
		if err := c.get(ctx, path, &latest); err != nil {
			return err
		}
		comments := decodeComments(latest.Comments)
		slices.Reverse(comments)
		authors := decodeUsers(latest.Users)
		if latest.Meta.HasMore {
			var first commentsPage
			path := fmt.Sprintf("/tickets/%d/comments.json?sort_order=asc&page%%5Bsize%%5D=1&include=users", id)
			if err := c.get(ctx, path, &first); err != nil {
				return err
			}
			if d := decodeComments(first.Comments); len(d) == 1 && (len(comments) == 0 || d[0].ID != comments[0].ID) {
				comments = append(d, comments...)
				authors = append(authors, decodeUsers(first.Users)...)
			}
			conv.Partial = true
		}
		conv.Comments, conv.Authors = comments, authors
		return nil
	})
	return conv, err
}

func decodeComments(ws []wireComment) []model.Comment {
	out := make([]model.Comment, 0, len(ws))
	for _, w := range ws {
		body := string(w.PlainBody)
		if body == "" {
			body = string(w.Body)
		}
		out = append(out, model.Comment{ID: int64(w.ID), AuthorID: int64(w.AuthorID), Body: body,
			Public: w.Public != nil && *w.Public, CreatedAt: time.Time(w.CreatedAt)})
	}
	return out
}

func decodeUsers(ws []wireUser) []model.User {
	out := make([]model.User, 0, len(ws))
	for i := range ws {
		if u := ws[i].model(); u.ID != 0 {
			out = append(out, u)
		}
	}
	return out
}
