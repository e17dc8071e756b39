package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/partner-triage/partner-triage/auth"
	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/text"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// stdin is where auth login reads a pasted redirect address (tests replace it).
var stdin io.Reader = os.Stdin

// loginTimeout bounds auth login's wait for the browser.
var loginTimeout = auth.DefaultLoginTimeout

// signIn says how a command's requests authenticate. Every command that talks to Zendesk
// (console, scan, undo, audit) gets it from setup: the environment's token first
// (ZENDESK_OAUTH_TOKEN, else ZENDESK_API_TOKEN with zendesk.email), else the sign-in that
// `auth login` stored for cfg's account, refreshed before it expires and after a 401.
type signIn struct {
	creds  config.Credentials // from the environment (empty when the store is used)
	source *auth.Source       // the stored sign-in (nil when the environment's token is used)
}

// String names the credentials for the debug log (never a token).
func (s signIn) String() string {
	if s.source != nil {
		return "the sign-in stored in " + s.source.Store.Where()
	}
	return s.creds.String()
}

// credentials resolves the sign-in for cfg. Errors are one line; no sign-in at all names
// `partner-triage auth login` first.
func credentials(cfg config.Config, getenv func(string) string, logf func(string, ...any)) (signIn, error) {
	creds, err := cfg.Credentials(getenv)
	if err == nil {
		return signIn{creds: creds}, nil
	}
	if !errors.Is(err, config.ErrNoCredentials) {
		return signIn{}, err
	}
	src, err := storedSource(cfg, getenv, logf)
	if err != nil {
		return signIn{}, err
	}
	if _, err := src.Current(); err != nil {
		var nse *auth.NotSignedInError
		if errors.As(err, &nse) {
			return signIn{}, fmt.Errorf("not signed in to %s: run `partner-triage auth login` (or set %s or %s, or try --demo)",
				cfg.WebBase(), config.EnvOAuthToken, config.EnvAPIToken)
		}
		return signIn{}, err
	}
	return signIn{source: src}, nil
}

// storedSource is the token source over the user's store (keyring or file) for cfg's account.
func storedSource(cfg config.Config, getenv func(string) string, logf func(string, ...any)) (*auth.Source, error) {
	dir, err := auth.StateDir(getenv)
	if err != nil {
		return nil, err
	}
	store, lock, err := auth.Open(dir)
	if err != nil {
		return nil, err
	}
	return &auth.Source{
		Account: cfg.WebBase(),
		Store:   store,
		Lock:    lock,
		OAuth:   auth.OAuthConfig(cfg.WebBase(), cfg.Zendesk.OAuthClientID, cfg.Zendesk.OAuthRedirectURL),
		Logf:    logf,
	}, nil
}

// demoSignIn starts the demo emulator as an OAuth server and signs in to it for real
// (authorization code with PKCE, a built-in browser that follows the redirect to a loopback
// listener). The tokens stay in memory: the user's keyring and files are never touched.
func demoSignIn(ctx context.Context) (*zendesktest.Server, config.Config, *auth.Source, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, config.Config{}, nil, fmt.Errorf("demo sign-in: cannot listen on 127.0.0.1: %v", err)
	}
	redirect := "http://" + ln.Addr().String() + "/callback"
	// The demo's writes are stamped now, so a note just added reads "0m ago", not as old as
	// the demo's tickets.
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithOAuthClient(config.DefaultOAuthClientID, redirect),
		zendesktest.WithClock(time.Now))
	cfg := config.Demo(srv.URL())
	cfg.Zendesk.OAuthRedirectURL = redirect
	oauth := auth.OAuthConfig(cfg.WebBase(), cfg.Zendesk.OAuthClientID, redirect)
	login := &auth.Login{OAuth: oauth, Listener: ln, OpenBrowser: followRedirects, Timeout: 30 * time.Second}
	tok, err := login.Run(ctx)
	if err != nil {
		ln.Close()
		srv.Close()
		return nil, config.Config{}, nil, fmt.Errorf("demo sign-in at the emulator: %v (this is a bug)", err)
	}
	store := &auth.MemoryStore{}
	_ = store.Save(cfg.WebBase(), tok) // a MemoryStore never fails
	return srv, cfg, &auth.Source{Account: cfg.WebBase(), Store: store, Lock: &auth.MutexLock{}, OAuth: oauth}, nil
}

// followRedirects is the demo's browser: it loads the authorization page and follows the
// redirect, as a person's browser does after they approve.
func followRedirects(u string) error {
	go func() {
		c := &http.Client{Timeout: 30 * time.Second}
		if resp, err := c.Get(u); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	return nil
}

// staticToken is one access token that is never refreshed (a token just issued, or one
// being checked after revocation): after a 401 the refusal itself is the answer.
type staticToken string

func (s staticToken) AccessToken(context.Context) (string, error) { return string(s), nil }
func (s staticToken) Renew(context.Context, string) (string, error) {
	return string(s), nil
}

// authSetup reads the configuration for an auth subcommand.
func authSetup(configPath, cmd string, stderr io.Writer, getenv func(string) string) (config.Config, int, bool) {
	path := configPath
	if path == "" {
		p, err := config.DefaultPathEnv(getenv)
		if err != nil {
			return config.Config{}, fail(stderr, cmd, exitUsage, err, nil), false
		}
		path = p
	}
	cfg, err := config.Load(path)
	if err != nil {
		return config.Config{}, fail(stderr, cmd, exitUsage, err, nil), false
	}
	return cfg, 0, true
}

func newAPIClient(cfg config.Config, src zendesk.TokenSource) (*zendesk.Client, error) {
	return zendesk.New(zendesk.Config{BaseURL: cfg.APIBase(), Token: src, ViewID: cfg.Queue.ViewID, Search: cfg.Queue.Search,
		Rules: cfg.Rules(), MaxWait: 30 * time.Second})
}

func runAuth(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	sub, rest := splitCommand(args)
	switch sub {
	case "login":
		return runAuthLogin(rest, stdout, stderr, getenv)
	case "status":
		return runAuthStatus(rest, stdout, stderr, getenv)
	case "logout":
		return runAuthLogout(rest, stdout, stderr, getenv)
	case "":
		for _, a := range rest {
			if a == "-h" || a == "--help" {
				io.WriteString(stdout, helpText("auth", getenv))
				return exitOK
			}
		}
		return usageError(stderr, "auth", "say what to do: partner-triage auth login|status|logout")
	}
	return usageError(stderr, "auth", fmt.Sprintf("unknown command %q: the auth commands are login, status and logout", sub))
}

func authFlags(cmd string, args []string, stdout, stderr io.Writer, getenv func(string) string, extra func(*pflag.FlagSet)) (string, int, bool) {
	fs := newFlagSet(cmd)
	var configPath string
	fs.StringVar(&configPath, "config", "", "")
	if extra != nil {
		extra(fs)
	}
	help := fs.BoolP("help", "h", false, "")
	if code, done := parseFlags(fs, args, cmd, stderr); done {
		return "", code, false
	}
	if *help {
		io.WriteString(stdout, helpText(cmd, getenv))
		return "", exitOK, false
	}
	if fs.NArg() > 0 {
		return "", usageError(stderr, cmd, fmt.Sprintf("unexpected argument %q (%s takes only flags)", fs.Arg(0), cmd)), false
	}
	return configPath, 0, true
}

func runAuthLogin(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	const cmd = "auth login"
	var noBrowser bool
	configPath, code, ok := authFlags(cmd, args, stdout, stderr, getenv, func(fs *pflag.FlagSet) {
		fs.BoolVar(&noBrowser, "no-browser", false, "")
	})
	if !ok {
		return code
	}
	cfg, code, ok := authSetup(configPath, cmd, stderr, getenv)
	if !ok {
		return code
	}
	if cfg.Zendesk.OAuthClientID == "" {
		fmt.Fprintf(stderr, "partner-triage auth login: zendesk.oauth_client_id is empty in %s: there is no OAuth client to sign in with.\n"+
			"An admin of %s creates one once, in Admin Center → Apps and integrations → APIs → OAuth clients → Add OAuth client:\n"+
			"    Client kind:   Public (no secret: partner-triage signs in with PKCE)\n"+
			"    Identifier:    %s (or another; put it in zendesk.oauth_client_id)\n"+
			"    Redirect URLs: %s (zendesk.oauth_redirect_url)\n"+
			"Then run partner-triage auth login again.\n",
			cfg.Source, cfg.WebBase(), config.DefaultOAuthClientID, cfg.Zendesk.OAuthRedirectURL)
		return exitUsage
	}
	src, err := storedSource(cfg, getenv, nil)
	if err != nil {
		return fail(stderr, cmd, exitUsage, err, nil)
	}
	ctx, stop := signalContext()
	defer stop()
	login := &auth.Login{OAuth: src.OAuth, Paste: stdin, Prompt: stderr, Timeout: loginTimeout}
	if !noBrowser {
		login.OpenBrowser = auth.BrowserOpener(getenv("BROWSER"), stderr)
	}
	fmt.Fprintf(stderr, "Signing in to %s with the OAuth client %q.\n", cfg.WebBase(), cfg.Zendesk.OAuthClientID)
	tok, err := login.Run(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(stderr, cmd, ctx, "not signed in")
		}
		return fail(stderr, cmd, exitZendesk, err, nil)
	}
	client, err := newAPIClient(cfg, staticToken(tok.AccessToken))
	if err != nil {
		return fail(stderr, cmd, exitUsage, err, tok.Secrets())
	}
	me, err := client.Me(ctx)
	if err != nil {
		return fail(stderr, cmd, exitZendesk, fmt.Errorf("signed in, but asking Zendesk who that is failed, so the sign-in was not kept: %w", err), tok.Secrets())
	}
	unlock, err := src.Lock.Lock(ctx)
	if err != nil {
		return fail(stderr, cmd, exitUsage, err, tok.Secrets())
	}
	err = src.Store.Save(src.Account, tok)
	unlock()
	if err != nil {
		return fail(stderr, cmd, exitUsage, err, tok.Secrets())
	}
	fmt.Fprintf(stdout, "Signed in to %s as %s.\nThe sign-in is stored in %s and refreshed automatically.\n",
		cfg.WebBase(), who(me), src.Store.Where())
	if v := envToken(getenv); v != "" {
		fmt.Fprintf(stdout, "Note: %s is set in the environment and is used instead until you unset it.\n", v)
	}
	return exitOK
}

// envToken names the credential variable that is set, if any.
func envToken(getenv func(string) string) string {
	for _, v := range []string{config.EnvOAuthToken, config.EnvAPIToken} {
		if strings.TrimSpace(getenv(v)) != "" {
			return v
		}
	}
	return ""
}

// who names the signed-in agent as Zendesk has them (inert text).
func who(me zendesk.SignedInUser) string {
	name := text.Line(me.Name)
	if name == "" {
		name = "user " + fmt.Sprint(me.ID)
	}
	if e := text.Line(me.Email); e != "" {
		name += " <" + e + ">"
	}
	if r := text.Line(me.Role); r != "" {
		name += " (" + r + ")"
	}
	return name
}

func whenText(t, now time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	d := t.Sub(now).Round(time.Minute)
	rel := "in " + d.String()
	switch {
	case d <= 0:
		rel = "expired"
	case d >= 48*time.Hour:
		rel = fmt.Sprintf("in %d days", int(d.Hours()/24))
	}
	return t.Local().Format("2006-01-02 15:04 MST") + " (" + strings.TrimSuffix(rel, "0s") + ")"
}

func runAuthStatus(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	const cmd = "auth status"
	configPath, code, ok := authFlags(cmd, args, stdout, stderr, getenv, nil)
	if !ok {
		return code
	}
	cfg, code, ok := authSetup(configPath, cmd, stderr, getenv)
	if !ok {
		return code
	}
	ctx, stop := signalContext()
	defer stop()
	if v := envToken(getenv); v != "" {
		in, err := credentials(cfg, getenv, nil)
		if err != nil {
			return fail(stderr, cmd, exitFindings, err, nil)
		}
		client, err := zendesk.New(zendesk.Config{BaseURL: cfg.APIBase(), Email: in.creds.Email, APIToken: in.creds.APIToken,
			OAuthToken: in.creds.OAuthToken, ViewID: cfg.Queue.ViewID, Search: cfg.Queue.Search, MaxWait: 30 * time.Second})
		if err != nil {
			return fail(stderr, cmd, exitFindings, err, in.creds.Secrets())
		}
		me, err := client.Me(ctx)
		if err != nil {
			return fail(stderr, cmd, exitFindings, fmt.Errorf("%s is set but does not work at %s: %w", v, cfg.WebBase(), err), in.creds.Secrets())
		}
		fmt.Fprintf(stdout, "%s\n  Signed in as %s\n  Token: %s from the environment (it takes precedence over any stored sign-in)\n",
			cfg.WebBase(), who(me), v)
		return exitOK
	}
	src, err := storedSource(cfg, getenv, nil)
	if err != nil {
		return fail(stderr, cmd, exitFindings, err, nil)
	}
	if _, err := src.Current(); err != nil {
		return fail(stderr, cmd, exitFindings, fmt.Errorf("not signed in to %s: run `partner-triage auth login`", cfg.WebBase()), nil)
	}
	client, err := newAPIClient(cfg, src)
	if err != nil {
		return fail(stderr, cmd, exitFindings, err, nil)
	}
	me, err := client.Me(ctx) // refreshes first when the access token has expired
	if err != nil {
		return fail(stderr, cmd, exitFindings, err, nil)
	}
	tok, err := src.Current()
	if err != nil {
		return fail(stderr, cmd, exitFindings, err, nil)
	}
	now := time.Now()
	fmt.Fprintf(stdout, "%s\n  Signed in as %s\n  Stored in %s\n  Access token expires %s; refreshed automatically\n  Refresh token expires %s\n",
		cfg.WebBase(), who(me), src.Store.Where(), whenText(tok.Expiry, now), whenText(tok.RefreshExpiry, now))
	return exitOK
}

func runAuthLogout(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	const cmd = "auth logout"
	configPath, code, ok := authFlags(cmd, args, stdout, stderr, getenv, nil)
	if !ok {
		return code
	}
	cfg, code, ok := authSetup(configPath, cmd, stderr, getenv)
	if !ok {
		return code
	}
	src, err := storedSource(cfg, getenv, nil)
	if err != nil {
		return fail(stderr, cmd, exitUsage, err, nil)
	}
	if _, err := src.Current(); err != nil {
		return fail(stderr, cmd, exitFindings, fmt.Errorf("not signed in to %s: nothing to sign out of", cfg.WebBase()), nil)
	}
	ctx, stop := signalContext()
	defer stop()
	client, err := newAPIClient(cfg, src)
	if err != nil {
		return fail(stderr, cmd, exitUsage, err, nil)
	}
	remove := func(what string) int {
		unlock, err := src.Lock.Lock(ctx)
		if err != nil {
			return fail(stderr, cmd, exitUsage, err, nil)
		}
		err = src.Store.Delete(src.Account)
		unlock()
		if err != nil {
			return fail(stderr, cmd, exitUsage, err, nil)
		}
		fmt.Fprintf(stdout, "Signed out of %s: %s, and removed from %s.\n", cfg.WebBase(), what, src.Store.Where())
		if v := envToken(getenv); v != "" {
			fmt.Fprintf(stdout, "Note: %s is still set in the environment and still used.\n", v)
		}
		return exitOK
	}
	id, err := client.CurrentOAuthTokenID(ctx)
	var nse *auth.NotSignedInError
	if errors.As(err, &nse) {
		return remove("Zendesk no longer accepted the stored sign-in") // nothing left to revoke
	}
	if err != nil {
		return fail(stderr, cmd, exitZendesk, fmt.Errorf("finding the token to revoke: %w; the sign-in is kept", err), nil)
	}
	tok, err := src.Current()
	if err != nil {
		return fail(stderr, cmd, exitUsage, err, nil)
	}
	if err := client.RevokeOAuthToken(ctx, id); err != nil {
		return fail(stderr, cmd, exitZendesk, fmt.Errorf("revoking the token at Zendesk: %w; the sign-in is kept", err), tok.Secrets())
	}
	// Done only when Zendesk refuses the token now.
	check, err := newAPIClient(cfg, staticToken(tok.AccessToken))
	if err != nil {
		return fail(stderr, cmd, exitUsage, err, tok.Secrets())
	}
	_, err = check.Me(ctx)
	var ae *zendesk.APIError
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusUnauthorized:
		return remove("the token is revoked at Zendesk (it is refused there now)")
	case err == nil:
		return fail(stderr, cmd, exitZendesk, errors.New("Zendesk still accepts the token after revoking it; the sign-in is kept: run `partner-triage auth logout` again"), tok.Secrets())
	default:
		return fail(stderr, cmd, exitZendesk, fmt.Errorf("checking that the token is revoked: %w; the sign-in is kept: run `partner-triage auth logout` again", err), tok.Secrets())
	}
}

const authHelp = `NAME
    partner-triage auth - sign in to Zendesk with OAuth, show or end the sign-in

SYNOPSIS
    partner-triage auth login [--config FILE] [--no-browser]
    partner-triage auth status [--config FILE]
    partner-triage auth logout [--config FILE]

DESCRIPTION
    Zendesk no longer issues API tokens, and its OAuth access tokens last 30
    minutes: partner-triage signs in with OAuth (authorization code with PKCE)
    and keeps the sign-in fresh by itself.

    'auth login' opens the browser at Zendesk's authorization page for the
    OAuth client zendesk.oauth_client_id: $BROWSER when set (a command that
    takes the address as its last argument), else the system's opener. Once
    you allow access, Zendesk sends the browser back to
    zendesk.oauth_redirect_url, where partner-triage is waiting (on this
    machine only), checks that the answer belongs to this sign-in (state),
    exchanges the code for tokens and prints who signed in. With --no-browser,
    or where no browser opens (an SSH session), copy the printed address into
    any browser and paste back the address it ends on. The wait ends after 5
    minutes.

    The tokens are kept in the OS keyring (macOS Keychain, Windows Credential
    Manager, the Secret Service on Linux); where no keyring answers, in
    $XDG_STATE_HOME/partner-triage/tokens.json (default ~/.local/state), mode
    0600. One sign-in is kept per Zendesk instance. Every command then uses
    it, refreshing the access token shortly before it expires and after a
    refusal (401), without asking; several partner-triage processes share the
    refresh through a lock file beside it. When Zendesk refuses the refresh
    (revoked, or unused for the refresh token's lifetime, 30 days by default)
    commands say to run 'partner-triage auth login' again; a running console
    picks the new sign-in up.

    ZENDESK_OAUTH_TOKEN and ZENDESK_API_TOKEN still work and take precedence
    over the stored sign-in.

    'auth status' shows the instance, who is signed in, where the sign-in is
    stored and when its tokens expire. 'auth logout' revokes the token at
    Zendesk, checks that Zendesk refuses it, then removes it here.

    An admin creates the OAuth client once, in Admin Center > Apps and
    integrations > APIs > OAuth clients > Add OAuth client: client kind
    Public, identifier partner_triage (or set zendesk.oauth_client_id), and
    the redirect URL http://127.0.0.1:8976/callback (or set
    zendesk.oauth_redirect_url: http on 127.0.0.1 or localhost, or https).

OPTIONS
    --config FILE
        Read the configuration from FILE instead of the default path.
    --no-browser
        (login) Print the address instead of opening a browser, and read the
        address the browser ends on from standard input.
    -h, --help
        Show this help and exit.

EXIT STATUS
    0    Signed in (login, status) or signed out (logout).
    1    Not signed in (status, logout), or the stored sign-in no longer works.
    2    Usage or configuration error, or no OAuth client configured.
    3    Zendesk or network error, or the sign-in was refused or timed out.
    130  Interrupted.

EXAMPLES
    partner-triage auth login
    ssh server -t partner-triage auth login --no-browser
    partner-triage auth status
    BROWSER="firefox --new-window" partner-triage auth login

`
