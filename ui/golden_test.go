package ui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
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
