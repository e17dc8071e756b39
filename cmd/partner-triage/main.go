// Command partner-triage is a terminal console (and a headless scan) for support
// engineers triaging partner tickets in Zendesk. Run it with --help for the manual.
//
// main only parses flags and wires the packages together; run holds the logic so the
// tests can drive it with their own arguments, streams and environment.
package main

import (
	"os"

	"github.com/partner-triage/partner-triage/cmd/partner-triage/internal/quietstart"
)

func main() {
	quietstart.Restore()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}
