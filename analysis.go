package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"iomt/forecast"
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
	cmd.Flags().StringVar(&f.node, "node", "", "the segment: Total, or Dimension/Segment[/Sub-segment] (required)")
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
		target float64
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

JSON: {"node":…,"year":…,"target":…,"vary":…,"cagr_pct":…}`,
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
			s, err := forecast.Seek(ds, a, forecast.Goal{Node: n, Year: f.year, Target: target, Lever: lever})
			if err != nil {
				return usageError{err}
			}
			if !s.Reached {
				_, err := forecast.GoalSeek(ds, a, forecast.Goal{Node: n, Year: f.year, Target: target, Lever: lever})
				return invalidInput{err}
			}
			w := cmd.OutOrStdout()
			if f.format == "json" {
				out := struct {
					Node    string  `json:"node"`
					Year    int     `json:"year"`
					Target  float64 `json:"target"`
					Vary    string  `json:"vary"`
					CAGRPct float64 `json:"cagr_pct"`
				}{nodeName(ds, n), f.year, target, vary, s.Rate}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			b, err := ds.Apply(a, a, model.Edit{Kind: model.SetGrowth, Node: lever, Value: s.Rate})
			if err != nil {
				return err
			}
			before, after := forecast.Project(ds, &a), forecast.Project(ds, &b)
			last, yi := ds.Years()-1, f.year-ds.BaseYear
			what := "its own CAGR"
			if lever == 0 {
				what = "the market's CAGR"
			}
			fmt.Fprintf(w, "%s reaches %s %s in %d with %s at %.2f %% a year (now %.2f %%).\n",
				nodeName(ds, n), num(target), ds.UnitLabel(), f.year, what, s.Rate, a.Growth[lever])
			fmt.Fprintf(w, "Realised CAGR %d–%d: %.2f %% (now %.2f %%).\n", ds.BaseYear, ds.EndYear,
				after.CAGR(n, 0, last), before.CAGR(n, 0, last))
			if n != 0 {
				fmt.Fprintf(w, "Share of %s in %d: %.2f %% (now %.2f %%).\n", parentName(ds, n), f.year,
					after.Share(n, yi), before.Share(n, yi))
			}
			return nil
		},
	}
	f.register(cmd, formats)
	cmd.Flags().IntVar(&f.year, "year", 0, "the year to reach the target in (default: the end year)")
	cmd.Flags().Float64Var(&target, "target", 0, "the value to reach, in the dataset's unit (required)")
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
		delta float64
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
with the reason.

CSV: parameter,low_value,high_value,swing, largest swing first.`,
		Example: `  iomt sensitivity --node Region/Asia-Pacific
  iomt sensitivity --node Total --delta-pp 1 --format csv`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ds, sc, n, err := f.load(formats)
			if err != nil {
				return err
			}
			t, err := forecast.Sensitivity(ds, sc.Assumptions, n, f.year, delta)
			if err != nil {
				return usageError{err}
			}
			w := cmd.OutOrStdout()
			if f.format == "csv" {
				cw := csv.NewWriter(w)
				_ = cw.Write([]string{"parameter", "low_value", "high_value", "swing"})
				for _, b := range t.Bars {
					_ = cw.Write([]string{b.Name, num(b.Low), num(b.High), num(b.Swing)})
				}
				cw.Flush()
				return cw.Error()
			}
			fmt.Fprintf(w, "%s in %d: %.2f %s; each assumption moved by ±%g pp, largest swing first.\n\n",
				nodeName(ds, n), f.year, t.Base, ds.UnitLabel(), delta)
			nameW := len("parameter")
			for _, b := range t.Bars {
				nameW = max(nameW, len(b.Name))
			}
			fmt.Fprintf(w, "%-*s  %10s  %10s  %10s\n", nameW, "parameter", "low", "high", "swing")
			for _, b := range t.Bars {
				fmt.Fprintf(w, "%-*s  %10.2f  %10.2f  %10.2f\n", nameW, b.Name, b.Low, b.High, b.Swing)
			}
			if len(t.Unranked) > 0 {
				fmt.Fprintln(w, "\nNot ranked, as they cannot move it here:")
				for _, u := range t.Unranked {
					fmt.Fprintf(w, "  %s: %s\n", u.Name, u.Why)
				}
			}
			a := sc.Assumptions
			if note := t.Note(ds, &a); note != "" {
				fmt.Fprintf(w, "\nNote: %s.\n", note)
			}
			return nil
		},
	}
	f.register(cmd, formats)
	cmd.Flags().IntVar(&f.year, "year", 0, "the year whose value is analysed (default: the end year)")
	cmd.Flags().Float64Var(&delta, "delta-pp", 2, "how far each assumption moves either way, in percentage points")
	return cmd
}

func newMonteCarloCmd() *cobra.Command {
	var (
		f     analysisFlags
		paths int
		seed  uint64
	)
	formats := []string{"text", "csv"}
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

CSV: year,p10,p50,p90.`,
		Example: `  iomt montecarlo --node Region/Asia-Pacific
  iomt montecarlo --node Total --paths 100000 --seed 7 --format csv`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if paths < 1 || paths > forecast.MaxPaths {
				return usageError{fmt.Errorf("invalid argument %d for --paths: from 1 to %d", paths, forecast.MaxPaths)}
			}
			ds, sc, n, err := f.load(formats)
			if err != nil {
				return err
			}
			bar := newProgressBar(cmd.ErrOrStderr(), paths)
			sim, err := forecast.MonteCarlo(cmd.Context(), ds, sc.Assumptions, n, paths, seed, 0, bar.set)
			bar.done()
			if err != nil {
				return err
			}
			p10, p50, p90 := sim.Percentiles()
			w := cmd.OutOrStdout()
			if f.format == "csv" {
				cw := csv.NewWriter(w)
				_ = cw.Write([]string{"year", "p10", "p50", "p90"})
				for yi := range p10 {
					_ = cw.Write([]string{strconv.Itoa(ds.BaseYear + yi), num(p10[yi]), num(p50[yi]), num(p90[yi])})
				}
				cw.Flush()
				return cw.Error()
			}
			fmt.Fprintf(w, "%s, %s: %d paths, seed %d; every growth rate drawn ±%g pp around the rate entered (triangular) unless the scenario gives its range.\n\n",
				nodeName(ds, n), ds.UnitLabel(), paths, seed, model.DefaultSpread)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "year\tP10\tP50\tP90\t")
			for yi := range p10 {
				fmt.Fprintf(tw, "%d\t%.2f\t%.2f\t%.2f\t\n", ds.BaseYear+yi, p10[yi], p50[yi], p90[yi])
			}
			return tw.Flush()
		},
	}
	f.register(cmd, formats)
	cmd.Flags().IntVar(&paths, "paths", 10000, "how many projections to draw")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "the random seed: the same seed gives the same numbers")
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
