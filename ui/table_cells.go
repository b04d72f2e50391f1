package ui

import (
	"math"
	"strconv"

	"iomt/internal/safetext"
)

// The year table's content, one definition for the screen and for the
// clipboard copy, so that what is pasted is what is shown: the metric.
// While comparing, the table is table_compare.go's.

// yearCell is one year's figure of a row in the metric.
type yearCell struct {
	v float64
}

// yearCellOf is node n's cell in year index yi.
func (t *yearTable) yearCellOf(n, yi int) yearCell {
	e := t.e
	return yearCell{v: metricOf(e.scen.Result(), e.sel.metric, n, yi)}
}

// trailing are the two columns after the years: the realised CAGR and the
// change in share over the window.
func (t *yearTable) trailing(n int) (real, share float64) {
	e := t.e
	from, to, _ := e.scen.Window()
	return e.scen.Result().CAGR(n, from, to), e.scen.Result().ShareChange(n, from, to)
}

// formatYearCell writes a cell as the screen shows it.
func (t *yearTable) formatYearCell(cell yearCell, prec int) string { return fmtNum(cell.v, prec) }

// tableTitle names what the table shows: the metric.
func (t *yearTable) tableTitle() string { return "Table: " + t.e.sel.metricLabel() }

// tsv is the table on screen as tab-separated text for the
// clipboard: every year of the current level (not only those that fit),
// in the current metric, with the compare columns when comparing. Tabs,
// not commas, because that is what Excel, Google Sheets and Numbers split
// into cells on paste in every locale; numbers carry 12 significant
// digits and a decimal point, never a thousands separator.
func (t *yearTable) tsv() string {
	e := t.e
	if len(e.scen.Compared()) > 0 {
		return t.tsvCompared()
	}
	_, _, span := e.scen.Window()
	// The first cell names what the year columns hold ("Segment ·
	// share of parent, %"): pasted, the numbers alone would not say.
	head := []string{"Segment · " + e.sel.metricLabel()}
	for yi := range e.scen.Result().Years {
		head = append(head, strconv.Itoa(e.scen.Result().Year(yi)))
	}
	head = append(head, "Realised CAGR "+span+" (%)", "Share change "+span+" (pp)")
	rows := [][]string{head}
	for _, n := range e.sel.rows() {
		// A name a spreadsheet would run as a formula (=HYPERLINK(…),
		// -2+3) is pasted as text, after a "'", as the CSV writes it.
		rec := []string{safetext.Cell(clean(nodeName(e.ds, n)))}
		for yi := range e.scen.Result().Years {
			rec = append(rec, rawNum(t.yearCellOf(n, yi).v))
		}
		r, s := t.trailing(n)
		rec = append(rec, rawNum(r), rawNum(s))
		rows = append(rows, rec)
	}
	return tsvLines(rows)
}

// tsvLines joins cells with tabs and rows with line breaks.
func tsvLines(rows [][]string) string {
	var b []byte
	for _, cells := range rows {
		for i, s := range cells {
			if i > 0 {
				b = append(b, '\t')
			}
			b = append(b, tsvField(s)...)
		}
		b = append(b, '\n')
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
