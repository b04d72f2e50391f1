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
func (c *common) yearCellOf(n, yi int) yearCell {
	a := c.metricValue(n, yi)
	if c.compare == nil {
		return yearCell{v: a, pct: math.NaN()}
	}
	b := c.compareValue(n, yi)
	cell := yearCell{v: a - b, pct: math.NaN()}
	if c.metric == MetricValue && b != 0 {
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
func (c *common) trailing(n int) (real, share float64) {
	from, to, _ := c.window()
	if cmp := c.compare; cmp != nil {
		return c.res.CAGR(n, from, to) - cmp.res.CAGR(n, from, to),
			c.res.ShareChange(n, from, to) - cmp.res.ShareChange(n, from, to)
	}
	return c.res.CAGR(n, from, to), c.res.ShareChange(n, from, to)
}

// trailingHeads name the two trailing columns on screen.
func (c *common) trailingHeads() (string, string) {
	if c.compare != nil {
		return "ΔReal", "Δshare"
	}
	return "Real", "Δshare"
}

// formatYearCell writes a cell as the screen shows it: in compare mode a
// signed difference, "+22.42 +13.3%" for values and "+1.25 pp" otherwise.
func (c *common) formatYearCell(cell yearCell, prec int) string {
	if c.compare == nil {
		return fmtNum(cell.v, prec)
	}
	if c.metric != MetricValue {
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
func (c *common) tableTitle() string {
	if cmp := c.compare; cmp != nil {
		switch c.metric {
		case MetricShare:
			return "Table: Δ share vs " + clean(cmp.name) + ", pp"
		case MetricGrowth:
			return "Table: Δ growth vs " + clean(cmp.name) + ", pp"
		}
		return "Table: Δ vs " + clean(cmp.name) + ", " + c.unitLabel() + " and %"
	}
	return "Table: " + c.metricLabel()
}

// tableTSV is the table on screen as tab-separated text for the
// clipboard: every year of the current level (not only those that fit),
// in the current metric, with the compare columns when comparing. Tabs,
// not commas, because that is what Excel, Google Sheets and Numbers split
// into cells on paste in every locale; numbers carry 12 significant
// digits and a decimal point, never a thousands separator.
func (c *common) tableTSV() string {
	_, _, span := c.window()
	unit := c.unitLabel()
	// The first cell names what the year columns hold ("Segment ·
	// share of parent, %"): pasted, the numbers alone would not say.
	head := []string{"Segment · " + c.metricLabel()}
	if c.compare != nil {
		head[0] += " · vs " + clean(c.compare.name)
	}
	for yi := range c.res.Years {
		y := strconv.Itoa(c.res.Year(yi))
		switch {
		case c.compare == nil:
			head = append(head, y)
		case c.metric == MetricValue:
			head = append(head, y+" Δ "+unit, y+" Δ %")
		default:
			head = append(head, y+" Δ pp")
		}
	}
	if c.compare != nil {
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
	for _, n := range c.rows() {
		// A name a spreadsheet would run as a formula (=HYPERLINK(…),
		// -2+3) is pasted as text, after a "'", as the CSV writes it.
		rec := []string{safetext.Cell(clean(c.nodeName(n)))}
		for yi := range c.res.Years {
			cell := c.yearCellOf(n, yi)
			rec = append(rec, rawNum(cell.v))
			if c.compare != nil && c.metric == MetricValue {
				rec = append(rec, rawNum(cell.pct))
			}
		}
		r, s := c.trailing(n)
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
