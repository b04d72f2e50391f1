package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"iomt/export"
	"iomt/forecast"
	"iomt/internal/safetext"
	"iomt/model"
)

// openCompared opens the scenarios named to be set side by side (export's
// --compare, summary's arguments) against ds: at most most of them, none
// named twice, each one the market's.
func (f *inputFlags) openCompared(ds *model.Dataset, args []string, flag string, most int) ([]*model.Scenario, error) {
	if len(args) > most {
		return nil, usageError{fmt.Errorf("%d scenarios given to %s; at most %d side by side", len(args), flag, most)}
	}
	var out []*model.Scenario
	byName := map[string]string{}
	for _, arg := range args {
		sc, err := f.open(arg, ds)
		if err != nil {
			return nil, err
		}
		key := strings.ToLower(strings.TrimSpace(sc.Name))
		if prev, dup := byName[key]; dup {
			if !out[slices.IndexFunc(out, func(o *model.Scenario) bool { return strings.ToLower(strings.TrimSpace(o.Name)) == key })].Assumptions.Equal(sc.Assumptions) {
				// Two files of one name: the columns and rows name
				// scenarios, and these two could not be told apart.
				return nil, usageError{fmt.Errorf("two scenarios named %q (%s %s and %s %s): their columns would carry one name; rename one", safetext.Escape(sc.Name), flag, safetext.Escape(prev), flag, safetext.Escape(arg))}
			}
			return nil, usageError{fmt.Errorf("%q is given twice (%s %s and %s %s): give each scenario once", safetext.Escape(sc.Name), flag, safetext.Escape(prev), flag, safetext.Escape(arg))}
		}
		byName[key] = arg
		out = append(out, sc)
	}
	return out, nil
}

// resolveNodes reads --node values: Total or Dimension/Segment[/Child].
func resolveNodes(ds *model.Dataset, paths []string) ([]int, error) {
	var out []int
	for _, p := range paths {
		n, err := ds.Resolve(p)
		if err != nil {
			return nil, usageError{fmt.Errorf("invalid --node: %w", err)}
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// checkYear reads --year: 0 is the end year.
func checkYear(ds *model.Dataset, year int) (int, error) {
	if year == 0 {
		return ds.EndYear, nil
	}
	if year < ds.BaseYear || year > ds.EndYear {
		return 0, usageError{fmt.Errorf("invalid --year %d: the forecast runs %d–%d", year, ds.BaseYear, ds.EndYear)}
	}
	return year, nil
}

// notForTerminal refuses to write a workbook to a terminal.
func notForTerminal(cmd *cobra.Command, out string) error {
	if f, ok := cmd.OutOrStdout().(*os.File); ok && (out == "" || out == "-") && term.IsTerminal(f.Fd()) {
		return usageError{errors.New("an XLSX workbook is a binary file, not text for a terminal: give -o FILE.xlsx, or redirect standard output to a file")}
	}
	return nil
}

// writeTo writes to -o FILE, or standard output.
func writeTo(cmd *cobra.Command, out string, write func(io.Writer) error) error {
	if out == "" || out == "-" {
		return write(cmd.OutOrStdout())
	}
	return writeOutput(out, write)
}

func newSummaryCmd() *cobra.Command {
	var (
		in     inputFlags
		nodes  []string
		year   int
		format string
		out    string
	)
	formats := export.SummaryFormats()
	cmd := &cobra.Command{
		Use:   "summary SCENARIO...",
		Short: "Set scenarios side by side: the assumptions that differ, then the results",
		Long: fmt.Sprintf(`Summary sets one to %d scenarios side by side, each a column, as a
spreadsheet's scenario summary does: first every assumption that differs in
any of them (its path, each scenario's value, "=" where a scenario keeps the
dataset's own), then the results: each --node's value in --year (default:
the Total and each top-level segment of every dimension, in the end year).
With one scenario, the assumptions it changes from the dataset.

SCENARIO is a file, or the name of a built-in or saved scenario, as for
--scenario. Text fits 80 columns, putting the scenarios in blocks when they
do not fit side by side. CSV is item,kind,<scenario 1>,<scenario 2>,… with
kind assumption or result, and every value written (a kept one too).`, 1+export.MaxCompare),
		Example: `  iomt summary base accelerated-adoption security-headwinds
  iomt summary base accelerated-adoption --node Region/North America --year 2025
  iomt summary base accelerated-adoption security-headwinds --format xlsx -o summary.xlsx`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return completeScenario(&in)(cmd, args, toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(formats, format) {
				return usageError{fmt.Errorf("invalid argument %q for --format: use one of %s", format, strings.Join(formats, ", "))}
			}
			if format == "xlsx" {
				if err := notForTerminal(cmd, out); err != nil {
					return err
				}
			}
			if len(args) > 1+export.MaxCompare {
				return usageError{fmt.Errorf("%d scenarios; a summary sets at most %d side by side", len(args), 1+export.MaxCompare)}
			}
			ds, err := in.loadDataset()
			if err != nil {
				return err
			}
			if in.wf.dir != "" {
				if _, err := in.wf.workspace(ds); err != nil {
					return err
				}
			}
			ns, err := resolveNodes(ds, nodes)
			if err != nil {
				return err
			}
			y, err := checkYear(ds, year)
			if err != nil {
				return err
			}
			scs, err := in.openCompared(ds, args, "summary", 1+export.MaxCompare)
			if err != nil {
				return err
			}
			si := export.SummaryInput{Dataset: ds, Nodes: ns, Year: y}
			for _, sc := range scs {
				a := sc.Assumptions
				si.Scenarios = append(si.Scenarios, export.Scenario{Name: sc.Name, Assumptions: &a, Result: forecast.Project(ds, &a)})
			}
			s, err := export.BuildSummary(si)
			if err != nil {
				return err
			}
			return writeTo(cmd, out, func(w io.Writer) error { return export.WriteSummary(w, format, s, 80) })
		},
	}
	in.register(cmd, false)
	in.wf.register(cmd)
	cmd.Flags().StringArrayVar(&nodes, "node", nil, "a result row: Total or Dimension/Segment[/Sub-segment], in any case; repeat for more (default: the Total and each top-level segment)")
	cmd.Flags().IntVar(&year, "year", 0, "the year of the results (default: the end year)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: "+strings.Join(formats, ", "))
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
