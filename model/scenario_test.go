package model

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadScenario works through the scenario semantics of docs/DESIGN.md §3 on
// the embedded dataset, with the expected shares computed by hand from the
// dataset's figures:
//
//	Component:   Medical Devices 36.6, Systems and Software 28, Services 22.4, Connecting Technology 13
//	Application: Telemedicine 31.2, Clinical Operations 21, Connected Imaging 15.5,
//	             Inpatient Monitoring 12.5, Medication Management 11, Other Applications 8.8
//	North America: United States 88, Canada 8, Rest of North America 4
func TestLoadScenario(t *testing.T) {
	ds := embedded(t)
	base := ds.Base()
	p := func(path string) int { return mustLookup(t, ds, path) }
	type share struct {
		path string
		want float64
	}
	for _, c := range []struct {
		name   string
		yaml   string
		shares []share // within 1e-12; bit for bit when the scenario names them
		scaled bool    // named shares within the tolerance of 100, scaled to add up
		check  func(t *testing.T, a Assumptions)
	}{
		{
			name: "one share named, the others absorb in proportion",
			// 40 for Medical Devices leaves 60 for 28 + 22.4 + 13 = 63.4.
			yaml: "scenario: S\nsegments:\n  Component/Medical Devices: {share_pct: 40}\n",
			shares: []share{
				{"Component/Medical Devices", 40},
				{"Component/Systems and Software", 28.0 / 63.4 * 60},  // 26.4984…
				{"Component/Services", 22.4 / 63.4 * 60},              // 21.1987…
				{"Component/Connecting Technology", 13.0 / 63.4 * 60}, // 12.3028…
				{"Application/Telemedicine", 31.2},                    // other groups untouched
				{"Region/North America/United States", 88},
			},
		},
		{
			name: "a child share",
			// 80 for the United States leaves 20 for Canada 8 and the rest 4.
			yaml: "scenario: S\nsegments:\n  Region/North America/United States: {share_pct: 80}\n",
			shares: []share{
				{"Region/North America/United States", 80},
				{"Region/North America/Canada", 20.0 * 8 / 12},
				{"Region/North America/Rest of North America", 20.0 * 4 / 12},
			},
		},
		{
			name: "two shares named in one group",
			// 35 + 15 = 50 named; 50 left for 21 + 15.5 + 11 + 8.8 = 56.3.
			yaml: "scenario: S\nsegments:\n  Application/Telemedicine: {share_pct: 35}\n  Application/Inpatient Monitoring: {share_pct: 15}\n",
			shares: []share{
				{"Application/Telemedicine", 35},
				{"Application/Inpatient Monitoring", 15},
				{"Application/Clinical Operations and Workflow Management", 21 / 56.3 * 50},
				{"Application/Connected Imaging", 15.5 / 56.3 * 50},
				{"Application/Medication Management", 11 / 56.3 * 50},
				{"Application/Other Applications", 8.8 / 56.3 * 50},
			},
		},
		{
			name: "every sibling named, adding up to 100",
			yaml: "scenario: S\nsegments:\n  End-User/Hospitals, Surgical Centers, and Clinics: {share_pct: 70.5}\n" +
				"  End-User/Clinical Research Organizations: {share_pct: 19.25}\n  End-User/Other End-Users: {share_pct: 10.25}\n",
			shares: []share{
				{"End-User/Hospitals, Surgical Centers, and Clinics", 70.5},
				{"End-User/Clinical Research Organizations", 19.25},
				{"End-User/Other End-Users", 10.25},
			},
		},
		{
			name:   "every sibling named, within the 0.05 tolerance",
			scaled: true,
			// 70 + 20 + 10.04 = 100.04: normalised so the group adds up.
			yaml: "scenario: S\nsegments:\n  End-User/Hospitals, Surgical Centers, and Clinics: {share_pct: 70}\n" +
				"  End-User/Clinical Research Organizations: {share_pct: 20}\n  End-User/Other End-Users: {share_pct: 10.04}\n",
			shares: []share{
				{"End-User/Hospitals, Surgical Centers, and Clinics", 70 / 100.04 * 100},
				{"End-User/Other End-Users", 10.04 / 100.04 * 100},
			},
		},
		{
			name:   "named shares just over 100, within the tolerance",
			scaled: true,
			// 60 + 40.03: the unnamed siblings get nothing and the group
			// still adds up to 100 (checked for every scenario below).
			yaml: "scenario: S\nsegments:\n  Component/Medical Devices: {share_pct: 60}\n  Component/Services: {share_pct: 40.03}\n",
			shares: []share{
				{"Component/Medical Devices", 60 / 100.03 * 100},
				{"Component/Services", 40.03 / 100.03 * 100},
				{"Component/Systems and Software", 0},
				{"Component/Connecting Technology", 0},
			},
		},
		{
			name: "locked flag, growth and total overrides",
			yaml: "scenario: Locks\ndescription: |\n  two lines\n  of description\ndataset: Internet of Medical Things\n" +
				"total: {cagr_pct: 21, growth_by_year_pct: {2020: 9, 2027: -2.5}}\nsegments:\n" +
				"  Component/Medical Devices: {locked: true}\n  Application/Telemedicine: {cagr_pct: 24, locked: false}\n",
			check: func(t *testing.T, a Assumptions) {
				md, tm := p("Component/Medical Devices"), p("Application/Telemedicine")
				if !a.Locked[md] || a.Locked[tm] || a.Share[md] != base.Share[md] {
					t.Errorf("Medical Devices locked %v share %v; Telemedicine locked %v", a.Locked[md], a.Share[md], a.Locked[tm])
				}
				if a.Growth[0] != 21 || a.Growth[tm] != 24 || a.Growth[md] != base.Growth[md] {
					t.Errorf("growth: total %v, Telemedicine %v, Medical Devices %v", a.Growth[0], a.Growth[tm], a.Growth[md])
				}
				if a.YearGrowth[0] != 9 || a.YearGrowth[7] != -2.5 || !math.IsNaN(a.YearGrowth[3]) || a.TotalGrowth(4) != 21 {
					t.Errorf("year rates %v", a.YearGrowth)
				}
				n := 0
				for i := range a.Locked {
					if a.Locked[i] {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d locked, want 1", n)
				}
			},
		},
		{
			name: "a null year rate takes the dataset's away",
			yaml: "scenario: S\ntotal:\n  growth_by_year_pct:\n    2020: null\n",
			check: func(t *testing.T, a Assumptions) {
				if !math.IsNaN(a.YearGrowth[0]) || a.TotalGrowth(1) != 18.5 {
					t.Errorf("2020 rate %v", a.YearGrowth[0])
				}
			},
		},
		{
			name: "bottom-up with a driver",
			yaml: "scenario: S\nmode: bottom-up\ndriver: Region\n",
			check: func(t *testing.T, a Assumptions) {
				if a.Mode != BottomUp || a.Driver != 3 {
					t.Errorf("mode %v driver %d, want bottom-up 3", a.Mode, a.Driver)
				}
			},
		},
		{
			name: "top-down keeps a driver for later",
			yaml: "scenario: S\nmode: top-down\ndriver: Application\n",
			check: func(t *testing.T, a Assumptions) {
				if a.Mode != TopDown || a.Driver != 1 {
					t.Errorf("mode %v driver %d, want top-down 1", a.Mode, a.Driver)
				}
			},
		},
		{
			name: "a scenario of one key changes nothing",
			yaml: "scenario: Just a name",
			check: func(t *testing.T, a Assumptions) {
				if !a.Equal(base) {
					t.Error("differs from the dataset")
				}
			},
		},
		{
			name: "JSON",
			yaml: `{"scenario": "S", "mode": "bottom-up", "driver": "Component", "total": {"growth_by_year_pct": {"2021": 30}},
			        "segments": {"Component/Services": {"share_pct": 22.4, "cagr_pct": 20}}}`,
			shares: []share{{"Component/Services", 22.4}, {"Component/Medical Devices", 36.6}},
			check: func(t *testing.T, a Assumptions) {
				if a.Mode != BottomUp || a.Driver != 0 || a.YearGrowth[1] != 30 || a.Growth[p("Component/Services")] != 20 {
					t.Errorf("mode %v driver %d 2021 %v growth %v", a.Mode, a.Driver, a.YearGrowth[1], a.Growth[p("Component/Services")])
				}
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, err := LoadScenario("s.yaml", []byte(c.yaml), ds)
			if err != nil {
				t.Fatal(err)
			}
			a := sc.Assumptions
			if err := checkState(ds, a); err != nil {
				t.Fatal(err)
			}
			for _, s := range c.shares {
				got := a.Share[p(s.path)]
				named := strings.Contains(c.yaml, s.path) && !c.scaled
				if named && got != s.want || math.Abs(got-s.want) > 1e-12 {
					t.Errorf("%s: %v, want %v (named %v)", s.path, got, s.want, named)
				}
			}
			if c.check != nil {
				c.check(t, a)
			}
			// Nothing the scenario does not name moves, except shares of
			// the groups it names.
			for i := range ds.Nodes {
				if a.Growth[i] != base.Growth[i] && c.check == nil {
					t.Errorf("%s: growth %v, dataset %v", ds.Nodes[i].Path, a.Growth[i], base.Growth[i])
				}
			}
		})
	}
}

// TestDesignExampleScenario loads the scenario of docs/DESIGN.md §3 verbatim.
func TestDesignExampleScenario(t *testing.T) {
	ds := embedded(t)
	path := filepath.Join("testdata", "good", "design_example.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := LoadScenario(path, data, ds)
	if err != nil {
		t.Fatal(err)
	}
	a := sc.Assumptions
	md := mustLookup(t, ds, "Component/Medical Devices")
	if sc.Name != "Accelerated adoption" || sc.Description != "Faster telemedicine uptake after 2020" || sc.Dataset != ds.Market {
		t.Errorf("name %q, description %q, dataset %q", sc.Name, sc.Description, sc.Dataset)
	}
	if a.Mode != TopDown || a.Driver != 3 || a.Growth[0] != 21 || a.YearGrowth[0] != 9 {
		t.Errorf("mode %v driver %d total %v 2020 %v", a.Mode, a.Driver, a.Growth[0], a.YearGrowth[0])
	}
	if a.Share[md] != 38 || !a.Locked[md] {
		t.Errorf("Medical Devices share %v locked %v", a.Share[md], a.Locked[md])
	}
	if n := mustLookup(t, ds, "Application/Telemedicine"); a.Growth[n] != 24 {
		t.Errorf("Telemedicine growth %v", a.Growth[n])
	}
	if n := mustLookup(t, ds, "Region/North America/United States"); a.Growth[n] != 15.5 {
		t.Errorf("United States growth %v", a.Growth[n])
	}
	if err := checkState(ds, a); err != nil {
		t.Error(err)
	}
}

// TestScenarioCRLF checks a scenario saved on Windows: line ends inside a
// multi-line description read as "\n", as YAML defines them.
func TestScenarioCRLF(t *testing.T) {
	ds := embedded(t)
	data := "# saved on Windows\r\nscenario: Windows\r\ndescription: |\r\n  two\r\n  lines\r\nsegments:\r\n  Application/Telemedicine: {cagr_pct: 24}\r\n"
	sc, err := LoadScenario("win.yaml", []byte(data), ds)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Description != "two\nlines\n" || sc.Name != "Windows" {
		t.Errorf("name %q, description %q", sc.Name, sc.Description)
	}
}

// TestQuotedTextOverLines: quoted text may run over several lines; only
// a parse failure on the line where such a text ends is blamed on its
// opening quote.
func TestQuotedTextOverLines(t *testing.T) {
	ds := embedded(t)
	for _, q := range []string{`"`, `'`} {
		doc := "scenario: Quoted\ndataset: Internet of Medical Things\nmode: top-down\ndescription: " + q + "one\n  two\n  three" + q + "\ntotal: {cagr_pct: 20}\n"
		sc, err := LoadScenario("q.yaml", []byte(doc), ds)
		if err != nil {
			t.Fatalf("%s over three lines: %v", q, err)
		}
		if sc.Description != "one two three" {
			t.Errorf("description %q, want the lines folded", sc.Description)
		}
	}
}

// TestCAGRWindow: a scenario keeps the window its realised CAGR is read
// over; the whole forecast is the zero window, however it is written; a
// window outside the forecast or backwards is refused, in a file and as
// an edit.
func TestCAGRWindow(t *testing.T) {
	ds := embedded(t)
	sc, err := LoadScenario("w.yaml", []byte("scenario: W\ncagr_window: [2021, 2027]\n"), ds)
	if err != nil || sc.Assumptions.Window != (Window{2021, 2027}) {
		t.Fatalf("cagr_window [2021, 2027]: %v, %+v", err, sc)
	}
	if from, to := sc.Assumptions.Window.Span(ds); from != 2021 || to != 2027 {
		t.Errorf("span %d–%d", from, to)
	}
	if data := string(ds.MarshalScenario(sc)); !strings.Contains(data, "\ncagr_window: [2021, 2027]\n") {
		t.Errorf("the window is not saved:\n%s", data)
	}
	whole, err := LoadScenario("w.yaml", []byte("scenario: W\ncagr_window: [2019, 2027]\n"), ds)
	if err != nil || whole.Assumptions.Window != (Window{}) || strings.Contains(string(ds.MarshalScenario(whole)), "cagr_window") {
		t.Errorf("the whole forecast as a window: %v, %+v", err, whole.Assumptions.Window)
	}
	for _, bad := range []string{"[2027, 2021]", "[2018, 2027]", "[2021, 2028]", "[2021]", "[2021, 2021]"} {
		if _, err := LoadScenario("w.yaml", []byte("scenario: W\ncagr_window: "+bad+"\n"), ds); err == nil || !strings.Contains(err.Error(), "w.yaml:2:") {
			t.Errorf("cagr_window %s: %v", bad, err)
		}
	}
	base := ds.Base()
	if _, err := ds.Apply(base, base, Edit{Kind: SetWindow, Window: Window{2025, 2021}}); err == nil {
		t.Error("a backwards window was applied")
	}
	a, err := ds.Apply(base, base, Edit{Kind: SetWindow, Window: Window{2021, 2027}})
	if err != nil || a.Window != (Window{2021, 2027}) || a.Equal(base) {
		t.Errorf("set the window: %v %+v", err, a.Window)
	}
}
