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
	// values is path-major: values[p*Years+yi].
	values []float64
}

// rateRange is where one growth rate is drawn from: a triangular
// distribution from lo to hi peaking at mode.
type rateRange struct{ lo, mode, hi float64 }

// ranges returns the range of every growth rate a run draws: each node's
// (its scenario's cagr_range_pct, or DefaultSpread either side of the
// entered rate) and each of the market's years with a rate of its own
// (DefaultSpread either side). A range is kept inside the allowed rates,
// and the entered rate inside its range.
func ranges(a *model.Assumptions) (nodes, years []rateRange) {
	clamp := func(x float64) float64 { return min(max(x, model.MinRate+0.01), model.MaxRate-0.01) }
	spread := func(mode float64) rateRange {
		return rateRange{clamp(mode - model.DefaultSpread), clamp(mode), clamp(mode + model.DefaultSpread)}
	}
	nodes = make([]rateRange, len(a.Growth))
	for n, g := range a.Growth {
		if r := a.Ranges[n]; r.IsSet() {
			nodes[n] = rateRange{r.Lo, min(max(g, r.Lo), r.Hi), r.Hi}
		} else {
			nodes[n] = spread(g)
		}
	}
	years = make([]rateRange, len(a.YearGrowth))
	for i, g := range a.YearGrowth {
		if !math.IsNaN(g) {
			years[i] = spread(g)
		}
	}
	return nodes, years
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
	sim, err := NewSimulation(ds, node, paths)
	if err != nil {
		return nil, err
	}
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
	nodes, years := ranges(&a)
	work := a.Clone()
	var r Result
	src := rand.NewPCG(0, 0)
	rng := rand.New(src)
	for p := from; p < to; p++ {
		src.Seed(seed, uint64(p))
		for n, rr := range nodes {
			work.Growth[n] = rr.draw(rng.Float64())
		}
		for i, rr := range years {
			if !math.IsNaN(a.YearGrowth[i]) {
				work.YearGrowth[i] = rr.draw(rng.Float64())
			}
		}
		ProjectInto(&r, ds, &work)
		copy(s.values[p*s.Years:(p+1)*s.Years], r.Series(s.Node))
	}
}

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
