package zendesk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"syscall"

	"github.com/partner-triage/partner-triage/model"
)

// APIError is a non-success answer from Zendesk. Its Error text is one line a person can act
// on and never contains a credential.
type APIError struct {
	Status      int      // HTTP status
	Code        string   // Zendesk's "error" (e.g. RecordInvalid), when it sent one
	Description string   // Zendesk's "description" (or the error title/message)
	Details     []string // the descriptions under "details", sorted by field
	Method      string   // GET, PUT, …
	Path        string   // path below the API base, without the query, e.g. /tickets/42

	// credential names the environment variable(s) to check on 401/403.
	credential string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.Status)
	code := e.Code
	if code == "" {
		code = http.StatusText(e.Status)
	}
	if code != "" {
		b.WriteString(" " + code)
	}
	desc := e.Description
	if len(e.Details) > 0 {
		// "Record validation errors" says nothing the details do not.
		desc = strings.Join(e.Details, "; ")
	}
	if desc != "" && !strings.EqualFold(desc, code) {
		b.WriteString(": " + desc)
	}
	switch e.Status {
	case http.StatusUnauthorized:
		b.WriteString(" — Zendesk did not accept the credentials; check " + e.credential)
	case http.StatusForbidden:
		b.WriteString(" — the account behind " + e.credential + " may not do this; check its role and scopes")
	case http.StatusTooManyRequests:
		b.WriteString(" — Zendesk rate limit; gave up waiting")
	}
	return oneLine(b.String())
}

// Unwrap lets errors.Is match model.ErrConflict (409) and model.ErrNotFound (404).
func (e *APIError) Unwrap() error {
	switch e.Status {
	case http.StatusConflict:
		return model.ErrConflict
	case http.StatusNotFound:
		return model.ErrNotFound
	}
	return nil
}

// IsAuthError reports whether err is Zendesk refusing the credentials (401) or the access (403),
// or a request not sent for want of a usable credential (CredentialError).
func IsAuthError(err error) bool {
	if _, ok := asCredentialError(err); ok {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden
	}
	return false
}

// NetworkError is a request that got no usable answer from Zendesk (connection refused or cut
// off, timeout, a body that could not be read). For a write, Zendesk may or may not have
// applied it.
type NetworkError struct {
	Method, Path string
	Err          error
}

func (e *NetworkError) Error() string {
	msg := fmt.Sprintf("%s %s: no answer from Zendesk: %v", e.Method, e.Path, e.Err)
	if e.Method != http.MethodGet && !notSent(e.Err) {
		msg += " (the change may or may not have been applied; reload before retrying)"
	}
	return oneLine(msg)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// notSent reports whether a request certainly never reached Zendesk (it could not connect).
func notSent(err error) bool {
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &op) && op.Op == "dial")
}

// DecodeError is a response Zendesk sent that could not be read as the expected JSON.
type DecodeError struct {
	Method, Path string
	Err          error
}

func (e *DecodeError) Error() string {
	return oneLine(fmt.Sprintf("%s %s: unreadable answer from Zendesk: %v", e.Method, e.Path, e.Err))
}

func (e *DecodeError) Unwrap() error { return e.Err }

// parseAPIError turns an error response body into an APIError. It accepts the shapes Zendesk
// uses: {"error":"Code","description":"…","details":{field:[{description,error}]}},
// {"error":{"title":"…","message":"…"}}, {"errors":[{"title","detail"}]} and plain text.
func parseAPIError(status int, body []byte, method, path string) *APIError {
	e := &APIError{Status: status, Method: method, Path: path}
	var raw struct {
		Error       json.RawMessage            `json:"error"`
		Description json.RawMessage            `json:"description"`
		Details     map[string]json.RawMessage `json:"details"`
		Errors      []struct {
			Code   string `json:"code"`
			Title  string `json:"title"`
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		txt := strings.TrimSpace(string(body))
		if len(txt) > 200 || strings.HasPrefix(txt, "<") {
			txt = "" // an HTML error page says nothing useful
		}
		e.Description = txt
		return e
	}
	if len(raw.Error) > 0 {
		var s string
		if json.Unmarshal(raw.Error, &s) == nil {
			e.Code = s
		} else {
			var obj struct{ Title, Message string }
			if json.Unmarshal(raw.Error, &obj) == nil {
				e.Code = obj.Title
				e.Description = obj.Message
			}
		}
	}
	if len(raw.Description) > 0 {
		var s string
		if json.Unmarshal(raw.Description, &s) == nil {
			e.Description = s
		}
	}
	for _, x := range raw.Errors {
		if e.Code == "" {
			e.Code = firstNonEmpty(x.Code, x.Title)
		}
		if x.Detail != "" {
			e.Details = append(e.Details, x.Detail)
		}
	}
	fields := make([]string, 0, len(raw.Details))
	for f := range raw.Details {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		// Each field holds a list of {description, error}; tolerate a single object or string.
		var list []json.RawMessage
		if json.Unmarshal(raw.Details[f], &list) != nil {
			list = []json.RawMessage{raw.Details[f]}
		}
		for _, item := range list {
			var d struct {
				Description string `json:"description"`
				Error       string `json:"error"`
			}
			var s string
			switch {
			case json.Unmarshal(item, &d) == nil && (d.Description != "" || d.Error != ""):
				e.Details = append(e.Details, firstNonEmpty(d.Description, f+": "+d.Error))
			case json.Unmarshal(item, &s) == nil && s != "":
				e.Details = append(e.Details, f+": "+s)
			}
		}
	}
	return e
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// oneLine folds an error text onto one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
