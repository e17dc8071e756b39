package zendesk

// Look-ups by id and the small helpers the loader shares.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/partner-triage/partner-triage/model"
)

// parallel runs fn(0..n-1), at most maxParallel at a time (each request also waits for the
// client's concurrency bound in Client.do), and returns the first error, cancelling the rest.
func parallel(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(maxParallel)
	for i := range n {
		g.Go(func() error { return fn(ctx, i) })
	}
	return g.Wait()
}

// maxParallel bounds the goroutines of one parallel call.
const maxParallel = 16

func batches(ids []int64, size int) [][]int64 {
	var out [][]int64
	for len(ids) > 0 {
		n := min(size, len(ids))
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	return out
}

func joinIDs(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// showMany reads ≤100 records by id from /{kind}/show_many (users, organizations); ids that
// no longer exist are simply absent from the answer, as are records without an id.
func showMany[T any](ctx context.Context, c *Client, kind string, ids []int64, pick func(*envelope) []T) ([]T, error) {
	var env envelope
	if err := c.get(ctx, "/"+kind+"/show_many.json?ids="+joinIDs(ids), &env); err != nil {
		return nil, err
	}
	return pick(&env), nil
}

func (c *Client) showManyUsers(ctx context.Context, ids []int64) ([]model.User, error) {
	return showMany(ctx, c, "users", ids, usersOf)
}

func (c *Client) showManyOrgs(ctx context.Context, ids []int64) ([]model.Organization, error) {
	return showMany(ctx, c, "organizations", ids, orgsOf)
}

// usersOf and orgsOf are an answer's users and organizations that have an id.
func usersOf(env *envelope) []model.User {
	out := make([]model.User, 0, len(env.Users))
	for i := range env.Users {
		if env.Users[i].ID != 0 {
			out = append(out, env.Users[i].model())
		}
	}
	return out
}

func orgsOf(env *envelope) []model.Organization {
	out := make([]model.Organization, 0, len(env.Organizations))
	for i := range env.Organizations {
		if env.Organizations[i].ID != 0 {
			out = append(out, env.Organizations[i].model())
		}
	}
	return out
}

// userMemberships lists every organization membership of one user.
func (c *Client) userMemberships(ctx context.Context, userID int64) ([]model.Membership, error) {
	var out []model.Membership
	err := c.eachPage(ctx, fmt.Sprintf("/users/%d/organization_memberships.json?page%%5Bsize%%5D=%d", userID, pageSize), func(env *envelope) error {
		for i := range env.OrganizationMemberships {
			m := env.OrganizationMemberships[i].model()
			if m.UserID == 0 {
				m.UserID = userID
			}
			if m.OrganizationID != 0 {
				out = append(out, m)
			}
		}
		return nil
	})
	return out, err
}

// usersMemberships lists the memberships of every user in ids (one cursor list each, in
// parallel), in no particular order. The error is the first list's that failed.
func (c *Client) usersMemberships(ctx context.Context, ids []int64) ([]model.Membership, error) {
	var mu sync.Mutex
	var out []model.Membership
	err := parallel(ctx, len(ids), func(ctx context.Context, i int) error {
		ms, err := c.userMemberships(ctx, ids[i])
		mu.Lock()
		out = append(out, ms...)
		mu.Unlock()
		return err
	})
	return out, err
}
