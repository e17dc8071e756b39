package tui_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/tui"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// lastComment is the body of the ticket's last comment on the emulator.
func lastComment(t *testing.T, h *harness, id int64) zendesktest.Comment {
	t.Helper()
	c := h.srv.Comments(id)
	if len(c) == 0 {
		t.Fatalf("#%d has no comments", id)
	}
	return c[len(c)-1]
}

// e then ctrl+s on the note step keeps the note exactly (multi-line, with its "Why", never
// cut), and the edit field is on screen at 80×24 with keys that type into it.
func TestNoteEditKeepsTheWholeNote(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4001)
	h.keys("space", "space", "space", "space") // email, requester, organization, CC (stays off)
	h.waitFor(t, "5. Internal note")
	h.keys("e")
	h.waitFor(t, "ctrl+s keep the note")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.waitFor(t, "e edit note")
	h.keys("enter")
	h.submit(t, 4001, "Submitted")
	c := lastComment(t, h, 4001)
	if c.Public || !strings.HasPrefix(c.Body, "partner-triage changed this ticket:\n- Organization Email") ||
		!strings.Contains(c.Body, "\nWhy:\n- Organization Email (partners), Requester, Organization: Open Partners handbook, example 1") ||
		!strings.HasSuffix(c.Body, `change Requester, submit").`) || len(c.Body) <= 254 {
		t.Errorf("note on Zendesk after e, ctrl+s:\n%s", c.Body)
	}
	h.view(t)
}

// While the note is edited, the frame at 80×24 shows the text area and the keys that work
// there, not the wizard's space/n/e; n types an n.
func TestNoteEditorVisibleAndKeysTypeIntoIt(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4016) // removal, note
	h.keys("space")
	h.waitFor(t, "2. Internal note")
	h.keys("e")
	h.waitFor(t, "ctrl+s keep the note")
	h.tm.Type(" n")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.keys("enter")
	h.submit(t, 4016, "Submitted")
	if c := lastComment(t, h, 4016); !strings.HasSuffix(c.Body, " n") || !strings.Contains(c.Body, "Membership removed: Ben Carter <ben.carter@wingtipbank.com> from Relecloud Solutions (Select partner)") {
		t.Errorf("note = %q, want the edit kept and the removal named", c.Body)
	}
	v := h.view(t)
	if lines := strings.Split(v, "\n"); len(lines) > 24 {
		t.Errorf("frame is %d lines high at 80×24", len(lines))
	}
}

// The editor frame itself: at 80×24 the text area and its footer are on screen.
func TestNoteEditorFrame(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4016)
	h.keys("space", "e")
	h.waitFor(t, "ctrl+s keep the note")
	v := h.view(t)
	lines := strings.Split(v, "\n")
	footer := lines[len(lines)-1]
	if !strings.Contains(footer, "ctrl+s keep the note") || strings.Contains(footer, "space") || strings.Contains(footer, "n skip") ||
		strings.Contains(footer, "? help") {
		t.Errorf("footer while editing = %q", footer)
	}
	if !strings.Contains(v, "partner-triage changed this ticket") {
		t.Errorf("the note being edited is not on screen:\n%s", v)
	}
}

// The review: j scrolls (never cancels), b goes back to the wizard with every choice kept,
// enter submits (product.md).
func TestReviewKeys(t *testing.T) {
	h := start(t, 80, 16)
	h.openFix(t, 4001)
	h.keys("space", "space", "n", "space", "space") // skip the organization
	h.waitFor(t, "Review #4001", "more lines below")
	h.keys("j", "j", "j", "j", "j", "j", "j", "j", "j", "j")
	h.waitFor(t, "more above")
	h.keys("b")
	h.waitFor(t, "Fix #4001")
	h.keys("enter") // back to the review with the same choices
	h.waitFor(t, "Review #4001")
	h.keys("enter")
	h.waitFor(t, "Submitted")
	got, _ := h.srv.Ticket(4001)
	if got.OrganizationID != 0 && got.OrganizationID != zendesktest.OrgAcme {
		t.Errorf("organization = %d", got.OrganizationID)
	}
	if e := orgEmail(got, h.rules.OrgEmailField); e != "jane@acme.com" {
		t.Errorf("Organization Email = %q, want jane@acme.com", e)
	}
	if c := lastComment(t, h, 4001); strings.Contains(c.Body, "- Organization:") {
		t.Errorf("the skipped organization step is in the note after b and enter:\n%s", c.Body)
	}
	h.view(t)
}

// esc on the review cancels: nothing is sent, and the status line does not say so during
// the next fix.
func TestReviewEscCancelsAndTheMessageDoesNotLinger(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4002)
	h.keys("enter")
	h.waitFor(t, "Review #4002")
	h.keys("esc")
	h.waitFor(t, "fix cancelled: nothing was sent")
	h.keys("f")
	h.waitFor(t, "Fix #4002")
	v := h.view(t)
	if strings.Contains(v, "fix cancelled") {
		t.Errorf("stale status during the next fix:\n%s", v)
	}
	if c := h.srv.Comments(4002); len(c) > 0 && strings.Contains(c[len(c)-1].Body, "partner-triage") {
		t.Error("a cancelled review sent a note")
	}
}

// Holding space through the wizard of a customer_account ticket never CCs the partner
// (rules.md step 4: the CC toggle is off unless the handbook asks for it).
func TestSpaceThroughWizardNeverCCsThePartner(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4002)
	h.keys("space", "space", "space", "space", "space", "space")
	h.submit(t, 4002, "Submitted")
	if got, _ := h.srv.Ticket(4002); len(got.EmailCCIDs) != 0 {
		t.Errorf("email CCs = %v, want none", got.EmailCCIDs)
	}
	h.view(t)
}

// e on the CC step turns the toggle on, and the footer says so before.
func TestCCStepToggles(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4002) // requester, organization, CC, note
	h.keys("space", "space")
	h.waitFor(t, "e turn on", "Off: e turns it on.")
	h.keys("e")
	h.waitFor(t, "On: e turns it off.")
	h.keys("enter")
	h.submit(t, 4002, "Submitted")
	got, _ := h.srv.Ticket(4002)
	marco, _ := h.srv.UserByEmail("marco.bianchi@northwind-devops.com")
	if len(got.EmailCCIDs) != 1 || got.EmailCCIDs[0] != marco.ID {
		t.Errorf("email CCs = %v, want marco (%d)", got.EmailCCIDs, marco.ID)
	}
	h.view(t)
}

// #4035 moves the ticket from one customer to another: the wizard warns and offers the
// other reading, which keeps the requester and corrects the Organization Email to theirs.
func TestTwoCustomersWarningOffersTheOtherReading(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4035)
	h.keys("t")
	h.waitFor(t, "This is the other reading")
	h.keys("enter")
	h.waitFor(t, "Review #4035")
	h.keys("y")
	h.waitFor(t, "Submitted")
	got, _ := h.srv.Ticket(4035)
	sofia, _ := h.srv.UserByEmail("sofia.marin@adatum.com")
	if e := orgEmail(got, h.rules.OrgEmailField); e != "sofia.marin@adatum.com" || got.RequesterID != sofia.ID ||
		got.OrganizationID != zendesktest.OrgAdatum {
		t.Errorf("after the other reading: email %q, requester %d, org %d; want Sofia's address, Sofia, Adatum",
			e, got.RequesterID, got.OrganizationID)
	}
	h.view(t)

	h = start(t, 120, 40)
	h.openFixWhen(t, 4035, "▸ 1. Requester")
	v := strings.Join(strings.Fields(strings.ReplaceAll(h.view(t), "│", " ")), " ")
	for _, want := range []string{"This moves the ticket from customer Adatum Health (requester Sofia Marin <sofia.marin@adatum.com>) to customer Woodgrove Bank",
		"t: keep Sofia Marin <sofia.marin@adatum.com> as the requester", "t other reading"} {
		if !strings.Contains(v, want) {
			t.Errorf("the wizard of #4035 lacks %q:\n%s", want, v)
		}
	}
}

// Footers list only keys that work: no e on the requester step, no wizard keys on a plan
// with nothing to do, and u on the result screen undoes.
func TestFootersListOnlyWorkingKeys(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4002)
	h.keys("space") // requester: an existing user, nothing to edit
	h.waitFor(t, "▸ 2. Organization")
	h.keys("k") // back to the requester step
	h.waitFor(t, "▸ 1. Requester")
	h.keys("e")
	v := h.view(t)
	footer := v[strings.LastIndex(v, "\n")+1:]
	if strings.Contains(footer, "e edit") || strings.Contains(v, "› ") {
		t.Errorf("requester step offers or opens an edit:\n%s", v)
	}

	h = start(t, 120, 40)
	h.openFixWhen(t, 4014, "Nothing to fix") // clean: nothing to fix
	v = h.view(t)
	if !strings.Contains(v, "Nothing to fix") {
		t.Errorf("#4014 does not say there is nothing to fix:\n%s", v)
	}
	footer = v[strings.LastIndex(v, "\n")+1:]
	for _, k := range []string{"space", "n skip", "enter", "e "} {
		if strings.Contains(footer, k) {
			t.Errorf("nothing-to-fix footer offers %q: %q", k, footer)
		}
	}

	h = start(t, 120, 40)
	h.openFix(t, 4004)
	h.keys("enter", "y")
	h.waitFor(t, "Submitted", "u undo it")
	h.keys("u")
	h.waitFor(t, "Undo #")
	h.keys("y")
	h.waitFor(t, "Reverted")
	h.view(t)
}

// After a submit the cursor goes to the next ticket with findings, so the next fix is
// f, enter, y again: the keys of the common fix, counted from the queue.
func TestCursorGoesToNextFlaggedAfterSubmit(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("f")
	h.waitFor(t, "Fix #4001")
	h.keys("enter", "y")
	h.waitFor(t, "Submitted")
	h.keys("esc", "f")
	h.waitFor(t, "Fix #4002")
	h.keys("enter", "y")
	h.waitFor(t, "Submitted")
	h.keys("esc", "f")
	h.waitFor(t, "Fix #4003")
	h.view(t)
}

// The keys each finding kind takes from its row in the queue to a submitted fix (the
// issue's figures before: 7 for a mismatch, 10 for a membership removal).
func TestFixKeystrokesPerFindingKind(t *testing.T) {
	cases := []struct {
		kind string
		id   int
		keys []string
		max  int
	}{
		{"requester_org_mismatch", 4002, []string{"f", "enter", "y"}, 3},
		{"customer_email_unknown (with a suggestion)", 4001, []string{"f", "enter", "y"}, 3},
		{"select_partner_association (membership removal)", 4016, []string{"f", "enter", "y"}, 3},
		{"select_partner_association (Select organization)", 4019, []string{"f", "enter", "y"}, 3},
		{"partner_cc_missing", 4007, []string{"f", "enter", "y"}, 3},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			h := start(t, 120, 40)
			h.keys("/")
			h.tm.Type(fmt.Sprint(c.id))
			h.keys("enter")
			h.waitFor(t, "filter: "+fmt.Sprint(c.id))
			h.keys(c.keys...)
			h.waitFor(t, "Submitted", "no findings left")
			if len(c.keys) > c.max {
				t.Errorf("%d keys, want at most %d", len(c.keys), c.max)
			}
			t.Logf("%s (#%d): %d keys from the queue row: %s", c.kind, c.id, len(c.keys), strings.Join(c.keys, " "))
			h.view(t)
		})
	}
}

// A failed load leaves the queue empty: the screen says what failed and what to do, and !
// shows the whole error, wrapped, at any width.
func TestLoadErrorIsReadableWhole(t *testing.T) {
	h := startFailing(t, 80, 24)
	v := h.view(t)
	if !strings.Contains(v, "The queue could not be loaded.") || !strings.Contains(v, "press r to try") {
		t.Errorf("no panel for the failed load:\n%s", v)
	}
	if footer := v[strings.LastIndex(v, "\n")+1:]; strings.Contains(footer, "f fix") || strings.Contains(footer, "filter") ||
		!strings.Contains(footer, "r reload") || !strings.Contains(footer, "! last error") {
		t.Errorf("the failed-load footer offers keys that do nothing there: %q", footer)
	}
	if !strings.Contains(strings.Join(strings.Fields(v), " "), "401") {
		t.Errorf("the status (401) is not readable:\n%s", v)
	}
	for i, line := range strings.Split(v, "\n") {
		if w := lipgloss.Width(line); w > 80 {
			t.Errorf("line %d is %d wide", i, w)
		}
	}

	h = startFailing(t, 60, 16)
	h.keys("!")
	h.waitFor(t, "Last error")
	v = h.view(t)
	if !strings.Contains(v, "Last error") || !strings.Contains(strings.Join(strings.Fields(v), " "), "401") {
		t.Errorf("! does not show the error whole:\n%s", v)
	}
}

// startFailing starts the console against the emulator with a token it refuses, and waits
// for the failed load.
func startFailing(t *testing.T, w, h int) *harness {
	t.Helper()
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken(demoEmail, demoToken))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	client, err := zendesk.New(zendesk.Config{
		BaseURL: srv.URL(), Email: demoEmail, APIToken: "wrong-token",
		ViewID: cfg.Queue.ViewID, Rules: cfg.Rules(),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{srv: srv, rules: cfg.Rules()}
	m := tui.New(tui.Options{Client: client, Rules: cfg.Rules(), NoColor: true,
		Now: func() time.Time { return fixedNow }})
	hs.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	hs.waitFor(t, "error")
	return hs
}

// Plain words in the detail: no "Relecloud Solutions's", no "support based on unknown".
func TestDetailSupportBasisWords(t *testing.T) {
	for id, want := range map[int]string{
		4020: "support based on the subscription of Relecloud Solutions",
		4012: "support basis unknown: ask the submitter",
	} {
		h := start(t, 120, 40)
		h.keys("/")
		h.tm.Type(fmt.Sprint(id))
		h.keys("enter", "enter")
		h.waitFor(t, "Scenario")
		v := strings.Join(strings.Fields(h.view(t)), " ")
		if !strings.Contains(v, want) || strings.Contains(v, "Solutions's") || strings.Contains(v, "based on unknown") {
			t.Errorf("#%d detail, want %q:\n%s", id, want, v)
		}
	}
}

// A detail taller than the terminal says that more is below, and j scrolls to it.
func TestDetailMarksMoreBelow(t *testing.T) {
	h := start(t, 80, 14)
	h.keys("enter")
	h.waitFor(t, "more lines below")
	h.keys("j")
	h.view(t)
}

// openFixWhen is openFix that also waits for ready, a text only the planned wizard shows
// (the wizard first asks Zendesk about the ticket's addresses).
func (h *harness) openFixWhen(t *testing.T, id int, ready string) {
	t.Helper()
	h.keys("/")
	h.tm.Type(fmt.Sprint(id))
	h.keys("enter", "f")
	h.waitFor(t, fmt.Sprintf("Fix #%d", id), ready)
}

// esc on the review of an undo says the undo, not a fix, was cancelled.
func TestUndoReviewEscSaysUndoCancelled(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4004)
	h.keys("enter", "y")
	h.waitFor(t, "Submitted")
	h.keys("u")
	h.waitFor(t, "Undo #")
	h.keys("esc")
	h.waitFor(t, "undo cancelled: nothing was sent")
	h.view(t)
}

// The result of an undo says what was set back in the review's words, not "ticket update:
// custom fields, …".
func TestUndoResultInPlainWords(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4004)
	h.keys("enter", "y")
	h.waitFor(t, "Submitted")
	h.keys("u")
	h.waitFor(t, "Undo #")
	h.keys("y")
	h.waitFor(t, "Reverted")
	v := h.view(t)
	if strings.Contains(v, "ticket update:") || !strings.Contains(v, "✓ Organization: (none)") {
		t.Errorf("undo result:\n%s", v)
	}
}

// When the browser does not open, the error (with the ticket's URL) is shown whole, even
// on a narrow terminal, and esc goes back.
func TestBrowserErrorReadableWhole(t *testing.T) {
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken(demoEmail, demoToken))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	client, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Email: demoEmail, APIToken: demoToken,
		ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	m := tui.New(tui.Options{Client: client, Rules: cfg.Rules(), NoColor: true,
		Now:     func() time.Time { return fixedNow },
		OpenURL: func(string) error { return fmt.Errorf("exec: \"xdg-open\": executable file not found in $PATH") }})
	h := &harness{srv: srv, rules: cfg.Rules()}
	h.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(60, 16))
	h.waitFor(t, "30 tickets · 16 with findings")
	h.keys("o")
	h.waitFor(t, "The browser did not open")
	h.keys("esc", "?")
	h.waitFor(t, "last error") // back on the queue, `?` lists the key that shows the error again
	h.keys("esc", "!")
	h.waitFor(t, "Last error")
	v := strings.Join(strings.Fields(h.view(t)), "")
	if !strings.Contains(v, "executablefilenotfound") || !strings.Contains(v, "/agent/tickets/4001") {
		t.Errorf("the browser error is not whole on screen:\n%s", v)
	}
}

// An undo refused because somebody changed the ticket since says so whole, in the panel.
func TestUndoRefusalReadableWhole(t *testing.T) {
	h := start(t, 80, 16)
	h.keys("/")
	h.tm.Type("4004")
	h.keys("enter", "f")
	h.waitFor(t, "Fix #4004")
	h.keys("enter", "y")
	h.waitFor(t, "Submitted")
	h.srv.UpdateTicketDirect(4004, func(tk *zendesktest.Ticket) { tk.Subject = "Edited by another agent" })
	h.keys("esc", "u")
	h.waitFor(t, "Undo refused")
	v := strings.Join(strings.Fields(h.view(t)), " ")
	if !strings.Contains(v, "changed in Zendesk since partner-triage updated it") || !strings.Contains(v, "revert it by hand") {
		t.Errorf("the refusal is not whole on screen:\n%s", v)
	}
}
