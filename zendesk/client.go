// Package zendesk is partner-triage's access to the Zendesk Support API, built on
// github.com/nukosuke/go-zendesk. It loads the partner queue with the people, organizations
// and memberships the rules need (model.QueuePage), and carries out the fix plans' writes
// (model.TicketUpdate, membership removal and its undo).
//
// go-zendesk provides the request plumbing and credentials; this package adds what it lacks:
// a rate-limit and retry aware http.RoundTripper (see transport.go), tolerant decoding of
// lists, search, sideloads and custom fields, explicit JSON bodies for writes, and errors that
// are one line, typed (APIError, NetworkError, DecodeError) and never carry a secret.
package zendesk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	gozd "github.com/nukosuke/go-zendesk/zendesk"

	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/text"
)

// Config configures a Client.
type Config struct {
	BaseURL    string // full API base incl. /api/v2, e.g. https://acme.zendesk.com/api/v2
	Email      string // for API-token auth
	APIToken   string // ZENDESK_API_TOKEN (Basic email/token:TOKEN)
	OAuthToken string // ZENDESK_OAUTH_TOKEN (Bearer); used when set
	// Token is a stored OAuth sign-in (Bearer, refreshed as it expires and after a 401); used
	// when set and OAuthToken and APIToken are empty.
	Token      TokenSource
	ViewID     int64  // queue source: a view …
	Search     string // … or a search query (exactly one of the two)
	Rules      model.RuleConfig
	HTTPClient *http.Client  // optional; the rate-limit/retry RoundTripper wraps its Transport
	MaxWait    time.Duration // bound on total retry/back-off wait per call (default 2 min)
	Logf       func(format string, args ...any)

	// RequestTimeout bounds one HTTP attempt (default 60 s). A read that times out is retried;
	// a write is not.
	RequestTimeout time.Duration // MaxWait bounds a call's attempts and waits together
	// Concurrency bounds the requests in flight (default 12).
	Concurrency int
	// PageConcurrency is how many list pages of a view are fetched at once after the first
	// (default 8; 1 walks the view page by page). It backs off to one at a time while
	// X-Rate-Limit-Remaining is under a tenth of X-Rate-Limit.
	PageConcurrency int
	// ListedFirst delivers the first list page twice: Pending (model.QueuePage.Pending) as
	// soon as it is listed, so a console shows rows one round trip in, then resolved. Off, a
	// load delivers only resolved pages (what a report wants).
	ListedFirst bool
	// OnRetry, when set, is told each time a request is about to be retried (429, 5xx,
	// timeouts), e.g. to show "retrying … (429, waiting 12s)". It runs on the request's
	// goroutine and must not block.
	OnRetry func(RetryEvent)
	// LoadTimeout bounds one whole queue load (LoadQueue) and one ReloadTicket; 0 is no
	// bound. It is the --timeout flag.
	LoadTimeout time.Duration
	// MaxResponseBytes bounds the bytes read from one answer (default 64 MiB); a longer
	// answer is an error (ErrTooLarge), never read into memory whole.
	MaxResponseBytes int64
}

const (
	defaultMaxWait        = 2 * time.Minute
	defaultRequestTimeout = 60 * time.Second
	defaultConcurrency    = 12
	defaultMaxResponse    = 64 << 20
	// maxStringBytes is the most kept of one string Zendesk sends (a subject, a name, a field
	// value); the rest is cut at a character boundary and marked with "…".
	maxStringBytes = 16 << 10
	pageSize       = 100
	userAgent      = "partner-triage (github.com/partner-triage/partner-triage; go-zendesk)"
)

// Client talks to one Zendesk account. It is safe for concurrent use.
type Client struct {
	cfg      Config
	api      *gozd.Client
	tr       *transport
	base     *url.URL
	credHint string
	secrets  []string
	sem      chan struct{}
}

// New checks the configuration and returns a client. Errors are one line and name the setting.
func New(cfg Config) (*Client, error) {
	c := &Client{cfg: cfg, secrets: SecretForms(cfg.Email, cfg.APIToken, cfg.OAuthToken)}
	raw := strings.TrimSpace(cfg.BaseURL)
	if raw == "" {
		return nil, errors.New("zendesk: no URL configured (set zendesk.url or zendesk.subdomain)")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("zendesk: URL %q is not an http(s) URL like https://example.zendesk.com/api/v2", c.scrub(raw))
	}
	if u.User != nil {
		return nil, errors.New("zendesk: the URL must not carry a user or password; credentials come from ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN")
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("zendesk: URL %s must use https (http is only allowed for a loopback host)", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("zendesk: URL %s must not have a query or fragment", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Path == "" {
		u.Path = "/api/v2"
	}
	u.RawPath = ""
	c.base = u

	var cred gozd.Credential
	switch {
	case strings.TrimSpace(cfg.OAuthToken) != "":
		cred = gozd.NewBearerTokenCredential(strings.TrimSpace(cfg.OAuthToken))
		c.credHint = "ZENDESK_OAUTH_TOKEN"
	case strings.TrimSpace(cfg.APIToken) != "":
		if strings.TrimSpace(cfg.Email) == "" {
			return nil, errors.New("zendesk: ZENDESK_API_TOKEN is set but zendesk.email is empty (API-token auth needs the agent's email)")
		}
		cred = gozd.NewAPITokenCredential(strings.TrimSpace(cfg.Email), strings.TrimSpace(cfg.APIToken))
		c.credHint = "ZENDESK_API_TOKEN and zendesk.email"
	case cfg.Token != nil:
		c.credHint = "the stored sign-in ('partner-triage auth status', 'partner-triage auth login')"
	default:
		return nil, errors.New("zendesk: no credentials: run 'partner-triage auth login', or set ZENDESK_OAUTH_TOKEN, or ZENDESK_API_TOKEN together with zendesk.email")
	}
	if cfg.ViewID != 0 && strings.TrimSpace(cfg.Search) != "" {
		return nil, errors.New("zendesk: set either queue.view_id or queue.search, not both")
	}
	if cfg.ViewID < 0 {
		return nil, fmt.Errorf("zendesk: queue.view_id %d is not a view id", cfg.ViewID)
	}

	if cfg.MaxWait <= 0 {
		c.cfg.MaxWait = defaultMaxWait
	}
	if cfg.RequestTimeout <= 0 {
		c.cfg.RequestTimeout = defaultRequestTimeout
	}
	if cfg.Concurrency <= 0 {
		c.cfg.Concurrency = defaultConcurrency
	}
	if cfg.MaxResponseBytes <= 0 {
		c.cfg.MaxResponseBytes = defaultMaxResponse
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		cp := *cfg.HTTPClient // never modify the caller's client
		hc = &cp
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	// Never follow a redirect off the configured origin: the http client would carry the
	// Authorization header (and, on a 307, the body) to wherever it points.
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(req.URL, u) {
			return &offOriginError{target: req.URL.Scheme + "://" + req.URL.Host, origin: u.Scheme + "://" + u.Host}
		}
		if len(via) >= 5 {
			return errors.New("stopped after 5 redirects")
		}
		return nil
	}
	c.tr = &transport{
		base:           base,
		origin:         u,
		onRetry:        cfg.OnRetry,
		maxWait:        c.cfg.MaxWait,
		attemptTimeout: c.cfg.RequestTimeout,
		maxRetries:     6,
		backoffBase:    250 * time.Millisecond,
		backoffCap:     10 * time.Second,
		logf:           c.logf,
		userAgent:      userAgent,
		maxBody:        c.cfg.MaxResponseBytes,
	}
	hc.Transport = c.tr
	if cred == nil {
		hc.Transport = &bearerTransport{src: cfg.Token, next: c.tr}
	}
	api, _ := gozd.NewClient(hc) // never fails
	if cred != nil {
		api.SetCredential(cred)
	}
	if err := api.SetEndpointURL(u.String()); err != nil {
		return nil, fmt.Errorf("zendesk: URL %s: %v", u.Redacted(), err)
	}
	c.api = api
	c.sem = make(chan struct{}, c.cfg.Concurrency)
	return c, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// TicketURL is the agent-interface address of a ticket.
func (c *Client) TicketURL(id int64) string {
	return c.base.Scheme + "://" + c.base.Host + "/agent/tickets/" + strconv.FormatInt(id, 10)
}

// Source describes the queue source for the status bar.
func (c *Client) Source() string {
	if c.cfg.ViewID != 0 {
		return "view " + strconv.FormatInt(c.cfg.ViewID, 10)
	}
	return "search " + strconv.Quote(strings.TrimSpace(c.cfg.Search))
}

// RequestCount is the number of HTTP requests sent so far (every attempt counts).
func (c *Client) RequestCount() int64 { return c.tr.sent.Load() }

// logf logs through Config.Logf with any secret removed.
func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf == nil {
		return
	}
	c.cfg.Logf("%s", text.Line(c.scrub(fmt.Sprintf(format, args...))))
}

// SecretForms is every form in which the credentials could appear in a text: each token as
// it is, the Basic credential "email/token:TOKEN" and its base64 (with and without padding,
// standard and URL alphabets, as an echoed Authorization header would show it). Use it to
// redact anything printed or logged; Client's own errors and logs are already redacted.
func SecretForms(email, apiToken, oauthToken string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= 3 {
			out = append(out, s)
		}
	}
	email, apiToken, oauthToken = strings.TrimSpace(email), strings.TrimSpace(apiToken), strings.TrimSpace(oauthToken)
	if apiToken != "" {
		pair := email + "/token:" + apiToken
		add(pair)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			add(enc.EncodeToString([]byte(pair)))
		}
		add(apiToken)
	}
	add(oauthToken)
	// Longest first, so a base64 form is replaced whole before any shorter secret inside it.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// Redact removes every form of the client's credentials from s (see SecretForms).
func (c *Client) Redact(s string) string { return c.scrub(s) }

// scrub removes the credentials from a text.
func (c *Client) scrub(s string) string {
	secrets := c.secrets
	if ts, ok := c.cfg.Token.(interface{ Secrets() []string }); ok {
		secrets = append(secrets[:len(secrets):len(secrets)], ts.Secrets()...) // a sign-in's tokens change
	}
	for _, sec := range secrets {
		if len(sec) >= 3 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// errPath is the request path without its query, for error messages.
func errPath(path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		return path[:i]
	}
	return path
}

// do sends one request through go-zendesk and decodes a JSON answer into out (when non-nil).
// path is below the API base and carries its query.
func (c *Client) do(ctx context.Context, method, path string, body any, out any) error {
	if ctx == nil {
		ctx = context.Background() // go-zendesk panics on a nil context
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return c.convert(method, path, ctx.Err())
	}
	var data []byte
	var err error
	switch method {
	case http.MethodGet:
		data, err = c.api.Get(ctx, path)
	case http.MethodPut:
		data, err = c.api.Put(ctx, path, body)
	case http.MethodPost:
		data, err = c.api.Post(ctx, path, body)
	case http.MethodDelete:
		err = c.api.Delete(ctx, path)
	}
	<-c.sem
	if err != nil {
		var ze gozd.Error
		if errors.As(err, &ze) && ze.Status() >= 200 && ze.Status() < 300 {
			// go-zendesk wants exactly 204 from DELETE and 200/201 elsewhere; any 2xx is success.
			if out == nil {
				return nil
			}
			data = []byte(readAll(ze))
		} else {
			return c.convert(method, path, err)
		}
	}
	if out == nil || len(data) == 0 && method == http.MethodDelete {
		return nil
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = data
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return c.decodeErr(method, path, err)
	}
	return nil
}

// getBytes is a GET whose answer is decoded by the caller.
func (c *Client) getBytes(ctx context.Context, path string) ([]byte, error) {
	var data []byte
	err := c.do(ctx, http.MethodGet, path, nil, &data)
	return data, err
}

func (c *Client) decodeErr(method, path string, err error) error {
	return &DecodeError{Method: method, Path: errPath(path), Err: errors.New(c.scrub(describeJSONErr(err)))}
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	return c.do(ctx, http.MethodGet, path, nil, out)
}

func readAll(ze gozd.Error) string {
	b, _ := io.ReadAll(ze.Body())
	return string(b)
}

// convert turns go-zendesk and transport errors into this package's typed, secret-free errors.
func (c *Client) convert(method, path string, err error) error {
	p := errPath(path)
	var ze gozd.Error
	if errors.As(err, &ze) {
		e := parseAPIError(ze.Status(), []byte(readAll(ze)), method, p)
		// The answer's texts may echo what people typed: inert, and without a secret.
		e.Description = text.Line(c.scrub(e.Description))
		e.Code = text.Line(c.scrub(e.Code))
		for i := range e.Details {
			e.Details[i] = text.Line(c.scrub(e.Details[i]))
		}
		e.credential = c.credHint
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("%s %s: %w", method, p, context.Canceled)
		}
		return fmt.Errorf("%s %s: %w", method, p, context.DeadlineExceeded)
	}
	if ce, ok := asCredentialError(err); ok {
		return ce // nothing was sent: the sign-in itself needs attention
	}
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return &DecodeError{Method: method, Path: p, Err: tl}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text repeats the full URL; the path is enough
	}
	if msg := err.Error(); c.scrub(msg) != msg {
		err = errors.New(c.scrub(msg))
	}
	return &NetworkError{Method: method, Path: p, Err: err}
}

// describeJSONErr shortens encoding/json errors to something a person can place.
func describeJSONErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q has a %s where %s was expected", te.Field, te.Value, te.Type)
	}
	return err.Error()
}
