package e2e

import (
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestCompareThreeInTmux is the consultant's walk: Base, Accelerated
// adoption and Security headwinds side by side, the differences, a copy
// of the table, and the bridge of North America's 2027 gap, whose
// contributions are those `iomt bridge` gives; then, at 80×24 without
// colour, the chart's lines told apart by their characters.
func TestCompareThreeInTmux(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	s := startTmux(t, 160, 48, binary, "--workspace", t.TempDir())
	// tmux takes what the program sends the clipboard (OSC 52) into its
	// paste buffer.
	s.mustRun("set-option", "-g", "set-clipboard", "on")
	s.WaitForText("Scenario: Base (report)", "1 Component")

	s.Type("c")
	s.WaitForText("[ ] Accelerated adoption", "[ ] Security headwinds")
	s.Type("j")
	s.Keys("Space")
	s.WaitForText("[1] Accelerated adoption")
	s.Type("j")
	s.Keys("Space")
	s.WaitForText("[2] Security headwinds")
	s.Keys("Enter")
	s.WaitForText("vs Accelerated adoption, Security headwinds", "Table: side by side")
	s.Type("4j")
	screen := s.WaitForText("North America, 3 scenarios", "─ Base (report)  · Accelerated adoption  × Security headwinds")
	if row := tableFields(screen, "North America"); !containsAll(row, "53.94", "58.37", "45.89") {
		t.Errorf("side by side, North America's 2027 values are not in %q:\n%s", row, s.showing(screen))
	}

	s.Type("V")
	screen = s.WaitForText("Table: differences, each minus Base (report)")
	if row := tableFields(screen, "North America"); !containsAll(row, "+4.43", "+8.2%", "-8.06", "-14.9%") {
		t.Errorf("the differences of North America in 2027 are not in %q:\n%s", row, s.showing(screen))
	}

	// The copy: the view on screen, every scenario named.
	s.Type("x")
	s.WaitForText("Copy table for a spreadsheet")
	s.Type("Gkk") // the copy comes before the two charts, last in the menu
	s.Keys("Enter")
	s.WaitForText("Copied the table")
	var recs [][]string
	s.WaitFor("the copy in tmux's buffer", func(string) bool {
		text, err := s.run("show-buffer")
		if err != nil {
			return false
		}
		r := csv.NewReader(strings.NewReader(text))
		r.Comma, r.LazyQuotes = '\t', true
		recs, err = r.ReadAll()
		return err == nil && len(recs) > 2
	})
	if h := recs[0]; h[0] != "Segment · value, US$ bn · differences to Base (report)" ||
		h[1] != "2019 Accelerated adoption − Base (report) (US$ bn)" || h[3] != "2019 Security headwinds − Base (report) (US$ bn)" {
		t.Errorf("the copied header %q", h[:5])
	}
	for _, rec := range recs {
		if rec[0] == "North America" {
			// 2027 is the ninth year: after the name, four cells a year.
			if d, err := strconv.ParseFloat(rec[1+4*8], 64); err != nil || math.Abs(d-4.43) > 0.005 {
				t.Errorf("the copied 2027 difference of North America %q, want about 4.43", rec[1+4*8])
			}
		}
	}

	// The bridge, as the command line gives it.
	s.Type("B")
	screen = s.WaitForText("Bridge · North America 2027 · Base (report) → Accelerated adoption", "Total/cagr_pct 18.5 → 21")
	r := runCLI(t, "", "bridge", "--compare", "accelerated-adoption", "--node", "Region/North America", "--format", "csv")
	r.wantCode(t, 0, "bridge --compare accelerated-adoption")
	cli, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range cli[1 : len(cli)-1] {
		c, _ := strconv.ParseFloat(rec[3], 64)
		shown := strconv.FormatFloat(c, 'f', 2, 64)
		if c > 0 {
			shown = "+" + shown
		}
		if c == 0 {
			shown = "0.00"
		}
		if !lineWith(screen, rec[0], shown) {
			t.Errorf("the bridge on screen has no line with %s and %s:\n%s", rec[0], shown, s.showing(screen))
		}
	}
	s.Keys("Tab")
	s.WaitForText("→ Security headwinds", "Total/cagr_pct 18.5 → 15")
	// Each escape seen before the next key: an escape and a key sent as
	// one read are alt and the key.
	s.Keys("Escape")
	s.WaitForText("Table: differences")
	s.Type("S")
	s.WaitForText("Scenario summary · 3 scenarios", "Total/cagr_pct")
	s.Keys("Escape")
	s.WaitForText("Table: differences")
	s.Type("q")
	if status := s.WaitExit(); status != 0 {
		t.Errorf("exit status after q: %d, want 0", status)
	}

	// 80×24 without colour: the chart takes the width, its lines and the
	// legend told apart by characters.
	n := startTmux(t, 80, 24, "NO_COLOR=1", binary, "--workspace", t.TempDir())
	n.WaitForText("Scenario: Base (report)")
	n.Type("c")
	n.WaitForText("[ ] Accelerated adoption")
	n.Type("j")
	n.Keys("Space")
	n.Type("j")
	n.Keys("Space", "Enter")
	screen = n.WaitForText("─ Base (report)  · Accelerated adoption  × Security headwinds", "Total, 3 scenarios")
	if !strings.Contains(screen, "×××") || !strings.Contains(screen, "···") {
		t.Errorf("the compared lines are not drawn in their characters:\n%s", n.showing(screen))
	}
	styled := n.StyledScreen()
	if strings.Contains(styled, "\x1b[38;") {
		t.Errorf("NO_COLOR: the screen has colours")
	}
	n.Type("4jB")
	// The bridge is computed in a command: its bars come once it has
	// finished, rising ones █ and falling ones ░ without colour.
	screen = n.WaitForText("Bridge · North America 2027", "Accelerated adoption ", "58.37")
	if !strings.Contains(screen, "███") || !strings.Contains(screen, "░░░") {
		t.Errorf("rising and falling bars are not drawn apart without colour:\n%s", n.showing(screen))
	}
}

// tableFields are the fields of name's row in the year table.
func tableFields(screen, name string) []string {
	_, table, _ := strings.Cut(screen, "Table:")
	for line := range strings.SplitSeq(table, "\n") {
		body := strings.TrimSpace(strings.Trim(line, "│┃ "))
		if rest, ok := strings.CutPrefix(body, name+"  "); ok {
			return strings.Fields(rest)
		}
	}
	return nil
}

func containsAll(fields []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, f := range fields {
			found = found || f == w
		}
		if !found {
			return false
		}
	}
	return true
}

// lineWith reports whether a line of the screen holds both texts.
func lineWith(screen, a, b string) bool {
	for line := range strings.SplitSeq(screen, "\n") {
		// A long path is cut from its left on screen: its end is there.
		tail := a[max(len(a)-30, 0):]
		if strings.Contains(line, tail) && strings.Contains(line, b) {
			return true
		}
	}
	return false
}
