package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"iomt/internal/testkit"
)

// TestYearPickerSaysItsWay: as a new user at 80×24 on the built binary,
// setting the market's growth in one year (e, tab on the Total row): the
// prompt says which way the years go; ↓ on the first year says it is
// the first rather than doing nothing; → goes a year later; and the rate
// typed lands in the year picked.
func TestYearPickerSaysItsWay(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	s := startDashboard(t, 80, 24)
	s.Type("e")
	s.Keys("Tab")
	s.WaitForText("Market growth in 2020 %", "↓/← earlier · ↑/→ later year")
	s.Keys("Down")
	s.WaitForText("Market growth in 2020 %", "2020 is the first year: ↑/→ later")
	s.Keys("Right")
	s.WaitFor("2021 picked", func(screen string) bool {
		return strings.Contains(screen, "Market growth in 2021 %") && !strings.Contains(screen, "first year")
	})
	s.Type("9.5")
	s.Keys("Enter")
	s.WaitForText("The market grows 9.5 % in 2021")
	quitAnswering(t, s, "Quit? y/n")
}

// quitAnswering presses q on a dashboard with changes, waits for the
// question holding asked, answers y and checks the exit status is 0.
func quitAnswering(t *testing.T, s *tmuxSession, asked string) string {
	t.Helper()
	s.Type("q")
	screen := s.WaitForText(asked)
	s.Type("y")
	if code := s.WaitExit(); code != 0 {
		t.Errorf("exit status after q, y: %d, want 0", code)
	}
	return screen
}

// TestOpenDemoQuitSaysWhatIsTrue: a viewer of an open demo over the real
// ssh client changes a rate and presses q: nothing can be saved there, so
// the question says the changes end with the session and that x copies
// the table, not that they are unsaved.
func TestOpenDemoQuitSaysWhatIsTrue(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	ssh := requireTool(t, "ssh")
	keygen := requireTool(t, "ssh-keygen")
	dir := t.TempDir()
	key := sshKey(t, keygen, dir, "viewer")
	port := freePort(t)
	startServe(t, "--listen", "127.0.0.1:"+port, "--host-key", filepath.Join(dir, "host_ed25519"))

	s := startTmux(t, 100, 30, sshArgs(ssh, key, port)...)
	s.WaitFor("the dashboard over ssh", func(screen string) bool {
		return testkit.ContainsAll(screen, "Scenario: Base", "1 Component")
	})
	s.Type("+")
	waitRowCAGR(s, "Total", "19.0", true)
	screen := quitAnswering(t, s, "Changes to Base (report) end with this session (x copies the table). Quit? y/n")
	if strings.Contains(screen, "Unsaved changes") {
		t.Errorf("the open demo's quit question speaks of unsaved changes:\n%s", screen)
	}
}

// TestMalformedMouseReportsLocal: malformed mouse reports typed into the
// dashboard's terminal (a negative coordinate or button) do nothing; the
// + after them is the only key. Before the input filter they were the
// keys their bytes spell: "-" lowered the market's growth, "m" opened
// Monte Carlo, "1" switched tabs.
func TestMalformedMouseReportsLocal(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	s := startDashboard(t, 100, 30)
	s.Type("4")
	s.WaitForText("North America")
	s.Type("\x1b[<0;-5;-5M" + "\x1b[<-1;10;10M" + "\x1b[<0;-5;-5m" + "+")
	screen := waitRowCAGR(s, "Total", "19.0", true)
	if strings.Contains(screen, "Monte Carlo") || strings.Contains(screen, "Messages") || !strings.Contains(screen, "North America") {
		t.Errorf("the malformed reports did more than nothing:\n%s", screen)
	}
	quitAnswering(t, s, "Quit? y/n")
}
