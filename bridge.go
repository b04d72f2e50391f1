package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"iomt/export"
	"iomt/forecast"
)

func newBridgeCmd() *cobra.Command {
	var (
		f       analysisFlags
		compare []string
	)
	formats := []string{"text", "csv"}
	cmd := &cobra.Command{
		Use:   "bridge",
		Short: "Explain, assumption by assumption, why a segment differs between two scenarios",
		Long: fmt.Sprintf(`Bridge explains why --node's value in --year (default: the end year)
differs between --scenario (A) and --compare (B): it starts at A's value,
gives each assumption that differs its contribution, and ends at B's value.

The contributions are Shapley values over the assumptions that differ: each
one's effect averaged over every order in which they could be changed from
A to B. So they do not depend on any order, they add up to B − A, and two
assumptions that interact (in top-down the market's CAGR and a segment's
own rate multiply) share their joint effect evenly. An assumption that
cannot move the node (another dimension's rate, a later year's, a lock) is
listed with 0. Exact up to %d assumptions that move it; beyond, estimated
from random orders, each with its standard error.

Text draws a waterfall, largest contribution first (rising █, falling ░).
CSV: assumption,from,to,contribution, then a last line total,,,<B − A>.`, forecast.MaxExact),
		Example: `  iomt bridge --scenario base --compare accelerated-adoption --node "Region/North America" --year 2027
  iomt bridge --scenario base --compare security-headwinds --node Total --format csv`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(formats, f.format) {
				return usageError{fmt.Errorf("invalid argument %q for --format: use one of %s", f.format, strings.Join(formats, ", "))}
			}
			switch {
			case len(compare) == 0:
				return usageError{fmt.Errorf("required flag(s) \"compare\" not set")}
			case len(compare) > 1:
				// A StringArray, not a String: a second --compare used to
				// replace the first silently.
				return usageError{fmt.Errorf("a bridge explains one difference: give one --compare, not %d (iomt summary sets several side by side)", len(compare))}
			}
			ds, sc, n, err := f.load(formats)
			if err != nil {
				return err
			}
			year, err := checkYear(ds, f.year)
			if err != nil {
				return err
			}
			b, err := f.in.open(compare[0], ds)
			if err != nil {
				return err
			}
			br, err := forecast.ComputeBridge(ds, sc.Assumptions, b.Assumptions, n, year)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if f.format == "csv" {
				return export.BridgeCSV(w, br)
			}
			return export.BridgeText(w, ds, br, sc.Name, b.Name, 80)
		},
	}
	f.register(cmd, formats)
	cmd.Flags().StringArrayVar(&compare, "compare", nil, "scenario B (file, built-in or saved name) to explain the difference to (required; one)")
	cmd.Flags().IntVar(&f.year, "year", 0, "the year whose value is explained (default: the end year)")
	_ = cmd.RegisterFlagCompletionFunc("compare", completeScenario(&f.in))
	return cmd
}
