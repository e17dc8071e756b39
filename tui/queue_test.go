package tui

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// A ticket with three finding kinds shows all three in a 14-cell column, not "+2".
func TestBadgeShowsEveryKind(t *testing.T) {
	ev := model.Evaluation{Findings: []model.Finding{
		{Kind: model.KindRequesterOrgMismatch, Severity: model.SeverityError},
		{Kind: model.KindCustomerEmailUnknown, Severity: model.SeverityError},
		{Kind: model.KindPartnerCCMissing, Severity: model.SeverityWarning},
	}}
	for _, tc := range []struct {
		width int
		want  string
	}{{40, "✗ mismatch unknown cc"}, {14, "✗ mis unk cc"}, {8, "✗ mis +2"}} {
		if got := badge(ev, tc.width); got != tc.want {
			t.Errorf("badge at %d cells = %q, want %q", tc.width, got, tc.want)
		}
	}
	if got := badge(model.Evaluation{Scenario: model.ScenarioUnknown}, 14); got != askBadge {
		t.Errorf("unknown-scenario ticket without findings shows %q, want %q (not clean)", got, askBadge)
	}
	if got := badge(model.Evaluation{Scenario: model.ScenarioCustomerAccount}, 14); got != "✓" {
		t.Errorf("clean ticket shows %q", got)
	}
}

// An unknown kind: word says so instead of showing an empty queue without a reason.
func TestUnknownKindFilterSaysSo(t *testing.T) {
	if _, msg := parseFilter("kind:selct"); !strings.Contains(msg, `"selct"`) {
		t.Errorf("kind:selct gives %q, want a message naming it", msg)
	}
	if _, msg := parseFilter("scenario:x"); !strings.Contains(msg, `unknown scenario "x"`) {
		t.Errorf("scenario:x gives %q, want a message naming it", msg)
	}
	for _, ok := range []string{"kind:sel", "kind:ask", "kind:none", "kind:partner_cc_missing", "text scenario:partner"} {
		if _, msg := parseFilter(ok); msg != "" {
			t.Errorf("%s gives %q, want no complaint", ok, msg)
		}
	}
}

// loadPages reads the queue of a synthetic desk as the console receives it.
func loadPages(t testing.TB, n int) (Options, []model.QueuePage) {
	t.Helper()
	srv := zendesktest.NewServer(zendesktest.Synthetic(n, 3), zendesktest.WithAPIToken("a@b.test", "t"))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	c, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Email: "a@b.test", APIToken: "t", ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	var pages []model.QueuePage
	if err := c.LoadQueue(context.Background(), func(p model.QueuePage) { pages = append(pages, p) }); err != nil {
		t.Fatal(err)
	}
	return Options{Client: c, Rules: cfg.Rules(), NoColor: true}, pages
}

// Judging only what a page changed gives the verdicts of judging everything at the end,
// whatever order people, organizations and tickets arrive in.
func TestIncrementalJudgingMatchesFull(t *testing.T) {
	opts, pages := loadPages(t, 1500)
	// Split the pages so people and organizations arrive apart from their tickets,
	// in a shuffled order.
	var parts []model.QueuePage
	for _, p := range pages {
		parts = append(parts, model.QueuePage{Tickets: p.Tickets},
			model.QueuePage{Users: p.Users}, model.QueuePage{Organizations: p.Organizations},
			model.QueuePage{Memberships: p.Memberships})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	m := New(opts)
	for _, p := range parts {
		m.mergePage(p)
	}
	if len(m.s.tickets) < 1000 {
		t.Fatalf("only %d tickets loaded", len(m.s.tickets))
	}
	for id, tk := range m.s.tickets {
		want := model.Evaluate(opts.Rules, tk, m.s.dir)
		if got := m.s.evals[id]; !reflect.DeepEqual(got, want) {
			t.Fatalf("#%d judged incrementally %+v, judged at the end %+v", id, got, want)
		}
	}
	// The rows are the rows a full preparation gives, in the same order.
	got := append([]*queueEntry(nil), m.queue.entries...)
	m.queue.rebuild()
	if len(got) != len(m.queue.entries) {
		t.Fatalf("%d rows incrementally, %d prepared at once", len(got), len(m.queue.entries))
	}
	for i := range got {
		if got[i].line != m.queue.entries[i].line {
			t.Fatalf("row %d: %q incrementally, %q prepared at once", i, got[i].line, m.queue.entries[i].line)
		}
	}
}

// ] and [ jump between tickets with findings; ctrl+d moves half a page.
func TestNavigationKeys(t *testing.T) {
	opts, pages := loadPages(t, 200)
	m := New(opts)
	m.setSize(80, 24)
	for _, p := range pages {
		m.mergePage(p)
	}
	m.queue.order = sortID
	m.queue.rebuild()
	m.queue.refresh()
	press := func(k tea.KeyMsg) { m.handle(k) }
	press(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("]")})
	first := m.queue.selected()
	if len(m.s.evals[first].Findings) == 0 {
		t.Fatalf("] selected #%d, which has no findings", first)
	}
	press(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("]")})
	second := m.queue.selected()
	if second <= first || len(m.s.evals[second].Findings) == 0 {
		t.Fatalf("second ] selected #%d after #%d", second, first)
	}
	for id := first + 1; id < second; id++ {
		if _, ok := m.s.tickets[id]; ok && len(m.s.evals[id].Findings) > 0 {
			t.Fatalf("] skipped #%d, which has findings", id)
		}
	}
	press(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("[")})
	if got := m.queue.selected(); got != first {
		t.Fatalf("[ went to #%d, want #%d", got, first)
	}
	before := m.queue.cursor
	press(tea.KeyMsg{Type: tea.KeyCtrlD})
	if got := m.queue.cursor - before; got != m.queue.rowsH/2 {
		t.Fatalf("ctrl+d moved %d rows, want %d", got, m.queue.rowsH/2)
	}
	press(tea.KeyMsg{Type: tea.KeyCtrlU})
	if m.queue.cursor != before {
		t.Fatalf("ctrl+u did not return to row %d (at %d)", before, m.queue.cursor)
	}
	// A click on the fourth row selects it.
	m.handle(tea.MouseMsg{X: 5, Y: 2 + 3, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if m.queue.cursor != m.queue.offset+3 {
		t.Fatalf("click on the fourth row left the cursor on %d (offset %d)", m.queue.cursor, m.queue.offset)
	}
	at := m.queue.cursor
	m.handle(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if m.queue.cursor != at+3 {
		t.Fatalf("the wheel moved the cursor from %d to %d, want 3 rows", at, m.queue.cursor)
	}
}

// c copies the selected ticket's agent URL and says so in the status bar.
func TestCopyURL(t *testing.T) {
	opts, pages := loadPages(t, 50)
	var copied []string
	opts.CopyText = func(s string) error { copied = append(copied, s); return nil }
	m := New(opts)
	for _, p := range pages {
		m.mergePage(p)
	}
	id := m.queue.selected()
	cmd := m.handle(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("c")})
	for _, p := range m.s.takePending() {
		cmd = m.handle(p)
	}
	if cmd == nil {
		t.Fatal("c gave no command")
	}
	m.handle(cmd())
	want := opts.Client.TicketURL(id)
	if len(copied) != 1 || copied[0] != want {
		t.Fatalf("copied %q, want [%s]", copied, want)
	}
	if !strings.Contains(m.status, want) {
		t.Errorf("status %q does not say what was copied", m.status)
	}
}

// Holding j starts one previewSettle timer, not one per key (each timer costs an Update
// and a View when it fires): a timer from an earlier move neither reads the conversation
// of a ticket the cursor only passed nor leaves the preview without one; the timer of the
// cursor's rest reads the conversation under it.
func TestPreviewSettleOneTimerWhileMoving(t *testing.T) {
	opts, pages := loadPages(t, 200)
	m := New(opts)
	m.setSize(120, 40)
	for _, p := range pages {
		m.mergePage(p)
	}
	m.s.takePending()
	q := m.queue
	timers := 0
	for range 20 {
		wasSettling := q.settling
		q.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
		if q.settling && !wasSettling {
			timers++
		}
	}
	if timers != 1 || q.moves < 20 {
		t.Fatalf("20 moves started %d timers (moves %d), want 1", timers, q.moves)
	}
	if cmd := q.Update(previewSettledMsg{seq: 1}); cmd == nil || !q.settling {
		t.Fatalf("the first move's timer, fired after more moves, did not wait for the rest")
	}
	if p := m.s.takePending(); len(p) != 0 {
		t.Fatalf("a passed-over ticket's conversation was read: %v", p)
	}
	q.Update(previewSettledMsg{seq: q.moves})
	p := m.s.takePending()
	if len(p) != 1 || p[0] != (loadConversationMsg{id: q.previewID}) {
		t.Fatalf("after the rest: %v, want the conversation of #%d read", p, q.previewID)
	}
}
