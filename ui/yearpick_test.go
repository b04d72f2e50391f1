package ui

import (
	"strings"
	"testing"
)

// TestValuePromptYears: in the value prompt's year field (e, tab on the
// Total row) the prompt says which way the years go; ↑ and → go a year
// later, ↓ and ← a year earlier; at either end the year stays and the
// prompt says so, rather than doing nothing; and what is typed before a
// year is picked is applied to the year picked.
func TestValuePromptYears(t *testing.T) {
	m := newTestModel(t, 80, 24)
	m = send(t, m, runeKey('e'), keyTab)
	year := func() int { return m.dialogs.top().(*valuePrompt).year }
	if l := lastLine(m); !strings.Contains(l, "Market growth in 2020 %") || !strings.Contains(l, "↓/← earlier · ↑/→ later year") {
		t.Fatalf("the year prompt does not say which way the years go at 80 columns: %q", l)
	}
	m = send(t, m, keyDown)
	if l := lastLine(m); year() != 2020 || !strings.Contains(l, "2020 is the first year: ↑/→ later") {
		t.Errorf("↓ on 2020: year %d, line %q; want 2020, and a word on why", year(), l)
	}
	m = send(t, m, keyLeft)
	if l := lastLine(m); year() != 2020 || !strings.Contains(l, "2020 is the first year") {
		t.Errorf("← on 2020: year %d, line %q", year(), l)
	}
	m = send(t, m, keyRight)
	if l := lastLine(m); year() != 2021 || !strings.Contains(l, "Market growth in 2021 %") || strings.Contains(l, "first year") {
		t.Errorf("→ from 2020: year %d, line %q; want 2021, the note gone", year(), l)
	}
	m = send(t, m, keyUp, keyUp, keyLeft)
	if year() != 2022 {
		t.Errorf("↑ ↑ ← from 2021: year %d, want 2022", year())
	}
	m = typeText(t, m, "9.5")
	m = send(t, m, keyDown)
	if year() != 2021 || promptValue(t, m) != "9.5" {
		t.Errorf("↓ after typing 9.5: year %d, typed %q; want 2021 and 9.5 kept", year(), promptValue(t, m))
	}
	for range 10 {
		m = send(t, m, keyUp)
	}
	if l := lastLine(m); year() != 2027 || !strings.Contains(l, "2027 is the last year: ↓/← earlier") {
		t.Errorf("↑ past the end: year %d, line %q", year(), l)
	}
	m = send(t, m, keyEnter)
	a := m.Scenario()
	if g := a.YearGrowth[2027-testDS.BaseYear-1]; g != 9.5 {
		t.Errorf("2027's own rate %v, want the 9.5 typed", g)
	}
	if g := a.YearGrowth[0]; g != testDS.Base().YearGrowth[0] {
		t.Errorf("2020's rate changed to %v", g)
	}
}

// TestAnalysisYears: goal seek and Monte Carlo pick their year as the
// value prompt does: ↑/→ later, ↓/← earlier, and a word at either end;
// their screens say which way.
func TestAnalysisYears(t *testing.T) {
	m := regionRow(t, newTestModel(t, 80, 24), "Region/Asia-Pacific")
	m = send(t, m, runeKey('g'))
	gs := m.dialogs.top().(*goalSeekDialog)
	if !containsWords(view(m), "in 2027 ("+yearHint+")") {
		t.Errorf("goal seek does not say which way the years go:\n%s", view(m))
	}
	m = send(t, m, keyLeft, keyDown, keyRight)
	if gs.year != 2026 {
		t.Errorf("← ↓ → from 2027: goal seek's year %d, want 2026", gs.year)
	}
	m = send(t, m, keyUp, keyRight)
	if l := lastLine(m); gs.year != 2027 || !strings.Contains(l, "2027 is the last year") {
		t.Errorf("→ on 2027: year %d, status %q", gs.year, l)
	}
	for range 10 {
		m = send(t, m, keyLeft)
	}
	if l := lastLine(m); gs.year != 2020 || !strings.Contains(l, "2020 is the first year") {
		t.Errorf("← past 2020: year %d, status %q", gs.year, l)
	}
	m = typeText(t, m, "10")
	m = send(t, m, keyEnter)
	if gs.solved == nil || !containsWords(view(m), "in 2020") {
		t.Errorf("the goal is not solved for 2020:\n%s", view(m))
	}

	m = send(t, m, keyEsc, runeKey('m'))
	mc := m.dialogs.top().(*monteCarloDialog)
	m = send(t, m, keyLeft, keyLeft, keyDown, keyRight)
	if mc.year != 2025 {
		t.Errorf("← ← ↓ → from 2027: Monte Carlo's year %d, want 2025", mc.year)
	}
	m = send(t, m, keyUp, keyUp, keyRight)
	if l := lastLine(m); mc.year != 2027 || !strings.Contains(l, "2027 is the last year") {
		t.Errorf("→ on 2027: year %d, status %q", mc.year, l)
	}
}
