package tui_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/journal"
	"github.com/partner-triage/partner-triage/model"
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

// plannedSteps is how many steps the console's plan for ticket id has, computed as the
// console does: the queue load, then the exact look-ups of the addresses the fix may use.
func (h *harness) plannedSteps(t *testing.T, id int64, opt model.PlanOptions) int {
	t.Helper()
	c, err := zendesk.New(zendesk.Config{BaseURL: h.srv.URL(), Email: demoEmail, APIToken: demoToken,
		ViewID: 360077000001, Rules: h.rules})
	if err != nil {
		t.Fatal(err)
	}
	dir := model.NewDirectory()
	var tk model.Ticket
	if err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
		dir.Merge(p)
		for _, x := range p.Tickets {
			if x.ID == id {
				tk = x
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	ev := model.Evaluate(h.rules, tk, dir)
	addrs := []string{ev.OrgEmail, opt.OrgEmail}
	for _, f := range ev.Findings {
		addrs = append(addrs, f.SuggestedEmail)
		addrs = append(addrs, f.MissingCCs...)
	}
	p, err := c.LookupPeople(context.Background(), addrs)
	if err != nil {
		t.Fatal(err)
	}
	dir.Merge(p)
	return len(model.BuildPlan(h.rules, tk, ev, dir, opt).Steps)
}

// The suggested address tomas@vandelay.io belongs to Tomas Brandt, whose only organization
// is Kramerica, and the queue load never brought him. The wizard asks Zendesk before it
// plans: it names Tomas, uses Kramerica, and Zendesk accepts the update (no 422).
func TestFixLooksUpSuggestedAddressOfExistingUser(t *testing.T) {
	h := startWith(t, zendesktest.PeopleDemo(), 120, 40, "loaded 37 tickets")
	n := h.plannedSteps(t, zendesktest.TicketOtherOrg, model.PlanOptions{})
	h.openFix(t, int(zendesktest.TicketOtherOrg))
	for i := 0; i < n; i++ {
		h.keys("space")
	}
	h.waitFor(t, "Review #8803", "existing user, Kramerica Industries")
	h.keys("y")
	h.waitFor(t, "Submitted")
	got, _ := h.srv.Ticket(zendesktest.TicketOtherOrg)
	if got.RequesterID != zendesktest.UserTomas || got.OrganizationID != zendesktest.OrgKramer {
		t.Errorf("requester %d, organization %d; want Tomas %d in Kramerica %d", got.RequesterID, got.OrganizationID,
			zendesktest.UserTomas, zendesktest.OrgKramer)
	}
	for _, c := range h.srv.Comments(zendesktest.TicketOtherOrg) {
		if strings.Contains(c.Body, "new end user") {
			t.Errorf("the note claims a new end user:\n%s", c.Body)
		}
	}
	h.view(t)
}

// An address the agent types is looked up before the plan uses it: Li Wen exists, so the
// review and the note name her instead of "new end user".
func TestTypedAddressOfExistingUserIsNamed(t *testing.T) {
	h := startWith(t, zendesktest.PeopleDemo(), 120, 40, "loaded 37 tickets")
	n := h.plannedSteps(t, 4006, model.PlanOptions{OrgEmail: "li.wen@globex.io"})
	h.openFix(t, 4006)
	h.keys("e")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.tm.Type("li.wen@globex.io")
	h.keys("enter")
	for i := 0; i < n; i++ { // typed ahead while Zendesk is asked: the keys wait for the plan
		h.keys("space")
	}
	h.waitFor(t, "Review #4006", "Li Wen <li.wen@globex.io> (existing user, Globex Logistics)")
	h.keys("y")
	h.waitFor(t, "Submitted")
	got, _ := h.srv.Ticket(4006)
	if got.RequesterID != zendesktest.UserLiWen {
		t.Errorf("requester %d, want Li Wen", got.RequesterID)
	}
	cs := h.srv.Comments(4006)
	if note := cs[len(cs)-1].Body; strings.Contains(note, "new end user") || !strings.Contains(note, "Li Wen") {
		t.Errorf("the note is not true:\n%s", note)
	}
	h.view(t)
}

// Priya owns the Organization Email as a secondary identity: no finding. A deleted
// requester is listed as not found and judged; nothing crashes.
func TestPeopleQueue(t *testing.T) {
	h := startWith(t, zendesktest.PeopleDemo(), 160, 60, "loaded 37 tickets")
	h.keys("/")
	h.tm.Type("88")
	h.keys("enter")
	h.waitFor(t, "8807")
	v := h.view(t)
	rows := 0
	for _, line := range strings.Split(v, "\n") {
		f := strings.Fields(strings.TrimLeft(line, " ▸>│"))
		if len(f) == 0 || (f[0] != "8801" && f[0] != "8802") {
			continue
		}
		rows++
		t.Logf("%s", line)
		if f[0] == "8801" && !strings.Contains(strings.Split(line, "│")[0], "✓") {
			t.Errorf("#8801 (E is Priya's secondary address) is flagged: %q", line)
		}
		left := strings.Split(line, "│")[0] // the list, not the preview beside it
		if f[0] == "8802" && !strings.Contains(left, "#361000000777") {
			t.Errorf("#8802 does not name its deleted requester: %q", line)
		}
	}
	if rows != 2 {
		t.Errorf("rows of 8801 and 8802 not found:\n%s", v)
	}
}

// The detail names a user without an email "(no email)" (never "<>"), a deleted submitter
// "not found", and warns that the Organization Email names a suspended user.
func TestDetailPeople(t *testing.T) {
	for _, tc := range []struct {
		id   int
		want []string
		not  []string
	}{
		{8805, []string{"Zoë 👩‍💻 Brandt (no email)"}, []string{"<>"}},
		{8807, []string{"user #361000000777 (not found)", "suspended in Zendesk (no CC email"}, nil},
		{8806, []string{"Requester     none"}, nil},
		{8804, []string{"Ola Nordmann is suspended in Zendesk"}, nil},
		{8801, []string{"p.raman@umbrella-labs.com (a secondary address of Priya Raman <priya@umbrella-labs.com>)"}, nil},
	} {
		t.Run(fmt.Sprint(tc.id), func(t *testing.T) {
			h := startWith(t, zendesktest.PeopleDemo(), 160, 50, "loaded 37 tickets")
			h.keys("/")
			h.tm.Type(fmt.Sprint(tc.id))
			h.keys("enter", "enter")
			h.waitFor(t, fmt.Sprintf("#%d ", tc.id), "Org Email")
			v := h.view(t)
			for _, w := range tc.want {
				if !strings.Contains(v, w) {
					t.Errorf("detail lacks %q:\n%s", w, v)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(v, w) {
					t.Errorf("detail shows %q:\n%s", w, v)
				}
			}
		})
	}
}

// In tmux a quick Esc j arrives as alt+j, and Esc Esc as alt+esc: the leading Esc is Esc.
func TestQuickEscArrivesAsAlt(t *testing.T) {
	h := start(t, 80, 24) // no preview beside the list: "Org Email" is the detail's
	h.keys("enter")
	h.waitFor(t, "#4001  ", "Org Email")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'j'}, Alt: true}) // Esc j: back, then down
	h.keys("enter")
	h.waitFor(t, "#4002  ", "Org Email")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyEsc, Alt: true}) // Esc Esc: back to the queue
	v := h.view(t)
	if strings.HasPrefix(v, "#4002") { // the queue's preview shows the ticket beside the list, the detail alone
		t.Fatalf("still on the detail after alt+esc:\n%s", v)
	}
}

// colourSGR finds a colour in raw output: SGR parameters 30–38, 40–48, 90–97 or 100–107.
func colourSGR(s string) string {
	for _, m := range regexp.MustCompile(`\x1b\[([0-9;:]*)m`).FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			if (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
				return strconv.Quote(m[0])
			}
		}
	}
	return ""
}

// rawView quits the program and renders its last frame with a true-colour profile, so any
// colour a widget keeps shows up as escape codes.
func (h *harness) rawView(t *testing.T) string {
	t.Helper()
	if err := h.tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := h.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	return m.View()
}

// NO_COLOR: every widget (help line and full help, the filter and edit inputs, the spinner)
// draws with bold, underline and reverse only. The golden holds the raw escape codes.
func TestNoColorEveryWidget(t *testing.T) {
	for _, tc := range []struct {
		name   string
		golden bool
		drive  func(h *harness)
	}{
		{"queue", true, func(h *harness) {}},
		{"help", true, func(h *harness) { h.keys("?"); h.waitFor(t, "close help") }},
		{"filter", false, func(h *harness) { h.keys("/"); h.tm.Type("acm"); h.waitFor(t, "/acm") }},
		{"wizard edit", false, func(h *harness) {
			h.openFix(t, 4003)
			h.keys("e")
			h.waitFor(t, "› ")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, 100, 30)
			tc.drive(h)
			raw := h.rawView(t)
			if c := colourSGR(raw); c != "" {
				t.Errorf("NO_COLOR frame has the colour %s", c)
			}
			if !strings.Contains(raw, "\x1b[") {
				t.Errorf("no emphasis at all: bold, underline and reverse should stay")
			}
			if tc.golden {
				var b strings.Builder
				for _, l := range strings.Split(raw, "\n") {
					b.WriteString(strconv.Quote(l) + "\n")
				}
				golden.RequireEqual(t, []byte(b.String()))
			}
		})
	}
}

// Text is wrapped and cut by terminal cells: wide names (CJK, emoji, "⚠️") and a word longer
// than the screen keep every line of the detail inside the terminal.
func TestWideTextStaysInside(t *testing.T) {
	ds := zendesktest.PeopleDemo()
	for i := range ds.Organizations {
		if ds.Organizations[i].ID == zendesktest.OrgAcme {
			ds.Organizations[i].Name = strings.Repeat("株式会社 ⚠️ ", 12) + strings.Repeat("Ж", 200)
		}
	}
	for i := range ds.Users {
		if ds.Users[i].Email == "jane@acme.com" {
			ds.Users[i].Name = "Zoë 👩‍💻 Brandt " + strings.Repeat("👩‍💻", 30)
		}
	}
	h := startWith(t, ds, 80, 60, "loaded 37 tickets")
	h.keys("/")
	h.tm.Type("4014")
	h.keys("enter", "enter")
	h.waitFor(t, "Org Email")
	v := h.view(t)
	for i, line := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(line); w > 80 {
			t.Errorf("line %d is %d cells wide: %q", i, w, line)
		}
	}
	// Wrapped, not cut: every word of the organization name is whole, the long one broken.
	if n := strings.Count(v, "株式会社"); n != 36 {
		t.Errorf("%d whole 株式会社, want 36 (12 in each of requester, organization and support basis):\n%s", n, v)
	}
	if n := strings.Count(v, "Ж"); n != 600 {
		t.Errorf("%d Ж of 600: the long word was cut, not wrapped:\n%s", n, v)
	}
}

// The Organization Email names a suspended user: the wizard and the review warn before the
// agent makes her the requester (the agent decides; nothing is refused).
func TestSuspendedRequesterWarns(t *testing.T) {
	h := startWith(t, zendesktest.PeopleDemo(), 120, 40, "loaded 37 tickets")
	n := h.plannedSteps(t, zendesktest.TicketSuspended, model.PlanOptions{})
	h.keys("/")
	h.tm.Type("8804")
	h.keys("enter", "f")
	h.waitFor(t, "Fix #8804", "suspended")
	for i := 0; i < n; i++ {
		h.keys("space")
	}
	h.waitFor(t, "Review #8804", "suspended")
	h.view(t)
}

// A bulk fix asks Zendesk about its addresses before planning too: Tomas is named with his
// Kramerica, not created anew in Vandelay.
func TestBulkFixLooksUpAddresses(t *testing.T) {
	h := startWith(t, zendesktest.PeopleDemo(), 160, 50, "loaded 37 tickets")
	h.keys("/")
	h.tm.Type("8803")
	h.keys("enter", "x", "F")
	h.waitFor(t, "Tomas Brandt <tomas@vandelay.io> (existing user, Kramerica Industries)")
	v := h.view(t)
	if strings.Contains(v, "new end user") {
		t.Errorf("the bulk review plans a new end user:\n%s", v)
	}
}

// Keys typed or sent faster than the terminal is read arrive as one message of several
// runes ("jjj", "/4035"): each is its own key press.
func TestKeyBurstIsSeveralKeys(t *testing.T) {
	h := start(t, 100, 30)
	h.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/4035")})
	h.keys("enter", "enter")
	h.waitFor(t, "#4035  ", "Org Email")
	h.keys("esc", "esc", "g") // back to the queue, filter cleared, top row
	h.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	h.keys("enter")
	h.waitFor(t, "#4004  ", "Org Email") // the fourth row: 4001, 4002, 4003, 4004
}

// While the filter line takes the keys, the footer offers only what works there: every
// other key (f, q, ?, j) types into the filter.
func TestFilterFooterListsOnlyFilterKeys(t *testing.T) {
	h := start(t, 100, 30)
	h.keys("/", "z")
	h.waitFor(t, "enter done", "esc clear filter")
	h.keys("enter")
	v := h.view(t)
	if !strings.Contains(v, "f fix") {
		t.Errorf("after enter the queue's keys are back:\n%s", v)
	}
}

// esc leaves the wizard for the screen the fix was started from: the queue, or the detail.
func TestEscFromWizardReturnsWhereTheFixStarted(t *testing.T) {
	h := start(t, 100, 30)
	h.keys("f")
	h.waitFor(t, "Fix #4001")
	h.keys("esc")
	h.waitFor(t, "fix abandoned: nothing was sent")
	h.keys("enter") // on the queue, enter opens the detail; on the detail it would do nothing
	h.waitFor(t, "#4001  ", "Org Email")
	h.keys("f")
	h.waitFor(t, "Fix #4001")
	h.keys("esc")
	h.keys("esc") // from the detail, esc goes back to the queue
	v := h.view(t)
	if !strings.Contains(v, "sorted findings first") {
		t.Errorf("two esc after a fix started on the detail did not reach the queue:\n%s", v)
	}
}
