// Package auth signs partner-triage in to Zendesk with OAuth (authorization code with PKCE,
// shared/spec/zendesk.md "Signing in with OAuth"), keeps the tokens in the OS keyring or a
// 0600 file, and hands every command a token source that refreshes them before they expire
// and after a 401, coordinating with other partner-triage processes through a lock file.
//
// The OAuth protocol is golang.org/x/oauth2's; the keyring is github.com/zalando/go-keyring;
// the lock is github.com/gofrs/flock; the browser is opened by github.com/cli/browser (or
// $BROWSER). Nothing in this package prints, logs or returns a token in an error.
package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/partner-triage/partner-triage/text"
)

// Scopes partner-triage asks for: it reads tickets, users, organizations and memberships and
// writes tickets (requester, organization, fields, CCs, notes) and membership removals, which
// Zendesk's resource scopes do not all cover, so read and write.
var Scopes = []string{"read", "write"}

// Token is one account's sign-in as it is stored. Its String never shows the tokens.
type Token struct {
	AccessToken   string    `json:"access_token"`
	RefreshToken  string    `json:"refresh_token,omitempty"`
	Expiry        time.Time `json:"expiry,omitzero"`         // access token; zero: unknown
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"` // refresh token; zero: unknown
	Scope         string    `json:"scope,omitempty"`
}

// String describes the token without revealing it.
func (t Token) String() string {
	if t.AccessToken == "" {
		return "no token"
	}
	s := "OAuth token (redacted)"
	if !t.Expiry.IsZero() {
		s += ", expires " + t.Expiry.UTC().Format(time.RFC3339)
	}
	return s
}

// GoString is String, so %#v cannot leak a token either.
func (t Token) GoString() string { return "auth.Token{" + t.String() + "}" }

// Secrets returns the token values, for redacting them from a text.
func (t Token) Secrets() []string {
	var s []string
	for _, v := range []string{t.AccessToken, t.RefreshToken} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// fresh reports whether the access token is still good at now with margin to spare.
func (t Token) fresh(now time.Time, margin time.Duration) bool {
	if t.AccessToken == "" {
		return false
	}
	return t.Expiry.IsZero() || now.Add(margin).Before(t.Expiry)
}

// fromOAuth2 reads an answer of the token endpoint. Lifetimes are taken from expires_in and
// refresh_token_expires_in (Zendesk's answer) counted from now, so the caller's clock decides.
func fromOAuth2(t *oauth2.Token, now time.Time) (Token, error) {
	if t == nil || strings.TrimSpace(t.AccessToken) == "" {
		return Token{}, errors.New("Zendesk's token answer has no access_token")
	}
	if strings.ContainsFunc(t.AccessToken+t.RefreshToken, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return Token{}, errors.New("Zendesk's token answer holds a token with spaces or control characters")
	}
	if tt := strings.ToLower(t.TokenType); tt != "" && tt != "bearer" {
		return Token{}, fmt.Errorf("Zendesk's token answer has token_type %q, not bearer", shorten(t.TokenType))
	}
	out := Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry.UTC()}
	if s, ok := seconds(t.Extra("expires_in")); ok {
		out.Expiry = now.Add(s).UTC()
	}
	if s, ok := seconds(t.Extra("refresh_token_expires_in")); ok {
		out.RefreshExpiry = now.Add(s).UTC()
	}
	if sc, ok := t.Extra("scope").(string); ok {
		out.Scope = shorten(sc)
	}
	return out, nil
}

// seconds reads a lifetime in seconds (a JSON number or a numeric string).
func seconds(v any) (time.Duration, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case json.Number:
		g, err := x.Float64()
		if err != nil {
			return 0, false
		}
		f = g
	case string:
		g, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return 0, false
		}
		f = g
	default:
		return 0, false
	}
	if f <= 0 || f > 10*365*24*3600 {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}

// shorten keeps a text from Zendesk inert, short and on one line for a message.
func shorten(s string) string {
	s = text.Line(s)
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

// NotSignedInError says that no usable sign-in is stored for an account and what to do.
type NotSignedInError struct {
	Account string // e.g. https://acme.zendesk.com
	Reason  string // e.g. "Zendesk refused to refresh the stored sign-in (invalid_grant)"
	Hint    string // said after the advice to sign in, e.g. what a running console keeps
}

func (e *NotSignedInError) Error() string {
	msg := fmt.Sprintf("not signed in to %s: %s; run `partner-triage auth login`", e.Account, e.Reason)
	if e.Hint != "" {
		msg += " " + e.Hint
	}
	return msg
}

// OAuthConfig is the OAuth client partner-triage signs in with at the Zendesk instance webBase
// (e.g. https://acme.zendesk.com): a public client (no secret, PKCE), Zendesk's endpoints
// /oauth/authorizations/new and /oauth/tokens, and Scopes.
func OAuthConfig(webBase, clientID, redirectURL string) *oauth2.Config {
	webBase = strings.TrimRight(webBase, "/")
	return &oauth2.Config{
		ClientID:    clientID,
		RedirectURL: redirectURL,
		Scopes:      append([]string(nil), Scopes...),
		Endpoint: oauth2.Endpoint{
			AuthURL:   webBase + "/oauth/authorizations/new",
			TokenURL:  webBase + "/oauth/tokens",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// describeRetrieve turns the token endpoint's refusal into one line without the answer's body.
func describeRetrieve(err error, what string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := shorten(re.ErrorCode)
		desc := shorten(re.ErrorDescription)
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		msg := fmt.Sprintf("%s: Zendesk answered %d", what, status)
		if code != "" {
			msg += " " + code
		}
		if desc != "" {
			msg += ": " + desc
		}
		if code == "invalid_client" {
			msg += " (check zendesk.oauth_client_id: it must be the unique identifier of a public OAuth client of this account)"
		}
		return errors.New(msg)
	}
	return fmt.Errorf("%s: %v", what, err)
}

func isInvalidGrant(err error) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == "invalid_grant"
}
