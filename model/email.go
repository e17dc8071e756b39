package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeEmail returns s trimmed and lower-cased when it is an address, else "".
// An address has exactly one @ with something before and after it and no white space
// inside, so "n/a", "jane@", "@acme.com" and "a b@c.d" all count as empty (rules.md, "E").
func NormalizeEmail(s string) string {
	s = strings.TrimSpace(s)
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
			return ""
		}
		if c >= utf8.RuneSelf {
			if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
				return ""
			}
			break
		}
	}
	return strings.ToLower(s) // returns s itself (no allocation) when already lower case
}

// Domain returns the domain of an address as the rules read it (NormalizeEmail's address,
// after the @, lower case); "" when s is not an address.
func Domain(s string) string {
	e := NormalizeEmail(s)
	if e == "" {
		return ""
	}
	return domainOf(e)
}

// domainOf returns the part of a normalised address after the @.
func domainOf(email string) string {
	return email[strings.LastIndexByte(email, '@')+1:]
}

// localOf returns the part of a normalised address before the @.
func localOf(email string) string {
	return email[:strings.LastIndexByte(email, '@')]
}

// ccRequested reports whether the CC-request field "holds more than white space". A JSON
// false or null (a checkbox left unticked) holds nothing; a true, a number or text does.
func ccRequested(v FieldValue) bool {
	switch v.Kind {
	case FieldBool:
		return strings.EqualFold(strings.TrimSpace(v.Text), "true")
	}
	return strings.TrimSpace(v.Text) != ""
}

// ParseCCAddresses returns the addresses written in a CC-request field, normalised, without
// repeats, in the order written. Any separators are accepted (commas, semicolons, white
// space, new lines), as are display-name forms such as `Ann <ann@x.com>`, `"Doe, Ann"
// <ann@x.com>` and `mailto:ann@x.com`; words that are not addresses are ignored.
func ParseCCAddresses(s string) []string {
	var out []string
	for _, tok := range strings.FieldsFunc(s, isCCSeparator) {
		tok = strings.Trim(tok, ".'\"`*")
		e := NormalizeEmail(tok)
		if e == "" {
			continue
		}
		dup := false
		for _, have := range out {
			if have == e {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out
}

func isCCSeparator(r rune) bool {
	switch r {
	case ',', ';', '<', '>', '(', ')', '[', ']', '{', '}', '"', ':', '|':
		return true
	}
	return unicode.IsSpace(r)
}

// NameFromEmail derives a person's name from an address's local part, for an end user
// created by a fix: "jane.doe@acme.com" → "Jane Doe", "j_smith+support@x.io" → "J Smith".
// It falls back to the address when the local part holds no letters or digits.
func NameFromEmail(email string) string {
	e := NormalizeEmail(email)
	if e == "" {
		return strings.TrimSpace(email)
	}
	local := localOf(e)
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	words := strings.FieldsFunc(local, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) == 0 {
		return e
	}
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

// osaDistance is the Damerau–Levenshtein distance by optimal string alignment (an adjacent
// transposition counts 1) between a and b, over runes. It returns max+1 as soon as the
// distance is known to exceed max.
func osaDistance(a, b string, max int) int {
	if len(b) < 64 && isASCII(a) && isASCII(b) {
		return osa([]byte(a), []byte(b), max) // short byte slices: no allocation
	}
	return osa([]rune(a), []rune(b), max)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func osa[T byte | rune](ra, rb []T, max int) int {
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	n := len(rb)
	var buf [3 * 64]int
	var prev2, prev, cur []int
	if n < 64 {
		prev2, prev, cur = buf[0:n+1], buf[64:64+n+1], buf[128:128+n+1]
	} else {
		prev2, prev, cur = make([]int, n+1), make([]int, n+1), make([]int, n+1)
	}
	for j := range prev {
		prev[j] = j
	}
	prevMin := 0
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= n; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		// A transposition jumps two rows, so every alignment touches row i or row i-1.
		if rowMin > max && prevMin > max {
			return max + 1
		}
		prevMin = rowMin
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[n] > max {
		return max + 1
	}
	return prev[n]
}

// SuggestionTies lists the addresses a customer_email_unknown suggestion must choose between
// when several customer domains are equally near E's domain: local@D for each, so the
// Zendesk client can look up which of them is an existing user (the rules prefer that one).
// It returns nil when there is no tie, or when E needs no suggestion (its domain is a
// customer or partner domain, or E is not an address).
func SuggestionTies(cfg RuleConfig, email string, dir *Directory) []string {
	e := NormalizeEmail(email)
	if e == "" || dir == nil {
		return nil
	}
	ix := dir.index(cfg)
	d := domainOf(e)
	if len(ix.customerByDomain[d]) > 0 || ix.isPartnerDomain(d) {
		return nil
	}
	near := ix.nearest(d)
	if len(near) < 2 {
		return nil
	}
	out := make([]string, len(near))
	for i, n := range near {
		out[i] = localOf(e) + "@" + n
	}
	return out
}
