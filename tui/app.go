// Package tui is the partner-triage console: a queue of partner tickets, a detail pane,
// the fix wizard and its review. Each screen implements the screen contract (screen.go);
// the root routes every message to exactly one owner and draws the status bar and help.
package tui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// Model is the root Bubble Tea model.
type Model struct {
	s       *session
	opts    Options
	current screenID
	fixFrom screenID // where the open fix was started, for esc
	screens [numScreens]screen
	queue   *queueScreen
	detail  *detailScreen
	wizard  *wizardScreen
	review  *reviewScreen
	errs    *errorScreen
	bulk    *bulkScreen
	audit   *auditScreen
	ask     *askScreen
	journal *journalScreen
	help    help.Model
	spinner spinner.Model

	load     int // generation of the current load
	loading  bool
	loaded   int // queue tickets delivered by the load under way
	listed   int // the source's records listed, in the queue or not (QueuePage.Listed)
	total    int
	stream   chan tea.Msg
	cancel   context.CancelFunc
	status   string // last informational message
	lastErr  string
	showHelp bool
	helpVP   viewport.Model // the `?` help's scroll position (helpview.go)

	// stale: a reload is under way and the queue on screen is the previous one, forgotten
	// when the reload's first page arrives and kept when the reload fails (e.g. the sign-in
	// was refused).
	stale      bool
	refreshing bool      // a live refresh is on its way
	dataAt     time.Time // when the data was last loaded or refreshed (the agent's clock)

	order messageOrder // which of status and lastErr is newer (status.go)

	// interrupted: a signal asked the console to stop (signal.go); interruptNote says what
	// became of a submit in flight.
	interrupted   bool
	interruptNote string
}

// New builds the console; Init starts loading the queue.
func New(opts Options) Model {
	s := newSession(opts)
	h := help.New()
	s.styles.Help(&h)
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot))
	s.styles.Spinner(&sp)
	m := Model{
		s: s, opts: opts,
		queue: newQueueScreen(s), detail: newDetailScreen(s), wizard: newWizardScreen(s), review: newReviewScreen(s),
		errs:    newErrorScreen(s),
		journal: newJournalScreen(s),
		help:    h,
		spinner: sp,
		lastErr: opts.Notice,
	}
	m.bulk, m.audit = newBulkScreen(s, m.queue, opts.NoColor), newAuditScreen(s)
	m.ask = newAskScreen(s, opts.AskTemplate)
	m.screens = [numScreens]screen{screenQueue: m.queue, screenDetail: m.detail, screenWizard: m.wizard, screenReview: m.review,
		screenError: m.errs, screenJournal: m.journal, screenBulk: m.bulk, screenAudit: m.audit, screenAsk: m.ask}
	m.setSize(80, 24)
	return m
}

// Run starts the console on the terminal and returns when the agent quits.
func Run(ctx context.Context, opts Options) error {
	if opts.NoColor {
		// NO_COLOR asks for no colour, not for no emphasis: lipgloss would drop bold and
		// reverse too, and the selected row would vanish. The plain theme has no colours.
		lipgloss.SetColorProfile(termenv.ANSI)
	}
	p := tea.NewProgram(New(opts), tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithoutSignalHandler())
	finished := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			p.Send(interruptMsg{})
		case <-finished:
		}
	}()
	final, err := p.Run()
	close(finished)
	if err != nil {
		return err
	}
	if m, ok := final.(Model); ok && m.interrupted {
		return &InterruptedError{Submit: m.interruptNote}
	}
	return nil
}

func (m Model) Init() tea.Cmd {
	return tea.Batch(func() tea.Msg { return startLoadMsg{} }, waitRetry(m.opts.Retries), ageTickCmd())
}

// setSize lays every screen out for a terminal size: the status bar and the help line
// take two rows.
func (m *Model) setSize(w, h int) {
	m.s.width, m.s.height = w, h
	m.help.Width = w
	for _, sc := range m.screens {
		sc.SetSize(w, max(h-2, 1))
	}
}

func (m *Model) active() screen { return m.screens[m.current] }

// Update handles the message, then the navigation messages screens emitted meanwhile.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if keys := splitKeys(msg); keys != nil { // keys.go: alt+key is Esc then key; "jjj" is three keys
		var cmds []tea.Cmd
		for _, k := range keys {
			next, cmd := m.Update(k)
			m, cmds = next.(Model), append(cmds, cmd)
		}
		return m, tea.Batch(cmds...)
	}
	cmds := []tea.Cmd{m.handleNoting(msg)}
	// Depth first: what handling one message emits comes before the messages after it, so
	// keys replayed in a row (people.go) reach the screen the previous key opened.
	for p := m.s.takePending(); len(p) > 0; {
		cmds = append(cmds, m.handleNoting(p[0]))
		p = append(m.s.takePending(), p[1:]...)
	}
	return m, tea.Batch(cmds...)
}

// handleNoting handles a message and notes which status-bar message it set last.
func (m *Model) handleNoting(msg tea.Msg) tea.Cmd {
	status, lastErr := m.status, m.lastErr
	cmd := m.handle(msg)
	m.noteMessages(status, lastErr)
	return cmd
}

// handle gives a message to its one owner: the root for the queue stream, submits and
// navigation, the active screen for everything else.
func (m *Model) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return nil
	case startLoadMsg:
		return m.startLoad()
	case retryMsg:
		m.status = string(msg)
		return waitRetry(m.opts.Retries)
	case pageMsg:
		if msg.load != m.load {
			return nil
		}
		if m.stale && !msg.page.Pending { // the old queue shows until verdicts replace it
			m.stale = false
			m.s.reset()
			m.queue.invalidate()
		}
		m.mergePage(msg.page)
		m.loaded, m.listed, m.total = msg.page.Loaded, msg.page.Listed, msg.page.Total
		if strings.HasPrefix(m.status, "retrying ") {
			m.status = "" // the page arrived: the retry is over
		}
		return waitStream(m.stream)
	case loadDoneMsg:
		if msg.load != m.load {
			return nil
		}
		m.loading = false
		m.stopChecking(msg.err == nil) // load.go: nothing left "checking" after the load
		m.logf("queue load %d done: %d tickets, %d flagged, err=%v", msg.load, m.queue.total, m.queue.flagged, msg.err)
		if m.stale && msg.err == nil { // a reload that found nothing
			m.s.reset()
			m.queue.invalidate()
			m.queue.refresh()
		}
		kept := m.stale && len(m.s.tickets) > 0
		m.stale = false
		if msg.err != nil {
			m.setErr("loading the queue: " + msg.err.Error())
			if kept {
				m.setErr("reloading the queue (the one shown is kept): " + msg.err.Error())
			}
			return nil
		}
		m.status = loadedNote(len(m.s.tickets), m.listed)
		m.dataAt = m.s.now()
		return m.scheduleRefresh()
	case spinner.TickMsg:
		if msg.ID != m.spinner.ID() {
			return m.review.Update(msg) // the submit spinner
		}
		if !m.loading {
			return nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return cmd
	case undoReadyMsg:
		if msg.Page != nil {
			m.mergePage(*msg.Page)
		}
		if msg.err != nil { // a refusal is read whole, not cut in the status bar
			m.setErr(msg.err.Error())
			m.openError("Undo refused", m.lastErr)
			return nil
		}
		m.status = ""
		m.review.showUndo(msg)
		m.journal.reviewing = m.current == screenJournal // esc goes back to the list
		m.current = screenReview
	case undoEntryMsg: // u on a result: that change, never the journal's newest
		m.status = "preparing undo…"
		return prepareUndoCmd(m.s.client, m.s.journal, m.s.rules, msg.id)
	case peopleMsg:
		return m.gotPeople(msg)
	case lookupStartMsg:
		return msg.cmd
	case reviewPlanMsg:
		m.review.show(msg.plan)
		m.current = screenReview
	case cancelReviewMsg:
		m.current, m.status = screenQueue, "fix cancelled: nothing was sent"
		if msg.ask {
			m.status = "question not sent"
		}
		if msg.undo {
			m.status = "undo cancelled: nothing was sent"
			if m.journal.reviewing {
				m.current = screenJournal
			}
		}
	case interruptMsg:
		return m.onInterrupt()
	case interruptDeadlineMsg:
		return m.onInterruptDeadline()
	case journalListMsg:
		m.status = ""
		if msg.err != nil {
			m.setErr(msg.err.Error())
			return nil
		}
		m.journal.show(msg)
		m.current = screenJournal
	case submitDoneMsg:
		if m.interrupted {
			return m.afterInterruptedSubmit(msg)
		}
		m.submitDone(msg)
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		if m.showHelp { // the wheel scrolls the help, not the queue hidden under it
			m.helpScroll(m.screenKeys(), msg)
			return nil
		}
		return m.navigate(msg)
	default:
		return m.navigate(msg)
	}
	return nil
}

// handleKey takes the keys that belong to no screen (quit, help), then gives the key to
// the active screen. While a screen captures typing, only ctrl+c is the root's.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.s.keys
	capturing := m.active().CapturesKeys()
	switch {
	case key.Matches(msg, k.Interrupt), !capturing && key.Matches(msg, k.Quit):
		return m.quit()
	case capturing:
		return m.active().Update(msg)
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
		m.helpVP.GotoTop()
		return nil
	case m.showHelp:
		// While help covers the screen, keys must not act on what is hidden under it.
		if key.Matches(msg, k.Back) {
			m.showHelp = false
		} else {
			m.helpScroll(m.screenKeys(), msg)
		}
		return nil
	case key.Matches(msg, k.LastError):
		return m.navigate(showErrorMsg{})
	}
	return m.active().Update(msg)
}

// openError shows an error the agent's own action caused, whole, in the error panel.
func (m *Model) openError(title, text string) {
	back := m.current
	if back == screenError {
		back = m.errs.back
	}
	m.errs.show(title, text, back)
	m.current = screenError
}

func (m *Model) logf(format string, args ...any) {
	if m.opts.Logf != nil {
		m.opts.Logf(format, args...)
	}
}

// stop stops the console now, whatever is in flight (after a signal's grace period).
func (m *Model) stop() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	return tea.Quit
}

// quit stops the console, unless a screen is busy with something that must finish first.
func (m *Model) quit() tea.Cmd {
	for _, sc := range m.screens {
		if b, ok := sc.(busyScreen); ok && b.Busy() != "" {
			m.status = b.Busy()
			return nil
		}
	}
	if m.cancel != nil {
		m.cancel()
	}
	return tea.Quit
}

func (m Model) View() string {
	var body string
	keys := m.screenKeys()
	failed := m.loadFailed()
	if m.showHelp {
		vp := m.helpPage(keys)
		body, keys = m.helpView(vp), m.helpKeys(vp)
	} else if failed {
		body = m.loadFailedPanel()
	} else {
		body = m.active().View()
	}
	bodyH := max(m.s.height-2, 1)
	body = lipgloss.NewStyle().Height(bodyH).MaxHeight(bodyH).MaxWidth(m.s.width).Render(cutLines(body, m.s.width))
	m.help.ShowAll = false
	// bubbles' help can overrun a narrow width (when even its "…" does not fit): cut it.
	return body + "\n" + m.statusBar() + "\n" + ansi.Truncate(m.footer(keys), m.s.width, "…")
}

// footer is the help line: the active screen's working keys, most important first; when
// they do not fit the width, the last ones go first, but never `? help`, which lists them all.
func (m Model) footer(keys help.KeyMap) string {
	var list []key.Binding
	for _, b := range keys.ShortHelp() {
		if b.Enabled() {
			list = append(list, b)
		}
	}
	h := m.help
	h.Width = 0 // measured whole, not cut with "…"
	helpKey := m.s.keys.Help.Help().Key
	for lipgloss.Width(h.ShortHelpView(list)) > m.s.width {
		drop := -1
		for i := len(list) - 1; i >= 0; i-- {
			if list[i].Help().Key != helpKey {
				drop = i
				break
			}
		}
		if drop < 0 {
			break
		}
		list = append(list[:drop], list[drop+1:]...)
	}
	return h.ShortHelpView(list)
}

// screenKeys are the keys of what is on screen, for the help line and `?`: the active
// screen's, the failed-load panel's, plus `!` while there is an error to show.
func (m *Model) screenKeys() help.KeyMap {
	var keys help.KeyMap = m.active()
	if m.loadFailed() {
		keys = m.loadFailedKeys()
	} else if m.lastErr != "" && !m.active().CapturesKeys() && m.current != screenError {
		// Only while there is an error: every screen's line would otherwise carry it for
		// "loaded 30 tickets"; ! works all the same, and a cut message says so.
		last := m.s.keys.LastError
		switch title, _ := m.lastMessage(); {
		case m.errorIsNewest():
		case title == "Earlier error":
			last.SetHelp(last.Help().Key, "earlier error")
		default:
			last.SetHelp(last.Help().Key, "last message")
		}
		keys = withLastError{keys, last}
	}
	return keys
}
