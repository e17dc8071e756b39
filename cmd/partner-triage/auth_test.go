package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

func init() {
	// Tests never touch the developer's keyring: with none answering, the sign-in goes to
	// the 0600 file under the test's XDG_STATE_HOME.
	keyring.MockInitWithError(errors.New("no keyring in tests"))
}

// TestHelperBrowser is not a test: it is the fake browser $BROWSER runs in the auth tests
// (this test binary again). It loads the address it is given, the last argument, and
// follows Zendesk's redirect back to auth login, as a person's browser does after "Allow".
func TestHelperBrowser(t *testing.T) {
	if os.Getenv("PT_FAKE_BROWSER") != "1" {
		t.Skip("the fake browser of the auth tests")
	}
	resp, err := http.Get(os.Args[len(os.Args)-1])
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// lockedBuffer is stderr shared with the browser process's output copier.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type authRig struct {
	srv   *zendesktest.Server
	clock *zendesktest.Clock
	cfg   string
	env   map[string]string
	state string
	all   strings.Builder // every byte any command printed, for the token grep
}

func newAuthRig(t *testing.T, configExtra string) *authRig {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port for the redirect URL
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	ln.Close()
	clock := zendesktest.NewClock(time.Now())
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithOAuthClient("partner_triage", redirect),
		zendesktest.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	state := t.TempDir()
	cfg := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  oauth_redirect_url: "+redirect+"\n"+configExtra+
		"queue:\n  view_id: 360077000001\n")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PT_FAKE_BROWSER", "1")
	return &authRig{srv: srv, clock: clock, cfg: cfg, state: state, env: map[string]string{
		"XDG_STATE_HOME":  state,
		"XDG_CONFIG_HOME": t.TempDir(),
		"HOME":            t.TempDir(),
		"BROWSER":         exe + " -test.run=^TestHelperBrowser$",
	}}
}

func (r *authRig) run(t *testing.T, args ...string) result {
	t.Helper()
	var out bytes.Buffer
	var errb lockedBuffer
	code := run(args, &out, &errb, func(k string) string { return r.env[k] })
	res := result{code, out.String(), errb.String()}
	r.all.WriteString(res.stdout + res.stderr)
	return res
}

func (r *authRig) tokens(t *testing.T) (access, refresh string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.state, "partner-triage", "tokens.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Accounts map[string]struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(b, &d); err != nil || len(d.Accounts) != 1 {
		t.Fatalf("tokens.json: %v %s", err, b)
	}
	for _, a := range d.Accounts {
		return a.AccessToken, a.RefreshToken
	}
	return "", ""
}

func (r *authRig) bearer(t *testing.T, tok string) int {
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

func TestAuthLoginStatusLogout(t *testing.T) {
	stdin = strings.NewReader("") // nothing is pasted: the browser comes back
	r := newAuthRig(t, "")
	var seen []string // every token the store ever held

	login := r.run(t, "auth", "login", "--config", r.cfg)
	if login.code != exitOK {
		t.Fatalf("login: exit %d\nstdout %s\nstderr %s", login.code, login.stdout, login.stderr)
	}
	storePath := filepath.Join(r.state, "partner-triage", "tokens.json")
	for _, want := range []string{"Signed in to " + strings.TrimSuffix(r.srv.URL(), "/api/v2"), "as Priya Raman <priya.raman@gitlab.com>",
		"stored in the file " + storePath + " (mode 0600)"} {
		if !strings.Contains(login.stdout, want) {
			t.Errorf("login stdout lacks %q:\n%s", want, login.stdout)
		}
	}
	if !strings.Contains(login.stderr, "/oauth/authorizations/new?") || !strings.Contains(login.stderr, "Opened the browser") {
		t.Errorf("login stderr:\n%s", login.stderr)
	}
	if fi, err := os.Stat(storePath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("store file: %v %v", fi, err)
	}
	a1, r1 := r.tokens(t)
	seen = append(seen, a1, r1)

	// The stored sign-in serves scan. Zendesk's clock runs ahead: the access token has
	// expired there though partner-triage thinks it fresh, so the first request gets a 401
	// and the sign-in is refreshed and the request sent again, unseen.
	r.clock.Advance(31 * time.Minute)
	logPath := filepath.Join(t.TempDir(), "debug.log")
	scan := r.run(t, "scan", "--config", r.cfg, "--format", "json", "--debug", logPath)
	if scan.code != exitFindings || !strings.Contains(scan.stdout, `"scanned"`) {
		t.Fatalf("scan with the stored sign-in: exit %d, stderr %q", scan.code, scan.stderr)
	}
	a2, r2 := r.tokens(t)
	if a2 == a1 || r2 == r1 {
		t.Error("the refreshed sign-in was not stored")
	}
	seen = append(seen, a2, r2)
	logData, _ := os.ReadFile(logPath)
	if !strings.Contains(string(logData), "refreshed the sign-in") {
		t.Errorf("debug log does not tell of the refresh:\n%s", logData)
	}
	r.all.Write(logData)

	status := r.run(t, "auth", "status", "--config", r.cfg)
	if status.code != exitOK {
		t.Fatalf("status: exit %d, %q", status.code, status.stderr)
	}
	for _, want := range []string{"Signed in as Priya Raman", "Stored in the file " + storePath, "Access token expires", "Refresh token expires"} {
		if !strings.Contains(status.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, status.stdout)
		}
	}

	a3, r3 := r.tokens(t)
	seen = append(seen, a3, r3)
	logout := r.run(t, "auth", "logout", "--config", r.cfg)
	if logout.code != exitOK || !strings.Contains(logout.stdout, "Signed out of") || !strings.Contains(logout.stdout, "refused there now") {
		t.Fatalf("logout: exit %d\n%s%s", logout.code, logout.stdout, logout.stderr)
	}
	if st := r.bearer(t, a3); st != http.StatusUnauthorized {
		t.Errorf("after logout the token gets %d at Zendesk, want 401", st)
	}
	if _, err := os.Stat(storePath); !os.IsNotExist(err) {
		t.Errorf("the store file is still there: %v", err)
	}

	status = r.run(t, "auth", "status", "--config", r.cfg)
	if status.code != exitFindings || !strings.Contains(status.stderr, "not signed in") {
		t.Errorf("status after logout: exit %d %q", status.code, status.stderr)
	}
	scan = r.run(t, "scan", "--config", r.cfg)
	if scan.code != exitUsage || !strings.HasPrefix(scan.stderr, "partner-triage scan: not signed in to ") ||
		!strings.Contains(firstLine(scan.stderr), "run `partner-triage auth login` (or set ZENDESK_OAUTH_TOKEN") {
		t.Errorf("scan after logout: exit %d %q", scan.code, scan.stderr)
	}

	// No token ever shows in any output, error or log.
	for _, tok := range seen {
		if tok == "" || strings.Contains(r.all.String(), tok) {
			t.Fatalf("a token (%d chars) appears in the output", len(tok))
		}
	}
}

func TestScanAfterRevokedSignInSaysLoginInOneLine(t *testing.T) {
	stdin = strings.NewReader("")
	r := newAuthRig(t, "")
	if res := r.run(t, "auth", "login", "--config", r.cfg); res.code != exitOK {
		t.Fatalf("login: %d %s", res.code, res.stderr)
	}
	r.srv.RevokeOAuthTokens() // an admin revoked it, or it lay unused past its lifetime
	res := r.run(t, "scan", "--config", r.cfg)
	want := regexp.MustCompile("^partner-triage scan: not signed in to http://127\\.0\\.0\\.1:\\d+: Zendesk refused to refresh " +
		"the sign-in \\(invalid_grant[^)]*\\); run `partner-triage auth login`\n$")
	if res.code != exitZendesk || !want.MatchString(res.stderr) {
		t.Errorf("exit %d, stderr %q", res.code, res.stderr)
	}
}

func TestAuthLoginNoBrowserPaste(t *testing.T) {
	r := newAuthRig(t, "")
	var errb lockedBuffer
	// The person copies the printed address into a browser elsewhere, and pastes back the
	// address that browser ends on.
	stdin = &pasteReader{fn: func() string {
		m := regexp.MustCompile(`http://\S+/oauth/authorizations/new\?\S+`).FindString(errb.String())
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(m)
		if err != nil {
			t.Error(err)
			return ""
		}
		resp.Body.Close()
		return resp.Header.Get("Location") + "\n"
	}}
	delete(r.env, "BROWSER")
	var out bytes.Buffer
	code := run([]string{"auth", "login", "--no-browser", "--config", r.cfg}, &out, &errb, func(k string) string { return r.env[k] })
	if code != exitOK || !strings.Contains(out.String(), "Signed in to") {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if strings.Contains(errb.String(), "Opened the browser") || !strings.Contains(errb.String(), "paste here the address") {
		t.Errorf("stderr:\n%s", errb.String())
	}
}

// pasteReader produces its text on the first Read (after the prompt was written).
type pasteReader struct {
	fn   func() string
	rest *strings.Reader
}

func (p *pasteReader) Read(b []byte) (int, error) {
	if p.rest == nil {
		p.rest = strings.NewReader(p.fn())
	}
	return p.rest.Read(b)
}

func TestAuthLoginWithoutClientIDExplains(t *testing.T) {
	r := newAuthRig(t, "  oauth_client_id: ''\n")
	res := r.run(t, "auth", "login", "--config", r.cfg)
	if res.code != exitUsage {
		t.Fatalf("exit %d", res.code)
	}
	for _, want := range []string{"zendesk.oauth_client_id is empty in " + r.cfg, "Admin Center → Apps and integrations → APIs → OAuth clients",
		"Public", "partner_triage", "/callback (zendesk.oauth_redirect_url)"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if n := strings.Count(res.stderr, "\n"); n > 7 {
		t.Errorf("%d lines: a few lines please", n)
	}
}

func TestEnvironmentTokenWinsOverStore(t *testing.T) {
	stdin = strings.NewReader("")
	r := newAuthRig(t, "")
	if res := r.run(t, "auth", "login", "--config", r.cfg); res.code != exitOK {
		t.Fatalf("login: %d %s", res.code, res.stderr)
	}
	r.env["ZENDESK_OAUTH_TOKEN"] = "env-token-SECRET"
	res := r.run(t, "scan", "--config", r.cfg)
	if res.code != exitZendesk || !strings.Contains(res.stderr, "401") || !strings.Contains(res.stderr, "ZENDESK_OAUTH_TOKEN") ||
		strings.Contains(res.stderr, "SECRET") {
		t.Errorf("the environment's (wrong) token should be used: exit %d %q", res.code, res.stderr)
	}
	st := r.run(t, "auth", "status", "--config", r.cfg)
	if st.code != exitFindings || !strings.Contains(st.stderr, "ZENDESK_OAUTH_TOKEN is set but does not work") {
		t.Errorf("status: %d %q", st.code, st.stderr)
	}
}

func TestDemoSignsInWithoutTouchingStore(t *testing.T) {
	state, home := t.TempDir(), t.TempDir()
	res := runWith(t, map[string]string{"XDG_STATE_HOME": state, "HOME": home}, "scan", "--demo", "--format", "json")
	if res.code != exitFindings {
		t.Fatalf("demo scan: %d %s", res.code, res.stderr)
	}
	for _, d := range []string{state, home} {
		if entries, _ := os.ReadDir(d); len(entries) != 0 {
			t.Errorf("--demo wrote into %s: %v", d, entries)
		}
	}
}

func TestAuthHelpAndUsage(t *testing.T) {
	for _, args := range [][]string{{"auth", "--help"}, {"auth", "login", "--help"}, {"help", "auth"}} {
		res := runWith(t, nil, args...)
		if res.code != exitOK || !strings.Contains(res.stdout, "--no-browser") || !strings.Contains(res.stdout, "OAuth clients") {
			t.Errorf("%v: exit %d", args, res.code)
		}
		for _, l := range strings.Split(res.stdout, "\n") {
			if len([]rune(l)) > 80 && !strings.Contains(l, "Here the default is") {
				t.Errorf("%v: line over 80 columns: %q", args, l)
			}
		}
	}
	for _, args := range [][]string{{"auth"}, {"auth", "signin"}, {"auth", "login", "--browser"}, {"auth", "status", "x"}} {
		if res := runWith(t, nil, args...); res.code != exitUsage || !strings.Contains(res.stderr, "Usage: partner-triage auth") {
			t.Errorf("%v: exit %d %q", args, res.code, res.stderr)
		}
	}
}

// TestHelperEmulator is not a test: it runs the emulator as an OAuth server for trying
// auth login by hand (PT_SERVE_EMULATOR names the config file it writes):
//
//	PT_SERVE_EMULATOR=/tmp/pt/config.yaml go test ./cmd/partner-triage -run '^TestHelperEmulator$' -v -timeout 0
//
// PT_ACCESS_TTL (e.g. 90s) shortens the access tokens' lifetime. It serves until interrupted.
func TestHelperEmulator(t *testing.T) {
	path := os.Getenv("PT_SERVE_EMULATOR")
	if path == "" {
		t.Skip("a tool for trying auth login by hand")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	ln.Close()
	ttl, _ := time.ParseDuration(os.Getenv("PT_ACCESS_TTL"))
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithOAuthClient("partner_triage", redirect),
		zendesktest.WithOAuthLifetimes(ttl, 0))
	defer srv.Close()
	cfg := "zendesk:\n  url: " + srv.URL() + "\n  oauth_redirect_url: " + redirect + "\nqueue:\n  view_id: 360077000001\n"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("emulator at %s, config %s", srv.URL(), path)
	ctx, stop := signalContext()
	defer stop()
	<-ctx.Done()
}

// A console and two scans started together after the access token expired at Zendesk: each
// is its own sign-in source with its own lock descriptor on the shared store, as separate
// processes are. All three work; the sign-in is refreshed once.
func TestThreeCommandsAfterExpiryAllWork(t *testing.T) {
	stdin = strings.NewReader("")
	r := newAuthRig(t, "")
	if res := r.run(t, "auth", "login", "--config", r.cfg); res.code != exitOK {
		t.Fatalf("login: %d %s", res.code, res.stderr)
	}
	r.clock.Advance(31 * time.Minute) // expired at Zendesk; partner-triage finds out by a 401
	r.srv.ResetRequests()
	var wg sync.WaitGroup
	results := make([]result, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errb bytes.Buffer
			code := run([]string{"scan", "--config", r.cfg, "--format", "json"}, &out, &errb, func(k string) string { return r.env[k] })
			results[i] = result{code, out.String(), errb.String()}
		}()
	}
	wg.Wait()
	for i, res := range results {
		if res.code != exitFindings {
			t.Errorf("command %d: exit %d, stderr %q", i, res.code, res.stderr)
		}
	}
	refreshes := 0
	for _, q := range r.srv.Requests() {
		if q.Method == "POST" && q.Path == "/oauth/tokens" {
			refreshes++
		}
	}
	if refreshes != 1 {
		t.Errorf("%d refreshes, want 1 (the others take the rotated sign-in from the store)", refreshes)
	}
}
