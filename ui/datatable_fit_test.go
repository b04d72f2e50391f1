package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestDataTableFitsSmallTerminals: at 80×24 a 15×15 data table shows what
// fits, says which rows and columns and how to reach the others, and [/]
// scroll the axis tab picked, to its end; a parameter's long name wraps
// rather than losing its step to "…"; the legend says where the values as
// they stand are, and that their cell is scrolled off when it is.
func TestDataTableFitsSmallTerminals(t *testing.T) {
	m := regionRow(t, newTestModel(t, 80, 24), "Region/Asia-Pacific")
	m = send(t, m, runeKey('T'))
	for range 4 {
		m = send(t, m, runeKey('>'))
	}
	m = send(t, m, keyTab)
	for range 4 {
		m = send(t, m, runeKey('>'))
	}
	d := m.dialogs.top().(*dataTableDialog)
	if len(d.t.Cols.Values) != 15 || len(d.t.Rows.Values) != 15 {
		t.Fatalf("a %d×%d table, want 15×15", len(d.t.Rows.Values), len(d.t.Cols.Values))
	}
	v := view(m)
	checkFits(t, v, 80, 24)
	if !containsWords(v, "[ ] the values as they stand (rows 18.50, columns 22.50)") ||
		!containsWords(v, "columns 4–11 of 15: [/] scroll the columns (tab: the rows)") {
		t.Fatalf("the legend or the note on what shows:\n%s", v)
	}
	last := fmtNum(d.t.Cols.Values[14], 2)
	if strings.Contains(v, last) {
		t.Fatalf("the last column %s shows at 80 columns; the test needs a grid too wide:\n%s", last, v)
	}
	for range 20 {
		m = send(t, m, runeKey(']'))
	}
	v = view(m)
	if !strings.Contains(v, last) || !containsWords(v, "columns 8–15 of 15:") {
		t.Errorf("] does not scroll to the last column %s:\n%s", last, v)
	}
	m = send(t, m, runeKey('['))
	if !containsWords(view(m), "columns 7–14 of 15:") {
		t.Errorf("[ after the end does not scroll back at once:\n%s", view(m))
	}

	// A long parameter wraps, its step kept.
	for range len(d.params) {
		if strings.Contains(d.t.Cols.Param.Name, "Middle East") {
			break
		}
		m = send(t, m, keyDown)
		d = m.dialogs.top().(*dataTableDialog)
	}
	v = view(m)
	checkFits(t, v, 80, 24)
	if !strings.Contains(d.t.Cols.Param.Name, "Middle East") || !containsWords(v, "("+d.t.Cols.Param.Name+"), step 1 pp") {
		t.Errorf("the columns' parameter %s is cut:\n%s", d.t.Cols.Param.Name, v)
	}
	if !regexp.MustCompile(`(?m)^┃ {11}step 1 pp`).MatchString(v) {
		t.Errorf("the wrapped line does not start under the parameter's name:\n%s", v)
	}

	// In a narrower dialog the current cell can be scrolled off: the
	// legend says which way.
	m = send(t, m, keyUp)
	d = m.dialogs.top().(*dataTableDialog)
	d.SetSize(50, 22)
	for range 20 {
		m = send(t, m, runeKey(']'))
	}
	if v := ansi.Strip(d.View()); !containsWords(v, "scrolled off, to the left ([/] scroll)") || strings.Contains(v, "["+fmtNum(d.t.Cell(d.t.CurRow, d.t.CurCol), 2)+"]") {
		t.Errorf("the current cell scrolled off, unsaid:\n%s", v)
	}
}
