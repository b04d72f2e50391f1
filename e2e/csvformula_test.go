package e2e

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// formulaDataset names its market, dimensions and segments as formulas
// (names cannot hold "/", so the command is written with "-C").
const formulaDataset = `market: '=HYPERLINK("http://evil.example/m","market")'
base_year: 2020
end_year: 2023
total: {value: 100, cagr_pct: 10}
dimensions:
  - name: "=1+1"
    segments:
      - {name: "+SUM(A1:A9)", share_pct: 50, cagr_pct: -5, segments: [{name: "-2+3", share_pct: 50, cagr_pct: 1}, {name: "@SUM(1)", share_pct: 50, cagr_pct: 2}]}
      - {name: "=cmd|' -C calc'!A0", share_pct: 50, cagr_pct: 8}
`

// TestCSVOpensAsTextInLibreOffice: LibreOffice opening an exported CSV
// ran "=1+1" (showing 2) and made =HYPERLINK(…) a live link. Every CSV
// layout and dialect of a dataset and scenarios named as formulas, opened
// by LibreOffice as a double click would, holds no formula at all, and
// each name cell shows the text the CSV holds.
func TestCSVOpensAsTextInLibreOffice(t *testing.T) {
	soffice := requireTool(t, "soffice")
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ds := write("formula.yaml", formulaDataset)
	a := write("a.yaml", "scenario: '=HYPERLINK(\"http://evil.example/s\",\"x\")'\ntotal: {cagr_pct: 12}\n")
	b := write("b.yaml", "scenario: \"=cmd|' /C calc'!A0\"\n")
	exports := map[string][]string{ // file → export flags
		"long.csv":       {},
		"excel.csv":      {"--dialect", "excel"},
		"wide.csv":       {"--wide"},
		"wide-excel.csv": {"--wide", "--dialect", "excel"},
		"semi.csv":       {"--dialect", "excel-semicolon"},
		"wide-semi.csv":  {"--wide", "--dialect", "excel-semicolon"},
	}
	var comma, semi []string
	for name, flags := range exports {
		out := filepath.Join(dir, name)
		args := append([]string{"export", "--dataset", ds, "--scenario", a, "--compare", b, "-o", out}, flags...)
		runCLI(t, dir, args...).wantCode(t, 0, strings.Join(args, " "))
		if strings.Contains(name, "semi") {
			semi = append(semi, out)
		} else {
			comma = append(comma, out)
		}
	}
	out := filepath.Join(dir, "out")
	toXLSX(t, soffice, dir, out, "CSV:44,34,76,1", comma)
	toXLSX(t, soffice, dir, out, "CSV:59,34,76,1", semi)

	for name := range exports {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
		if strings.Contains(name, "semi") {
			r.Comma = ';'
		}
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		book := filepath.Join(out, strings.TrimSuffix(name, ".csv")+".xlsx")
		f, err := excelize.OpenFile(book)
		if err != nil {
			t.Fatalf("%s: %v", book, err)
		}
		sheet := f.GetSheetList()[0]
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(recs) {
			t.Errorf("%s: LibreOffice read %d rows, the CSV has %d", name, len(rows), len(recs))
		}
		names := 0
		for ri, rec := range recs {
			for ci, want := range rec {
				cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s %s: LibreOffice made %q the formula %q", name, cell, want, formula)
				}
				if ri == 0 || ci > 3 && recs[0][ci] != "compare_scenario" {
					continue // the header and the numbers
				}
				names++
				if got, _ := f.GetCellValue(sheet, cell); got != want {
					t.Errorf("%s %s shows %q, the CSV holds %q", name, cell, got, want)
				}
			}
		}
		if names < 10 {
			t.Errorf("%s: only %d name cells checked", name, names)
		}
		f.Close()
	}
}
