package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// tableReport is a scan with the lengths of real data: long requesters, organizations,
// subjects and findings (the demo's #4005 and #4031 differ only in ".co" / ".com").
func tableReport() Report {
	mismatch := Finding{Kind: "requester_org_mismatch", Severity: "error", Message: "The ticket has no organization."}
	unknown := Finding{Kind: "customer_email_unknown", Severity: "error", Message: "did the partner mean m.keller@fabrikam.com?",
		SuggestedEmail: "m.keller@fabrikam.com"}
	return Report{Scanned: 4, Tickets: []Ticket{
		{ID: 4005, Subject: "Container registry cleanup policy not applied to staging", Status: "open",
			Requester: "m.keller@fabrikam.co", Organization: "", Scenario: "customer_account",
			Findings: []Finding{mismatch, unknown}},
		{ID: 4012, Subject: "Which account should this go to?", Status: "new", Requester: "aoife.byrne@lucernecloud.com",
			Organization: "Lucerne Cloud Consulting", Scenario: "unknown", Findings: []Finding{}},
		{ID: 4013, Subject: "Clean", Status: "open", Requester: "dana.whitfield@northwind-devops.com",
			Organization: "Northwind DevOps Partners", Scenario: "services_engagement", Findings: []Finding{}},
		{ID: 4031, Subject: "Pipeline fails on the fabrikam runners", Status: "open", Requester: "m.keller@fabrikam.com",
			Organization: "Coho Digital", Scenario: "customer_account", Findings: []Finding{mismatch}},
	}}
}

func table(t *testing.T, r Report, width int) (string, []string) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteTable(&b, r, width); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if width > 0 && ansi.StringWidth(l) > width {
			t.Errorf("line of %d cells at width %d: %q", ansi.StringWidth(l), width, l)
		}
	}
	return b.String(), strings.Split(b.String(), "\n")
}

func row(lines []string, id string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, id+" ") {
			return l
		}
	}
	return ""
}

// Trial finding 3: on a terminal the table cut "m.keller@fabrik…", hiding the ".co" /
// ".com" difference between #4005 and #4031. The cut falls in the local part.
func TestTableKeepsDomainsWhole(t *testing.T) {
	for _, width := range []int{72, 80, 100, 120} {
		_, lines := table(t, tableReport(), width)
		if r := row(lines, "4005"); !strings.Contains(r, "@fabrikam.co ") {
			t.Errorf("at %d cells #4005 reads %q: want the domain @fabrikam.co whole", width, r)
		}
		if r := row(lines, "4031"); !strings.Contains(r, "@fabrikam.com ") {
			t.Errorf("at %d cells #4031 reads %q: want the domain @fabrikam.com whole", width, r)
		}
	}
}

// Trial finding 14: the table had no subject column. It shows when the width allows (and
// always in a pipe), and never pushes a row past the terminal's width.
func TestTableShowsSubjectWhenWide(t *testing.T) {
	for _, width := range []int{0, 120, 160} {
		out, lines := table(t, tableReport(), width)
		if !strings.Contains(lines[0], "SUBJECT") || !strings.Contains(row(lines, "4012"), "Which account") {
			t.Errorf("at width %d no subject column:\n%s", width, out)
		}
	}
	if out, _ := table(t, tableReport(), 0); !strings.Contains(out, "Container registry cleanup policy not applied to staging") {
		t.Errorf("piped table cuts the subject:\n%s", out)
	}
	for _, width := range []int{60, 80} {
		table(t, tableReport(), width) // fits (checked in table)
	}
}

// Trial finding 14: an unknown-scenario ticket without findings is not clean: the table
// says "ask", like the console's badge, where it said "-".
func TestTableMarksAskTickets(t *testing.T) {
	for _, width := range []int{0, 80} {
		_, lines := table(t, tableReport(), width)
		if r := strings.TrimRight(row(lines, "4012"), " "); !strings.HasSuffix(r, "ask") {
			t.Errorf("at width %d #4012 (unknown scenario) reads %q, want its findings column to say ask", width, r)
		}
		if r := row(lines, "4013"); strings.Contains(r, "ask") || !strings.HasSuffix(r, "-") {
			t.Errorf("at width %d the clean #4013 reads %q, want -", width, r)
		}
	}
}

// Trial finding 14: the suggested email of a customer_email_unknown finding is on the
// ticket's row (the piped table did not show it there), next to the requester it corrects.
func TestTableShowsSuggestedEmail(t *testing.T) {
	for _, width := range []int{0, 100, 120} {
		out, lines := table(t, tableReport(), width)
		if !strings.Contains(lines[0], "SUGGESTED") || !strings.Contains(row(lines, "4005"), "m.keller@fabrikam.com") {
			t.Errorf("at width %d the row of #4005 lacks its suggested email:\n%s", width, out)
		}
	}
	// Narrower, the findings below the table still name it whole.
	if out, _ := table(t, tableReport(), 60); !strings.Contains(out, "suggested:") || !strings.Contains(out, "m.keller@fabrikam.com)") {
		t.Errorf("at width 60 the suggestion is lost:\n%s", out)
	}
}
