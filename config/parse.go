package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/partner-triage/partner-triage/model"
)

// Parse validates the YAML configuration in data; file names it in messages.
func Parse(file string, data []byte) (cfg Config, err error) {
	p := &parser{file: file}
	doc, err := p.decode(data)
	if err != nil {
		return Config{}, err
	}
	cfg = Defaults()
	cfg.Source = file
	if err := p.root(doc, &cfg); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

type parser struct{ file string }

func (p *parser) errAt(line int, key, format string, args ...any) error {
	if line < 1 {
		line = 1
	}
	return &Error{File: p.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) err(n *yaml.Node, key, format string, args ...any) error {
	return p.errAt(n.Line, key, format, args...)
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

const emptyHint = "write at least zendesk.url (or zendesk.subdomain) and queue.view_id (or queue.search); " +
	"see 'partner-triage --help', CONFIGURATION"

// decode parses the YAML into a node tree and returns the top-level mapping.
func (p *parser) decode(data []byte) (root *yaml.Node, err error) {
	if !utf8.Valid(data) {
		return nil, p.errAt(1, "", "not UTF-8 text: save the file as UTF-8")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, p.errAt(1, "", "the file is empty: %s", emptyHint)
	}
	// yaml.v3 is not supposed to panic on bad input; should it ever, that is still
	// only a broken file, not a crash.
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, p.errAt(1, "", "not valid YAML (the parser gave up): check the indentation and quoting")
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errAt(1, "", "the file is empty: %s", emptyHint)
		}
		return nil, p.yamlErr(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		line := extra.Line
		if line == 0 && len(extra.Content) > 0 {
			line = extra.Content[0].Line
		}
		return nil, p.errAt(line, "", "a second YAML document (after ---): keep the whole configuration in one document")
	} else if !errors.Is(err, io.EOF) {
		return nil, p.yamlErr(err)
	}
	n := &doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, p.errAt(1, "", "the file is empty: %s", emptyHint)
		}
		n = n.Content[0]
	}
	n = resolve(n)
	if n == nil || n.Kind == 0 || isNull(n) {
		return nil, p.errAt(1, "", "the file is empty: %s", emptyHint)
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.err(n, "", "want a mapping of sections (zendesk, forms, fields, organizations, queue), got %s", describe(n))
	}
	return n, nil
}

func (p *parser) yamlErr(err error) error {
	msg := err.Error()
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return p.errAt(line, "", "not valid YAML: %s", oneLine(m[2]))
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return p.errAt(1, "", "not valid YAML: %s", oneLine(msg))
}

// resolve follows aliases (a bounded number of hops).
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what a node holds, for "got …"; values are quoted, shortened and kept
// on one line.
func describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!str":
			return quoteShort(n.Value)
		}
		return oneLine(shorten(n.Value))
	}
	return "something else"
}

func shorten(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

func quoteShort(s string) string { return strconv.Quote(shorten(s)) }

// oneLine makes sure a message stays on one line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// entry is one key: value pair of a mapping.
type entry struct {
	key  string
	kn   *yaml.Node // key node (its line is the key's)
	vn   *yaml.Node // value node, aliases resolved
	path string     // dotted path
}

// secretKeys are refused anywhere: the config file never holds secrets.
func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"token", "password", "passwd", "secret", "api_key", "apikey", "credential"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// entries checks a mapping's keys against known (in order) and returns its pairs.
func (p *parser) entries(m *yaml.Node, prefix string, known []string) ([]entry, error) {
	var out []entry
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := resolve(m.Content[i]), resolve(m.Content[i+1])
		if kn == nil || vn == nil {
			return nil, p.err(m.Content[i], prefix, "an alias that never ends: write the value out")
		}
		if kn.Kind != yaml.ScalarNode {
			return nil, p.err(kn, prefix, "want a key name, got %s", describe(kn))
		}
		key := kn.Value
		path := key
		if prefix != "" {
			path = prefix + "." + key
		}
		path = oneLine(shorten(path))
		if isSecretKey(key) {
			return nil, p.err(kn, path, "the config file never holds secrets: remove this key and set %s "+
				"(OAuth access token) or %s (API token, with zendesk.email) in the environment", EnvOAuthToken, EnvAPIToken)
		}
		if key == "<<" {
			return nil, p.err(kn, path, "merge keys (<<) are not supported: write the keys out")
		}
		if !contains(known, key) {
			return nil, p.err(kn, path, "unknown key%s", p.suggest(key, known))
		}
		if first, ok := seen[key]; ok {
			return nil, p.err(kn, path, "given twice (first at line %d): keep one", first)
		}
		seen[key] = kn.Line
		out = append(out, entry{key: key, kn: kn, vn: vn, path: path})
	}
	return out, nil
}

func (p *parser) suggest(key string, known []string) string {
	best, bestD := "", 3
	lk := strings.ToLower(key)
	for _, k := range known {
		if d := distance(lk, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf(": did you mean %s? (known keys: %s)", best, strings.Join(known, ", "))
	}
	return fmt.Sprintf(": known keys are %s", strings.Join(known, ", "))
}

// distance is the Levenshtein distance, for key suggestions.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 99
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// section returns a section's mapping node; a section written with no value (`forms:`)
// is an empty section. ok is false for that empty case.
func (p *parser) section(e entry) (*yaml.Node, bool, error) {
	if isNull(e.vn) {
		return nil, false, nil
	}
	if e.vn.Kind != yaml.MappingNode {
		return nil, false, p.err(e.vn, e.path, "want a section of keys (indented under %s:), got %s", e.key, describe(e.vn))
	}
	return e.vn, true, nil
}

var sections = []string{"zendesk", "forms", "fields", "organizations", "queue", "templates"}

// sectionKeys are the keys each section accepts, in the order the help shows them: the
// one list the parser checks against and Keys reports.
var sectionKeys = map[string][]string{
	"zendesk":       {"url", "subdomain", "email", "oauth_client_id", "oauth_redirect_url"},
	"forms":         {"open_partner", "select_partner"},
	"fields":        {"org_email", "cc_request"},
	"organizations": {"track_field", "select_values", "open_values"},
	"queue":         {"view_id", "search", "refresh", "page_concurrency"},
}

// Keys lists every key a config file may hold, as dotted paths ("zendesk.url",
// "queue.refresh", …), section by section.
func Keys() []string {
	var out []string
	for _, sec := range sections {
		for _, k := range sectionKeys[sec] {
			out = append(out, sec+"."+k)
		}
	}
	return out
}

func (p *parser) root(n *yaml.Node, cfg *Config) error {
	es, err := p.entries(n, "", sections)
	if err != nil {
		return err
	}
	var zendeskLine, queueLine int
	zendeskSet, queueSet := false, false
	for _, e := range es {
		m, ok, err := p.section(e)
		if err != nil {
			return err
		}
		switch e.key {
		case "zendesk":
			zendeskLine = e.kn.Line
			if ok {
				if err := p.zendesk(m, cfg); err != nil {
					return err
				}
				zendeskSet = cfg.Zendesk.URL != "" || cfg.Zendesk.Subdomain != ""
			}
		case "forms":
			if ok {
				if err := p.forms(e, m, cfg); err != nil {
					return err
				}
			}
		case "fields":
			if ok {
				if err := p.fields(e, m, cfg); err != nil {
					return err
				}
			}
		case "organizations":
			if ok {
				if err := p.organizations(m, cfg); err != nil {
					return err
				}
			}
		case "templates":
			if ok {
				if err := p.templates(m, cfg); err != nil {
					return err
				}
			}
		case "queue":
			queueLine = e.kn.Line
			if !ok {
				return p.err(e.kn, "queue", "is empty: write 'view_id: <view id>' or 'search: \"<query>\"' under queue")
			}
			if ok {
				if err := p.queue(e, m, cfg); err != nil {
					return err
				}
				queueSet = true
			}
		}
	}
	if !zendeskSet {
		line := zendeskLine
		if line == 0 {
			line = n.Line
		}
		return p.errAt(line, "zendesk.url", "missing: say which Zendesk to use, e.g. 'url: https://yourcompany.zendesk.com' "+
			"(or 'subdomain: yourcompany') under zendesk")
	}
	if !queueSet {
		line := queueLine
		if line == 0 {
			line = n.Line
		}
		return p.errAt(line, "queue", "missing: say where the tickets come from, e.g. 'view_id: 360077000001' "+
			"or 'search: \"type:ticket status<solved\"' under queue")
	}
	return nil
}

func (p *parser) zendesk(m *yaml.Node, cfg *Config) error {
	es, err := p.entries(m, "zendesk", sectionKeys["zendesk"])
	if err != nil {
		return err
	}
	var urlE, subE *entry
	for i := range es {
		e := &es[i]
		switch e.key {
		case "url":
			urlE = e
		case "subdomain":
			subE = e
		case "email":
			s, err := p.str(*e, "the agent's email address, e.g. agent@example.com")
			if err != nil {
				return err
			}
			if strings.HasSuffix(strings.ToLower(s), "/token") && isEmail(s[:len(s)-len("/token")]) {
				return p.err(e.vn, e.path, "%s ends with /token: write %s alone (partner-triage adds /token itself for API-token auth)",
					quoteShort(s), s[:len(s)-len("/token")])
			}
			if !isEmail(s) {
				return p.err(e.vn, e.path, "%s is not an email address: write the address you sign in to Zendesk with, e.g. agent@example.com", quoteShort(s))
			}
			cfg.Zendesk.Email = s
		case "oauth_client_id":
			s, err := p.clientID(*e)
			if err != nil {
				return err
			}
			cfg.Zendesk.OAuthClientID = s
		case "oauth_redirect_url":
			s, err := p.redirectURL(*e)
			if err != nil {
				return err
			}
			cfg.Zendesk.OAuthRedirectURL = s
		}
	}
	if urlE != nil && subE != nil {
		later := urlE
		if subE.kn.Line > urlE.kn.Line {
			later = subE
		}
		return p.err(later.kn, later.path, "zendesk.url and zendesk.subdomain are both set: keep one (url for a full address, subdomain for {subdomain}.zendesk.com)")
	}
	if urlE != nil {
		u, err := p.url(*urlE)
		if err != nil {
			return err
		}
		cfg.Zendesk.URL = u
	}
	if subE != nil {
		s, err := p.subdomain(*subE)
		if err != nil {
			return err
		}
		cfg.Zendesk.Subdomain = s
	}
	return nil
}

// clientID reads zendesk.oauth_client_id: the OAuth client's unique identifier, or empty
// (null or an empty text) when no client exists yet.
func (p *parser) clientID(e entry) (string, error) {
	if isNull(e.vn) {
		return "", nil
	}
	if e.vn.Kind != yaml.ScalarNode {
		return "", p.err(e.vn, e.path, "want the unique identifier of the OAuth client, e.g. %s, got %s", DefaultOAuthClientID, describe(e.vn))
	}
	s := strings.TrimSpace(e.vn.Value)
	if strings.ContainsFunc(s, isSpaceOrControl) || len(s) > 200 {
		return "", p.err(e.vn, e.path, "%s is not an OAuth client identifier: copy the client's \"Identifier\" from Admin Center "+
			"(Apps and integrations → APIs → OAuth clients), e.g. %s", quoteShort(s), DefaultOAuthClientID)
	}
	return s, nil
}

// redirectURL reads zendesk.oauth_redirect_url: http on a loopback host, or https.
func (p *parser) redirectURL(e entry) (string, error) {
	const example = DefaultOAuthRedirectURL
	s, err := p.str(e, "one of the OAuth client's redirect URLs, e.g. "+example)
	if err != nil {
		return "", err
	}
	u, perr := url.Parse(s)
	if perr != nil || u.Host == "" || u.Opaque != "" || strings.ContainsFunc(s, isSpaceOrControl) {
		return "", p.err(e.vn, e.path, "%s is not an address: write one like %s", quoteShort(redactUserinfo(s)), example)
	}
	if u.User != nil {
		return "", p.err(e.vn, e.path, "must not contain a user name or password: write one like %s", example)
	}
	if u.Fragment != "" {
		return "", p.err(e.vn, e.path, "has a fragment (#…): OAuth redirect URLs cannot; write one like %s", example)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", p.err(e.vn, e.path, "%s is plain http on a host that is not this machine: Zendesk allows http only for "+
				"127.0.0.1 or localhost (where auth login listens), e.g. %s; anything else must be https", quoteShort(s), example)
		}
	default:
		return "", p.err(e.vn, e.path, "%s is not an http(s) address: write one like %s", quoteShort(s), example)
	}
	return s, nil
}

// isEmail reports an address as the rules read one (model.NormalizeEmail: one @, something
// on both sides, no white space) whose domain is a host name: no control characters, and
// nothing a URL or a credential adds (a /token suffix, a path, a port, a "Bearer " prefix).
func isEmail(s string) bool {
	e := model.NormalizeEmail(s)
	if e == "" || strings.ContainsFunc(s, isSpaceOrControl) {
		return false
	}
	domain := e[strings.IndexByte(e, '@')+1:]
	return !strings.ContainsAny(domain, "/\\:?#[]()<>,;\"'") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// str reads a non-empty scalar as text.
func (p *parser) str(e entry, want string) (string, error) {
	if e.vn.Kind != yaml.ScalarNode || isNull(e.vn) {
		return "", p.err(e.vn, e.path, "want %s, got %s", want, describe(e.vn))
	}
	s := strings.TrimSpace(e.vn.Value)
	if s == "" {
		return "", p.err(e.vn, e.path, "is empty: write %s", want)
	}
	return s, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (p *parser) url(e entry) (string, error) {
	const example = "https://yourcompany.zendesk.com"
	s, err := p.str(e, "the Zendesk address, e.g. "+example)
	if err != nil {
		return "", err
	}
	if strings.ContainsFunc(s, isSpaceOrControl) {
		return "", p.err(e.vn, e.path, "contains spaces: write the address alone, e.g. %s", example)
	}
	if !strings.Contains(s, "://") {
		return "", p.err(e.vn, e.path, "%s has no scheme: write https://%s", quoteShort(s), shorten(strings.TrimLeft(s, "/")))
	}
	u, perr := url.Parse(s)
	if perr != nil || u.Host == "" || u.Opaque != "" {
		return "", p.err(e.vn, e.path, "%s is not an address: write one like %s", quoteShort(redactUserinfo(s)), example)
	}
	if u.User != nil {
		// Never echo it: it may hold a password.
		return "", p.err(e.vn, e.path, "must not contain a user name or password: write only https://host, and set %s or %s in the environment", EnvOAuthToken, EnvAPIToken)
	}
	host := u.Hostname()
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(host) {
			return "", p.err(e.vn, e.path, "%s is not https: write https://%s (plain http is allowed only for loopback hosts: 127.0.0.1, ::1, localhost)", quoteShort(s), shorten(u.Host+u.Path))
		}
	default:
		return "", p.err(e.vn, e.path, "%s is not an https address: write one like %s", quoteShort(s), example)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", p.err(e.vn, e.path, "has a query or fragment (?…, #…): write only the instance address, e.g. %s://%s", strings.ToLower(u.Scheme), shorten(u.Host))
	}
	if strings.HasSuffix(strings.ToLower(host), ".zendesk.com") {
		switch strings.TrimRight(u.Path, "/") {
		case "", "/api/v2":
		default:
			return "", p.err(e.vn, e.path, "has a path (%s): write only the instance address, e.g. https://%s", quoteShort(u.Path), shorten(u.Host))
		}
	}
	return strings.TrimRight(s, "/"), nil
}

func redactUserinfo(s string) string {
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "…@" + s[i+1:]
		}
	}
	return s
}

var subdomainRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

func (p *parser) subdomain(e entry) (string, error) {
	s, err := p.str(e, "the first part of yourcompany.zendesk.com, e.g. yourcompany")
	if err != nil {
		return "", err
	}
	s = strings.ToLower(s)
	if strings.Contains(s, "://") {
		return "", p.err(e.vn, e.path, "%s is an address, not a subdomain: write it as zendesk.url instead, or only the first part (e.g. yourcompany)", quoteShort(s))
	}
	if i := strings.IndexByte(s, '.'); i > 0 && subdomainRE.MatchString(s[:i]) {
		return "", p.err(e.vn, e.path, "%s is a host name: write only the first part, %s (or use zendesk.url for a full address)", quoteShort(s), s[:i])
	}
	if !subdomainRE.MatchString(s) {
		return "", p.err(e.vn, e.path, "%s is not a subdomain: use only letters, digits and inner hyphens, e.g. yourcompany for yourcompany.zendesk.com", quoteShort(s))
	}
	return s, nil
}

// id reads a positive whole number.
func (p *parser) id(n *yaml.Node, path, what, example string) (int64, error) {
	n = resolve(n)
	if n == nil {
		return 0, p.errAt(0, path, "an alias that never ends: write the value out")
	}
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return 0, p.err(n, path, "want %s like %s, got %s", what, example, describe(n))
	}
	switch n.ShortTag() {
	case "!!int":
		var v int64
		if err := n.Decode(&v); err != nil {
			return 0, p.err(n, path, "%s is too large for %s: copy the id from Zendesk's admin center", shorten(n.Value), what)
		}
		if v <= 0 {
			return 0, p.err(n, path, "%s is not %s: ids are positive, e.g. %s", shorten(n.Value), what, example)
		}
		return v, nil
	case "!!str":
		if _, err := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64); err == nil {
			return 0, p.err(n, path, "want %s like %s, got the text %s: write the number without quotes", what, example, quoteShort(n.Value))
		}
	}
	return 0, p.err(n, path, "want %s like %s, got %s", what, example, describe(n))
}

// ids reads a list of positive whole numbers.
func (p *parser) ids(e entry, what, example string) ([]int64, error) {
	if e.vn.Kind != yaml.SequenceNode {
		return nil, p.err(e.vn, e.path, "want a list of %ss like [%s], got %s", what, example, describe(e.vn))
	}
	out := make([]int64, 0, len(e.vn.Content))
	for i, it := range e.vn.Content {
		v, err := p.id(it, fmt.Sprintf("%s[%d]", e.path, i), "a "+what, example)
		if err != nil {
			return nil, err
		}
		if !contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

func (p *parser) forms(sec entry, m *yaml.Node, cfg *Config) error {
	es, err := p.entries(m, "forms", sectionKeys["forms"])
	if err != nil {
		return err
	}
	for _, e := range es {
		v, err := p.ids(e, "form id", "360000818199")
		if err != nil {
			return err
		}
		if e.key == "open_partner" {
			cfg.Forms.OpenPartner = v
		} else {
			cfg.Forms.SelectPartner = v
		}
	}
	if len(cfg.Forms.OpenPartner) == 0 && len(cfg.Forms.SelectPartner) == 0 {
		return p.err(sec.kn, "forms", "open_partner and select_partner are both empty: list at least one partner form id (defaults: [%d] and [%d])",
			DefaultOpenPartnerForm, DefaultSelectPartnerForm)
	}
	for _, e := range es {
		if e.key != "select_partner" {
			continue
		}
		for i, id := range cfg.Forms.SelectPartner {
			if contains(cfg.Forms.OpenPartner, id) {
				return p.err(e.vn, fmt.Sprintf("%s[%d]", e.path, i), "form %d is also in forms.open_partner: a form is either Open or Select, keep it in one list", id)
			}
		}
	}
	return nil
}

func (p *parser) fields(sec entry, m *yaml.Node, cfg *Config) error {
	es, err := p.entries(m, "fields", sectionKeys["fields"])
	if err != nil {
		return err
	}
	for _, e := range es {
		switch e.key {
		case "org_email":
			v, err := p.id(e.vn, e.path, "a ticket field id", strconv.FormatInt(DefaultOrgEmailField, 10))
			if err != nil {
				return err
			}
			cfg.Fields.OrgEmail = v
		case "cc_request":
			v, err := p.id(e.vn, e.path, "a ticket field id", strconv.FormatInt(DefaultCCRequestField, 10))
			if err != nil {
				return err
			}
			cfg.Fields.CCRequest = v
		}
	}
	if cfg.Fields.OrgEmail == cfg.Fields.CCRequest {
		return p.err(sec.kn, "fields", "org_email and cc_request are the same field (%d): they are two different ticket fields (defaults %d and %d)",
			cfg.Fields.OrgEmail, DefaultOrgEmailField, DefaultCCRequestField)
	}
	return nil
}

func (p *parser) organizations(m *yaml.Node, cfg *Config) error {
	es, err := p.entries(m, "organizations", sectionKeys["organizations"])
	if err != nil {
		return err
	}
	var openE *entry
	for i := range es {
		e := es[i]
		switch e.key {
		case "track_field":
			s, err := p.str(e, "the organization field key holding the partner track, e.g. "+DefaultTrackField)
			if err != nil {
				return err
			}
			cfg.Organizations.TrackField = s
		case "select_values":
			v, err := p.values(e, "select")
			if err != nil {
				return err
			}
			cfg.Organizations.SelectValues = v
		case "open_values":
			v, err := p.values(e, "open")
			if err != nil {
				return err
			}
			cfg.Organizations.OpenValues = v
			openE = &es[i]
		}
	}
	for i, v := range cfg.Organizations.OpenValues {
		for _, s := range cfg.Organizations.SelectValues {
			if strings.EqualFold(v, s) {
				n, path := m, "organizations.open_values"
				if openE != nil {
					n, path = openE.vn, fmt.Sprintf("%s[%d]", openE.path, i)
				}
				return p.err(n, path, "%s is also in organizations.select_values: a track is either Select or Open, keep it in one list", quoteShort(v))
			}
		}
	}
	return nil
}

// values reads a non-empty list of non-empty texts.
func (p *parser) values(e entry, example string) ([]string, error) {
	if isNull(e.vn) || (e.vn.Kind == yaml.SequenceNode && len(e.vn.Content) == 0) {
		return nil, p.err(e.vn, e.path, "is empty: list at least one track value, e.g. [%s]", example)
	}
	if e.vn.Kind != yaml.SequenceNode {
		return nil, p.err(e.vn, e.path, "want a list of track values like [%s], got %s", example, describe(e.vn))
	}
	var out []string
	for i, it := range e.vn.Content {
		path := fmt.Sprintf("%s[%d]", e.path, i)
		it = resolve(it)
		if it == nil {
			return nil, p.err(e.vn, path, "an alias that never ends: write the value out")
		}
		if it.Kind != yaml.ScalarNode || isNull(it) {
			return nil, p.err(it, path, "want a track value like %s, got %s", example, describe(it))
		}
		s := strings.TrimSpace(it.Value)
		if s == "" {
			return nil, p.err(it, path, "is empty: write a track value like %s", example)
		}
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// refresh reads queue.refresh: a Go duration ("2m", "90s") of at least 10 seconds, or 0
// to turn the live refresh off.
func (p *parser) refresh(e entry) (time.Duration, error) {
	const want = `a duration such as "2m" or "90s", or 0 to turn the refresh off`
	if e.vn.Kind != yaml.ScalarNode || isNull(e.vn) {
		return 0, p.err(e.vn, e.path, "want %s, got %s", want, describe(e.vn))
	}
	v := strings.TrimSpace(e.vn.Value)
	if v == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		return 0, p.err(e.vn, e.path, "%s is not %s", quoteShort(v), want)
	case d < 10*time.Second:
		return 0, p.err(e.vn, e.path, "%s is too often: Zendesk's rate limit is shared, use 10s or more (or 0 for off)", quoteShort(v))
	}
	return d, nil
}

// pageConcurrency reads queue.page_concurrency: how many list pages of a view are read at
// once, 1 to MaxPageConcurrency.
func (p *parser) pageConcurrency(e entry) (int, error) {
	want := fmt.Sprintf("a whole number from 1 (one page at a time) to %d", MaxPageConcurrency)
	if e.vn.Kind != yaml.ScalarNode || isNull(e.vn) {
		return 0, p.err(e.vn, e.path, "want %s, got %s", want, describe(e.vn))
	}
	v := strings.TrimSpace(e.vn.Value)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxPageConcurrency {
		return 0, p.err(e.vn, e.path, "want %s, got %s", want, quoteShort(v))
	}
	return n, nil
}

func (p *parser) queue(sec entry, m *yaml.Node, cfg *Config) error {
	es, err := p.entries(m, "queue", sectionKeys["queue"])
	if err != nil {
		return err
	}
	var viewE, searchE *entry
	for i := range es {
		e := &es[i]
		switch e.key {
		case "view_id":
			v, err := p.id(e.vn, e.path, "a view id", "360077000001")
			if err != nil {
				return err
			}
			cfg.Queue.ViewID = v
			viewE = e
		case "search":
			s, err := p.str(*e, `a Zendesk search query, e.g. "type:ticket status<solved"`)
			if err != nil {
				return err
			}
			cfg.Queue.Search = s
			searchE = e
		case "refresh":
			d, err := p.refresh(*e)
			if err != nil {
				return err
			}
			cfg.Queue.Refresh = d
		case "page_concurrency":
			n, err := p.pageConcurrency(*e)
			if err != nil {
				return err
			}
			cfg.Queue.PageConcurrency = n
		}
	}
	switch {
	case viewE != nil && searchE != nil:
		later := viewE
		if searchE.kn.Line > viewE.kn.Line {
			later = searchE
		}
		return p.err(later.kn, later.path, "queue.view_id and queue.search are both set: keep one (a view, or a search query)")
	case viewE == nil && searchE == nil:
		return p.err(sec.kn, "queue", "is empty: write 'view_id: <view id>' or 'search: \"<query>\"' under queue")
	}
	return nil
}

// templates reads the reply templates (templates.ask_submitter: a non-empty text whose
// placeholders are model.AskPlaceholders).
func (p *parser) templates(m *yaml.Node, cfg *Config) error {
	es, err := p.entries(m, "templates", []string{"ask_submitter"})
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.vn.Kind != yaml.ScalarNode || isNull(e.vn) {
			return p.err(e.vn, e.path, "want the text of the public reply (a YAML block: 'ask_submitter: |' and the text indented below), got %s", describe(e.vn))
		}
		if err := model.CheckAskTemplate(e.vn.Value); err != nil {
			return p.err(e.vn, e.path, "%v", err)
		}
		cfg.Templates.AskSubmitter = strings.TrimRight(e.vn.Value, "\n")
	}
	return nil
}
