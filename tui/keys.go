package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap declares every binding once; the help view and each screen read them from here.
type KeyMap struct {
	Up, Down, Top, Bottom key.Binding
	Open                  key.Binding
	Fix                   key.Binding
	Accept, Skip, Edit    key.Binding
	Confirm               key.Binding
	Filter, ClearFilter   key.Binding
	Sort                  key.Binding
	Browser               key.Binding
	Reload                key.Binding
	Undo                  key.Binding
	Help                  key.Binding
	Back                  key.Binding
	Quit                  key.Binding
}

// DefaultKeyMap returns the bindings of product.md.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Fix:         key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fix")),
		Accept:      key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "accept step")),
		Skip:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "skip step")),
		Edit:        key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit value")),
		Confirm:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "submit")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Browser:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open in browser")),
		Reload:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Undo:        key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo last change")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// queueHelp is the help.KeyMap of the queue screen.
type queueHelp struct{ k KeyMap }

func (h queueHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Down, h.k.Open, h.k.Fix, h.k.Filter, h.k.Reload, h.k.Help, h.k.Quit}
}

func (h queueHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Up, h.k.Down, h.k.Top, h.k.Bottom},
		{h.k.Open, h.k.Fix, h.k.Browser, h.k.Undo},
		{h.k.Filter, h.k.ClearFilter, h.k.Sort, h.k.Reload},
		{h.k.Help, h.k.Quit},
	}
}

// detailHelp is the help.KeyMap of the detail screen.
type detailHelp struct{ k KeyMap }

func (h detailHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Fix, h.k.Browser, h.k.Back, h.k.Help, h.k.Quit}
}

func (h detailHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{h.k.Up, h.k.Down}, {h.k.Fix, h.k.Browser}, {h.k.Back, h.k.Help, h.k.Quit}}
}

// wizardHelp is the help.KeyMap of the fix wizard.
type wizardHelp struct{ k KeyMap }

func (h wizardHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Accept, h.k.Skip, h.k.Edit, h.k.Back, h.k.Help}
}

func (h wizardHelp) FullHelp() [][]key.Binding {
	prev := key.NewBinding(key.WithKeys(h.k.Up.Keys()...), key.WithHelp(h.k.Up.Help().Key, "previous step"))
	return [][]key.Binding{{h.k.Accept, h.k.Skip, h.k.Edit, prev}, {h.k.Back, h.k.Help, h.k.Quit}}
}

// reviewHelp is the help.KeyMap of the review screen; once submitted only esc is left.
type reviewHelp struct {
	k    KeyMap
	done bool
}

func (h reviewHelp) ShortHelp() []key.Binding {
	if h.done {
		return []key.Binding{h.k.Back, h.k.Undo, h.k.Quit}
	}
	return []key.Binding{h.k.Confirm, key.NewBinding(key.WithKeys("any"), key.WithHelp("any other key", "cancel"))}
}

func (h reviewHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }
