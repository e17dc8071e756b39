package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// Wire bodies for writes: explicit, with only the fields that are set, so nothing is cleared
// or overwritten by accident (go-zendesk's typed UpdateTicket cannot express this).
type updateBody struct {
	Ticket ticketChange `json:"ticket"`
}

type ticketChange struct {
	CustomFields   []customFieldSet `json:"custom_fields,omitempty"`
	RequesterID    int64            `json:"requester_id,omitempty"`
	Requester      *newRequester    `json:"requester,omitempty"`
	OrganizationID json.RawMessage  `json:"organization_id,omitempty"` // an id, or null to clear (undo only)
	EmailCCs       []emailCC        `json:"email_ccs,omitempty"`
	Comment        *comment         `json:"comment,omitempty"`
	Status         string           `json:"status,omitempty"`
	SafeUpdate     bool             `json:"safe_update"`
	UpdatedStamp   string           `json:"updated_stamp"`
}

type customFieldSet struct {
	ID    int64  `json:"id"`
	Value string `json:"value"`
}

type newRequester struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
}

type emailCC struct {
	UserID    int64  `json:"user_id,omitempty"`
	UserEmail string `json:"user_email,omitempty"`
	Action    string `json:"action"`
}

type comment struct {
	Body   string `json:"body"`
	Public bool   `json:"public"`
}

// updateRequest builds the PUT body of a ticket update, refusing one that could overwrite or
// clear something by accident.
func updateRequest(u model.TicketUpdate) (*updateBody, error) {
	if u.TicketID <= 0 {
		return nil, errors.New("zendesk: ticket update without a ticket id")
	}
	if u.UpdatedStamp.IsZero() {
		return nil, fmt.Errorf("zendesk: ticket %d: update without the updated_at read at load (safe_update needs it); reload the ticket", u.TicketID)
	}
	if u.IsEmpty() {
		return nil, fmt.Errorf("zendesk: ticket %d: the update changes nothing", u.TicketID)
	}
	if u.RequesterID != 0 && u.NewRequester != nil {
		return nil, fmt.Errorf("zendesk: ticket %d: set either an existing requester or a new one, not both", u.TicketID)
	}
	ch := ticketChange{SafeUpdate: true, UpdatedStamp: u.UpdatedStamp.UTC().Format(time.RFC3339Nano)}
	ids := make([]int64, 0, len(u.CustomFields))
	for id := range u.CustomFields {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		ch.CustomFields = append(ch.CustomFields, customFieldSet{ID: id, Value: u.CustomFields[id]})
	}
	ch.RequesterID = u.RequesterID
	if u.NewRequester != nil {
		email := strings.TrimSpace(u.NewRequester.Email)
		if model.NormalizeEmail(email) == "" {
			return nil, fmt.Errorf("zendesk: ticket %d: new requester %q is not an email address", u.TicketID, email)
		}
		ch.Requester = &newRequester{Email: email, Name: strings.TrimSpace(u.NewRequester.Name)}
	}
	if u.OrganizationID != nil && u.ClearOrganization {
		return nil, fmt.Errorf("zendesk: ticket %d: set the organization or clear it, not both", u.TicketID)
	}
	if u.OrganizationID != nil {
		if *u.OrganizationID <= 0 {
			return nil, fmt.Errorf("zendesk: ticket %d: refusing to clear the ticket's organization with id %d (use ClearOrganization)", u.TicketID, *u.OrganizationID)
		}
		ch.OrganizationID = json.RawMessage(strconv.FormatInt(*u.OrganizationID, 10))
	}
	if u.ClearOrganization {
		ch.OrganizationID = json.RawMessage("null")
	}
	for _, change := range []struct {
		action string
		ccs    []model.CCRef
	}{{"put", u.AddEmailCCs}, {"delete", u.RemoveEmailCCs}} {
		for _, cc := range change.ccs {
			switch {
			case cc.UserID != 0:
				ch.EmailCCs = append(ch.EmailCCs, emailCC{UserID: cc.UserID, Action: change.action})
			case model.NormalizeEmail(cc.Email) != "":
				ch.EmailCCs = append(ch.EmailCCs, emailCC{UserEmail: strings.TrimSpace(cc.Email), Action: change.action})
			default:
				return nil, fmt.Errorf("zendesk: ticket %d: CC %q is neither a user nor an email address", u.TicketID, cc.Email)
			}
		}
	}
	if strings.TrimSpace(u.Note) != "" && strings.TrimSpace(u.PublicReply) != "" {
		return nil, fmt.Errorf("zendesk: ticket %d: one update carries one comment: an internal note or a public reply, not both", u.TicketID)
	}
	if strings.TrimSpace(u.Note) != "" {
		ch.Comment = &comment{Body: u.Note, Public: false}
	}
	if strings.TrimSpace(u.PublicReply) != "" {
		ch.Comment = &comment{Body: u.PublicReply, Public: true}
	}
	switch u.Status {
	case "", "open", "pending", "hold", "solved":
		ch.Status = u.Status
	default: // "new" cannot be set back, "closed" only by Zendesk's automations
		return nil, fmt.Errorf("zendesk: ticket %d: refusing to set status %q (open, pending, hold or solved)", u.TicketID, u.Status)
	}
	return &updateBody{Ticket: ch}, nil
}

// UpdateTicket applies one ticket update with safe_update and the updated_stamp read at load,
// and returns the ticket as Zendesk saved it. A concurrent change → errors.Is(err,
// model.ErrConflict); a validation failure → *APIError (422) with Zendesk's details.
// Never retried except after a 429 (which Zendesk did not process).
func (c *Client) UpdateTicket(ctx context.Context, u model.TicketUpdate) (model.Ticket, error) {
	body, err := updateRequest(u)
	if err != nil {
		return model.Ticket{}, err
	}
	var env envelope
	if err := c.do(ctx, "PUT", fmt.Sprintf("/tickets/%d.json", u.TicketID), body, &env); err != nil {
		return model.Ticket{}, err
	}
	if env.Ticket == nil || env.Ticket.ID == 0 {
		return model.Ticket{}, &DecodeError{Method: "PUT", Path: fmt.Sprintf("/tickets/%d.json", u.TicketID), Err: errors.New("the answer holds no ticket (the update may have been applied; reload)")}
	}
	return env.Ticket.model(), nil
}

// RemoveMembership deletes one organization membership — never a user or an organization.
// It first checks that the membership still joins that user and that organization (when the
// id is unknown, or Zendesk no longer knows it, it is looked up by user and organization). A
// membership that is already gone counts as removed (nil): the goal is reached. When the
// answer to the DELETE is lost or is an error, the membership is read back: gone → nil;
// still there → the DELETE's error.
func (c *Client) RemoveMembership(ctx context.Context, m model.MembershipRemoval) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if m.UserID == 0 || m.OrganizationID == 0 {
		return errors.New("zendesk: membership removal must name the user and the organization")
	}
	id := m.MembershipID
	if id != 0 {
		got, err := c.membership(ctx, id)
		if err != nil {
			return err
		}
		if got != nil && (int64(got.UserID) != m.UserID || int64(got.OrganizationID) != m.OrganizationID) {
			return fmt.Errorf("zendesk: membership %d does not join user %d and organization %d any more; nothing removed (reload)", id, m.UserID, m.OrganizationID)
		}
		if got == nil {
			id = 0 // gone under that id; the pair may still be joined under another
		}
	}
	if id == 0 {
		ms, err := c.userMemberships(ctx, m.UserID)
		if err != nil {
			return err
		}
		for _, x := range ms {
			if x.OrganizationID == m.OrganizationID {
				id = x.ID
				break
			}
		}
		if id == 0 {
			return nil // not a member any more: already removed
		}
	}
	err := c.do(ctx, "DELETE", fmt.Sprintf("/organization_memberships/%d.json", id), nil, nil)
	if err == nil || errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if got, cerr := c.membership(ctx, id); cerr == nil && got == nil {
		return nil // the DELETE went through; only its answer was lost
	}
	return err
}

// membership reads one membership; (nil, nil) when Zendesk answers 404 (it is gone).
func (c *Client) membership(ctx context.Context, id int64) (*wireMembership, error) {
	var env envelope
	err := c.get(ctx, fmt.Sprintf("/organization_memberships/%d.json", id), &env)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if env.OrganizationMembership == nil {
		return nil, &DecodeError{Method: "GET", Path: fmt.Sprintf("/organization_memberships/%d.json", id), Err: errors.New("the answer holds no organization_membership")}
	}
	return env.OrganizationMembership, nil
}

// UsersByID reads users by id (show_many, 100 at a time); ids Zendesk no longer has are
// simply absent from the result. apply uses it to name the people an undo sets back.
func (c *Client) UsersByID(ctx context.Context, ids []int64) ([]model.User, error) {
	var out []model.User
	for _, b := range batches(ids, pageSize) {
		us, err := c.showManyUsers(ctx, b)
		if err != nil {
			return nil, err
		}
		out = append(out, us...)
	}
	return out, nil
}

// OrganizationsByID reads organizations by id (show_many, 100 at a time); ids Zendesk no
// longer has are absent from the result.
func (c *Client) OrganizationsByID(ctx context.Context, ids []int64) ([]model.Organization, error) {
	var out []model.Organization
	for _, b := range batches(ids, pageSize) {
		os, err := c.showManyOrgs(ctx, b)
		if err != nil {
			return nil, err
		}
		out = append(out, os...)
	}
	return out, nil
}
