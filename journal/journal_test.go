package journal

import (
	"os"
	"path/filepath"
	"strings"
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

func TestCorruptLineNamesFileAndLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	if err := os.WriteFile(path, []byte("{\"kind\":\"change\",\"change\":{\"ticket_id\":1}}\nnot json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	j, _ := Open(path)
	_, _, err := j.Last()
	if err == nil || !strings.Contains(err.Error(), path+":2") {
		t.Fatalf("err = %v, want it to name %s:2", err, path)
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
