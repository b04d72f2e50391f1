package ui

import "iomt/model"

// selection is what the user looks at: the dimension tab, per tab the
// level listed and the row selected, and the metric of the chart and the
// table. The panes move it (the tree and the table take the navigation
// keys); it never changes the scenario.
type selection struct {
	ds     *model.Dataset
	dim    int   // selected dimension tab
	parent []int // per dimension: node whose children are listed (0 = top level)
	cursor []int // per dimension: selected row (0 is the parent row)
	metric Metric
	// differences: comparing, the table shows each compared scenario
	// minus this one rather than their figures side by side.
	differences bool
}

func newSelection(ds *model.Dataset) *selection {
	return &selection{ds: ds, parent: make([]int, len(ds.Dims)), cursor: make([]int, len(ds.Dims))}
}

// rows returns the listed nodes: the parent first, then its children.
func (s *selection) rows() []int {
	p := s.parent[s.dim]
	var kids []int
	if p == 0 {
		kids = s.ds.Dims[s.dim].Top
	} else {
		kids = s.ds.Nodes[p].Children
	}
	out := make([]int, 0, len(kids)+1)
	out = append(out, p)
	return append(out, kids...)
}

// children returns the listed segments without the parent row.
func (s *selection) children() []int { return s.rows()[1:] }

// selected returns the node of the selected row.
func (s *selection) selected() int {
	rows := s.rows()
	i := min(max(s.cursor[s.dim], 0), len(rows)-1)
	return rows[i]
}

// onParentRow reports whether the selected row heads the level listed
// (the total at the top level, the drilled-in segment below it).
func (s *selection) onParentRow() bool { return s.selected() == s.parent[s.dim] }

func (s *selection) moveCursor(delta int) { s.setCursor(s.cursor[s.dim] + delta) }

func (s *selection) setCursor(i int) {
	n := len(s.rows())
	s.cursor[s.dim] = min(max(i, 0), n-1)
}

// show selects node's row: its dimension's tab, the level that lists
// it; the total is selected on the current tab's top level.
func (s *selection) show(node int) {
	if node <= 0 || node >= len(s.ds.Nodes) {
		s.parent[s.dim], s.cursor[s.dim] = 0, 0
		return
	}
	n := &s.ds.Nodes[node]
	s.dim = n.Dim
	if n.Depth == 2 {
		s.parent[s.dim] = n.Parent
	} else {
		s.parent[s.dim] = 0
	}
	for i, r := range s.rows() {
		if r == node {
			s.cursor[s.dim] = i
		}
	}
}

// drill lists the selected segment's children; it reports false for a leaf.
func (s *selection) drill() bool {
	n := s.selected()
	if n == 0 || n == s.parent[s.dim] || len(s.ds.Nodes[n].Children) == 0 {
		return false
	}
	s.parent[s.dim] = n
	s.cursor[s.dim] = 1
	return true
}

// back returns to the parent level, keeping the drilled segment selected.
func (s *selection) back() bool {
	p := s.parent[s.dim]
	if p == 0 {
		return false
	}
	s.parent[s.dim] = s.ds.Nodes[p].Parent
	for i, r := range s.rows() {
		if r == p {
			s.cursor[s.dim] = i
		}
	}
	return true
}

// selectTab shows dimension tab i (out of range: nothing happens).
func (s *selection) selectTab(i int) {
	if i >= 0 && i < len(s.ds.Dims) {
		s.dim = i
	}
}

// cycleMetric shows the next metric, and names it.
func (s *selection) cycleMetric() string {
	s.metric = (s.metric + 1) % metricCount
	return "Chart and table show " + s.metricLabel() + "."
}

// metricLabel names the metric with the dataset's currency and unit.
func (s *selection) metricLabel() string {
	if s.metric != MetricValue {
		return s.metric.String()
	}
	return "value, " + unitLabel(s.ds)
}

// mirror shows what a presenter's snapshot shows.
func (s *selection) mirror(snap *Snapshot) {
	s.dim, s.metric, s.differences = snap.Dim, snap.Metric, snap.Differences
	copy(s.parent, snap.Parent)
	copy(s.cursor, snap.Cursor)
}
