// Package forecast projects a market from a dataset and a scenario's
// assumptions. It is pure math: no IO, no UI, no shared state, so any
// number of sessions can project at once.
package forecast

import (
	"math"

	"iomt/model"
)

// Result holds every node's value and share for every year. Values are in
// the dataset's unit (US$ bn for the IoMT dataset); shares are percent of
// the parent (100 for the total).
type Result struct {
	BaseYear int
	Years    int // number of years, base year included
	Nodes    int
	// value and share are node-major: index node*Years + yearIndex.
	value []float64
	share []float64
	// pathOf[n] is node n's index in the assumptions' Paths, -1 without
	// one: filled only when the assumptions have paths.
	pathOf []int32
	// TotalImpliedCAGR is the total's CAGR over the whole period; in
	// bottom-up mode it is an output rather than an input.
	TotalImpliedCAGR float64
}

// Year returns the calendar year of year index yi.
func (r *Result) Year(yi int) int { return r.BaseYear + yi }

// Value returns node's value in year index yi (0 is the base year).
func (r *Result) Value(node, yi int) float64 { return r.value[node*r.Years+yi] }

// Share returns node's share of its parent in year index yi, in percent.
func (r *Result) Share(node, yi int) float64 { return r.share[node*r.Years+yi] }

// Series returns node's values for every year. The slice aliases the
// result; callers must not modify it.
func (r *Result) Series(node int) []float64 { return r.value[node*r.Years : (node+1)*r.Years] }

// ShareSeries returns node's shares for every year (aliasing the result).
func (r *Result) ShareSeries(node int) []float64 { return r.share[node*r.Years : (node+1)*r.Years] }

// Growth returns node's year-on-year growth into year index yi, in
// percent; NaN for the base year or when the previous value is zero.
func (r *Result) Growth(node, yi int) float64 {
	if yi <= 0 {
		return math.NaN()
	}
	prev := r.Value(node, yi-1)
	if prev == 0 {
		return math.NaN()
	}
	return (r.Value(node, yi)/prev - 1) * 100
}

// CAGR returns node's compound annual growth from year index y0 to y1, in
// percent; NaN when the range is empty or the start value is zero.
func (r *Result) CAGR(node, y0, y1 int) float64 {
	if y1 <= y0 {
		return math.NaN()
	}
	v0, v1 := r.Value(node, y0), r.Value(node, y1)
	if v0 <= 0 {
		return math.NaN()
	}
	return (math.Pow(v1/v0, 1/float64(y1-y0)) - 1) * 100
}

// ShareChange returns the change in node's share of its parent from year
// index y0 to y1, in percentage points.
func (r *Result) ShareChange(node, y0, y1 int) float64 { return r.Share(node, y1) - r.Share(node, y0) }

// Gain returns node's absolute value gained from year index y0 to y1.
func (r *Result) Gain(node, y0, y1 int) float64 { return r.Value(node, y1) - r.Value(node, y0) }

// Project computes the forecast of ds under a.
func Project(ds *model.Dataset, a *model.Assumptions) *Result {
	r := &Result{}
	ProjectInto(r, ds, a)
	return r
}

// ProjectInto computes the forecast into r, reusing its buffers, so a UI
// that re-projects on every keypress allocates nothing in steady state.
func ProjectInto(r *Result, ds *model.Dataset, a *model.Assumptions) {
	years, nodes := ds.Years(), len(ds.Nodes)
	r.BaseYear, r.Years, r.Nodes = ds.BaseYear, years, nodes
	if cap(r.value) < years*nodes {
		r.value = make([]float64, years*nodes)
		r.share = make([]float64, years*nodes)
	}
	r.value = r.value[:years*nodes]
	r.share = r.share[:years*nodes]

	paths := len(a.Paths) > 0
	if paths {
		r.indexPaths(a, nodes)
	}
	total := r.value[:years]
	for yi := range years {
		r.share[yi] = 100
	}
	driverGroup := -1
	if a.Mode == model.BottomUp {
		driverGroup = ds.Dims[a.Driver].Group
		baseTotal := a.BaseValue
		for yi := range total {
			total[yi] = 0
		}
		// The levers nudge the market: in bottom-up, the market is the
		// driver segments, so each grows by the levers' impact too.
		levers := a.DriverSum()
		for _, m := range ds.Groups[driverGroup].Members {
			v := r.value[m*years : (m+1)*years]
			v[0] = a.Share[m] / 100 * baseTotal
			f := 1 + (a.Growth[m]+levers)/100
			for yi := 1; yi < years; yi++ {
				// A year of the segment's path grows at its own rate,
				// as a year of the market's does, levers aside.
				if own, ok := r.yearRate(a, m, yi); ok {
					v[yi] = v[yi-1] * (1 + own/100)
					continue
				}
				v[yi] = v[yi-1] * f
			}
			for yi := range years {
				total[yi] += v[yi]
			}
		}
		for _, m := range ds.Groups[driverGroup].Members {
			// The base year keeps the entered share exactly (docs/DESIGN.md §4);
			// value/total would differ from it in the last bits.
			r.share[m*years] = a.Share[m]
			for yi := 1; yi < years; yi++ {
				if total[yi] > 0 {
					r.share[m*years+yi] = r.value[m*years+yi] / total[yi] * 100
				} else {
					r.share[m*years+yi] = a.Share[m]
				}
			}
		}
	} else {
		total[0] = a.BaseValue
		market := a.MarketGrowth() // once: it sums the levers
		for yi := 1; yi < years; yi++ {
			g := a.YearGrowth[yi-1]
			if math.IsNaN(g) {
				g = market
			}
			total[yi] = total[yi-1] * (1 + g/100)
		}
	}
	r.TotalImpliedCAGR = r.CAGR(0, 0, years-1)

	// Groups are ordered parents first, so a parent's values are ready
	// before its children are split from them.
	for gi := range ds.Groups {
		if gi == driverGroup {
			continue
		}
		splitGroup(r, &ds.Groups[gi], a, paths)
	}
}

// indexPaths fills pathOf for a's paths, reusing its buffer.
func (r *Result) indexPaths(a *model.Assumptions, nodes int) {
	if cap(r.pathOf) < nodes {
		r.pathOf = make([]int32, nodes)
	}
	r.pathOf = r.pathOf[:nodes]
	for n := range r.pathOf {
		r.pathOf[n] = -1
	}
	for i, p := range a.Paths {
		if p.Node >= 0 && p.Node < nodes {
			r.pathOf[p.Node] = int32(i)
		}
	}
}

// yearRate is segment m's own rate in year index yi, if its path gives
// one (pathOf must be filled: only called when a has paths).
func (r *Result) yearRate(a *model.Assumptions, m, yi int) (float64, bool) {
	if len(a.Paths) == 0 {
		return 0, false
	}
	i := r.pathOf[m]
	if i < 0 {
		return 0, false
	}
	g := a.Paths[i].Rates[yi-1]
	return g, g == g // NaN: the segment's CAGR
}

// splitGroup divides the parent's value among one set of siblings. Each
// share drifts by its growth rate and is renormalised every year, which
// equals s_i·Π(1+g_i) / Σ_j s_j·Π(1+g_j) but never overflows or underflows
// over long horizons.
func splitGroup(r *Result, g *model.Group, a *model.Assumptions, paths bool) {
	years := r.Years
	parent := r.value[g.Parent*years : (g.Parent+1)*years]
	for _, m := range g.Members {
		r.share[m*years] = a.Share[m]
	}
	for yi := 1; yi < years; yi++ {
		sum := 0.0
		for _, m := range g.Members {
			growth := a.Growth[m]
			if paths {
				// A year of the segment's path: its own rate.
				if own, ok := r.yearRate(a, m, yi); ok {
					growth = own
				}
			}
			s := r.share[m*years+yi-1] * (1 + growth/100)
			r.share[m*years+yi] = s
			sum += s
		}
		if sum > 0 {
			// min: rounding can lift a lone non-zero share to
			// 100.00000000000001, and a share never exceeds its parent.
			k := 100 / sum
			for _, m := range g.Members {
				r.share[m*years+yi] = min(r.share[m*years+yi]*k, 100)
			}
		}
	}
	for _, m := range g.Members {
		for yi := range years {
			r.value[m*years+yi] = r.share[m*years+yi] / 100 * parent[yi]
		}
	}
}
