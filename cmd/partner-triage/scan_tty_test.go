package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/partner-triage/partner-triage/cmd/partner-triage/internal/quietstart"
)

// childArgs, when set in the environment, makes the test binary run the program with these
// arguments instead of the tests (see TestMain), so a test can run it on a terminal.
const childArgs = "PARTNER_TRIAGE_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childArgs); ok {
		quietstart.Restore()
		os.Exit(run(strings.Fields(args), os.Stdout, os.Stderr, os.Getenv))
	}
	quietstart.Restore()
	os.Exit(m.Run())
}

// runOnTerminal runs the program with args on a pseudo-terminal that is its controlling
// terminal (stdout and stderr both), as a person running it in a shell, and returns every
// byte it wrote to the terminal.
func runOnTerminal(t *testing.T, args string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgs+"="+args, "TERM=xterm-256color", "CI=", "NO_COLOR=")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 200, Rows: 50})
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer tty.Close()
	out, _ := io.ReadAll(tty) // ends with EIO once the program has exited
	var exit *exec.ExitError
	if err := cmd.Wait(); err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return string(out)
}

// On a terminal `scan` shows the document alone (product.md): the progress line is cleared
// before the first byte of the document, and the terminal is sent no queries (Bubble Tea's
// init asks for the background colour with OSC 11 and a cursor-position report).
func TestScanSendsNoTerminalQueries(t *testing.T) {
	for _, c := range []struct{ format, first string }{{"table", "ID "}, {"json", "{"}} {
		t.Run(c.format, func(t *testing.T) {
			out := runOnTerminal(t, "scan --demo --format "+c.format)
			for _, q := range []string{"\x1b]11;?", "\x1b[6n"} {
				if strings.Contains(out, q) {
					t.Errorf("the terminal was sent the query %q:\n%q", q, out[:min(len(out), 200)])
				}
			}
			i := strings.Index(out, c.first)
			if i < 0 {
				t.Fatalf("no document on the terminal:\n%q", out)
			}
			if before := out[:i]; strings.Contains(before, "loaded") && !strings.HasSuffix(before, "\r\x1b[K") {
				t.Errorf("the progress line is still on screen when the document starts: %q", before)
			}
		})
	}
}

// undo has no --demo, so its errors never suggest it; scan's still do.
func TestUndoErrorsDoNotSuggestDemo(t *testing.T) {
	if r := runWith(t, nil, "undo"); r.code != exitUsage || strings.Contains(r.stderr, "--demo") || !strings.Contains(r.stderr, "--config FILE") {
		t.Errorf("undo without a config: %d %q", r.code, r.stderr)
	}
	if r := runWith(t, nil, "scan"); !strings.Contains(r.stderr, "or try --demo") {
		t.Errorf("scan without a config no longer suggests --demo: %q", r.stderr)
	}
}
