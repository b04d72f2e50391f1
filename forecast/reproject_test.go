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

// randomDataset writes a valid dataset of one to three dimensions, each of
// one to five segments with up to four sub-segments, random shares and
// rates, and up to two levers.
func randomDataset(tb testing.TB, rng *rand.Rand) *model.Dataset {
	tb.Helper()
	var b strings.Builder
	years := 2 + rng.IntN(12)
	fmt.Fprintf(&b, "market: Random\ncurrency: USD\nunit: billion\nbase_year: 2020\nend_year: %d\n", 2020+years-1)
	fmt.Fprintf(&b, "total: {value: %g, cagr_pct: %g}\ndimensions:\n", 1+rng.Float64()*100, -5+rng.Float64()*20)
	shares := func(n int) []string {
		w := make([]float64, n)
		sum := 0.0
		for i := range w {
			w[i] = float64(rng.IntN(50)) // some zero shares
			sum += w[i]
		}
		out := make([]string, n)
		left := 100.0
		for i := range w {
			s := 100.0 / float64(n)
			if sum > 0 {
				s = math.Round(w[i]/sum*10000) / 100
			}
			if i == n-1 {
				s = math.Round(left*100) / 100
			}
			left -= s
			out[i] = fmt.Sprintf("%g", max(s, 0))
		}
		return out
	}
	for d := range 1 + rng.IntN(3) {
		fmt.Fprintf(&b, "  - name: D%d\n    segments:\n", d)
		top := 1 + rng.IntN(5)
		for i, s := range shares(top) {
			fmt.Fprintf(&b, "      - name: d%dt%d\n        share_pct: %s\n        cagr_pct: %g\n", d, i, s, -10+rng.Float64()*40)
			sub := rng.IntN(5)
			if sub == 0 {
				continue
			}
			b.WriteString("        segments:\n")
			for j, s := range shares(sub) {
				fmt.Fprintf(&b, "          - {name: s%d, share_pct: %s, cagr_pct: %g}\n", j, s, -10+rng.Float64()*40)
			}
		}
	}
	b.WriteString("context:\n  drivers:\n    - More devices\n  challenges:\n    - Privacy\n")
	ds, err := model.LoadDataset("random.yaml", []byte(b.String()))
	if err != nil {
		tb.Fatalf("random dataset: %v\n%s", err, b.String())
	}
	return ds
}

// randomEdit is one edit of any kind a user can make, on a random node.
func randomEdit(rng *rand.Rand, ds *model.Dataset, a *model.Assumptions) model.Edit {
	nodes := len(ds.Nodes)
	year := ds.BaseYear + 1 + rng.IntN(ds.Years()-1)
	switch k := rng.IntN(24); {
	case k < 7:
		return model.Edit{Kind: model.SetGrowth, Node: 1 + rng.IntN(nodes-1), Value: randRate(rng)}
	case k < 12:
		n := 1 + rng.IntN(nodes-1)
		return model.Edit{Kind: model.SetShare, Node: n, Value: randShare(rng, a.Share[n])}
	case k < 14:
		return model.Edit{Kind: model.SetLock, Node: 1 + rng.IntN(nodes-1), Lock: rng.IntN(2) == 0}
	case k < 16:
		v := randRate(rng)
		if rng.IntN(3) == 0 {
			v = math.NaN() // the path's year back to the segment's CAGR
		}
		return model.Edit{Kind: model.SetYearGrowth, Node: 1 + rng.IntN(nodes-1), Year: year, Value: v}
	case k == 16:
		return model.Edit{Kind: model.SetYearGrowth, Year: year, Value: randRate(rng)}
	case k == 17:
		return model.Edit{Kind: model.SetGrowth, Node: 0, Value: randRate(rng)}
	case k == 18:
		return model.Edit{Kind: model.SetBaseValue, Value: 0.001 + rng.Float64()*1000}
	case k == 19:
		return model.Edit{Kind: model.SetLever, Node: rng.IntN(len(ds.Levers)), Value: -5 + rng.Float64()*10}
	case k == 20:
		if rng.IntN(2) == 0 {
			return model.Edit{Kind: model.SetMode, Mode: model.TopDown, Driver: a.Driver}
		}
		return model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: rng.IntN(len(ds.Dims))}
	case k == 21:
		return model.Edit{Kind: model.ResetNode, Node: rng.IntN(nodes)}
	case k == 22:
		return model.Edit{Kind: model.ResetAll}
	default:
		return model.Edit{Kind: model.SetWindow, Window: model.Window{From: ds.BaseYear, To: year}}
	}
}

// TestReprojectIsFullProjection holds ReprojectInto to ProjectInto bit for
// bit: over random edit sequences on random datasets and on the IoMT and
// smart-home datasets, in both modes, each step (an edit, or a jump back
// to any earlier state, as undo and redo do) re-projected from the
// previous state equals a fresh projection of the new one.
func TestReprojectIsFullProjection(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 0x23b))
	runs, steps := 120, 60
	if testing.Short() {
		runs = 30
	}
	var bottomUp, sharesSplit, jumps int
	for run := range runs {
		var ds *model.Dataset
		switch run % 6 {
		case 0:
			ds = loadIoMT(t)
		case 1:
			ds = loadSmartHome(t)
		default:
			ds = randomDataset(t, rng)
		}
		origin := ds.Base()
		if run%2 == 1 && len(ds.Dims) > 0 {
			origin = apply(t, ds, origin, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: rng.IntN(len(ds.Dims))})
		}
		states := []model.Assumptions{origin}
		cur := origin
		var r forecast.Result
		forecast.ProjectInto(&r, ds, &cur)
		var log strings.Builder
		for step := range steps {
			next := cur
			if rng.IntN(5) == 0 {
				next = states[rng.IntN(len(states))]
				jumps++
				fmt.Fprintf(&log, " jump")
			} else {
				e := randomEdit(rng, ds, &cur)
				n, err := ds.Apply(origin, cur, e)
				if err != nil {
					continue
				}
				next = n
				states = append(states, next)
				fmt.Fprintf(&log, " %+v", e)
				if e.Kind == model.SetGrowth || e.Kind == model.SetShare {
					sharesSplit++
				}
			}
			if next.Mode == model.BottomUp {
				bottomUp++
			}
			forecast.ReprojectInto(&r, ds, &cur, &next)
			cur = next
			want := forecast.Project(ds, &cur)
			if !sameResult(&r, want) {
				t.Fatalf("run %d (%s) step %d: re-projected differs from projected: %s\nedits:%s",
					run, ds.Market, step, firstDifference(ds, &r, want), log.String())
			}
		}
	}
	if bottomUp < runs*steps/4 || sharesSplit < runs*steps/3 || jumps < runs*steps/10 {
		t.Errorf("coverage: %d bottom-up steps, %d rate and share edits, %d jumps over %d steps", bottomUp, sharesSplit, jumps, runs*steps)
	}
}

// TestReprojectFromAnotherShape projects everything when the result was
// made for another dataset, rather than reading past its buffers.
func TestReprojectFromAnotherShape(t *testing.T) {
	small, big := loadSmartHome(t), loadIoMT(t)
	sa, ba := small.Base(), big.Base()
	var r forecast.Result
	forecast.ProjectInto(&r, small, &sa)
	forecast.ReprojectInto(&r, big, &sa, &ba)
	if want := forecast.Project(big, &ba); !sameResult(&r, want) {
		t.Fatalf("re-projected over another dataset: %s", firstDifference(big, &r, want))
	}
}

func sameResult(r, want *forecast.Result) bool {
	if r.Nodes != want.Nodes || r.Years != want.Years || r.BaseYear != want.BaseYear ||
		math.Float64bits(r.TotalImpliedCAGR) != math.Float64bits(want.TotalImpliedCAGR) {
		return false
	}
	for n := range r.Nodes {
		for y := range r.Years {
			if math.Float64bits(r.Value(n, y)) != math.Float64bits(want.Value(n, y)) ||
				math.Float64bits(r.Share(n, y)) != math.Float64bits(want.Share(n, y)) {
				return false
			}
		}
	}
	return true
}

func firstDifference(ds *model.Dataset, r, want *forecast.Result) string {
	if r.Nodes != want.Nodes || r.Years != want.Years {
		return fmt.Sprintf("shape %d×%d, want %d×%d", r.Nodes, r.Years, want.Nodes, want.Years)
	}
	for n := range r.Nodes {
		for y := range r.Years {
			if math.Float64bits(r.Value(n, y)) != math.Float64bits(want.Value(n, y)) ||
				math.Float64bits(r.Share(n, y)) != math.Float64bits(want.Share(n, y)) {
				return fmt.Sprintf("%s %d: %v / %v %%, want %v / %v %%", ds.Nodes[n].Path, r.Year(y),
					r.Value(n, y), r.Share(n, y), want.Value(n, y), want.Share(n, y))
			}
		}
	}
	return fmt.Sprintf("total implied CAGR %v, want %v", r.TotalImpliedCAGR, want.TotalImpliedCAGR)
}
