package main

import (
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// scan on real people (issue 10's deleted requester, issue 11's identities and hostile text):
// no stack trace, the deleted requester listed as not found, the secondary address clean,
// and nothing in the table that drives a terminal.
func TestScanPeople(t *testing.T) {
	const token = "people-token-0123456789"
	ds := zendesktest.PeopleDemo()
	for i := range ds.Organizations {
		if ds.Organizations[i].ID == zendesktest.OrgAcme {
			ds.Organizations[i].Name = "Acme\x1b[2J\x1b]0;pwned\x07 Corporation"
		}
	}
	srv := zendesktest.NewServer(ds, zendesktest.WithAPIToken("agent@example.com", token))
	defer srv.Close()
	cfg := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 360077000001\n")
	r := runWith(t, map[string]string{"ZENDESK_API_TOKEN": token}, "scan", "--config", cfg, "--format", "table")
	if r.code != exitFindings || strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 0 && f[0] == "8802" && !strings.Contains(line, "user #361000000777 (not found)"):
			t.Errorf("deleted requester: %q", line)
		case len(f) > 0 && f[0] == "8801" && !strings.HasSuffix(strings.TrimSpace(line), "-"):
			t.Errorf("#8801 (E is Priya's secondary address) has findings: %q", line)
		}
	}
	if strings.ContainsAny(r.stdout, "\x1b\x07") {
		t.Errorf("the table carries control sequences")
	}
	if !strings.Contains(r.stdout, "Acme Corporation") {
		t.Errorf("the organization's name lost its words:\n%s", r.stdout)
	}
}

// zendesk.email with /token pasted in is a config error naming the key, before any request.
func TestEmailWithTokenSuffixIsConfigError(t *testing.T) {
	cfg := writeConfig(t, "zendesk:\n  url: https://example.zendesk.com\n  email: agent@example.com/token\nqueue:\n  view_id: 1\n")
	r := runWith(t, map[string]string{"ZENDESK_API_TOKEN": "tok-0123456789"}, "scan", "--config", cfg)
	if r.code != exitUsage || !strings.Contains(r.stderr, "zendesk.email") || !strings.Contains(r.stderr, "/token") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
