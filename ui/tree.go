package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// tree lists the segments of the selected dimension at the current level,
// with their base share, entered and realised CAGR, and marks.
type tree struct {
	e             env
	width, height int // outer size, border included
	focused       bool
	offset        int // first listed row, when the list scrolls
	// drawn is what the pane drew last, line by line, and what from: a
	// row is drawn again only when one of its figures changed.
	drawn *treeDrawn
}

// treeDrawn are the tree's lines as last drawn.
type treeDrawn struct {
	head   memo[treeHeadKey]
	rows   []memo[treeRowKey] // by place on screen, from the top
	detail figMemo[detailKey]
	// wrapped is the selected row's rationale, wrapped to the pane.
	wrapped figCache[wrappedKey, []string]
}

// treeHeadKey is what the column header shows.
type treeHeadKey struct {
	inner  int
	styles *Styles
}

// treeRowKey is everything one row of the tree shows.
type treeRowKey struct {
	n, nameW, inner int
	styles          *Styles
	first           bool // the level's parent row
	style           treeStyle
	share           float64
	shareMark       bool
	entered         float64
	enteredAs       enteredAs
	enteredMark     bool
	real            float64
	mark            string
}

// treeStyle is how a row is drawn.
type treeStyle int

const (
	rowPlain treeStyle = iota
	rowTotal
	rowSelected
)

// enteredAs is what the CAGR column shows of a row.
type enteredAs int

const (
	enteredRate   enteredAs = iota // the rate entered
	enteredSum                     // bottom-up, the total: the segments' sum
	enteredLevers                  // the market's rate with the levers
)

// detailKey is what the rationale under the tree shows but for the
// figures it is written from (the selected row's share, CAGR, base value
// and the market's CAGR, and its path of rates), which the memo compares.
type detailKey struct {
	n, inner, lines int
	mode            model.Mode
	styles          *Styles
}

func newTree(e env) tree { return tree{e: e, drawn: &treeDrawn{}} }

// SetSize sets the outer size of the pane.
func (t *tree) SetSize(w, h int) { t.width, t.height = w, h }

// Update moves through the rows: up and down, into a segment's
// sub-segments and back out.
func (t tree) Update(msg tea.Msg) (tree, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return t, nil
	}
	e := t.e
	switch {
	case key.Matches(k, e.look.keys.Up):
		e.sel.moveCursor(-1)
	case key.Matches(k, e.look.keys.Down):
		e.sel.moveCursor(1)
	case key.Matches(k, e.look.keys.Drill):
		if !e.sel.drill() {
			e.status.info(nodeName(e.ds, e.sel.selected()) + " has no sub-segments.")
		}
	case key.Matches(k, e.look.keys.Back):
		e.sel.back()
	}
	t.scroll()
	return t, nil
}

// Bindings are the tree's keys, for the help.
func (t *tree) Bindings() []key.Binding {
	k := t.e.look.keys
	return []key.Binding{k.Up, k.Down, k.Drill, k.Back}
}

const (
	treeShareW = 7
	treeRateW  = 6
	treeMarkW  = 2
)

// visibleRows is how many segment rows fit under the column header and
// above the detail lines.
func (t *tree) visibleRows() int { return max(t.height-3-t.detailLines(), 1) }

// detailLines is how many lines the selected row's rationale takes at the
// bottom of the pane: what it needs, up to four, when every row shows
// above it with room to spare (a path's rates and the reasons behind the
// figures then show whole on a large terminal), two when the list leaves
// room, one otherwise, none in a pane too short to spare one. More than
// two only while every row shows, so moving the selection never scrolls.
func (t *tree) detailLines() int {
	room := t.height - 3
	free := room - len(t.e.sel.rows())
	switch {
	case room < 4:
		return 0
	case free < 2:
		return 1
	case free < 3:
		return 2
	}
	need := len(t.detail())
	return max(2, min(need, 4, free))
}

// detail is the selected row's rationale, wrapped to the pane: kept
// while the row, the width, the mode and the figures it is written from
// stay (the pane asks for it several times a frame, to lay itself out).
func (t *tree) detail() []string {
	e := t.e
	a, n := e.scen.Assumptions(), e.sel.selected()
	return t.drawn.wrapped.get(wrappedKey{n: n, width: t.width, mode: a.Mode}, rationaleFigures(a, n), func() []string {
		return strings.Split(wrap(rationale(e.ds, a, n), t.width-2, "  "), "\n")
	})
}

// wrappedKey is what the rationale of a row, wrapped, is written from but
// for its figures (see rationaleFigures).
type wrappedKey struct {
	n, width int
	mode     model.Mode
}

// rationaleFigures are the figures node n's rationale is written from:
// its share and CAGR, the market's base value and CAGR, and its years
// with a rate of their own (the market's, for the total).
func rationaleFigures(a model.Assumptions, n int) [][]float64 {
	path := a.PathOf(n)
	if n == 0 {
		path = a.YearGrowth
	}
	return [][]float64{{a.Share[n], a.Growth[n], a.BaseValue, a.Growth[0]}, path}
}

func (t *tree) scroll() {
	vis := t.visibleRows()
	cur := t.e.sel.cursor[t.e.sel.dim]
	if cur < t.offset {
		t.offset = cur
	}
	if cur >= t.offset+vis {
		t.offset = cur - vis + 1
	}
	t.offset = max(0, min(t.offset, len(t.e.sel.rows())-vis))
}

// rowAt returns the row index under line y of the pane (0 is the top
// border), or -1.
func (t *tree) rowAt(y int) int {
	t.scroll() // View scrolls a copy of the model; find the same offset here
	i := y - 2 + t.offset
	if y < 2 || i >= len(t.e.sel.rows()) || y >= t.height-1 {
		return -1
	}
	return i
}

// View renders the pane with its border.
func (t *tree) View() string {
	e, s := t.e, t.e.look.styles
	inner := t.width - 2
	nameW := max(inner-treeShareW-2*treeRateW-treeMarkW-1, 8)
	a := e.scen.Assumptions()
	t.scroll()

	var b strings.Builder
	b.Grow(t.height * (t.width + 40))
	b.WriteString(t.drawn.head.get(treeHeadKey{inner: inner, styles: s}, func() string {
		hdr := fmt.Sprintf(" %-*s%*s%*s%*s%*s", nameW, "Segment", treeShareW, "Share", treeRateW, "CAGR", treeRateW, "Real", treeMarkW, "")
		return s.Header.Render(ansi.Truncate(hdr, inner, ""))
	}))
	rows := e.sel.rows()
	wFrom, wTo, _ := e.scen.Window()
	vis := t.visibleRows()
	for len(t.drawn.rows) < vis {
		t.drawn.rows = append(t.drawn.rows, memo[treeRowKey]{})
	}
	for i := t.offset; i < len(rows) && i < t.offset+vis; i++ {
		n := rows[i]
		k := treeRowKey{n: n, nameW: nameW, inner: inner, styles: s, first: i == 0,
			share: a.Share[n], shareMark: n != 0 && e.ds.StillReported(&a, n, model.FieldShare),
			entered: a.Growth[n], real: e.scen.Result().CAGR(n, wFrom, wTo)}
		levers := n == 0 && a.DriverSum() != 0
		switch {
		case n == 0 && a.Mode == model.BottomUp:
			k.enteredAs, k.entered = enteredSum, 0
		case levers:
			// The rate the market grows at: the CAGR with the levers.
			k.enteredAs, k.entered = enteredLevers, a.MarketGrowth()
		}
		k.enteredMark = !levers && e.ds.StillReported(&a, n, model.FieldCAGR)
		switch {
		case a.Locked[n] && n != 0 && a.HasPath(n):
			k.mark = "L~"
		case a.Locked[n]:
			k.mark = "L"
		case n != 0 && a.HasPath(n):
			k.mark = "~" // a growth path: years of its own rate
		}
		if i == 0 {
			k.style = rowTotal
		}
		if i == e.sel.cursor[e.sel.dim] {
			k.style = rowSelected
		}
		b.WriteByte('\n')
		b.WriteString(t.drawn.rows[i-t.offset].get(k, func() string { return t.row(k) }))
	}
	if dl := t.detailLines(); dl > 0 {
		shown := min(len(rows)-t.offset, vis)
		for range vis - shown {
			b.WriteByte('\n')
		}
		n := e.sel.selected()
		b.WriteString(t.drawn.detail.get(detailKey{n: n, inner: inner, lines: dl, mode: a.Mode, styles: s}, rationaleFigures(a, n), func() string {
			return t.detailView(t.detail(), inner, dl)
		}))
	}
	title := "Segments"
	if p := e.sel.parent[e.sel.dim]; p != 0 {
		title = "‹ " + clean(e.ds.Nodes[p].Name)
	}
	return pane(s, t.focused, title, b.String(), t.width, t.height)
}

// row draws one row of the tree from everything it shows.
func (t *tree) row(k treeRowKey) string {
	e := t.e
	node := &e.ds.Nodes[k.n]
	name := clean(nodeName(e.ds, k.n))
	if k.first && k.n != 0 {
		name = "▾ " + name
	} else if !k.first {
		name = "  " + name
		if len(node.Children) > 0 {
			// The drill marker survives a cut name: it says enter
			// leads somewhere.
			name = ansi.Truncate(name, k.nameW-2, "…") + " ›"
		}
	}
	share := fmtNum(k.share, 1)
	// Only a share the source states is marked: one derived from a
	// reported value is not (the value is marked where it is shown).
	if k.shareMark {
		share += "*"
	} else {
		share += " "
	}
	var entered string
	switch k.enteredAs {
	case enteredSum:
		entered = "sum"
	default:
		entered = fmtNum(k.entered, 1)
	}
	if k.enteredMark {
		entered += "*"
	} else {
		entered += " "
	}
	// Padded by the cells the name takes, not its characters: a
	// full-width name (＝1+1) pushed its row's numbers a column over.
	line := fmt.Sprintf(" %s%*s%*s%*s%*s", padRight(truncate(name, k.nameW, "…"), k.nameW), treeShareW, share,
		treeRateW, entered, treeRateW, fmtNum(k.real, 1), treeMarkW, k.mark)
	line = padRight(truncate(line, k.inner, ""), k.inner)
	p := &k.styles.paint
	switch k.style {
	case rowTotal:
		return p.total.render(line)
	case rowSelected:
		return p.selected.render(line)
	}
	return p.row.render(line)
}

// detail is the selected row's rationale on lines lines under the tree,
// inner wide, muted.
func (t *tree) detailView(wrapped []string, inner, lines int) string {
	s := t.e.look.styles
	var b strings.Builder
	for i := range lines {
		l := ""
		if i < len(wrapped) {
			l = wrapped[i]
			if i == lines-1 && len(wrapped) > lines {
				l = ansi.Truncate(l, inner-1, "") + "…"
			}
		}
		b.WriteString("\n" + s.paint.muted.render(truncate(l, inner, "…")))
	}
	return b.String()
}

func padRight(s string, w int) string {
	if d := w - textWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}
