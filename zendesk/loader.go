package zendesk

// The loader: what is known, who looks up what, and what has been delivered.

import (
	"context"
	"sync"

	"github.com/partner-triage/partner-triage/model"
)

type loader struct {
	c *Client

	mu            sync.Mutex
	users         map[int64]model.User
	byEmail       map[string]int64
	orgs          map[int64]model.Organization
	selectOrgs    map[int64]bool
	selectDomains map[string]bool
	partnerDomain map[string]bool // Select and Open orgs' domains
	// Look-ups of this load, each made once: whichever page needs one first makes it, a
	// page that needs it later waits for it (see want).
	flights     map[lookupKey]*flight
	memberships map[int64][]model.Membership // by user: every membership, for users looked up ('m')
	owner       map[string]int64             // address → the user an exact look-up found, 0 for nobody ('e')
	suggestDir  *model.Directory             // see orgDirectory

	// Filled by loadDirectory, delivered with the first page.
	dirOrgs        []model.Organization
	dirUsers       []model.User
	dirMemberships []model.Membership

	// Delivery state (only the delivering goroutine touches these).
	sentUsers       map[int64]bool
	sentIdentities  map[int64]bool // users delivered with their email identities (users.go)
	sentOrgs        map[int64]bool
	sentMemberships map[int64]bool
}

// orgDirectory is a model.Directory of every organization known, for the model's domain
// look-ups (suggestion ties). Built once, after the organizations are listed; l.mu held.
func (l *loader) orgDirectory() *model.Directory {
	if l.suggestDir == nil {
		l.suggestDir = model.NewDirectory()
		for _, o := range l.orgs {
			l.suggestDir.PutOrganization(o)
		}
	}
	return l.suggestDir
}

func newLoader(c *Client) *loader {
	return &loader{
		c:               c,
		users:           map[int64]model.User{},
		byEmail:         map[string]int64{},
		orgs:            map[int64]model.Organization{},
		selectOrgs:      map[int64]bool{},
		selectDomains:   map[string]bool{},
		partnerDomain:   map[string]bool{},
		flights:         map[lookupKey]*flight{},
		memberships:     map[int64][]model.Membership{},
		owner:           map[string]int64{},
		sentUsers:       map[int64]bool{},
		sentOrgs:        map[int64]bool{},
		sentMemberships: map[int64]bool{},
	}
}

// lookupKey names one look-up: a user by id ('u'), an organization by id ('o'), a user's
// memberships ('m', by user id) or the owner of an address ('e', by normalized address).
type lookupKey struct {
	kind byte
	id   int64
	s    string
}

// flight is one look-up, made by one page and awaited by the others that need it; done
// closes once its answer is in the loader's maps (err says the look-up failed).
type flight struct {
	done   chan struct{}
	err    error
	landed bool // done is closed (l.mu held to read or set)
}

// want returns the look-up of k and whether the caller makes it (mine: it must land it).
// A look-up already made or in flight is shared, never repeated. The caller holds mu.
func (l *loader) want(k lookupKey) (f *flight, mine bool) {
	if f, ok := l.flights[k]; ok {
		return f, false
	}
	f = &flight{done: make(chan struct{})}
	l.flights[k] = f
	return f, true
}

// land marks a look-up answered (its answer already stored) or failed; the caller holds
// mu. Landing twice keeps the first answer.
func (l *loader) land(f *flight, err error) {
	if f.landed {
		return
	}
	f.err, f.landed = err, true
	close(f.done)
}

// await waits for other pages' look-ups; the first failed one's error is returned.
func await(ctx context.Context, fs []*flight) error {
	for _, f := range fs {
		select {
		case <-f.done:
			if f.err != nil {
				return f.err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// knowUser adds a user to what is known (the caller holds mu).
func (l *loader) knowUser(u model.User) {
	if u.ID == 0 {
		return
	}
	if old, ok := l.users[u.ID]; ok && u.Emails == nil {
		u.Emails = old.Emails // a sideload without identities: keep what a look-up learnt
	}
	l.users[u.ID] = u
	if e := model.NormalizeEmail(u.Email); e != "" {
		l.byEmail[e] = u.ID
	}
}
