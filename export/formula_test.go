package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"iomt/forecast"
	"iomt/model"
)

// Formula-like names, as a colleague's dataset or scenario may hold them:
// opened in a spreadsheet, each would run (a live link, a sum, a command
// on old Excel). Dimension and segment names cannot hold "/", so theirs
// are the slash-free forms.
const (
	hostileMarket   = `=HYPERLINK("http://evil.example/m","market")`
	hostileScenario = `=HYPERLINK("http://evil.example/s","x")`
	hostileCompare  = `=cmd|' /C calc'!A0`
)

// hostileNames are the dataset's dimension and segment names.
var hostileNames = []string{"=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(1)", `=cmd|' -C calc'!A0`, "-Region", `=HYPERLINK("x","y")`, "=A1", "+1", "＝1+1"}

// hostileInputs is a dataset with a formula for every name, a scenario
// and a comparison named as formulas too, and segments that shrink, so
// that negative numbers (which must stay numbers) are written as well.
func hostileInputs(t testing.TB) Input {
	t.Helper()
	q := strconv.Quote
	src := fmt.Sprintf(`market: %s
base_year: 2020
end_year: 2023
total: {value: 100, cagr_pct: 10}
dimensions:
  - name: %s
    segments:
      - {name: %s, share_pct: 50, cagr_pct: -5, segments: [{name: %s, share_pct: 50, cagr_pct: 1}, {name: %s, share_pct: 50, cagr_pct: 2}]}
      - {name: %s, share_pct: 50, cagr_pct: 8}
  - name: %s
    segments:
      - {name: %s, share_pct: 60, cagr_pct: 3, segments: [{name: %s, share_pct: 60, cagr_pct: 1}, {name: %s, share_pct: 40, cagr_pct: 2}]}
      - {name: %s, share_pct: 40, cagr_pct: -20}
`, q(hostileMarket), q(hostileNames[0]), q(hostileNames[1]), q(hostileNames[2]), q(hostileNames[3]), q(hostileNames[4]),
		q(hostileNames[5]), q(hostileNames[6]), q(hostileNames[7]), q(hostileNames[8]), q(hostileNames[9]))
	ds, err := model.LoadDataset("hostile.yaml", []byte(src))
	if err != nil {
		t.Fatalf("hostile dataset: %v", err)
	}
	in := edited(t, ds, hostileScenario, model.Edit{Kind: model.SetGrowth, Node: 0, Value: 12})
	b := ds.Base()
	in.Compare = &Comparison{Scenario: hostileCompare, Result: forecast.Project(ds, &b)}
	return in
}

// formulaStart reports whether a spreadsheet would read a text cell
// starting like s as a formula.
func formulaStart(s string) bool {
	return s != "" && strings.ContainsAny(s[:1], "=+-@\t\r") || strings.HasPrefix(s, "＝")
}

// TestCSVNamesNeverFormulas: in every dialect, long and wide, with a
// comparison, every text cell that would start a formula starts with "'"
// instead (and is the name after it), and every number is a number, the
// negative ones too.
func TestCSVNamesNeverFormulas(t *testing.T) {
	in := hostileInputs(t)
	known := map[string]bool{"": true, "Total": true, hostileScenario: true, hostileCompare: true,
		hostileScenario + " minus " + hostileCompare: true}
	for _, n := range hostileNames {
		known[n] = true
	}
	for _, d := range Dialects() {
		for _, wide := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s wide=%v", d, wide), func(t *testing.T) {
				var buf bytes.Buffer
				if err := CSVWith(&buf, in, CSVOptions{Wide: wide, Dialect: Dialect(d)}); err != nil {
					t.Fatal(err)
				}
				r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF"))))
				if d == string(ExcelSemicolon) {
					r.Comma = ';'
				}
				recs, err := r.ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				header := recs[0]
				text := map[int]bool{0: true, 1: true, 2: true, 3: true}
				for i, h := range header {
					if h == "compare_scenario" {
						text[i] = true
					}
				}
				negatives, quoted := 0, 0
				for _, rec := range recs[1:] {
					for i, cell := range rec {
						if text[i] {
							if formulaStart(cell) {
								t.Errorf("%s %q: a spreadsheet runs it as a formula", header[i], cell)
							}
							name, ok := strings.CutPrefix(cell, "'")
							if ok {
								quoted++
							}
							if !known[name] || ok != formulaStart(name) {
								t.Errorf("%s %q is not a name of the input, or not quoted as it should be", header[i], cell)
							}
							continue
						}
						if cell == "" {
							continue
						}
						if _, err := strconv.ParseFloat(strings.Replace(cell, ",", ".", 1), 64); err != nil {
							t.Errorf("%s %q is not a number", header[i], cell)
						}
						if strings.HasPrefix(cell, "-") {
							negatives++
						}
					}
				}
				if negatives == 0 || quoted == 0 {
					t.Errorf("%d negative numbers and %d quoted names: the test proves nothing", negatives, quoted)
				}
			})
		}
	}
}

// TestMarkdownNamesNeverFormulas: rendered and pasted into a spreadsheet,
// no table cell, heading or title of the Markdown export starts a
// formula; each hostile name is still there, after its "'".
func TestMarkdownNamesNeverFormulas(t *testing.T) {
	in := hostileInputs(t)
	raw, doc := writeMarkdown(t, in)
	// What a reader sees: Markdown's backslash escapes removed.
	unescape := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		}
		return b.String()
	}
	for _, l := range doc.lines {
		if strings.HasPrefix(l, "|") {
			continue
		}
		if shown := unescape(strings.TrimLeft(l, "# ")); formulaStart(shown) {
			t.Errorf("line %q reads %q: a formula when pasted", l, shown)
		}
	}
	cells := 0
	for _, tb := range doc.tables {
		for _, row := range append([][]string{tb.header}, tb.rows...) {
			for _, c := range row {
				cells++
				if shown := unescape(c); formulaStart(shown) && !isNumber(shown) {
					t.Errorf("%s: cell %q reads %q: a formula when pasted", tb.heading, c, shown)
				}
			}
		}
	}
	// The scenario's name follows the market's in the title, where it
	// starts no cell, so it is written as it is.
	if !strings.Contains(unescape(raw), "— "+hostileScenario) {
		t.Errorf("the title does not name the scenario %q", hostileScenario)
	}
	for _, n := range append(hostileNames, hostileMarket, hostileCompare) {
		if shown := unescape(raw); !strings.Contains(shown, "'"+n) && !strings.Contains(shown, "↳ "+n) {
			t.Errorf("%q is not in the Markdown after a \"'\" or a \"↳ \"", n)
		}
	}
	if cells == 0 {
		t.Fatal("no table cells")
	}
}

// isNumber reports whether a Markdown cell is a figure (signed ones
// included: "-3.20", "+1.5"), which stays as it is.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSuffix(s, "*"), 64)
	return err == nil
}

// TestXLSXNamesStayText: the workbook writes every name as a string, never
// as a formula, and unchanged (no "'": a string cell is never run).
func TestXLSXNamesStayText(t *testing.T) {
	in := hostileInputs(t)
	var buf bytes.Buffer
	if err := XLSX(&buf, in); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{hostileMarket: true, hostileScenario: true, hostileCompare: true}
	for _, n := range hostileNames {
		want[n] = true
	}
	found := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for ri, row := range rows {
			for ci, v := range row {
				name := strings.TrimPrefix(strings.TrimSpace(v), "↳ ")
				if !want[name] && !want[strings.TrimPrefix(name, "'")] {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
				formula, err := f.GetCellFormula(sheet, cell)
				if err != nil || formula != "" {
					t.Errorf("%s!%s %q is a formula %q (%v)", sheet, cell, v, formula, err)
				}
				typ, _ := f.GetCellType(sheet, cell)
				if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
					t.Errorf("%s!%s %q is of type %v, not a string", sheet, cell, v, typ)
				}
				if want[strings.TrimPrefix(name, "'")] && !want[name] {
					t.Errorf("%s!%s %q: a string cell needs no \"'\"", sheet, cell, v)
				}
				found[name] = true
			}
		}
	}
	for n := range want {
		if !found[n] {
			t.Errorf("%q is in no cell of the workbook", n)
		}
	}
}
