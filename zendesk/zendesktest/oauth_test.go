package zendesktest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const testRedirect = "http://127.0.0.1:1/callback"

func oauthServer(t *testing.T) (*Server, *Clock, string) {
	t.Helper()
	clock := NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	s := NewServer(Demo(), WithOAuthClient("pt", testRedirect), WithOAuthLifetimes(10*time.Minute, time.Hour), WithClock(clock.Now))
	t.Cleanup(s.Close)
	return s, clock, strings.TrimSuffix(s.URL(), "/api/v2")
}

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize approves and returns the code, or the redirect's error.
func authorize(t *testing.T, web string, q url.Values) (code, oauthErr string, status int) {
	t.Helper()
	resp, err := noFollow.Get(web + "/oauth/authorizations/new?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return "", "", resp.StatusCode
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if !strings.HasPrefix(loc.String(), testRedirect+"?") || loc.Query().Get("state") != q.Get("state") {
		t.Fatalf("redirect to %s", loc)
	}
	return loc.Query().Get("code"), loc.Query().Get("error"), resp.StatusCode
}

func tokenCall(t *testing.T, web string, v url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(web+"/oauth/tokens", v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("token answer %d is not JSON: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, m
}

func api(t *testing.T, s *Server, method, path, tok string) int {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL()+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestOAuthServerIsStrict(t *testing.T) {
	s, clock, web := oauthServer(t)
	verifier := strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {"pt"}, "redirect_uri": {testRedirect}, "scope": {"read write"},
		"state": {"st"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}

	// Authorization requests that are refused.
	for name, mod := range map[string]func(url.Values){
		"no PKCE":        func(v url.Values) { v.Del("code_challenge") },
		"plain PKCE":     func(v url.Values) { v.Set("code_challenge_method", "plain") },
		"unknown scope":  func(v url.Values) { v.Set("scope", "read everything") },
		"token flow":     func(v url.Values) { v.Set("response_type", "token") },
		"unknown client": func(v url.Values) { v.Set("client_id", "other") },
		"other redirect": func(v url.Values) { v.Set("redirect_uri", "http://127.0.0.1:2/callback") },
	} {
		v := url.Values{}
		for k, x := range q {
			v[k] = append([]string(nil), x...)
		}
		mod(v)
		code, oerr, status := authorize(t, web, v)
		if code != "" || (oerr == "" && status != 400) {
			t.Errorf("%s: code %q, error %q, status %d", name, code, oerr, status)
		}
	}

	code, _, _ := authorize(t, web, q)
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {"pt"},
		"redirect_uri": {testRedirect}, "code_verifier": {verifier}}
	if st, m := tokenCall(t, web, with(exchange, "redirect_uri", "http://127.0.0.1:2/callback")); st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("other redirect_uri at the exchange: %d %v", st, m)
	}
	st, tok := tokenCall(t, web, exchange)
	if st != 200 || tok["token_type"] != "bearer" || tok["expires_in"] != 600.0 || tok["refresh_token_expires_in"] != 3600.0 {
		t.Fatalf("exchange: %d %v", st, tok)
	}
	if st, m := tokenCall(t, web, exchange); st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("a code used twice: %d %v", st, m)
	}
	access, refresh := tok["access_token"].(string), tok["refresh_token"].(string)
	if api(t, s, "GET", "/users/me.json", access) != 200 || api(t, s, "GET", "/users/me.json", "made-up") != 401 {
		t.Error("issued token refused, or a made-up one accepted")
	}

	// Refresh rotates: the old pair dies, a second use of the old refresh token is invalid_grant.
	refreshCall := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {"pt"}}
	if st, m := tokenCall(t, web, with(refreshCall, "client_id", "other")); st != 401 || m["error"] != "invalid_client" {
		t.Errorf("refresh by another client: %d %v", st, m)
	}
	st, tok2 := tokenCall(t, web, refreshCall)
	if st != 200 || tok2["refresh_token"] == refresh || tok2["access_token"] == access {
		t.Fatalf("refresh: %d", st)
	}
	if api(t, s, "GET", "/users/me.json", access) != 401 {
		t.Error("the old access token still works after rotation")
	}
	if st, m := tokenCall(t, web, refreshCall); st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("reused refresh token: %d %v", st, m)
	}

	// Expiry follows the clock.
	access2 := tok2["access_token"].(string)
	clock.Advance(11 * time.Minute)
	if api(t, s, "GET", "/users/me.json", access2) != 401 {
		t.Error("an expired access token still works")
	}
	st, tok3 := tokenCall(t, web, with(refreshCall, "refresh_token", tok2["refresh_token"].(string)))
	if st != 200 {
		t.Fatalf("refresh after access expiry: %d", st)
	}
	clock.Advance(2 * time.Hour)
	if st, m := tokenCall(t, web, with(refreshCall, "refresh_token", tok3["refresh_token"].(string))); st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("expired refresh token: %d %v", st, m)
	}

	// tokens/current and revocation.
	_, tok4 := tokenCall(t, web, url.Values{"grant_type": {"authorization_code"}, "code": {func() string { c, _, _ := authorize(t, web, q); return c }()},
		"client_id": {"pt"}, "redirect_uri": {testRedirect}, "code_verifier": {verifier}})
	a4 := tok4["access_token"].(string)
	req, _ := http.NewRequest("GET", s.URL()+"/oauth/tokens/current.json", nil)
	req.Header.Set("Authorization", "Bearer "+a4)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var cur struct {
		Token struct {
			ID int64 `json:"id"`
		} `json:"token"`
	}
	json.NewDecoder(resp.Body).Decode(&cur)
	resp.Body.Close()
	if cur.Token.ID == 0 {
		t.Fatal("no token id")
	}
	if st := api(t, s, "DELETE", "/oauth/tokens/"+itoa(cur.Token.ID)+".json", a4); st != 204 {
		t.Fatalf("revoke: %d", st)
	}
	if api(t, s, "GET", "/users/me.json", a4) != 401 {
		t.Error("a revoked token still works")
	}
	if st, m := tokenCall(t, web, with(refreshCall, "refresh_token", tok4["refresh_token"].(string))); st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("refresh token of a revoked token: %d %v", st, m)
	}
}

func with(v url.Values, k, x string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, x)
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
