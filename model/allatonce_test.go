package model

import (
	"strings"
	"testing"
)

// TestScenarioEveryProblemAtOnce: a value of the wrong type in one field
// does not hide the other fields' problems. One load names the growth
// rate that is not a number, the base value of 0, the path year outside
// the forecast and the range that misses its rate, each at its line and
// column.
func TestScenarioEveryProblemAtOnce(t *testing.T) {
	ds := embedded(t)
	yaml := strings.Join([]string{
		"scenario: Many problems",
		"total:",
		"  value: 0",
		"segments:",
		"  Component/Services:",
		"    cagr_pct: abc",
		"  Component/Medical Devices:",
		"    growth_by_year_pct: {2040: 20}",
		"  Region/Europe:",
		"    cagr_pct: 10",
		"    cagr_range_pct: [20, 30]",
	}, "\n") + "\n"
	_, err := LoadScenario("bad.yaml", []byte(yaml), ds)
	if err != nil {
		t.Log(err)
	}
	text := ""
	if err != nil {
		text = err.Error()
	}
	for _, want := range []string{
		"bad.yaml:6:15: ", // cagr_pct: abc
		"bad.yaml:3:10: ", // value: 0
		"bad.yaml:8:26: ", // the year 2040
		"bad.yaml:11:",    // the range
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no problem at %s in:\n%s", want, text)
		}
	}
}

// TestScenarioListForTextDoesNotHideTheRest: a list where the name goes
// (which the YAML decoder, not the type check, used to find, ending the
// load) is told, and the rest checked, in the file's order.
func TestScenarioListForTextDoesNotHideTheRest(t *testing.T) {
	_, err := LoadScenario("bad.yaml", []byte("scenario: [x]\ntotal:\n  value: 0\n"), embedded(t))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "bad.yaml:1:11: wrong type: expected text, found a list") || !strings.HasPrefix(lines[1], "bad.yaml:3:10: base-year value 0") {
		t.Errorf("problems:\n%s", err)
	}
}
