package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// ptyOutput collects what a program writes to its terminal and lets a test wait for text.
type ptyOutput struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (o *ptyOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.changed)
	o.changed = make(chan struct{})
	return len(p), nil
}

func (o *ptyOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// waitFor waits until the output holds want (or the deadline passes: a hang).
func (o *ptyOutput) waitFor(t *testing.T, want string, deadline time.Duration) {
	t.Helper()
	timeout := time.After(deadline)
	for {
		o.mu.Lock()
		ok, ch := strings.Contains(o.buf.String(), want), o.changed
		o.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("never saw %q; the terminal shows:\n%q", want, o.String())
		}
	}
}

// SIGINT, SIGTERM and SIGHUP end the console promptly with 130, 143 and 129, and the terminal
// is restored: the alternate screen is left and echo and line mode are back on.
func TestConsoleSignals(t *testing.T) {
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), childArgs+"=--demo", "TERM=xterm-256color", "NO_COLOR=1",
				"XDG_STATE_HOME="+t.TempDir())
			tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
			if err != nil {
				t.Skipf("no pseudo-terminal here: %v", err)
			}
			defer tty.Close()
			out := &ptyOutput{changed: make(chan struct{})}
			copied := make(chan struct{})
			go func() { _, _ = io.Copy(out, tty); close(copied) }()
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()

			out.waitFor(t, "loaded 30 tickets", 30*time.Second)
			sent := time.Now()
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			var werr error
			select {
			case werr = <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("%v: the console did not end (hung); terminal:\n%q", c.sig, out.String())
			}
			t.Logf("%v: ended %v after the signal", c.sig, time.Since(sent).Round(time.Millisecond))
			var exit *exec.ExitError
			if !errors.As(werr, &exit) || exit.ExitCode() != c.code {
				t.Errorf("%v: exit %v, want status %d", c.sig, werr, c.code)
			}
			tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if tio.Lflag&unix.ECHO == 0 || tio.Lflag&unix.ICANON == 0 {
				t.Errorf("%v: the terminal was left raw (lflag %#x): no echo or no line mode", c.sig, tio.Lflag)
			}
			all := out.String()
			after := all[strings.LastIndex(all, "loaded 30 tickets"):]
			if !strings.Contains(after, "\x1b[?1049l") {
				t.Errorf("%v: the alternate screen was not left: %q", c.sig, after[max(0, len(after)-200):])
			}
			_ = copied
		})
	}
}
