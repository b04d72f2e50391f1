package server

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// heapInUse returns the bytes of heap in use after a collection: the
// server's memory, measured in-process (the test's own clients discard
// what they receive, so they add little).
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// rawClient is an SSH session that keeps no screen: only the count of
// bytes received and the last few KiB, so a client that claims a
// 10000×10000 terminal costs the test nothing.
type rawClient struct {
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser

	mu     sync.Mutex
	n      int
	tail   []byte
	update chan struct{}
	done   chan struct{}
}

func (c *rawClient) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.n += len(p)
	c.tail = append(c.tail, p...)
	if len(c.tail) > 64<<10 {
		c.tail = append([]byte(nil), c.tail[len(c.tail)-32<<10:]...)
	}
	c.mu.Unlock()
	select {
	case c.update <- struct{}{}:
	default:
	}
	return len(p), nil
}

// received returns how many bytes arrived and the latest of them.
func (c *rawClient) received() (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n, string(c.tail)
}

// waitOutput waits until more than n bytes have arrived and cond holds
// for the latest output.
func (c *rawClient) waitOutput(t *testing.T, what string, n int, cond func(tail string) bool) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		got, tail := c.received()
		if got > n && cond(tail) {
			return
		}
		select {
		case <-c.update:
		case <-c.done:
			t.Fatalf("the session ended while waiting for %s (%d bytes so far)", what, got)
		case <-deadline:
			t.Fatalf("waited %v for %s (%d bytes so far): %q", waitTimeout, what, got, tail[max(0, len(tail)-300):])
		}
	}
}

// openRaw connects and starts a shell on a w×h terminal; before, if set,
// runs between the pty request and the shell.
func (ts *testServer) openRaw(t *testing.T, w, h int, before func(*gossh.Session)) *rawClient {
	t.Helper()
	client, err := ts.dial(keyboardInteractive())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c := &rawClient{client: client, update: make(chan struct{}, 1), done: make(chan struct{})}
	t.Cleanup(func() { _ = client.Close() })
	watchdog := time.AfterFunc(waitTimeout, func() { _ = client.Close() })
	defer watchdog.Stop()
	if c.sess, err = client.NewSession(); err != nil {
		t.Fatalf("new session: %v", err)
	}
	if c.stdin, err = c.sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := c.sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		t.Fatalf("pty request: %v", err)
	}
	if before != nil {
		before(c.sess)
	}
	go func() {
		defer close(c.done)
		_, _ = io.Copy(c, out)
	}()
	if err := c.sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	return c
}

// dashboardIn reports whether the output holds a drawn dashboard.
func dashboardIn(tail string) bool { return strings.Contains(tail, "Medical") }

// heapBound is the memory the server may hold with the hostile clients
// of these tests connected: before the size was clamped, one client
// asking for 4000×4000 took the server past 2 GB.
const heapBound = 256 << 20

// TestHugeTerminal: clients that ask for a 10000×10000 terminal, at the
// start or by resizing later, get a dashboard drawn at the clamp
// (MaxWidth×MaxHeight); the server's memory stays under heapBound and the
// next viewer gets a normal dashboard.
func TestHugeTerminal(t *testing.T) {
	ts := startServer(t, Config{})
	base := heapInUse()

	big := ts.openRaw(t, 10000, 10000, nil)
	big.waitOutput(t, "the dashboard at the start", 0, dashboardIn)
	ts.waitLog("session start", fmt.Sprintf("width=%d", MaxWidth), fmt.Sprintf("height=%d", MaxHeight))

	late := ts.openRaw(t, 80, 24, nil)
	late.waitOutput(t, "the dashboard at 80×24", 0, dashboardIn)
	n, _ := late.received()
	if err := late.sess.WindowChange(10000, 10000); err != nil {
		t.Fatalf("window change: %v", err)
	}
	// The redraw at the new size: a frame as wide as the clamp.
	late.waitOutput(t, "a redraw after the resize", n, dashboardIn)
	early := ts.openRaw(t, 80, 24, func(s *gossh.Session) {
		if err := s.WindowChange(10000, 10000); err != nil {
			t.Errorf("window change before the shell: %v", err)
		}
	})
	early.waitOutput(t, "the dashboard after an early resize", 0, dashboardIn)

	if used := heapInUse(); used > base+heapBound {
		t.Errorf("the server holds %d MiB with three clients of 10000×10000; want under %d MiB more than the %d MiB it started with",
			used>>20, heapBound>>20, base>>20)
	} else {
		t.Logf("heap in use: %d MiB at the start, %d MiB with three 10000×10000 clients", base>>20, used>>20)
	}
	// Each frame is drawn at the clamp: a row of the frame is never wider
	// than MaxWidth.
	_, tail := big.received()
	for _, line := range strings.Split(stripANSI(tail), "\n") {
		if w := len([]rune(line)); w > MaxWidth {
			t.Fatalf("a line of %d characters was drawn; the clamp is %d", w, MaxWidth)
		}
	}

	next := ts.openTerm("next viewer", 100, 30, termOpts{})
	next.WaitDashboard()
	quitClean(t, next)
	select {
	case err := <-ts.served:
		t.Fatalf("the server stopped: %v", err)
	default:
	}
}

// stripANSI drops escape sequences and turns cursor moves into line
// breaks, roughly, to measure what one row of a frame holds.
func stripANSI(s string) string {
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		if s[i] != 0x1b {
			b.WriteByte(s[i])
			continue
		}
		b.WriteByte('\n')
		i++
		if i < len(s) && s[i] == '[' {
			for i++; i < len(s) && (s[i] < 0x40 || s[i] > 0x7e); i++ {
			}
		}
	}
	return b.String()
}

// TestHugeTerminalMemoryReturned: once the clients of 10000×10000 have
// gone, so has their memory (2000×2000 used to leave 900 MB behind).
func TestHugeTerminalMemoryReturned(t *testing.T) {
	ts := startServer(t, Config{})
	goroutines := runtime.NumGoroutine()
	base := heapInUse()
	for range 3 {
		c := ts.openRaw(t, 10000, 10000, nil)
		c.waitOutput(t, "the dashboard", 0, dashboardIn)
		_ = c.client.Close()
	}
	waitConnections(t, ts, 0)
	waitSessions(t, ts, 0)
	waitGoroutines(t, goroutines, 0)
	if used := heapInUse(); used > base+16<<20 {
		t.Errorf("after three 10000×10000 clients left, the server holds %d MiB; it started with %d MiB", used>>20, base>>20)
	}
}

// TestEnvFlood: a client that sends ten thousand environment variables
// before its shell has the first maxEnv kept and the rest refused; the
// server's memory stays bounded and the dashboard starts.
func TestEnvFlood(t *testing.T) {
	ts := startServer(t, Config{})
	base := heapInUse()
	value := strings.Repeat("v", 900)
	var refused int
	c := ts.openRaw(t, 80, 24, func(s *gossh.Session) {
		for i := range 10000 {
			if err := s.Setenv(fmt.Sprintf("X%d", i), value); err != nil {
				refused++
			}
		}
		if err := s.Setenv("BIG", strings.Repeat("b", 64<<10)); err == nil {
			t.Error("a variable of 64 KiB was accepted")
		}
	})
	c.waitOutput(t, "the dashboard", 0, dashboardIn)
	if refused != 10000-maxEnv {
		t.Errorf("%d of 10000 variables refused; want all but the first %d", refused, maxEnv)
	}
	if used := heapInUse(); used > base+heapBound/8 {
		t.Errorf("the server holds %d MiB after the flood; it started with %d MiB", used>>20, base>>20)
	}
}

// TestInputFlood: a client that opens an escape string or a paste and
// never ends it does not grow the server: the input decoder keeps every
// unfinished sequence in memory. Once the client ends it, keys work.
func TestInputFlood(t *testing.T) {
	ts := startServer(t, Config{})
	const flood = 32 << 20
	for _, c := range []struct{ name, start, end, key, after string }{
		{"unterminated OSC", "\x1b]52;c;", "\a", "2", "Telemedicine"},
		{"unterminated paste", "\x1b[200~", "\x1b[201~", "3", "Hospitals"},
		{"unterminated CSI", "\x1b[1", "m", "4", "North America"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Parameter bytes for a CSI (a letter would end it), text for
			// a string or a paste.
			fill := "A"
			if strings.HasPrefix(c.start, "\x1b[1") {
				fill = "1"
			}
			chunk := []byte(strings.Repeat(fill, 64<<10))
			tm := ts.openTerm(c.name, 100, 30, termOpts{})
			tm.WaitDashboard()
			base := heapInUse()
			tm.Press(c.start)
			for sent := 0; sent < flood; sent += len(chunk) {
				if _, err := tm.stdin.Write(chunk); err != nil {
					t.Fatalf("after %d MiB: %v", sent>>20, err)
				}
			}
			if used := heapInUse(); used > base+8<<20 {
				t.Errorf("after %d MiB of one unfinished sequence the server holds %d MiB more", flood>>20, (used-base)>>20)
			}
			tm.Press(c.end + c.key)
			tm.WaitText(c.after)
			quitClean(t, tm)
		})
	}
}

// openBare connects and logs in, and then does only what open says: a
// client that never starts a dashboard.
func (ts *testServer) openBare(t *testing.T, open func(*gossh.Client)) (*gossh.Client, chan error) {
	t.Helper()
	client, err := ts.dial(keyboardInteractive())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })
	if open != nil {
		open(client)
	}
	closed := make(chan error, 1)
	go func() { closed <- client.Wait() }()
	return client, closed
}

// TestSessionlessConnectionsClosed: a connection that logs in and opens
// no session (ssh -N), or opens one and never asks for a shell, is closed
// after the grace, with a log line saying why; they used to stay until
// the max timeout, past the session cap and the idle timeout.
func TestSessionlessConnectionsClosed(t *testing.T) {
	ts := startServer(t, Config{SessionGrace: 200 * time.Millisecond})
	_, noSession := ts.openBare(t, nil)
	_, noShell := ts.openBare(t, func(c *gossh.Client) {
		s, err := c.NewSession()
		if err != nil {
			t.Fatalf("new session: %v", err)
		}
		if err := s.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatalf("pty: %v", err)
		}
	})
	for name, closed := range map[string]chan error{"no session": noSession, "no shell": noShell} {
		select {
		case err := <-closed:
			t.Logf("%s: closed by the server (%v)", name, err)
		case <-time.After(waitTimeout):
			t.Fatalf("%s: the connection is still open after %v (the grace is 200ms)", name, waitTimeout)
		}
	}
	ts.waitLog("connection closed: no dashboard started after login")
	waitConnections(t, ts, 0)
	// A dashboard that starts in time is not closed by the grace.
	tm := ts.openTerm("in time", 100, 30, termOpts{})
	tm.WaitDashboard()
	time.Sleep(400 * time.Millisecond) // twice the grace: the timer has fired
	tm.Press("2")
	tm.WaitText("Telemedicine")
	quitClean(t, tm)
}

// TestConnectionCap: connections count against MaxSessions, not only
// sessions. Two that never open a session fill a cap of two; a viewer
// then is told the demo is full; past MaxOverflow such viewers,
// connections are closed at once. When the two leave, a viewer gets in.
func TestConnectionCap(t *testing.T) {
	ts := startServer(t, Config{MaxSessions: 2, SessionGrace: time.Hour, OverflowGrace: time.Hour})
	var idle []*gossh.Client
	for range 2 {
		c, _ := ts.openBare(t, nil)
		idle = append(idle, c)
	}
	full := ts.openTerm("full", 100, 30, termOpts{})
	if status := full.WaitExit(); status != 1 || !strings.Contains(full.Text(), "the demo is full (2 sessions)") {
		t.Errorf("with the cap filled by idle connections: exit %d, output %q; want 1 and the demo is full", status, full.Text())
	}
	// The viewer told so holds one of MaxOverflow places until it closes.
	var over []*gossh.Client
	for range MaxOverflow - 1 {
		c, _ := ts.openBare(t, nil)
		over = append(over, c)
	}
	if c, err := ts.dial(keyboardInteractive()); err == nil {
		_ = c.Close()
		t.Fatalf("connection %d past the cap got in; %d may", MaxOverflow+1, MaxOverflow)
	}
	ts.waitLog("connection refused: the server is full")
	for _, c := range append(append(idle, over...), full.client) {
		_ = c.Close()
	}
	waitConnections(t, ts, 0)
	tm := ts.openTerm("after", 100, 30, termOpts{})
	tm.WaitDashboard()
	quitClean(t, tm)
}

// TestOverflowGrace: a connection admitted past the cap, only to be told
// the demo is full, that opens no session is closed after the short
// OverflowGrace, freeing its place for the next viewer to be told; the
// connection that holds a slot keeps the longer SessionGrace.
func TestOverflowGrace(t *testing.T) {
	ts := startServer(t, Config{MaxSessions: 1, SessionGrace: time.Hour, OverflowGrace: 200 * time.Millisecond})
	_, slot := ts.openBare(t, nil)
	_, over := ts.openBare(t, nil)
	select {
	case err := <-over:
		t.Logf("the overflow connection closed by the server (%v)", err)
	case <-time.After(waitTimeout):
		t.Fatalf("the overflow connection is still open after %v (its grace is 200ms)", waitTimeout)
	}
	ts.waitLog("connection closed: no dashboard started after login", "grace=200ms")
	select {
	case err := <-slot:
		t.Fatalf("the connection holding the slot was closed: %v", err)
	default:
	}
	waitConnections(t, ts, 1)
}

// TestLogEscapesClientText: what a client sends that reaches the log (its
// terminal name, here with a title sequence in it) is escaped there, so
// an operator reading the log in a terminal sees it, not obeys it.
func TestLogEscapesClientText(t *testing.T) {
	ts := startServer(t, Config{})
	client, err := ts.dial(keyboardInteractive())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm\x1b]0;owned\a\x1b[2J", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	ts.waitLog("session start", `\x1b]0;owned\a\x1b[2J`)
	if logs := ts.logs.String(); strings.ContainsAny(logs, "\x1b\a") {
		t.Errorf("the log holds raw control characters: %q", logs)
	}
}
