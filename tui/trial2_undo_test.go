package tui_test

import (
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// auditRemoval journals what the audit screen journals for a removed membership: a change
// on no ticket (Liam Novak of Adatum, a customer, taken out of Coho Digital, a Select org).
func (h *harness) auditRemoval(t *testing.T) {
	t.Helper()
	if err := h.journal.Append(model.JournalEntry{Time: fixedNow, Batch: "audit-1",
		RemovedMemberships: []model.MembershipRemoval{{MembershipID: 4, UserID: 381000000501, OrganizationID: zendesktest.OrgCoho}}}); err != nil {
		t.Fatal(err)
	}
}

// Trial 2, item 1: the journal list marks a change whose undo the Select rule refuses
// (#4019) with the reason before enter, as it marks a change with nothing on a ticket, and
// leaves one that can be undone (#4004) plain; enter on the refused one says why as
// information, never in the error slot, and opens nothing.
func TestJournalMarksRefusedUndoBeforeEnter(t *testing.T) {
	h := start(t, 120, 30)
	h.openFix(t, 4004)
	h.keys("enter")
	h.submit(t, 4004, "Submitted")
	h.keys("esc", "esc")
	h.openFix(t, 4019)
	h.keys("enter")
	h.submit(t, 4019, "Submitted")
	h.keys("esc", "esc", "U")
	h.waitFor(t, "ticket #4019  organization  (nothing to undo: setting it back would break the Select rule)",
		"change 3: Organization stays Relecloud Solutions") // the cursor's entry, whole, below the list
	h.keys("enter")
	h.waitFor(t, "change 3: Organization stays")
	h.keys("!")
	h.waitFor(t, "Last message", "Organization stays Relecloud Solutions")
	h.keys("esc")
	v := h.view(t)
	if strings.Contains(v, "error") || strings.Contains(v, "Undo refused") || !strings.Contains(v, "pick a change to undo") {
		t.Errorf("enter on a refused entry:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "ticket #4004") && strings.Contains(l, "(") {
			t.Errorf("the entry that can be undone is marked: %q", l)
		}
	}
}

// Trial 2, item 1: a refusal the list had not checked yet (u on the queue) opens the
// reason whole as information: the status line says it, not "error:".
func TestQueueUndoRefusalIsInformation(t *testing.T) {
	h := start(t, 120, 30)
	h.openFix(t, 4019)
	h.keys("enter")
	h.submit(t, 4019, "Submitted")
	h.keys("esc", "esc", "u")
	h.waitFor(t, "Nothing to undo", "no change in the journal can be undone")
	h.keys("esc")
	if bar := statusBar(h.view(t)); strings.Contains(bar, "error") || !strings.Contains(bar, "no change in the journal can be undone") {
		t.Errorf("status bar after a refused u = %q, want the refusal as information", bar)
	}
}

// Trial 2, item 2: a change on no ticket (the audit's removal) is described by what it was
// — the membership of the user in the organization — in the list, on enter and in the
// status line; never "ticket #0".
func TestAuditEntryNamesTheMembership(t *testing.T) {
	h := start(t, 140, 30)
	h.auditRemoval(t)
	h.keys("U")
	h.waitFor(t, "audit  removed the membership of Liam Novak <liam.novak@adatum.com> in Coho Digital")
	h.keys("enter")
	h.waitFor(t, "the audit removed the membership of Liam Novak <liam.novak@adatum.com> in Coho Digital")
	if v := h.view(t); strings.Contains(v, "#0") {
		t.Errorf("an entry on no ticket is called ticket #0:\n%s", v)
	}
}

// Trial 2, item 3: u names every newer change it passes over, an audit removal too.
func TestQueueUndoNamesPassedAuditRemoval(t *testing.T) {
	h := start(t, 120, 30)
	h.openFix(t, 4004)
	h.keys("enter")
	h.submit(t, 4004, "Submitted")
	h.keys("esc", "esc")
	h.auditRemoval(t)
	h.keys("u")
	h.waitFor(t, "Undo #4004's fix of ", "Not the newest change",
		"the audit removed the membership of Liam Novak <liam.novak@adatum.com> in Coho Digital")
	if v := h.view(t); strings.Contains(v, "#0") {
		t.Errorf("u calls the audit removal ticket #0:\n%s", v)
	}
}

// Trial 2, item 5: ] and [ with no ticket with findings further say so instead of nothing.
func TestNextFlaggedAtTheEndSaysSo(t *testing.T) {
	h := start(t, 120, 30)
	h.keys("G", "]")
	h.waitFor(t, "no more tickets with findings below")
	h.keys("g", "[")
	h.waitFor(t, "no more tickets with findings above")
	h.view(t)
}

// Trial 2, item 5: the full help lists a (whichever row is selected) and ! (also with no
// error), and its legend explains the ● of a marked row.
func TestFullHelpListsAskBangAndMark(t *testing.T) {
	for _, w := range []int{80, 120} {
		h := start(t, w, 40)
		h.keys("?")
		h.waitFor(t, "ask the submitter", "last error or message", "● marked for a bulk fix")
		h.view(t)
	}
}

// Trial 2, item 5: journal ids are right-aligned, so the columns after them line up.
func TestJournalIDsRightAligned(t *testing.T) {
	h := start(t, 120, 40)
	for i := range 12 {
		if err := h.journal.Append(model.JournalEntry{Time: fixedNow, TicketID: 4100 + int64(i),
			RemovedMemberships: []model.MembershipRemoval{{MembershipID: int64(i) + 1, UserID: 2, OrganizationID: 3}}}); err != nil {
			t.Fatal(err)
		}
	}
	h.keys("U")
	h.waitFor(t, "pick a change to undo")
	v := h.view(t)
	at := -1
	for _, l := range strings.Split(v, "\n") {
		if !strings.Contains(l, "  ticket #41") {
			continue
		}
		i := strings.Index(l, "ticket #41")
		if at >= 0 && i != at {
			t.Errorf("journal rows do not line up:\n%s", v)
			break
		}
		at = i
	}
}

// Trial 2, item 3: when u finds nothing it can undo, it still names every change it
// passed over, the audit's removal among them.
func TestQueueUndoRefusalNamesEveryPassedChange(t *testing.T) {
	h := start(t, 120, 40)
	h.openFix(t, 4019)
	h.keys("enter")
	h.submit(t, 4019, "Submitted")
	h.keys("esc", "esc")
	h.auditRemoval(t)
	h.keys("u")
	h.waitFor(t, "Nothing to undo", "Changes passed over", "the audit removed the membership of Liam Novak", "(ticket #4019)")
	h.view(t)
}
