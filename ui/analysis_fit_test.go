package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// showNode selects the row of the node at path: its tab, and its
// parent's level for a sub-segment.
func showNode(t *testing.T, m *Model, path string) *Model {
	t.Helper()
	if path == "Total" {
		return selectRow(t, send(t, m, runeKey('1')), 0)
	}
	n := node(t, path)
	nd := testDS.Nodes[n]
	m = send(t, m, runeKey(rune('1'+nd.Dim)))
	if nd.Depth > 1 {
		m = selectRow(t, m, nd.Parent)
		m = send(t, m, keyEnter)
	}
	return selectRow(t, m, n)
}

// cutNumber matches a number cut short by an ellipsis: "47.…", "1,2…",
// "ab 64…".
var cutNumber = regexp.MustCompile(`[0-9][.,]?…`)

// wholeNumbers fails the test unless the view shows each of want as
// whole words (line breaks allowed between words, never inside one), and
// no number on it is cut short.
func wholeNumbers(t *testing.T, what string, m *Model, want ...string) {
	t.Helper()
	v := view(m)
	checkFits(t, v, 80, 24)
	if cutNumber.MatchString(v) {
		t.Errorf("%s: a number is cut: %q\n%s", what, cutNumber.FindString(v), v)
	}
	for _, w := range want {
		if !containsWords(v, w) {
			t.Errorf("%s: %q is not shown whole at 80×24:\n%s", what, w, v)
		}
	}
}

// TestAnalysisNumbersWhole: at 80×24, the smallest screen iomt runs on,
// each analysis dialog on the longest names of the dataset shows every
// number it speaks of whole: a label or a sentence is wrapped or
// shortened, never the number (docs/DESIGN.md §6: every number whole).
func TestAnalysisNumbersWhole(t *testing.T) {
	const (
		long = "End-User/Hospitals, Surgical Centers, and Clinics"
		deep = "Region/Asia-Pacific/Rest of Asia-Pacific"
	)
	for _, path := range []string{long, deep, "Region/Asia-Pacific", "Total"} {
		t.Run("montecarlo/"+path, func(t *testing.T) {
			m := showNode(t, newTestModel(t, 80, 24), path)
			m = send(t, m, runeKey('m'))
			d, ok := m.dialogs.top().(*monteCarloDialog)
			if !ok || !d.finish {
				t.Fatalf("m did not finish a run:\n%s", view(m))
			}
			m = send(t, typeText(t, m, "200"), keyEnter)
			last := len(d.p50) - 1
			wholeNumbers(t, "Monte Carlo", m,
				"10,000 paths, seed 1",
				fmt.Sprintf("%.1f %% of paths are above US$ %s bn in 2027.", d.prob*100, fmtAmount(200)),
				fmtNum(d.p10[last], 2), fmtNum(d.p50[last], 2), fmtNum(d.p90[last], 2))
		})
		t.Run("tornado/"+path, func(t *testing.T) {
			m := showNode(t, newTestModel(t, 80, 24), path)
			m = send(t, m, runeKey('t'))
			d, ok := m.dialogs.top().(*tornadoDialog)
			if !ok {
				t.Fatalf("t did not open the tornado:\n%s", view(m))
			}
			want := []string{"in 2027", "±2.0 pp each", fmtAmount(d.t.Base)}
			for i := d.top; i < len(d.t.Bars) && i < d.top+d.rows(); i++ {
				b := d.t.Bars[i]
				// The label keeps what kind of figure it is, whatever
				// of the name it shortens.
				kind := map[bool]string{true: "share", false: "CAGR"}[strings.HasSuffix(d.label(b.Param), " share")]
				if strings.HasPrefix(d.label(b.Param), "market growth") {
					kind = fmt.Sprint(b.Param.Year)
				}
				want = append(want, kind+" "+fmtAmount(min(b.Low, b.High)), fmtAmount(max(b.Low, b.High)))
			}
			wholeNumbers(t, "tornado", m, want...)
		})
		t.Run("goalseek/"+path, func(t *testing.T) {
			sc := baseScenario()
			sc.Assumptions.Drivers[0] = 1
			m := send(t, New(testDS, sc, Options{Dark: true}), tea.WindowSizeMsg{Width: 80, Height: 24})
			m = showNode(t, m, path)
			m = send(t, m, runeKey('g'), keyTab)
			m = send(t, typeText(t, m, "60"), keyEnter)
			d, ok := m.dialogs.top().(*goalSeekDialog)
			if !ok || d.solved == nil || !d.solved.sol.Reached {
				t.Fatalf("g 60 enter did not solve:\n%s", view(m))
			}
			a := m.Scenario()
			want := []string{"60", "in 2027", "now " + fmtNum(a.Growth[0], 2) + " % entered", "= " + fmtNum(a.MarketGrowth(), 2) + " % a year",
				"Answer: enter " + fmtNum(d.solved.sol.Rate, 2) + " % a year", "(" + fmtNum(d.solved.sol.Rate+1, 2) + " % with the levers)",
				fmtNum(d.solved.realised[1], 2) + " %"}
			if path != "Total" {
				want = append(want, fmtNum(d.solved.share[1], 2)+" %")
			}
			wholeNumbers(t, "goal seek", m, want...)
		})
	}
	t.Run("levers", func(t *testing.T) {
		m := newTestModel(t, 80, 24)
		m = send(t, m, runeKey('d'))
		for range len(testDS.Levers) {
			m = send(t, m, runeKey('+'), runeKey('j'))
		}
		a := m.Scenario()
		want := []string{"= " + fmtNum(a.MarketGrowth(), 2) + " %"}
		d := m.dialogs.top().(*leversDialog)
		for i := range testDS.Levers {
			if l := d.lineOf(i); l >= d.top && l < d.top+d.rows() {
				want = append(want, fmtSigned(a.Drivers[i], 1)+" pp")
			}
		}
		wholeNumbers(t, "levers", m, want...)
	})
}
