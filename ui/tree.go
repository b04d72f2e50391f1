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
}

func newTree(e env) tree { return tree{e: e} }

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
// bottom of the pane: two when the list leaves room, one otherwise, none
// in a pane too short to spare one.
func (t *tree) detailLines() int {
	room := t.height - 3
	switch {
	case room < 4:
		return 0
	case len(t.e.sel.rows())+2 <= room:
		return 2
	}
	return 1
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
	hdr := fmt.Sprintf(" %-*s%*s%*s%*s%*s", nameW, "Segment", treeShareW, "Share", treeRateW, "CAGR", treeRateW, "Real", treeMarkW, "")
	b.WriteString(s.Header.Render(ansi.Truncate(hdr, inner, "")))
	rows := e.sel.rows()
	wFrom, wTo, _ := e.scen.Window()
	for i := t.offset; i < len(rows) && i < t.offset+t.visibleRows(); i++ {
		n := rows[i]
		node := &e.ds.Nodes[n]
		name := clean(nodeName(e.ds, n))
		if i == 0 && n != 0 {
			name = "▾ " + name
		} else if i > 0 {
			name = "  " + name
			if len(node.Children) > 0 {
				// The drill marker survives a cut name: it says enter
				// leads somewhere.
				name = ansi.Truncate(name, nameW-2, "…") + " ›"
			}
		}
		share := fmtNum(a.Share[n], 1)
		// Only a share the source states is marked: one derived from a
		// reported value is not (the value is marked where it is shown).
		if n != 0 && e.ds.StillReported(&a, n, model.FieldShare) {
			share += "*"
		} else {
			share += " "
		}
		entered := fmtNum(a.Growth[n], 1)
		levers := n == 0 && a.DriverSum() != 0
		switch {
		case n == 0 && a.Mode == model.BottomUp:
			entered = "sum"
		case levers:
			// The rate the market grows at: the CAGR with the levers.
			entered = fmtNum(a.MarketGrowth(), 1)
		}
		if !levers && e.ds.StillReported(&a, n, model.FieldCAGR) {
			entered += "*"
		} else {
			entered += " "
		}
		mark := ""
		if a.Locked[n] {
			mark = "L"
		}
		if n != 0 && a.HasPath(n) {
			mark += "~" // a growth path: years of its own rate
		}
		// Padded by the cells the name takes, not its characters: a
		// full-width name (＝1+1) pushed its row's numbers a column over.
		line := fmt.Sprintf(" %s%*s%*s%*s%*s", padRight(ansi.Truncate(name, nameW, "…"), nameW), treeShareW, share,
			treeRateW, entered, treeRateW, fmtNum(e.scen.Result().CAGR(n, wFrom, wTo), 1), treeMarkW, mark)
		line = padRight(ansi.Truncate(line, inner, ""), inner)
		style := s.Row
		if i == 0 {
			style = s.Total
		}
		if i == e.sel.cursor[e.sel.dim] {
			style = s.Selected
		}
		b.WriteString("\n")
		b.WriteString(style.Render(line))
	}
	if dl := t.detailLines(); dl > 0 {
		shown := min(len(rows)-t.offset, t.visibleRows())
		b.WriteString(strings.Repeat("\n", t.visibleRows()-shown))
		lines := strings.Split(wrap(rationale(e.ds, e.scen.Assumptions(), e.sel.selected()), inner, "  "), "\n")
		for i := range dl {
			l := ""
			if i < len(lines) {
				l = lines[i]
				if i == dl-1 && len(lines) > dl {
					l = ansi.Truncate(l, inner-1, "") + "…"
				}
			}
			b.WriteString("\n" + s.Muted.Render(ansi.Truncate(l, inner, "…")))
		}
	}
	title := "Segments"
	if p := e.sel.parent[e.sel.dim]; p != 0 {
		title = "‹ " + clean(e.ds.Nodes[p].Name)
	}
	return pane(s, t.focused, title, b.String(), t.width, t.height)
}

func padRight(s string, w int) string {
	if d := w - ansi.StringWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}
