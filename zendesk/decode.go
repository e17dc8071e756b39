package zendesk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partner-triage/partner-triage/model"
)

// Wire types: the part of Zendesk's JSON this package reads, decoded tolerantly. Unknown
// fields are ignored, nulls become zero values, ids may be numbers or numeric strings, and
// custom field values may be any JSON type.

// flexID is an id sent as a number, a numeric string or null (0). Zendesk ids are positive
// whole numbers below 2^63: a negative, fractional or larger value is an error naming it
// (never truncated or wrapped into another record's id).
type flexID int64

func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == 'n' {
		*f = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(strings.TrimSpace(s))
		if len(b) == 0 {
			*f = 0
			return nil
		}
	}
	n, err := parseID(string(b))
	if err != nil {
		return err
	}
	*f = flexID(n)
	return nil
}

// parseID reads a whole number in 0 … 2^63−1, also in a float spelling (1.2e10).
func parseID(s string) (int64, error) {
	bad := func() (int64, error) {
		return 0, fmt.Errorf("id %s is not a whole number between 1 and 2^63-1", strconv.Quote(limitText(s, 40)))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err == nil {
		if n < 0 {
			return bad()
		}
		return n, nil
	}
	fl, ferr := strconv.ParseFloat(s, 64)
	// 2^63 is exactly representable; every float64 below it converts without wrapping.
	if ferr != nil || fl != math.Trunc(fl) || fl < 0 || fl >= 1<<63 {
		return bad()
	}
	return int64(fl), nil
}

// limitText cuts s to at most n bytes (on a rune boundary) for an error message.
func limitText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// flexIDs is a list of ids; null or a non-list becomes empty.
type flexIDs []int64

func (f *flexIDs) UnmarshalJSON(b []byte) error {
	var raw []flexID
	if err := json.Unmarshal(b, &raw); err != nil {
		*f = nil
		return nil //nolint:nilerr // tolerant: a malformed id list is treated as empty
	}
	out := make([]int64, 0, len(raw))
	for _, id := range raw {
		if id != 0 {
			out = append(out, int64(id))
		}
	}
	*f = out
	return nil
}

// flexString is a string, or any other JSON value as text (null → "").
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	*f = flexString(fieldValue(b).Text) // capped at maxStringBytes by fieldValue
	return nil
}

// capString keeps at most maxStringBytes of s, cut at a character boundary and marked "…".
func capString(s string) string {
	if len(s) <= maxStringBytes {
		return s
	}
	return limitText(s, maxStringBytes-len("…"))
}

// flexBool is a bool; null, "true"/"false" strings and numbers are accepted.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	*f = flexBool(s == "true" || s == "1")
	return nil
}

// flexTime is an RFC 3339 time; anything else becomes the zero time.
type flexTime time.Time

func (f *flexTime) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil || s == "" {
		*f = flexTime{}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		*f = flexTime{}
		return nil
	}
	*f = flexTime(t)
	return nil
}

type wireCustomField struct {
	ID    *flexID   `json:"id"`
	Value wireValue `json:"value"`
}

// wireValue is a custom field's value, read straight into a model.FieldValue (any JSON type;
// see fieldValue).
type wireValue model.FieldValue

func (v *wireValue) UnmarshalJSON(b []byte) error {
	*v = wireValue(fieldValue(b))
	return nil
}

// wireFields is a ticket's custom_fields by id, decoded in the same pass as the ticket (the
// values are never kept as raw JSON and decoded again). Elements without an id, or that are
// not objects, name nothing and are left out.
type wireFields map[int64]model.FieldValue

func (f *wireFields) UnmarshalJSON(b []byte) error {
	var list []wireCustomField
	err := json.Unmarshal(b, &list)
	var te *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &te) {
		// An element json cannot read past (an id like 1.5): read them one by one.
		var raws []json.RawMessage
		if json.Unmarshal(b, &raws) != nil {
			*f = nil
			return nil //nolint:nilerr // tolerant: custom_fields that are not a list name nothing
		}
		list = make([]wireCustomField, len(raws))
		for i, raw := range raws {
			if json.Unmarshal(raw, &list[i]) != nil {
				list[i] = wireCustomField{}
			}
		}
	}
	m := make(wireFields, len(list))
	for _, cf := range list {
		if cf.ID != nil && *cf.ID != 0 {
			m[int64(*cf.ID)] = model.FieldValue(cf.Value)
		}
	}
	*f = m
	return nil
}

type wireTicket struct {
	ID              flexID     `json:"id"`
	Subject         flexString `json:"subject"`
	Status          flexString `json:"status"`
	TicketFormID    flexID     `json:"ticket_form_id"`
	RequesterID     flexID     `json:"requester_id"`
	SubmitterID     flexID     `json:"submitter_id"`
	AssigneeID      flexID     `json:"assignee_id"`
	OrganizationID  flexID     `json:"organization_id"`
	CollaboratorIDs flexIDs    `json:"collaborator_ids"`
	EmailCCIDs      flexIDs    `json:"email_cc_ids"`
	CustomFields    wireFields `json:"custom_fields"`
	CreatedAt       flexTime   `json:"created_at"`
	UpdatedAt       flexTime   `json:"updated_at"`
	ResultType      string     `json:"result_type"` // search results only
}

func (w *wireTicket) model() model.Ticket {
	t := model.Ticket{
		ID:              int64(w.ID),
		Subject:         string(w.Subject),
		Status:          strings.ToLower(strings.TrimSpace(string(w.Status))),
		FormID:          int64(w.TicketFormID),
		RequesterID:     int64(w.RequesterID),
		SubmitterID:     int64(w.SubmitterID),
		AssigneeID:      int64(w.AssigneeID),
		OrganizationID:  int64(w.OrganizationID),
		CollaboratorIDs: []int64(w.CollaboratorIDs),
		EmailCCIDs:      []int64(w.EmailCCIDs),
		CreatedAt:       time.Time(w.CreatedAt),
		UpdatedAt:       time.Time(w.UpdatedAt),
	}
	if len(w.CustomFields) > 0 {
		t.Fields = map[int64]model.FieldValue(w.CustomFields)
	}
	return t
}

type wireUser struct {
	ID             flexID     `json:"id"`
	Name           flexString `json:"name"`
	Email          flexString `json:"email"`
	Role           flexString `json:"role"`
	OrganizationID flexID     `json:"organization_id"`
	Suspended      flexBool   `json:"suspended"`
}

func (w *wireUser) model() model.User {
	return model.User{
		ID:             int64(w.ID),
		Name:           string(w.Name),
		Email:          strings.TrimSpace(string(w.Email)),
		Role:           string(w.Role),
		OrganizationID: int64(w.OrganizationID),
		Suspended:      bool(w.Suspended),
	}
}

type wireOrg struct {
	ID          flexID                     `json:"id"`
	Name        flexString                 `json:"name"`
	DomainNames json.RawMessage            `json:"domain_names"`
	Fields      map[string]json.RawMessage `json:"organization_fields"`
}

func (w *wireOrg) model() model.Organization {
	o := model.Organization{ID: int64(w.ID), Name: string(w.Name)}
	if len(w.DomainNames) > 0 {
		var list []json.RawMessage
		if json.Unmarshal(w.DomainNames, &list) == nil {
			for _, d := range list {
				if s := strings.TrimSpace(fieldValue(d).Text); s != "" {
					o.DomainNames = append(o.DomainNames, strings.ToLower(s))
				}
			}
		} else if s := strings.TrimSpace(fieldValue(w.DomainNames).Text); s != "" {
			o.DomainNames = strings.Fields(strings.ToLower(s))
		}
	}
	if len(w.Fields) > 0 {
		o.Fields = make(map[string]string, len(w.Fields))
		for k, v := range w.Fields {
			o.Fields[k] = fieldValue(v).Text
		}
	}
	return o
}

type wireMembership struct {
	ID             flexID   `json:"id"`
	UserID         flexID   `json:"user_id"`
	OrganizationID flexID   `json:"organization_id"`
	Default        flexBool `json:"default"`
}

func (w *wireMembership) model() model.Membership {
	return model.Membership{
		ID:             int64(w.ID),
		UserID:         int64(w.UserID),
		OrganizationID: int64(w.OrganizationID),
		Default:        bool(w.Default),
	}
}

// envelope is every list, show, search and write answer this package reads.
type envelope struct {
	Tickets                 []wireTicket     `json:"tickets"`
	Ticket                  *wireTicket      `json:"ticket"`
	Results                 []wireTicket     `json:"results"`
	Users                   []wireUser       `json:"users"`
	User                    *wireUser        `json:"user"`
	Organizations           []wireOrg        `json:"organizations"`
	Organization            *wireOrg         `json:"organization"`
	OrganizationMemberships []wireMembership `json:"organization_memberships"`
	OrganizationMembership  *wireMembership  `json:"organization_membership"`
	pageHead
}

// pageHead is the part of a list answer that says how to go on (and how many there are).
type pageHead struct {
	Meta struct {
		HasMore     json.RawMessage `json:"has_more"` // see pageHead.more
		AfterCursor flexString      `json:"after_cursor"`
	} `json:"meta"`
	Links struct {
		Next flexString `json:"next"`
	} `json:"links"`
	NextPage flexString `json:"next_page"`
	Count    *flexID    `json:"count"`
}

// more reads meta.has_more strictly: a cursor page must say true or false. A missing, null or
// non-boolean has_more is an error, never taken as the last page (which would silently
// shorten the list).
func (h *pageHead) more() (bool, error) {
	switch v := string(bytes.TrimSpace(h.Meta.HasMore)); v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "", "null":
		return false, errors.New("meta.has_more is missing or null, so it cannot tell whether more pages follow")
	default:
		return false, fmt.Errorf("meta.has_more is %s, not true or false", limitText(v, 40))
	}
}

// parseHead reads only the top-level meta, links, next_page and count of a list answer. It
// finds them with a byte scan that skips everything else (strings, arrays, objects) without
// decoding it, so the next page can be requested before this one is decoded; the full
// decode that follows still validates the whole answer.
func parseHead(data []byte) (pageHead, error) {
	var h pageHead
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return h, errors.New("the answer is not a JSON object")
	}
	i++
	for {
		i = skipSpace(data, i)
		if i < len(data) && data[i] == '}' {
			return h, nil
		}
		if i >= len(data) || data[i] != '"' {
			return h, errors.New("malformed JSON: expected a key")
		}
		kEnd, err := skipValue(data, i)
		if err != nil {
			return h, err
		}
		key := string(data[i+1 : kEnd-1])
		if strings.IndexByte(key, '\\') >= 0 || !utf8.ValidString(key) {
			// As encoding/json reads it: escapes resolved, invalid UTF-8 replaced.
			if err := json.Unmarshal(data[i:kEnd], &key); err != nil {
				return h, fmt.Errorf("malformed JSON key: %w", err)
			}
		}
		i = skipSpace(data, kEnd)
		if i >= len(data) || data[i] != ':' {
			return h, errors.New("malformed JSON: expected ':'")
		}
		i = skipSpace(data, i+1)
		vEnd, err := skipValue(data, i)
		if err != nil {
			return h, err
		}
		var target any
		switch {
		// encoding/json matches keys case-insensitively; so does this reader.
		case strings.EqualFold(key, "meta"):
			target = &h.Meta
		case strings.EqualFold(key, "links"):
			target = &h.Links
		case strings.EqualFold(key, "next_page"):
			target = &h.NextPage
		case strings.EqualFold(key, "count"):
			target = &h.Count
		}
		if target != nil {
			if err := json.Unmarshal(data[i:vEnd], target); err != nil {
				return h, fmt.Errorf("%s: %w", key, err)
			}
		}
		i = skipSpace(data, vEnd)
		if i < len(data) && data[i] == ',' {
			i++
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

var errTruncated = errors.New("malformed JSON: unexpected end of the answer")

// skipValue returns the end of the JSON value starting at i.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return i, errTruncated
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1, nil
			}
		}
		return len(b), errTruncated
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipValue(b, j)
				if err != nil {
					return end, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return len(b), errTruncated
	default: // number, true, false, null
		j := i
		for j < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[j])) {
			j++
		}
		if j == i {
			return j, fmt.Errorf("malformed JSON: unexpected %q", b[i])
		}
		return j, nil
	}
}

// plainString reads a JSON string without escapes or control characters in valid UTF-8 — the
// common case — without a second JSON decode; ok is false for anything else.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[len(b)-1] != '"' {
		return "", false
	}
	in := b[1 : len(b)-1]
	for _, c := range in {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// fieldValue converts any JSON value to a model.FieldValue: strings as they are, numbers in
// their JSON spelling, bools as true/false, lists joined by a space, null and objects as "".
func fieldValue(raw json.RawMessage) model.FieldValue {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return model.FieldValue{Kind: model.FieldNull}
	}
	switch b[0] {
	case 'n':
		return model.FieldValue{Kind: model.FieldNull}
	case '"':
		if s, ok := plainString(b); ok {
			return model.FieldValue{Kind: model.FieldString, Text: capString(s)}
		}
		var s string
		if json.Unmarshal(b, &s) != nil {
			return model.FieldValue{Kind: model.FieldOther}
		}
		return model.FieldValue{Kind: model.FieldString, Text: capString(s)}
	case 't', 'f':
		return model.FieldValue{Kind: model.FieldBool, Text: string(b)}
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(b, &items) != nil {
			return model.FieldValue{Kind: model.FieldList}
		}
		parts := make([]string, 0, len(items))
		for _, it := range items {
			if s := fieldValue(it).Text; s != "" {
				parts = append(parts, s)
			}
		}
		return model.FieldValue{Kind: model.FieldList, Text: capString(strings.Join(parts, " "))}
	case '{':
		return model.FieldValue{Kind: model.FieldOther}
	default:
		if b[0] == '-' || (b[0] >= '0' && b[0] <= '9') {
			return model.FieldValue{Kind: model.FieldNumber, Text: capString(string(b))}
		}
		return model.FieldValue{Kind: model.FieldOther}
	}
}
