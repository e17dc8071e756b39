package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"sync"

	"github.com/partner-triage/partner-triage/model"
)

// Exact address look-ups (shared/spec/zendesk.md, "People are messier than one email").
//
// Whether a user with an address exists is asked of Zendesk, never inferred from the users a
// queue load brought: /users/search?query=email:ADDR, whose matching is fuzzy (same local
// part, prefixes, any identity), keeping only the user who owns ADDR exactly — as their
// primary email, or as a secondary identity confirmed with /users/{id}/identities.
//
// Cost per address: one search request (more only past 100 fuzzy hits), plus one identities
// request for each hit whose primary email is not the address, until the owner is found
// (hits on the address's domain first; at most maxIdentityChecks, else an error).

// maxSearchPages bounds how many pages of fuzzy hits one look-up walks (100 hits a page).
const maxSearchPages = 10

// maxIdentityChecks bounds the identity look-ups for one address (the fuzzy hits whose
// primary email is another address); past it the look-up is an error, not a "nobody".
const maxIdentityChecks = 20

// identityWire is one entry of GET /users/{id}/identities.
type identityWire struct {
	Type  flexString `json:"type"`
	Value flexString `json:"value"`
}

type identitiesEnvelope struct {
	Identities []identityWire `json:"identities"`
	pageHead
}

// ErrOwnerUnknown: too many users match an address loosely to tell who owns it exactly.
// A queue load goes on without that user (as if nobody owned it, for the rules); a fix
// plan never does (the console asks again and refuses to guess).
var ErrOwnerUnknown = errors.New("owner unknown")

// findUserForLoad is FindUserByEmail for the queue load and a reload: an address whose owner
// cannot be told (ErrOwnerUnknown) is nobody's for the rules, not a failed load.
func (c *Client) findUserForLoad(ctx context.Context, email string) (model.User, bool, error) {
	u, ok, err := c.FindUserByEmail(ctx, email)
	if errors.Is(err, ErrOwnerUnknown) {
		c.logf("%v", err)
		return model.User{}, false, nil
	}
	return u, ok, err
}

// FindUserByEmail finds the user who owns email exactly, as their primary address or as a
// secondary identity (compared case-insensitively); false when nobody does. A user found
// through a secondary identity carries every identity in Emails.
func (c *Client) FindUserByEmail(ctx context.Context, email string) (model.User, bool, error) {
	e := model.NormalizeEmail(email)
	if e == "" {
		return model.User{}, false, nil
	}
	var hits []model.User
	pages := 0
	errEnough := errors.New("enough")
	path := fmt.Sprintf("/users/search.json?per_page=%d&query=%s", pageSize, url.QueryEscape("email:"+e))
	err := c.eachPage(ctx, path, func(env *envelope) error {
		for i := range env.Users {
			u := env.Users[i].model()
			if u.ID == 0 {
				continue
			}
			if model.NormalizeEmail(u.Email) == e {
				hits = []model.User{u} // the primary owner: nobody else can own it
				return errEnough
			}
			hits = append(hits, u)
		}
		if pages++; pages >= maxSearchPages {
			return errEnough // past 1,000 fuzzy hits: look no further
		}
		return nil
	})
	if err != nil && err != errEnough {
		return model.User{}, false, err
	}
	// A hit on the address's own domain is the likelier owner of a secondary identity.
	sort.SliceStable(hits, func(i, j int) bool {
		return model.Domain(hits[i].Email) == model.Domain(e) && model.Domain(hits[j].Email) != model.Domain(e)
	})
	for n, u := range hits {
		if model.NormalizeEmail(u.Email) == e {
			return u, true, nil
		}
		if n == maxIdentityChecks {
			// Never guess "nobody": a plan would then call an existing user new.
			return model.User{}, false, fmt.Errorf("zendesk: %d users match %s loosely; after checking the identities of %d of them, who owns it exactly is still unknown: %w", len(hits), e, maxIdentityChecks, ErrOwnerUnknown)
		}
		addrs, err := c.userEmails(ctx, u.ID)
		if errors.Is(err, model.ErrNotFound) {
			continue // deleted between the search and now
		}
		if err != nil {
			return model.User{}, false, err
		}
		for _, a := range addrs {
			if a == e {
				u.Emails = addrs
				return u, true, nil
			}
		}
	}
	return model.User{}, false, nil
}

// userEmails lists the normalised email identities of a user (GET /users/{id}/identities).
func (c *Client) userEmails(ctx context.Context, userID int64) ([]string, error) {
	var out []string
	path := fmt.Sprintf("/users/%d/identities.json?per_page=%d", userID, pageSize)
	for pages := 0; path != "" && pages < maxSearchPages; pages++ {
		var env identitiesEnvelope
		if err := c.get(ctx, path, &env); err != nil {
			return nil, err
		}
		for _, id := range env.Identities {
			if string(id.Type) != "email" {
				continue
			}
			if a := model.NormalizeEmail(string(id.Value)); a != "" {
				out = append(out, a)
			}
		}
		path = ""
		if next := string(env.NextPage); next != "" {
			path = c.relative(next)
		}
	}
	return out, nil
}

// LookupPeople asks Zendesk, by exact address, who owns each of emails (duplicates and
// non-addresses are skipped), and returns the owners found with every membership and
// organization they have: what a fix plan needs to name an existing user and use their own
// organization. Addresses nobody owns simply bring no user. Look-ups run in parallel within
// the client's concurrency bound; the first error ends them all.
func (c *Client) LookupPeople(ctx context.Context, emails []string) (model.QueuePage, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var addrs []string
	seen := map[string]bool{}
	for _, e := range emails {
		if e = model.NormalizeEmail(e); e != "" && !seen[e] {
			seen[e] = true
			addrs = append(addrs, e)
		}
	}
	var mu sync.Mutex
	users := map[int64]model.User{}
	err := parallel(ctx, len(addrs), func(ctx context.Context, i int) error {
		u, ok, err := c.FindUserByEmail(ctx, addrs[i])
		if ok {
			mu.Lock()
			if old, dup := users[u.ID]; !dup || old.Emails == nil {
				users[u.ID] = u
			}
			mu.Unlock()
		}
		return err
	})
	if err != nil {
		return model.QueuePage{}, err
	}
	ids := make([]int64, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })

	memberships, err := c.usersMemberships(ctx, ids)
	if err != nil {
		return model.QueuePage{}, err
	}
	var orgIDs []int64
	seenOrg := map[int64]bool{}
	need := func(id int64) {
		if id != 0 && !seenOrg[id] {
			seenOrg[id] = true
			orgIDs = append(orgIDs, id)
		}
	}
	qp := model.QueuePage{Tickets: []model.Ticket{}, Total: -1}
	for _, id := range ids {
		qp.Users = append(qp.Users, users[id])
		need(users[id].OrganizationID)
	}
	sort.Slice(memberships, func(i, j int) bool { return memberships[i].ID < memberships[j].ID })
	for _, m := range memberships {
		need(m.OrganizationID)
	}
	qp.Memberships = memberships
	for _, b := range batches(orgIDs, pageSize) {
		os, err := c.showManyOrgs(ctx, b)
		if err != nil {
			return model.QueuePage{}, err
		}
		qp.Organizations = append(qp.Organizations, os...)
	}
	return qp, nil
}
