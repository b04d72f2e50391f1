package ui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/guptarohit/asciigraph"
)

// chart plots the listed segments over the years with asciigraph.
type chart struct {
	e             env
	width, height int
}

func newChart(e env) chart { return chart{e: e} }

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

func (ch *chart) body(w, h int) string {
	e, s := ch.e, ch.e.look.styles
	kids := e.sel.children()
	first := 0
	if e.sel.metric == MetricGrowth {
		first = 1 // no growth in the base year
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	// seriesOf collects one guarded line per listed segment from value.
	seriesOf := func(value func(n, yi int) float64) [][]float64 {
		out := make([][]float64, 0, len(kids))
		for _, n := range kids {
			ys := make([]float64, 0, e.scen.Result().Years-first)
			for yi := first; yi < e.scen.Result().Years; yi++ {
				v := value(n, yi)
				if math.IsNaN(v) || math.IsInf(v, 0) {
					// asciigraph panics on ±Inf and draws garbage for NaN runs.
					v = 0
				}
				ys = append(ys, v)
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			out = append(out, ys)
		}
		return out
	}
	series := seriesOf(func(n, yi int) float64 { return metricOf(e.scen.Result(), e.sel.metric, n, yi) })
	names := make([]string, 0, len(kids))
	for _, n := range kids {
		names = append(names, clean(e.ds.Nodes[n].Name))
	}
	legend := ch.legend(names, w)
	plotH := h - 2 - len(legend) // x-axis line and labels
	if plotH < 2 {
		legend = nil
		plotH = h - 2
	}
	opts := ch.axes(w, plotH, first, lo, hi)
	sets := make([]asciigraph.CharSet, len(series))
	for i := range sets {
		switch {
		case s.noColor:
			sets[i] = asciigraph.CreateCharSet(string(seriesRune(i)))
		default:
			sets[i] = asciigraph.DefaultCharSet
		}
	}
	opts = append(opts, asciigraph.SeriesChars(sets...))
	if !s.noColor {
		cols := make([]asciigraph.AnsiColor, len(series))
		for i := range cols {
			cols[i] = s.seriesColor(i % max(len(kids), 1))
		}
		opts = append(opts, asciigraph.SeriesColors(cols...), asciigraph.AxisColor(asciigraph.Gray),
			asciigraph.LabelColor(asciigraph.Gray))
	}
	plot := asciigraph.PlotMany(series, opts...)
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
func (ch *chart) axes(w, plotH, first int, lo, hi float64) []asciigraph.Option {
	e := ch.e
	res := e.scen.Result()
	prec, label := axisLabels(hi, e.sel.metric == MetricValue)
	labelW := max(len(label(hi)), len(label(lo))) + 2
	plotW := max(w-labelW-2, 10)
	opts := []asciigraph.Option{
		asciigraph.Height(max(plotH-1, 1)),
		asciigraph.Width(plotW),
		asciigraph.Precision(prec),
		asciigraph.YAxisValueFormatter(label), // thousands grouped, as in the table
		asciigraph.XAxisRange(float64(res.BaseYear+first), float64(res.BaseYear+res.Years-1)),
		asciigraph.XAxisTickCount(tickCount(res.Years-first, plotW)),
		asciigraph.XAxisValueFormatter(func(v float64) string { return fmt.Sprintf("%.0f", v) }),
	}
	if hi == lo {
		// A flat chart would otherwise have no vertical range at all.
		opts = append(opts, asciigraph.LowerBound(lo-1), asciigraph.UpperBound(hi+1))
	}
	return opts
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
