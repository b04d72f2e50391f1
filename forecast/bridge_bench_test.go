package forecast_test

import (
	"fmt"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// bridgeEdits are changes that each move North America's 2027 value: the
// market's CAGR, the regions' rates, North America's share, the years'
// own rates, the levers. The first k make a bridge of k assumptions.
func bridgeEdits(tb testing.TB, ds *model.Dataset) []model.Edit {
	na := lookup(tb, ds, "Region/North America")
	out := []model.Edit{{Kind: model.SetGrowth, Node: 0, Value: 21}}
	for i, r := range ds.Dims[3].Top {
		out = append(out, model.Edit{Kind: model.SetGrowth, Node: r, Value: 14.25 + 1.5*float64(i)})
	}
	out = append(out, model.Edit{Kind: model.SetShare, Node: na, Value: 30})
	for y := ds.BaseYear + 1; y <= ds.EndYear; y++ {
		out = append(out, model.Edit{Kind: model.SetYearGrowth, Year: y, Value: float64(10 + y - ds.BaseYear)})
	}
	for i := range ds.Levers {
		out = append(out, model.Edit{Kind: model.SetLever, Node: i, Value: 0.25})
	}
	return out
}

// BenchmarkBridge is the bridge of North America's 2027 value over 8, 12,
// 14 and 16 assumptions that move it: exact, 2^k projections, on one
// core; and over 20, sampled (as many projections as 16).
func BenchmarkBridge(b *testing.B) {
	ds := loadIoMT(b)
	na := lookup(b, ds, "Region/North America")
	edits := bridgeEdits(b, ds)
	for _, k := range []int{8, 12, 14, 16, 20} {
		b.Run(fmt.Sprintf("%d", k), func(b *testing.B) {
			a := ds.Base()
			bb := apply(b, ds, a, edits[:k]...)
			br, err := forecast.ComputeBridge(ds, a, bb, na, 2027)
			if err != nil || br.Players != k || br.Exact != (k <= forecast.MaxExact) {
				b.Fatalf("%d players (exact %t), want %d: %v", br.Players, br.Exact, k, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := forecast.ComputeBridge(ds, a, bb, na, 2027); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
