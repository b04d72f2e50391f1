package ui

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// TestProvenanceAndRationale: a share derived from a reported value is
// not marked reported, the value is (in the base-year column); the
// selected row's rationale shows under the tree and in full in i; an
// edited figure is no longer the report's.
func TestProvenanceAndRationale(t *testing.T) {
	m := newTestModel(t, 160, 48)
	m = regionRow(t, m, "Region/North America")
	if row := treeRow(t, m, "North America"); strings.HasSuffix(row.share, "*") {
		t.Errorf("North America's share %q is marked reported; the report states its value, not its share", row.share)
	}
	if got := tableRow(t, m, "North America")[0]; got != "16.60*" {
		t.Errorf("North America's 2019 value cell %q, want 16.60* (reported)", got)
	}
	if !strings.Contains(view(m), "value: reported · CAGR: estimate, below the market") {
		t.Errorf("the detail line does not give North America's sources:\n%s", view(m))
	}
	m = selectRow(t, m, node(t, "Region/Europe"))
	if !containsWords(view(m), "value: estimate, second-largest region") {
		t.Errorf("the detail line does not give Europe's rationale:\n%s", view(m))
	}
	m = send(t, m, runeKey('i'))
	if !containsWords(view(m), "Selected: Europe") || !containsWords(view(m), "CAGR 17.5 %: estimate. below the market; the GDPR slows data-sharing uses") {
		t.Errorf("i does not give the selected row's figures in full:\n%s", view(m))
	}
	m = send(t, m, keyEsc, runeKey('+'))
	if !containsWords(view(m), "CAGR: set in this scenario") {
		t.Errorf("an edited rate still shows its dataset rationale:\n%s", view(m))
	}

	// A dataset that gives no reasons says so.
	ds, err := model.LoadDataset("bare.yaml", []byte(`market: Bare
base_year: 2020
end_year: 2025
total: {value: 10, cagr_pct: 5}
dimensions:
  - name: Kind
    segments:
      - {name: A, share_pct: 60, cagr_pct: 5}
      - {name: B, share_pct: 40, cagr_pct: 5}
`))
	if err != nil {
		t.Fatal(err)
	}
	b := send(t, New(ds, &model.Scenario{Name: "Base", Assumptions: ds.Base()}, Options{Dark: true}), tea.WindowSizeMsg{Width: 160, Height: 48})
	b = send(t, b, keyDown)
	if v := view(b); !strings.Contains(v, "share: estimate, no rationale given") || !strings.Contains(v, "CAGR: estimate, no rationale given") {
		t.Errorf("a dataset without notes does not say so:\n%s", view(b))
	}
	b = send(t, b, runeKey('i'))
	if !containsWords(view(b), "Every figure (6 base-year shares, values and growth rates) is an estimate; the dataset gives no rationale for them.") {
		t.Errorf("i claims a rationale the dataset does not give:\n%s", view(b))
	}
}

// TestHeaderKeepsModeAndCurrentTab: a long scenario name gives way to the
// mode, never the other way; with more tabs than fit, the current one is
// always shown, tabs past 9 have no number (they have no key), and a
// click finds the tab drawn under it.
func TestHeaderKeepsModeAndCurrentTab(t *testing.T) {
	sc := baseScenario()
	sc.Name = strings.Repeat("A very long scenario name ", 8)
	m := send(t, New(testDS, sc, Options{Dark: true, Workspace: newWorkspace(t)}), tea.WindowSizeMsg{Width: 80, Height: 24})
	if first := viewLines(m)[0]; !strings.HasSuffix(strings.TrimRight(first, " "), "top-down") || !strings.Contains(first, "…") {
		t.Errorf("the title line with a long scenario name: %q", first)
	}
	// An edit: the unsaved mark stays, the name gives way to it too.
	m = send(t, m, runeKey('+'))
	if first := viewLines(m)[0]; !strings.Contains(first, "… ● unsaved") || !strings.HasSuffix(strings.TrimRight(first, " "), "top-down") {
		t.Errorf("the title line with a long scenario name, edited: %q", first)
	}
	// q asks, the name shortened so that the question and y/n show.
	if l := lastLine(send(t, m, runeKey('q'))); !strings.Contains(l, "Unsaved changes to A very long") ||
		!strings.HasSuffix(strings.TrimRight(l, " "), "will be lost. Quit? y/n") {
		t.Errorf("the quit question with a long scenario name: %q", l)
	}
	// With a follower's banner too.
	f := send(t, New(testDS, sc, Options{Dark: true, Demo: &Demo{Role: RoleFollower}}), tea.WindowSizeMsg{Width: 80, Height: 24})
	f = send(t, f, FollowMsg{Snapshot: Snapshot{Scenario: sc.Name, Assumptions: m.Scenario(), Saved: &sc.Assumptions,
		Parent: make([]int, len(testDS.Dims)), Cursor: make([]int, len(testDS.Dims))}})
	if first := viewLines(f)[0]; !strings.HasPrefix(first, "Following") || !strings.Contains(first, "… ● unsaved") ||
		!strings.HasSuffix(strings.TrimRight(first, " "), "top-down") {
		t.Errorf("a follower's title line with a long scenario name, edited: %q", first)
	}

	var doc strings.Builder
	doc.WriteString("market: Wide\nbase_year: 2020\nend_year: 2022\ntotal: {value: 10, cagr_pct: 5}\ndimensions:\n")
	for i := range 14 {
		fmt.Fprintf(&doc, "  - name: Dimension number %d\n    segments:\n      - {name: A, share_pct: 100, cagr_pct: 5}\n", i+1)
	}
	ds, err := model.LoadDataset("wide.yaml", []byte(doc.String()))
	if err != nil {
		t.Fatal(err)
	}
	w := send(t, New(ds, &model.Scenario{Name: "Base", Assumptions: ds.Base()}, Options{Dark: true}), tea.WindowSizeMsg{Width: 80, Height: 24})
	for i := range 14 {
		tabs := viewLines(w)[1]
		want := fmt.Sprintf("%d Dimension number %d", i+1, i+1)
		if i >= 9 {
			want = fmt.Sprintf(" Dimension number %d", i+1)
		}
		if !strings.Contains(tabs, want) {
			t.Errorf("tab %d: the tab line %q does not show it", i+1, tabs)
		}
		if i >= 9 && strings.Contains(tabs, fmt.Sprintf("%d Dimension number %d", i+1, i+1)) {
			t.Errorf("tab %d is numbered, but only 1-9 have a key: %q", i+1, tabs)
		}
		col := strings.Index(tabs, want)
		if got := w.panes.header.tabAt(ansi.StringWidth(tabs[:col]) + 2); got != i {
			t.Errorf("tab %d: a click on it finds tab %d", i+1, got+1)
		}
		w = send(t, w, runeKey(']'))
	}
}

// TestWideTableKeepsNumbersNearLabels: at 250 columns the segment column
// is as wide as its longest name, not the room left over.
func TestWideTableKeepsNumbersNearLabels(t *testing.T) {
	m := newTestModel(t, 250, 50)
	m = send(t, m, runeKey('4'))
	for _, l := range viewLines(m) {
		if !strings.Contains(l, "│   Europe ") {
			continue
		}
		gap := regexp.MustCompile(`Europe( +)\d`).FindStringSubmatch(l)
		if gap == nil || len(gap[1]) > 30 {
			t.Errorf("Europe's numbers are %d columns from its name:\n%s", len(gap[1]), l)
		}
		return
	}
	t.Fatalf("no Europe row in the table:\n%s", view(m))
}

// TestMessagesKeepTheirPoint: a failed save says why before where, so
// the line cut at 80 columns keeps the reason; the cut line says how to
// read it whole, and M shows every message of the session in full.
func TestMessagesKeepTheirPoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("a-long-folder-name-", 4))
	if err := os.MkdirAll(filepath.Join(dir, "my-plan.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	ws := &model.Workspace{Dir: dir, Builtin: testBuiltins()}
	m := newWSModel(t, ws, 80, 24)
	m = send(t, m, runeKey('+'), runeKey('s'))
	m = typeText(t, m, "My plan")
	m = send(t, m, keyEnter) // a folder in the way: said before asking to replace it
	if m.dialogs.top() != nil {
		t.Fatalf("saving onto a folder asks %q", lastLine(m))
	}
	status := lastLine(m)
	if !strings.HasPrefix(status, "Not saved: my-plan.yaml is a folder, not a file") || !strings.HasSuffix(strings.TrimSpace(status), "(M: all)") {
		t.Fatalf("the status line %q does not give the reason first and the way to read it all", status)
	}
	m = send(t, m, runeKey('M'))
	full := strings.Join(strings.Fields(view(m)), " ")
	if !strings.Contains(full, "is a folder") || !strings.Contains(full, "a-long-folder-name-a-long-folder-name-") {
		t.Errorf("M does not show the message in full:\n%s", view(m))
	}
	m = send(t, m, keyEsc)
	if m.dialogs.top() != nil {
		t.Error("esc does not close the messages")
	}
}

func TestWrapBreaksLongWords(t *testing.T) {
	for _, c := range []struct {
		text string
		w    int
	}{
		{"a /very/long/path/that/does/not/fit end", 10},
		{"中中中中中", 1},
		{"中中中中中 ab", 3},
		{strings.Repeat("x", 50), 7},
	} {
		out := wrap(c.text, c.w, "  ")
		if strings.Join(strings.Fields(out), "") != strings.Join(strings.Fields(c.text), "") {
			t.Errorf("wrap(%q, %d) lost text: %q", c.text, c.w, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if ansi.StringWidth(l) > max(c.w, 2+2) {
				t.Errorf("wrap(%q, %d): line %q is too wide", c.text, c.w, l)
			}
		}
	}
}

// TestPickerFilterRanksTitles: typing in the picker ranks titles that
// start with the text first, then titles containing it, then
// descriptions, then fuzzy title matches; the count says how many
// scenarios match and how many do not (the list's own "n filtered" read
// as if n matched).
func TestPickerFilterRanksTitles(t *testing.T) {
	targets := []string{
		"Accelerated adoption\nThe report's drivers play out faster: security…",
		"Base (report)\nExactly the report",
		"Security headwinds\nThe report's main challenge",
		"My insecure plan\nnotes",
		"Sales ecology\nnothing",
	}
	var got []int
	for _, r := range titleFirst("sec", targets) {
		got = append(got, r.Index)
	}
	// Security (starts), insecure (inside a word), Accelerated (its
	// description), Sales ecology (fuzzy: s…e…c).
	if want := []int{2, 3, 0, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("ranks for \"sec\": %v, want %v", got, want)
	}

	ws := newWorkspace(t)
	m := newWSModel(t, ws, 100, 30)
	m = send(t, m, runeKey('o'), runeKey('/'))
	m = typeText(t, m, "sec")
	m = send(t, m, keyEnter)
	d := m.dialogs.top().(*scenarioPicker)
	if it, _ := d.chooser.selected(); it.title != "Security headwinds" {
		t.Errorf("after /sec the first choice is %q", it.title)
	}
	if !strings.Contains(view(m), "“sec” 1 scenario • 2 not matching") {
		t.Errorf("the filter's count does not read right:\n%s", view(m))
	}
}

// TestEveryInputFromTheDashboard: a segment's base-year value in money,
// the market's growth in any one year (and back to the CAGR), and the
// CAGR window are set with keys, each one undoable edit; prompts offer
// the current value at the precision the screen shows.
func TestEveryInputFromTheDashboard(t *testing.T) {
	m := newTestModel(t, 120, 36)
	md := node(t, "Component/Medical Devices")
	m = selectRow(t, m, md)
	m = send(t, m, runeKey('e'))
	if l := lastLine(m); !strings.Contains(l, "Medical Devices growth %/yr: 19.50") {
		t.Errorf("the growth prompt offers %q, want 19.50", l)
	}
	m = send(t, m, keyTab, keyTab)
	if l := lastLine(m); !strings.Contains(l, "Medical Devices value in 2019, US$ bn: 18.74") {
		t.Fatalf("the value prompt reads %q", l)
	}
	before := m.Scenario()
	m = typeText(t, m, "20.48")
	m = send(t, m, keyEnter)
	a := m.Scenario()
	if want := 20.48 / 51.2 * 100; math.Abs(a.Share[md]-want) > 1e-6 {
		t.Errorf("a value of 20.48 in 2019 gives a share of %v, want %v", a.Share[md], want)
	}
	if got := m.scen.res.Value(md, 0); math.Abs(got-20.48) > 1e-6 {
		t.Errorf("Medical Devices 2019 value %v, want 20.48", got)
	}
	if s := lastLine(m); !strings.Contains(s, "Medical Devices US$ 20.48 bn in 2019: 40.00 % of Total") {
		t.Errorf("status %q", s)
	}
	m = send(t, m, runeKey('u'))
	if !m.Scenario().Equal(before) {
		t.Error("one undo does not take the value back")
	}
	// More than the whole is refused, and the prompt says why.
	m = send(t, m, runeKey('e'), keyTab, keyTab)
	m = typeText(t, m, "60")
	m = send(t, m, keyEnter)
	if m.dialogs.top() == nil || !strings.Contains(lastLine(m), "is more than Total's whole US$ 51.20 bn in 2019") {
		t.Errorf("a value above the whole: %q", lastLine(m))
	}
	m = send(t, m, keyEsc)

	// The Total row: tab to one year's growth, ↑ to 2021, 9.5.
	m = send(t, m, runeKey('k'))
	m = send(t, m, runeKey('e'), keyTab)
	if l := lastLine(m); !strings.Contains(l, "Market growth in 2020 %: 18.50") {
		t.Fatalf("the year prompt reads %q", l)
	}
	m = send(t, m, keyUp)
	if l := lastLine(m); !strings.Contains(l, "Market growth in 2021 %: CAGR") {
		t.Fatalf("after ↑ the year prompt reads %q", l)
	}
	m = typeText(t, m, "9.5")
	m = send(t, m, keyEnter)
	if g := m.Scenario().YearGrowth[1]; g != 9.5 {
		t.Errorf("2021's own rate %v, want 9.5", g)
	}
	if got, want := m.scen.res.Value(0, 2)/m.scen.res.Value(0, 1), 1.095; math.Abs(got-want) > 1e-12 {
		t.Errorf("the total grows %v in 2021, want %v", got, want)
	}
	m = send(t, m, runeKey('e'), keyTab, keyUp)
	m = typeText(t, m, "cagr")
	m = send(t, m, keyEnter)
	if g := m.Scenario().YearGrowth[1]; !math.IsNaN(g) {
		t.Errorf("cagr left 2021 at %v, want the market's CAGR", g)
	}

	// w: the CAGR window, as the report quotes it.
	m = send(t, m, runeKey('w'))
	m = typeText(t, m, "2021-2027")
	m = send(t, m, keyEnter)
	if w := m.Scenario().Window; w != (model.Window{From: 2021, To: 2027}) {
		t.Fatalf("window %+v", w)
	}
	if row := treeRow(t, m, "Total"); row.real != "18.5" {
		t.Errorf("the Total's realised CAGR over 2021–2027 shows %q, want the report's 18.5", row.real)
	}
	if !strings.Contains(view(m), "Real CAGR, Δshare pp 2021–2027") {
		t.Errorf("the table does not name the window:\n%s", view(m))
	}
	m = send(t, m, runeKey('w'))
	m = typeText(t, m, "2027-2021")
	m = send(t, m, keyEnter)
	if m.dialogs.top() == nil || !strings.Contains(lastLine(m), "the first before the second") {
		t.Errorf("a backwards window: %q", lastLine(m))
	}
	m = send(t, m, keyEsc, runeKey('u'))
	if w := m.Scenario().Window; w != (model.Window{}) {
		t.Errorf("undo leaves the window at %+v", w)
	}
}

// TestSaveNamePrompt: the name prompt offers the current name without
// typing it in: typing replaces it, enter keeps it, tab brings it in to
// edit. A name typed after "New scenario" used to be appended to it.
func TestSaveNamePrompt(t *testing.T) {
	ws := newWorkspace(t)
	m := newWSModel(t, ws, 100, 30)
	m = send(t, m, runeKey('n'))
	m = pickTitle(t, m, "From the dataset's Base")
	m = send(t, m, keyEnter, runeKey('+'), runeKey('s'))
	m = typeText(t, m, "Plan")
	m = send(t, m, keyEnter)
	if h := headLine(m); !strings.Contains(h, "Scenario: Plan") || strings.Contains(h, "unsaved") {
		t.Fatalf("typed Plan: header %q, status %q", h, lastLine(m))
	}
	// A copy is offered its name: enter keeps it, tab edits it.
	m = send(t, m, runeKey('n'))
	m = pickTitle(t, m, "Copy of Plan")
	m = send(t, m, keyEnter, runeKey('s'))
	if !strings.Contains(lastLine(m), "enter keeps this name") {
		t.Errorf("the prompt does not offer the name: %q", lastLine(m))
	}
	m = send(t, m, keyTab)
	m = typeText(t, m, " B")
	m = send(t, m, keyEnter)
	if h := headLine(m); !strings.Contains(h, "Scenario: Copy of Plan B") {
		t.Errorf("tab then \" B\": header %q", h)
	}
	m = send(t, m, runeKey('n'))
	m = pickTitle(t, m, "Copy of Copy of Plan B")
	m = send(t, m, keyEnter, runeKey('s'), keyEnter)
	if h := headLine(m); !strings.Contains(h, "Scenario: Copy of Copy of Plan B") || strings.Contains(h, "unsaved") {
		t.Errorf("enter did not keep the offered name: %q (%q)", h, lastLine(m))
	}
}

// TestPromptRefusalKeepsItsPoint: at 80 columns a refused value's reason
// (the allowed range) shows whole beside what was typed; the field's
// label gives way to it.
func TestPromptRefusalKeepsItsPoint(t *testing.T) {
	m := newTestModel(t, 80, 24)
	m = send(t, m, runeKey('2'), runeKey('j'), runeKey('e'))
	m = typeText(t, m, "1200")
	m = send(t, m, keyEnter)
	if l := lastLine(m); m.dialogs.top() == nil || !strings.Contains(l, "1200") || !strings.Contains(l, "above -100 and below 1000") {
		t.Errorf("the refusal reads %q", l)
	}
	m = send(t, m, runeKey('x'))
	if l := lastLine(m); strings.Contains(l, "below 1000") {
		t.Errorf("the refusal stays after typing: %q", l)
	}
}

// TestSmallAmountsInWords: on a market below one unit, the figures of i
// and the messages of an edit give amounts with three significant digits,
// as the table does, never "0.00".
func TestSmallAmountsInWords(t *testing.T) {
	ds, err := model.LoadDataset("tiny.yaml", []byte("market: Tiny\ncurrency: CHF\nunit: million\nbase_year: 2020\nend_year: 2023\n"+
		"total: {value: 0.001, cagr_pct: 5}\ndimensions:\n  - name: Kind\n    segments:\n"+
		"      - {name: A, share_pct: 60, cagr_pct: 6}\n      - {name: B, share_pct: 40, cagr_pct: 4}\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := send(t, New(ds, &model.Scenario{Name: "Base", Assumptions: ds.Base()}, Options{Dark: true}), tea.WindowSizeMsg{Width: 120, Height: 36})
	if v := view(send(t, m, runeKey('i'))); !strings.Contains(v, "0.00100") || strings.Contains(v, " 0.00 ") {
		t.Errorf("i on a market of CHF 0.001 m:\n%s", v)
	}
	m = send(t, m, keyEsc)
	// Goal seek offers the value there is now; Monte Carlo's percentiles
	// and threshold read to three significant digits.
	// By hand: 0.001 × 1.05³ = 0.00115763.
	if v := view(send(t, m, runeKey('g'))); !strings.Contains(v, "Make Total reach 0.00116") {
		t.Errorf("goal seek on a market of CHF 0.001 m does not offer 0.00116:\n%s", v)
	}
	m = send(t, m, keyEsc)
	if v := view(send(t, m, runeKey('m'))); !regexp.MustCompile(`P50 +0\.00100 +0\.00105 +0\.00110 +0\.00116`).MatchString(v) {
		t.Errorf("Monte Carlo on a market of CHF 0.001 m:\n%s", v)
	}
	m = send(t, m, keyEsc)
	// j, e, tab, tab: A's base value in money, 0.0007.
	m = send(t, m, runeKey('j'), runeKey('e'), keyTab, keyTab)
	m = typeText(t, m, "0.0007")
	m = send(t, m, keyEnter)
	if l := lastLine(m); !strings.Contains(l, "0.000700") || !strings.Contains(l, "70.00 %") {
		t.Errorf("the message after setting A to 0.0007: %q", l)
	}
}

// TestHugeValuesWhole: a market at the limits (1e9 growing 999 % a year
// for 50 years reaches 1e59) used to print 60-digit numbers: the chart's
// axis labels were cut at the pane's edge and the table shrank to one
// year, and a realised CAGR of 1,002.2 % was cut. Such values read in
// scientific notation to six significant digits, whole, every number in
// the table is whole, and it keeps more than one year.
func TestHugeValuesWhole(t *testing.T) {
	ds, err := model.LoadDataset("huge.yaml", []byte("market: Huge\nbase_year: 2000\nend_year: 2050\n"+
		"total: {value: 1000000000, cagr_pct: 999}\ndimensions:\n  - name: Kind\n    segments:\n"+
		"      - {name: A, share_pct: 60, cagr_pct: 999}\n      - {name: B, share_pct: 40, cagr_pct: 990}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m := send(t, New(ds, &model.Scenario{Name: "Base", Assumptions: ds.Base()}, Options{Dark: true}), tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		m = send(t, m, keyTab) // the table, scrolled to its last years
		for range 60 {
			m = send(t, m, keyRight)
		}
		v := view(m)
		// By hand: 1e9 × 10.99^50 = 1.12172…e+61.
		if !strings.Contains(v, "1.12172e+61") {
			t.Errorf("%dx%d: the total of 2050 is not shown whole as 1.12172e+61:\n%s", size[0], size[1], v)
		}
		if regexp.MustCompile(`\d,\d{3},\d{3},\d{3},\d{3}`).MatchString(v) || regexp.MustCompile(`\d…`).MatchString(v) {
			t.Errorf("%dx%d: a number of many digits, or one cut:\n%s", size[0], size[1], v)
		}
		if years := regexp.MustCompile(`^20[0-5]\d$`); len(slices.DeleteFunc(tableRow(t, m, "Segment"), func(c string) bool { return !years.MatchString(c) })) < 2 {
			t.Errorf("%dx%d: the table shows one year:\n%s", size[0], size[1], v)
		}
		if real := tableRow(t, m, "A"); !slices.Contains(real, "1,002.2") {
			t.Errorf("%dx%d: A's realised CAGR is not shown whole (1,002.2): %q", size[0], size[1], real)
		}
	}
}

// TestWideNamesAlign: a name of full-width characters takes two cells a
// character; the segments pane padded it by characters, and its row's
// numbers and border stood a column to the right of the others.
func TestWideNamesAlign(t *testing.T) {
	ds, err := model.LoadDataset("wide.yaml", []byte("market: Wide\nbase_year: 2020\nend_year: 2023\n"+
		"total: {value: 10, cagr_pct: 5}\ndimensions:\n  - name: Kind\n    segments:\n"+
		"      - {name: ＡＢＣ, share_pct: 60, cagr_pct: 6}\n      - {name: Plain, share_pct: 40, cagr_pct: 4}\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := send(t, New(ds, &model.Scenario{Name: "Base", Assumptions: ds.Base()}, Options{Dark: true}), tea.WindowSizeMsg{Width: 100, Height: 30})
	var wide, plain string
	for _, l := range viewLines(m) {
		switch {
		case strings.Contains(l, "ＡＢＣ") && strings.Contains(l, "60.0"):
			wide = l
		case strings.Contains(l, "Plain") && strings.Contains(l, "40.0"):
			plain = l
		}
	}
	if wide == "" || plain == "" {
		t.Fatalf("the segments pane shows no rows for both:\n%s", view(m))
	}
	col := func(l, s string) int { return ansi.StringWidth(l[:strings.Index(l, s)]) }
	if a, b := col(wide, "60.0"), col(plain, "40.0"); a != b {
		t.Errorf("the shares stand in columns %d and %d:\n%s\n%s", a, b, wide, plain)
	}
	if a, b := ansi.StringWidth(wide), ansi.StringWidth(plain); a != b {
		t.Errorf("the rows are %d and %d cells wide:\n%s\n%s", a, b, wide, plain)
	}
}

// TestDetailLineGivesPathRates: a segment's growth path shows its years
// and their rates on the line under the tree, first, so that they show at
// 80×24 too, where the line is cut after two lines; years of one source
// share one label.
func TestDetailLineGivesPathRates(t *testing.T) {
	year := func(ups int, rate string) []tea.Msg {
		msgs := []tea.Msg{runeKey('e'), keyTab, keyTab, keyTab}
		for range ups {
			msgs = append(msgs, keyUp)
		}
		for _, r := range rate {
			msgs = append(msgs, runeKey(r))
		}
		return append(msgs, keyEnter)
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m := regionRow(t, newTestModel(t, size[0], size[1]), "Region/Asia-Pacific")
		m = send(t, m, year(4, "30")...)
		if !containsWords(treeText(m), "growth 2024 30.0 %: set in this scenario") {
			t.Errorf("%v: the detail line does not give the path's rate:\n%s", size, view(m))
		}
		m = send(t, m, year(5, "28")...)
		if !containsWords(treeText(m), "growth 2024 30.0 %, 2025 28.0 %: set in this scenario") {
			t.Errorf("%v: the detail line does not give both years' rates:\n%s", size, view(m))
		}
	}
	// The market's own years give their rates too, after its value and
	// CAGR.
	m := newTestModel(t, 160, 48)
	if !containsWords(treeText(m), "growth 2020 18.5 %: estimate, 2020 is outside") {
		t.Errorf("the Total's year does not give its rate:\n%s", view(m))
	}
}

// TestValueGivenSegmentUnderNewBase: a segment the dataset gives in money
// keeps its share when the scenario changes only the market's base value
// (as README says), so its value is not "set in this scenario": the
// detail line and i say it follows the scenario's base value, and what
// the dataset gives.
func TestValueGivenSegmentUnderNewBase(t *testing.T) {
	sc := baseScenario()
	sc.Assumptions.BaseValue = 46.08
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m := send(t, New(testDS, sc, Options{Dark: true}), tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		m = regionRow(t, m, "Region/North America")
		if v := treeText(m); strings.Contains(v, "value: set in this") || !containsWords(v, "value: its share of the scenario's base value, given as") {
			t.Errorf("%v: North America's value under a new base:\n%s", size, v)
		}
		m = send(t, m, runeKey('i'))
		if !containsWords(view(m), "value US$ 14.94 bn in 2019: its share of the scenario's base value. given as US$ 16.60 bn (reported), 32.4 % of US$ 51.20 bn") {
			t.Errorf("%v: i does not say where North America's value comes from:\n%s", size, view(m))
		}
	}
	// The market's own base value is the scenario's.
	m := send(t, New(testDS, sc, Options{Dark: true}), tea.WindowSizeMsg{Width: 160, Height: 48})
	if !containsWords(treeText(m), "value: set in this scenario") {
		t.Errorf("the Total's value is not marked as the scenario's:\n%s", view(m))
	}
}

// treeText is the segments pane's text, the tree's own lines, without
// the chart beside it.
func treeText(m *Model) string {
	var out []string
	for _, l := range strings.Split(view(m), "\n") {
		if rest, ok := strings.CutPrefix(l, "┃"); ok {
			if i := strings.Index(rest, "┃"); i >= 0 {
				out = append(out, rest[:i])
			}
		}
	}
	return strings.Join(out, "\n")
}
