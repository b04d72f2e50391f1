package forecast_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// TestGoalSeekAsiaPacific answers the question of the issue: what growth
// gets Asia-Pacific to US$ 60 bn by 2027? The answer, put back, gives 60
// bn to 1e-9; the search takes a few dozen projections at most.
func TestGoalSeekAsiaPacific(t *testing.T) {
	ds := loadIoMT(t)
	ap := lookup(t, ds, "Region/Asia-Pacific")
	s, err := forecast.Seek(ds, ds.Base(), forecast.Goal{Node: ap, Year: 2027, Target: 60, Lever: ap})
	if err != nil || !s.Reached {
		t.Fatalf("Seek: %+v, %v", s, err)
	}
	b := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetGrowth, Node: ap, Value: s.Rate})
	wantClose(t, "Asia-Pacific 2027 at the rate found", forecast.Project(ds, &b).Value(ap, 8), 60, 1e-9)
	if s.Evals > 40 {
		t.Errorf("%d projections; a few dozen at most", s.Evals)
	}
	t.Logf("Asia-Pacific reaches US$ 60 bn in 2027 at %.4f %% a year, in %d projections", s.Rate, s.Evals)
}

// TestGoalSeekRandomGoals: any target between what the lowest and the
// highest allowed rate give is reached to 1e-6 relative, in both modes,
// with the node's own rate, an ancestor's or the market's; a target
// outside is reported unreachable, with the nearest value reachable.
func TestGoalSeekRandomGoals(t *testing.T) {
	ds := loadIoMT(t)
	rng := rand.New(rand.NewPCG(7, 11))
	worst := 0
	for i := range 300 {
		a := ds.Base()
		if i%3 == 0 {
			a = apply(t, ds, a, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: rng.IntN(len(ds.Dims))})
		}
		n := 1 + rng.IntN(len(ds.Nodes)-1)
		levers := []int{n, 0}
		if p := ds.Nodes[n].Parent; p > 0 {
			levers = append(levers, p)
		}
		lever := levers[rng.IntN(len(levers))]
		year := ds.BaseYear + 1 + rng.IntN(ds.Years()-1)
		r := forecast.Project(ds, &a)
		target := r.Value(n, year-ds.BaseYear) * math.Exp(rng.NormFloat64())
		g := forecast.Goal{Node: n, Year: year, Target: target, Lever: lever}
		s, err := forecast.Seek(ds, a, g)
		if err != nil {
			t.Fatal(err)
		}
		worst = max(worst, s.Evals)
		inRange := target >= s.Min && target <= s.Max && s.Min < s.Max
		switch {
		case s.Reached != inRange:
			t.Fatalf("%+v: reached %v, but the target is %v the range %g–%g", g, s.Reached, map[bool]string{true: "inside", false: "outside"}[inRange], s.Min, s.Max)
		case s.Reached:
			b := apply(t, ds, a, model.Edit{Kind: model.SetGrowth, Node: lever, Value: s.Rate})
			wantClose(t, "value at the rate found", forecast.Project(ds, &b).Value(n, year-ds.BaseYear), target, 1e-6)
		default:
			if want := nearest(target, s.Min, s.Max); s.Nearest != want {
				t.Fatalf("%+v: nearest %g, want %g", g, s.Nearest, want)
			}
			if _, err := forecast.GoalSeek(ds, a, g); !errors.Is(err, forecast.ErrUnreachable) {
				t.Fatalf("GoalSeek of an unreachable goal: %v", err)
			}
		}
	}
	t.Logf("at most %d projections per goal", worst)
}

func nearest(target, lo, hi float64) float64 {
	if math.Abs(hi-target) < math.Abs(lo-target) {
		return hi
	}
	return lo
}

// TestTornadoMatchesBruteForce: every bar's low and high are the node's
// value with that one parameter moved by ∓Δ, recomputed here from
// scratch, and the bars are ranked by swing.
func TestTornadoMatchesBruteForce(t *testing.T) {
	ds := loadIoMT(t)
	for _, mode := range []model.Mode{model.TopDown, model.BottomUp} {
		a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetMode, Mode: mode, Driver: 3})
		for _, path := range []string{"Region/Asia-Pacific", "Region/Asia-Pacific/India", "Component/Medical Devices", "Total"} {
			n := 0
			if path != "Total" {
				n = lookup(t, ds, path)
			}
			tor, err := forecast.Sensitivity(ds, a, n, 2027, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(tor.Bars) == 0 {
				t.Fatalf("%s in %v: no bars", path, mode)
			}
			for i, b := range tor.Bars {
				lo, hi := bruteForce(t, ds, a, n, b.Param, 2)
				if b.Low != lo || b.High != hi || b.Swing != math.Abs(hi-lo) {
					t.Errorf("%s, %s: bar %g–%g (swing %g), recomputed %g–%g", path, b.Name, b.Low, b.High, b.Swing, lo, hi)
				}
				if i > 0 && b.Swing > tor.Bars[i-1].Swing {
					t.Errorf("%s: bars not ranked by swing at %s", path, b.Name)
				}
			}
			for _, u := range tor.Unranked {
				if lo, hi := bruteForce(t, ds, a, n, u.Param, 2); lo != tor.Base || hi != tor.Base {
					t.Errorf("%s: %s is unranked (%s) but moves it %g–%g", path, u.Name, u.Why, lo, hi)
				}
			}
		}
	}
}

// bruteForce moves one parameter by ∓d and projects.
func bruteForce(t *testing.T, ds *model.Dataset, a model.Assumptions, n int, p forecast.Param, d float64) (float64, float64) {
	t.Helper()
	var out [2]float64
	for i, s := range []float64{-d, d} {
		e := model.Edit{Kind: model.SetGrowth, Node: p.Node, Value: a.Growth[p.Node] + s}
		switch p.Kind {
		case forecast.ParamShare:
			e = model.Edit{Kind: model.SetShare, Node: p.Node, Value: a.Share[p.Node] + s}
		case forecast.ParamYearGrowth:
			e = model.Edit{Kind: model.SetYearGrowth, Year: p.Year, Value: a.YearGrowth[p.Year-ds.BaseYear-1] + s}
		}
		b, err := ds.Apply(a, a, e)
		if err != nil {
			b = a
		}
		out[i] = forecast.Project(ds, &b).Value(n, 8)
	}
	return out[0], out[1]
}

// TestTornadoModes: in top-down the total moves with the market's rates
// only and the tornado says why the segments' do not count; in bottom-up
// the market's CAGR is unranked, with the reason.
func TestTornadoModes(t *testing.T) {
	ds := loadIoMT(t)
	a := ds.Base()
	tor, err := forecast.Sensitivity(ds, a, 0, 2027, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(tor.Bars) != 2 || tor.Bars[0].Name != "Total/cagr_pct" || tor.Bars[1].Name != "Total/growth_by_year_pct/2020" {
		t.Errorf("top-down total: bars %v", names(tor.Bars))
	}
	if note, sw := tor.Note(ds, &a); note != "in top-down the segments' rates do not change the total" || sw == nil || sw.Mode != model.BottomUp {
		t.Errorf("note %q, switch %+v", note, sw)
	}
	b := apply(t, ds, a, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3})
	tor, err = forecast.Sensitivity(ds, b, 0, 2027, 2)
	if err != nil {
		t.Fatal(err)
	}
	var unranked []string
	for _, u := range tor.Unranked {
		unranked = append(unranked, u.Name+": "+u.Why)
		if u.Name == "Total/cagr_pct" && (u.Switch == nil || u.Switch.Mode != model.TopDown) {
			t.Errorf("Total/cagr_pct in bottom-up: switch %+v, want top-down", u.Switch)
		}
	}
	if !slices.Contains(unranked, "Total/cagr_pct: in bottom-up the total is the sum of Region; the market's rates do not move it") {
		t.Errorf("bottom-up total: unranked %q", unranked)
	}
	// The total is the regions' sum: the regions' rates are the bars.
	for _, b := range tor.Bars {
		if !strings.HasPrefix(b.Name, "Region/") {
			t.Errorf("bottom-up total: a bar for %s", b.Name)
		}
	}
	if len(tor.Bars) != 10 {
		t.Errorf("bottom-up total: %d bars, want the 5 regions' rates and shares", len(tor.Bars))
	}
}

func names(bars []forecast.Bar) []string {
	var out []string
	for _, b := range bars {
		out = append(out, b.Name)
	}
	return out
}

// TestMonteCarloReproducible: a seed gives the same numbers on one
// worker and on two, in one call or path by path; P10 ≤ P50 ≤ P90 every
// year; the base year, which nothing random touches, is exact.
func TestMonteCarloReproducible(t *testing.T) {
	ds := loadIoMT(t)
	ap := lookup(t, ds, "Region/Asia-Pacific")
	a := ds.Base()
	one, err := forecast.MonteCarlo(context.Background(), ds, a, ap, 2000, 42, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	two, err := forecast.MonteCarlo(context.Background(), ds, a, ap, 2000, 42, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	split, _ := forecast.NewSimulation(ds, ap, 2000)
	for p := 1999; p >= 0; p -= 37 {
		split.Run(ds, a, 42, max(p-36, 0), p+1)
	}
	p10, p50, p90 := one.Percentiles()
	for _, s := range []*forecast.Simulation{two, split} {
		q10, q50, q90 := s.Percentiles()
		if !slices.Equal(p10, q10) || !slices.Equal(p50, q50) || !slices.Equal(p90, q90) {
			t.Fatalf("the same seed gave other percentiles: %v vs %v", p50, q50)
		}
	}
	base := forecast.Project(ds, &a)
	if p10[0] != base.Value(ap, 0) || p90[0] != base.Value(ap, 0) {
		t.Errorf("base year P10 %v, P90 %v; want exactly %v", p10[0], p90[0], base.Value(ap, 0))
	}
	for yi := range p10 {
		if !(p10[yi] <= p50[yi] && p50[yi] <= p90[yi]) {
			t.Errorf("year %d: P10 %v, P50 %v, P90 %v out of order", yi, p10[yi], p50[yi], p90[yi])
		}
	}
	if p10[8] >= p90[8] {
		t.Errorf("no spread in 2027: %v–%v", p10[8], p90[8])
	}
	// The median is near the scenario's own projection, and another seed
	// gives other paths.
	wantClose(t, "P50 2027 against the projection", p50[8], base.Value(ap, 8), 0.02)
	other, _ := forecast.MonteCarlo(context.Background(), ds, a, ap, 2000, 43, 2, nil)
	if _, o50, _ := other.Percentiles(); o50[8] == p50[8] {
		t.Error("seeds 42 and 43 gave the same median")
	}
	if pa, pb := one.ProbAbove(8, p10[8]), one.ProbAbove(8, p90[8]); math.Abs(pa-0.9) > 0.01 || math.Abs(pb-0.1) > 0.01 {
		t.Errorf("P(above P10) %v, P(above P90) %v; want 0.9 and 0.1", pa, pb)
	}
}

// TestMonteCarloRanges: a scenario's cagr_range_pct narrows (or widens)
// the spread; a cancelled run ends with the context's error.
func TestMonteCarloRanges(t *testing.T) {
	ds := loadIoMT(t)
	ap := lookup(t, ds, "Region/Asia-Pacific")
	wide := func(a model.Assumptions) float64 {
		s, err := forecast.MonteCarlo(context.Background(), ds, a, ap, 1000, 1, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		p10, _, p90 := s.Percentiles()
		return p90[8] - p10[8]
	}
	a := ds.Base()
	narrow := a.Clone()
	for n := range narrow.Ranges {
		g := narrow.Growth[n]
		narrow.Ranges[n] = model.Range{Lo: g - 0.5, Hi: g + 0.5}
	}
	if wn, wd := wide(narrow), wide(a); wn >= wd/3 {
		t.Errorf("±0.5 pp ranges spread %v, default ±3 pp %v", wn, wd)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := forecast.MonteCarlo(ctx, ds, a, ap, 100000, 1, 2, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
}

// TestLeversShiftTheCAGR: the levers move the market's growth by exactly
// their sum: 18.5 + 1.0 − 0.5 = 19.0 gives the projection of a 19.0 %
// CAGR, worked out by hand: 51.2 × 1.185 (2020's own rate) × 1.19^7.
func TestLeversShiftTheCAGR(t *testing.T) {
	ds := loadIoMT(t)
	if len(ds.Levers) != 8 || ds.Levers[0].Name != "Prevalence of Chronic Diseases" || ds.Levers[4].Kind != "challenge" {
		t.Fatalf("levers %+v", ds.Levers)
	}
	a := apply(t, ds, ds.Base(),
		model.Edit{Kind: model.SetLever, Node: 0, Value: 1.0},
		model.Edit{Kind: model.SetLever, Node: 4, Value: -0.5})
	if got := a.MarketGrowth(); got != 19.0 {
		t.Fatalf("market growth %v, want 19.0", got)
	}
	r := forecast.Project(ds, &a)
	wantClose(t, "2027 total with the levers", r.Value(0, 8), 51.2*1.185*math.Pow(1.19, 7), 1e-12)
	same := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetGrowth, Node: 0, Value: 19.0})
	if r.Value(0, 8) != forecast.Project(ds, &same).Value(0, 8) {
		t.Error("levers of +0.5 pp in all differ from a CAGR 0.5 pp higher")
	}
	// A lever out of bounds, or pushing the market's growth out of range,
	// is refused.
	for _, v := range []float64{60, math.NaN()} {
		if _, err := ds.Apply(a, a, model.Edit{Kind: model.SetLever, Node: 1, Value: v}); err == nil {
			t.Errorf("lever %v accepted", v)
		}
	}
}

// TestTornadoSaysWhy: a parameter that cannot move the node is left out
// with the true reason, the base year, a year with a rate of its own,
// a move too large for a share; a delta beyond MaxDelta is refused.
func TestTornadoSaysWhy(t *testing.T) {
	ds := loadIoMT(t)
	a := ds.Base()
	ap := lookup(t, ds, "Region/Asia-Pacific")
	why := func(node, year int, delta float64) map[string]string {
		t.Helper()
		tor, err := forecast.Sensitivity(ds, a, node, year, delta)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, u := range tor.Unranked {
			out[u.Name] = u.Why
		}
		return out
	}
	// 2019 is the base year: no rate moves anything yet.
	base := why(ap, 2019, 2)
	if w := base["Region/Asia-Pacific/cagr_pct"]; w != "rates act only after the base year, 2019" {
		t.Errorf("Asia-Pacific 2019, its own rate: %q", w)
	}
	// 2020 has a rate of its own (18.5 % in the dataset): the CAGR does
	// not reach it, for the total or a segment.
	for _, n := range []int{0, ap} {
		if w := why(n, 2020, 2)["Total/cagr_pct"]; w != "2020 has a growth rate of its own" {
			t.Errorf("node %d in 2020, the market's CAGR: %q", n, w)
		}
	}
	// Asia-Pacific's share is about 25 %: 30 pp down is refused, so the
	// bar shows only its upper side, with the reason for the other.
	tor, err := forecast.Sensitivity(ds, a, ap, 2027, 30)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range tor.Bars {
		if b.Name == "Region/Asia-Pacific/share_pct" {
			found = true
			if b.LowRefused == "" || b.Low != tor.Base || b.HighRefused != "" || b.High <= tor.Base {
				t.Errorf("share ±30 pp: low %g (%q), high %g (%q), base %g", b.Low, b.LowRefused, b.High, b.HighRefused, tor.Base)
			}
		}
	}
	if !found {
		t.Errorf("share ±30 pp: no bar for Asia-Pacific's share")
	}
	for _, d := range []float64{0, -1, forecast.MaxDelta + 0.01, math.NaN(), 500} {
		if _, err := forecast.Sensitivity(ds, a, ap, 2027, d); err == nil || !strings.Contains(err.Error(), "to 50") {
			t.Errorf("delta %v: %v, want a refusal naming the limit", d, err)
		}
	}
}

// TestTornadoStepMovesEveryRate: a step too small to move a rate (5e-324
// pp, lost to rounding: 18.5 + 5e-324 is 18.5) used to be accepted and
// list every parameter as unable to move the node, a false reason. Such
// steps are refused, naming the smallest allowed; at that smallest step,
// on rates at both ends of their range and on tiny and large shares,
// every parameter that moves the node at 2 pp still moves it.
func TestTornadoStepMovesEveryRate(t *testing.T) {
	ds := loadIoMT(t)
	a := ds.Base()
	ap := lookup(t, ds, "Region/Asia-Pacific")
	for _, d := range []float64{5e-324, 1e-15, 1e-9, forecast.MinDelta / 2} {
		_, err := forecast.Sensitivity(ds, a, ap, 2027, d)
		if err == nil || !strings.Contains(err.Error(), "too small to move a rate") {
			t.Errorf("delta %v: %v; want a refusal naming the smallest step", d, err)
		}
	}
	edge := loadYAML(t, "edge.yaml", `market: Edge
base_year: 2019
end_year: 2069
total: {value: 1000000000, cagr_pct: 999.99}
dimensions:
  - name: Region
    segments:
      - {name: Fast, share_pct: 99.998, cagr_pct: 999.99}
      - {name: Tiny, share_pct: 0.001, cagr_pct: -99.99}
      - {name: Mid, share_pct: 0.001, cagr_pct: 0.0001,
         segments: [{name: A, share_pct: 99.999, cagr_pct: 500}, {name: B, share_pct: 0.001, cagr_pct: -99.999}]}
`)
	for _, c := range []struct {
		ds   *model.Dataset
		path string
		year int
	}{
		{ds, "Region/Asia-Pacific", 2027},
		{ds, "Total", 2020},
		{edge, "Region/Tiny", 2020},
		{edge, "Region/Mid/B", 2021},
		{edge, "Region/Fast", 2021},
	} {
		n := 0
		if c.path != "Total" {
			n = lookup(t, c.ds, c.path)
		}
		ranked := func(delta float64) map[string]bool {
			tor, err := forecast.Sensitivity(c.ds, c.ds.Base(), n, c.year, delta)
			if err != nil {
				t.Fatalf("%s, delta %v: %v", c.path, delta, err)
			}
			out := map[string]bool{}
			for _, b := range tor.Bars {
				out[b.Name] = true
			}
			return out
		}
		coarse, fine := ranked(2), ranked(forecast.MinDelta)
		if len(coarse) == 0 {
			t.Errorf("%s in %d: nothing moves it at 2 pp", c.path, c.year)
		}
		for name := range coarse {
			if !fine[name] {
				t.Errorf("%s in %d: %s moves it at 2 pp but not at %v pp", c.path, c.year, name, forecast.MinDelta)
			}
		}
	}
}

// TestSensitivityPlanInSteps: a plan run in steps of any size, in any
// order and at once, ranks exactly as Sensitivity does, in every mode.
func TestSensitivityPlanInSteps(t *testing.T) {
	ds := loadIoMT(t)
	india := lookup(t, ds, "Region/Asia-Pacific/India")
	for _, a := range []model.Assumptions{
		ds.Base(),
		apply(t, ds, ds.Base(), model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3}),
	} {
		want, err := forecast.Sensitivity(ds, a, india, 2027, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []int{1, 3, 7, 1000} {
			p, err := forecast.PlanSensitivity(ds, a, india, 2027, 2)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for from := p.Len() - 1 - (p.Len()-1)%step; from >= 0; from -= step { // last step first
				wg.Go(func() { p.Run(from, min(from+step, p.Len())) })
			}
			wg.Wait()
			if got := p.Tornado(); !reflect.DeepEqual(got, want) {
				t.Errorf("%s, steps of %d: the plan's tornado differs from Sensitivity's", a.Mode, step)
			}
		}
	}
}
