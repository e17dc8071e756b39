package tui_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/journal"
	"github.com/partner-triage/partner-triage/tui"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// startWith is start on a dataset of the test's own, waiting for "loaded N tickets".
func startWith(t *testing.T, ds zendesktest.Dataset, w, h int, loaded string) *harness {
	t.Helper()
	srv := zendesktest.NewServer(ds, zendesktest.WithAPIToken(demoEmail, demoToken))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	client, err := zendesk.New(zendesk.Config{
		BaseURL: srv.URL(), Email: demoEmail, APIToken: demoToken,
		ViewID: cfg.Queue.ViewID, Rules: cfg.Rules(),
	})
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{srv: srv, rules: cfg.Rules(), journal: j}
	m := tui.New(tui.Options{
		Client: client, Rules: cfg.Rules(), Journal: j, NoColor: true,
		Now:     func() time.Time { return fixedNow },
		OpenURL: func(u string) error { hs.opened = append(hs.opened, u); return nil },
	})
	hs.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	hs.waitFor(t, loaded)
	return hs
}

// hostileDemo is the demo desk where people typed terminal control sequences: an
// organization name that clears the screen, a user name that retitles the terminal, a
// subject that writes the clipboard (OSC 52) and a bidi override.
func hostileDemo() zendesktest.Dataset {
	ds := zendesktest.Demo()
	for i := range ds.Organizations {
		if ds.Organizations[i].ID == zendesktest.OrgAcme {
			ds.Organizations[i].Name = "Acme\x1b[2J\x1b[H Corporation"
		}
	}
	for i := range ds.Users {
		if ds.Users[i].Email == "jane@acme.com" {
			ds.Users[i].Name = "Jane\x1b]0;owned\x07 Porter\u202e"
		}
	}
	for i := range ds.Tickets {
		if ds.Tickets[i].ID == 4014 {
			ds.Tickets[i].Subject = "Runner \x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07autoscaling\r\ndrops \u009b2Jjobs"
		}
	}
	return ds
}

func assertInert(t *testing.T, where, view string) {
	t.Helper()
	// NO_COLOR and the Ascii profile draw no escape sequence of their own: any ESC, C1
	// control or bidi override on screen came from Zendesk data.
	if i := strings.IndexFunc(view, func(r rune) bool {
		return r == 0x1b || r == 0x07 || (r >= 0x80 && r <= 0x9f) || r == 0x202e
	}); i >= 0 {
		t.Fatalf("%s: a control from Zendesk reaches the terminal at byte %d: %q", where, i, view[max(0, i-20):min(len(view), i+40)])
	}
}

func TestHostileTextIsInert(t *testing.T) {
	h := startWith(t, hostileDemo(), 120, 40, "loaded 30 tickets")
	h.keys("/")
	h.keys(strings.Split("4014", "")...)
	h.keys("enter", "enter")
	h.waitFor(t, "autoscaling drops jobs")
	v := h.view(t)
	assertInert(t, "detail of #4014", v)
	for _, want := range []string{"Runner autoscaling drops jobs", "Jane Porter", "Acme Corporation"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
}

func TestHostileTextIsInertInQueue(t *testing.T) {
	h := startWith(t, hostileDemo(), 120, 40, "loaded 30 tickets")
	h.keys("/")
	h.keys(strings.Split("acme", "")...)
	h.keys("enter")
	h.waitFor(t, "4014")
	assertInert(t, "queue", h.view(t))
}
