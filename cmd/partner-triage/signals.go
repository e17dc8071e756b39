package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// signalError is the cause of a context cancelled by a signal.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "interrupted by " + signalName(e.sig) }

// signalContext is cancelled when SIGINT, SIGTERM or SIGHUP arrives; context.Cause then is a
// *signalError naming it (see exitForSignal). Only this handler takes those signals: the
// console runs Bubble Tea without its own handler and quits when ctx is done, so exactly one
// party reacts and the terminal is always restored. Further signals while the command winds
// down are absorbed. stop releases the signals.
func signalContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			cancel(&signalError{sig: s})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// exitForSignal is the exit status for a context a signal cancelled: 128 + the signal's
// number, as shells report it (SIGINT 130, SIGTERM 143, SIGHUP 129); 0 when no signal came.
func exitForSignal(ctx context.Context) int {
	var se *signalError
	if !errors.As(context.Cause(ctx), &se) {
		return 0
	}
	if s, ok := se.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitInterrupted
}

// interrupted reports, on one line, that a signal stopped the command and what that left
// (e.g. "nothing was sent"), and returns the exit status for that signal.
func interrupted(stderr io.Writer, cmd string, ctx context.Context, what string) int {
	code := exitForSignal(ctx)
	if code == 0 {
		code = exitInterrupted
	}
	msg := "interrupted"
	var se *signalError
	if errors.As(context.Cause(ctx), &se) {
		msg = se.Error()
	}
	if what != "" {
		msg += ": " + what
	}
	return fail(stderr, cmd, code, fmt.Errorf("%s", msg), nil)
}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}
