package ui

import (
	"fmt"
	"slices"
	"strconv"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/table"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// yearTable shows the listed segments by year in the chart's metric, with
// the realised CAGR and the change in share over the whole period.
type yearTable struct {
	c             *common
	t             table.Model
	width, height int
	focused       bool
	yearOffset    int // first year column shown when not all fit
	yearCols      int
	shape         tableShape // of the columns last set on t
	rendered      string     // t.View() as of the last refresh
	rowOffset     int        // first row shown when not all fit
}

const (
	yearColW = 7
	cmpColW  = 14 // "+12.34 +5.1%"
	cagrColW = 6
	dShareW  = 7
	minNameW = 20
	cellPad  = 2 // bubbles table pads each cell by one on each side
)

func newYearTable(c *common) yearTable {
	t := table.New(table.WithFocused(true), table.WithKeyMap(table.KeyMap{}))
	yt := yearTable{c: c, t: t}
	yt.applyStyles()
	return yt
}

func (y *yearTable) applyStyles() {
	s := y.c.styles
	y.t.SetStyles(table.Styles{
		Header:   s.Header.Padding(0, 1),
		Cell:     lipgloss.NewStyle().Padding(0, 1),
		Selected: s.Selected,
	})
}

// SetSize sets the outer size of the pane.
func (y *yearTable) SetSize(w, h int) {
	y.width, y.height = w, h
	y.refresh()
}

// Update scrolls the year columns when the table has focus.
func (y yearTable) Update(msg tea.Msg) (yearTable, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return y, nil
	}
	switch {
	case key.Matches(k, y.c.keys.Back):
		y.yearOffset = max(y.yearOffset-1, 0)
	case key.Matches(k, y.c.keys.Drill):
		y.yearOffset = min(y.yearOffset+1, max(y.c.res.Years-y.yearCols, 0))
	}
	y.refresh()
	return y, nil
}

// tableShape is what the bubbles table's columns and size depend on.
type tableShape struct{ cols, first, width, height, nameW, colW int }

// diffCell is a compare-mode cell: A − B in US$ bn and in % of B.
func diffCell(a, b float64) string {
	d := a - b
	if b == 0 {
		return fmtSigned(d, 2)
	}
	return fmtSigned(d, 2) + " " + fmtSigned(d/b*100, 1) + "%"
}

// refresh rebuilds columns and rows from the current projection.
func (y *yearTable) refresh() {
	c := y.c
	inner := y.width - 2
	fixed := (cagrColW + cellPad) + (dShareW + cellPad)
	years := c.res.Years
	colW := yearColW
	if c.compare != nil {
		colW = cmpColW
	}
	fit := (inner - fixed - (minNameW + cellPad)) / (colW + cellPad)
	n := max(min(years, fit), 1)
	if n != y.yearCols && inner > 0 {
		// When the width changes (and at the start), show the latest
		// years: the forecast's point, and where scenarios differ. The
		// base year is in the segments pane and ← away.
		y.yearOffset = years - n
	}
	y.yearCols = n
	y.yearOffset = max(min(y.yearOffset, years-y.yearCols), 0)
	nameW := inner - fixed - y.yearCols*(colW+cellPad) - cellPad

	cols := []table.Column{{Title: "Segment", Width: max(nameW, 4)}}
	for yi := y.yearOffset; yi < y.yearOffset+y.yearCols; yi++ {
		cols = append(cols, table.Column{Title: fmt.Sprintf("%*d", colW, c.res.Year(yi)), Width: colW})
	}
	cols = append(cols, table.Column{Title: fmt.Sprintf("%*s", cagrColW, "Real"), Width: cagrColW},
		table.Column{Title: fmt.Sprintf("%*s", dShareW, "Δshare"), Width: dShareW})

	prec := 2
	if c.metric != MetricValue {
		prec = 1
	}
	last := years - 1
	var rows []table.Row
	for i, n := range c.rows() {
		name := clean(c.nodeName(n))
		if i > 0 {
			name = "  " + name
		}
		r := table.Row{name}
		for yi := y.yearOffset; yi < y.yearOffset+y.yearCols; yi++ {
			if cmp := c.compare; cmp != nil {
				r = append(r, fmt.Sprintf("%*s", colW, diffCell(c.res.Value(n, yi), cmp.res.Value(n, yi))))
				continue
			}
			r = append(r, fmt.Sprintf("%*s", colW, fmtNum(c.metricValue(n, yi), prec)))
		}
		r = append(r, fmt.Sprintf("%*s", cagrColW, fmtNum(c.res.CAGR(n, 0, last), 1)),
			fmt.Sprintf("%*s", dShareW, fmtSigned(c.res.ShareChange(n, 0, last), 1)))
		rows = append(rows, r)
	}
	// Scroll here rather than in the bubbles table, whose viewport does
	// not follow SetCursor, so that the selected row is always shown and
	// rowAt knows which row is drawn where.
	vis := max(y.height-3, 1)
	cur := c.cursor[c.dim]
	y.rowOffset = min(y.rowOffset, cur)
	y.rowOffset = max(y.rowOffset, cur-vis+1, 0)
	y.rowOffset = max(min(y.rowOffset, len(rows)-vis), 0)
	rows = rows[y.rowOffset:min(len(rows), y.rowOffset+vis)]
	// Every setter of the bubbles table re-renders all rows, so only call
	// the ones whose input changed.
	shape := tableShape{cols: len(cols), first: y.yearOffset, width: inner, height: max(y.height-2, 2), nameW: nameW, colW: colW}
	if shape != y.shape {
		// Columns first: SetRows renders against the current columns.
		y.t.SetRows(nil)
		y.t.SetColumns(cols)
		y.t.SetWidth(shape.width)
		y.t.SetHeight(shape.height)
		y.shape = shape
	}
	if !slices.EqualFunc(rows, y.t.Rows(), slices.Equal) {
		y.t.SetRows(rows)
	}
	if y.t.Cursor() != cur-y.rowOffset {
		y.t.SetCursor(cur - y.rowOffset)
	}
	// The table only changes here, so render it once rather than on every
	// View (each render styles every cell through lipgloss).
	y.rendered = y.t.View()
}

// View renders the pane with its border.
func (y *yearTable) View() string {
	c := y.c
	title := "Table: " + c.metricLabel()
	if c.compare != nil {
		title = "Table: Δ vs " + clean(c.compare.name) + ", " + c.unitLabel() + " and %"
	}
	if y.yearCols < c.res.Years {
		title += " · " + strconv.Itoa(c.res.Year(y.yearOffset)) + "–" +
			strconv.Itoa(c.res.Year(y.yearOffset+y.yearCols-1)) + " (tab ←→)"
	}
	title += " · Real CAGR, Δshare pp " + strconv.Itoa(c.res.BaseYear) + "–" + strconv.Itoa(c.res.Year(c.res.Years-1))
	return pane(c.styles, y.focused, title, y.rendered, y.width, y.height)
}

// rowAt returns the row index under line y of the pane (0 is the top
// border), or -1.
func (y *yearTable) rowAt(line int) int {
	i := line - 2 + y.rowOffset
	if line < 2 || i >= len(y.c.rows()) || line >= y.height-1 {
		return -1
	}
	return i
}
