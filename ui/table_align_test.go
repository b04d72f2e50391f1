package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestTableBaseYearAligned: every year's heading ends where its numbers
// end, the base year's too, whose numbers carry the source's mark (or a
// blank in its place) after them. The heading once ended over the mark,
// one column right of a number without one.
func TestTableBaseYearAligned(t *testing.T) {
	for _, size := range [][2]int{{160, 48}, {200, 50}} {
		m := newTestModel(t, size[0], size[1])
		m = send(t, m, tea.KeyPressMsg{Code: '4', Text: "4"})
		lines := strings.Split(view(m), "\n")
		head := -1
		for i, l := range lines {
			if strings.Contains(l, " Segment ") && strings.Contains(l, "2019") && strings.Contains(l, "2027") {
				head = i
			}
		}
		if head < 0 || head+3 >= len(lines) {
			t.Fatalf("%v: no table heading with 2019 in\n%s", size, view(m))
		}
		h := []rune(lines[head])
		for _, y := range []string{"2019", "2020"} {
			end := strings.Index(string(h), y) // byte index: make it a rune column
			col := len([]rune(string(h)[:end])) + 3
			// A row under Total without a mark (Europe is an estimate's
			// share) ends its number at the heading's last digit.
			for _, row := range lines[head+1 : head+4] {
				r := []rune(row)
				if col+1 >= len(r) {
					continue
				}
				if r[col] < '0' || r[col] > '9' || (r[col+1] != ' ' && r[col+1] != '*') {
					t.Errorf("%v: %s's heading ends at column %d, over %q of\n%s\n%s", size, y, col, string(r[col-5:col+2]), lines[head], row)
				}
			}
		}
	}
}
