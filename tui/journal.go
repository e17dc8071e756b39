package tui

import "github.com/partner-triage/partner-triage/apply"

// Journal records every submitted change so it can be undone; nil disables journaling.
type Journal = apply.Journal
