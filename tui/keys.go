package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap declares every binding once; each screen matches keys and lists its help from here.
type KeyMap struct {
	Up, Down, Top, Bottom key.Binding
	HalfPageDown          key.Binding
	HalfPageUp            key.Binding
	PageDown, PageUp      key.Binding
	NextFlagged           key.Binding // next ticket with findings
	PrevFlagged           key.Binding
	CopyURL               key.Binding
	Open                  key.Binding
	Fix                   key.Binding
	Accept, Skip, Edit    key.Binding
	Confirm               key.Binding
	Filter, ClearFilter   key.Binding
	InputDone             key.Binding // ends a text input (filter, edit line), keeping it
	Sort                  key.Binding
	Browser               key.Binding
	Reload                key.Binding
	Undo                  key.Binding
	UndoPick              key.Binding
	Mark, BulkFix, Audit  key.Binding // bulk fix and audit (tui/bulk.go, tui/audit.go)
	Help                  key.Binding
	Back                  key.Binding
	Quit                  key.Binding
	// Interrupt quits even while a screen captures typing (a filter, an edit line).
	Interrupt key.Binding

	// The fix flow (wizard and review) and the error panel.
	Submit       key.Binding // review: submit the fix (or the undo) with safe_update
	AcceptAll    key.Binding // wizard: accept every remaining step as proposed, then review
	PrevStep     key.Binding // wizard: back one step
	OtherReading key.Binding // wizard: take the other reading a warning offers
	KeepNote     key.Binding // wizard: keep the edited note (enter is a new line there)
	BackToFix    key.Binding // review: back to the wizard with every choice kept
	ScrollUp     key.Binding
	ScrollDown   key.Binding
	LastError    key.Binding // the last error, whole
	// Wheel is the mouse wheel (tea.MouseMsg's String is "wheel up" / "wheel down"), for
	// the help of the screens that scroll with it.
	Wheel key.Binding

	// Ask the submitter (tui/ask.go).
	Ask        key.Binding // open the reply editor for an `unknown` ticket
	AskReview  key.Binding // editor: review the reply before it is sent
	AskPending key.Binding // editor: toggle setting the status to pending
}

// DefaultKeyMap returns the bindings of product.md.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Top:          key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:       key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "half page down")),
		HalfPageUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "half page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		NextFlagged:  key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next flagged")),
		PrevFlagged:  key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous flagged")),
		CopyURL:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy URL")),
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Fix:          key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fix")),
		Accept:       key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "accept step")),
		Skip:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "skip step")),
		Edit:         key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit value")),
		Confirm:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "submit")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Sort:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Browser:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open in browser")),
		Reload:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Undo:         key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo last change")),
		Mark:         key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "mark, next")),
		BulkFix:      key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "fix marked")),
		Audit:        key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "audit")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Interrupt:    key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		InputDone:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),

		Submit:       key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", "submit")),
		AcceptAll:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "accept the rest and review")),
		PrevStep:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "previous step")),
		OtherReading: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "take the other reading")),
		KeepNote:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "keep the note")),
		BackToFix:    key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "back to steps")),
		ScrollUp:     key.NewBinding(key.WithKeys("k", "up", "pgup", "ctrl+u"), key.WithHelp("↑/k", "scroll up")),
		ScrollDown:   key.NewBinding(key.WithKeys("j", "down", "pgdown", "ctrl+d"), key.WithHelp("↓/j", "more")),
		LastError:    key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "last error")),
		UndoPick:     key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "undo from the journal")),
		Wheel:        key.NewBinding(key.WithKeys("wheel up", "wheel down"), key.WithHelp("wheel", "scroll")),
		Ask:          key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "ask the submitter")),
		AskReview:    key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "review")),
		AskPending:   key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "pending on/off")),
	}
}

// splitKeys undoes two ways a terminal merges keys into one message; nil for any other
// message. A key that arrived with Alt is Esc followed by the key: terminals and tmux deliver
// a quick Esc Esc or Esc j as one alt+esc / alt+j, and the console binds no alt key, so a
// leading Esc is the Esc the agent pressed. Several runes in one message (keys typed or sent
// faster than the terminal is read: "jjj", "/4035") are that many key presses, so each
// binding sees its own key; a paste stays whole.
func splitKeys(msg tea.Msg) []tea.Msg {
	k, ok := msg.(tea.KeyMsg)
	if !ok || k.Paste {
		return nil
	}
	if k.Alt {
		k.Alt = false
		return append([]tea.Msg{tea.KeyMsg{Type: tea.KeyEsc}}, orOne(splitKeys(k), k)...)
	}
	if k.Type != tea.KeyRunes || len(k.Runes) < 2 {
		return nil
	}
	out := make([]tea.Msg, len(k.Runes))
	for i, r := range k.Runes {
		out[i] = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
	}
	return out
}

func orOne(msgs []tea.Msg, m tea.Msg) []tea.Msg {
	if msgs == nil {
		return []tea.Msg{m}
	}
	return msgs
}
