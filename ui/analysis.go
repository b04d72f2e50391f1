package ui

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Analysis runs the heavy work of the analysis screens (Monte Carlo,
// sensitivity, goal seek) for one dashboard, from their commands. The
// local program has the machine to itself and runs the work at once on
// every core (the default); a server runs every session's work through
// one pool of a few workers, fair between sessions, and gives a Monte
// Carlo run a budget, so that viewers' analyses never stall the
// presenter's audience.
type Analysis interface {
	// Run runs tasks, possibly at once and in any order, and returns nil
	// once every task has run. It returns an error, once the tasks
	// already running have finished, when ctx ends or the dashboard's
	// next Run has begun: the rest never run. A dashboard has one
	// analysis at a time, so its new run ends its old one.
	Run(ctx context.Context, tasks []func()) error
	// Budget is how many node-years (a projection of n nodes over y
	// years is n·y of them) one Monte Carlo run may project; 0: no
	// budget, the dashboard's 10,000 paths.
	Budget() int
}

// direct is the local program's Analysis: the tasks on every core, at
// once, and no budget.
type direct struct{}

func (direct) Budget() int { return 0 }

func (direct) Run(ctx context.Context, tasks []func()) error {
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(tasks) {
					return
				}
				tasks[i]()
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if int(done.Load()) == len(tasks) {
		return nil
	}
	return ctx.Err()
}

// taskCells is the work of one task, in node-years projected: about 30
// ms here. Small enough that a pool switches between sessions and drops
// a cancelled run within tens of milliseconds, large enough that a task
// of the IoMT dataset (396 node-years a projection) is worth a task.
const taskCells = 4_000_000

// tasks cuts n steps of cells node-years each into tasks of at most
// taskCells (at least one step each, and at least a quarter of the steps
// in each, so that a small job still spreads over the cores), each
// calling step over its range.
func tasks(n, cells int, step func(from, to int)) []func() {
	per := max(min(taskCells/max(cells, 1), (n+3)/4), 1)
	var out []func()
	for from := 0; from < n; from += per {
		to := min(from+per, n)
		out = append(out, func() { step(from, to) })
	}
	return out
}

// pending is the analysis run an analysis dialog waits for. Embedded,
// it gives the dialog stop, which the stack calls when it takes the
// dialog off: a closed screen's work stops, rather than running on for
// nobody.
type pending struct{ cancel context.CancelFunc }

// restart stops the run waiting (if any: the user asked again) and
// returns a context for the next.
func (p *pending) restart() context.Context {
	p.stop()
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	return ctx
}

// stop ends the run waiting, if any.
func (p *pending) stop() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

// analysisMsg is what an analysis screen's command reports: runOf is the
// generation of the screen that asked.
type analysisMsg interface{ runOf() int }

func (m mcProgressMsg) runOf() int { return m.gen }
func (m tornadoMsg) runOf() int    { return m.gen }
func (m goalSolvedMsg) runOf() int { return m.gen }
