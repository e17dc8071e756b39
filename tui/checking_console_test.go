package tui_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/journal"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/tui"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// checkingClient is the real client over the emulator, with a queue load that delivers
// page 1 twice, as the loader does to show it one round trip in: first Pending (the
// tickets and the list's sideloads, no verdict possible yet), then — once the test
// releases it — every page resolved.
type checkingClient struct {
	*zendesk.Client
	release chan struct{}
}

func (c *checkingClient) LoadQueue(ctx context.Context, onPage func(model.QueuePage)) error {
	var pages []model.QueuePage
	if err := c.Client.LoadQueue(ctx, func(p model.QueuePage) { pages = append(pages, p) }); err != nil {
		return err
	}
	first := pages[0]
	onPage(model.QueuePage{Pending: true, Tickets: first.Tickets, Users: first.Users,
		Organizations: first.Organizations, Loaded: first.Loaded, Total: first.Total})
	select {
	case <-c.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	for _, p := range pages {
		onPage(p)
	}
	return nil
}

// consoleWith starts the console at 80x24 over the demo emulator srv with the given client
// (made from the emulator's real client by wrap).
func consoleWith(t *testing.T, srv *zendesktest.Server, mod func(*zendesk.Config), wrap func(*zendesk.Client) tui.Client) *harness {
	t.Helper()
	cfg := config.Demo(srv.URL())
	zcfg := zendesk.Config{BaseURL: srv.URL(), Email: demoEmail, APIToken: demoToken, ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()}
	if mod != nil {
		mod(&zcfg)
	}
	zc, err := zendesk.New(zcfg)
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	m := tui.New(tui.Options{Client: wrap(zc), Rules: cfg.Rules(), Journal: j, NoColor: true, Now: func() time.Time { return fixedNow }})
	h := &harness{srv: srv, rules: cfg.Rules(), journal: j}
	h.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	return h
}

// Page 1 shows before its look-ups finish: every row says "… checking" instead of a
// verdict, the counts do not call it clean, f does nothing but say so; when the resolved
// page lands the badges show.
func TestQueueShowsRowsBeingCheckedThenVerdicts(t *testing.T) {
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken(demoEmail, demoToken))
	t.Cleanup(srv.Close)
	release := make(chan struct{})
	released := false
	t.Cleanup(func() {
		if !released {
			close(release)
		}
	})
	h := consoleWith(t, srv, nil, func(zc *zendesk.Client) tui.Client { return &checkingClient{Client: zc, release: release} })

	h.waitFor(t, "checking 30…", "… checking", "4001")
	h.keys("f")
	h.waitFor(t, "#4001 is still being checked")

	close(release)
	released = true
	h.waitFor(t, "loaded 30 tickets", "✗ mis")
	v := h.view(t)
	if strings.Contains(v, "checking") {
		t.Errorf("after the resolved page a row or count still says checking:\n%s", v)
	}
	if strings.Contains(v, "Fix #4001") {
		t.Errorf("f on a ticket being checked opened the wizard:\n%s", v)
	}
}

// The same through the real loader (zendesk.Config.ListedFirst, as the console is wired):
// while the organizations' list is held back, page 1's rows are on screen, being checked.
func TestConsoleShowsPageOneBeforeItsLookUps(t *testing.T) {
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken(demoEmail, demoToken))
	t.Cleanup(srv.Close)
	release := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open)
	srv.Inject(zendesktest.Fault{Method: "GET", PathPrefix: "/organizations.json", Times: 1, Before: func() { <-release }})
	h := consoleWith(t, srv, func(c *zendesk.Config) { c.ListedFirst = true }, func(zc *zendesk.Client) tui.Client { return zc })

	h.waitFor(t, "checking 30…", "… checking", "4001")
	open()
	h.waitFor(t, "loaded 30 tickets", "✗ mis", "16 flagged")
}
