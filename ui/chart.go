package ui

import (
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/guptarohit/asciigraph"
)

// chart plots the listed segments over the years.
type chart struct {
	e             env
	width, height int
	// draw is what the pane drew last, kept until a key changes what it
	// shows (see chartDraw).
	draw *chartDraw
}

// chartDraw is the chart's drawing state, kept between frames behind a
// pointer: the plotter's buffers, the series it was last given, and the
// body drawn from them.
type chartDraw struct {
	plot   plotter
	series [][]float64 // this frame's figures, one line per segment
	body   figMemo[chartKey]
	legend memo[legendKey]
}

// chartKey is what a chart's body shows but for its figures, which the
// memo compares besides.
type chartKey struct {
	w, h      int
	styles    *Styles
	metric    Metric
	dim, node int // the level listed (its parent), or the row compared
	baseYear  int
}

// legendKey is what the segments' legend shows.
type legendKey struct {
	w         int
	styles    *Styles
	dim, node int
}

func newChart(e env) chart { return chart{e: e, draw: &chartDraw{}} }

// SetSize sets the outer size of the pane.
func (ch *chart) SetSize(w, h int) { ch.width, ch.height = w, h }

// View renders the pane with its border.
func (ch *chart) View() string {
	e := ch.e
	// The longest title that fits: the compared scenario's name before
	// the key hint.
	title := "Chart: " + e.sel.metricLabel() + " (v)"
	inner, innerH := ch.width-2, ch.height-2
	if len(e.scen.Compared()) > 0 {
		return pane(e.look.styles, false, ch.compareTitle(), ch.compareBody(inner, innerH), ch.width, ch.height)
	}
	return pane(e.look.styles, false, title, ch.body(inner, innerH), ch.width, ch.height)
}

// lines gives n series of years values each, reused from frame to frame.
func (d *chartDraw) lines(n, years int) [][]float64 {
	for len(d.series) < n {
		d.series = append(d.series, nil)
	}
	out := d.series[:n]
	for i := range out {
		out[i] = out[i][:0]
		if cap(out[i]) < years {
			out[i] = make([]float64, 0, years)
		}
	}
	return out
}

func (ch *chart) body(w, h int) string {
	e := ch.e
	kids := e.sel.children()
	first := 0
	if e.sel.metric == MetricGrowth {
		first = 1 // no growth in the base year
	}
	res := e.scen.Result()
	lo, hi := math.Inf(1), math.Inf(-1)
	series := ch.draw.lines(len(kids), res.Years-first)
	for i, n := range kids {
		for yi := first; yi < res.Years; yi++ {
			v := metricOf(res, e.sel.metric, n, yi)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				// asciigraph panics on ±Inf and draws garbage for NaN runs.
				v = 0
			}
			series[i] = append(series[i], v)
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	key := chartKey{w: w, h: h, styles: e.look.styles, metric: e.sel.metric, dim: e.sel.dim, node: e.sel.parent[e.sel.dim], baseYear: res.BaseYear}
	return ch.draw.body.get(key, series, func() string { return ch.plotSegments(kids, series, w, h, first, lo, hi) })
}

// plotSegments draws the listed segments' lines and their legend.
func (ch *chart) plotSegments(kids []int, series [][]float64, w, h, first int, lo, hi float64) string {
	e, s := ch.e, ch.e.look.styles
	legend := strings.Split(ch.draw.legend.get(legendKey{w: w, styles: s, dim: e.sel.dim, node: e.sel.parent[e.sel.dim]}, func() string {
		names := make([]string, 0, len(kids))
		for _, n := range kids {
			names = append(names, clean(e.ds.Nodes[n].Name))
		}
		return strings.Join(ch.legend(names, w), "\n")
	}), "\n")
	if len(kids) == 0 {
		legend = nil
	}
	plotH := h - 2 - len(legend) // x-axis line and labels
	if plotH < 2 {
		legend = nil
		plotH = h - 2
	}
	sp := ch.axes(w, plotH, first, lo, hi)
	sp.chars = make([]asciigraph.CharSet, len(series))
	for i := range sp.chars {
		switch {
		case s.noColor:
			sp.chars[i] = asciigraph.CreateCharSet(string(seriesRune(i)))
		default:
			sp.chars[i] = asciigraph.DefaultCharSet
		}
	}
	if !s.noColor {
		sp.colors = make([]asciigraph.AnsiColor, len(series))
		for i := range sp.colors {
			sp.colors[i] = s.seriesColor(i % max(len(kids), 1))
		}
		sp.axisColor, sp.labelColor = asciigraph.Gray, asciigraph.Gray
	}
	plot := ch.draw.plot.plot(series, sp)
	// pane cuts every line to the width; no need to measure twice.
	return plot + "\n" + strings.Join(legend, "\n")
}

// legend lays out one swatch and name per series, wrapping to width w.
// asciigraph's own legend is a single line that cannot wrap, which does
// not fit six application names into an 80-column terminal.
func (ch *chart) legend(names []string, w int) []string {
	s := ch.e.look.styles
	maxName := max(w/2-3, 8)
	items := make([]string, len(names))
	for i, n := range names {
		items[i] = s.seriesMark(i) + " " + ansi.Truncate(n, maxName, "…")
	}
	return wrapItems(items, w)
}

// axes are the plot's options for a w×plotH area (x-axis included) of
// the years from first on, values lo to hi: labels grouped as the
// table writes numbers, a year per tick where they fit.
func (ch *chart) axes(w, plotH, first int, lo, hi float64) plotSpec {
	e := ch.e
	res := e.scen.Result()
	prec, label := axisLabels(hi, e.sel.metric == MetricValue)
	labelW := max(len(label(hi)), len(label(lo))) + 2
	plotW := max(w-labelW-2, 10)
	sp := plotSpec{
		height: max(plotH-1, 1),
		width:  plotW,
		prec:   int(prec), // thousands grouped, as in the table
		xFrom:  float64(res.BaseYear + first), xTo: float64(res.BaseYear + res.Years - 1),
		ticks: tickCount(res.Years-first, plotW),
	}
	if hi == lo {
		// A flat chart would otherwise have no vertical range at all.
		sp.bounded, sp.lower, sp.upper = true, lo-1, hi+1
	}
	return sp
}

// tickCount picks how many year labels fit in width w such that they fall
// on whole years: (n-1) must be a multiple of (ticks-1), otherwise the
// labels land between years and read 2019 2021 2022 2024.
func tickCount(n, w int) int {
	most := max(w/7, 2)
	for t := min(n, most); t > 2; t-- {
		if (n-1)%(t-1) == 0 {
			return t
		}
	}
	return 2
}

// axisLabels is how a chart's y axis writes its labels: grouped as the
// table writes numbers, and as short as the range allows (no decimals in
// the thousands, more below 1) for values; one decimal otherwise.
func axisLabels(hi float64, values bool) (uint, func(float64) string) {
	prec := uint(1)
	switch {
	case !values:
	case hi >= 1000:
		prec = 0
	case hi < 10:
		prec = uint(valuePrec(hi, 2))
	}
	return prec, func(v float64) string { return fmtNum(v, int(prec)) }
}
