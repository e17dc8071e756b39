package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// result is one run of the program.
type result struct {
	code           int
	stdout, stderr string
}

func runWith(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["XDG_CONFIG_HOME"]; !ok {
		env["XDG_CONFIG_HOME"] = t.TempDir() // never read the developer's own config
	}
	if _, ok := env["HOME"]; !ok {
		env["HOME"] = t.TempDir()
	}
	var out, errb bytes.Buffer
	code := run(args, &out, &errb, func(k string) string { return env[k] })
	return result{code, out.String(), errb.String()}
}

// firstLine is the error line of stderr (the short usage may follow it).
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

type scanJSON struct {
	Scanned int `json:"scanned"`
	Tickets []struct {
		ID           int64  `json:"id"`
		Subject      string `json:"subject"`
		Status       string `json:"status"`
		Requester    string `json:"requester"`
		Organization string `json:"organization"`
		Scenario     string `json:"scenario"`
		SupportBasis string `json:"support_basis"`
		Findings     []struct {
			Kind           string  `json:"kind"`
			Severity       string  `json:"severity"`
			Message        string  `json:"message"`
			SuggestedEmail *string `json:"suggested_email"`
		} `json:"findings"`
	} `json:"tickets"`
}

func TestScanDemoJSON(t *testing.T) {
	r := runWith(t, nil, "scan", "--demo", "--format", "json")
	if r.code != exitFindings {
		t.Fatalf("exit %d, want 1; stderr: %s", r.code, r.stderr)
	}
	if r.stderr != "" {
		t.Errorf("stderr is not a terminal, yet got %q", r.stderr)
	}
	var doc scanJSON
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not the JSON of product.md: %v\n%s", err, r.stdout)
	}
	if doc.Scanned == 0 || doc.Scanned != len(doc.Tickets) {
		t.Errorf("scanned %d, %d tickets", doc.Scanned, len(doc.Tickets))
	}
	kinds := map[string]bool{}
	var ids []int64
	for _, tk := range doc.Tickets {
		ids = append(ids, tk.ID)
		if tk.Findings == nil {
			t.Errorf("ticket %d: findings null", tk.ID)
		}
		for _, f := range tk.Findings {
			kinds[f.Kind] = true
			if f.SuggestedEmail == nil {
				t.Errorf("ticket %d: finding without suggested_email", tk.ID)
			}
		}
	}
	for _, k := range []string{"requester_org_mismatch", "customer_email_unknown", "select_partner_association", "partner_cc_missing"} {
		if !kinds[k] {
			t.Errorf("the demo shows no %s", k)
		}
	}
	if !sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] < ids[j] }) {
		t.Errorf("tickets not sorted by id: %v", ids)
	}

	// The same scan again gives the same bytes.
	if again := runWith(t, nil, "--demo", "scan", "--format=json"); again.stdout != r.stdout {
		t.Error("two demo scans differ")
	}
}

func TestScanDemoTable(t *testing.T) {
	r := runWith(t, nil, "scan", "--demo")
	if r.code != exitFindings {
		t.Fatalf("exit %d; stderr %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(r.stdout, "Findings:") {
		t.Errorf("table:\n%s", r.stdout)
	}
	last := lines[len(lines)-1]
	if !strings.Contains(last, "tickets scanned,") || !strings.Contains(last, "with findings (") {
		t.Errorf("summary line: %q", last)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in the first stderr line
	}{
		{[]string{"scan", "--demo", "--format", "xml"}, `partner-triage scan: --format "xml" is not supported`},
		{[]string{"--bogus"}, "partner-triage: unknown flag: --bogus"},
		{[]string{"scan", "--bogus"}, "partner-triage scan: unknown flag: --bogus"},
		{[]string{"scan", "-x"}, "partner-triage scan: unknown shorthand flag"},
		{[]string{"version", "--bogus"}, "partner-triage version: unknown flag: --bogus"},
		{[]string{"frob"}, `partner-triage: unknown command "frob"`},
		{[]string{"scan", "extra"}, `partner-triage scan: unexpected argument "extra"`},
		{[]string{"version", "extra"}, `partner-triage version: unexpected argument "extra"`},
		{[]string{"scan", "--config"}, "partner-triage scan: flag needs an argument: --config"},
		{[]string{"scan", "--demo", "--config", "x.yaml"}, "--demo and --config cannot be used together"},
		{[]string{"help", "frob"}, `no help for "frob"`},
		{[]string{}, "the console needs a terminal"}, // tests run without one
	} {
		r := runWith(t, nil, tc.args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", tc.args, r.code, r.stderr)
		}
		if l := firstLine(r.stderr); !strings.Contains(l, tc.want) {
			t.Errorf("%v: first stderr line %q, want %q", tc.args, l, tc.want)
		}
		if !strings.Contains(r.stderr, "Usage: partner-triage") {
			t.Errorf("%v: no short usage after the error: %q", tc.args, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%v: stdout %q on a usage error", tc.args, r.stdout)
		}
	}
}

func TestMissingConfig(t *testing.T) {
	xdg := t.TempDir()
	r := runWith(t, map[string]string{"XDG_CONFIG_HOME": xdg}, "scan")
	want := filepath.Join(xdg, "partner-triage", "config.yaml")
	if r.code != exitUsage || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "--demo") {
		t.Errorf("exit %d, stderr %q; want 2 naming %s", r.code, r.stderr, want)
	}
	if strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("not one line: %q", r.stderr)
	}

	r = runWith(t, nil, "scan", "--config", "/nonexistent/pt.yaml")
	if r.code != exitUsage || !strings.Contains(r.stderr, "/nonexistent/pt.yaml") {
		t.Errorf("--config: exit %d, stderr %q", r.code, r.stderr)
	}
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBrokenConfig(t *testing.T) {
	p := writeConfig(t, "zendesk:\n  url: https://x.zendesk.com\nqueue:\n  view_id: 1\nforms:\n  open_partner: abc\n")
	r := runWith(t, map[string]string{"ZENDESK_OAUTH_TOKEN": "t"}, "scan", "--config", p)
	if r.code != exitUsage || firstLine(r.stderr) != "partner-triage scan: "+p+`:6: forms.open_partner: want a list of form ids like [360000818199], got "abc"` {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestCredentials(t *testing.T) {
	const goodToken = "good-token-0123456789"
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("agent@example.com", goodToken))
	defer srv.Close()
	cfg := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 360077000001\n")

	// Right token: the same report as the demo.
	r := runWith(t, map[string]string{"ZENDESK_API_TOKEN": goodToken}, "scan", "--config", cfg, "--format", "json")
	if r.code != exitFindings {
		t.Fatalf("good token: exit %d, stderr %q", r.code, r.stderr)
	}
	if demo := runWith(t, nil, "scan", "--demo", "--format", "json"); demo.stdout != r.stdout {
		t.Error("scanning the emulator through a config file differs from --demo")
	}

	// Wrong tokens: exit 3, one line, no secret.
	for _, env := range []map[string]string{
		{"ZENDESK_API_TOKEN": "wrong-api-token-SECRET"},
		{"ZENDESK_OAUTH_TOKEN": "wrong-oauth-token-SECRET"},
	} {
		r := runWith(t, env, "scan", "--config", cfg)
		if r.code != exitZendesk {
			t.Errorf("%v: exit %d, want 3; stderr %q", env, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "SECRET") || strings.Contains(r.stdout, "SECRET") {
			t.Errorf("%v: the token leaked: %q", env, r.stderr)
		}
		if !strings.Contains(r.stderr, "401") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: want one line naming the 401: %q", env, r.stderr)
		}
	}

	// No credentials: a configuration error naming the variables.
	r = runWith(t, nil, "scan", "--config", cfg)
	if r.code != exitUsage || !strings.Contains(r.stderr, "ZENDESK_OAUTH_TOKEN") || !strings.Contains(r.stderr, "ZENDESK_API_TOKEN") {
		t.Errorf("no credentials: exit %d, stderr %q", r.code, r.stderr)
	}

	// API token without zendesk.email.
	noEmail := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\nqueue:\n  view_id: 360077000001\n")
	r = runWith(t, map[string]string{"ZENDESK_API_TOKEN": goodToken}, "scan", "--config", noEmail)
	if r.code != exitUsage || !strings.Contains(r.stderr, "zendesk.email") || strings.Contains(r.stderr, goodToken) {
		t.Errorf("no email: exit %d, stderr %q", r.code, r.stderr)
	}

	// A view that does not exist: a Zendesk error, exit 3, naming the status.
	badView := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 42\n")
	r = runWith(t, map[string]string{"ZENDESK_API_TOKEN": goodToken}, "scan", "--config", badView)
	if r.code != exitZendesk || !strings.Contains(r.stderr, "404") {
		t.Errorf("unknown view: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestDebugLog(t *testing.T) {
	const token = "debug-token-SECRET-42"
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("agent@example.com", token))
	defer srv.Close()
	cfg := writeConfig(t, "zendesk:\n  url: "+srv.URL()+"\n  email: agent@example.com\nqueue:\n  view_id: 360077000001\n")
	logPath := filepath.Join(t.TempDir(), "debug.log")
	r := runWith(t, map[string]string{"ZENDESK_API_TOKEN": token}, "scan", "--config", cfg, "--debug", logPath)
	if r.code != exitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || strings.Contains(string(log), token) {
		t.Errorf("debug log empty or leaking the token:\n%s", log)
	}

	r = runWith(t, nil, "scan", "--demo", "--debug", filepath.Join(t.TempDir(), "no", "such", "dir", "x.log"))
	if r.code != exitUsage || !strings.Contains(r.stderr, "--debug") {
		t.Errorf("unwritable debug log: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	r := runWith(t, nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "partner-triage dev (go") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
	if r := runWith(t, nil, "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "partner-triage dev (go") {
		t.Errorf("--version: %d %q", r.code, r.stdout)
	}
	old := version
	version = "v9.8.7"
	defer func() { version = old }()
	if r := runWith(t, nil, "version"); !strings.HasPrefix(r.stdout, "partner-triage v9.8.7 ") {
		t.Errorf("ldflags version: %q", r.stdout)
	}
}

func TestHelp(t *testing.T) {
	full := []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "CONFIGURATION", "ENVIRONMENT", "EXIT STATUS", "EXAMPLES"}
	for _, tc := range []struct {
		args     []string
		sections []string
		mentions []string
	}{
		{[]string{"--help"}, full, []string{"--config FILE", "--demo", "--debug FILE", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN",
			"NO_COLOR", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "partner_track", "360000818199", "view_id"}},
		{[]string{"-h"}, full, nil},
		{[]string{"help"}, full, nil},
		{[]string{"scan", "--help"}, full, []string{"--format table|json", `"suggested_email"`, "0    Nothing found",
			"1    Findings", "2    Usage or configuration error", "3    Zendesk, authentication or network error"}},
		{[]string{"scan", "-h", "--format", "xml"}, full, nil}, // help wins
		{[]string{"help", "scan"}, full, nil},
		{[]string{"audit", "--help"}, full, []string{"--format table|json", `"memberships_checked"`, "3    Zendesk"}},
		{[]string{"version", "--help"}, []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "EXAMPLES"}, []string{"-ldflags"}},
		{[]string{"help", "version"}, []string{"NAME"}, nil},
	} {
		r := runWith(t, map[string]string{"XDG_CONFIG_HOME": "/cfg"}, tc.args...)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%v: exit %d, stderr %q", tc.args, r.code, r.stderr)
		}
		var got []string
		for _, l := range strings.Split(r.stdout, "\n") {
			if l != "" && l == strings.ToUpper(l) && !strings.HasPrefix(l, " ") {
				got = append(got, l)
			}
			if w := len([]rune(l)); w > 80 {
				t.Errorf("%v: line wider than 80 columns (%d): %q", tc.args, w, l)
			}
		}
		if len(tc.sections) == len(full) && !reflect.DeepEqual(got, tc.sections) {
			t.Errorf("%v: sections %v, want %v", tc.args, got, tc.sections)
		}
		for _, s := range append(tc.sections, tc.mentions...) {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("%v: help lacks %q", tc.args, s)
			}
		}
	}
	if r := runWith(t, map[string]string{"XDG_CONFIG_HOME": "/cfg"}, "--help"); !strings.Contains(r.stdout, "/cfg/partner-triage/config.yaml") {
		t.Error("help does not show the default config path it resolved")
	}
}

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		cmd  string
		rest []string
	}{
		{nil, "", nil},
		{[]string{"--demo"}, "", []string{"--demo"}},
		{[]string{"scan", "--demo"}, "scan", []string{"--demo"}},
		{[]string{"--demo", "scan", "--format", "json"}, "scan", []string{"--demo", "--format", "json"}},
		{[]string{"--config", "scan", "version"}, "version", []string{"--config", "scan"}}, // a file named scan
		{[]string{"--config=x", "scan"}, "scan", []string{"--config=x"}},
		{[]string{"--", "scan"}, "", []string{"--", "scan"}},
	} {
		cmd, rest := splitCommand(tc.in)
		if cmd != tc.cmd || !reflect.DeepEqual(rest, tc.rest) && !(len(rest) == 0 && len(tc.rest) == 0) {
			t.Errorf("splitCommand(%q) = %q %q, want %q %q", tc.in, cmd, rest, tc.cmd, tc.rest)
		}
	}
}
