package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"iomt/internal/testkit"
)

// TestAnalysisScreens: as a consultant at the keyboard, on the built
// binary. What growth gets Asia-Pacific to US$ 60 bn by 2027 (g)? Which
// assumption matters most (t)? How wide is the range (m)? And the
// report's drivers as levers (d).
func TestAnalysisScreens(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	s := startDashboard(t, 120, 40)
	s.Type("4jjj")
	s.WaitForStyled("Asia-Pacific selected", func(styled string) bool { return highlighted(styled, "Asia-Pacific") })

	s.Type("g60")
	s.Keys("Enter")
	s.WaitForText("Goal seek · Region/Asia-Pacific", "Answer: enter 20.78 % a year", "share of the total in 2027: 30.14 %")
	s.Keys("Enter")
	waitRowCAGR(s, "Asia-Pacific", "20.8", true)

	s.Type("t")
	s.WaitForText("Sensitivity of Asia-Pacific in 2027", "market CAGR", "Asia-Pacific CAGR")
	s.Keys("Escape")
	s.WaitFor("the panes again", func(screen string) bool { return !strings.Contains(screen, "Sensitivity of") })

	s.Type("m")
	s.WaitForText("Monte Carlo · Asia-Pacific · 10,000 paths, seed 1", "P10", "P50", "P90", "Probability above")
	s.Keys("Escape")
	// The next key only once esc has landed: typed at once, esc and d
	// reach the program as alt+d.
	s.WaitFor("the panes again", func(screen string) bool { return !strings.Contains(screen, "Monte Carlo ·") })

	s.Type("d")
	s.WaitForText("Levers:", "Prevalence of Chronic Diseases", "Security and Privacy Concerns")
	s.Type("+")
	s.WaitForText("Market CAGR: 18.50 entered + 0.50 Prevalence of Chronic Diseases = 19.00 %")
	s.Keys("Escape")
	s.WaitFor("the Total row at 19.0", func(screen string) bool {
		row, ok := testkit.FindTreeRow(screen, "Total")
		return ok && row.CAGR == "19.0"
	})
	s.Type("q")
	s.WaitForText("Quit? y/n")
	s.Type("y")
	if code := s.WaitExit(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

// TestMonteCarloProgressAndCancel: on a market of 5,000 segments a run
// takes long enough to watch: the progress bar counts the paths, and esc
// stops the run and says how far it got.
func TestMonteCarloProgressAndCancel(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	var b strings.Builder
	b.WriteString("market: Big Market\nbase_year: 2020\nend_year: 2030\ntotal: {value_bn: 100, cagr_pct: 8}\ndimensions:\n  - name: Product\n    segments:\n")
	for i := range 50 {
		fmt.Fprintf(&b, "      - name: Line %d\n        share_pct: 2\n        cagr_pct: %d\n        segments:\n", i, 5+i%7)
		for j := range 100 {
			fmt.Fprintf(&b, "          - {name: Item %d, share_pct: 1, cagr_pct: %d}\n", j, 3+j%9)
		}
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, 120, 40, binary, "--dataset", path)
	s.WaitForText("Scenario: Base", "Line 0")
	s.Type("m")
	s.WaitForText("Monte Carlo · Total · 10,000 paths", "of 10,000 paths", "esc cancels")
	s.Keys("Escape")
	screen := s.WaitForText("Monte Carlo cancelled after")
	if strings.Contains(screen, "after 10,000 of") {
		t.Errorf("the run finished before esc; the test proves nothing:\n%s", screen)
	}
	s.Type("q")
	if code := s.WaitExit(); code != 0 {
		t.Errorf("exit %d", code)
	}
}
