package forecast_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// TestHistogramAddsUp: the bins of a run's year add up to its paths, for
// any number of bins; the percentiles fall in the span; a year nothing
// random touches (the base year) is one bin.
func TestHistogramAddsUp(t *testing.T) {
	ds := loadIoMT(t)
	ap := lookup(t, ds, "Region/Asia-Pacific")
	for _, paths := range []int{1, 7, 1000} {
		sim, err := forecast.MonteCarlo(context.Background(), ds, ds.Base(), ap, paths, 3, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, bins := range []int{1, 2, 13, 40, forecast.MaxBins} {
			for yi := range ds.Years() {
				h, err := sim.Histogram(yi, bins)
				if err != nil {
					t.Fatal(err)
				}
				sum := 0
				for _, c := range h.Counts {
					sum += c
				}
				if sum != paths {
					t.Fatalf("%d paths, %d bins, year %d: bins add up to %d", paths, bins, h.Year, sum)
				}
				if !(h.Lo <= h.P10 && h.P10 <= h.P50 && h.P50 <= h.P90 && h.P90 <= h.Hi) {
					t.Errorf("percentiles %v %v %v outside %v–%v", h.P10, h.P50, h.P90, h.Lo, h.Hi)
				}
				if yi == 0 && len(h.Counts) != 1 {
					t.Errorf("base year: %d bins, want one", len(h.Counts))
				}
			}
		}
	}
	sim, _ := forecast.MonteCarlo(context.Background(), ds, ds.Base(), ap, 10, 3, 1, nil)
	if _, err := sim.Histogram(8, 0); err == nil {
		t.Error("0 bins accepted")
	}
}

// TestMonteCarloVaryAndCorrelation: varying the node's own rates only
// keeps every outcome between the projections at its range's ends,
// varying every rate goes past them; a common shock (correlation 1)
// widens the spread of a sum of independent rates; correlation 0 draws
// the same numbers as a run without one; a correlation outside 0–1 is
// refused.
func TestMonteCarloVaryAndCorrelation(t *testing.T) {
	ds := loadIoMT(t)
	eu := lookup(t, ds, "Region/Europe")
	a := ds.Base()
	lo := apply(t, ds, a, model.Edit{Kind: model.SetGrowth, Node: eu, Value: a.Growth[eu] - model.DefaultSpread})
	hi := apply(t, ds, a, model.Edit{Kind: model.SetGrowth, Node: eu, Value: a.Growth[eu] + model.DefaultSpread})
	low, high := forecast.Project(ds, &lo).Value(eu, 8), forecast.Project(ds, &hi).Value(eu, 8)
	run := func(a model.Assumptions, node int, d forecast.Draws) []float64 {
		sim, err := forecast.MonteCarloDraws(context.Background(), ds, a, node, 2000, 9, d, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := sim.Histogram(8, 1)
		p10, _, p90 := sim.Percentiles()
		return []float64{h.Lo, h.Hi, p10[8], p90[8]}
	}
	own := run(a, eu, forecast.Draws{Vary: forecast.VaryNode})
	if own[0] < low*(1-1e-12) || own[1] > high*(1+1e-12) {
		t.Errorf("Europe's own rate only: outcomes %v–%v, outside the ends' %v–%v", own[0], own[1], low, high)
	}
	all := run(a, eu, forecast.Draws{})
	if all[0] >= low || all[1] <= high {
		t.Errorf("every rate: outcomes %v–%v within Europe's own ends %v–%v", all[0], all[1], low, high)
	}
	bu := apply(t, ds, a, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3})
	indep, common := run(bu, 0, forecast.Draws{}), run(bu, 0, forecast.Draws{Correlation: 1})
	if common[3]-common[2] <= 1.5*(indep[3]-indep[2]) {
		t.Errorf("bottom-up total P10–P90: %v with a common shock, %v without", common[3]-common[2], indep[3]-indep[2])
	}
	zero, _ := forecast.MonteCarloDraws(context.Background(), ds, a, eu, 500, 4, forecast.Draws{Correlation: 0}, 1, nil)
	plain, _ := forecast.MonteCarlo(context.Background(), ds, a, eu, 500, 4, 1, nil)
	if _, z, _ := zero.Percentiles(); !slices.Equal(z, func() []float64 { _, p, _ := plain.Percentiles(); return p }()) {
		t.Error("correlation 0 draws other numbers than a run without one")
	}
	for _, c := range []float64{-0.1, 1.1, math.NaN()} {
		if _, err := forecast.MonteCarloDraws(context.Background(), ds, a, eu, 10, 1, forecast.Draws{Correlation: c}, 1, nil); err == nil {
			t.Errorf("correlation %v accepted", c)
		}
	}
}

// TestMonteCarloDrawsPathYears: a segment's year with a rate of its own
// is drawn around that rate, as far either side as its range reaches
// from its CAGR: with a narrow range the outcomes stay near the path.
func TestMonteCarloDrawsPathYears(t *testing.T) {
	ds := loadIoMT(t)
	ap := lookup(t, ds, "Region/Asia-Pacific")
	a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetYearGrowth, Node: ap, Year: 2021, Value: 60},
		model.Edit{Kind: model.SetRange, Node: ap, Range: model.Range{Lo: 22, Hi: 23}})
	r := forecast.Project(ds, &a)
	sim, err := forecast.MonteCarloDraws(context.Background(), ds, a, ap, 400, 2, forecast.Draws{Vary: forecast.VaryNode}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := sim.Histogram(2, 1) // 2021
	// 2021 drawn from 59.5–60.5 % (the range reaches 0.5 pp either side
	// of 22.5): the value within a percent of the path's.
	if v := r.Value(ap, 2); h.Lo < v*0.99 || h.Hi > v*1.01 {
		t.Errorf("2021 outcomes %v–%v around the path's %v", h.Lo, h.Hi, v)
	}
}
