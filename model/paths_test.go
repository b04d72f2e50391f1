package model

import (
	"math"
	"strings"
	"testing"
)

// TestBaseValueEdit: the market's base-year value is set exactly, and
// refused when not above 0 (or past the dataset limit) with a message
// naming it; segments keep their shares of it, so North America, given
// in money, is no longer the report's figure; a reset of the Total row
// gives the dataset's back.
func TestBaseValueEdit(t *testing.T) {
	ds := embedded(t)
	base := ds.Base()
	na := mustLookup(t, ds, "Region/North America")
	if base.BaseValue != 51.2 || !ds.StillReported(&base, 0, FieldValue) || !ds.StillReported(&base, na, FieldValue) {
		t.Fatalf("dataset base value %v, reported %v/%v", base.BaseValue, ds.StillReported(&base, 0, FieldValue), ds.StillReported(&base, na, FieldValue))
	}
	a, err := ds.Apply(base, base, Edit{Kind: SetBaseValue, Value: 46.08})
	if err != nil {
		t.Fatal(err)
	}
	if a.BaseValue != 46.08 || a.Share[na] != base.Share[na] {
		t.Errorf("base value %v, North America's share %v (was %v)", a.BaseValue, a.Share[na], base.Share[na])
	}
	if ds.StillReported(&a, 0, FieldValue) || ds.StillReported(&a, na, FieldValue) {
		t.Error("a scenario's own base value is still marked as the report's")
	}
	for _, v := range []float64{0, -51.2, math.NaN(), math.Inf(1), 2e9} {
		_, err := ds.Apply(base, a, Edit{Kind: SetBaseValue, Value: v})
		if err == nil || !strings.Contains(err.Error(), "base-year value") {
			t.Errorf("base value %v: %v, want a refusal naming the base-year value", v, err)
		}
	}
	back, err := ds.Apply(base, a, Edit{Kind: ResetNode, Node: 0})
	if err != nil || !back.Equal(base) {
		t.Errorf("reset of the Total row: %v, base value %v", err, back.BaseValue)
	}
}

// TestPathEdit: a segment's year gets a rate of its own and gives it
// back (NaN), leaving no path behind; a year outside the forecast, a
// rate out of range and a node that does not exist are refused; a reset
// of the row gives back the path it opened with.
func TestPathEdit(t *testing.T) {
	ds := embedded(t)
	base := ds.Base()
	ap := mustLookup(t, ds, "Region/Asia-Pacific")
	a, err := ds.Apply(base, base, Edit{Kind: SetYearGrowth, Node: ap, Year: 2024, Value: 25})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := a.YearRate(ap, 5); !ok || r != 25 || !a.HasPath(ap) || len(a.Paths) != 1 {
		t.Fatalf("2024's rate %v %v, paths %v", r, ok, a.Paths)
	}
	if _, ok := a.YearRate(ap, 4); ok {
		t.Error("2023 has a rate of its own it was not given")
	}
	if !math.IsNaN(base.YearGrowth[4]) || a.YearGrowth[4] == 25 {
		t.Error("the segment's path touched the market's years")
	}
	for _, e := range []Edit{
		{Kind: SetYearGrowth, Node: ap, Year: 2019, Value: 10},
		{Kind: SetYearGrowth, Node: ap, Year: 2028, Value: 10},
		{Kind: SetYearGrowth, Node: ap, Year: 2024, Value: 1000},
		{Kind: SetYearGrowth, Node: len(ds.Nodes), Year: 2024, Value: 10},
	} {
		if _, err := ds.Apply(base, a, e); err == nil {
			t.Errorf("%+v accepted", e)
		}
	}
	cleared, err := ds.Apply(base, a, Edit{Kind: SetYearGrowth, Node: ap, Year: 2024, Value: math.NaN()})
	if err != nil || len(cleared.Paths) != 0 || !cleared.Equal(base) {
		t.Errorf("cleared: %v, paths %v", err, cleared.Paths)
	}
	origin := a
	b, _ := ds.Apply(origin, a, Edit{Kind: SetYearGrowth, Node: ap, Year: 2026, Value: 5})
	if reset, err := ds.Apply(origin, b, Edit{Kind: ResetNode, Node: ap}); err != nil || !reset.Equal(origin) {
		t.Errorf("reset: %v, paths %v", err, reset.Paths)
	}
}

// TestRangeEdit: a Monte Carlo range must hold the rate entered; one
// that does not is refused saying so; a rate moved out of its range
// takes the range with it, as far either side as it reached.
func TestRangeEdit(t *testing.T) {
	ds := embedded(t)
	base := ds.Base()
	ap := mustLookup(t, ds, "Region/Asia-Pacific") // 22.5 % a year
	if _, err := ds.Apply(base, base, Edit{Kind: SetRange, Node: ap, Range: Range{Lo: 23, Hi: 30}}); err == nil ||
		!strings.Contains(err.Error(), "does not contain the rate entered, 22.5 %") {
		t.Errorf("a range above the rate: %v", err)
	}
	a, err := ds.Apply(base, base, Edit{Kind: SetRange, Node: ap, Range: Range{Lo: 18, Hi: 30}})
	if err != nil || a.Ranges[ap] != (Range{18, 30}) {
		t.Fatalf("range: %v %v", err, a.Ranges[ap])
	}
	b, _ := ds.Apply(base, a, Edit{Kind: SetGrowth, Node: ap, Value: 25})
	if b.Ranges[ap] != (Range{18, 30}) {
		t.Errorf("a rate inside its range moved it: %v", b.Ranges[ap])
	}
	c, _ := ds.Apply(base, b, Edit{Kind: SetGrowth, Node: ap, Value: 40})
	if c.Ranges[ap] != (Range{33, 45}) {
		t.Errorf("25 → 40 with [18, 30]: range %v, want [33, 45]", c.Ranges[ap])
	}
	d, _ := ds.Apply(base, c, Edit{Kind: SetRange, Node: ap, Range: Range{Lo: math.NaN(), Hi: math.NaN()}})
	if d.Ranges[ap].IsSet() {
		t.Errorf("an unset range left %v", d.Ranges[ap])
	}
}

// TestScenarioFileBaseValueAndPath: total: {value: X} and a segment's
// growth_by_year_pct load; the file saved names them and nothing more
// (a null year is no year); it reopens to the same state and saves
// again to the same bytes.
func TestScenarioFileBaseValueAndPath(t *testing.T) {
	ds := embedded(t)
	src := `scenario: Overstated
total: {value: 46.08}
segments:
  Region/Asia-Pacific: {growth_by_year_pct: {2021: 12, 2022: null, 2024: 30}, cagr_range_pct: [18, 26]}
`
	sc, err := LoadScenario("over.yaml", []byte(src), ds)
	if err != nil {
		t.Fatal(err)
	}
	a := sc.Assumptions
	ap := mustLookup(t, ds, "Region/Asia-Pacific")
	if a.BaseValue != 46.08 {
		t.Errorf("base value %v", a.BaseValue)
	}
	rates := a.PathOf(ap)
	if rates[1] != 12 || !math.IsNaN(rates[2]) || rates[4] != 30 || len(a.Paths) != 1 {
		t.Errorf("path %v", rates)
	}
	data := string(ds.MarshalScenario(sc))
	want := `scenario: "Overstated"
dataset: "Internet of Medical Things"
mode: top-down
total: {value: 46.08}
segments:
  "Region/Asia-Pacific": {growth_by_year_pct: {2021: 12, 2024: 30}, cagr_range_pct: [18, 26]}
`
	if data != want {
		t.Errorf("saved:\n%s\nwant:\n%s", data, want)
	}
	back, err := LoadScenario("saved.yaml", []byte(data), ds)
	if err != nil || !back.Assumptions.Equal(a) {
		t.Fatalf("reopened: %v", err)
	}
	if again := string(ds.MarshalScenario(back)); again != data {
		t.Errorf("saved again:\n%s", again)
	}
}
