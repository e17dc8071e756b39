// Package journal keeps a local, append-only record (JSON lines) of every change
// partner-triage submitted, with the values before and after, so the last change can be
// undone. It lives in the XDG state directory; it never holds a credential.
package journal

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

// record is one line of the file. A submit writes an "intent" (the ticket's values before)
// before it sends anything, then a "change" (before and after) or an "abort" (nothing was
// applied); an intent left alone means the program stopped mid-submit. "undo" marks a
// change as reverted. Changes are keyed by ticket and time.
type record struct {
	Kind     string              `json:"kind"`
	Change   *model.JournalEntry `json:"change,omitempty"` // intent, change
	TicketID int64               `json:"ticket_id,omitempty"`
	At       time.Time           `json:"at,omitempty"` // abort, undo: the change's time
}

// File is a journal on disk. It is safe for concurrent use within one process.
type File struct {
	path string
	mu   sync.Mutex
}

// DefaultPath is $XDG_STATE_HOME/partner-triage/journal.jsonl, else
// ~/.local/state/partner-triage/journal.jsonl.
func DefaultPath(getenv func(string) string) (string, error) {
	// The XDG spec says a relative path in XDG_STATE_HOME is invalid and must be ignored.
	if dir := getenv("XDG_STATE_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "partner-triage", "journal.jsonl"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("journal: set XDG_STATE_HOME or HOME: %w", err)
		}
		home = h
	}
	return filepath.Join(home, ".local", "state", "partner-triage", "journal.jsonl"), nil
}

// Open returns the journal at path, creating its directory (0700) when needed.
func Open(path string) (*File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return &File{path: path}, nil
}

// Path is where the journal is written.
func (f *File) Path() string { return f.path }

// Begin records the intent to submit a change, before anything is sent.
func (f *File) Begin(e model.JournalEntry) error {
	return f.write(record{Kind: "intent", Change: &e})
}

// Append records a submitted change (completing its intent), synced to disk before it returns.
func (f *File) Append(e model.JournalEntry) error {
	return f.write(record{Kind: "change", Change: &e})
}

// Abort records that a begun change applied nothing.
func (f *File) Abort(e model.JournalEntry) error {
	return f.write(record{Kind: "abort", TicketID: e.TicketID, At: e.Time})
}

// MarkUndone records that a change was reverted, so Last moves to the one before it.
func (f *File) MarkUndone(e model.JournalEntry) error {
	return f.write(record{Kind: "undo", TicketID: e.TicketID, At: e.Time})
}

func (f *File) write(r record) error {
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	fh, err := os.OpenFile(f.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("journal %s: %w", f.path, err)
	}
	if _, err := fh.Write(append(line, '\n')); err != nil {
		fh.Close()
		return fmt.Errorf("journal %s: %w", f.path, err)
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return fmt.Errorf("journal %s: %w", f.path, err)
	}
	return fh.Close()
}

// Last returns the most recent change that has not been undone.
func (f *File) Last() (model.JournalEntry, bool, error) {
	states, err := f.replay()
	if err != nil {
		return model.JournalEntry{}, false, err
	}
	for i := len(states) - 1; i >= 0; i-- {
		if states[i].kind == "change" {
			return states[i].entry, true, nil
		}
	}
	return model.JournalEntry{}, false, nil
}

// Interrupted returns the changes that were begun but never completed nor aborted: the
// program stopped mid-submit, so Zendesk may hold part of them.
func (f *File) Interrupted() ([]model.JournalEntry, error) {
	states, err := f.replay()
	if err != nil {
		return nil, err
	}
	var out []model.JournalEntry
	for _, st := range states {
		if st.kind == "intent" {
			out = append(out, st.entry)
		}
	}
	return out, nil
}

// state is where one change stands after replaying the file: its last record's kind.
type state struct {
	kind  string
	entry model.JournalEntry
}

// replay reads the file and returns every change's state, oldest first.
func (f *File) replay() ([]state, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fh, err := os.Open(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", f.path, err)
	}
	defer fh.Close()
	var states []state
	find := func(ticket int64, at time.Time) int {
		for i := len(states) - 1; i >= 0; i-- {
			if states[i].entry.TicketID == ticket && states[i].entry.Time.Equal(at) {
				return i
			}
		}
		return -1
	}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("journal %s:%d: not a journal line (%v); move the file aside to start a new journal", f.path, n, err)
		}
		switch r.Kind {
		case "intent", "change":
			if r.Change == nil {
				continue
			}
			if i := find(r.Change.TicketID, r.Change.Time); i >= 0 {
				states[i] = state{r.Kind, *r.Change}
			} else {
				states = append(states, state{r.Kind, *r.Change})
			}
		case "abort", "undo":
			if i := find(r.TicketID, r.At); i >= 0 {
				states = append(states[:i], states[i+1:]...)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal %s: %w", f.path, err)
	}
	return states, nil
}
