package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// manyDataset is a made-up market whose one dimension has more segments
// than the panes show at 80×24, so the tree and the table scroll.
func manyDataset(t testing.TB, n int) *model.Dataset {
	t.Helper()
	var b strings.Builder
	b.WriteString(`market: Many Segments
currency: USD
unit: billion
source: made up for the ui tests
base_year: 2020
end_year: 2025
total:
  value_bn: 10
  cagr_pct: 10
  notes: {value_bn: "made up", cagr_pct: "made up"}
dimensions:
  - name: Wide
    segments:
`)
	for i := range n {
		share := 100.0 / float64(n)
		if i == n-1 {
			share = 100 - share*float64(n-1)
		}
		fmt.Fprintf(&b, "      - name: Segment %02d\n        share_pct: %v\n        cagr_pct: %d\n        notes: {share_pct: \"made up\", cagr_pct: \"made up\"}\n",
			i+1, share, 5+i)
	}
	ds, err := model.LoadDataset("many.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestClicksOnScrolledRows checks that a click selects the row drawn under
// it when the tree and the table have scrolled down a long list.
func TestClicksOnScrolledRows(t *testing.T) {
	ds := manyDataset(t, 16)
	m := New(ds, &model.Scenario{Name: "Many", Dataset: ds.Market, Assumptions: ds.Base()}, Options{Dark: true})
	m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	for range 15 {
		m = send(t, m, runeKey('j'))
	}
	if got := m.sel.selected(); ds.Nodes[got].Name != "Segment 15" {
		t.Fatalf("selected %q", ds.Nodes[got].Name)
	}
	checkFits(t, view(m), 80, 24)
	// The selected row is drawn: the lists scrolled.
	if y := lineIndex(m, "Segment 15"); y < 0 {
		t.Fatalf("the selected row is not on screen:\n%s", view(m))
	}
	if lineIndex(m, "Segment 01") >= 0 && lineIndex(m, "Segment 01") < lineIndex(m, "Table:") {
		t.Fatalf("the tree did not scroll:\n%s", view(m))
	}
	// The table shows the selected row too, ending with the end year.
	row := tableRow(t, m, "Segment 15")
	if want := fmt.Sprintf("%.2f", m.scen.res.Value(m.sel.selected(), m.scen.res.Years-1)); row[len(row)-3] != want {
		t.Fatalf("the table's Segment 15 row: %v, want the end year's %s before Real and Δshare", row, want)
	}
	// Click the row drawn as Segment 12 in the tree.
	lines := viewLines(m)
	y := -1
	for i, l := range lines[:lineIndex(m, "Table:")] {
		if strings.Contains(l, "Segment 12") {
			y = i
		}
	}
	if y < 0 {
		t.Fatalf("Segment 12 is not in the scrolled tree:\n%s", view(m))
	}
	m = send(t, m, tea.MouseClickMsg{X: 4, Y: y, Button: tea.MouseLeft})
	if got := ds.Nodes[m.sel.selected()].Name; got != "Segment 12" {
		t.Errorf("a click on the tree's Segment 12 row selects %q", got)
	}
	// And in the table, which scrolls on its own.
	m = send(t, m, runeKey('j'), runeKey('j'), runeKey('j'), runeKey('j'))
	tbl := lineIndex(m, "Table:")
	y = -1
	for i, l := range viewLines(m)[tbl:] {
		if strings.Contains(l, "Segment 13") {
			y = tbl + i
		}
	}
	if y < 0 {
		t.Fatalf("Segment 13 is not in the scrolled table:\n%s", view(m))
	}
	m = send(t, m, tea.MouseClickMsg{X: 40, Y: y, Button: tea.MouseLeft})
	if got := ds.Nodes[m.sel.selected()].Name; got != "Segment 13" {
		t.Errorf("a click on the table's Segment 13 row selects %q:\n%s", got, view(m))
	}
}

// TestTableHighlightsSelectedRow checks that the table draws the selected
// segment, and only that one, in the selected style, also after the rows
// scroll.
func TestTableHighlightsSelectedRow(t *testing.T) {
	ds := manyDataset(t, 30)
	for _, moves := range []int{0, 3, 25} {
		// A new model each time: copies of a *Model share its panes' state.
		mm := New(ds, &model.Scenario{Name: "Many", Dataset: ds.Market, Assumptions: ds.Base()}, Options{NoColor: true})
		mm = send(t, mm, tea.WindowSizeMsg{Width: 80, Height: 24})
		for range moves {
			mm = send(t, mm, runeKey('j'))
		}
		want := nodeName(mm.scen.ds, mm.sel.rows()[moves])
		if moves == 0 && want != "Total" {
			t.Fatalf("the first row is %q, not the total", want)
		}
		lines := strings.Split(mm.View().Content, "\n")
		var lit []string
		for _, l := range lines[mm.lay.tbl.y+2 : mm.lay.tbl.y+mm.lay.tbl.h-1] {
			if strings.Contains(l, "\x1b[7m") {
				lit = append(lit, ansi.Strip(l))
			}
		}
		if len(lit) != 1 || !strings.Contains(lit[0], want) {
			t.Errorf("after %d moves the table highlights %q, want one row with %q", moves, lit, want)
		}
	}
}
