package forecast

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"iomt/model"
)

// Simulation is a Monte Carlo run's paths of one node: its value in every
// year on every path.
type Simulation struct {
	Node     int
	BaseYear int
	Years    int
	Paths    int
	// Draws says which rates Run draws and how; set it before Run.
	Draws Draws
	// values is path-major: values[p*Years+yi].
	values []float64
}

// rateRange is where one growth rate is drawn from: a triangular
// distribution from lo to hi peaking at mode.
type rateRange struct{ lo, mode, hi float64 }

// draw is one rate a run draws on every path: node's CAGR (yi 0) or its
// own rate in year index yi, from rr. pi is the node's index in the
// assumptions' Paths, for a segment's year.
type draw struct {
	node, yi, pi int
	rr           rateRange
}

// drawPlan lists the rates a run draws, in a fixed order (the order the
// random numbers are used in): every node's CAGR, then the market's
// years with a rate of their own, then the segments' path years; with
// VaryNode, only node's own CAGR and years. A CAGR is drawn over its
// scenario's cagr_range_pct, or DefaultSpread either side of the rate
// entered; a year with a rate of its own over a range as far either side
// of that rate as its node's range reaches from the CAGR (DefaultSpread
// without one). A range is kept inside the allowed rates, and the rate
// entered inside its range.
func drawPlan(a *model.Assumptions, node int, vary Vary) []draw {
	clamp := func(x float64) float64 { return min(max(x, model.MinRate+0.01), model.MaxRate-0.01) }
	reach := func(n int) (below, above float64) {
		if r := a.Ranges[n]; r.IsSet() {
			g := min(max(a.Growth[n], r.Lo), r.Hi)
			return g - r.Lo, r.Hi - g
		}
		return model.DefaultSpread, model.DefaultSpread
	}
	cagr := func(n int) draw {
		if r := a.Ranges[n]; r.IsSet() {
			return draw{node: n, rr: rateRange{r.Lo, min(max(a.Growth[n], r.Lo), r.Hi), r.Hi}}
		}
		g := a.Growth[n]
		return draw{node: n, rr: rateRange{clamp(g - model.DefaultSpread), clamp(g), clamp(g + model.DefaultSpread)}}
	}
	years := func(n, pi int, rates []float64) []draw {
		below, above := reach(n)
		var out []draw
		for i, g := range rates {
			if !math.IsNaN(g) {
				out = append(out, draw{node: n, yi: i + 1, pi: pi, rr: rateRange{clamp(g - below), clamp(g), clamp(g + above)}})
			}
		}
		return out
	}
	var out []draw
	if vary == VaryNode {
		out = append(out, cagr(node))
		pi := -1
		for i, p := range a.Paths {
			if p.Node == node {
				pi = i
			}
		}
		return append(out, years(node, pi, a.PathOf(node))...)
	}
	for n := range a.Growth {
		out = append(out, cagr(n))
	}
	out = append(out, years(0, -1, a.YearGrowth)...)
	for i, p := range a.Paths {
		out = append(out, years(p.Node, i, p.Rates)...)
	}
	return out
}

// Vary says which growth rates a Monte Carlo run draws.
type Vary int

const (
	// VaryAll draws every growth rate in the tree: each node's CAGR and
	// every year with a rate of its own (the dashboard's and the CLI's
	// default). In top-down only the market's rates move the total.
	VaryAll Vary = iota
	// VaryNode draws the node's own rates only (its CAGR and its years
	// with a rate of their own); every other rate stays as entered.
	VaryNode
)

// String names the choice as --vary does.
func (v Vary) String() string {
	if v == VaryNode {
		return "node"
	}
	return "all"
}

// Draws says how a run draws its rates: which ones, and how they move
// together.
type Draws struct {
	Vary Vary
	// Correlation ρ, from 0 to 1, is a common shock to every rate drawn:
	// on each path a common z₀ and each rate's own zᵢ are drawn from the
	// standard normal distribution, and rate i is drawn at the quantile
	// Φ(√ρ·z₀ + √(1−ρ)·zᵢ) of its triangular distribution (a Gaussian
	// copula: any two rates' normal scores correlate by ρ). 0 draws each
	// rate on its own (uniform quantiles, the same numbers as before
	// correlation existed); 1 draws every rate at one common quantile.
	Correlation float64
}

// MaxCorrelation bounds Draws.Correlation: 1, every rate moving as one.
const MaxCorrelation = 1.0

// Check says why d is not a way to draw, if it is not.
func (d Draws) Check() error {
	if math.IsNaN(d.Correlation) || d.Correlation < 0 || d.Correlation > MaxCorrelation {
		return fmt.Errorf("monte carlo: correlation %v; give one from 0 (rates drawn on their own) to 1 (all as one)", d.Correlation)
	}
	if d.Vary != VaryAll && d.Vary != VaryNode {
		return fmt.Errorf("monte carlo: unknown choice of rates %d", d.Vary)
	}
	return nil
}

// triangular draws from a triangular distribution by its inverse CDF.
func (r rateRange) draw(u float64) float64 {
	if r.hi <= r.lo {
		return r.mode
	}
	c := (r.mode - r.lo) / (r.hi - r.lo)
	if u < c {
		return r.lo + math.Sqrt(u*(r.hi-r.lo)*(r.mode-r.lo))
	}
	return r.hi - math.Sqrt((1-u)*(r.hi-r.lo)*(r.hi-r.mode))
}

// MonteCarlo runs paths projections of ds under a with every growth rate
// drawn from its range, and keeps node's values. Path p draws from a
// random source seeded with (seed, p) alone, so a run gives the same
// numbers for a seed whatever the number of workers (0: one per CPU) and
// however its paths are split. progress, if set, is called with the
// number of paths done, now and then, from the workers. A cancelled ctx
// ends the run early with ctx's error.
func MonteCarlo(ctx context.Context, ds *model.Dataset, a model.Assumptions, node, paths int, seed uint64, workers int, progress func(done int)) (*Simulation, error) {
	return MonteCarloDraws(ctx, ds, a, node, paths, seed, Draws{}, workers, progress)
}

// MonteCarloDraws is MonteCarlo drawing the rates as draws says.
func MonteCarloDraws(ctx context.Context, ds *model.Dataset, a model.Assumptions, node, paths int, seed uint64, draws Draws, workers int, progress func(done int)) (*Simulation, error) {
	if err := draws.Check(); err != nil {
		return nil, err
	}
	sim, err := NewSimulation(ds, node, paths)
	if err != nil {
		return nil, err
	}
	sim.Draws = draws
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(paths/256, 1))
	const chunk = 256
	var (
		mu   sync.Mutex
		done int
		next int
		wg   sync.WaitGroup
	)
	take := func() (int, int) {
		mu.Lock()
		defer mu.Unlock()
		from := next
		next = min(next+chunk, paths)
		return from, next
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				from, to := take()
				if from >= to {
					return
				}
				sim.Run(ds, a, seed, from, to)
				if progress != nil {
					mu.Lock()
					done += to - from
					d := done
					mu.Unlock()
					progress(d)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return sim, nil
}

// NewSimulation makes room for a run of paths paths of node.
func NewSimulation(ds *model.Dataset, node, paths int) (*Simulation, error) {
	if node < 0 || node >= len(ds.Nodes) {
		return nil, fmt.Errorf("monte carlo: no such segment")
	}
	if paths < 1 || paths > MaxPaths {
		return nil, fmt.Errorf("monte carlo: %d paths; from 1 to %d", paths, MaxPaths)
	}
	years := ds.Years()
	return &Simulation{Node: node, BaseYear: ds.BaseYear, Years: years, Paths: paths, values: make([]float64, paths*years)}, nil
}

// MaxPaths bounds a run: a million paths of a 50-year forecast hold
// 400 MB.
const MaxPaths = 1_000_000

// Run computes paths from (inclusive) to to (exclusive) of the run,
// writing nothing else: runs of disjoint ranges may go at once.
func (s *Simulation) Run(ds *model.Dataset, a model.Assumptions, seed uint64, from, to int) {
	plan := drawPlan(&a, s.Node, s.Draws.Vary)
	work := a.Clone()
	var r Result
	src := rand.NewPCG(0, 0)
	rng := rand.New(src)
	rho := s.Draws.Correlation
	common, own := math.Sqrt(rho), math.Sqrt(1-rho)
	for p := from; p < to; p++ {
		src.Seed(seed, uint64(p))
		z0 := 0.0
		if rho > 0 {
			z0 = rng.NormFloat64()
		}
		for _, d := range plan {
			var u float64
			if rho > 0 {
				u = normalCDF(common*z0 + own*rng.NormFloat64())
			} else {
				u = rng.Float64()
			}
			v := d.rr.draw(u)
			switch {
			case d.yi == 0:
				work.Growth[d.node] = v
			case d.node == 0:
				work.YearGrowth[d.yi-1] = v
			default:
				work.Paths[d.pi].Rates[d.yi-1] = v
			}
		}
		ProjectInto(&r, ds, &work)
		copy(s.values[p*s.Years:(p+1)*s.Years], r.Series(s.Node))
	}
}

// normalCDF is Φ, the standard normal distribution function.
func normalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// Percentile returns the q-quantile (0–1) of the node's value in year
// index yi over the paths, interpolating linearly between the sorted
// values (the usual "type 7" definition).
func (s *Simulation) Percentile(yi int, q float64) float64 {
	return quantile(s.column(yi), q)
}

// Percentiles returns the P10, P50 and P90 curves, one value per year.
func (s *Simulation) Percentiles() (p10, p50, p90 []float64) {
	p10, p50, p90 = make([]float64, s.Years), make([]float64, s.Years), make([]float64, s.Years)
	for yi := range s.Years {
		col := s.column(yi)
		p10[yi], p50[yi], p90[yi] = quantile(col, 0.1), quantile(col, 0.5), quantile(col, 0.9)
	}
	return p10, p50, p90
}

// ProbAbove is the share of paths on which the node's value in year
// index yi is above threshold.
func (s *Simulation) ProbAbove(yi int, threshold float64) float64 {
	n := 0
	for p := range s.Paths {
		if s.values[p*s.Years+yi] > threshold {
			n++
		}
	}
	return float64(n) / float64(s.Paths)
}

// column returns the values of year index yi over the paths, sorted.
func (s *Simulation) column(yi int) []float64 {
	col := make([]float64, s.Paths)
	for p := range s.Paths {
		col[p] = s.values[p*s.Years+yi]
	}
	slices.Sort(col)
	return col
}

// Quantile is the q-quantile (0–1) of sorted values, as Percentile
// reads it: for a screen that keeps a run's sorted years (Column) and
// wants their percentiles without sorting again.
func Quantile(sorted []float64, q float64) float64 { return quantile(sorted, q) }

func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := q * float64(len(sorted)-1)
	i := int(h)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}
