package zendesk

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/partner-triage/partner-triage/model"
)

// TokenSource supplies OAuth access tokens that change while the client runs (a stored
// sign-in that is refreshed before it expires; package auth implements it). The client asks
// it before every request and sends "Authorization: Bearer TOKEN".
type TokenSource interface {
	// AccessToken returns a current access token, refreshing it first when it is about to
	// expire. An error means no request can be made (e.g. the refresh was refused); its
	// text is one line a person can act on and holds no token.
	AccessToken(ctx context.Context) (string, error)
	// Renew is called after Zendesk answered 401 to rejected: it returns an access token
	// other than rejected (refreshed, or one another process stored meanwhile), or an error
	// as AccessToken does.
	Renew(ctx context.Context, rejected string) (string, error)
}

// A TokenSource that also has a method Secrets() []string (the tokens it holds now) has
// them redacted from every error and log line of the client, like the static tokens.

// CredentialError is a request that was not sent because the TokenSource had no usable
// token (for a stored sign-in: Zendesk refused its refresh). Its text is the source's.
type CredentialError struct{ Err error }

func (e *CredentialError) Error() string { return oneLine(e.Err.Error()) }
func (e *CredentialError) Unwrap() error { return e.Err }

// Is lets errors.Is match model.ErrNotSent: nothing reached Zendesk.
func (e *CredentialError) Is(target error) bool { return target == model.ErrNotSent }

// go-zendesk v0.18.0 adds "Authorization" itself only when a Credential is set
// (Client.prepareRequest: Bearer for BearerTokenCredential, else Basic); with a TokenSource
// the client sets none, and this RoundTripper, under go-zendesk and over the retry transport,
// writes the header instead, so the token can change between requests.
//
// bearerTransport puts the TokenSource's current token on every request, and after a 401
// asks for a new one and sends the request once more. Re-sending is safe even for a write:
// Zendesk refuses an unauthenticated request before doing anything.
type bearerTransport struct {
	src  TokenSource
	next http.RoundTripper
}

func (t *bearerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	tok, err := t.src.AccessToken(ctx)
	if err != nil {
		return nil, &CredentialError{Err: err}
	}
	resp, err := t.next.RoundTrip(withBearer(req, tok))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	if req.Body != nil && req.GetBody == nil {
		return resp, nil // cannot send the body again
	}
	fresh, rerr := t.src.Renew(ctx, tok)
	if rerr != nil {
		drain(resp)
		return nil, &CredentialError{Err: rerr}
	}
	if fresh == tok {
		return resp, nil
	}
	drain(resp)
	r2 := withBearer(req, fresh)
	if req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r2.Body = b
	}
	return t.next.RoundTrip(r2)
}

func withBearer(req *http.Request, tok string) *http.Request {
	r := req.Clone(req.Context())
	r.Header.Del("Authorization")
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

// asCredentialError finds a CredentialError inside err (go-zendesk and net/http wrap the
// transport's errors).
func asCredentialError(err error) (*CredentialError, bool) {
	var ce *CredentialError
	if errors.As(err, &ce) {
		return ce, true
	}
	return nil, false
}

// SignedInUser is the agent a credential belongs to (GET /api/v2/users/me).
type SignedInUser struct {
	ID    int64
	Name  string
	Email string
	Role  string
}

// Me asks Zendesk who the credentials belong to (GET /api/v2/users/me). Errors are the
// client's usual typed errors (an APIError 401 for a refused credential).
func (c *Client) Me(ctx context.Context) (SignedInUser, error) {
	var out struct {
		User *struct {
			ID    int64  `json:"id"`
			Name  string `json:"name"`
			Email string `json:"email"`
			Role  string `json:"role"`
		} `json:"user"`
	}
	if err := c.get(ctx, "/users/me.json", &out); err != nil {
		return SignedInUser{}, err
	}
	if out.User == nil || out.User.ID <= 0 {
		return SignedInUser{}, &DecodeError{Method: http.MethodGet, Path: "/users/me", Err: errors.New("no user in the answer")}
	}
	return SignedInUser{ID: out.User.ID, Name: strings.TrimSpace(out.User.Name), Email: strings.TrimSpace(out.User.Email),
		Role: out.User.Role}, nil
}

// CurrentOAuthTokenID is the id of the OAuth token the client is authenticated with
// (GET /api/v2/oauth/tokens/current), as RevokeOAuthToken takes it.
func (c *Client) CurrentOAuthTokenID(ctx context.Context) (int64, error) {
	var out struct {
		Token *struct {
			ID int64 `json:"id"`
		} `json:"token"`
	}
	if err := c.get(ctx, "/oauth/tokens/current.json", &out); err != nil {
		return 0, err
	}
	if out.Token == nil || out.Token.ID <= 0 {
		return 0, &DecodeError{Method: http.MethodGet, Path: "/oauth/tokens/current", Err: errors.New("no token id in the answer")}
	}
	return out.Token.ID, nil
}

// RevokeOAuthToken revokes an OAuth token at Zendesk (DELETE /api/v2/oauth/tokens/{id}, 204):
// its access and refresh tokens stop working.
func (c *Client) RevokeOAuthToken(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, "/oauth/tokens/"+strconv.FormatInt(id, 10)+".json", nil, nil)
}
