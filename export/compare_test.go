package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"iomt/model"
)

// threeScenarios is A (the dataset's own) compared with B, C and D, each
// also exported alone, as the single-scenario exports the comparison is
// checked against.
func threeScenarios(t *testing.T) (in Input, alone []Input) {
	t.Helper()
	ds := loadSmall(t)
	a1, north := node(t, ds, "Kind/Alpha, Beta/A1"), node(t, ds, "Place/North")
	in = baseInput(ds, "A")
	alone = []Input{
		edited(t, ds, "B", model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20}),
		edited(t, ds, "C", model.Edit{Kind: model.SetShare, Node: a1, Value: 10}),
		edited(t, ds, "D", model.Edit{Kind: model.SetGrowth, Node: north, Value: 30}),
	}
	in.Compare = &Comparison{Scenario: "B", Result: alone[0].Result}
	for _, c := range alone[1:] {
		in.More = append(in.More, Comparison{Scenario: c.Scenario, Result: c.Result})
	}
	return in, alone
}

// csvOf writes in as CSV with opts and parses it.
func csvOf(t *testing.T, in Input, opts CSVOptions) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := CSVWith(&buf, in, opts); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestCSVCompareSeveral: the long CSV has a block per compared scenario,
// each holding A's own rows (as A's single export has them), the compared
// scenario's name and value (as its single export has them) and the
// differences; the wide CSV has A's rows, each compared scenario's rows
// as its own wide export has them, then each block of differences.
func TestCSVCompareSeveral(t *testing.T) {
	in, alone := threeScenarios(t)
	a := in
	a.Compare, a.More = nil, nil
	own := csvOf(t, a, CSVOptions{})
	long := csvOf(t, in, CSVOptions{})
	rows := len(own) - 1
	if want := 1 + 3*rows; len(long) != want {
		t.Fatalf("%d records, want the header and %d rows in each of 3 blocks (%d)", len(long), rows, want)
	}
	if !slices.Equal(long[0], append(slices.Clone(own[0]), "compare_scenario", "compare_value_usd_bn", "diff_usd_bn", "diff_pct")) {
		t.Errorf("header %q", long[0])
	}
	for bi, b := range alone {
		theirs := csvOf(t, b, CSVOptions{})
		for i := range rows {
			rec := long[1+bi*rows+i]
			if !slices.Equal(rec[:8], own[1+i]) {
				t.Fatalf("block %s row %d: %q, A's own export has %q", b.Scenario, i, rec[:8], own[1+i])
			}
			if rec[8] != b.Scenario || rec[9] != theirs[1+i][5] {
				t.Fatalf("block %s row %d: compare %q %q, %s's own export has value %q", b.Scenario, i, rec[8], rec[9], b.Scenario, theirs[1+i][5])
			}
			if d := field(t, rec[5]) - field(t, rec[9]); !approx(field(t, rec[10]), d, 1e-9) {
				t.Fatalf("block %s row %d: diff %s, A − B is %v", b.Scenario, i, rec[10], d)
			}
		}
	}

	wide := csvOf(t, in, CSVOptions{Wide: true})
	ownWide := csvOf(t, a, CSVOptions{Wide: true})
	n := len(ownWide) - 1
	if len(wide) != 1+7*n {
		t.Fatalf("wide: %d records, want the header and 7 blocks of %d (A, B, C, D, A minus each)", len(wide), n)
	}
	for i := range n {
		if !slices.Equal(wide[1+i], ownWide[1+i]) {
			t.Fatalf("wide row %d: %q, A's own %q", i, wide[1+i], ownWide[1+i])
		}
	}
	for bi, b := range alone {
		// B's rows over A's CAGR window, as B's own wide export (both
		// have the whole forecast as window).
		theirs := csvOf(t, b, CSVOptions{Wide: true})
		for i := range n {
			if got := wide[1+(1+bi)*n+i]; !slices.Equal(got, theirs[1+i]) {
				t.Fatalf("wide %s row %d: %q, its own %q", b.Scenario, i, got, theirs[1+i])
			}
			diff := wide[1+(4+bi)*n+i]
			if diff[0] != "A minus "+b.Scenario {
				t.Fatalf("wide difference block %d is %q", bi, diff[0])
			}
			for c := 4; c < len(diff); c++ {
				// Each side rounded to 12 digits: within 1e-9 of the larger.
				x, y := field(t, ownWide[1+i][c]), field(t, theirs[1+i][c])
				if d := x - y; math.Abs(field(t, diff[c])-d) > 1e-9*max(math.Abs(x), math.Abs(y), 1) {
					t.Fatalf("wide %s row %d column %s: %s, want %v", diff[0], i, wide[0][c], diff[c], d)
				}
			}
		}
	}
}

// TestJSONCompareSeveral: the first compared scenario stays where a
// single comparison puts it; compare_scenarios names them all and every
// node's comparisons hold each one's values as its own export has them.
func TestJSONCompareSeveral(t *testing.T) {
	in, alone := threeScenarios(t)
	var buf bytes.Buffer
	if err := JSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		CompareScenario  string   `json:"compare_scenario"`
		CompareScenarios []string `json:"compare_scenarios"`
		Total            struct {
			Values        []float64 `json:"values"`
			CompareValues []float64 `json:"compare_values"`
			Comparisons   []struct {
				Scenario string     `json:"scenario"`
				Values   []float64  `json:"values"`
				Diff     []*float64 `json:"diff_usd_bn"`
			} `json:"comparisons"`
		} `json:"total"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.CompareScenario != "B" || !slices.Equal(doc.CompareScenarios, []string{"B", "C", "D"}) || len(doc.Total.Comparisons) != 3 {
		t.Fatalf("compare_scenario %q, compare_scenarios %q, %d comparisons", doc.CompareScenario, doc.CompareScenarios, len(doc.Total.Comparisons))
	}
	for i, c := range doc.Total.Comparisons {
		var own bytes.Buffer
		if err := JSON(&own, alone[i]); err != nil {
			t.Fatal(err)
		}
		var theirs struct {
			Total struct {
				Values []float64 `json:"values"`
			} `json:"total"`
		}
		if err := json.Unmarshal(own.Bytes(), &theirs); err != nil {
			t.Fatal(err)
		}
		if c.Scenario != alone[i].Scenario || !slices.Equal(c.Values, theirs.Total.Values) {
			t.Errorf("comparison %d: %s %v, its own export %v", i, c.Scenario, c.Values, theirs.Total.Values)
		}
		for yi, d := range c.Diff {
			if d == nil || !approx(*d, doc.Total.Values[yi]-c.Values[yi], numRel) {
				t.Errorf("%s %d: diff %v", c.Scenario, yi, d)
			}
		}
	}
	if !slices.Equal(doc.Total.CompareValues, doc.Total.Comparisons[0].Values) {
		t.Error("compare_values is not the first comparison's")
	}
	// One comparison writes no list: its JSON is as before.
	one := in
	one.More = nil
	buf.Reset()
	if err := JSON(&buf, one); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); strings.Contains(s, "comparisons") || strings.Contains(s, "compare_scenarios") {
		t.Error("a single comparison writes the lists of several")
	}
}

// TestMarkdownCompareSeveral: three columns per compared scenario, each
// difference named, with its end-year value as its own export gives it.
func TestMarkdownCompareSeveral(t *testing.T) {
	in, alone := threeScenarios(t)
	var buf bytes.Buffer
	if err := Markdown(&buf, in); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	if !strings.Contains(md, "Compared with: B, C, D") {
		t.Errorf("the header does not name the three:\n%s", md)
	}
	for _, b := range alone {
		for _, h := range []string{b.Scenario + " 2022 (US$ bn)", "Δ " + b.Scenario + " 2022 (US$ bn)", "Δ " + b.Scenario + " 2022 (%)"} {
			if !strings.Contains(md, "| "+h+" |") {
				t.Errorf("no column %q", h)
			}
		}
		// The Total's row ends with each comparison's 2022 value.
		if want := fixed(b.Result.Value(0, 2)); !strings.Contains(md, "| "+want+" |") {
			t.Errorf("%s's 2022 total %s is not in the table", b.Scenario, want)
		}
	}
}

// TestXLSXCompareSeveral: the Forecast sheet has the CSV's four compare
// columns for each compared scenario: its name, its value (as the long
// CSV's block has it) and the differences, as formulas.
func TestXLSXCompareSeveral(t *testing.T) {
	in, alone := threeScenarios(t)
	f, _ := writeXLSX(t, in)
	rows, err := f.GetRows(sheetForecast, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	long := csvOf(t, in, CSVOptions{})
	n := len(rows) - 1
	if len(rows[0]) != 8+4*3 {
		t.Fatalf("Forecast header %q: want 8 columns and 4 per compared scenario", rows[0])
	}
	for bi, b := range alone {
		col0 := fcColCompare + 4*bi
		if !slices.Equal(rows[0][col0-1:col0+3], long[0][8:]) {
			t.Errorf("%s's columns %q", b.Scenario, rows[0][col0-1:col0+3])
		}
		for i := range n {
			r, rec := i+2, long[1+bi*n+i]
			row := rows[r-1]
			if row[col0-1] != b.Scenario || !approx(field(t, row[col0]), field(t, rec[9]), numRel) {
				t.Fatalf("row %d: %q %q, the CSV's block has %q %q", r, row[col0-1], row[col0], rec[8], rec[9])
			}
			got, err := f.CalcCellValue(sheetForecast, cellName(col0+2, r), excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if fm, _ := f.GetCellFormula(sheetForecast, cellName(col0+2, r)); fm == "" || !approx(field(t, got), field(t, rec[10]), 1e-9) && field(t, rec[10]) != 0 {
				t.Fatalf("row %d %s diff %q (formula %q), the CSV's %q", r, b.Scenario, got, fm, rec[10])
			}
		}
	}
	info := fmt.Sprint(f.GetRows(sheetInputs))
	if !strings.Contains(info, "B; C; D") {
		t.Error("the Inputs sheet does not say what is compared")
	}
}

// TestCompareAtMostFour: a fifth compared scenario is refused before a
// byte is written.
func TestCompareAtMostFour(t *testing.T) {
	in, alone := threeScenarios(t)
	in.More = append(in.More, Comparison{Scenario: "E", Result: alone[0].Result}, Comparison{Scenario: "F", Result: alone[0].Result})
	for _, format := range Formats() {
		var buf bytes.Buffer
		if err := Write(&buf, format, in); err == nil || !strings.Contains(err.Error(), "at most 4") || buf.Len() > 0 {
			t.Errorf("%s: %v, %d bytes", format, err, buf.Len())
		}
	}
}
