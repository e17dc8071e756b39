package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/atotto/clipboard"
	"github.com/charmbracelet/lipgloss"
	"github.com/cli/browser"
	"github.com/muesli/termenv"

	"github.com/partner-triage/partner-triage/auth"
	"github.com/partner-triage/partner-triage/journal"
	"github.com/partner-triage/partner-triage/tui"
)

func runConsole(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("")
	var o common
	o.register(fs)
	help := fs.BoolP("help", "h", false, "")
	showVersion := fs.Bool("version", false, "")
	if code, done := parseFlags(fs, args, "", stderr); done {
		return code
	}
	if *help {
		io.WriteString(stdout, helpText("", getenv))
		return exitOK
	}
	if *showVersion {
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "", fmt.Sprintf("unknown command %q", fs.Arg(0)))
	}
	// Check the terminal before anything starts: a pipe gets a clear message, not a
	// garbled screen.
	if !isTerminal(stdout) || !isTerminal(os.Stdin) {
		return usageError(stderr, "", "the console needs a terminal (stdin and stdout); for a report in a pipe or a file use 'partner-triage scan'")
	}

	e, code, ok := setup(o, "", stderr, getenv)
	if !ok {
		return code
	}
	defer e.close()
	if e.signin.source != nil {
		// Shown in the status bar when Zendesk refuses the refresh: the console keeps going.
		e.signin.source.Hint = "in another terminal; this console keeps its work and then goes on with the new sign-in"
	}

	// The journal records every submitted change so it can be undone. The demo keeps
	// its own, thrown away at exit, so demo changes never mix with real ones.
	var jpath string
	if e.demo {
		dir, err := os.MkdirTemp("", "partner-triage-demo-")
		if err != nil {
			return fail(stderr, "", exitFindings, fmt.Errorf("demo journal: %v", err), nil)
		}
		e.closers = append(e.closers, func() { os.RemoveAll(dir) })
		jpath = dir + string(os.PathSeparator) + "journal.jsonl"
	} else {
		p, err := journal.DefaultPath(getenv)
		if err != nil {
			return fail(stderr, "", exitUsage, err, nil)
		}
		jpath = p
	}
	j, err := journal.Open(jpath)
	if err != nil {
		return fail(stderr, "", exitUsage, err, nil)
	}
	e.logf("journal %s", jpath)
	notice, err := interruptedNotice(j, jpath)
	if err != nil {
		return fail(stderr, "", exitUsage, err, nil)
	}

	ctx, stop := signalContext()
	defer stop()
	// quietstart kept Bubble Tea's start-up query from every command; the console asks the
	// terminal for its background once, before it takes the screen.
	lipgloss.SetHasDarkBackground(termenv.NewOutput(os.Stdout).HasDarkBackground())
	// The browser opener's own output would land on the console's screen.
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	err = tui.Run(ctx, tui.Options{
		Client:   e.client,
		Rules:    e.cfg.Rules(),
		NoColor:  getenv("NO_COLOR") != "",
		Journal:  j,
		Logf:     e.logf,
		Notice:   notice,
		OpenURL:  ticketOpener(getenv),
		CopyText: copyText,
		Refresh:  e.cfg.Queue.Refresh,
		Retries:  e.retries,
	})
	var ie *tui.InterruptedError
	if errors.As(err, &ie) || err != nil && ctx.Err() != nil {
		what := ""
		if ie != nil {
			what = ie.Submit
		}
		return interrupted(stderr, "", ctx, what)
	}
	if err != nil {
		e.logf("console: %v", err)
		return fail(stderr, "", exitFindings, err, e.creds.Secrets())
	}
	return exitOK
}

// ticketOpener opens a ticket's URL in the browser: $BROWSER when set, else the
// platform's opener (auth.BrowserOpener, as auth login does). Where there is neither,
// the error says so in words and names the URL, instead of exec's
// `"xdg-open,x-www-browser,www-browser,wslview": executable file not found`.
func ticketOpener(getenv func(string) string) func(string) error {
	open := auth.BrowserOpener(getenv("BROWSER"), io.Discard)
	return func(u string) error {
		err := open(u)
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("no browser found (set $BROWSER); the ticket is at %s", u)
		}
		return err
	}
}

// interruptedNotice reports a submit the journal shows begun and never finished (the
// program stopped mid-submit), once: the entry is then acknowledged so the next start is quiet.
// It also warns of journal lines that cannot be read (torn by a crash): they are skipped,
// never a reason not to start.
func interruptedNotice(j *journal.File, path string) (string, error) {
	problems, err := j.Problems()
	if err != nil {
		return "", err
	}
	pending, err := j.Interrupted()
	if err != nil {
		return "", err
	}
	var parts []string
	if len(pending) > 0 {
		ids := make([]string, len(pending))
		for i, p := range pending {
			ids[i] = fmt.Sprintf("#%d", p.TicketID)
			if err := j.Abort(p); err != nil {
				return "", err
			}
		}
		parts = append(parts, fmt.Sprintf("an earlier submit to %s was interrupted: check it in Zendesk (before-values in %s)",
			strings.Join(ids, ", "), path))
	}
	if len(problems) > 0 {
		warn := problems[0]
		if len(problems) > 1 {
			warn += fmt.Sprintf(" (and %d more unreadable lines)", len(problems)-1)
		}
		parts = append(parts, warn)
	}
	return strings.Join(parts, "; "), nil
}

// copyText puts text on the clipboard: OSC 52 through the terminal (which works over SSH
// where the terminal allows it), and the system clipboard where there is one. It fails
// only when neither can be reached.
func copyText(text string) error {
	osc52 := isTerminal(os.Stderr)
	if osc52 {
		termenv.NewOutput(os.Stderr).Copy(text)
	}
	if err := clipboard.WriteAll(text); err != nil && !osc52 {
		return fmt.Errorf("no clipboard: %v", err)
	}
	return nil
}
