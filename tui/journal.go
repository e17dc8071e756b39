package tui

import "github.com/partner-triage/partner-triage/model"

// Journal records every submitted change so it can be undone; nil disables journaling.
type Journal interface {
	Append(e model.JournalEntry) error
	Last() (model.JournalEntry, bool, error)
	MarkUndone(e model.JournalEntry) error
}
