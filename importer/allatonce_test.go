package importer

import (
	"strings"
	"testing"
)

// TestImportReportsEveryProblemAtOnce: a bad cell does not hide the rest
// of the table. One run names the cell that is not a number, and the
// validator's problems of the rows that did read (a share out of range,
// a row with both share and value, a segment named twice), each at its
// line; the figures of a row with a bad cell start no problem of their
// own (its siblings' shares are not said to miss 100).
func TestImportReportsEveryProblemAtOnce(t *testing.T) {
	csv := strings.Join([]string{
		"market,IoMT",
		"base_year,2019",
		"end_year,2027",
		"value,50",
		"cagr_pct,18",
		"",
		"dimension,segment,parent,share_pct,value,cagr_pct",
		"Component,Devices,,60,,fast",         // line 8
		"Component,Software,,40,,19",          // line 9
		"Region,North America,,150,,16",       // line 10
		"Region,Europe,,20,10,16",             // line 11
		"Application,Monitoring,,50,,16",      // line 12
		"Application,Monitoring,,50,,16",      // line 13
		"Application,Nowhere,Missing,100,,16", // line 14
	}, "\n") + "\n"
	_, err := importFile(writeFile(t, "bad.csv", []byte(csv)), "", Market{})
	got := problems(t, err)
	text := strings.Join(got, "\n")
	for _, want := range []string{
		`bad.csv:8: column cagr_pct: not a number: "fast"`,
		`bad.csv:10: column share_pct: share 150 % is out of range`,
		`bad.csv:11: column value: segment "Europe" has both share_pct and value`,
		`bad.csv:13: column segment: segment "Monitoring" is already defined (line 12)`,
		`bad.csv:14: column parent: no top-level segment "Missing"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	// The row of "fast" is still a share of 60: its set adds up.
	if strings.Contains(text, "lines 8–9") {
		t.Errorf("a bad cell's row set off a problem of its siblings:\n%s", text)
	}
}
