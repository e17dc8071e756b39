package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/partner-triage/partner-triage/model"
)

// Options wires the console. cmd/ builds them after the config was validated.
type Options struct {
	Client  Client
	Rules   model.RuleConfig
	NoColor bool
	Journal Journal
	// Now is the clock (tests pin it for stable ages); nil means time.Now.
	Now func() time.Time
	// OpenURL opens a link in the browser (cmd/ wires github.com/cli/browser); nil means
	// the console cannot open links and says where the ticket is instead.
	OpenURL func(url string) error
	// CopyText puts text on the clipboard (cmd/ wires OSC 52 with a clipboard-library
	// fallback); nil means the console cannot copy and shows the text instead.
	CopyText func(text string) error
	// Refresh is how often the queue reads what changed (config queue.refresh); 0 is off.
	Refresh time.Duration
	// Logf writes to the --debug log (nil: no log). Never to the screen.
	Logf func(format string, args ...any)
	// Notice is shown in the status bar at start (e.g. an interrupted earlier submit).
	Notice string
	// Retries, when set, carries notices such as "retrying GET /views/1/tickets (429,
	// waiting 12s)", shown in the status bar until the next page or result.
	Retries <-chan string
	// AskTemplate is the public reply `a` starts from (config templates.ask_submitter; ""
	// means model.DefaultAskSubmitter).
	AskTemplate string
}

// retryMsg is a notice from Options.Retries.
type retryMsg string

func waitRetry(ch <-chan string) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return retryMsg(s)
	}
}
