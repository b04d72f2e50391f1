package ui

import (
	"fmt"
	"regexp"
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
	if !strings.Contains(view(b), "share: estimate, no rationale given · CAGR: estimate, no rationale") {
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
	m := send(t, New(testDS, sc, Options{Dark: true}), tea.WindowSizeMsg{Width: 80, Height: 24})
	if first := viewLines(m)[0]; !strings.HasSuffix(strings.TrimRight(first, " "), "top-down") || !strings.Contains(first, "…") {
		t.Errorf("the title line with a long scenario name: %q", first)
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
		if got := w.header.tabAt(ansi.StringWidth(tabs[:col]) + 2); got != i {
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
