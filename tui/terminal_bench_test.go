//go:build unix

package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"github.com/muesli/termenv"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// BenchmarkTerminalKeystroke10k measures what a person waits for on a cursor key in a real
// terminal (issue 15: "no slower than a minimal Bubble Tea program + 2 ms"): the key is
// written to a pseudo-terminal, and the clock stops when the frame showing its effect has
// been read back from it. Two programs run side by side, each on its own pty, with the
// options the console runs with (alt screen, mouse, Bubble Tea's standard renderer at its
// default 60 frames a second):
//   - minimal: a list of 10,000 short strings whose cursor j/k moves, drawing the visible
//     window only — the floor any Bubble Tea program has;
//   - console: the real console with a 10,000-ticket queue built as BenchmarkKeystroke10k
//     builds it, in colour as in a terminal (the preview beside the list at 120x40).
//
// Each iteration sends one key to each (in alternating order, so load on a shared machine
// falls on both alike): j a hundred times, then k a hundred times, as BenchmarkKeystroke10k.
// The renderer draws on a 60 Hz ticker, so a key waits for the next tick: written just
// after a frame it always waits a whole frame, which would hide the program's own time.
// Each key is therefore written at a chosen phase of that program's ticker (the same
// golden-ratio sequence over the frame for both programs, so their waits for the tick
// average out alike); the phase wait is not timed. The means then differ by what the
// console adds: Update, View, the renderer's diff and the bytes of the repainted lines.
// (Checked by hand: a View made 5 ms slower reads about +5 ms here; with each key written
// right after the previous frame it read +0.15 ms.)
//
// Metrics: console-ms and minimal-ms are the mean key-to-frame times, extra-ms their
// difference (the figure issue 15 bounds at 2 ms), -p90-ms the 90th percentiles, -B/key
// the bytes each sent the terminal per key; ns/op is the two keys together.
//
//	go test ./tui -run '^$' -bench TerminalKeystroke -benchtime 1000x -count 5
func BenchmarkTerminalKeystroke10k(b *testing.B) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) { benchTerminalKeystroke(b, size[0], size[1]) })
	}
}

// frameInterval is Bubble Tea's default frame interval (60 frames a second), which both
// programs use.
const frameInterval = time.Second / 60

func benchTerminalKeystroke(b *testing.B, width, height int) {
	// A terminal has colours; a benchmark's stdout is not one, so lipgloss would draw none.
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.TrueColor)
	b.Cleanup(func() { lipgloss.SetColorProfile(prev) })

	list := newMinimalList(10000)
	console := colourConsole(b, 10000, width, height)
	consoleMarker := consoleMarkers(b, console)

	progs := []*ptyProgram{
		startOnPty(b, "minimal", list, width, height, list.marker),
		startOnPty(b, "console", termConsole{console}, width, height, consoleMarker),
	}
	cursor := 0
	for _, p := range progs {
		p.waitFrame(b, cursor)
		p.read = 0
	}
	sums := make([]time.Duration, len(progs))
	lat := make([][]time.Duration, len(progs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key, step := "j", 1
		if i%200 >= 100 {
			key, step = "k", -1
		}
		cursor += step
		phase := time.Duration(float64(frameInterval) * goldenFrac(i))
		for k := range progs {
			k = (i + k) % len(progs)
			b.StopTimer()
			progs[k].waitPhase(phase)
			b.StartTimer()
			d := progs[k].press(b, key, cursor)
			sums[k] += d
			lat[k] = append(lat[k], d)
		}
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	mean := func(k int) float64 { return ms(sums[k]) / float64(b.N) }
	b.ReportMetric(mean(0), "minimal-ms")
	b.ReportMetric(mean(1), "console-ms")
	b.ReportMetric(mean(1)-mean(0), "extra-ms")
	for k, p := range progs {
		slices.Sort(lat[k])
		b.ReportMetric(ms(lat[k][len(lat[k])*9/10]), p.name+"-p90-ms")
		b.ReportMetric(float64(p.read)/float64(b.N), p.name+"-B/key")
	}
}

// goldenFrac is the fractional part of i times the golden ratio: a sequence that covers
// [0, 1) evenly however many terms are taken.
func goldenFrac(i int) float64 {
	const phi = 0.6180339887498949
	f := float64(i) * phi
	return f - float64(int64(f))
}

// colourConsole is loadedConsole in colour: a console holding an n-ticket queue loaded
// from the emulator (the same synthetic queue), with the colour theme a terminal gets.
func colourConsole(b *testing.B, n, width, height int) Model {
	b.Helper()
	srv := zendesktest.NewServer(zendesktest.Synthetic(n, 1), zendesktest.WithAPIToken("a@b.test", "t"))
	b.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	c, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Email: "a@b.test", APIToken: "t", ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		b.Fatal(err)
	}
	m := New(Options{Client: c, Rules: cfg.Rules(), Now: func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }})
	var pages []model.QueuePage
	if err := c.LoadQueue(context.Background(), func(p model.QueuePage) { pages = append(pages, p) }); err != nil {
		b.Fatal(err)
	}
	var tm tea.Model = m
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: width, Height: height})
	for _, p := range pages {
		tm, _ = tm.Update(pageMsg{load: m.load, page: p})
	}
	m = tm.(Model)
	if len(m.s.tickets) < n*9/10 {
		b.Fatalf("loaded %d tickets, want about %d", len(m.s.tickets), n)
	}
	return m
}

// consoleMarkers returns, for a cursor row, bytes that only a frame with that row selected
// holds: the selected row's style followed by its ticket id. They are worked out for rows
// 0 to 100 (the rows the keys reach) before the program runs, which then owns the model.
func consoleMarkers(b *testing.B, m Model) func(cursor int) string {
	q := m.queue
	if len(q.visible) <= 100 {
		b.Fatalf("%d rows, want over 100", len(q.visible))
	}
	markers := make([]string, 101)
	for cursor := range markers {
		row := q.visible[cursor]
		full := q.selectedStyle.Render(row.line)
		id := strconv.FormatInt(row.id, 10)
		i := strings.Index(full, id)
		if i < 0 || !strings.HasPrefix(full[i+len(id):], " ") {
			b.Fatalf("row %d does not show its id %s followed by a space: %q", cursor, id, full)
		}
		markers[cursor] = full[:i+len(id)+1]
	}
	return func(cursor int) string { return markers[cursor] }
}

// termConsole is the console as the program runs it, without Init's queue load: the
// queue is loaded already (a reload would busy the machine for seconds).
type termConsole struct{ Model }

func (c termConsole) Init() tea.Cmd { return ageTickCmd() }

func (c termConsole) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := c.Model.Update(msg)
	return termConsole{m.(Model)}, cmd
}

// minimalList is the minimal Bubble Tea program: n short strings, a cursor that j and k
// move, and the window of rows that fits drawn with the cursor's row marked.
type minimalList struct {
	items                  []string
	cursor, offset, height int
}

func newMinimalList(n int) minimalList {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf("item %05d", i)
	}
	return minimalList{items: items, height: 24}
}

func (l minimalList) marker(cursor int) string { return "> " + l.items[cursor] }

func (l minimalList) Init() tea.Cmd { return nil }

func (l minimalList) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		l.height = max(msg.Height, 1)
	case tea.KeyMsg:
		switch msg.String() {
		case "j", "down":
			l.cursor = min(l.cursor+1, len(l.items)-1)
		case "k", "up":
			l.cursor = max(l.cursor-1, 0)
		case "q", "ctrl+c":
			return l, tea.Quit
		}
	}
	l.offset = min(l.offset, l.cursor)
	l.offset = max(l.offset, l.cursor-l.height+1)
	return l, nil
}

func (l minimalList) View() string {
	var b strings.Builder
	for i := l.offset; i < l.offset+l.height && i < len(l.items); i++ {
		if i > l.offset {
			b.WriteByte('\n')
		}
		if i == l.cursor {
			b.WriteString("> ")
		} else {
			b.WriteString("  ")
		}
		b.WriteString(l.items[i])
	}
	return b.String()
}

// ptyProgram is a Bubble Tea program running on a pseudo-terminal of its own.
type ptyProgram struct {
	name     string
	p        *tea.Program
	master   *os.File
	chunks   chan ptyChunk
	buf      []byte    // read from the terminal, not matched yet
	lastRead time.Time // when the last frame waited for was read
	read     int       // bytes of the frames waited for (and of any frame between them)
	marker   func(cursor int) string
	frameEnd []byte // the renderer ends every frame by putting the cursor on the last line
}

type ptyChunk struct {
	data []byte
	at   time.Time
	err  error
}

// frameTimeout bounds the wait for one frame, so that a bug fails the benchmark instead
// of hanging it.
const frameTimeout = 10 * time.Second

// startOnPty runs m as the console runs (alt screen, mouse, no signal handler) on a new
// pty of the given size, with a goroutine draining the terminal's output all the while.
// marker(cursor) must be bytes that only a frame with that cursor row holds.
func startOnPty(b *testing.B, name string, m tea.Model, width, height int, marker func(int) string) *ptyProgram {
	b.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		b.Skipf("no pseudo-terminal here: %v", err)
	}
	if err := pty.Setsize(master, &pty.Winsize{Cols: uint16(width), Rows: uint16(height)}); err != nil {
		master.Close()
		tty.Close()
		b.Skipf("cannot size the pseudo-terminal: %v", err)
	}
	chunks := make(chan ptyChunk, 1<<16)
	go func() {
		for {
			buf := make([]byte, 64<<10)
			n, err := master.Read(buf)
			chunks <- ptyChunk{data: buf[:n], at: time.Now(), err: err}
			if err != nil {
				return
			}
		}
	}()
	p := tea.NewProgram(m, tea.WithInput(tty), tea.WithOutput(tty), tea.WithAltScreen(),
		tea.WithMouseCellMotion(), tea.WithoutSignalHandler())
	ran := make(chan error, 1)
	go func() {
		_, err := p.Run()
		ran <- err
	}()
	b.Cleanup(func() {
		// Keep draining while the program restores the terminal, or its last writes block.
		stop := make(chan struct{})
		drained := make(chan struct{})
		go func() {
			defer close(drained)
			for {
				select {
				case c := <-chunks:
					if c.err != nil {
						return
					}
				case <-stop:
					return
				}
			}
		}()
		p.Quit()
		select {
		case err := <-ran:
			if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
				b.Errorf("%s: %v", name, err)
			}
		case <-time.After(frameTimeout):
			b.Errorf("%s did not quit within %v", name, frameTimeout)
			p.Kill()
			<-ran
		}
		tty.Close() // the master reads EIO from now on: the reader ends
		select {
		case <-drained:
		case <-time.After(frameTimeout):
			close(stop)
		}
		master.Close()
	})
	return &ptyProgram{name: name, p: p, master: master, chunks: chunks, marker: marker,
		frameEnd: []byte(ansi.CursorPosition(0, height))}
}

// waitPhase waits until phase past a tick of the program's frame ticker, taking the time
// its last frame was read as a tick. This is the benchmark's pacing (where in the frame
// cycle the key is written), not a wait for something to have happened: press then waits
// for the frame itself, and no test runs this.
func (p *ptyProgram) waitPhase(phase time.Duration) {
	at := p.lastRead.Add(phase)
	if now := time.Now(); at.Before(now) {
		at = at.Add((now.Sub(at)/frameInterval + 1) * frameInterval)
	}
	time.Sleep(time.Until(at))
}

// press writes key to the terminal and returns how long it took until the frame with the
// cursor on row cursor had been read back.
func (p *ptyProgram) press(b *testing.B, key string, cursor int) time.Duration {
	start := time.Now()
	if _, err := p.master.Write([]byte(key)); err != nil {
		b.Fatalf("%s: writing %q: %v", p.name, key, err)
	}
	return p.waitFrame(b, cursor).Sub(start)
}

// waitFrame reads the terminal until a whole frame with the cursor on row cursor has
// arrived, and returns when its last byte was read.
func (p *ptyProgram) waitFrame(b *testing.B, cursor int) time.Time {
	want := []byte(p.marker(cursor))
	timeout := time.NewTimer(frameTimeout)
	defer timeout.Stop()
	for {
		if i := bytes.Index(p.buf, want); i >= 0 {
			if j := bytes.Index(p.buf[i+len(want):], p.frameEnd); j >= 0 {
				end := i + len(want) + j + len(p.frameEnd)
				p.read += end
				p.buf = append(p.buf[:0], p.buf[end:]...)
				return p.lastRead
			}
		}
		select {
		case c := <-p.chunks:
			if c.err != nil {
				b.Fatalf("%s: the terminal closed before the frame with row %d: %v", p.name, cursor, c.err)
			}
			p.buf = append(p.buf, c.data...)
			p.lastRead = c.at
		case <-timeout.C:
			tail := p.buf[max(0, len(p.buf)-400):]
			b.Fatalf("%s: no frame with row %d selected (%q) within %v; the terminal's last bytes: %q",
				p.name, cursor, want, frameTimeout, tail)
		}
	}
}
