package ui

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

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
	yearOffset    int // first year column shown when not all fit
	yearCols      int // year columns that fit
	// scrolled: the user moved the years since the layout placed them
	// (a presenter's followers are told where); pinned: the first year
	// column a presenter shows, which a follower keeps whatever its
	// layout would place (-1: none).
	scrolled  bool
	pinned    int
	rowOffset int    // first row shown when not all fit
	rendered  string // the body as of the last refresh
	// headLines is the lines of column headers: 2 while comparing, the
	// scenarios' names under their years; shape is what the compare
	// table was last laid out for (a new one shows the end year first).
	headLines int
	shape     [4]int
	drawn     *tableDrawn
}

const (
	yearColW = 7 // the narrowest year column: "2027" and room around it
	cagrColW = 6
	dShareW  = 7
	minNameW = 20
	cellPad  = 2 // one space on each side of every cell
)

func newYearTable(e env) yearTable { return yearTable{e: e, drawn: &tableDrawn{}, pinned: -1} }

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
		y.scrolled, y.pinned = true, -1
	case key.Matches(k, keys.LaterYears):
		y.yearOffset = min(y.yearOffset+1, max(y.columns()-y.yearCols, 0))
		y.scrolled, y.pinned = true, -1
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
	res := e.scen.Result()
	years := res.Years
	all := e.sel.rows()
	// The trailing columns as wide as their widest text: a realised
	// CAGR of 1,002.2 % must not read 1,002….
	reals, shares := widest{prec: 1}, widest{prec: 1, signed: true}
	for _, n := range all {
		real, share := y.trailing(n)
		reals.add(real)
		shares.add(share)
	}
	realW, shareW := max(cagrColW, reals.width()), max(dShareW, shares.width())
	fixed := (realW + cellPad) + (shareW + cellPad)
	prec := 1
	if e.sel.metric == MetricValue {
		// Decimals go first on a market of many digits: past twelve
		// significant digits they are the arithmetic's noise.
		prec = numtext.SigPrec(res.Value(0, years-1), 2)
	}
	colW := y.columnWidth(all, prec)
	fit := (inner - fixed - (minNameW + cellPad)) / (colW + cellPad)
	n := max(min(years, fit), 1)
	if n != y.yearCols && inner > 0 {
		// When the width changes (and at the start), show the latest
		// years: the forecast's point, and where scenarios differ. The
		// base year is in the segments pane and ← away.
		y.yearOffset, y.scrolled = years-n, false
	}
	if y.pinned >= 0 {
		y.yearOffset = y.pinned
	}
	y.yearCols = n
	y.yearOffset = max(min(y.yearOffset, years-y.yearCols), 0)
	nameW := inner - fixed - y.yearCols*(colW+cellPad) - cellPad
	// No wider than the longest name: on a wide terminal the numbers
	// stay next to their labels, and the room left is on the right.
	nameW = min(nameW, y.drawn.longest.get(levelKey{dim: e.sel.dim, parent: e.sel.parent[e.sel.dim]}, func() int {
		longest := minNameW
		for _, n := range all {
			longest = max(longest, textWidth(clean(nodeName(e.ds, n)))+2)
		}
		return longest
	}))
	lay := tableLayout{nameW: max(nameW, 4), colW: colW, realW: realW, shareW: shareW, from: y.yearOffset, cols: y.yearCols}

	vis, cur := y.scrollRows(len(all))

	a := e.scen.Assumptions()
	var out strings.Builder
	out.Grow((vis + 1) * (inner + 24))
	out.WriteString(y.drawn.head.get(tableHeadKey{lay: lay, baseYear: res.BaseYear, styles: e.look.styles}, func() string {
		header := []string{"Segment"}
		for yi := lay.from; yi < lay.from+lay.cols; yi++ {
			h := fmt.Sprintf("%*d", colW, res.Year(yi))
			if yi == 0 {
				// The base year's numbers leave a column for the source's
				// mark after them: the heading ends where they do.
				h = fmt.Sprintf("%*d ", colW-1, res.Year(yi))
			}
			header = append(header, h)
		}
		header = append(header, fmt.Sprintf("%*s", realW, "Real"), fmt.Sprintf("%*s", shareW, "Δshare"))
		return e.look.styles.Header.Render(gridLine(lay.widths(), header))
	}))
	y.drawn.cells.next()
	var line strings.Builder
	for i := y.rowOffset; i < min(len(all), y.rowOffset+vis); i++ {
		n := all[i]
		out.WriteByte('\n')
		b := &out
		if i == cur {
			line.Reset()
			b = &line // the selected row is styled whole
		}
		name := clean(nodeName(e.ds, n))
		if i > 0 {
			name = "  " + name
		}
		writeCell(b, name, lay.nameW)
		for yi := lay.from; yi < lay.from+lay.cols; yi++ {
			v := y.drawn.cells.format(y.yearCellOf(n, yi).v, prec, false)
			mark := ""
			if yi == 0 {
				// The base year holds the source's figures: mark the ones
				// it states, as the tree marks its shares and rates.
				mark = reportMark(e, &a, n)
			}
			writeNumber(b, v, mark, colW)
		}
		real, share := y.trailing(n)
		writeNumber(b, y.drawn.cells.format(real, 1, false), "", realW)
		writeNumber(b, y.drawn.cells.format(share, 1, true), "", shareW)
		if i == cur {
			e.look.styles.paint.selected.write(&out, line.String())
		}
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
	cells := widest{prec: prec}
	for _, n := range rows {
		for yi := range e.scen.Result().Years {
			cells.add(y.yearCellOf(n, yi).v)
		}
	}
	return max(yearColW, cells.width()+1) // +1: the base year's mark
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
		writeCell(&b, v, w)
	}
	return b.String()
}

// writeCell writes one cell of a gridLine: v cut with an ellipsis or
// padded to w, with one space on either side.
func writeCell(b *strings.Builder, v string, w int) {
	vw := textWidth(v)
	if vw > w {
		v = ansi.Truncate(v, w, "…")
		vw = textWidth(v) // a wide rune may leave one cell over
	}
	b.WriteByte(' ')
	b.WriteString(v)
	writeSpaces(b, w-vw+1)
}

// writeNumber writes the cell gridLine makes of fmt.Sprintf("%*s", w,
// num+mark) in a column w wide: the number and its mark (ASCII, or the
// one-cell "–") right-aligned.
func writeNumber(b *strings.Builder, num, mark string, w int) {
	n := utf8.RuneCountInString(num) + len(mark)
	if n > w || !isNumberText(num) {
		writeCell(b, fmt.Sprintf("%*s", w, num+mark), w)
		return
	}
	b.WriteByte(' ')
	writeSpaces(b, w-n)
	b.WriteString(num)
	b.WriteString(mark)
	b.WriteByte(' ')
}

// isNumberText reports whether s is as fmtNum writes numbers: printable
// ASCII or the dash of an undefined figure, one cell a character.
func isNumberText(s string) bool {
	if s == "–" {
		return true
	}
	for i := range len(s) {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// tableLayout is the columns of the year table.
type tableLayout struct {
	nameW, colW, realW, shareW int
	from, cols                 int // the years shown, as indices
}

// widths are the columns' widths, for gridLine.
func (l tableLayout) widths() []int {
	w := []int{l.nameW}
	for range l.cols {
		w = append(w, l.colW)
	}
	return append(w, l.realW, l.shareW)
}

// tableHeadKey is what the table's column header shows.
type tableHeadKey struct {
	lay      tableLayout
	baseYear int
	styles   *Styles
}

// levelKey is a level listed: a dimension's top, or a segment's children.
type levelKey struct{ dim, parent int }

// tableDrawn is what the table drew last and what from, kept between
// frames.
type tableDrawn struct {
	head    memo[tableHeadKey]
	longest cache[levelKey, int] // the longest name of the level, in cells
	cells   numCache
	pane    memo[tablePaneKey]
}

// tablePaneKey is everything the table's pane shows.
type tablePaneKey struct {
	body, title string
	focused     bool
	w, h        int
	styles      *Styles
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
		if textWidth(t) <= y.width-4 {
			break
		}
	}
	k := tablePaneKey{body: y.rendered, title: full, focused: y.focused, w: y.width, h: y.height, styles: e.look.styles}
	return y.drawn.pane.get(k, func() string { return pane(k.styles, k.focused, k.title, k.body, k.w, k.h) })
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
