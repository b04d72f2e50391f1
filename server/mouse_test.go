package server

import (
	"strings"
	"testing"
)

// TestMalformedMouseReportsOverSSH: mouse reports with a negative
// coordinate or button, sent by a client, change nothing: before the
// dashboard's input filter they reached it as the keys their bytes spell
// ("-" lowered the market's growth, "M" opened the messages, "1" switched
// tabs). The + after them is the only key.
func TestMalformedMouseReportsOverSSH(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{})
	tm := ts.openTerm("viewer", 100, 30, termOpts{})
	tm.WaitDashboard()
	tm.Press("4") // the Region tab: a stray "1" would leave it
	tm.WaitText("North America")
	tm.Press("\x1b[<0;-5;-5M" + "\x1b[<-1;10;10M" + "\x1b[<0;-5;-5m" + "+")
	screen := tm.WaitFor("the Total row at 19.0", rowCAGR("Total", "19.0"))
	if strings.Contains(screen, "Messages") || !strings.Contains(screen, "North America") {
		t.Fatalf("the malformed reports did more than nothing:\n%s", tm.showing(screen))
	}
	tm.Press("q")
	tm.WaitText("Quit? y/n")
	tm.Press("y")
	if status := tm.WaitExit(); status != 0 {
		t.Errorf("exit status after q, y: %d, want 0", status)
	}
}
