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

// record is one line of the file: a submitted change, or the undo of an earlier one.
type record struct {
	Kind   string              `json:"kind"` // "change" or "undo"
	Change *model.JournalEntry `json:"change,omitempty"`
	// Undo names the change it reverted by ticket id and time.
	UndoTicketID int64     `json:"undo_ticket_id,omitempty"`
	UndoTime     time.Time `json:"undo_time,omitempty"`
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

// Append records a submitted change, synced to disk before it returns.
func (f *File) Append(e model.JournalEntry) error {
	return f.write(record{Kind: "change", Change: &e})
}

// MarkUndone records that a change was reverted, so Last moves to the one before it.
func (f *File) MarkUndone(e model.JournalEntry) error {
	return f.write(record{Kind: "undo", UndoTicketID: e.TicketID, UndoTime: e.Time})
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
	f.mu.Lock()
	defer f.mu.Unlock()
	fh, err := os.Open(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return model.JournalEntry{}, false, nil
	}
	if err != nil {
		return model.JournalEntry{}, false, fmt.Errorf("journal %s: %w", f.path, err)
	}
	defer fh.Close()
	var changes []model.JournalEntry
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return model.JournalEntry{}, false, fmt.Errorf("journal %s:%d: not a journal line (%v); move the file aside to start a new journal", f.path, n, err)
		}
		switch r.Kind {
		case "change":
			if r.Change != nil {
				changes = append(changes, *r.Change)
			}
		case "undo":
			for i := len(changes) - 1; i >= 0; i-- {
				if changes[i].TicketID == r.UndoTicketID && changes[i].Time.Equal(r.UndoTime) {
					changes = append(changes[:i], changes[i+1:]...)
					break
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return model.JournalEntry{}, false, fmt.Errorf("journal %s: %w", f.path, err)
	}
	if len(changes) == 0 {
		return model.JournalEntry{}, false, nil
	}
	return changes[len(changes)-1], true, nil
}
