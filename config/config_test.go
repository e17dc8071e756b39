package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const minimal = `zendesk:
  url: https://example.zendesk.com
queue:
  view_id: 360077000001
`

const full = `# every key, with its default
zendesk:
  url: https://example.zendesk.com     # or  subdomain: example   (the client adds /api/v2)
  email: agent@example.com             # for API-token auth
  oauth_client_id: partner_triage      # the OAuth client (public, PKCE) an admin created for auth login
  oauth_redirect_url: http://127.0.0.1:8976/callback   # one of that client's redirect URLs (loopback)
forms:
  open_partner: [360000818199]
  select_partner: [360000837100]
fields:
  org_email: 360012194200              # Organization Email (partners)
  cc_request: 360020735339             # Request for CCs
organizations:
  track_field: partner_track           # organization_fields key holding the partner track
  select_values: [select]
  open_values: [open]
queue:
  view_id: 360077000001                # either a view …
  # search: 'type:ticket status<solved' # … or a search query (results are still filtered by form and status)
`

func TestDefaults(t *testing.T) {
	cfg, err := Parse("config.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.Source = "config.yaml"
	want.Zendesk.URL = "https://example.zendesk.com"
	want.Queue.ViewID = 360077000001
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got %+v\nwant %+v", cfg, want)
	}
	r := cfg.Rules()
	if !reflect.DeepEqual(r.OpenForms, []int64{360000818199}) || !reflect.DeepEqual(r.SelectForms, []int64{360000837100}) ||
		r.OrgEmailField != 360012194200 || r.CCRequestField != 360020735339 || r.TrackField != "partner_track" ||
		!reflect.DeepEqual(r.SelectValues, []string{"select"}) || !reflect.DeepEqual(r.OpenValues, []string{"open"}) {
		t.Fatalf("rules = %+v", r)
	}
	// Rules hands out copies.
	r.OpenForms[0] = 1
	if cfg.Forms.OpenPartner[0] != 360000818199 {
		t.Fatal("Rules shares its slices with the config")
	}
}

func TestFullExampleEqualsDefaults(t *testing.T) {
	cfg, err := Parse("config.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	min, _ := Parse("config.yaml", []byte(minimal))
	min.Zendesk.Email = "agent@example.com"
	if !reflect.DeepEqual(cfg, min) {
		t.Fatalf("product.md's example differs from the defaults:\n%+v\n%+v", cfg, min)
	}
}

func TestOverrides(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(`
zendesk: {subdomain: Acme-Support, email: me@acme.com}
forms:
  open_partner: [1, 2, 2]
  select_partner: []
fields: {org_email: 3, cc_request: 4}
organizations:
  track_field: tier
  select_values: [Select, premier]
  open_values: [" Open "]
queue:
  search: 'type:ticket status<solved'
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Zendesk.Subdomain != "acme-support" || cfg.Zendesk.Email != "me@acme.com" {
		t.Errorf("zendesk = %+v", cfg.Zendesk)
	}
	if !reflect.DeepEqual(cfg.Forms.OpenPartner, []int64{1, 2}) || len(cfg.Forms.SelectPartner) != 0 {
		t.Errorf("forms = %+v", cfg.Forms)
	}
	if cfg.Fields != (Fields{3, 4}) {
		t.Errorf("fields = %+v", cfg.Fields)
	}
	if cfg.Organizations.TrackField != "tier" || !reflect.DeepEqual(cfg.Organizations.SelectValues, []string{"Select", "premier"}) ||
		!reflect.DeepEqual(cfg.Organizations.OpenValues, []string{"Open"}) {
		t.Errorf("organizations = %+v", cfg.Organizations)
	}
	if cfg.Queue != (Queue{Search: "type:ticket status<solved", Refresh: DefaultRefresh, PageConcurrency: DefaultPageConcurrency}) {
		t.Errorf("queue = %+v", cfg.Queue)
	}
	if got := cfg.QueueSource(); got != `search "type:ticket status<solved"` {
		t.Errorf("QueueSource = %q", got)
	}
}

func TestAPIBase(t *testing.T) {
	for _, tc := range []struct{ zd, api, web string }{
		{"url: https://example.zendesk.com", "https://example.zendesk.com/api/v2", "https://example.zendesk.com"},
		{"url: https://example.zendesk.com/", "https://example.zendesk.com/api/v2", "https://example.zendesk.com"},
		{"url: https://example.zendesk.com///", "https://example.zendesk.com/api/v2", "https://example.zendesk.com"},
		{"url: https://example.zendesk.com/api/v2", "https://example.zendesk.com/api/v2", "https://example.zendesk.com"},
		{"url: https://example.zendesk.com/api/v2/", "https://example.zendesk.com/api/v2", "https://example.zendesk.com"},
		{"url: https://support.example.com", "https://support.example.com/api/v2", "https://support.example.com"},
		{"url: https://proxy.example.com/zd", "https://proxy.example.com/zd/api/v2", "https://proxy.example.com/zd"},
		{"url: http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v2", "http://127.0.0.1:8080"},
		{"url: http://127.1.2.3", "http://127.1.2.3/api/v2", "http://127.1.2.3"},
		{"url: 'http://[::1]:9000/'", "http://[::1]:9000/api/v2", "http://[::1]:9000"},
		{"url: http://localhost:9000", "http://localhost:9000/api/v2", "http://localhost:9000"},
		{"subdomain: example", "https://example.zendesk.com/api/v2", "https://example.zendesk.com"},
		{"subdomain: EXAMPLE", "https://example.zendesk.com/api/v2", "https://example.zendesk.com"},
		{"subdomain: my-co2", "https://my-co2.zendesk.com/api/v2", "https://my-co2.zendesk.com"},
	} {
		cfg, err := Parse("c.yaml", []byte("zendesk:\n  "+tc.zd+"\nqueue: {view_id: 1}\n"))
		if err != nil {
			t.Errorf("%s: %v", tc.zd, err)
			continue
		}
		if got := cfg.APIBase(); got != tc.api {
			t.Errorf("%s: APIBase = %q, want %q", tc.zd, got, tc.api)
		}
		if got := cfg.WebBase(); got != tc.web {
			t.Errorf("%s: WebBase = %q, want %q", tc.zd, got, tc.web)
		}
	}
	c := Demo("http://127.0.0.1:4567/")
	if c.APIBase() != "http://127.0.0.1:4567/api/v2" || c.Queue.ViewID != DemoViewID || c.Zendesk.Email == "" {
		t.Errorf("Demo = %+v (api %s)", c, c.APIBase())
	}
	if got := c.TicketURL(42); got != "http://127.0.0.1:4567/agent/tickets/42" {
		t.Errorf("TicketURL = %q", got)
	}
	if got := c.QueueSource(); got != "view 360077000001" {
		t.Errorf("QueueSource = %q", got)
	}
}

// TestErrors checks every refusal: one line, naming the file, the line and the key, and
// saying what to write instead.
func TestErrors(t *testing.T) {
	const (
		zd = "zendesk:\n  url: https://example.zendesk.com\n"
		q  = "queue:\n  view_id: 1\n"
	)
	for _, tc := range []struct {
		name, yaml string
		want       string   // prefix: FILE:LINE: KEY:
		also       []string // further substrings
	}{
		{"empty", "", "config.yaml:1: the file is empty", []string{"zendesk.url", "queue.view_id"}},
		{"blank", "  \n\n", "config.yaml:1: the file is empty", nil},
		{"comments only", "# nothing\n", "config.yaml:1: the file is empty", nil},
		{"null document", "~\n", "config.yaml:1: the file is empty", nil},
		{"not yaml", "zendesk: [\n", "config.yaml:1: not valid YAML", nil},
		{"bad indentation", "zendesk:\n  url: x\n bad: 1\n", "config.yaml:2: not valid YAML", nil},
		{"top-level list", "- a\n- b\n", "config.yaml:1: want a mapping of sections", []string{"got a list"}},
		{"top-level scalar", "hello\n", "config.yaml:1: want a mapping of sections", []string{`got "hello"`}},
		{"two documents", zd + q + "---\nqueue: {view_id: 2}\n", "config.yaml:5: a second YAML document", nil},
		{"not utf8", "zendesk: \xff\n", "config.yaml:1: not UTF-8", nil},

		{"unknown section", zd + q + "queues: {}\n", "config.yaml:5: queues: unknown key: did you mean queue?", nil},
		{"unknown key", "zendesk:\n  uri: https://x.zendesk.com\n" + q, "config.yaml:2: zendesk.uri: unknown key: did you mean url?", []string{"url, subdomain, email"}},
		{"unknown key far", zd + q + "forms:\n  partner_forms: [1]\n", "config.yaml:6: forms.partner_forms: unknown key", []string{"open_partner, select_partner"}},
		{"duplicate key", zd + "  url: https://y.zendesk.com\n" + q, "config.yaml:3: zendesk.url: given twice (first at line 2)", nil},
		{"merge key", "base: &b {view_id: 1}\n", "config.yaml:1: base: unknown key", nil},
		{"section not mapping", "zendesk: https://x.zendesk.com\n" + q, "config.yaml:1: zendesk: want a section of keys", []string{`got "https://x.zendesk.com"`}},

		{"secret token", zd + "  token: abc123\n" + q, "config.yaml:3: zendesk.token: the config file never holds secrets", []string{"ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN"}},
		{"secret api_token", zd + "  api_token: abc123\n" + q, "config.yaml:3: zendesk.api_token: the config file never holds secrets", nil},
		{"secret password", zd + "  password: hunter2\n" + q, "config.yaml:3: zendesk.password: the config file never holds secrets", nil},
		{"secret oauth top", "oauth_token: x\n" + zd + q, "config.yaml:1: oauth_token: the config file never holds secrets", nil},

		{"no zendesk", q, "config.yaml:1: zendesk.url: missing", []string{"subdomain"}},
		{"zendesk empty", "zendesk:\n" + q, "config.yaml:1: zendesk.url: missing", nil},
		{"zendesk only email", "zendesk:\n  email: a@b.com\n" + q, "config.yaml:1: zendesk.url: missing", nil},
		{"url and subdomain", zd + "  subdomain: example\n" + q, "config.yaml:3: zendesk.subdomain: zendesk.url and zendesk.subdomain are both set", []string{"keep one"}},
		{"url empty", "zendesk:\n  url: ''\n" + q, "config.yaml:2: zendesk.url: is empty", nil},
		{"url null", "zendesk:\n  url:\n" + q, "config.yaml:2: zendesk.url: want the Zendesk address", []string{"got nothing"}},
		{"url list", "zendesk:\n  url: [a]\n" + q, "config.yaml:2: zendesk.url: want the Zendesk address", []string{"got a list"}},
		{"url http", "zendesk:\n  url: http://example.zendesk.com\n" + q, "config.yaml:2: zendesk.url:", []string{"not https", "write https://example.zendesk.com", "loopback"}},
		{"url http lan", "zendesk:\n  url: http://10.0.0.1\n" + q, "config.yaml:2: zendesk.url:", []string{"not https"}},
		{"url http localhost lookalike", "zendesk:\n  url: http://localhost.evil.com\n" + q, "config.yaml:2: zendesk.url:", []string{"not https"}},
		{"url no scheme", "zendesk:\n  url: example.zendesk.com\n" + q, "config.yaml:2: zendesk.url:", []string{"no scheme", "write https://example.zendesk.com"}},
		{"url ftp", "zendesk:\n  url: ftp://example.zendesk.com\n" + q, "config.yaml:2: zendesk.url:", []string{"not an https address"}},
		{"url userinfo", "zendesk:\n  url: https://me:hunter2@example.zendesk.com\n" + q, "config.yaml:2: zendesk.url: must not contain a user name or password", nil},
		{"url query", "zendesk:\n  url: https://example.zendesk.com/?x=1\n" + q, "config.yaml:2: zendesk.url: has a query", nil},
		{"url agent path", "zendesk:\n  url: https://example.zendesk.com/agent/tickets/1\n" + q, "config.yaml:2: zendesk.url: has a path", []string{"https://example.zendesk.com"}},
		{"url spaces", "zendesk:\n  url: https://exa mple.zendesk.com\n" + q, "config.yaml:2: zendesk.url: contains spaces", nil},
		{"subdomain bad chars", "zendesk:\n  subdomain: acme_co!\n" + q, "config.yaml:2: zendesk.subdomain:", []string{"not a subdomain", "letters, digits"}},
		{"subdomain host", "zendesk:\n  subdomain: acme.zendesk.com\n" + q, "config.yaml:2: zendesk.subdomain:", []string{"write only the first part, acme"}},
		{"subdomain url", "zendesk:\n  subdomain: https://acme.zendesk.com\n" + q, "config.yaml:2: zendesk.subdomain:", []string{"zendesk.url"}},
		{"subdomain hyphen", "zendesk:\n  subdomain: -acme\n" + q, "config.yaml:2: zendesk.subdomain:", []string{"not a subdomain"}},
		{"email no at", zd + "  email: agent.example.com\n" + q, "config.yaml:3: zendesk.email:", []string{`"agent.example.com" is not an email address`, "agent@example.com"}},
		{"email at end", zd + "  email: agent@\n" + q, "config.yaml:3: zendesk.email:", []string{"not an email address"}},
		{"email with /token", zd + "  email: agent@example.com/token\n" + q, "config.yaml:3: zendesk.email:", []string{"/token", "write agent@example.com"}},
		{"email with /TOKEN", zd + "  email: Agent@Example.com/TOKEN\n" + q, "config.yaml:3: zendesk.email:", []string{"/token"}},
		{"email with path", zd + "  email: agent@example.com/x\n" + q, "config.yaml:3: zendesk.email:", []string{"not an email address"}},
		{"email two ats", zd + "  email: a@b@example.com\n" + q, "config.yaml:3: zendesk.email:", []string{"not an email address"}},
		{"email bearer", zd + "  email: 'Bearer abc'\n" + q, "config.yaml:3: zendesk.email:", []string{"not an email address"}},

		{"no queue", zd, "config.yaml:1: queue: missing", []string{"view_id", "search"}},
		{"queue null", zd + "queue:\n", "config.yaml:3: queue: is empty", nil},
		{"queue empty map", zd + "queue: {}\n", "config.yaml:3: queue: is empty", []string{"view_id", "search"}},
		{"queue both", zd + "queue:\n  view_id: 1\n  search: type:ticket\n", "config.yaml:5: queue.search: queue.view_id and queue.search are both set", nil},
		{"queue empty search", zd + "queue:\n  search: '  '\n", "config.yaml:4: queue.search: is empty", nil},
		{"view id zero", zd + "queue:\n  view_id: 0\n", "config.yaml:4: queue.view_id:", []string{"positive"}},
		{"view id negative", zd + "queue:\n  view_id: -5\n", "config.yaml:4: queue.view_id:", []string{"positive"}},
		{"view id text", zd + "queue:\n  view_id: abc\n", "config.yaml:4: queue.view_id: want a view id", []string{`got "abc"`}},
		{"view id quoted", zd + "queue:\n  view_id: '123'\n", "config.yaml:4: queue.view_id:", []string{"without quotes"}},
		{"view id float", zd + "queue:\n  view_id: 1.5\n", "config.yaml:4: queue.view_id: want a view id", []string{"got 1.5"}},
		{"view id huge", zd + "queue:\n  view_id: 99999999999999999999\n", "config.yaml:4: queue.view_id:", nil},

		{"forms scalar", zd + q + "forms:\n  open_partner: abc\n", "config.yaml:6: forms.open_partner: want a list of form ids", []string{`got "abc"`}},
		{"forms single number", zd + q + "forms:\n  open_partner: 360000818199\n", "config.yaml:6: forms.open_partner: want a list of form ids like [360000818199]", nil},
		{"forms item text", zd + q + "forms:\n  open_partner: [1, abc]\n", "config.yaml:6: forms.open_partner[1]: want a form id", []string{`got "abc"`}},
		{"forms item zero", zd + q + "forms:\n  select_partner:\n    - 0\n", "config.yaml:7: forms.select_partner[0]:", []string{"positive"}},
		{"forms both empty", zd + q + "forms:\n  open_partner: []\n  select_partner: []\n", "config.yaml:5: forms: open_partner and select_partner are both empty", nil},
		{"forms overlap", zd + q + "forms:\n  open_partner: [5]\n  select_partner: [5]\n", "config.yaml:7: forms.select_partner[0]: form 5 is also in forms.open_partner", nil},
		{"forms null", zd + q + "forms:\n  open_partner:\n", "config.yaml:6: forms.open_partner: want a list of form ids", []string{"got nothing"}},

		{"field text", zd + q + "fields:\n  org_email: email\n", "config.yaml:6: fields.org_email: want a ticket field id", nil},
		{"field zero", zd + q + "fields:\n  cc_request: 0\n", "config.yaml:6: fields.cc_request:", []string{"positive"}},
		{"fields same", zd + q + "fields:\n  org_email: 7\n  cc_request: 7\n", "config.yaml:5: fields: org_email and cc_request are the same field", nil},

		{"track empty", zd + q + "organizations:\n  track_field: ''\n", "config.yaml:6: organizations.track_field: is empty", []string{"partner_track"}},
		{"track null", zd + q + "organizations:\n  track_field:\n", "config.yaml:6: organizations.track_field: want the organization field key", nil},
		{"select values empty", zd + q + "organizations:\n  select_values: []\n", "config.yaml:6: organizations.select_values: is empty", nil},
		{"open values null", zd + q + "organizations:\n  open_values:\n", "config.yaml:6: organizations.open_values: is empty", nil},
		{"open values scalar", zd + q + "organizations:\n  open_values: open\n", "config.yaml:6: organizations.open_values: want a list of track values", []string{`got "open"`}},
		{"value empty item", zd + q + "organizations:\n  select_values: [select, '']\n", "config.yaml:6: organizations.select_values[1]: is empty", nil},
		{"value nested", zd + q + "organizations:\n  select_values:\n    - [a]\n", "config.yaml:7: organizations.select_values[0]: want a track value", []string{"got a list"}},
		{"values overlap", zd + q + "organizations:\n  select_values: [select]\n  open_values: [open, SELECT]\n", "config.yaml:7: organizations.open_values[1]:", []string{"also in organizations.select_values"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("config.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error for:\n%s", tc.yaml)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tc.want) {
				t.Errorf("error\n  %s\ndoes not start with\n  %s", msg, tc.want)
			}
			for _, s := range tc.also {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q does not mention %q", msg, s)
				}
			}
			if strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error is not one line: %q", msg)
			}
			for _, secret := range []string{"abc123", "hunter2"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error leaks a secret: %q", msg)
				}
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.File != "config.yaml" || ce.Line < 1 {
				t.Errorf("error is %T %+v, want *Error with file and line", err, err)
			}
		})
	}
}

func TestAliasesResolve(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(`
zendesk: {url: &u https://example.zendesk.com}
forms:
  open_partner: &f [10, 11]
  select_partner: [12]
queue: {view_id: 99}
`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Forms.OpenPartner, []int64{10, 11}) {
		t.Errorf("forms = %+v", cfg.Forms)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != path || cfg.APIBase() != "https://example.zendesk.com/api/v2" {
		t.Errorf("Load = %+v", cfg)
	}

	missing := filepath.Join(dir, "nope.yaml")
	_, err = Load(missing)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	for _, s := range []string{missing, "create it", "--demo", "zendesk.url"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("missing-file error %q does not mention %q", err, s)
		}
	}

	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}

	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(minimal+"forms:\n  open_partner: abc\n"), 0o600)
	_, err = Load(bad)
	if err == nil || !strings.HasPrefix(err.Error(), bad+":6: forms.open_partner: want a list of form ids") {
		t.Errorf("bad file: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	got, err := DefaultPathEnv(env(map[string]string{"XDG_CONFIG_HOME": "/x/conf", "HOME": "/home/a"}))
	if err != nil || got != filepath.FromSlash("/x/conf/partner-triage/config.yaml") {
		t.Errorf("XDG: %q %v", got, err)
	}
	got, err = DefaultPathEnv(env(map[string]string{"HOME": "/home/a"}))
	if err != nil || got != filepath.FromSlash("/home/a/.config/partner-triage/config.yaml") {
		t.Errorf("HOME: %q %v", got, err)
	}
	got, err = DefaultPathEnv(env(map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/home/a"}))
	if err != nil || got != filepath.FromSlash("/home/a/.config/partner-triage/config.yaml") {
		t.Errorf("relative XDG: %q %v", got, err)
	}
	t.Setenv("XDG_CONFIG_HOME", "/env/conf")
	if got, _ := DefaultPath(); got != filepath.FromSlash("/env/conf/partner-triage/config.yaml") {
		t.Errorf("DefaultPath = %q", got)
	}
}

func TestCredentials(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, _ := Parse("/etc/pt.yaml", []byte(minimal))
	withEmail := cfg
	withEmail.Zendesk.Email = "agent@example.com"

	// OAuth preferred.
	cr, err := withEmail.Credentials(env(map[string]string{EnvOAuthToken: " oauth-secret ", EnvAPIToken: "api-secret"}))
	if err != nil || cr.OAuthToken != "oauth-secret" || cr.APIToken != "" {
		t.Errorf("oauth: %+v %v", cr, err)
	}
	// OAuth needs no email.
	if _, err := cfg.Credentials(env(map[string]string{EnvOAuthToken: "oauth-secret"})); err != nil {
		t.Errorf("oauth without email: %v", err)
	}
	// API token with email.
	cr, err = withEmail.Credentials(env(map[string]string{EnvAPIToken: "api-secret"}))
	if err != nil || cr.APIToken != "api-secret" || cr.Email != "agent@example.com" {
		t.Errorf("api: %+v %v", cr, err)
	}
	for _, s := range []string{cr.String(), cr.GoString()} {
		if strings.Contains(s, "secret") {
			t.Errorf("String leaks the token: %s", s)
		}
	}
	if got := cr.Secrets(); !reflect.DeepEqual(got, []string{"api-secret"}) {
		t.Errorf("Secrets = %v", got)
	}
	// API token without email.
	_, err = cfg.Credentials(env(map[string]string{EnvAPIToken: "api-secret"}))
	if err == nil || !strings.Contains(err.Error(), "/etc/pt.yaml: zendesk.email: missing") || strings.Contains(err.Error(), "api-secret") {
		t.Errorf("api without email: %v", err)
	}
	// Nothing set.
	_, err = FromEnv(env(nil))
	if err == nil || !strings.Contains(err.Error(), EnvOAuthToken) || !strings.Contains(err.Error(), EnvAPIToken) || strings.Contains(err.Error(), "\n") {
		t.Errorf("no credentials: %v", err)
	}
	// A token with a line break in the middle.
	_, err = FromEnv(env(map[string]string{EnvAPIToken: "abc\ndef"}))
	if err == nil || strings.Contains(err.Error(), "abc") {
		t.Errorf("broken token: %v", err)
	}
}

func FuzzLoadConfig(f *testing.F) {
	for _, s := range []string{
		minimal, full, "", "~", "- a", "zendesk: [", "a: &a [*a]", "x: *y",
		"zendesk: {subdomain: x}\nqueue: {search: q}\n",
		"zendesk:\n  url: http://[::1]:80\nqueue: {view_id: 0x10}\nforms: {open_partner: [0b11, 0o7]}\n",
		"base: &b {view_id: 1}\nqueue: *b\nzendesk: {url: https://a.zendesk.com}\n",
		"zendesk: {url: 'https://a.zendesk.com'}\nqueue:\n  view_id: !!str 5\n",
		"? [a]\n: b\n", "{a: 1, a: 2}", "--- 1\n--- 2\n", "\ufeffzendesk: {}",
		"organizations: {select_values: [&x a, *x]}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "fuzz.yaml:") || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("bad error %q", msg)
			}
			return
		}
		// A config that parses is usable.
		if cfg.APIBase() == "" || (cfg.Queue.ViewID <= 0) == (cfg.Queue.Search == "") {
			t.Fatalf("accepted an unusable config: %+v", cfg)
		}
		if len(cfg.Forms.OpenPartner)+len(cfg.Forms.SelectPartner) == 0 || cfg.Organizations.TrackField == "" ||
			len(cfg.Organizations.SelectValues) == 0 || len(cfg.Organizations.OpenValues) == 0 {
			t.Fatalf("accepted an unusable config: %+v", cfg)
		}
	})
}

// queue.refresh takes a duration, 0 for off, and refuses what would hammer Zendesk.
func TestQueueRefresh(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  time.Duration
		err   string
	}{
		{"90s", 90 * time.Second, ""},
		{"0", 0, ""},
		{"5m", 5 * time.Minute, ""},
		{"1s", 0, "too often"},
		{"soon", 0, "is not a duration"},
	} {
		cfg, err := Parse("c.yaml", []byte("zendesk:\n  url: https://x.zendesk.com\nqueue:\n  view_id: 1\n  refresh: "+tc.value+"\n"))
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "queue.refresh")):
			t.Errorf("refresh %s: err %v, want one naming queue.refresh and %q", tc.value, err, tc.err)
		case tc.err == "" && (err != nil || cfg.Queue.Refresh != tc.want):
			t.Errorf("refresh %s: %v, %v; want %v", tc.value, cfg.Queue.Refresh, err, tc.want)
		}
	}
	cfg, err := Parse("c.yaml", []byte("zendesk:\n  url: https://x.zendesk.com\nqueue:\n  view_id: 1\n"))
	if err != nil || cfg.Queue.Refresh != DefaultRefresh {
		t.Errorf("default refresh %v, %v; want %v", cfg.Queue.Refresh, err, DefaultRefresh)
	}
}

// queue.page_concurrency (issue 15: the parallel list pages are configurable) takes 1–16.
func TestQueuePageConcurrency(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  int
		err   bool
	}{
		{"1", 1, false},
		{"4", 4, false},
		{"16", 16, false},
		{"0", 0, true},
		{"17", 0, true},
		{"-2", 0, true},
		{"fast", 0, true},
		{"2.5", 0, true},
		{"[4]", 0, true},
	} {
		cfg, err := Parse("c.yaml", []byte("zendesk:\n  url: https://x.zendesk.com\nqueue:\n  view_id: 1\n  page_concurrency: "+tc.value+"\n"))
		switch {
		case tc.err && (err == nil || !strings.Contains(err.Error(), "c.yaml:5: queue.page_concurrency: want a whole number from 1")):
			t.Errorf("page_concurrency %s: err %v, want one naming the line, the key and what to write", tc.value, err)
		case !tc.err && (err != nil || cfg.Queue.PageConcurrency != tc.want):
			t.Errorf("page_concurrency %s: %v, %v; want %d", tc.value, cfg.Queue.PageConcurrency, err, tc.want)
		}
	}
	cfg, err := Parse("c.yaml", []byte("zendesk:\n  url: https://x.zendesk.com\nqueue:\n  view_id: 1\n"))
	if err != nil || cfg.Queue.PageConcurrency != DefaultPageConcurrency {
		t.Errorf("default page_concurrency %v, %v; want %d", cfg.Queue.PageConcurrency, err, DefaultPageConcurrency)
	}
}
