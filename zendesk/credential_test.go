package zendesk

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/partner-triage/partner-triage/model"
	zt "github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// rotatingSource hands out a token Zendesk no longer accepts until it is asked to renew.
type rotatingSource struct {
	mu             sync.Mutex
	current, fresh string
	renewErr       error
	renewed        []string
}

func (s *rotatingSource) AccessToken(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current, nil
}

func (s *rotatingSource) Renew(_ context.Context, rejected string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.renewed = append(s.renewed, rejected)
	if s.renewErr != nil {
		return "", s.renewErr
	}
	s.current = s.fresh
	return s.current, nil
}

func TestTokenSourceWriteRetriedOnceAfter401WithItsBody(t *testing.T) {
	const good = "fresh-oauth-token-0123456789"
	src := &rotatingSource{current: "rotated-away-token-0123456789", fresh: good}
	s, c, logs := emu(t, zt.Demo(), func(cfg *Config) { cfg.Email, cfg.APIToken, cfg.Token = "", "", src }, zt.WithOAuthToken(good))
	tk, ok := s.Ticket(4001)
	if !ok {
		t.Fatal("no demo ticket")
	}
	_, err := c.UpdateTicket(context.Background(), model.TicketUpdate{TicketID: tk.ID, UpdatedStamp: tk.UpdatedAt,
		Note: "checked after a 401"})
	if err != nil {
		t.Fatalf("update after a 401: %v", err)
	}
	if len(src.renewed) != 1 || src.renewed[0] != "rotated-away-token-0123456789" {
		t.Errorf("renewed %q, want once with the refused token", src.renewed)
	}
	var puts []int
	for _, r := range s.Requests() {
		if r.Method == "PUT" {
			puts = append(puts, r.Status)
		}
	}
	if len(puts) != 2 || puts[0] != 401 || puts[1] != 200 {
		t.Errorf("PUT statuses %v, want [401 200]", puts)
	}
	cs := s.Comments(tk.ID)
	if last := cs[len(cs)-1]; !strings.Contains(last.Body, "checked after a 401") {
		t.Errorf("the note did not arrive whole: %q", last.Body)
	}
	for _, tok := range []string{good, "rotated-away-token"} {
		if strings.Contains(logs.all(), tok) {
			t.Error("a token was logged")
		}
	}
}

func TestTokenSourceRefusalIsCredentialError(t *testing.T) {
	refused := errors.New("not signed in to https://acme.zendesk.com: Zendesk refused to refresh; run `partner-triage auth login`")
	src := &rotatingSource{current: "dead-token-0123456789", renewErr: refused}
	s, c, _ := emu(t, zt.Demo(), func(cfg *Config) { cfg.Email, cfg.APIToken, cfg.Token = "", "", src }, zt.WithOAuthToken("other"))
	_, err := c.Me(context.Background())
	var ce *CredentialError
	if !errors.As(err, &ce) || !errors.Is(err, refused) || !IsAuthError(err) || err.Error() != refused.Error() {
		t.Fatalf("err = %v (%T)", err, err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests, want the one refused (no retry without a new token)", n)
	}
}

type secretSource struct{ rotatingSource }

func (s *secretSource) Secrets() []string { return []string{s.current} }

func TestTokenSourceSecretsRedactedFromErrors(t *testing.T) {
	const good = "echoed-oauth-token-0123456789"
	src := &secretSource{rotatingSource{current: good}}
	s, c, logs := emu(t, zt.Demo(), func(cfg *Config) { cfg.Email, cfg.APIToken, cfg.Token = "", "", src }, zt.WithOAuthToken(good))
	s.Inject(zt.Fault{PathPrefix: "/users/me", Status: 400, Body: `{"error":"BadRequest","description":"token ` + good + ` is odd"}`})
	_, err := c.Me(context.Background())
	if err == nil || strings.Contains(err.Error(), good) || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(logs.all(), good) {
		t.Error("the token was logged")
	}
}
