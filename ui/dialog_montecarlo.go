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
// done, and when all are, the percentiles and every year's values,
// sorted (for the histogram). gen tells it from a screen that was
// closed, seq from a run of the same screen asked again since; err says
// why the run stopped early.
type mcProgressMsg struct {
	gen, seq int
	done     int
	p10      []float64
	p50      []float64
	p90      []float64
	columns  [][]float64
	finish   bool
	err      error
}

// monteCarloDialog runs a Monte Carlo simulation of the selected row
// off the UI loop, a chunk of paths per command, through the dashboard's
// Analysis, with a progress bar; esc cancels. When done it shows the
// P10, P50 and P90 of every year as a fan and a table, the histogram of
// the chosen year beside the fan, and the probability of beating a value
// typed in. The run can be shaped there (mcShape): the row's range (an
// edit, kept in the scenario for s to save), what varies, a correlation; each
// change runs it again.
type monteCarloDialog struct {
	e   env
	run Analysis
	pending
	node   int
	gen    int
	seq    int                  // the run asked last
	sim    *forecast.Simulation // written by the commands until done
	a      model.Assumptions
	paths  int
	budget bool // fewer paths than the dashboard's, for the server's budget
	done   int
	finish bool
	p10    []float64
	p50    []float64
	p90    []float64
	cols   [][]float64 // every year's values, sorted, once done

	bar       progress.Model
	threshold textinput.Model
	year      int     // the year of the probability and the histogram
	prob      float64 // NaN until asked
	probOf    float64 // the threshold prob was computed for
	shape     mcShape

	width, height int
}

func newMonteCarloDialog(e env, gen int, run Analysis) (*monteCarloDialog, tea.Cmd) {
	node := e.sel.selected()
	paths := mcPathsFor(run.Budget(), len(e.ds.Nodes)*e.ds.Years())
	if _, err := forecast.NewSimulation(e.ds, node, paths); err != nil {
		// NewSimulation refuses only a node or path count out of range.
		e.status.error("Monte Carlo: " + err.Error())
		return nil, nil
	}
	d := &monteCarloDialog{e: e, run: run, node: node, gen: gen, paths: paths, budget: paths < mcPaths,
		bar: progress.New(progress.WithWidth(40)), threshold: newInput(e, 20), year: e.ds.EndYear, prob: math.NaN()}
	d.threshold.Prompt = ""
	d.threshold.SetWidth(12)
	d.shape = newMCShape(e)
	d.offer()
	return d, tea.Batch(d.threshold.Focus(), d.start(e.scen.Assumptions()))
}

// start runs the simulation of a afresh, drawn as the screen says; a
// run under way stops.
func (d *monteCarloDialog) start(a model.Assumptions) tea.Cmd {
	d.seq++
	d.a = a.Clone()
	d.sim, _ = forecast.NewSimulation(d.e.ds, d.node, d.paths) // checked when the screen opened
	d.sim.Draws = d.shape.draws
	d.done, d.finish, d.prob = 0, false, math.NaN()
	d.shape.fill(&d.a, d.node)
	return d.next(0)
}

// next is the command of the chunk of paths from from.
func (d *monteCarloDialog) next(from int) tea.Cmd {
	return mcChunkCmd(d.restart(), d.run, d.gen, d.seq, d.sim, d.e.ds, d.a, from)
}

// mcChunkCmd computes the next chunk of paths through run, and the
// percentiles and sorted years after the last one. It writes only its
// own paths of sim.
func mcChunkCmd(ctx context.Context, run Analysis, gen, seq int, sim *forecast.Simulation, ds *model.Dataset, a model.Assumptions, from int) tea.Cmd {
	return func() tea.Msg {
		cells := len(ds.Nodes) * ds.Years()
		to := min(from+min(mcChunk, max(mcChunkCells/cells, 1)), sim.Paths)
		err := run.Run(ctx, tasks(to-from, cells, func(lo, hi int) { sim.Run(ds, a, mcSeed, from+lo, from+hi) }))
		if err != nil {
			return mcProgressMsg{gen: gen, seq: seq, done: from, err: err}
		}
		msg := mcProgressMsg{gen: gen, seq: seq, done: to}
		if to == sim.Paths {
			// Each year sorted once: the percentiles and the histograms
			// are read from the same sorted values.
			msg.columns = make([][]float64, sim.Years)
			msg.p10, msg.p50, msg.p90 = make([]float64, sim.Years), make([]float64, sim.Years), make([]float64, sim.Years)
			for yi := range msg.columns {
				col := sim.Column(yi)
				msg.columns[yi] = col
				msg.p10[yi], msg.p50[yi], msg.p90[yi] = forecast.Quantile(col, 0.1), forecast.Quantile(col, 0.5), forecast.Quantile(col, 0.9)
			}
			msg.finish = true
		}
		return msg
	}
}

func (d *monteCarloDialog) runs() int { return d.gen }

func (d *monteCarloDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	switch msg := msg.(type) {
	case mcProgressMsg:
		if msg.gen != d.gen || msg.seq != d.seq {
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
			d.finish, d.p10, d.p50, d.p90, d.cols = true, msg.p10, msg.p50, msg.p90, msg.columns
			return stay(d), nil
		}
		return stay(d), d.next(d.done)
	case tea.KeyPressMsg:
		return d.key(msg)
	}
	var cmd tea.Cmd
	if d.shape.field == mcAbove {
		d.threshold, cmd = d.threshold.Update(msg)
	} else {
		cmd = d.shape.update(msg)
	}
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
	case key.Matches(k, keys.Field):
		return stay(d), d.shape.nextField(&d.threshold)
	case key.Matches(k, keys.Vary):
		d.shape.toggleVary()
		d.e.status.info("Monte Carlo now: " + forecast.DrawsNote(d.e.ds, &d.a, d.node, d.shape.draws) + ".")
		return stay(d), d.start(d.a)
	case key.Matches(k, keys.DefaultRange):
		return d.setRange(model.Range{Lo: math.NaN(), Hi: math.NaN()})
	case key.Matches(k, keys.Confirm):
		return d.confirm()
	default:
		var cmd tea.Cmd
		if d.shape.field == mcAbove {
			d.threshold, cmd = d.threshold.Update(k)
			d.prob = math.NaN()
		} else {
			cmd = d.shape.update(k)
		}
		return stay(d), cmd
	}
	return stay(d), nil
}

// confirm acts on enter in the field being typed in: the probability,
// the range (an edit of the scenario) or the correlation.
func (d *monteCarloDialog) confirm() (step, tea.Cmd) {
	switch d.shape.field {
	case mcLow, mcHigh:
		r, err := d.shape.typedRange(&d.a, d.node)
		if err != nil {
			d.e.status.error(err.Error())
			return stay(d), nil
		}
		return d.setRange(r)
	case mcCorrelation:
		c, err := d.shape.typedCorrelation()
		if err != nil {
			d.e.status.error(err.Error())
			return stay(d), nil
		}
		d.shape.draws.Correlation = c
		d.e.status.info("Monte Carlo now: " + forecast.DrawsNote(d.e.ds, &d.a, d.node, d.shape.draws) + ".")
		return stay(d), d.start(d.a)
	}
	d.probability()
	return stay(d), nil
}

// setRange makes the row's range r (unset: the default spread), as an
// edit the root makes (undoable, kept in the scenario for s to save), and runs the
// simulation again with it. A range the model refuses (one without the
// rate entered) is said, and nothing changes.
func (d *monteCarloDialog) setRange(r model.Range) (step, tea.Cmd) {
	e := model.Edit{Kind: model.SetRange, Node: d.node, Range: r}
	next, err := d.e.ds.Apply(d.a, d.a, e)
	if err != nil {
		d.e.status.error("Refused: " + err.Error())
		return stay(d), nil
	}
	name := nodeName(d.e.ds, d.node)
	said := fmt.Sprintf("%s's rate is drawn ±%g pp around the rate entered again.", name, model.DefaultSpread)
	if r.IsSet() {
		said = fmt.Sprintf("%s's rate is drawn from %s to %s %% (cagr_range_pct, kept in the scenario; s saves it).", name, fmtNum(r.Lo, 2), fmtNum(r.Hi, 2))
	}
	return report(d, editMsg{edit: e, said: said}), d.start(next)
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
func (d *monteCarloDialog) setStyles(s *Styles) {
	d.threshold.SetStyles(s.input())
	d.shape.setStyles(s)
}

func (d *monteCarloDialog) Bindings() []key.Binding {
	k := d.e.look.keys
	closeIt := k.Cancel
	if !d.finish {
		closeIt.SetHelp("esc", "cancel")
		return []key.Binding{closeIt}
	}
	year, ask, field := k.YearLater, k.Confirm, k.Field
	year.SetHelp("↑↓←→", "year")
	ask.SetHelp("enter", "apply")
	field.SetHelp("tab", "above/range/correlation")
	closeIt.SetHelp("esc", "close")
	return []key.Binding{ask, field, k.Vary, k.DefaultRange, year, closeIt}
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
	note := strings.Split(wrap("Draws: "+forecast.DrawsNote(e.ds, &d.a, d.node, d.shape.draws)+".", inner, "  "), "\n")
	if len(note) > 2 {
		note = append(note[:1], ansi.Truncate(note[1], inner-1, "")+"…")
	}
	var lines []string
	if !d.finish {
		lines = append(lines, s.Muted.Render(strings.Join(note, "\n")), "",
			d.bar.ViewAs(float64(d.done)/float64(d.sim.Paths))+fmt.Sprintf("  %s of %s paths", grouped(d.done), grouped(d.sim.Paths)),
			"",
			s.Muted.Render("esc cancels"))
		return pane(s, true, title, clip(lines, inner), d.width, d.height)
	}
	below := d.table(inner)
	if innerH >= 24 {
		below = append(below, "") // room to breathe, where there is room
	}
	below = append(below, d.askLines(inner)...)
	below = append(below, d.shape.view(e, inner, &d.a, d.node)...)
	plotH := innerH - len(below) - len(note)
	lines = append(lines, s.Muted.Render(strings.Join(note, "\n")))
	if plotH >= 4 {
		lines = append(lines, d.plots(inner, plotH))
	}
	lines = append(lines, below...)
	return pane(s, true, title, clip(lines, inner), d.width, d.height)
}

// table is the percentiles, a row each, a column per year that fits.
func (d *monteCarloDialog) table(inner int) []string {
	e, s := d.e, d.e.look.styles
	years := e.ds.Years()
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
	return []string{s.Header.Render(head), r10, r50, r90}
}

// askLines are the probability's question, on one line, and its answer
// on its own below it, wrapped: at 80 columns the two together cut the
// answer's numbers.
func (d *monteCarloDialog) askLines(inner int) []string {
	e, s := d.e, d.e.look.styles
	field := d.threshold.View()
	if d.shape.field != mcAbove {
		field = s.Muted.Render(padRight(cmpOr(d.threshold.Value(), d.threshold.Placeholder), 12))
	}
	ask := fmt.Sprintf("Probability above %s %s in %d (%s):", field, unitLabel(e.ds), d.year, yearHint)
	if ansi.StringWidth(ask) > inner {
		ask = fmt.Sprintf("Probability above %s %s in %d:", field, unitLabel(e.ds), d.year)
	}
	if math.IsNaN(d.prob) {
		return []string{ask, s.Muted.Render("enter computes it")}
	}
	pct := fmt.Sprintf("%.1f %%", d.prob*100)
	answer := wrap(fmt.Sprintf("%s of paths are above %s in %d.", pct, clean(e.ds.Amount(fmtAmount(d.probOf))), d.year), inner, "")
	// The share in the title's style, the rest plain.
	return append([]string{ask}, strings.Split(s.Title.Render(pct)+strings.TrimPrefix(answer, pct), "\n")...)
}

// plots is the fan of the percentiles and, beside it when there is room,
// the histogram of the chosen year.
func (d *monteCarloDialog) plots(inner, h int) string {
	e, s := d.e, d.e.look.styles
	name := clean(nodeName(e.ds, d.node))
	histW := 0
	if inner >= 60 {
		histW = min(max(inner*2/5, 26), 60)
	}
	fanW := inner - histW
	if histW > 0 {
		fanW-- // a column between them
	}
	fan := strings.Split(fanPlot(s, d.p10, d.p50, d.p90, e.ds.BaseYear, fanW, h-1)+"\n"+
		s.Muted.Render(ansi.Truncate("P10 · P50 · P90 of "+name+", "+unitLabel(e.ds), fanW, "…")), "\n")
	if histW == 0 {
		return strings.Join(fan, "\n")
	}
	hist := d.histogram(histW, h)
	out := make([]string, h)
	for i := range out {
		l := ""
		if i < len(fan) {
			l = fan[i]
		}
		r := ""
		if i < len(hist) {
			r = hist[i]
		}
		out[i] = padRight(ansi.Truncate(l, fanW, ""), fanW) + " " + r
	}
	return strings.Join(out, "\n")
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
