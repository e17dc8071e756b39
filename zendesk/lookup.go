package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/partner-triage/partner-triage/model"
)

// FindUserByEmail finds the user whose address is exactly email (compared case-insensitively).
// Zendesk's user search is fuzzy; only an exact match counts.
func (c *Client) FindUserByEmail(ctx context.Context, email string) (model.User, bool, error) {
	e := normEmail(email)
	if e == "" {
		return model.User{}, false, nil
	}
	// The search is fuzzy (same local part, prefixes …): walk its pages until the exact address.
	const maxPages = 10
	var found model.User
	pages := 0
	errFound := errors.New("found")
	path := fmt.Sprintf("/users/search.json?per_page=%d&query=%s", pageSize, url.QueryEscape("email:"+e))
	err := c.eachPage(ctx, path, func(env *envelope) error {
		for i := range env.Users {
			u := env.Users[i].model()
			if u.ID != 0 && normEmail(u.Email) == e {
				found = u
				return errFound
			}
		}
		if pages++; pages >= maxPages {
			return errFound // give up quietly: not found within the first 1,000 matches
		}
		return nil
	})
	if err != nil && err != errFound {
		return model.User{}, false, err
	}
	return found, found.ID != 0, nil
}
