package tui_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/journal"
	"github.com/partner-triage/partner-triage/tui"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// storedSignIn stands for the sign-in auth login stored; refused turns it into one Zendesk
// no longer refreshes.
type storedSignIn struct{ refused atomic.Bool }

func (s *storedSignIn) AccessToken(context.Context) (string, error) {
	if s.refused.Load() {
		return "", errors.New("not signed in to the demo: Zendesk refused to refresh the sign-in; run `partner-triage auth login`")
	}
	return "tui-oauth-token", nil
}

func (s *storedSignIn) Renew(ctx context.Context, _ string) (string, error) {
	return s.AccessToken(ctx)
}

// When the sign-in is refused, a reload keeps the queue on screen and says why in the status
// bar, instead of leaving an empty queue.
func TestRefusedSignInKeepsQueueOnReload(t *testing.T) {
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithOAuthToken("tui-oauth-token"))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	src := &storedSignIn{}
	client, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Token: src, ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{srv: srv, rules: cfg.Rules(), journal: j}
	h.tm = teatest.NewTestModel(t, tui.New(tui.Options{Client: client, Rules: cfg.Rules(), Journal: j, NoColor: true,
		Now: func() time.Time { return fixedNow }}), teatest.WithInitialTermSize(200, 40))
	h.waitFor(t, "loaded 30 tickets")
	src.refused.Store(true)
	h.keys("r")
	h.waitFor(t, "not signed in")
	v := h.view(t)
	if !strings.Contains(v, "30 tickets") || !strings.Contains(v, "4001") {
		t.Errorf("the queue was lost after a refused reload:\n%s", v)
	}
	if !strings.Contains(v, "partner-triage auth login") {
		t.Errorf("the status bar does not say to sign in:\n%s", v)
	}
}
