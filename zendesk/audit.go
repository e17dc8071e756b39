package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/partner-triage/partner-triage/model"
)

// Audit lists every organization membership in the instance that breaks the handbook's rule
// (model.Audit), found from the partner side so its cost follows the number of partner
// organizations and Select users, not the size of the instance:
//
//   - the partner organizations: one /search/export (filter[type]=organization) per
//     configured Select and Open track value, kept when model.ClassifyOrganization agrees;
//   - each Select org's memberships and users (cursor pages of 100), which catch customers
//     inside a Select org;
//   - each Select-domain user's memberships, which catch a Select user inside a customer
//     org, and the organizations those name (show_many, ≤100 ids);
//   - for each violating user, their unsolved tickets (one /search per user).
//
// A Select-domain user who belongs to no Select org is not seen (Zendesk adds users to the
// organization of their email domain, so this takes a deliberate move). Errors are this
// package's typed errors; nothing is written. Config.LoadTimeout (--timeout) bounds the whole
// audit, as it bounds a queue load.
func (c *Client) Audit(ctx context.Context) (model.AuditResult, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var res model.AuditResult
	err := c.withLoadTimeout(ctx, func(ctx context.Context) error {
		var err error
		res, err = c.audit(ctx)
		return err
	})
	return res, err
}

// audit is Audit without the time limit.
func (c *Client) audit(ctx context.Context) (model.AuditResult, error) {
	cfg := c.cfg.Rules
	var res model.AuditResult
	dir := model.NewDirectory()
	orgs, err := c.partnerOrganizations(ctx)
	if err != nil {
		return res, err
	}
	known := map[int64]bool{}
	var selectIDs []int64
	for _, o := range orgs {
		known[o.ID] = true
		dir.PutOrganization(o)
		res.Page.Organizations = append(res.Page.Organizations, o)
		if model.ClassifyOrganization(cfg, o) == model.TrackSelect {
			selectIDs = append(selectIDs, o.ID)
		}
	}

	// The Select orgs' members.
	members, memberUsers, err := c.orgMembers(ctx, selectIDs)
	if err != nil {
		return res, err
	}
	users := make(map[int64]model.User, len(memberUsers))
	for _, u := range memberUsers {
		users[u.ID] = u
	}
	var missing []int64
	for _, m := range members {
		if _, ok := users[m.UserID]; !ok && !slices.Contains(missing, m.UserID) {
			missing = append(missing, m.UserID)
		}
	}
	slices.Sort(missing)
	for _, b := range batches(missing, pageSize) {
		us, err := c.showManyUsers(ctx, b)
		if err != nil {
			return res, err
		}
		for _, u := range us {
			users[u.ID] = u
		}
	}
	for _, u := range users {
		dir.PutUser(u)
	}

	// The Select users' own memberships.
	var selectUsers []int64
	for id := range users {
		if dir.UserTrack(cfg, id) == model.TrackSelect {
			selectUsers = append(selectUsers, id)
		}
	}
	slices.Sort(selectUsers)
	ms, err := c.usersMemberships(ctx, selectUsers)
	members = append(members, ms...)
	if err != nil {
		return res, err
	}

	// The organizations they name that are not partner orgs.
	var needOrgs []int64
	need := func(id int64) {
		if id != 0 && !known[id] {
			known[id] = true
			needOrgs = append(needOrgs, id)
		}
	}
	for _, m := range members {
		need(m.OrganizationID)
	}
	for _, id := range selectUsers {
		need(users[id].OrganizationID)
	}
	slices.Sort(needOrgs)
	for _, b := range batches(needOrgs, pageSize) {
		os, err := c.showManyOrgs(ctx, b)
		if err != nil {
			return res, err
		}
		for _, o := range os {
			dir.PutOrganization(o)
			res.Page.Organizations = append(res.Page.Organizations, o)
		}
	}

	type link struct{ user, org int64 }
	seen := map[int64]bool{}
	seenLink := map[link]bool{}
	for _, m := range members {
		if m.ID != 0 {
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
		} else if seenLink[link{m.UserID, m.OrganizationID}] {
			continue
		}
		seenLink[link{m.UserID, m.OrganizationID}] = true
		dir.PutMembership(m)
		res.Page.Memberships = append(res.Page.Memberships, m)
	}
	res.MembershipsChecked = len(res.Page.Memberships)
	for _, u := range users {
		res.Page.Users = append(res.Page.Users, u)
	}
	sort.Slice(res.Page.Users, func(i, j int) bool { return res.Page.Users[i].ID < res.Page.Users[j].ID })
	sort.Slice(res.Page.Organizations, func(i, j int) bool { return res.Page.Organizations[i].ID < res.Page.Organizations[j].ID })

	res.Violations = model.Audit(cfg, dir)

	// Each violating user's unsolved tickets.
	var violators []int64
	for _, v := range res.Violations {
		if !slices.Contains(violators, v.UserID) {
			violators = append(violators, v.UserID)
		}
	}
	open := make([][]int64, len(violators))
	err = parallel(ctx, len(violators), func(ctx context.Context, i int) error {
		ids, err := c.openTicketsOf(ctx, violators[i])
		open[i] = ids
		return err
	})
	if err != nil {
		return res, err
	}
	for i := range res.Violations {
		res.Violations[i].OpenTickets = open[slices.Index(violators, res.Violations[i].UserID)]
	}
	c.logf("audit: %d memberships checked, %d violations, %d requests so far", res.MembershipsChecked, len(res.Violations), c.RequestCount())
	return res, nil
}

// partnerOrganizations finds the Select and Open organizations: one /search/export per
// configured track value, kept only when the rules classify them as partner orgs.
func (c *Client) partnerOrganizations(ctx context.Context) ([]model.Organization, error) {
	cfg := c.cfg.Rules
	field := strings.TrimSpace(cfg.TrackField)
	if field == "" {
		return nil, nil
	}
	var values []string
	for _, v := range append(slices.Clone(cfg.SelectValues), cfg.OpenValues...) {
		v = strings.ToLower(strings.TrimSpace(v))
		if v != "" && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	found := make([][]model.Organization, len(values))
	err := parallel(ctx, len(values), func(ctx context.Context, i int) error {
		v := values[i]
		if strings.ContainsAny(v, " \t\"") {
			v = `"` + strings.ReplaceAll(v, `"`, ``) + `"`
		}
		path := fmt.Sprintf("/search/export.json?filter%%5Btype%%5D=organization&page%%5Bsize%%5D=%d&query=%s",
			pageSize, url.QueryEscape(field+":"+v))
		return c.walk(ctx, path, func(p string, data []byte) (pageHead, error) {
			var env struct {
				Results []struct {
					wireOrg
					ResultType string `json:"result_type"`
				} `json:"results"`
				pageHead
			}
			if err := json.Unmarshal(data, &env); err != nil {
				return pageHead{}, c.decodeErr("GET", p, err)
			}
			for j := range env.Results {
				r := &env.Results[j]
				if r.ResultType != "" && r.ResultType != "organization" {
					continue
				}
				if o := r.wireOrg.model(); o.ID != 0 {
					if tr := model.ClassifyOrganization(cfg, o); tr == model.TrackSelect || tr == model.TrackOpen {
						found[i] = append(found[i], o)
					}
				}
			}
			return env.pageHead, nil
		})
	})
	if err != nil {
		return nil, err
	}
	var out []model.Organization
	seen := map[int64]bool{}
	for _, list := range found {
		for _, o := range list {
			if !seen[o.ID] {
				seen[o.ID] = true
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// openTicketsOf lists the ids of a user's unsolved tickets (as requester), ascending; at most
// Zendesk's search cap of 1,000.
func (c *Client) openTicketsOf(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	path := fmt.Sprintf("/search.json?per_page=%d&query=%s", pageSize,
		url.QueryEscape(fmt.Sprintf("type:ticket requester:%d status<solved", userID)))
	err := c.eachPage(ctx, path, func(env *envelope) error {
		for i := range env.Results {
			r := &env.Results[i]
			if r.ID != 0 && (r.ResultType == "" || r.ResultType == "ticket") && !slices.Contains(ids, int64(r.ID)) {
				ids = append(ids, int64(r.ID))
			}
		}
		return nil
	})
	slices.Sort(ids)
	return ids, err
}
