package ui

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"iomt/export"
	"iomt/forecast"
	"iomt/model"
)

// marks are the compare picker's marks, by title.
func marks(t testing.TB, m *Model) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, it := range topChooser(t, m).list.Items() {
		out[it.(choice).title] = strings.TrimSpace(it.(choice).mark)
	}
	return out
}

// compareWith marks the titles in the compare picker, in order, and
// compares with them.
func compareWith(t testing.TB, m *Model, titles ...string) *Model {
	t.Helper()
	m = send(t, m, runeKey('c'))
	for _, title := range titles {
		m = pickAny(t, m, title)
		m = send(t, m, keySpace)
	}
	return send(t, m, keyEnter)
}

// pickAny selects title in the open chooser wherever the selection is.
func pickAny(t testing.TB, m *Model, title string) *Model {
	t.Helper()
	return pickTitle(t, send(t, m, tea.KeyPressMsg{Code: tea.KeyHome}), title)
}

func comparedNamesOf(m *Model) []string {
	var out []string
	for _, c := range m.scen.compare {
		out = append(out, c.name)
	}
	return out
}

// TestComparePickMarksInOrder: space marks scenarios in the compare
// picker, numbered in the order marked, which is the order they are
// compared in (header, chart legend); c again opens it with them marked,
// a mark taken off renumbers the rest, and enter with none left stops
// comparing; esc changes nothing.
func TestComparePickMarksInOrder(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 160, 48)
	m = send(t, m, runeKey('c'))
	if !strings.Contains(view(m), "Compare "+nameBase+" with") {
		t.Fatalf("no compare picker:\n%s", view(m))
	}
	m = pickAny(t, m, nameHeadwd)
	m = send(t, m, keySpace)
	m = pickAny(t, m, nameAccel)
	m = send(t, m, keySpace)
	if mk := marks(t, m); mk[nameHeadwd] != "[1]" || mk[nameAccel] != "[2]" || mk[nameBase] != "[ ]" {
		t.Fatalf("marks %q, want Security headwinds [1], Accelerated adoption [2]", mk)
	}
	m = send(t, m, keyEnter)
	if got := comparedNamesOf(m); !slices.Equal(got, []string{nameHeadwd, nameAccel}) {
		t.Fatalf("comparing with %q, want the order marked", got)
	}
	if h := headLine(m); !strings.Contains(h, "vs "+nameHeadwd+", "+nameAccel) {
		t.Errorf("header %q", h)
	}
	if !strings.Contains(view(m), "─ "+nameBase+"  · "+nameHeadwd+"  × "+nameAccel) {
		t.Errorf("the chart's legend does not name the three in order:\n%s", view(m))
	}

	m = send(t, m, runeKey('c'))
	if mk := marks(t, m); mk[nameHeadwd] != "[1]" || mk[nameAccel] != "[2]" {
		t.Fatalf("c again: marks %q, want those compared", mk)
	}
	m = pickAny(t, m, nameHeadwd)
	m = send(t, m, keySpace)
	if mk := marks(t, m); mk[nameHeadwd] != "[ ]" || mk[nameAccel] != "[1]" {
		t.Fatalf("after taking a mark off: %q", mk)
	}
	// esc: nothing changes.
	m = send(t, m, keyEsc)
	if got := comparedNamesOf(m); !slices.Equal(got, []string{nameHeadwd, nameAccel}) {
		t.Fatalf("esc changed the comparison to %q", got)
	}
	m = send(t, m, runeKey('c'))
	m = pickAny(t, m, nameHeadwd)
	m = send(t, m, keySpace, keyEnter)
	if got := comparedNamesOf(m); !slices.Equal(got, []string{nameAccel}) {
		t.Fatalf("comparing with %q, want Accelerated adoption alone", got)
	}
	m = send(t, m, runeKey('c'))
	m = pickAny(t, m, nameAccel)
	m = send(t, m, keySpace, keyEnter)
	if len(m.scen.compare) != 0 || !strings.Contains(lastLine(m), "Stopped comparing") || strings.Contains(headLine(m), " vs ") {
		t.Errorf("every mark taken off: still comparing %q, status %q", comparedNamesOf(m), lastLine(m))
	}
	// A fresh picker: enter on no mark compares with the one selected.
	m = send(t, m, runeKey('c'))
	m = pickAny(t, m, nameAccel)
	if m = send(t, m, keyEnter); !slices.Equal(comparedNamesOf(m), []string{nameAccel}) {
		t.Errorf("enter on Accelerated adoption compares with %q", comparedNamesOf(m))
	}
}

// TestComparePickerRefuses: a fifth mark and a scenario that cannot open
// are refused on the status line, the marks as they were; none of it
// changes the comparison.
func TestComparePickerRefuses(t *testing.T) {
	ws := newWorkspace(t)
	for _, name := range []string{"Four", "Five"} {
		writeFile(t, filepath.Join(ws.Dir, strings.ToLower(name)+".yaml"), "scenario: "+name+"\ndataset: Internet of Medical Things\ntotal: {cagr_pct: 20}\n")
	}
	writeFile(t, filepath.Join(ws.Dir, "broken.yaml"), "scenario: Broken\ndataset: Internet of Medical Things\nsegments:\n  Region/Atlantis: {cagr_pct: 3}\n")
	m := newWSModel(t, ws, 160, 48)
	m = compareWith(t, m, nameAccel)
	m = send(t, m, runeKey('c'))
	for _, title := range []string{nameHeadwd, nameBase, "Four"} {
		m = pickAny(t, m, title)
		m = send(t, m, keySpace)
	}
	m = pickAny(t, m, "Five")
	m = send(t, m, keySpace)
	if !strings.Contains(lastLine(m), "At most 4 scenarios to compare") {
		t.Errorf("a fifth mark: status %q", lastLine(m))
	}
	if mk := marks(t, m); mk["Five"] != "[ ]" || mk["Four"] != "[4]" {
		t.Errorf("marks after a fifth: %q", mk)
	}
	m = pick(t, send(t, m, tea.KeyPressMsg{Code: tea.KeyHome}), "the broken file", func(c choice) bool { return c.refused != "" })
	m = send(t, m, keySpace)
	if !strings.Contains(lastLine(m), "cannot be compared") {
		t.Errorf("marking a file that cannot open: status %q", lastLine(m))
	}
	if got := comparedNamesOf(send(t, m, keyEsc)); !slices.Equal(got, []string{nameAccel}) {
		t.Errorf("the refusals changed the comparison to %q", got)
	}
}

// otherWorkspace holds "Other": the market grows 21 % a year from 2021
// (the Base: 18.5 %), and Telemedicine's 2019 share is 35 % (31.2 %).
func otherWorkspace(t *testing.T) *model.Workspace {
	ws := newWorkspace(t)
	writeFile(t, filepath.Join(ws.Dir, "other.yaml"), "scenario: Other\ndataset: Internet of Medical Things\ntotal: {cagr_pct: 21}\nsegments:\n  Application/Telemedicine: {share_pct: 35}\n")
	return ws
}

// TestCompareViews: side by side, the table shows each scenario's own
// figures; V shows the differences, the compared scenario minus the one
// on screen, in the chart's metric: money and % for values, pp for
// shares and growth, and the realised CAGR's and share change's
// differences. Worked out by hand for the Total and Telemedicine.
func TestCompareViews(t *testing.T) {
	m := newWSModel(t, otherWorkspace(t), 250, 50) // every group fits
	m = compareWith(t, send(t, m, runeKey('2')), "Other")
	if !strings.Contains(view(m), "Table: side by side · value, US$ bn") {
		t.Fatalf("the table's title does not name the view:\n%s", view(m))
	}
	// Base: 51.2 × 1.185 in 2020, then 18.5 % a year; Other: 21 %.
	totalA := 51.2 * 1.185 * math.Pow(1.185, 7)
	totalB := 51.2 * 1.185 * math.Pow(1.21, 7)
	row := tableRow(t, m, "Total")
	if len(row) != 9*2+4 || row[16] != fmtNum(totalA, 2) || row[17] != fmtNum(totalB, 2) {
		t.Errorf("side by side: the Total's 2027 cells in %q, want %s %s", row, fmtNum(totalA, 2), fmtNum(totalB, 2))
	}
	if row := tableRow(t, m, "Telemedicine"); row[0] != fmtNum(0.312*51.2, 2) || row[1] != fmtNum(0.35*51.2, 2) {
		t.Errorf("side by side: Telemedicine's 2019 cells %q", row[:2])
	}

	m = send(t, m, runeKey('V'))
	if !strings.Contains(view(m), "Table: differences, each minus "+nameBase+" · US$ bn and %") {
		t.Fatalf("V: the title does not name the differences:\n%s", view(m))
	}
	d, pct := totalB-totalA, (totalB-totalA)/totalA*100
	if row := tableRow(t, m, "Total"); len(row) != 9*2+2 || row[16] != fmtSigned(d, 2) || row[17] != fmtSigned(pct, 1)+"%" {
		t.Errorf("differences: the Total's 2027 cells %q, want %s %s%%", row, fmtSigned(d, 2), fmtSigned(pct, 1))
	}
	if row := tableRow(t, m, "Telemedicine"); row[0] != fmtSigned((35-31.2)/100*51.2, 2) {
		t.Errorf("differences: Telemedicine's 2019 cell %q, want %s", row[0], fmtSigned((35-31.2)/100*51.2, 2))
	}
	m = send(t, m, runeKey('v')) // share
	row = tableRow(t, m, "Telemedicine")
	if row[0] != "+3.80" || row[1] != "pp" {
		t.Errorf("share: Telemedicine's 2019 cell %q, want +3.80 pp", row[:2])
	}
	// Δshare is Other's change in share over 2019–2027 minus Base's: the
	// 2027 gap less the 2019 gap (+3.80), not the 2027 gap alone.
	if len(row) == 9*2+2 {
		gap27, _ := strconv.ParseFloat(row[16], 64)
		got, _ := strconv.ParseFloat(row[19], 64)
		if want := gap27 - 3.8; math.Abs(got-want) > 0.06 { // shown to 0.1
			t.Errorf("share: Telemedicine's Δshare %v, want the 2027 gap %v less the 2019 gap 3.80 = %.2f", got, gap27, want)
		}
	} else {
		t.Errorf("share: Telemedicine's row %q", row)
	}
	m = send(t, m, runeKey('v')) // growth
	if row := tableRow(t, m, "Total"); row[len(row)-4] != "+2.50" {
		t.Errorf("growth: the Total's 2027 cell in %q, want +2.50 pp (21 %% against 18.5 %%)", row)
	}
	recs := copiedTable(t, m)
	if recs[0][0] != "Segment · growth, % y/y · differences to "+nameBase || recs[0][2] != "2020 Other − "+nameBase+" (pp)" ||
		recs[0][len(recs[0])-2] != "Realised CAGR 2019–2027 Other − "+nameBase+" (pp)" {
		t.Errorf("the copied header: %q", recs[0])
	}
	if got, _ := strconv.ParseFloat(recs[1][9], 64); math.Abs(got-2.5) > 1e-9 {
		t.Errorf("the copied Total's 2027 growth difference %v, want 2.5", got)
	}
	if v := view(send(t, m, runeKey('x'))); !strings.Contains(v, "Export "+nameBase+" vs Other") {
		t.Errorf("the export menu does not say it exports the comparison:\n%s", v)
	}
	m = send(t, m, keyEsc, runeKey('V'))
	if !strings.Contains(lastLine(m), "side by side") || m.sel.differences {
		t.Errorf("V again: status %q", lastLine(m))
	}
}

// TestCompareCopy: the copy holds the view on screen, every year of
// every scenario, the headers naming each; its numbers are the
// projections', and what the screen shows of them.
func TestCompareCopy(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 160, 48)
	m = compareWith(t, m, nameAccel, nameHeadwd)
	names := []string{nameBase, nameAccel, nameHeadwd}
	res := []*forecast.Result{}
	for _, n := range names {
		a := builtinScenario(t, n).Assumptions
		res = append(res, forecast.Project(testDS, &a))
	}
	recs := copiedTable(t, m)
	head := []string{"Segment · value, US$ bn · side by side"}
	for y := testDS.BaseYear; y <= testDS.EndYear; y++ {
		for _, n := range names {
			head = append(head, strconv.Itoa(y)+" "+n)
		}
	}
	for _, n := range names {
		head = append(head, "Realised CAGR 2019–2027 (%) "+n)
	}
	for _, n := range names {
		head = append(head, "Share change 2019–2027 (pp) "+n)
	}
	if !slices.Equal(recs[0], head) {
		t.Fatalf("side by side header %q,\nwant %q", recs[0], head)
	}
	nodes := append([]int{0}, testDS.Dims[0].Top...)
	for i, n := range nodes {
		for yi := range testDS.Years() {
			for s, r := range res {
				got, _ := strconv.ParseFloat(recs[1+i][1+3*yi+s], 64)
				if w := r.Value(n, yi); math.Abs(got-w) > 1e-9*w {
					t.Errorf("%s %d %s: %v, want %v", nodeName(testDS, n), testDS.BaseYear+yi, names[s], got, w)
				}
			}
		}
	}
	// What the screen shows of 2027 is the copy's, as the screen writes it.
	screen := tableRow(t, m, "Total")
	for s := range names {
		v, _ := strconv.ParseFloat(recs[1][1+3*8+s], 64)
		if !slices.Contains(screen, fmtNum(v, 2)) {
			t.Errorf("the screen's Total row %q lacks %s's 2027 %s", screen, names[s], fmtNum(v, 2))
		}
	}

	m = send(t, m, runeKey('V'))
	recs = copiedTable(t, m)
	if recs[0][1] != "2019 "+nameAccel+" − "+nameBase+" (US$ bn)" || recs[0][2] != "2019 "+nameAccel+" − "+nameBase+" (%)" ||
		recs[0][3] != "2019 "+nameHeadwd+" − "+nameBase+" (US$ bn)" {
		t.Errorf("differences header %q", recs[0][:5])
	}
	for s := 1; s < 3; s++ {
		got, _ := strconv.ParseFloat(recs[1][1+4*8+2*(s-1)], 64)
		if w := res[s].Value(0, 8) - res[0].Value(0, 8); math.Abs(got-w) > 1e-9*math.Abs(w) {
			t.Errorf("the copied 2027 difference of %s: %v, want %v", names[s], got, w)
		}
	}
}

// TestBridgeScreen: B explains the selected row's gap to a compared
// scenario as a waterfall: A's value, each assumption that differs with
// its contribution (forecast.ComputeBridge's), B's value; tab goes to
// the next compared scenario, ←/→ change the year, enter goes to an
// assumption's row. Without a comparison B says what to do and opens
// nothing; between identical scenarios it says so.
func TestBridgeScreen(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 160, 48)
	before := view(m)
	m = send(t, m, runeKey('B'))
	if !m.dialogs.empty() || !strings.Contains(lastLine(m), "No bridge without a comparison: c marks the scenarios") {
		t.Fatalf("B without a comparison: %q", lastLine(m))
	}
	if after := viewLines(m); strings.Join(after[:len(after)-1], "\n") != strings.Join(strings.Split(before, "\n")[:len(after)-1], "\n") {
		t.Error("B without a comparison changed the screen above the status line")
	}
	m = compareWith(t, m, nameAccel, nameHeadwd)
	m = send(t, m, runeKey('4'), runeKey('j'), runeKey('B'))
	if !topIs[*bridgeDialog](m) {
		t.Fatalf("B opened no bridge:\n%s", view(m))
	}
	v := view(m)
	na := node(t, "Region/North America")
	a, b := builtinScenario(t, nameBase).Assumptions, builtinScenario(t, nameAccel).Assumptions
	br, err := forecast.ComputeBridge(testDS, a, b, na, 2027)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Bridge · North America 2027 · " + nameBase + " → " + nameAccel + " (tab: 1 of 2)",
		"Exact Shapley values over the 2 assumptions that can move it; they add up to " + fmtSigned(br.Delta(), 2),
		nameBase + " ", fmtNum(br.From, 2), nameAccel + " ", fmtNum(br.To, 2),
		"Total/cagr_pct 18.5 → 21", fmtSigned(br.Steps[0].Contribution, 2),
		"Region/Asia-Pacific/cagr_pct 22.5 → 25.5", fmtSigned(br.Steps[1].Contribution, 2),
		"Application/Telemedicine/cagr_pct 19 → 23",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the bridge does not show %q:\n%s", want, v)
		}
	}
	if i, j := strings.Index(v, "Total/cagr_pct"), strings.Index(v, "Region/Asia-Pacific/cagr_pct"); i > j {
		t.Error("the largest contribution is not first")
	}
	m = send(t, m, keyTab)
	if !strings.Contains(view(m), "→ "+nameHeadwd+" (tab: 2 of 2)") || !strings.Contains(view(m), "Total/cagr_pct 18.5 → 15") {
		t.Errorf("tab: not the bridge to Security headwinds:\n%s", view(m))
	}
	m = send(t, m, keyLeft)
	if !strings.Contains(view(m), "North America 2026") {
		t.Errorf("←: not 2026:\n%s", view(m))
	}
	m = send(t, m, keyDown, keyEnter) // Europe's rate: the second largest
	if m.dialogs.empty() == false || m.sel.selected() != node(t, "Region/Europe") {
		t.Errorf("enter on Europe's rate selects %s", nodeName(testDS, m.sel.selected()))
	}

	// The scenario on screen compared with itself.
	m = compareWith(t, m, nameAccel) // marks: taken off Accelerated adoption
	m = compareWith(t, m, nameHeadwd, nameBase)
	m = send(t, m, runeKey('B'))
	if !strings.Contains(view(m), "Bridge · Europe 2027") {
		t.Fatalf("not the bridge of Europe:\n%s", view(m))
	}
	m = send(t, m, keyTab)
	if v := view(m); !strings.Contains(v, "The scenarios do not differ in any assumption: the bridge is 0") {
		t.Errorf("the bridge to the scenario itself:\n%s", v)
	}
}

// TestSummaryScreen: S sets the scenarios side by side as iomt summary
// does, in the pane's width: the assumptions that differ ("=" where a
// scenario keeps the dataset's) and the results; ←/→ change the year.
func TestSummaryScreen(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 160, 48)
	m = compareWith(t, m, nameAccel, nameHeadwd)
	m = send(t, m, runeKey('S'))
	if !topIs[*summaryDialog](m) {
		t.Fatalf("S opened no summary:\n%s", view(m))
	}
	var in export.SummaryInput
	in.Dataset = testDS
	for _, n := range []string{nameBase, nameAccel, nameHeadwd} {
		a := builtinScenario(t, n).Assumptions
		in.Scenarios = append(in.Scenarios, export.Scenario{Name: n, Assumptions: &a, Result: forecast.Project(testDS, &a)})
	}
	s, err := export.BuildSummary(in)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(s.Text(158), "\n")[1:] // the first line is the pane's title
	got := viewLines(m)[3:]
	for i := range 20 {
		if strings.TrimRight(strings.Trim(got[i], "┃"), " ") != strings.TrimRight(want[i], " ") {
			t.Fatalf("line %d: %q, iomt summary's %q", i, got[i], want[i])
		}
	}
	if !strings.Contains(view(m), "Total/cagr_pct") || !strings.Contains(view(m), "results in 2027") {
		t.Errorf("the summary:\n%s", view(m))
	}
	m = send(t, m, keyLeft)
	if !strings.Contains(view(m), "results in 2026") {
		t.Errorf("←: %s", viewLines(m)[2])
	}
	if m = send(t, m, keyEsc); !m.dialogs.empty() {
		t.Error("esc does not close the summary")
	}
}

// TestCompareGolden: the compare screens of three scenarios (side by
// side, differences, the bridge and the summary) at 80×24 and 160×48.
func TestCompareGolden(t *testing.T) {
	views := []struct {
		name string
		keys func(t *testing.T, m *Model) *Model
	}{
		{"picker-marked", func(t *testing.T, m *Model) *Model {
			m = send(t, m, runeKey('c'))
			m = pickAny(t, m, nameAccel)
			m = send(t, m, keySpace)
			m = pickAny(t, m, nameHeadwd)
			return send(t, m, keySpace)
		}},
		{"side-by-side", func(t *testing.T, m *Model) *Model {
			return send(t, compareWith(t, m, nameAccel, nameHeadwd), runeKey('4'), runeKey('j'))
		}},
		{"differences", func(t *testing.T, m *Model) *Model {
			return send(t, compareWith(t, m, nameAccel, nameHeadwd), runeKey('4'), runeKey('j'), runeKey('V'))
		}},
		{"bridge", func(t *testing.T, m *Model) *Model {
			return send(t, compareWith(t, m, nameAccel, nameHeadwd), runeKey('4'), runeKey('j'), runeKey('B'))
		}},
		{"summary", func(t *testing.T, m *Model) *Model {
			return send(t, compareWith(t, m, nameAccel, nameHeadwd), runeKey('S'))
		}},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			for _, v := range views {
				t.Run(v.name, func(t *testing.T) {
					m := v.keys(t, newWSModel(t, newWorkspace(t), size[0], size[1]))
					out := view(m)
					checkFits(t, out, size[0], size[1])
					if n := len(viewLines(m)); n != size[1] {
						t.Errorf("the view has %d lines, want the terminal's %d", n, size[1])
					}
					golden.RequireEqual(t, []byte(out))
				})
			}
		})
	}
}

// TestCompareClickRow: a click on a row of the compare table, under its
// two header lines, selects that row.
func TestCompareClickRow(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 160, 48)
	m = compareWith(t, m, nameAccel, nameHeadwd)
	m = send(t, m, runeKey('4'))
	y := lineIndex(m, "  Europe  ")
	if y < 0 || !strings.Contains(viewLines(m)[y], "│") {
		t.Fatalf("no Europe row in the table:\n%s", view(m))
	}
	m = send(t, m, tea.MouseClickMsg{X: 5, Y: y, Button: tea.MouseLeft})
	if got := m.sel.selected(); got != node(t, "Region/Europe") {
		t.Errorf("the click selected %s", nodeName(testDS, got))
	}
}

// TestExportCompared: while comparing with two scenarios, x writes every
// compared scenario into the file, as export.CSV does with them.
func TestExportCompared(t *testing.T) {
	ws := newWorkspace(t)
	m := newWSModel(t, ws, 80, 24)
	m = compareWith(t, m, nameAccel, nameHeadwd)
	m = send(t, m, runeKey('x'))
	m = pickTitle(t, m, "CSV file")
	m = send(t, m, keyEnter)
	base := builtinScenario(t, nameBase).Assumptions
	in := export.Input{Dataset: testDS, Scenario: nameBase, Assumptions: &base, Result: forecast.Project(testDS, &base)}
	for i, n := range []string{nameAccel, nameHeadwd} {
		a := builtinScenario(t, n).Assumptions
		c := export.Comparison{Scenario: n, Result: forecast.Project(testDS, &a)}
		if i == 0 {
			in.Compare = &c
		} else {
			in.More = append(in.More, c)
		}
	}
	var want strings.Builder
	if err := export.CSV(&want, in); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, filepath.Join(ws.Dir, "base-report.csv"))); got != want.String() {
		t.Errorf("the file (%d bytes) is not export.CSV of the three (%d bytes)", len(got), want.Len())
	}
	if !strings.Contains(lastLine(m), "Exported") {
		t.Errorf("status %q", lastLine(m))
	}
}

// TestCompareHeaderKeepsTheScenario: with four scenarios compared, the
// title line shortened the scenario's own name first ("Sc… vs …" at 160
// columns, "… vs …" at 80), so it no longer said which scenario the
// screen shows; the compared names now give way first.
func TestCompareHeaderKeepsTheScenario(t *testing.T) {
	ws := otherWorkspace(t)
	writeFile(t, filepath.Join(ws.Dir, "fourth.yaml"), "scenario: A fourth scenario with a long name\ndataset: Internet of Medical Things\ntotal: {cagr_pct: 20}\n")
	for _, w := range []int{80, 160} {
		m := newWSModel(t, ws, w, 30)
		m = send(t, m, runeKey('+')) // unsaved: the mark must stay too
		m = compareWith(t, m, nameAccel, nameHeadwd, "Other", "A fourth scenario with a long name")
		if n := len(comparedNamesOf(m)); n != 4 {
			t.Fatalf("%d scenarios compared, want 4", n)
		}
		head := headLine(m)
		if !strings.Contains(head, "Scenario: "+nameBase+" ● unsaved") || !strings.Contains(head, "top-down") || !strings.Contains(head, "vs ") {
			t.Errorf("%d columns: the title line does not keep the scenario's name, the unsaved mark, the comparison and the mode: %q", w, head)
		}
	}
}

// TestBridgeNamesEditedScenario: the bridge and the summary of a scenario
// with unsaved edits call it "NAME (edited)", as its exports do: its
// figures are not the saved scenario's.
func TestBridgeNamesEditedScenario(t *testing.T) {
	m := newWSModel(t, otherWorkspace(t), 160, 48)
	m = send(t, m, runeKey('+'))
	m = compareWith(t, m, nameAccel)
	m = send(t, m, runeKey('4'), runeKey('j'), runeKey('B'))
	if v := view(m); !strings.Contains(v, nameBase+" (edited) →") {
		t.Errorf("the bridge of an edited scenario does not say it is edited:\n%s", v)
	}
	m = send(t, m, keyEsc, runeKey('S'))
	if v := view(m); !strings.Contains(v, "(edited)") {
		t.Errorf("the summary of an edited scenario does not say it is edited:\n%s", v)
	}
}
