package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// kindAsk and kindNone are the filter's names for a ticket whose submitter must be asked
// (the unknown scenario without findings, the "? ask" badge) and for a clean ticket.
const (
	kindAsk  = "ask"
	kindNone = "none"
)

// filterName is one thing a `kind:` or `scenario:` filter word names, with every word that
// names it.
type filterName struct {
	name  string   // a model.FindingKind, kindAsk or kindNone; or a model.Scenario
	words []string // the accepted words, lower case: the word the row shows first, the full name last
}

// kindNames are the `kind:` words, in the legend's order: each finding kind by its full name,
// its badge and its short badge (findingBadges), then ask, then none or clean.
var kindNames = func() []filterName {
	var n []filterName
	for _, b := range findingBadges {
		n = append(n, filterName{name: string(b.kind), words: slices.Compact([]string{b.long, b.short, string(b.kind)})})
	}
	return append(n, filterName{name: kindAsk, words: []string{kindAsk}},
		filterName{name: kindNone, words: []string{kindNone, "clean"}})
}()

// scenarioNames are the `scenario:` words, in the legend's order: each scenario by its full
// name and by the word the scenario column shows (scenarioWords).
var scenarioNames = func() []filterName {
	var n []filterName
	for _, w := range scenarioWords {
		n = append(n, filterName{name: string(w.scenario), words: slices.Compact([]string{w.short, string(w.scenario)})})
	}
	return n
}()

// lookup is the name a filter word stands for ("" when no name has that word: words match
// whole, never a part of one).
func lookup(names []filterName, word string) string {
	for _, n := range names {
		if slices.Contains(n.words, word) {
			return n.name
		}
	}
	return ""
}

// filterTerm is one word of the filter: kind:…, scenario:… or free text.
type filterTerm struct {
	field string // "kind", "scenario" or "" for the whole row
	word  string // for kind and scenario the name looked up ("" matches nothing), else the word
}

// parseFilter splits the filter into words (case does not matter) and resolves the kind:
// and scenario: words to the kind or scenario they name. The message is "" when every word
// is known, else one line naming the unknown words and the words the queue shows; the
// terms of unknown words match no ticket. A bare "kind:" or "scenario:" (still being
// typed) constrains nothing.
func parseFilter(s string) ([]filterTerm, string) {
	var terms []filterTerm
	var badKind, badScenario []string
	for _, w := range strings.Fields(strings.ToLower(s)) {
		field, word, ok := strings.Cut(w, ":")
		switch {
		case ok && (field == "kind" || field == "scenario") && word == "":
			continue
		case ok && field == "kind":
			name := lookup(kindNames, word)
			if name == "" {
				badKind = append(badKind, fmt.Sprintf("%q", word))
			}
			terms = append(terms, filterTerm{"kind", name})
		case ok && field == "scenario":
			name := lookup(scenarioNames, word)
			if name == "" {
				badScenario = append(badScenario, fmt.Sprintf("%q", word))
			}
			terms = append(terms, filterTerm{"scenario", name})
		default:
			terms = append(terms, filterTerm{"", w})
		}
	}
	var msgs []string
	if len(badKind) > 0 {
		msgs = append(msgs, fmt.Sprintf("unknown kind %s (kinds: %s)", strings.Join(badKind, ", "), shownWords(kindNames)))
	}
	if len(badScenario) > 0 {
		msgs = append(msgs, fmt.Sprintf("unknown scenario %s (scenarios: %s)", strings.Join(badScenario, ", "), shownWords(scenarioNames)))
	}
	return terms, strings.Join(msgs, "; ")
}

// shownWords lists the words the queue shows for the names, space-separated.
func shownWords(names []filterName) string {
	w := make([]string, len(names))
	for i, n := range names {
		w[i] = n.words[0]
	}
	return strings.Join(w, " ")
}

// matches reports whether every term matches the entry: a kind: term keeps the tickets
// with that finding kind (kind:ask those to ask about, kind:none the clean ones), a
// scenario: term those of that scenario, any other word is looked for in the whole row text.
func (e *queueEntry) matches(terms []filterTerm) bool {
	for _, t := range terms {
		var ok bool
		switch {
		case t.field != "" && e.checking:
			ok = false // no verdict yet: no kind, no scenario (not even kind:none)
		case t.field == "kind" && t.word == kindNone:
			ok = len(e.kinds) == 0
		case t.field == "kind":
			ok = t.word != "" && slices.Contains(e.kinds, t.word)
		case t.field == "scenario":
			ok = t.word != "" && e.scenario == t.word
		default:
			ok = strings.Contains(e.hay, t.word)
		}
		if !ok {
			return false
		}
	}
	return true
}

// filterLegend explains the filter words for the `?` help in lines of at most width cells
// (at 80 columns: five lines): the kind: and scenario: lines list exactly the words
// parseFilter accepts, "/" between the words of one name, ", " between names.
func filterLegend(width int) []string {
	lines := strings.Split(wrapText("Filter: words match anywhere in the row; kind: and scenario: take a whole word", width), "\n")
	for _, f := range []struct {
		field string
		names []filterName
	}{{"kind:", kindNames}, {"scenario:", scenarioNames}} {
		words := []string{f.field}
		for i, n := range f.names {
			w := strings.Join(n.words, "/")
			if i < len(f.names)-1 {
				w += ","
			}
			words = append(words, w)
		}
		lines = append(lines, wrapWords(words, width, "  ")...)
	}
	return lines
}

// wrapWords lays words out in lines of at most width cells, one space apart, every line
// but the first starting with indent (a word wider than a line gets a line of its own).
func wrapWords(words []string, width int, indent string) []string {
	var lines []string
	line := ""
	for _, w := range words {
		switch {
		case line == "":
			line = w
		case ansi.StringWidth(line)+1+ansi.StringWidth(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = indent + w
		}
	}
	return append(lines, line)
}
