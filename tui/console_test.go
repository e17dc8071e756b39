package tui_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
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

// The console is driven against the real client over loopback HTTP to the emulator.
const (
	demoEmail = "agent@demo.test"
	demoToken = "tui-test-token"
)

// fixedNow pins ages in the golden files.
var fixedNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

type harness struct {
	srv     *zendesktest.Server
	tm      *teatest.TestModel
	rules   model.RuleConfig
	journal *journal.File
	opened  []string
	// openedCh receives every URL the console opens (the opener runs in a command's
	// goroutine, so tests wait on it instead of reading opened).
	openedCh chan string
}

func start(t *testing.T, w, h int) *harness {
	t.Helper()
	return startOpts(t, w, h, nil)
}

// startOpts is start with options changed by mod (nil: none) before the console starts.
func startOpts(t *testing.T, w, h int, mod func(*tui.Options)) *harness {
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
	hs := &harness{srv: srv, rules: cfg.Rules(), journal: j, openedCh: make(chan string, 8)}
	opts := tui.Options{
		Client: client, Rules: cfg.Rules(), Journal: j, NoColor: true,
		Now:     func() time.Time { return fixedNow },
		OpenURL: func(u string) error { hs.openedCh <- u; return nil },
	}
	if mod != nil {
		mod(&opts)
	}
	m := tui.New(opts)
	hs.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	hs.waitFor(t, "loaded 30 tickets")
	return hs
}

// waitFor waits until the output drawn since the previous wait contains every one of the
// strings (teatest hands the condition everything read so far in this wait).
func (h *harness) waitFor(t *testing.T, want ...string) {
	t.Helper()
	teatest.WaitFor(t, h.tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func (h *harness) keys(keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			h.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		case "esc":
			h.tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
		case "space":
			h.tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		default:
			h.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
}

// view quits the program and returns its last frame.
func (h *harness) view(t *testing.T) string {
	t.Helper()
	if err := h.tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return h.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
}

func orgEmail(t zendesktest.Ticket, field int64) string {
	for _, cf := range t.CustomFields {
		if cf.ID == field {
			s, _ := cf.Value.(string)
			return s
		}
	}
	return ""
}

// The handbook's example 1 fix, end to end: a mistyped customer address on ticket 4001 is
// corrected, the requester changed to the real customer, the organization set, and the
// ticket on the emulator then carries all of it plus an internal note.
func TestMismatchFixRoundTrip(t *testing.T) {
	h := start(t, 80, 24)
	h.keys("/")
	h.tm.Type("jane@acme.cmo")
	h.keys("enter")
	h.waitFor(t, "filter: jane@acme.cmo")
	h.keys("f")
	h.waitFor(t, "Fix #4001", "jane@acme.com")
	h.keys("space", "space", "space", "n") // email, requester, organization accepted; CC skipped
	h.waitFor(t, "5. Internal note")
	h.keys("space")
	h.waitFor(t, "Review #4001")
	h.keys("y")
	h.waitFor(t, "Submitted", "no findings left")

	got, ok := h.srv.Ticket(4001)
	if !ok {
		t.Fatal("ticket 4001 missing on the emulator")
	}
	if e := orgEmail(got, h.rules.OrgEmailField); e != "jane@acme.com" {
		t.Errorf("Organization Email on Zendesk = %q, want jane@acme.com", e)
	}
	req, _ := h.srv.User(got.RequesterID)
	if req.Email != "jane@acme.com" {
		t.Errorf("requester on Zendesk = %q, want jane@acme.com", req.Email)
	}
	org, _ := h.srv.Organization(got.OrganizationID)
	if org.Name != "Acme Corporation" {
		t.Errorf("organization on Zendesk = %q, want Acme Corporation", org.Name)
	}
	if len(got.EmailCCIDs) != 0 {
		t.Errorf("email CCs = %v, want none (the CC step was skipped)", got.EmailCCIDs)
	}
	comments := h.srv.Comments(4001)
	if n := len(comments); n == 0 || comments[n-1].Public || !strings.Contains(comments[n-1].Body, "jane@acme.com") {
		t.Errorf("last comment = %+v, want a private note naming jane@acme.com", comments)
	}
	if e, ok, _ := h.journal.Last(); !ok || e.TicketID != 4001 {
		t.Errorf("journal last = %+v %v, want the change to 4001", e, ok)
	}
	golden.RequireEqual(t, []byte(h.view(t)))
}

// A 409: somebody edits the ticket between load and submit. Nothing is overwritten, the
// ticket is reloaded and the screen says so.
func TestConflictReloadsInsteadOfOverwriting(t *testing.T) {
	h := start(t, 80, 24)
	h.keys("/")
	h.tm.Type("4004")
	h.keys("enter", "f")
	h.waitFor(t, "Fix #4004")
	h.srv.UpdateTicketDirect(4004, func(tk *zendesktest.Ticket) { tk.Subject = "Edited by another agent" })
	h.keys("space", "space") // organization, internal note
	h.waitFor(t, "Review #4004")
	h.keys("y")
	h.waitFor(t, "nothing was overwritten")
	got, _ := h.srv.Ticket(4004)
	if got.OrganizationID != 0 {
		t.Errorf("organization on Zendesk = %d, want still none after the refused update", got.OrganizationID)
	}
	if v := h.view(t); !strings.Contains(v, "changed in Zendesk") || !strings.Contains(v, "Subject: ") ||
		!strings.Contains(v, "Edited by another agent") {
		t.Errorf("final view does not explain the conflict and what changed:\n%s", v)
	}
}

// Golden frames of every screen at the two sizes the console must handle.
func TestScreensGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		name := fmt.Sprintf("%dx%d", size[0], size[1])
		t.Run(name+"/queue", func(t *testing.T) {
			h := start(t, size[0], size[1])
			golden.RequireEqual(t, []byte(h.view(t)))
		})
		t.Run(name+"/detail", func(t *testing.T) {
			h := start(t, size[0], size[1])
			h.keys("enter")
			if size[1] >= 40 {
				h.waitFor(t, "Org Email", "internal note") // the conversation is on screen at this height
			} else { // the conversation, below, loaded: the more-below count includes it
				h.waitFor(t, "Org Email", "16 more lines below")
			}
			golden.RequireEqual(t, []byte(h.view(t)))
		})
		t.Run(name+"/wizard", func(t *testing.T) {
			h := start(t, size[0], size[1])
			h.keys("f")
			h.waitFor(t, "Fix #4001", "▸ 1. Organization Email") // after the people look-up
			golden.RequireEqual(t, []byte(h.view(t)))
		})
		t.Run(name+"/review", func(t *testing.T) {
			h := start(t, size[0], size[1])
			h.keys("f", "space", "space", "space", "space", "space")
			h.waitFor(t, "Review #4001")
			golden.RequireEqual(t, []byte(h.view(t)))
		})
		t.Run(name+"/help", func(t *testing.T) {
			h := start(t, size[0], size[1])
			h.keys("?")
			h.waitFor(t, "close help")
			golden.RequireEqual(t, []byte(h.view(t)))
		})
	}
}

// A terminal shrunk to 60x16 keeps id, scenario, requester, org and findings in view.
func TestResizeNarrow(t *testing.T) {
	h := start(t, 80, 24)
	h.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 16})
	h.waitFor(t, "Finding")
	v := h.view(t)
	for i, line := range strings.Split(v, "\n") {
		if w := lipgloss.Width(line); w > 60 {
			t.Errorf("line %d is %d columns wide, want at most 60: %q", i, w, line)
		}
	}
	golden.RequireEqual(t, []byte(v))
}

// Filtering by finding kind keeps only matching tickets; esc clears it.
func TestFilterByKind(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("select_partner_association")
	h.keys("enter")
	h.waitFor(t, "filter: select_partner_association")
	v := h.view(t)
	for _, id := range []string{"4016", "4017", "4018", "4019", "4031"} {
		if !strings.Contains(v, id) {
			t.Errorf("filtered queue lacks %s:\n%s", id, v)
		}
	}
	if strings.Contains(v, "4007") {
		t.Errorf("filtered queue still shows 4007 (no select finding):\n%s", v)
	}
}

// kind: and scenario: words look only at those columns: "kind:cc" keeps the three tickets
// with a partner_cc_missing finding, not every subject that happens to contain "cc".
func TestFilterKindAndScenarioWords(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("kind:cc")
	h.keys("enter")
	h.waitFor(t, "(3 of 30")
	h.keys("/")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.tm.Type("scenario:partner kind:none")
	h.keys("enter")
	h.waitFor(t, "filter: scenario:partner kind:none")
	v := h.view(t)
	if !strings.Contains(v, "4010") || !strings.Contains(v, "4011") || strings.Contains(v, "4001") {
		t.Errorf("scenario:partner kind:none should keep the clean partner tickets only:\n%s", v)
	}
}

// o opens the selected ticket's agent URL.
func TestOpenInBrowser(t *testing.T) {
	h := start(t, 80, 24)
	h.keys("o")
	select {
	case u := <-h.openedCh:
		if !strings.HasSuffix(u, "/agent/tickets/4001") {
			t.Fatalf("opened %v, want the agent URL of 4001", u)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("o opened nothing")
	}
	h.view(t)
	if len(h.openedCh) != 0 {
		t.Errorf("o opened more than one page")
	}
}

// Undo reverts the last change and records it, so a second undo has nothing left.
func TestUndoRevertsLastChange(t *testing.T) {
	h := start(t, 80, 24)
	h.keys("/")
	h.tm.Type("4004")
	h.keys("enter", "f")
	h.waitFor(t, "Fix #4004")
	h.keys("space", "space") // organization, internal note
	h.waitFor(t, "Review #4004")
	h.keys("y")
	h.waitFor(t, "Submitted")
	if got, _ := h.srv.Ticket(4004); got.OrganizationID == 0 {
		t.Fatal("the fix did not set an organization on 4004")
	}
	h.keys("esc", "u")
	h.waitFor(t, "Undo #")
	h.keys("y")
	h.waitFor(t, "Reverted")
	if got, _ := h.srv.Ticket(4004); got.OrganizationID != 0 {
		t.Errorf("after undo the organization is %d, want none again", got.OrganizationID)
	}
	h.keys("esc", "u")
	h.waitFor(t, "nothing to undo")
	h.view(t)
}

// openFix filters the queue to one ticket and starts its fix wizard.
func (h *harness) openFix(t *testing.T, id int) {
	t.Helper()
	h.keys("/")
	h.tm.Type(fmt.Sprint(id))
	h.keys("enter", "f")
	h.waitFor(t, fmt.Sprintf("Fix #%d", id))
}

// submit accepts the review and waits for the outcome.
func (h *harness) submit(t *testing.T, id int, want string) {
	t.Helper()
	h.waitFor(t, fmt.Sprintf("Review #%d", id))
	h.keys("y")
	h.waitFor(t, want)
}

// Example 1 with no user yet for the customer's address: the requester is created by
// email and the (edited) name in the same update, and the ticket moves to the customer org.
func TestWizardCreatesRequesterWithEditedName(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4003)
	h.keys("e")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.tm.Type("Ines Alvarez")
	h.keys("enter")
	h.waitFor(t, "Ines Alvarez")
	h.keys("space", "space", "n", "space") // requester, organization, no CC, note
	h.submit(t, 4003, "Submitted")
	got, _ := h.srv.Ticket(4003)
	req, _ := h.srv.User(got.RequesterID)
	if req.Email != "it-admin@fabrikam.com" || req.Name != "Ines Alvarez" {
		t.Errorf("requester = %q <%s>, want Ines Alvarez <it-admin@fabrikam.com>", req.Name, req.Email)
	}
	if org, _ := h.srv.Organization(got.OrganizationID); org.Name != "Fabrikam Manufacturing" {
		t.Errorf("organization = %q, want Fabrikam Manufacturing", org.Name)
	}
	h.view(t)
}

// Editing the Organization Email re-plans the requester and organization from the new address.
func TestWizardEditedOrgEmailReplans(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4001)
	h.keys("e")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.tm.Type("tom.reyes@acme.com")
	h.keys("enter")
	h.waitFor(t, "+ tom.reyes@acme.com")
	h.keys("space", "space", "space", "n", "space")
	h.submit(t, 4001, "Submitted")
	got, _ := h.srv.Ticket(4001)
	if e := orgEmail(got, h.rules.OrgEmailField); e != "tom.reyes@acme.com" {
		t.Errorf("Organization Email = %q, want tom.reyes@acme.com", e)
	}
	if req, _ := h.srv.User(got.RequesterID); req.Email != "tom.reyes@acme.com" {
		t.Errorf("requester = %q, want tom.reyes@acme.com", req.Email)
	}
	h.view(t)
}

// Example 2: the partner asked to be CC'd; the wizard adds the missing CC.
func TestWizardAddsMissingPartnerCC(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4007)
	h.keys("space", "space")
	h.submit(t, 4007, "Submitted")
	got, _ := h.srv.Ticket(4007)
	marco, _ := h.srv.UserByEmail("marco.bianchi@northwind-devops.com")
	found := false
	for _, id := range got.EmailCCIDs {
		found = found || id == marco.ID
	}
	if !found {
		t.Errorf("email CCs %v lack marco.bianchi (%d)", got.EmailCCIDs, marco.ID)
	}
	h.view(t)
}

// A customer inside a Select partner's organization: the one offending membership is removed,
// nothing else (the user and both organizations stay).
func TestWizardRemovesSelectMembership(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4016)
	ben, _ := h.srv.UserByEmail("ben.carter@wingtipbank.com")
	before := len(h.srv.Memberships(ben.ID))
	h.keys("space", "space")
	h.submit(t, 4016, "no findings left")
	after := h.srv.Memberships(ben.ID)
	if len(after) != before-1 {
		t.Fatalf("memberships %d → %d, want exactly one removed", before, len(after))
	}
	for _, m := range after {
		if org, _ := h.srv.Organization(m.OrganizationID); org.Name == "Relecloud Solutions" {
			t.Errorf("ben.carter is still a member of Relecloud Solutions")
		}
	}
	if _, ok := h.srv.User(ben.ID); !ok {
		t.Error("the user was deleted; only the membership may go")
	}
	h.view(t)
}

// A Select ticket under a customer organization moves to the requester's Select organization.
func TestWizardSetsSelectOrganization(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4019)
	h.keys("space", "space")
	h.submit(t, 4019, "no findings left")
	got, _ := h.srv.Ticket(4019)
	if org, _ := h.srv.Organization(got.OrganizationID); org.Name != "Relecloud Solutions" {
		t.Errorf("organization = %q, want Relecloud Solutions", org.Name)
	}
	h.view(t)
}

// stepCount is how many steps the wizard will walk for a ticket, planned from the
// emulator's data exactly as the console plans it.
func (h *harness) stepCount(t *testing.T, id int64, opt model.PlanOptions) int {
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
	return len(model.BuildPlan(h.rules, tk, model.Evaluate(h.rules, tk, dir), dir, opt).Steps)
}

// An unknown customer with no near domain: nothing to submit until the agent types the
// address the submitter gave, which re-plans the fix; accepted, it lands on Zendesk.
func TestWizardUnknownCustomerTakesTypedAddress(t *testing.T) {
	h := start(t, 80, 24)
	n := h.stepCount(t, 4006, model.PlanOptions{OrgEmail: "tom.reyes@acme.com"})
	if n < 3 {
		t.Fatalf("a typed known address plans %d steps, want email, requester and organization at least", n)
	}
	h.openFix(t, 4006)
	h.keys("e")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.tm.Type("tom.reyes@acme.com")
	h.keys("enter")
	h.waitFor(t, "+ tom.reyes@acme.com")
	for i := 0; i < n; i++ {
		h.keys("space")
	}
	h.submit(t, 4006, "Submitted")
	got, _ := h.srv.Ticket(4006)
	if e := orgEmail(got, h.rules.OrgEmailField); e != "tom.reyes@acme.com" {
		t.Errorf("Organization Email = %q, want the typed tom.reyes@acme.com", e)
	}
	if req, _ := h.srv.User(got.RequesterID); req.Email != "tom.reyes@acme.com" {
		t.Errorf("requester = %q, want tom.reyes@acme.com", req.Email)
	}
	h.view(t)
}

// A 422 from Zendesk is shown with Zendesk's own description; nothing is reported applied.
func TestWizardShowsValidationError(t *testing.T) {
	h := start(t, 120, 40)
	h.srv.Inject(zendesktest.Fault{Method: "PUT", PathPrefix: "/api/v2/tickets/4004", Status: 422,
		Body: `{"error":"RecordInvalid","description":"Record validation errors","details":{"organization_id":[{"description":"Organization is closed for new tickets","error":"InvalidValue"}]}}`})
	h.openFix(t, 4004)
	h.keys("space", "space")
	h.submit(t, 4004, "Organization is closed for new tickets")
	v := h.view(t)
	if !strings.Contains(v, "not applied: ticket update") {
		t.Errorf("the screen does not say the update was not applied:\n%s", v)
	}
	if got, _ := h.srv.Ticket(4004); got.OrganizationID != 0 {
		t.Errorf("organization = %d after a refused update, want none", got.OrganizationID)
	}
}

// Skipping the organization step while changing the requester: the review says where
// Zendesk will put the ticket, and that is where it ends up.
func TestReviewShowsImplicitOrganization(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4002)
	h.keys("space", "n", "n", "space") // requester, no organization step, no CC, note
	h.waitFor(t, "Zendesk follows the new requester")
	h.keys("y")
	h.waitFor(t, "Submitted")
	got, _ := h.srv.Ticket(4002)
	if org, _ := h.srv.Organization(got.OrganizationID); org.Name != "Acme Corporation" {
		t.Errorf("organization = %q, want Acme Corporation (the new requester's default)", org.Name)
	}
	h.view(t)
}

// U lists the journal; a change that only removed a membership is marked and never blocks
// the change before it, which is picked, shown as a diff with names, and reverted. The entry
// written by "another console" (straight into the file) is seen, as the list is read afresh.
func TestJournalPickUndo(t *testing.T) {
	h := start(t, 100, 30)
	h.openFix(t, 4004)
	h.keys("space", "space") // organization, internal note
	h.submit(t, 4004, "Submitted")
	fixed, _ := h.srv.Ticket(4004)
	org, _ := h.srv.Organization(fixed.OrganizationID)
	if err := h.journal.Append(model.JournalEntry{Time: fixedNow.Add(time.Hour), TicketID: 4016,
		RemovedMemberships: []model.MembershipRemoval{{MembershipID: 1, UserID: 2, OrganizationID: 3}}}); err != nil {
		t.Fatal(err)
	}
	h.keys("esc", "U")
	h.waitFor(t, "pick a change to undo", "ticket #4016", "nothing to undo", "ticket #4004")
	h.keys("enter") // on the membership-only entry: nothing happens
	h.keys("j", "enter")
	h.waitFor(t, "y/enter revert", "Organization", org.Name)
	h.keys("y")
	h.waitFor(t, "Reverted")
	if got, _ := h.srv.Ticket(4004); got.OrganizationID != 0 {
		t.Errorf("after undo the organization is %d, want none again", got.OrganizationID)
	}
	comments := h.srv.Comments(4004)
	note := comments[len(comments)-1].Body
	if !strings.Contains(note, org.Name) || strings.Contains(note, fmt.Sprint(fixed.OrganizationID)) {
		t.Errorf("the undo's note should name %q, not its id:\n%s", org.Name, note)
	}
	h.view(t)
}

// Trial finding 15: in the journal (U), G/End and g/Home move, and esc from an undo review
// opened there returns to the journal, not the queue.
func TestJournalKeysAndEscBack(t *testing.T) {
	h := start(t, 100, 30)
	h.openFix(t, 4004)
	h.keys("space", "space") // organization, internal note
	h.submit(t, 4004, "Submitted")
	for i := range 3 {
		if err := h.journal.Append(model.JournalEntry{Time: fixedNow.Add(time.Duration(i+1) * time.Hour), TicketID: int64(4016 + i),
			RemovedMemberships: []model.MembershipRemoval{{MembershipID: 1, UserID: 2, OrganizationID: 3}}}); err != nil {
			t.Fatal(err)
		}
	}
	h.keys("esc", "U")
	h.waitFor(t, "pick a change to undo", "ticket #4018", "ticket #4004")
	h.keys("G", "enter") // the oldest: the fix of #4004
	h.waitFor(t, "y/enter revert", "Organization")
	h.keys("esc")
	h.waitFor(t, "pick a change to undo", "undo cancelled")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyHome})
	h.tm.Send(tea.KeyMsg{Type: tea.KeyEnd})
	h.keys("enter")
	h.waitFor(t, "y/enter revert")
	h.keys("esc")
	h.waitFor(t, "pick a change to undo")
	h.keys("g")
	v := h.view(t)
	if !strings.Contains(v, "pick a change to undo") {
		t.Fatalf("esc from the undo review left the journal:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "> ") && !strings.Contains(l, "ticket #4018") {
			t.Errorf("g did not go to the top, cursor on: %q", l)
		}
	}
}
