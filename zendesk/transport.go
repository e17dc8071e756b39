package zendesk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Retry policy of the HTTP layer (see transport.RoundTrip):
//
//   - 429 Too Many Requests, any method: wait Retry-After (seconds or an HTTP date; 1 s when
//     absent), then send again. The wait is a gate shared by every request of the client, so
//     concurrent requests stop together instead of each hitting the limit again. Zendesk
//     rejects a rate-limited request before processing it, so re-sending a write after a 429 is
//     safe: it was never applied.
//   - 5xx, timeouts, refused/reset/cut-off connections: GET (idempotent reads) only, with capped
//     exponential back-off and jitter (a 503 Retry-After is honoured). Writes are never retried
//     on these: Zendesk may have applied them, so the error says so and the caller reloads.
//   - A call (every attempt and wait of one request) has a budget of MaxWait from its start,
//     and the request context's deadline when sooner. A wait that would end past the budget —
//     a Retry-After of an hour, or of 2^63 seconds — gives up at once with the last answer
//     (e.g. a 429 APIError); an attempt never runs past it.
//   - Each attempt has its own deadline (RequestTimeout), so a server that accepts the
//     connection and never answers costs one RequestTimeout per attempt, within the budget.
//   - Requests go only to the configured origin (scheme and host): anything else is refused
//     before it is sent, so credentials and bodies never leave it.
type transport struct {
	base           http.RoundTripper
	origin         *url.URL      // the only scheme://host requests may go to
	maxWait        time.Duration // the budget of one call, attempts and waits together
	attemptTimeout time.Duration // per attempt (0: none)
	maxRetries     int           // for 5xx/network errors on reads
	backoffBase    time.Duration
	backoffCap     time.Duration
	logf           func(string, ...any)
	onRetry        func(RetryEvent)
	sent           atomic.Int64
	gate           gate
	userAgent      string
	maxBody        int64 // bytes read per answer; more is ErrTooLarge
	// The last answer's X-Rate-Limit and X-Rate-Limit-Remaining (0: not seen).
	rateLimit, rateRemaining atomic.Int64
}

// rateLow reports whether the last answer said under a tenth of the rate limit is left.
func (t *transport) rateLow() bool {
	limit := t.rateLimit.Load()
	return limit > 0 && t.rateRemaining.Load()*10 < limit
}

// noteRate records the rate-limit headers of an answer.
func (t *transport) noteRate(h http.Header) {
	limit, err1 := strconv.ParseInt(h.Get("X-Rate-Limit"), 10, 64)
	left, err2 := strconv.ParseInt(h.Get("X-Rate-Limit-Remaining"), 10, 64)
	if err1 == nil && err2 == nil && limit > 0 && left >= 0 {
		t.rateLimit.Store(limit)
		t.rateRemaining.Store(left)
	}
}

// RetryEvent tells that a request is about to be sent again, and why: for a status line such
// as "retrying GET /views/1/tickets (429, waiting 12s)". It never carries a credential.
type RetryEvent struct {
	Method string        // GET, PUT, …
	Path   string        // the URL path, without the query
	Status int           // the answer that is retried (429, 503, …); 0 for a network error
	Reason string        // "429 Too Many Requests", "timed out after 30s", …
	Wait   time.Duration // before the next attempt
	Retry  int           // 1 for the first retry
}

// String is the status-bar wording: "retrying GET /views/1/tickets (429, waiting 12s)".
func (e RetryEvent) String() string {
	why := e.Reason
	if i := strings.LastIndex(why, ": "); i >= 0 {
		why = why[i+2:] // "dial tcp …: connect: connection refused" → "connection refused"
	}
	if e.Status != 0 {
		why = strconv.Itoa(e.Status)
	}
	return fmt.Sprintf("retrying %s %s (%s, waiting %s)", e.Method, e.Path, why, roundWait(e.Wait))
}

func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(10 * time.Millisecond)
}

// ErrTooLarge is an answer longer than Config.MaxResponseBytes. It is not retried.
var ErrTooLarge = errors.New("answer too large")

// tooLargeError says how large an answer was allowed to be.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the answer is larger than %s, the most read from one answer", formatBytes(e.limit))
}
func (e *tooLargeError) Unwrap() error { return ErrTooLarge }

// offOriginError is a request (or a redirect) to somewhere other than the configured origin.
type offOriginError struct{ target, origin string }

func (e *offOriginError) Error() string {
	return fmt.Sprintf("refused to send a request to %s: partner-triage talks only to %s (check zendesk.url; a redirect elsewhere is never followed)", e.target, e.origin)
}

func formatBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// gate holds every request of the client until a 429's Retry-After has passed.
type gate struct {
	mu    sync.Mutex
	until time.Time
}

func (g *gate) closeUntil(t time.Time) {
	g.mu.Lock()
	if t.After(g.until) {
		g.until = t
	}
	g.mu.Unlock()
}

// delay is how long a request must still wait at the gate.
func (g *gate) delay(now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.until.Sub(now)
}

// errGaveUp marks a call that spent its MaxWait budget.
type errGaveUp struct {
	attempts int
	waited   time.Duration
	last     error
}

func (e *errGaveUp) Error() string {
	return fmt.Sprintf("gave up after %d attempts over %s: %v", e.attempts, e.waited.Round(100*time.Millisecond), e.last)
}
func (e *errGaveUp) Unwrap() error { return e.last }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !sameOrigin(req.URL, t.origin) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &offOriginError{target: req.URL.Scheme + "://" + req.URL.Host, origin: t.origin.Scheme + "://" + t.origin.Host}
	}
	ctx := req.Context()
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead
	start := time.Now()
	deadline := start.Add(t.maxWait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	// fits: a wait of d still leaves an attempt minAttempt of the budget (no overflow for
	// huge d); otherwise the call gives up with what it has.
	fits := func(d time.Duration) bool { return d <= time.Until(deadline)-minAttempt }
	var waited time.Duration
	var lastErr error
	status, retries := 0, 0
	defer func() { // one line per request: method, path, status, duration, retries
		t.log("%s %s → %s in %s, %d retries", req.Method, logPath(req.URL), statusText(status, lastErr), time.Since(start).Round(time.Millisecond), retries)
	}()
	for attempt := 0; ; attempt++ {
		retries = attempt
		// The shared rate-limit gate.
		if d := t.gate.delay(time.Now()); d > 0 {
			if !fits(d) {
				if lastErr == nil {
					lastErr = fmt.Errorf("Zendesk asked every request to wait %s more (429 Retry-After), longer than this one may wait", roundWait(d))
				}
				return nil, &errGaveUp{attempt, waited, lastErr}
			}
			if err := sleep(ctx, d); err != nil {
				return nil, err
			}
			waited += d
		}
		resp, err := t.attempt(ctx, req, idempotent, time.Until(deadline))
		retryAfter := time.Duration(0)
		switch {
		case err != nil:
			lastErr = err
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !idempotent || !retryableNetErr(err) || attempt >= t.maxRetries {
				return nil, err
			}
			if v, _ := ctx.Value(noTimeoutRetry{}).(bool); v && strings.Contains(err.Error(), "timed out") {
				return nil, err // the caller asks again differently (a smaller page)
			}
		case resp.StatusCode == http.StatusTooManyRequests:
			status = resp.StatusCode
			retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			if retryAfter <= 0 {
				retryAfter = time.Second
			}
			if !fits(retryAfter) {
				return resp, nil // the caller turns it into a 429 APIError, at once
			}
			drain(resp)
			t.gate.closeUntil(time.Now().Add(retryAfter))
			lastErr = errors.New("429 Too Many Requests")
			t.retrying(req, attempt, 429, lastErr, retryAfter)
			continue // the gate does the waiting (and counts it)
		case resp.StatusCode >= 500 && idempotent && attempt < t.maxRetries:
			status = resp.StatusCode
			if resp.StatusCode == http.StatusServiceUnavailable {
				retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			}
			d := retryAfter
			if d <= 0 {
				d = t.backoff(attempt)
			}
			if !fits(d) {
				return resp, nil // out of patience: the caller reports this answer
			}
			drain(resp)
			lastErr = fmt.Errorf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
			retryAfter = d
		default:
			status, lastErr = resp.StatusCode, nil
			return resp, nil
		}
		d := retryAfter
		if d <= 0 {
			d = t.backoff(attempt)
		}
		if !fits(d) {
			return nil, &errGaveUp{attempt + 1, waited, lastErr}
		}
		code := 0
		if err == nil {
			code = status
		}
		t.retrying(req, attempt, code, lastErr, d)
		if err := sleep(ctx, d); err != nil {
			return nil, err
		}
		waited += d
	}
}

// retrying logs a retry and tells Config.OnRetry.
func (t *transport) retrying(req *http.Request, attempt, status int, why error, wait time.Duration) {
	t.log("%s %s: %v; retry %d in %s", req.Method, req.URL.Path, why, attempt+1, roundWait(wait))
	if t.onRetry != nil {
		path := strings.TrimSuffix(strings.TrimPrefix(req.URL.Path, t.origin.Path), ".json")
		t.onRetry(RetryEvent{Method: req.Method, Path: path, Status: status, Reason: why.Error(), Wait: wait, Retry: attempt + 1})
	}
}

// dateSink, a *time.Time in a request's context, receives the answer's Date header (the
// server's clock, which also stamps updated_at).
type dateSink struct{}

// minAttempt is the least budget worth starting another attempt with.
const minAttempt = 100 * time.Millisecond

// noTimeoutRetry, true in a request's context, makes a timed-out attempt the call's answer
// instead of retrying it: the caller has a better next step (a smaller page).
type noTimeoutRetry struct{}

// sameOrigin: the same scheme and host (with port) as the configured base.
func sameOrigin(u, origin *url.URL) bool {
	return u != nil && strings.EqualFold(u.Scheme, origin.Scheme) && strings.EqualFold(u.Host, origin.Host)
}

// logPath is the request's path and query for the debug log, the query cut to 120 bytes.
func logPath(u *url.URL) string {
	p := u.Path
	if u.RawQuery != "" {
		p += "?" + limitText(u.RawQuery, 120)
	}
	return p
}

func statusText(status int, err error) string {
	switch {
	case err != nil && status != 0:
		return fmt.Sprintf("%d (%v)", status, err)
	case err != nil:
		return err.Error()
	}
	return strconv.Itoa(status)
}

// attempt sends the request once. For reads the body is read here, so a connection cut off
// mid-body is retried like any other network failure.
func (t *transport) attempt(ctx context.Context, req *http.Request, idempotent bool, left time.Duration) (*http.Response, error) {
	limit := t.attemptTimeout
	if limit <= 0 || left < limit {
		limit = max(left, time.Millisecond) // never past the call's budget
	}
	actx, cancel := context.WithTimeout(ctx, limit)
	r := req.Clone(actx)
	if t.userAgent != "" {
		r.Header.Set("User-Agent", t.userAgent)
	}
	if req.Body != nil && req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, err
		}
		r.Body = b
	}
	t.sent.Add(1)
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		cancel()
		if actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			return nil, fmt.Errorf("timed out after %s", roundWait(limit))
		}
		return nil, err
	}
	t.noteRate(resp.Header)
	if sink, ok := ctx.Value(dateSink{}).(*time.Time); ok {
		if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
			*sink = d
		}
	}
	if t.maxBody > 0 && resp.ContentLength > t.maxBody {
		resp.Body.Close()
		cancel()
		return nil, &tooLargeError{t.maxBody}
	}
	rd := io.Reader(resp.Body)
	if t.maxBody > 0 {
		rd = io.LimitReader(resp.Body, t.maxBody+1)
	}
	body, err := io.ReadAll(rd)
	resp.Body.Close()
	cancel()
	if err == nil && t.maxBody > 0 && int64(len(body)) > t.maxBody {
		return nil, &tooLargeError{t.maxBody}
	}
	if err != nil {
		if actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			return nil, fmt.Errorf("timed out after %s reading the answer", roundWait(limit))
		}
		return nil, fmt.Errorf("answer cut off: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

func (t *transport) backoff(attempt int) time.Duration {
	d := t.backoffBase << min(attempt, 20)
	if d > t.backoffCap || d <= 0 {
		d = t.backoffCap
	}
	// Jitter: somewhere in [d/2, d].
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (t *transport) log(format string, args ...any) {
	if t.logf != nil {
		t.logf(format, args...)
	}
}

// retryableNetErr: timeouts, refused/reset connections, cut-off bodies — not TLS or URL errors.
func retryableNetErr(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "timed out") || strings.Contains(msg, "connection reset") ||
		strings.Contains(msg, "server closed") || strings.Contains(msg, "cut off") ||
		strings.Contains(msg, "EOF")
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		switch {
		case s < 0 || s != s: // negative or NaN
			return 0
		case s >= float64(math.MaxInt64/int64(time.Second)):
			return time.Duration(math.MaxInt64) // "forever": beyond any budget, never wrapped
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now)
	}
	return 0
}

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
