package zendesk

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// A server that accepts the connection and never answers costs the call's budget (MaxWait),
// not 7 tries × RequestTimeout (issue 10: 432 s).
func TestHangingServerBoundedByTheCallBudget(t *testing.T) {
	s, c, _ := emu(t, zt.Demo(), func(cfg *Config) {
		cfg.RequestTimeout = 200 * time.Millisecond
		cfg.MaxWait = 300 * time.Millisecond
	})
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/organizations", Delay: time.Hour, Times: -1})
	_, err := loadAll(t, c)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a time-out", err)
	}
	if n := requestsTo(s, "/organizations"); n > 3 {
		t.Errorf("%d attempts at a server that never answers within a 300ms budget of 200ms attempts", n)
	}
}

// --timeout bounds the whole load and says so.
func TestLoadTimeoutBoundsTheLoad(t *testing.T) {
	s, c, _ := emu(t, zt.Demo(), func(cfg *Config) {
		cfg.RequestTimeout = time.Hour
		cfg.MaxWait = time.Hour
		cfg.LoadTimeout = 300 * time.Millisecond
	})
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/views/", Delay: time.Hour, Times: -1})
	_, err := loadAll(t, c)
	if err == nil || !strings.Contains(err.Error(), "--timeout") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want one naming --timeout", err)
	}
}

// --timeout bounds the audit as it bounds a queue load: a hanging organization search ends
// with an error that names the limit.
func TestLoadTimeoutBoundsTheAudit(t *testing.T) {
	s, c, _ := emu(t, zt.Demo(), func(cfg *Config) {
		cfg.RequestTimeout = time.Hour
		cfg.MaxWait = time.Hour
		cfg.LoadTimeout = 300 * time.Millisecond
	})
	s.Inject(zt.Fault{Method: "GET", PathPrefix: "/search/export", Delay: time.Hour, Times: -1})
	_, err := c.Audit(context.Background())
	if err == nil || !strings.Contains(err.Error(), "--timeout") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want one naming --timeout", err)
	}
}

// A Retry-After beyond the wait budget gives up at once; one near 2^63 s neither overflows into
// a 1 s retry nor waits.
func TestHugeRetryAfterGivesUpAtOnce(t *testing.T) {
	for _, ra := range []string{"3600", "9223372036854775807", "92233720368547758070", "1e300", "Inf"} {
		t.Run(ra, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.Header().Set("Retry-After", ra)
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			defer srv.Close()
			c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxWait = 5 * time.Second })
			err := c.get(context.Background(), "/x.json", &envelope{})
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != 429 {
				t.Fatalf("err = %v, want the 429", err)
			}
			if n := hits.Load(); n != 1 {
				t.Errorf("%d requests, want 1 (give up at once)", n)
			}
		})
	}
}

// Redirects off the configured origin are never followed: the other host sees no request,
// no credential and no body (issue 10: https→http sent both in clear; a 307 replayed a note).
func TestRedirectsOffTheOriginAreRefused(t *testing.T) {
	var mu sync.Mutex
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		leaked = append(leaked, fmt.Sprintf("%s %s auth=%q body=%q", r.Method, r.URL, r.Header.Get("Authorization"), b))
		mu.Unlock()
		fmt.Fprint(w, `{"ticket":{"id":1}}`)
	}))
	defer other.Close()
	for _, code := range []int{301, 302, 307, 308} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+r.URL.Path, code)
			}))
			defer origin.Close()
			c, _ := newTestClient(t, origin.URL, nil)
			errGet := c.get(context.Background(), "/tickets/1.json", &envelope{})
			errPut := c.do(context.Background(), http.MethodPut, "/tickets/1.json",
				map[string]any{"ticket": map[string]any{"comment": map[string]any{"body": "internal note", "public": false}}}, &envelope{})
			for _, err := range []error{errGet, errPut} {
				if err == nil || !strings.Contains(err.Error(), "refused") {
					t.Errorf("err = %v, want a refusal naming the origin", err)
				}
				assertNoToken(t, err)
			}
		})
	}
	t.Run("https to http on the same host", func(t *testing.T) {
		tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
		}))
		defer tls.Close()
		c, _ := newTestClient(t, tls.URL, func(cfg *Config) { cfg.HTTPClient = tls.Client() })
		err := c.do(context.Background(), http.MethodPut, "/tickets/1.json", map[string]any{"ticket": map[string]any{"comment": map[string]any{"body": "note"}}}, &envelope{})
		if err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("err = %v, want a refusal", err)
		}
	})
	mu.Lock()
	defer mu.Unlock()
	if len(leaked) > 0 {
		t.Errorf("requests reached another origin:\n%s", strings.Join(leaked, "\n"))
	}
}

// A server echoing the Authorization header (Basic base64, Bearer) never gets it printed: in
// errors of every kind or in the log.
func TestEchoedCredentialsAreRedacted(t *testing.T) {
	for _, oauth := range []bool{false, true} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			switch {
			case strings.Contains(r.URL.Path, "json"):
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"error":"Unauthorized","description":"bad header %s","details":{"a":[{"description":"%s"}]}}`, auth, auth)
			case strings.Contains(r.URL.Path, "plain"):
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, "you sent %s", auth)
			default:
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprintf(w, `{"errors":[{"title":"%s","detail":"%s"}]}`, auth, auth)
			}
		}))
		c, logs := newTestClient(t, srv.URL, func(cfg *Config) {
			if oauth {
				cfg.APIToken, cfg.OAuthToken = "", testToken
			}
		})
		basic := base64.StdEncoding.EncodeToString([]byte("agent@example.com/token:" + testToken))
		for _, p := range []string{"/json", "/plain", "/errors"} {
			err := c.get(context.Background(), p, &envelope{})
			if err == nil {
				t.Fatalf("%s: no error", p)
			}
			for _, secret := range []string{testToken, basic, basic[:len(basic)-2]} {
				if strings.Contains(err.Error(), secret) || strings.Contains(logs.all(), secret) {
					t.Errorf("oauth=%v %s: a form of the secret is printed: %v", oauth, p, err)
				}
			}
		}
		srv.Close()
	}
}

// One log line per request (method, path, status, duration, retries), and the retry is told
// to OnRetry in the words the status bar shows.
func TestDebugLogLineAndRetryEvents(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "0.05")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, `{"user":{"id":7}}`)
	}))
	defer srv.Close()
	var mu sync.Mutex
	var events []RetryEvent
	c, logs := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.OnRetry = func(e RetryEvent) { mu.Lock(); events = append(events, e); mu.Unlock() }
	})
	if err := c.get(context.Background(), "/users/7.json?x=1", &envelope{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.all(), "GET /api/v2/users/7.json?x=1 → 200 in ") || !strings.Contains(logs.all(), ", 1 retries") {
		t.Errorf("no per-request line:\n%s", logs.all())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 1 || events[0].String() != "retrying GET /users/7 (429, waiting 50ms)" {
		t.Errorf("events = %v", events)
	}
}

func TestRetryEventWording(t *testing.T) {
	for _, c := range []struct {
		ev   RetryEvent
		want string
	}{
		{RetryEvent{Method: "GET", Path: "/views/1/tickets", Status: 429, Reason: "429 Too Many Requests", Wait: 12 * time.Second}, "retrying GET /views/1/tickets (429, waiting 12s)"},
		{RetryEvent{Method: "GET", Path: "/organizations", Reason: "dial tcp 127.0.0.1:1: connect: connection refused", Wait: 660 * time.Millisecond}, "retrying GET /organizations (connection refused, waiting 660ms)"},
		{RetryEvent{Method: "GET", Path: "/organizations", Reason: "timed out after 30s", Wait: 2 * time.Second}, "retrying GET /organizations (timed out after 30s, waiting 2s)"},
	} {
		if got := c.ev.String(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
