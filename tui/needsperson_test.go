package tui_test

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// markIDs marks each ticket for a bulk fix, finding it with the filter.
func (h *harness) markIDs(t *testing.T, ids ...string) {
	t.Helper()
	for _, id := range ids {
		h.filter(id)
		h.waitFor(t, "filter: "+id)
		h.keys("x")
		h.waitFor(t, "●"+id)
	}
}

// Trial 2, item 1: a bulk review counts the tickets partner-triage cannot fix itself (4006:
// no customer has its address; 4013: no handbook example fits) as needing a person, with
// what to do, apart from the clean ones that truly need nothing — in the title, the
// groups, the result after submit and the `?` help.
func TestBulkReviewCountsTicketsThatNeedAPersonApart(t *testing.T) {
	h := start(t, 120, 40)
	h.markIDs(t, "4001", "4006", "4013", "4009")
	h.keys("F")
	h.waitFor(t, "Review bulk fix: 1 of 4 included · 1 kind of change · 2 need a person · 1 ticket needs nothing",
		"── need a person (2)", "── nothing to change (1)",
		"No customer organization is known for devops@quantumleaf.ai", "No handbook example fits",
		"a on the queue asks the submitter")
	h.keys("?")
	h.waitFor(t, "need a person — partner-triage cannot fix it itself")
	h.keys("esc", "y")
	h.waitFor(t, "bulk fix: 1 applied", "Result of the bulk fix")
	frame := h.view(t)
	if !strings.Contains(frame, "2 need a person · 1 ticket needs nothing") {
		t.Errorf("the result does not count what was not sent apart:\n%s", frame)
	}
	for _, l := range strings.Split(frame, "\n") {
		if strings.Contains(l, "nothing to change:") {
			t.Errorf("a ticket that needs a person is called 'nothing to change': %q", l)
		}
	}
}

// Trial 2, item 2: where the fix's advice is to ask the submitter, `a` is offered and works
// — from the wizard and from the queue — with a question for the customer's address.
func TestAskOfferedWhereTheFixSaysAsk(t *testing.T) {
	h := start(t, 100, 30)
	h.filter("4006")
	h.keys("f")
	h.waitFor(t, "Fix #4006", "cannot fix this itself", "a asks the submitter")
	h.keys("a")
	h.waitFor(t, "Ask the submitter #4006", "No customer we know has the address")
	h.keys("esc")
	h.waitFor(t, "question not sent")
	h.filter("4006")
	h.keys("a")
	h.waitFor(t, "Ask the submitter #4006", "is added as email CC so it reaches them")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.waitFor(t, "Review #4006", "(the submitter)")
	h.keys("y")
	h.waitFor(t, "Submitted", "public reply sent")
	h.view(t)
	// The reply reaches the partner who submitted it: they are CC'd (the requester is the
	// customer's address the partner typed).
	dana, _ := h.srv.UserByEmail("dana.whitfield@northwind-devops.com")
	got, _ := h.srv.Ticket(4006)
	if !slices.Contains(got.EmailCCIDs, dana.ID) {
		t.Errorf("the submitter is not CC'd on #4006: %v", got.EmailCCIDs)
	}
	cs := h.srv.Comments(4006)
	if last := cs[len(cs)-1]; !last.Public || !strings.Contains(last.Body, "devops@quantumleaf.ai") {
		t.Errorf("the question sent: %+v", last)
	}
}

// Trial 2, item 3: an address typed for the Organization Email that belongs to a Select
// partner's user is warned about in the wizard and the review (who owns it, and that the
// Organization Email must be the customer's address); the requester is not moved to that
// partner user and the note does not cite handbook example 1 for it.
func TestTypedSelectPartnerAddressIsWarned(t *testing.T) {
	h := start(t, 120, 40)
	before, _ := h.srv.Ticket(4001)
	h.openFix(t, 4001)
	h.keys("e")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.tm.Type("tessa.lindqvist@relecloud.com")
	h.keys("enter")
	h.waitFor(t, "belongs to Tessa Lindqvist of Relecloud", "a Select partner:")
	h.keys("enter")
	h.waitFor(t, "Review #4001", "existing user Tessa Lindqvist")
	h.keys("y")
	h.waitFor(t, "Submitted")
	h.view(t)
	got, _ := h.srv.Ticket(4001)
	if got.RequesterID != before.RequesterID || got.OrganizationID != before.OrganizationID {
		t.Errorf("requester %d org %d, want unchanged %d %d", got.RequesterID, got.OrganizationID, before.RequesterID, before.OrganizationID)
	}
	if orgEmail(got, zendesktest.FieldOrgEmail) != "tessa.lindqvist@relecloud.com" {
		t.Errorf("Organization Email %q", orgEmail(got, zendesktest.FieldOrgEmail))
	}
	cs := h.srv.Comments(4001)
	if note := cs[len(cs)-1].Body; strings.Contains(note, "example 1") {
		t.Errorf("the note cites example 1 for a Select partner's address:\n%s", note)
	}
}

// Trial 2, item 4: y on a bulk review where every ticket needs nothing says plainly that
// nothing was sent and why.
func TestBulkNothingToSendSaysWhy(t *testing.T) {
	h := start(t, 120, 30)
	h.markIDs(t, "4009", "4010")
	h.keys("F")
	h.waitFor(t, "Review bulk fix: 0 of 2 included")
	h.keys("y")
	h.waitFor(t, "nothing was sent: the 2 tickets need no change")
	h.view(t)
}

// The detail of a ticket whose fix needs the submitter's answer says a asks them.
func TestDetailSaysAskWhenTheFixNeedsTheSubmitter(t *testing.T) {
	h := start(t, 120, 60)
	h.filter("4006")
	h.keys("enter")
	h.waitFor(t, "or a to ask the submitter")
	h.view(t)
}
