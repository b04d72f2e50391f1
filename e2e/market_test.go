package e2e

import (
	"encoding/csv"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"iomt/internal/testkit"
)

// TestAnotherMarket runs the built program on the test data's EUR-million
// market as a consultant would with their own: the dashboard in tmux at
// 80×24 speaks of € m with every number whole, the picker offers the
// market's own Base, and the export names its columns after the unit.
func TestAnotherMarket(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	ds := filepath.Join(repoRoot, "testdata", "eu-digital-pathology.yaml")
	s := startTmux(t, 80, 24, binary, "--dataset", ds)
	s.WaitFor("the EUR market's dashboard", func(screen string) bool {
		return testkit.ContainsAll(screen, "European Digital Pathology", "1 Offering", "2 Country", "€ m")
	})
	s.Keys("2")
	screen := s.WaitForText("21,521.83", "Germany", "1-2 dimension tab")
	for _, foreign := range []string{"US$", " bn", "IoMT", "Medical"} {
		if strings.Contains(screen, foreign) {
			t.Errorf("the EUR market's screen says %q:\n%s", foreign, screen)
		}
	}
	if regexp.MustCompile(`\d…`).MatchString(screen) {
		t.Errorf("a number is cut:\n%s", screen)
	}
	s.Keys("o")
	screen = s.WaitForText("Open a scenario")
	if !strings.Contains(screen, "Base") || strings.Contains(screen, "Accelerated adoption") {
		t.Errorf("the picker does not offer the market's own Base only:\n%s", screen)
	}
	s.Keys("Escape")
	s.WaitFor("the picker closed", func(screen string) bool { return !strings.Contains(screen, "Open a scenario") })
	s.Keys("q")
	if code := s.WaitExit(); code != 0 {
		t.Errorf("q exited %d", code)
	}

	r := runCLI(t, "", "export", "--dataset", ds, "--scenario", "base")
	r.wantCode(t, 0, "export --dataset eu --scenario base")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || strings.Join(rows[0], ",") != "scenario,dimension,segment,parent,year,value_eur_million,share_pct,growth_pct" {
		t.Errorf("export header %v (%v)", rows[0], err)
	}
	six := filepath.Join(repoRoot, "testdata", "uk-veterinary-telehealth.yaml")
	r = runCLI(t, "", "export", "--dataset", six, "--format", "md")
	r.wantCode(t, 0, "export --dataset uk --format md")
	if !strings.Contains(r.stdout, "## Payer") || !strings.Contains(r.stdout, "£ thousand") {
		t.Errorf("the six-dimension market's Markdown lacks its sixth dimension or its unit:\n%s", r.stdout[:min(len(r.stdout), 600)])
	}
}
