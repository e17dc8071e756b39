package auth_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/auth"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

const clientID = "partner_triage"

// rig is an emulator that is an OAuth server, with a clock the test moves, and a loopback
// listener registered as the client's redirect URL.
type rig struct {
	srv      *zendesktest.Server
	clock    *zendesktest.Clock
	ln       net.Listener
	redirect string
	web      string
}

func newRig(t *testing.T, extra ...string) *rig {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	clock := zendesktest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	srv := zendesktest.NewServer(zendesktest.Demo(),
		zendesktest.WithOAuthClient(clientID, append([]string{redirect}, extra...)...),
		zendesktest.WithOAuthLifetimes(30*time.Minute, 24*time.Hour),
		zendesktest.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	return &rig{srv: srv, clock: clock, ln: ln, redirect: redirect, web: strings.TrimSuffix(srv.URL(), "/api/v2")}
}

// listen listens on the redirect URL's address again (Login closes its listener when done).
func (r *rig) listen(t *testing.T) net.Listener {
	t.Helper()
	if r.ln != nil {
		ln := r.ln
		r.ln = nil
		return ln
	}
	u, _ := url.Parse(r.redirect)
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func (r *rig) login(redirect string) *auth.Login {
	return &auth.Login{OAuth: auth.OAuthConfig(r.web, clientID, redirect), Now: r.clock.Now, Timeout: time.Minute}
}

// followingBrowser is a fake browser: it loads the authorization page and follows its
// redirect to the loopback listener, as a real one does.
func followingBrowser(t *testing.T, page *string) func(string) error {
	return func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if page != nil {
				*page = string(b)
			}
		}()
		return nil
	}
}

// redirectOf loads the authorization URL without following the redirect and returns where
// Zendesk sends the browser.
func redirectOf(t *testing.T, u string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d, want 302", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func bearerStatus(t *testing.T, r *rig, tok string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", r.srv.URL()+"/users/me.json", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func signIn(t *testing.T, r *rig) auth.Token {
	t.Helper()
	l := r.login(r.redirect)
	l.Listener = r.listen(t)
	l.OpenBrowser = followingBrowser(t, nil)
	tok, err := l.Run(context.Background())
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return tok
}

func countRefreshes(r *rig) int {
	n := 0
	for _, q := range r.srv.Requests() {
		if q.Method == "POST" && q.Path == "/oauth/tokens" {
			n++
		}
	}
	return n
}

func TestLoginWholeFlowWithBrowserFollowingRedirect(t *testing.T) {
	r := newRig(t)
	var prompt bytes.Buffer
	var page string
	l := r.login(r.redirect)
	l.Listener = r.listen(t)
	l.Prompt = &prompt
	l.OpenBrowser = followingBrowser(t, &page)
	tok, err := l.Run(context.Background())
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("token incomplete: %v", tok)
	}
	if want := r.clock.Now().Add(30 * time.Minute); !tok.Expiry.Equal(want) {
		t.Errorf("expiry %v, want %v (from expires_in)", tok.Expiry, want)
	}
	if st := bearerStatus(t, r, tok.AccessToken); st != 200 {
		t.Errorf("the new token gets %d at /users/me, want 200", st)
	}
	out := prompt.String()
	if !strings.Contains(out, "/oauth/authorizations/new?") || !strings.Contains(out, "code_challenge_method=S256") {
		t.Errorf("prompt does not show the PKCE authorization URL:\n%s", out)
	}
	for _, s := range tok.Secrets() {
		if strings.Contains(out, s) {
			t.Errorf("prompt shows a token")
		}
	}
	if fmsg := tok.String() + " " + tok.GoString(); strings.Contains(fmsg, tok.AccessToken) || strings.Contains(fmsg, tok.RefreshToken) {
		t.Errorf("Token's String shows a token: %s", fmsg)
	}
}

func TestLoginRefusesStateMismatch(t *testing.T) {
	r := newRig(t)
	l := r.login(r.redirect)
	l.Listener = r.listen(t)
	status := make(chan int, 1)
	l.OpenBrowser = func(u string) error {
		go func() {
			loc, _ := url.Parse(redirectOf(t, u))
			q := loc.Query()
			q.Set("state", "forged-"+q.Get("state"))
			loc.RawQuery = q.Encode()
			resp, err := http.Get(loc.String())
			if err != nil {
				t.Error(err)
				status <- 0
				return
			}
			resp.Body.Close()
			status <- resp.StatusCode
		}()
		return nil
	}
	_, err := l.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "state does not match") {
		t.Fatalf("err = %v, want the state mismatch refused", err)
	}
	if st := <-status; st != http.StatusBadRequest {
		t.Errorf("browser page status %d, want 400", st)
	}
	if n := r.srv.OAuthTokensLive(); n != 0 {
		t.Errorf("%d tokens issued after a refused redirect", n)
	}
}

func TestLoginTimesOutWithClearMessage(t *testing.T) {
	r := newRig(t)
	l := r.login(r.redirect)
	l.Listener = r.listen(t)
	l.Timeout = 20 * time.Millisecond // nothing ever comes back: the wait itself is the test
	_, err := l.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no answer from the browser within 20ms") ||
		!strings.Contains(err.Error(), "partner-triage auth login") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoginNoBrowserAcceptsPastedAddress(t *testing.T) {
	// An https redirect URL on another host cannot be listened on: paste only, as over SSH.
	const remote = "https://triage.example.com/callback"
	r := newRig(t, remote)
	pr, pw := io.Pipe()
	defer pw.Close()
	var prompt syncBuffer
	l := r.login(remote)
	l.Paste = pr
	l.Prompt = &prompt
	// The person copies the address from the browser: first a wrong line, then the right one.
	l.OpenBrowser = func(u string) error {
		go func() {
			loc := redirectOf(t, u)
			io.WriteString(pw, "hello\n")
			io.WriteString(pw, "  "+loc+"  \n")
		}()
		return nil
	}
	tok, err := l.Run(context.Background())
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if st := bearerStatus(t, r, tok.AccessToken); st != 200 {
		t.Errorf("token gets %d", st)
	}
	if !strings.Contains(prompt.String(), "paste here the address") || !strings.Contains(prompt.String(), "That is not the address") {
		t.Errorf("prompt:\n%s", prompt.String())
	}
}

func TestLoginPasteEndsWithoutAddress(t *testing.T) {
	r := newRig(t, "https://triage.example.com/callback")
	l := r.login("https://triage.example.com/callback")
	l.Paste = strings.NewReader("\n")
	_, err := l.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "input ended") {
		t.Fatalf("err = %v", err)
	}
}

func TestEmulatorRejectsUnknownClientAndRedirect(t *testing.T) {
	r := newRig(t)
	for name, cfg := range map[string]struct{ client, redirect string }{
		"unknown client":           {"someone_else", r.redirect},
		"unregistered redirect":    {clientID, "http://127.0.0.1:1/evil"},
		"redirect on another path": {clientID, r.redirect + "/x"},
	} {
		u := auth.OAuthConfig(r.web, cfg.client, cfg.redirect).AuthCodeURL("s")
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 || resp.Header.Get("Location") != "" {
			t.Errorf("%s: %d Location=%q, want 400 without a redirect", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestEmulatorChecksPKCEVerifier(t *testing.T) {
	r := newRig(t)
	l := r.login(r.redirect)
	l.Listener = r.listen(t)
	// A man in the middle who saw the code but not the verifier cannot exchange it.
	var code string
	done := make(chan struct{})
	l.OpenBrowser = func(u string) error {
		go func() {
			defer close(done)
			loc, _ := url.Parse(redirectOf(t, u))
			code = loc.Query().Get("code")
			resp, err := http.PostForm(r.web+"/oauth/tokens", url.Values{"grant_type": {"authorization_code"}, "code": {code},
				"client_id": {clientID}, "redirect_uri": {r.redirect}, "code_verifier": {"not-the-verifier-not-the-verifier-0123456789"}})
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 400 || !strings.Contains(string(b), "invalid_grant") {
				t.Errorf("wrong verifier: %d %s", resp.StatusCode, b)
			}
			http.Get(loc.String())
		}()
		return nil
	}
	if _, err := l.Run(context.Background()); err != nil {
		t.Fatalf("login with the right verifier: %v", err)
	}
	<-done
}

type fixture struct {
	r   *rig
	dir string
}

func newSource(f fixture, hc *http.Client) *auth.Source {
	return &auth.Source{
		Account:    f.r.web,
		Store:      auth.NewFileStore(filepath.Join(f.dir, "tokens.json")),
		Lock:       auth.NewFileLock(filepath.Join(f.dir, "token.lock")),
		OAuth:      auth.OAuthConfig(f.r.web, clientID, f.r.redirect),
		Now:        f.r.clock.Now,
		HTTPClient: hc,
	}
}

func signedIn(t *testing.T) fixture {
	r := newRig(t)
	f := fixture{r: r, dir: t.TempDir()}
	tok := signIn(t, r)
	if err := auth.NewFileStore(filepath.Join(f.dir, "tokens.json")).Save(r.web, tok); err != nil {
		t.Fatal(err)
	}
	return f
}

func client(t *testing.T, f fixture, src zendesk.TokenSource) *zendesk.Client {
	t.Helper()
	c, err := zendesk.New(zendesk.Config{BaseURL: f.r.srv.URL(), Token: src, ViewID: 360077000001})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRefreshBeforeExpiry(t *testing.T) {
	f := signedIn(t)
	src := newSource(f, nil)
	c := client(t, f, src)
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	before, _ := src.Current()
	f.r.clock.Advance(29*time.Minute + 30*time.Second) // within the margin of expiry
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatalf("after the access token neared expiry: %v", err)
	}
	for _, q := range f.r.srv.Requests() {
		if q.Status == 401 {
			t.Errorf("a request was refused on the way: %+v (the refresh should come first)", q)
		}
	}
	after, _ := src.Current()
	if after.AccessToken == before.AccessToken || after.RefreshToken == before.RefreshToken {
		t.Fatal("the stored sign-in was not rotated")
	}
	if st := bearerStatus(t, f.r, before.AccessToken); st != 401 {
		t.Errorf("the old access token still gets %d after rotation", st)
	}
}

func TestRefreshAfter401(t *testing.T) {
	f := signedIn(t)
	// The partner-triage clock lags Zendesk's by an hour: it believes the token fresh.
	lagging := zendesktest.NewClock(f.r.clock.Now())
	src := newSource(f, nil)
	src.Now = lagging.Now
	c := client(t, f, src)
	f.r.clock.Advance(31 * time.Minute)
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatalf("a 401 should refresh and retry once: %v", err)
	}
	var got401 bool
	for _, q := range f.r.srv.Requests() {
		got401 = got401 || q.Status == 401
	}
	if !got401 || countRefreshes(f.r) != 2 { // the code exchange and one refresh
		t.Errorf("401 seen %v, token requests %d (want the 401 then one refresh)", got401, countRefreshes(f.r))
	}
}

func TestThreeProcessesRefreshAtOnceNoneLoses(t *testing.T) {
	f := signedIn(t)
	var srcs []*auth.Source
	var clients []*zendesk.Client
	for range 3 { // a console and two scans: each its own store handle and lock descriptor
		s := newSource(f, nil)
		srcs = append(srcs, s)
		clients = append(clients, client(t, f, s))
	}
	ctx := context.Background()
	for _, c := range clients {
		if _, err := c.Me(ctx); err != nil {
			t.Fatal(err)
		}
	}
	f.r.clock.Advance(45 * time.Minute) // all three hold an expired token now
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Me(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d lost its sign-in: %v", i, err)
		}
	}
	if n := countRefreshes(f.r); n != 2 {
		t.Errorf("%d token requests, want the code exchange and exactly one refresh", n)
	}
	// One process is refused (say its clock lags) and rotates again: the others then meet a
	// 401 with their token and take the new one from the store without refreshing.
	cur, _ := srcs[0].Current()
	if _, err := srcs[0].Renew(ctx, cur.AccessToken); err != nil {
		t.Fatal(err)
	}
	for i, c := range clients[1:] {
		if _, err := c.Me(ctx); err != nil {
			t.Errorf("process %d after another rotated: %v", i+1, err)
		}
	}
	if n := countRefreshes(f.r); n != 3 {
		t.Errorf("%d token requests, want 3 (no refresh with a dead refresh token)", n)
	}
	if n := f.r.srv.OAuthTokensLive(); n != 1 {
		t.Errorf("%d live tokens at Zendesk, want 1", n)
	}
}

func TestRevokedRefreshTokenSaysSignIn(t *testing.T) {
	f := signedIn(t)
	src := newSource(f, nil)
	c := client(t, f, src)
	f.r.srv.RevokeOAuthTokens()
	_, err := c.Me(context.Background())
	var nse *auth.NotSignedInError
	if !errors.As(err, &nse) || !zendesk.IsAuthError(err) {
		t.Fatalf("err = %v (%T), want a NotSignedInError seen as an auth error", err, err)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r") || !strings.Contains(msg, "invalid_grant") ||
		!strings.HasSuffix(msg, "run `partner-triage auth login`") {
		t.Errorf("message: %q", msg)
	}
	// A new sign-in stored meanwhile (auth login in another terminal) is picked up.
	tok := signIn(t, f.r)
	if err := src.Store.Save(f.r.web, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Me(context.Background()); err != nil {
		t.Errorf("after a new auth login: %v", err)
	}
}

func TestExpiredRefreshTokenSaysSignIn(t *testing.T) {
	f := signedIn(t)
	src := newSource(f, nil)
	f.r.clock.Advance(25 * time.Hour)
	_, err := src.AccessToken(context.Background())
	if err == nil || !strings.Contains(err.Error(), "expired on") || countRefreshes(f.r) != 1 {
		t.Fatalf("err = %v, token requests %d (no refresh should be tried)", err, countRefreshes(f.r))
	}
}

func TestFileStoreIsPrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "state", "partner-triage")
	st, _, err := auth.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fs, ok := st.(*auth.FileStore)
	if !ok {
		t.Fatalf("store %T (%s), want the file: no keyring answers in tests", st, st.Where())
	}
	if err := fs.Save("https://a.zendesk.com", auth.Token{AccessToken: "a1", RefreshToken: "r1"}); err != nil {
		t.Fatal(err)
	}
	if err := fs.Save("https://b.zendesk.com", auth.Token{AccessToken: "a2", RefreshToken: "r2"}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, filepath.Join(dir, "tokens.json"): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode(), want)
		}
	}
	if !strings.Contains(fs.Where(), filepath.Join(dir, "tokens.json")) {
		t.Errorf("Where = %q", fs.Where())
	}
	if err := fs.Delete("https://a.zendesk.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Load("https://a.zendesk.com"); !errors.Is(err, auth.ErrNoToken) {
		t.Errorf("after delete: %v", err)
	}
	if tok, err := fs.Load("https://b.zendesk.com"); err != nil || tok.AccessToken != "a2" {
		t.Errorf("the other account's sign-in: %v %v", tok, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tokens-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestBrowserOpenerRunsBROWSERWithURLLast(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "args")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no fifo:", err)
	}
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s|' \"$@\" > "+fifo+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	args := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo) // blocks until the script writes
		args <- string(b)
	}()
	open := auth.BrowserOpener(script+" --new-window", io.Discard)
	if err := open("https://x.example/oauth?a=1&b=2"); err != nil {
		t.Fatal(err)
	}
	if got := <-args; got != "--new-window|https://x.example/oauth?a=1&b=2|" {
		t.Errorf("$BROWSER got %q", got)
	}
}

func TestBrowserOpenerReportsFailingBROWSER(t *testing.T) {
	err := auth.BrowserOpener("false", io.Discard)("https://x.example/")
	if err == nil || !strings.Contains(err.Error(), "$BROWSER (false) failed") {
		t.Fatalf("err = %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the paste goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
