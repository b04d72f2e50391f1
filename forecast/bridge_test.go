package forecast_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// bridgeMarket is a market small enough to work a bridge out by hand: 100
// in 2019, growing 10 % a year, cut into X and Y of 50 % each, both
// growing 10 %, and a second dimension (P and Q) that cannot move X.
const bridgeMarket = `
market: Two segments
base_year: 2019
end_year: 2020
total: {value: 100, cagr_pct: 10}
dimensions:
  - name: Side
    segments:
      - {name: X, share_pct: 50, cagr_pct: 10}
      - {name: Y, share_pct: 50, cagr_pct: 10}
  - name: Other
    segments:
      - {name: P, share_pct: 50, cagr_pct: 10}
      - {name: Q, share_pct: 50, cagr_pct: 10}
context:
  drivers: [Push]
`

// stepOf finds the step of path in a bridge.
func stepOf(t *testing.T, b *forecast.Bridge, path string) forecast.Step {
	t.Helper()
	for _, s := range b.Steps {
		if s.Path == path || s.Item.Path == path {
			return s
		}
	}
	t.Fatalf("no step %q in %+v", path, b.Steps)
	return forecast.Step{}
}

// TestBridgeHandWorked checks bridges of X's 2020 value worked out on
// paper, each with two assumptions that interact.
func TestBridgeHandWorked(t *testing.T) {
	ds := loadYAML(t, "two.yaml", bridgeMarket)
	x, p := lookup(t, ds, "Side/X"), lookup(t, ds, "Other/P")
	base := ds.Base()

	t.Run("market CAGR and the segment's own rate", func(t *testing.T) {
		// B: the market grows 20 % and X 30 %; P's rate changes too.
		b := apply(t, ds, base,
			model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20},
			model.Edit{Kind: model.SetGrowth, Node: x, Value: 30},
			model.Edit{Kind: model.SetGrowth, Node: p, Value: 50})
		br, err := forecast.ComputeBridge(ds, base, b, x, 2020)
		if err != nil {
			t.Fatal(err)
		}
		// X in 2020 is the total times X's share:
		//   v(none)   = 110 × 50·1.1/(50·1.1 + 50·1.1) = 110 × 0.5      = 55
		//   v(market) = 120 × 0.5                                      = 60
		//   v(X)      = 110 × 50·1.3/(50·1.3 + 50·1.1) = 110 × 1.3/2.4 = 59.58333…
		//   v(both)   = 120 × 1.3/2.4                                  = 65
		// With two players each order is equally likely:
		//   φ(market) = ½[(60 − 55) + (65 − 59.58333…)] = ½[5 + 5.41666…] = 5.208333…
		//   φ(X)      = ½[(59.58333… − 55) + (65 − 60)] = ½[4.58333… + 5] = 4.791666…
		// They add up to 65 − 55 = 10: the interaction (0.41666…) is split evenly.
		want := map[string]float64{"Total/cagr_pct": 0.5 * (5 + (65 - 110*1.3/2.4)), "Side/X/cagr_pct": 0.5 * ((110*1.3/2.4 - 55) + 5)}
		if relErr(br.From, 55) > 1e-12 || relErr(br.To, 65) > 1e-12 {
			t.Fatalf("from %v to %v, want 55 to 65", br.From, br.To)
		}
		for path, w := range want {
			if s := stepOf(t, br, path); math.Abs(s.Contribution-w) > 1e-12 || !s.Moves {
				t.Errorf("%s: %v (moves %t), want %v", path, s.Contribution, s.Moves, w)
			}
		}
		if s := stepOf(t, br, "Other/P/cagr_pct"); s.Contribution != 0 || s.Moves {
			t.Errorf("P's rate cannot move X: %+v", s)
		}
		if !br.Exact || br.Players != 2 || len(br.Steps) != 3 || br.Steps[0].Path != "Total/cagr_pct" || br.Steps[2].Path != "Other/P/cagr_pct" {
			t.Errorf("players %d exact %t, steps in order %v", br.Players, br.Exact, paths(br))
		}
	})

	t.Run("a share and the market CAGR", func(t *testing.T) {
		// B: X has 60 % of the market in 2019 (Y 40 %), and it grows 20 %.
		b := apply(t, ds, base,
			model.Edit{Kind: model.SetShare, Node: x, Value: 60},
			model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20})
		br, err := forecast.ComputeBridge(ds, base, b, x, 2020)
		if err != nil {
			t.Fatal(err)
		}
		//   v(none) = 110 × 0.5 = 55    v(share) = 110 × 0.6 = 66
		//   v(market) = 120 × 0.5 = 60  v(both) = 120 × 0.6 = 72
		//   φ(share)  = ½[(66 − 55) + (72 − 60)] = ½[11 + 12] = 11.5
		//   φ(market) = ½[(60 − 55) + (72 − 66)] = ½[5 + 6]   = 5.5
		// 11.5 + 5.5 = 17 = 72 − 55. X's and Y's shares are one assumption:
		// they add up to 100 together.
		share := stepOf(t, br, "Side/X/share_pct")
		if math.Abs(share.Contribution-11.5) > 1e-12 || share.From != 50 || share.To != 60 || share.Path != "Side/X/share_pct + 1 sibling" {
			t.Errorf("the share's step: %+v", share)
		}
		if s := stepOf(t, br, "Total/cagr_pct"); math.Abs(s.Contribution-5.5) > 1e-12 {
			t.Errorf("the market's CAGR: %v, want 5.5", s.Contribution)
		}
		if br.Players != 2 {
			t.Errorf("%d players, want 2 (X's and Y's shares together)", br.Players)
		}
	})

	t.Run("a lever and a year's own rate", func(t *testing.T) {
		// B: a lever of +5 pp and 2020's own rate of 30 %. A year with a
		// rate of its own ignores the levers, so the lever moves nothing
		// once the year's rate is in:
		//   v(none) = 55, v(lever) = 115 × 0.5 = 57.5,
		//   v(year) = 130 × 0.5 = 65, v(both) = 65
		//   φ(lever) = ½[(57.5 − 55) + (65 − 65)] = 1.25
		//   φ(year)  = ½[(65 − 55) + (65 − 57.5)] = 8.75
		b := apply(t, ds, base,
			model.Edit{Kind: model.SetLever, Node: 0, Value: 5},
			model.Edit{Kind: model.SetYearGrowth, Year: 2020, Value: 30})
		br, err := forecast.ComputeBridge(ds, base, b, x, 2020)
		if err != nil {
			t.Fatal(err)
		}
		if s := stepOf(t, br, "Levers/Push"); math.Abs(s.Contribution-1.25) > 1e-12 {
			t.Errorf("the lever: %v, want 1.25", s.Contribution)
		}
		if s := stepOf(t, br, "Total/growth_by_year_pct/2020"); math.Abs(s.Contribution-8.75) > 1e-12 || s.FromText != "CAGR" || s.To != 30 {
			t.Errorf("the year: %+v, want 8.75 from the CAGR to 30", s)
		}
	})

	t.Run("in the base year only shares move it", func(t *testing.T) {
		b := apply(t, ds, base,
			model.Edit{Kind: model.SetShare, Node: x, Value: 60},
			model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20})
		br, err := forecast.ComputeBridge(ds, base, b, x, 2019)
		if err != nil {
			t.Fatal(err)
		}
		// 2019: 100 × 0.6 − 100 × 0.5 = 10, all of it the share's.
		if s := stepOf(t, br, "Side/X/share_pct"); math.Abs(s.Contribution-10) > 1e-12 {
			t.Errorf("the share in 2019: %v, want 10", s.Contribution)
		}
		if s := stepOf(t, br, "Total/cagr_pct"); s.Contribution != 0 || s.Moves {
			t.Errorf("the CAGR cannot move a base-year value: %+v", s)
		}
	})

	t.Run("identical scenarios", func(t *testing.T) {
		br, err := forecast.ComputeBridge(ds, base, base.Clone(), x, 2020)
		if err != nil {
			t.Fatal(err)
		}
		if !br.Same() || br.Delta() != 0 || !strings.Contains(br.Method(), "do not differ") {
			t.Errorf("identical scenarios: %+v, %q", br, br.Method())
		}
	})
}

func paths(b *forecast.Bridge) []string {
	var out []string
	for _, s := range b.Steps {
		out = append(out, s.Path)
	}
	return out
}

// randomPair is a scenario and another made from it by random edits, in
// any mode, with levers.
func randomPair(rng *rand.Rand, ds *model.Dataset, st *propStats) (a, b model.Assumptions, log string) {
	a, la := randomScenario(rng, ds, st)
	b, lb := randomScenario(rng, ds, st)
	if rng.IntN(3) == 0 {
		b = a.Clone() // few differences: most rows of a bridge are then zeros
		for range 1 + rng.IntN(4) {
			n := rng.IntN(len(ds.Nodes))
			if next, err := ds.Apply(ds.Base(), b, model.Edit{Kind: model.SetGrowth, Node: n, Value: b.Growth[n] + rng.Float64()*10 - 5}); err == nil {
				b = next
			}
		}
	}
	for _, x := range []*model.Assumptions{&a, &b} {
		if len(ds.Levers) > 0 && rng.IntN(2) == 0 {
			if next, err := ds.Apply(ds.Base(), *x, model.Edit{Kind: model.SetLever, Node: rng.IntN(len(ds.Levers)), Value: rng.Float64()*6 - 3}); err == nil {
				*x = next
			}
		}
		if rng.IntN(3) == 0 {
			if next, err := ds.Apply(ds.Base(), *x, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: rng.IntN(len(ds.Dims))}); err == nil {
				*x = next
			}
		}
		// A scenario's own base size and a segment's year of its own
		// rate: assumptions a bridge must switch like any other.
		if rng.IntN(3) == 0 {
			if next, err := ds.Apply(ds.Base(), *x, model.Edit{Kind: model.SetBaseValue, Value: x.BaseValue * (0.8 + rng.Float64()*0.4)}); err == nil {
				*x = next
			}
		}
		if rng.IntN(3) == 0 {
			n := 1 + rng.IntN(len(ds.Nodes)-1)
			year := ds.BaseYear + 1 + rng.IntN(ds.Years()-1)
			if next, err := ds.Apply(ds.Base(), *x, model.Edit{Kind: model.SetYearGrowth, Node: n, Year: year, Value: rng.Float64()*40 - 10}); err == nil {
				*x = next
			}
		}
	}
	return a, b, "A:" + la + "\nB:" + lb
}

// TestBridgeProperties: over random pairs of scenarios of two datasets,
// any node and year, the contributions add up to B − A (1e-9 relative),
// every assumption that differs is listed, one that cannot move the node
// has 0, and the bridge from B to A is the one from A to B negated.
func TestBridgeProperties(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 40
	}
	for _, ds := range []*model.Dataset{loadIoMT(t), loadSmartHome(t)} {
		rng := rand.New(rand.NewPCG(2027, uint64(len(ds.Nodes))))
		var st propStats
		checked, sampled := 0, 0
		for i := range n {
			a, b, log := randomPair(rng, ds, &st)
			node, year := rng.IntN(len(ds.Nodes)), ds.BaseYear+rng.IntN(ds.Years())
			what := fmt.Sprintf("%s pair %d, %s %d\n%s", ds.Market, i, ds.Nodes[node].Path, year, log)
			br, err := forecast.ComputeBridge(ds, a, b, node, year)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			checkBridgeSum(t, what, br)
			if !br.Exact {
				sampled++
				continue
			}
			checked++
			listed := map[string]bool{}
			for _, s := range br.Steps {
				listed[s.Item.Path] = true
				for _, p := range s.Siblings {
					listed[p] = true
				}
				if !s.Moves && s.Contribution != 0 {
					t.Fatalf("%s: %s cannot move the node but contributes %v", what, s.Path, s.Contribution)
				}
			}
			for _, it := range ds.Items() {
				if it.Differs(&a, &b, true) != listed[it.Path] {
					t.Fatalf("%s: %s differs %t, listed %t", what, it.Path, it.Differs(&a, &b, true), listed[it.Path])
				}
			}
			back, err := forecast.ComputeBridge(ds, b, a, node, year)
			if err != nil {
				t.Fatalf("%s: back: %v", what, err)
			}
			tol := 1e-9 * max(math.Abs(br.Delta()), 1e-9*max(math.Abs(br.From), math.Abs(br.To)))
			for _, s := range br.Steps {
				if bs := stepOf(t, back, s.Path); math.Abs(bs.Contribution+s.Contribution) > tol {
					t.Fatalf("%s: %s contributes %v from A to B but %v back", what, s.Path, s.Contribution, bs.Contribution)
				}
			}
		}
		if checked < n/2 {
			t.Errorf("%s: only %d of %d bridges exact", ds.Market, checked, n)
		}
		t.Logf("%s: %d exact, %d sampled", ds.Market, checked, sampled)
	}
}

// checkBridgeSum fails unless the contributions add up to B − A within
// 1e-9 of the numbers added (relative): of B − A itself, or of the
// contributions when they are larger. Scenarios at the limits of the
// model (rates of −99.99 and 999.99 %) have contributions of 1e5 that
// cancel to a B − A of 0: no sum of floating-point numbers is exact to
// 1e-9 of 0 there. TestBridgeSumStrict holds realistic pairs to B − A
// alone.
func checkBridgeSum(t *testing.T, what string, br *forecast.Bridge) {
	t.Helper()
	sum, size := 0.0, math.Abs(br.Delta())
	for _, s := range br.Steps {
		sum += s.Contribution
		size = max(size, math.Abs(s.Contribution))
	}
	tol := 1e-9 * max(size, 1e-9*max(math.Abs(br.From), math.Abs(br.To)))
	if d := math.Abs(sum - br.Delta()); d > tol || math.IsNaN(sum) {
		t.Fatalf("%s: contributions add up to %v, B − A is %v (off by %v, tolerance %v)", what, sum, br.Delta(), d, tol)
	}
}

// TestBridgeSumStrict: for scenarios a consultant makes (rates from −20
// to 40 %, shares, years, levers, either mode), the contributions add up
// to B − A within 1e-9 of B − A.
func TestBridgeSumStrict(t *testing.T) {
	ds := loadIoMT(t)
	rng := rand.New(rand.NewPCG(20, 27))
	n := 400
	if testing.Short() {
		n = 80
	}
	random := func() model.Assumptions {
		a := ds.Base()
		for range rng.IntN(12) {
			var e model.Edit
			switch rng.IntN(5) {
			case 0, 1:
				e = model.Edit{Kind: model.SetGrowth, Node: rng.IntN(len(ds.Nodes)), Value: -20 + rng.Float64()*60}
			case 2:
				n := 1 + rng.IntN(len(ds.Nodes)-1)
				e = model.Edit{Kind: model.SetShare, Node: n, Value: a.Share[n] * (0.5 + rng.Float64())}
			case 3:
				e = model.Edit{Kind: model.SetYearGrowth, Year: ds.BaseYear + 1 + rng.IntN(ds.Years()-1), Value: rng.Float64() * 30}
			default:
				e = model.Edit{Kind: model.SetLever, Node: rng.IntN(len(ds.Levers)), Value: rng.Float64()*4 - 2}
			}
			if rng.IntN(10) == 0 {
				e = model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: rng.IntN(len(ds.Dims))}
			}
			if next, err := ds.Apply(ds.Base(), a, e); err == nil {
				a = next
			}
		}
		return a
	}
	worst := 0.0
	for i := range n {
		a, b := random(), random()
		node, year := rng.IntN(len(ds.Nodes)), ds.BaseYear+1+rng.IntN(ds.Years()-1)
		br, err := forecast.ComputeBridge(ds, a, b, node, year)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, s := range br.Steps {
			sum += s.Contribution
		}
		if br.Delta() == 0 {
			if sum != 0 {
				t.Fatalf("pair %d: B − A is 0, the contributions add up to %v", i, sum)
			}
			continue
		}
		rel := math.Abs(sum-br.Delta()) / math.Abs(br.Delta())
		worst = max(worst, rel)
		if rel > 1e-9 {
			t.Fatalf("pair %d, %s %d: contributions add up to %v, B − A is %v (%.2g relative)", i, ds.Nodes[node].Path, year, sum, br.Delta(), rel)
		}
	}
	t.Logf("worst relative error of the sum: %.2g", worst)
}

// FuzzBridgeSum: whatever two scenarios, node and year, the contributions
// add up to B − A.
func FuzzBridgeSum(f *testing.F) {
	ds := loadIoMT(f)
	f.Add(uint64(1), uint64(2), 5, 8)
	f.Add(uint64(7), uint64(7), 0, 0)
	f.Fuzz(func(t *testing.T, sa, sb uint64, node, year int) {
		var st propStats
		rng := rand.New(rand.NewPCG(sa, sb))
		a, b, log := randomPair(rng, ds, &st)
		node = int(uint(node) % uint(len(ds.Nodes)))
		year = ds.BaseYear + int(uint(year)%uint(ds.Years()))
		br, err := forecast.ComputeBridge(ds, a, b, node, year)
		if err != nil {
			t.Fatal(err)
		}
		checkBridgeSum(t, log, br)
	})
}

// TestBridgeSampled: with more assumptions moving the node than MaxExact,
// the contributions are estimated, still add up to B − A, say their
// standard error, and are the same on every run.
func TestBridgeSampled(t *testing.T) {
	ds := loadIoMT(t)
	a := ds.Base()
	edits := []model.Edit{{Kind: model.SetGrowth, Node: 0, Value: 21}}
	for y := ds.BaseYear + 1; y <= ds.EndYear; y++ {
		edits = append(edits, model.Edit{Kind: model.SetYearGrowth, Year: y, Value: 10 + float64(y-ds.BaseYear)})
	}
	for i := range ds.Levers {
		edits = append(edits, model.Edit{Kind: model.SetLever, Node: i, Value: 0.5 + 0.25*float64(i)})
	}
	b := apply(t, ds, a, edits...)
	// The Total in top-down: the CAGR, 8 years and 8 levers move it.
	br, err := forecast.ComputeBridge(ds, a, b, 0, ds.EndYear)
	if err != nil {
		t.Fatal(err)
	}
	if br.Exact || br.Players != 1+8+len(ds.Levers) || br.Orders == 0 || br.StdErr <= 0 {
		t.Fatalf("players %d, exact %t, orders %d, stderr %v", br.Players, br.Exact, br.Orders, br.StdErr)
	}
	checkBridgeSum(t, "sampled", br)
	// Every year has a rate of its own in B: the CAGR and the levers
	// matter only in the orders where a year is still A's.
	if !strings.Contains(br.Method(), "random orders") {
		t.Errorf("the method does not say the values are estimated: %q", br.Method())
	}
	again, err := forecast.ComputeBridge(ds, a, b, 0, ds.EndYear)
	if err != nil {
		t.Fatal(err)
	}
	for i := range br.Steps {
		if x, y := again.Steps[i], br.Steps[i]; x.Path != y.Path || x.Contribution != y.Contribution || x.StdErr != y.StdErr {
			t.Fatalf("a second run differs: %+v, then %+v", br.Steps[i], again.Steps[i])
		}
	}
}

// TestBridgeBaseSizeAndPath: the market's base-year size and a segment's
// year of its own rate are assumptions like any other. By hand: with only
// the base size differing, every figure scales with it, so North
// America's 2027 value in B is 1.1 times A's and the base size's
// contribution is all of B − A, 0.1 × A. With a growth path of Asia-
// Pacific's in 2024 added, the two contributions add up to B − A and the
// path's is nothing in 2023, before its year.
func TestBridgeBaseSizeAndPath(t *testing.T) {
	ds := loadIoMT(t)
	na, ap := lookup(t, ds, "Region/North America"), lookup(t, ds, "Region/Asia-Pacific")
	a := ds.Base()
	b := apply(t, ds, a, model.Edit{Kind: model.SetBaseValue, Value: a.BaseValue * 1.1})
	br, err := forecast.ComputeBridge(ds, a, b, na, 2027)
	if err != nil {
		t.Fatal(err)
	}
	if s := stepOf(t, br, "Total/value"); math.Abs(s.Contribution-0.1*br.From) > 1e-9*br.From || math.Abs(br.To-1.1*br.From) > 1e-9*br.From {
		t.Errorf("the base size's contribution %v; want 0.1 × %v = %v (B %v)", s.Contribution, br.From, 0.1*br.From, br.To)
	}
	c := apply(t, ds, b, model.Edit{Kind: model.SetYearGrowth, Node: ap, Year: 2024, Value: 40})
	for _, year := range []int{2023, 2027} {
		br, err = forecast.ComputeBridge(ds, a, c, na, year)
		if err != nil {
			t.Fatal(err)
		}
		checkBridgeSum(t, fmt.Sprint(year), br)
		path := stepOf(t, br, "Region/Asia-Pacific/growth_by_year_pct/2024")
		if year == 2023 && path.Contribution != 0 || year == 2027 && path.Contribution >= 0 {
			t.Errorf("%d: Asia-Pacific's 40 %% in 2024 contributes %v to North America; want 0 before 2024, less than 0 after (it takes share)", year, path.Contribution)
		}
	}
}
