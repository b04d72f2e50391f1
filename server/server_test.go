package server

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"iomt/internal/testkit"
)

// quitClean presses q on a dashboard without unsaved changes and checks
// that the session ends with status 0.
func quitClean(t *testing.T, tm *term) {
	t.Helper()
	tm.Press("q")
	if status := tm.WaitExit(); status != 0 {
		t.Errorf("%s: exit status after q: %d, want 0", tm.name, status)
	}
}

// TestOpenDemoMode: without --authorized-keys anyone gets the dashboard,
// with any key or with keyboard-interactive (no key at all).
func TestOpenDemoMode(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	if !ts.srv.OpenMode() {
		t.Fatal("OpenMode() is false without AuthorizedKeys")
	}
	withKey := ts.openTerm("any key", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(newKey(t))}})
	noKey := ts.openTerm("keyboard-interactive", 100, 30, termOpts{})
	withKey.WaitDashboard()
	noKey.WaitDashboard()
	quitClean(t, withKey)
	quitClean(t, noKey)
}

// TestAuthorizedKeys: with --authorized-keys a listed key gets the
// dashboard; an unlisted key, and keyboard-interactive, are refused at
// authentication. A presenter key is admitted too.
func TestAuthorizedKeys(t *testing.T) {
	t.Parallel()
	listed, presenter := newKey(t), newKey(t)
	ts := startServer(t, Config{
		AuthorizedKeys: writeKeys(t, "authorized_keys", listed),
		PresenterKeys:  writeKeys(t, "presenter_keys", presenter),
	})
	if ts.srv.OpenMode() {
		t.Fatal("OpenMode() is true with AuthorizedKeys")
	}

	tm := ts.openTerm("listed", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(listed)}})
	tm.WaitDashboard()
	quitClean(t, tm)
	pt := ts.openTerm("presenter", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(presenter)}})
	pt.WaitText("Presenting")
	pt.WaitDashboard()
	quitClean(t, pt)

	for name, auth := range map[string][]gossh.AuthMethod{
		"unlisted key":                            {gossh.PublicKeys(newKey(t))},
		"keyboard-interactive":                    {keyboardInteractive()},
		"unlisted key, then keyboard-interactive": {gossh.PublicKeys(newKey(t)), keyboardInteractive()},
		"password":                                {gossh.Password("demo")},
	} {
		c, err := ts.dial(auth...)
		if err == nil {
			_ = c.Close()
			t.Errorf("%s: admitted with --authorized-keys", name)
			continue
		}
		if !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("%s: dial error %v, want an authentication failure", name, err)
		}
	}
	if n := ts.srv.Sessions(); n != 0 {
		t.Errorf("Sessions() = %d after every session ended, want 0", n)
	}
}

// TestNoTerminal: a session without a usable terminal (no pty-req, a 0×0
// one as ssh -tt from a pipe sends, or an exec request) gets one line of
// explanation and exit status 1.
func TestNoTerminal(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	zeroPty := func(tm *term) {
		if err := tm.sess.RequestPty("xterm-256color", 0, 0, gossh.TerminalModes{}); err != nil {
			t.Fatalf("0x0 pty request: %v", err)
		}
	}
	noPty := "iomt is a full-screen dashboard and needs a terminal: connect with plain ssh (or ssh -t).\r\n"
	cases := []struct {
		name string
		opts termOpts
		want string
	}{
		{"no pty", termOpts{noPty: true}, noPty},
		// ssh -tt from a pipe asked for a terminal: ssh -t is no advice.
		{"0x0 pty", termOpts{noPty: true, beforeShell: zeroPty}, "iomt needs a terminal with a size, and yours reported none: run ssh from a terminal window.\r\n"},
		{"exec without pty", termOpts{noPty: true, command: "uptime"}, noPty},
	}
	for _, c := range cases {
		tm := ts.openTerm(c.name, 80, 24, c.opts)
		status := tm.WaitExit()
		text := tm.Text()
		if status != 1 {
			t.Errorf("%s: exit status %d, want 1; output %q", c.name, status, text)
		}
		if want := c.want; text != want {
			t.Errorf("%s: output %q, want exactly %q", c.name, text, want)
		}
	}
}

// TestMaxSessions: with MaxSessions=2 a third session is told the demo is
// full and ends with status 1; when one leaves, a new one gets in.
func TestMaxSessions(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{MaxSessions: 2})
	a := ts.openTerm("a", 100, 30, termOpts{})
	b := ts.openTerm("b", 100, 30, termOpts{})
	a.WaitDashboard()
	b.WaitDashboard()
	if n := ts.srv.Sessions(); n != 2 {
		t.Errorf("Sessions() = %d with two dashboards open, want 2", n)
	}

	c := ts.openTerm("c", 100, 30, termOpts{})
	status := c.WaitExit()
	if !strings.Contains(c.Text(), "the demo is full (2 sessions)") {
		t.Errorf("the third session's output does not say the demo is full: %q", c.Text())
	}
	if isDashboard(c.Screen()) {
		t.Errorf("the third session got a dashboard:\n%s", c.showing(c.Screen()))
	}
	if status != 1 {
		t.Errorf("the third session's exit status: %d, want 1", status)
	}
	if n := ts.srv.Sessions(); n != 2 {
		t.Errorf("Sessions() = %d after the third was refused, want 2", n)
	}

	// A connection holds its place until it closes: as ssh does when
	// its session ends, a and c close theirs.
	quitClean(t, a)
	a.close()
	c.close()
	waitSessions(t, ts, 1)
	waitConnections(t, ts, 1)
	d := ts.openTerm("d", 100, 30, termOpts{})
	d.WaitDashboard()
	quitClean(t, d)
	quitClean(t, b)
	waitSessions(t, ts, 0)
}

// waitConnections waits until the server counts n open connections.
func waitConnections(t *testing.T, ts *testServer, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for ts.srv.Connections() != n {
		if time.Now().After(deadline) {
			t.Fatalf("Connections() = %d after %v, want %d", ts.srv.Connections(), waitTimeout, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitSessions waits until the server counts n live sessions.
func waitSessions(t *testing.T, ts *testServer, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for ts.srv.Sessions() != n {
		if time.Now().After(deadline) {
			t.Fatalf("Sessions() = %d after %v, want %d", ts.srv.Sessions(), waitTimeout, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestIdleTimeout: a session that gets no keys is warned, then closed
// after the idle timeout with a line saying why, although its screen
// keeps changing (a window change every 50 ms redraws it): only keys
// count. The timings themselves are tested exactly, in fake time, in
// watchdog_test.go; this checks the wiring, without asserting on time.
func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	const idle = 400 * time.Millisecond
	ts := startServer(t, Config{IdleTimeout: idle})
	quiet := ts.openTerm("quiet", 100, 30, termOpts{})
	quiet.WaitDashboard()
	drawn := quiet.RawLen()

	// The window changes until the session ends, or for 20 s: longer
	// than WaitExit waits, so an idle timer that the redraws reset fails
	// the test.
	go func() {
		for i := 0; i < 400 && !quiet.Ended(); i++ {
			if i%2 == 0 {
				_ = quiet.sess.WindowChange(40, 120)
			} else {
				_ = quiet.sess.WindowChange(30, 100)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	quiet.WaitText("this session closes in", "unless you press a key")
	if status := quiet.WaitExit(); status != 0 {
		t.Errorf("exit status %d after the idle timeout", status)
	}
	text := quiet.Text()
	if !strings.Contains(text, "iomt: no key pressed for 400ms; session closed.") {
		t.Errorf("the quiet session ended without the idle message: %q", text[max(0, len(text)-300):])
	}
	if grew := quiet.RawLen() - drawn; grew < drawn {
		t.Errorf("the quiet session got %d bytes after its first screen of %d: the window changes did not keep it live, so this proves nothing", grew, drawn)
	}
}

// TestWindowChangeBeforeShell: a client that resizes between the pty
// request and the shell (several times) gets its dashboard, drawn at the
// last size, and once every session has ended the goroutines are back near
// where they were.
//
// Not parallel: it counts the process's goroutines.
func TestWindowChangeBeforeShell(t *testing.T) {
	ts := startServer(t, Config{})
	waitGoroutines(t, runtime.NumGoroutine(), 0) // let the server settle
	baseline := runtime.NumGoroutine()

	var terms []*term
	for i := range 5 {
		tm := ts.openTerm(fmt.Sprintf("early resize %d", i), 80, 24, termOpts{beforeShell: func(tm *term) {
			for _, size := range [][2]int{{90, 26}, {95, 28}, {100, 30}} {
				tm.Resize(size[0], size[1])
			}
		}})
		terms = append(terms, tm)
	}
	for _, tm := range terms {
		tm.WaitFor("the dashboard drawn for 100×30", func(screen string) bool {
			return isDashboard(screen) && fits(screen, 100, 30)
		})
	}
	for _, tm := range terms {
		quitClean(t, tm)
		tm.close()
	}
	waitSessions(t, ts, 0)
	waitGoroutines(t, baseline, 3)
}

// fits reports whether the dashboard on screen was drawn for a w×h
// terminal: the year table's bottom border spans the full width, on the
// row just above the status line at the bottom. Drawn for another size,
// the border would be shorter, wrapped or on another row.
func fits(screen string, w, h int) bool {
	lines := strings.Split(screen, "\n")
	if len(lines) != h {
		return false
	}
	border := lines[h-2]
	return strings.HasPrefix(border, "╰") && strings.HasSuffix(border, "╯") && len([]rune(border)) == w
}

// waitGoroutines waits (bounded) until the process runs at most
// baseline+slack goroutines, and fails with their stacks otherwise.
func waitGoroutines(t *testing.T, baseline, slack int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		n := runtime.NumGoroutine()
		if n <= baseline+slack {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines %v after every session ended, baseline %d (+%d allowed); stacks:\n%s", n, waitTimeout, baseline, slack, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestResizeStorm: 500 window changes in a burst leave the session
// responsive, drawn at the last size.
func TestResizeStorm(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	tm := ts.openTerm("storm", 100, 30, termOpts{})
	tm.WaitDashboard()
	for i := range 499 {
		if err := tm.sess.WindowChange(24+i%17, 80+i%61); err != nil {
			t.Fatalf("window change %d: %v", i, err)
		}
	}
	tm.Resize(120, 40) // the 500th, and the emulator follows
	tm.Press("2")
	tm.WaitFor("the Application tab drawn for 120×40", func(screen string) bool {
		return testkit.ContainsAll(screen, "Telemedicine", "Inpatient Monitoring") && !strings.Contains(screen, "Medical Dev") &&
			fits(screen, 120, 40)
	})
	tm.Press("j+")
	tm.WaitFor("Telemedicine at 19.5", rowCAGR("Telemedicine", "19.5"))
	tm.Press("u")
	tm.WaitFor("Telemedicine back at 19.0", rowCAGR("Telemedicine", "19.0"))
	quitClean(t, tm)
}

// TestPresenterFollower: the presenter's tab and edits reach a follower;
// the follower's edit keys are refused; f forks a private copy that keys
// change, and f again follows the presenter's current state.
func TestPresenterFollower(t *testing.T) {
	t.Parallel()
	presenterKey := newKey(t)
	ts := startServer(t, Config{PresenterKeys: writeKeys(t, "presenter_keys", presenterKey)})
	p := ts.openTerm("presenter", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(presenterKey)}})
	f := ts.openTerm("follower", 100, 30, termOpts{})
	p.WaitDashboard()
	p.WaitText("Presenting")
	f.WaitDashboard()
	f.WaitText("Following test-key-0")

	// 2 and + on the presenter: the follower shows the Application tab and
	// the new rate of Total.
	p.Press("2")
	p.WaitText("Telemedicine")
	p.Press("+")
	p.WaitFor("presenter: Total at 19.0", rowCAGR("Total", "19.0"))
	f.WaitFor("follower: the Application tab with Total at 19.0", func(screen string) bool {
		return testkit.ContainsAll(screen, "Telemedicine", "Inpatient Monitor") && !strings.Contains(screen, "Medical Dev") &&
			rowCAGR("Total", "19.0")(screen)
	})

	// A follower's edit is refused, and changes nothing.
	f.Press("-")
	screen := f.WaitText("Following test-key-0 (read-only): press f")
	if row, _ := testkit.FindTreeRow(screen, "Total"); row.CAGR != "19.0" {
		t.Errorf("follower: Total at %s after a refused -, want 19.0:\n%s", row.CAGR, f.showing(screen))
	}

	// f: a private copy; - now works there, and only there.
	f.Press("f")
	f.WaitText("Private copy")
	f.Press("-")
	f.WaitFor("follower's copy: Total at 18.5", rowCAGR("Total", "18.5"))
	if row, _ := testkit.FindTreeRow(p.Screen(), "Total"); row.CAGR != "19.0" {
		t.Errorf("presenter: Total at %s after the follower's private edit, want 19.0:\n%s", row.CAGR, p.showing(p.Screen()))
	}

	// The presenter moves on: j, + on Telemedicine.
	p.Press("j+")
	p.WaitFor("presenter: Telemedicine at 19.5", rowCAGR("Telemedicine", "19.5"))

	// f again: asked first (the copy has changes), then following, at
	// the presenter's current state.
	f.Press("f")
	f.WaitText("Your private changes will be lost. Follow the presenter again?")
	f.Press("y")
	f.WaitFor("follower: following again, Total 19.0 and Telemedicine 19.5", func(screen string) bool {
		return strings.Contains(screen, "Following test-key-0") && rowCAGR("Total", "19.0")(screen) && rowCAGR("Telemedicine", "19.5")(screen)
	})

	// A late follower starts at the presenter's state.
	late := ts.openTerm("late follower", 100, 30, termOpts{})
	late.WaitFor("late follower: the presenter's state", func(screen string) bool {
		return testkit.ContainsAll(screen, "Following test-key-0", "Telemedicine") && rowCAGR("Telemedicine", "19.5")(screen)
	})

	// Followers have nothing unsaved: q ends them at once.
	quitClean(t, f)
	quitClean(t, late)
	p.Press("q")
	p.WaitText("Quit? y/n")
	p.Press("y")
	if status := p.WaitExit(); status != 0 {
		t.Errorf("presenter: exit status %d after q, y; want 0", status)
	}
}

// TestShutdown: every session (one of them with unsaved changes) is told
// goodbye and ends, and Shutdown returns within 3 s; then nobody connects.
func TestShutdown(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	var terms []*term
	for i := range 3 {
		tm := ts.openTerm(fmt.Sprintf("session %d", i), 100, 30, termOpts{})
		tm.WaitDashboard()
		terms = append(terms, tm)
	}
	terms[0].Press("+") // unsaved: q would ask; shutdown must not
	terms[0].WaitText("unsaved")

	done := make(chan error, 1)
	go func() { done <- ts.shutdown(3 * time.Second) }()
	for _, tm := range terms {
		tm.WaitExit()
		if text := tm.Text(); !strings.Contains(text, "iomt: the server is shutting down. Goodbye.") {
			t.Errorf("%s: no goodbye: %q", tm.name, text[max(0, len(text)-300):])
		}
		tm.close()
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Shutdown did not return within 3 s of its sessions ending")
	}
	if c, err := ts.dial(keyboardInteractive()); err == nil {
		_ = c.Close()
		t.Error("a connection got in after Shutdown")
	}
}

// TestShutdownLateSessions: sessions that start while Shutdown runs (on
// connections that finished their handshake before) are told goodbye and
// end, and Shutdown returns within its deadline without error.
func TestShutdownLateSessions(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	early := ts.openTerm("early", 100, 30, termOpts{})
	early.WaitDashboard()
	var late []*gossh.Client
	for range 4 {
		c, err := ts.dial(keyboardInteractive())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		late = append(late, c)
	}

	done := make(chan error, 1)
	go func() { done <- ts.shutdown(3 * time.Second) }()
	deadline := time.Now().Add(waitTimeout)
	for !ts.srv.isClosing() {
		if time.Now().After(deadline) {
			t.Fatal("Shutdown did not start")
		}
		time.Sleep(time.Millisecond)
	}

	results := make(chan string, len(late))
	for i, c := range late {
		go func() { results <- lateSession(c, fmt.Sprintf("late %d", i)) }()
	}
	for range late {
		if r := <-results; r != "" {
			t.Error(r)
		}
	}
	early.WaitExit()
	if text := early.Text(); !strings.Contains(text, "Goodbye") {
		t.Errorf("early: no goodbye: %q", text[max(0, len(text)-300):])
	}
	early.close()
	for _, c := range late {
		_ = c.Close()
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v (a session did not end in time)", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown with a 3 s deadline has not returned after 5 s")
	}
}

// lateSession opens a dashboard session on c and returns "" when it ends
// within 5 s with a goodbye, or a description of what went wrong.
func lateSession(c *gossh.Client, name string) string {
	s, err := c.NewSession()
	if err != nil {
		return fmt.Sprintf("%s: new session during Shutdown: %v", name, err)
	}
	defer s.Close()
	var out testkit.Buffer
	s.Stdout = &out
	if err := s.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		return fmt.Sprintf("%s: pty request: %v", name, err)
	}
	ended := make(chan error, 1)
	go func() {
		if err := s.Shell(); err != nil {
			ended <- err
			return
		}
		ended <- s.Wait()
	}()
	select {
	case err := <-ended:
		_ = err // ssh's exit after a goodbye; the text below is what counts
		if text := ansi.Strip(out.String()); !strings.Contains(text, "iomt: the server is shutting down. Goodbye.") {
			return fmt.Sprintf("%s: ended without a goodbye: %q", name, text[max(0, len(text)-200):])
		}
		return ""
	case <-time.After(5 * time.Second):
		_ = c.Close() // unblocks the goroutine above
		return name + ": a session started during Shutdown was still open 5 s later"
	}
}

// TestMaxTimeout: a session that keeps typing is still closed at the
// absolute limit, with a line saying why.
func TestMaxTimeout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{MaxTimeout: 600 * time.Millisecond})
	term := ts.openTerm("busy", 100, 30, termOpts{})
	watching := ts.openTerm("watching", 100, 30, termOpts{})
	term.WaitDashboard()
	// A quarter of the limit before (at most a minute), the session is
	// told it is about to end.
	watching.WaitText("Sessions last at most 600ms: this one ends in 150ms.")
	watching.WaitExit()
	go func() {
		for i := 0; i < 200 && !term.Ended(); i++ {
			if _, err := term.stdin.Write([]byte{"jk"[i%2]}); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	term.WaitExit()
	if text := term.Text(); !strings.Contains(text, "sessions last at most 600ms; session closed.") {
		t.Errorf("the session ended without the limit's message: %q", text[max(0, len(text)-300):])
	}
}

// TestFollowersToldPresenterLeft: when the presenter quits, followers
// keep the last screen under a banner saying nobody presents; a presenter
// who comes back is followed again.
func TestFollowersToldPresenterLeft(t *testing.T) {
	t.Parallel()
	presenterKey := newKey(t)
	ts := startServer(t, Config{PresenterKeys: writeKeys(t, "presenter_keys", presenterKey)})
	asPresenter := termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(presenterKey)}}
	f := ts.openTerm("follower", 100, 30, termOpts{})
	f.WaitText("No presenter connected")
	p := ts.openTerm("presenter", 100, 30, asPresenter)
	p.WaitText("Presenting")
	p.Press("2")
	f.WaitText("Following test-key-0", "Telemedicine")
	quitClean(t, p)
	f.WaitFor("the no-presenter banner over the presenter's last screen", func(screen string) bool {
		return testkit.ContainsAll(screen, "No presenter connected", "Telemedicine")
	})
	back := ts.openTerm("presenter again", 100, 30, asPresenter)
	back.WaitText("Presenting")
	f.WaitFor("following the presenter who came back, on the Component tab", func(screen string) bool {
		return testkit.ContainsAll(screen, "Following test-key-0", "Medical Dev")
	})
	quitClean(t, f)
	quitClean(t, back)
	ts.waitLog("session start", "role=follower")
	ts.waitLog("session start", "role=presenter")
}
