package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"unicode/utf8"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"iomt/chart"
	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/internal/safetext"
	"iomt/model"
)

// The analysis commands: goal seek, sensitivity and Monte Carlo, on the
// same dataset and scenario flags as export.

// analysisFlags are the flags every analysis command shares.
type analysisFlags struct {
	in     inputFlags
	node   string
	year   int
	format string
}

func (f *analysisFlags) register(cmd *cobra.Command, formats []string) {
	f.in.register(cmd, true)
	f.in.wf.register(cmd)
	cmd.Flags().StringVar(&f.node, "node", "", "the segment: Total, or Dimension/Segment[/Sub-segment], in any case (required)")
	cmd.Flags().StringVar(&f.format, "format", formats[0], "output format: "+strings.Join(formats, ", "))
	_ = cmd.MarkFlagRequired("node")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
}

// load reads the inputs and resolves the node, the year (0: the end
// year) and the format.
func (f *analysisFlags) load(formats []string) (*model.Dataset, *model.Scenario, int, error) {
	if !slices.Contains(formats, f.format) {
		return nil, nil, 0, usageError{fmt.Errorf("invalid argument %q for --format: use one of %s", f.format, strings.Join(formats, ", "))}
	}
	ds, sc, err := f.in.load()
	if err != nil {
		return nil, nil, 0, err
	}
	n, err := ds.Resolve(f.node)
	if err != nil {
		return nil, nil, 0, usageError{fmt.Errorf("invalid --node: %w", err)}
	}
	if f.year == 0 {
		f.year = ds.EndYear
	}
	return ds, sc, n, nil
}

// modeAdvice is the command line's way to the mode sw, between before
// and after: a scenario file's mode: and driver: (the dashboard says its
// b key instead); nothing for no switch.
func modeAdvice(ds *model.Dataset, sw *forecast.ModeSwitch, before, after string) string {
	switch {
	case sw == nil:
		return ""
	case sw.Mode == model.TopDown:
		return before + "try a scenario with mode: top-down" + after
	case sw.Driver < 0:
		return before + "try a scenario with mode: bottom-up and a dimension as driver:" + after
	}
	return before + "try a scenario with mode: bottom-up and driver: " + safetext.Escape(ds.Dims[sw.Driver].Name) + after
}

func nodeName(ds *model.Dataset, n int) string {
	if n == 0 {
		return "Total"
	}
	return ds.Nodes[n].Path
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', 12, 64) }

func newGoalSeekCmd() *cobra.Command {
	var (
		f      analysisFlags
		target numberFlag
		vary   string
	)
	formats := []string{"text", "json"}
	cmd := &cobra.Command{
		Use:   "goalseek",
		Short: "Find the growth rate that makes a segment reach a value",
		Long: `Goalseek finds the growth rate that makes --node reach --target (in the
dataset's unit) in --year (default: the end year), by changing the node's
own CAGR (--vary node, the default; on Total, the market's CAGR) or the
market's CAGR (--vary total). It exits 1, with the reason and the nearest
value reachable, when no allowed rate gets there.

The answer names both rates: the CAGR to enter, and the growth the node
then shows from the base year to --year (in top-down a segment's share
drifts with its rate, so the two differ); with levers (the report's
drivers) set, the market grows at the entered rate plus their impacts, and
the answer says both. In top-down it lists every sibling's value in
--year before and after, as moving one segment moves the others. An
answer outside the dataset's range of rates, a share above 90 % or
growth more than twice the market's is answered with a warning.

JSON: {"node":…,"year":…,"target":…,"vary":…,"cagr_pct":…,
"realised_cagr_pct":…,"realised_from":…,"realised_to":…}, with
"market_growth_pct" (the rate with the levers) when the market's CAGR is
varied and the levers add up to other than 0, "siblings" ([{"node":…,
"before":…,"after":…}]) when the siblings move, and "warnings".`,
		Example: `  iomt goalseek --node Region/Asia-Pacific --target 60
  iomt goalseek --node Total --year 2025 --target 150 --format json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if vary != "node" && vary != "total" {
				return usageError{fmt.Errorf("invalid argument %q for --vary: use node or total", vary)}
			}
			if !cmd.Flags().Changed("target") {
				return usageError{errors.New("required flag(s) \"target\" not set")}
			}
			ds, sc, n, err := f.load(formats)
			if err != nil {
				return err
			}
			lever := n
			if vary == "total" {
				lever = 0
			}
			a := sc.Assumptions
			s, err := forecast.Seek(ds, a, forecast.Goal{Node: n, Year: f.year, Target: float64(target), Lever: lever})
			if err != nil {
				return usageError{err}
			}
			if !s.Reached {
				_, err := forecast.GoalSeek(ds, a, forecast.Goal{Node: n, Year: f.year, Target: float64(target), Lever: lever})
				return invalidInput{err}
			}
			w := cmd.OutOrStdout()
			g := forecast.Goal{Node: n, Year: f.year, Target: float64(target), Lever: lever}
			q, err := forecast.QuoteGoal(ds, a, g, s)
			if err != nil {
				return err
			}
			if f.format == "json" {
				return goalJSON(w, ds, q, vary, a.DriverSum())
			}
			return goalText(w, ds, a, q)
		},
	}
	f.register(cmd, formats)
	cmd.Flags().IntVar(&f.year, "year", 0, "the year to reach the target in (default: the end year)")
	cmd.Flags().Var(&target, "target", "the value to reach, in the dataset's unit, e.g. 60 or 15,000 (required)")
	cmd.Flags().StringVar(&vary, "vary", "node", "the rate to change: node (the node's own CAGR) or total (the market's)")
	_ = cmd.RegisterFlagCompletionFunc("vary", cobra.FixedCompletions([]string{"node", "total"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// parentName names what a node's share is of.
func parentName(ds *model.Dataset, n int) string {
	if p := ds.Nodes[n].Parent; p > 0 {
		return ds.Nodes[p].Name
	}
	return "the total"
}

func newSensitivityCmd() *cobra.Command {
	var (
		f     analysisFlags
		delta numberFlag
	)
	formats := []string{"text", "csv"}
	cmd := &cobra.Command{
		Use:   "sensitivity",
		Short: "Rank the assumptions by how much they move a segment",
		Long: `Sensitivity moves, one at a time, every growth rate and share that can
move --node's value in --year (default: the end year) by ±--delta-pp
percentage points, and ranks them by the swing of that value: the market's
CAGR and its years with a rate of their own; the rates and shares of the
node, its ancestors and their siblings; in bottom-up, the driver segments'.
Those that cannot move the node in the scenario's mode are listed apart,
with the reason. --delta-pp is from 0.001 (a far smaller move is lost to
rounding) to 50.

low is the node's value with the parameter moved down by the delta, high
with it moved up: a parameter that takes from the node (a sibling's share)
gives a high below its low. A move the model refuses (a share below 0)
leaves that side n/a, with the reason.

CSV: parameter,low_value,high_value,swing, largest swing first; a refused
side is an empty cell.`,
		Example: `  iomt sensitivity --node Region/Asia-Pacific
  iomt sensitivity --node Total --delta-pp 1 --format csv`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ds, sc, n, err := f.load(formats)
			if err != nil {
				return err
			}
			t, err := forecast.Sensitivity(ds, sc.Assumptions, n, f.year, float64(delta))
			if err != nil {
				return usageError{err}
			}
			w := cmd.OutOrStdout()
			if f.format == "csv" {
				cw := csv.NewWriter(w)
				_ = cw.Write([]string{"parameter", "low_value", "high_value", "swing"})
				for _, b := range t.Bars {
					lo, hi := num(b.Low), num(b.High)
					if b.LowRefused != "" {
						lo = ""
					}
					if b.HighRefused != "" {
						hi = ""
					}
					_ = cw.Write([]string{safetext.Cell(b.Name), lo, hi, num(b.Swing)})
				}
				cw.Flush()
				return cw.Error()
			}
			largest := math.Abs(t.Base)
			for _, b := range t.Bars {
				largest = max(largest, math.Abs(b.Low), math.Abs(b.High))
			}
			// Every number at the precision its size needs, in columns as
			// wide as the widest: past a million, fixed widths misaligned.
			prec := numtext.Prec(largest, 2)
			fmt.Fprintf(w, "%s in %d: %s; each assumption moved by ±%g pp, largest swing first.\n\n",
				nodeName(ds, n), f.year, ds.Amount(numtext.Format(t.Base, prec)), float64(delta))
			// Each refused move with its own reason: one share pushed past
			// 100 % and its siblings below 0 are refused for different
			// reasons.
			var refused []string
			side := func(v float64, name, dir, why string) string {
				if why != "" {
					refused = append(refused, fmt.Sprintf("  %s %s%g pp: %s", name, dir, float64(delta), why))
					return "n/a"
				}
				return numtext.Format(v, prec)
			}
			rows := [][]string{{"parameter", "low", "high", "swing"}}
			for _, b := range t.Bars {
				rows = append(rows, []string{b.Name, side(b.Low, b.Name, "−", b.LowRefused), side(b.High, b.Name, "+", b.HighRefused), numtext.Format(b.Swing, prec)})
			}
			widths := make([]int, 4)
			for _, r := range rows {
				for i, cell := range r {
					widths[i] = max(widths[i], utf8.RuneCountInString(cell))
				}
			}
			for _, r := range rows {
				fmt.Fprintf(w, "%-*s  %*s  %*s  %*s\n", widths[0], r[0], widths[1], r[1], widths[2], r[2], widths[3], r[3])
			}
			if len(refused) > 0 {
				fmt.Fprintf(w, "\nn/a: the model refuses these moves:\n%s\n", strings.Join(refused, "\n"))
			}
			if len(t.Unranked) > 0 {
				fmt.Fprintln(w, "\nNot ranked, as they cannot move it here:")
				for _, u := range t.Unranked {
					fmt.Fprintf(w, "  %s: %s%s\n", u.Name, u.Why, modeAdvice(ds, u.Switch, " (", ")"))
				}
			}
			a := sc.Assumptions
			if note, sw := t.Note(ds, &a); note != "" {
				fmt.Fprintf(w, "\nNote: %s%s.\n", note, modeAdvice(ds, sw, "; ", ""))
			}
			return nil
		},
	}
	f.register(cmd, formats)
	cmd.Flags().IntVar(&f.year, "year", 0, "the year whose value is analysed (default: the end year)")
	delta = 2
	cmd.Flags().Var(&delta, "delta-pp", fmt.Sprintf("how far each assumption moves either way, in percentage points (%g to %d)", forecast.MinDelta, forecast.MaxDelta))
	return cmd
}

func newMonteCarloCmd() *cobra.Command {
	var (
		f     analysisFlags
		paths int
		seed  seedFlag
		above numberFlag
		sh    mcShape
		cf    chartFlags
		out   string
	)
	formats := []string{"text", "csv", "svg", "png"}
	cmd := &cobra.Command{
		Use:   "montecarlo",
		Short: "Simulate the range of a segment's value",
		Long: `Montecarlo projects the scenario --paths times with every growth rate drawn
from a range, and gives --node's 10th, 50th and 90th percentile (P10, P50,
P90) in every year. A rate is drawn from a triangular distribution peaking
at the rate entered, over the scenario's cagr_range_pct for it, or 3
percentage points either side. The same --seed gives the same numbers, on
any machine and any number of cores. A progress bar shows on standard
error when it is a terminal.

With --above V, the share of paths above V in each year is added: the
probability of beating V.

--vary node draws only the node's own rates (its CAGR and its years with
a rate of their own), every other rate as entered; all (the default)
draws every rate in the tree. --correlation R (0 to 1, default 0) moves
the rates together: on each path a common z0 and each rate's own zi are
drawn from the standard normal distribution, and the rate is drawn at the
quantile Φ(√R·z0 + √(1−R)·zi) of its triangular distribution (R = 1:
every rate at one quantile).

--histogram gives the distribution of the node's value in --year
(default: the end year) instead: the paths counted in --bins (20) bins of
equal width, P10, P50 and P90 marked. CSV: bin_low,bin_high,paths. It
is text or CSV only, and takes no --above.

CSV: year,p10,p50,p90 (and p_above with --above). SVG and PNG draw the
fan for a slide: P10 to P90 filled, the median and the scenario as
entered, at --size pixels, to -o FILE or standard output.`,
		Example: `  iomt montecarlo --node Region/Asia-Pacific
  iomt montecarlo --node Total --paths 100000 --seed 7 --format csv
  iomt montecarlo --node Total --above 210
  iomt montecarlo --node Region/Asia-Pacific --vary node --histogram --year 2025
  iomt montecarlo --node Region/Asia-Pacific --format png -o fan.png`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if paths < 1 || paths > forecast.MaxPaths {
				return usageError{fmt.Errorf("invalid argument %d for --paths: from 1 to %d", paths, forecast.MaxPaths)}
			}
			withAbove := cmd.Flags().Changed("above")
			if withAbove && above < 0 {
				return usageError{fmt.Errorf("invalid argument %v for --above: give a value of 0 or more, in the dataset's unit", float64(above))}
			}
			draws, err := sh.check(cmd)
			if err != nil {
				return err
			}
			if err := histogramAlone(sh.histogram, withAbove, f.format); err != nil {
				return err
			}
			if err := cf.check(cmd, f.format, out); err != nil {
				return err
			}
			if out != "" && !chart.IsFormat(f.format) {
				return usageError{fmt.Errorf("invalid -o with --format %s: -o writes a chart (svg, png)", f.format)}
			}
			ds, sc, n, err := f.load(formats)
			if err != nil {
				return err
			}
			if sh.histogram && (f.year < ds.BaseYear || f.year > ds.EndYear) {
				return usageError{fmt.Errorf("invalid argument %d for --year: a year of %d–%d", f.year, ds.BaseYear, ds.EndYear)}
			}
			bar := newProgressBar(cmd.ErrOrStderr(), paths)
			sim, err := forecast.MonteCarloDraws(cmd.Context(), ds, sc.Assumptions, n, paths, uint64(seed), draws, 0, bar.set)
			bar.done()
			if err != nil {
				return err
			}
			if chart.IsFormat(f.format) {
				return cf.writeFan(cmd, out, f.format, ds, sc, n, sim, uint64(seed))
			}
			w := cmd.OutOrStdout()
			a := sc.Assumptions
			if sh.histogram {
				return histogramOut(w, ds, &a, sim, f, sh, draws, uint64(seed))
			}
			p10, p50, p90 := sim.Percentiles()
			if f.format == "csv" {
				cw := csv.NewWriter(w)
				header := []string{"year", "p10", "p50", "p90"}
				if withAbove {
					header = append(header, "p_above")
				}
				_ = cw.Write(header)
				for yi := range p10 {
					rec := []string{strconv.Itoa(ds.BaseYear + yi), num(p10[yi]), num(p50[yi]), num(p90[yi])}
					if withAbove {
						rec = append(rec, num(sim.ProbAbove(yi, float64(above))))
					}
					_ = cw.Write(rec)
				}
				cw.Flush()
				return cw.Error()
			}
			fmt.Fprintf(w, "%s, %s: %s, seed %d; %s.\n\n",
				nodeName(ds, n), ds.UnitLabel(), pathsText(paths), uint64(seed), forecast.DrawsNote(ds, &a, n, draws))
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			if withAbove {
				fmt.Fprintf(tw, "year\tP10\tP50\tP90\tP(above %s)\t\n", num(float64(above)))
			} else {
				fmt.Fprintln(tw, "year\tP10\tP50\tP90\t")
			}
			largest := 0.0
			for _, v := range p90 {
				largest = max(largest, math.Abs(v))
			}
			prec := numtext.Prec(largest, 2) // a market below 1 keeps three significant digits
			for yi := range p10 {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t", ds.BaseYear+yi, numtext.Format(p10[yi], prec), numtext.Format(p50[yi], prec), numtext.Format(p90[yi], prec))
				if withAbove {
					fmt.Fprintf(tw, "%.1f %%\t", sim.ProbAbove(yi, float64(above))*100)
				}
				fmt.Fprintln(tw)
			}
			return tw.Flush()
		},
	}
	f.register(cmd, formats)
	cmd.Flags().IntVar(&paths, "paths", 10000, fmt.Sprintf("how many projections to draw (1 to %d)", forecast.MaxPaths))
	seed = 1
	cmd.Flags().Var(&seed, "seed", "the random seed, a whole number from 0: the same seed gives the same numbers")
	cmd.Flags().Var(&above, "above", "also give the probability of beating this value in each year, in the dataset's unit")
	sh.register(cmd, &f)
	cmd.Flags().StringVarP(&out, "output", "o", "", "svg, png: file to write the fan chart to (default: standard output)")
	cf.register(cmd, false)
	return cmd
}

// progressBar draws a bubbles progress bar on a terminal, and nothing
// elsewhere (a pipe or a file gets only the results).
type progressBar struct {
	w     io.Writer
	total int
	bar   progress.Model
	mu    sync.Mutex
	last  int // the percent last drawn
}

func newProgressBar(w io.Writer, total int) *progressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return &progressBar{total: total}
	}
	return &progressBar{w: w, total: total, bar: progress.New(progress.WithWidth(40)), last: -1}
}

// set draws the bar at done paths; it is called from the workers, so it
// only draws when the whole percent changed.
func (p *progressBar) set(done int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pct := done * 100 / p.total
	if pct == p.last {
		return
	}
	p.last = pct
	fmt.Fprintf(p.w, "\r%s", p.bar.ViewAs(float64(done)/float64(p.total)))
}

// done clears the bar's line.
func (p *progressBar) done() {
	if p.w != nil {
		fmt.Fprint(p.w, "\r\x1b[2K")
	}
}

// seedFlag is --seed: a whole number from 0, parsed here so that "-1"
// gets a sentence rather than strconv's "invalid syntax".
type seedFlag uint64

func (s *seedFlag) String() string { return strconv.FormatUint(uint64(*s), 10) }
func (s *seedFlag) Type() string   { return "uint" }

func (s *seedFlag) Set(v string) error {
	u, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return fmt.Errorf("a seed is a whole number from 0 to %d", uint64(math.MaxUint64))
	}
	*s = seedFlag(u)
	return nil
}

// numberFlag is a number flag read as a person types it: 15,000 (commas
// between thousands) is 15000, and 4,5 is refused rather than read as 45
// or answered with strconv's "invalid syntax".
type numberFlag float64

func (n *numberFlag) String() string { return strconv.FormatFloat(float64(*n), 'g', -1, 64) }
func (n *numberFlag) Type() string   { return "number" }

func (n *numberFlag) Set(v string) error {
	x, err := numtext.Parse(v)
	if err != nil {
		return err
	}
	*n = numberFlag(x)
	return nil
}
