package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

const testToken = "s3cr3t-T0KEN-value"

// logSink collects Logf lines.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) logf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *logSink) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func newTestClient(t *testing.T, url string, mod func(*Config)) (*Client, *logSink) {
	t.Helper()
	logs := &logSink{}
	cfg := Config{
		BaseURL:        url + "/api/v2",
		Email:          "agent@example.com",
		APIToken:       testToken,
		ViewID:         1,
		MaxWait:        10 * time.Second,
		RequestTimeout: 2 * time.Second,
		Logf:           logs.logf,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.tr.backoffBase = 10 * time.Millisecond
	c.tr.backoffCap = 50 * time.Millisecond
	t.Cleanup(func() {
		if strings.Contains(logs.all(), testToken) {
			t.Errorf("a log line carries the token:\n%s", logs.all())
		}
	})
	return c, logs
}

func assertNoToken(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testToken) {
		t.Fatalf("error carries the token: %v", err)
	}
}

func TestRetryAfter429ThenSuccess(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, `{"user":{"id":7,"email":"a@b.com"}}`)
	}))
	defer srv.Close()
	c, logs := newTestClient(t, srv.URL, nil)
	start := time.Now()
	var env envelope
	if err := c.get(context.Background(), "/users/7.json", &env); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("did not wait Retry-After: %s", d)
	}
	if env.User == nil || env.User.ID != 7 {
		t.Errorf("user not decoded: %+v", env.User)
	}
	if c.RequestCount() != 2 {
		t.Errorf("RequestCount = %d, want 2", c.RequestCount())
	}
	if !strings.Contains(logs.all(), "429") {
		t.Errorf("the wait was not logged: %q", logs.all())
	}
}

// A 429 closes a gate shared by every request of the client: requests started during the
// wait do not hit the server until Retry-After has passed.
func TestRetryAfterGateShared(t *testing.T) {
	var mu sync.Mutex
	var until time.Time
	var early, total int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		total++
		now := time.Now()
		if until.IsZero() {
			until = now.Add(time.Second)
			mu.Unlock()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if now.Before(until) {
			early++
		}
		mu.Unlock()
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	// The transport closes the shared gate, then logs the wait: the log line says the gate
	// is closed, so the other requests start during the wait (no sleeping and hoping).
	gateClosed := make(chan struct{})
	var once sync.Once
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) {
		inner := cfg.Logf
		cfg.Logf = func(format string, args ...any) {
			inner(format, args...)
			if strings.Contains(fmt.Sprintf(format, args...), "429") {
				once.Do(func() { close(gateClosed) })
			}
		}
	})
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := c.get(context.Background(), "/a.json", &envelope{}); err != nil {
			t.Error(err)
		}
	})
	<-gateClosed
	for i := 0; i < 5; i++ {
		wg.Go(func() {
			if err := c.get(context.Background(), fmt.Sprintf("/b%d.json", i), &envelope{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if early != 0 {
		t.Errorf("%d requests went out during the Retry-After wait", early)
	}
	if total != 7 {
		t.Errorf("server saw %d requests, want 7 (1 refused + 1 retry + 5)", total)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"1.5":                           1500 * time.Millisecond,
		"-2":                            0,
		"soon":                          0,
		"Fri, 02 Jan 2026 03:04:15 GMT": 10 * time.Second,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestGetRetriedOn5xx(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= 2 {
			http.Error(w, "oops", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, `{"users":[]}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, nil)
	if err := c.get(context.Background(), "/users.json", &envelope{}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 3 {
		t.Errorf("hits = %d, want 3", hits.Load())
	}
}

func TestWriteNotRetriedOn5xxButOn429(t *testing.T) {
	var hits atomic.Int32
	status := http.StatusBadGateway
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if status == http.StatusTooManyRequests && n == 1 {
			w.Header().Set("Retry-After", "0.1")
			w.WriteHeader(status)
			return
		}
		if status == http.StatusBadGateway {
			w.WriteHeader(status)
			return
		}
		fmt.Fprint(w, `{"ticket":{"id":5,"updated_at":"2026-01-01T00:00:00Z"}}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, nil)
	u := model.TicketUpdate{TicketID: 5, UpdatedStamp: time.Now(), Note: "x"}
	_, err := c.UpdateTicket(context.Background(), u)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadGateway {
		t.Fatalf("err = %v, want a 502 APIError", err)
	}
	if hits.Load() != 1 {
		t.Errorf("a PUT answered 502 was sent %d times, want 1", hits.Load())
	}
	hits.Store(0)
	status = http.StatusTooManyRequests
	tk, err := c.UpdateTicket(context.Background(), u)
	if err != nil || tk.ID != 5 {
		t.Fatalf("after a 429 the PUT should be resent: %v", err)
	}
	if hits.Load() != 2 {
		t.Errorf("hits = %d, want 2", hits.Load())
	}
}

// cutOff answers with a Content-Length longer than the body and closes the connection.
func cutOff(w http.ResponseWriter) {
	hj, _ := w.(http.Hijacker)
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"users\":[{\"id\":")
	buf.Flush()
	conn.Close()
}

func TestGetRetriedOnCutOffBody(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			cutOff(w)
			return
		}
		fmt.Fprint(w, `{"users":[{"id":1}]}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, nil)
	var env envelope
	if err := c.get(context.Background(), "/users.json", &env); err != nil {
		t.Fatal(err)
	}
	if len(env.Users) != 1 || hits.Load() != 2 {
		t.Errorf("users=%d hits=%d", len(env.Users), hits.Load())
	}
}

func TestWriteCutOffNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		cutOff(w)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, nil)
	_, err := c.UpdateTicket(context.Background(), model.TicketUpdate{TicketID: 1, UpdatedStamp: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Note: "x"})
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v, want NetworkError", err)
	}
	if !strings.Contains(err.Error(), "may or may not have been applied") {
		t.Errorf("error does not warn the write may have happened: %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("PUT sent %d times", hits.Load())
	}
}

func TestSlowResponseRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RequestTimeout = 150 * time.Millisecond })
	start := time.Now()
	if err := c.get(context.Background(), "/slow.json", &envelope{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s", d)
	}
	if hits.Load() != 2 {
		t.Errorf("hits = %d", hits.Load())
	}
}

func TestMalformedJSONNamesRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"tickets":[{"id":1,`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, nil)
	err := c.get(context.Background(), "/views/1/tickets.json?page%5Bsize%5D=100", &envelope{})
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want DecodeError", err)
	}
	if !strings.Contains(err.Error(), "GET /views/1/tickets.json") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error should name the request on one line: %q", err)
	}
}

func TestMaxWaitBoundsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "limited") {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":"TooManyRequests","description":"slow down"}`)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxWait = 300 * time.Millisecond })
	start := time.Now()
	err := c.get(context.Background(), "/limited.json", &envelope{})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 429 {
		t.Fatalf("err = %v, want a 429 APIError", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("waited %s although Retry-After exceeds MaxWait", time.Since(start))
	}
	if !strings.Contains(err.Error(), "rate limit") {
		t.Errorf("unclear: %v", err)
	}
	c.tr.maxRetries = 100
	start = time.Now()
	err = c.get(context.Background(), "/down.json", &envelope{})
	if !errors.As(err, &ae) || ae.Status != 503 {
		t.Fatalf("err = %v, want the last answer, a 503 APIError", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("gave up after %s, MaxWait is 300ms", time.Since(start))
	}
}

func TestContextCancelledDuringWait(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, nil)
	// Cancelled during the wait: the call returns at once with the cancellation.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.cfg.OnRetry = nil
	c.tr.onRetry = func(RetryEvent) { cancel() } // cancel as the wait begins
	start := time.Now()
	err := c.get(ctx, "/x.json", &envelope{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("ctx not honoured: %s", time.Since(start))
	}
	// A Retry-After beyond the context's deadline gives up at once with the 429.
	c, _ = newTestClient(t, srv.URL, nil)
	dctx, dcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer dcancel()
	start = time.Now()
	err = c.get(dctx, "/x.json", &envelope{})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 429 {
		t.Fatalf("err = %v, want the 429 at once", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("waited %s for a Retry-After past the deadline", time.Since(start))
	}
	// A nil context does not panic (go-zendesk would).
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{}`) }))
	defer srv2.Close()
	c2, _ := newTestClient(t, srv2.URL, nil)
	//nolint:staticcheck // deliberately nil
	if err := c2.get(nil, "/x.json", &envelope{}); err != nil {
		t.Fatal(err)
	}
}

func TestAuthErrorsNameTheCredentialAndHideTheToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A hostile or buggy server echoing the credential must not leak it.
		_, pw, _ := r.BasicAuth()
		bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]string{"error": "Couldn't authenticate you " + pw + bearer})
	}))
	defer srv.Close()
	c, logs := newTestClient(t, srv.URL, nil)
	_, _, err := c.FindUserByEmail(context.Background(), "x@y.com")
	if !IsAuthError(err) {
		t.Fatalf("IsAuthError(%v) = false", err)
	}
	assertNoToken(t, err)
	if !strings.Contains(err.Error(), "ZENDESK_API_TOKEN") || !strings.Contains(err.Error(), "zendesk.email") || !strings.Contains(err.Error(), "401") {
		t.Errorf("401 message: %v", err)
	}
	c2, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.APIToken = ""; cfg.OAuthToken = testToken })
	err = c2.LoadQueue(context.Background(), func(model.QueuePage) {})
	if !IsAuthError(err) || !strings.Contains(err.Error(), "ZENDESK_OAUTH_TOKEN") {
		t.Fatalf("bearer 401: %v", err)
	}
	assertNoToken(t, err)
	if strings.Contains(logs.all(), testToken) {
		t.Error("token logged")
	}
}

func TestForbiddenIsAuthError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"error":{"title":"Forbidden","message":"You do not have access to this page."}}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, nil)
	err := c.RemoveMembership(context.Background(), model.MembershipRemoval{MembershipID: 3, UserID: 1, OrganizationID: 2})
	if !IsAuthError(err) || !strings.Contains(err.Error(), "You do not have access") {
		t.Fatalf("403: %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	ok := Config{BaseURL: "https://acme.zendesk.com/api/v2", Email: "a@b.c", APIToken: testToken, ViewID: 1}
	cases := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"plain http", func(c *Config) { c.BaseURL = "http://acme.zendesk.com/api/v2" }, "https"},
		{"no url", func(c *Config) { c.BaseURL = "" }, "no URL"},
		{"malformed", func(c *Config) { c.BaseURL = "https://acme.zen desk.com/%zz" + testToken }, "not an http(s) URL"},
		{"userinfo", func(c *Config) { c.BaseURL = "https://agent:" + testToken + "@acme.zendesk.com/api/v2" }, "must not carry"},
		{"no creds", func(c *Config) { c.APIToken = "" }, "no credentials"},
		{"token without email", func(c *Config) { c.Email = "" }, "zendesk.email"},
		{"both sources", func(c *Config) { c.Search = "type:ticket" }, "not both"},
	}
	for _, tc := range cases {
		cfg := ok
		tc.mod(&cfg)
		_, err := New(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
		assertNoToken(t, err)
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: not one line: %q", tc.name, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:4000/api/v2", "http://localhost/api/v2", "http://[::1]:80/api/v2"} {
		cfg := ok
		cfg.BaseURL = u
		if _, err := New(cfg); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	cfg := ok
	cfg.BaseURL = "https://acme.zendesk.com/"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.base.String() != "https://acme.zendesk.com/api/v2" {
		t.Errorf("base = %s", c.base)
	}
	if got := c.TicketURL(42); got != "https://acme.zendesk.com/agent/tickets/42" {
		t.Errorf("TicketURL = %s", got)
	}
	if c.Source() != "view 1" {
		t.Errorf("Source = %s", c.Source())
	}
	cfg.ViewID, cfg.Search = 0, `type:ticket status<solved`
	c, _ = New(cfg)
	if c.Source() != `search "type:ticket status<solved"` {
		t.Errorf("Source = %s", c.Source())
	}
}

func TestNetworkErrorHidesToken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	c, _ := newTestClient(t, "http://"+addr, func(cfg *Config) { cfg.MaxWait = 200 * time.Millisecond })
	_, _, err = c.FindUserByEmail(context.Background(), "a@b.com")
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v", err)
	}
	assertNoToken(t, err)
	if IsAuthError(err) {
		t.Error("a refused connection is not an auth error")
	}
}
