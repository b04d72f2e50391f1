package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryAssumptionInReach: a sceptical client's questions at the
// keyboard of the built binary, each key of issue 21 in turn. What if the
// report overstates 2019 by 10 % (e on the Total row)? What if
// Asia-Pacific starts slow (e on its row, a year of its own)? How wide is
// the range if its rate is 18 to 30 %, or 19.5 to 30 (m: tab to the
// range, r, v for its own rates only, the histogram)? What would 150 take
// (g, warned)? And the grid of two assumptions (T). The scenario saved
// with s reopens in the command line, whose Monte Carlo gives the numbers
// the screen gave.
func TestEveryAssumptionInReach(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	ws := t.TempDir()
	s := startTmux(t, 120, 40, binary, "--workspace", ws)
	s.WaitForText("Scenario: Base (report)", "1 Component")

	// e on the Total row: tab, tab to the market's size.
	s.Type("e")
	s.Keys("Tab", "Tab")
	s.WaitForText("Market size in 2019, US$ bn: 51.20")
	s.Type("46.08")
	s.Keys("Enter")
	s.WaitForText("The market is US$ 46.08 bn in 2019 in this scenario", "unsaved")

	// e on Asia-Pacific: its growth in 2021, a slow start.
	s.Type("4jjj")
	s.WaitForStyled("Asia-Pacific selected", func(styled string) bool { return highlighted(styled, "Asia-Pacific") })
	s.Type("e")
	s.Keys("Tab", "Tab", "Tab")
	s.WaitForText("Asia-Pacific growth in 2020 %: CAGR")
	s.Keys("Up")
	s.WaitForText("Asia-Pacific growth in 2021 %: CAGR")
	s.Type("5")
	s.Keys("Enter")
	s.WaitFor("Asia-Pacific marked ~", func(screen string) bool {
		return regexp.MustCompile(`Asia-Pacific ›\s+25\.2\s+22\.5\s+\d+\.\d ~`).MatchString(screen)
	})

	// m: a range of 18 to 30 %, then its own rates only.
	s.Type("m")
	s.WaitForText("Draws: every growth rate in the tree", "2027, paths by value", "◂ P50")
	s.Keys("Tab")
	s.Type("18")
	s.Keys("Tab")
	s.Type("30")
	s.Keys("Enter")
	s.WaitForText("drawn from 18", "(cagr_range_pct, entered 22.50 %)")
	// r: the default spread again; then a high of 30 over the low offered.
	s.Type("r")
	s.WaitForText("(default ±3 pp, entered 22.50 %)")
	s.Type("30")
	s.Keys("Enter")
	s.WaitForText("drawn from 19.50", "(cagr_range_pct, entered 22.50 %)")
	s.Type("v")
	screen := s.WaitForText("only Region/Asia-Pacific's own rates drawn (its CAGR and its years with a rate of their own)", "P50")
	p50 := regexp.MustCompile(`P50\s+(?:[\d.]+\s+){8}([\d.]+)`).FindStringSubmatch(screen)
	if p50 == nil {
		t.Fatalf("no 2027 median on the Monte Carlo screen:\n%s", s.showing(screen))
	}
	s.Keys("Escape")
	s.WaitFor("the panes again", func(screen string) bool { return !strings.Contains(screen, "Monte Carlo ·") })

	// g 150: an answer, warned about.
	s.Type("g150")
	s.Keys("Enter")
	s.WaitForText("Answer: enter 75.57 % a year", "Asia-Pacific then grows 37.69 % a year 2019–2027", "Warning:", "more than twice the market's")
	s.Keys("Escape")
	s.WaitFor("the panes again", func(screen string) bool { return !strings.Contains(screen, "Goal seek ·") })

	// T: the data table, the current cell marked.
	s.Type("T")
	screen = s.WaitForText("Data table · Asia-Pacific in 2027", "rows:", "columns:")
	if !regexp.MustCompile(`\[\d+\.\d\d\]`).MatchString(screen) {
		t.Errorf("no current cell marked:\n%s", s.showing(screen))
	}
	s.Keys("Escape")
	s.WaitFor("the panes again", func(screen string) bool { return !strings.Contains(screen, "Data table ·") })

	// Saved, the scenario holds all of it; the command line agrees.
	s.Type("s")
	s.WaitForText("Save scenario as:")
	s.Type("Sceptical")
	s.Keys("Enter")
	s.WaitForText("Saved Sceptical")
	s.Type("q")
	if code := s.WaitExit(); code != 0 {
		t.Errorf("exit %d", code)
	}
	file := filepath.Join(ws, "sceptical.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"total: {value: 46.08}", `"Region/Asia-Pacific": {growth_by_year_pct: {2021: 5}, cagr_range_pct: [19.5, 30]}`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the saved scenario lacks %s:\n%s", want, data)
		}
	}
	r := runCLI(t, "", "montecarlo", "--scenario", file, "--node", "Region/Asia-Pacific", "--vary", "node")
	r.wantCode(t, 0, "montecarlo --vary node")
	if !regexp.MustCompile(`2027\s+[\d.]+\s+` + regexp.QuoteMeta(p50[1]) + `\s`).MatchString(r.stdout) {
		t.Errorf("the screen's 2027 median %s is not the command line's:\n%s", p50[1], r.stdout)
	}
	r = runCLI(t, "", "export", "--scenario", file)
	r.wantCode(t, 0, "export")
	if !strings.Contains(r.stdout, "Sceptical,Total,Total,,2019,46.08,100,") {
		t.Errorf("the export does not start at the scenario's 46.08:\n%s", r.stdout[:min(len(r.stdout), 400)])
	}
}
