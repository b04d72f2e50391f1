// Command iomt is a terminal dashboard for exploring market-forecast
// scenarios of the Internet of Medical Things market. This file only wires
// the command line; the work lives in model, forecast, export, ui and
// server.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"iomt/assets"
	"iomt/export"
	"iomt/forecast"
	"iomt/model"
	"iomt/ui"
)

const version = "0.1.0"

// Exit codes of the command line contract (DESIGN.md §5).
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

// invalidInput marks an error caused by a bad input file, so main exits 1
// rather than 2 (usage).
type invalidInput struct{ err error }

func (e invalidInput) Error() string { return e.err.Error() }
func (e invalidInput) Unwrap() error { return e.err }

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := fang.Execute(ctx, root, fang.WithVersion(version), fang.WithErrorHandler(errorHandler))
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, new(invalidInput)):
		return exitInvalid
	default:
		return exitUsage
	}
}

// errorHandler prints input errors as plain FILE:LINE:COL lines that
// editors and CI logs can jump to, and leaves usage errors to fang.
func errorHandler(w io.Writer, styles fang.Styles, err error) {
	if errors.As(err, new(invalidInput)) {
		for line := range strings.SplitSeq(err.Error(), "\n") {
			fmt.Fprintln(w, "iomt: "+line)
		}
		return
	}
	fang.DefaultErrorHandler(w, styles, err)
}

// inputFlags are the --dataset and --scenario flags shared by commands.
type inputFlags struct {
	dataset  string
	scenario string
}

func (f *inputFlags) register(cmd *cobra.Command, withScenario bool) {
	cmd.Flags().StringVar(&f.dataset, "dataset", "", "dataset file (YAML or JSON); default: the embedded IoMT dataset")
	_ = cmd.MarkFlagFilename("dataset", "yaml", "yml", "json")
	if withScenario {
		cmd.Flags().StringVar(&f.scenario, "scenario", "", "scenario file (YAML); default: the dataset's own Base scenario")
		_ = cmd.MarkFlagFilename("scenario", "yaml", "yml")
	}
}

// loadDataset returns the --dataset file, or the embedded one.
func (f *inputFlags) loadDataset() (*model.Dataset, error) {
	if f.dataset == "" {
		ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
		if err != nil {
			return nil, fmt.Errorf("embedded dataset: %w", err)
		}
		return ds, nil
	}
	ds, err := model.ReadDataset(f.dataset)
	if err != nil {
		return nil, invalidInput{err}
	}
	return ds, nil
}

// load returns the dataset and the scenario to show or export.
func (f *inputFlags) load() (*model.Dataset, *model.Scenario, error) {
	ds, err := f.loadDataset()
	if err != nil {
		return nil, nil, err
	}
	if f.scenario == "" {
		return ds, &model.Scenario{Name: "Base", Dataset: ds.Market, Assumptions: ds.Base()}, nil
	}
	sc, err := model.ReadScenario(f.scenario, ds)
	if err != nil {
		return nil, nil, invalidInput{err}
	}
	return ds, sc, nil
}

func newRootCmd() *cobra.Command {
	var in inputFlags
	root := &cobra.Command{
		Use:   "iomt",
		Short: "Explore Internet of Medical Things market-forecast scenarios",
		Long: `iomt is a keyboard-driven dashboard for what-if analysis of the Internet of
Medical Things market forecast: change a growth rate or a share and every
curve, table and total redraws at once, and always adds up.

Without flags it opens the embedded dataset of the UnivDatos Market Insights
report (2019-2027) on its Base scenario.`,
		Example: `  iomt
  iomt --scenario accelerated.yaml
  iomt export --format csv -o base.csv
  iomt validate my-market.yaml my-scenario.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ds, sc, err := in.load()
			if err != nil {
				return err
			}
			opts := ui.Options{Dark: true, NoColor: os.Getenv("NO_COLOR") != ""}
			p := tea.NewProgram(ui.New(ds, sc, opts), tea.WithContext(cmd.Context()))
			if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
				return fmt.Errorf("dashboard: %w", err)
			}
			return nil
		},
	}
	in.register(root, true)
	root.AddCommand(newExportCmd(), newValidateCmd())
	return root
}

func newExportCmd() *cobra.Command {
	var (
		in     inputFlags
		format string
		out    string
	)
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a scenario's forecast as CSV, JSON or Markdown",
		Long: `Export projects the scenario and writes every segment and year.

CSV columns: scenario,dimension,segment,parent,year,value_usd_bn,share_pct,growth_pct
(one row per segment and year, the Total first, children right after their
parent; share_pct is the share of the parent; growth_pct is empty in the
base year).`,
		Example: `  iomt export > base.csv
  iomt export --format md --scenario accelerated.yaml -o accelerated.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slicesContains(export.Formats(), format) {
				return fmt.Errorf("invalid argument %q for --format: use one of %s", format, strings.Join(export.Formats(), ", "))
			}
			ds, sc, err := in.load()
			if err != nil {
				return err
			}
			input := export.Input{Dataset: ds, Scenario: sc.Name, Assumptions: &sc.Assumptions,
				Result: forecast.Project(ds, &sc.Assumptions)}
			if out == "" || out == "-" {
				return export.Write(cmd.OutOrStdout(), format, input)
			}
			return writeFileAtomic(out, func(w io.Writer) error { return export.Write(w, format, input) })
		},
	}
	in.register(cmd, true)
	cmd.Flags().StringVar(&format, "format", "csv", "output format: "+strings.Join(export.Formats(), ", "))
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(export.Formats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// writeFileAtomic writes through a temporary file in the same folder and
// renames it into place, so an interrupted export never leaves half a file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir, base := splitPath(path)
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

func splitPath(p string) (dir, base string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return ".", p
	}
	return p[:i+1], p[i+1:]
}

func newValidateCmd() *cobra.Command {
	var in inputFlags
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check dataset and scenario files",
		Long: `Validate checks each FILE and prints every problem as FILE:LINE:COL: message.

Datasets (top-level "market:") are checked on their own; scenarios (top-level
"scenario:") are checked against --dataset, by default the embedded IoMT
dataset. Exit status 1 if any file is invalid.`,
		Example: `  iomt validate my-market.yaml
  iomt validate --dataset my-market.yaml scenarios/*.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			ds, err := in.loadDataset()
			if err != nil {
				return err
			}
			var bad []string
			for _, f := range files {
				if err := validateFile(f, ds); err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					bad = append(bad, f)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", f)
			}
			if len(bad) > 0 {
				return invalidInput{fmt.Errorf("%d of %d files invalid: %s", len(bad), len(files), strings.Join(bad, ", "))}
			}
			return nil
		},
	}
	in.register(cmd, false)
	return cmd
}

func validateFile(path string, ds *model.Dataset) error {
	data, err := model.ReadFile(path)
	if err != nil {
		return err
	}
	kind, err := model.DetectKind(path, data)
	switch kind {
	case model.ScenarioFile:
		_, err = model.LoadScenario(path, data, ds)
	case model.DatasetFile:
		_, err = model.LoadDataset(path, data)
	}
	return err
}
