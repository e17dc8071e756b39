package zendesk

// The loader: what is known, who looks up what, and what has been delivered.

import (
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
	// claims: which page (index) looks something up; the earliest page that needs it wins.
	userClaim   map[int64]int
	orgClaim    map[int64]int
	memberClaim map[int64]int
	emailClaim  map[string]int
	suggestDir  *model.Directory // see orgDirectory

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
		userClaim:       map[int64]int{},
		orgClaim:        map[int64]int{},
		memberClaim:     map[int64]int{},
		emailClaim:      map[string]int{},
		sentUsers:       map[int64]bool{},
		sentOrgs:        map[int64]bool{},
		sentMemberships: map[int64]bool{},
	}
}

// claim records that page wants key looked up; false when an earlier (or the same) page has it.
func claim[K comparable](m map[K]int, key K, page int) bool {
	if owner, ok := m[key]; ok && owner <= page {
		return false
	}
	m[key] = page
	return true
}

// knowUser adds a user to what is known (the caller holds mu).
func (l *loader) knowUser(u model.User) {
	if u.ID == 0 {
		return
	}
	l.users[u.ID] = u
	if e := model.NormalizeEmail(u.Email); e != "" {
		l.byEmail[e] = u.ID
	}
}
