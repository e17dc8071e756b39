package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/journal"
)

// runUndo reverts the journal's last change (the same as u in the console), with
// safe_update, refusing when the ticket changed since.
func runUndo(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("undo")
	var o common
	fs.StringVar(&o.configPath, "config", "", "")
	fs.StringVar(&o.debugPath, "debug", "", "")
	dryRun := fs.Bool("dry-run", false, "")
	help := fs.BoolP("help", "h", false, "")
	if code, done := parseFlags(fs, args, "undo", stderr); done {
		return code
	}
	if *help {
		io.WriteString(stdout, helpText("undo", getenv))
		return exitOK
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "undo", fmt.Sprintf("unexpected argument %q (undo takes only flags)", fs.Arg(0)))
	}
	jpath, err := journal.DefaultPath(getenv)
	if err != nil {
		return fail(stderr, "undo", exitUsage, err, nil)
	}
	j, err := journal.Open(jpath)
	if err != nil {
		return fail(stderr, "undo", exitUsage, err, nil)
	}
	e, code, ok := setup(o, "undo", stderr, getenv)
	if !ok {
		return code
	}
	defer e.close()
	ctx, stop := signalContext()
	defer stop()

	p, err := apply.PrepareUndo(ctx, e.client, j)
	var refused *apply.RefusedError
	var jerr *apply.JournalError
	switch {
	case errors.Is(err, apply.ErrNothingToUndo), errors.As(err, &refused):
		return fail(stderr, "undo", exitFindings, err, e.creds.Secrets())
	case errors.As(err, &jerr):
		return fail(stderr, "undo", exitUsage, err, e.creds.Secrets())
	case err != nil:
		return fail(stderr, "undo", exitZendesk, err, e.creds.Secrets())
	}
	fmt.Fprintf(stdout, "Last change: ticket #%d at %s (journal %s)\n", p.Entry.TicketID,
		p.Entry.Time.Local().Format("2006-01-02 15:04:05"), jpath)
	for _, m := range p.Plan.KeptRemovals {
		fmt.Fprintf(stdout, "  kept removed: membership of user %d in organization %d (restoring it would break the Select rule)\n", m.UserID, m.OrganizationID)
	}
	if p.Plan.Update.Note != "" {
		fmt.Fprintf(stdout, "  %s\n", p.Plan.Update.Note)
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
	case out.Err != nil:
		return fail(stderr, "undo", exitZendesk, out.Err, e.creds.Secrets())
	}
	fmt.Fprintf(stdout, "Reverted ticket #%d.\n", out.TicketID)
	return exitOK
}
