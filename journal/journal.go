// Package journal keeps a local, append-only record (JSON lines) of every change
// partner-triage submitted, with the values before and after, so a change can be undone. It
// lives in the XDG state directory; it never holds a credential.
//
// Several processes may share one journal (two consoles, a console and `undo`): every record
// is one write(2) on a file opened O_APPEND, made while holding an exclusive lock on a sibling
// ".lock" file (github.com/gofrs/flock), and reads hold the shared lock, so lines never
// interleave and a reader never sees half a line another process is writing. A line torn by
// a crash or a full disk is skipped with a warning (Problems); the next record starts on a
// new line, so nothing else is lost.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"

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
	// PID is the process that wrote an intent: while it runs, its submit is in flight, not
	// interrupted (another console on the same journal must not report or acknowledge it).
	PID int `json:"pid,omitempty"`
}

// File is a journal on disk. It is safe for concurrent use within one process and between
// processes.
type File struct {
	path string
	mu   sync.Mutex
	lock *flock.Flock
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
	return &File{path: path, lock: flock.New(path+".lock", flock.SetPermissions(0o600))}, nil
}

// Path is where the journal is written.
func (f *File) Path() string { return f.path }

// Begin records the intent to submit a change, before anything is sent.
func (f *File) Begin(e model.JournalEntry) error {
	return f.write(record{Kind: "intent", Change: &e, PID: os.Getpid()})
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
	if err := f.lock.Lock(); err != nil {
		return fmt.Errorf("journal %s: lock: %w", f.path, err)
	}
	defer f.lock.Unlock()
	fh, err := os.OpenFile(f.path, os.O_APPEND|os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("journal %s: %w", f.path, err)
	}
	// A torn last line (no new line at the end) must not swallow this record.
	if info, err := fh.Stat(); err == nil && info.Size() > 0 {
		last := make([]byte, 1)
		if _, err := fh.ReadAt(last, info.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
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
	changes, err := f.Changes()
	if err != nil || len(changes) == 0 {
		return model.JournalEntry{}, false, err
	}
	return changes[len(changes)-1], true, nil
}

// Changes returns every completed change that has not been undone, oldest first, each with
// its ID (the line of the file where it starts; stable, as the file only grows).
func (f *File) Changes() ([]model.JournalEntry, error) {
	states, _, err := f.replay()
	if err != nil {
		return nil, err
	}
	var out []model.JournalEntry
	for _, st := range states {
		if st.kind == "change" {
			out = append(out, st.entry)
		}
	}
	return out, nil
}

// Interrupted returns the changes that were begun but never completed nor aborted: the
// program stopped mid-submit, so Zendesk may hold part of them. A submit that another
// running process (a second console) has in flight is not interrupted and is left out.
func (f *File) Interrupted() ([]model.JournalEntry, error) {
	states, _, err := f.replay()
	if err != nil {
		return nil, err
	}
	var out []model.JournalEntry
	for _, st := range states {
		if st.kind == "intent" && (st.pid == 0 || st.pid == os.Getpid() || !processAlive(st.pid)) {
			out = append(out, st.entry)
		}
	}
	return out, nil
}

// Problems lists the lines that could not be read (torn by a crash or a full disk, or
// edited by hand), one warning each naming the file and line. They are skipped; every other
// entry stays usable, and the lines stay in the file.
func (f *File) Problems() ([]string, error) {
	_, warnings, err := f.replay()
	return warnings, err
}

// state is where one change stands after replaying the file: its last record's kind.
type state struct {
	kind  string
	entry model.JournalEntry
	gone  bool // aborted or undone
	pid   int  // the process that wrote the intent
}

// replay reads the file and returns every change's state, oldest first, and a warning for
// each line it skipped.
func (f *File) replay() ([]state, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.lock.RLock(); err != nil {
		return nil, nil, fmt.Errorf("journal %s: lock: %w", f.path, err)
	}
	defer f.lock.Unlock()
	fh, err := os.Open(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("journal %s: %w", f.path, err)
	}
	defer fh.Close()
	var states []state
	var warnings []string
	// Records find their change by ticket and time through an index, so a replay stays
	// linear in the journal's length (a scan per record made 10,000 changes take ~0.7 s).
	type key struct{ ticket, at int64 }
	index := map[key]int{}
	keyOf := func(ticket int64, at time.Time) key { return key{ticket, at.UnixNano()} }
	rd := bufio.NewReaderSize(fh, 64*1024)
	for n := 1; ; n++ {
		line, err := rd.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, nil, fmt.Errorf("journal %s: %w", f.path, err)
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		torn := err == io.EOF // the last line has no new line: cut off mid-write
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var r record
		if jerr := json.Unmarshal(line, &r); jerr != nil || r.Kind == "" {
			why := "not a journal line"
			if torn {
				why = "cut off mid-write (a crash or a full disk)"
			}
			warnings = append(warnings, fmt.Sprintf("journal %s:%d: %s; skipped (the rest of the journal is fine)", f.path, n, why))
			continue
		}
		switch r.Kind {
		case "intent", "change":
			if r.Change == nil {
				continue
			}
			e := *r.Change
			k := keyOf(e.TicketID, e.Time)
			if i, ok := index[k]; ok {
				e.ID = states[i].entry.ID
				states[i] = state{kind: r.Kind, entry: e, pid: r.PID}
			} else {
				e.ID = n
				index[k] = len(states)
				states = append(states, state{kind: r.Kind, entry: e, pid: r.PID})
			}
		case "abort", "undo":
			k := keyOf(r.TicketID, r.At)
			if i, ok := index[k]; ok {
				states[i].gone = true
				delete(index, k)
			}
		}
		if torn {
			break
		}
	}
	kept := states[:0]
	for _, st := range states {
		if !st.gone {
			kept = append(kept, st)
		}
	}
	return kept, warnings, nil
}
