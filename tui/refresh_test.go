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

// startLive is start with the live refresh on, every 50 ms.
func startLive(t *testing.T, w, h int) *harness {
	t.Helper()
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken(demoEmail, demoToken))
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
		Refresh: 50 * time.Millisecond,
	})
	hs.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	hs.waitFor(t, "loaded 30 tickets")
	return hs
}

// While the console runs, Zendesk changes one ticket and gets a new one: the rows update
// (marked new and changed), the cursor stays on its ticket, and an open fix of a ticket
// that changes says so before anything is submitted.
func TestLiveRefreshKeepsCursorAndWizard(t *testing.T) {
	h := startLive(t, 120, 40)
	h.keys("j", "j") // 4003, shown in the preview
	h.waitFor(t, "│#4003  SAML")

	h.srv.UpdateTicketDirect(4005, func(tk *zendesktest.Ticket) { tk.Subject = "Geo lag now 9 hours" })
	add, _ := h.srv.Ticket(4001)
	add.ID, add.Subject, add.CreatedAt, add.UpdatedAt = 4040, "Registration token rejected", time.Time{}, time.Time{}
	h.srv.AddTicket(add)
	h.waitFor(t, "refreshed: 1 new, 1 changed, 0 gone")

	h.keys("f") // the fix starts on the ticket the cursor stayed on
	h.waitFor(t, "Fix #4003")
	h.srv.UpdateTicketDirect(4003, func(tk *zendesktest.Ticket) { tk.Status = "pending" })
	h.waitFor(t, "#4003 changed in Zendesk while you were fixing it")
	h.keys("!") // the status bar cuts a long message; ! shows it whole
	h.waitFor(t, "fixing it (Status: new →")
	h.keys("esc")
	if v := h.view(t); !strings.Contains(v, "Fix #4003") {
		t.Errorf("the wizard closed on a refresh:\n%s", v)
	}
}

// The new and the changed rows carry their marks, and the cursor did not move.
func TestLiveRefreshMarksRows(t *testing.T) {
	h := startLive(t, 120, 40)
	h.keys("j", "j")
	h.waitFor(t, "│#4003  SAML")
	h.srv.UpdateTicketDirect(4005, func(tk *zendesktest.Ticket) { tk.Subject = "Geo lag now 9 hours" })
	add, _ := h.srv.Ticket(4001)
	add.ID, add.Subject, add.CreatedAt, add.UpdatedAt = 4040, "Registration token rejected", time.Time{}, time.Time{}
	h.srv.AddTicket(add)
	h.waitFor(t, "refreshed: 1 new, 1 changed, 0 gone")
	v := h.view(t)
	var sawNew, sawChanged bool
	for _, line := range strings.Split(v, "\n") {
		list, _, _ := strings.Cut(line, "│")
		sawNew = sawNew || strings.Contains(list, "+4040") && strings.Contains(list, "Registration")
		sawChanged = sawChanged || strings.Contains(list, "•4005") && strings.Contains(list, "Geo lag now")
	}
	if !sawNew || !sawChanged {
		t.Errorf("new row marked %v, changed row marked %v:\n%s", sawNew, sawChanged, v)
	}
	if !strings.Contains(v, "│#4003  SAML") {
		t.Errorf("the preview (the cursor) left #4003:\n%s", v)
	}
}
