package e2e

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"iomt/internal/testkit"
)

// The built-in scenarios and the start of their descriptions, as
// assets/scenarios holds them.
var builtinScenarios = []struct{ name, desc string }{
	{"Base (report)", "Exactly the report: the market grows from US$ 51.2 bn in 2019"},
	{"Accelerated adoption", "The report's drivers play out faster"},
	{"Security headwinds", "The report's main challenge bites"},
}

// TestScenarioSaveReopenCompare walks through the scenario features as a
// user: change a growth rate, save under a name, quit; open the saved file
// again and see the change; compare it with the Base (report).
func TestScenarioSaveReopenCompare(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	ws := t.TempDir()
	saved := filepath.Join(ws, "telemedicine-push.yaml")

	// First run: edit, save, quit.
	s := startTmux(t, 160, 48, binary, "--workspace", ws)
	s.WaitForText("Scenario: Base (report)", "1 Component")
	s.Type("2")
	screen := s.WaitForText("Telemedicine", "Inpatient Monitoring")
	if row, ok := testkit.FindTreeRow(screen, "Telemedicine"); !ok || row.CAGR != "19.0" {
		t.Fatalf("Telemedicine row %+v (found %v), want CAGR 19.0:\n%s", row, ok, s.showing(screen))
	}
	s.Type("j")
	s.WaitForStyled("Telemedicine selected", func(styled string) bool { return highlighted(styled, "Telemedicine") })
	s.Type("+")
	waitRowCAGR(s, "Telemedicine", "19.5", true)

	s.Type("s")
	// An edited built-in is not offered its own name: the prompt is empty.
	s.WaitForText("Save scenario as:", "a name of your own")
	s.Type("Telemedicine push")
	s.Keys("Enter")
	screen = s.WaitForText("Saved Telemedicine push", "Scenario: Telemedicine push")
	if strings.Contains(screen, "unsaved") {
		t.Errorf("still marked unsaved after saving:\n%s", s.showing(screen))
	}
	s.Type("q")
	if status := s.WaitExit(); status != 0 {
		t.Errorf("exit status after q: %d, want 0", status)
	}
	data, err := os.ReadFile(saved)
	if err != nil {
		t.Fatalf("the saved scenario: %v (workspace holds %v)", err, dirList(t, ws))
	}
	text := string(data)
	for _, want := range []string{`scenario: "Telemedicine push"`, `"Application/Telemedicine": {cagr_pct: 19.5}`} {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %s:\n%s", saved, want, text)
		}
	}

	// Second run: open the file, see the change, compare.
	s = startTmux(t, 160, 48, binary, "--workspace", ws, "--scenario", saved)
	screen = s.WaitForText("Scenario: Telemedicine push", "1 Component")
	if strings.Contains(screen, "unsaved") {
		t.Errorf("a freshly opened scenario is marked unsaved:\n%s", s.showing(screen))
	}
	s.Type("2")
	waitRowCAGR(s, "Telemedicine", "19.5", false)

	s.Type("c")
	screen = s.WaitForText("Compare Telemedicine push with", "Base (report)", "Security headwinds")
	// The built-ins come first, Base (report) at the top, selected.
	if i, j := strings.Index(screen, "Base (report)"), strings.Index(screen, "Accelerated adoption"); i < 0 || j < 0 || i > j {
		t.Fatalf("Base (report) is not the first scenario offered:\n%s", s.showing(screen))
	}
	s.Keys("Enter")
	s.WaitForText("vs Base (report)", "Table: side by side")
	s.Type("V")
	screen = s.WaitForText("Table: differences, each minus Telemedicine push")
	// Telemedicine grows slower in the Base (report): its row in the
	// table shows the Base below this scenario after the base year.
	if !diffInTable(screen, "Telemedicine", -1) {
		t.Errorf("the compare table shows no loss for Telemedicine in the Base:\n%s", s.showing(screen))
	}
	// c opens the picker with Base (report) marked, at the top: space
	// takes the mark off, enter stops comparing.
	s.Type("c")
	s.WaitForText("[1] Base (report)")
	s.Keys("Space")
	s.WaitForText("[ ] Base (report)")
	s.Keys("Enter")
	s.WaitFor("compare mode left", func(screen string) bool {
		return !strings.Contains(screen, "Table: differences") && !strings.Contains(screen, "vs Base (report)")
	})
	s.Type("q")
	if status := s.WaitExit(); status != 0 {
		t.Errorf("exit status after q: %d, want 0", status)
	}

	// The command line lists it with the built-ins.
	r := runCLI(t, "", "scenarios", "--workspace", ws)
	r.wantCode(t, 0, "scenarios --workspace "+ws)
	if !strings.Contains(r.stdout, "Telemedicine push  ("+saved+")") {
		t.Errorf("iomt scenarios does not list the saved scenario with its file:\n%s", r.stdout)
	}
}

var bnDiff = regexp.MustCompile(`^[+-]\d+\.\d\d$`)

// diffInTable reports whether the year table's row for name (below the
// "Table:" title) holds a difference in US$ bn of the sign asked (+1 or
// -1).
func diffInTable(screen, name string, sign float64) bool {
	_, table, ok := strings.Cut(screen, "Table:")
	if !ok {
		return false
	}
	for line := range strings.SplitSeq(table, "\n") {
		fields := strings.Fields(strings.Trim(line, "│┃ "))
		if len(fields) == 0 || fields[0] != name {
			continue
		}
		for _, f := range fields[1:] {
			// US$ bn cells have two decimals; the Δshare column has one.
			if v, err := strconv.ParseFloat(f, 64); err == nil && bnDiff.MatchString(f) && v*sign > 0 {
				return true
			}
		}
	}
	return false
}

func dirList(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := os.ReadDir(dir)
	var out []string
	for _, f := range files {
		out = append(out, f.Name())
	}
	return out
}

func TestScenariosCommand(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	mine := filepath.Join(ws, "my-plan.yaml")
	other := filepath.Join(ws, "other.yaml")
	broken := filepath.Join(ws, "broken.yaml")
	for path, text := range map[string]string{
		mine:                              "scenario: My plan\ndescription: Faster telemedicine uptake\ndataset: Internet of Medical Things\nsegments:\n  Application/Telemedicine: {cagr_pct: 24}\n",
		other:                             "scenario: Other market\ndescription: for smart homes\ndataset: Smart Home Energy\n",
		broken:                            "scenario: [unclosed\n",
		filepath.Join(ws, ".hidden.yaml"): "scenario: Hidden\n",
		filepath.Join(ws, "notes.txt"):    "scenario: Notes\n",
	} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := runCLI(t, "", "scenarios", "--workspace", ws)
	r.wantCode(t, 0, "scenarios --workspace")
	out := r.stdout
	if !strings.HasPrefix(out, "Workspace: "+ws+"\n") {
		t.Errorf("the listing does not start with the workspace:\n%s", out)
	}
	// Each scenario, in order, with its description on the next line.
	type item struct{ head, desc string }
	want := []item{}
	for _, b := range builtinScenarios {
		want = append(want, item{b.name + "  (built in)", "  " + b.desc})
	}
	want = append(want,
		item{"broken.yaml  (" + broken + ")", "  INVALID: " + broken + ":1:"},
		item{"My plan  (" + mine + ")", "  Faster telemedicine uptake"},
		item{"Other market  (" + other + ")", "  for smart homes"},
	)
	lines := strings.Split(out, "\n")
	at := 0
	for _, w := range want {
		i := at
		for i < len(lines) && lines[i] != w.head {
			i++
		}
		if i >= len(lines) {
			t.Errorf("iomt scenarios does not list %q (in order):\n%s", w.head, out)
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], w.desc) {
			t.Errorf("%q is not followed by %q:\n%s", w.head, w.desc, out)
		}
		at = i + 1
	}
	for _, hidden := range []string{"Hidden", "Notes"} {
		if strings.Contains(out, hidden) {
			t.Errorf("iomt scenarios lists %s, which is not a scenario file:\n%s", hidden, out)
		}
	}
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}

	// A workspace given that does not exist is an error naming it (a
	// typo in --workspace must not look like an empty workspace), and it
	// is not created by looking.
	missing := filepath.Join(t.TempDir(), "not-yet")
	r = runCLI(t, "", "scenarios", "--workspace", missing)
	r.wantCode(t, 1, "scenarios --workspace missing")
	if !strings.Contains(r.stderr, "workspace "+missing+" does not exist") {
		t.Errorf("stderr does not name the missing workspace: %q", r.stderr)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("listing created the workspace folder (%v)", err)
	}
}

// TestExportCompare: --compare adds three columns; diff is the value minus
// the compared value on every row, and the compared value is B's own.
func TestExportCompare(t *testing.T) {
	t.Parallel()
	a := filepath.Join(repoRoot, "assets", "scenarios", "accelerated-adoption.yaml")
	b := filepath.Join(repoRoot, "assets", "scenarios", "base.yaml")
	r := runCLI(t, "", "export", "--scenario", a, "--compare", b)
	r.wantCode(t, 0, "export --scenario A --compare B")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%.400s", err, r.stdout)
	}
	wantHead := csvHeader + ",compare_scenario,compare_value_usd_bn,diff_usd_bn,diff_pct"
	if got := strings.Join(recs[0], ","); got != wantHead || len(recs[0]) != 12 {
		t.Fatalf("header %q (%d columns), want %q (12)", got, len(recs[0]), wantHead)
	}
	rb := runCLI(t, "", "export", "--scenario", b)
	rb.wantCode(t, 0, "export --scenario B")
	recsB, err := csv.NewReader(strings.NewReader(rb.stdout)).ReadAll()
	if err != nil || len(recsB) != len(recs) {
		t.Fatalf("B's own export: %d rows (%v), the comparison %d", len(recsB), err, len(recs))
	}
	num := func(row int, field string) float64 {
		t.Helper()
		v, err := strconv.ParseFloat(field, 64)
		if err != nil {
			t.Fatalf("row %d: %q is not a number: %v", row, field, err)
		}
		return v
	}
	differ := 0
	for i, rec := range recs[1:] {
		row := i + 1
		if len(rec) != 12 || rec[8] != "Base (report)" {
			t.Fatalf("row %d has %d fields, compare_scenario %q", row, len(rec), rec[8])
		}
		if rec[0] != "Accelerated adoption" {
			t.Fatalf("row %d: scenario %q", row, rec[0])
		}
		// Same segment and year as B's own export, whose value is the
		// compared value.
		if strings.Join(rec[1:5], ",") != strings.Join(recsB[row][1:5], ",") || rec[9] != recsB[row][5] {
			t.Fatalf("row %d: %q, compare value %s; B's own row is %q", row, rec[1:5], rec[9], recsB[row])
		}
		v, c, d := num(row, rec[5]), num(row, rec[9]), num(row, rec[10])
		tol := 1e-9 * math.Max(1, math.Max(math.Abs(v), math.Abs(c)))
		if math.Abs(d-(v-c)) > tol {
			t.Errorf("row %d (%s %s): diff %v, but value − compare value = %v − %v = %v", row, rec[2], rec[4], d, v, c, v-c)
		}
		if c == 0 {
			if rec[11] != "" {
				t.Errorf("row %d: diff_pct %q of a zero compare value, want empty", row, rec[11])
			}
		} else if p := num(row, rec[11]); math.Abs(p*c/100-d) > tol {
			t.Errorf("row %d: diff_pct %v is not diff / compare value × 100 (%v)", row, p, d/c*100)
		}
		if math.Abs(d) > 1e-6 {
			differ++
		}
	}
	if differ == 0 {
		t.Error("no row differs: the two scenarios should")
	}
}
