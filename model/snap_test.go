package model

import (
	"math"
	"testing"
)

// Three steps of +0.5 pp and three of -0.5 pp, as the dashboard makes
// them (values rounded to 1e-6), must give back the dataset exactly: no
// unsaved marker, nothing written into a saved scenario.
func TestShareStepsReturnToDataset(t *testing.T) {
	ds := embedded(t)
	md, _ := ds.Lookup("Component/Medical Devices")
	base := ds.Base()
	a := base
	for _, d := range []float64{0.5, 0.5, 0.5, -0.5, -0.5, -0.5} {
		v := math.Round((a.Share[md]+d)*1e6) / 1e6
		next, err := ds.Apply(base, a, Edit{Kind: SetShare, Node: md, Value: v})
		if err != nil {
			t.Fatal(err)
		}
		a = next
	}
	if !a.Equal(base) {
		for _, m := range ds.Groups[ds.Nodes[md].Group].Members {
			t.Logf("%s: %v, dataset %v", ds.Nodes[m].Path, a.Share[m], base.Share[m])
		}
		t.Fatal("after +0.5 ×3 and -0.5 ×3 the shares are not the dataset's")
	}
}

// A share a scenario locks without naming keeps its value when the
// scenario names a sibling's share: it does not absorb the difference.
func TestScenarioLockedShareDoesNotAbsorb(t *testing.T) {
	ds := embedded(t)
	src := "scenario: S\nsegments:\n" +
		"  Component/Medical Devices: {locked: true}\n" +
		"  Component/Connecting Technology: {share_pct: 20}\n"
	sc, err := LoadScenario("s.yaml", []byte(src), ds)
	if err != nil {
		t.Fatal(err)
	}
	base := ds.Base()
	md, _ := ds.Lookup("Component/Medical Devices")
	ss, _ := ds.Lookup("Component/Systems and Software")
	sv, _ := ds.Lookup("Component/Services")
	ct, _ := ds.Lookup("Component/Connecting Technology")
	a := sc.Assumptions
	if a.Share[md] != base.Share[md] || !a.Locked[md] {
		t.Errorf("locked Medical Devices moved: %v, dataset %v", a.Share[md], base.Share[md])
	}
	// The unnamed, unlocked two share 100 − 36.6 − 20 = 43.4 in
	// proportion to 28 : 22.4.
	if want := 43.4 * 28 / 50.4; math.Abs(a.Share[ss]-want) > 1e-9 {
		t.Errorf("Systems and Software %v, want %v", a.Share[ss], want)
	}
	if want := 43.4 * 22.4 / 50.4; math.Abs(a.Share[sv]-want) > 1e-9 {
		t.Errorf("Services %v, want %v", a.Share[sv], want)
	}
	if a.Share[ct] != 20 {
		t.Errorf("Connecting Technology %v, want 20", a.Share[ct])
	}
}
