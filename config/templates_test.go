package config

import (
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/model"
)

func TestTemplatesAskSubmitter(t *testing.T) {
	cfg, err := Parse("config.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Templates.AskSubmitter != model.DefaultAskSubmitter {
		t.Errorf("default ask_submitter = %q, want model.DefaultAskSubmitter", cfg.Templates.AskSubmitter)
	}
	cfg, err = Parse("config.yaml", []byte(minimal+"templates:\n  ask_submitter: |\n    Hi {submitter_name}, about #{ticket_id}: which situation?\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Templates.AskSubmitter; got != "Hi {submitter_name}, about #{ticket_id}: which situation?" {
		t.Errorf("ask_submitter = %q", got)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"templates:\n  ask_submitter: \"Hi {name}\"\n", "templates.ask_submitter: unknown placeholder {name}: use {submitter_name} or {ticket_id}"},
		{"templates:\n  ask_submitter: \"  \"\n", "templates.ask_submitter: is empty"},
		{"templates:\n  ask_submitter: [a]\n", "templates.ask_submitter: want the text of the public reply"},
		{"templates:\n  ask_submiter: hi\n", "templates.ask_submiter: unknown key: did you mean ask_submitter?"},
	} {
		_, err := Parse("config.yaml", []byte(minimal+tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "config.yaml:") {
			t.Errorf("%q: err = %v, want config.yaml:LINE: … %q", tc.yaml, err, tc.want)
		}
	}
}
