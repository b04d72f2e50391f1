package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"iomt/model"
)

// TestGolden compares the stripped screen with reviewed golden files in
// testdata/TestGolden. Rewrite them with `go test ./ui -update`, then read
// every changed file before committing it.
func TestGolden(t *testing.T) {
	views := []struct {
		name string
		keys []tea.Msg
	}{
		{"tab1", []tea.Msg{runeKey('1')}},
		{"tab2", []tea.Msg{runeKey('2')}},
		{"tab3", []tea.Msg{runeKey('3')}},
		{"tab4", []tea.Msg{runeKey('4')}},
		{"north-america", []tea.Msg{runeKey('4'), runeKey('j'), keyEnter}},
		{"help", []tea.Msg{runeKey('?')}},
		{"share", []tea.Msg{runeKey('1'), runeKey('v')}},
		// The analysis screens, on Asia-Pacific.
		{"goalseek", []tea.Msg{runeKey('4'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('g'), runeKey('6'), runeKey('0'), keyEnter}},
		{"tornado", []tea.Msg{runeKey('4'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('t')}},
		{"montecarlo", []tea.Msg{runeKey('4'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('m')}},
		{"levers", []tea.Msg{runeKey('d'), runeKey('+'), runeKey('+'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('-')}},
		// Every assumption in reach (issue 21): the data table; Monte
		// Carlo with a range typed in and the row's own rates drawn; a
		// goal seek answer with warnings; the market's size typed on the
		// Total row; a growth path set for Asia-Pacific in 2024.
		{"datatable", []tea.Msg{runeKey('4'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('T')}},
		{"montecarlo-shaped", []tea.Msg{runeKey('4'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('m'), keyTab, runeKey('2'), runeKey('0'),
			keyTab, runeKey('2'), runeKey('6'), keyEnter, runeKey('v'), keyTab, keyTab, keyUp, keyUp}},
		{"goalseek-warnings", []tea.Msg{runeKey('4'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('g'), runeKey('1'), runeKey('9'), runeKey('0'), keyEnter}},
		{"market-size", []tea.Msg{runeKey('e'), keyTab, keyTab}},
		{"path", []tea.Msg{runeKey('4'), runeKey('j'), runeKey('j'), runeKey('j'), runeKey('e'), keyTab, keyTab, keyTab,
			keyUp, keyUp, keyUp, keyUp, runeKey('3'), runeKey('0'), keyEnter}},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			for _, v := range views {
				t.Run(v.name, func(t *testing.T) {
					m := newTestModel(t, size[0], size[1])
					m = send(t, m, v.keys...)
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

// TestMarketGolden is TestGolden for the other markets of the test data:
// a EUR-million market past 10,000 and a GBP-thousand one of six
// dimensions past 1,000,000, where nothing may speak of IoMT or US$ or
// cut a number.
func TestMarketGolden(t *testing.T) {
	markets := []struct {
		file  string
		views map[string][]tea.Msg
	}{
		{"eu-digital-pathology.yaml", map[string][]tea.Msg{
			"offering": {runeKey('1')},
			"country":  {runeKey('2'), runeKey('j')},
			"info":     {runeKey('2'), runeKey('j'), runeKey('i')},
		}},
		{"uk-veterinary-telehealth.yaml", map[string][]tea.Msg{
			"payer":   {runeKey('6')},
			"england": {runeKey('5'), runeKey('j'), keyEnter},
			"help":    {runeKey('?')},
			"tornado": {runeKey('5'), runeKey('j'), runeKey('t')},
		}},
	}
	for _, mk := range markets {
		ds := loadTestdata(t, mk.file)
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			for name, keys := range mk.views {
				t.Run(fmt.Sprintf("%dx%d/%s-%s", size[0], size[1], strings.TrimSuffix(mk.file, ".yaml"), name), func(t *testing.T) {
					m := New(ds, &model.Scenario{Name: "Base", Dataset: ds.Market, Assumptions: ds.Base()}, Options{Dark: true})
					m = send(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
					m = send(t, m, keys...)
					out := view(m)
					checkFits(t, out, size[0], size[1])
					for _, foreign := range []string{"US$", "IoMT", "Medical", " bn"} {
						if strings.Contains(out, foreign) {
							t.Errorf("the screen of %s says %q:\n%s", ds.Market, foreign, out)
						}
					}
					if strings.Contains(out, ".…") || regexp.MustCompile(`\d…`).MatchString(out) {
						t.Errorf("a number is cut:\n%s", out)
					}
					golden.RequireEqual(t, []byte(out))
				})
			}
		}
	}
}

// loadTestdata loads a dataset of the repository's testdata folder.
func loadTestdata(t *testing.T, name string) *model.Dataset {
	t.Helper()
	p := filepath.Join("..", "testdata", name)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := model.LoadDataset(p, data)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}
