package export

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestSummaryLongNameHeader: a scenario named in a dozen words takes at
// most three lines above its column, so the figures stay near the top;
// its whole name follows the table; every line fits the width.
func TestSummaryLongNameHeader(t *testing.T) {
	long := "A very long scenario name that a consultant typed for the steering committee deck"
	s := &Summary{Market: "Market", Unit: "US$ bn", Year: 2027, Scenarios: []string{"Base", long, "Short"},
		Rows: []SummaryRow{
			{Item: "Total/cagr_pct", Kind: "assumption", Label: "Total/cagr_pct", Cells: []SummaryCell{{Keeps: true}, {Number: 20}, {Number: 21}}},
			{Item: "Total/value_usd_bn/2027", Kind: "result", Label: "Total", Cells: []SummaryCell{{Number: 199}, {Number: 217}, {Number: 230}}},
		}}
	text := s.Text(80)
	lines := strings.Split(text, "\n")
	// The title, then the names' lines, then a blank line before the
	// first section.
	head := 0
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			break
		}
		head++
	}
	if head > maxHeadLines {
		t.Errorf("the names take %d lines:\n%s", head, text)
	}
	if !strings.Contains(strings.Join(strings.Fields(text), " "), "In full: "+long) {
		t.Errorf("the long name is not given whole:\n%s", text)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("a line of %d columns: %q", w, l)
		}
	}
	// Short names are not repeated below.
	if strings.Contains(text, "In full: Short") || strings.Contains(text, "In full: Base") {
		t.Errorf("a name that fits is given again:\n%s", text)
	}
}
