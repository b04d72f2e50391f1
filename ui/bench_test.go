package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// benchKeypress measures one keypress through Update and the redraw that
// follows, at w×h. The keys alternate + and - on a segment, so every
// press changes the scenario and re-projects it.
func benchKeypress(b *testing.B, w, h int) {
	m := newTestModel(b, w, h)
	m = send(b, m, runeKey('j')) // Medical Devices
	keys := [2]tea.KeyPressMsg{runeKey('+'), runeKey('-')}
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for i := 0; b.Loop(); i++ {
		nm, _ := m.Update(keys[i%2])
		m = nm.(*Model)
		n += len(m.View().Content)
	}
	if n == 0 {
		b.Fatal("empty views")
	}
	if g := m.Scenario().Growth[testDS.Dims[0].Top[0]]; g != 19.5 && g != 20 {
		b.Fatalf("growth drifted to %v", g)
	}
}

func BenchmarkKeypress80x24(b *testing.B)  { benchKeypress(b, 80, 24) }
func BenchmarkKeypress200x60(b *testing.B) { benchKeypress(b, 200, 60) }
