package server

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// faultOnce makes cfg's server panic the first time a session reaches
// step, and only then.
func faultOnce(cfg *Config, step string) {
	var fired atomic.Bool
	cfg.fault = func(at string) {
		if at == step && fired.CompareAndSwap(false, true) {
			panic("test fault at " + at)
		}
	}
}

// waitNoConnections waits until the server holds no connection: a
// session that ended in a panic gave back its place under MaxSessions.
func (ts *testServer) waitNoConnections() {
	ts.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for ts.srv.Connections() > 0 {
		if time.Now().After(deadline) {
			ts.t.Fatalf("%d connections still open %v after the panic", ts.srv.Connections(), waitTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPanicEndsOneDashboard: a panic in the server's own handling of a
// dashboard session, in its handler or in a goroutine the session
// started, ends that session alone: the viewer is told, the log says so
// with the session's address, user and protocol, the session's place
// under --max-sessions comes free, and the next viewer gets a dashboard.
func TestPanicEndsOneDashboard(t *testing.T) {
	t.Parallel()
	for _, step := range []string{faultDashboard, faultResize} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			cfg := Config{MaxSessions: 1}
			faultOnce(&cfg, step)
			ts := startServer(t, cfg)
			first := ts.openTerm("first", 100, 30, termOpts{})
			if step == faultResize {
				first.WaitDashboard()
				first.Resize(120, 40)
			}
			if status := first.WaitExit(); status == 0 {
				t.Errorf("a session that ended in a panic exited 0")
			}
			if text := first.Text(); !strings.Contains(text, "iomt: an error on the server ended this session") {
				t.Errorf("the viewer was not told why the session ended: %q", text[max(0, len(text)-300):])
			}
			ts.waitLog("panic", "test fault at "+step, "remote=127.0.0.1:", "user=anonymous", "protocol=ssh")
			first.close()
			ts.waitNoConnections()

			next := ts.openTerm("next", 100, 30, termOpts{})
			next.WaitDashboard()
			quitClean(t, next)
		})
	}
}

// TestPanicEndsOneTransfer: the same for an sftp transfer, in its
// handler and in a request's handler, which the SFTP library runs in a
// goroutine of its own.
func TestPanicEndsOneTransfer(t *testing.T) {
	t.Parallel()
	for _, step := range []string{faultTransfer, faultSFTP} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			cfg := Config{MaxSessions: 1}
			faultOnce(&cfg, step)
			ts, alice, _, _, _ := keyModeServer(t, cfg)
			c := ts.openSFTP(alice)
			if step == faultSFTP {
				c.init()
				c.write(fxpStat, append([]byte{0, 0, 0, 1}, appendString(nil, "base-report.csv")...))
			}
			c.waitEnd()
			ts.waitLog("panic", "test fault at "+step, "remote=127.0.0.1:", "user="+gossh.FingerprintSHA256(alice.PublicKey()), "protocol=sftp")
			_ = c.sess.Close()
			ts.waitNoConnections()

			next := ts.openSFTP(alice)
			next.init()
			if got, st := next.fetch("base-report.csv"); st != fxOK || string(got) != "scenario,value\nBase,51.2\n" {
				t.Errorf("after the panic, a fetch: status %d, %q", st, got)
			}
		})
	}
}

// TestPanicEndsOneConnection: a panic in the connection callback, once
// the connection is counted under --max-sessions, closes that connection
// and gives its place back: the next viewer gets a dashboard.
func TestPanicEndsOneConnection(t *testing.T) {
	t.Parallel()
	cfg := Config{MaxSessions: 1}
	var connects atomic.Int32
	cfg.fault = func(at string) {
		// The first connection is startServer's probe of the listener.
		if at == faultConnect && connects.Add(1) == 2 {
			panic("test fault at " + at)
		}
	}
	ts := startServer(t, cfg)
	if c, err := ts.dial(keyboardInteractive()); err == nil {
		c.Close()
		t.Error("a connection whose callback panicked was served")
	}
	ts.waitLog("panic", "test fault at "+faultConnect, "remote=127.0.0.1:")
	ts.waitNoConnections()
	next := ts.openTerm("next", 100, 30, termOpts{})
	next.WaitDashboard()
	quitClean(t, next)
}
