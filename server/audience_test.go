package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// body is a screen without its first line (the banner, by role) and its
// last (the status line, each session's own).
func body(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	if len(lines) < 3 {
		return ""
	}
	return strings.Join(lines[1:len(lines)-1], "\n")
}

// press presses keys on the presenter and waits until its screen changed.
func press(t *testing.T, p *term, keys string) {
	t.Helper()
	before := body(p.Screen())
	p.Press(keys)
	p.WaitFor("the presenter's screen after "+fmt.Sprintf("%q", keys), func(s string) bool { return body(s) != before })
}

// sameAsPresenter waits until every follower shows the presenter's
// dashboard, and fails naming the first that does not.
func sameAsPresenter(t *testing.T, step string, p *term, fs ...*term) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		want, ok := body(p.Screen()), true
		for _, f := range fs {
			if body(f.Screen()) != want {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			for _, f := range fs {
				if got := body(f.Screen()); got != want {
					t.Fatalf("%s: %s shows\n%s\nthe presenter\n%s", step, f.name, got, want)
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startDemo starts a server with a presenter key, and a presenter and n
// followers at 100×30 on it, their dashboards drawn.
func startDemo(t *testing.T, n int) (ts *testServer, p *term, fs []*term) {
	t.Helper()
	presenterKey := newKey(t)
	ts = startServer(t, Config{PresenterKeys: writeKeys(t, "presenter_keys", presenterKey)})
	p = ts.openTerm("presenter", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(presenterKey)}})
	p.WaitDashboard()
	for i := range n {
		f := ts.openTerm(fmt.Sprintf("follower %d", i), 100, 30, termOpts{})
		f.WaitDashboard()
		fs = append(fs, f)
	}
	return ts, p, fs
}

// TestAudience: followers of one size and palette are drawn once per
// presenter change, however many they are, and show exactly the
// presenter's dashboard after every kind of change; one that joins late,
// resizes, forks and comes back, or opens a dialog, shows the same as the
// others again once it follows plainly.
func TestAudience(t *testing.T) {
	ts, p, fs := startDemo(t, 6)
	// The presenter's first change: every follower is in the group.
	press(t, p, "2")
	sameAsPresenter(t, "2", p, fs...)

	// Each presenter change is drawn once for the six, not six times.
	aud := ts.srv.audience
	for i, keys := range []string{"+", "j", "+", "v", "j", ">", "3", "v", "4", "j", "\r", "k", "+", "\x1b", "1", "v", "-"} {
		before := aud.frames.Load()
		press(t, p, keys)
		sameAsPresenter(t, fmt.Sprintf("step %d (%q)", i, keys), p, fs...)
		if drawn := aud.frames.Load() - before; drawn != 1 {
			t.Errorf("step %d (%q): %d group frames for one change of six followers of one group, want 1", i, keys, drawn)
		}
	}

	// A late joiner, a follower that resizes and back, one that forks and
	// returns, one that opens and closes help: all show the presenter's
	// dashboard again, and still follow.
	late := ts.openTerm("late", 100, 30, termOpts{})
	late.WaitText("Following test-key-0")
	fs = append(fs, late)
	fs[1].Resize(120, 40)
	fs[1].WaitFor("the follower at 120×40", func(s string) bool { return fits(s, 120, 40) && strings.Contains(s, "Following") })
	fs[1].Resize(100, 30)
	fs[2].Press("f")
	fs[2].WaitText("Private copy")
	fs[2].Press("+")
	fs[3].Press("?")
	fs[3].WaitText("Help ·")
	press(t, p, "+")
	fs[2].Press("f")
	fs[2].WaitText("Your private changes will be lost")
	fs[2].Press("y")
	fs[3].Press("x") // any key closes help
	press(t, p, "j")
	sameAsPresenter(t, "after a join, a resize, a fork and return, and help", p, fs...)
	before := aud.frames.Load()
	press(t, p, "+")
	sameAsPresenter(t, "the next change", p, fs...)
	if drawn := aud.frames.Load() - before; drawn != 1 {
		t.Errorf("the next change: %d group frames for seven followers back in one group, want 1", drawn)
	}
}

// TestStalledFollower: a follower whose client stops reading (its SSH
// window full, every write to it blocked) holds up neither the presenter
// nor the other members of its group: they see every change, long after
// the stalled one stopped taking bytes.
func TestStalledFollower(t *testing.T) {
	t.Parallel()
	presenterKey := newKey(t)
	ts := startServer(t, Config{PresenterKeys: writeKeys(t, "presenter_keys", presenterKey)})
	const w, h = 400, 120
	p := ts.openTerm("presenter", w, h, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(presenterKey)}})
	p.WaitDashboard()
	f := ts.openTerm("follower", w, h, termOpts{})
	f.WaitText("Following")

	// The stalled one: a terminal of the same size whose output nobody
	// reads, so the server can send it only its SSH window (2 MiB).
	client, err := ts.dial(keyboardInteractive())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	stalled, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stalled.StdoutPipe(); err != nil { // never read
		t.Fatal(err)
	}
	if err := stalled.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := stalled.Shell(); err != nil {
		t.Fatal(err)
	}

	// Keys that redraw much of the screen, until the reading follower has
	// been sent well over the stalled one's window.
	const window = 2 << 20
	start := f.RawLen()
	keys := []string{"v", "+", "v", "-", "j", "k", "2", "1"}
	i := 0
	for ; f.RawLen()-start < window+window/4; i++ {
		if i > 5000 {
			t.Fatalf("5000 keys sent the follower only %d bytes", f.RawLen()-start)
		}
		press(t, p, keys[i%len(keys)])
		if i%25 == 0 {
			sameAsPresenter(t, fmt.Sprintf("key %d (%q), %d bytes sent", i, keys[i%len(keys)], f.RawLen()-start), p, f)
		}
	}
	sameAsPresenter(t, fmt.Sprintf("after %d keys, %d bytes sent", i, f.RawLen()-start), p, f)
	t.Logf("%d keys, %d bytes sent to the follower", i, f.RawLen()-start)
}

// TestFollowersKeepTheLastScreen: once nobody presents, followers keep
// the presenter's last screen, even after a notice to every viewer (a
// demo mesh reconnecting) took them out of their group and was
// withdrawn: a group made afresh knows no presenter's screen, and drew
// the dataset's Base in its place.
func TestFollowersKeepTheLastScreen(t *testing.T) {
	ts, p, fs := startDemo(t, 2)
	press(t, p, "3")
	press(t, p, "+")
	press(t, p, "+")
	sameAsPresenter(t, "3 + +", p, fs...)
	last := body(p.Screen())
	p.close()
	for _, f := range fs {
		f.WaitText("The presenter has left")
	}
	hub := ts.srv.hub.(*Hub)
	hub.setNotice("Reconnecting to the demo…")
	for _, f := range fs {
		f.WaitText("Reconnecting to the demo")
	}
	hub.setNotice("")
	for _, f := range fs {
		f.WaitFor("the notice withdrawn", func(s string) bool { return !strings.Contains(s, "Reconnecting") })
	}
	time.Sleep(200 * time.Millisecond) // a group's frame, if any, has come
	for _, f := range fs {
		if got := body(f.Screen()); got != last {
			t.Fatalf("%s shows\n%s\nnot the presenter's last screen\n%s", f.name, got, last)
		}
	}
}
