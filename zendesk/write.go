package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// ReloadTicket reads one ticket again with its people, their organizations and memberships,
// for the console to re-run the rules (after a 409, or on demand). The ticket is returned
// whether or not it is still in the queue.
func (c *Client) ReloadTicket(ctx context.Context, id int64) (model.QueuePage, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var env envelope
	if err := c.get(ctx, fmt.Sprintf("/tickets/%d.json?include=users%%2Corganizations", id), &env); err != nil {
		return model.QueuePage{}, err
	}
	if env.Ticket == nil || env.Ticket.ID == 0 {
		return model.QueuePage{}, &DecodeError{Method: "GET", Path: fmt.Sprintf("/tickets/%d.json", id), Err: errors.New("the answer holds no ticket")}
	}
	t := env.Ticket.model()
	users := map[int64]model.User{}
	for i := range env.Users {
		if u := env.Users[i].model(); u.ID != 0 {
			users[u.ID] = u
		}
	}
	orgs := map[int64]model.Organization{}
	for i := range env.Organizations {
		if o := env.Organizations[i].model(); o.ID != 0 {
			orgs[o.ID] = o
		}
	}

	// People not sideloaded.
	var people, missing []int64
	seen := map[int64]bool{}
	for _, uid := range ticketPeople(t) {
		if uid != 0 && !seen[uid] {
			seen[uid] = true
			people = append(people, uid)
			if _, ok := users[uid]; !ok {
				missing = append(missing, uid)
			}
		}
	}
	for _, b := range batches(missing, pageSize) {
		us, err := c.showManyUsers(ctx, b)
		if err != nil {
			return model.QueuePage{}, err
		}
		for _, u := range us {
			users[u.ID] = u
		}
	}

	// Their memberships, and the user named by the Organization Email field.
	var mu sync.Mutex
	var memberships []model.Membership
	var found *model.User
	e := ""
	if f := c.cfg.Rules.OrgEmailField; f != 0 {
		e = model.NormalizeEmail(t.Field(f))
		for _, u := range users {
			if model.NormalizeEmail(u.Email) == e {
				e = "" // already known
				break
			}
		}
	}
	err := parallel(ctx, len(people)+1, func(ctx context.Context, i int) error {
		if i == len(people) {
			if e == "" {
				return nil
			}
			u, ok, err := c.FindUserByEmail(ctx, e)
			if ok {
				mu.Lock()
				found = &u
				mu.Unlock()
			}
			return err
		}
		ms, err := c.userMemberships(ctx, people[i])
		mu.Lock()
		memberships = append(memberships, ms...)
		mu.Unlock()
		return err
	})
	if err != nil {
		return model.QueuePage{}, err
	}
	if found != nil {
		users[found.ID] = *found
	}

	// Organizations the ticket, the people and the memberships point at.
	var missingOrgs []int64
	seenOrg := map[int64]bool{}
	needOrg := func(oid int64) {
		if oid != 0 && !seenOrg[oid] {
			seenOrg[oid] = true
			if _, ok := orgs[oid]; !ok {
				missingOrgs = append(missingOrgs, oid)
			}
		}
	}
	needOrg(t.OrganizationID)
	for _, u := range users {
		needOrg(u.OrganizationID)
	}
	for _, m := range memberships {
		needOrg(m.OrganizationID)
	}
	sort.Slice(missingOrgs, func(i, j int) bool { return missingOrgs[i] < missingOrgs[j] })
	for _, b := range batches(missingOrgs, pageSize) {
		os, err := c.showManyOrgs(ctx, b)
		if err != nil {
			return model.QueuePage{}, err
		}
		for _, o := range os {
			orgs[o.ID] = o
		}
	}

	qp := model.QueuePage{Tickets: []model.Ticket{t}, Memberships: memberships, Loaded: 1, Total: 1}
	for _, u := range users {
		qp.Users = append(qp.Users, u)
	}
	for _, o := range orgs {
		qp.Organizations = append(qp.Organizations, o)
	}
	sort.Slice(qp.Users, func(i, j int) bool { return qp.Users[i].ID < qp.Users[j].ID })
	sort.Slice(qp.Organizations, func(i, j int) bool { return qp.Organizations[i].ID < qp.Organizations[j].ID })
	return qp, nil
}

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
	if strings.TrimSpace(u.Note) != "" {
		ch.Comment = &comment{Body: u.Note, Public: false}
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
// id is unknown it is looked up by user and organization); a membership that is already gone
// is reported as model.ErrNotFound.
func (c *Client) RemoveMembership(ctx context.Context, m model.MembershipRemoval) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if m.UserID == 0 || m.OrganizationID == 0 {
		return errors.New("zendesk: membership removal must name the user and the organization")
	}
	id := m.MembershipID
	if id != 0 {
		var env envelope
		path := fmt.Sprintf("/organization_memberships/%d.json", id)
		if err := c.get(ctx, path, &env); err != nil {
			return err
		}
		got := env.OrganizationMembership
		if got == nil || int64(got.UserID) != m.UserID || int64(got.OrganizationID) != m.OrganizationID {
			return fmt.Errorf("zendesk: membership %d does not join user %d and organization %d any more; nothing removed (reload)", id, m.UserID, m.OrganizationID)
		}
	} else {
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
			return fmt.Errorf("zendesk: user %d is not a member of organization %d: %w", m.UserID, m.OrganizationID, model.ErrNotFound)
		}
	}
	return c.do(ctx, "DELETE", fmt.Sprintf("/organization_memberships/%d.json", id), nil, nil)
}
