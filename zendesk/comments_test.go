package zendesk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// The demo's 4001 conversation comes in one request, oldest first, with its authors and
// the internal note marked as such.
func TestConversationOneRequest(t *testing.T) {
	s, c, _ := emu(t, zt.Demo(), nil)
	s.ResetRequests()
	conv, err := c.Conversation(context.Background(), 4001)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if len(conv.Comments) != 4 || conv.Partial {
		t.Fatalf("got %d comments (partial %v), want the 4 of the demo", len(conv.Comments), conv.Partial)
	}
	first, last := conv.Comments[0], conv.Comments[3]
	if !strings.Contains(first.Body, "exec format error") || !first.Public {
		t.Errorf("first comment is not the public description: %+v", first)
	}
	if last.Public || !strings.Contains(last.Body, "mistyped") {
		t.Errorf("last comment should be the internal note: %+v", last)
	}
	authors := map[int64]bool{}
	for _, u := range conv.Authors {
		authors[u.ID] = true
	}
	for _, cm := range conv.Comments {
		if !authors[cm.AuthorID] {
			t.Errorf("author %d of comment %d not sideloaded", cm.AuthorID, cm.ID)
		}
	}
}

// A long thread shows the description and the latest comments, and says some are left out.
func TestConversationLongThread(t *testing.T) {
	ds := zt.Demo()
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	var cs []zt.Comment
	for i := range 30 {
		cs = append(cs, zt.Comment{Body: fmt.Sprintf("comment %d", i), Public: true, AuthorID: 381000000201, CreatedAt: base.Add(time.Duration(i) * time.Hour)})
	}
	ds.Comments[4002] = cs
	s, c, _ := emu(t, ds, nil)
	s.ResetRequests()
	conv, err := c.Conversation(context.Background(), 4002)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Comments) != ConversationSize+1 || !conv.Partial {
		t.Fatalf("%d comments, partial %v; want the description and the latest %d", len(conv.Comments), conv.Partial, ConversationSize)
	}
	if conv.Comments[0].Body != "comment 0" || conv.Comments[1].Body != "comment 10" || conv.Comments[ConversationSize].Body != "comment 29" {
		t.Errorf("order: %q, %q … %q", conv.Comments[0].Body, conv.Comments[1].Body, conv.Comments[ConversationSize].Body)
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if _, err := c.Conversation(context.Background(), 999); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("unknown ticket: %v, want ErrNotFound", err)
	}
}
