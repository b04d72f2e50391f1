package forecast_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"iomt/assets"
	"iomt/forecast"
	"iomt/model"
)

// smartHomeFile is the second dataset, a fictional market in the same
// format, kept at the repository root so the CLI can validate it too.
var smartHomeFile = filepath.Join("..", "testdata", "smart-home-energy.yaml")

// loadIoMT parses the embedded dataset, failing the test if it is invalid.
func loadIoMT(tb testing.TB) *model.Dataset {
	tb.Helper()
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		tb.Fatalf("embedded dataset: %v", err)
	}
	return ds
}

// loadSmartHome parses testdata/smart-home-energy.yaml.
func loadSmartHome(tb testing.TB) *model.Dataset {
	tb.Helper()
	data, err := os.ReadFile(smartHomeFile)
	if err != nil {
		tb.Fatal(err)
	}
	ds, err := model.LoadDataset(smartHomeFile, data)
	if err != nil {
		tb.Fatalf("smart home dataset: %v", err)
	}
	return ds
}

// loadYAML parses an inline dataset written for one test.
func loadYAML(tb testing.TB, name, src string) *model.Dataset {
	tb.Helper()
	ds, err := model.LoadDataset(name, []byte(src))
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return ds
}

// lookup returns the node index of path, failing the test if there is none.
func lookup(tb testing.TB, ds *model.Dataset, path string) int {
	tb.Helper()
	n, ok := ds.Lookup(path)
	if !ok {
		tb.Fatalf("%s: no segment %q", ds.Market, path)
	}
	return n
}

// apply applies edits in order, failing the test if any is refused.
func apply(tb testing.TB, ds *model.Dataset, a model.Assumptions, edits ...model.Edit) model.Assumptions {
	tb.Helper()
	origin := ds.Base()
	for _, e := range edits {
		next, err := ds.Apply(origin, a, e)
		if err != nil {
			tb.Fatalf("edit %+v refused: %v", e, err)
		}
		a = next
	}
	return a
}

// relErr is |got-want| relative to |want| (absolute when want is 0).
func relErr(got, want float64) float64 {
	d := math.Abs(got - want)
	if want == 0 {
		return d
	}
	return d / math.Abs(want)
}

// wantClose fails the test unless got is want within rel (relative).
func wantClose(tb testing.TB, what string, got, want, rel float64) {
	tb.Helper()
	if math.IsNaN(got) || math.IsNaN(want) || relErr(got, want) > rel {
		tb.Errorf("%s = %.17g, want %.17g (relative error %.3g > %g)", what, got, want, relErr(got, want), rel)
	}
}

// sumTol is the invariant's tolerance: siblings add up to their parent
// within 1e-9 relative.
const sumTol = 1e-9

// checkInvariants checks the projection invariants of docs/DESIGN.md §4 on one
// result and returns the first few violations as strings (empty when all
// hold), so a property test can report the scenario that broke them.
func checkInvariants(ds *model.Dataset, a *model.Assumptions, r *forecast.Result) []string {
	var bad []string
	add := func(format string, args ...any) {
		if len(bad) < 8 {
			bad = append(bad, fmt.Sprintf(format, args...))
		}
	}
	years := ds.Years()
	if r.Years != years || r.Nodes != len(ds.Nodes) || r.BaseYear != ds.BaseYear {
		add("result shape %d years × %d nodes from %d, want %d × %d from %d",
			r.Years, r.Nodes, r.BaseYear, years, len(ds.Nodes), ds.BaseYear)
		return bad
	}
	for n := range ds.Nodes {
		for yi := range years {
			v, s := r.Value(n, yi), r.Share(n, yi)
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				add("%s %d: value %v is not finite and >= 0", ds.Nodes[n].Path, r.Year(yi), v)
			}
			if math.IsNaN(s) || s < 0 || s > 100 {
				add("%s %d: share %v is outside [0, 100]", ds.Nodes[n].Path, r.Year(yi), s)
			}
		}
		// Base-year shares are the inputs, bit for bit.
		if got := r.Share(n, 0); got != a.Share[n] {
			add("%s: base-year share %.17g, want the input %.17g", ds.Nodes[n].Path, got, a.Share[n])
		}
	}
	for gi, g := range ds.Groups {
		for yi := range years {
			sum, shares := 0.0, 0.0
			for _, m := range g.Members {
				sum += r.Value(m, yi)
				shares += r.Share(m, yi)
			}
			parent := r.Value(g.Parent, yi)
			if d := math.Abs(sum - parent); d > sumTol*parent || (parent == 0 && sum != 0) {
				add("group %d (under %s) %d: members sum to %.17g, parent is %.17g",
					gi, ds.Nodes[g.Parent].Path, r.Year(yi), sum, parent)
			}
			if parent > 0 && math.Abs(shares-100) > sumTol*100 {
				add("group %d (under %s) %d: shares sum to %.17g, not 100",
					gi, ds.Nodes[g.Parent].Path, r.Year(yi), shares)
			}
		}
	}
	// Every dimension's top-level segments add up to the total: the same
	// check as the groups above for the top-level groups, done from Dims
	// so a dimension whose group is wired wrongly is caught too.
	for _, d := range ds.Dims {
		for yi := range years {
			sum := 0.0
			for _, m := range d.Top {
				sum += r.Value(m, yi)
			}
			if total := r.Value(0, yi); math.Abs(sum-total) > sumTol*total {
				add("dimension %s %d: segments sum to %.17g, total is %.17g", d.Name, r.Year(yi), sum, total)
			}
		}
	}
	if a.Mode == model.BottomUp {
		top := ds.Dims[a.Driver].Top
		for _, m := range top {
			want0 := a.Share[m] / 100 * a.BaseValue
			if relErr(r.Value(m, 0), want0) > 1e-12 {
				add("driver %s base value %.17g, want share × total %.17g", ds.Nodes[m].Path, r.Value(m, 0), want0)
			}
			for yi := 1; yi < years; yi++ {
				f := 1 + a.Growth[m]/100
				if own, ok := a.YearRate(m, yi); ok {
					f = 1 + own/100 // a year of its growth path
				}
				want := r.Value(m, yi-1) * f
				if relErr(r.Value(m, yi), want) > 1e-12 {
					add("driver %s %d: value %.17g, want last year's × %.17g = %.17g",
						ds.Nodes[m].Path, r.Year(yi), r.Value(m, yi), f, want)
				}
			}
		}
		for yi := range years {
			sum := 0.0
			for _, m := range top {
				sum += r.Value(m, yi)
			}
			if relErr(r.Value(0, yi), sum) > 1e-12 {
				add("bottom-up total %d: %.17g, want the driver's sum %.17g", r.Year(yi), r.Value(0, yi), sum)
			}
		}
	} else {
		if r.Value(0, 0) != a.BaseValue {
			add("top-down base total %.17g, want the scenario's %.17g", r.Value(0, 0), a.BaseValue)
		}
		for yi := 1; yi < years; yi++ {
			want := r.Value(0, yi-1) * (1 + a.TotalGrowth(yi)/100)
			if relErr(r.Value(0, yi), want) > 1e-12 {
				add("top-down total %d: %.17g, want %.17g", r.Year(yi), r.Value(0, yi), want)
			}
		}
	}
	if want := r.CAGR(0, 0, years-1); relErr(r.TotalImpliedCAGR, want) > 1e-12 {
		add("TotalImpliedCAGR %.17g, want the total's CAGR %.17g", r.TotalImpliedCAGR, want)
	}
	return bad
}

// reference projects ds under a by the closed form of docs/DESIGN.md §4,
// written independently of forecast.go: momenta s_i·(1+g_i)^y with
// math.Pow (s_i·Π(1+g_i,k) over the years for a segment with a growth
// path), no year-by-year renormalisation. It returns values[node][year].
func reference(ds *model.Dataset, a *model.Assumptions) [][]float64 {
	years := ds.Years()
	v := make([][]float64, len(ds.Nodes))
	for n := range v {
		v[n] = make([]float64, years)
	}
	driverGroup := -1
	base := a.BaseValue
	// growth is m's compound growth factor over the first y years.
	growth := func(m, y int) float64 {
		if !a.HasPath(m) {
			return math.Pow(1+a.Growth[m]/100, float64(y))
		}
		f := 1.0
		for k := 1; k <= y; k++ {
			rate := a.Growth[m]
			if own := a.PathOf(m)[k-1]; !math.IsNaN(own) {
				rate = own
			}
			f *= 1 + rate/100
		}
		return f
	}
	if a.Mode == model.BottomUp {
		driverGroup = ds.Dims[a.Driver].Group
		for _, m := range ds.Dims[a.Driver].Top {
			for y := range years {
				v[m][y] = a.Share[m] / 100 * base * growth(m, y)
				v[0][y] += v[m][y]
			}
		}
	} else {
		v[0][0] = base
		for y := 1; y < years; y++ {
			rate := a.Growth[0]
			if yr := a.YearGrowth[y-1]; !math.IsNaN(yr) {
				rate = yr
			}
			v[0][y] = v[0][y-1] * (1 + rate/100)
		}
	}
	for gi, g := range ds.Groups {
		if gi == driverGroup {
			continue
		}
		for y := range years {
			sum := 0.0
			for _, m := range g.Members {
				sum += a.Share[m] * growth(m, y)
			}
			for _, m := range g.Members {
				mom := a.Share[m] * growth(m, y)
				v[m][y] = mom / sum * v[g.Parent][y]
			}
		}
	}
	return v
}

// checkReference compares a projection with the closed form, within rel.
func checkReference(ds *model.Dataset, a *model.Assumptions, r *forecast.Result, rel float64) []string {
	var bad []string
	ref := reference(ds, a)
	for n := range ds.Nodes {
		for y := range ds.Years() {
			got, want := r.Value(n, y), ref[n][y]
			if math.Abs(got-want) > rel*math.Abs(want) {
				bad = append(bad, fmt.Sprintf("%s %d: value %.17g, closed form gives %.17g",
					ds.Nodes[n].Path, r.Year(y), got, want))
				if len(bad) >= 8 {
					return bad
				}
			}
		}
	}
	return bad
}
