package zendesk

// The directory preload: every organization, and each Select organization's users and
// memberships, delivered with the first page.

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/partner-triage/partner-triage/model"
)

// offsetLimit is how deep Zendesk's offset pagination goes (records); past it, cursors.
const offsetLimit = 10000

// listOrganizations lists every organization. The first page is an offset page, whose count
// says how many pages there are; up to Zendesk's offset limit the rest are then fetched in
// parallel, so the first queue page waits for a few rounds of requests instead of one
// request per hundred organizations in a row. Larger (or count-less) lists go by cursor.
// A record that moves between pages while listing is kept once.
func (c *Client) listOrganizations(ctx context.Context) ([]model.Organization, error) {
	collect := func(env *envelope, into *[]model.Organization) {
		for i := range env.Organizations {
			if env.Organizations[i].ID != 0 {
				*into = append(*into, env.Organizations[i].model())
			}
		}
	}
	var first envelope
	if err := c.get(ctx, fmt.Sprintf("/organizations.json?per_page=%d&page=1", pageSize), &first); err != nil {
		return nil, err
	}
	var orgs []model.Organization
	if first.Count == nil || int(*first.Count) > offsetLimit {
		err := c.eachPage(ctx, fmt.Sprintf("/organizations.json?page%%5Bsize%%5D=%d", pageSize), func(env *envelope) error {
			collect(env, &orgs)
			return nil
		})
		return orgs, err
	}
	collect(&first, &orgs)
	pages := (int(*first.Count) + pageSize - 1) / pageSize
	if pages <= 1 || string(first.NextPage) == "" {
		return orgs, nil
	}
	rest := make([][]model.Organization, pages-1)
	err := parallel(ctx, pages-1, func(ctx context.Context, i int) error {
		var env envelope
		if err := c.get(ctx, fmt.Sprintf("/organizations.json?per_page=%d&page=%d", pageSize, i+2), &env); err != nil {
			return err
		}
		collect(&env, &rest[i])
		return nil
	})
	if err != nil {
		return nil, err
	}
	seen := make(map[int64]bool, len(orgs))
	for _, o := range orgs {
		seen[o.ID] = true
	}
	for _, page := range rest {
		for _, o := range page {
			if !seen[o.ID] {
				seen[o.ID] = true
				orgs = append(orgs, o)
			}
		}
	}
	return orgs, nil
}

// loadDirectory lists every organization, then each Select org's memberships and users.
func (l *loader) loadDirectory(ctx context.Context) error {
	c := l.c
	orgs, err := c.listOrganizations(ctx)
	if err != nil {
		return err
	}
	var selectIDs []int64
	l.mu.Lock()
	for _, o := range orgs {
		l.orgs[o.ID] = o
		// The rules' own classification, so the loader and the rules never disagree on a track.
		track := model.ClassifyOrganization(c.cfg.Rules, o)
		if track == model.TrackSelect || track == model.TrackOpen {
			for _, d := range o.DomainNames {
				l.partnerDomain[strings.ToLower(d)] = true
			}
		}
		if track == model.TrackSelect {
			l.selectOrgs[o.ID] = true
			selectIDs = append(selectIDs, o.ID)
			for _, d := range o.DomainNames {
				l.selectDomains[strings.ToLower(d)] = true
			}
		}
	}
	l.dirOrgs = orgs
	l.mu.Unlock()

	members, users, err := c.orgMembers(ctx, selectIDs)
	if err != nil {
		return err
	}
	l.mu.Lock()
	for _, u := range users {
		l.knowUser(u)
	}
	l.dirUsers = users
	l.dirMemberships = members
	l.mu.Unlock()
	return nil
}

// orgMembers reads the memberships and the users of each organization in ids (the Select
// organizations: the partner side, small however large the instance is), two cursor
// lists per organization, in parallel. Memberships without a user id are dropped; a
// membership without an organization id gets the one it was listed under. Users come
// once each, in no particular order. Errors are the first list's that failed.
func (c *Client) orgMembers(ctx context.Context, ids []int64) ([]model.Membership, []model.User, error) {
	var mu sync.Mutex
	byID := map[int64]model.User{}
	var members []model.Membership
	err := parallel(ctx, len(ids)*2, func(ctx context.Context, i int) error {
		id := ids[i/2]
		if i%2 == 0 {
			return c.eachPage(ctx, fmt.Sprintf("/organizations/%d/organization_memberships.json?page%%5Bsize%%5D=%d", id, pageSize), func(env *envelope) error {
				mu.Lock()
				defer mu.Unlock()
				for j := range env.OrganizationMemberships {
					m := env.OrganizationMemberships[j].model()
					if m.OrganizationID == 0 {
						m.OrganizationID = id
					}
					if m.UserID != 0 {
						members = append(members, m)
					}
				}
				return nil
			})
		}
		return c.eachPage(ctx, fmt.Sprintf("/organizations/%d/users.json?page%%5Bsize%%5D=%d", id, pageSize), func(env *envelope) error {
			mu.Lock()
			defer mu.Unlock()
			for j := range env.Users {
				if u := env.Users[j].model(); u.ID != 0 {
					byID[u.ID] = u
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, nil, err
	}
	users := make([]model.User, 0, len(byID))
	for _, u := range byID {
		users = append(users, u)
	}
	return members, users, nil
}
