package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/journal"
)

// runUndo reverts a journaled change (the newest one that can be reverted, as u in the
// console, or the one named by ID), with safe_update, refusing when the ticket changed since.
// --list shows the journal's changes with their IDs.
func runUndo(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("undo")
	var o common
	fs.StringVar(&o.configPath, "config", "", "")
	fs.StringVar(&o.debugPath, "debug", "", "")
	dryRun := fs.Bool("dry-run", false, "")
	list := fs.Bool("list", false, "")
	help := fs.BoolP("help", "h", false, "")
	if code, done := parseFlags(fs, args, "undo", stderr); done {
		return code
	}
	if *help {
		io.WriteString(stdout, helpText("undo", getenv))
		return exitOK
	}
	id := 0
	switch {
	case fs.NArg() > 1:
		return usageError(stderr, "undo", fmt.Sprintf("unexpected argument %q (undo takes at most one ID)", fs.Arg(1)))
	case fs.NArg() == 1 && *list:
		return usageError(stderr, "undo", "give either --list or an ID, not both")
	case fs.NArg() == 1:
		n, err := strconv.Atoi(fs.Arg(0))
		if err != nil || n <= 0 {
			return usageError(stderr, "undo", fmt.Sprintf("%q is not a change ID; see 'partner-triage undo --list'", fs.Arg(0)))
		}
		id = n
	}
	jpath, err := journal.DefaultPath(getenv)
	if err != nil {
		return fail(stderr, "undo", exitUsage, err, nil)
	}
	if _, err := os.Stat(jpath); *list && errors.Is(err, os.ErrNotExist) {
		// Nothing was ever journaled: say so without opening it (no directory, no lock file
		// left behind by a command that only reads).
		fmt.Fprintf(stdout, "The journal %s has no change left to undo.\n", jpath)
		return exitOK
	}
	j, err := journal.Open(jpath)
	if err != nil {
		return fail(stderr, "undo", exitUsage, err, nil)
	}
	problems, err := j.Problems()
	if err != nil {
		return fail(stderr, "undo", exitUsage, err, nil)
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "partner-triage undo: warning: %s\n", oneLine(p))
	}
	if *list {
		entries, err := apply.Entries(j)
		if err != nil {
			return fail(stderr, "undo", exitUsage, err, nil)
		}
		if len(entries) == 0 {
			fmt.Fprintf(stdout, "The journal %s has no change left to undo.\n", jpath)
			return exitOK
		}
		fmt.Fprintf(stdout, "Changes not undone yet, newest first (journal %s):\n", jpath)
		for _, e := range entries {
			fmt.Fprintf(stdout, "  %s\n", apply.Summary(e))
		}
		fmt.Fprintln(stdout, "Undo one with: partner-triage undo ID")
		return exitOK
	}
	e, code, ok := setup(o, "undo", stderr, getenv)
	if !ok {
		return code
	}
	defer e.close()
	ctx, stop := signalContext()
	defer stop()

	p, err := apply.PrepareUndo(ctx, e.client, j, e.cfg.Rules(), id)
	var refused *apply.RefusedError
	var jerr *apply.JournalError
	switch {
	case ctx.Err() != nil:
		return interrupted(stderr, "undo", ctx, "nothing was sent")
	case errors.Is(err, apply.ErrNothingToUndo), errors.As(err, &refused):
		return fail(stderr, "undo", exitFindings, err, e.creds.Secrets())
	case errors.As(err, &jerr):
		return fail(stderr, "undo", exitUsage, err, e.creds.Secrets())
	case err != nil:
		return fail(stderr, "undo", exitZendesk, err, e.creds.Secrets())
	}
	fmt.Fprintf(stdout, "Change %d: ticket #%d at %s (journal %s)\n", p.Entry.ID, p.Entry.TicketID,
		p.Entry.Time.Local().Format("2006-01-02 15:04:05"), jpath)
	for _, d := range p.Plan.Diff {
		fmt.Fprintf(stdout, "  %s\n    - %s\n    + %s\n", d.Field, d.Before, d.After)
	}
	for _, k := range p.Plan.Kept {
		fmt.Fprintf(stdout, "  kept: %s\n", oneLine(k))
	}
	switch n := len(p.Plan.KeptRemovals); {
	case n == 1:
		fmt.Fprintln(stdout, "  1 removed membership stays removed (restoring it would break the Select rule)")
	case n > 1:
		fmt.Fprintf(stdout, "  %d removed memberships stay removed (restoring them would break the Select rule)\n", n)
	}
	if *dryRun {
		fmt.Fprintln(stdout, "Dry run: nothing was sent.")
		return exitOK
	}
	out := apply.Undo(ctx, e.client, j, p)
	for _, a := range out.Applied {
		fmt.Fprintf(stdout, "applied: %s\n", a)
	}
	for _, a := range out.NotApplied {
		fmt.Fprintf(stdout, "not applied: %s\n", a)
	}
	switch {
	case out.Conflict:
		return fail(stderr, "undo", exitFindings, fmt.Errorf("ticket #%d changed in Zendesk meanwhile; nothing was overwritten", out.TicketID), nil)
	case errors.As(out.Err, &jerr):
		return fail(stderr, "undo", exitUsage, out.Err, e.creds.Secrets())
	case out.Err != nil && ctx.Err() != nil:
		return interrupted(stderr, "undo", ctx, out.Err.Error())
	case out.Err != nil:
		return fail(stderr, "undo", exitZendesk, out.Err, e.creds.Secrets())
	}
	fmt.Fprintf(stdout, "Reverted ticket #%d.\n", out.TicketID)
	return exitOK
}
