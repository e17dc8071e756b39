// Package tui is the partner-triage console: a queue of partner tickets, a detail pane,
// the fix wizard and its review. Each screen is a sub-model; the root routes every
// message to exactly one owner and draws the status bar and help.
package tui

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
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
	// OpenURL opens a link in the browser; nil uses the platform's opener.
	OpenURL func(url string) error
	// Logf writes to the --debug log (nil: no log). Never to the screen.
	Logf func(format string, args ...any)
	// Notice is shown in the status bar at start (e.g. an interrupted earlier submit).
	Notice string
	// Retries, when set, carries notices such as "retrying GET /views/1/tickets (429,
	// waiting 12s)", shown in the status bar until the next page or result.
	Retries <-chan string
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

type screen int

const (
	screenQueue screen = iota
	screenDetail
	screenWizard
	screenReview
)

// Messages of the queue stream, tagged with the load they belong to so a reload
// drops pages of the load it replaced.
type (
	pageMsg struct {
		load int
		page model.QueuePage
	}
	loadDoneMsg struct {
		load int
		err  error
	}
	openedMsg struct{ err error }
)

// Model is the root Bubble Tea model.
type Model struct {
	s       *session
	opts    Options
	screen  screen
	queue   queueScreen
	detail  detailScreen
	wizard  wizardScreen
	review  reviewScreen
	help    help.Model
	spinner spinner.Model

	load     int // generation of the current load
	loading  bool
	loaded   int
	total    int
	stream   chan tea.Msg
	cancel   context.CancelFunc
	status   string // last informational message
	lastErr  string
	showHelp bool
}

// New builds the console; Init starts loading the queue.
func New(opts Options) Model {
	s := newSession(opts)
	h := help.New()
	h.Styles.ShortKey = s.styles.Label
	h.Styles.FullKey = s.styles.Label
	return Model{
		s: s, opts: opts,
		queue:   newQueueScreen(s),
		detail:  newDetailScreen(s),
		wizard:  newWizardScreen(s),
		review:  newReviewScreen(s),
		help:    h,
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		lastErr: opts.Notice,
	}.withSize(80, 24)
}

// Run starts the console on the terminal and returns when the agent quits.
func Run(ctx context.Context, opts Options) error {
	if opts.NoColor {
		// NO_COLOR asks for no colour, not for no emphasis: lipgloss would drop bold and
		// reverse too, and the selected row would vanish. The plain theme has no colours.
		lipgloss.SetColorProfile(termenv.ANSI)
	}
	p := tea.NewProgram(New(opts), tea.WithAltScreen(), tea.WithContext(ctx))
	_, err := p.Run()
	return err
}

// startLoadMsg starts (or restarts) loading the queue. Init cannot change the model, so
// it asks Update to do it.
type startLoadMsg struct{}

func (m Model) Init() tea.Cmd {
	return tea.Batch(func() tea.Msg { return startLoadMsg{} }, waitRetry(m.opts.Retries))
}

// startLoad streams the queue from the client: a goroutine feeds pages into a channel and
// waitStream turns each into a message, so the first page shows before the rest arrives.
func (m *Model) startLoad() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	m.load++
	m.loading, m.loaded, m.total = true, 0, -1
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	ch := make(chan tea.Msg, 4)
	m.stream = ch
	load, client := m.load, m.s.client
	go func() {
		defer close(ch)
		err := client.LoadQueue(ctx, func(p model.QueuePage) {
			select {
			case ch <- pageMsg{load: load, page: p}:
			case <-ctx.Done():
			}
		})
		if ctx.Err() == nil {
			ch <- loadDoneMsg{load: load, err: err}
		}
	}()
	return tea.Batch(waitStream(ch), m.spinner.Tick)
}

func waitStream(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

// withSize lays every screen out for a terminal size.
func (m Model) withSize(w, h int) Model {
	m.s.width, m.s.height = w, h
	m.help.Width = w
	body := h - 2 // status bar and help line
	m.queue.SetSize(w, body-2)
	m.detail.SetSize(w, body)
	return m
}

func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.withSize(msg.Width, msg.Height), nil
	case startLoadMsg:
		return m, m.startLoad()
	case retryMsg:
		m.status = string(msg)
		return m, waitRetry(m.opts.Retries)
	case pageMsg:
		if msg.load != m.load {
			return m, nil
		}
		m.s.merge(msg.page)
		m.loaded, m.total = msg.page.Loaded, msg.page.Total
		if strings.HasPrefix(m.status, "retrying ") {
			m.status = "" // the page arrived: the retry is over
		}
		m.queue.invalidate()
		m.queue.refresh()
		if m.screen == screenDetail {
			m.detail.render()
		}
		return m, waitStream(m.stream)
	case loadDoneMsg:
		if msg.load != m.load {
			return m, nil
		}
		m.loading = false
		m.logf("queue load %d done: %d tickets, %d flagged, err=%v", msg.load, m.queue.total, m.queue.flagged, msg.err)
		if msg.err != nil {
			m.lastErr = "loading the queue: " + msg.err.Error()
		} else {
			m.status = fmt.Sprintf("loaded %d tickets", len(m.s.tickets))
		}
		return m, nil
	case spinner.TickMsg:
		if msg.ID == m.spinner.ID() {
			if !m.loading {
				return m, nil
			}
			var cmd tea.Cmd
			m.spinner, cmd = m.spinner.Update(msg)
			return m, cmd
		}
		var cmd tea.Cmd
		m.review, cmd = m.review.Update(msg)
		return m, cmd
	case undoReadyMsg:
		if msg.Page != nil {
			m.s.merge(*msg.Page)
			m.queue.invalidate()
			m.queue.refresh()
		}
		if msg.err != nil {
			m.lastErr = msg.err.Error()
			return m, nil
		}
		m.status = ""
		m.review.showUndo(msg)
		m.screen = screenReview
		return m, nil
	case reviewPlanMsg:
		m.review.show(msg.plan)
		m.screen = screenReview
		return m, nil
	case cancelReviewMsg:
		m.screen = screenQueue
		m.status = "fix cancelled: nothing was sent"
		return m, nil
	case submitDoneMsg:
		before, had := m.s.tickets[msg.TicketID]
		for _, rm := range msg.Removed {
			// A reload adds what Zendesk has but cannot tell what is gone.
			m.s.dir.RemoveMembershipOf(rm.UserID, rm.OrganizationID)
		}
		if msg.Reloaded != nil {
			m.s.merge(*msg.Reloaded)
			m.queue.invalidate()
			m.queue.refresh()
		}
		switch {
		case msg.Conflict:
			m.lastErr = fmt.Sprintf("#%d changed in Zendesk since load; reloaded, nothing overwritten", msg.TicketID)
		case msg.Err != nil:
			m.lastErr = fmt.Sprintf("#%d: %v", msg.TicketID, msg.Err)
		case msg.undo:
			m.status = fmt.Sprintf("#%d reverted", msg.TicketID)
		default:
			m.status = fmt.Sprintf("#%d submitted", msg.TicketID)
		}
		m.logf("submit #%d (undo=%v): applied %q, not applied %q, conflict=%v, err=%v",
			msg.TicketID, msg.undo, msg.Applied, msg.NotApplied, msg.Conflict, msg.Err)
		if after, ok := m.s.tickets[msg.TicketID]; msg.Conflict && had && ok {
			msg.changes = m.s.ticketChanges(before, after)
		}
		m.review.finish(msg)
		return m, nil
	case openedMsg:
		if msg.err != nil {
			m.lastErr = "opening the browser: " + msg.err.Error()
		}
		return m, nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	}
	return m.routeToScreen(msg)
}

// handleKey takes the global keys, then hands the key to the active screen. While a
// screen captures typing (filter, edit line), only ctrl+c is global.
func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.s.keys
	capturing := (m.screen == screenQueue && m.queue.capturesKeys()) ||
		(m.screen == screenWizard && m.wizard.capturesKeys())
	if m.screen == screenReview && m.review.phase == submitting {
		// Quitting now could leave a fix half-applied and unjournaled: wait for Zendesk.
		if msg.Type == tea.KeyCtrlC || key.Matches(msg, k.Quit) {
			m.status = "submitting — quit when Zendesk has answered"
		}
		return m, nil
	}
	if msg.Type == tea.KeyCtrlC {
		return m.quit()
	}
	if capturing {
		return m.routeToScreen(msg)
	}
	if m.screen == screenReview && m.review.phase == reviewing {
		return m.routeToScreen(msg) // y submits, anything else cancels
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
		return m, nil
	case m.showHelp:
		// While help covers the screen, keys must not act on what is hidden under it.
		if key.Matches(msg, k.Back) {
			m.showHelp = false
		}
		return m, nil
	}
	switch m.screen {
	case screenQueue:
		switch {
		case key.Matches(msg, k.Open):
			if id := m.queue.selected(); id != 0 {
				m.detail.show(id)
				m.screen = screenDetail
			}
			return m, nil
		case key.Matches(msg, k.Fix):
			return m.startFix(m.queue.selected())
		case key.Matches(msg, k.Reload):
			m.s.reset()
			m.queue.invalidate()
			m.queue.refresh()
			m.lastErr, m.status = "", "reloading…"
			return m, m.startLoad()
		case key.Matches(msg, k.Browser):
			return m, m.openTicket(m.queue.selected())
		case key.Matches(msg, k.Undo):
			m.status = "preparing undo…"
			return m, prepareUndoCmd(m.s.client, m.s.journal)
		}
	case screenDetail:
		switch {
		case key.Matches(msg, k.Back):
			m.screen = screenQueue
			return m, nil
		case key.Matches(msg, k.Fix):
			return m.startFix(m.detail.ticketID)
		case key.Matches(msg, k.Browser):
			return m, m.openTicket(m.detail.ticketID)
		}
	case screenWizard:
		if key.Matches(msg, k.Back) {
			m.screen = screenDetail
			m.detail.show(m.wizard.ticketID)
			m.status = "fix abandoned: nothing was sent"
			return m, nil
		}
	case screenReview:
		if m.review.phase == submitted && (key.Matches(msg, k.Back) || msg.Type == tea.KeyEnter) {
			m.screen = screenQueue
			return m, nil
		}
		if m.review.phase == submitting {
			return m, nil
		}
	}
	return m.routeToScreen(msg)
}

func (m Model) logf(format string, args ...any) {
	if m.opts.Logf != nil {
		m.opts.Logf(format, args...)
	}
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	if m.cancel != nil {
		m.cancel()
	}
	return m, tea.Quit
}

func (m Model) startFix(id int64) (tea.Model, tea.Cmd) {
	if id == 0 {
		return m, nil
	}
	if _, ok := m.s.tickets[id]; !ok {
		return m, nil
	}
	m.wizard.start(id)
	m.screen = screenWizard
	return m, nil
}

func (m Model) openTicket(id int64) tea.Cmd {
	if id == 0 {
		return nil
	}
	url, open := m.s.client.TicketURL(id), m.opts.OpenURL
	if open == nil {
		open = openInBrowser
	}
	return func() tea.Msg { return openedMsg{err: open(url)} }
}

// openInBrowser uses the platform's opener; it does not wait for the browser.
func openInBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%w (the ticket is at %s)", err, url)
	}
	go cmd.Wait() //nolint:errcheck // reap the opener; its exit status says nothing useful
	return nil
}

// routeToScreen gives a message to the active screen only.
func (m Model) routeToScreen(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.screen {
	case screenQueue:
		m.queue, cmd = m.queue.Update(msg)
	case screenDetail:
		m.detail, cmd = m.detail.Update(msg)
	case screenWizard:
		m.wizard, cmd = m.wizard.Update(msg)
	case screenReview:
		m.review, cmd = m.review.Update(msg)
	}
	return m, cmd
}

func (m Model) currentHelp() help.KeyMap {
	switch m.screen {
	case screenDetail:
		return detailHelp{m.s.keys}
	case screenWizard:
		return wizardHelp{m.s.keys}
	case screenReview:
		return reviewHelp{k: m.s.keys, done: m.review.phase == submitted}
	}
	return queueHelp{m.s.keys}
}

func (m Model) View() string {
	var body string
	if m.showHelp {
		m.help.ShowAll = true
		body = m.s.styles.Title.Render("Keys") + "\n\n" + m.help.View(m.currentHelp()) +
			"\n\n" + m.s.styles.Muted.Render("? or esc closes this help.")
	} else {
		switch m.screen {
		case screenQueue:
			body = m.queue.View()
		case screenDetail:
			body = m.detail.View()
		case screenWizard:
			body = m.wizard.View()
		case screenReview:
			body = m.review.View()
		}
	}
	bodyH := max(m.s.height-2, 1)
	body = lipgloss.NewStyle().Height(bodyH).MaxHeight(bodyH).MaxWidth(m.s.width).Render(body)
	m.help.ShowAll = false
	return body + "\n" + m.statusBar() + "\n" + m.help.View(m.currentHelp())
}

// statusBar shows the queue source, counts, loading progress and the last error.
func (m Model) statusBar() string {
	st := m.s.styles
	parts := []string{m.s.client.Source()}
	if m.loading {
		prog := fmt.Sprintf("%s loading %d", m.spinner.View(), m.loaded)
		if m.total >= 0 {
			prog += fmt.Sprintf("/%d", m.total)
		}
		parts = append(parts, prog+" tickets…")
	}
	parts = append(parts, fmt.Sprintf("%d tickets, %d flagged", m.queue.total, m.queue.flagged))
	style := st.StatusBar
	switch {
	case m.lastErr != "":
		parts = append(parts, "error: "+m.lastErr)
		style = st.StatusErr
	case m.status != "":
		parts = append(parts, m.status)
	}
	line := strings.Join(parts, " · ")
	w := max(m.s.width, 10)
	if lipgloss.Width(line) > w-2 {
		line = truncate(line, w-2)
	}
	return style.Width(w).MaxWidth(w).Render(line)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	return string(r[:n-1]) + "…"
}
