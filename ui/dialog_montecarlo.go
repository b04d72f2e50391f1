package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guptarohit/asciigraph"

	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/model"
)

// Monte Carlo defaults of the dashboard: the CLI's, so a number on screen
// can be checked with iomt montecarlo.
const (
	mcPaths = 10000
	mcSeed  = 1
	// mcChunk paths at most are computed per command: a progress step.
	mcChunk = 500
	// mcChunkCells bounds a command's paths by their work too, in
	// node-years (about 0.3 s of one core), so that the bar moves on a
	// large dataset: 500 paths of 15,151 nodes × 51 years are 3 s.
	mcChunkCells = 40_000_000
)

// mcPathsFor is how many paths a run makes when each projects cells
// node-years, under a budget of node-years per run (0: none): the
// dashboard's 10,000, or as many hundreds as the budget pays for (at
// least 100; at the dataset limits a budget of 250 million pays for
// 300).
func mcPathsFor(budget, cells int) int {
	if budget <= 0 {
		return mcPaths
	}
	return min(max(budget/max(cells, 1)/100*100, 100), mcPaths)
}

// mcProgressMsg reports a chunk of a Monte Carlo run: how many paths are
// done, and when all are, the percentiles. gen tells it from a run that
// was cancelled; err says why the run stopped early.
type mcProgressMsg struct {
	gen    int
	done   int
	p10    []float64
	p50    []float64
	p90    []float64
	finish bool
	err    error
}

// monteCarloDialog runs a Monte Carlo simulation of the selected row
// off the UI loop, a chunk of paths per command, through the dashboard's
// Analysis, with a progress bar; esc cancels. When done it shows the
// P10, P50 and P90 of every year as a fan and a table, and the
// probability of beating a value typed in.
type monteCarloDialog struct {
	e   env
	run Analysis
	pending
	node   int
	gen    int
	sim    *forecast.Simulation // written by the commands until done
	a      model.Assumptions
	budget bool // fewer paths than the dashboard's, for the server's budget
	done   int
	finish bool
	p10    []float64
	p50    []float64
	p90    []float64

	bar       progress.Model
	threshold textinput.Model
	year      int     // the year of the probability
	prob      float64 // NaN until asked
	probOf    float64 // the threshold prob was computed for

	width, height int
}

func newMonteCarloDialog(e env, gen int, run Analysis) (*monteCarloDialog, tea.Cmd) {
	node := e.sel.selected()
	paths := mcPathsFor(run.Budget(), len(e.ds.Nodes)*e.ds.Years())
	sim, err := forecast.NewSimulation(e.ds, node, paths)
	if err != nil {
		// NewSimulation refuses only a node or path count out of range.
		e.status.error("Monte Carlo: " + err.Error())
		return nil, nil
	}
	d := &monteCarloDialog{e: e, run: run, node: node, gen: gen, sim: sim, a: e.scen.Assumptions().Clone(), budget: paths < mcPaths,
		bar: progress.New(progress.WithWidth(40)), threshold: newInput(e, 20), year: e.ds.EndYear, prob: math.NaN()}
	d.threshold.Prompt = ""
	d.threshold.SetWidth(12)
	d.offer()
	return d, tea.Batch(d.threshold.Focus(), d.next(0))
}

// next is the command of the chunk of paths from from.
func (d *monteCarloDialog) next(from int) tea.Cmd {
	return mcChunkCmd(d.restart(), d.run, d.gen, d.sim, d.e.ds, d.a, from)
}

// mcChunkCmd computes the next chunk of paths through run, and the
// percentiles after the last one. It writes only its own paths of sim.
func mcChunkCmd(ctx context.Context, run Analysis, gen int, sim *forecast.Simulation, ds *model.Dataset, a model.Assumptions, from int) tea.Cmd {
	return func() tea.Msg {
		cells := len(ds.Nodes) * ds.Years()
		to := min(from+min(mcChunk, max(mcChunkCells/cells, 1)), sim.Paths)
		err := run.Run(ctx, tasks(to-from, cells, func(lo, hi int) { sim.Run(ds, a, mcSeed, from+lo, from+hi) }))
		if err != nil {
			return mcProgressMsg{gen: gen, done: from, err: err}
		}
		msg := mcProgressMsg{gen: gen, done: to}
		if to == sim.Paths {
			msg.p10, msg.p50, msg.p90 = sim.Percentiles()
			msg.finish = true
		}
		return msg
	}
}

func (d *monteCarloDialog) runs() int { return d.gen }

func (d *monteCarloDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	switch msg := msg.(type) {
	case mcProgressMsg:
		if msg.gen != d.gen {
			return stay(d), nil
		}
		if msg.err != nil {
			// Not the user's esc (that closed the dialog): the server
			// stopped the run.
			return done(refused(fmt.Sprintf("Monte Carlo stopped after %s of %s paths: %v.", grouped(msg.done), grouped(d.sim.Paths), msg.err))), nil
		}
		d.done = msg.done
		if msg.finish {
			d.pending.stop()
			d.finish, d.p10, d.p50, d.p90 = true, msg.p10, msg.p50, msg.p90
			return stay(d), nil
		}
		return stay(d), d.next(d.done)
	case tea.KeyPressMsg:
		return d.key(msg)
	}
	var cmd tea.Cmd
	d.threshold, cmd = d.threshold.Update(msg)
	return stay(d), cmd
}

func (d *monteCarloDialog) key(k tea.KeyPressMsg) (step, tea.Cmd) {
	keys := d.e.look.keys
	switch {
	case key.Matches(k, keys.Cancel) && !d.finish:
		return done(said(fmt.Sprintf("Monte Carlo cancelled after %s of %s paths.", grouped(d.done), grouped(d.sim.Paths)))), nil
	case key.Matches(k, keys.Cancel, keys.MonteCarlo):
		return done(nil), nil
	case !d.finish:
		return stay(d), nil
	case key.Matches(k, keys.YearEarlier, keys.YearLater):
		year, _, note := stepYear(d.e, k, d.year, d.e.ds.BaseYear)
		if note != "" {
			d.e.status.info(note)
			return stay(d), nil
		}
		d.year = year
		d.offer()
		d.probability()
	case key.Matches(k, keys.Confirm):
		d.probability()
	default:
		var cmd tea.Cmd
		d.threshold, cmd = d.threshold.Update(k)
		d.prob = math.NaN()
		return stay(d), cmd
	}
	return stay(d), nil
}

// offer puts the scenario's own value in the chosen year in the
// threshold field, for enter on an empty field.
func (d *monteCarloDialog) offer() {
	d.threshold.Placeholder = fmtAmount(d.e.scen.Result().Value(d.node, d.year-d.e.ds.BaseYear))
}

// probability is the share of paths above the threshold typed (or, with
// none typed, the scenario's own value) in the year chosen.
func (d *monteCarloDialog) probability() {
	text := strings.TrimSpace(d.threshold.Value())
	if text == "" {
		text = d.threshold.Placeholder
	}
	v, err := numtext.Parse(text)
	switch {
	case errors.Is(err, numtext.ErrDecimalComma):
		d.e.status.error(fmt.Sprintf("%q: %v", text, err))
		d.prob = math.NaN()
		return
	case err != nil || v < 0:
		d.e.status.error(fmt.Sprintf("%q: type a value of 0 or more, e.g. 60", text))
		d.prob = math.NaN()
		return
	}
	d.e.status.clear()
	d.prob, d.probOf = d.sim.ProbAbove(d.year-d.e.ds.BaseYear, v), v
}

func (d *monteCarloDialog) SetSize(w, h int)     { d.width, d.height = w, h }
func (d *monteCarloDialog) Placement() placement { return placeBody }
func (d *monteCarloDialog) setStyles(s *Styles)  { d.threshold.SetStyles(s.input()) }

func (d *monteCarloDialog) Bindings() []key.Binding {
	k := d.e.look.keys
	closeIt := k.Cancel
	if !d.finish {
		closeIt.SetHelp("esc", "cancel")
		return []key.Binding{closeIt}
	}
	year, ask := k.YearLater, k.Confirm
	year.SetHelp("↑↓←→", "year")
	ask.SetHelp("enter", "probability above")
	closeIt.SetHelp("esc", "close")
	return []key.Binding{ask, year, closeIt}
}

func (d *monteCarloDialog) View() string {
	e, s := d.e, d.e.look.styles
	inner, innerH := d.width-2, d.height-2
	name := clean(nodeName(e.ds, d.node))
	paths := grouped(d.sim.Paths) + " paths"
	if d.budget {
		paths += " (server budget)"
	}
	title := paneTitle(d.width, "Monte Carlo · %s · "+fmt.Sprintf("%s, seed %d", paths, mcSeed), name)
	var lines []string
	if !d.finish {
		lines = append(lines,
			wrap(fmt.Sprintf("Every growth rate drawn ±%g pp around the rate entered (triangular), unless the scenario gives its range.", model.DefaultSpread), inner, ""),
			"",
			d.bar.ViewAs(float64(d.done)/float64(d.sim.Paths))+fmt.Sprintf("  %s of %s paths", grouped(d.done), grouped(d.sim.Paths)),
			"",
			s.Muted.Render("esc cancels"))
		return pane(s, true, title, clip(lines, inner), d.width, d.height)
	}
	years := e.ds.Years()
	// The table: a row per percentile, a column per year that fits.
	largest := 0.0
	for _, v := range d.p90 {
		largest = max(largest, math.Abs(v))
	}
	prec := valuePrec(largest, 2) // a market below 1 keeps three significant digits
	colW := 8
	for _, v := range d.p90 {
		colW = max(colW, len(fmtNum(v, prec))+1)
	}
	fit := max((inner-6)/colW, 1)
	first := max(years-fit, 0)
	head, r10, r50, r90 := "year ", "P10  ", "P50  ", "P90  "
	for yi := first; yi < years; yi++ {
		head += fmt.Sprintf("%*d", colW, e.ds.BaseYear+yi)
		r10 += fmt.Sprintf("%*s", colW, fmtNum(d.p10[yi], prec))
		r50 += fmt.Sprintf("%*s", colW, fmtNum(d.p50[yi], prec))
		r90 += fmt.Sprintf("%*s", colW, fmtNum(d.p90[yi], prec))
	}
	// The question on one line, the answer on its own below it, wrapped:
	// at 80 columns the two together cut the answer's numbers.
	ask := fmt.Sprintf("Probability above %s %s in %d (%s):", d.threshold.View(), unitLabel(e.ds), d.year, yearHint)
	if ansi.StringWidth(ask) > inner {
		ask = fmt.Sprintf("Probability above %s %s in %d:", d.threshold.View(), unitLabel(e.ds), d.year)
	}
	below := []string{s.Header.Render(head), r10, r50, r90, "", ask}
	if math.IsNaN(d.prob) {
		below = append(below, s.Muted.Render("enter computes it"))
	} else {
		pct := fmt.Sprintf("%.1f %%", d.prob*100)
		answer := wrap(fmt.Sprintf("%s of paths are above %s in %d.", pct, clean(e.ds.Amount(fmtAmount(d.probOf))), d.year), inner, "")
		// The share in the title's style, the rest plain.
		below = append(below, strings.Split(s.Title.Render(pct)+strings.TrimPrefix(answer, pct), "\n")...)
	}
	plotH := innerH - len(below) - 1
	var plot string
	if plotH >= 4 {
		plot = fanPlot(s, d.p10, d.p50, d.p90, e.ds.BaseYear, inner, plotH) + "\n" +
			s.Muted.Render("P10 · P50 · P90 of "+name+", "+unitLabel(e.ds))
	}
	lines = append(lines, plot)
	lines = append(lines, below...)
	return pane(s, true, title, clip(lines, inner), d.width, d.height)
}

// clip joins lines, each cut to w columns.
func clip(lines []string, w int) string {
	out := strings.Split(strings.Join(lines, "\n"), "\n")
	for i, l := range out {
		out[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(out, "\n")
}

// fanPlot draws the three percentile curves, the median in the accent
// colour, in w×h cells (axis labels included).
func fanPlot(s *Styles, p10, p50, p90 []float64, baseYear, w, h int) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	series := [][]float64{p10, p90, p50}
	for _, ys := range series {
		for _, v := range ys {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 0) || math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(hi, 0) {
		return ""
	}
	prec, label := axisLabels(hi, true)
	labelW := max(len(label(hi)), len(label(lo))) + 2
	plotW := max(w-labelW-2, 10)
	n := len(p50)
	opts := []asciigraph.Option{
		asciigraph.Height(max(h-3, 1)),
		asciigraph.Width(plotW),
		asciigraph.Precision(prec),
		asciigraph.YAxisValueFormatter(label),
		asciigraph.XAxisRange(float64(baseYear), float64(baseYear+n-1)),
		asciigraph.XAxisTickCount(tickCount(n, plotW)),
		asciigraph.XAxisValueFormatter(func(v float64) string { return fmt.Sprintf("%.0f", v) }),
		asciigraph.SeriesChars(asciigraph.CreateCharSet("·"), asciigraph.CreateCharSet("·"), asciigraph.DefaultCharSet),
	}
	if hi == lo {
		opts = append(opts, asciigraph.LowerBound(lo-1), asciigraph.UpperBound(hi+1))
	}
	if !s.noColor {
		opts = append(opts, asciigraph.SeriesColors(s.seriesColor(1), s.seriesColor(1), s.seriesColor(0)),
			asciigraph.AxisColor(asciigraph.Gray), asciigraph.LabelColor(asciigraph.Gray))
	}
	return asciigraph.PlotMany(series, opts...)
}

// grouped writes a count with thousands separated: 10,000.
func grouped(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
