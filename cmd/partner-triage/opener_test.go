package main

import (
	"testing"
)

// Trial finding 15: with no browser to open, `o` said `exec:
// "xdg-open,x-www-browser,www-browser,wslview": executable file not found`. It says what is
// missing, what to do, and where the ticket is.
func TestTicketOpenerWithoutBrowser(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no xdg-open, x-www-browser, www-browser or wslview
	const u = "https://example.zendesk.com/agent/tickets/4001"
	err := ticketOpener(func(string) string { return "" })(u)
	if err == nil {
		t.Fatal("opening with no browser at all succeeded")
	}
	if want := "no browser found (set $BROWSER); the ticket is at " + u; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}
