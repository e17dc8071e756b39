package zendesktest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const apiPrefix = "/api/v2"

// Option configures a Server.
type Option func(*config)

type config struct {
	email, token string
	oauth        string
	latency      time.Duration
	ratePerWin   int
	rateWindow   time.Duration
	exportPerMin int

	oauthClients          map[string][]string // OAuth client id → redirect URLs (oauth.go)
	accessTTL, refreshTTL time.Duration
	now                   func() time.Time
}

// WithAPIToken accepts Basic auth "{email}/token:{token}".
func WithAPIToken(email, token string) Option {
	return func(c *config) { c.email, c.token = email, token }
}

// WithOAuthToken accepts "Authorization: Bearer {token}".
func WithOAuthToken(token string) Option { return func(c *config) { c.oauth = token } }

// WithLatency adds d before every response.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithRateLimit allows perMinute requests in any sliding minute; the next one gets 429
// with Retry-After (whole seconds until a slot frees). It also turns on Zendesk's
// separate limits: /search/export 100 a minute (see WithExportRateLimit) and ticket
// updates 100 a minute per account and 30 per 10 minutes per ticket.
func WithRateLimit(perMinute int) Option {
	return func(c *config) { c.ratePerWin, c.rateWindow = perMinute, time.Minute }
}

// WithRateLimitWindow is WithRateLimit with a window other than a minute, so tests
// of 429 handling need not wait a minute: n requests per window.
func WithRateLimitWindow(n int, window time.Duration) Option {
	return func(c *config) { c.ratePerWin, c.rateWindow = n, window }
}

// WithExportRateLimit sets /search/export's own limit per minute (Zendesk: 100; active
// only with WithRateLimit; 0 keeps 100, negative disables it).
func WithExportRateLimit(perMinute int) Option { return func(c *config) { c.exportPerMin = perMinute } }

// Server is an in-process Zendesk Support API emulator on 127.0.0.1. It is safe for
// concurrent use; every method locks.
type Server struct {
	cfg  config
	base string // http://127.0.0.1:port
	ln   net.Listener
	srv  *http.Server
	done chan struct{}

	mu             sync.Mutex
	accountURL     string
	agentID        int64
	tickets        map[int64]*Ticket
	ticketIDs      []int64 // sorted
	users          map[int64]*User
	userByEmail    map[string]int64
	orgs           map[int64]*Organization
	orgIDs         []int64 // sorted
	members        map[int64]*Membership
	memByUser      map[int64][]int64 // membership ids, ascending
	memByOrg       map[int64][]int64
	views          map[int64]View
	comments       map[int64][]Comment
	forms          map[int64]string
	clock          time.Time // logical clock for writes: strictly increasing, second precision
	nextUserID     int64
	identities     map[int64][]*Identity // by user id, primary first
	nextIdentityID int64
	nextMemberID   int64
	nextCommentID  int64
	nextAuditID    int64
	faults         []*Fault
	requests       []*RequestRecord
	limiter        *limiter
	exportLimiter  *limiter
	updateLimiter  *limiter
	ticketLimit    map[int64]*limiter
	oa             oauthState
}

// NewServer starts an emulator seeded with ds on 127.0.0.1:0. It panics when it cannot
// listen (tests only).
func NewServer(ds Dataset, opts ...Option) *Server {
	s := &Server{done: make(chan struct{})}
	for _, o := range opts {
		o(&s.cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("zendesktest: listen: %v", err))
	}
	s.ln = ln
	s.base = "http://" + ln.Addr().String()
	if s.cfg.ratePerWin > 0 {
		s.limiter = &limiter{n: s.cfg.ratePerWin, window: s.cfg.rateWindow}
		exp := s.cfg.exportPerMin
		if exp == 0 {
			exp = 100
		}
		if exp > 0 {
			s.exportLimiter = &limiter{n: exp, window: time.Minute}
		}
		s.updateLimiter = &limiter{n: 100, window: time.Minute}
		s.ticketLimit = map[int64]*limiter{}
	}
	s.load(ds)
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s
}

// URL is the API base including /api/v2, without a trailing slash.
func (s *Server) URL() string { return s.base + apiPrefix }

// Close stops the server and drops open connections.
func (s *Server) Close() {
	select {
	case <-s.done:
		return
	default:
	}
	close(s.done)
	_ = s.srv.Close()
}

func secs(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func (s *Server) load(ds Dataset) {
	s.accountURL = strings.TrimRight(ds.AccountURL, "/")
	if s.accountURL == "" {
		s.accountURL = s.base
	}
	s.tickets = make(map[int64]*Ticket, len(ds.Tickets))
	s.users = make(map[int64]*User, len(ds.Users))
	s.userByEmail = make(map[string]int64, len(ds.Users))
	s.orgs = make(map[int64]*Organization, len(ds.Organizations))
	s.members = make(map[int64]*Membership, len(ds.Memberships)+len(ds.Users))
	s.memByUser = map[int64][]int64{}
	s.memByOrg = map[int64][]int64{}
	s.views = map[int64]View{}
	s.comments = map[int64][]Comment{}
	s.forms = map[int64]string{}
	for id, n := range ds.TicketForms {
		s.forms[id] = n
	}
	epoch := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, o := range ds.Organizations {
		o := o
		o.DomainNames = slices.Clone(o.DomainNames)
		o.OrganizationFields = cloneMap(o.OrganizationFields)
		o.Tags = slices.Clone(o.Tags)
		o.CreatedAt, o.UpdatedAt = fillTimes(o.CreatedAt, o.UpdatedAt, epoch)
		o.URL = fmt.Sprintf("%s/api/v2/organizations/%d.json", s.accountURL, o.ID)
		s.orgs[o.ID] = &o
		s.orgIDs = append(s.orgIDs, o.ID)
		s.bump(o.UpdatedAt)
	}
	slices.Sort(s.orgIDs)
	for _, u := range ds.Users {
		u := u
		u.Tags = slices.Clone(u.Tags)
		u.UserFields = cloneMap(u.UserFields)
		if u.Role == "" {
			u.Role = "end-user"
		}
		u.CreatedAt, u.UpdatedAt = fillTimes(u.CreatedAt, u.UpdatedAt, epoch)
		u.URL = fmt.Sprintf("%s/api/v2/users/%d.json", s.accountURL, u.ID)
		s.users[u.ID] = &u
		if u.Email != "" {
			s.userByEmail[strings.ToLower(u.Email)] = u.ID
		}
		s.nextUserID = max(s.nextUserID, u.ID)
		s.bump(u.UpdatedAt)
	}
	s.loadIdentities(ds)
	for _, m := range ds.Memberships {
		m := m
		m.CreatedAt, m.UpdatedAt = fillTimes(m.CreatedAt, m.UpdatedAt, epoch)
		m.ViewTickets = true
		s.addMember(&m)
		s.nextMemberID = max(s.nextMemberID, m.ID)
		if u := s.users[m.UserID]; u != nil && m.Default && u.OrganizationID == 0 {
			u.OrganizationID = m.OrganizationID
		}
	}
	// A user's default organization always has a membership.
	for _, uid := range sortedKeys(s.users) {
		u := s.users[uid]
		if u.OrganizationID == 0 {
			continue
		}
		found := false
		for _, mid := range s.memByUser[uid] {
			m := s.members[mid]
			m.Default = m.OrganizationID == u.OrganizationID && !found
			found = found || m.Default
		}
		if !found {
			s.nextMemberID++
			s.addMember(&Membership{ID: s.nextMemberID, UserID: uid, OrganizationID: u.OrganizationID,
				Default: true, ViewTickets: true, CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt})
		}
	}
	for _, m := range s.members {
		s.fillMembership(m)
	}
	for _, t := range ds.Tickets {
		t := t.clone()
		if t.CreatedAt.IsZero() {
			t.CreatedAt = epoch
		}
		t.CreatedAt = secs(t.CreatedAt)
		if t.UpdatedAt.IsZero() {
			t.UpdatedAt = t.CreatedAt
		}
		t.UpdatedAt = secs(t.UpdatedAt)
		if t.Status == "" {
			t.Status = "new"
		}
		t.URL = fmt.Sprintf("%s/api/v2/tickets/%d.json", s.accountURL, t.ID)
		s.tickets[t.ID] = &t
		s.ticketIDs = append(s.ticketIDs, t.ID)
		s.bump(t.UpdatedAt)
	}
	slices.Sort(s.ticketIDs)
	for _, v := range ds.Views {
		v.TicketIDs = slices.Clone(v.TicketIDs)
		s.views[v.ID] = v
	}
	for _, id := range s.ticketIDs {
		t := s.tickets[id]
		cs := ds.Comments[id]
		if len(cs) == 0 {
			cs = []Comment{{Body: t.Description, Public: true, AuthorID: t.SubmitterID, CreatedAt: t.CreatedAt}}
		}
		for _, c := range cs {
			s.nextCommentID++
			s.nextAuditID++
			if c.ID == 0 {
				c.ID = s.nextCommentID
			}
			s.nextCommentID = max(s.nextCommentID, c.ID)
			s.addComment(id, c)
		}
	}
	s.agentID = ds.Agent
	if s.agentID == 0 && s.cfg.email != "" {
		s.agentID = s.userByEmail[strings.ToLower(s.cfg.email)]
	}
	if s.agentID == 0 {
		for _, uid := range sortedKeys(s.users) {
			if r := s.users[uid].Role; r == "agent" || r == "admin" {
				s.agentID = uid
				break
			}
		}
	}
}

func (s *Server) addComment(ticketID int64, c Comment) {
	c.Type = "Comment"
	if c.PlainBody == "" {
		c.PlainBody = c.Body
	}
	if c.HTMLBody == "" {
		c.HTMLBody = `<div class="zd-comment" dir="auto">` + htmlEscape(c.Body) + "</div>"
	}
	if c.Attachments == nil {
		c.Attachments = []any{}
	}
	if c.AuditID == 0 {
		c.AuditID = s.nextAuditID
	}
	c.CreatedAt = secs(c.CreatedAt)
	s.comments[ticketID] = append(s.comments[ticketID], c)
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "<br>")
	return r.Replace(s)
}

func fillTimes(c, u, epoch time.Time) (time.Time, time.Time) {
	if c.IsZero() {
		c = epoch
	}
	if u.IsZero() {
		u = c
	}
	return secs(c), secs(u)
}

func (s *Server) bump(t time.Time) {
	if t.After(s.clock) {
		s.clock = secs(t)
	}
}

// tick advances the logical clock by one second and returns it, never earlier than
// after (so a ticket's updated_at strictly increases).
func (s *Server) tick(after time.Time) time.Time {
	if s.cfg.now != nil && s.cfg.now().After(s.clock) {
		s.clock = secs(s.cfg.now()) // WithClock: writes are stamped on that clock, still strictly increasing
	}
	s.clock = s.clock.Add(time.Second)
	if !s.clock.After(after) {
		s.clock = secs(after).Add(time.Second)
	}
	return s.clock
}

func (s *Server) fillMembership(m *Membership) {
	m.URL = fmt.Sprintf("%s/api/v2/organization_memberships/%d.json", s.accountURL, m.ID)
	if o := s.orgs[m.OrganizationID]; o != nil {
		m.OrganizationName = o.Name
	}
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ---- inspection ----

// Ticket returns a copy of the ticket's current state.
func (s *Server) Ticket(id int64) (Ticket, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tickets[id]
	if !ok {
		return Ticket{}, false
	}
	return t.clone(), true
}

// User returns a copy of the user.
func (s *Server) User(id int64) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return User{}, false
	}
	c := *u
	c.Tags = slices.Clone(u.Tags)
	return c, true
}

// UserByEmail finds a user by exact email (case-insensitive).
func (s *Server) UserByEmail(e string) (User, bool) {
	s.mu.Lock()
	id, ok := s.userByEmail[strings.ToLower(strings.TrimSpace(e))]
	s.mu.Unlock()
	if !ok {
		return User{}, false
	}
	return s.User(id)
}

// Organization returns a copy of the organization.
func (s *Server) Organization(id int64) (Organization, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[id]
	if !ok {
		return Organization{}, false
	}
	c := *o
	c.DomainNames = slices.Clone(o.DomainNames)
	c.OrganizationFields = cloneMap(o.OrganizationFields)
	return c, true
}

// Memberships lists the user's organization memberships by id.
func (s *Server) Memberships(userID int64) []Membership {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.userMemberships(userID)
}

func (s *Server) userMemberships(userID int64) []Membership {
	var out []Membership
	for _, id := range s.memByUser[userID] {
		out = append(out, *s.members[id])
	}
	return out
}

func insertSorted(ids []int64, id int64) []int64 {
	i, found := slices.BinarySearch(ids, id)
	if found {
		return ids
	}
	return slices.Insert(ids, i, id)
}

func (s *Server) addMember(m *Membership) {
	s.members[m.ID] = m
	s.memByUser[m.UserID] = insertSorted(s.memByUser[m.UserID], m.ID)
	s.memByOrg[m.OrganizationID] = insertSorted(s.memByOrg[m.OrganizationID], m.ID)
}

func (s *Server) removeMember(id int64) {
	m := s.members[id]
	if m == nil {
		return
	}
	delete(s.members, id)
	del := func(x int64) bool { return x == id }
	s.memByUser[m.UserID] = slices.DeleteFunc(s.memByUser[m.UserID], del)
	s.memByOrg[m.OrganizationID] = slices.DeleteFunc(s.memByOrg[m.OrganizationID], del)
}

func (s *Server) isMember(uid, oid int64) bool {
	for _, id := range s.memByUser[uid] {
		if s.members[id].OrganizationID == oid {
			return true
		}
	}
	return false
}

// Comments lists the ticket's comments, oldest first.
func (s *Server) Comments(ticketID int64) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.comments[ticketID])
}

// UpdateTicketDirect changes a ticket as a concurrent agent would: fn edits a copy,
// which is stored with a new, later updated_at. Unknown ids are ignored.
func (s *Server) UpdateTicketDirect(id int64, fn func(*Ticket)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tickets[id]
	if !ok {
		return
	}
	c := t.clone()
	fn(&c)
	c.ID = t.ID
	c.UpdatedAt = s.tick(t.UpdatedAt)
	s.tickets[id] = &c
}

// Inject adds a fault; faults are tried in the order injected.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times == 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// Requests lists the requests received so far, in the order they arrived. A request is
// recorded when it arrives and its Status set before its answer is sent: Status 0 means
// not answered yet, or never (a Reset fault); 499 the client gave up first.
func (s *Server) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RequestRecord, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	return out
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// ---- HTTP plumbing ----

type apiError struct {
	status int
	body   any
	header map[string]string
}

func errNotFound() *apiError {
	return &apiError{status: 404, body: map[string]string{"error": "RecordNotFound", "description": "Not found"}}
}

func errInvalidEndpoint() *apiError {
	return &apiError{status: 404, body: map[string]string{"error": "InvalidEndpoint", "description": "Not found"}}
}

func errBadRequest(errName, desc string) *apiError {
	return &apiError{status: 400, body: map[string]string{"error": errName, "description": desc}}
}

func errInvalidAttr(attr, msg string) *apiError {
	return &apiError{status: 400, body: map[string]any{"error": map[string]string{
		"title": "Invalid attribute", "message": "You passed an invalid value for the " + attr + " attribute. " + msg}}}
}

type detail struct {
	Description string `json:"description"`
	Error       string `json:"error"`
}

func errRecordInvalid(details map[string][]detail) *apiError {
	return &apiError{status: 422, body: map[string]any{"error": "RecordInvalid",
		"description": "Record validation errors", "details": details}}
}

// response is what a handler produces; the plumbing writes it (whole or cut off).
type response struct {
	status int
	header http.Header
	body   []byte
}

func jsonResponse(status int, v any) response {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		b, _ := json.Marshal(map[string]string{"error": "InternalError", "description": err.Error()})
		return response{status: 500, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: b}
	}
	return response{status: status, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		body: bytes.TrimRight(buf.Bytes(), "\n")}
}

func (e *apiError) response() response {
	r := jsonResponse(e.status, e.body)
	for k, v := range e.header {
		r.header.Set(k, v)
	}
	return r
}

// arrive records a request as it arrives (Status 0 until record fills it in), so Requests
// lists requests in the order they came, also those answered late or never.
func (s *Server) arrive(r *http.Request) *RequestRecord {
	rec := &RequestRecord{Method: r.Method, Path: r.URL.RequestURI()}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	return rec
}

// record sets how a request was answered; it is called before the answer is sent.
func (s *Server) record(rec *RequestRecord, status int, fault bool) {
	s.mu.Lock()
	rec.Status, rec.Fault = status, fault
	s.mu.Unlock()
}

func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := r.URL.Path
	for i, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.PathPrefix != "" && !strings.HasPrefix(p, f.PathPrefix) &&
			!strings.HasPrefix(strings.TrimPrefix(p, apiPrefix), f.PathPrefix) {
			continue
		}
		c := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		return &c
	}
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec := s.arrive(r)
	fault := s.takeFault(r)
	if fault != nil && fault.Before != nil {
		fault.Before()
	}
	var resp response
	applied := false
	if fault != nil && fault.AfterApply {
		// The change happens whatever the client is told afterwards (or never told).
		resp, applied = s.handle(r), true
	}
	if fault != nil && fault.Delay > 0 {
		if !s.sleep(r.Context(), fault.Delay) {
			s.record(rec, 499, true)
			return
		}
	}
	if !s.sleep(r.Context(), s.cfg.latency) {
		s.record(rec, 499, fault != nil)
		return
	}
	isFault := fault != nil && (applied || fault.CutOff)
	switch {
	case fault != nil && fault.Reset:
		s.record(rec, 0, true)
		s.reset(w)
		return
	case fault != nil && fault.Status != 0:
		isFault = true
		if fault.Body != "" {
			resp = response{status: fault.Status, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: []byte(fault.Body)}
		} else {
			resp = jsonResponse(fault.Status, map[string]string{"error": http.StatusText(fault.Status),
				"description": "injected fault"})
		}
		if fault.RetryAfter != "" {
			resp.header.Set("Retry-After", fault.RetryAfter)
		}
	case fault != nil && fault.Body != "":
		isFault = true
		resp = response{status: 200, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: []byte(fault.Body)}
	case !applied:
		resp = s.handle(r)
	}
	if fault != nil && fault.CutOff {
		s.cutOff(w, rec, resp)
		return
	}
	// Recorded before the answer leaves, so a client that has its answer always finds its
	// request in Requests.
	s.record(rec, resp.status, isFault)
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	// Date on the same clock as updated_at (the logical one), as Zendesk's Date and
	// updated_at share the server's clock: a client can tell what changed after an answer.
	// "Now" is one tick past the last write, where the next write lands.
	s.mu.Lock()
	w.Header().Set("Date", s.clock.Add(time.Second).UTC().Format(http.TimeFormat))
	s.mu.Unlock()
	if resp.status != http.StatusNoContent {
		w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
	}
	w.WriteHeader(resp.status)
	if resp.status != http.StatusNoContent {
		_, _ = w.Write(resp.body)
	}
}

// reset drops the connection without an answer: with SO_LINGER 0 the close sends a TCP RST,
// which the client sees as "connection reset by peer".
func (s *Server) reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func (s *Server) cutOff(w http.ResponseWriter, rec *RequestRecord, resp response) {
	s.record(rec, resp.status, true)
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.WriteHeader(resp.status)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", resp.status, http.StatusText(resp.status))
	for k, vs := range resp.header {
		for _, v := range vs {
			fmt.Fprintf(buf, "%s: %s\r\n", k, v)
		}
	}
	// Connection: close, so the client never reuses the connection the server drops.
	fmt.Fprintf(buf, "Connection: close\r\nContent-Length: %d\r\n\r\n", len(resp.body))
	_, _ = buf.Write(resp.body[:len(resp.body)/2])
	_ = buf.Flush()
}

// handle authenticates, rate-limits and routes a request.
func (s *Server) handle(r *http.Request) response {
	if strings.HasPrefix(r.URL.Path, "/oauth/") {
		return s.oauthEndpoint(r)
	}
	if e := s.authenticate(r); e != nil {
		return e.response()
	}
	var rlHeaders http.Header
	if s.limiter != nil {
		now := s.now() // WithClock, so tests move past a Retry-After without waiting
		s.mu.Lock()
		wait, remaining := s.limiter.take(now)
		s.mu.Unlock()
		rlHeaders = http.Header{}
		rlHeaders.Set("X-Rate-Limit", strconv.Itoa(s.limiter.n))
		rlHeaders.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
		rlHeaders.Set("ratelimit-limit", strconv.Itoa(s.limiter.n))
		rlHeaders.Set("ratelimit-remaining", strconv.Itoa(remaining))
		rlHeaders.Set("ratelimit-reset", strconv.Itoa(int(math.Ceil(s.limiter.window.Seconds()))))
		if wait > 0 {
			return tooMany(wait, rlHeaders, "APIRateLimitExceeded")
		}
	}
	resp := s.route(r)
	for k, v := range rlHeaders {
		if resp.header == nil {
			resp.header = http.Header{}
		}
		resp.header[k] = v
	}
	return resp
}

func tooMany(wait time.Duration, h http.Header, what string) response {
	resp := jsonResponse(429, map[string]string{"error": what,
		"description": "Number of allowed API requests per minute exceeded"})
	for k, v := range h {
		resp.header[k] = v
	}
	resp.header.Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	return resp
}

func (s *Server) authenticate(r *http.Request) *apiError {
	unauth := &apiError{status: 401, body: map[string]string{"error": "Couldn't authenticate you"},
		header: map[string]string{"WWW-Authenticate": `Basic realm="Web Password"`}}
	h := r.Header.Get("Authorization")
	if h == "" {
		return unauth
	}
	anyCred := s.cfg.token == "" && s.cfg.oauth == ""
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		if issued, live := s.oauthBearer(tok); issued {
			if !live {
				return unauth // expired, revoked or rotated away
			}
			return nil
		}
		if len(s.cfg.oauthClients) > 0 && tok != s.cfg.oauth {
			return unauth // an OAuth server accepts only the tokens it issued
		}
		if tok == "" || (!anyCred && (s.cfg.oauth == "" || tok != s.cfg.oauth)) {
			return unauth
		}
		return nil
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user == "" {
		return unauth
	}
	if anyCred {
		return nil
	}
	email, isToken := strings.CutSuffix(user, "/token")
	if !isToken || s.cfg.token == "" || !strings.EqualFold(email, s.cfg.email) || pass != s.cfg.token {
		return unauth
	}
	return nil
}

// limiter is a sliding-window log: at most n requests in any window.
type limiter struct {
	n      int
	window time.Duration
	log    []time.Time
}

// take records a request at now when allowed; it returns how long to wait (0 when
// allowed) and how many requests remain in the window.
func (l *limiter) take(now time.Time) (time.Duration, int) {
	cut := now.Add(-l.window)
	i := 0
	for i < len(l.log) && !l.log[i].After(cut) {
		i++
	}
	l.log = l.log[i:]
	if len(l.log) >= l.n {
		return l.log[0].Add(l.window).Sub(now), 0
	}
	l.log = append(l.log, now)
	return 0, l.n - len(l.log)
}

// ---- routing ----

func (s *Server) route(r *http.Request) response {
	rest, ok := strings.CutPrefix(r.URL.Path, apiPrefix+"/")
	if !ok {
		return errInvalidEndpoint().response()
	}
	rest = strings.TrimSuffix(rest, "/")
	rest = strings.TrimSuffix(rest, ".json")
	seg := strings.Split(rest, "/")
	id := func(i int) (int64, bool) {
		if i >= len(seg) {
			return 0, false
		}
		n, err := strconv.ParseInt(seg[i], 10, 64)
		return n, err == nil && n > 0
	}
	m := r.Method
	var e *apiError
	var out response
	call := func(f func(*http.Request) (response, *apiError)) { out, e = f(r) }
	switch {
	case seg[0] == "tickets" && len(seg) == 2 && seg[1] == "show_many" && m == "GET":
		call(s.showManyTickets)
	case seg[0] == "tickets" && len(seg) == 2 && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.getTicket(r, n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "tickets" && len(seg) == 2 && m == "PUT":
		if n, ok := id(1); ok {
			out, e = s.updateTicket(r, n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "tickets" && len(seg) == 3 && seg[2] == "comments" && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.listComments(r, n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "tickets" && len(seg) == 1 && m == "GET":
		call(s.listTickets)
	case seg[0] == "views" && len(seg) == 2 && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.getView(n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "views" && len(seg) == 3 && seg[2] == "tickets" && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.viewTickets(r, n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "search" && len(seg) == 1 && m == "GET":
		call(s.search)
	case seg[0] == "search" && len(seg) == 2 && seg[1] == "export" && m == "GET":
		if s.exportLimiter != nil {
			s.mu.Lock()
			wait, _ := s.exportLimiter.take(s.now())
			s.mu.Unlock()
			if wait > 0 {
				return tooMany(wait, http.Header{}, "APIRateLimitExceeded")
			}
		}
		call(s.searchExport)
	case seg[0] == "users" && len(seg) == 2 && seg[1] == "me" && m == "GET":
		call(s.me)
	case seg[0] == "users" && len(seg) == 2 && seg[1] == "show_many" && m == "GET":
		call(s.showManyUsers)
	case seg[0] == "users" && len(seg) == 2 && seg[1] == "search" && m == "GET":
		call(s.searchUsers)
	case seg[0] == "users" && len(seg) == 2 && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.getUser(n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "users" && len(seg) == 3 && seg[2] == "identities" && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.userIdentitiesList(r, n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "users" && len(seg) == 3 && seg[2] == "organization_memberships" && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.userMembershipsList(r, n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "organizations" && len(seg) == 1 && m == "GET":
		call(s.listOrgs)
	case seg[0] == "organizations" && len(seg) == 2 && seg[1] == "show_many" && m == "GET":
		call(s.showManyOrgs)
	case seg[0] == "organizations" && len(seg) == 2 && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.getOrg(n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "organizations" && len(seg) == 3 && seg[2] == "organization_memberships" && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.orgMembershipsList(r, n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "organizations" && len(seg) == 3 && seg[2] == "users" && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.orgUsers(r, n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "oauth":
		out, e = s.oauthAPI(r, seg)
	case seg[0] == "organization_memberships" && len(seg) == 1 && m == "POST":
		call(s.createMembership)
	case seg[0] == "organization_memberships" && len(seg) == 2 && m == "GET":
		if n, ok := id(1); ok {
			out, e = s.getMembership(n)
		} else {
			e = errInvalidEndpoint()
		}
	case seg[0] == "organization_memberships" && len(seg) == 2 && m == "DELETE":
		if n, ok := id(1); ok {
			out, e = s.deleteMembership(n)
		} else {
			e = errInvalidEndpoint()
		}
	default:
		e = errInvalidEndpoint()
	}
	if e != nil {
		return e.response()
	}
	return out
}

// ---- pagination ----

type pageReq struct {
	cursor  bool
	size    int // cursor page size
	start   int // cursor start offset (after) …
	before  int // … or end offset (before), -1 when not used
	page    int // offset page (1-based)
	perPage int
	kind    string
}

type pageRules struct {
	kind        string // cursor token namespace, e.g. "view:123"
	cursor      bool   // cursor allowed
	offset      bool   // offset allowed
	maxCursor   int    // max page[size]
	defCursor   int
	maxOffset   int // per_page cap (silently clamped, as Zendesk does)
	offsetDepth int // page*per_page cap (0: none)
	depthStatus int // status for exceeding it
	expires     bool
}

var listRules = pageRules{cursor: true, offset: true, maxCursor: 100, defCursor: 100, maxOffset: 100,
	offsetDepth: 10000, depthStatus: 400}

func (rules pageRules) parse(r *http.Request) (pageReq, *apiError) {
	q := r.URL.Query()
	p := pageReq{before: -1, kind: rules.kind}
	_, hasSize := q["page[size]"]
	_, hasAfter := q["page[after]"]
	_, hasBefore := q["page[before]"]
	if hasSize || hasAfter || hasBefore || (rules.cursor && !rules.offset) {
		if !rules.cursor {
			return p, errInvalidAttr("page", "Invalid parameter: page must be an integer")
		}
		p.cursor = true
		p.size = rules.defCursor
		if hasSize {
			n, err := strconv.Atoi(q.Get("page[size]"))
			if err != nil || n < 1 || n > rules.maxCursor {
				return p, errBadRequest("InvalidPaginationParameter",
					fmt.Sprintf("page[size] must be an integer between 1 and %d", rules.maxCursor))
			}
			p.size = n
		}
		if hasAfter && hasBefore {
			return p, errBadRequest("InvalidPaginationParameter", "page[after] and page[before] cannot be combined")
		}
		if hasAfter {
			off, err := decodeCursor(q.Get("page[after]"), rules.kind, rules.expires)
			if err != nil {
				return p, errBadRequest("InvalidPaginationParameter", "page[after]: "+err.Error())
			}
			p.start = off
		}
		if hasBefore {
			off, err := decodeCursor(q.Get("page[before]"), rules.kind, rules.expires)
			if err != nil {
				return p, errBadRequest("InvalidPaginationParameter", "page[before]: "+err.Error())
			}
			p.before = off
		}
		return p, nil
	}
	p.page, p.perPage = 1, rules.maxOffset
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, errInvalidAttr("page", "Invalid parameter: page must be an integer")
		}
		p.page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, errInvalidAttr("per_page", "Invalid parameter: per_page must be an integer")
		}
		p.perPage = min(n, rules.maxOffset)
	}
	if rules.offsetDepth > 0 && p.page*p.perPage > rules.offsetDepth {
		if rules.depthStatus == 422 {
			return p, &apiError{status: 422, body: map[string]string{"error": "InvalidPaginationDepth",
				"description": fmt.Sprintf("Search results are limited to %d: page × per_page must not exceed it; use /search/export for more", rules.offsetDepth)}}
		}
		return p, &apiError{status: 400, body: map[string]any{"errors": []map[string]string{{
			"code":   "InvalidPaginationDepth",
			"title":  fmt.Sprintf("Pagination requests using Offset Pagination are limited to %d records (page * per_page)", rules.offsetDepth),
			"detail": "Use cursor pagination (page[size]) to page beyond it"}}}}
	}
	return p, nil
}

// window returns the [lo, hi) slice of a total-long list this request asks for.
func (p pageReq) window(total int) (int, int) {
	if p.cursor {
		if p.before >= 0 {
			hi := min(p.before, total)
			return max(0, hi-p.size), hi
		}
		lo := min(p.start, total)
		return lo, min(total, lo+p.size)
	}
	lo := min((p.page-1)*p.perPage, total)
	return lo, min(total, lo+p.perPage)
}

// fields adds the pagination members (meta/links or next_page/previous_page/count) to out.
func (s *Server) pageFields(r *http.Request, p pageReq, total, lo, hi int, expires bool, out map[string]any) {
	if p.cursor {
		meta := map[string]any{"has_more": hi < total, "after_cursor": nil, "before_cursor": nil}
		links := map[string]any{"next": nil, "prev": nil}
		if hi > lo {
			after := encodeCursor(hi, p.kind, expires)
			before := encodeCursor(lo, p.kind, expires)
			meta["after_cursor"], meta["before_cursor"] = after, before
			// Like Zendesk, links.next is present even on the last page: stop on has_more.
			links["next"] = s.link(r, map[string]string{"page[after]": after}, "page[before]")
			if lo > 0 {
				links["prev"] = s.link(r, map[string]string{"page[before]": before}, "page[after]")
			}
		}
		out["meta"] = meta
		out["links"] = links
		return
	}
	out["count"] = total
	out["next_page"], out["previous_page"] = nil, nil
	if hi < total {
		out["next_page"] = s.link(r, map[string]string{"page": strconv.Itoa(p.page + 1), "per_page": strconv.Itoa(p.perPage)})
	}
	if p.page > 1 {
		out["previous_page"] = s.link(r, map[string]string{"page": strconv.Itoa(p.page - 1), "per_page": strconv.Itoa(p.perPage)})
	}
}

func (s *Server) link(r *http.Request, set map[string]string, drop ...string) string {
	q := r.URL.Query()
	for _, d := range drop {
		q.Del(d)
	}
	for k, v := range set {
		q.Set(k, v)
	}
	return s.base + r.URL.Path + "?" + q.Encode()
}

// Cursor tokens: base64url("v1|kind|offset|expiry-unix"); expiry 0 = none.
func encodeCursor(off int, kind string, expires bool) string {
	var exp int64
	if expires {
		exp = time.Now().Add(time.Hour).Unix()
	}
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("v1|%s|%d|%d", kind, off, exp)))
}

func decodeCursor(tok, kind string, expires bool) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, fmt.Errorf("invalid cursor")
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 4 || parts[0] != "v1" || parts[1] != kind {
		return 0, fmt.Errorf("invalid cursor")
	}
	off, err := strconv.Atoi(parts[2])
	if err != nil || off < 0 {
		return 0, fmt.Errorf("invalid cursor")
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid cursor")
	}
	if expires && exp != 0 && time.Now().Unix() > exp {
		return 0, fmt.Errorf("cursor expired")
	}
	return off, nil
}

// ---- sideloads ----

type includes struct{ users, orgs bool }

func parseInclude(v string) includes {
	var in includes
	for _, p := range strings.Split(v, ",") {
		switch strings.TrimSpace(p) {
		case "users":
			in.users = true
		case "organizations":
			in.orgs = true
		}
	}
	return in
}

// sideload adds "users" and/or "organizations" for the tickets: requesters, submitters,
// assignees, collaborators, email CCs and followers; the tickets' organizations and the
// users' default organizations.
func (s *Server) sideload(ts []*Ticket, in includes, out map[string]any) {
	if !in.users && !in.orgs {
		return
	}
	uids := map[int64]bool{}
	oids := map[int64]bool{}
	for _, t := range ts {
		for _, id := range []int64{t.RequesterID, t.SubmitterID, t.AssigneeID} {
			uids[id] = true
		}
		for _, l := range [][]int64{t.CollaboratorIDs, t.EmailCCIDs, t.FollowerIDs} {
			for _, id := range l {
				uids[id] = true
			}
		}
		oids[t.OrganizationID] = true
	}
	users := []userWire{}
	for _, id := range sortedKeys(uids) {
		if u := s.users[id]; u != nil {
			users = append(users, u.wire(""))
			oids[u.OrganizationID] = true
		}
	}
	if in.users {
		out["users"] = users
	}
	if in.orgs {
		orgs := []orgWire{}
		for _, id := range sortedKeys(oids) {
			if o := s.orgs[id]; o != nil {
				orgs = append(orgs, o.wire(""))
			}
		}
		out["organizations"] = orgs
	}
}

func parseIDs(v string) ([]int64, *apiError) {
	var ids []int64
	seen := map[int64]bool{}
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return nil, errInvalidAttr("ids", "Invalid parameter: ids must be a comma-separated list of integers")
		}
		if !seen[n] {
			seen[n] = true
			ids = append(ids, n)
		}
	}
	if len(ids) > 100 {
		return nil, errBadRequest("TooManyIds", fmt.Sprintf("show_many takes at most 100 ids; got %d", len(ids)))
	}
	return ids, nil
}

func sortByID[T any](xs []T, id func(T) int64) {
	sort.Slice(xs, func(i, j int) bool { return id(xs[i]) < id(xs[j]) })
}
