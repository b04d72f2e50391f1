package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"iomt/importer"
	"iomt/internal/safetext"
	"iomt/model"
)

// The import commands: a spreadsheet of segments into a dataset, a
// partner's edited workbook back into a scenario (importer does the
// reading; here are the flags and the files).

func newImportCmd() *cobra.Command {
	return groupCmd("import", "Make a dataset of a spreadsheet, or a scenario of an edited workbook",
		`Import reads what lives in spreadsheets into iomt's files:

  import dataset   a table of segments (CSV or an XLSX sheet) into a dataset
  import scenario  the Inputs of a workbook iomt exported, as a partner
                   edited it in Excel or LibreOffice, into a scenario`,
		"import what? give dataset or scenario", newImportDatasetCmd(), newImportScenarioCmd())
}

// groupCmd is a command that only holds others (import, init): run
// alone, it is a usage error that says which to give.
func groupCmd(use, short, long, what string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use: use, Short: short, Long: long,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error { return usageError{errors.New(what)} },
	}
	cmd.AddCommand(subs...)
	return cmd
}

// marketFlags are import dataset's flags for the market's own lines.
type marketFlags struct {
	m           importer.Market
	value, cagr numberFlag
}

func (f *marketFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.m.Name, "market", "", "the market's name (else the table's market line)")
	fl.StringVar(&f.m.Currency, "currency", "", "its currency, such as EUR (default USD)")
	fl.StringVar(&f.m.Unit, "unit", "", "the unit of values, such as million (default billion)")
	fl.StringVar(&f.m.Source, "source", "", "where the figures come from")
	fl.IntVar(&f.m.BaseYear, "base-year", 0, "the base year")
	fl.IntVar(&f.m.EndYear, "end-year", 0, "the last year of the forecast")
	fl.Var(&f.value, "total-value", "the market's base-year value, in the dataset's unit")
	fl.Var(&f.cagr, "total-cagr", "the market's growth, % a year")
}

// market is the flags' market lines; those not given come from the table.
func (f *marketFlags) market(cmd *cobra.Command) importer.Market {
	m := f.m
	if cmd.Flags().Changed("total-value") {
		v := float64(f.value)
		m.Value = &v
	}
	if cmd.Flags().Changed("total-cagr") {
		v := float64(f.cagr)
		m.CAGR = &v
	}
	return m
}

func newImportDatasetCmd() *cobra.Command {
	var (
		sheet, out string
		mf         marketFlags
	)
	cmd := &cobra.Command{
		Use:   "dataset FILE.csv|FILE.xlsx",
		Short: "Make a dataset of a table of segments",
		Long: `Import dataset reads a table of segments, one row each, and writes the
dataset it makes (YAML), checked as iomt validate checks a file.

Columns, named in a header row in any order and case: dimension, segment,
parent (empty at the top level), share_pct (of the parent) or value (a
top-level segment's base-year value), cagr_pct, and optionally reported
(the figures the source states: share_pct, value, cagr_pct, or yes for the
share or value) and note (the rationale of the row's estimates). Above the
header, market lines give the market's own figures, a key and its value a
row: market, currency, unit, source, base_year, end_year, value,
cagr_pct (the flags give them instead). README.md, "Table of segments",
has the layout and an example.

A problem is told at its cell: "markets.xlsx: sheet Segments, cell D12: …",
or "segments.csv:12: column cagr_pct: …". Nothing is written then.`,
		Example: `  iomt import dataset segments.csv -o market.yaml
  iomt import dataset markets.xlsx --sheet Segments -o market.yaml
  iomt import dataset segments.csv --market "EU Pathology" --base-year 2024 --end-year 2030 \
      --total-value 820 --total-cagr 7.5 -o eu.yaml
  iomt --dataset segments.csv            # straight into the dashboard`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			imp, err := readTableDataset(args[0], sheet, mf.market(cmd))
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err := cmd.OutOrStdout().Write(imp.YAML)
				return err
			}
			if err := writeOutput(out, func(w io.Writer) error { _, err := w.Write(imp.YAML); return err }); err != nil {
				return err
			}
			ds := imp.Dataset
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s: %s, %s, %s. Open it: iomt --dataset %s\n", safetext.Escape(out), safetext.Escape(ds.Market),
				count(len(ds.Dims), "dimension"), count(len(ds.Nodes)-1, "segment"), shellWord(out))
			return nil
		},
	}
	cmd.Flags().StringVar(&sheet, "sheet", "", "the workbook's sheet (default: Segments, else the first)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write the dataset to (default: standard output)")
	mf.register(cmd)
	_ = cmd.MarkFlagFilename("output", "yaml", "yml")
	return cmd
}

// readTableDataset imports the table at path (a sheet of it) as a
// dataset, with the market lines m gives.
func readTableDataset(path, sheet string, m importer.Market) (*importer.Imported, error) {
	tb, err := importer.ReadTable(path, sheet)
	if err != nil {
		return nil, invalidInput{err}
	}
	imp, err := importer.ImportDataset(tb, m)
	if err != nil {
		return nil, invalidInput{err}
	}
	return imp, nil
}

func newImportScenarioCmd() *cobra.Command {
	var (
		in   inputFlags
		out  string
		name string
		diff bool
	)
	cmd := &cobra.Command{
		Use:   "scenario WORKBOOK.xlsx",
		Short: "Make a scenario of an exported workbook's edited Inputs",
		Long: `Import scenario reads the Inputs sheet of a workbook iomt exported (export
--format xlsx, or x in the dashboard), after a partner changed it in Excel
or LibreOffice, and writes the scenario its inputs make: only what differs
from the dataset, as a saved scenario holds it.

The workbook is checked against --dataset (default: the embedded one): a
workbook of another market or other years, and a row added, taken away or
with no number are refused with the cell. Total/value, where it is not the
dataset's, is the scenario's own market size (total: {value: X}); a
segment's growth_by_year_pct rows are its growth path (an empty year
follows its CAGR). Shares that do not add up to 100 are scaled as the
workbook's formulas scale them.

--diff lists what changed against the scenario the workbook was exported
from (found by name among the built-in and saved ones; else the dataset's
own figures). Without -o, the scenario is written to standard output, or
with --diff only the list.`,
		Example: `  iomt import scenario model.xlsx -o edited.yaml
  iomt import scenario model.xlsx --diff
  iomt import scenario model.xlsx --name "Partner view" -o partner.yaml --diff`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ds, err := in.loadDataset()
			if err != nil {
				return err
			}
			wb, err := importer.ReadWorkbook(args[0])
			if err != nil {
				return invalidInput{err}
			}
			ws := in.wf.catalog(ds)
			imp, err := importer.ImportScenario(wb, ds, ws, name)
			if err != nil {
				return invalidInput{err}
			}
			w := cmd.OutOrStdout()
			switch {
			case out != "" && out != "-":
				if err := writeOutput(out, func(w io.Writer) error { _, err := w.Write(imp.YAML); return err }); err != nil {
					return err
				}
				fmt.Fprintf(w, "Wrote %s: scenario %q, %s.", safetext.Escape(out), safetext.Escape(imp.Scenario.Name), imp.Summary())
				if !diff && len(imp.Changes) > 0 {
					fmt.Fprint(w, " (--diff lists them)")
				}
				fmt.Fprintln(w)
			case !diff:
				_, err := w.Write(imp.YAML)
				return err
			}
			if diff {
				printChanges(w, filepath.Base(args[0]), imp)
			}
			return nil
		},
	}
	in.register(cmd, false)
	in.wf.register(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write the scenario to (default: standard output)")
	cmd.Flags().StringVar(&name, "name", "", `the scenario's name (default: the workbook's scenario, "(edited)" when changed)`)
	cmd.Flags().BoolVar(&diff, "diff", false, "list what changed against the scenario the workbook was exported from")
	_ = cmd.MarkFlagFilename("output", "yaml", "yml")
	return cmd
}

// printChanges lists a workbook's changes, one a line.
func printChanges(w io.Writer, file string, imp *importer.ScenarioImport) {
	switch n := len(imp.Changes); n {
	case 0:
		fmt.Fprintf(w, "No changes in %s against %s.\n", safetext.Escape(file), safetext.Escape(imp.From))
	default:
		fmt.Fprintf(w, "%s in %s against %s:\n", capital(count(n, "change")), safetext.Escape(file), safetext.Escape(imp.From))
		for _, c := range imp.Changes {
			fmt.Fprintln(w, "  "+safetext.Escape(c.String()))
		}
	}
	if imp.FromNote != "" {
		fmt.Fprintln(w, "("+safetext.Escape(imp.FromNote)+")")
	}
	for _, n := range imp.Notes {
		fmt.Fprintln(w, "Note: "+safetext.Escape(n)+".")
	}
	if len(imp.Scaled) > 0 {
		fmt.Fprintf(w, "Shares that did not add up to 100, scaled as the workbook's formulas scale them: %s.\n",
			safetext.Escape(strings.Join(imp.Scaled, ", ")))
	}
}

// count writes n with its noun, plural but for 1.
func count(n int, noun string) string {
	return fmt.Sprintf("%d %s", n, plural(n, noun, noun+"s"))
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// shellWord quotes a path for a command a user copies, when it needs it.
func shellWord(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// readDatasetFile reads --dataset: a dataset file, or a table of
// segments imported on the way (its market lines in the table).
func readDatasetFile(path string) (*model.Dataset, error) {
	if !importer.IsTableFile(path) {
		return model.ReadDataset(path)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return model.ReadDataset(path) // says it is a folder
	}
	imp, err := readTableDataset(path, "", importer.Market{})
	if err != nil {
		return nil, err
	}
	return imp.Dataset, nil
}
