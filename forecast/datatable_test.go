package forecast_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// TestDataTableCellsAreProjections: every cell of a data table is the
// projection of the scenario with both parameters set (property, over
// random pairs of parameters of random scenarios, in both modes); a
// refused cell is NaN and counted; the current values are marked.
func TestDataTableCellsAreProjections(t *testing.T) {
	ds := loadIoMT(t)
	rng := rand.New(rand.NewPCG(21, 5))
	ap := lookup(t, ds, "Region/Asia-Pacific")
	checked := 0
	for run := range 40 {
		a := ds.Base()
		if run%2 == 1 {
			a = apply(t, ds, a, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3},
				model.Edit{Kind: model.SetYearGrowth, Node: ap, Year: 2024, Value: 30})
		}
		node := rng.IntN(len(ds.Nodes))
		t0, err := forecast.Sensitivity(ds, a, node, 2027, 1)
		if err != nil || len(t0.Bars) < 2 {
			continue
		}
		i, j := rng.IntN(len(t0.Bars)), rng.IntN(len(t0.Bars))
		if i == j {
			continue
		}
		axis := func(p forecast.Param) forecast.Axis {
			v := p.Value(ds, &a)
			vals, err := forecast.AxisValues(v-2, v+2, 1)
			if err != nil {
				t.Fatal(err)
			}
			return forecast.Axis{Param: p, Values: vals}
		}
		rows, cols := axis(t0.Bars[i].Param), axis(t0.Bars[j].Param)
		dt, err := forecast.MakeDataTable(ds, a, node, 2027, rows, cols)
		if err != nil {
			t.Fatalf("%s × %s of %s: %v", rows.Param.Name, cols.Param.Name, ds.Nodes[node].Path, err)
		}
		if dt.CurRow != 2 || dt.CurCol != 2 {
			t.Errorf("current cell %d,%d, want the middle 2,2", dt.CurRow, dt.CurCol)
		}
		refused := 0
		for ri, rv := range rows.Values {
			for ci, cv := range cols.Values {
				want := math.NaN()
				b, err := ds.Apply(a, a, rows.Param.Set(rv))
				if err == nil {
					b, err = ds.Apply(a, b, cols.Param.Set(cv))
				}
				if err == nil {
					want = forecast.Project(ds, &b).Value(node, 2027-ds.BaseYear)
				} else {
					refused++
				}
				if got := dt.Cell(ri, ci); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Fatalf("%s=%v, %s=%v: cell %v, projection %v", rows.Param.Name, rv, cols.Param.Name, cv, got, want)
				}
				checked++
			}
		}
		if refused != dt.Refused || refused > 0 && dt.Refusal == "" {
			t.Errorf("refused %d cells, the table says %d (%q)", refused, dt.Refused, dt.Refusal)
		}
		if dt.Cell(2, 2) != dt.Base {
			t.Errorf("the current cell %v is not the node's value %v", dt.Cell(2, 2), dt.Base)
		}
	}
	if checked < 200 {
		t.Fatalf("only %d cells checked", checked)
	}
}

// TestDataTableRefusesWhatCannotWork: a parameter that does not move the
// node, the same parameter twice, and a step of 0 are refused, saying
// why.
func TestDataTableRefusesWhatCannotWork(t *testing.T) {
	ds := loadIoMT(t)
	a := ds.Base()
	param := func(name string) forecast.Param {
		p, err := forecast.ParseParam(ds, name)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	ax := func(name string, lo, hi float64) forecast.Axis {
		v, err := forecast.AxisValues(lo, hi, 1)
		if err != nil {
			t.Fatal(err)
		}
		return forecast.Axis{Param: param(name), Values: v}
	}
	_, err := forecast.MakeDataTable(ds, a, 0, 2027, ax("Region/Asia-Pacific/cagr_pct", 20, 24), ax("Total/cagr_pct", 17, 20))
	if err == nil || !strings.Contains(err.Error(), "does not move the total in 2027: in top-down the segments' rates move their shares") {
		t.Errorf("a segment's rate for the total, top-down: %v", err)
	}
	if _, err := forecast.MakeDataTable(ds, a, 0, 2027, ax("Total/cagr_pct", 17, 20), ax("total/CAGR_pct", 17, 20)); err == nil ||
		!strings.Contains(err.Error(), "both vary Total/cagr_pct") {
		t.Errorf("one parameter twice: %v", err)
	}
	if _, err := forecast.AxisValues(1, 5, 0); err == nil || !strings.Contains(err.Error(), "step of 0") {
		t.Errorf("a step of 0: %v", err)
	}
	// 1e16 + 1 is 1e16 in floating point: no axis of twice one value.
	if _, err := forecast.AxisValues(1e16, 1e16+4, 1); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("a step lost to rounding: %v", err)
	}
	for _, bad := range []string{"Total/share_pct", "Region/Asia/cagr_pct", "Region/Asia-Pacific/growth_by_year_pct/2030", "Levers/Nothing", "cagr_pct"} {
		if _, err := forecast.ParseParam(ds, bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	p := param("region/asia-pacific/growth_by_year_pct/2024")
	if p.Name != "Region/Asia-Pacific/growth_by_year_pct/2024" || p.Kind != forecast.ParamYearGrowth || p.Year != 2024 {
		t.Errorf("parsed %+v", p)
	}
}
