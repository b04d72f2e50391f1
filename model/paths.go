package model

import (
	"fmt"
	"math"
	"slices"
)

// Path is a segment's growth path: the years in which it grows at a rate
// of its own rather than at its CAGR (a slow start then catch-up, an
// S-curve of adoption). The total's path is Assumptions.YearGrowth.
type Path struct {
	Node int
	// Rates[i] is the segment's growth in year BaseYear+1+i, or NaN to
	// use its CAGR. At least one is set: a path with none is removed.
	Rates []float64
}

// PathOf returns node n's year rates: the total's YearGrowth for n = 0, a
// segment's path, or nil when the segment has none. The slice aliases the
// assumptions; callers must not modify it.
func (a *Assumptions) PathOf(n int) []float64 {
	if n == 0 {
		return a.YearGrowth
	}
	if i, ok := a.pathIndex(n); ok {
		return a.Paths[i].Rates
	}
	return nil
}

// HasPath reports whether node n has at least one year with a rate of its
// own.
func (a *Assumptions) HasPath(n int) bool {
	return slices.ContainsFunc(a.PathOf(n), func(r float64) bool { return !math.IsNaN(r) })
}

// YearRate returns node n's own rate in year index yi (1 is the first
// year after the base year), and whether it has one.
func (a *Assumptions) YearRate(n, yi int) (float64, bool) {
	p := a.PathOf(n)
	if yi < 1 || yi > len(p) || math.IsNaN(p[yi-1]) {
		return 0, false
	}
	return p[yi-1], true
}

// pathIndex finds node n's path in the sorted Paths.
func (a *Assumptions) pathIndex(n int) (int, bool) {
	return slices.BinarySearchFunc(a.Paths, n, func(p Path, n int) int { return p.Node - n })
}

// setPath sets node n's rate in year index yi (1-based) to r (NaN: the
// CAGR), on a's own copy (Apply clones first). years is the number of
// forecast years after the base year.
func (a *Assumptions) setPath(n, yi int, r float64, years int) {
	i, ok := a.pathIndex(n)
	if !ok {
		if math.IsNaN(r) {
			return
		}
		rates := make([]float64, years)
		for j := range rates {
			rates[j] = math.NaN()
		}
		a.Paths = slices.Insert(a.Paths, i, Path{Node: n, Rates: rates})
	}
	a.Paths[i].Rates[yi-1] = r
	if !slices.ContainsFunc(a.Paths[i].Rates, func(r float64) bool { return !math.IsNaN(r) }) {
		a.Paths = slices.Delete(a.Paths, i, i+1)
	}
}

// resetPath gives node n (a segment) the path it has in origin.
func (a *Assumptions) resetPath(origin *Assumptions, n int) {
	if i, ok := a.pathIndex(n); ok {
		a.Paths = slices.Delete(a.Paths, i, i+1)
	}
	if j, ok := origin.pathIndex(n); ok {
		i, _ := a.pathIndex(n)
		a.Paths = slices.Insert(a.Paths, i, Path{Node: n, Rates: slices.Clone(origin.Paths[j].Rates)})
	}
}

func clonePaths(ps []Path) []Path {
	if ps == nil {
		return nil
	}
	out := make([]Path, len(ps))
	for i, p := range ps {
		out[i] = Path{Node: p.Node, Rates: slices.Clone(p.Rates)}
	}
	return out
}

func pathsEqual(a, b []Path) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Node != b[i].Node || !bitsEqual(a[i].Rates, b[i].Rates) {
			return false
		}
	}
	return true
}

// CheckBaseValue says why v cannot be the market's base-year value, if it
// cannot: it must be above 0 (a market of nothing has no shares to
// split) and at most MaxValueBn, as in a dataset.
func CheckBaseValue(v float64) (string, bool) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Sprintf("base-year value %v is not a finite number", v), false
	case v <= 0:
		return fmt.Sprintf("base-year value %g: the market's size must be above 0", v), false
	case v > MaxValueBn:
		return fmt.Sprintf("base-year value %g is more than %g, the largest a dataset holds: give the dataset in a larger unit", v, MaxValueBn), false
	}
	return "", true
}

// Contains reports whether rate r is within the range, ends included.
func (r Range) Contains(x float64) bool { return x >= r.Lo && x <= r.Hi }

// checkRangeAround says why rg cannot be the Monte Carlo range of a rate
// entered as rate: its ends must be allowed rates, the low below the
// high, and the rate within it (the range reaches either side of the
// rate entered, which is the peak of the draws).
func checkRangeAround(rg Range, rate float64) (string, bool) {
	if _, msg, ok := checkRange([]float64{rg.Lo, rg.Hi}); !ok {
		return msg, false
	}
	if !rg.Contains(rate) {
		return fmt.Sprintf("the range %g–%g %% does not contain the rate entered, %g %%", rg.Lo, rg.Hi, rate), false
	}
	return "", true
}

// applyMore makes the edits of base values, growth paths and Monte Carlo
// ranges (see Apply) on next, its own copy.
func (d *Dataset) applyMore(next *Assumptions, e Edit) error {
	switch e.Kind {
	case SetBaseValue:
		if msg, ok := CheckBaseValue(e.Value); !ok {
			return fmt.Errorf("%s", msg)
		}
		next.BaseValue = e.Value
	case SetRange:
		if e.Node < 0 || e.Node >= len(d.Nodes) {
			return fmt.Errorf("no such segment (node %d)", e.Node)
		}
		if !e.Range.IsSet() {
			next.Ranges[e.Node] = unsetRange
			return nil
		}
		if msg, ok := checkRangeAround(e.Range, next.Growth[e.Node]); !ok {
			return fmt.Errorf("%s", msg)
		}
		next.Ranges[e.Node] = e.Range
	case SetYearGrowth:
		return d.applyYearGrowth(next, e)
	}
	return nil
}

// applyYearGrowth gives node e.Node's growth in e.Year a rate of its own
// (NaN: its CAGR again): the market's (node 0) or a segment's path.
func (d *Dataset) applyYearGrowth(next *Assumptions, e Edit) error {
	if e.Node < 0 || e.Node >= len(d.Nodes) {
		return fmt.Errorf("no such segment (node %d)", e.Node)
	}
	yi := e.Year - d.BaseYear - 1
	if yi < 0 || yi >= len(next.YearGrowth) {
		return fmt.Errorf("year %d is outside the forecast years %d–%d", e.Year, d.BaseYear+1, d.EndYear)
	}
	if !math.IsNaN(e.Value) {
		if msg, ok := checkRate(e.Value); !ok {
			return fmt.Errorf("%s", msg)
		}
	}
	if e.Node == 0 {
		next.YearGrowth[yi] = e.Value
	} else {
		next.setPath(e.Node, yi+1, e.Value, len(next.YearGrowth))
	}
	return nil
}

// followRange moves node n's Monte Carlo range with its rate when the
// rate, moved from old to its new value, leaves it: the range keeps how
// far it reaches either side, so that it always holds the rate entered
// (a saved file is refused otherwise). A range that would leave the
// allowed rates is dropped, for the default spread.
func followRange(a *Assumptions, n int, old float64) {
	rg, g := a.Ranges[n], a.Growth[n]
	if !rg.IsSet() || rg.Contains(g) {
		return
	}
	d := g - old
	moved := Range{Lo: min(rg.Lo+d, g), Hi: max(rg.Hi+d, g)}
	if _, ok := checkRangeAround(moved, g); !ok {
		moved = unsetRange
	}
	a.Ranges[n] = moved
}
