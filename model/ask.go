package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// DefaultAskSubmitter is the public reply `a` (ask the submitter) starts from when the config
// sets no templates.ask_submitter: it names the handbook's situations ("Examples of Support
// Ticket Submission and Handling for Open Partners") and asks which applies ("If in doubt,
// ask questions about the situation under which the ticket is being raised").
const DefaultAskSubmitter = `Hello {submitter_name},

Thank you for ticket #{ticket_id}. So that we support you under the right subscription, could you tell us which of these situations applies?

1. You raised it on behalf of an end customer: it should then be under the customer's account, with the Organization Email (partners) field set to the customer's email address.
2. You are delivering a services engagement for that end customer and need to be part of the ticket work: please ask to be CC'd on the ticket.
3. It is your own commercial work, or internal training, testing or knowledge building: it should then be under your own account, using your own subscription or your NFR licences.

Thank you!`

// AskPlaceholders are the placeholders an ask-the-submitter template may hold: the
// submitter's name (the requester's when the submitter is unknown) and the ticket id.
var AskPlaceholders = []string{"{submitter_name}", "{ticket_id}"}

var placeholderRE = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_]*\}`)

// CheckAskTemplate refuses an empty template and one with a placeholder other than
// AskPlaceholders (a typo would reach the partner verbatim).
func CheckAskTemplate(t string) error {
	if strings.TrimSpace(t) == "" {
		return fmt.Errorf("is empty: write the public reply that asks the submitter which situation applies")
	}
	for _, p := range placeholderRE.FindAllString(t, -1) {
		known := false
		for _, k := range AskPlaceholders {
			known = known || p == k
		}
		if !known {
			return fmt.Errorf("unknown placeholder %s: use %s", p, strings.Join(AskPlaceholders, " or "))
		}
	}
	return nil
}

// RenderAsk fills an ask-the-submitter template (DefaultAskSubmitter when empty) for ticket
// id and the submitter's name ("there" when none is known).
func RenderAsk(tmpl, name string, id int64) string {
	if strings.TrimSpace(tmpl) == "" {
		tmpl = DefaultAskSubmitter
	}
	if name = strings.TrimSpace(name); name == "" {
		name = "there"
	}
	return strings.NewReplacer("{submitter_name}", name, "{ticket_id}", strconv.FormatInt(id, 10)).Replace(tmpl)
}

// AskUpdate is the ticket update that asks the submitter: the public reply and, when
// pending is set, the status pending (Zendesk's "waiting for the requester").
func AskUpdate(t Ticket, reply string, pending bool) TicketUpdate {
	u := TicketUpdate{TicketID: t.ID, UpdatedStamp: t.UpdatedAt, PublicReply: reply}
	if pending && t.Status != "pending" {
		u.Status = "pending"
	}
	return u
}
