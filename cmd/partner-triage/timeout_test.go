package main

import (
	"strings"
	"testing"
)

// --timeout is a duration on scan and the console: a bad one is a usage error (exit 2), a
// generous one lets the scan finish, and the value may follow the flag or the command word.
func TestTimeoutFlag(t *testing.T) {
	for _, args := range [][]string{{"scan", "--demo", "--timeout", "-1s"}, {"scan", "--demo", "--timeout", "soon"}} {
		r := runWith(t, nil, args...)
		if r.code != exitUsage || !strings.Contains(firstLine(r.stderr), "timeout") {
			t.Errorf("%v: exit %d, %q; want 2 naming --timeout", args, r.code, firstLine(r.stderr))
		}
	}
	r := runWith(t, nil, "--timeout", "5m", "scan", "--demo", "--format", "json")
	if r.code != exitFindings || !strings.Contains(r.stdout, `"scanned": 30`) {
		t.Errorf("scan --timeout 5m: exit %d, stderr %q", r.code, r.stderr)
	}
	if h := runWith(t, nil, "scan", "--help"); !strings.Contains(h.stdout, "--timeout D") {
		t.Errorf("scan --help does not document --timeout")
	}
}
