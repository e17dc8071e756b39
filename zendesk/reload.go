package zendesk

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"golang.org/x/sync/errgroup"

	"github.com/partner-triage/partner-triage/model"
)

// ReloadTicket reads one ticket again with its people, their organizations and memberships,
// for the console to re-run the rules (after a 409, or on demand). The ticket is returned
// whether or not it is still in the queue.
func (c *Client) ReloadTicket(ctx context.Context, id int64) (model.QueuePage, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var qp model.QueuePage
	err := c.withLoadTimeout(ctx, func(ctx context.Context) error {
		var err error
		qp, err = c.reloadTicket(ctx, id)
		return err
	})
	return qp, err
}

func (c *Client) reloadTicket(ctx context.Context, id int64) (model.QueuePage, error) {
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

	// Their memberships, and the user named by the Organization Email field, at once.
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
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		memberships, err = c.usersMemberships(gctx, people)
		return err
	})
	if e != "" {
		g.Go(func() error {
			u, ok, err := c.findUserForLoad(gctx, e)
			if ok {
				found = &u
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
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
