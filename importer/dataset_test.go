package importer

import (
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"iomt/model"
)

// readmeDataset is the complete dataset README.md shows under "File
// formats": the example table (testdata/import/segments.csv) holds the
// same market, row by row.
func readmeDataset(t *testing.T) *model.Dataset {
	t.Helper()
	doc, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "\n### Dataset (YAML or JSON)\n")
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	block, _, _ := strings.Cut(rest, "```")
	ds, err := model.LoadDataset("README.md", []byte(block))
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// sameDataset fails unless got holds want's market: every label, year,
// node, figure, reported mark, note and lever.
func sameDataset(t *testing.T, got, want *model.Dataset) {
	t.Helper()
	if got.Market != want.Market || got.Currency != want.Currency || got.Unit != want.Unit || got.Source != want.Source ||
		got.BaseYear != want.BaseYear || got.EndYear != want.EndYear {
		t.Errorf("market %q %s %s %q %d–%d, want %q %s %s %q %d–%d", got.Market, got.Currency, got.Unit, got.Source, got.BaseYear, got.EndYear,
			want.Market, want.Currency, want.Unit, want.Source, want.BaseYear, want.EndYear)
	}
	if !slices.Equal(got.Paths(), want.Paths()) {
		t.Fatalf("segments %v, want %v", got.Paths(), want.Paths())
	}
	for i := range want.Nodes {
		g, w := got.Nodes[i], want.Nodes[i]
		same := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
		if !slices.Equal(g.Reported, w.Reported) || !reflect.DeepEqual(g.Notes, w.Notes) || !same(g.InputValueBn, w.InputValueBn) {
			t.Errorf("%s: reported %v notes %v value %v, want %v %v %v", w.Path, g.Reported, g.Notes, g.InputValueBn, w.Reported, w.Notes, w.InputValueBn)
		}
	}
	ga, wa := got.Base(), want.Base()
	if !ga.Equal(wa) {
		t.Errorf("figures differ:\n got %+v\nwant %+v", ga, wa)
	}
	if !reflect.DeepEqual(got.Levers, want.Levers) || !reflect.DeepEqual(got.Context, want.Context) {
		t.Errorf("context %+v, want %+v", got.Context, want.Context)
	}
}

// TestImportExampleIsREADMEDataset: the example table in testdata, the
// one README documents the layout with, imports as the dataset README
// shows in YAML: the same figures, reported marks, notes and levers.
func TestImportExampleIsREADMEDataset(t *testing.T) {
	imp, err := importFile("../testdata/import/segments.csv", "", Market{})
	if err != nil {
		t.Fatal(err)
	}
	sameDataset(t, imp.Dataset, readmeDataset(t))
	// What is written is what was checked: the file loads as itself.
	again, err := model.LoadDataset("market.yaml", imp.YAML)
	if err != nil {
		t.Fatalf("the written dataset does not load: %v\n%s", err, imp.YAML)
	}
	sameDataset(t, again, imp.Dataset)
}

// exampleRows are the example table's rows as a workbook holds them:
// numbers as numbers.
func exampleRows(t *testing.T) [][]any {
	t.Helper()
	tb, err := ReadTable("../testdata/import/segments.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	prev := 0
	for _, r := range tb.Rows {
		for ; prev+1 < r.N; prev++ {
			rows = append(rows, nil) // the blank line between block and table
		}
		prev = r.N
		var row []any
		for _, c := range r.Cells {
			v, _, err := parseNumber(c.Text, false)
			switch {
			case c.Text == "":
				row = append(row, nil)
			case err == nil:
				row = append(row, v)
			default:
				row = append(row, c.Text)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// TestImportWorkbookAsExcelKeepsIt: the example table typed into Excel
// the way people do (shares and rates as percentages, a dimension merged
// down beside its segments, a share worked out by a formula, trailing
// empty rows with formatting) imports as the CSV does.
func TestImportWorkbookAsExcelKeepsIt(t *testing.T) {
	rows := exampleRows(t)
	header := slices.IndexFunc(rows, func(r []any) bool { return len(r) > 0 && r[0] == "dimension" })
	path := book(t, "Segments", rows, func(f *excelize.File) {
		pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
		if err != nil {
			t.Fatal(err)
		}
		custom := `0.0" pp";[Red]-0.0%`
		pct1, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
		if err != nil {
			t.Fatal(err)
		}
		for r := header + 2; r <= len(rows); r++ {
			for c, col := range []string{"D", "F"} {
				cell := col + itoa(r)
				v, _ := f.GetCellValue("Segments", cell, excelize.Options{RawCellValue: true})
				x, err := parseFloat(v)
				if err != nil {
					continue
				}
				// As Excel stores 19.9 % typed: the double nearest 0.199,
				// not 19.9/100.
				frac, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', -1, 64)+"e-2", 64)
				_ = f.SetCellValue("Segments", cell, frac)
				style := pct
				if c == 1 && r%2 == 0 {
					style = pct1 // a % in its negative section still multiplies
				}
				_ = f.SetCellStyle("Segments", cell, cell, style)
			}
		}
		// Component written once, merged down its seven rows.
		first, last := header+2, header+8
		for r := first + 1; r <= last; r++ {
			_ = f.SetCellValue("Segments", "A"+itoa(r), nil)
		}
		if err := f.MergeCell("Segments", "A"+itoa(first), "A"+itoa(last)); err != nil {
			t.Fatal(err)
		}
		// Systems and Software's share, as 100 − the others: a formula
		// whose stored value the patch below sets, as Excel stores it.
		_ = f.SetCellFormula("Segments", "D"+itoa(header+6), "1-D"+itoa(header+2)+"-D"+itoa(header+7)+"-D"+itoa(header+8))
		// Formatted rows under the table, with nothing in them.
		_ = f.SetCellStyle("Segments", "A40", "H45", pct)
	})
	patchZip(t, path, "xl/worksheets/sheet1.xml", func(s string) string {
		// Excel stores a formula's number result as a number; excelize
		// wrote the value set before the formula as text (t="str").
		out := strings.Replace(s, `t="str"><f>1-D`, `><f>1-D`, 1)
		if out == s {
			t.Fatal("no formula cell to patch")
		}
		return out
	})
	got, err := importFile(path, "", Market{})
	if err != nil {
		t.Fatal(err)
	}
	sameDataset(t, got.Dataset, readmeDataset(t))
}

func itoa(n int) string { return strconv.Itoa(n) }

func parseFloat(s string) (float64, error) {
	v, _, err := parseNumber(s, false)
	return v, err
}

// exampleCSV is the example table's text.
func exampleCSV(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../testdata/import/segments.csv")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// utf16LE encodes text as Excel's "Unicode text" does: UTF-16, little
// endian, after a byte order mark.
func utf16LE(text string, bom bool) []byte {
	var out []byte
	if bom {
		out = append(out, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(text)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func utf16BE(text string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(text)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

// semicolons writes a comma-separated table as Excel in a German locale
// saves it: ";" between fields, decimal commas.
func semicolons(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		var fields []string
		for _, f := range splitCSVLine(line) {
			if v, _, err := parseNumber(f, false); err == nil && strings.Contains(f, ".") {
				_ = v
				f = strings.Replace(f, ".", ",", 1)
			}
			if strings.ContainsAny(f, ";\"") {
				f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
			}
			fields = append(fields, f)
		}
		b.WriteString(strings.Join(fields, ";") + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// splitCSVLine splits one line of the example (quotes only around text
// with commas).
func splitCSVLine(line string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

// TestImportReadsExcelsTexts: the example table as each of Excel's text
// exports and habits writes it imports as the same dataset.
func TestImportReadsExcelsTexts(t *testing.T) {
	text := exampleCSV(t)
	tabs := strings.ReplaceAll(strings.ReplaceAll(text, "\"UnivDatos Market Insights, Internet of Medical Things Market (2020-2027)\"",
		"UnivDatos Market Insights, Internet of Medical Things Market (2020-2027)"), ",", "\t")
	tabs = strings.ReplaceAll(tabs, "UnivDatos Market Insights\t Internet", "UnivDatos Market Insights, Internet")
	cases := []struct {
		name string
		data []byte
	}{
		{"utf-8 bom and crlf.csv", append([]byte{0xEF, 0xBB, 0xBF}, strings.ReplaceAll(text, "\n", "\r\n")...)},
		{"excel-semicolon.csv", []byte(semicolons(text))},
		{"sep line.csv", []byte("sep=;\r\n" + semicolons(text))},
		{"unicode text.txt", utf16LE(strings.ReplaceAll(tabs, "\n", "\r\n"), true)},
		{"utf-16 without bom.txt", utf16LE(tabs, false)},
		{"utf-16 big endian.txt", utf16BE(tabs)},
		{"percent signs.csv", []byte(strings.NewReplacer(",36.6,", ",36.6 %,", ",21.5,", ",21.5%,", ",45,", ",45\u00a0%,").Replace(text))},
		{"trailing empty rows.csv", []byte(text + ",,,,,,,\n,,,,,,,\n\n")},
		{"header any order and case.csv", []byte(strings.Replace(text, "dimension,segment,parent,share_pct,value,cagr_pct,reported,note",
			"Dimension,Segment,Parent,Share (%),Value,CAGR,Reported,Note", 1))},
		{"classic mac line ends.csv", []byte(strings.ReplaceAll(text, "\n", "\r"))},
	}
	want := readmeDataset(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := importFile(writeFile(t, c.name, c.data), "", Market{})
			if err != nil {
				t.Fatal(err)
			}
			sameDataset(t, got.Dataset, want)
		})
	}
}

// TestImportNumbersAsWritten: thousands separators and decimal marks as
// spreadsheets in different locales write them.
func TestImportNumbersAsWritten(t *testing.T) {
	cases := []struct {
		text         string
		decimalComma bool
		want         float64
		pct          bool
	}{
		{"1,234.5", false, 1234.5, false},
		{"1,234", false, 1234, false},
		{"18,5", false, 18.5, false},
		{"1.234,5", false, 1234.5, false},
		{"1 234,5", true, 1234.5, false},
		{"1\u00a0234,5", true, 1234.5, false},
		{"1'234.5", false, 1234.5, false},
		{"1.234.567,89", true, 1234567.89, false},
		{"18,5", true, 18.5, false},
		{"18.5", true, 18.5, false},
		{"18.5 %", false, 18.5, true},
		{"−2,5 %", true, -2.5, true},
		{"1.5E+3", false, 1500, false},
		{"  42  ", false, 42, false},
	}
	for _, c := range cases {
		got, pct, err := parseNumber(c.text, c.decimalComma)
		if err != nil || got != c.want || pct != c.pct {
			t.Errorf("parseNumber(%q, %v) = %v, %v, %v; want %v, %v", c.text, c.decimalComma, got, pct, err, c.want, c.pct)
		}
	}
	for _, bad := range []string{"", "abc", "1,2,3", "12,34,567", "1.2.3", "NaN", "Inf", "1e999", "--1", "1 23", "0x10", "1_000"} {
		if v, _, err := parseNumber(bad, false); err == nil {
			t.Errorf("parseNumber(%q) = %v, want an error", bad, v)
		}
	}
	if _, _, err := parseNumber("1.234", true); err != errAmbiguous {
		t.Errorf("1.234 with decimal commas: %v, want it called ambiguous", err)
	}
}
