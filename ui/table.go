package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/internal/numtext"
	"iomt/model"
)

// yearTable shows the listed segments by year in the chart's metric, with
// the realised CAGR and the change in share over the whole period.
//
// It draws its own rows instead of using the bubbles table, which renders
// every cell through two lipgloss styles, and every row twice per change
// (once into its viewport, once more on View). With the numbers changing
// on every keypress that was 40 % of a session's CPU on an SSH server
// with 200 viewers. Here a row is plain padded text, and only the header
// and the selected row are styled, once each.
type yearTable struct {
	e             env
	width, height int
	focused       bool
	yearOffset    int    // first year column shown when not all fit
	yearCols      int    // year columns that fit
	rowOffset     int    // first row shown when not all fit
	rendered      string // the body as of the last refresh
	// headLines is the lines of column headers: 2 while comparing, the
	// scenarios' names under their years; shape is what the compare
	// table was last laid out for (a new one shows the end year first).
	headLines int
	shape     [4]int
}

const (
	yearColW = 7 // the narrowest year column: "2027" and room around it
	cagrColW = 6
	dShareW  = 7
	minNameW = 20
	cellPad  = 2 // one space on each side of every cell
)

func newYearTable(e env) yearTable { return yearTable{e: e} }

// SetSize sets the outer size of the pane.
func (y *yearTable) SetSize(w, h int) {
	y.width, y.height = w, h
	y.refresh()
}

// Update moves through the rows and scrolls the year columns when the
// table has focus.
func (y yearTable) Update(msg tea.Msg) (yearTable, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return y, nil
	}
	switch keys := y.e.look.keys; {
	case key.Matches(k, keys.Up):
		y.e.sel.moveCursor(-1)
	case key.Matches(k, keys.Down):
		y.e.sel.moveCursor(1)
	case key.Matches(k, keys.EarlierYears):
		y.yearOffset = max(y.yearOffset-1, 0)
	case key.Matches(k, keys.LaterYears):
		y.yearOffset = min(y.yearOffset+1, max(y.columns()-y.yearCols, 0))
	}
	y.refresh()
	return y, nil
}

// Bindings are the table's keys, for the help.
func (y *yearTable) Bindings() []key.Binding {
	k := y.e.look.keys
	return []key.Binding{k.Up, k.Down, k.EarlierYears}
}

// refresh rebuilds columns and rows from the current projection.
func (y *yearTable) refresh() {
	e := y.e
	y.headLines = 1
	if len(e.scen.Compared()) == 0 {
		y.shape = [4]int{}
	} else {
		y.refreshCompared()
		return
	}
	inner := y.width - 2
	years := e.scen.Result().Years
	all := e.sel.rows()
	// The trailing columns as wide as their widest text: a realised
	// CAGR of 1,002.2 % must not read 1,002….
	reals, shares := make([]string, len(all)), make([]string, len(all))
	realW, shareW := cagrColW, dShareW
	for i, n := range all {
		real, share := y.trailing(n)
		reals[i], shares[i] = fmtNum(real, 1), fmtSigned(share, 1)
		realW, shareW = max(realW, ansi.StringWidth(reals[i])), max(shareW, ansi.StringWidth(shares[i]))
	}
	fixed := (realW + cellPad) + (shareW + cellPad)
	prec := 1
	if e.sel.metric == MetricValue {
		// Decimals go first on a market of many digits: past twelve
		// significant digits they are the arithmetic's noise.
		prec = numtext.SigPrec(e.scen.Result().Value(0, years-1), 2)
	}
	colW := y.columnWidth(all, prec)
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
	// No wider than the longest name: on a wide terminal the numbers
	// stay next to their labels, and the room left is on the right.
	longest := minNameW
	for _, n := range all {
		longest = max(longest, ansi.StringWidth(clean(nodeName(e.ds, n)))+2)
	}
	nameW = min(nameW, longest)

	widths := []int{max(nameW, 4)}
	header := []string{"Segment"}
	for yi := y.yearOffset; yi < y.yearOffset+y.yearCols; yi++ {
		widths = append(widths, colW)
		header = append(header, fmt.Sprintf("%*d", colW, e.scen.Result().Year(yi)))
	}
	widths = append(widths, realW, shareW)
	header = append(header, fmt.Sprintf("%*s", realW, "Real"), fmt.Sprintf("%*s", shareW, "Δshare"))

	vis, cur := y.scrollRows(len(all))

	a := e.scen.Assumptions()
	var out strings.Builder
	out.WriteString(e.look.styles.Header.Render(gridLine(widths, header)))
	cells := make([]string, 0, len(widths))
	for i := y.rowOffset; i < min(len(all), y.rowOffset+vis); i++ {
		n := all[i]
		name := clean(nodeName(e.ds, n))
		if i > 0 {
			name = "  " + name
		}
		cells = append(cells[:0], name)
		for yi := y.yearOffset; yi < y.yearOffset+y.yearCols; yi++ {
			v := y.formatYearCell(y.yearCellOf(n, yi), prec)
			if yi == 0 {
				// The base year holds the source's figures: mark the ones
				// it states, as the tree marks its shares and rates.
				v += reportMark(e, &a, n)
			}
			cells = append(cells, fmt.Sprintf("%*s", colW, v))
		}
		cells = append(cells, fmt.Sprintf("%*s", realW, reals[i]), fmt.Sprintf("%*s", shareW, shares[i]))
		line := gridLine(widths, cells)
		if i == cur {
			line = e.look.styles.Selected.Render(line)
		}
		out.WriteByte('\n')
		out.WriteString(line)
	}
	y.rendered = out.String()
}

// scrollRows keeps the selected row of rows shown, below the header
// lines, so that rowAt knows which row is drawn where; it returns how
// many rows show and the selected one.
func (y *yearTable) scrollRows(rows int) (vis, cur int) {
	vis = max(y.height-2-y.headLines, 1)
	cur = y.e.sel.cursor[y.e.sel.dim]
	y.rowOffset = min(y.rowOffset, cur)
	y.rowOffset = max(y.rowOffset, cur-vis+1, 0)
	y.rowOffset = max(min(y.rowOffset, rows-vis), 0)
	return vis, cur
}

// columnWidth is the width of the year columns: the widest cell of the
// rows listed, over every year so the width holds while scrolling, and
// never less than a year's four digits and a little room. A number is
// never cut: 21,791.03 widens the column rather than reading 21791.….
func (y *yearTable) columnWidth(rows []int, prec int) int {
	e := y.e
	w := yearColW
	for _, n := range rows {
		for yi := range e.scen.Result().Years {
			w = max(w, ansi.StringWidth(y.formatYearCell(y.yearCellOf(n, yi), prec))+1) // +1: the base year's mark
		}
	}
	return w
}

// gridLine lays cells out in columns of the given widths, each cut with
// an ellipsis or padded with spaces to its width, with one space on
// either side.
func gridLine(widths []int, cells []string) string {
	var b strings.Builder
	for i, w := range widths {
		v := ""
		if i < len(cells) {
			v = cells[i]
		}
		vw := ansi.StringWidth(v)
		if vw > w {
			v = ansi.Truncate(v, w, "…")
			vw = ansi.StringWidth(v) // a wide rune may leave one cell over
		}
		b.WriteByte(' ')
		b.WriteString(v)
		b.WriteString(strings.Repeat(" ", w-vw+1))
	}
	return b.String()
}

// View renders the pane with its border.
func (y *yearTable) View() string {
	e := y.e
	if len(e.scen.Compared()) > 0 {
		return pane(e.look.styles, y.focused, y.comparedTitle(), y.rendered, y.width, y.height)
	}
	title := y.tableTitle()
	span := ""
	if y.yearCols < e.scen.Result().Years {
		span = " · " + strconv.Itoa(e.scen.Result().Year(y.yearOffset)) + "–" + strconv.Itoa(e.scen.Result().Year(y.yearOffset+y.yearCols-1))
	}
	_, _, whole := e.scen.Window()
	// The longest title that fits: a title cut at the border would lose
	// the period the last two columns cover.
	full := title
	for _, t := range []string{
		title + span + cond(span != "", " (tab ←→)") + " · " + trailingTitle(e, whole),
		title + span + " · " + trailingShort(e, whole),
		title + span,
	} {
		full = t
		if ansi.StringWidth(t) <= y.width-4 {
			break
		}
	}
	return pane(e.look.styles, y.focused, full, y.rendered, y.width, y.height)
}

// rowAt returns the row index under line y of the pane (0 is the top
// border), or -1.
func (y *yearTable) rowAt(line int) int {
	top := 1 + y.headLines
	i := line - top + y.rowOffset
	if line < top || i >= len(y.e.sel.rows()) || line >= y.height-1 {
		return -1
	}
	return i
}

// reportMark is "*" when the base-year figure the table shows for node n
// (its value, or its share) is one the source states, else a space.
func reportMark(e env, a *model.Assumptions, n int) string {
	field := model.FieldValue
	switch e.sel.metric {
	case MetricShare:
		field = model.FieldShare
	case MetricGrowth:
		return " " // there is no growth in the base year
	}
	if e.ds.StillReported(a, n, field) {
		return "*"
	}
	return " "
}

// cond is s when ok, else "".
func cond(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

// trailingTitle names the two trailing columns in the table's title.
func trailingTitle(_ env, span string) string { return "Real CAGR, Δshare pp " + span }

// trailingShort is trailingTitle for a narrow table.
func trailingShort(_ env, span string) string { return "Real, Δshare " + span }

// columns is how many columns the table scrolls through: the years, and
// while comparing the realised CAGR's and the share change's groups.
func (y *yearTable) columns() int {
	n := y.e.scen.Result().Years
	if len(y.e.scen.Compared()) > 0 {
		n += 2
	}
	return n
}
