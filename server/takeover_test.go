package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
