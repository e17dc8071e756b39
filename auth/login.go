package auth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/cli/browser"
	"golang.org/x/oauth2"
)

// DefaultLoginTimeout is how long Login waits for the browser to come back.
const DefaultLoginTimeout = 5 * time.Minute

// Login describes one sign-in (authorization code with PKCE).
type Login struct {
	OAuth *oauth2.Config // OAuthConfig: client id, redirect URL, endpoints, scopes
	// Listener, when set, already listens where OAuth.RedirectURL points (Run closes it).
	// Otherwise Run listens on the redirect URL's host and port itself when it is a
	// loopback http URL.
	Listener net.Listener
	// OpenBrowser opens the authorization URL (nil: none is opened, as with --no-browser).
	OpenBrowser func(url string) error
	// Paste, when set, is read for the redirected address pasted by the person (stdin).
	Paste io.Reader
	// Prompt receives the instructions (stderr). It never receives a token.
	Prompt io.Writer
	// Timeout bounds the wait for the redirect (0: DefaultLoginTimeout).
	Timeout time.Duration
	// HTTPClient sends the code exchange (nil: a client with a 30 s timeout).
	HTTPClient *http.Client
	Now        func() time.Time // nil: time.Now
}

// redirect is the query of the address the browser was sent back to.
type redirect struct {
	q   url.Values
	err error // the paste ended without an address
}

// Run sends the person to Zendesk's authorization page, waits for the redirect on the
// loopback listener or a pasted address, checks state, and exchanges the code (with the PKCE
// verifier) for tokens. Errors are one line that say what to do.
func (l *Login) Run(ctx context.Context) (Token, error) {
	prompt := l.Prompt
	if prompt == nil {
		prompt = io.Discard
	}
	redirectURL, err := url.Parse(l.OAuth.RedirectURL)
	if err != nil || redirectURL.Host == "" {
		return Token{}, fmt.Errorf("the redirect URL %q is not an address", shorten(l.OAuth.RedirectURL))
	}
	state := oauth2.GenerateVerifier()
	verifier := oauth2.GenerateVerifier()
	authURL := l.OAuth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))

	got := make(chan redirect, 4)
	ln := l.Listener
	if ln == nil && redirectURL.Scheme == "http" && isLoopback(redirectURL.Hostname()) {
		var lerr error
		ln, lerr = net.Listen("tcp", redirectURL.Host)
		if lerr != nil {
			if l.Paste == nil {
				return Token{}, fmt.Errorf("cannot wait for the browser on %s: %v (is another sign-in running?); "+
					"run `partner-triage auth login --no-browser` and paste the address instead", redirectURL.Host, pathErr(lerr))
			}
			fmt.Fprintf(prompt, "Cannot wait for the browser on %s (%v): paste the address instead.\n", redirectURL.Host, pathErr(lerr))
			ln = nil
		} else {
			defer ln.Close()
		}
	}
	if ln != nil {
		srv := &http.Server{Handler: callbackHandler(redirectURL.Path, state, got), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer func() {
			// Let the browser receive its page before the listener goes.
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if srv.Shutdown(sctx) != nil {
				srv.Close()
			}
		}()
	}
	if ln == nil && l.Paste == nil {
		return Token{}, fmt.Errorf("the redirect URL %s is not a loopback http address partner-triage can listen on: "+
			"run `partner-triage auth login --no-browser` and paste the address the browser ends on", redirectURL.Redacted())
	}

	fmt.Fprintf(prompt, "Sign in to Zendesk in a browser at this address:\n\n    %s\n\n", authURL)
	if l.OpenBrowser != nil {
		if err := l.OpenBrowser(authURL); err != nil {
			fmt.Fprintf(prompt, "Could not open a browser (%s): open the address above yourself.\n", shorten(oneLine(err.Error())))
		} else {
			fmt.Fprintln(prompt, "Opened the browser.")
		}
	}
	if ln != nil {
		fmt.Fprintf(prompt, "Waiting for the browser to come back to %s …\n", redirectURL.Redacted())
	}
	if l.Paste != nil {
		fmt.Fprintf(prompt, "If the browser cannot reach this machine, paste here the address it ends on (it starts with %s):\n", redirectURL.Redacted())
		go readPastes(l.Paste, prompt, got, ln != nil)
	}

	timeout := l.Timeout
	if timeout <= 0 {
		timeout = DefaultLoginTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var q url.Values
	select {
	case <-ctx.Done():
		return Token{}, ctx.Err()
	case <-timer.C:
		return Token{}, fmt.Errorf("no answer from the browser within %s: run `partner-triage auth login` again "+
			"(with --no-browser to paste the address the browser ends on)", timeout)
	case r := <-got:
		if r.err != nil {
			return Token{}, r.err
		}
		q = r.q
	}
	if e := q.Get("error"); e != "" {
		msg := "Zendesk did not grant access: " + shorten(e)
		if d := q.Get("error_description"); d != "" {
			msg += ": " + shorten(d)
		}
		return Token{}, errors.New(msg)
	}
	if q.Get("state") != state {
		return Token{}, errors.New("refused the redirect: its state does not match this sign-in (it belongs to another " +
			"sign-in or did not come from Zendesk); run `partner-triage auth login` again")
	}
	code := q.Get("code")
	if code == "" {
		return Token{}, errors.New("the redirect carries no code: run `partner-triage auth login` again")
	}
	hc := l.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	tok, err := l.OAuth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, hc), code, oauth2.VerifierOption(verifier))
	if err != nil {
		if ctx.Err() != nil {
			return Token{}, ctx.Err()
		}
		return Token{}, describeRetrieve(err, "exchanging the code at "+l.OAuth.Endpoint.TokenURL)
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	return fromOAuth2(tok, now())
}

// callbackHandler answers the browser at the redirect path and passes the query on. The
// state is checked here too, so the browser page says whether the sign-in went through.
func callbackHandler(path, state string, got chan<- redirect) http.Handler {
	if path == "" {
		path = "/"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		status, page := http.StatusOK, "partner-triage received the sign-in. You can close this tab and return to the terminal.\n"
		switch {
		case q.Get("error") != "":
			page = "partner-triage was not given access. Return to the terminal.\n"
		case q.Get("state") != state:
			status, page = http.StatusBadRequest, "This is not the sign-in partner-triage started (state mismatch): refused. Return to the terminal.\n"
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		w.WriteHeader(status)
		io.WriteString(w, page)
		if f, ok := w.(http.Flusher); ok {
			f.Flush() // the page is out before Run goes on
		}
		select {
		case got <- redirect{q: q}:
		default:
		}
	})
}

// readPastes reads pasted lines until one looks like the redirected address.
func readPastes(r io.Reader, prompt io.Writer, got chan<- redirect, listening bool) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		q := url.Values{}
		if u, err := url.Parse(line); err == nil {
			q = u.Query()
		}
		if q.Get("code") == "" && q.Get("error") == "" {
			fmt.Fprintln(prompt, "That is not the address the browser ended on (it has no code=…): paste the whole address from its address bar.")
			continue
		}
		got <- redirect{q: q}
		return
	}
	if !listening {
		got <- redirect{err: errors.New("the input ended before the address the browser ended on was pasted: " +
			"run `partner-triage auth login --no-browser` again and paste it")}
	}
}

// browserGrace is how long BrowserOpener waits to see whether $BROWSER fails at once.
const browserGrace = 2 * time.Second

// BrowserOpener returns how to open a URL: $BROWSER when browserEnv is set (a command
// taking the URL as its last argument, as gh and git treat it), else the platform's opener.
// What the browser prints goes to out, never to stdout.
func BrowserOpener(browserEnv string, out io.Writer) func(string) error {
	return func(u string) error {
		if args := strings.Fields(browserEnv); len(args) > 0 {
			cmd := exec.Command(args[0], append(args[1:], u)...)
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				return fmt.Errorf("$BROWSER: %v", err)
			}
			// A browser may run until it is closed; one that fails does so at once.
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			t := time.NewTimer(browserGrace)
			defer t.Stop()
			select {
			case err := <-done:
				if err != nil {
					return fmt.Errorf("$BROWSER (%s) failed: %v", args[0], err)
				}
			case <-t.C:
			}
			return nil
		}
		browser.Stdout, browser.Stderr = out, out
		return browser.OpenURL(u)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
