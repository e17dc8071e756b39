package zendesk

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

func TestFieldValueAnyJSONType(t *testing.T) {
	cases := []struct {
		in   string
		kind model.FieldKind
		text string
	}{
		{`"jane@acme.com"`, model.FieldString, "jane@acme.com"},
		{`12345678901234567890`, model.FieldNumber, "12345678901234567890"},
		{`1.50`, model.FieldNumber, "1.50"},
		{`-3e2`, model.FieldNumber, "-3e2"},
		{`true`, model.FieldBool, "true"},
		{`false`, model.FieldBool, "false"},
		{`null`, model.FieldNull, ""},
		{``, model.FieldNull, ""},
		{`["a", 2, true, null, "b"]`, model.FieldList, "a 2 true b"},
		{`[]`, model.FieldList, ""},
		{`{"x":1}`, model.FieldOther, ""},
	}
	for _, c := range cases {
		got := fieldValue(json.RawMessage(c.in))
		if got.Kind != c.kind || got.Text != c.text {
			t.Errorf("fieldValue(%s) = %+v, want {%d %q}", c.in, got, c.kind, c.text)
		}
	}
}

func TestTicketDecodeTolerant(t *testing.T) {
	body := `{"ticket":{"id":"42","subject":null,"status":"Open","ticket_form_id":360000818199,
	  "requester_id":7,"submitter_id":8,"assignee_id":null,"organization_id":null,
	  "collaborator_ids":[9,null],"email_cc_ids":null,
	  "custom_fields":[{"id":1,"value":"x"},{"value":"no id"},{"id":2,"value":3},{"id":3,"value":["a","b"]},
	                   {"id":4,"value":null},{"id":5,"value":{"o":1}},"junk",{"id":"6","value":false}],
	  "created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:06.5Z","unknown":{"deep":[1,2]}}}`
	var env envelope
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Fatal(err)
	}
	tk := env.Ticket.model()
	want := map[int64]model.FieldValue{
		1: {Kind: model.FieldString, Text: "x"},
		2: {Kind: model.FieldNumber, Text: "3"},
		3: {Kind: model.FieldList, Text: "a b"},
		4: {Kind: model.FieldNull},
		5: {Kind: model.FieldOther},
		6: {Kind: model.FieldBool, Text: "false"},
	}
	if !reflect.DeepEqual(tk.Fields, want) {
		t.Errorf("fields = %+v", tk.Fields)
	}
	if tk.ID != 42 || tk.Status != "open" || tk.OrganizationID != 0 || tk.FormID != 360000818199 ||
		!reflect.DeepEqual(tk.CollaboratorIDs, []int64{9}) || len(tk.EmailCCIDs) != 0 {
		t.Errorf("ticket = %+v", tk)
	}
	if !tk.UpdatedAt.Equal(time.Date(2026, 1, 2, 3, 4, 6, 5e8, time.UTC)) {
		t.Errorf("updated_at = %s", tk.UpdatedAt)
	}
}

func TestOrgAndUserDecodeTolerant(t *testing.T) {
	body := `{"organizations":[{"id":1,"name":"Acme","domain_names":["Acme.com"," acme.io "],
	   "organization_fields":{"partner_track":"Select","tier":3,"flag":true,"tags":["x","y"],"none":null,"obj":{"a":1}}},
	   {"id":2,"name":"NoDomains","domain_names":null,"organization_fields":null}],
	 "users":[{"id":5,"name":"Jane","email":null,"organization_id":null,"role":"end-user"}]}`
	var env envelope
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Fatal(err)
	}
	o := env.Organizations[0].model()
	if !reflect.DeepEqual(o.DomainNames, []string{"acme.com", "acme.io"}) {
		t.Errorf("domains = %q", o.DomainNames)
	}
	wantF := map[string]string{"partner_track": "Select", "tier": "3", "flag": "true", "tags": "x y", "none": "", "obj": ""}
	if !reflect.DeepEqual(o.Fields, wantF) {
		t.Errorf("fields = %q", o.Fields)
	}
	if o2 := env.Organizations[1].model(); o2.DomainNames != nil || o2.Fields != nil {
		t.Errorf("org 2 = %+v", o2)
	}
	if u := env.Users[0].model(); u.Email != "" || u.OrganizationID != 0 || u.ID != 5 {
		t.Errorf("user = %+v", u)
	}
}

func TestAPIErrorParsing(t *testing.T) {
	e := parseAPIError(422, []byte(`{"error":"RecordInvalid","description":"Record validation errors",
	  "details":{"requester":[{"description":"Requester: Email is invalid","error":"InvalidValue"}],
	             "base":[{"description":"Organization is not one of the requester's organizations"}]}}`), "PUT", "/tickets/42.json")
	if e.Code != "RecordInvalid" || len(e.Details) != 2 {
		t.Fatalf("%+v", e)
	}
	got := e.Error()
	want := "PUT /tickets/42.json: 422 RecordInvalid: Organization is not one of the requester's organizations; Requester: Email is invalid"
	if got != want {
		t.Errorf("Error() = %q\nwant      %q", got, want)
	}
	if errors.Is(e, model.ErrConflict) {
		t.Error("422 is not a conflict")
	}
	if !errors.Is(parseAPIError(409, nil, "PUT", "/tickets/1.json"), model.ErrConflict) {
		t.Error("409 should be ErrConflict")
	}
	if !errors.Is(parseAPIError(404, []byte(`{"error":"RecordNotFound","description":"Not found"}`), "GET", "/x"), model.ErrNotFound) {
		t.Error("404 should be ErrNotFound")
	}
	if txt := parseAPIError(502, []byte("<html>\n<body>Bad gateway</body></html>"), "GET", "/x").Error(); strings.Contains(txt, "html") {
		t.Errorf("HTML leaked into %q", txt)
	}
}

func TestUpdateRequestBody(t *testing.T) {
	stamp := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	org := int64(900)
	body, err := updateRequest(model.TicketUpdate{
		TicketID:       42,
		UpdatedStamp:   stamp,
		CustomFields:   map[int64]string{360012194200: "jane@acme.com", 5: ""},
		NewRequester:   &model.NewUser{Email: " jane@acme.com ", Name: "Jane"},
		OrganizationID: &org,
		AddEmailCCs:    []model.CCRef{{UserID: 7}, {Email: "pat@partner.com"}},
		Note:           "Fixed the requester.",
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(body)
	want := `{"ticket":{"custom_fields":[{"id":5,"value":""},{"id":360012194200,"value":"jane@acme.com"}],` +
		`"requester":{"email":"jane@acme.com","name":"Jane"},"organization_id":900,` +
		`"email_ccs":[{"user_id":7,"action":"put"},{"user_email":"pat@partner.com","action":"put"}],` +
		`"comment":{"body":"Fixed the requester.","public":false},"safe_update":true,"updated_stamp":"2026-03-04T05:06:07Z"}}`
	if string(b) != want {
		t.Errorf("body\n%s\nwant\n%s", b, want)
	}
	// Only what is set is sent.
	body, _ = updateRequest(model.TicketUpdate{TicketID: 1, UpdatedStamp: stamp, RequesterID: 9})
	b, _ = json.Marshal(body)
	if string(b) != `{"ticket":{"requester_id":9,"safe_update":true,"updated_stamp":"2026-03-04T05:06:07Z"}}` {
		t.Errorf("minimal body %s", b)
	}
	// An undo clears the organization with an explicit null and deletes the CCs it added.
	body, _ = updateRequest(model.TicketUpdate{TicketID: 1, UpdatedStamp: stamp, ClearOrganization: true,
		RemoveEmailCCs: []model.CCRef{{UserID: 7}}})
	b, _ = json.Marshal(body)
	if string(b) != `{"ticket":{"organization_id":null,"email_ccs":[{"user_id":7,"action":"delete"}],"safe_update":true,"updated_stamp":"2026-03-04T05:06:07Z"}}` {
		t.Errorf("undo body %s", b)
	}
	zero := int64(0)
	one := int64(1)
	for name, u := range map[string]model.TicketUpdate{
		"set and clear org": {TicketID: 1, UpdatedStamp: stamp, OrganizationID: &one, ClearOrganization: true},
		"no stamp":          {TicketID: 1, Note: "x"},
		"empty":             {TicketID: 1, UpdatedStamp: stamp},
		"clear org":         {TicketID: 1, UpdatedStamp: stamp, OrganizationID: &zero},
		"both reqs":         {TicketID: 1, UpdatedStamp: stamp, RequesterID: 3, NewRequester: &model.NewUser{Email: "a@b.c"}},
		"bad new req":       {TicketID: 1, UpdatedStamp: stamp, NewRequester: &model.NewUser{Email: "n/a"}},
		"bad cc":            {TicketID: 1, UpdatedStamp: stamp, AddEmailCCs: []model.CCRef{{Email: "nobody"}}},
	} {
		if _, err := updateRequest(u); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRelativeLinksAndTypeTerm(t *testing.T) {
	c, _ := New(Config{BaseURL: "http://127.0.0.1:9/api/v2", OAuthToken: "x", ViewID: 1})
	if got := c.relative("http://127.0.0.1:9/api/v2/search.json?page=2&query=x"); got != "/search.json?page=2&query=x" {
		t.Errorf("relative = %q", got)
	}
	if got := c.relative("https://elsewhere.example/other/x.json"); got != "" {
		t.Errorf("foreign link followed: %q", got)
	}
	if got := typeTerm.ReplaceAllString("type:ticket status<solved", " "); strings.TrimSpace(got) != "status<solved" {
		t.Errorf("type term: %q", got)
	}
	if got := withParam("/views/1/tickets.json?page%5Bsize%5D=100", "page[after]", "abc=="); got != "/views/1/tickets.json?page%5Bafter%5D=abc%3D%3D&page%5Bsize%5D=100" {
		t.Errorf("withParam = %q", got)
	}
}

func TestParseHead(t *testing.T) {
	tricky := `{"tickets":[{"subject":"a \"meta\":{\"has_more\":false} } ] {[","x":[1,{"meta":{"has_more":false}}]}],` +
		`"users":[], "meta" : {"has_more":true,"after_cursor":"abc"},"links":{"next":"http://h/api/v2/x?page[after]=abc"},"count":12}`
	h, err := parseHead([]byte(tricky))
	if err != nil {
		t.Fatal(err)
	}
	if more, err := h.more(); err != nil || !more || h.Meta.AfterCursor != "abc" || h.Links.Next == "" || h.Count == nil || *h.Count != 12 {
		t.Errorf("head = %+v", h)
	}
	var full envelope
	if err := json.Unmarshal([]byte(tricky), &full); err != nil || full.pageHead.Meta.AfterCursor != h.Meta.AfterCursor {
		t.Errorf("full decode disagrees: %v %+v", err, full.pageHead)
	}
	h, err = parseHead([]byte(`{"results":[],"next_page":null,"count":0}`))
	if err != nil || h.NextPage != "" || h.Meta.HasMore != nil {
		t.Errorf("offset head = %+v, %v", h, err)
	}
	for _, bad := range []string{``, `[]`, `{"tickets":[{"id":1,`, `{"meta":{"has_more":tru`, `{"a" 1}`, `{"meta":{"has_more":true,"after_cursor":"x"}`} {
		if _, err := parseHead([]byte(bad)); err == nil {
			t.Errorf("parseHead(%q) accepted", bad)
		}
	}
}
