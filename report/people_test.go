package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/partner-triage/partner-triage/model"
)

// Ticket 8802 of issue 10: the requester is a user no endpoint returns (deleted or merged).
// scan lists it, names the user "not found" and judges it like any other ticket.
func TestDeletedRequesterIsListed(t *testing.T) {
	dir := model.NewDirectory()
	dir.Merge(page())
	tk := ticket(8802, openForm, "open", 361000000777, 100, map[int64]string{emailField: "jane@acme.com"})
	r := Build(rules, []model.Ticket{tk}, dir)
	if len(r.Tickets) != 1 {
		t.Fatalf("tickets: %+v", r.Tickets)
	}
	got := r.Tickets[0]
	if got.Requester != "user #361000000777 (not found)" {
		t.Errorf("requester = %q", got.Requester)
	}
	if len(got.Findings) == 0 || got.Findings[0].Kind != string(model.KindRequesterOrgMismatch) {
		t.Errorf("findings = %+v, want requester_org_mismatch first", got.Findings)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, r, 200); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "user #361000000777 (not found)") {
		t.Errorf("table:\n%s", b.String())
	}
}

// Width is counted in terminal cells: a wide name keeps the next column aligned.
func TestTableAlignsWideText(t *testing.T) {
	dir := model.NewDirectory()
	p := page()
	p.Organizations[0].Name = "Acme ⚠️ 👩‍💻 Zoë"
	dir.Merge(p)
	r := Build(rules, []model.Ticket{
		ticket(4001, openForm, "new", 1, 100, map[int64]string{emailField: "jane@acme.com"}),
		ticket(4002, openForm, "new", 2, 200, map[int64]string{emailField: "bob@partner.com"}),
	}, dir)
	var b bytes.Buffer
	if err := WriteTable(&b, r, 0); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	col := func(l string) int { // the cell where FINDINGS / "-" starts
		i := strings.LastIndex(l, "  ")
		return ansi.StringWidth(l[:i+2])
	}
	if col(lines[1]) != col(lines[2]) || col(lines[0]) != col(lines[1]) {
		t.Errorf("findings column misaligned:\n%s", b.String())
	}
}
