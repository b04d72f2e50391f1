package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"iomt/internal/testkit"
)

// silentConn connects to the server and reads its SSH banner, then says
// nothing: a client stalled in its handshake. It returns the connection
// and a channel that receives the time the server closed it.
func silentConn(t *testing.T, ts *testServer) (net.Conn, <-chan time.Time) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", ts.addr, dialTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetReadDeadline(time.Now().Add(2 * waitTimeout))
	// The banner comes once the server has accepted (and tracks) the
	// connection.
	buf := make([]byte, 4096)
	if n, err := conn.Read(buf); err != nil || !strings.HasPrefix(string(buf[:n]), "SSH-2.0-") {
		t.Fatalf("no SSH banner: %q, %v", buf[:n], err)
	}
	closed := make(chan time.Time, 1)
	go func() {
		for {
			if _, err := conn.Read(buf); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					return // never closed: the receiver times out
				}
				closed <- time.Now()
				return
			}
		}
	}()
	return conn, closed
}

// TestHandshakeTimeout: a connection that never finishes its handshake is
// closed by the server after HandshakeTimeout, and is forgotten.
func TestHandshakeTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	ts := startServer(t, Config{HandshakeTimeout: timeout})
	start := time.Now()
	_, closed := silentConn(t, ts)
	select {
	case at := <-closed:
		if d := at.Sub(start); d < timeout {
			t.Errorf("closed after %v, before the %v handshake timeout", d, timeout)
		}
	case <-time.After(waitTimeout):
		t.Fatalf("a silent connection was still open %v after a %v handshake timeout", waitTimeout, timeout)
	}
	waitConns(t, ts, 0)
	ts.waitLog("connection ended before a session", "i/o timeout")
}

// waitConns waits until the server tracks exactly n connections.
func waitConns(t *testing.T, ts *testServer, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		ts.srv.mu.Lock()
		got := len(ts.srv.conns)
		ts.srv.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server tracks %d connections, want %d", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestShutdownClosesStalledHandshake: a connection stalled in its
// handshake does not keep Shutdown waiting past its deadline; it is
// closed then, and Shutdown says the deadline passed.
func TestShutdownClosesStalledHandshake(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{}) // handshake timeout 10 s: longer than the deadline
	_, closed := silentConn(t, ts)
	waitConns(t, ts, 1)
	const deadline = 500 * time.Millisecond
	start := time.Now()
	err := ts.shutdown(deadline)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a stalled handshake: %v, want the deadline passed", err)
	}
	if d := time.Since(start); d > deadline+2*time.Second {
		t.Errorf("Shutdown took %v with a %v deadline", d, deadline)
	}
	select {
	case <-closed:
	case <-time.After(waitTimeout):
		t.Fatal("the stalled connection was left open after Shutdown")
	}
}

// TestShutdownDuringHandshakes: clients keep connecting while the server
// shuts down. Every connection, whatever stage it was at (in its
// handshake, authenticated, with a dashboard), ends; those with a session
// are told goodbye; Shutdown returns without error well before its
// deadline; nothing connects afterwards. With -race this also checks the
// shutdown of connections mid-handshake, which the library races on when
// it is left to count them.
func TestShutdownDuringHandshakes(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	const clients = 8
	var (
		wg        sync.WaitGroup
		sessions  atomic.Int64 // sessions that showed a dashboard
		goodbyes  atomic.Int64
		problemMu sync.Mutex
		problems  []string
	)
	stop := make(chan struct{})
	problem := func(format string, args ...any) {
		problemMu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		problemMu.Unlock()
	}
	for i := range clients {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := ts.dial(keyboardInteractive())
				if err != nil {
					return // refused: the server is closing
				}
				switch out, err := briefSession(c); {
				case err != nil && !ts.srv.isClosing():
					problem("client %d: %v", i, err)
				case strings.Contains(out, goodbye):
					goodbyes.Add(1)
				case strings.Contains(out, "Scenario: Base"):
					sessions.Add(1)
				}
				_ = c.Close()
			}
		})
	}
	// Let connections come and go, then shut down in the middle of them.
	deadline := time.Now().Add(waitTimeout)
	for sessions.Load() < 2*clients && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	err := ts.shutdown(5 * time.Second)
	took := time.Since(start)
	ended := make(chan struct{})
	go func() { wg.Wait(); close(ended) }()
	select {
	case <-ended:
	case <-time.After(waitTimeout):
		close(stop)
		t.Fatal("clients were still connected 10 s after Shutdown")
	}
	if err != nil {
		t.Errorf("Shutdown: %v (took %v)", err, took)
	}
	if took > 3*time.Second {
		t.Errorf("Shutdown took %v, want under 3 s", took)
	}
	for _, p := range problems {
		t.Error(p)
	}
	waitConns(t, ts, 0)
	if c, err := ts.dial(keyboardInteractive()); err == nil {
		_ = c.Close()
		t.Error("a connection got in after Shutdown")
	}
	t.Logf("%d dashboards before the shutdown, %d goodbyes", sessions.Load(), goodbyes.Load())
}

// briefSession opens a dashboard on c, presses q once it is drawn, and
// returns the output (escape sequences stripped) once the session ends.
// A session the server ends first (a goodbye) is fine too.
func briefSession(c *gossh.Client) (string, error) {
	s, err := c.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	var out testkit.Buffer
	s.Stdout = &out
	stdin, err := s.StdinPipe()
	if err != nil {
		return "", err
	}
	if err := s.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		return "", err
	}
	if err := s.Shell(); err != nil {
		return "", err
	}
	ended := make(chan error, 1)
	go func() { ended <- s.Wait() }()
	timeout := time.After(waitTimeout)
	for {
		select {
		case err := <-ended:
			var exit *gossh.ExitError
			if errors.As(err, &exit) || errors.Is(err, io.EOF) {
				err = nil
			}
			return ansi.Strip(out.String()), err
		case <-timeout:
			_ = c.Close()
			return ansi.Strip(out.String()), errors.New("the session did not end within 10 s")
		case <-time.After(20 * time.Millisecond):
			if strings.Contains(ansi.Strip(out.String()), "Scenario: Base") {
				_, _ = io.WriteString(stdin, "q")
			}
		}
	}
}
