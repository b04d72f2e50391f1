package server

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"iomt/internal/testkit"
)

// presenterKeys writes a presenters file whose lines name each key by
// its comment, as an organiser would, and returns its path.
func presenterKeys(t *testing.T, names []string, keys ...gossh.Signer) string {
	t.Helper()
	var b strings.Builder
	for i, k := range keys {
		fmt.Fprintf(&b, "%s %s\n", strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey()))), names[i])
	}
	path := filepath.Join(t.TempDir(), "presenter_keys")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTakeOver: one session presents at a time. A second session with a
// presenter key follows, told who presents; p asks, then takes over: the
// audience follows the new presenter, the former one follows too and its
// keys are refused; it takes the turn back the same way. The one that
// leaves after being taken over from does not end the talk; the one that
// presents does, and comes back presenting, clearing the audience's "the
// presenter has left".
func TestTakeOver(t *testing.T) {
	t.Parallel()
	anaKey, benKey := newKey(t), newKey(t)
	// A comment with a control character and a long tail: shown safe
	// and cut.
	keys := presenterKeys(t, []string{"Ana Lopez", "Ben\x07 Okafor\u202e of the Strategy and Analysis Practice, EMEA"}, anaKey, benKey)
	ts := startServer(t, Config{PresenterKeys: keys})
	ana := ts.openTerm("Ana", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(anaKey)}})
	ana.WaitText("Presenting")
	viewer := ts.openTerm("viewer", 100, 30, termOpts{})
	viewer.WaitText("Following Ana Lopez (read-only, f: private copy)")

	ben := ts.openTerm("Ben", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(benKey)}})
	ben.WaitText("Following Ana Lopez (p: take over, f: private copy)")
	if s := ben.Screen(); strings.Contains(s, "Presenting") {
		t.Fatalf("a second presenter session presents too:\n%s", ben.showing(s))
	}
	ana.Press("2")
	ben.WaitFor("Ben follows Ana to the Application tab", func(s string) bool { return testkit.ContainsAll(s, "Telemedicine", "Following Ana") })

	// Ben takes over, asked first; n changes nothing.
	ben.Press("p")
	ben.WaitText("Ana Lopez presents now. Take over?")
	ben.Press("n")
	ben.WaitText("Nothing changed.")
	ben.Press("p")
	ben.WaitText("Ana Lopez presents now. Take over?")
	ben.Press("y")
	ben.WaitText("Presenting", "You present now")
	benName := "Ben Okafor of the Strategy and Analysis…" // 40 characters, the escape dropped
	// The header names him as far as it fits (the scenario stays).
	ana.WaitText(benName+" took over; you follow them now (p takes it back)", "Following Ben Okafor of t")
	viewer.WaitText("Following Ben Okafor of t")

	// The audience and Ana follow Ben's changes; Ana's keys are refused.
	ben.Press("j+")
	ben.WaitFor("Ben: Telemedicine at 19.5", rowCAGR("Telemedicine", "19.5"))
	for _, tm := range []*term{viewer, ana} {
		tm.WaitFor(tm.name+": Telemedicine at 19.5", rowCAGR("Telemedicine", "19.5"))
	}
	ana.Press("+")
	ana.WaitText("(read-only): press f")
	if row, _ := testkit.FindTreeRow(ben.Screen(), "Telemedicine"); row.CAGR != "19.5" {
		t.Fatalf("Ana's refused + changed Ben's screen: Telemedicine at %s", row.CAGR)
	}

	// Ana takes the turn back, from Ben's state.
	ana.Press("p")
	ana.WaitText(benName + " presents now. Take over?")
	ana.Press("y")
	ana.WaitText("Presenting", "You present now")
	ben.WaitText("Ana Lopez took over")
	ts.waitLog("took over presenting", `from="Ben Okafor of the Strategy and Analysis…"`)
	ana.Press("+")
	ana.WaitFor("Ana: Telemedicine at 20.0", rowCAGR("Telemedicine", "20.0"))
	for _, tm := range []*term{viewer, ben} {
		tm.WaitFor(tm.name+": Telemedicine at 20.0 from Ana", func(s string) bool {
			return strings.Contains(s, "Following Ana Lopez") && rowCAGR("Telemedicine", "20.0")(s)
		})
	}

	// Ben leaves: Ana still presents, and the audience follows her.
	quitClean(t, ben)
	ana.Press("-")
	viewer.WaitFor("viewer: Ana's next change", func(s string) bool {
		return strings.Contains(s, "Following Ana Lopez") && rowCAGR("Telemedicine", "19.5")(s)
	})
	if s := viewer.Screen(); strings.Contains(s, "has left") || strings.Contains(s, "No presenter") {
		t.Fatalf("the former presenter's leaving told the audience the presenter left:\n%s", viewer.showing(s))
	}

	// Ana leaves: the audience is told; she comes back presenting, and
	// the line goes.
	// Her screen holds Ben's unsaved edit (Telemedicine 19.5): q asks.
	ana.Press("q")
	ana.WaitText("Changes to Base (report) end with this session (x copies the table). Quit?")
	ana.Press("y")
	if status := ana.WaitExit(); status != 0 {
		t.Errorf("Ana: exit status after q, y: %d, want 0", status)
	}
	viewer.WaitText("No presenter connected", "The presenter has left")
	again := ts.openTerm("Ana again", 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(anaKey)}})
	again.WaitText("Presenting")
	viewer.WaitFor("the viewer following Ana again, the left line gone", func(s string) bool {
		return strings.Contains(s, "Following Ana Lopez") && !strings.Contains(s, "has left")
	})
}

// TestTakeOverRace: two sessions with presenter keys answer y to "Take
// over?" at the same instant, round after round, with a log writer slow
// enough that one session's step-down regularly reaches it before its
// own news that it presents. Whatever the order, the hub's turn decides:
// exactly one session presents, the one the hub names, and every other
// one follows it. Before turns decided, the one taken over from kept
// "Presenting" on its screen while its keys reached nobody.
func TestTakeOverRace(t *testing.T) {
	t.Parallel()
	names := []string{"Ana", "Ben", "Cy"}
	signers := []gossh.Signer{newKey(t), newKey(t), newKey(t)}
	keys := presenterKeys(t, names, signers...)
	ts := startServerLogging(t, Config{PresenterKeys: keys}, 20*time.Millisecond)
	terms := make([]*term, len(names))
	for i, name := range names {
		terms[i] = ts.openTerm(name, 100, 30, termOpts{auth: []gossh.AuthMethod{gossh.PublicKeys(signers[i])}})
		if i == 0 {
			terms[i].WaitText("Presenting")
		} else {
			terms[i].WaitText("Following Ana (p: take over")
		}
	}
	rounds := 12
	if testing.Short() {
		rounds = 3
	}
	for round := range rounds {
		who, ok := ts.srv.hub.Presenting()
		if !ok {
			t.Fatalf("round %d: nobody presents", round)
		}
		var takers []*term
		for i, tm := range terms {
			if names[i] != who {
				takers = append(takers, tm)
			}
		}
		for _, tm := range takers {
			tm.Press("p")
			tm.WaitText(who + " presents now. Take over?")
		}
		// Both answer at once.
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, tm := range takers {
			wg.Go(func() {
				<-start
				_, _ = io.WriteString(tm.stdin, "y")
			})
		}
		close(start)
		wg.Wait()
		// Both took over, in some order (the log says so after the hub
		// did), before the screens are asked to agree with the hub.
		waitLogCount(t, ts, "took over presenting", 2*(round+1))
		settled(t, ts, terms, names, round)
	}
}

// waitLogCount waits until the log has n lines with text.
func waitLogCount(t *testing.T, ts *testServer, text string, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for strings.Count(ts.logs.String(), text) < n {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d log lines with %q within %v", n, text, waitTimeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settled waits until the screens agree with the hub: the session the
// hub names presents, every other one follows it.
func settled(t *testing.T, ts *testServer, terms []*term, names []string, round int) {
	t.Helper()
	for i, tm := range terms {
		tm.WaitFor(fmt.Sprintf("round %d: the screen of the hub's presenter", round), func(s string) bool {
			who, ok := ts.srv.hub.Presenting()
			if !ok {
				return false
			}
			head, _, _ := strings.Cut(s, "\n")
			if names[i] == who {
				return strings.Contains(head, "Presenting")
			}
			return strings.Contains(head, "Following "+who+" (p: take over") && !strings.Contains(head, "Presenting")
		})
	}
}
