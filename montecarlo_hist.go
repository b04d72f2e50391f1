package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"iomt/chart"
	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/internal/textbar"
	"iomt/model"
)

// mcShape are montecarlo's flags that shape a run and what it shows:
// which rates vary and how together, and the histogram of one year.
type mcShape struct {
	vary        string
	correlation numberFlag
	histogram   bool
	bins        int
}

func (s *mcShape) register(cmd *cobra.Command, f *analysisFlags) {
	cmd.Flags().StringVar(&s.vary, "vary", "all", "the rates drawn: all (every rate in the tree) or node (the node's own: its CAGR and its years of their own)")
	_ = cmd.RegisterFlagCompletionFunc("vary", cobra.FixedCompletions([]string{"all", "node"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().Var(&s.correlation, "correlation", "how much the rates move together, from 0 (each on its own) to 1 (all as one)")
	cmd.Flags().BoolVar(&s.histogram, "histogram", false, "give the distribution of the node's value in --year: paths per bin, P10/P50/P90 marked")
	cmd.Flags().IntVar(&f.year, "year", 0, "the year of --histogram (default: the end year)")
	cmd.Flags().IntVar(&s.bins, "bins", 20, fmt.Sprintf("the bins of --histogram (1 to %d)", forecast.MaxBins))
}

// check reads the flags into Draws; a bad value is a usage error naming
// its flag.
func (s *mcShape) check(cmd *cobra.Command) (forecast.Draws, error) {
	var d forecast.Draws
	switch s.vary {
	case "all":
	case "node":
		d.Vary = forecast.VaryNode
	default:
		return d, usageError{fmt.Errorf("invalid argument %q for --vary: use all or node", s.vary)}
	}
	d.Correlation = float64(s.correlation)
	if err := d.Check(); err != nil {
		return d, usageError{fmt.Errorf("invalid argument %v for --correlation: give one from 0 (rates drawn on their own) to 1 (all as one)", float64(s.correlation))}
	}
	if !s.histogram {
		for _, name := range []string{"year", "bins"} {
			if cmd.Flags().Changed(name) {
				return d, usageError{fmt.Errorf("only --histogram takes --%s", name)}
			}
		}
	}
	if s.bins < 1 || s.bins > forecast.MaxBins {
		return d, usageError{fmt.Errorf("invalid argument %d for --bins: from 1 to %d", s.bins, forecast.MaxBins)}
	}
	return d, nil
}

// histogramAlone refuses what --histogram cannot do rather than ignore
// it: --above (the probability of beating a value is a column of the
// year-by-year table) and a chart (svg, png draw the fan of every year).
// A histogram chart is no few lines: the chart package's x axis is the
// years, and a histogram's is the values, with bars and marks of its
// own; the text and the CSV of bins give it to a slide's chart.
func histogramAlone(histogram, above bool, format string) error {
	switch {
	case !histogram:
	case above:
		return usageError{errors.New("invalid --above with --histogram: --above adds the probability of beating a value to the year-by-year table; give one or the other")}
	case chart.IsFormat(format):
		return usageError{fmt.Errorf("invalid --format %s with --histogram: a chart draws the fan of every year, not the histogram; give --histogram with --format text or csv, or --format %s without it", format, format)}
	}
	return nil
}

// histogramOut writes the histogram of the run's year: as CSV of bins,
// or as text with bars and P10/P50/P90 marked.
func histogramOut(w io.Writer, ds *model.Dataset, a *model.Assumptions, sim *forecast.Simulation, f analysisFlags, sh mcShape, draws forecast.Draws, seed uint64) error {
	h, err := sim.Histogram(f.year-ds.BaseYear, sh.bins)
	if err != nil {
		return usageError{err}
	}
	if f.format == "csv" {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"bin_low", "bin_high", "paths"})
		for i, c := range h.Counts {
			lo, hi := h.Bin(i)
			_ = cw.Write([]string{num(lo), num(hi), strconv.Itoa(c)})
		}
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(w, "%s in %d, %s: %s, seed %d; %s.\n\n", nodeName(ds, sim.Node), h.Year, ds.UnitLabel(), pathsText(sim.Paths), seed,
		forecast.DrawsNote(ds, a, sim.Node, draws))
	for _, l := range histogramLines(h, 40) {
		fmt.Fprintln(w, l)
	}
	return nil
}

// histogramLines are a histogram's rows: each bin's bounds, its paths,
// its bar of at most width cells, and the percentiles that fall in it.
func histogramLines(h *forecast.Histogram, width int) []string {
	prec := numtext.Prec(max(abs(h.Lo), abs(h.Hi)), 2)
	largest := 0
	var rows [][2]string
	wLo, wHi, wN := 0, 0, len("paths")
	for i, c := range h.Counts {
		largest = max(largest, c)
		lo, hi := h.Bin(i)
		r := [2]string{numtext.Format(lo, prec), numtext.Format(hi, prec)}
		rows = append(rows, r)
		wLo, wHi, wN = max(wLo, len(r[0])), max(wHi, len(r[1])), max(wN, len(numtext.Group(strconv.Itoa(c))))
	}
	marks := make([][]string, len(h.Counts))
	for _, p := range []struct {
		name string
		v    float64
	}{{"P10", h.P10}, {"P50", h.P50}, {"P90", h.P90}} {
		i := h.BinOf(p.v)
		marks[i] = append(marks[i], p.name+" "+numtext.Format(p.v, prec))
	}
	out := []string{fmt.Sprintf("%*s  %*s  %*s", wLo+wHi+3, "value", wN, "paths", 0, "")}
	out[0] = strings.TrimRight(out[0], " ")
	for i, c := range h.Counts {
		bar := textbar.Bar(c, largest, width)
		bar += strings.Repeat(" ", width-utf8.RuneCountInString(bar)) // blocks are one cell, several bytes
		line := fmt.Sprintf("%*s – %*s  %*s  %s", wLo, rows[i][0], wHi, rows[i][1], wN, numtext.Group(strconv.Itoa(c)), bar)
		if len(marks[i]) > 0 {
			line += "  ◀ " + strings.Join(marks[i], ", ")
		}
		out = append(out, strings.TrimRight(line, " "))
	}
	return out
}

// pathsText is a number of paths as the dashboard writes it: "10,000
// paths", "1 path".
func pathsText(n int) string {
	if n == 1 {
		return "1 path"
	}
	return numtext.Group(strconv.Itoa(n)) + " paths"
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
