package ui

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// The tests assume the report's segments (docs/DESIGN.md §1); they look nodes
// up by path so that a renamed segment fails loudly.
const (
	pathMD       = "Component/Medical Devices"
	pathSystems  = "Component/Systems and Software"
	pathServices = "Component/Services"
	pathConnTech = "Component/Connecting Technology"
	pathNA       = "Region/North America"
)

func TestTabsSwitchDimension(t *testing.T) {
	m := newTestModel(t, 160, 48)
	tabs := []struct {
		key  rune
		name string
		// segments of the report that the tab must list, and one of
		// another dimension that it must not.
		want []string
		not  string
	}{
		{'1', "Component", []string{"Medical Devices", "Systems and Software", "Services", "Connecting Technology"}, "Telemedicine"},
		{'2', "Application", []string{"Telemedicine", "Clinical Operations and Workflow Management", "Connected Imaging",
			"Inpatient Monitoring", "Medication Management", "Other Applications"}, "Medical Devices"},
		{'3', "End-User", []string{"Hospitals, Surgical Centers, and Clinics", "Clinical Research Organizations", "Other End-Users"}, "North America"},
		{'4', "Region", []string{"North America", "Europe", "Asia-Pacific", "Middle East & Africa", "South America"}, "Telemedicine"},
	}
	for i, tab := range tabs {
		m = send(t, m, runeKey(tab.key))
		if m.sel.dim != i {
			t.Fatalf("after %q the tab is %d, want %d", tab.key, m.sel.dim, i)
		}
		if got := testDS.Dims[i].Name; got != tab.name {
			t.Fatalf("dimension %d is %q, want %q", i, got, tab.name)
		}
		for _, seg := range tab.want {
			treeRow(t, m, seg)
			tableRow(t, m, seg)
		}
		if len(tab.want) != len(testDS.Dims[i].Top) {
			t.Errorf("tab %s lists %d segments, the report has %d", tab.name, len(testDS.Dims[i].Top), len(tab.want))
		}
		if _, ok := findTreeRow(m, tab.not); ok || strings.Contains(view(m), tab.not) {
			t.Errorf("tab %s shows %q of another dimension:\n%s", tab.name, tab.not, view(m))
		}
	}

	// ] and [ step through the tabs and wrap around.
	m = send(t, m, runeKey('1'))
	for _, step := range []struct {
		key  rune
		dim  int
		show string
	}{{']', 1, "Telemedicine"}, {']', 2, "Other End-Users"}, {']', 3, "Asia-Pacific"}, {']', 0, "Services"},
		{'[', 3, "Europe"}, {'[', 2, "Clinical Research Organizations"}} {
		m = send(t, m, runeKey(step.key))
		if m.sel.dim != step.dim {
			t.Fatalf("after %q the tab is %d, want %d", step.key, m.sel.dim, step.dim)
		}
		treeRow(t, m, step.show)
	}
}

func TestSelectionMoves(t *testing.T) {
	m := newTestModel(t, 160, 48)
	top := testDS.Dims[0].Top
	if m.sel.selected() != 0 {
		t.Fatalf("the Total row should be selected at start, got node %d", m.sel.selected())
	}
	m = send(t, m, runeKey('j'))
	if m.sel.selected() != top[0] {
		t.Fatalf("j selects node %d, want %d (first segment)", m.sel.selected(), top[0])
	}
	m = send(t, m, keyDown)
	if m.sel.selected() != top[1] {
		t.Fatalf("down selects node %d, want %d", m.sel.selected(), top[1])
	}
	// The selected row is the one an action applies to.
	m = send(t, m, runeKey('e'))
	if l := lastLine(m); !strings.HasPrefix(l, "Systems and Software growth %/yr") {
		t.Errorf("e on the second segment prompts %q", l)
	}
	m = send(t, m, keyEsc, runeKey('k'))
	if m.sel.selected() != top[0] {
		t.Fatalf("k selects node %d, want %d", m.sel.selected(), top[0])
	}
	m = send(t, m, keyUp, keyUp, runeKey('k'))
	if m.sel.cursor[0] != 0 {
		t.Fatalf("k above the top moves the cursor to %d", m.sel.cursor[0])
	}
	for range 20 {
		m = send(t, m, runeKey('j'))
	}
	if m.sel.selected() != top[len(top)-1] {
		t.Fatalf("j past the end selects node %d, want the last segment %d", m.sel.selected(), top[len(top)-1])
	}
	// Each tab keeps its own selection.
	m = send(t, m, runeKey('2'))
	if m.sel.selected() != 0 {
		t.Fatalf("tab 2 starts at node %d, want the Total row", m.sel.selected())
	}
	m = send(t, m, runeKey('1'))
	if m.sel.selected() != top[len(top)-1] {
		t.Fatalf("back on tab 1 the selection is node %d, want %d", m.sel.selected(), top[len(top)-1])
	}
}

func TestDrillAndBack(t *testing.T) {
	m := newTestModel(t, 160, 48)
	md := node(t, pathMD)
	m = selectRow(t, m, md)
	m = send(t, m, keyEnter)
	if m.sel.parent[0] != md {
		t.Fatalf("enter on Medical Devices lists the children of node %d", m.sel.parent[0])
	}
	if m.sel.selected() != testDS.Nodes[md].Children[0] {
		t.Fatalf("after drilling the first child should be selected, got node %d", m.sel.selected())
	}
	for _, child := range []string{"Wearable External Medical Devices", "Implanted Medical Devices", "Stationary Medical Devices"} {
		treeRow(t, m, child)
		tableRow(t, m, child)
	}
	treeRow(t, m, "Medical Devices") // the parent row, marked ▾
	if _, ok := findTreeRow(m, "Services"); ok {
		t.Error("drilled into Medical Devices, the tree still lists its sibling Services")
	}
	if lineIndex(m, "‹ Medical Devices") < 0 {
		t.Errorf("the tree's title does not say where we are:\n%s", view(m))
	}

	// A leaf has nothing to drill into: a message, no change.
	m = send(t, m, keyEnter)
	if m.sel.parent[0] != md || !strings.Contains(lastLine(m), "has no sub-segments") {
		t.Fatalf("enter on a leaf: parent %d, status %q", m.sel.parent[0], lastLine(m))
	}

	m = send(t, m, keyEsc)
	if m.sel.parent[0] != 0 || m.sel.selected() != md {
		t.Fatalf("esc: parent %d, selected %d; want the top level with Medical Devices selected", m.sel.parent[0], m.sel.selected())
	}
	treeRow(t, m, "Services")
	if _, ok := findTreeRow(m, "Wearable External Medical Devices"); ok {
		t.Error("back at the top level, the tree still lists a child of Medical Devices")
	}
	// esc at the top level changes nothing.
	m = send(t, m, keyEsc)
	if m.sel.parent[0] != 0 || m.sel.selected() != md {
		t.Fatal("esc at the top level moved the selection")
	}

	// North America, with → and ← this time.
	na := node(t, pathNA)
	m = send(t, m, runeKey('4'))
	m = selectRow(t, m, na)
	m = send(t, m, keyRight)
	if m.sel.parent[3] != na {
		t.Fatalf("→ on North America lists the children of node %d", m.sel.parent[3])
	}
	for _, child := range []string{"United States", "Canada", "Rest of North America"} {
		treeRow(t, m, child)
		tableRow(t, m, child)
	}
	if _, ok := findTreeRow(m, "Europe"); ok {
		t.Error("drilled into North America, the tree still lists Europe")
	}
	// Drilling is per tab: Component is still at Medical Devices' level.
	m = send(t, m, runeKey('1'))
	if m.sel.parent[0] != 0 {
		t.Fatal("drilling into a region changed the Component tab")
	}
	m = send(t, m, runeKey('4'), keyLeft)
	if m.sel.parent[3] != 0 || m.sel.selected() != na {
		t.Fatalf("←: parent %d, selected %d", m.sel.parent[3], m.sel.selected())
	}
	treeRow(t, m, "Europe")
	// l and h are the same keys.
	m = send(t, m, runeKey('l'))
	if m.sel.parent[3] != na {
		t.Fatal("l does not drill down")
	}
	m = send(t, m, runeKey('h'))
	if m.sel.parent[3] != 0 {
		t.Fatal("h does not go back")
	}
}

func TestGrowthNudge(t *testing.T) {
	m := newTestModel(t, 160, 48)
	base := testDS.Base()
	md := node(t, pathMD)
	if base.Growth[md] != 19.5 {
		t.Fatalf("the dataset's Medical Devices growth is %v; the test expects 19.5", base.Growth[md])
	}
	m = selectRow(t, m, md)
	before := treeRow(t, m, "Medical Devices")
	m = send(t, m, runeKey('+'))
	a := m.Scenario()
	if a.Growth[md] != 20 {
		t.Fatalf("+ set the growth to %v, want exactly 20", a.Growth[md])
	}
	for n := range a.Growth {
		if n != md && a.Growth[n] != base.Growth[n] {
			t.Errorf("+ on Medical Devices changed the growth of %s", testDS.Nodes[n].Path)
		}
	}
	if !a.Equal(withGrowth(base, md, 20)) {
		t.Error("+ changed more than the growth of the selected segment")
	}
	row := treeRow(t, m, "Medical Devices")
	if row.cagr != "20.0" {
		t.Errorf("the tree's CAGR column shows %q after +, want 20.0 (and no report mark: the figure is edited)", row.cagr)
	}
	if row.real == before.real {
		t.Errorf("the realised CAGR %s did not move with the entered rate", row.real)
	}
	if tr := tableRow(t, m, "Medical Devices"); tr[len(tr)-2] != row.real {
		t.Errorf("the table's CAGR %s disagrees with the tree's realised CAGR %s", tr[len(tr)-2], row.real)
	}
	// The line says what the rate did: entered and realised differ, the
	// market keeps its rate, the siblings give up share.
	if l := lastLine(m); !strings.Contains(l, "Medical Devices 20.0 % entered, 19.8 % realised") {
		t.Errorf("status after +: %q", l)
	}

	// 0.5 pp steps stay exact: no drift after many presses.
	for range 7 {
		m = send(t, m, runeKey('+'))
	}
	if got := m.Scenario().Growth[md]; got != 23.5 {
		t.Fatalf("eight presses of + from 19.5 give %v, want exactly 23.5", got)
	}
	for range 8 {
		m = send(t, m, runeKey('-'))
	}
	if got := m.Scenario().Growth[md]; got != 19.5 {
		t.Fatalf("+ ×8 then - ×8 gives %v, want exactly 19.5", got)
	}
	// Steps stay on the 0.1 grid where plain float sums drift: 2.3 - 0.5
	// is 1.7999999999999998 in float64.
	m = send(t, m, runeKey('e'), ctrlU)
	m = send(t, typeText(t, m, "2.3"), keyEnter, runeKey('-'))
	if got := m.Scenario().Growth[md]; got != 1.8 {
		t.Fatalf("2.3 - 0.5 pp gives %v, want 1.8", got)
	}
	m = send(t, m, runeKey('e'), keyTab, ctrlU)
	m = send(t, typeText(t, m, "2.3"), keyEnter, runeKey('<'))
	if got := m.Scenario().Share[md]; got != 1.8 {
		t.Fatalf("a share of 2.3 - 0.5 pp gives %v, want 1.8", got)
	}
	checkInvariants(t, m.Scenario())
	m = send(t, m, runeKey('R'))
	if !m.Scenario().Equal(base) {
		t.Fatal("R does not return to the Base scenario")
	}

	// The rate is an estimate (no report mark), the share the report's.
	if row := treeRow(t, m, "Medical Devices"); row.cagr != "19.5" || row.share != "36.6*" {
		t.Errorf("back at the dataset's figures the row shows %+v, want CAGR 19.5 and share 36.6*", row)
	}
}

func withGrowth(a model.Assumptions, n int, g float64) model.Assumptions {
	a = a.Clone()
	a.Growth[n] = g
	return a
}

func TestGrowthNudgeTotalMovesMarketCAGR(t *testing.T) {
	m := newTestModel(t, 160, 48)
	if m.sel.selected() != 0 {
		t.Fatal("the Total row should be selected at start")
	}
	if row := treeRow(t, m, "Total"); row.cagr != "18.5*" || row.real != "18.5" {
		t.Fatalf("the Total row shows CAGR %q real %q, want the report's 18.5* and 18.5", row.cagr, row.real)
	}
	m = send(t, m, runeKey('+'))
	if got := m.Scenario().Growth[0]; got != 19 {
		t.Fatalf("+ on the Total row set the market CAGR to %v, want exactly 19", got)
	}
	row := treeRow(t, m, "Total")
	if row.cagr != "19.0" || row.real == "18.5" {
		t.Errorf("the Total row shows CAGR %q real %q after +", row.cagr, row.real)
	}
	if tr := tableRow(t, m, "Total"); tr[len(tr)-2] != row.real {
		t.Errorf("table CAGR %s, tree realised %s", tr[len(tr)-2], row.real)
	}
	if !strings.Contains(lastLine(m), "Market CAGR 19.0 %") {
		t.Errorf("status after +: %q", lastLine(m))
	}
	m = send(t, m, runeKey('-'), runeKey('-'))
	if got := m.Scenario().Growth[0]; got != 18 {
		t.Fatalf("+ - - gives a market CAGR of %v, want exactly 18", got)
	}
	// The total follows the CAGR from 2021 (2020 has its own rate in the
	// dataset): 51.2 × 1.185 × 1.18⁷ in 2027.
	if testDS.Base().YearGrowth[0] != 18.5 {
		t.Fatalf("the dataset's 2020 growth is %v; the test expects 18.5", testDS.Base().YearGrowth[0])
	}
	want := fmt.Sprintf("%.2f", 51.2*1.185*math.Pow(1.18, 7))
	if got := tableRow(t, m, "Total")[8]; got != want {
		t.Errorf("the 2027 total at 18 %% is %s, want %s", got, want)
	}
}

func TestShareNudgeRebalances(t *testing.T) {
	m := newTestModel(t, 160, 48)
	base := testDS.Base()
	md, sys, svc, ct := node(t, pathMD), node(t, pathSystems), node(t, pathServices), node(t, pathConnTech)
	if base.Share[md] != 36.6 {
		t.Fatalf("the report's Medical Devices share is 36.6 %%, the dataset has %v", base.Share[md])
	}
	m = selectRow(t, m, md)
	m = send(t, m, runeKey('>'))
	a := m.Scenario()
	checkInvariants(t, a)
	if a.Share[md] != 37.1 {
		t.Fatalf("> set the share to %v, want 37.1", a.Share[md])
	}
	// The other three absorb the 0.5 pp in proportion to their shares.
	want := (100 - 37.1) / (100 - 36.6)
	for _, n := range []int{sys, svc, ct} {
		if got := a.Share[n] / base.Share[n]; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s scaled by %v, want %v", testDS.Nodes[n].Path, got, want)
		}
	}
	if row := treeRow(t, m, "Medical Devices"); row.share != "37.1" {
		t.Errorf("the tree shows the share as %q, want 37.1 (without the report's mark)", row.share)
	}
	if row := treeRow(t, m, "Systems and Software"); row.share != fmtNum(a.Share[sys], 1) || row.share == "28.0" {
		t.Errorf("the tree shows the rebalanced Systems and Software share as %q, want %s", row.share, fmtNum(a.Share[sys], 1))
	}
	if tr := tableRow(t, m, "Medical Devices"); tr[0] != fmt.Sprintf("%.2f", 51.2*0.371) {
		t.Errorf("the table's 2019 value is %s, want 37.1 %% of 51.2", tr[0])
	}
	m = send(t, m, runeKey('<'))
	a = m.Scenario()
	checkInvariants(t, a)
	if a.Share[md] != 36.6 {
		t.Fatalf("> then < gives %v, want 36.6", a.Share[md])
	}
	// The Total row has no share to move.
	m = send(t, m, runeKey('k'))
	before := m.Scenario()
	m = send(t, m, runeKey('>'))
	if !m.Scenario().Equal(before) || !strings.Contains(lastLine(m), "Select a segment") {
		t.Errorf("> on the Total row: status %q", lastLine(m))
	}
	// At most 100: a step past it is refused and changes nothing.
	m = send(t, m, runeKey('j'), runeKey('e'), keyTab, ctrlU, runeKey('9'), runeKey('9'), runeKey('.'), runeKey('8'), keyEnter)
	if got := m.Scenario().Share[md]; got != 99.8 {
		t.Fatalf("typing 99.8 as the share gave %v", got)
	}
	for range 3 {
		m = send(t, m, runeKey('>'))
		checkInvariants(t, m.Scenario())
	}
	if got := m.Scenario().Share[md]; got != 99.8 {
		t.Fatalf("> past 100 changed the share to %v; it must be refused and stay at 99.8", got)
	}
	if !strings.Contains(lastLine(m), "Refused") {
		t.Errorf("> above 100 is not refused: %q", lastLine(m))
	}
}

var ctrlU = tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}

func TestLockRefusesShareEdit(t *testing.T) {
	m := newTestModel(t, 160, 48)
	md, sys := node(t, pathMD), node(t, pathSystems)
	m = selectRow(t, m, sys)
	m = send(t, m, keySpace)
	if !m.Scenario().Locked[sys] {
		t.Fatal("space did not lock Systems and Software")
	}
	if row := treeRow(t, m, "Systems and Software"); row.mark != "L" {
		t.Errorf("a locked share is not marked L: %+v", row)
	}
	if row := treeRow(t, m, "Medical Devices"); row.mark != "" {
		t.Errorf("an unlocked share is marked: %+v", row)
	}
	locked := m.Scenario()
	for _, k := range []rune{'>', '<'} {
		m = send(t, m, runeKey(k))
		if !m.Scenario().Equal(locked) {
			t.Fatalf("%q changed a locked share", k)
		}
		if l := lastLine(m); !strings.Contains(l, "locked") || !strings.Contains(l, "Refused") {
			t.Errorf("%q on a locked share says %q", k, l)
		}
	}
	// Typing a share for it is refused the same way, and the prompt stays.
	m = send(t, m, runeKey('e'), keyTab, ctrlU)
	m = typeText(t, m, "30")
	m = send(t, m, keyEnter)
	if !m.Scenario().Equal(locked) || !topIs[*valuePrompt](m) || !strings.Contains(lastLine(m), "locked") {
		t.Fatalf("typing a locked share: equal %v, top %T, line %q", m.Scenario().Equal(locked), m.dialogs.top(), lastLine(m))
	}
	m = send(t, m, keyEsc)

	// A sibling's edit leaves the locked share alone.
	m = selectRow(t, send(t, m, runeKey('k'), runeKey('k'), runeKey('k')), md)
	m = send(t, m, runeKey('>'))
	a := m.Scenario()
	checkInvariants(t, a)
	if a.Share[sys] != locked.Share[sys] || a.Share[md] != 37.1 {
		t.Fatalf("> on Medical Devices: locked share %v → %v, MD %v", locked.Share[sys], a.Share[sys], a.Share[md])
	}

	// Unlock with space again.
	m = selectRow(t, m, sys)
	m = send(t, m, keySpace)
	if m.Scenario().Locked[sys] {
		t.Fatal("space did not unlock")
	}
	if row := treeRow(t, m, "Systems and Software"); row.mark != "" {
		t.Errorf("an unlocked share is still marked: %+v", row)
	}
}

func TestExactPrompt(t *testing.T) {
	m := newTestModel(t, 160, 48)
	md := node(t, pathMD)
	m = selectRow(t, m, md)
	m = send(t, m, runeKey('e'))
	if !topIs[*valuePrompt](m) {
		t.Fatal("e does not open the prompt")
	}
	if l := lastLine(m); !strings.Contains(l, "Medical Devices growth %/yr: 19.5") {
		t.Fatalf("the prompt reads %q", l)
	}
	before := m.Scenario()

	// Not a number: refused, the prompt stays, nothing changes.
	m = send(t, m, ctrlU)
	m = typeText(t, m, "abc")
	m = send(t, m, keyEnter)
	if !m.Scenario().Equal(before) {
		t.Fatal(`"abc" changed the scenario`)
	}
	if !topIs[*valuePrompt](m) || !strings.Contains(lastLine(m), `"abc" is not a number`) {
		t.Fatalf(`after "abc": top %T, line %q`, m.dialogs.top(), lastLine(m))
	}
	// Out of range: refused too.
	m = send(t, m, ctrlU)
	m = typeText(t, m, "1e9")
	m = send(t, m, keyEnter)
	if !m.Scenario().Equal(before) || !strings.Contains(lastLine(m), "out of range") {
		t.Fatalf("1e9: line %q", lastLine(m))
	}

	m = send(t, m, ctrlU)
	m = typeText(t, m, "21.5")
	if !strings.Contains(lastLine(m), "growth %/yr: 21.5") {
		t.Errorf("the prompt does not echo the typing: %q", lastLine(m))
	}
	m = send(t, m, keyEnter)
	if got := m.Scenario().Growth[md]; got != 21.5 {
		t.Fatalf("typing 21.5 set the growth to %v", got)
	}
	if !m.Scenario().Equal(withGrowth(before, md, 21.5)) {
		t.Fatal("typing a growth rate changed something else")
	}
	if m.dialogs.top() != nil {
		t.Fatal("the prompt stays open after a valid value")
	}
	if row := treeRow(t, m, "Medical Devices"); row.cagr != "21.5" {
		t.Errorf("the CAGR column shows %q, want 21.5", row.cagr)
	}

	// tab switches the prompt to the share.
	m = send(t, m, runeKey('e'), keyTab)
	if l := lastLine(m); !strings.Contains(l, "Medical Devices share %: 36.6") {
		t.Fatalf("after tab the prompt reads %q", l)
	}
	m = send(t, m, ctrlU)
	m = typeText(t, m, "40%")
	m = send(t, m, keyEnter)
	a := m.Scenario()
	if a.Share[md] != 40 || a.Growth[md] != 21.5 {
		t.Fatalf("typing a share of 40: share %v growth %v", a.Share[md], a.Growth[md])
	}
	checkInvariants(t, a)
	if row := treeRow(t, m, "Medical Devices"); row.share != "40.0" {
		t.Errorf("the share column shows %q, want 40.0", row.share)
	}
	// tab cycles growth, share, value, one year's growth (the segment's
	// path) and back to the growth rate.
	m = send(t, m, runeKey('e'), keyTab, keyTab, keyTab)
	if l := lastLine(m); !strings.Contains(l, "Medical Devices growth in 2020 %: CAGR") {
		t.Fatalf("a third tab does not go to a year's growth: %q", l)
	}
	m = send(t, m, keyTab)
	if l := lastLine(m); !strings.Contains(l, "Medical Devices growth %/yr") {
		t.Fatalf("a fourth tab does not return to the growth: %q", l)
	}
	// esc cancels without a change.
	before = m.Scenario()
	m = send(t, m, ctrlU)
	m = typeText(t, m, "5")
	m = send(t, m, keyEsc)
	if m.dialogs.top() != nil || !m.Scenario().Equal(before) {
		t.Fatal("esc in the prompt did not cancel")
	}

	// The Total row has no share: tab goes to one year's growth.
	m = send(t, m, runeKey('k'), runeKey('e'), keyTab)
	if l := lastLine(m); !strings.Contains(l, "Market growth in 2020 %") {
		t.Fatalf("the Total row's prompt after tab: %q", l)
	}
}

func TestUndoRedoExact(t *testing.T) {
	m := newTestModel(t, 160, 48)
	states := []model.Assumptions{m.Scenario().Clone()}
	steps := []func(*Model) *Model{
		func(m *Model) *Model { return send(t, selectRow(t, m, node(t, pathMD)), runeKey('+')) },
		func(m *Model) *Model { return send(t, selectRow(t, m, node(t, pathServices)), runeKey('>')) },
		func(m *Model) *Model { return send(t, m, keySpace) },
		func(m *Model) *Model {
			m = send(t, selectRow(t, m, node(t, pathConnTech)), runeKey('e'), ctrlU)
			return send(t, typeText(t, m, "17.3"), keyEnter)
		},
		func(m *Model) *Model {
			return send(t, m, runeKey('k'), runeKey('k'), runeKey('k'), runeKey('k'), runeKey('-'))
		},
		func(m *Model) *Model { return send(t, m, runeKey('b')) },
	}
	for i, step := range steps {
		m = step(m)
		a := m.Scenario()
		if a.Equal(states[len(states)-1]) {
			t.Fatalf("step %d changed nothing", i)
		}
		checkInvariants(t, a)
		states = append(states, a.Clone())
	}
	for i := len(states) - 2; i >= 0; i-- {
		m = send(t, m, runeKey('u'))
		if !m.Scenario().Equal(states[i]) {
			t.Fatalf("undo to state %d is not bit-identical", i)
		}
	}
	before := m.Scenario()
	m = send(t, m, runeKey('u'))
	if !m.Scenario().Equal(before) || !strings.Contains(lastLine(m), "Nothing to undo") {
		t.Fatalf("undo at the start: %q", lastLine(m))
	}
	for i := 1; i < len(states); i++ {
		m = send(t, m, keyCtrlR)
		if !m.Scenario().Equal(states[i]) {
			t.Fatalf("redo to state %d is not bit-identical", i)
		}
	}
	m = send(t, m, keyCtrlR)
	if !m.Scenario().Equal(states[len(states)-1]) || !strings.Contains(lastLine(m), "Nothing to redo") {
		t.Fatalf("redo at the end: %q", lastLine(m))
	}
	// The view follows undo: the Medical Devices growth is back to 19.5.
	for range len(states) - 1 {
		m = send(t, m, runeKey('u'))
	}
	m = send(t, m, runeKey('1'))
	if row := treeRow(t, m, "Medical Devices"); row.cagr != "19.5" {
		t.Errorf("after undoing everything the CAGR column shows %q", row.cagr)
	}
	if row := treeRow(t, m, "Services"); row.share != "22.4" {
		t.Errorf("after undoing everything the Services share shows %q", row.share)
	}
}

func TestResetRowAndScenario(t *testing.T) {
	m := newTestModel(t, 160, 48)
	base := testDS.Base()
	md, sys := node(t, pathMD), node(t, pathSystems)
	m = selectRow(t, m, md)
	m = send(t, m, runeKey('+'), runeKey('+'), runeKey('>'), runeKey('>'), keySpace)
	m = selectRow(t, m, sys)
	m = send(t, m, runeKey('+'), runeKey('>'))
	m = send(t, m, runeKey('k'))
	a := m.Scenario()
	if a.Growth[md] != 20.5 || a.Share[md] != 37.6 || !a.Locked[md] {
		t.Fatalf("setup: %v %v %v", a.Growth[md], a.Share[md], a.Locked[md])
	}
	m = send(t, m, runeKey('r'))
	a = m.Scenario()
	checkInvariants(t, a)
	if a.Growth[md] != base.Growth[md] || a.Share[md] != base.Share[md] || a.Locked[md] {
		t.Fatalf("r left Medical Devices at growth %v share %v locked %v", a.Growth[md], a.Share[md], a.Locked[md])
	}
	if a.Growth[sys] != base.Growth[sys]+0.5 {
		t.Fatalf("r on Medical Devices reset the growth of Systems and Software too")
	}
	if row := treeRow(t, m, "Medical Devices"); row.cagr != "19.5" || row.share != "36.6*" || row.mark != "" {
		t.Errorf("after r the row shows %+v", row)
	}
	if !strings.Contains(lastLine(m), "Reset Medical Devices") {
		t.Errorf("status after r: %q", lastLine(m))
	}
	// r on the Total row resets the market CAGR.
	m = send(t, m, runeKey('k'), runeKey('-'), runeKey('r'))
	if m.Scenario().Growth[0] != base.Growth[0] {
		t.Fatalf("r on the Total row: market CAGR %v", m.Scenario().Growth[0])
	}

	m = send(t, m, runeKey('b'), runeKey('R'))
	if !m.Scenario().Equal(base) {
		t.Fatal("R does not restore the scenario bit for bit")
	}
	if strings.Contains(viewLines(m)[0], "unsaved") || !strings.Contains(viewLines(m)[0], "top-down") {
		t.Errorf("after R the header reads %q", viewLines(m)[0])
	}
	// R is one edit: undo brings the edits back.
	m = send(t, m, runeKey('u'))
	if m.Scenario().Equal(base) {
		t.Fatal("R cannot be undone")
	}
}

func TestMetricCycles(t *testing.T) {
	m := newTestModel(t, 160, 48)
	want := []struct {
		metric Metric
		title  string
		total  string // the Total's 2019 cell in the table
	}{
		{MetricShare, "Chart: share of parent, %", "100.0"},
		{MetricGrowth, "Chart: growth, % y/y", "–"},
		{MetricValue, "Chart: value, US$ bn", "51.20*"}, // the report states it
	}
	if lineIndex(m, "Chart: value, US$ bn") < 0 {
		t.Fatal("the chart does not start on values")
	}
	for _, w := range want {
		m = send(t, m, runeKey('v'))
		if m.sel.metric != w.metric {
			t.Fatalf("metric %v, want %v", m.sel.metric, w.metric)
		}
		if lineIndex(m, w.title) < 0 {
			t.Errorf("after v the chart title is not %q:\n%s", w.title, view(m))
		}
		if lineIndex(m, "Table: "+strings.TrimPrefix(w.title, "Chart: ")) < 0 {
			t.Errorf("the table does not follow the metric %q", w.title)
		}
		if got := tableRow(t, m, "Total")[0]; got != w.total {
			t.Errorf("metric %v: the Total's 2019 cell is %q, want %q", w.metric, got, w.total)
		}
	}
}

func TestModeBottomUp(t *testing.T) {
	m := newTestModel(t, 160, 48)
	m = send(t, m, runeKey('2'), runeKey('b'))
	a := m.Scenario()
	if a.Mode != model.BottomUp || a.Driver != 1 {
		t.Fatalf("b on the Application tab: mode %v driver %d", a.Mode, a.Driver)
	}
	if h := viewLines(m)[0]; !strings.Contains(h, "bottom-up (driver: Application)") {
		t.Errorf("the header reads %q", h)
	}
	if row := treeRow(t, m, "Total"); row.cagr != "sum" {
		t.Errorf("in bottom-up the Total's CAGR column shows %q, want sum", row.cagr)
	}
	// The total is the sum: + on it is refused and says why.
	m = send(t, m, runeKey('+'))
	if !m.Scenario().Equal(a) || !strings.Contains(lastLine(m), "bottom-up") {
		t.Fatalf("+ on the Total in bottom-up: %q", lastLine(m))
	}
	// A driver segment's growth now moves the total.
	totalBefore := tableRow(t, m, "Total")
	m = send(t, selectRow(t, m, node(t, "Application/Telemedicine")), runeKey('+'))
	if totalAfter := tableRow(t, m, "Total"); totalAfter[len(totalAfter)-2] == totalBefore[len(totalBefore)-2] {
		t.Errorf("in bottom-up + on Telemedicine does not move the total's CAGR (%s)", totalAfter[len(totalAfter)-2])
	}
	// b on another tab makes it the driver; b on the driver's tab goes back.
	m = send(t, m, runeKey('4'), runeKey('b'))
	if a := m.Scenario(); a.Mode != model.BottomUp || a.Driver != 3 {
		t.Fatalf("b on the Region tab: mode %v driver %d", a.Mode, a.Driver)
	}
	if h := viewLines(m)[0]; !strings.Contains(h, "bottom-up (driver: Region)") {
		t.Errorf("the header reads %q", h)
	}
	m = send(t, m, runeKey('b'))
	if a := m.Scenario(); a.Mode != model.TopDown {
		t.Fatalf("b again: mode %v", a.Mode)
	}
	if h := viewLines(m)[0]; !strings.HasSuffix(strings.TrimSpace(h), "top-down") {
		t.Errorf("the header reads %q", h)
	}
	if row := treeRow(t, m, "Total"); row.cagr != "18.5*" {
		t.Errorf("back in top-down the Total's CAGR shows %q", row.cagr)
	}
}

// TestQuitReadOnly: in a session whose workspace saves nothing (an open
// demo over SSH, a server without --data) the questions before changes
// go do not speak of unsaved changes, as if saving could keep them: they
// say the changes end with the session, and that x copies the table.
func TestQuitReadOnly(t *testing.T) {
	ws := &model.Workspace{Builtin: testBuiltins(), Why: "an open demo keeps no files"}
	m := send(t, New(testDS, builtinScenario(t, nameBase), Options{Dark: true, Workspace: ws}), tea.WindowSizeMsg{Width: 80, Height: 24})
	m = send(t, m, runeKey('+'))
	m, cmd := sendCmd(t, m, runeKey('q'))
	l := lastLine(m)
	if quits(cmd) || !strings.HasSuffix(strings.TrimRight(l, " "), "Quit? y/n") {
		t.Fatalf("q with edits in an open demo: %q", l)
	}
	if strings.Contains(strings.ToLower(l), "unsaved") || !strings.Contains(l, "Changes to "+nameBase+" end with this session (x copies the table).") {
		t.Errorf("the quit question in an open demo: %q", l)
	}
	m = send(t, m, runeKey('n')) // stay

	m = send(t, m, runeKey('n'), keyEnter) // the menu's first entry: a new scenario from Base
	if l := lastLine(m); strings.Contains(strings.ToLower(l), "unsaved") || !strings.Contains(l, "Changes to "+nameBase+" will be lost. Start a new scenario? y/n") {
		t.Errorf("a new scenario over edits in an open demo: %q", l)
	}
	m = send(t, m, runeKey('n'), runeKey('o'))
	m = pickTitle(t, m, nameHeadwd)
	m = send(t, m, keyEnter)
	if l := lastLine(m); strings.Contains(strings.ToLower(l), "unsaved") || !strings.Contains(l, "will be lost. Open") {
		t.Errorf("opening over edits in an open demo: %q", l)
	}
	m = send(t, m, runeKey('n'), runeKey('q'))
	if _, cmd := sendCmd(t, m, runeKey('y')); !quits(cmd) {
		t.Error("y to the quit question does not quit")
	}
}

// TestQuit: in a session that saves (a workspace folder), q with edits
// asks first, speaking of unsaved changes; see TestQuitReadOnly for one
// that cannot save.
func TestQuit(t *testing.T) {
	fresh := func() *Model {
		return send(t, New(testDS, baseScenario(), Options{Dark: true, Workspace: newWorkspace(t)}), tea.WindowSizeMsg{Width: 80, Height: 24})
	}
	if _, cmd := sendCmd(t, fresh(), runeKey('q')); !quits(cmd) {
		t.Fatal("q without edits does not quit")
	}
	if _, cmd := sendCmd(t, fresh(), keyCtrlC); !quits(cmd) {
		t.Fatal("ctrl+c without edits does not quit")
	}
	// Looking around is not an edit.
	look := []tea.Msg{runeKey('2'), runeKey('j'), runeKey('v'), keyEnter, keyEsc}
	if _, cmd := sendCmd(t, send(t, fresh(), look...), runeKey('q')); !quits(cmd) {
		t.Fatal("q after navigating only does not quit")
	}
	m := send(t, fresh(), look...)

	m = send(t, m, runeKey('+'))
	edited := m.Scenario()
	m, cmd := sendCmd(t, m, runeKey('q'))
	if quits(cmd) {
		t.Fatal("q with unsaved edits quits without asking")
	}
	if l := lastLine(m); !strings.Contains(l, "Quit? y/n") || !strings.Contains(l, "Unsaved changes") {
		t.Fatalf("q with edits shows %q", l)
	}
	// Other keys do nothing while asking.
	m, cmd = sendCmd(t, m, runeKey('+'))
	if quits(cmd) || !m.Scenario().Equal(edited) || !strings.Contains(lastLine(m), "Quit? y/n") {
		t.Fatal("+ while asking to quit did something")
	}
	m, cmd = sendCmd(t, m, runeKey('n'))
	if quits(cmd) || m.dialogs.top() != nil || !m.Scenario().Equal(edited) {
		t.Fatal("n does not keep working")
	}
	if strings.Contains(lastLine(m), "Quit?") {
		t.Fatalf("after n the question stays: %q", lastLine(m))
	}
	// Still working: keys act again.
	m = send(t, m, runeKey('+'))
	if m.Scenario().Equal(edited) {
		t.Fatal("after n the dashboard does not take keys")
	}
	m = send(t, m, runeKey('q'))
	m, cmd = sendCmd(t, m, runeKey('y'))
	if !quits(cmd) {
		t.Fatal("y does not quit")
	}
	if view(m) != "" {
		t.Errorf("the last frame after quitting is not empty: %q", view(m))
	}
	// ctrl+c while asking quits at once.
	m = newTestModel(t, 80, 24)
	m = send(t, m, runeKey('+'), keyCtrlC)
	if _, cmd := sendCmd(t, m, keyCtrlC); !quits(cmd) {
		t.Fatal("ctrl+c twice does not quit")
	}
	// Undoing every edit leaves nothing unsaved: q quits at once.
	m = newTestModel(t, 80, 24)
	m = send(t, m, runeKey('+'), runeKey('u'))
	if _, cmd := sendCmd(t, m, runeKey('q')); !quits(cmd) {
		t.Fatal("q after undoing every edit asks")
	}
}

func TestUnsavedMarker(t *testing.T) {
	m := newTestModel(t, 80, 24)
	head := func() string { return viewLines(m)[0] }
	if strings.Contains(head(), "unsaved") {
		t.Fatalf("a fresh scenario is marked unsaved: %q", head())
	}
	if !strings.Contains(head(), "Scenario: Base") {
		t.Fatalf("the header does not name the scenario: %q", head())
	}
	m = send(t, m, runeKey('j'), runeKey('+'))
	if !strings.Contains(head(), "● unsaved") {
		t.Fatalf("after an edit the header reads %q", head())
	}
	m = send(t, m, runeKey('u'))
	if strings.Contains(head(), "unsaved") {
		t.Fatalf("after undo the header reads %q", head())
	}
	m = send(t, m, keyCtrlR)
	if !strings.Contains(head(), "● unsaved") {
		t.Fatalf("after redo the header reads %q", head())
	}
	// Editing back to the original value is not a change either.
	m = send(t, m, runeKey('-'))
	if strings.Contains(head(), "unsaved") {
		t.Fatalf("+ then - leaves the header at %q", head())
	}
}

func TestMouseClicks(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := newTestModel(t, size[0], size[1])
			tabLine := viewLines(m)[1]
			for i, label := range []string{"1 Component", "2 Application", "3 End-User", "4 Region"} {
				at := strings.Index(tabLine, label)
				if at < 0 {
					t.Fatalf("the tab line %q has no %q", tabLine, label)
				}
				// Click the label's last character, in cells.
				x := ansi.StringWidth(tabLine[:at]) + ansi.StringWidth(label) - 1
				m = send(t, m, tea.MouseClickMsg{X: x, Y: 1, Button: tea.MouseLeft})
				if m.sel.dim != i {
					t.Fatalf("a click on %q at x=%d selects tab %d", label, x, m.sel.dim)
				}
				treeRow(t, m, map[int]string{0: "Medical Devices", 1: "Telemedicine", 2: "Other End-Users", 3: "Europe"}[i])
			}
			// A click on the right of the tabs or with another button does nothing.
			m = send(t, m, tea.MouseClickMsg{X: size[0] - 1, Y: 1, Button: tea.MouseLeft},
				tea.MouseClickMsg{X: 1, Y: 1, Button: tea.MouseRight})
			if m.sel.dim != 3 {
				t.Fatalf("a click beside the tabs switched to tab %d", m.sel.dim)
			}

			// Click the Europe row of the tree, found in the view.
			y := lineIndex(m, "  Europe ›")
			if y < 0 {
				t.Fatalf("no Europe row:\n%s", view(m))
			}
			m = send(t, m, tea.MouseClickMsg{X: 3, Y: y, Button: tea.MouseLeft})
			if got, want := m.sel.selected(), node(t, "Region/Europe"); got != want {
				t.Fatalf("a click on the Europe row (y=%d) selects node %d, want %d", y, got, want)
			}
			// The click selected the row that actions apply to.
			m = send(t, m, runeKey('e'))
			if !strings.HasPrefix(lastLine(m), "Europe growth") {
				t.Errorf("after clicking Europe, e prompts %q", lastLine(m))
			}
			m = send(t, m, keyEsc)
			// A click on the Total row and on the column header.
			y = lineIndex(m, "┃ Total")
			m = send(t, m, tea.MouseClickMsg{X: 3, Y: y, Button: tea.MouseLeft})
			if m.sel.selected() != 0 {
				t.Fatalf("a click on the Total row selects node %d", m.sel.selected())
			}
			m = send(t, m, tea.MouseClickMsg{X: 3, Y: y - 1, Button: tea.MouseLeft})
			if m.sel.selected() != 0 {
				t.Fatalf("a click on the column header selects node %d", m.sel.selected())
			}
			// A click in the table selects the row there too.
			tbl := lineIndex(m, "Table:")
			for i, l := range viewLines(m)[tbl:] {
				if strings.Contains(l, "Middle East & Africa") {
					m = send(t, m, tea.MouseClickMsg{X: size[0] / 2, Y: tbl + i, Button: tea.MouseLeft})
					break
				}
			}
			if got, want := m.sel.selected(), node(t, "Region/Middle East & Africa"); got != want {
				t.Fatalf("a click on the table's Middle East & Africa row selects node %d, want %d", got, want)
			}
		})
	}
}

func TestTooSmall(t *testing.T) {
	for _, size := range [][2]int{{79, 24}, {80, 23}, {40, 10}, {10, 3}, {1, 1}, {0, 0}} {
		m := newTestModel(t, size[0], size[1])
		v := view(m)
		if size[0] >= 40 && !strings.Contains(v, fmt.Sprintf("Terminal too small: %d×%d", size[0], size[1])) {
			t.Errorf("%dx%d: the view is\n%s", size[0], size[1], v)
		}
		if size[0] >= 20 && !strings.Contains(v, "Terminal too small") {
			t.Errorf("%dx%d: no too-small message:\n%s", size[0], size[1], v)
		}
		checkFits(t, v, size[0], size[1])
		// Keys still work, and q quits.
		m = send(t, m, runeKey('j'), runeKey('+'), tea.MouseClickMsg{X: 1, Y: 1, Button: tea.MouseLeft})
		checkFits(t, view(m), size[0], size[1])
	}
	if _, cmd := sendCmd(t, newTestModel(t, 79, 24), runeKey('q')); !quits(cmd) {
		t.Error("q does not quit from the too-small view")
	}
	// Growing the terminal brings the dashboard back.
	m := send(t, newTestModel(t, 79, 24), tea.WindowSizeMsg{Width: 80, Height: 24})
	if strings.Contains(view(m), "too small") {
		t.Fatal("80×24 is still too small")
	}
	checkFits(t, view(m), 80, 24)
	treeRow(t, m, "Medical Devices")
}

// checkFits fails when the view is wider or taller than w×h.
func checkFits(t testing.TB, v string, w, h int) {
	t.Helper()
	if msg := fitError(v, w, h); msg != "" {
		t.Fatalf("%s\n%s", msg, v)
	}
}

func fitError(v string, w, h int) string {
	lines := strings.Split(v, "\n")
	if h > 0 && len(lines) > h {
		return fmt.Sprintf("the view has %d lines at %d×%d", len(lines), w, h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > max(w, 0) && !(w == 0 && l == "Loading…") {
			return fmt.Sprintf("line %d is %d cells wide at %d×%d: %q", i, lw, w, h, l)
		}
	}
	return ""
}

func TestLightBackground(t *testing.T) {
	m := newTestModel(t, 80, 24)
	m = send(t, m, runeKey('j'))
	dark := m.View().Content
	darkStyles := m.look.styles
	m = send(t, m, tea.BackgroundColorMsg{Color: color.White})
	if m.look.styles == darkStyles || m.look.styles.pal.text == darkStyles.pal.text {
		t.Fatal("a light background did not change the styles")
	}
	if m.look.styles.pal.text != lightPalette().text {
		t.Error("a white background did not pick the light palette")
	}
	light := m.View().Content
	if light == dark {
		t.Error("the view's colours did not change on a light background")
	}
	if ansi.Strip(light) != ansi.Strip(dark) {
		t.Errorf("the background changed the text:\n%s\n%s", ansi.Strip(dark), ansi.Strip(light))
	}
	checkFits(t, ansi.Strip(light), 80, 24)
	m = send(t, m, tea.BackgroundColorMsg{Color: color.Black})
	if m.look.styles.pal.text != darkPalette().text {
		t.Error("a black background did not pick the dark palette")
	}
	// The table's selected row is drawn in the new palette too.
	if m.View().Content != dark {
		t.Error("back on a dark background the view differs from the first dark frame")
	}
}

func TestViewProperties(t *testing.T) {
	m := New(testDS, baseScenario(), Options{Dark: true})
	if cmd := m.Init(); cmd == nil {
		t.Error("Init does not ask for the background colour")
	}
	if got := view(m); got != "Loading…" {
		t.Errorf("before the first size the view is %q", got)
	}
	m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	v := m.View()
	if !v.AltScreen || v.MouseMode != tea.MouseModeCellMotion {
		t.Errorf("alt screen %v, mouse mode %v", v.AltScreen, v.MouseMode)
	}
	if v.WindowTitle != "iomt — Base" {
		t.Errorf("window title %q", v.WindowTitle)
	}
}

// TestNoColor checks that without colour the view has no colour codes and
// the same text.
func TestNoColor(t *testing.T) {
	m := New(testDS, baseScenario(), Options{NoColor: true})
	m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}, runeKey('j'))
	raw := m.View().Content
	for _, sgr := range []string{"38;2;", "48;2;", "38;5;", "\x1b[3"} {
		if strings.Contains(raw, sgr) {
			t.Fatalf("NO_COLOR view contains the colour code %q", sgr)
		}
	}
	if !strings.Contains(raw, "\x1b[7m") {
		t.Error("without colour the selected row is not drawn in reverse video")
	}
	// The chart's series are told apart by their characters, which the
	// legend shows.
	v := ansi.Strip(raw)
	for _, l := range []string{"● Medical Devic", "+ Systems and S", "x Services", "o Connecting Te"} {
		if !strings.Contains(v, l) {
			t.Errorf("without colour the legend has no %q:\n%s", l, v)
		}
	}
	if !strings.Contains(v, "●●●") || !strings.Contains(v, "ooo") {
		t.Errorf("without colour the chart does not draw series with their characters:\n%s", v)
	}
}

// TestNumbersGroupThousands: values of any size are written whole, with
// their thousands grouped, and signs as a change needs them.
func TestNumbersGroupThousands(t *testing.T) {
	for _, c := range []struct {
		x      float64
		prec   int
		num    string
		signed string
	}{
		{0.001, 3, "0.001", "+0.001"},
		{999.994, 2, "999.99", "+999.99"},
		{999.996, 2, "1,000.00", "+1,000.00"},
		{21791.0349, 2, "21,791.03", "+21,791.03"},
		{-1234567.891, 1, "-1,234,567.9", "-1,234,567.9"},
		{1e9, 0, "1,000,000,000", "+1,000,000,000"},
		{123456, 0, "123,456", "+123,456"},
		{-0.04, 1, "0.0", "0.0"},
		{math.NaN(), 2, "–", "–"},
	} {
		if got := fmtNum(c.x, c.prec); got != c.num {
			t.Errorf("fmtNum(%v, %d) = %q, want %q", c.x, c.prec, got, c.num)
		}
		if got := fmtSigned(c.x, c.prec); got != c.signed {
			t.Errorf("fmtSigned(%v, %d) = %q, want %q", c.x, c.prec, got, c.signed)
		}
	}
}
