package tui_test

import (
	"context"
	"path/filepath"
	"strings"
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

// Page 1 shows before its look-ups finish: every row says "… checking" instead of a
// verdict, the counts do not call it clean, f does nothing but say so; when the resolved
// page lands the badges show.
func TestQueueShowsRowsBeingCheckedThenVerdicts(t *testing.T) {
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken(demoEmail, demoToken))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	zc, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Email: demoEmail, APIToken: demoToken,
		ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	client := &checkingClient{Client: zc, release: make(chan struct{})}
	released := false
	t.Cleanup(func() {
		if !released {
			close(client.release)
		}
	})
	m := tui.New(tui.Options{Client: client, Rules: cfg.Rules(), Journal: j, NoColor: true, Now: func() time.Time { return fixedNow }})
	h := &harness{srv: srv, rules: cfg.Rules(), journal: j}
	h.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))

	h.waitFor(t, "checking 30…", "… checking", "4001")
	h.keys("f")
	h.waitFor(t, "#4001 is still being checked")

	close(client.release)
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
