package ui

import (
	"math"
	"strconv"

	"iomt/internal/safetext"
)

// The year table's content, one definition for the screen and for the
// clipboard copy, so that what is pasted is what is shown: the metric, and
// in compare mode the differences to the compared scenario in that metric.

// yearCell is one year's figure of a row: the metric's value, or in
// compare mode the difference A − B (and, for values, that difference in
// % of B).
type yearCell struct {
	v, pct float64 // pct: NaN unless a value difference in % of B
}

// yearCellOf is node n's cell in year index yi.
func (t *yearTable) yearCellOf(n, yi int) yearCell {
	e := t.e
	a := metricOf(e.scen.Result(), e.sel.metric, n, yi)
	if e.scen.Compare() == nil {
		return yearCell{v: a, pct: math.NaN()}
	}
	b := t.compareValue(n, yi)
	cell := yearCell{v: a - b, pct: math.NaN()}
	if e.sel.metric == MetricValue && b != 0 {
		cell.pct = (a - b) / b * 100
	}
	return cell
}

// trailing are the two columns after the years: the realised CAGR and the
// change in share over the window; in compare mode, A's minus B's of each
// (pp), since the scenario's own change is not the difference. (Not the
// gap between the shares at the window's end: a scenario that sets a
// base-year share starts elsewhere, and the gap would not be the
// difference of the changes the column is headed with.)
func (t *yearTable) trailing(n int) (real, share float64) {
	e := t.e
	from, to, _ := e.scen.Window()
	if cmp := e.scen.Compare(); cmp != nil {
		return e.scen.Result().CAGR(n, from, to) - cmp.res.CAGR(n, from, to),
			e.scen.Result().ShareChange(n, from, to) - cmp.res.ShareChange(n, from, to)
	}
	return e.scen.Result().CAGR(n, from, to), e.scen.Result().ShareChange(n, from, to)
}

// trailingHeads name the two trailing columns on screen.
func (t *yearTable) trailingHeads() (string, string) {
	e := t.e
	if e.scen.Compare() != nil {
		return "ΔReal", "Δshare"
	}
	return "Real", "Δshare"
}

// formatYearCell writes a cell as the screen shows it: in compare mode a
// signed difference, "+22.42 +13.3%" for values and "+1.25 pp" otherwise.
func (t *yearTable) formatYearCell(cell yearCell, prec int) string {
	e := t.e
	if e.scen.Compare() == nil {
		return fmtNum(cell.v, prec)
	}
	if e.sel.metric != MetricValue {
		if math.IsNaN(cell.v) {
			return "–" // no growth in the base year: no unit either
		}
		return fmtSigned(cell.v, 2) + " pp"
	}
	if math.IsNaN(cell.pct) {
		return fmtSigned(cell.v, prec)
	}
	return fmtSigned(cell.v, prec) + " " + fmtSigned(cell.pct, 1) + "%"
}

// tableTitle names what the table shows: the metric, and in compare mode
// the differences to which scenario, in which unit.
func (t *yearTable) tableTitle() string {
	e := t.e
	if cmp := e.scen.Compare(); cmp != nil {
		switch e.sel.metric {
		case MetricShare:
			return "Table: Δ share vs " + clean(cmp.name) + ", pp"
		case MetricGrowth:
			return "Table: Δ growth vs " + clean(cmp.name) + ", pp"
		}
		return "Table: Δ vs " + clean(cmp.name) + ", " + unitLabel(e.ds) + " and %"
	}
	return "Table: " + e.sel.metricLabel()
}

// tsv is the table on screen as tab-separated text for the
// clipboard: every year of the current level (not only those that fit),
// in the current metric, with the compare columns when comparing. Tabs,
// not commas, because that is what Excel, Google Sheets and Numbers split
// into cells on paste in every locale; numbers carry 12 significant
// digits and a decimal point, never a thousands separator.
func (t *yearTable) tsv() string {
	e := t.e
	_, _, span := e.scen.Window()
	unit := unitLabel(e.ds)
	// The first cell names what the year columns hold ("Segment ·
	// share of parent, %"): pasted, the numbers alone would not say.
	head := []string{"Segment · " + e.sel.metricLabel()}
	if e.scen.Compare() != nil {
		head[0] += " · vs " + clean(e.scen.Compare().name)
	}
	for yi := range e.scen.Result().Years {
		y := strconv.Itoa(e.scen.Result().Year(yi))
		switch {
		case e.scen.Compare() == nil:
			head = append(head, y)
		case e.sel.metric == MetricValue:
			head = append(head, y+" Δ "+unit, y+" Δ %")
		default:
			head = append(head, y+" Δ pp")
		}
	}
	if e.scen.Compare() != nil {
		head = append(head, "Δ realised CAGR "+span+" (pp)", "Δ share change "+span+" (pp)")
	} else {
		head = append(head, "Realised CAGR "+span+" (%)", "Share change "+span+" (pp)")
	}
	var b []byte
	line := func(cells []string) {
		for i, s := range cells {
			if i > 0 {
				b = append(b, '\t')
			}
			b = append(b, tsvField(s)...)
		}
		b = append(b, '\n')
	}
	line(head)
	for _, n := range e.sel.rows() {
		// A name a spreadsheet would run as a formula (=HYPERLINK(…),
		// -2+3) is pasted as text, after a "'", as the CSV writes it.
		rec := []string{safetext.Cell(clean(nodeName(e.ds, n)))}
		for yi := range e.scen.Result().Years {
			cell := t.yearCellOf(n, yi)
			rec = append(rec, rawNum(cell.v))
			if e.scen.Compare() != nil && e.sel.metric == MetricValue {
				rec = append(rec, rawNum(cell.pct))
			}
		}
		r, s := t.trailing(n)
		rec = append(rec, rawNum(r), rawNum(s))
		line(rec)
	}
	return string(b)
}

// tsvField keeps a cell on one line and in one cell: tabs and line
// breaks in a name would split it.
func tsvField(s string) string {
	out := []rune(s)
	for i, r := range out {
		if r == '\t' || r == '\n' || r == '\r' {
			out[i] = ' '
		}
	}
	return string(out)
}

// rawNum writes a number for a spreadsheet cell: 12 significant digits,
// empty when undefined (growth in the base year).
func rawNum(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 12, 64)
}

// compareValue returns node's figure in the compared scenario for the
// current metric, or NaN when not comparing.
func (t *yearTable) compareValue(n, yi int) float64 {
	cs := t.e.scen.Compare()
	if cs == nil {
		return math.NaN()
	}
	return metricOf(&cs.res, t.e.sel.metric, n, yi)
}
