package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/internal/safetext"
	"iomt/model"
)

// The datatable command: a node's value over a grid of two assumptions,
// the sensitivity grid of a banker's model.

func newDataTableCmd() *cobra.Command {
	var (
		f          analysisFlags
		rows, cols string
	)
	formats := []string{"text", "csv"}
	cmd := &cobra.Command{
		Use:   "datatable",
		Short: "A segment's value over a grid of two assumptions",
		Long: `Datatable gives --node's value in --year (default: the end year) for every
pair of values of two assumptions: --rows and --cols, each PARAM=LOW:HIGH:STEP
(LOW, LOW+STEP, … up to HIGH). PARAM is named as the XLSX Inputs sheet names
it: Total/value, Total/cagr_pct, Total/growth_by_year_pct/YEAR, Levers/NAME,
and a segment's PATH/cagr_pct, PATH/share_pct, PATH/growth_by_year_pct/YEAR
(in any case). Every cell is a projection of the scenario with both set,
a share rebalancing its siblings as the dashboard does; two shares of one
set of siblings both hold as given, whichever axis each is on, as in a
scenario naming both. A pair the model refuses (a share past 100 %, two
shares adding up past 100 %) is n/a, an empty cell in CSV. The current
values' cell is marked [ ]. At most 10,000 cells; a parameter that cannot
move the node is refused, saying why.

CSV: a first row <rows param>\<cols param>,<col values…>, then one row per
row value: the value, then the cells.`,
		Example: `  iomt datatable --node Region/Asia-Pacific \
    --rows Total/cagr_pct=16:21:1 --cols Region/Asia-Pacific/cagr_pct=19:26:1
  iomt datatable --node Total --year 2025 --format csv \
    --rows Total/value=46:56:2 --cols Total/cagr_pct=15:22:0.5`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, fl := range []string{"rows", "cols"} {
				if !cmd.Flags().Changed(fl) {
					return usageError{fmt.Errorf("required flag(s) %q not set", fl)}
				}
			}
			ds, sc, n, err := f.load(formats)
			if err != nil {
				return err
			}
			if f.year < ds.BaseYear || f.year > ds.EndYear {
				return usageError{fmt.Errorf("invalid argument %d for --year: a year of %d–%d", f.year, ds.BaseYear, ds.EndYear)}
			}
			rx, err := parseAxis(ds, "rows", rows)
			if err != nil {
				return err
			}
			cx, err := parseAxis(ds, "cols", cols)
			if err != nil {
				return err
			}
			if cells := len(rx.Values) * len(cx.Values); cells > forecast.MaxTableCells {
				return usageError{fmt.Errorf("too many cells: --rows and --cols make %d × %d = %s, more than %s; take larger steps",
					len(rx.Values), len(cx.Values), numtext.Group(strconv.Itoa(cells)), numtext.Group(strconv.Itoa(forecast.MaxTableCells)))}
			}
			t, err := forecast.MakeDataTable(ds, sc.Assumptions, n, f.year, rx, cx)
			if ae := (*forecast.AxisError)(nil); errors.As(err, &ae) {
				flag := "--rows"
				if ae.Cols {
					flag = "--cols"
				}
				return usageError{fmt.Errorf("invalid %s: %s%s", flag, strings.TrimPrefix(ae.Err.Error(), "data table: "), modeAdvice(ds, ae.Switch, " (", ")"))}
			} else if err != nil {
				return usageError{err}
			}
			if f.format == "csv" {
				return dataTableCSV(cmd.OutOrStdout(), t)
			}
			dataTableText(cmd.OutOrStdout(), ds, t)
			return nil
		},
	}
	f.register(cmd, formats)
	cmd.Flags().IntVar(&f.year, "year", 0, "the year whose value is tabled (default: the end year)")
	cmd.Flags().StringVar(&rows, "rows", "", "the rows: PARAM=LOW:HIGH:STEP, PARAM an XLSX Inputs path such as Total/cagr_pct (required)")
	cmd.Flags().StringVar(&cols, "cols", "", "the columns: PARAM=LOW:HIGH:STEP, e.g. Region/Asia-Pacific/share_pct=20:30:2 (required)")
	return cmd
}

// parseAxis reads PARAM=LOW:HIGH:STEP, the value of flag name.
func parseAxis(ds *model.Dataset, name, v string) (forecast.Axis, error) {
	bad := func(format string, args ...any) error {
		return usageError{fmt.Errorf("invalid argument %q for --%s: %s", safetext.Truncate(v, 80), name, fmt.Sprintf(format, args...))}
	}
	i := strings.LastIndex(v, "=")
	if i <= 0 {
		return forecast.Axis{}, bad("write PARAM=LOW:HIGH:STEP, such as Total/cagr_pct=15:22:1")
	}
	p, err := forecast.ParseParam(ds, strings.TrimSpace(v[:i]))
	if err != nil {
		return forecast.Axis{}, bad("%v", err)
	}
	parts := strings.Split(v[i+1:], ":")
	if len(parts) != 3 {
		return forecast.Axis{}, bad("after the =, LOW:HIGH:STEP, such as 15:22:1")
	}
	var x [3]float64
	for j, part := range parts {
		if x[j], err = numtext.Parse(strings.TrimSpace(part)); err != nil {
			return forecast.Axis{}, bad("%q: %v", part, err)
		}
	}
	vals, err := forecast.AxisValues(x[0], x[1], x[2])
	if err != nil {
		return forecast.Axis{}, bad("%v", err)
	}
	return forecast.Axis{Param: p, Values: vals}, nil
}

// dataTableCSV writes the table: a header of the two parameters and the
// column values, then a row per row value; a refused cell is empty.
func dataTableCSV(w io.Writer, t *forecast.DataTable) error {
	cw := csv.NewWriter(w)
	head := []string{safetext.Cell(t.Rows.Param.Name + `\` + t.Cols.Param.Name)}
	for _, v := range t.Cols.Values {
		head = append(head, num(v))
	}
	_ = cw.Write(head)
	for ri, rv := range t.Rows.Values {
		rec := []string{num(rv)}
		for ci := range t.Cols.Values {
			if c := t.Cell(ri, ci); math.IsNaN(c) {
				rec = append(rec, "")
			} else {
				rec = append(rec, num(c))
			}
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// dataTableText writes the table in columns as wide as the widest number,
// the current values' cell in brackets.
func dataTableText(w io.Writer, ds *model.Dataset, t *forecast.DataTable) {
	largest := math.Abs(t.Base)
	for _, c := range t.Cells {
		if !math.IsNaN(c) {
			largest = max(largest, math.Abs(c))
		}
	}
	prec := numtext.Prec(largest, 2)
	axis := func(v float64) string { return strings.TrimRight(strings.TrimRight(numtext.Format(v, 4), "0"), ".") }
	cell := func(ri, ci int) string {
		c := t.Cell(ri, ci)
		s := "n/a"
		if !math.IsNaN(c) {
			s = numtext.Format(c, prec)
		}
		if ri == t.CurRow && ci == t.CurCol {
			return "[" + s + "]"
		}
		return s + " "
	}
	rowW := 0
	for _, v := range t.Rows.Values {
		rowW = max(rowW, len(axis(v)))
	}
	colW := 0
	for ci, v := range t.Cols.Values {
		colW = max(colW, len(axis(v))+1)
		for ri := range t.Rows.Values {
			colW = max(colW, utf8.RuneCountInString(cell(ri, ci)))
		}
	}
	fmt.Fprintf(w, "%s in %d, %s: %s now.\n", nodeName(ds, t.Node), t.Year, ds.UnitLabel(), numtext.Format(t.Base, prec))
	fmt.Fprintf(w, "Rows: %s; columns: %s; [ ] the values as they stand.\n\n", safetext.Escape(t.Rows.Param.Name), safetext.Escape(t.Cols.Param.Name))
	var b strings.Builder
	fmt.Fprintf(&b, "%*s", rowW, "")
	for _, v := range t.Cols.Values {
		fmt.Fprintf(&b, "  %*s", colW, axis(v)+" ")
	}
	fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	for ri, rv := range t.Rows.Values {
		b.Reset()
		fmt.Fprintf(&b, "%*s", rowW, axis(rv))
		for ci := range t.Cols.Values {
			fmt.Fprintf(&b, "  %*s", colW, cell(ri, ci))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	if t.Refused > 0 {
		fmt.Fprintf(w, "\nn/a: the model refuses %d of the pairs (%s).\n", t.Refused, safetext.Escape(t.Refusal))
	}
}
