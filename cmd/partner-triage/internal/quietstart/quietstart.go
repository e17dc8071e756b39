// Package quietstart stops Bubble Tea's package initialisation from querying the terminal.
//
// bubbletea v1 asks the terminal for its background colour in an init function (tea_init.go:
// OSC 11 "ESC]11;?" followed by a cursor-position request "ESC[6n") whenever stdout is a
// terminal, so every command of the binary — `scan` printing its document to the screen
// included — would send those queries and wait for the answers (product.md: scan sends no
// terminal queries). termenv sends none while TERM is "dumb", so this package sets TERM to
// "dumb" while packages initialise and Restore puts it back; the console then asks the
// terminal itself, once, before it takes the screen.
//
// It works because Go initialises packages in import-path order as soon as their imports
// are (the spec's "Package initialization"): this package imports only os, and its path
// sorts before golang.org/x/sys/unix, which termenv and so bubbletea import. main imports it;
// TestScanSendsNoTerminalQueries checks the order still holds.
package quietstart

import "os"

var term, hadTerm = os.LookupEnv("TERM")

func init() { os.Setenv("TERM", "dumb") }

// Restore puts TERM back as the process received it. main calls it first.
func Restore() {
	if hadTerm {
		os.Setenv("TERM", term)
	} else {
		os.Unsetenv("TERM")
	}
}
