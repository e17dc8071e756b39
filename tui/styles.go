package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
)

// Styles is every style the console draws with; no screen picks a colour itself.
type Styles struct {
	Title      lipgloss.Style
	Label      lipgloss.Style
	Muted      lipgloss.Style
	Error      lipgloss.Style
	Warning    lipgloss.Style
	OK         lipgloss.Style
	Before     lipgloss.Style
	After      lipgloss.Style
	StatusBar  lipgloss.Style
	StatusErr  lipgloss.Style
	Box        lipgloss.Style
	StepActive lipgloss.Style
	Table      table.Styles
	// NoColor: the plain theme, which every widget follows too (Help, Input, Spinner,
	// TextArea; a progress bar takes progress.WithColorProfile(termenv.Ascii)) — NO_COLOR covers the bubbles' own default colours.
	NoColor bool
}

// DefaultStyles returns the colour theme, or a plain one (bold, underline and reverse
// only) when noColor is set — NO_COLOR users still see what is selected and what is wrong.
func DefaultStyles(noColor bool) Styles {
	if noColor {
		plain := lipgloss.NewStyle()
		ts := table.DefaultStyles()
		ts.Header = plain.Bold(true).Padding(0, 1)
		ts.Cell = plain.Padding(0, 1)
		ts.Selected = plain.Reverse(true)
		return Styles{
			Title: plain.Bold(true), Label: plain.Bold(true), Muted: plain, Error: plain.Bold(true),
			Warning: plain.Underline(true), OK: plain, Before: plain, After: plain.Bold(true),
			StatusBar: plain.Reverse(true), StatusErr: plain.Reverse(true).Bold(true),
			Box: plain.Border(lipgloss.NormalBorder()).Padding(0, 1), StepActive: plain.Bold(true),
			Table: ts, NoColor: true,
		}
	}
	var (
		accent = lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#B9A7FF"}
		muted  = lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"}
		red    = lipgloss.AdaptiveColor{Light: "#B00020", Dark: "#FF6B6B"}
		amber  = lipgloss.AdaptiveColor{Light: "#8A5A00", Dark: "#FFB454"}
		green  = lipgloss.AdaptiveColor{Light: "#1B7F3A", Dark: "#7EE787"}
		barBg  = lipgloss.AdaptiveColor{Light: "#E4E0F5", Dark: "#2A2540"}
	)
	ts := table.DefaultStyles()
	ts.Header = ts.Header.BorderStyle(lipgloss.NormalBorder()).BorderBottom(true).Bold(true).Foreground(accent)
	ts.Selected = ts.Selected.Foreground(lipgloss.Color("#FFFFFF")).Background(lipgloss.Color("#5A3FC0")).Bold(false)
	return Styles{
		Title:      lipgloss.NewStyle().Bold(true).Foreground(accent),
		Label:      lipgloss.NewStyle().Bold(true),
		Muted:      lipgloss.NewStyle().Foreground(muted),
		Error:      lipgloss.NewStyle().Foreground(red).Bold(true),
		Warning:    lipgloss.NewStyle().Foreground(amber),
		OK:         lipgloss.NewStyle().Foreground(green),
		Before:     lipgloss.NewStyle().Foreground(red),
		After:      lipgloss.NewStyle().Foreground(green),
		StatusBar:  lipgloss.NewStyle().Background(barBg).Padding(0, 1),
		StatusErr:  lipgloss.NewStyle().Background(barBg).Foreground(red).Bold(true).Padding(0, 1),
		Box:        lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		StepActive: lipgloss.NewStyle().Bold(true).Foreground(accent),
		Table:      ts,
	}
}

// Help styles a help line in the theme: keys bold; under NO_COLOR nothing else (the bubbles
// default greys are colours too).
func (st Styles) Help(h *help.Model) {
	h.Styles.ShortKey, h.Styles.FullKey = st.Label, st.Label
	if st.NoColor {
		plain := lipgloss.NewStyle()
		h.Styles.ShortDesc, h.Styles.ShortSeparator, h.Styles.Ellipsis = plain, plain, plain
		h.Styles.FullDesc, h.Styles.FullSeparator = plain, plain
	}
}

// Input styles a text input; under NO_COLOR the placeholder and completion lose their grey
// and the cursor is reverse video.
func (st Styles) Input(in *textinput.Model) {
	if !st.NoColor {
		return
	}
	plain := lipgloss.NewStyle()
	in.PromptStyle, in.TextStyle, in.PlaceholderStyle, in.CompletionStyle = plain, plain, plain, plain
	in.Cursor.Style, in.Cursor.TextStyle = plain.Reverse(true), plain
}

// TextArea styles a multi-line input like Input.
func (st Styles) TextArea(ta *textarea.Model) {
	if !st.NoColor {
		return
	}
	plain := lipgloss.NewStyle()
	s := textarea.Style{Base: plain, CursorLine: plain, CursorLineNumber: plain, EndOfBuffer: plain,
		LineNumber: plain, Placeholder: plain, Prompt: plain, Text: plain}
	ta.FocusedStyle, ta.BlurredStyle = s, s
	ta.Cursor.Style, ta.Cursor.TextStyle = plain.Reverse(true), plain
}

// Spinner styles a spinner (accent colour, or plain).
func (st Styles) Spinner(sp *spinner.Model) {
	if st.NoColor {
		sp.Style = lipgloss.NewStyle()
		return
	}
	sp.Style = st.Title.UnsetBold()
}
