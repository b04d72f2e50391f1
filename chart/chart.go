// Package chart draws iomt's charts for a slide deck, as SVG or PNG: the
// dashboard's chart (a tab's segments over the years, in a metric, with a
// compared scenario dashed) and the Monte Carlo fan.
//
// A Chart says what is drawn, whatever the format: titles, the x axis
// (years), the value axis' unit, and layers (lines, bands) that each draw
// themselves and give the legend their entries. A new kind of chart (the
// bridge, a histogram) is a constructor and, where lines and bands do not
// do, a layer of its own. Render lays it out for a slide and draws it
// with gonum.org/v1/plot, in its embedded Liberation Sans, so a chart is
// the same on every machine (an SVG carries the font with it).
//
// It depends on forecast and model; main and ui use it (docs/DESIGN.md §2).
package chart

import (
	"fmt"
	"math"
	"strings"

	"iomt/forecast"
	"iomt/model"
)

// Metric is what a forecast chart plots, as the dashboard's v switches.
type Metric int

// The metrics, in the dashboard's order.
const (
	Value Metric = iota
	Share
	Growth
)

// ParseMetric reads "value", "share" or "growth".
func ParseMetric(s string) (Metric, bool) {
	for m, name := range []string{"value", "share", "growth"} {
		if s == name {
			return Metric(m), true
		}
	}
	return Value, false
}

// String is the metric's name in flags and file names.
func (m Metric) String() string {
	switch m {
	case Share:
		return "share"
	case Growth:
		return "growth"
	}
	return "value"
}

// Chart is a chart to draw: what it says and what it plots.
type Chart struct {
	Title    string // the market and the scenario
	Subtitle string // what is plotted: the tab, the metric and its unit
	YLabel   string // the value axis' unit
	Source   string // the source line under the chart
	// FirstYear and LastYear span the year axis.
	FirstYear, LastYear int
	// FromZero starts the value axis at 0 (values and shares).
	FromZero bool
	Layers   []Layer
}

// Layer is one part of what a chart plots: lines, a band. Each draws
// itself on the plot and says what the legend shows for it.
type Layer interface {
	draw(d *drawing) error
}

// Line is one series over the years: Values[i] is FirstYear+i's (NaN:
// no point). Dashed draws it dashed (a compared scenario's), in the
// dash pattern Dash (0 to 3: one per compared scenario); Color picks its
// colour from the palette, so a compared segment keeps its own.
type Line struct {
	Name   string
	Values []float64
	Color  int
	Dashed bool
	Dash   int
	// NoLegend leaves it out of the legend (a compared line, which one
	// legend entry stands for).
	NoLegend bool
}

// Lines is a set of lines, and, when some are dashed, the legend's
// entries saying what each dash pattern is.
type Lines struct {
	Lines []Line
	// DashedNames[i] is the legend's entry for the lines of dash
	// pattern i: "Accelerated adoption (compared)".
	DashedNames []string
}

// Band is a range filled between two series (a fan's P10 to P90).
type Band struct {
	Name   string
	Lo, Hi []float64
	Color  int
}

// Input is a projection to chart as the dashboard's chart pane shows it.
type Input struct {
	Dataset  *model.Dataset
	Scenario string
	Result   *forecast.Result
	// Compared are up to four scenarios drawn dashed in the same
	// colours, each in a dash pattern of its own.
	Compared []Compared
	// Nodes are the segments drawn (a tab's, or a segment's children),
	// and Level says what they are: a dimension, or a segment's path.
	Nodes  []int
	Level  string
	Metric Metric
}

// Compared is a scenario drawn beside the one charted.
type Compared struct {
	Name   string
	Result *forecast.Result
}

// Forecast is the dashboard's chart of in: one line per segment in its
// metric, the compared scenarios' dashed.
func Forecast(in Input) (*Chart, error) {
	ds, res := in.Dataset, in.Result
	if ds == nil || res == nil || len(in.Nodes) == 0 {
		return nil, fmt.Errorf("chart: nothing to draw")
	}
	first := 0
	if in.Metric == Growth {
		first = 1 // no growth into the base year
	}
	c := &Chart{
		Title:     ds.Market + " — " + in.Scenario,
		FirstYear: res.BaseYear + first, LastYear: res.BaseYear + res.Years - 1,
		FromZero: in.Metric != Growth,
		Source:   sourceLine(ds, in.Scenario),
	}
	c.Subtitle, c.YLabel = metricWords(ds, in, c.FirstYear, c.LastYear)
	if len(in.Compared) > 0 {
		names := make([]string, len(in.Compared))
		for i, cs := range in.Compared {
			names[i] = cs.Name
		}
		c.Subtitle += " · compared with " + strings.Join(names, ", ") + " (dashed)"
	}
	values := func(r *forecast.Result, n int) []float64 {
		out := make([]float64, 0, res.Years-first)
		for yi := first; yi < res.Years; yi++ {
			switch in.Metric {
			case Share:
				out = append(out, r.Share(n, yi))
			case Growth:
				out = append(out, r.Growth(n, yi))
			default:
				out = append(out, r.Value(n, yi))
			}
		}
		return out
	}
	var ls Lines
	for i, n := range in.Nodes {
		ls.Lines = append(ls.Lines, Line{Name: ds.Nodes[n].Name, Values: values(res, n), Color: i})
	}
	for k, cs := range in.Compared {
		ls.DashedNames = append(ls.DashedNames, cs.Name+" (compared)")
		for i, n := range in.Nodes {
			ls.Lines = append(ls.Lines, Line{Name: ds.Nodes[n].Name, Values: values(cs.Result, n), Color: i, Dashed: true, Dash: k, NoLegend: true})
		}
	}
	c.Layers = []Layer{ls}
	return c, nil
}

// metricWords are a forecast chart's subtitle (with the years it
// plots) and value-axis label.
func metricWords(ds *model.Dataset, in Input, first, last int) (string, string) {
	years := fmt.Sprintf("%d–%d", first, last)
	switch in.Metric {
	case Share:
		return in.Level + ": share of the parent, %, " + years, "share of the parent (%)"
	case Growth:
		return in.Level + ": growth year on year, %, " + years, "growth (% a year)"
	}
	return in.Level + ": value, " + ds.UnitLabel() + ", " + years, ds.UnitLabel()
}

// sourceLine is the line under a chart: where the figures come from.
func sourceLine(ds *model.Dataset, scenario string) string {
	src := ds.Source
	if src == "" {
		src = "the dataset " + ds.Market
	}
	return "Source: " + src + ". Scenario: " + scenario + ". Chart: iomt."
}

// FanInput is a Monte Carlo run of one node to chart.
type FanInput struct {
	Dataset  *model.Dataset
	Scenario string
	Node     int
	// Entered is the node's values as the scenario enters them.
	Entered       []float64
	P10, P50, P90 []float64
	Paths         int
	Seed          uint64
}

// Fan is a Monte Carlo run's chart: the P10–P90 range filled, the median
// and the scenario's own projection over it.
func Fan(in FanInput) (*Chart, error) {
	ds := in.Dataset
	if ds == nil || len(in.P50) == 0 || len(in.P10) != len(in.P50) || len(in.P90) != len(in.P50) {
		return nil, fmt.Errorf("chart: no Monte Carlo run to draw")
	}
	name := model.TotalName
	if in.Node > 0 {
		name = ds.Nodes[in.Node].Path
	}
	c := &Chart{
		Title:     ds.Market + " — " + in.Scenario,
		Subtitle:  fmt.Sprintf("Monte Carlo: %s, value, %s · %s paths, seed %d", name, ds.UnitLabel(), groupInt(in.Paths), in.Seed),
		YLabel:    ds.UnitLabel(),
		Source:    sourceLine(ds, in.Scenario) + fmt.Sprintf(" Growth rates drawn ±%g pp around the rates entered, unless the scenario gives a range.", model.DefaultSpread),
		FirstYear: ds.BaseYear, LastYear: ds.BaseYear + len(in.P50) - 1,
		FromZero: true,
	}
	c.Layers = []Layer{
		Band{Name: "P10–P90", Lo: in.P10, Hi: in.P90, Color: 0},
		Lines{Lines: []Line{{Name: "P50 (median)", Values: in.P50, Color: 0}}},
	}
	if len(in.Entered) == len(in.P50) {
		c.Layers = append(c.Layers, Lines{Lines: []Line{{Name: "as entered", Values: in.Entered, Color: 1, Dashed: true}}})
	}
	return c, nil
}

// groupInt writes a count with its thousands grouped.
func groupInt(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// finite reports whether x can be plotted.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
