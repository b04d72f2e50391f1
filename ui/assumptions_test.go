package ui

import (
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"iomt/forecast"
	"iomt/model"
)

// Every assumption in reach (issue 21), driven as a user does: the
// market's size and a segment's growth path with e, Monte Carlo shaped on
// its screen, goal seek answers to quote, the data table.

// TestMarketSizeByKeys: e, tab, tab on the Total row types the market's
// base-year size; segments keep their shares, the figure says it is the
// scenario's, undo takes it back; 0 is refused in the prompt, naming it.
func TestMarketSizeByKeys(t *testing.T) {
	m := newTestModel(t, 100, 30)
	before := m.Scenario()
	m = send(t, m, runeKey('e'), keyTab, keyTab)
	if l := lastLine(m); !strings.Contains(l, "Market size in 2019, US$ bn: 51.20") {
		t.Fatalf("the Total row's third field: %q", l)
	}
	m = typeText(t, m, "0")
	m = send(t, m, keyEnter)
	if !topIs[*valuePrompt](m) || !m.Scenario().Equal(before) || !strings.Contains(lastLine(m), "base-year value 0: the market's size must be above 0") {
		t.Fatalf("0: top %T, line %q", m.dialogs.top(), lastLine(m))
	}
	m = send(t, m, ctrlU)
	m = typeText(t, m, "46.08")
	m = send(t, m, keyEnter)
	a := m.Scenario()
	if a.BaseValue != 46.08 || !strings.Contains(lastLine(m), "US$ 46.08 bn in 2019 in this scenario (the dataset's: US$ 51.20 bn)") {
		t.Fatalf("base value %v, status %q", a.BaseValue, lastLine(m))
	}
	if !slices.Equal(a.Share, before.Share) {
		t.Error("the segments' shares moved with the market's size")
	}
	// 46.08 is 51.2 less 10 %: every value 0.9 times the report's.
	base := forecast.Project(testDS, &before)
	for n := range testDS.Nodes {
		if got, want := m.scen.res.Value(n, 8), 0.9*base.Value(n, 8); math.Abs(got-want) > 1e-9*want {
			t.Fatalf("%s 2027: %v, want 0.9 × %v", nodeName(testDS, n), got, base.Value(n, 8))
		}
	}
	if !strings.Contains(view(m), "value: set in this scenario") {
		t.Errorf("the Total row's rationale does not say the value is the scenario's:\n%s", view(m))
	}
	m = send(t, m, runeKey('u'))
	if !m.Scenario().Equal(before) {
		t.Error("undo does not take the market's size back")
	}
}

// TestGrowthPathByKeys: e, tab ×3 on Asia-Pacific types its growth in a
// year, ↑ picking a later one; the tree marks it ~, the rationale lists
// the year, and the projection is the model's; cagr gives the year back.
func TestGrowthPathByKeys(t *testing.T) {
	m := regionRow(t, newTestModel(t, 100, 30), "Region/Asia-Pacific")
	ap := node(t, "Region/Asia-Pacific")
	before := m.Scenario()
	m = send(t, m, runeKey('e'), keyTab, keyTab, keyTab)
	if l := lastLine(m); !strings.Contains(l, "Asia-Pacific growth in 2020 %: CAGR") {
		t.Fatalf("the fourth field: %q", l)
	}
	m = send(t, m, keyUp, keyUp, keyUp, keyUp)
	m = typeText(t, m, "30")
	m = send(t, m, keyEnter)
	a := m.Scenario()
	if r, ok := a.YearRate(ap, 5); !ok || r != 30 {
		t.Fatalf("2024's rate %v %v; status %q", r, ok, lastLine(m))
	}
	if row := treeRow(t, m, "Asia-Pacific"); row.mark != "~" {
		t.Errorf("the tree marks Asia-Pacific %q, want ~", row.mark)
	}
	if !strings.Contains(view(m), "growth 2024: set in this scenario") && !strings.Contains(lastLine(m), "Asia-Pacific grows 30.0 % in 2024, a rate of its own") {
		t.Errorf("the path is not said:\n%s", view(m))
	}
	want, _ := testDS.Apply(before, before, model.Edit{Kind: model.SetYearGrowth, Node: ap, Year: 2024, Value: 30})
	if !a.Equal(want) {
		t.Error("the keys made another edit than the path's year")
	}
	// A year outside the forecast cannot be picked: ↓ stops at 2020.
	m = send(t, m, runeKey('e'), keyTab, keyTab, keyTab, keyDown)
	if l := lastLine(m); !strings.Contains(l, "2020 is the first year") {
		t.Errorf("↓ from 2020: %q", l)
	}
	m = send(t, m, keyUp, keyUp, keyUp, keyUp)
	m = typeText(t, m, "cagr")
	m = send(t, m, keyEnter)
	if !m.Scenario().Equal(before) {
		t.Errorf("cagr for 2024 leaves paths %v", m.Scenario().Paths)
	}
}

// TestMonteCarloShapedByKeys: on the m screen, tab to the range, a low
// and a high, enter: the range is an edit of the scenario, the run
// starts again, and its numbers are the command line's on the scenario
// file saved from it; a range without the rate is refused and changes
// nothing; v draws the row's own rates only and says so; the histogram
// of the year is beside the fan, P10 to P90 marked.
func TestMonteCarloShapedByKeys(t *testing.T) {
	m := regionRow(t, newTestModel(t, 120, 40), "Region/Asia-Pacific")
	ap := node(t, "Region/Asia-Pacific")
	m = send(t, m, runeKey('m'))
	if v := view(m); !containsWords(v, "Draws: every growth rate in the tree") || !strings.Contains(v, "2027, paths by value") ||
		!strings.Contains(v, "◂ P50") || !strings.Contains(v, "◂ P10") {
		t.Fatalf("the screen does not say what it draws or show the histogram:\n%s", v)
	}
	before := m.Scenario()
	m = send(t, m, keyTab)
	m = typeText(t, m, "23")
	m = send(t, m, keyTab)
	m = typeText(t, m, "30")
	m = send(t, m, keyEnter)
	if !m.Scenario().Equal(before) || !strings.Contains(lastLine(m), "does not contain the rate entered, 22.5 %") {
		t.Fatalf("23–30 around 22.5: ranges %v, status %q", m.Scenario().Ranges[ap], lastLine(m))
	}
	m = send(t, m, keyTab, keyTab, keyTab) // back to the low
	m = send(t, m, ctrlU)
	m = typeText(t, m, "18")
	m = send(t, m, keyEnter)
	a := m.Scenario()
	if a.Ranges[ap] != (model.Range{Lo: 18, Hi: 30}) {
		t.Fatalf("range %v; status %q", a.Ranges[ap], lastLine(m))
	}
	d := m.dialogs.top().(*monteCarloDialog)
	if !d.finish {
		t.Fatal("the run did not start again and finish")
	}
	// The command line on the file the dashboard saves gives the same.
	file := testDS.MarshalScenario(m.scen.Current())
	sc, err := model.LoadScenario("saved.yaml", file, testDS)
	if err != nil || !strings.Contains(string(file), `"Region/Asia-Pacific": {cagr_range_pct: [18, 30]}`) {
		t.Fatalf("saved file (%v):\n%s", err, file)
	}
	sim, err := forecast.MonteCarloDraws(t.Context(), testDS, sc.Assumptions, ap, mcPaths, mcSeed, forecast.Draws{}, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	p10, p50, p90 := sim.Percentiles()
	for yi := range p50 {
		if d.p10[yi] != p10[yi] || d.p50[yi] != p50[yi] || d.p90[yi] != p90[yi] {
			t.Fatalf("year %d with the range: screen %v/%v/%v, command line %v/%v/%v", yi, d.p10[yi], d.p50[yi], d.p90[yi], p10[yi], p50[yi], p90[yi])
		}
	}
	m = send(t, m, runeKey('v'))
	if v := view(m); !containsWords(v, "Draws: only Region/Asia-Pacific's own rates drawn (its CAGR), over its cagr_range_pct, 18 to 30 %") {
		t.Errorf("v does not say only the row's rates are drawn:\n%s", v)
	}
	own, _ := forecast.MonteCarloDraws(t.Context(), testDS, sc.Assumptions, ap, mcPaths, mcSeed, forecast.Draws{Vary: forecast.VaryNode}, 2, nil)
	if _, o50, _ := own.Percentiles(); d.p50[8] != o50[8] {
		t.Errorf("v: 2027 median %v, --vary node gives %v", d.p50[8], o50[8])
	}
	// r gives the default spread back, as an edit too.
	m = send(t, m, runeKey('r'))
	if m.Scenario().Ranges[ap].IsSet() {
		t.Error("r left the range")
	}
	m = send(t, m, keyEsc, runeKey('u'))
	if m.Scenario().Ranges[ap] != (model.Range{Lo: 18, Hi: 30}) {
		t.Errorf("undo after r: range %v", m.Scenario().Ranges[ap])
	}
}

// TestGoalSeekSiblingsAligned: the goal seek screen lays the siblings'
// values before and after in columns: a sibling a line where the height
// has room (160×48), else as many a line as fit (80×24), every "→" at
// one column. They were words in a sentence, wrapped anywhere at 80
// columns ("Europe 50.06 →" and "3.38" on two lines).
func TestGoalSeekSiblingsAligned(t *testing.T) {
	for _, size := range [][2]int{{160, 48}, {80, 24}} {
		m := regionRow(t, newTestModel(t, size[0], size[1]), "Region/Asia-Pacific")
		m = send(t, m, runeKey('g'))
		m = typeText(t, m, "190")
		m = send(t, m, keyEnter)
		lines := strings.Split(view(m), "\n")
		at := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "its siblings in 2027, US$ bn, before → after:") })
		if at < 0 {
			t.Fatalf("%v: no siblings' header:\n%s", size, view(m))
		}
		var arrows []int
		names := 0
		for _, l := range lines[at+1:] {
			if !strings.Contains(l, "→") {
				break
			}
			for _, n := range []string{"North America", "Europe", "Middle East & Africa", "South America"} {
				names += strings.Count(l, n)
			}
			col := 0
			for _, part := range strings.Split(l, "→")[:strings.Count(l, "→")] {
				col += utf8.RuneCountInString(part)
				arrows = append(arrows, col)
				col++
			}
		}
		rows := len(arrows)
		if size[1] == 24 {
			rows = 2
		}
		if names != 4 || len(arrows) != 4 {
			t.Fatalf("%v: %d names, %d arrows under the header:\n%s", size, names, len(arrows), view(m))
		}
		for i, a := range arrows {
			if want := arrows[i%(4/rows)]; a != want {
				t.Errorf("%v: arrow %d at column %d, the first of its column at %d:\n%s", size, i, a, want, view(m))
			}
		}
		if size[1] == 48 && arrows[0] != arrows[1] {
			t.Errorf("160×48: the siblings are not a line each:\n%s", view(m))
		}
	}
}

// TestMonteCarloScreenWords: what the m screen says reads once and is
// true: v says what Monte Carlo now draws without "draws … drawn"; a
// correlation that is no number suggests one from 0 to 1, not 18.5; a
// range set is kept in the scenario for s to save, not "saved".
func TestMonteCarloScreenWords(t *testing.T) {
	m := regionRow(t, newTestModel(t, 120, 40), "Region/Asia-Pacific")
	m = send(t, m, runeKey('m'), runeKey('v'))
	if msg := m.status.cur.msg; !strings.HasPrefix(msg, "Monte Carlo now: only Region/Asia-Pacific's own rates drawn") || strings.Contains(msg, "draws only") {
		t.Errorf("v: %q", msg)
	}
	m = send(t, m, keyTab, keyTab, keyTab)
	m = typeText(t, m, "abc")
	m = send(t, m, keyEnter)
	if msg := m.status.cur.msg; !strings.Contains(msg, `correlation "abc" is not a number: type one such as 0.4, from 0 to 1`) {
		t.Errorf("a correlation that is no number: %q", msg)
	}
	m = send(t, m, keyTab) // the threshold
	m = send(t, m, keyTab)
	m = typeText(t, m, "x")
	m = send(t, m, keyEnter)
	if msg := m.status.cur.msg; !strings.Contains(msg, `range low "x" is not a number: type one such as 19.5`) {
		t.Errorf("a range low that is no number: %q", msg)
	}
	m = send(t, m, ctrlU)
	m = typeText(t, m, "20")
	m = send(t, m, keyEnter)
	if msg := m.status.cur.msg; !strings.Contains(msg, "(cagr_range_pct, kept in the scenario; s saves it)") || strings.Contains(msg, "saved") {
		t.Errorf("a range set: %q", msg)
	}
}

// TestGoalSeekQuoteOnScreen: the answer names both rates and the
// siblings; an implausible one is warned about and can still be applied.
func TestGoalSeekQuoteOnScreen(t *testing.T) {
	m := regionRow(t, newTestModel(t, 120, 40), "Region/Asia-Pacific")
	m = send(t, m, runeKey('g'))
	m = typeText(t, m, "60")
	m = send(t, m, keyEnter)
	if v := view(m); !containsWords(v, "Answer: enter 20.78 % a year", "Asia-Pacific then grows 21.18 % a year 2019–2027 (now 22.36 %)",
		"North America 53.94 → 55.89") || strings.Contains(v, "Warning") {
		t.Fatalf("the answer:\n%s", v)
	}
	m = send(t, m, keyEsc, runeKey('g'))
	m = typeText(t, m, "190")
	m = send(t, m, keyEnter)
	v := view(m)
	if !containsWords(v, "Warning: 96.22 % a year is outside the rates the dataset holds (15.50 to 27.00 %)",
		"Warning: Region/Asia-Pacific would be 95.44 % of the total in 2027", "more than twice the market's 18.50 %") {
		t.Fatalf("the warnings:\n%s", v)
	}
	m = send(t, m, keyEnter)
	if got := m.Scenario().Growth[node(t, "Region/Asia-Pacific")]; math.Abs(got-96.22) > 0.01 {
		t.Errorf("a warned answer was not applied: %v", got)
	}
}

// TestDataTableByKeys: T on Asia-Pacific tables its 2027 value over the
// first two parameters of its tornado, centred on the values as they
// stand (that cell marked, and equal to the row's value); every cell is a
// single projection; ↓ picks the next parameter, + a larger step, > a
// larger grid, never past 15.
func TestDataTableByKeys(t *testing.T) {
	m := regionRow(t, newTestModel(t, 160, 48), "Region/Asia-Pacific")
	ap := node(t, "Region/Asia-Pacific")
	m = send(t, m, runeKey('T'))
	d, ok := m.dialogs.top().(*dataTableDialog)
	if !ok || d.t == nil {
		t.Fatalf("T did not make a table: %T\n%s", m.dialogs.top(), view(m))
	}
	tor, _ := forecast.Sensitivity(testDS, m.Scenario(), ap, 2027, 1)
	if d.t.Rows.Param != tor.Bars[0].Param || d.t.Cols.Param != tor.Bars[1].Param {
		t.Errorf("rows %s, columns %s; the tornado's first two are %s, %s", d.t.Rows.Param.Name, d.t.Cols.Param.Name, tor.Bars[0].Name, tor.Bars[1].Name)
	}
	cur := d.t.Cell(d.t.CurRow, d.t.CurCol)
	if cur != m.scen.res.Value(ap, 8) || !strings.Contains(view(m), "["+fmtNum(cur, 2)+"]") {
		t.Errorf("the current cell %v, Asia-Pacific's 2027 %v:\n%s", cur, m.scen.res.Value(ap, 8), view(m))
	}
	check := func() {
		t.Helper()
		d := m.dialogs.top().(*dataTableDialog)
		a := m.Scenario()
		for ri, rv := range d.t.Rows.Values {
			for ci, cv := range d.t.Cols.Values {
				b, err := testDS.Apply(a, a, d.t.Rows.Param.Set(rv))
				if err == nil {
					b, err = testDS.Apply(a, b, d.t.Cols.Param.Set(cv))
				}
				want := math.NaN()
				if err == nil {
					want = forecast.Project(testDS, &b).Value(ap, 8)
				}
				if got := d.t.Cell(ri, ci); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Fatalf("%s=%v × %s=%v: %v, projection %v", d.t.Rows.Param.Name, rv, d.t.Cols.Param.Name, cv, got, want)
				}
			}
		}
	}
	check()
	m = send(t, m, keyDown, runeKey('+'))
	d = m.dialogs.top().(*dataTableDialog)
	if d.t.Rows.Param != tor.Bars[2].Param || d.t.Rows.Values[1]-d.t.Rows.Values[0] != 2 {
		t.Errorf("↓ +: rows %s by %v", d.t.Rows.Param.Name, d.t.Rows.Values[1]-d.t.Rows.Values[0])
	}
	check()
	for range 8 {
		m = send(t, m, runeKey('>'))
	}
	m = send(t, m, keyTab)
	for range 8 {
		m = send(t, m, runeKey('>'))
	}
	d = m.dialogs.top().(*dataTableDialog)
	if len(d.t.Rows.Values) > dtMaxSize || len(d.t.Cols.Values) != dtMaxSize {
		t.Errorf("a grid of %d × %d, want at most 15 × 15", len(d.t.Rows.Values), len(d.t.Cols.Values))
	}
	check()
	if m = send(t, m, keyEsc); m.dialogs.top() != nil {
		t.Error("esc does not close the data table")
	}
}

// TestDataTableYearKeepsPicks: ←/→ change the data table's year and
// keep the parameters picked and their steps; a year in which one of
// them moves nothing (the base year, for a rate) shows another, saying
// so, and the next year that it moves brings it back. ← used to reset
// both parameters to the tornado's first two, the steps staying with the
// axes and so moving to other parameters.
func TestDataTableYearKeepsPicks(t *testing.T) {
	m := regionRow(t, newTestModel(t, 160, 48), "Region/Asia-Pacific")
	m = send(t, m, runeKey('T'), keyDown, keyDown, runeKey('+'), keyTab, keyDown, keyDown, runeKey('-'))
	d := m.dialogs.top().(*dataTableDialog)
	rows, cols := d.t.Rows.Param.Name, d.t.Cols.Param.Name
	if d.step != [2]int{4, 2} || d.pick == [2]int{0, 1} {
		t.Fatalf("steps %v, picks %v", d.step, d.pick)
	}
	same := func(when string) {
		t.Helper()
		d := m.dialogs.top().(*dataTableDialog)
		if d.t.Rows.Param.Name != rows || d.t.Cols.Param.Name != cols || d.step != [2]int{4, 2} {
			t.Errorf("%s: rows %s, columns %s, steps %v; want %s, %s, [4 2]", when, d.t.Rows.Param.Name, d.t.Cols.Param.Name, d.step, rows, cols)
		}
		if by := d.t.Rows.Values[1] - d.t.Rows.Values[0]; by != 2 {
			t.Errorf("%s: the rows step by %v, want 2", when, by)
		}
	}
	m = send(t, m, keyLeft)
	if d := m.dialogs.top().(*dataTableDialog); d.year != 2026 {
		t.Fatalf("← gave year %d", d.year)
	}
	same("2026")
	m = send(t, m, keyRight)
	same("back to 2027")
	for range 8 {
		m = send(t, m, keyLeft)
	}
	d = m.dialogs.top().(*dataTableDialog)
	if d.year != 2019 || !strings.Contains(view(m), "does not move it in 2019") {
		t.Errorf("year %d, in 2019 the rates move nothing, unsaid:\n%s", d.year, view(m))
	}
	for range 8 {
		m = send(t, m, keyRight)
	}
	same("2027 again")
}

// TestRangeFollowsTheRate: + past a row's range takes the range along,
// and says so.
func TestRangeFollowsTheRate(t *testing.T) {
	sc := baseScenario()
	ap := node(t, "Region/Asia-Pacific")
	sc.Assumptions.Ranges[ap] = model.Range{Lo: 20, Hi: 22.5}
	m := regionRow(t, send(t, New(testDS, sc, Options{Dark: true}), tea.WindowSizeMsg{Width: 100, Height: 30}), "Region/Asia-Pacific")
	m = send(t, m, runeKey('+'))
	if r := m.Scenario().Ranges[ap]; r != (model.Range{Lo: 20.5, Hi: 23}) || !strings.Contains(m.status.cur.msg, "range moves with it: 20.50 to 23.00 %") {
		t.Errorf("range %v, status %q", r, m.status.cur.msg)
	}
}
