package zendesk

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// Asking the submitter sends the reply as a public comment and the status beside it.
func TestUpdateRequestPublicReplyAndStatus(t *testing.T) {
	stamp := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	body, err := updateRequest(model.TicketUpdate{TicketID: 42, UpdatedStamp: stamp, PublicReply: "Which situation applies?", Status: "pending"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(body)
	want := `{"ticket":{"comment":{"body":"Which situation applies?","public":true},"status":"pending","safe_update":true,"updated_stamp":"2026-03-04T05:06:07Z"}}`
	if string(b) != want {
		t.Errorf("body\n%s\nwant\n%s", b, want)
	}
	for name, u := range map[string]model.TicketUpdate{
		"note and reply": {TicketID: 1, UpdatedStamp: stamp, Note: "n", PublicReply: "r"},
		"status new":     {TicketID: 1, UpdatedStamp: stamp, Status: "new"},
		"status closed":  {TicketID: 1, UpdatedStamp: stamp, Status: "closed"},
		"status typo":    {TicketID: 1, UpdatedStamp: stamp, Status: "pendng"},
	} {
		if _, err := updateRequest(u); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
