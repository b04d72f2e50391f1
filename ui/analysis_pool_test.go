package ui

import (
	"context"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"iomt/forecast"
)

// fakeAnalysis stands in for a server's analysis pool: it records the
// runs the screens ask for and runs their tasks in turn, or, with block,
// holds each run until its context ends and reports the context on
// started.
type fakeAnalysis struct {
	budget  int
	block   bool
	started chan context.Context

	mu   sync.Mutex
	runs int
}

func (f *fakeAnalysis) Budget() int { return f.budget }

func (f *fakeAnalysis) Run(ctx context.Context, tasks []func()) error {
	f.mu.Lock()
	f.runs++
	f.mu.Unlock()
	if f.block {
		f.started <- ctx
		<-ctx.Done()
		return ctx.Err()
	}
	for _, task := range tasks {
		task()
	}
	return nil
}

func (f *fakeAnalysis) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs
}

// TestAnalysisThroughOptions: with Options.Analysis, m, t and g do their
// work through it and give the same answers as the local program; a
// Monte Carlo run takes the paths the budget pays for and says so.
func TestAnalysisThroughOptions(t *testing.T) {
	cells := len(testDS.Nodes) * testDS.Years()
	pool := &fakeAnalysis{budget: cells*2000 + cells/2} // 2,000 paths and a half
	m := send(t, New(testDS, baseScenario(), Options{Dark: true, Analysis: pool}), tea.WindowSizeMsg{Width: 100, Height: 30})
	m = regionRow(t, m, "Region/Asia-Pacific")
	ap := node(t, "Region/Asia-Pacific")

	m = send(t, m, runeKey('m'))
	d, ok := m.dialogs.top().(*monteCarloDialog)
	if !ok || !d.finish || pool.count() == 0 {
		t.Fatalf("m through the pool: %T, %d runs", m.dialogs.top(), pool.count())
	}
	if !strings.Contains(view(m), "Monte Carlo · Asia-Pacific · 2,000 paths (server budget), seed 1") {
		t.Errorf("the screen does not say the run has the budget's paths:\n%s", view(m))
	}
	sim, err := forecast.MonteCarlo(t.Context(), testDS, m.Scenario(), ap, 2000, mcSeed, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, p50, _ := sim.Percentiles(); d.p50[8] != p50[8] {
		t.Errorf("2027 median through the pool %v, iomt montecarlo --paths 2000 gives %v", d.p50[8], p50[8])
	}

	runs := pool.count()
	m = send(t, m, keyEsc, runeKey('t'))
	tor, ok := m.dialogs.top().(*tornadoDialog)
	want, _ := forecast.Sensitivity(testDS, m.Scenario(), ap, 2027, 2)
	if !ok || pool.count() == runs || tor.t == nil || len(tor.t.Bars) != len(want.Bars) || tor.t.Bars[0] != want.Bars[0] {
		t.Fatalf("t through the pool: %T, %d runs more; screen:\n%s", m.dialogs.top(), pool.count()-runs, view(m))
	}

	runs = pool.count()
	m = send(t, m, keyEsc, runeKey('g'), runeKey('6'), runeKey('0'), keyEnter)
	if pool.count() == runs || !strings.Contains(view(m), "Answer: enter 20.78 % a year") {
		t.Errorf("g through the pool: %d runs more; screen:\n%s", pool.count()-runs, view(m))
	}
}

// TestClosedAnalysisStops: the work a screen waits for stops when the
// screen closes or asks another question: its run's context ends at once.
func TestClosedAnalysisStops(t *testing.T) {
	pool := &fakeAnalysis{block: true, started: make(chan context.Context)}
	m := send(t, New(testDS, baseScenario(), Options{Dark: true, Analysis: pool}), tea.WindowSizeMsg{Width: 100, Height: 30})
	m = regionRow(t, m, "Region/Asia-Pacific")
	start := func(cmd tea.Cmd) (context.Context, chan []tea.Msg) {
		t.Helper()
		out := make(chan []tea.Msg, 1)
		go func() { out <- runCmd(t, cmd) }()
		return <-pool.started, out
	}

	m, cmd := update(t, m, runeKey('m'))
	ctx, out := start(cmd)
	m, _ = update(t, m, keyEsc)
	if ctx.Err() == nil {
		t.Fatal("esc closed the Monte Carlo screen, and its run goes on")
	}
	<-out

	m, cmd = update(t, m, runeKey('t'))
	ctx, out = start(cmd)
	m, cmd = update(t, m, tea.KeyPressMsg{Code: tea.KeyLeft})
	if ctx.Err() == nil {
		t.Fatal("another year asked, and the tornado of the year before goes on")
	}
	<-out
	ctx, out = start(cmd)
	m, _ = update(t, m, keyEsc)
	if ctx.Err() == nil {
		t.Fatal("esc closed the tornado, and its run goes on")
	}
	<-out

	m, _ = update(t, m, runeKey('g'))
	m = typeText(t, m, "60")
	m, cmd = update(t, m, keyEnter)
	ctx, out = start(cmd)
	m, _ = update(t, m, runeKey('1')) // the target changes
	if ctx.Err() == nil {
		t.Fatal("the target changed, and the goal seek of the old one goes on")
	}
	<-out
	_ = m
}

// TestMonteCarloPathsForBudget: hand-worked path counts for a budget of
// node-years per run.
func TestMonteCarloPathsForBudget(t *testing.T) {
	for _, c := range []struct{ budget, cells, want int }{
		{0, 15151 * 51, 10000},         // no budget: the dashboard's paths
		{250_000_000, 44 * 9, 10000},   // the IoMT dataset: 631,313 paths paid for
		{250_000_000, 25000, 10000},    // exactly 10,000 paid for
		{250_000_000, 25001, 9900},     // 9,999: whole hundreds
		{250_000_000, 15151 * 51, 300}, // the limits: 323 paid for
		{1, 15151 * 51, 100},           // never fewer than 100
		{2000*396 + 198, 396, 2000},    // 2,000.5 paid for
	} {
		if got := mcPathsFor(c.budget, c.cells); got != c.want {
			t.Errorf("budget %d, %d node-years a path: %d paths, want %d", c.budget, c.cells, got, c.want)
		}
	}
}
