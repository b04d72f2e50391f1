// Package export writes a scenario's forecast as CSV, JSON or Markdown,
// for consultants who paste the numbers into spreadsheets and reports.
//
// Every writer walks the market tree in the same order (the Total, then
// each dimension in dataset order, each top-level segment followed by its
// children) and marks the same figures as the report's own, so the three
// formats always agree with each other and with the dashboard.
package export

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"iomt/forecast"
	"iomt/model"
)

// Input is what every writer needs: the dataset, the scenario's name and
// assumptions, and their projection. Writers only read it.
type Input struct {
	Dataset *model.Dataset
	// Scenario is the scenario's name, written in every CSV row and in
	// the JSON and Markdown headers.
	Scenario string
	// Assumptions are the scenario's entered figures (growth rates, base
	// shares, mode). JSON and Markdown need them; CSV does not.
	Assumptions *model.Assumptions
	// Result is the projection of Dataset under Assumptions.
	Result *forecast.Result
	// Compare, when set, adds the other scenario's values and the
	// differences to this one (see Comparison).
	Compare *Comparison
	// More are further scenarios compared, after Compare (which must be
	// set first): at most MaxCompare in all. Each writer says how it
	// writes them.
	More []Comparison
}

// MaxCompare is the most scenarios an export compares with its own: a
// consultant's Base and three alternatives, side by side.
const MaxCompare = 4

// compared lists the scenarios compared, Compare first.
func (in *Input) compared() []Comparison {
	if in.Compare == nil {
		return nil
	}
	return append([]Comparison{*in.Compare}, in.More...)
}

// Comparison is a second scenario, projected over the same dataset, to
// compare against. Differences are this scenario (A) minus the compared
// one (B): diff = A − B, diff % = (A − B) / B × 100, empty or null when B
// is 0.
type Comparison struct {
	// Scenario is the compared scenario's name.
	Scenario string
	// Result is its projection; it must cover the same nodes and years.
	Result *forecast.Result
}

// Formats returns the names of the export formats ("csv", "json", "md",
// "xlsx"), as accepted by Write. The slice is the caller's to keep.
func Formats() []string { return []string{"csv", "json", "md", "xlsx"} }

// Write writes in to w in the named format, one of Formats. An unknown
// format is an error naming the valid ones, and writes nothing.
func Write(w io.Writer, format string, in Input) error {
	switch format {
	case "csv":
		return CSV(w, in)
	case "json":
		return JSON(w, in)
	case "md":
		return Markdown(w, in)
	case "xlsx":
		return XLSX(w, in)
	}
	return fmt.Errorf("unknown export format %q (valid formats: %s)", format, strings.Join(Formats(), ", "))
}

// check verifies that in is complete and self-consistent before anything
// is written, so bad input never leaves a partial export behind.
func (in *Input) check(needAssumptions bool) error {
	ds, r := in.Dataset, in.Result
	switch {
	case ds == nil:
		return errors.New("export: no dataset")
	case r == nil:
		return errors.New("export: no forecast result")
	case r.Nodes != len(ds.Nodes) || r.Years != ds.Years() || r.BaseYear != ds.BaseYear:
		return fmt.Errorf("export: the forecast (%d segments, %d years from %d) does not match the dataset (%d segments, %d years from %d)",
			r.Nodes, r.Years, r.BaseYear, len(ds.Nodes), ds.Years(), ds.BaseYear)
	}
	if in.Compare == nil && len(in.More) > 0 {
		return errors.New("export: further compared scenarios without a first (Compare)")
	}
	if n := len(in.compared()); n > MaxCompare {
		return fmt.Errorf("export: %d scenarios to compare; at most %d", n, MaxCompare)
	}
	for _, c := range in.compared() {
		switch {
		case c.Result == nil:
			return fmt.Errorf("export: no forecast result for the compared scenario %q", c.Scenario)
		case c.Result.Nodes != r.Nodes || c.Result.Years != r.Years || c.Result.BaseYear != r.BaseYear:
			return fmt.Errorf("export: the compared scenario %q was projected over a different dataset", c.Scenario)
		}
	}
	if needAssumptions {
		a := in.Assumptions
		switch {
		case a == nil:
			return errors.New("export: no assumptions")
		case len(a.Growth) != len(ds.Nodes) || len(a.Share) != len(ds.Nodes) || len(a.YearGrowth) != ds.Years()-1:
			return errors.New("export: the assumptions do not match the dataset")
		case a.Mode == model.BottomUp && (a.Driver < 0 || a.Driver >= len(ds.Dims)):
			return fmt.Errorf("export: bottom-up driver %d is not a dimension", a.Driver)
		}
	}
	return nil
}

// row is one node in export order.
type row struct {
	node int
	dim  string // dimension name; "Total" for the total
}

// order returns every node in export order: the Total, then each
// dimension in dataset order, each segment followed right away by its
// children (model.Dataset.ReadingOrder), with its dimension's name.
func order(ds *model.Dataset) []row {
	nodes := ds.ReadingOrder()
	rows := make([]row, 0, len(nodes))
	rows = append(rows, row{node: 0, dim: "Total"})
	for _, n := range nodes[1:] {
		rows = append(rows, row{node: n, dim: ds.Dims[ds.Nodes[n].Dim].Name})
	}
	return rows
}

// parentName is the name written in the parent column: empty for the
// total and top-level segments (whose parent is the total).
func parentName(ds *model.Dataset, n int) string {
	if p := ds.Nodes[n].Parent; p > 0 {
		return ds.Nodes[p].Name
	}
	return ""
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// num formats a figure for machines (CSV and JSON): twelve significant
// digits, which is far more than any market estimate carries, yet hides
// float noise such as 16.599999999999998. It returns "" for NaN or
// infinity, and "0" rather than "-0".
func num(x float64) string {
	if !finite(x) {
		return ""
	}
	if x == 0 {
		return "0"
	}
	return strconv.FormatFloat(x, 'g', 12, 64)
}

// diffPct returns (a − b) / b × 100, NaN when b is 0.
func diffPct(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return (a - b) / b * 100
}

// marks decides which figures of an export are the report's own (see
// model.Dataset.StillReported).
type marks struct {
	ds *model.Dataset
	a  *model.Assumptions
}

func newMarks(in *Input) marks { return marks{ds: in.Dataset, a: in.Assumptions} }

// is reports whether node n's figure field, as exported, is the report's.
func (m marks) is(n int, field string) bool { return m.ds.StillReported(m.a, n, field) }

// fields lists node n's reported figures, as exported, in dataset order,
// named as the dataset's file names them (value or value_bn).
func (m marks) fields(n int) []string {
	out := []string{}
	for _, f := range m.ds.Nodes[n].Reported {
		if m.is(n, f) {
			out = append(out, m.ds.FieldName(f))
		}
	}
	return out
}
