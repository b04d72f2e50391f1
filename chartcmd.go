package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"iomt/chart"
	"iomt/export"
	"iomt/forecast"
	"iomt/model"
)

// Charts for the deck: export --format svg|png draws the dashboard's
// chart of a tab (or a segment's sub-segments) in a metric, with the
// compared scenario dashed; montecarlo --format svg|png draws the fan.

// chartFlags are the flags of a chart export.
type chartFlags struct {
	size   string
	level  string // --dimension: a dimension, or Dimension/Segment
	metric string
	w, h   int
}

func (f *chartFlags) register(cmd *cobra.Command, forecastChart bool) {
	cmd.Flags().StringVar(&f.size, "size", fmt.Sprintf("%dx%d", chart.DefaultWidth, chart.DefaultHeight),
		fmt.Sprintf("svg, png: the chart's size in pixels, WIDTHxHEIGHT (each %d to %d; default a 16:9 slide)", chart.MinSide, chart.MaxSide))
	if forecastChart {
		cmd.Flags().StringVar(&f.level, "dimension", "", "svg, png: the tab to draw (a dimension), or Dimension/Segment for its sub-segments (default: the first dimension)")
		cmd.Flags().StringVar(&f.metric, "metric", "value", "svg, png: value, share or growth")
		_ = cmd.RegisterFlagCompletionFunc("metric", cobra.FixedCompletions([]string{"value", "share", "growth"}, cobra.ShellCompDirectiveNoFileComp))
	}
}

// check refuses the chart flags with another format, a bad size, and a
// PNG for a terminal.
func (f *chartFlags) check(cmd *cobra.Command, format, out string) error {
	if !chart.IsFormat(format) {
		for _, name := range []string{"size", "dimension", "metric"} {
			if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
				return usageError{fmt.Errorf("invalid --%s with --format %s: it shapes a chart (svg, png)", name, format)}
			}
		}
		return nil
	}
	w, h, err := chart.ParseSize(f.size)
	if err != nil {
		return usageError{fmt.Errorf("invalid --size: %w", err)}
	}
	f.w, f.h = w, h
	if _, ok := chart.ParseMetric(f.metric); !ok && f.metric != "" {
		return usageError{fmt.Errorf("invalid argument %q for --metric: use value, share or growth", f.metric)}
	}
	if file, ok := cmd.OutOrStdout().(*os.File); ok && format == "png" && (out == "" || out == "-") && term.IsTerminal(file.Fd()) {
		return usageError{errors.New("a PNG is a binary file, not text for a terminal: give -o FILE.png, or redirect standard output to a file")}
	}
	return nil
}

// level resolves --dimension: the segments to draw and what they are.
func (f *chartFlags) resolveLevel(ds *model.Dataset) ([]int, string, error) {
	if f.level == "" {
		return ds.Dims[0].Top, ds.Dims[0].Name, nil
	}
	for _, d := range ds.Dims {
		if strings.EqualFold(d.Name, f.level) {
			return d.Top, d.Name, nil
		}
	}
	n, err := ds.Resolve(f.level)
	if err != nil {
		return nil, "", usageError{fmt.Errorf("invalid --dimension: %w", err)}
	}
	if len(ds.Nodes[n].Children) == 0 {
		return nil, "", usageError{fmt.Errorf("invalid --dimension %s: it has no sub-segments to draw; give its dimension", ds.Nodes[n].Path)}
	}
	return ds.Nodes[n].Children, ds.Nodes[n].Path, nil
}

// writeForecast draws the export's chart into w.
func (f *chartFlags) writeForecast(w io.Writer, format string, in export.Input) error {
	nodes, level, err := f.resolveLevel(in.Dataset)
	if err != nil {
		return err
	}
	metric, _ := chart.ParseMetric(f.metric)
	ci := chart.Input{Dataset: in.Dataset, Scenario: in.Scenario, Result: in.Result, Nodes: nodes, Level: level, Metric: metric}
	for _, cs := range append(compares(in.Compare), in.More...) {
		ci.Compared = append(ci.Compared, chart.Compared{Name: cs.Scenario, Result: cs.Result})
	}
	c, err := chart.Forecast(ci)
	if err != nil {
		return err
	}
	return chart.Render(w, c, format, f.w, f.h)
}

// writeFan draws a Monte Carlo run as its fan, to out or standard output.
func (f *chartFlags) writeFan(cmd *cobra.Command, out, format string, ds *model.Dataset, sc *model.Scenario, n int, sim *forecast.Simulation, seed uint64) error {
	p10, p50, p90 := sim.Percentiles()
	res := forecast.Project(ds, &sc.Assumptions)
	c, err := chart.Fan(chart.FanInput{Dataset: ds, Scenario: sc.Name, Node: n, Entered: res.Series(n),
		P10: p10, P50: p50, P90: p90, Paths: sim.Paths, Seed: seed})
	if err != nil {
		return err
	}
	write := func(w io.Writer) error { return chart.Render(w, c, format, f.w, f.h) }
	if out == "" || out == "-" {
		return write(cmd.OutOrStdout())
	}
	return writeOutput(out, write)
}

// compares is the first compared scenario as a list (none when nil).
func compares(c *export.Comparison) []export.Comparison {
	if c == nil {
		return nil
	}
	return []export.Comparison{*c}
}
