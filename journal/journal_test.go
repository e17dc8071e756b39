package journal

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/model"
)

func TestAppendLastUndo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "journal.jsonl")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := j.Last(); ok || err != nil {
		t.Fatalf("empty journal: ok=%v err=%v, want nothing", ok, err)
	}
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	first := model.JournalEntry{Time: t0, TicketID: 4012, Before: model.TicketState{RequesterID: 1}, After: model.TicketState{RequesterID: 2}}
	second := model.JournalEntry{Time: t0.Add(time.Minute), TicketID: 4013, Before: model.TicketState{OrganizationID: 7}}
	for _, e := range []model.JournalEntry{first, second} {
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	last, ok, err := j.Last()
	if err != nil || !ok || last.TicketID != 4013 {
		t.Fatalf("Last = %+v %v %v, want ticket 4013", last, ok, err)
	}
	if err := j.MarkUndone(last); err != nil {
		t.Fatal(err)
	}
	last, ok, err = j.Last()
	if err != nil || !ok || last.TicketID != 4012 || last.After.RequesterID != 2 {
		t.Fatalf("after undo Last = %+v %v %v, want ticket 4012 with its after state", last, ok, err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("journal file mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
}

// A torn last line (crash or full disk mid-write) is skipped with a warning naming the file
// and line; every other entry stays usable, and the next record starts on a line of its own.
func TestTornLastLineSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	good := `{"kind":"change","change":{"time":"2026-11-25T10:00:00Z","ticket_id":1,"updated_at":"2026-11-25T10:00:00Z"}}`
	if err := os.WriteFile(path, []byte(good+"\n"+`{"kind":"change","change":{"time":"2026-11-25T10:0`), 0o600); err != nil {
		t.Fatal(err)
	}
	j, _ := Open(path)
	last, ok, err := j.Last()
	if err != nil || !ok || last.TicketID != 1 {
		t.Fatalf("Last = %+v %v %v, want the entry before the torn line", last, ok, err)
	}
	probs, err := j.Problems()
	if err != nil || len(probs) != 1 || !strings.Contains(probs[0], path+":2") || !strings.Contains(probs[0], "cut off") {
		t.Fatalf("Problems = %q %v, want one warning naming %s:2", probs, err, path)
	}
	next := model.JournalEntry{Time: time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC), TicketID: 2}
	if err := j.Append(next); err != nil {
		t.Fatal(err)
	}
	changes, err := j.Changes()
	if err != nil || len(changes) != 2 || changes[1].TicketID != 2 {
		t.Fatalf("Changes = %+v %v, want both entries", changes, err)
	}
	if probs, _ := j.Problems(); len(probs) != 1 {
		t.Errorf("after an append Problems = %q, want the one torn line still reported", probs)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `10:0`+"\n"+`{"kind":"change"`) {
		t.Errorf("the torn line was not kept, or the next record was glued to it:\n%s", data)
	}
}

// Entries carry a stable ID (the line they start on), unchanged by later records.
func TestChangeIDsStable(t *testing.T) {
	j, _ := Open(filepath.Join(t.TempDir(), "journal.jsonl"))
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	a := model.JournalEntry{Time: t0, TicketID: 1}
	b := model.JournalEntry{Time: t0.Add(time.Second), TicketID: 2}
	for _, step := range []func() error{
		func() error { return j.Begin(a) }, func() error { return j.Append(a) },
		func() error { return j.Begin(b) }, func() error { return j.Append(b) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	ch, _ := j.Changes()
	if len(ch) != 2 || ch[0].ID != 1 || ch[1].ID != 3 {
		t.Fatalf("IDs %+v, want 1 and 3", ch)
	}
	_ = j.MarkUndone(ch[1])
	ch, _ = j.Changes()
	if len(ch) != 1 || ch[0].ID != 1 {
		t.Fatalf("after undo %+v, want entry 1 alone", ch)
	}
}

// Two journals on one file (two consoles) appending at once never interleave lines.
func TestConcurrentAppendsDoNotInterleave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	a, _ := Open(path)
	b, _ := Open(path)
	big := strings.Repeat("x", 200_000) // well past any atomic-write size of a pipe
	var wg sync.WaitGroup
	const n = 20
	for i, j := range []*File{a, b, a, b} {
		wg.Go(func() {
			for k := 0; k < n; k++ {
				e := model.JournalEntry{Time: time.Unix(int64(i*1000+k), 0).UTC(), TicketID: int64(i + 1),
					Before: model.TicketState{CustomFields: map[int64]string{1: big}}}
				if err := j.Append(e); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	ch, err := a.Changes()
	if err != nil || len(ch) != 4*n {
		t.Fatalf("%d changes (%v), want %d", len(ch), err, 4*n)
	}
	if probs, _ := a.Problems(); len(probs) != 0 {
		t.Fatalf("interleaved lines: %q", probs[0][:min(len(probs[0]), 200)])
	}
}

func TestDefaultPath(t *testing.T) {
	env := map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/a"}
	p, _ := DefaultPath(func(k string) string { return env[k] })
	if p != "/x/state/partner-triage/journal.jsonl" {
		t.Fatalf("got %s", p)
	}
	env["XDG_STATE_HOME"] = "relative/state"
	p, _ = DefaultPath(func(k string) string { return env[k] })
	if p != "/home/a/.local/state/partner-triage/journal.jsonl" {
		t.Fatalf("relative XDG_STATE_HOME: got %s, want it ignored", p)
	}
	delete(env, "XDG_STATE_HOME")
	p, _ = DefaultPath(func(k string) string { return env[k] })
	if p != "/home/a/.local/state/partner-triage/journal.jsonl" {
		t.Fatalf("got %s", p)
	}
}

// A change begun but never completed nor aborted is reported as interrupted; a completed or
// aborted one is not, and Last only ever returns completed changes.
func TestInterrupted(t *testing.T) {
	j, err := Open(filepath.Join(t.TempDir(), "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	done := model.JournalEntry{Time: t0, TicketID: 1}
	aborted := model.JournalEntry{Time: t0.Add(time.Second), TicketID: 2}
	cut := model.JournalEntry{Time: t0.Add(2 * time.Second), TicketID: 3, Before: model.TicketState{OrganizationID: 9}}
	for _, e := range []model.JournalEntry{done, aborted, cut} {
		if err := j.Begin(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Append(done); err != nil {
		t.Fatal(err)
	}
	if err := j.Abort(aborted); err != nil {
		t.Fatal(err)
	}
	got, err := j.Interrupted()
	if err != nil || len(got) != 1 || got[0].TicketID != 3 || got[0].Before.OrganizationID != 9 {
		t.Fatalf("Interrupted = %+v, %v; want ticket 3 with its before-state", got, err)
	}
	if last, ok, _ := j.Last(); !ok || last.TicketID != 1 {
		t.Fatalf("Last = %+v %v, want the completed change to ticket 1", last, ok)
	}
	if err := j.Abort(cut); err != nil {
		t.Fatal(err)
	}
	if got, _ := j.Interrupted(); len(got) != 0 {
		t.Errorf("after acknowledging, Interrupted = %+v", got)
	}
}

// BenchmarkChanges10k reads a journal of 10,000 changes (each u and U reads it afresh).
func BenchmarkChanges10k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "journal.jsonl")
	var data []byte
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for i := range 10000 {
		e := model.JournalEntry{Time: t0.Add(time.Duration(i) * time.Second), TicketID: int64(4000 + i%50),
			Before: model.TicketState{RequesterID: 1, CustomFields: map[int64]string{360012194200: "jane@acme.cmo"}},
			After:  model.TicketState{RequesterID: 2, OrganizationID: 3, CustomFields: map[int64]string{360012194200: "jane@acme.com"}}}
		for _, kind := range []string{"intent", "change"} {
			line, _ := json.Marshal(record{Kind: kind, Change: &e})
			data = append(append(data, line...), '\n')
		}
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	j, _ := Open(path)
	b.ResetTimer()
	for b.Loop() {
		if ch, err := j.Changes(); err != nil || len(ch) != 10000 {
			b.Fatal(len(ch), err)
		}
	}
}

// Two consoles on one journal: a submit the other, running console has in flight is not
// "interrupted" (the second console must neither report nor acknowledge it); one whose
// process is gone is.
func TestInterruptedSkipsLiveConsoles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	var data []byte
	for i, pid := range []int{os.Getppid(), dead.Process.Pid} {
		e := model.JournalEntry{Time: t0.Add(time.Duration(i) * time.Second), TicketID: int64(4001 + i)}
		line, _ := json.Marshal(record{Kind: "intent", Change: &e, PID: pid})
		data = append(append(data, line...), '\n')
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	j, _ := Open(path)
	got, err := j.Interrupted()
	if err != nil || len(got) != 1 || got[0].TicketID != 4002 {
		t.Fatalf("Interrupted = %+v %v, want only the dead process's submit to #4002", got, err)
	}
}
