package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/partner-triage/partner-triage/config"
)

// The CONFIGURATION sample of --help shows every key the config parser accepts, and only
// those (trial finding 15: queue.refresh was left out). The key list comes from the
// config package, so a key added there without a line in the help fails here.
func TestHelpConfigSampleListsEveryKey(t *testing.T) {
	r := runWith(t, map[string]string{"XDG_CONFIG_HOME": "/cfg"}, "--help")
	start, end := strings.Index(r.stdout, "\nCONFIGURATION\n"), strings.Index(r.stdout, "\nENVIRONMENT\n")
	if start < 0 || end < start {
		t.Fatalf("no CONFIGURATION section:\n%s", r.stdout)
	}
	sectionRe := regexp.MustCompile(`^        ([a-z_]+):\s*(#.*)?$`)
	keyRe := regexp.MustCompile(`^          (?:# )?([a-z_]+):`)
	shown := map[string]bool{}
	section := ""
	for _, l := range strings.Split(r.stdout[start:end], "\n") {
		if m := sectionRe.FindStringSubmatch(l); m != nil {
			section = m[1]
		} else if m := keyRe.FindStringSubmatch(l); m != nil && section != "" {
			shown[section+"."+m[1]] = true
		}
	}
	known := map[string]bool{}
	for _, k := range config.Keys() {
		known[k] = true
		if !shown[k] {
			t.Errorf("the --help config sample leaves out %s", k)
		}
	}
	for k := range shown {
		if !known[k] {
			t.Errorf("the --help config sample shows %s, which the config parser refuses", k)
		}
	}
	if len(known) < 15 {
		t.Errorf("config.Keys() lists only %d keys: %v", len(known), config.Keys())
	}
}
