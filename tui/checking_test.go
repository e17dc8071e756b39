package tui

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// emptyLoad is the real client with a queue load that finds nothing: a reload started by
// a test ends at once, with no page.
type emptyLoad struct{ Client }

func (emptyLoad) LoadQueue(context.Context, func(model.QueuePage)) error { return nil }

// demoPages loads the demo queue and returns a console over the same emulator (not
// loaded), with the pages and page 1 as the loader first delivers it: Pending.
func demoPages(t *testing.T, width, height int) (Model, []model.QueuePage, model.QueuePage) {
	t.Helper()
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("a@b.test", "t"))
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
	first := pages[0]
	pending := model.QueuePage{Pending: true, Tickets: first.Tickets, Users: first.Users,
		Organizations: first.Organizations, Loaded: first.Loaded, Total: first.Total}
	m := New(Options{Client: emptyLoad{c}, Rules: cfg.Rules(), NoColor: true,
		Now: func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }})
	m = step(m, tea.WindowSizeMsg{Width: width, Height: height})
	return m, pages, pending
}

func step(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	return m
}

func runes(s string) tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// A ticket delivered before its look-ups has no verdict anywhere: its row and the counts
// say it is being checked, no kind: or scenario: filter finds it (text does), the wide
// preview and the detail say what is being checked, and fix, ask and mark refuse with a
// status line instead of acting on a verdict that was never computed.
func TestTicketsBeingCheckedHaveNoVerdict(t *testing.T) {
	m, pages, pending := demoPages(t, 120, 40)
	m = step(m, pageMsg{load: m.load, page: pending})
	n := len(pending.Tickets)

	if m.queue.total != n || m.queue.checking != n || m.queue.flagged != 0 {
		t.Fatalf("counts: %d tickets, %d checking, %d flagged; want %d, %d, 0", m.queue.total, m.queue.checking, m.queue.flagged, n, n)
	}
	if bar := m.statusBar(); !strings.Contains(bar, "checking 30…") {
		t.Errorf("status bar does not say the tickets are being checked: %q", bar)
	}
	v := m.View()
	if !strings.Contains(v, "30 tickets · checking 30… · sorted") || strings.Contains(m.statusBar(), "flagged") {
		t.Errorf("queue header does not say the tickets are being checked:\n%s", v)
	}
	for _, e := range m.queue.entries {
		if !strings.HasSuffix(strings.TrimRight(e.line, " "), checkingBadge) {
			t.Errorf("row of #%d does not end with %q: %q", e.id, checkingBadge, e.line)
		}
	}
	if strings.ContainsAny(v, "✓✗") {
		t.Errorf("a verdict badge shows before any ticket was judged:\n%s", v)
	}
	if !strings.Contains(v, "… checking requester, organization and") {
		t.Errorf("the wide preview does not say the ticket is being checked:\n%s", v)
	}
	if len(m.s.tickets) != 0 || len(m.s.evals) != 0 {
		t.Errorf("unjudged tickets reached the session's judged tickets (%d) or verdicts (%d)", len(m.s.tickets), len(m.s.evals))
	}

	for filter, want := range map[string]int{"kind:none": 0, "kind:ask": 0, "scenario:unknown": 0, "4001": 1} {
		m.queue.filter.SetValue(filter)
		m.queue.refresh()
		if got := len(m.queue.visible); got != want {
			t.Errorf("filter %q keeps %d rows being checked, want %d", filter, got, want)
		}
	}
	m.queue.filter.SetValue("")
	m.queue.refresh()

	first := m.queue.selected()
	for _, k := range []string{"f", "a", "x"} {
		m.status = ""
		m = step(m, runes(k))
		if m.current != screenQueue || !strings.Contains(m.status, "is still being checked") {
			t.Errorf("%s on #%d: screen %d, status %q; want the queue and a status saying it is being checked", k, first, m.current, m.status)
		}
	}
	if len(m.s.marked) != 0 || m.queue.selected() != first {
		t.Errorf("x on a ticket being checked marked %v / moved to #%d", m.s.marked, m.queue.selected())
	}
	m = step(m, tea.KeyMsg{Type: tea.KeyEnter})
	if m.current != screenDetail || !strings.Contains(m.View(), "checking requester, organization and memberships") {
		t.Errorf("the detail of a ticket being checked does not say so:\n%s", m.View())
	}
	m.status = ""
	m = step(m, runes("f"))
	if m.current != screenDetail || !strings.Contains(m.status, "is still being checked") {
		t.Errorf("f in the detail: screen %d, status %q", m.current, m.status)
	}

	for _, p := range pages {
		m = step(m, pageMsg{load: m.load, page: p})
	}
	if len(m.s.checking) != 0 || m.queue.checking != 0 || m.queue.flagged == 0 {
		t.Errorf("after the resolved page: %d still checking, %d flagged", m.queue.checking, m.queue.flagged)
	}
	if v := m.View(); strings.Contains(v, "checking") || !strings.Contains(v, "Press f to walk through the fix") {
		t.Errorf("the detail did not turn into the verdict:\n%s", v)
	}
	if bar := m.statusBar(); strings.Contains(bar, "checking") {
		t.Errorf("status bar still says checking: %q", bar)
	}
}

// A load that fails after page 1 was listed leaves its tickets "not checked" (never a
// verdict, never "checking" forever); a reload drops them until it brings them again.
func TestFailedLoadLeavesTicketsNotChecked(t *testing.T) {
	m, _, pending := demoPages(t, 80, 24)
	m = step(m, pageMsg{load: m.load, page: pending},
		loadDoneMsg{load: m.load, err: errors.New("GET /users/show_many: 503 Service Unavailable")})
	if m.queue.stopped != len(pending.Tickets) || m.queue.checking != 0 {
		t.Fatalf("after the failed load: %d not checked, %d checking; want %d, 0", m.queue.stopped, m.queue.checking, len(pending.Tickets))
	}
	v := m.View()
	if !strings.Contains(v, stoppedBadge) || strings.Contains(v, checkingBadge) {
		t.Errorf("rows of a failed load do not say not checked:\n%s", v)
	}
	if !strings.Contains(v, "30 not checked") {
		t.Errorf("the counts do not say how many were not checked:\n%s", v)
	}
	m = step(m, runes("f"))
	if m.current != screenQueue || !strings.Contains(m.status, "was not checked") {
		t.Errorf("f on a ticket not checked: screen %d, status %q", m.current, m.status)
	}
	m = step(m, runes("r"))
	if m.queue.total != 0 || len(m.s.checking) != 0 {
		t.Errorf("reload kept %d rows without a verdict", m.queue.total)
	}
}

// A judged ticket delivered again as pending keeps its verdict while unchanged (a reload
// lists it again); changed, it loses the verdict until the resolved page judges the new
// version, and its row sorts after those that need work, before the clean.
func TestChangedTicketArrivingPendingLosesItsVerdict(t *testing.T) {
	m, pages, pending := demoPages(t, 80, 24)
	for _, p := range pages {
		m = step(m, pageMsg{load: m.load, page: p})
	}
	const id = 4001
	if len(m.s.evals[id].Findings) == 0 {
		t.Fatalf("#%d has no findings in the demo", id)
	}
	var again model.QueuePage
	for _, tk := range pending.Tickets {
		if tk.ID == id {
			again = model.QueuePage{Pending: true, Tickets: []model.Ticket{tk}}
		}
	}
	// Unchanged since it was judged (a reload lists it again): the verdict stands.
	m = step(m, pageMsg{load: m.load, page: again})
	if e := m.queue.byID[id]; len(m.s.evals[id].Findings) == 0 || e == nil || e.checking {
		t.Fatalf("#%d, unchanged, lost its verdict while listed again: %+v", id, e)
	}
	// Changed since: its old verdict no longer stands for it.
	again.Tickets[0].UpdatedAt = again.Tickets[0].UpdatedAt.Add(time.Minute)
	m = step(m, pageMsg{load: m.load, page: again})
	if _, ok := m.s.evals[id]; ok {
		t.Errorf("#%d kept its old verdict while its new version is being checked", id)
	}
	e := m.queue.byID[id]
	if e == nil || !e.checking || e.flagged {
		t.Fatalf("row of #%d: %+v, want a row being checked", id, e)
	}
	for i, x := range m.queue.entries {
		if x.id != id {
			continue
		}
		if i > 0 && m.queue.entries[i-1].rank > rankChecking || i+1 < len(m.queue.entries) && m.queue.entries[i+1].rank < rankChecking {
			t.Errorf("#%d being checked sorts at %d, not between the tickets to ask about and the clean ones", id, i)
		}
	}
}

// The "… checking" cell is drawn muted (grey) in colour and plain under NO_COLOR; the
// selected row stays one plain line under the selection's reverse video.
func TestCheckingCellStyle(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	for _, noColor := range []bool{false, true} {
		m, _, pending := demoPages(t, 80, 24)
		m.s.styles = DefaultStyles(noColor)
		m.queue.invalidate()
		m = step(m, pageMsg{load: m.load, page: pending})
		var second string // a row not under the cursor
		for _, l := range strings.Split(m.queue.View(), "\n") {
			if strings.Contains(l, "4002") {
				second = l
			}
		}
		colour := regexp.MustCompile(`\x1b\[[0-9;]*3[0-8][;m]`).MatchString(second)
		if noColor == colour || !strings.Contains(ansi.Strip(second), checkingBadge) {
			t.Errorf("NO_COLOR=%v: row %q (colour %v)", noColor, second, colour)
		}
	}
}

// A ticket shown pending that no resolved page brings left the queue during the load
// (solved between page 1's listing and its look-ups, or missing from the export that
// lists a search again): when the load finishes its row goes — it is neither "checking"
// forever nor "not checked", which would send the agent to reload for nothing.
func TestFinishedLoadDropsPendingTicketsItNeverResolved(t *testing.T) {
	m, pages, pending := demoPages(t, 80, 24)
	gone := pending.Tickets[0].ID
	m = step(m, pageMsg{load: m.load, page: pending})
	for _, p := range pages {
		p.Tickets = slices.DeleteFunc(slices.Clone(p.Tickets), func(t model.Ticket) bool { return t.ID == gone })
		m = step(m, pageMsg{load: m.load, page: p})
	}
	m = step(m, loadDoneMsg{load: m.load})
	if _, shown, ok := m.s.ticketShown(gone); ok || shown {
		t.Errorf("#%d, which left the queue during the load, is still shown", gone)
	}
	if m.queue.checking != 0 || m.queue.stopped != 0 || m.queue.total != len(pending.Tickets)-1 {
		t.Errorf("after the load: %d checking, %d not checked, %d rows; want 0, 0, %d", m.queue.checking, m.queue.stopped, m.queue.total, len(pending.Tickets)-1)
	}
	if v := m.View(); strings.Contains(v, "not checked") || strings.Contains(v, itoa(gone)+" ") {
		t.Errorf("the queue still shows #%d or a not-checked row:\n%s", gone, v)
	}
}

// A refresh that fails again in the same words after a newer message covered the first
// failure is a new report: the status bar shows it again (it stayed hidden, so a Zendesk
// outage looked over after the agent marked a ticket).
func TestRepeatedRefreshErrorShowsAgain(t *testing.T) {
	m, pages, _ := demoPages(t, 120, 40)
	for _, p := range pages {
		m = step(m, pageMsg{load: m.load, page: p})
	}
	m = step(m, loadDoneMsg{load: m.load})
	fail := changesMsg{load: m.load, err: errors.New("GET /incremental/tickets/cursor: 503 Service Unavailable")}
	m.refreshing = true
	m = step(m, fail)
	if bar := m.statusBar(); !strings.Contains(bar, "503") {
		t.Fatalf("status bar after the failed refresh = %q", bar)
	}
	m = step(m, runes("x"))
	if bar := m.statusBar(); strings.Contains(bar, "503") {
		t.Fatalf("the error outlived a newer action: %q", bar)
	}
	m.refreshing = true
	m = step(m, fail)
	if bar := m.statusBar(); !strings.Contains(bar, "503") {
		t.Errorf("the refresh failed again but the status bar says %q", bar)
	}
}

// r keeps the queue on screen, verdicts and order, until the reload's verdicts arrive: its
// first page listed (pending) changes nothing that has not changed (trial 3: every row
// turned "… checking" and the findings-first order was lost for a moment).
func TestReloadKeepsVerdictsUntilTheNewOnesArrive(t *testing.T) {
	m, pages, pending := demoPages(t, 80, 24)
	for _, p := range pages {
		m = step(m, pageMsg{load: m.load, page: p})
	}
	m = step(m, loadDoneMsg{load: m.load})
	before := m.queue.View()
	m = step(m, reloadMsg{})
	m = step(m, pageMsg{load: m.load, page: pending})
	if m.queue.checking != 0 || strings.Contains(m.queue.View(), "checking") {
		t.Fatalf("the reload's listed page turned rows to checking:\n%s", m.queue.View())
	}
	if got := m.queue.View(); got != before {
		t.Errorf("the queue changed before the reload's verdicts:\nbefore\n%s\nafter\n%s", before, got)
	}
	for _, p := range pages {
		m = step(m, pageMsg{load: m.load, page: p})
	}
	m = step(m, loadDoneMsg{load: m.load})
	if m.queue.checking != 0 || m.queue.flagged == 0 || m.queue.total != len(pending.Tickets) {
		t.Errorf("after the reload: %d checking, %d flagged, %d rows", m.queue.checking, m.queue.flagged, m.queue.total)
	}
}

// The progress counts the source's records listed against its count, and the end says of
// how many the queue kept: never "30/36" that stops short.
func TestLoadProgressAndNote(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{loadProgress(30, 36, 36), "loading 30 tickets · 36/36 listed…"},
		{loadProgress(12, 100, 2000), "loading 12 tickets · 100/2000 listed…"},
		{loadProgress(30, 36, -1), "loading 30 tickets…"},
		{loadedNote(30, 36), "loaded 30 tickets (of 36 listed)"},
		{loadedNote(30, 30), "loaded 30 tickets"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
}
