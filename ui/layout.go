package ui

// Minimum terminal size; below it the dashboard asks to be enlarged
// rather than drawing panes too small to read.
const (
	minWidth  = 80
	minHeight = 24
)

// rect is a pane's place on the screen.
type rect struct{ x, y, w, h int }

// layout is every pane's rectangle for one terminal size.
type layout struct {
	w, h                     int // the terminal's size
	tooSmall                 bool
	header, tree, chart, tbl rect
	status                   rect
}

// computeLayout places the panes: header on top, tree and chart side by
// side, the year table below them, the status line at the bottom.
// maxRows is the longest list of rows (parent included) of the dataset, so
// the table is never taller than it needs to be and the chart gets the rest;
// treeNeeds is the width the tree needs for its longest name, so that on a
// wide screen the numbers stay next to their labels and the chart gets
// the rest.
func computeLayout(w, h, maxRows, treeNeeds int) layout {
	if w < minWidth || h < minHeight {
		return layout{w: w, h: h, tooSmall: true}
	}
	const headerH, statusH = 2, 1
	bodyH := h - headerH - statusH
	// The table needs its rows, a column header and a border; at 80×24
	// that leaves 11 lines for tree and chart, seven rows in each half.
	tblH := min(max(maxRows+3, 6), bodyH-11)
	topH := bodyH - tblH
	treeW := max(min(w*45/100, 72, treeNeeds), 44)
	return layout{
		w: w, h: h,
		header: rect{0, 0, w, headerH},
		tree:   rect{0, headerH, treeW, topH},
		chart:  rect{treeW, headerH, w - treeW, topH},
		tbl:    rect{0, headerH + topH, w, bodyH - topH},
		status: rect{0, h - statusH, w, statusH},
	}
}

// wideChartBelow is the width under which a comparison's chart takes
// the segments' room too: beside the segments, its lines for three or
// four scenarios had 26 columns at 80×24.
const wideChartBelow = 120

// chartWide folds the segments away and gives the chart the whole width
// (the table still lists the rows, and the navigation keys still work).
func (l layout) chartWide() layout {
	l.chart = rect{0, l.tree.y, l.w, l.tree.h}
	l.tree.w = 0
	return l
}
