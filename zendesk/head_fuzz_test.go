package zendesk

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzParseHead holds the hand-written page-head reader against encoding/json: whatever
// encoding/json reads as a page head, parseHead reads the same (meta, links, next_page,
// count), and it never rejects an answer encoding/json accepts.
func FuzzParseHead(f *testing.F) {
	for _, s := range []string{
		`{"tickets":[{"id":1,"subject":"a \"meta\":{}"}],"meta":{"has_more":true,"after_cursor":"abc"},"links":{"next":"http://h/x"},"count":12}`,
		`{"results":[],"next_page":null,"count":0}`,
		`{"meta":{"has_more":false},"meta":{"after_cursor":"x"}}`,
		`{"META":{"has_more":true},"Count":3,"next_Page":"p"}`,
		`{"m\u0065ta":{"has_more":"yes"},"count":"7"}`,
		`{"count":1.5}`,
		`{"links":{"next":null},"x":[1,2,{"a":"}"}]}`,
		` { "count" : 9223372036854775807 } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want pageHead
		wantErr := json.Unmarshal(data, &want)
		got, err := parseHead(data) // must not panic on anything
		if wantErr != nil || !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
			// Rejected by the full decode that follows, or not an object (a bare null is
			// no page either; parseHead refuses it, more strictly).
			return
		}
		if err != nil {
			t.Fatalf("parseHead rejects what encoding/json reads: %v\n%q", err, data)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parseHead = %+v, encoding/json = %+v\n%q", got, want, data)
		}
	})
}
