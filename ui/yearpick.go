package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// stepYear is the year picker of the value prompt, goal seek and Monte
// Carlo: ↑ or → a year later, ↓ or ← a year earlier, between first and
// the forecast's last year. ok reports whether k is a year key at all.
// At either end the year stays and note says why and which way the years
// go: a key that silently does nothing leaves the user typing a value
// for a year they did not mean.
func stepYear(e env, k tea.KeyPressMsg, year, first int) (next int, ok bool, note string) {
	last := e.ds.EndYear
	switch {
	case key.Matches(k, e.look.keys.YearLater):
		if year >= last {
			// Short: the value prompt has 38 columns for it at 80.
			return last, true, fmt.Sprintf("%d is the last year: ↓/← earlier", last)
		}
		return year + 1, true, ""
	case key.Matches(k, e.look.keys.YearEarlier):
		if year <= first {
			return first, true, fmt.Sprintf("%d is the first year: ↑/→ later", first)
		}
		return year - 1, true, ""
	}
	return year, false, ""
}

// yearHint says which keys change the year, and which way.
const yearHint = "↓/← earlier · ↑/→ later year"
