package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"iomt/model"
)

// TestValueGivenSegmentsUnderNewBase: with only the market's base value
// changed, a segment the dataset gives in money keeps its share (README):
// the XLSX Inputs row of that share says what it was given as and of what
// base, with the source it had (North's value is reported, South's an
// estimate); JSON carries the scenario's base value as the total's value,
// and no value without one.
func TestValueGivenSegmentsUnderNewBase(t *testing.T) {
	ds := loadSmall(t)
	in := edited(t, ds, "Bigger", model.Edit{Kind: model.SetBaseValue, Value: 120})
	f, _ := writeXLSX(t, in)
	_, rowOf, value := inputRows(t, f)
	for p, want := range map[string]string{"Place/North/share_pct": "reported", "Place/South/share_pct": "estimate"} {
		r := rowOf[p]
		unit, _ := f.GetCellValue(sheetInputs, cellName(inColUnit, r))
		src, _ := f.GetCellValue(sheetInputs, cellName(inColSource, r))
		if value[p] != "50" || src != want ||
			!strings.Contains(unit, "given as US$ 50 bn of the dataset's US$ 100 bn; the share holds at the scenario's base value") {
			t.Errorf("%s: %s %q, source %q (want %s)", p, value[p], unit, src, want)
		}
	}

	total := func(in Input) map[string]any {
		t.Helper()
		var buf bytes.Buffer
		if err := JSON(&buf, in); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Total map[string]any `json:"total"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Total
	}
	if v, ok := total(in)["value"]; v != 120.0 {
		t.Errorf("JSON total value %v (present %v), want the scenario's 120", v, ok)
	}
	if v, ok := total(edited(t, ds, "Base"))["value"]; ok {
		t.Errorf("JSON gives a value %v for a scenario that sets none", v)
	}

	// A share the scenario changes is the scenario's, its note as before.
	in = edited(t, ds, "Both", model.Edit{Kind: model.SetBaseValue, Value: 120},
		model.Edit{Kind: model.SetShare, Node: node(t, ds, "Place/North"), Value: 60})
	f, _ = writeXLSX(t, in)
	_, rowOf, _ = inputRows(t, f)
	unit, _ := f.GetCellValue(sheetInputs, cellName(inColUnit, rowOf["Place/North/share_pct"]))
	src, _ := f.GetCellValue(sheetInputs, cellName(inColSource, rowOf["Place/North/share_pct"]))
	if src != "scenario" || !strings.HasSuffix(unit, "(given as US$ 50 bn)") {
		t.Errorf("North's share set by the scenario: %q, source %q", unit, src)
	}
}
