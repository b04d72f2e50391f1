package ui

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"iomt/forecast"
	"iomt/model"
)

// regionRow selects the Region tab's row for path.
func regionRow(t *testing.T, m *Model, path string) *Model {
	t.Helper()
	m = send(t, m, runeKey('4'))
	return selectRow(t, m, node(t, path))
}

// TestGoalSeekScreen: g on Asia-Pacific, 60, enter solves; enter again
// applies the rate as one undoable edit, and Asia-Pacific is at 60 in
// 2027; esc changes nothing; an unreachable target says so and cannot be
// applied.
func TestGoalSeekScreen(t *testing.T) {
	m := newTestModel(t, 100, 30)
	m = regionRow(t, m, "Region/Asia-Pacific")
	ap := node(t, "Region/Asia-Pacific")
	before := m.Scenario()
	m = send(t, m, runeKey('g'), runeKey('6'), runeKey('0'), keyEnter)
	if !topIs[*goalSeekDialog](m) || !strings.Contains(view(m), "Answer: enter 20.78 % a year") {
		t.Fatalf("after g 60 enter:\n%s", view(m))
	}
	if !m.Scenario().Equal(before) {
		t.Fatal("solving changed the scenario before enter applied it")
	}
	m = send(t, m, keyEnter)
	if m.dialogs.top() != nil {
		t.Fatalf("enter did not apply and close: %T", m.dialogs.top())
	}
	if got := m.scen.res.Value(ap, 8); math.Abs(got-60) > 60e-9 {
		t.Errorf("Asia-Pacific 2027 after applying: %v, want 60", got)
	}
	m = send(t, m, runeKey('u'))
	if !m.Scenario().Equal(before) {
		t.Error("one undo does not take the goal seek back")
	}

	// Out of reach: said, and enter does not apply.
	m = send(t, m, runeKey('g'), runeKey('6'), runeKey('0'), runeKey('0'), keyEnter, keyEnter)
	if !topIs[*goalSeekDialog](m) || !strings.Contains(view(m), "Out of reach") || !m.Scenario().Equal(before) {
		t.Fatalf("600 is out of Asia-Pacific's reach; screen:\n%s", view(m))
	}
	// tab: the market's CAGR reaches it instead... not 600 either; esc.
	m = send(t, m, keyEsc)
	if m.dialogs.top() != nil || !m.Scenario().Equal(before) {
		t.Fatal("esc left the dialog open or changed the scenario")
	}

	// tab switches the lever to the market's CAGR.
	m = send(t, m, runeKey('g'), keyTab, runeKey('6'), runeKey('0'), keyEnter, keyEnter)
	a := m.Scenario()
	if a.Growth[ap] != before.Growth[ap] || a.Growth[0] == before.Growth[0] {
		t.Fatalf("with tab the market's CAGR should change: market %v→%v, Asia-Pacific %v→%v", before.Growth[0], a.Growth[0], before.Growth[ap], a.Growth[ap])
	}
	if got := m.scen.res.Value(ap, 8); math.Abs(got-60) > 60e-9 {
		t.Errorf("Asia-Pacific 2027 with the market's CAGR moved: %v, want 60", got)
	}
}

// TestTornadoScreen: t ranks the parameters as forecast.Sensitivity does;
// enter on a bar shows that parameter's row.
func TestTornadoScreen(t *testing.T) {
	m := newTestModel(t, 100, 30)
	m = regionRow(t, m, "Region/Asia-Pacific")
	m = send(t, m, runeKey('t'))
	d, ok := m.dialogs.top().(*tornadoDialog)
	if !ok {
		t.Fatalf("t opened %T", m.dialogs.top())
	}
	want, _ := forecast.Sensitivity(testDS, m.Scenario(), node(t, "Region/Asia-Pacific"), 2027, 2)
	if len(d.t.Bars) != len(want.Bars) || d.t.Bars[0].Name != want.Bars[0].Name {
		t.Fatalf("bars differ from forecast.Sensitivity")
	}
	// The fourth bar is North America's CAGR: enter shows its row.
	m = send(t, m, runeKey('j'), runeKey('j'), runeKey('j'))
	name := d.t.Bars[3].Name
	m = send(t, m, keyEnter)
	if m.dialogs.top() != nil || nodeName(m.scen.ds, m.sel.selected()) != "North America" || name != "Region/North America/cagr_pct" {
		t.Fatalf("enter on %s selected %s", name, nodeName(m.scen.ds, m.sel.selected()))
	}
	// On the total, in top-down, it says why the segments do not count.
	m = send(t, m, runeKey('k'), runeKey('k'), runeKey('k'), runeKey('k'), runeKey('t'))
	if !containsWords(view(m), "in top-down the segments' rates do not change the total; b for bottom-up") {
		t.Errorf("the total's tornado does not say why:\n%s", view(m))
	}
}

// TestMonteCarloScreen: m runs the paths in commands and shows the
// percentiles of the command line's run (same seed, same paths); esc
// during a run cancels it, and its late results land nowhere.
func TestMonteCarloScreen(t *testing.T) {
	fresh := func() *Model { return regionRow(t, newTestModel(t, 100, 30), "Region/Asia-Pacific") }
	ap := node(t, "Region/Asia-Pacific")

	// Cancelled: the first chunk's result arrives after esc.
	m2, first := update(t, fresh(), runeKey('m'))
	if !strings.Contains(view(m2), "0 of 10,000 paths") {
		t.Fatalf("no progress shown:\n%s", view(m2))
	}
	m2 = send(t, m2, keyEsc)
	if m2.dialogs.top() != nil || !strings.Contains(lastLine(m2), "Monte Carlo cancelled after 0 of 10,000 paths") {
		t.Fatalf("esc during the run: top %T, %q", m2.dialogs.top(), lastLine(m2))
	}
	m2, second := update(t, m2, runeKey('m'))
	m2 = send(t, m2, runCmd(t, first)...)
	if d := m2.dialogs.top().(*monteCarloDialog); d.done != 0 {
		t.Fatalf("the cancelled run's chunk landed in the new run (%d paths done)", d.done)
	}
	m2 = send(t, m2, runCmd(t, second)...)
	if d := m2.dialogs.top().(*monteCarloDialog); !d.finish {
		t.Fatal("the new run did not finish")
	}

	// The whole run, as the command line gives it.
	m := send(t, fresh(), runeKey('m'))
	d, ok := m.dialogs.top().(*monteCarloDialog)
	if !ok || !d.finish {
		t.Fatalf("m did not finish: %T", m.dialogs.top())
	}
	sim, err := forecast.MonteCarlo(t.Context(), testDS, m.Scenario(), ap, mcPaths, mcSeed, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	p10, p50, p90 := sim.Percentiles()
	for yi := range p50 {
		if d.p10[yi] != p10[yi] || d.p50[yi] != p50[yi] || d.p90[yi] != p90[yi] {
			t.Fatalf("year %d: screen %v/%v/%v, command line %v/%v/%v", yi, d.p10[yi], d.p50[yi], d.p90[yi], p10[yi], p50[yi], p90[yi])
		}
	}
	if !containsWords(view(m), "P50", fmtNum(p50[8], 2)) {
		t.Errorf("the table does not show the 2027 median %s:\n%s", fmtNum(p50[8], 2), view(m))
	}
	// The probability of beating the median is about a half.
	m = typeText(t, m, fmtNum(p50[8], 2))
	m = send(t, m, keyEnter)
	if d := m.dialogs.top().(*monteCarloDialog); math.Abs(d.prob-0.5) > 0.01 {
		t.Errorf("P(above the median) = %v", d.prob)
	}
	// ↓ to 2026 offers 2026's value; a negative threshold is refused.
	m = send(t, m, keyDown)
	if d := m.dialogs.top().(*monteCarloDialog); d.threshold.Placeholder != fmtNum(m.scen.res.Value(ap, 7), 2) {
		t.Errorf("offered %q for 2026", d.threshold.Placeholder)
	}
	m = send(t, m, keyEsc, runeKey('m'))
	m = typeText(t, m, "-5")
	m = send(t, m, keyEnter)
	if s := lastLine(m); !strings.Contains(s, `"-5": type a value of 0 or more`) {
		t.Errorf("threshold -5: status %q", s)
	}
}

// TestLeversScreen: d lists the levers; + and - give the selected one an
// impact, each an undoable edit; the total's CAGR shows the market's
// growth with them; a saved scenario keeps them.
func TestLeversScreen(t *testing.T) {
	ws := newWorkspace(t)
	m := newWSModel(t, ws, 100, 30)
	before := m.Scenario()
	m = send(t, m, runeKey('d'), runeKey('+'), runeKey('+'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('-'))
	a := m.Scenario()
	if a.Drivers[0] != 1 || a.Drivers[4] != -0.5 || a.MarketGrowth() != 19 {
		t.Fatalf("levers %v, market %v", a.Drivers, a.MarketGrowth())
	}
	if !containsWords(view(m), "Market CAGR: 18.50 entered + 1.00 Prevalence of Chronic Diseases − 0.50 Security and Privacy Concerns = 19.00 %") {
		t.Errorf("the make-up is not shown:\n%s", view(m))
	}
	m = send(t, m, keyEsc)
	if row := treeRow(t, m, "Total"); row.cagr != "19.0" {
		t.Errorf("the Total row's CAGR %q, want 19.0 (the market's growth with the levers)", row.cagr)
	}
	m = send(t, m, runeKey('u'))
	if got := m.Scenario().Drivers[4]; got != 0 {
		t.Errorf("undo left the second lever at %v", got)
	}
	m = send(t, m, runeKey('s'))
	m = send(t, m, runeKey('L'), keyEnter)
	saved, err := model.ReadScenario(ws.PathFor("L"), testDS)
	if err != nil {
		t.Fatalf("saving: %v (%s)", err, lastLine(m))
	}
	if saved.Assumptions.Drivers[0] != 1 || before.Drivers[0] != 0 {
		t.Errorf("the saved scenario's levers %v", saved.Assumptions.Drivers)
	}
}

// TestGrowthExplained: a rate entered says what it does in each mode.
func TestGrowthExplained(t *testing.T) {
	m := newTestModel(t, 160, 40)
	m = regionRow(t, m, "Region/Asia-Pacific")
	m = send(t, m, runeKey('e'), runeKey('2'), runeKey('5'), runeKey('.'), runeKey('5'), keyEnter)
	want := "Asia-Pacific 25.5 % entered, 24.3 % realised 2019–2027: the market keeps 18.5 % and its siblings give up share; b lets segments drive the total."
	if l := lastLine(m); !strings.Contains(l, want) {
		t.Errorf("top-down: %q\nwant %q", l, want)
	}
	m = send(t, m, runeKey('b'), runeKey('+'))
	if l := lastLine(m); !strings.Contains(l, "Asia-Pacific 26.0 % a year: in bottom-up it drives the total") {
		t.Errorf("bottom-up driver: %q", l)
	}
	m = send(t, m, runeKey('k'), runeKey('k'), runeKey('k'), runeKey('+'))
	if l := lastLine(m); !strings.Contains(l, "In bottom-up mode the total is the sum of Region") {
		t.Errorf("bottom-up total: %q", l)
	}
}

// TestGrowthSaysSiblings: the sentence after a rate is entered speaks of
// "its siblings", never of "the rest of Europe" or "the other
// applications", which read as the segments named "Rest of Europe" and
// "Other Applications"; and the verb agrees with how many siblings move.
func TestGrowthSaysSiblings(t *testing.T) {
	m := newTestModel(t, 160, 40)
	m = regionRow(t, m, "Region/Europe")
	m = send(t, m, keyEnter)
	m = selectRow(t, m, node(t, "Region/Europe/Rest of Europe"))
	m = send(t, m, runeKey('e'), ctrlU)
	m = send(t, typeText(t, m, "17.5"), keyEnter)
	l := lastLine(m)
	if !strings.Contains(l, "Rest of Europe 17.5 % entered") || !strings.Contains(l, ": the market keeps 18.5 % and its siblings gain share.") {
		t.Errorf("a lower rate on Rest of Europe: %q", l)
	}
	if strings.Contains(strings.ToLower(l), "the rest of") {
		t.Errorf("the sentence still says \"the rest of\": %q", l)
	}
	m = send(t, m, runeKey('2'))
	m = selectRow(t, m, node(t, "Application/Telemedicine"))
	m = send(t, m, runeKey('+'))
	if l := lastLine(m); !strings.Contains(l, "and its siblings give up share;") || strings.Contains(strings.ToLower(l), "other applications") {
		t.Errorf("a higher rate on Telemedicine: %q", l)
	}

	// One sibling: the verb is singular; an only child's share stays 100 %.
	ds, err := model.LoadDataset("two.yaml", []byte(`market: Two
base_year: 2020
end_year: 2025
total: {value: 10, cagr_pct: 5}
dimensions:
  - name: Country
    segments:
      - name: Sweden
        share_pct: 100
        cagr_pct: 5
        segments:
          - {name: Stockholm, share_pct: 60, cagr_pct: 5}
          - {name: Rest of Sweden, share_pct: 40, cagr_pct: 5}
`))
	if err != nil {
		t.Fatal(err)
	}
	two := send(t, New(ds, &model.Scenario{Name: "Base", Assumptions: ds.Base()}, Options{Dark: true}), tea.WindowSizeMsg{Width: 160, Height: 40})
	two = send(t, two, keyDown)
	if l := lastLine(send(t, two, runeKey('+'))); !strings.Contains(l, "and its share stays 100 % of Total") {
		t.Errorf("a higher rate on the only segment: %q", l)
	}
	two = send(t, two, keyEnter)
	if sthlm, _ := ds.Lookup("Country/Sweden/Stockholm"); two.sel.selected() != sthlm {
		t.Fatalf("enter on Sweden selects %s, want Stockholm", ds.Nodes[two.sel.selected()].Path)
	}
	if l := lastLine(send(t, two, runeKey('+'))); !strings.Contains(l, "and its sibling gives up share.") {
		t.Errorf("a higher rate on Stockholm: %q", l)
	}
	if l := lastLine(send(t, two, runeKey('-'))); !strings.Contains(l, "and its sibling gains share.") {
		t.Errorf("a lower rate on Stockholm: %q", l)
	}
}

// TestGoalSeekSaysTheLevers: with levers adding to the market's rate,
// goal seek on the Total row says the rate it solves is the entered one
// and what the market grows at with the levers; the status after
// applying says both. The target offered follows the chosen year.
func TestGoalSeekSaysTheLevers(t *testing.T) {
	sc := baseScenario()
	sc.Assumptions.Drivers[0] = 1
	sc.Assumptions.Drivers[len(sc.Assumptions.Drivers)-1] = -0.5
	m := send(t, New(testDS, sc, Options{Dark: true}), tea.WindowSizeMsg{Width: 120, Height: 40})
	m = send(t, m, runeKey('g'))
	if v := view(m); !strings.Contains(v, "now 18.50 % entered + 0.50 pp levers = 19.00 % a year") {
		t.Fatalf("the goal seek does not say the levers:\n%s", v)
	}
	typed := strconv.FormatFloat(m.scen.res.Value(0, 8)*0.98, 'f', 4, 64)
	target, _ := strconv.ParseFloat(typed, 64)
	for _, r := range typed {
		m = send(t, m, runeKey(r))
	}
	m = send(t, m, keyEnter)
	d := m.dialogs.top().(*goalSeekDialog)
	rate := d.solved.sol.Rate
	want := fmt.Sprintf("Answer: enter %s %% a year (%s %% with the levers)", fmtNum(rate, 2), fmtNum(rate+0.5, 2))
	if !strings.Contains(view(m), want) {
		t.Fatalf("want %q on screen:\n%s", want, view(m))
	}
	m = send(t, m, keyEnter)
	if got := m.scen.res.Value(0, 8); math.Abs(got-target) > 1e-9*target {
		t.Errorf("the total in 2027 after applying: %v, want %v", got, target)
	}
	if s := lastLine(m); !strings.Contains(s, "entered, "+fmtNum(rate+0.5, 1)+" % with the levers") {
		t.Errorf("status after applying: %q", s)
	}

	// ↓ picks 2026: the value offered is 2026's.
	m = send(t, m, runeKey('g'), keyDown)
	d = m.dialogs.top().(*goalSeekDialog)
	if want := strconv.FormatFloat(math.Round(m.scen.res.Value(0, 7)*100)/100, 'f', -1, 64); d.input.Placeholder != want {
		t.Errorf("offered %q for 2026, want %q", d.input.Placeholder, want)
	}
	// A target of 0 or below is refused with what to type.
	m = send(t, m, runeKey('0'), keyEnter)
	if s := lastLine(m); !strings.Contains(s, `"0": type a value above 0`) {
		t.Errorf("target 0: status %q", s)
	}
}

// TestTornadoSaysWhyEachMoveIsRefused: at ±30 pp Asia-Pacific's share
// (about 25 %) cannot go below 0: that side reads n/a, and the line
// below gives the reason of the selected row's refused move.
func TestTornadoSaysWhyEachMoveIsRefused(t *testing.T) {
	m := newTestModel(t, 160, 48)
	m = send(t, m, runeKey('4'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('t'))
	for range 56 { // 2 pp + 56 × 0.5 = 30 pp
		m = send(t, m, runeKey('+'))
	}
	v := view(m)
	if !strings.Contains(v, "±30.0 pp each") || !strings.Contains(v, "n/a") {
		t.Fatalf("no refused move at ±30 pp:\n%s", v)
	}
	d := m.dialogs.top().(*tornadoDialog)
	for i, b := range d.t.Bars {
		if b.LowRefused == "" && b.HighRefused == "" {
			continue
		}
		d.cursor = i
		want := "n/a: the model refuses the move (" + clean(d.label(b.Param)) + ": " + cmp.Or(b.LowRefused, b.HighRefused)
		if !strings.Contains(view(m), want) {
			t.Errorf("row %d selected, the reason line does not read %q:\n%s", i, want, view(m))
		}
	}
}
