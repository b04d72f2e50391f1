package server

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"iomt/ui"
)

// mcBudget is what one Monte Carlo run of a session may project, in
// node-years (a projection of n nodes over y years is n·y): about 2 s of
// one core here. The dashboard's 10,000 paths fit datasets up to 25,000
// node-years (the IoMT dataset is 396); at the dataset limits (15,151
// nodes × 51 years) it pays for 300 paths, where 10,000 took 28 s on
// every core. The screen says when a run has fewer paths for it.
const mcBudget = 250_000_000

// errReplaced ends a run whose session began another: a session has one
// analysis at a time.
var errReplaced = errors.New("stopped: a newer analysis of this session began")

// pool runs the analysis work (Monte Carlo, sensitivity, goal seek) of
// every session on a few workers: at most the cores less one, so that
// one core is always left for the presenter's keys and the audience's
// screens, however many viewers analyse at once. It takes the sessions'
// tasks in turn, one each, so that a viewer's 1,000-task tornado delays
// another's goal seek by one task, not by the tornado. A session's new
// run ends its old one.
//
// Hand-written rather than a worker-pool library: what it must do, turns
// between sessions with one run each and a run dropped whole when
// replaced, is most of this file, and the pools we know (ants, pond,
// workerpool) serve tasks first come, first served, whoever sent them.
type pool struct {
	workers int
	budget  int

	mu      sync.Mutex
	running int        // worker goroutines; they exit when nothing waits
	turns   []*analyst // sessions with tasks waiting, in turn order
}

// newPool returns a pool of at most workers workers (0: the cores less
// one, at least one).
func newPool(workers, budget int) *pool {
	if workers <= 0 {
		workers = max(runtime.GOMAXPROCS(0)-1, 1)
	}
	return &pool{workers: workers, budget: budget}
}

// analyst is one session's place in the pool, its ui.Analysis.
type analyst struct {
	p       *pool
	session context.Context // ends with the session: its run stops
	run     *poolRun        // the session's latest run
	waiting bool            // in p.turns
}

// poolRun is one Run's tasks.
type poolRun struct {
	ctx     context.Context
	tasks   []func()
	next    int   // the next task to start; len(tasks) once dropped
	running int   // tasks started and not yet finished
	err     error // why it was dropped
	done    chan struct{}
}

// analyst returns a session's place in the pool; its runs end with ctx.
func (p *pool) analyst(ctx context.Context) *analyst { return &analyst{p: p, session: ctx} }

var _ ui.Analysis = (*analyst)(nil)

// Budget is the pool's Monte Carlo budget.
func (a *analyst) Budget() int { return a.p.budget }

// Run queues tasks as the session's run, in place of the one before, and
// waits for them: see ui.Analysis.
func (a *analyst) Run(ctx context.Context, tasks []func()) error {
	p := a.p
	r := &poolRun{ctx: ctx, tasks: tasks, done: make(chan struct{})}
	p.mu.Lock()
	if old := a.run; old != nil {
		old.drop(errReplaced)
	}
	a.run = r
	r.finishIfDone()
	if len(tasks) > 0 && !a.waiting {
		a.waiting = true
		p.turns = append(p.turns, a)
	}
	p.startLocked()
	p.mu.Unlock()

	select {
	case <-r.done:
	case <-ctx.Done():
		p.drop(r, ctx.Err())
	case <-a.session.Done():
		p.drop(r, a.session.Err())
	}
	<-r.done // the tasks running finish: none writes after Run returns
	return r.err
}

// drop ends r with err (unless it is done), under the pool's lock.
func (p *pool) drop(r *poolRun, err error) {
	p.mu.Lock()
	r.drop(err)
	p.mu.Unlock()
}

// drop starts no more of r's tasks. The pool's lock is held.
func (r *poolRun) drop(err error) {
	if r.next < len(r.tasks) {
		r.next = len(r.tasks)
		r.err = err
	}
	r.finishIfDone()
}

// finishIfDone closes done once no task is left to start or running. The
// pool's lock is held.
func (r *poolRun) finishIfDone() {
	if r.next == len(r.tasks) && r.running == 0 {
		select {
		case <-r.done:
		default:
			close(r.done)
		}
	}
}

// startLocked starts workers for the tasks waiting, up to the limit.
func (p *pool) startLocked() {
	for p.running < min(p.workers, len(p.turns)) {
		p.running++
		go p.work()
	}
}

// work runs tasks until none waits, on a thread of its own at a low
// priority; the thread ends with it (locked, never unlocked), so the
// priority never reaches the server's other work.
func (p *pool) work() {
	runtime.LockOSThread()
	lowerPriority()
	p.mu.Lock()
	for {
		r, task := p.takeLocked()
		if task == nil {
			p.running--
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		task()
		p.mu.Lock()
		r.running--
		r.finishIfDone()
	}
}

// takeLocked takes the next task: the first session in turn gives its
// next task and, if it has more, goes to the back of the line.
func (p *pool) takeLocked() (*poolRun, func()) {
	for len(p.turns) > 0 {
		a := p.turns[0]
		p.turns = p.turns[1:]
		r := a.run
		if err := r.ctx.Err(); err != nil {
			r.drop(err)
		}
		if r.next >= len(r.tasks) {
			a.waiting = false
			continue
		}
		task := r.tasks[r.next]
		r.next++
		r.running++
		if r.next < len(r.tasks) {
			p.turns = append(p.turns, a)
		} else {
			a.waiting = false
		}
		return r, task
	}
	p.turns = nil // let the backing array go
	return nil, nil
}
