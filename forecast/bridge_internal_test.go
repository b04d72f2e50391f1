package forecast

import (
	"math"
	"math/rand/v2"
	"testing"

	"iomt/assets"
	"iomt/model"
)

func iomt(t *testing.T) *model.Dataset {
	t.Helper()
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// scenarioWith applies edits to the dataset's Base.
func scenarioWith(t *testing.T, ds *model.Dataset, edits ...model.Edit) model.Assumptions {
	t.Helper()
	a := ds.Base()
	for _, e := range edits {
		next, err := ds.Apply(ds.Base(), a, e)
		if err != nil {
			t.Fatalf("%+v: %v", e, err)
		}
		a = next
	}
	return a
}

// TestBridgeOrderIndependent: the contributions do not depend on the
// order in which the assumptions are taken: the players of a plan
// shuffled, every assumption gets the same contribution (to rounding).
func TestBridgeOrderIndependent(t *testing.T) {
	ds := iomt(t)
	na, _ := ds.Lookup("Region/North America")
	ap, _ := ds.Lookup("Region/Asia-Pacific")
	us, _ := ds.Lookup("Region/North America/United States")
	b := scenarioWith(t, ds,
		model.Edit{Kind: model.SetGrowth, Node: 0, Value: 21},
		model.Edit{Kind: model.SetGrowth, Node: na, Value: 14},
		model.Edit{Kind: model.SetGrowth, Node: ap, Value: 26},
		model.Edit{Kind: model.SetShare, Node: na, Value: 30},
		model.Edit{Kind: model.SetYearGrowth, Year: 2020, Value: 5},
		model.Edit{Kind: model.SetLever, Node: 0, Value: 1},
		model.Edit{Kind: model.SetLever, Node: 4, Value: -1.5},
		model.Edit{Kind: model.SetGrowth, Node: us, Value: 12})
	a := ds.Base()
	for _, node := range []int{0, na, us} {
		want, err := ComputeBridge(ds, a, b, node, 2027)
		if err != nil {
			t.Fatal(err)
		}
		byPath := map[string]float64{}
		for _, s := range want.Steps {
			byPath[s.Path] = s.Contribution
		}
		rng := rand.New(rand.NewPCG(uint64(node), 9))
		for range 20 {
			p, err := PlanBridge(ds, a, b, node, 2027)
			if err != nil {
				t.Fatal(err)
			}
			rng.Shuffle(len(p.players), func(i, j int) { p.players[i], p.players[j] = p.players[j], p.players[i] })
			p.Run(0, p.Len())
			got, err := p.Bridge()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range got.Steps {
				if w := byPath[s.Path]; math.Abs(s.Contribution-w) > 1e-12*max(1, math.Abs(w)) {
					t.Fatalf("node %d: %s contributes %v in one order of the players, %v in another", node, s.Path, s.Contribution, w)
				}
			}
		}
		if node == na && want.Players < 6 {
			t.Errorf("North America has %d players; the test means to shuffle more", want.Players)
		}
	}
}

// TestBridgeSampledNearExact: a sampled bridge's contributions are
// within four standard errors of the exact ones (worked out here with
// 2^17 projections, more than a bridge makes itself).
func TestBridgeSampledNearExact(t *testing.T) {
	if testing.Short() {
		t.Skip("2^17 projections")
	}
	ds := iomt(t)
	edits := []model.Edit{{Kind: model.SetGrowth, Node: 0, Value: 21}}
	for y := ds.BaseYear + 1; y <= ds.EndYear; y += 2 {
		edits = append(edits, model.Edit{Kind: model.SetYearGrowth, Year: y, Value: 10 + float64(y-ds.BaseYear)})
	}
	for i := range ds.Levers {
		edits = append(edits, model.Edit{Kind: model.SetLever, Node: i, Value: 0.5 + 0.25*float64(i)})
	}
	na, _ := ds.Lookup("Region/North America")
	for _, r := range ds.Dims[3].Top[1:4] {
		edits = append(edits, model.Edit{Kind: model.SetGrowth, Node: r, Value: 20})
	}
	edits = append(edits, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3})
	b := scenarioWith(t, ds, edits...)
	a := ds.Base()
	p, err := PlanBridge(ds, a, b, na, 2027)
	if err != nil {
		t.Fatal(err)
	}
	if p.exact || len(p.players) <= MaxExact {
		t.Fatalf("%d players: the test needs more than %d", len(p.players), MaxExact)
	}
	p.Run(0, p.Len())
	sampled, err := p.Bridge()
	if err != nil {
		t.Fatal(err)
	}
	// The same plan, made exact.
	p.exact, p.marg = true, nil
	p.v = make([]float64, 1<<len(p.players))
	p.Run(0, p.Len())
	exact, err := p.Bridge()
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sampled.Steps {
		e := exact.Steps[0]
		for _, x := range exact.Steps {
			if x.Path == s.Path {
				e = x
			}
		}
		if d := math.Abs(s.Contribution - e.Contribution); d > 4*s.StdErr+1e-12 {
			t.Errorf("%d %s: sampled %v ± %v, exact %v", i, s.Path, s.Contribution, s.StdErr, e.Contribution)
		}
	}
	t.Logf("%d players, %d orders, largest standard error %.3g", sampled.Players, sampled.Orders, sampled.StdErr)
}
