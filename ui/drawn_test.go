package ui

import (
	"math/rand/v2"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestRedrawIsFreshDraw holds the panes' kept drawings (the header's
// lines, the tree's rows, the table's cells, the chart, the help line)
// to what a dashboard that never drew before draws: after every step of
// a random walk of edits, moves, tabs, metrics, modes and sizes, the
// frame of the dashboard drawn at every step is byte for byte the frame
// of one that took the same messages and draws only once, at the end.
// A kept drawing whose key lacks an input it shows fails here.
func TestRedrawIsFreshDraw(t *testing.T) {
	steps := []tea.Msg{
		runeKey('+'), runeKey('-'), runeKey('>'), runeKey('<'), runeKey('j'), runeKey('k'),
		keyEnter, keyEsc, runeKey('['), runeKey(']'), runeKey('v'), runeKey('b'), keyTab,
		keySpace, runeKey('u'), keyCtrlR, runeKey('r'), runeKey('R'), keyLeft, keyRight,
		tea.WindowSizeMsg{Width: 80, Height: 24}, tea.WindowSizeMsg{Width: 160, Height: 48},
		tea.WindowSizeMsg{Width: 200, Height: 60}, tea.WindowSizeMsg{Width: 101, Height: 31},
	}
	for seed := range uint64(3) {
		r := rand.New(rand.NewPCG(seed, 23))
		m := newTestModel(t, 120, 36)
		var sent []tea.Msg
		for i := range 50 {
			msg := steps[r.IntN(len(steps))]
			sent = append(sent, msg)
			m = send(t, m, msg)
			got := m.View().Content
			fresh := send(t, newTestModel(t, 120, 36), sent...)
			if want := fresh.View().Content; got != want {
				t.Fatalf("seed %d, step %d (%v): the frame drawn from kept drawings differs from a fresh one:\n%s\nwant:\n%s", seed, i, sent, got, want)
			}
		}
	}
}
