package zendesktest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The emulator as Zendesk's OAuth server (developer.zendesk.com, "OAuth Tokens" and
// "Using OAuth authentication with your application"), for public clients with PKCE:
//
//	GET    /oauth/authorizations/new   response_type=code, client_id, redirect_uri, scope, state,
//	                                   code_challenge, code_challenge_method=S256 → 302 to
//	                                   redirect_uri?code=…&state=… (approved at once, as the
//	                                   server's agent). Unknown client or an unregistered
//	                                   redirect_uri: 400, no redirect.
//	POST   /oauth/tokens               form or JSON. grant_type=authorization_code (code,
//	                                   client_id, redirect_uri, code_verifier: S256 checked;
//	                                   a code works once, for 10 minutes) or
//	                                   grant_type=refresh_token (refresh_token, client_id).
//	                                   → {access_token, token_type:"bearer", scope, expires_in,
//	                                   refresh_token, refresh_token_expires_in}. A refresh
//	                                   rotates: the old access and refresh tokens die. A code
//	                                   or refresh token that is unknown, used, expired or
//	                                   revoked: 400 {"error":"invalid_grant",…}.
//	GET    /api/v2/oauth/tokens/current  the token the request is authenticated with
//	DELETE /api/v2/oauth/tokens/{id}     204; the access token and its refresh token die
//
// An expired or revoked access token gets 401 on every API call. Lifetimes default to
// Zendesk's (access 30 minutes, refresh 30 days) and are read from WithClock's clock, so
// tests move time instead of sleeping.

// WithOAuthClient registers a public OAuth client (no secret, PKCE) and the redirect URLs
// an admin entered for it (compared exactly, as Zendesk does).
func WithOAuthClient(clientID string, redirectURLs ...string) Option {
	return func(c *config) {
		if c.oauthClients == nil {
			c.oauthClients = map[string][]string{}
		}
		c.oauthClients[clientID] = append(c.oauthClients[clientID], redirectURLs...)
	}
}

// WithOAuthLifetimes sets the lifetimes of the access and refresh tokens the OAuth server
// issues (0 keeps Zendesk's defaults: 30 minutes and 30 days).
func WithOAuthLifetimes(access, refresh time.Duration) Option {
	return func(c *config) { c.accessTTL, c.refreshTTL = access, refresh }
}

// WithClock makes the server read the time from now — token and code expiry, rate-limit
// windows, and the stamps of writes (never earlier than the data's newest, strictly
// increasing) — e.g. a *Clock that a test advances, or time.Now for the demo.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// Clock is a clock for tests: it stands still until Advance moves it. Safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const (
	defaultAccessTTL  = 30 * time.Minute
	defaultRefreshTTL = 30 * 24 * time.Hour
	codeTTL           = 10 * time.Minute
)

// oauthScopes are the scopes Zendesk knows (global and per resource).
var oauthScopes = map[string]bool{"read": true, "write": true, "impersonate": true}

func init() {
	for _, r := range []string{"tickets", "users", "organizations", "hc", "apps", "triggers", "automations",
		"targets", "webhooks", "zis", "macros", "requests", "satisfaction_ratings", "dynamic_content", "any_channel"} {
		oauthScopes[r+":read"] = true
		oauthScopes[r+":write"] = true
	}
}

type oauthToken struct {
	id             int64
	access         string
	refresh        string
	clientID       string
	scopes         []string
	userID         int64
	created        time.Time
	expires        time.Time
	refreshExpires time.Time
	dead           bool // revoked or rotated away: both tokens refused
}

type authCode struct {
	clientID, redirect, challenge string
	scopes                        []string
	userID                        int64
	expires                       time.Time
	used                          bool
}

// oauthState is the OAuth server's memory, under its own lock.
type oauthState struct {
	mu        sync.Mutex
	codes     map[string]*authCode
	byAccess  map[string]*oauthToken
	byRefresh map[string]*oauthToken
	byID      map[int64]*oauthToken
	nextID    int64
}

func (s *Server) now() time.Time {
	if s.cfg.now != nil {
		return s.cfg.now()
	}
	return time.Now()
}

func (s *Server) ttls() (time.Duration, time.Duration) {
	a, r := s.cfg.accessTTL, s.cfg.refreshTTL
	if a <= 0 {
		a = defaultAccessTTL
	}
	if r <= 0 {
		r = defaultRefreshTTL
	}
	return a, r
}

// RevokeOAuthTokens revokes every token the OAuth server issued, as an admin does in Admin
// Center: their access and refresh tokens are refused from now on.
func (s *Server) RevokeOAuthTokens() {
	s.oa.mu.Lock()
	defer s.oa.mu.Unlock()
	for _, t := range s.oa.byID {
		t.dead = true
	}
}

// OAuthTokensLive counts the issued tokens that still work (neither revoked, rotated away
// nor expired).
func (s *Server) OAuthTokensLive() int {
	s.oa.mu.Lock()
	defer s.oa.mu.Unlock()
	now, n := s.now(), 0
	for _, t := range s.oa.byID {
		if !t.dead && now.Before(t.expires) {
			n++
		}
	}
	return n
}

func randomString() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("zendesktest: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// oauthBearer reports whether tok is a token this OAuth server issued, and if so whether it
// still works.
func (s *Server) oauthBearer(tok string) (issued, ok bool) {
	s.oa.mu.Lock()
	defer s.oa.mu.Unlock()
	t := s.oa.byAccess[tok]
	if t == nil {
		return false, false
	}
	return true, !t.dead && s.now().Before(t.expires)
}

func oauthError(status int, code, desc string) response {
	return jsonResponse(status, map[string]string{"error": code, "error_description": desc})
}

// oauthEndpoint answers /oauth/… (outside the API: no API authentication).
func (s *Server) oauthEndpoint(r *http.Request) response {
	switch {
	case r.URL.Path == "/oauth/authorizations/new" && r.Method == http.MethodGet:
		return s.authorize(r)
	case r.URL.Path == "/oauth/tokens" && r.Method == http.MethodPost:
		return s.tokens(r)
	}
	return errInvalidEndpoint().response()
}

func (s *Server) authorize(r *http.Request) response {
	q := r.URL.Query()
	clientID, redirect := q.Get("client_id"), q.Get("redirect_uri")
	redirects, known := s.cfg.oauthClients[clientID]
	if !known {
		return oauthError(400, "invalid_client", "The client identifier "+strconv.Quote(clientID)+" is not an OAuth client of this account")
	}
	if redirect == "" || !slices.Contains(redirects, redirect) {
		return oauthError(400, "invalid_request", "The redirect URI does not match a redirect URL of the OAuth client")
	}
	back := func(params url.Values) response {
		u, _ := url.Parse(redirect)
		v := u.Query()
		for k, vs := range params {
			v[k] = vs
		}
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		u.RawQuery = v.Encode()
		return response{status: http.StatusFound, header: http.Header{"Location": {u.String()}}}
	}
	fail := func(code, desc string) response {
		return back(url.Values{"error": {code}, "error_description": {desc}})
	}
	if q.Get("response_type") != "code" {
		return fail("unsupported_response_type", "response_type must be code")
	}
	scopes := strings.Fields(q.Get("scope"))
	if len(scopes) == 0 {
		return fail("invalid_scope", "scope is required")
	}
	for _, sc := range scopes {
		if !oauthScopes[sc] {
			return fail("invalid_scope", "unknown scope "+strconv.Quote(sc))
		}
	}
	challenge := q.Get("code_challenge")
	if challenge == "" || q.Get("code_challenge_method") != "S256" {
		return fail("invalid_request", "a public client must send code_challenge with code_challenge_method=S256")
	}
	s.mu.Lock()
	agent := s.agentID
	s.mu.Unlock()
	code := randomString()
	s.oa.mu.Lock()
	if s.oa.codes == nil {
		s.oa.codes = map[string]*authCode{}
	}
	s.oa.codes[code] = &authCode{clientID: clientID, redirect: redirect, challenge: challenge, scopes: scopes,
		userID: agent, expires: s.now().Add(codeTTL)}
	s.oa.mu.Unlock()
	return back(url.Values{"code": {code}})
}

// tokenParams reads the token request's parameters: a form, or JSON as Zendesk also accepts.
func tokenParams(r *http.Request) (url.Values, bool) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, false
		}
		return r.PostForm, true
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<16)).Decode(&m); err != nil {
			return nil, false
		}
		v := url.Values{}
		for k, x := range m {
			switch x := x.(type) {
			case string:
				v.Set(k, x)
			case float64:
				v.Set(k, strconv.FormatFloat(x, 'f', -1, 64))
			}
		}
		return v, true
	}
	return nil, false
}

func (s *Server) tokens(r *http.Request) response {
	p, ok := tokenParams(r)
	if !ok {
		return oauthError(400, "invalid_request", "send the parameters as application/x-www-form-urlencoded or JSON")
	}
	clientID := p.Get("client_id")
	if _, known := s.cfg.oauthClients[clientID]; !known {
		return oauthError(401, "invalid_client", "Client authentication failed")
	}
	switch p.Get("grant_type") {
	case "authorization_code":
		return s.exchangeCode(p, clientID)
	case "refresh_token":
		return s.refresh(p, clientID)
	}
	return oauthError(400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
}

func (s *Server) exchangeCode(p url.Values, clientID string) response {
	now := s.now()
	s.oa.mu.Lock()
	defer s.oa.mu.Unlock()
	c := s.oa.codes[p.Get("code")]
	switch {
	case c == nil || c.used || !now.Before(c.expires) || c.clientID != clientID:
		return oauthError(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, or was issued to another client")
	case p.Get("redirect_uri") != c.redirect:
		return oauthError(400, "invalid_grant", "The redirect URI does not match the one used in the authorization request")
	}
	verifier := p.Get("code_verifier")
	sum := sha256.Sum256([]byte(verifier))
	if verifier == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
		return oauthError(400, "invalid_grant", "The code_verifier does not match the code_challenge")
	}
	c.used = true
	return s.issue(clientID, c.scopes, c.userID, now)
}

func (s *Server) refresh(p url.Values, clientID string) response {
	now := s.now()
	s.oa.mu.Lock()
	defer s.oa.mu.Unlock()
	old := s.oa.byRefresh[p.Get("refresh_token")]
	if old == nil || old.dead || !now.Before(old.refreshExpires) || old.clientID != clientID {
		return oauthError(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, or was issued to another client")
	}
	old.dead = true // rotation: the old access and refresh tokens are deleted
	return s.issue(clientID, old.scopes, old.userID, now)
}

// issue makes a token; s.oa.mu is held.
func (s *Server) issue(clientID string, scopes []string, userID int64, now time.Time) response {
	if s.oa.byAccess == nil {
		s.oa.byAccess, s.oa.byRefresh, s.oa.byID = map[string]*oauthToken{}, map[string]*oauthToken{}, map[int64]*oauthToken{}
	}
	accessTTL, refreshTTL := s.ttls()
	s.oa.nextID++
	t := &oauthToken{id: 9000000 + s.oa.nextID, access: randomString(), refresh: randomString(), clientID: clientID,
		scopes: slices.Clone(scopes), userID: userID, created: now, expires: now.Add(accessTTL),
		refreshExpires: now.Add(refreshTTL)}
	s.oa.byAccess[t.access], s.oa.byRefresh[t.refresh], s.oa.byID[t.id] = t, t, t
	resp := jsonResponse(200, map[string]any{
		"access_token":             t.access,
		"token_type":               "bearer",
		"scope":                    strings.Join(t.scopes, " "),
		"expires_in":               int(accessTTL.Seconds()),
		"refresh_token":            t.refresh,
		"refresh_token_expires_in": int(refreshTTL.Seconds()),
	})
	resp.header.Set("Cache-Control", "no-store")
	return resp
}

// oauthAPI answers /api/v2/oauth/tokens/… (authenticated like any API call).
func (s *Server) oauthAPI(r *http.Request, seg []string) (response, *apiError) {
	if len(seg) != 3 || seg[1] != "tokens" {
		return response{}, errInvalidEndpoint()
	}
	switch {
	case seg[2] == "current" && r.Method == http.MethodGet:
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.oa.mu.Lock()
		defer s.oa.mu.Unlock()
		t := s.oa.byAccess[tok]
		if t == nil {
			return response{}, errNotFound()
		}
		return jsonResponse(200, map[string]any{"token": s.tokenWire(t)}), nil
	case r.Method == http.MethodDelete:
		id, err := strconv.ParseInt(seg[2], 10, 64)
		if err != nil || id <= 0 {
			return response{}, errInvalidEndpoint()
		}
		s.oa.mu.Lock()
		defer s.oa.mu.Unlock()
		t := s.oa.byID[id]
		if t == nil || t.dead {
			return response{}, errNotFound()
		}
		t.dead = true
		return response{status: http.StatusNoContent, header: http.Header{}}, nil
	}
	return response{}, errInvalidEndpoint()
}

// tokenWire is the token as GET /oauth/tokens/current shows it (never the secrets; Zendesk
// shows only a prefix of the token).
func (s *Server) tokenWire(t *oauthToken) map[string]any {
	return map[string]any{
		"id":                       t.id,
		"url":                      fmt.Sprintf("%s/api/v2/oauth/tokens/%d.json", s.accountURL, t.id),
		"user_id":                  t.userID,
		"token":                    t.access[:10],
		"scopes":                   t.scopes,
		"created_at":               secs(t.created),
		"expires_at":               secs(t.expires),
		"refresh_token_expires_at": secs(t.refreshExpires),
	}
}
