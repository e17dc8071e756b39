package config

import (
	"strings"
	"testing"
)

func TestOAuthKeys(t *testing.T) {
	const q = "queue:\n  view_id: 1\n"
	parse := func(zd string) (Config, error) {
		return Parse("config.yaml", []byte("zendesk:\n  url: https://example.zendesk.com\n"+zd+q))
	}
	cfg, err := parse("")
	if err != nil || cfg.Zendesk.OAuthClientID != "partner_triage" || cfg.Zendesk.OAuthRedirectURL != "http://127.0.0.1:8976/callback" {
		t.Fatalf("defaults: %+v %v", cfg.Zendesk, err)
	}
	for _, ok := range []struct{ yaml, id, redirect string }{
		{"  oauth_client_id: acme_triage\n", "acme_triage", DefaultOAuthRedirectURL},
		{"  oauth_client_id: ''\n", "", DefaultOAuthRedirectURL},
		{"  oauth_client_id:\n", "", DefaultOAuthRedirectURL},
		{"  oauth_redirect_url: http://localhost:9000/cb\n", DefaultOAuthClientID, "http://localhost:9000/cb"},
		{"  oauth_redirect_url: http://[::1]:9000/cb\n", DefaultOAuthClientID, "http://[::1]:9000/cb"},
		{"  oauth_redirect_url: https://triage.example.com/done\n", DefaultOAuthClientID, "https://triage.example.com/done"},
	} {
		cfg, err := parse(ok.yaml)
		if err != nil || cfg.Zendesk.OAuthClientID != ok.id || cfg.Zendesk.OAuthRedirectURL != ok.redirect {
			t.Errorf("%q: %+v %v", ok.yaml, cfg.Zendesk, err)
		}
	}
	for _, bad := range []struct{ yaml, want string }{
		{"  oauth_client_id: [a]\n", "config.yaml:3: zendesk.oauth_client_id: want the unique identifier"},
		{"  oauth_client_id: two words\n", "config.yaml:3: zendesk.oauth_client_id: \"two words\" is not an OAuth client identifier"},
		{"  oauth_redirect_url: http://10.0.0.5:8976/callback\n", "config.yaml:3: zendesk.oauth_redirect_url: \"http://10.0.0.5:8976/callback\" is plain http"},
		{"  oauth_redirect_url: http://localhost.evil.com/cb\n", "config.yaml:3: zendesk.oauth_redirect_url: \"http://localhost.evil.com/cb\" is plain http"},
		{"  oauth_redirect_url: ftp://127.0.0.1/cb\n", "zendesk.oauth_redirect_url: \"ftp://127.0.0.1/cb\" is not an http(s) address"},
		{"  oauth_redirect_url: 127.0.0.1:8976/callback\n", "zendesk.oauth_redirect_url: \"127.0.0.1:8976/callback\" is not an address"},
		{"  oauth_redirect_url: http://127.0.0.1:8976/cb#x\n", "zendesk.oauth_redirect_url: has a fragment"},
		{"  oauth_redirect_url: ''\n", "zendesk.oauth_redirect_url: is empty"},
		{"  oauth_redirect_uri: http://127.0.0.1/cb\n", "zendesk.oauth_redirect_uri: unknown key: did you mean oauth_redirect_url?"},
	} {
		_, err := parse(bad.yaml)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: err = %v, want %q", bad.yaml, err, bad.want)
		}
	}
}
