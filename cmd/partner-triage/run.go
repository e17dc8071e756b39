package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/pflag"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/text"
	"github.com/partner-triage/partner-triage/zendesk"
)

// Exit statuses (product.md; the console uses 0, 1 and 2).
const (
	exitOK          = 0   // scan: nothing found
	exitFindings    = 1   // scan: findings; console: it failed while running
	exitUsage       = 2   // usage or configuration error
	exitZendesk     = 3   // Zendesk, authentication or network error
	exitInterrupted = 130 // interrupted (SIGINT; SIGTERM 143, SIGHUP 129: see exitForSignal)
)

// run is the whole program: it parses args, runs the command and returns the exit status.
// Everything a person reads goes to stdout (results, help) or stderr (errors, progress).
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd, rest := splitCommand(args)
	switch cmd {
	case "":
		return runConsole(rest, stdout, stderr, getenv)
	case "scan":
		return runScan(rest, stdout, stderr, getenv)
	case "audit":
		return runAudit(rest, stdout, stderr, getenv)
	case "version":
		return runVersion(rest, stdout, stderr, getenv)
	case "undo":
		return runUndo(rest, stdout, stderr, getenv)
	case "auth":
		return runAuth(rest, stdout, stderr, getenv)
	case "help":
		return runHelp(rest, stdout, stderr, getenv)
	}
	return usageError(stderr, "", fmt.Sprintf("unknown command %q", cmd))
}

// valueFlags are the flags that take a separate value, so splitCommand does not take
// that value for the command.
var valueFlags = map[string]bool{"--config": true, "--debug": true, "--format": true, "--timeout": true}

// splitCommand finds the command word: the first argument that is neither a flag nor a
// flag's value, so `partner-triage --demo scan` works like `partner-triage scan --demo`.
func splitCommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			if valueFlags[a] {
				i++
			}
			continue
		}
		rest := append(append([]string(nil), args[:i]...), args[i+1:]...)
		return a, rest
	}
	return "", args
}

func newFlagSet(cmd string) *pflag.FlagSet {
	name := "partner-triage"
	if cmd != "" {
		name += " " + cmd
	}
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by parseFlags, in one line
	fs.Usage = func() {}
	fs.SortFlags = false
	return fs
}

// parseFlags parses; on a flag error it reports it and says to stop with exit 2.
func parseFlags(fs *pflag.FlagSet, args []string, cmd string, stderr io.Writer) (int, bool) {
	if err := fs.Parse(args); err != nil {
		return usageError(stderr, cmd, err.Error()), true
	}
	return 0, false
}

// usageError writes a one-line error and the command's short usage; it returns 2.
func usageError(stderr io.Writer, cmd, msg string) int {
	prog := "partner-triage"
	if cmd != "" {
		prog += " " + cmd
	}
	fmt.Fprintf(stderr, "%s: %s\n%s", prog, oneLine(msg), shortUsage(cmd))
	return exitUsage
}

// fail writes a one-line error (without any secret) and returns code.
func fail(stderr io.Writer, cmd string, code int, err error, secrets []string) int {
	prog := "partner-triage"
	if cmd != "" {
		prog += " " + cmd
	}
	fmt.Fprintf(stderr, "%s: %s\n", prog, redact(oneLine(err.Error()), secrets))
	return code
}

// oneLine is text.Line, trimmed: an error or a log line stays on its line and inert.
func oneLine(s string) string {
	return strings.TrimSpace(text.Line(s))
}

func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 3 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// common are the options the console and scan share.
type common struct {
	configPath string
	demo       bool
	debugPath  string
	timeout    time.Duration // --timeout: bound on one whole queue load (0: none)
}

func (c *common) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.configPath, "config", "", "")
	fs.BoolVar(&c.demo, "demo", false, "")
	fs.StringVar(&c.debugPath, "debug", "", "")
	fs.DurationVar(&c.timeout, "timeout", 0, "")
}

// env is what a command runs against: the configuration, a client and what to clean up.
type env struct {
	cfg     config.Config
	creds   config.Credentials
	signin  signIn // how requests authenticate (credentials in auth.go)
	client  *zendesk.Client
	demo    bool
	logf    func(string, ...any)
	closers []func()
	// retries carries "retrying GET /views/1/tickets (429, waiting 12s)" for a status line;
	// the client never blocks on it (a full channel drops the notice).
	retries chan string
}

func (e *env) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

// setup reads the configuration and credentials (or starts the demo emulator), opens the
// debug log and builds the client. On failure it returns the exit status to use.
func setup(o common, cmd string, stderr io.Writer, getenv func(string) string) (*env, int, bool) {
	e := &env{demo: o.demo, logf: func(string, ...any) {}, retries: make(chan string, 8)}
	if o.timeout < 0 {
		return nil, usageError(stderr, cmd, fmt.Sprintf("--timeout %s is negative: give a duration such as 90s or 5m", o.timeout)), false
	}
	if o.debugPath != "" {
		// tea.LogToFile points the standard logger at the file (appending, 0600), so the
		// console's own log lines and the client's land in one place, never on the screen.
		f, err := tea.LogToFile(o.debugPath, "")
		if err != nil {
			return nil, fail(stderr, cmd, exitUsage, fmt.Errorf("--debug %s: cannot open the log: %v", o.debugPath, errText(err)), nil), false
		}
		log.SetFlags(log.Ldate | log.Ltime | log.Lmicroseconds | log.LUTC)
		e.logf = func(format string, args ...any) { log.Print(oneLine(fmt.Sprintf(format, args...))) }
		e.closers = append(e.closers, func() { log.SetOutput(io.Discard); f.Close() })
		e.logf("%s starting: %s", versionLine(), strings.TrimSpace("partner-triage "+cmd))
	}

	switch {
	case o.demo && o.configPath != "":
		e.close()
		return nil, usageError(stderr, cmd, "--demo and --config cannot be used together: --demo runs the built-in emulator with its own configuration"), false
	case o.demo:
		ctx, stop := signalContext()
		srv, cfg, src, err := demoSignIn(ctx)
		stop()
		if err != nil {
			e.close()
			return nil, fail(stderr, cmd, exitFindings, err, nil), false
		}
		e.closers = append(e.closers, srv.Close)
		e.cfg = cfg
		e.signin = signIn{source: src}
		e.logf("demo: emulator at %s, signed in with OAuth (tokens in memory only)", e.cfg.APIBase())
	default:
		path := o.configPath
		if path == "" {
			p, err := config.DefaultPathEnv(getenv)
			if err != nil {
				e.close()
				return nil, fail(stderr, cmd, exitUsage, err, nil), false
			}
			path = p
		}
		cfg, err := config.Load(path)
		if err != nil {
			e.close()
			return nil, fail(stderr, cmd, exitUsage, withoutDemoHint(cmd, err), nil), false
		}
		in, err := credentials(cfg, getenv, e.logf)
		if err != nil {
			e.close()
			return nil, fail(stderr, cmd, exitUsage, withoutDemoHint(cmd, err), nil), false
		}
		e.cfg, e.creds, e.signin = cfg, in.creds, in
		e.logf("config %s: %s, queue %s, %s", path, e.cfg.APIBase(), e.cfg.QueueSource(), in)
	}
	var token zendesk.TokenSource
	if e.signin.source != nil {
		token = e.signin.source
	}

	client, err := zendesk.New(zendesk.Config{
		BaseURL:         e.cfg.APIBase(),
		Email:           e.creds.Email,
		APIToken:        e.creds.APIToken,
		OAuthToken:      e.creds.OAuthToken,
		Token:           token,
		ViewID:          e.cfg.Queue.ViewID,
		Search:          e.cfg.Queue.Search,
		Rules:           e.cfg.Rules(),
		Logf:            e.logf,
		LoadTimeout:     o.timeout,
		PageConcurrency: e.cfg.Queue.PageConcurrency,
		// The console shows page 1 as listed, "… checking" until its look-ups land (issue
		// 15); scan and audit would only skip that delivery (loadForReport).
		ListedFirst: cmd == "",
		OnRetry: func(ev zendesk.RetryEvent) {
			select {
			case e.retries <- ev.String():
			default:
			}
		},
	})
	if err != nil {
		e.close()
		return nil, fail(stderr, cmd, exitUsage, err, e.creds.Secrets()), false
	}
	e.client = client
	return e, 0, true
}

func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// withoutDemoHint drops the config's "or try --demo" for undo, which has no --demo (the
// demo's journal is thrown away when the console exits, so there is nothing to undo).
func withoutDemoHint(cmd string, err error) error {
	if cmd != "undo" {
		return err
	}
	if msg, ok := strings.CutSuffix(err.Error(), ", or try --demo"); ok {
		return errors.New(msg)
	}
	return err
}
