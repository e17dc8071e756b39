package report

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

const (
	openForm   = 360000818199
	selectForm = 360000837100
	emailField = 360012194200
	ccField    = 360020735339
)

var rules = model.RuleConfig{
	OpenForms:      []int64{openForm},
	SelectForms:    []int64{selectForm},
	OrgEmailField:  emailField,
	CCRequestField: ccField,
	TrackField:     "partner_track",
	SelectValues:   []string{"select"},
	OpenValues:     []string{"open"},
}

func page() model.QueuePage {
	return model.QueuePage{
		Organizations: []model.Organization{
			{ID: 100, Name: "Acme", DomainNames: []string{"acme.com"}},
			{ID: 200, Name: "Partner Co", DomainNames: []string{"partner.com"}, Fields: map[string]string{"partner_track": "open"}},
			{ID: 300, Name: "Select Co", DomainNames: []string{"select.com"}, Fields: map[string]string{"partner_track": "Select"}},
		},
		Users: []model.User{
			{ID: 1, Email: "jane@acme.com", OrganizationID: 100},
			{ID: 2, Email: "bob@partner.com", OrganizationID: 200},
			{ID: 3, Email: "jane@acme.cmo"},
			{ID: 4, Email: "sam@select.com", OrganizationID: 300},
		},
	}
}

func ticket(id int64, form int64, status string, req, org int64, fields map[int64]string) model.Ticket {
	t := model.Ticket{ID: id, Subject: "Ticket \x1b[31m" + string(rune('A'+id%26)), Status: status, FormID: form,
		RequesterID: req, SubmitterID: req, OrganizationID: org, Fields: map[int64]model.FieldValue{},
		UpdatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for k, v := range fields {
		t.Fields[k] = model.FieldValue{Kind: model.FieldString, Text: v}
	}
	return t
}

func fixture() ([]model.Ticket, *model.Directory) {
	tickets := []model.Ticket{
		ticket(4012, openForm, "open", 3, 0, map[int64]string{emailField: "jane@acme.cmo"}),    // mismatch + unknown
		ticket(4001, openForm, "new", 1, 100, map[int64]string{emailField: " Jane@ACME.com "}), // clean
		ticket(4030, selectForm, "pending", 4, 100, nil),                                       // Select ticket under a customer org
		ticket(4020, openForm, "hold", 2, 200, map[int64]string{ccField: "Ann <ann@partner.com>"}),
		ticket(3999, openForm, "solved", 3, 0, map[int64]string{emailField: "jane@acme.cmo"}), // not in the queue
		ticket(3998, 12345, "open", 3, 0, map[int64]string{emailField: "jane@acme.cmo"}),      // other form
	}
	dir := model.NewDirectory()
	dir.Merge(page())
	return tickets, dir
}

func TestBuild(t *testing.T) {
	tickets, dir := fixture()
	r := Build(rules, tickets, dir)
	if r.Scanned != 4 || len(r.Tickets) != 4 {
		t.Fatalf("scanned %d, %d tickets; want 4 (solved and other-form tickets left out)", r.Scanned, len(r.Tickets))
	}
	var ids []int64
	for _, tk := range r.Tickets {
		ids = append(ids, tk.ID)
		if tk.Findings == nil {
			t.Errorf("ticket %d: findings is nil, want []", tk.ID)
		}
	}
	if want := []int64{4001, 4012, 4020, 4030}; !equalIDs(ids, want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
	clean, typo, cc, sel := r.Tickets[0], r.Tickets[1], r.Tickets[2], r.Tickets[3]
	if len(clean.Findings) != 0 || clean.Requester != "jane@acme.com" || clean.Organization != "Acme" ||
		clean.Scenario != "customer_account" || clean.SupportBasis != "Acme" {
		t.Errorf("clean ticket: %+v", clean)
	}
	if kinds(typo) != "requester_org_mismatch,customer_email_unknown" || typo.Requester != "jane@acme.cmo" || typo.Organization != "" {
		t.Errorf("typo ticket: %+v", typo)
	}
	if typo.Findings[1].SuggestedEmail != "jane@acme.com" || typo.Findings[0].Severity != "error" {
		t.Errorf("typo findings: %+v", typo.Findings)
	}
	if kinds(cc) != "partner_cc_missing" || cc.Findings[0].Severity != "warning" {
		t.Errorf("cc ticket: %+v", cc)
	}
	if kinds(sel) != "select_partner_association" || sel.Scenario != "select_partner" {
		t.Errorf("select ticket: %+v", sel)
	}
	if got := r.Summary(); got != "4 tickets scanned, 3 with findings (1 requester_org_mismatch, 1 customer_email_unknown, 1 select_partner_association, 1 partner_cc_missing)" {
		t.Errorf("summary = %q", got)
	}
}

func kinds(t Ticket) string {
	var k []string
	for _, f := range t.Findings {
		k = append(k, f.Kind)
	}
	return strings.Join(k, ",")
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDeterministic: the same data in any order gives the same bytes.
func TestDeterministic(t *testing.T) {
	tickets, _ := fixture()
	render := func(tickets []model.Ticket, p model.QueuePage) (string, string) {
		dir := model.NewDirectory()
		dir.Merge(p)
		r := Build(rules, tickets, dir)
		var j, tb bytes.Buffer
		if err := WriteJSON(&j, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteTable(&tb, r, 100); err != nil {
			t.Fatal(err)
		}
		return j.String(), tb.String()
	}
	wantJSON, wantTable := render(tickets, page())
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 50; i++ {
		ts := append([]model.Ticket(nil), tickets...)
		rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
		p := page()
		rng.Shuffle(len(p.Users), func(i, j int) { p.Users[i], p.Users[j] = p.Users[j], p.Users[i] })
		rng.Shuffle(len(p.Organizations), func(i, j int) {
			p.Organizations[i], p.Organizations[j] = p.Organizations[j], p.Organizations[i]
		})
		gotJSON, gotTable := render(ts, p)
		if gotJSON != wantJSON {
			t.Fatalf("JSON differs after shuffling:\n%s\nvs\n%s", gotJSON, wantJSON)
		}
		if gotTable != wantTable {
			t.Fatalf("table differs after shuffling:\n%s\nvs\n%s", gotTable, wantTable)
		}
	}
}

func TestJSONShape(t *testing.T) {
	tickets, dir := fixture()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Build(rules, tickets, dir)); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc) != 2 || doc["scanned"] != float64(4) {
		t.Fatalf("top level: %v", doc)
	}
	want := []string{"id", "subject", "status", "requester", "organization", "scenario", "support_basis", "findings"}
	for _, x := range doc["tickets"].([]any) {
		tk := x.(map[string]any)
		if len(tk) != len(want) {
			t.Errorf("ticket keys: %v", tk)
		}
		for _, k := range want {
			if _, ok := tk[k]; !ok {
				t.Errorf("ticket %v lacks %q", tk["id"], k)
			}
		}
		fs, ok := tk["findings"].([]any)
		if !ok {
			t.Errorf("ticket %v: findings is %T, want a list", tk["id"], tk["findings"])
		}
		for _, f := range fs {
			fm := f.(map[string]any)
			for _, k := range []string{"kind", "severity", "message", "suggested_email"} {
				if _, ok := fm[k].(string); !ok {
					t.Errorf("finding %v lacks %q", fm, k)
				}
			}
			if len(fm) != 4 {
				t.Errorf("finding keys: %v", fm)
			}
		}
	}
	if !strings.Contains(buf.String(), `"findings": []`) {
		t.Error("a clean ticket's findings are not written as []")
	}
	if !strings.HasSuffix(buf.String(), "}\n") {
		t.Error("JSON does not end with a newline")
	}

	// Empty and hand-built reports: never null.
	for _, r := range []Report{{}, {Scanned: 1, Tickets: []Ticket{{ID: 1}}}} {
		buf.Reset()
		WriteJSON(&buf, r)
		if strings.Contains(buf.String(), "null") {
			t.Errorf("null in %s", buf.String())
		}
	}
}

func TestTable(t *testing.T) {
	tickets, dir := fixture()
	r := Build(rules, tickets, dir)
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, 0); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "REQUESTER") || !strings.Contains(lines[0], "FINDINGS") {
		t.Errorf("header: %q", lines[0])
	}
	// Columns aligned: STATUS starts at the same offset on every row.
	col := strings.Index(lines[0], "STATUS")
	for _, l := range lines[1:5] {
		if l[col-2:col] != "  " || l[col] == ' ' {
			t.Errorf("row not aligned with header: %q", l)
		}
	}
	for _, s := range []string{"Findings:", "#4012 error requester_org_mismatch:", "(suggested: jane@acme.com)",
		"#4020 warning partner_cc_missing:", lines[len(lines)-1]} {
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q:\n%s", s, out)
		}
	}
	if !strings.HasPrefix(lines[len(lines)-1], "4 tickets scanned, 3 with findings (") {
		t.Errorf("summary line: %q", lines[len(lines)-1])
	}
	if strings.Contains(out, "\x1b") {
		t.Error("escape sequence from Zendesk data reached the terminal")
	}

	// Narrow terminals: rows fit (down to the column minimums), messages wrap.
	buf.Reset()
	WriteTable(&buf, r, 80)
	for _, l := range strings.Split(buf.String(), "\n") {
		if w := len([]rune(l)); w > 80 && !strings.Contains(l, "scanned") {
			t.Errorf("line wider than 80 (%d): %q", w, l)
		}
	}

	buf.Reset()
	WriteTable(&buf, Build(rules, nil, nil), 80)
	if buf.String() != "0 tickets scanned, none with findings\n" {
		t.Errorf("empty table: %q", buf.String())
	}
}

func TestSummary(t *testing.T) {
	r := Report{Scanned: 1, Tickets: []Ticket{{ID: 1, Findings: []Finding{
		{Kind: "partner_cc_missing"}, {Kind: "select_partner_association"}, {Kind: "select_partner_association"}, {Kind: "new_kind"},
	}}}}
	if got := r.Summary(); got != "1 ticket scanned, 1 with findings (2 select_partner_association, 1 partner_cc_missing, 1 new_kind)" {
		t.Errorf("summary = %q", got)
	}
}
