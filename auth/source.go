package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// DefaultMargin is how long before its expiry an access token is refreshed.
const DefaultMargin = 60 * time.Second

// Source hands out a stored sign-in's access token, refreshing it (refresh_token grant,
// which rotates both tokens) shortly before it expires and after Zendesk answers 401. It is
// safe for concurrent use, and several processes may share one store: a refresh happens
// under Lock, after reading the store again, so a process that finds a token another one
// has just rotated uses that instead of refreshing a dead refresh token. It implements the
// zendesk package's TokenSource.
type Source struct {
	Account string         // the instance's address, the store's key
	Store   Store          // where the sign-in lives
	Lock    Locker         // guards read-refresh-write
	OAuth   *oauth2.Config // the client that issued the sign-in (OAuthConfig)
	// HTTPClient sends the refresh requests (nil: a client with a 30 s timeout).
	HTTPClient *http.Client
	Now        func() time.Time // nil: time.Now
	Margin     time.Duration    // 0: DefaultMargin
	// Logf, when set, is told of refreshes (never a token).
	Logf func(format string, args ...any)
	// Hint is added to every NotSignedInError, e.g. "in another terminal: this console
	// keeps its queue and picks the new sign-in up".
	Hint string

	mu  sync.Mutex
	cur Token
}

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Source) margin() time.Duration {
	if s.Margin > 0 {
		return s.Margin
	}
	return DefaultMargin
}

func (s *Source) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
	}
}

// AccessToken returns a current access token, refreshing the sign-in first when its access
// token expires within the margin. A refused refresh is a *NotSignedInError.
func (s *Source) AccessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.fresh(s.now(), s.margin()) {
		return s.cur.AccessToken, nil
	}
	t, err := s.refreshLocked(ctx, s.cur.AccessToken, false)
	if err != nil {
		return "", err
	}
	return t.AccessToken, nil
}

// Renew is called after Zendesk refused rejected with a 401: it returns another access
// token — one this or another process stored meanwhile, or a refreshed one.
func (s *Source) Renew(ctx context.Context, rejected string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.AccessToken != rejected && s.cur.fresh(s.now(), 0) {
		return s.cur.AccessToken, nil
	}
	t, err := s.refreshLocked(ctx, rejected, true)
	if err != nil {
		return "", err
	}
	return t.AccessToken, nil
}

// Secrets returns the tokens in use, for redacting them from a text.
func (s *Source) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.Secrets()
}

// Current returns the sign-in as the store holds it now (for auth status).
func (s *Source) Current() (Token, error) {
	t, err := s.Store.Load(s.Account)
	if errors.Is(err, ErrNoToken) {
		return Token{}, s.notSignedIn("no sign-in is stored in " + s.Store.Where())
	}
	return t, err
}

// refreshLocked takes the lock, reads the store again and uses what it holds when that is
// neither stale nor about to expire; otherwise it refreshes and saves. s.mu is held.
func (s *Source) refreshLocked(ctx context.Context, stale string, rejected bool) (Token, error) {
	unlock, err := s.Lock.Lock(ctx)
	if err != nil {
		return Token{}, fmt.Errorf("waiting for the sign-in lock: %v", err)
	}
	defer unlock()
	stored, err := s.Store.Load(s.Account)
	if errors.Is(err, ErrNoToken) {
		return Token{}, s.notSignedIn("no sign-in is stored in " + s.Store.Where())
	}
	if err != nil {
		return Token{}, err
	}
	now := s.now()
	if stored.AccessToken != stale && stored.fresh(now, s.margin()) {
		s.cur = stored // another process (or an auth login) stored a new one
		return stored, nil
	}
	if !rejected && stored.AccessToken == stale && stored.fresh(now, s.margin()) {
		s.cur = stored
		return stored, nil
	}
	if stored.RefreshToken == "" {
		return Token{}, s.notSignedIn("the stored sign-in has expired and cannot be refreshed")
	}
	if !stored.RefreshExpiry.IsZero() && !now.Before(stored.RefreshExpiry) {
		return Token{}, s.notSignedIn("the stored sign-in expired on " +
			stored.RefreshExpiry.Local().Format("2006-01-02 15:04"))
	}
	hc := s.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	rctx := context.WithValue(ctx, oauth2.HTTPClient, hc)
	// An expiry in the past makes the oauth2 token source refresh at once.
	nt, err := s.OAuth.TokenSource(rctx, &oauth2.Token{RefreshToken: stored.RefreshToken, Expiry: time.Unix(1, 0)}).Token()
	if err != nil {
		if isInvalidGrant(err) {
			return Token{}, s.notSignedIn("Zendesk refused to refresh the sign-in " +
				"(invalid_grant: revoked, expired or already used)")
		}
		if ctx.Err() != nil {
			return Token{}, ctx.Err()
		}
		return Token{}, describeRetrieve(err, "refreshing the sign-in at "+s.OAuth.Endpoint.TokenURL)
	}
	t, err := fromOAuth2(nt, s.now())
	if err != nil {
		return Token{}, fmt.Errorf("refreshing the sign-in: %v", err)
	}
	if t.RefreshToken == "" {
		t.RefreshToken = stored.RefreshToken
		t.RefreshExpiry = stored.RefreshExpiry
	}
	s.cur = t
	if err := s.Store.Save(s.Account, t); err != nil {
		// The old pair is dead at Zendesk now: keep working with the new one in memory.
		s.logf("auth: the refreshed sign-in could not be saved (other partner-triage processes will have to sign in again): %v", err)
	}
	s.logf("auth: refreshed the sign-in for %s; the access token now expires %s", s.Account, t.Expiry.Format(time.RFC3339))
	return t, nil
}

func (s *Source) notSignedIn(reason string) *NotSignedInError {
	return &NotSignedInError{Account: s.Account, Reason: reason, Hint: s.Hint}
}
