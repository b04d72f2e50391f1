package importer

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"iomt/model"
)

// pathScenario is a scenario with a base size of its own and a growth
// path on Asia-Pacific (issue 21), in mode.
func pathScenario(mode string) string {
	s := "scenario: Slow start\ndataset: Internet of Medical Things\n"
	if mode == "bottom-up" {
		s += "mode: bottom-up\ndriver: Region\n"
	}
	return s + `total: {value: 46.08}
segments:
  Region/Asia-Pacific:
    growth_by_year_pct: {2024: 30, 2025: 28}
`
}

// withScenario is ws with the scenario file text among its built-ins,
// and the scenario.
func withScenario(t *testing.T, ds *model.Dataset, ws *model.Workspace, text string) (*model.Workspace, *model.Scenario) {
	t.Helper()
	out := *ws
	out.Builtin = append(slices.Clone(ws.Builtin), model.Builtin{File: "slow-start.yaml", Data: []byte(text)})
	sc, err := out.Resolve("slow-start", ds)
	if err != nil {
		t.Fatal(err)
	}
	return &out, sc
}

// TestImportBaseValueAndPaths: a workbook exported from a scenario with
// its own market size and a segment's growth path comes back as that
// scenario, unedited, with no changes; edited (a path year changed, one
// emptied, the market size changed), as the scenario those inputs make,
// each change listed with its row, in top-down and bottom-up.
func TestImportBaseValueAndPaths(t *testing.T) {
	ds, ws := iomtWorkspace(t)
	apac, _ := node(t, ds, "Region/Asia-Pacific")
	for _, mode := range []string{"top-down", "bottom-up"} {
		t.Run(mode, func(t *testing.T) {
			ws, sc := withScenario(t, ds, ws, pathScenario(mode))
			path := exported(t, ds, ws, "slow-start")
			imp, err := importBook(t, path, ds, ws)
			if err != nil {
				t.Fatalf("unedited: %v", err)
			}
			// The dashboard's o picker lists it as a scenario to open.
			if e := WorkbookEntry(path, ds, ws); e.Err != nil || e.Description != "workbook: no changes against Slow start" {
				t.Errorf("the picker's entry: %q, %v", e.Description, e.Err)
			}
			if len(imp.Changes) != 0 || imp.Scenario.Name != "Slow start" {
				t.Errorf("unedited: name %q, changes %v", imp.Scenario.Name, imp.Changes)
			}
			if got := imp.Scenario.Assumptions; got.BaseValue != sc.Assumptions.BaseValue || !pathsSame(got.Paths, sc.Assumptions.Paths) {
				t.Errorf("unedited: base %v paths %v; exported %v %v", imp.Scenario.Assumptions.BaseValue, imp.Scenario.Assumptions.Paths,
					sc.Assumptions.BaseValue, sc.Assumptions.Paths)
			}

			partnerEdits(t, path, map[string]any{
				"Total/value": 50,
				"Region/Asia-Pacific/growth_by_year_pct/2024": 35,
				"Region/Asia-Pacific/growth_by_year_pct/2025": nil,
				"Region/Asia-Pacific/growth_by_year_pct/2026": 20,
			}, nil)
			imp, err = importBook(t, path, ds, ws)
			if err != nil {
				t.Fatalf("edited: %v", err)
			}
			a := imp.Scenario.Assumptions
			if a.BaseValue != 50 {
				t.Errorf("base value %v, want 50", a.BaseValue)
			}
			p := a.PathOf(apac)
			want := []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), 35, math.NaN(), 20, math.NaN()}
			if len(p) != len(want) {
				t.Fatalf("Asia-Pacific's path %v", p)
			}
			for i := range want {
				if math.IsNaN(want[i]) != math.IsNaN(p[i]) || !math.IsNaN(want[i]) && p[i] != want[i] {
					t.Errorf("Asia-Pacific in %d: %v, want %v", ds.BaseYear+1+i, p[i], want[i])
				}
			}
			var got []string
			for _, c := range imp.Changes {
				got = append(got, c.String())
			}
			row := func(p string) string { return " (row " + itoa(imp.rowFor(t, p)) + ")" }
			wantChanges := []string{
				"Total/value: 46.08 → 50" + row("Total/value"),
				"Region/Asia-Pacific/growth_by_year_pct/2024: 30 → 35" + row("Region/Asia-Pacific/growth_by_year_pct/2024"),
				"Region/Asia-Pacific/growth_by_year_pct/2025: 28 → the CAGR" + row("Region/Asia-Pacific/growth_by_year_pct/2025"),
				"Region/Asia-Pacific/growth_by_year_pct/2026: the CAGR → 20" + row("Region/Asia-Pacific/growth_by_year_pct/2026"),
			}
			if !slices.Equal(got, wantChanges) {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantChanges, "\n"))
			}
			y := string(imp.YAML)
			for _, w := range []string{"total: {value: 50}", `"Region/Asia-Pacific": {growth_by_year_pct: {2024: 35, 2026: 20}}`} {
				if !strings.Contains(y, w) {
					t.Errorf("the scenario file lacks %q:\n%s", w, y)
				}
			}
		})
	}
}

// TestImportPathsEmptiedAndBad: every year of a path emptied leaves the
// segment on its CAGR; a path year out of range, a market size of 0 and
// a path's row taken away are refused at their cells.
func TestImportPathsEmptiedAndBad(t *testing.T) {
	ds, ws := iomtWorkspace(t)
	ws, _ = withScenario(t, ds, ws, pathScenario("top-down"))
	apac, _ := node(t, ds, "Region/Asia-Pacific")
	years := map[string]any{}
	for y := 2020; y <= 2027; y++ {
		years["Region/Asia-Pacific/growth_by_year_pct/"+itoa(y)] = nil
	}
	path := exported(t, ds, ws, "slow-start")
	partnerEdits(t, path, years, nil)
	imp, err := importBook(t, path, ds, ws)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Scenario.Assumptions.HasPath(apac) || strings.Contains(string(imp.YAML), "growth_by_year_pct") {
		t.Errorf("every year emptied, yet a path: %v\n%s", imp.Scenario.Assumptions.PathOf(apac), imp.YAML)
	}

	path = exported(t, ds, ws, "slow-start")
	partnerEdits(t, path, map[string]any{"Total/value": 0, "Region/Asia-Pacific/growth_by_year_pct/2024": 1000}, nil)
	_, err = importBook(t, path, ds, ws)
	got := problems(t, err)
	if len(got) != 2 || !strings.Contains(got[0], "cell B2: base-year value 0: the market's size must be above 0") ||
		!strings.Contains(got[1], "growth rate 1000 % is out of range") {
		t.Errorf("problems:\n%s", strings.Join(got, "\n"))
	}

	path = exported(t, ds, ws, "slow-start")
	partnerEdits(t, path, nil, func(f *excelize.File, row map[string]int) {
		_ = f.RemoveRow("Inputs", row["Region/Asia-Pacific/growth_by_year_pct/2024"])
	})
	_, err = importBook(t, path, ds, ws)
	if got := problems(t, err); len(got) != 1 || !strings.HasSuffix(got[0], "sheet Inputs: no row for Region/Asia-Pacific/growth_by_year_pct/2024 (was it exported from another version of the dataset? rows must not be deleted)") {
		t.Errorf("a path's row taken away:\n%s", strings.Join(got, "\n"))
	}
}

// rowFor is the Inputs row of an input, failing the test without one.
func (s *ScenarioImport) rowFor(t *testing.T, path string) int {
	t.Helper()
	for _, c := range s.Changes {
		if c.Input == path {
			return c.Row
		}
	}
	t.Fatalf("no change of %s", path)
	return 0
}

// pathsSame reports whether two sets of growth paths are the same, NaN
// equal to NaN.
func pathsSame(a, b []model.Path) bool {
	return slices.EqualFunc(a, b, func(x, y model.Path) bool {
		return x.Node == y.Node && slices.EqualFunc(x.Rates, y.Rates, func(p, q float64) bool { return p == q || math.IsNaN(p) && math.IsNaN(q) })
	})
}
