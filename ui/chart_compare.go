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
	e := ch.e
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

	hidden := make([]bool, len(names))
	plot, legend, ok := ch.comparePlot(series, names, hidden, w, h, first, lo, hi)
	if !ok {
		return plot
	}
	// A compared line that no cell shows lies wholly under others (close
	// scenarios on a short chart): the legend says so, or its reader
	// would look for it in vain. The words may take a legend line from
	// the plot: drawn again, a line hidden then is said too.
	for range 2 {
		again := false
		shown := ansi.Strip(plot)
		for i := 1; i < len(names); i++ {
			if !hidden[i] && !strings.Contains(shown, comparedRune(i-1)) {
				hidden[i], again = true, true
			}
		}
		if !again {
			break
		}
		if plot, legend, ok = ch.comparePlot(series, names, hidden, w, h, first, lo, hi); !ok {
			return plot
		}
	}
	return plot + "\n" + legend
}

// comparePlot draws series (the compared ones, then the one on screen)
// and the legend of names to go under them, hidden ones said so; ok is
// false, and plot a note, when w×h has no room for them.
func (ch *chart) comparePlot(series [][]float64, names []string, hidden []bool, w, h, first int, lo, hi float64) (plot, legend string, ok bool) {
	s := ch.e.look.styles
	var items []string
	for i, n := range names {
		item := ch.scenarioMark(i) + " " + ansi.Truncate(n, max(w-3, 4), "…")
		if hidden[i] {
			item += " (under another line)"
		}
		items = append(items, item)
	}
	lines := wrapItems(items, w)
	plotH := h - 2 - len(lines)
	if plotH < 3 {
		return s.Muted.Render(ansi.Truncate(fmt.Sprintf("%d scenarios need more room: %d×%d or more draws them; the table compares them here.", len(names), 100, 30), w*max(h, 1), "…")), "", false
	}
	sp := ch.axes(w, plotH, first, lo, hi)
	sp.chars = make([]asciigraph.CharSet, len(series))
	for i := range len(series) - 1 {
		sp.chars[i] = asciigraph.CreateCharSet(comparedRune(i))
	}
	sp.chars[len(series)-1] = asciigraph.DefaultCharSet
	if !s.noColor {
		sp.colors = make([]asciigraph.AnsiColor, len(series))
		for i := range len(series) - 1 {
			sp.colors[i] = s.seriesColor(i + 1)
		}
		sp.colors[len(series)-1] = s.seriesColor(0)
		sp.axisColor, sp.labelColor = asciigraph.Gray, asciigraph.Gray
	}
	return ch.draw.plot.plot(series, sp), strings.Join(lines, "\n"), true
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
