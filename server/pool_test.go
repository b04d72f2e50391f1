package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"iomt/internal/testkit"
	"iomt/model"
)

// gate is a task that blocks until opened, to hold a worker.
type gate chan struct{}

func (g gate) task() { <-g }

// recorder notes the tasks that ran, in order, and how many ran at once.
type recorder struct {
	mu      sync.Mutex
	ran     []string
	now     atomic.Int32
	most    atomic.Int32
	release chan struct{} // tasks wait for it, when not nil
}

func (r *recorder) tasks(name string, n int) []func() {
	out := make([]func(), n)
	for i := range out {
		out[i] = func() {
			now := r.now.Add(1)
			for most := r.most.Load(); now > most && !r.most.CompareAndSwap(most, now); most = r.most.Load() {
			}
			if r.release != nil {
				<-r.release
			}
			r.mu.Lock()
			r.ran = append(r.ran, fmt.Sprintf("%s%d", name, i))
			r.mu.Unlock()
			r.now.Add(-1)
		}
	}
	return out
}

func (r *recorder) order() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.ran)
}

// TestPoolBoundsWorkers: eight sessions with eight tasks each, all
// waiting at once, never run more than the pool's three workers at a
// time, and every task runs.
func TestPoolBoundsWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPool(3, 0)
		rec := &recorder{release: make(chan struct{})}
		var wg sync.WaitGroup
		for s := range 8 {
			a := p.analyst(t.Context())
			wg.Go(func() {
				if err := a.Run(t.Context(), rec.tasks(fmt.Sprint(s), 8)); err != nil {
					t.Errorf("session %d: %v", s, err)
				}
			})
		}
		synctest.Wait()
		if n := rec.now.Load(); n != 3 {
			t.Errorf("%d tasks running with 64 waiting, want the 3 workers busy", n)
		}
		close(rec.release)
		wg.Wait()
		if most := rec.most.Load(); most > 3 {
			t.Errorf("%d tasks ran at once; the pool has 3 workers", most)
		}
		if n := len(rec.order()); n != 64 {
			t.Errorf("%d tasks ran, want 64", n)
		}
	})
}

// TestPoolTakesTurns: with one worker, sessions take turns task by task
// in the order they asked, whatever the size of their runs: a session's
// long run does not hold up another's short one.
func TestPoolTakesTurns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPool(1, 0)
		hold := make(gate)
		go func() { _ = p.analyst(t.Context()).Run(t.Context(), []func(){hold.task}) }()
		synctest.Wait() // the worker is held
		rec := &recorder{}
		var wg sync.WaitGroup
		for _, s := range []struct {
			name string
			n    int
		}{{"A", 4}, {"B", 2}, {"C", 3}} {
			a := p.analyst(t.Context())
			wg.Go(func() {
				if err := a.Run(t.Context(), rec.tasks(s.name, s.n)); err != nil {
					t.Errorf("%s: %v", s.name, err)
				}
			})
			synctest.Wait() // queued, in this order
		}
		close(hold)
		wg.Wait()
		want := []string{"A0", "B0", "C0", "A1", "B1", "C1", "A2", "C2", "A3"}
		if got := rec.order(); !slices.Equal(got, want) {
			t.Errorf("tasks ran in the order %v, want turns %v", got, want)
		}
	})
}

// TestPoolNewRunReplacesOld: a session's new run ends its old one, whose
// tasks not started never run; a run whose context ends, or whose
// session ends, stops the same way; a task already running finishes
// before its Run returns.
func TestPoolNewRunReplacesOld(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPool(1, 0)
		session, end := context.WithCancel(t.Context())
		a := p.analyst(session)
		rec := &recorder{}

		// The old run's first task is running when the new run comes.
		first := make(gate)
		oldDone := make(chan error, 1)
		go func() {
			oldDone <- a.Run(t.Context(), append([]func(){first.task}, rec.tasks("old", 3)...))
		}()
		synctest.Wait()
		newDone := make(chan error, 1)
		go func() { newDone <- a.Run(t.Context(), rec.tasks("new", 2)) }()
		synctest.Wait()
		select {
		case err := <-oldDone:
			t.Fatalf("the old run returned (%v) while its task was running", err)
		default:
		}
		close(first)
		if err := <-oldDone; !errors.Is(err, errReplaced) {
			t.Errorf("the old run returned %v, want errReplaced", err)
		}
		if err := <-newDone; err != nil {
			t.Errorf("the new run: %v", err)
		}
		if got := rec.order(); !slices.Equal(got, []string{"new0", "new1"}) {
			t.Errorf("ran %v; the old run's tasks must not run once replaced", got)
		}

		// Its context ends while it waits behind another session's task.
		hold := make(gate)
		go func() { _ = p.analyst(t.Context()).Run(t.Context(), []func(){hold.task}) }()
		synctest.Wait()
		ctx, cancel := context.WithCancel(t.Context())
		ctxDone := make(chan error, 1)
		go func() { ctxDone <- a.Run(ctx, rec.tasks("cancelled", 2)) }()
		synctest.Wait()
		cancel()
		if err := <-ctxDone; !errors.Is(err, context.Canceled) {
			t.Errorf("a cancelled run returned %v", err)
		}
		// The session ends while a run waits.
		endDone := make(chan error, 1)
		go func() { endDone <- a.Run(t.Context(), rec.tasks("ended", 2)) }()
		synctest.Wait()
		end()
		if err := <-endDone; !errors.Is(err, context.Canceled) {
			t.Errorf("a run of an ended session returned %v", err)
		}
		close(hold)
		synctest.Wait()
		if got := rec.order(); len(got) != 2 {
			t.Errorf("ran %v; runs stopped while waiting must not run", got)
		}
	})
}

// TestMonteCarloBudgetOverSSH: on a dataset at the limits (15,151 nodes
// × 51 years), a viewer's m runs the paths the server's budget pays for,
// and its screen says so; esc stops it.
func TestMonteCarloBudgetOverSSH(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a dataset at the limits")
	}
	t.Parallel()
	ds, err := model.LoadDataset("limits.yaml", testkit.LimitsDataset())
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, Config{Dataset: ds, Base: &model.Scenario{Name: "Base", Dataset: ds.Market, Assumptions: ds.Base()}})
	viewer := ts.openTerm("viewer", 120, 40, termOpts{})
	viewer.WaitText("Scenario: Base", "r0")
	viewer.Press("m")
	viewer.WaitText("Monte Carlo · Total · 300 paths (server budget), seed 1", "of 300 paths")
	viewer.Press("\x1b")
	viewer.WaitText("Monte Carlo cancelled after")
	quitClean(t, viewer)
}
