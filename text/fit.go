package text

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// FitEmail fits an email address to at most w cells (terminal cells, as ansi.StringWidth
// counts them) so that it stays recognisable: an address that fits is returned unchanged;
// a longer one loses the middle of its local part to "…" and keeps its domain whole
// ("m.ke…ller@fabrikam.co" vs "m.ke…ller@fabrikam.com" stay different). When there is
// no room for any of the local part, the domain is kept whole behind "…"
// ("…@tailspintoys.com"); only when the domain alone does not fit does it lose its start,
// never its end ("…ilspintoys.com"). Text that is not an
// address (no "@", or a space in it, such as "user #361000000777 (not found)" for a user
// Zendesk no longer returns) is cut at its end, after dropping a leading "user " so the id
// stays readable. The result is never wider than w cells (for w ≥ 1); s should already
// be inert (Line).
func FitEmail(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 || strings.ContainsRune(s, ' ') {
		return ansi.Truncate(strings.TrimPrefix(s, "user "), w, "…")
	}
	if at > 0 {
		local, domain := s[:at], s[at:]
		room := w - ansi.StringWidth(domain) - 1 // one cell for "…"
		switch {
		case room >= 1:
			return cutMiddle(local, room) + domain
		case room >= 0:
			return "…" + domain
		}
		if w >= 2 {
			return "…" + ansi.TruncateLeft(domain, ansi.StringWidth(domain)-(w-1), "")
		}
	}
	return cutMiddle(s, w-1)
}

// cutMiddle keeps n cells of s, its start and its end, around "…" (n+1 cells in all).
func cutMiddle(s string, n int) string {
	if n < 1 {
		return "…"
	}
	head := (n + 1) / 2
	tail := n - head
	return ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, ansi.StringWidth(s)-tail, "")
}
