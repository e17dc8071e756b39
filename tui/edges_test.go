package tui_test

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/tui"
)

// A fix whose undo the handbook's rule always refuses (a Select ticket moved from the
// customer organization to the Select partner's: setting it back would tie them again)
// is not offered u on its result, which says why instead.
func TestResultOffersNoUndoTheRuleRefuses(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4019)
	h.keys("enter")
	h.waitFor(t, "Review #4019")
	h.keys("y")
	h.waitFor(t, "Submitted", "Nothing to undo", "would put Select partner")
	h.keys("u")
	h.waitFor(t, "nothing to undo: Organization stays")
	v := h.view(t)
	if strings.Contains(v, "u undo it") {
		t.Errorf("the result offers an undo the rule refuses:\n%s", v)
	}
}

// u on the queue goes past a change whose undo is refused to the newest one it can revert,
// and says which newer change it went past and why.
func TestUndoGoesPastRefusedChange(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4004)
	h.keys("enter")
	h.submit(t, 4004, "Submitted")
	h.keys("esc", "esc") // the result, the filter
	h.openFix(t, 4019)
	h.keys("enter")
	h.submit(t, 4019, "Submitted")
	h.keys("esc", "u")
	h.waitFor(t, "Undo #4004", "Not the newest change", "(ticket #4019)")
	h.keys("y")
	h.waitFor(t, "Reverted")
	if got, _ := h.srv.Ticket(4004); got.OrganizationID != 0 {
		t.Errorf("u did not revert the fix of 4004: organization %d", got.OrganizationID)
	}
	h.keys("esc", "u")
	h.waitFor(t, "Nothing to undo", "no change in the journal can be undone")
	h.view(t)
}

// statusBar is the frame's status bar (the line above the help line).
func statusBar(frame string) string {
	lines := strings.Split(strings.TrimRight(frame, "\n"), "\n")
	if len(lines) < 2 {
		return ""
	}
	return lines[len(lines)-2]
}

// An undo refusal, once read and followed by newer actions (marking a ticket, the journal
// list), never comes back to the status bar, where it hid "1 marked" at 80×24. (A refusal
// is information, not an error: nothing is kept for `!` once it is over.)
func TestOldErrorDoesNotComeBack(t *testing.T) {
	h := start(t, 80, 24)
	h.openFix(t, 4019)
	h.keys("enter")
	h.submit(t, 4019, "Submitted")
	h.keys("esc", "esc", "u")
	h.waitFor(t, "Nothing to undo")
	h.keys("esc", "x")
	h.waitFor(t, "1 marked")
	h.keys("U")
	h.waitFor(t, "Journal — pick a change to undo")
	h.keys("esc")
	v := h.view(t)
	if bar := statusBar(v); strings.Contains(bar, "error") || !strings.Contains(bar, "1 marked") {
		t.Errorf("status bar after marking and the journal = %q, want 1 marked and no old error", bar)
	}
}

// enter on a journal entry with nothing to undo says why on the status line.
func TestJournalEnterOnNothingToUndoSaysWhy(t *testing.T) {
	h := start(t, 120, 30)
	if err := h.journal.Append(model.JournalEntry{Time: fixedNow, TicketID: 4016,
		RemovedMemberships: []model.MembershipRemoval{{MembershipID: 1, UserID: 2, OrganizationID: 3}}}); err != nil {
		t.Fatal(err)
	}
	h.keys("U")
	h.waitFor(t, "pick a change to undo", "ticket #4016")
	h.keys("enter")
	h.waitFor(t, "only removed the membership of")
	h.view(t)
}

// The bulk review's footer starts with the key the agent presses next (submit), `?` lists
// no key of another phase (stop, u), and a ticket that needs nothing is counted apart from
// the kinds of change.
func TestBulkReviewSubmitFirstAndNothingApart(t *testing.T) {
	h := start(t, 120, 30)
	h.keys("x", "j", "x", "G", "x", "F") // 4001, 4002 and the clean 4036
	h.waitFor(t, "Review bulk fix: 2 of 3 included · 2 kinds of change · 1 ticket needs nothing")
	h.keys("?")
	h.waitFor(t, "Keys")
	h.keys("esc")
	frame := h.view(t)
	lines := strings.Split(strings.TrimRight(frame, "\n"), "\n")
	if footer := strings.TrimSpace(lines[len(lines)-1]); !strings.HasPrefix(footer, "y submit") {
		t.Errorf("footer = %q, want the submit key first", footer)
	}
}

// `?` on the bulk review lists the review's keys, submit first, and not the keys of a
// running batch (stop) or of its result (u).
func TestBulkReviewHelpListsOnlyReviewKeys(t *testing.T) {
	h := start(t, 120, 30)
	h.keys("x", "j", "x", "F")
	h.waitFor(t, "Review bulk fix: 2 of 2 included")
	h.keys("?")
	h.waitFor(t, "Keys")
	help := h.view(t)
	sub, leave := strings.Index(help, "submit"), strings.Index(help, "leave out")
	if sub < 0 || leave < 0 || sub > leave {
		t.Errorf("help does not list submit before leave out:\n%s", help)
	}
	for _, other := range []string{"stop after this ticket", "undo"} {
		if strings.Contains(help, other) {
			t.Errorf("help on the review lists %q, a key of another phase:\n%s", other, help)
		}
	}
}

// The result of a batch undo names the custom field it set back as the configuration does
// (Organization Email (partners)), never by id or as "custom fields".
func TestBatchUndoNamesTheField(t *testing.T) {
	h := start(t, 120, 30)
	h.keys("x", "F") // 4001: Organization Email, requester, organization
	h.waitFor(t, "Review bulk fix: 1 of 1")
	h.keys("y")
	h.waitFor(t, "u undoes the whole batch")
	h.keys("u")
	h.waitFor(t, "Undo the whole batch")
	h.keys("y")
	h.waitFor(t, "undo of the bulk fix: 1 reverted")
	v := h.view(t)
	if !strings.Contains(v, "ticket revert: Organization Email (partners), requester") || strings.Contains(v, "custom field") {
		t.Errorf("batch undo result does not name the field:\n%s", v)
	}
}

// a on a ticket already asked in this session warns and waits for y; any other key sends
// nothing, y opens the editor again.
func TestAskTwiceWarnsAndWaitsForY(t *testing.T) {
	h := start(t, 120, 40)
	h.keys("/")
	h.tm.Type("4012")
	h.keys("enter")
	h.waitFor(t, "a ask the submitter")
	h.keys("a")
	h.waitFor(t, "Ask the submitter #4012", "services engagement")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	h.waitFor(t, "Review #4012")
	h.keys("y")
	h.waitFor(t, "Submitted", "public reply sent")
	n := len(h.srv.Comments(4012))
	h.keys("esc", "a")
	h.waitFor(t, "already asked in this session", "y ask again")
	h.keys("n")
	h.waitFor(t, "#4012 not asked again: nothing was sent")
	h.keys("a")
	h.waitFor(t, "already asked in this session")
	h.keys("y")
	h.waitFor(t, "status is already pending")
	h.keys("esc")
	h.waitFor(t, "question not sent")
	h.view(t)
	if got := len(h.srv.Comments(4012)); got != n {
		t.Errorf("comments on #4012: %d, want %d (nothing sent again)", got, n)
	}
}

// a on a ticket whose last public comment is the question (asked by an earlier session)
// warns too: the conversation is read when a is pressed (at 80 columns nothing showed it
// before).
func TestAskWarnsWhenLastPublicCommentIsTheQuestion(t *testing.T) {
	h := startOpts(t, 80, 24, func(o *tui.Options) {
		ctx := context.Background()
		p, err := o.Client.ReloadTicket(ctx, 4012)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.Client.UpdateTicket(ctx, model.TicketUpdate{TicketID: 4012, UpdatedStamp: p.Tickets[0].UpdatedAt,
			PublicReply: model.RenderAsk("", "Aoife Byrne", 4012)}); err != nil {
			t.Fatal(err)
		}
	})
	h.keys("/")
	h.tm.Type("4012")
	h.keys("enter", "a")
	h.waitFor(t, "the last public comment on #4012 is already", "y ask again")
	h.view(t)
}

// A screen title wider than the terminal (the detail's "#id  subject") is cut with "…",
// never silently at the edge.
func TestLongTitleCutWithEllipsis(t *testing.T) {
	h := start(t, 40, 24)
	h.keys("/")
	h.tm.Type("4031")
	h.keys("enter", "enter")
	h.waitFor(t, "Status")
	v := h.view(t)
	for _, l := range strings.Split(v, "\n") {
		if strings.HasPrefix(l, "#4031  Kubernetes") {
			if !strings.HasSuffix(strings.TrimRight(l, " "), "…") {
				t.Errorf("title cut without …: %q", l)
			}
			return
		}
	}
	t.Errorf("no detail title on screen:\n%s", v)
}

// A bulk fix whose every change the handbook's rule keeps (#4019 moved to the Select
// partner's organization) does not offer to undo the batch; u says why.
func TestBulkResultOffersNoUndoTheRuleRefuses(t *testing.T) {
	h := start(t, 120, 30)
	h.keys("/")
	h.tm.Type("4019")
	h.keys("enter", "x", "F")
	h.waitFor(t, "Review bulk fix: 1 of 1")
	h.keys("y")
	h.waitFor(t, "nothing in it can be undone (u says why)")
	h.keys("u")
	h.waitFor(t, "nothing in this batch can be undone: #4019")
	v := h.view(t)
	if strings.Contains(v, "u undo") {
		t.Errorf("the bulk result offers an undo the rule refuses:\n%s", v)
	}
}

// u on the queue after such a batch does not offer the batch either: it says that no
// change in the journal can be undone.
func TestQueueUndoSkipsBatchTheRuleRefuses(t *testing.T) {
	h := start(t, 120, 30)
	h.keys("/")
	h.tm.Type("4019")
	h.keys("enter", "x", "F")
	h.waitFor(t, "Review bulk fix: 1 of 1")
	h.keys("y")
	h.waitFor(t, "nothing in it can be undone")
	h.keys("esc", "u")
	h.waitFor(t, "Nothing to undo", "no change in the journal can be undone")
	h.view(t)
}

// The message an error replaced ("preparing undo…") does not come back either when a mark
// hides the error.
func TestReplacedProgressMessageDoesNotComeBack(t *testing.T) {
	h := start(t, 120, 30)
	h.openFix(t, 4019)
	h.keys("enter")
	h.submit(t, 4019, "Submitted")
	h.keys("esc", "esc", "u")
	h.waitFor(t, "Nothing to undo")
	h.keys("esc", "x")
	h.waitFor(t, "1 marked")
	if bar := statusBar(h.view(t)); strings.Contains(bar, "preparing undo") || !strings.Contains(bar, "1 marked") {
		t.Errorf("status bar after the refusal and a mark = %q, want 1 marked and no stale message", bar)
	}
}

// The journal list (U) names the custom field a change set, as the configuration does.
func TestJournalListNamesTheField(t *testing.T) {
	h := start(t, 120, 30)
	h.openFix(t, 4001)
	h.keys("enter")
	h.submit(t, 4001, "Submitted")
	h.keys("esc", "U")
	h.waitFor(t, "ticket #4001  requester, organization, Organization Email (partners)")
	h.view(t)
}
