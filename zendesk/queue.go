package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// LoadQueue loads the configured queue and calls onPage once per list page, in order, with the
// page's queue tickets (model.InQueue) and everything learnt to judge them.
//
// Requests, for a queue of N tickets: the organizations (one per 100), the Select orgs'
// memberships and users (one per 100 each), ⌈N/100⌉ list pages, and per page only what the
// sideloads lacked: show_many batches of ≤100 ids, memberships of the Select-domain users on the
// page, and an exact-email look-up for Organization Email values naming no known user.
//
// The first page reaches onPage before the second list page is requested; it also carries every
// organization and the Select orgs' users and memberships. Later pages are fetched one ahead of
// delivery and resolved concurrently, but delivered in order. Each user, organization and
// membership is delivered once.
func (c *Client) LoadQueue(ctx context.Context, onPage func(model.QueuePage)) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return c.withLoadTimeout(ctx, func(ctx context.Context) error { return c.loadQueue(ctx, onPage) })
}

// withLoadTimeout runs fn under Config.LoadTimeout, and says so when that limit stopped it.
func (c *Client) withLoadTimeout(ctx context.Context, fn func(context.Context) error) error {
	if c.cfg.LoadTimeout <= 0 {
		return fn(ctx)
	}
	tctx, cancel := context.WithTimeout(ctx, c.cfg.LoadTimeout)
	defer cancel()
	err := fn(tctx)
	if err != nil && ctx.Err() == nil && tctx.Err() != nil {
		return fmt.Errorf("gave up after %s (the time limit, --timeout): %w", c.cfg.LoadTimeout, err)
	}
	return err
}

func (c *Client) loadQueue(ctx context.Context, onPage func(model.QueuePage)) error {
	if c.cfg.ViewID == 0 && strings.TrimSpace(c.cfg.Search) == "" {
		return errors.New("zendesk: no queue source: set queue.view_id or queue.search")
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup // no goroutine outlives the call
	defer wg.Wait()
	defer cancel()
	l := newLoader(c)

	// Organizations, the Select orgs' members and the first list page, all at once.
	dirDone := make(chan error, 1)
	wg.Go(func() { dirDone <- l.loadDirectory(ctx) })

	pages := make(chan rawPage, 8) // the fetcher never waits on decoding
	firstDelivered := make(chan struct{})
	fetchDone := make(chan error, 1)
	wg.Go(func() {
		defer close(pages)
		fetchDone <- c.listQueue(ctx, func(p rawPage) error {
			select {
			case pages <- p:
			case <-ctx.Done():
				return ctx.Err()
			}
			if p.index == 0 {
				// Show the first page before fetching the next one.
				select {
				case <-firstDelivered:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	})

	if err := <-dirDone; err != nil {
		return err
	}

	// Plan each page in order (claims of look-ups go to the earliest page that needs them),
	// resolve pages concurrently, deliver in order.
	type pending struct {
		done chan struct{}
		page *resolvedPage
		err  error
	}
	ordered := make(chan *pending, 6)
	listed, announced := 0, -1 // records listed; the source's count (read after ordered closes)
	wg.Go(func() {
		defer close(ordered)
		for raw := range pages {
			p := &pending{done: make(chan struct{})}
			raw = c.decodePage(raw)
			listed += raw.records
			announced = raw.total
			if raw.err != nil {
				p.err = raw.err
				close(p.done)
				select {
				case ordered <- p:
				case <-ctx.Done():
				}
				return
			}
			plan := l.plan(raw)
			select {
			case ordered <- p:
			case <-ctx.Done():
				return
			}
			wg.Go(func() {
				p.page, p.err = l.resolve(ctx, plan)
				close(p.done)
			})
		}
	})

	loaded, pagesSeen := 0, 0
	started := time.Now()
	first := true
	for p := range ordered {
		select {
		case <-p.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if p.err != nil {
			return p.err
		}
		qp := l.deliver(p.page, first)
		loaded += len(qp.Tickets)
		qp.Loaded = loaded
		qp.Total = p.page.total
		pagesSeen++
		onPage(qp)
		if first {
			close(firstDelivered)
			first = false
		}
	}
	if first {
		close(firstDelivered)
	}
	if err := <-fetchDone; err != nil {
		return err
	}
	if announced >= 0 && listed < announced {
		// A list that ends before its own count lost records on the way (a page that
		// contradicts the count): report it rather than show a shorter queue.
		return &DecodeError{Method: "GET", Path: errPath(c.sourcePath()), Err: fmt.Errorf(
			"the list ended after %d of the %d results its count announced; load again", listed, announced)}
	}
	c.logf("queue %s: %d tickets in %d pages, %d requests so far, %s", c.Source(), loaded, pagesSeen,
		c.RequestCount(), time.Since(started).Round(time.Millisecond))
	return ctx.Err()
}

// sourcePath is the queue source's list path, for error messages.
func (c *Client) sourcePath() string {
	if c.cfg.ViewID != 0 {
		return fmt.Sprintf("/views/%d/tickets", c.cfg.ViewID)
	}
	return "/search"
}

// rawPage is one list page as fetched: data until decodePage fills the rest.
type rawPage struct {
	index   int
	path    string
	data    []byte
	results bool // search answer: tickets under "results"
	err     error
	tickets []model.Ticket // every ticket of the page, queue or not
	users   []model.User   // sideloaded
	orgs    []model.Organization
	total   int // the source's count, -1 when unknown
	records int // results on the page (before the queue filter), to hold against total
}

// ---------------------------------------------------------------------------------------
// Listing the queue source.

var typeTerm = regexp.MustCompile(`(?i)(^|\s)-?type:\S+`)

// listQueue fetches the source's pages in order and hands each to emit.
func (c *Client) listQueue(ctx context.Context, emit func(rawPage) error) error {
	idx := 0
	send := func(path string, data []byte, results bool, total int) error {
		idx++
		return emit(rawPage{index: idx - 1, path: path, data: data, results: results, total: total})
	}

	if c.cfg.ViewID != 0 {
		path := fmt.Sprintf("/views/%d/tickets.json?include=users%%2Corganizations&page%%5Bsize%%5D=%d", c.cfg.ViewID, pageSize)
		return c.eachPageLazy(ctx, path, func(p string, data []byte, _ pageHead) error {
			return send(p, data, false, -1)
		})
	}

	q := strings.TrimSpace(c.cfg.Search)
	if !typeTerm.MatchString(q) {
		q = "type:ticket " + q
	}
	searchPath := func(page int) string {
		v := url.Values{}
		v.Set("query", q)
		v.Set("per_page", strconv.Itoa(pageSize))
		v.Set("include", "tickets(users,organizations)")
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		return "/search.json?" + v.Encode()
	}
	path := searchPath(1)
	data, err := c.getBytes(ctx, path)
	if err != nil {
		return err
	}
	head, err := parseHead(data)
	if err != nil {
		return c.decodeErr("GET", path, err)
	}
	count := -1
	if head.Count != nil {
		count = int(*head.Count)
	}
	if count <= 1000 {
		// /search: offset pages, at most 1,000 results.
		for page := 1; ; page++ {
			if err := send(path, data, true, count); err != nil {
				return err
			}
			if head.NextPage == "" || page*pageSize >= 1000 || (count >= 0 && page*pageSize >= count) {
				return nil
			}
			path = searchPath(page + 1)
			if data, err = c.getBytes(ctx, path); err != nil {
				return err
			}
			if head, err = parseHead(data); err != nil {
				return c.decodeErr("GET", path, err)
			}
		}
	}
	// More than /search can page through: /search/export (cursor, no cap). Export takes the
	// type only as filter[type], never as a query term.
	c.logf("search counts %d results (>1000): using /search/export", count)
	eq := strings.TrimSpace(typeTerm.ReplaceAllString(q, " "))
	if eq == "" {
		// Export needs a query; the queue only keeps new/open/pending/hold tickets anyway.
		eq = "status<solved"
	}
	v := url.Values{}
	v.Set("query", eq)
	v.Set("filter[type]", "ticket")
	v.Set("page[size]", strconv.Itoa(pageSize))
	v.Set("include", "tickets(users,organizations)")
	return c.eachPageLazy(ctx, "/search/export.json?"+v.Encode(), func(p string, data []byte, _ pageHead) error {
		return send(p, data, true, count)
	})
}

// decodePage decodes a fetched list page (off the fetcher's critical path).
func (c *Client) decodePage(r rawPage) rawPage {
	var env envelope
	if err := json.Unmarshal(r.data, &env); err != nil {
		r.err = c.decodeErr("GET", r.path, err)
		return r
	}
	r.data = nil
	tickets := env.Tickets
	if r.results {
		tickets = env.Results
	}
	r.records = len(tickets)
	r.tickets = make([]model.Ticket, 0, len(tickets))
	for i := range tickets {
		if tickets[i].ResultType != "" && tickets[i].ResultType != "ticket" {
			continue
		}
		if tickets[i].ID == 0 {
			r.err = &DecodeError{Method: "GET", Path: errPath(r.path), Err: fmt.Errorf("ticket %d of the page has no id (null or 0); the queue would silently miss it", i+1)}
			return r
		}
		r.tickets = append(r.tickets, tickets[i].model())
	}
	for i := range env.Users {
		if env.Users[i].ID != 0 {
			r.users = append(r.users, env.Users[i].model())
		}
	}
	for i := range env.Organizations {
		if env.Organizations[i].ID != 0 {
			r.orgs = append(r.orgs, env.Organizations[i].model())
		}
	}
	return r
}

// eachPage walks a list: cursor pagination (meta.has_more / after_cursor, stopping on
// has_more == false, not on a null link) or, when the answer has no meta, offset next_page.
func (c *Client) eachPage(ctx context.Context, path string, fn func(*envelope) error) error {
	return c.walk(ctx, path, func(p string, data []byte) (pageHead, error) {
		var env envelope
		if err := json.Unmarshal(data, &env); err != nil {
			return pageHead{}, c.decodeErr("GET", p, err)
		}
		return env.pageHead, fn(&env)
	})
}

// eachPageLazy walks a list reading only each page's head; fn gets the undecoded answer,
// so the next page is requested while fn's consumer decodes this one.
func (c *Client) eachPageLazy(ctx context.Context, path string, fn func(p string, data []byte, h pageHead) error) error {
	return c.walk(ctx, path, func(p string, data []byte) (pageHead, error) {
		h, err := parseHead(data)
		if err != nil {
			return h, c.decodeErr("GET", p, err)
		}
		return h, fn(p, data, h)
	})
}

func (c *Client) walk(ctx context.Context, path string, step func(p string, data []byte) (pageHead, error)) error {
	seen := map[string]bool{}
	next := path
	// A cursor request must be answered by cursor pages: meta.has_more decides, strictly.
	cursor := strings.Contains(path, "page%5Bsize%5D") || strings.Contains(path, "page[size]")
	for {
		data, err := c.getBytes(ctx, next)
		if err != nil {
			return err
		}
		h, err := step(next, data)
		if err != nil {
			return err
		}
		var following string
		switch {
		case cursor || len(h.Meta.HasMore) > 0:
			more, err := h.more()
			if err != nil {
				return &DecodeError{Method: "GET", Path: errPath(next), Err: err}
			}
			if !more {
				return nil
			}
			if cur := string(h.Meta.AfterCursor); cur != "" {
				following = withParam(path, "page[after]", cur)
			} else if h.Links.Next != "" {
				following = c.relative(string(h.Links.Next))
			}
		case h.NextPage != "":
			following = c.relative(string(h.NextPage))
		default:
			return nil
		}
		if following == "" {
			return &DecodeError{Method: "GET", Path: errPath(next), Err: errors.New("meta.has_more is true but there is no cursor to follow")}
		}
		if seen[following] {
			return &DecodeError{Method: "GET", Path: errPath(next), Err: errors.New("the next-page cursor repeats; stopping to avoid a loop")}
		}
		seen[following] = true
		next = following
	}
}

// withParam sets one query parameter on a path.
func withParam(path, key, value string) string {
	p, q, _ := strings.Cut(path, "?")
	v, _ := url.ParseQuery(q)
	v.Set(key, value)
	return p + "?" + v.Encode()
}

// relative turns an absolute next-page link into a path below the API base.
func (c *Client) relative(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		p := strings.TrimPrefix(u.Path, c.base.Path)
		return p + "?" + u.RawQuery
	}
	p := u.EscapedPath()
	bp := c.base.EscapedPath()
	if !strings.HasPrefix(p, bp+"/") {
		return ""
	}
	out := strings.TrimPrefix(p, bp)
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}

// ---------------------------------------------------------------------------------------
// The loader: what is known, who looks up what, and what has been delivered.

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

	var mu sync.Mutex
	var users []model.User
	var members []model.Membership
	err = parallel(ctx, len(selectIDs)*2, func(ctx context.Context, i int) error {
		id := selectIDs[i/2]
		if i%2 == 0 {
			return c.eachPage(ctx, fmt.Sprintf("/organizations/%d/organization_memberships.json?page%%5Bsize%%5D=%d", id, pageSize), func(env *envelope) error {
				mu.Lock()
				defer mu.Unlock()
				for j := range env.OrganizationMemberships {
					m := env.OrganizationMemberships[j].model()
					if m.UserID != 0 && m.OrganizationID == 0 {
						m.OrganizationID = id
					}
					members = append(members, m)
				}
				return nil
			})
		}
		return c.eachPage(ctx, fmt.Sprintf("/organizations/%d/users.json?page%%5Bsize%%5D=%d", id, pageSize), func(env *envelope) error {
			mu.Lock()
			defer mu.Unlock()
			for j := range env.Users {
				if env.Users[j].ID != 0 {
					users = append(users, env.Users[j].model())
				}
			}
			return nil
		})
	})
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

// pagePlan is what one page must look up.
type pagePlan struct {
	raw      rawPage
	tickets  []model.Ticket // queue tickets only
	needUser []int64        // users the tickets reference
	fetchU   []int64        // … of which this page fetches
	fetchO   []int64        // organizations this page fetches
}

// ticketPeople are the users a ticket references that the rules read.
func ticketPeople(t model.Ticket) []int64 {
	ids := make([]int64, 0, 2+len(t.CollaboratorIDs)+len(t.EmailCCIDs))
	ids = append(ids, t.RequesterID, t.SubmitterID)
	ids = append(ids, t.EmailCCIDs...)
	ids = append(ids, t.CollaboratorIDs...)
	return ids
}

// plan runs in page order: it records the page's sideloads and claims its look-ups.
func (l *loader) plan(raw rawPage) *pagePlan {
	p := &pagePlan{raw: raw}
	rules := l.c.cfg.Rules
	for _, t := range raw.tickets {
		if model.InQueue(rules, t) {
			p.tickets = append(p.tickets, t)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, u := range raw.users {
		l.knowUser(u)
	}
	for _, o := range raw.orgs {
		if _, ok := l.orgs[o.ID]; !ok {
			l.orgs[o.ID] = o
		}
	}
	seen := map[int64]bool{}
	seenOrg := map[int64]bool{}
	for _, t := range p.tickets {
		for _, id := range ticketPeople(t) {
			if id == 0 || seen[id] {
				continue
			}
			seen[id] = true
			p.needUser = append(p.needUser, id)
			if _, ok := l.users[id]; !ok && claim(l.userClaim, id, raw.index) {
				p.fetchU = append(p.fetchU, id)
			}
		}
		if id := t.OrganizationID; id != 0 && !seenOrg[id] {
			seenOrg[id] = true
			if _, ok := l.orgs[id]; !ok && claim(l.orgClaim, id, raw.index) {
				p.fetchO = append(p.fetchO, id)
			}
		}
	}
	return p
}

// resolvedPage is a page with everything it needs.
type resolvedPage struct {
	index       int
	tickets     []model.Ticket
	users       []model.User
	orgs        []model.Organization
	memberships []model.Membership
	total       int
}

// resolve fetches what the plan claimed: missing users and orgs (show_many), then the
// memberships of Select-domain users and the users named by Organization Email values.
func (l *loader) resolve(ctx context.Context, p *pagePlan) (*resolvedPage, error) {
	c := l.c
	idx := p.raw.index
	out := &resolvedPage{index: idx, tickets: p.tickets, total: p.raw.total}
	var mu sync.Mutex
	var fetchedUsers []model.User
	var fetchedOrgs []model.Organization

	userBatches := batches(p.fetchU, pageSize)
	orgBatches := batches(p.fetchO, pageSize)
	err := parallel(ctx, len(userBatches)+len(orgBatches), func(ctx context.Context, i int) error {
		if i < len(userBatches) {
			us, err := c.showManyUsers(ctx, userBatches[i])
			mu.Lock()
			fetchedUsers = append(fetchedUsers, us...)
			mu.Unlock()
			return err
		}
		os, err := c.showManyOrgs(ctx, orgBatches[i-len(userBatches)])
		mu.Lock()
		fetchedOrgs = append(fetchedOrgs, os...)
		mu.Unlock()
		return err
	})
	if err != nil {
		return nil, err
	}

	// Second round: default orgs of fetched users not yet known, Select-domain users'
	// memberships, and Organization Email addresses naming no known user.
	l.mu.Lock()
	for _, u := range fetchedUsers {
		l.knowUser(u)
	}
	for _, o := range fetchedOrgs {
		l.orgs[o.ID] = o
	}
	var moreOrgs, memberOf []int64
	var lookups []string
	for _, id := range p.needUser {
		u, ok := l.users[id]
		if !ok {
			continue
		}
		if oid := u.OrganizationID; oid != 0 {
			if _, ok := l.orgs[oid]; !ok && claim(l.orgClaim, oid, idx) {
				moreOrgs = append(moreOrgs, oid)
			}
		}
	}
	// A Select user's membership in a customer org is visible only from the user's side;
	// the rules ask about requesters and submitters.
	for _, t := range p.tickets {
		for _, id := range [2]int64{t.RequesterID, t.SubmitterID} {
			if u, ok := l.users[id]; ok && l.selectDomains[model.Domain(u.Email)] && claim(l.memberClaim, id, idx) {
				memberOf = append(memberOf, id)
			}
		}
	}
	if f := c.cfg.Rules.OrgEmailField; f != 0 {
		for _, t := range p.tickets {
			e := model.NormalizeEmail(t.Field(f))
			if e == "" || l.partnerDomain[model.Domain(e)] {
				continue // the rules only resolve org(E) for customer addresses
			}
			if _, ok := l.byEmail[e]; !ok && claim(l.emailClaim, e, idx) {
				lookups = append(lookups, e)
			}
			// A suggestion tie is broken by which candidate address is an existing user: one
			// look-up per candidate, only for the few addresses on no customer domain.
			for _, cand := range model.SuggestionTies(c.cfg.Rules, e, l.orgDirectory()) {
				if _, ok := l.byEmail[cand]; !ok && claim(l.emailClaim, cand, idx) {
					lookups = append(lookups, cand)
				}
			}
		}
	}
	l.mu.Unlock()

	var found []model.User
	orgBatches = batches(moreOrgs, pageSize)
	n1, n2 := len(orgBatches), len(memberOf)
	err = parallel(ctx, n1+n2+len(lookups), func(ctx context.Context, i int) error {
		switch {
		case i < n1:
			os, err := c.showManyOrgs(ctx, orgBatches[i])
			mu.Lock()
			fetchedOrgs = append(fetchedOrgs, os...)
			mu.Unlock()
			return err
		case i < n1+n2:
			ms, err := c.userMemberships(ctx, memberOf[i-n1])
			mu.Lock()
			out.memberships = append(out.memberships, ms...)
			mu.Unlock()
			return err
		default:
			u, ok, err := c.FindUserByEmail(ctx, lookups[i-n1-n2])
			if ok {
				mu.Lock()
				found = append(found, u)
				mu.Unlock()
			}
			return err
		}
	})
	if err != nil {
		return nil, err
	}

	// Organizations the new people and memberships point at, when the listing missed them
	// (created during the load): one more show_many, rarely needed.
	l.mu.Lock()
	for _, o := range fetchedOrgs {
		l.orgs[o.ID] = o
	}
	for _, u := range found {
		l.knowUser(u)
	}
	var lastOrgs []int64
	addOrg := func(oid int64) {
		if oid == 0 {
			return
		}
		if _, ok := l.orgs[oid]; !ok && claim(l.orgClaim, oid, idx) {
			lastOrgs = append(lastOrgs, oid)
		}
	}
	for _, u := range found {
		addOrg(u.OrganizationID)
	}
	for _, m := range out.memberships {
		addOrg(m.OrganizationID)
	}
	l.mu.Unlock()
	if len(lastOrgs) > 0 {
		for _, b := range batches(lastOrgs, pageSize) {
			os, err := c.showManyOrgs(ctx, b)
			if err != nil {
				return nil, err
			}
			fetchedOrgs = append(fetchedOrgs, os...)
		}
		l.mu.Lock()
		for _, o := range fetchedOrgs {
			l.orgs[o.ID] = o
		}
		l.mu.Unlock()
	}

	// The page's people and organizations, as known now.
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range p.needUser {
		if u, ok := l.users[id]; ok {
			out.users = append(out.users, u)
		}
	}
	out.users = append(out.users, found...)
	orgSeen := map[int64]bool{}
	addPageOrg := func(id int64) {
		if id == 0 || orgSeen[id] {
			return
		}
		orgSeen[id] = true
		if o, ok := l.orgs[id]; ok {
			out.orgs = append(out.orgs, o)
		}
	}
	for _, t := range p.tickets {
		addPageOrg(t.OrganizationID)
	}
	for _, u := range out.users {
		addPageOrg(u.OrganizationID)
	}
	for _, m := range out.memberships {
		addPageOrg(m.OrganizationID)
	}
	return out, nil
}

// deliver builds the QueuePage, leaving out what earlier pages delivered.
func (l *loader) deliver(p *resolvedPage, first bool) model.QueuePage {
	qp := model.QueuePage{Tickets: p.tickets}
	if qp.Tickets == nil {
		qp.Tickets = []model.Ticket{}
	}
	addUser := func(u model.User) {
		if !l.sentUsers[u.ID] {
			l.sentUsers[u.ID] = true
			qp.Users = append(qp.Users, u)
		}
	}
	addOrg := func(o model.Organization) {
		if !l.sentOrgs[o.ID] {
			l.sentOrgs[o.ID] = true
			qp.Organizations = append(qp.Organizations, o)
		}
	}
	addMember := func(m model.Membership) {
		if m.ID == 0 || !l.sentMemberships[m.ID] {
			if m.ID != 0 {
				l.sentMemberships[m.ID] = true
			}
			qp.Memberships = append(qp.Memberships, m)
		}
	}
	if first {
		l.mu.Lock()
		for _, o := range l.dirOrgs {
			addOrg(o)
		}
		for _, u := range l.dirUsers {
			addUser(u)
		}
		for _, m := range l.dirMemberships {
			addMember(m)
		}
		l.mu.Unlock()
	}
	for _, u := range p.users {
		addUser(u)
	}
	for _, o := range p.orgs {
		addOrg(o)
	}
	for _, m := range p.memberships {
		addMember(m)
	}
	return qp
}

// ---------------------------------------------------------------------------------------
// Helpers.

// parallel runs fn(0..n-1) with the client's concurrency bound (enforced per request by
// Client.do) and returns the first error, cancelling the rest.
func parallel(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	switch n {
	case 0:
		return nil
	case 1:
		return fn(ctx, 0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	return first
}

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

func (c *Client) showManyUsers(ctx context.Context, ids []int64) ([]model.User, error) {
	var env envelope
	if err := c.get(ctx, "/users/show_many.json?ids="+joinIDs(ids), &env); err != nil {
		return nil, err
	}
	out := make([]model.User, 0, len(env.Users))
	for i := range env.Users {
		if env.Users[i].ID != 0 {
			out = append(out, env.Users[i].model())
		}
	}
	return out, nil
}

func (c *Client) showManyOrgs(ctx context.Context, ids []int64) ([]model.Organization, error) {
	var env envelope
	if err := c.get(ctx, "/organizations/show_many.json?ids="+joinIDs(ids), &env); err != nil {
		return nil, err
	}
	out := make([]model.Organization, 0, len(env.Organizations))
	for i := range env.Organizations {
		if env.Organizations[i].ID != 0 {
			out = append(out, env.Organizations[i].model())
		}
	}
	return out, nil
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
