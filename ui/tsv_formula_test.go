package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"iomt/model"
)

// TestCopyTableNamesNeverFormulas: a segment named "+SUM(A1:A9)" or
// "-2+3" was copied as it is, and a spreadsheet ran it as a formula on
// paste. Every such name is copied after a "'", as the CSV export writes
// it, at the top level and drilled in; numbers, negative ones too, stay
// numbers.
func TestCopyTableNamesNeverFormulas(t *testing.T) {
	ds, err := model.LoadDataset("hostile.yaml", []byte(`market: '=HYPERLINK("x","y")'
base_year: 2020
end_year: 2023
total: {value: 100, cagr_pct: 10}
dimensions:
  - name: "=1+1"
    segments:
      - {name: "+SUM(A1:A9)", share_pct: 50, cagr_pct: -30, segments: [{name: "-2+3", share_pct: 50, cagr_pct: 1}, {name: "@SUM(1)", share_pct: 50, cagr_pct: 2}]}
      - {name: "=cmd|' -C calc'!A0", share_pct: 50, cagr_pct: 8}
`))
	if err != nil {
		t.Fatal(err)
	}
	m := New(ds, &model.Scenario{Name: "=A1", Dataset: ds.Market, Assumptions: ds.Base()}, Options{Dark: true})
	m = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	check := func(want ...string) {
		t.Helper()
		recs := copiedTable(t, m)
		var names []string
		negatives := 0
		for _, rec := range recs[1:] {
			names = append(names, rec[0])
			for _, c := range rec[1:] {
				if strings.HasPrefix(c, "-") {
					negatives++
				}
			}
		}
		if strings.Join(names, "|") != strings.Join(want, "|") {
			t.Errorf("copied names %q, want %q", names, want)
		}
		if negatives == 0 {
			t.Error("no negative number copied: the test proves nothing about numbers")
		}
	}
	check("Total", "'+SUM(A1:A9)", `'=cmd|' -C calc'!A0`)
	m = send(t, m, tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyEnter})
	check("'+SUM(A1:A9)", "'-2+3", "'@SUM(1)")
}
