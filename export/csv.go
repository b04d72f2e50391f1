package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"iomt/internal/safetext"
	"iomt/model"
)

// csvHeader is the column contract of docs/DESIGN.md §5; spreadsheets and
// scripts key on these names, so they never change. The value column is
// named after the dataset's currency and unit: value_usd_bn for the IoMT
// dataset, value_eur_million for a EUR-million market.
func csvHeader(ds *model.Dataset) []string {
	return []string{"scenario", "dimension", "segment", "parent", "year", "value_" + ds.UnitSlug(), "share_pct", "growth_pct"}
}

// csvCompareHeader is appended when a comparison is exported: the
// compared scenario's name, its value, and the differences.
func csvCompareHeader(ds *model.Dataset) []string {
	return []string{"compare_scenario", "compare_value_" + ds.UnitSlug(), "diff_" + ds.UnitSlug(), "diff_pct"}
}

// Dialect is how a CSV file is written for the program that opens it.
type Dialect string

// The dialects. Excel reads a file without a byte order mark as the
// system's legacy code page (Telemedicine's "é" turns to "Ã©"), and in
// locales with a decimal comma (German, French) it splits rows at ';' and
// reads "18.5" as text: ExcelSemicolon writes for those.
const (
	RFC4180        Dialect = "rfc4180"         // comma, LF, no BOM: the default, for scripts
	Excel          Dialect = "excel"           // comma, CRLF, UTF-8 BOM
	ExcelSemicolon Dialect = "excel-semicolon" // semicolon, decimal comma, CRLF, UTF-8 BOM
)

// Dialects lists the dialect names, default first.
func Dialects() []string { return []string{string(RFC4180), string(Excel), string(ExcelSemicolon)} }

// CSVOptions are the CSV layouts and dialects; the zero value is the
// default: long layout, RFC 4180.
type CSVOptions struct {
	// Wide writes the table's layout: one row per segment, one column per
	// year, then the realised CAGR and the share change.
	Wide    bool
	Dialect Dialect
}

// CSV writes one header row, then one row per node and year: the Total
// first (dimension and segment "Total", empty parent, share 100), then
// each dimension in dataset order, each segment followed by its children.
// parent is empty for top-level segments; share_pct is the share of the
// parent; growth_pct is year-on-year growth, empty in the base year.
// Numbers carry twelve significant digits and are not rounded for display.
// Fields are quoted per RFC 4180, since names contain commas. A name that
// a spreadsheet would run as a formula (=HYPERLINK(…), +SUM(…), -2+3,
// @SUM(…)) is written after a "'", in every layout and dialect.
//
// With in.Compare set, four columns follow: the compared scenario's name
// and value, this value minus it, and that difference in percent of it
// (empty when the compared value is 0). With several scenarios compared
// (in.More), the rows come in a block per compared scenario.
func CSV(w io.Writer, in Input) error { return CSVWith(w, in, CSVOptions{}) }

// CSVWith writes CSV in the layout and dialect of opts (see CSV for the
// long layout, writeWide for the wide one).
func CSVWith(w io.Writer, in Input, opts CSVOptions) error {
	if err := in.check(false); err != nil {
		return err
	}
	d := opts.Dialect
	if d == "" {
		d = RFC4180
	}
	if !slices.Contains(Dialects(), string(d)) {
		return fmt.Errorf("unknown CSV dialect %q (valid: %s)", d, strings.Join(Dialects(), ", "))
	}
	if d != RFC4180 {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = d != RFC4180
	format := num
	if d == ExcelSemicolon {
		cw.Comma = ';'
		format = func(x float64) string { return strings.Replace(num(x), ".", ",", 1) }
	}
	if opts.Wide {
		return writeWide(cw, in, format)
	}
	return writeLong(cw, in, format)
}

// writeLong writes the long layout: a row per node and year; with
// scenarios compared, a block of those rows per compared scenario, its
// name in compare_scenario.
func writeLong(cw *csv.Writer, in Input, num func(float64) string) error {
	ds, r := in.Dataset, in.Result
	header := csvHeader(ds)
	blocks := in.compared()
	if len(blocks) > 0 {
		header = append(header, csvCompareHeader(ds)...)
	} else {
		blocks = []Comparison{{}}
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	years := make([]string, r.Years)
	for yi := range years {
		years[yi] = strconv.Itoa(r.Year(yi))
	}
	for _, cmp := range blocks {
		for _, rw := range order(ds) {
			n := rw.node
			node := &ds.Nodes[n]
			rec[0], rec[1], rec[3] = safetext.Cell(in.Scenario), safetext.Cell(rw.dim), safetext.Cell(parentName(ds, n))
			rec[2] = safetext.Cell(node.Name)
			if n == 0 {
				rec[2] = model.TotalName
			}
			for yi := range r.Years {
				a := r.Value(n, yi)
				rec[4] = years[yi]
				rec[5] = num(a)
				rec[6] = num(r.Share(n, yi))
				rec[7] = num(r.Growth(n, yi))
				if cmp.Result != nil {
					b := cmp.Result.Value(n, yi)
					rec[8] = safetext.Cell(cmp.Scenario)
					rec[9] = num(b)
					rec[10] = num(a - b)
					rec[11] = num(diffPct(a, b))
				}
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeWide writes the table's layout: a header of scenario, dimension,
// segment, parent, one column per year (the value, in the dataset's
// unit), then realised_cagr_pct and share_change_pp over the scenario's
// CAGR window; one row per node, in the long layout's order. With
// scenarios compared, each compared scenario's rows follow, then the
// differences to each ("A minus B"), their scenario column saying which
// is which.
func writeWide(cw *csv.Writer, in Input, num func(float64) string) error {
	ds, r := in.Dataset, in.Result
	header := []string{"scenario", "dimension", "segment", "parent"}
	for yi := range r.Years {
		header = append(header, strconv.Itoa(r.Year(yi)))
	}
	header = append(header, "realised_cagr_pct", "share_change_pp")
	if err := cw.Write(header); err != nil {
		return err
	}
	var win model.Window
	if in.Assumptions != nil {
		win = in.Assumptions.Window
	}
	fy, ty := win.Span(ds)
	from, to := fy-ds.BaseYear, ty-ds.BaseYear
	block := func(name string, value func(n, yi int) float64, cagr, share func(n int) float64) error {
		for _, rw := range order(ds) {
			n := rw.node
			seg := ds.Nodes[n].Name
			if n == 0 {
				seg = model.TotalName
			}
			rec := []string{safetext.Cell(name), safetext.Cell(rw.dim), safetext.Cell(seg), safetext.Cell(parentName(ds, n))}
			for yi := range r.Years {
				rec = append(rec, num(value(n, yi)))
			}
			rec = append(rec, num(cagr(n)), num(share(n)))
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		return nil
	}
	if err := block(in.Scenario, r.Value,
		func(n int) float64 { return r.CAGR(n, from, to) },
		func(n int) float64 { return r.ShareChange(n, from, to) }); err != nil {
		return err
	}
	for _, cmp := range in.compared() {
		b := cmp.Result
		if err := block(cmp.Scenario, b.Value,
			func(n int) float64 { return b.CAGR(n, from, to) },
			func(n int) float64 { return b.ShareChange(n, from, to) }); err != nil {
			return err
		}
	}
	for _, cmp := range in.compared() {
		b := cmp.Result
		// ASCII: the default dialect has no byte order mark, and an
		// Excel that guesses the file's encoding garbles "−" (U+2212).
		if err := block(in.Scenario+" minus "+cmp.Scenario,
			func(n, yi int) float64 { return r.Value(n, yi) - b.Value(n, yi) },
			func(n int) float64 { return r.CAGR(n, from, to) - b.CAGR(n, from, to) },
			func(n int) float64 { return r.ShareChange(n, from, to) - b.ShareChange(n, from, to) }); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
