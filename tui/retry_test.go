package tui_test

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/journal"
	"github.com/partner-triage/partner-triage/tui"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// A slow retrying load says it is retrying (issue 16), then goes on to load the queue.
func TestStatusBarSaysRetrying(t *testing.T) {
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken(demoEmail, demoToken))
	t.Cleanup(srv.Close)
	srv.Inject(zendesktest.Fault{Method: "GET", PathPrefix: "/views/", Status: 429, RetryAfter: "1"})
	cfg := config.Demo(srv.URL())
	retries := make(chan string, 8)
	client, err := zendesk.New(zendesk.Config{
		BaseURL: srv.URL(), Email: demoEmail, APIToken: demoToken,
		ViewID: cfg.Queue.ViewID, Rules: cfg.Rules(),
		OnRetry: func(e zendesk.RetryEvent) { retries <- e.String() },
	})
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	m := tui.New(tui.Options{Client: client, Rules: cfg.Rules(), Journal: j, NoColor: true,
		Now: func() time.Time { return fixedNow }, Retries: retries})
	h := &harness{srv: srv, tm: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(140, 30))}
	h.waitFor(t, "retrying GET /views/"+strconv.FormatInt(cfg.Queue.ViewID, 10)+"/tickets (429, wait")
	h.waitFor(t, "loaded 30 tickets")
}
