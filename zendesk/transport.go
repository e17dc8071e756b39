package zendesk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
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
//   - Every wait counts against MaxWait per call; when the next wait would exceed it the call
//     gives up with the last answer (e.g. a 429 APIError) or error.
//   - The request context is honoured at every wait and by every attempt.
type transport struct {
	base           http.RoundTripper
	maxWait        time.Duration
	attemptTimeout time.Duration // per attempt (0: none)
	maxRetries     int           // for 5xx/network errors on reads
	backoffBase    time.Duration
	backoffCap     time.Duration
	logf           func(string, ...any)
	sent           atomic.Int64
	gate           gate
	userAgent      string
	maxBody        int64 // bytes read per answer; more is ErrTooLarge
}

// ErrTooLarge is an answer longer than Config.MaxResponseBytes. It is not retried.
var ErrTooLarge = errors.New("answer too large")

// tooLargeError says how large an answer was allowed to be.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the answer is larger than %s, the most read from one answer", formatBytes(e.limit))
}
func (e *tooLargeError) Unwrap() error { return ErrTooLarge }

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
	ctx := req.Context()
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead
	var waited time.Duration
	var lastErr error
	for attempt := 0; ; attempt++ {
		// The shared rate-limit gate.
		if d := t.gate.delay(time.Now()); d > 0 {
			if waited+d > t.maxWait {
				if lastErr == nil {
					lastErr = errors.New("Zendesk asked to wait (429 Retry-After)")
				}
				return nil, &errGaveUp{attempt, waited, lastErr}
			}
			if err := sleep(ctx, d); err != nil {
				return nil, err
			}
			waited += d
		}
		resp, err := t.attempt(ctx, req, idempotent)
		retryAfter := time.Duration(0)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !idempotent || !retryableNetErr(err) || attempt >= t.maxRetries {
				return nil, err
			}
			lastErr = err
		case resp.StatusCode == http.StatusTooManyRequests:
			retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			if retryAfter <= 0 {
				retryAfter = time.Second
			}
			if waited+retryAfter > t.maxWait {
				return resp, nil // the caller turns it into a 429 APIError
			}
			drain(resp)
			t.gate.closeUntil(time.Now().Add(retryAfter))
			t.log("%s %s: 429 rate limited, waiting %s", req.Method, req.URL.Path, retryAfter)
			lastErr = errors.New("429 Too Many Requests")
			continue // the gate does the waiting (and counts it)
		case resp.StatusCode >= 500 && idempotent && attempt < t.maxRetries:
			if resp.StatusCode == http.StatusServiceUnavailable {
				retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			}
			d := retryAfter
			if d <= 0 {
				d = t.backoff(attempt)
			}
			if waited+d > t.maxWait {
				return resp, nil // out of patience: the caller reports this answer
			}
			drain(resp)
			lastErr = fmt.Errorf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
			retryAfter = d
		default:
			return resp, nil
		}
		d := retryAfter
		if d <= 0 {
			d = t.backoff(attempt)
		}
		if waited+d > t.maxWait {
			return nil, &errGaveUp{attempt + 1, waited, lastErr}
		}
		t.log("%s %s: %v; retry %d in %s", req.Method, req.URL.Path, lastErr, attempt+1, d.Round(time.Millisecond))
		if err := sleep(ctx, d); err != nil {
			return nil, err
		}
		waited += d
	}
}

// attempt sends the request once. For reads the body is read here, so a connection cut off
// mid-body is retried like any other network failure.
func (t *transport) attempt(ctx context.Context, req *http.Request, idempotent bool) (*http.Response, error) {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if t.attemptTimeout > 0 {
		actx, cancel = context.WithTimeout(ctx, t.attemptTimeout)
	}
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
			return nil, fmt.Errorf("timed out after %s", t.attemptTimeout)
		}
		return nil, err
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
			return nil, fmt.Errorf("timed out after %s reading the answer", t.attemptTimeout)
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
		if s < 0 {
			return 0
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
