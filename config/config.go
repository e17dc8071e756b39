// Package config reads and validates partner-triage's configuration file
// (shared/spec/product.md, "Config") and the Zendesk credentials, which come from the
// environment only. It is pure parsing and validation: no network.
//
// Every problem is reported as one line a person can act on:
//
//	FILE:LINE: KEY: what is wrong and what to write instead
//
// for example
//
//	config.yaml:7: forms.open_partner: want a list of form ids like [360000818199], got "abc"
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// Default ids of the support instance (shared/spec/zendesk.md).
const (
	DefaultOpenPartnerForm   int64 = 360000818199 // "Support for Open Partners"
	DefaultSelectPartnerForm int64 = 360000837100 // "Support for Select Partners"
	DefaultOrgEmailField     int64 = 360012194200 // Organization Email (partners)
	DefaultCCRequestField    int64 = 360020735339 // Request for CCs
	DefaultTrackField              = "partner_track"

	// DemoViewID is the queue view the built-in emulator's demo dataset serves.
	DemoViewID int64 = 360077000001
	// DemoEmail is the agent address Demo configures for API-token auth against the emulator.
	DemoEmail = "agent@demo.partner-triage.test"

	// DefaultOAuthClientID is the unique identifier of the OAuth client an admin creates for
	// partner-triage (a public client: no secret, PKCE).
	DefaultOAuthClientID = "partner_triage"
	// DefaultOAuthRedirectURL is where `auth login` waits for the browser; it must be one of
	// the OAuth client's redirect URLs.
	DefaultOAuthRedirectURL = "http://127.0.0.1:8976/callback"
)

// Environment variables holding the credentials (never the config file).
const (
	EnvAPIToken   = "ZENDESK_API_TOKEN"
	EnvOAuthToken = "ZENDESK_OAUTH_TOKEN"
)

// Config is a validated configuration. Build one with Load, Parse, Demo or Defaults.
type Config struct {
	// Source is the file the configuration was read from ("" for Demo and Defaults).
	Source        string
	Zendesk       Zendesk
	Forms         Forms
	Fields        Fields
	Organizations Organizations
	Queue         Queue
	Templates     Templates
}

// Templates are the texts the console starts a reply from.
type Templates struct {
	// AskSubmitter is the public reply `a` asks the submitter with (templates.ask_submitter;
	// default model.DefaultAskSubmitter). Placeholders: model.AskPlaceholders.
	AskSubmitter string
}

// Zendesk says which instance to talk to. Exactly one of URL and Subdomain is set.
type Zendesk struct {
	URL       string // e.g. https://example.zendesk.com (trailing slashes trimmed)
	Subdomain string // e.g. example (lower-cased)
	Email     string // the agent's address, for API-token auth

	// OAuthClientID is the OAuth client `auth login` signs in with (zendesk.oauth_client_id;
	// "" when the config empties it: auth login then says what an admin must create).
	OAuthClientID string
	// OAuthRedirectURL is that client's redirect URL (zendesk.oauth_redirect_url): http on a
	// loopback host (auth login listens there) or https (the address is pasted).
	OAuthRedirectURL string
}

// Forms lists the partner ticket forms that make up the queue.
type Forms struct {
	OpenPartner   []int64
	SelectPartner []int64
}

// Fields names the ticket custom fields the rules read.
type Fields struct {
	OrgEmail  int64 // Organization Email (partners)
	CCRequest int64 // Request for CCs
}

// Organizations says how to tell partner organizations apart.
type Organizations struct {
	TrackField   string   // organization_fields key holding the partner track
	SelectValues []string // track values meaning Select
	OpenValues   []string // track values meaning Open
}

// Queue is the ticket source: exactly one of ViewID and Search is set. Refresh is how
// often the console reads what changed (queue.refresh, default DefaultRefresh; 0 off).
type Queue struct {
	ViewID  int64
	Search  string
	Refresh time.Duration
	// PageConcurrency is how many list pages of a view are read at once after the first
	// (queue.page_concurrency, 1–MaxPageConcurrency, default DefaultPageConcurrency); the
	// load still slows to one at a time as X-Rate-Limit-Remaining runs low.
	PageConcurrency int
}

const (
	// DefaultRefresh is queue.refresh's default (product.md).
	DefaultRefresh = 2 * time.Minute
	// DefaultPageConcurrency and MaxPageConcurrency bound queue.page_concurrency.
	DefaultPageConcurrency = 8
	MaxPageConcurrency     = 16
)

// Defaults returns the configuration every key defaults to (product.md). It has no
// Zendesk instance and no queue, so it is not usable on its own.
func Defaults() Config {
	return Config{
		Zendesk: Zendesk{OAuthClientID: DefaultOAuthClientID, OAuthRedirectURL: DefaultOAuthRedirectURL},
		Forms: Forms{
			OpenPartner:   []int64{DefaultOpenPartnerForm},
			SelectPartner: []int64{DefaultSelectPartnerForm},
		},
		Fields:    Fields{OrgEmail: DefaultOrgEmailField, CCRequest: DefaultCCRequestField},
		Queue:     Queue{Refresh: DefaultRefresh, PageConcurrency: DefaultPageConcurrency},
		Templates: Templates{AskSubmitter: model.DefaultAskSubmitter},
		Organizations: Organizations{
			TrackField:   DefaultTrackField,
			SelectValues: []string{"select"},
			OpenValues:   []string{"open"},
		},
	}
}

// Demo returns the configuration for the built-in emulator listening at baseURL:
// the defaults, that URL, DemoEmail and the demo queue view.
func Demo(baseURL string) Config {
	c := Defaults()
	c.Zendesk.URL = strings.TrimRight(strings.TrimSpace(baseURL), "/")
	c.Zendesk.Email = DemoEmail
	c.Queue.ViewID = DemoViewID
	return c
}

// Rules returns the part of the configuration the triage rules read.
func (c Config) Rules() model.RuleConfig {
	return model.RuleConfig{
		OpenForms:      append([]int64(nil), c.Forms.OpenPartner...),
		SelectForms:    append([]int64(nil), c.Forms.SelectPartner...),
		OrgEmailField:  c.Fields.OrgEmail,
		CCRequestField: c.Fields.CCRequest,
		TrackField:     c.Organizations.TrackField,
		SelectValues:   append([]string(nil), c.Organizations.SelectValues...),
		OpenValues:     append([]string(nil), c.Organizations.OpenValues...),
	}
}

// APIBase returns the REST API base, without a trailing slash: zendesk.url plus /api/v2
// (unless it already ends so), or https://{subdomain}.zendesk.com/api/v2.
func (c Config) APIBase() string {
	if c.Zendesk.URL != "" {
		u := strings.TrimRight(strings.TrimSpace(c.Zendesk.URL), "/")
		if strings.HasSuffix(u, "/api/v2") {
			return u
		}
		return u + "/api/v2"
	}
	if c.Zendesk.Subdomain != "" {
		return "https://" + c.Zendesk.Subdomain + ".zendesk.com/api/v2"
	}
	return ""
}

// WebBase returns the instance's address for people (no /api/v2), e.g.
// https://example.zendesk.com.
func (c Config) WebBase() string {
	return strings.TrimSuffix(c.APIBase(), "/api/v2")
}

// TicketURL returns the agent-interface address of a ticket.
func (c Config) TicketURL(id int64) string {
	return c.WebBase() + "/agent/tickets/" + strconv.FormatInt(id, 10)
}

// QueueSource describes the queue source for a status bar: `view 360077000001` or
// `search "type:ticket status<solved"`.
func (c Config) QueueSource() string {
	if c.Queue.ViewID != 0 {
		return "view " + strconv.FormatInt(c.Queue.ViewID, 10)
	}
	return "search " + strconv.Quote(c.Queue.Search)
}

// Error is a configuration problem. Its text is one line:
// FILE:LINE: KEY: message (LINE and KEY left out when they do not apply).
type Error struct {
	File string
	Line int    // 0 when the problem is not at a line (e.g. the file is missing)
	Key  string // dotted key path, e.g. forms.open_partner[1]; "" for the whole file
	Msg  string
	Err  error // the underlying error, if any (e.g. fs.ErrNotExist)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// maxFileSize bounds what Load reads: a configuration is a few hundred bytes.
const maxFileSize = 1 << 20

// Load reads and validates the configuration file at path.
func Load(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Config{}, &Error{File: path, Err: err, Msg: "no such file: create it with at least " +
				"zendesk.url (or zendesk.subdomain) and queue.view_id (or queue.search) — see " +
				"'partner-triage --help', CONFIGURATION — pass another one with --config FILE, or try --demo"}
		}
		return Config{}, &Error{File: path, Err: err, Msg: "cannot read: " + errText(err)}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return Config{}, &Error{File: path, Msg: "is a directory: point --config at the YAML file inside it"}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return Config{}, &Error{File: path, Err: err, Msg: "cannot read: " + errText(err)}
	}
	if len(data) > maxFileSize {
		return Config{}, &Error{File: path, Msg: "is larger than 1 MiB: a configuration is a few lines of YAML; is this the right file?"}
	}
	return Parse(path, data)
}

// errText is an OS error without the path it repeats (the path is already in front).
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// DefaultPath returns $XDG_CONFIG_HOME/partner-triage/config.yaml, else
// ~/.config/partner-triage/config.yaml.
func DefaultPath() (string, error) { return DefaultPathEnv(os.Getenv) }

// DefaultPathEnv is DefaultPath reading the environment through getenv. A relative
// XDG_CONFIG_HOME is ignored, as the XDG base directory specification asks.
func DefaultPathEnv(getenv func(string) string) (string, error) {
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "partner-triage", "config.yaml"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil || home == "" {
			return "", errors.New("cannot find the configuration: neither XDG_CONFIG_HOME nor HOME is set; pass --config FILE")
		}
	}
	return filepath.Join(home, ".config", "partner-triage", "config.yaml"), nil
}

// Credentials authenticate the client: an OAuth access token (Bearer), or an API token
// with the agent's email (Basic email/token:TOKEN). They come from the environment only.
// String and GoString never print a token.
type Credentials struct {
	Email      string // for APIToken
	APIToken   string
	OAuthToken string
}

// String describes the credentials without revealing them.
func (c Credentials) String() string {
	switch {
	case c.OAuthToken != "":
		return "OAuth token from " + EnvOAuthToken + " (redacted)"
	case c.APIToken != "":
		return "API token for " + c.Email + " from " + EnvAPIToken + " (redacted)"
	}
	return "no credentials"
}

// GoString is String, so %#v cannot leak a token either.
func (c Credentials) GoString() string { return "config.Credentials{" + c.String() + "}" }

// Secrets returns the token values, for redacting them from messages.
func (c Credentials) Secrets() []string {
	var s []string
	for _, t := range []string{c.APIToken, c.OAuthToken} {
		if t != "" {
			s = append(s, t)
		}
	}
	return s
}

// FromEnv reads the credentials from the environment: ZENDESK_OAUTH_TOKEN (Bearer)
// when set, else ZENDESK_API_TOKEN (which also needs zendesk.email: see
// Config.Credentials). When neither is set the error says which variable to set.
func FromEnv(getenv func(string) string) (Credentials, error) {
	oauth := strings.TrimSpace(getenv(EnvOAuthToken))
	api := strings.TrimSpace(getenv(EnvAPIToken))
	switch {
	case oauth != "":
		if strings.ContainsFunc(oauth, isSpaceOrControl) {
			return Credentials{}, errors.New(EnvOAuthToken + " contains spaces or line breaks: set it to the access token alone")
		}
		return Credentials{OAuthToken: oauth}, nil
	case api != "":
		if strings.ContainsFunc(api, isSpaceOrControl) {
			return Credentials{}, errors.New(EnvAPIToken + " contains spaces or line breaks: set it to the token alone")
		}
		return Credentials{APIToken: api}, nil
	}
	return Credentials{}, ErrNoCredentials
}

// ErrNoCredentials is FromEnv's answer when neither variable is set: the caller then uses
// the stored sign-in (`partner-triage auth login`).
var ErrNoCredentials = errors.New("not signed in: run `partner-triage auth login`, or set " + EnvOAuthToken +
	" to an OAuth access token or " + EnvAPIToken + " to an API token (with zendesk.email in the config), or try --demo")

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) }

// Credentials reads FromEnv and, for an API token, adds zendesk.email, which it requires.
func (c Config) Credentials(getenv func(string) string) (Credentials, error) {
	cr, err := FromEnv(getenv)
	if err != nil {
		return Credentials{}, err
	}
	if cr.OAuthToken != "" {
		return cr, nil
	}
	if c.Zendesk.Email == "" {
		where := c.Source
		if where == "" {
			where = "the config"
		}
		return Credentials{}, fmt.Errorf("%s: zendesk.email: missing: %s authenticates as email/token, so add "+
			"'email: you@example.com' under zendesk (or set %s instead)", where, EnvAPIToken, EnvOAuthToken)
	}
	cr.Email = c.Zendesk.Email
	return cr, nil
}
