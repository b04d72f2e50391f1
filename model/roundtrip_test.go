package model

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// scenarioNames are names and descriptions a user might type, including
// the characters YAML treats specially.
var scenarioNames = []string{
	"Base", "Accelerated adoption", "Bull: 25 % CAGR", "# not a comment", "- not a list",
	`"quoted" and 'single'`, "null", "true", "2027", "Élan vital → 中文", "two  spaces  inside", "a\\b",
	"{flow: map}", "[list]", "&anchor *alias", "!tag", "@at `tick`", "key: value, other: 1",
}

// TestMarshalScenarioRoundTrip saves random edited states and opens them
// again: a saved scenario reopens to the state that was saved, every
// share, rate, lock, mode and year rate within 1e-9, and saving it again
// writes the same file.
func TestMarshalScenarioRoundTrip(t *testing.T) {
	const runs = 400
	for _, ds := range []*Dataset{embedded(t), small(t)} {
		t.Run(ds.Market, func(t *testing.T) {
			r := rand.New(rand.NewPCG(2027, uint64(len(ds.Nodes))))
			gen := editGen{r: r, ds: ds}
			base := ds.Base()
			for run := range runs {
				a := base.Clone()
				for range r.IntN(60) {
					if next, err := ds.Apply(base, a, gen.edit(a)); err == nil {
						a = next
					}
				}
				sc := &Scenario{
					Name:        scenarioNames[r.IntN(len(scenarioNames))],
					Description: scenarioNames[r.IntN(len(scenarioNames))],
					Assumptions: a,
				}
				if r.IntN(4) == 0 {
					sc.Description = "" // no description line at all
				}
				data := ds.MarshalScenario(sc)
				back, err := LoadScenario("saved.yaml", data, ds)
				if err != nil {
					t.Fatalf("run %d: saved scenario does not load: %v\n%s", run, err, data)
				}
				if !approxEqual(back.Assumptions, a, 1e-9) {
					t.Fatalf("run %d: reopened state differs:\n%s\n%s", run, describeDiff(ds, a, back.Assumptions), data)
				}
				if back.Name != sc.Name || back.Description != sc.Description || back.Dataset != ds.Market {
					t.Fatalf("run %d: name %q, description %q, dataset %q; want %q, %q, %q",
						run, back.Name, back.Description, back.Dataset, sc.Name, sc.Description, ds.Market)
				}
				// Saving the reopened scenario writes the same file.
				if again := ds.MarshalScenario(back); !bytes.Equal(again, data) {
					t.Fatalf("run %d: second save differs:\n%s\n---\n%s", run, data, again)
				}
			}
		})
	}
}

// describeDiff names the entries where two states differ.
func describeDiff(ds *Dataset, want, got Assumptions) string {
	var b strings.Builder
	if want.Mode != got.Mode || want.Driver != got.Driver {
		fmt.Fprintf(&b, "mode/driver %v/%d, reopened %v/%d\n", want.Mode, want.Driver, got.Mode, got.Driver)
	}
	for i := range min(len(want.Share), len(got.Share)) {
		if !sameBits(want.Share[i], got.Share[i]) || !sameBits(want.Growth[i], got.Growth[i]) || want.Locked[i] != got.Locked[i] {
			fmt.Fprintf(&b, "%s: share %v growth %v locked %v, reopened %v %v %v\n", ds.Nodes[i].Path,
				want.Share[i], want.Growth[i], want.Locked[i], got.Share[i], got.Growth[i], got.Locked[i])
		}
	}
	for i := range min(len(want.YearGrowth), len(got.YearGrowth)) {
		if !sameBits(want.YearGrowth[i], got.YearGrowth[i]) {
			fmt.Fprintf(&b, "year %d: %v, reopened %v\n", ds.BaseYear+1+i, want.YearGrowth[i], got.YearGrowth[i])
		}
	}
	return b.String()
}

// TestMarshalScenarioMinimal checks that a scenario stores only what
// differs from the dataset, and of a set of siblings whose shares changed
// only the shares the user set: the loader spreads the rest as the
// dashboard did. Numbers carry the digits they need, not sixteen.
func TestMarshalScenarioMinimal(t *testing.T) {
	ds := embedded(t)
	base := ds.Base()
	data := string(ds.MarshalScenario(&Scenario{Name: "Base", Assumptions: base}))
	if data != "scenario: \"Base\"\ndataset: \"Internet of Medical Things\"\nmode: top-down\n" {
		t.Errorf("the dataset's own state saves as\n%s", data)
	}

	md := mustLookup(t, ds, "Component/Medical Devices")
	ss := mustLookup(t, ds, "Component/Systems and Software")
	tm := mustLookup(t, ds, "Application/Telemedicine")
	edit := func(a Assumptions, edits ...Edit) Assumptions {
		t.Helper()
		for _, e := range edits {
			var err error
			if a, err = ds.Apply(base, a, e); err != nil {
				t.Fatal(err)
			}
		}
		return a
	}
	a := edit(base,
		Edit{Kind: SetShare, Node: md, Value: 40},
		Edit{Kind: SetGrowth, Node: tm, Value: 24},
		Edit{Kind: SetLock, Node: md, Lock: true},
		Edit{Kind: SetYearGrowth, Year: 2022, Value: 12.5},
	)
	data = string(ds.MarshalScenario(&Scenario{Name: "Edited", Assumptions: a}))
	want := "scenario: \"Edited\"\ndataset: \"Internet of Medical Things\"\nmode: top-down\n" +
		"total: {growth_by_year_pct: {2022: 12.5}}\n" +
		"segments:\n" +
		"  \"Component/Medical Devices\": {share_pct: 40, locked: true}\n" +
		"  \"Application/Telemedicine\": {cagr_pct: 24}\n"
	if data != want {
		t.Errorf("one share edit, one rate, a lock and a year rate save as\n%s\nwant\n%s", data, want)
	}

	// Two share edits: the first was rebalanced by the second, so both
	// are named, the first with the digits it needs; the others are not.
	a = edit(base, Edit{Kind: SetShare, Node: md, Value: 40}, Edit{Kind: SetShare, Node: ss, Value: 20})
	data = string(ds.MarshalScenario(&Scenario{Name: "Two", Assumptions: a}))
	if got := strings.Count(data, "share_pct"); got != 2 || !strings.Contains(data, `"Component/Systems and Software": {share_pct: 20}`) {
		t.Errorf("two share edits save %d shares:\n%s", got, data)
	}
	for _, line := range strings.Split(data, "\n") {
		if m := regexp.MustCompile(`\d\.(\d+)`).FindStringSubmatch(line); m != nil && len(m[1]) > 12 {
			t.Errorf("a number with %d decimals: %s", len(m[1]), line)
		}
	}
	back, err := LoadScenario("two.yaml", []byte(data), ds)
	if err != nil || !approxEqual(back.Assumptions, a, 1e-9) {
		t.Errorf("two share edits do not reopen (%v):\n%s", err, describeDiff(ds, a, back.Assumptions))
	}
}

// approxEqual is Assumptions.Equal with every share and rate compared
// within tol (absolute, or relative above 1).
func approxEqual(a, b Assumptions, tol float64) bool {
	if a.Mode != b.Mode || a.Driver != b.Driver || !slices.Equal(a.Locked, b.Locked) || len(a.Ranges) != len(b.Ranges) || len(a.Paths) != len(b.Paths) {
		return false
	}
	close := func(x, y []float64) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if math.IsNaN(x[i]) != math.IsNaN(y[i]) || !math.IsNaN(x[i]) && math.Abs(x[i]-y[i]) > tol*max(1, math.Abs(x[i])) {
				return false
			}
		}
		return true
	}
	for i := range a.Ranges {
		if !close([]float64{a.Ranges[i].Lo, a.Ranges[i].Hi}, []float64{b.Ranges[i].Lo, b.Ranges[i].Hi}) {
			return false
		}
	}
	for i := range a.Paths {
		if a.Paths[i].Node != b.Paths[i].Node || !close(a.Paths[i].Rates, b.Paths[i].Rates) {
			return false
		}
	}
	return close(a.Share, b.Share) && close(a.Growth, b.Growth) && close(a.YearGrowth, b.YearGrowth) && close(a.Drivers, b.Drivers) &&
		close([]float64{a.BaseValue}, []float64{b.BaseValue})
}

// TestMarshalScenarioClearedYear checks that taking away a year rate the
// dataset gives (2020 in the embedded dataset) survives a save.
func TestMarshalScenarioClearedYear(t *testing.T) {
	ds := embedded(t)
	base := ds.Base()
	if math.IsNaN(base.YearGrowth[0]) {
		t.Fatal("the embedded dataset should give 2020 a rate of its own")
	}
	a, err := ds.Apply(base, base, Edit{Kind: SetYearGrowth, Year: 2020, Value: math.NaN()})
	if err != nil {
		t.Fatal(err)
	}
	data := ds.MarshalScenario(&Scenario{Name: "No 2020 rate", Assumptions: a})
	back, err := LoadScenario("cleared.yaml", data, ds)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if !math.IsNaN(back.Assumptions.YearGrowth[0]) {
		t.Errorf("2020 reopens with rate %v, want none (the market's CAGR)\n%s", back.Assumptions.YearGrowth[0], data)
	}
}

// TestLeversAndRangesRoundTrip: a scenario's levers and Monte Carlo
// ranges load, save and reopen to the same state, and the file names
// them as it was given them.
func TestLeversAndRangesRoundTrip(t *testing.T) {
	ds := embedded(t)
	src := `scenario: Levers
total: {cagr_range_pct: [15, 22.5]}
segments:
  Region/Asia-Pacific: {cagr_range_pct: [18, 30]}
drivers:
  Prevalence of Chronic Diseases: 1
  Security and Privacy Concerns: -0.5
`
	sc, err := LoadScenario("levers.yaml", []byte(src), ds)
	if err != nil {
		t.Fatal(err)
	}
	a := sc.Assumptions
	ap, _ := ds.Lookup("Region/Asia-Pacific")
	if a.MarketGrowth() != 19 || a.Ranges[0] != (Range{15, 22.5}) || a.Ranges[ap] != (Range{18, 30}) || a.Ranges[1].IsSet() {
		t.Fatalf("loaded: market %v, ranges %v %v %v", a.MarketGrowth(), a.Ranges[0], a.Ranges[ap], a.Ranges[1])
	}
	data := ds.MarshalScenario(sc)
	for _, want := range []string{"cagr_range_pct: [15, 22.5]", `"Region/Asia-Pacific": {cagr_range_pct: [18, 30]}`,
		`"Prevalence of Chronic Diseases": 1`, `"Security and Privacy Concerns": -0.5`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("saved file lacks %q:\n%s", want, data)
		}
	}
	back, err := LoadScenario("saved.yaml", data, ds)
	if err != nil || !back.Assumptions.Equal(a) {
		t.Fatalf("reopened: %v\n%s", err, data)
	}
}
