package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// demoConsole is a console holding the demo desk, driven message by message.
func demoConsole(t *testing.T, w, h int) (*Model, *zendesktest.Server) {
	t.Helper()
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("a@b.test", "t"))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	c, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Email: "a@b.test", APIToken: "t", ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Client: c, Rules: cfg.Rules(), NoColor: true, Now: func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }})
	m.setSize(w, h)
	if err := c.LoadQueue(context.Background(), func(p model.QueuePage) { m.mergePage(p) }); err != nil {
		t.Fatal(err)
	}
	return &m, srv
}

func commentReads(srv *zendesktest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "/comments") {
			n++
		}
	}
	return n
}

// The detail shows the conversation — description, replies, the internal note marked —
// read with one request the first time and from the cache after.
func TestDetailConversationCached(t *testing.T) {
	m, srv := demoConsole(t, 100, 60)
	srv.ResetRequests()
	cmd := m.navigate(showDetailMsg{id: 4001})
	if cmd == nil {
		t.Fatal("opening the detail reads no conversation")
	}
	m.handle(cmd())
	v := m.detail.View()
	for _, want := range []string{"Conversation", "exec format error", "Graviton", "internal note", "Priya Raman"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	m.navigate(showQueueMsg{})
	if cmd := m.navigate(showDetailMsg{id: 4001}); cmd != nil {
		m.handle(cmd())
	}
	if n := commentReads(srv); n != 1 {
		t.Errorf("%d comment reads for two visits, want 1", n)
	}
	// A change to the ticket makes the next visit read it again.
	srv.UpdateTicketDirect(4001, func(tk *zendesktest.Ticket) { tk.Subject = "Runner fails after upgrade to 17.2 (arm64)" })
	page, err := m.s.client.ReloadTicket(context.Background(), 4001)
	if err != nil {
		t.Fatal(err)
	}
	m.mergePage(page)
	for _, msg := range m.s.takePending() { // as the root runs what a merge asks for
		if cmd := m.handle(msg); cmd != nil {
			m.handle(cmd())
		}
	}
	if n := commentReads(srv); n != 2 {
		t.Errorf("%d comment reads after the ticket changed, want 2", n)
	}
}

// A reload while a refresh is on its way drops that refresh's answer and does not stop
// the refreshes that follow.
func TestReloadDuringRefreshKeepsRefreshing(t *testing.T) {
	m, _ := demoConsole(t, 80, 24)
	m.opts.Refresh = time.Minute
	old := m.load
	if cmd := m.startRefresh(refreshTickMsg{load: old}); cmd == nil {
		t.Fatal("no refresh started")
	}
	m.navigate(reloadMsg{}) // r, while the refresh is in flight
	if m.cancel != nil {
		m.cancel() // the reload's stream is not needed here
	}
	m.handle(changesMsg{load: old}) // the stale answer
	m.loading = false               // as if the reload had finished
	if cmd := m.startRefresh(refreshTickMsg{load: m.load}); cmd == nil {
		t.Fatal("after a reload during a refresh, the live refresh stopped for good")
	}
}

// Trial 2, item 5: a comment's heading wider than the pane is cut with "…" by the
// conversation itself, never silently by the frame (the preview read "public · descripti").
func TestConversationHeadingCutSaysSo(t *testing.T) {
	m, _ := demoConsole(t, 100, 60)
	m.handle(m.navigate(showDetailMsg{id: 4001})())
	const width = 30
	v := renderConversation(m.s, 4001, width)
	cut := false
	for _, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) >= width {
			t.Errorf("line of %d cells in a %d-cell pane: %q", ansi.StringWidth(l), width, l)
		}
		cut = cut || strings.HasSuffix(l, "…")
	}
	if !cut {
		t.Errorf("no heading cut with …:\n%s", v)
	}
}

// After a submit the cursor moves on only from a ticket that is done: an ask (the ticket
// still waits for the answer) or a fix that left findings keeps it there. Asking on #4012
// put the cursor on #4001 at the top, and enter, f or x then acted on another ticket
// (trial 4).
func TestCursorStaysOnATicketThatStillNeedsWork(t *testing.T) {
	m, _ := demoConsole(t, 80, 24)
	for i, e := range m.queue.visible {
		if e.id == 4012 {
			m.queue.moveTo(i)
		}
	}
	if m.queue.selected() != 4012 {
		t.Fatal("#4012 not in the queue")
	}
	page, err := m.s.client.ReloadTicket(context.Background(), 4012)
	if err != nil {
		t.Fatal(err)
	}
	page.Tickets[0].Status, page.Tickets[0].UpdatedAt = "pending", page.Tickets[0].UpdatedAt.Add(time.Minute) // asked
	m.submitDone(submitDoneMsg{Outcome: apply.Outcome{TicketID: 4012, Reloaded: &page}})
	if got := m.queue.selected(); got != 4012 {
		t.Errorf("after asking on #4012 the cursor is on #%d", got)
	}
}
