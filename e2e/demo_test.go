package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"iomt/internal/testkit"
)

// ---------------------------------------------------------------------------
// A presented demo: one presenter and twenty viewers on real ssh clients.

const (
	// demoViewers is how many viewers follow the presenter.
	demoViewers = 20
	// demoWidth×demoHeight is every client's terminal: the same size for
	// all, so a follower's screen can be compared with the presenter's.
	demoWidth, demoHeight = 100, 30

	followingBanner  = "Following presenter@iomt-e2e (read-only, f: private copy)"
	privateBanner    = "Private copy (f: follow again)"
	presentingBanner = "Presenting"
	goodbyeLine      = "the server is shutting down. Goodbye."
)

// clientScript runs ssh ("$@") in a pane, then prints how it ended and
// keeps the pane's terminal open until Enter, passing on ssh's exit status.
// Why: tmux (3.3a here, with two dozen panes) can drop what a pane's
// program wrote just before it exited. The goodbye line, or ssh's
// "Permission denied", reached ssh's terminal (recorded with script(1))
// but often not tmux's screen, while a pane running ssh directly was
// already dead. With the shell still holding the terminal, everything ssh
// wrote is on screen before the marker line, and the marker tells the test
// that ssh itself has ended, and with which status.
const clientScript = `"$@"; st=$?; printf '\r\n[ssh exited with status %d]\r\n' "$st"; head -c 1 >/dev/null; exit "$st"`

// sshExited is the marker clientScript prints once ssh has ended.
func sshExited(status int) string { return fmt.Sprintf("[ssh exited with status %d]", status) }

// demoClient is the pane command for ssh with the given key: clientScript
// around sshArgs.
func demoClient(ssh, key, port string) []string {
	return append([]string{"/bin/sh", "-c", clientScript, "sh"}, sshArgs(ssh, key, port)...)
}

// TestDemo proves the live-demo acceptance criterion with the real OpenSSH
// client in tmux: a presenter and twenty viewers join `iomt serve`; every
// viewer follows the presenter's tab, selection, growth rates and chart
// metric live and cannot change them; one viewer forks a private copy,
// changes it without touching anyone else, ignores the presenter while
// forked and returns to following; a key that is not authorised is refused
// at authentication and never sees the dashboard; and on SIGTERM every
// client is told goodbye and its ssh ends with status 0, the server exits 0 within 3 s
// without forcing connections closed, every session is logged as ended
// and no ssh process is left behind.
//
// It does not run in parallel with the other tests: 21 ssh clients and
// their sessions on a small machine are load enough, and the 3 s shutdown
// bound should measure the server, not a crowded CPU.
func TestDemo(t *testing.T) {
	requireTool(t, "tmux")
	ssh := requireTool(t, "ssh")
	keygen := requireTool(t, "ssh-keygen")
	start := time.Now()

	// Keys: the presenter's, one per viewer, and a stranger's that is in
	// no file. The presenter's is in authorized_keys too, as a presenter
	// would set it up (the server would admit it from --presenter-keys
	// alone).
	dir := t.TempDir()
	presenterKey := sshKey(t, keygen, dir, "presenter")
	viewerKeys := make([]string, demoViewers)
	for i := range viewerKeys {
		viewerKeys[i] = sshKey(t, keygen, dir, fmt.Sprintf("viewer%02d", i+1))
	}
	strangerKey := sshKey(t, keygen, dir, "stranger")
	var authorized bytes.Buffer
	for _, key := range append([]string{presenterKey}, viewerKeys...) {
		authorized.Write(readKeyFile(t, key+".pub"))
	}
	authorizedFile := filepath.Join(dir, "authorized_keys")
	presentersFile := filepath.Join(dir, "presenter_keys")
	writeKeyFile(t, authorizedFile, authorized.Bytes())
	writeKeyFile(t, presentersFile, readKeyFile(t, presenterKey+".pub"))

	// Every client connects from 127.0.0.1, as an audience behind one NAT
	// would: the default per-address burst must let them all in.
	port := freePort(t)
	srv := startServe(t, "--listen", "127.0.0.1:"+port,
		"--host-key", filepath.Join(dir, "host", "host_ed25519"),
		"--authorized-keys", authorizedFile, "--presenter-keys", presentersFile)

	// The presenter first, as in a real demo, then the whole audience
	// at once; all on one private tmux server.
	presenter := startTmux(t, demoWidth, demoHeight, demoClient(ssh, presenterKey, port)...)
	presenter.WaitFor("the presenter's dashboard", func(screen string) bool {
		return strings.HasPrefix(screen, presentingBanner) && testkit.ContainsAll(screen, "1 Component", "Medical Dev") &&
			!strings.Contains(screen, "Following")
	})
	viewers := make([]*tmuxSession, demoViewers)
	for i, key := range viewerKeys {
		viewers[i] = addTmuxSession(presenter, fmt.Sprintf("viewer%02d", i+1), demoWidth, demoHeight, demoClient(ssh, key, port)...)
	}
	all := append([]*tmuxSession{presenter}, viewers...)
	t.Cleanup(func() { summarizeOnFailure(t, all) })

	// Every viewer is in, following.
	for _, v := range viewers {
		v.WaitFor("the follower's banner over the dashboard", func(screen string) bool {
			return strings.HasPrefix(screen, followingBanner) && testkit.ContainsAll(screen, "1 Component", "Medical Dev")
		})
	}
	t.Logf("presenter and %d viewers in after %v", demoViewers, time.Since(start).Round(time.Millisecond))

	// The presenter changes tab, selection, a growth rate and the chart
	// metric, each step checked on the presenter's own screen first.
	presenter.Type("2")
	presenter.WaitForText("Telemedicine", "Inpatient Monitor")
	presenter.Type("j")
	presenter.WaitForStyled("Telemedicine selected", func(styled string) bool {
		return highlighted(styled, "Telemedicine") && !highlighted(styled, "Total")
	})
	for _, cagr := range []string{"19.5", "20.0", "20.5"} { // 19.0 in the report
		presenter.Type("+")
		waitRowCAGR(presenter, "Telemedicine", cagr, true)
	}
	presenter.Type("v")
	shown := presenter.WaitForText("Chart: share of parent")
	// The screens are the same size, so below the banner line and above
	// the status line a follower must show exactly what the presenter
	// does: the Application rows, Telemedicine at 20.5, the share chart
	// and the year table computed from it.
	want := dashboardBody(shown)
	if row, ok := testkit.FindTreeRow(want, "Telemedicine"); !ok || row.CAGR != "20.5" {
		t.Fatalf("presenter: Telemedicine row %+v (found %v), want CAGR 20.5:\n%s", row, ok, presenter.showing(shown))
	}
	for _, v := range viewers {
		waitFollows(v, want, "Telemedicine at 20.5, share-of-parent chart")
	}
	// The selection follows too; it shows only as a highlight.
	for _, v := range viewers {
		v.WaitForStyled("Telemedicine selected, as on the presenter's screen", func(styled string) bool {
			return highlighted(styled, "Telemedicine") && !highlighted(styled, "Total")
		})
	}

	// A follower is read-only: its + is refused with a hint, and changes
	// nothing anywhere.
	readOnly := viewers[demoViewers-1]
	readOnly.Type("+")
	readOnly.WaitFor("the read-only hint, Telemedicine unchanged", func(screen string) bool {
		row, ok := testkit.FindTreeRow(screen, "Telemedicine")
		return strings.Contains(screen, "read-only): press f") && ok && row.CAGR == "20.5"
	})

	// One viewer forks: a private copy of the presenter's state, which
	// it can change (20.5 → 21.0) on its own.
	forker := viewers[0]
	forker.Type("f")
	forker.WaitFor("the private-copy banner over the presenter's state", func(screen string) bool {
		return strings.HasPrefix(screen, privateBanner) && dashboardBody(screen) == want
	})
	forker.Type("+")
	waitRowCAGR(forker, "Telemedicine", "21.0", true)
	// Nobody else got the private change. A change leaking through the
	// server would reach the others within milliseconds of the forker's
	// own screen, which these reads follow; one leaking into the
	// presenter's state would also fail the checks below, where everyone
	// must match the presenter at 20.5.
	for _, s := range all {
		if s != forker {
			assertRowCAGR(t, s, "Telemedicine", "20.5")
		}
	}

	// While forked, the viewer ignores the presenter: the presenter moves
	// on to the growth chart, the other followers show it, and only once
	// they all do is the forker checked, so it has had the same chance to
	// follow.
	presenter.Type("v")
	shown = presenter.WaitForText("Chart: growth")
	want = dashboardBody(shown)
	for _, v := range viewers[1:] {
		waitFollows(v, want, "Telemedicine at 20.5, growth chart")
	}
	if screen := forker.Screen(); !strings.HasPrefix(screen, privateBanner) ||
		!strings.Contains(screen, "Chart: share of parent") || !rowHasCAGR(screen, "Telemedicine", "21.0") {
		t.Fatalf("the forked viewer changed with the presenter; it should keep its private copy (share chart, Telemedicine 21.0):\n%s",
			forker.showing(screen))
	}

	// f again: asked first, as the copy has a change of its own; then
	// back to following, on the presenter's current state.
	forker.Type("f")
	forker.WaitForText("Your private changes will be lost. Follow the presenter again?")
	forker.Type("y")
	waitFollows(forker, want, "following again: Telemedicine at 20.5, growth chart")

	// A key in neither file is refused at authentication, while the demo
	// runs: ssh gives up (255) and never draws the dashboard.
	stranger := addTmuxSession(presenter, "stranger", demoWidth, demoHeight, demoClient(ssh, strangerKey, port)...)
	screen := stranger.WaitFor("ssh refused at authentication (exit status 255, \"Permission denied\")", func(screen string) bool {
		return testkit.ContainsAll(screen, "Permission denied", sshExited(255))
	})
	if containsAnyOf(screen, "Scenario:", "1 Component", followingBanner, "not authorised") {
		t.Errorf("ssh with an unlisted key got past authentication:\n%s", stranger.showing(screen))
	}
	stranger.Keys("Enter") // lets the pane's shell go
	if status := stranger.WaitExit(); status != 255 {
		t.Errorf("ssh with an unlisted key: exit status %d, want 255 (refused)", status)
	}
	// The demo goes on undisturbed.
	presenter.Type("k")
	presenter.WaitForStyled("Total selected", func(styled string) bool {
		return highlighted(styled, "Total") && !highlighted(styled, "Telemedicine")
	})
	for _, v := range viewers {
		v.WaitForStyled("Total selected, as on the presenter's screen", func(styled string) bool {
			return highlighted(styled, "Total") && !highlighted(styled, "Telemedicine")
		})
	}

	// SIGTERM: the server exits 0 within 3 s, every client is told
	// goodbye and its ssh ends with status 0.
	t.Logf("server stopped %v after SIGTERM", srv.terminate(t).Round(time.Millisecond))
	// Each ssh is waited for on its own screen (the marker comes only
	// once ssh has ended); its shell is then let go, and tmux must see the
	// pane's program end with ssh's status.
	//
	// The status must be 0: a server that closed connections as soon as
	// the sessions exited would now and then overtake the DISCONNECT ssh
	// sends when its session ends, and ssh would say "client_loop: send
	// disconnect: Connection reset by peer" and exit 255.
	ended := make([]string, len(all))
	for i, s := range all {
		ended[i] = s.WaitFor("the goodbye line, then ssh ending", func(screen string) bool {
			_, after, ok := strings.Cut(screen, goodbyeLine)
			return ok && containsAnyOf(after, sshExited(0), sshExited(255))
		})
		s.Keys("Enter") // all shells end together, not one WaitExit after another
	}
	for i, s := range all {
		status, screen := s.WaitExit(), ended[i]
		switch {
		case status == 0:
		default:
			t.Errorf("%s: exit status after the server said goodbye: %d, want 0:\n%s", s.name, status, s.showing(screen))
		}
	}

	// Nothing lingers: no ssh process of this demo is left (tmux has
	// reaped the panes' processes; this also catches any child they left),
	// every session was logged as ended, and the server did not have to
	// cut connections at its shutdown deadline.
	if left := processesOf(ssh, "-p", port, "demo@127.0.0.1"); len(left) > 0 {
		t.Errorf("ssh processes still running after shutdown: %s", strings.Join(left, "; "))
	}
	serverLog := srv.log.String()
	if n := strings.Count(serverLog, "session start"); n != len(all) {
		t.Errorf("the server logged %d session starts, want %d (the stranger must not get one)", n, len(all))
	}
	if n := strings.Count(serverLog, "session end"); n != len(all) {
		t.Errorf("the server logged %d session ends, want %d", n, len(all))
	}
	for _, bad := range []string{"closing connections still open", "session error"} {
		if strings.Contains(serverLog, bad) {
			t.Errorf("the server log says %q", bad)
		}
	}
	if !strings.Contains(serverLog, "stopped") {
		t.Errorf("the server did not log that it stopped")
	}
	if entries, err := os.ReadDir(srv.dir); err != nil {
		t.Error(err)
	} else {
		for _, e := range entries {
			t.Errorf("iomt serve wrote %q into its working folder", e.Name())
		}
	}
	t.Logf("demo test took %v", time.Since(start).Round(time.Millisecond))
}

// addTmuxSession runs args in one more detached session, named name, on
// base's private tmux server, with the same clean environment as
// startTmux; the server, and with it the session, goes when the test ends.
// One server for the whole audience keeps 21 clients cheap.
func addTmuxSession(base *tmuxSession, name string, width, height int, args ...string) *tmuxSession {
	base.t.Helper()
	s := *base
	s.name, s.shown = name, false
	home := ""
	for _, kv := range base.env {
		if v, ok := strings.CutPrefix(kv, "HOME="); ok {
			home = v
		}
	}
	cmd := []string{"new-session", "-d", "-s", name, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height),
		"env", "-i", "TERM=xterm-256color", "LANG=C.UTF-8", "HOME=" + home, "PATH=/usr/bin:/bin"}
	s.mustRun(append(cmd, args...)...)
	return &s
}

// dashboardBody is a screen without its first line (the banner and
// scenario name, which differ by role) and its last (the status line, which
// shows each session's own messages).
func dashboardBody(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	if len(lines) < 3 {
		return ""
	}
	return strings.Join(lines[1:len(lines)-1], "\n")
}

// waitFollows waits until a viewer shows the follower's banner over
// exactly the presenter's dashboard body want (what describes it). Once
// the presenter has unsaved edits, the title line also carries "●
// unsaved", as the presenter's does, and at 100 columns the banner takes
// its short form ("Following presenter@iomt-… (f: own copy)").
func waitFollows(v *tmuxSession, want, what string) {
	v.t.Helper()
	v.WaitFor("the follower's banner over the presenter's dashboard ("+what+")", func(screen string) bool {
		title, _, _ := strings.Cut(screen, "\n")
		banner := strings.HasPrefix(title, followingBanner) || strings.HasPrefix(title, "Following presenter@iomt-… (f: own copy)")
		return banner && dashboardBody(screen) == want
	})
}

// rowHasCAGR reports whether the segment tree on screen shows row name at
// the given CAGR.
func rowHasCAGR(screen, name, cagr string) bool {
	row, ok := testkit.FindTreeRow(screen, name)
	return ok && row.CAGR == cagr
}

// assertRowCAGR fails the test unless s shows row name at the given CAGR now.
func assertRowCAGR(t *testing.T, s *tmuxSession, name, cagr string) {
	t.Helper()
	if screen := s.Screen(); !rowHasCAGR(screen, name, cagr) {
		t.Fatalf("%s: want %s at CAGR %s:\n%s", s.name, name, cagr, s.showing(screen))
	}
}

// containsAnyOf reports whether s contains at least one of subs.
func containsAnyOf(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// processesOf lists the processes (pid and command line) running program
// (argv[0], as the panes started it) with every one of args among its
// arguments. The tmux server is not one of them, although its command line
// holds the first pane's ssh command too. Without /proc it finds nothing.
func processesOf(program string, args ...string) []string {
	paths, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var found []string
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // gone meanwhile, or not ours to read
		}
		argv := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		if argv[0] != program || !hasAll(argv[1:], args) {
			continue
		}
		found = append(found, filepath.Base(filepath.Dir(path))+": "+strings.Join(argv, " "))
	}
	return found
}

// hasAll reports whether every one of want is an element of list.
func hasAll(list, want []string) bool {
	for _, w := range want {
		if !slices.Contains(list, w) {
			return false
		}
	}
	return true
}

// summarizeOnFailure notes, when the test failed, where each client was:
// its pane's state, its first line (the banner) and its last (the marker
// once ssh has ended). Whole screens would be 600 lines; the one a wait
// failed on is shown in full already.
func summarizeOnFailure(t *testing.T, sessions []*tmuxSession) {
	if !t.Failed() {
		return
	}
	var b strings.Builder
	for _, s := range sessions {
		state, err := s.run("display-message", "-p", "-t", s.name, "dead=#{pane_dead} status=#{pane_dead_status}")
		screen, _ := s.run("capture-pane", "-p", "-t", s.name)
		lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
		if err != nil {
			state = err.Error()
		}
		fmt.Fprintf(&b, "%-9s %s | %s | %s\n", s.name, strings.TrimSpace(state), lines[0], lines[len(lines)-1])
	}
	t.Logf("clients when the test ended:\n%s", b.String())
}

// readKeyFile returns the contents of a key file ssh-keygen wrote.
func readKeyFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// writeKeyFile writes a key list for the server, private like ~/.ssh.
func writeKeyFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
