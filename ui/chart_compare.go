package ui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/guptarohit/asciigraph"
)

// The chart while comparing: the selected row, one line per scenario, the
// scenario on screen drawn with lines and each compared one with a
// character of its own (also without colour), a legend naming them.
// Every segment of every scenario at once was a tangle no terminal could
// show, least of all at 80×24.

// comparedChars draw the compared scenarios' lines, in the order picked.
const comparedChars = "·×+o"

// comparedRune is the character of compared scenario i's line.
func comparedRune(i int) string {
	r := []rune(comparedChars)
	return string(r[i%len(r)])
}

// scenarioMark is the legend's swatch of scenario i (0 the one on
// screen): its line's character, in its colour.
func (ch *chart) scenarioMark(i int) string {
	s := ch.e.look.styles
	m := "─"
	if i > 0 {
		m = comparedRune(i - 1)
	}
	if s.noColor {
		return m
	}
	return s.seriesColor(i).String() + m + asciigraph.Default.String()
}

// compareTitle names the row and how many scenarios the lines are.
func (ch *chart) compareTitle() string {
	e := ch.e
	name := clean(nodeName(e.ds, e.sel.selected()))
	label := strings.ReplaceAll(e.sel.metricLabel(), "%", "%%") // a format of its own
	return paneTitle(ch.width, "Chart: "+label+" · %s, "+fmt.Sprint(1+len(e.scen.Compared()))+" scenarios (v)", name)
}

// compareBody draws the lines of the selected row in a w×h area.
func (ch *chart) compareBody(w, h int) string {
	e, s := ch.e, ch.e.look.styles
	node := e.sel.selected()
	first := 0
	if e.sel.metric == MetricGrowth {
		first = 1 // no growth in the base year
	}
	res := e.scen.Result()
	names := []string{clean(e.scen.Name())}
	lo, hi := math.Inf(1), math.Inf(-1)
	line := func(value func(yi int) float64) []float64 {
		ys := make([]float64, 0, res.Years-first)
		for yi := first; yi < res.Years; yi++ {
			v := value(yi)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0 // asciigraph panics on ±Inf and draws garbage for NaN runs
			}
			ys = append(ys, v)
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		return ys
	}
	own := line(func(yi int) float64 { return metricOf(res, e.sel.metric, node, yi) })
	var series [][]float64
	for _, cs := range e.scen.Compared() {
		series = append(series, line(func(yi int) float64 { return metricOf(&cs.res, e.sel.metric, node, yi) }))
		names = append(names, clean(cs.name))
	}
	// The compared lines first, the one on screen last, drawn over them.
	series = append(series, own)

	var items []string
	for i, n := range names {
		items = append(items, ch.scenarioMark(i)+" "+ansi.Truncate(n, max(w-3, 4), "…"))
	}
	legend := wrapItems(items, w)
	plotH := h - 2 - len(legend)
	if plotH < 3 {
		return s.Muted.Render(ansi.Truncate(fmt.Sprintf("%d scenarios need more room: %d×%d or more draws them; the table compares them here.", len(names), 100, 30), w*max(h, 1), "…"))
	}
	opts := ch.axes(w, plotH, first, lo, hi)
	sets := make([]asciigraph.CharSet, len(series))
	for i := range len(series) - 1 {
		sets[i] = asciigraph.CreateCharSet(comparedRune(i))
	}
	sets[len(series)-1] = asciigraph.DefaultCharSet
	opts = append(opts, asciigraph.SeriesChars(sets...))
	if !s.noColor {
		cols := make([]asciigraph.AnsiColor, len(series))
		for i := range len(series) - 1 {
			cols[i] = s.seriesColor(i + 1)
		}
		cols[len(series)-1] = s.seriesColor(0)
		opts = append(opts, asciigraph.SeriesColors(cols...), asciigraph.AxisColor(asciigraph.Gray),
			asciigraph.LabelColor(asciigraph.Gray))
	}
	return asciigraph.PlotMany(series, opts...) + "\n" + strings.Join(legend, "\n")
}

// wrapItems lays out legend items two spaces apart, wrapping at w.
func wrapItems(items []string, w int) []string {
	var lines []string
	line, lineW := "", 0
	for _, it := range items {
		iw := ansi.StringWidth(it)
		if lineW > 0 && lineW+2+iw > w {
			lines = append(lines, line)
			line, lineW = "", 0
		}
		if lineW > 0 {
			line += "  "
			lineW += 2
		}
		line += it
		lineW += iw
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
