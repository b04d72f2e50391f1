package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"iomt/assets"
	"iomt/forecast"
	"iomt/model"
)

// The command line's part of every assumption in reach: goal seek
// answers to quote, Monte Carlo shaped and seen, data tables, and the
// scenario file's base value and growth paths.

// TestGoalSeekQuote: the headline names both rates, the siblings are
// listed before and after, and an implausible answer is warned about,
// not refused (exit 0), in text and JSON.
func TestGoalSeekQuote(t *testing.T) {
	code, out, stderr := runCLI(t, "goalseek", "--node", "Region/Asia-Pacific", "--target", "60")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Enter 20.78 % a year as its own CAGR (now 22.50 %); Asia-Pacific then grows 21.18 % a year 2019–2027 (now 22.36 %) and reaches US$ 60 bn in 2027.",
		"Its siblings in 2027, US$ bn, before and after:",
		"  North America         53.94 → 55.89  +3.61 %",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("goalseek lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Warning") {
		t.Errorf("a plausible answer warned:\n%s", out)
	}
	code, out, _ = runCLI(t, "goalseek", "--node", "Region/Asia-Pacific", "--target", "190")
	if code != 0 || !strings.Contains(out, "Warning: 96.22 % a year is outside the rates the dataset holds (15.50 to 27.00 %).") ||
		!strings.Contains(out, "Warning: Region/Asia-Pacific would be 95.44 % of the total in 2027.") ||
		!strings.Contains(out, "more than twice the market's 18.50 %.") {
		t.Errorf("an implausible answer: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "goalseek", "--node", "Region/Asia-Pacific", "--target", "190", "--format", "json")
	var gs struct {
		Realised float64 `json:"realised_cagr_pct"`
		From, To int
		Siblings []struct {
			Node          string
			Before, After float64
		} `json:"siblings"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &gs); code != 0 || err != nil || math.Abs(gs.Realised-39.97) > 0.01 || len(gs.Siblings) != 4 ||
		gs.Siblings[2].Node != "Region/Middle East & Africa" || len(gs.Warnings) != 3 {
		t.Errorf("JSON: exit %d, %v: %+v\n%s", code, err, gs, out)
	}
}

// TestMonteCarloShape: --vary, --correlation and --histogram, as
// text and CSV; the bins add up to the paths; the same numbers as the
// forecast package's run; bad values are usage errors naming the flag.
func TestMonteCarloShape(t *testing.T) {
	code, out, stderr := runCLI(t, "montecarlo", "--node", "Region/Asia-Pacific", "--paths", "3000", "--vary", "node",
		"--correlation", "0.4", "--histogram", "--year", "2025", "--bins", "12", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 13 || strings.Join(recs[0], ",") != "bin_low,bin_high,paths" {
		t.Fatalf("histogram CSV (%v):\n%s", err, out)
	}
	ds, _ := model.LoadDataset(assets.DatasetName, assets.Dataset())
	ap, _ := ds.Lookup("Region/Asia-Pacific")
	sim, _ := forecast.MonteCarloDraws(context.Background(), ds, ds.Base(), ap, 3000, 1, forecast.Draws{Vary: forecast.VaryNode, Correlation: 0.4}, 1, nil)
	h, _ := sim.Histogram(2025-2019, 12)
	sum := 0
	for i, r := range recs[1:] {
		n, _ := strconv.Atoi(r[2])
		sum += n
		lo, _ := strconv.ParseFloat(r[0], 64)
		if n != h.Counts[i] || math.Abs(lo-h.Lo-(h.Hi-h.Lo)*float64(i)/12) > 1e-9*h.Hi {
			t.Errorf("bin %d: %v, the forecast's %d from %v", i, r, h.Counts[i], h.Lo+(h.Hi-h.Lo)*float64(i)/12)
		}
	}
	if sum != 3000 {
		t.Errorf("bins add up to %d, not the 3000 paths", sum)
	}
	_, text, _ := runCLI(t, "montecarlo", "--node", "Region/Asia-Pacific", "--paths", "3000", "--histogram")
	for _, want := range []string{"Region/Asia-Pacific in 2027, US$ bn: 3,000 paths, seed 1; every growth rate in the tree drawn", "◀ P10 ", "◀ P50 ", "◀ P90 "} {
		if !strings.Contains(text, want) {
			t.Errorf("histogram text lacks %q:\n%s", want, text)
		}
	}
	_, text, _ = runCLI(t, "montecarlo", "--node", "Total")
	if !strings.Contains(text, "Total, US$ bn: 10,000 paths, seed 1;") || !strings.Contains(text, "in top-down only the market's own rates move the total") {
		t.Errorf("a run on the total top-down does not say what moves it:\n%s", text)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--vary", "segment"}, "--vary: use all or node"},
		{[]string{"--correlation", "1.5"}, "--correlation: give one from 0"},
		{[]string{"--year", "2025"}, "only --histogram takes --year"},
		{[]string{"--histogram", "--bins", "0"}, "--bins: from 1 to 200"},
		{[]string{"--histogram", "--year", "2030"}, "--year: a year of 2019–2027"},
		// Once silently ignored: --above, and a chart drawn as the fan.
		{[]string{"--histogram", "--above", "200"}, "invalid --above with --histogram"},
		{[]string{"--histogram", "--format", "svg"}, "invalid --format svg with --histogram"},
		{[]string{"--histogram", "--format", "png"}, "invalid --format png with --histogram"},
	} {
		code, _, stderr := runCLI(t, append([]string{"montecarlo", "--node", "Total", "--paths", "10"}, c.args...)...)
		if code != 2 || !strings.Contains(flat(stderr), strings.ToLower(c.want)) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

// TestDataTableCommand: the CSV's first row names both parameters and
// the column values, each cell is the export's value of the same
// scenario with both set, the text marks the current cell; bad axes are
// usage errors naming their flag.
func TestDataTableCommand(t *testing.T) {
	code, out, stderr := runCLI(t, "datatable", "--node", "Region/Asia-Pacific", "--rows", "Total/cagr_pct=17:19:0.5",
		"--cols", "region/asia-pacific/cagr_pct=21.5:23.5:1", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 6 || strings.Join(recs[0], ",") != `Total/cagr_pct\Region/Asia-Pacific/cagr_pct,21.5,22.5,23.5` {
		t.Fatalf("CSV (%v):\n%s", err, out)
	}
	// The cell of 18 % and 23.5 %, against an export of that scenario.
	sc := writeFile(t, "cell.yaml", "scenario: Cell\ntotal: {cagr_pct: 18}\nsegments:\n  Region/Asia-Pacific: {cagr_pct: 23.5}\n")
	_, csvOut, _ := runCLI(t, "export", "--scenario", sc)
	if want := "Cell,Region,Asia-Pacific,,2027," + recs[3][3] + ","; recs[3][0] != "18" || !strings.Contains(csvOut, want) {
		t.Errorf("cell 18 × 23.5 is %s; the export has no %q", recs[3][3], want)
	}
	_, text, _ := runCLI(t, "datatable", "--node", "Region/Asia-Pacific", "--rows", "Total/cagr_pct=17:19:0.5",
		"--cols", "Region/Asia-Pacific/cagr_pct=21.5:23.5:1")
	if !strings.Contains(text, "[64.84]") || !strings.Contains(text, "Rows: Total/cagr_pct; columns: Region/Asia-Pacific/cagr_pct") {
		t.Errorf("text:\n%s", text)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rows", "Total/cagr_pct=15:20:1"}, `required flag(s) "cols" not set`},
		{[]string{"--rows", "Total/cagr_pct=15:20:0", "--cols", "Total/value=40:60:5"}, "--rows: a step of 0"},
		{[]string{"--rows", "Total/cagr_pct=15:20:1", "--cols", "Total/nothing=1:2:1"}, "for --cols: \"Total/nothing\""},
		{[]string{"--rows", "Total/cagr_pct=15:20:1", "--cols", "Region/Asia-Pacific/cagr_pct=20:25:1"}, "invalid --cols: Region/Asia-Pacific/cagr_pct does not move the total in 2027"},
		{[]string{"--rows", "Total/cagr_pct=0:999:0.1", "--cols", "Total/value=40:60:1"}, "too many cells: --rows and --cols make 9991 × 21 = 209,811, more than 10,000"},
		{[]string{"--rows", "Total/cagr_pct=0:999:0.1", "--cols", "Total/value=1:1000000:1"}, "1 to 1000000 by 1 is more than 10,000 values"},
		// Why, once, and the command line's way to another mode.
		{[]string{"--rows", "Region/Europe/cagr_pct=15:20:1", "--cols", "Total/value=40:60:5"}, "in top-down the segments' rates move their shares, not the total (try a scenario with mode: bottom-up and driver: Region)"},

		{[]string{"--rows", "Total/cagr_pct", "--cols", "Total/value=40:60:1"}, "PARAM=LOW:HIGH:STEP"},
	} {
		code, _, stderr := runCLI(t, append([]string{"datatable", "--node", "Total"}, c.args...)...)
		if code != 2 || !strings.Contains(flat(stderr), strings.ToLower(c.want)) || strings.Contains(stderr, "b for") || strings.Contains(stderr, "--Rows") {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	code, _, stderr = runCLI(t, "datatable", "--node", "Region/Europe", "--rows", "Component/Services/cagr_pct=1:3:1", "--cols", "Total/cagr_pct=15:20:1")
	if want := "invalid --rows: component/services/cagr_pct does not move region/europe in 2027: in top-down a segment's rate moves the shares of its own set of siblings, component's segments; region/europe is in another dimension, region."; code != 2 || !strings.Contains(flat(stderr), want) {
		t.Errorf("a rate of another dimension: exit %d, %s\nwant %q", code, stderr, want)
	}
}

// TestDataTableSharesOfOneSet: Europe's and Asia-Pacific's shares on
// the two axes hold both as given, whichever axis each is on: Europe at
// 10 % is one value in every column, the export of a scenario naming
// both; Asia-Pacific at 90 % with Europe at 20 % adds up to 110 % and is
// n/a, saying so. The columns' share used to rebalance the rows'.
func TestDataTableSharesOfOneSet(t *testing.T) {
	eu, ap := "Region/Europe/share_pct=10:30:10", "Region/Asia-Pacific/share_pct=30:90:10"
	table := func(rows, cols string) [][]string {
		t.Helper()
		code, out, stderr := runCLI(t, "datatable", "--node", "Region/Europe", "--year", "2019", "--rows", rows, "--cols", cols, "--format", "csv")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	byEU, byAP := table(eu, ap), table(ap, eu)
	sc := writeFile(t, "pair.yaml", "scenario: Pair\nsegments:\n  Region/Europe: {share_pct: 10}\n  Region/Asia-Pacific: {share_pct: 40}\n")
	_, csvOut, _ := runCLI(t, "export", "--scenario", sc)
	want := ""
	for _, line := range strings.Split(csvOut, "\n") {
		if strings.HasPrefix(line, "Pair,Region,Europe,,2019,") {
			want = strings.Split(line, ",")[5]
		}
	}
	if want == "" {
		t.Fatalf("no Europe 2019 in the export:\n%s", csvOut)
	}
	for ci := 1; ci < len(byEU[1]); ci++ {
		if byEU[1][ci] != want {
			t.Errorf("Europe at 10 %%, Asia-Pacific at %s %%: %s; the export of a scenario naming both: %s", byEU[0][ci], byEU[1][ci], want)
		}
	}
	for ri := 1; ri < len(byEU); ri++ {
		for ci := 1; ci < len(byEU[ri]); ci++ {
			if a, b := byEU[ri][ci], byAP[ci][ri]; a != b {
				t.Errorf("Europe %s %%, Asia-Pacific %s %%: %q, axes swapped %q", byEU[ri][0], byEU[0][ci], a, b)
			}
		}
	}
	if byEU[2][7] != "" {
		t.Errorf("Europe 20 %% with Asia-Pacific 90 %% is %q, want n/a (110 %%)", byEU[2][7])
	}
	_, text, _ := runCLI(t, "datatable", "--node", "Region/Europe", "--year", "2019", "--rows", eu, "--cols", ap)
	if !strings.Contains(flat(text), "region/europe/share_pct at 20 % and region/asia-pacific/share_pct at 90 % add up to 110 %") {
		t.Errorf("the n/a's reason:\n%s", text)
	}
}

// TestScenarioBaseValueAndPath: a scenario file's base value and growth
// path reach the export, and bad ones are refused with their place.
func TestScenarioBaseValueAndPath(t *testing.T) {
	sc := writeFile(t, "over.yaml", "scenario: Over\ntotal: {value: 46.08}\nsegments:\n  Region/Asia-Pacific: {growth_by_year_pct: {2020: 0}}\n")
	code, out, stderr := runCLI(t, "export", "--scenario", sc)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tot := totals(t, out)
	if tot[2019] != 46.08 || math.Abs(tot[2027]-46.08*math.Pow(1.185, 8)) > 1e-6 {
		t.Errorf("totals %v", tot)
	}
	bad := writeFile(t, "bad.yaml", "scenario: Bad\ntotal: {value: 0}\nsegments:\n  Region/Asia-Pacific: {growth_by_year_pct: {2031: 5}}\n")
	code, _, stderr = runCLI(t, "validate", bad)
	if code != 1 || !strings.Contains(stderr, "bad.yaml:2:16: base-year value 0: the market's size must be above 0") ||
		!strings.Contains(stderr, "bad.yaml:4:46: growth year 2031 is outside the forecast years 2020–2027") {
		t.Errorf("validate: exit %d\n%s", code, stderr)
	}
}

// flat is a message as fang prints it, in lower case on one line: fang
// capitalises a usage error and wraps it at the terminal's width.
func flat(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
