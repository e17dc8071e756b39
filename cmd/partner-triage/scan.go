package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/term"

	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/report"
	"github.com/partner-triage/partner-triage/zendesk"
)

func runScan(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("scan")
	var o common
	o.register(fs)
	format := fs.String("format", "table", "")
	help := fs.BoolP("help", "h", false, "")
	if code, done := parseFlags(fs, args, "scan", stderr); done {
		return code
	}
	if *help {
		io.WriteString(stdout, helpText("scan", getenv))
		return exitOK
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "scan", fmt.Sprintf("unexpected argument %q (scan takes only flags)", fs.Arg(0)))
	}
	switch *format {
	case "table", "json":
	default:
		return usageError(stderr, "scan", fmt.Sprintf("--format %q is not supported: use --format table or --format json", *format))
	}

	e, code, ok := setup(o, "scan", stderr, getenv)
	if !ok {
		return code
	}
	defer e.close()

	ctx, stop := signalContext()
	defer stop()

	// Progress goes to stderr only on a terminal, and is cleared before anything else is
	// written: stdout is often the same screen, and the document must start on a clean line.
	progress, clearProgress := func(model.QueuePage) {}, func() {}
	if isTerminal(stderr) {
		shown := false
		progress = func(p model.QueuePage) {
			shown = true
			if p.Total >= 0 {
				fmt.Fprintf(stderr, "\rloaded %d tickets · %d/%d listed", p.Loaded, p.Listed, p.Total)
			} else {
				fmt.Fprintf(stderr, "\rloaded %d tickets", p.Loaded)
			}
		}
		clearProgress = func() {
			if shown {
				fmt.Fprint(stderr, "\r\x1b[K")
				shown = false
			}
		}
	}

	tickets, dir, err := loadForReport(ctx, e.client, progress)
	clearProgress()
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(stderr, "scan", ctx, "")
		}
		var ce *zendesk.CredentialError
		if errors.As(err, &ce) {
			return fail(stderr, "scan", exitZendesk, ce, nil) // "not signed in …: run `partner-triage auth login`"
		}
		if zendesk.IsAuthError(err) && e.demo {
			err = fmt.Errorf("%w (the demo emulator refused its own token: this is a bug)", err)
		}
		return fail(stderr, "scan", exitZendesk, fmt.Errorf("loading the queue (%s) from %s: %w", e.cfg.QueueSource(), e.cfg.WebBase(), err), e.creds.Secrets())
	}
	e.logf("scan: %d tickets delivered", len(tickets))

	r := report.Build(e.cfg.Rules(), tickets, dir)
	if *format == "json" {
		err = report.WriteJSON(stdout, r)
	} else {
		err = report.WriteTable(stdout, r, terminalWidth(stdout))
	}
	if err != nil {
		return fail(stderr, "scan", exitZendesk, fmt.Errorf("writing the report: %v", err), nil)
	}
	if r.WithFindings() > 0 {
		return exitFindings
	}
	return exitOK
}

// queueLoader is what a report needs of the client.
type queueLoader interface {
	LoadQueue(ctx context.Context, onPage func(model.QueuePage)) error
}

// loadForReport reads the queue for scan's and audit's reports: the tickets, people,
// organizations and memberships of every resolved page. Pending pages are skipped: their
// verdicts are not known and their tickets come again, resolved, in a later page, so a
// report is exactly what it was before the console learnt to show page 1 early.
// progress sees each resolved page.
func loadForReport(ctx context.Context, c queueLoader, progress func(model.QueuePage)) ([]model.Ticket, *model.Directory, error) {
	dir := model.NewDirectory()
	var tickets []model.Ticket
	err := c.LoadQueue(ctx, func(p model.QueuePage) {
		if p.Pending {
			return
		}
		dir.Merge(p)
		tickets = append(tickets, p.Tickets...)
		progress(p)
	})
	return tickets, dir, err
}

// isTerminal reports whether w is a terminal (never for buffers and pipes).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// terminalWidth is w's width when it is a terminal, else 0 (no limit: output for a pipe
// or a file is never cut).
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil || width <= 0 {
		return 0
	}
	return width
}
