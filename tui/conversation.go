package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/text"
)

// ConversationReader is what the console needs to show a ticket's conversation; the
// zendesk client implements it (GET /tickets/{id}/comments). A Client without it shows no
// conversation.
type ConversationReader interface {
	Conversation(ctx context.Context, id int64) (model.Conversation, error)
}

// conversationTimeout bounds reading one conversation.
const conversationTimeout = 30 * time.Second

// previewSettle is how long the cursor rests on a ticket before the preview loads its
// conversation, so running down the list sends no request per row.
const previewSettle = 300 * time.Millisecond

type (
	// loadConversationMsg asks the root to read a ticket's conversation unless it is cached.
	loadConversationMsg struct{ id int64 }
	// conversationMsg carries a conversation read from Zendesk (or why it could not be).
	conversationMsg struct {
		id      int64
		updated time.Time // the ticket's updated_at when the read started
		conv    model.Conversation
		err     error
	}
	// previewSettledMsg: previewSettle has passed since the queue's cursor move number seq
	// (queueScreen.moves); the cursor rested if it has not moved since.
	previewSettledMsg struct{ seq int }
)

// conversation is a cached conversation: loading until the answer, then the comments or
// the error. It belongs to one version of the ticket (updated); a change drops it.
type conversation struct {
	loading bool
	updated time.Time
	conv    model.Conversation
	err     error
}

// loadConversation starts reading a ticket's conversation unless it is cached or on its way.
func (m *Model) loadConversation(id int64) tea.Cmd {
	r, ok := m.s.client.(ConversationReader)
	t, known := m.s.tickets[id]
	if !ok || !known {
		return nil
	}
	if c, ok := m.s.convs[id]; ok && c.updated.Equal(t.UpdatedAt) {
		return nil
	}
	m.s.convs[id] = &conversation{loading: true, updated: t.UpdatedAt}
	updated := t.UpdatedAt
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), conversationTimeout)
		defer cancel()
		conv, err := r.Conversation(ctx, id)
		return conversationMsg{id: id, updated: updated, conv: conv, err: err}
	}
}

// storeConversation caches an answer (unless the ticket changed meanwhile) and redraws
// what shows it.
func (m *Model) storeConversation(msg conversationMsg) {
	c, ok := m.s.convs[msg.id]
	if !ok || !c.updated.Equal(msg.updated) {
		return // the ticket changed since: a newer read is due
	}
	*c = conversation{updated: msg.updated, conv: msg.conv, err: msg.err}
	for _, u := range msg.conv.Authors {
		u.Name, u.Email = text.Line(u.Name), text.Line(u.Email)
		m.s.authors[u.ID] = u
	}
	m.redrawTicket(msg.id)
}

// renderConversation is the conversation part of a ticket's detail, wrapped to width.
func renderConversation(s *session, id int64, width int) string {
	st := s.styles
	c, ok := s.convs[id]
	var b strings.Builder
	b.WriteString(st.Label.Render("Conversation") + "\n")
	switch {
	case !ok || c.loading:
		b.WriteString(st.Muted.Render("loading the description and the latest comments…"))
		return b.String()
	case c.err != nil:
		b.WriteString(st.Error.Render(wrapText("could not read the conversation: "+c.err.Error(), width-2)))
		return b.String()
	case len(c.conv.Comments) == 0:
		b.WriteString(st.Muted.Render("no comments"))
		return b.String()
	}
	now := s.now()
	for i, cm := range c.conv.Comments {
		if i == 1 && c.conv.Partial {
			b.WriteString(st.Muted.Render("  … earlier comments are in Zendesk (o opens the ticket)") + "\n")
		}
		kind := st.OK.Render("public")
		if !cm.Public {
			kind = st.Warning.Render("internal note")
		}
		if i == 0 {
			kind += st.Muted.Render(" · description")
		}
		// A heading wider than the pane is cut with "…", never silently by the frame.
		b.WriteString(truncate(fmt.Sprintf("%s · %s ago · %s", st.Label.Render(s.authorLabel(cm.AuthorID)), age(now, cm.CreatedAt), kind), width-1) + "\n")
		body := strings.TrimSpace(text.Block(cm.Body))
		b.WriteString(indent(wrapText(body, width-4), "  ") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// authorLabel names a comment's author: the name, else the address, else the id.
func (s *session) authorLabel(id int64) string {
	u, ok := s.authors[id]
	if !ok {
		u, ok = s.dir.User(id)
	}
	switch {
	case ok && u.Name != "":
		return u.Name
	case ok && u.Email != "":
		return u.Email
	}
	return "user #" + itoa(id)
}

// redrawTicket renders again the detail and the preview when they show ticket id.
func (m *Model) redrawTicket(id int64) {
	if m.detail.ticketID == id {
		m.detail.render()
	}
	if m.queue.preview != nil && m.queue.previewID == id {
		m.queue.preview.render()
	}
}
