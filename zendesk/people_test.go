package zendesk

import (
	"context"
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// An error answer echoes what people typed (here a requester name with an OSC 52
// clipboard write and a screen clear): the error and the --debug log carry it inert.
func TestErrorTextFromZendeskIsInert(t *testing.T) {
	s, c, logs := emu(t, zt.Demo(), nil)
	s.Inject(zt.Fault{Method: "PUT", PathPrefix: "/tickets/4001", Status: 422,
		Body: `{"error":"RecordInvalid","description":"Record validation errors","details":{"requester":[{"description":"Requester Jane\u001b]52;c;Y3VybCBldmls\u0007 \u001b[2Jis invalid","error":"InvalidValue"}]}}`})
	tk, _ := s.Ticket(4001)
	_, err := c.UpdateTicket(context.Background(), model.TicketUpdate{TicketID: 4001, UpdatedStamp: tk.UpdatedAt, Note: "x"})
	if err == nil {
		t.Fatal("want the 422")
	}
	for what, txt := range map[string]string{"error": err.Error(), "debug log": logs.all()} {
		if strings.ContainsAny(txt, "\x1b\x07") {
			t.Errorf("%s carries a control sequence: %q", what, txt)
		}
	}
	if !strings.Contains(err.Error(), "Requester Jane is invalid") {
		t.Errorf("error lost its words: %q", err.Error())
	}
}
