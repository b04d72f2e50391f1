package forecast

import (
	"fmt"
	"math"

	"iomt/model"
)

// Histogram is how a Monte Carlo run's values of its node spread in one
// year: the paths counted in bins of equal width from the smallest value
// to the largest, and the run's P10, P50 and P90 that year to mark on
// it. When every path gives the same value there is one bin, of no
// width, holding them all.
type Histogram struct {
	Year          int
	Lo, Hi        float64
	Counts        []int // paths per bin, lowest first; they add up to the run's paths
	P10, P50, P90 float64
}

// MaxBins bounds a histogram's bins: more than a screen or a chart shows.
const MaxBins = 200

// Bin returns bin i's bounds: a value v is in bin i when low ≤ v < high,
// the last bin holding its high too.
func (h *Histogram) Bin(i int) (low, high float64) {
	n := len(h.Counts)
	if i == n-1 {
		high = h.Hi
	} else {
		high = h.Lo + (h.Hi-h.Lo)*float64(i+1)/float64(n)
	}
	return h.Lo + (h.Hi-h.Lo)*float64(i)/float64(n), high
}

// BinOf is the bin value v falls in (clamped to the first and last).
func (h *Histogram) BinOf(v float64) int {
	n := len(h.Counts)
	if h.Hi <= h.Lo || math.IsNaN(v) {
		return 0
	}
	i := int((v - h.Lo) / (h.Hi - h.Lo) * float64(n))
	return min(max(i, 0), n-1)
}

// Histogram counts the paths' values in year index yi in bins equal
// bins (1 to MaxBins).
func (s *Simulation) Histogram(yi, bins int) (*Histogram, error) {
	if yi < 0 || yi >= s.Years {
		return nil, fmt.Errorf("histogram: year %d is outside %d–%d", s.BaseYear+yi, s.BaseYear, s.BaseYear+s.Years-1)
	}
	return NewHistogram(s.Column(yi), s.BaseYear+yi, bins)
}

// Column returns the paths' values in year index yi, sorted: what a
// screen keeps to draw a year's histogram again in other bins.
func (s *Simulation) Column(yi int) []float64 { return s.column(yi) }

// NewHistogram counts sorted, the values of one year, in bins equal
// bins (1 to MaxBins).
func NewHistogram(sorted []float64, year, bins int) (*Histogram, error) {
	if bins < 1 || bins > MaxBins {
		return nil, fmt.Errorf("histogram: %d bins; from 1 to %d", bins, MaxBins)
	}
	if len(sorted) == 0 {
		return nil, fmt.Errorf("histogram: no paths")
	}
	h := &Histogram{Year: year, Lo: sorted[0], Hi: sorted[len(sorted)-1],
		P10: quantile(sorted, 0.1), P50: quantile(sorted, 0.5), P90: quantile(sorted, 0.9)}
	if h.Hi <= h.Lo {
		h.Counts = []int{len(sorted)}
		return h, nil
	}
	h.Counts = make([]int, bins)
	for _, v := range sorted {
		h.Counts[h.BinOf(v)]++
	}
	return h, nil
}

// DrawsNote says in words which rates a run of node draws under a, and
// how: what a screen or a report prints above the results, so that a
// reader knows, for one, that a run on the total in top-down moves only
// the market's rates.
func DrawsNote(ds *model.Dataset, a *model.Assumptions, node int, d Draws) string {
	spread := fmt.Sprintf("±%g pp around the rate entered (triangular), or over the scenario's cagr_range_pct", model.DefaultSpread)
	var s string
	switch {
	case d.Vary == VaryNode:
		name := "the market"
		if node != 0 {
			name = ds.Nodes[node].Path
		}
		own := "its CAGR"
		if a.HasPath(node) {
			own = "its CAGR and its years with a rate of their own"
		}
		how := fmt.Sprintf("±%g pp around the rate entered (triangular)", model.DefaultSpread)
		if r := a.Ranges[node]; r.IsSet() {
			how = fmt.Sprintf("over its cagr_range_pct, %g to %g %% (triangular, peaking at the rate entered)", r.Lo, r.Hi)
		}
		s = fmt.Sprintf("only %s's own rates drawn (%s), %s; every other rate as entered", name, own, how)
		if node == 0 && a.Mode == model.BottomUp {
			s += "; in bottom-up the market's rates do not move the total"
		}
	default:
		s = "every growth rate in the tree drawn " + spread
		if node == 0 && a.Mode == model.TopDown {
			s += "; in top-down only the market's own rates move the total"
		}
	}
	if d.Correlation > 0 {
		s += fmt.Sprintf("; correlation %g between the rates (a common shock)", d.Correlation)
	}
	return s
}
