package text

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Acme Corp", "Acme Corp"},
		{"wide and emoji pass", "Zoë 👩‍💻 Brandt ⚠️", "Zoë 👩‍💻 Brandt ⚠️"},
		{"CSI clear screen", "Acme\x1b[2J\x1b[H Corp", "Acme Corp"},
		{"SGR colour", "\x1b[31mred\x1b[0m", "red"},
		{"OSC 0 title, BEL", "Priya\x1b]0;pwned\x07 Raman", "Priya Raman"},
		{"OSC 52 clipboard, ST", "Subject \x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x1b\\end", "Subject end"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"8-bit CSI", "a\u009b2Jb", "ab"},
		{"8-bit OSC", "a\u009d0;title\u009cb", "ab"},
		{"C0 and DEL", "a\x00b\x07c\x7fd\x08e", "abcde"},
		{"bidi override", "invoice\u202Egnp.exe", "invoicegnp.exe"},
		{"bidi isolate", "a\u2066b\u2069c", "abc"},
		{"new lines fold", "line one\r\nline two\n\n\tthree", "line one line two three"},
		{"unicode line separator", "a\u2028b", "a b"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Line(tc.in); got != tc.want {
				t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestBlockKeepsLines(t *testing.T) {
	got := Block("Hello\r\nplease \x1b]52;c;ZXZpbA==\x07look\n\tat\u202e this")
	if want := "Hello\nplease look\n    at this"; got != want {
		t.Errorf("Block = %q, want %q", got, want)
	}
}

// Whatever goes in, nothing that drives a terminal comes out.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\x1b]52;c;eA==\x07", "\u009b31m", "\u202e", "a\nb", "\x1bP\x1b\\", "\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Block(s)} {
			for _, r := range out {
				if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidi(r) {
					t.Fatalf("control %U left in %q (from %q)", r, out, s)
				}
			}
			if ansi.Strip(out) != out {
				t.Fatalf("sequence left in %q", out)
			}
		}
		if strings.ContainsAny(Line(s), "\n\r") {
			t.Fatalf("line break in Line(%q)", s)
		}
	})
}

// Two addresses that differ only in the domain's last letter still differ once fitted,
// because the cut falls in the local part (trial finding 3: "m.keller@fabrik…" hid
// ".co" vs ".com").
func TestFitEmailKeepsDomain(t *testing.T) {
	for _, w := range []int{16, 18, 24} {
		a := FitEmail("m.keller.senior@fabrikam.co", w)
		b := FitEmail("m.keller.senior@fabrikam.com", w)
		if a == b || !strings.HasSuffix(a, "@fabrikam.co") || !strings.HasSuffix(b, "@fabrikam.com") {
			t.Errorf("fitted to %d cells: %q and %q; want both domains whole", w, a, b)
		}
		for _, s := range []string{a, b} {
			if n := ansi.StringWidth(s); n > w {
				t.Errorf("%q is %d cells, want at most %d", s, n, w)
			}
		}
	}
	for _, tc := range []struct {
		in   string
		w    int
		want string
	}{
		{"short@x.io", 18, "short@x.io"},
		{"zoë.brandt.the.second@例え.jp", 14, "zoë…nd@例え.jp"},
		{"user #361000000777 (not found)", 16, "#361000000777 (…"},
		{"someone@a-very-long-domain-name.example.com", 12, "…example.com"},
		// Columns of 17-18 cells (the queue at 120 columns with the preview): the domain
		// stays whole even when at most one character of the local part fits.
		{"grace.liu@tailspintoys.com", 18, "…@tailspintoys.com"},
		{"ben.carter@wingtipbank.com", 18, "b…@wingtipbank.com"},
		{"aoife.byrne@lucernecloud.com", 18, "…@lucernecloud.com"},
		{"aoife.byrne@lucernecloud.com", 12, "…necloud.com"},
		{"x@y.z", 0, "…"},
	} {
		got := FitEmail(tc.in, tc.w)
		if got != tc.want {
			t.Errorf("FitEmail(%q, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
		}
		if tc.w > 0 && ansi.StringWidth(got) > tc.w {
			t.Errorf("FitEmail(%q, %d) = %q is %d cells", tc.in, tc.w, got, ansi.StringWidth(got))
		}
	}
}
