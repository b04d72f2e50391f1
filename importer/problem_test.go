package importer

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestImportCSVProblemsNameLineAndColumn: every problem of a CSV table
// is told as FILE:LINE: column NAME, the way a user finds it in a text
// editor or a spreadsheet's row numbers; the validator's problems too,
// and shares that do not add up name every row of their set.
func TestImportCSVProblemsNameLineAndColumn(t *testing.T) {
	cases := []struct {
		name, csv string
		want      []string
	}{
		{"shares that do not add up", marketLinesCSV + "dimension,segment,parent,share_pct,cagr_pct\n" +
			"Region,North,,50,5\nRegion,South,,30,5\nRegion,East,,10,5\n", []string{
			"seg.csv: lines 7–9, column share_pct: shares under Region add up to 90 %, not 100: North 50 % + South 30 % + East 10 % (shares of one set of siblings must add up to 100)",
		}},
		{"shares given as values and shares", marketLinesCSV + "dimension,segment,parent,share_pct,value,cagr_pct\n" +
			"Region,North,,,150,5\nRegion,South,,30,,5\nProduct,Hardware,,60,,4\nProduct,Software,,40,,4\n", []string{
			"seg.csv: line 7, column value; line 8, column share_pct: shares under Region add up to 105 %, not 100: North 75 % + South 30 % (shares of one set of siblings must add up to 100)",
		}},
		{"children that do not add up", marketLinesCSV + "dimension,segment,parent,share_pct,cagr_pct\n" +
			"Region,North,,100,5\nRegion,Canada,North,20,5\nRegion,Mexico,North,70,5\n", []string{
			"seg.csv: lines 8–9, column share_pct: shares under Region/North add up to 90 %, not 100: Canada 20 % + Mexico 70 % (shares of one set of siblings must add up to 100)",
		}},
		{"a rate out of range and a name twice", marketLinesCSV + "dimension,segment,parent,share_pct,cagr_pct\n" +
			"Region,North,,50,5\nRegion,North,,50,1000\n", []string{
			`seg.csv:8: column segment: segment "North" is already defined (line 7) (names must be unique among siblings)`,
			"seg.csv:8: column cagr_pct: growth rate 1000 % is out of range: above -100 and below 1000 (growth rates are percent per year, e.g. 18.5)",
		}},
		{"text where a number goes", marketLinesCSV + "dimension,segment,parent,share_pct,cagr_pct\n" +
			"Region,North,,50,fast\nRegion,South,,\"50,5x\",5\n", []string{
			`seg.csv:7: column cagr_pct: not a number: "fast" (write a number such as 36.6)`,
			`seg.csv:8: column share_pct: not a number: "50,5x" (write a number such as 36.6)`,
		}},
		{"a point in a decimal-comma file", strings.ReplaceAll(marketLinesCSV, ",", ";") + "dimension;segment;parent;value;cagr_pct\n" +
			"Region;North;;1.234;5\nRegion;South;;2,5;5\n", []string{
			`seg.csv:7: column value: "1.234" could be 1234 or 1.234 (write 1234 for over a thousand, or 1,234 for one and a bit)`,
		}},
		{"a percentage as money", marketLinesCSV + "dimension,segment,parent,value,cagr_pct\nRegion,North,,40 %,5\n", []string{
			"seg.csv:7: column value: a percentage (40 %) where a value goes (a value is money in the dataset's unit, without %)",
		}},
		{"missing figures", marketLinesCSV + "dimension,segment,parent,share_pct,cagr_pct\nRegion,North,,,\n,South,,100,5\n", []string{
			"seg.csv:7: column share_pct: no share_pct or value (give share_pct, its percent of the parent (of the total at the top level))",
			"seg.csv:7: column cagr_pct: no cagr_pct (give the segment's yearly growth in percent, such as 19.5)",
			"seg.csv:8: column dimension: no dimension (each row names its dimension, such as Region)",
		}},
		{"a parent that is not there", marketLinesCSV + "dimension,segment,parent,share_pct,cagr_pct\n" +
			"Region,North America,,100,5\nRegion,Canada,Nort America,100,5\nRegion,Quebec,Canada,100,5\n", []string{
			`seg.csv:8: column parent: no top-level segment "Nort America" in dimension "Region" (did you mean "North America"?)`,
			`seg.csv:9: column parent: parent "Canada" is itself a sub-segment (of "Nort America") (segments nest at most two levels: segment and sub-segment)`,
		}},
		{"an unknown and a repeated column", marketLinesCSV + "dimension,segment,parent,shar_pct,cagr_pct,CAGR\nRegion,North,,100,5,5\n", []string{
			`seg.csv:6: column D: unknown column "shar_pct" (did you mean share_pct?)`,
			"seg.csv:6: column F: a second cagr_pct column (the first is E) (keep one of them)",
		}},
		{"no header", marketLinesCSV + "Region,North,,100,5\n", []string{
			"seg.csv: no header row naming the columns dimension and segment (the table needs a row of column names, in any order: dimension, segment, parent, share_pct, value, cagr_pct, reported, note)",
		}},
		{"market lines missing or mistyped", "maket,Test\nbase_year,20x9\ndimension,segment,share_pct,cagr_pct\nRegion,North,100,5\n", []string{
			"seg.csv: no market name (add a market line above the table: market | Internet of Medical Things; or --market NAME)",
			"seg.csv: no end_year (add a market line above the table: end_year | 2027; or --end-year 2027)",
			"seg.csv: no value (the market's base-year value) (add a market line above the table: value | 51.2; or --total-value 51.2)",
			"seg.csv: no cagr_pct (the market's growth rate) (add a market line above the table: cagr_pct | 18.5; or --total-cagr 18.5)",
			`seg.csv:1: maket: unknown market line "maket" (did you mean market?)`,
			`seg.csv:2: base_year: base_year "20x9" is not a year (write a year such as 2019)`,
		}},
		{"a reported mark that is not one", marketLinesCSV + "dimension,segment,share_pct,cagr_pct,reported\nRegion,North,100,5,share and size\n", []string{
			`seg.csv:7: column reported: "size" is not a figure of the row (write the figures the source states: share_pct, value, cagr_pct; or yes for the row's share or value)`,
		}},
		{"a reported figure not given", marketLinesCSV + "dimension,segment,share_pct,cagr_pct,reported\nRegion,North,100,5,value\n", []string{
			`seg.csv:7: column reported: reported: "value" is listed but not given`,
		}},
		{"a dimension written in another case", marketLinesCSV + "dimension,segment,share_pct,cagr_pct\nRegion,North,60,5\nregion,South,40,5\n", []string{
			`seg.csv:8: column dimension: dimension "region" differs from "Region" only in case (write it as on line 7, or give the dimensions names that differ in more than case)`,
		}},
		{"a name with a control character", marketLinesCSV + "dimension,segment,share_pct,cagr_pct\nRegion,\"Nor\x07th\",100,5\n", []string{
			`seg.csv:7: column segment: name "Nor\ath" contains a control character (U+0007)`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := importFile(writeFile(t, "seg.csv", []byte(c.csv)), "", Market{})
			if err == nil {
				t.Fatal("imported")
			}
			if got := trimDir(problems(t, err)); !slices.Equal(got, c.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// trimDir drops the test folder from the file names in problems.
func trimDir(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if j := strings.Index(l, "seg.csv"); j >= 0 {
			l = l[j:]
		}
		if j := strings.Index(l, "markets.xlsx"); j >= 0 {
			l = l[j:]
		}
		out[i] = l
	}
	return out
}

// TestImportSheetProblemsNameCells: a workbook's problems name the sheet
// and the cell as the spreadsheet shows them (D12), ranges for a set of
// rows.
func TestImportSheetProblemsNameCells(t *testing.T) {
	market := [][]any{{"market", "Test"}, {"base_year", 2020}, {"end_year", 2025}, {"value", 200}, {"cagr_pct", 10}}
	table := func(rows ...[]any) [][]any {
		return append(append(slices.Clone(market), []any{"dimension", "segment", "parent", "share_pct", "cagr_pct"}), rows...)
	}
	cases := []struct {
		name  string
		rows  [][]any
		edit  func(f *excelize.File)
		sheet string
		want  []string
	}{
		{"shares that do not add up", table([]any{"Region", "North", nil, 50, 5}, []any{"Region", "South", nil, 30, 5}), nil, "", []string{
			"markets.xlsx: sheet Segments, cells D7:D8: shares under Region add up to 80 %, not 100: North 50 % + South 30 % (shares of one set of siblings must add up to 100)",
		}},
		{"a rate out of range", table([]any{"Region", "North", nil, 100, 1200}), nil, "", []string{
			"markets.xlsx: sheet Segments, cell E7: growth rate 1200 % is out of range: above -100 and below 1000 (growth rates are percent per year, e.g. 18.5)",
		}},
		{"a percentage of a percentage", table([]any{"Region", "North", nil, 100, 0.05}), func(f *excelize.File) {
			st, _ := f.NewStyle(&excelize.Style{NumFmt: 9})
			_ = f.SetCellStyle("Segments", "D7", "D7", st)
		}, "", []string{
			"markets.xlsx: sheet Segments, cell D7: share 10000 % is out of range 0–100 (shares are percent of the parent, 0 to 100)",
		}},
		{"a formula without its value", table([]any{"Region", "North", nil, 100, 5}), func(f *excelize.File) {
			_ = f.SetCellValue("Segments", "E7", nil)
			_ = f.SetCellFormula("Segments", "E7", "B2*0+5")
		}, "", []string{
			"markets.xlsx: sheet Segments, cell E7: a formula (=B2*0+5) without a stored value (open the workbook in Excel or LibreOffice and save it, which stores every formula's value; or type the value)",
		}},
		{"an error value", table([]any{"Region", "North", nil, 100, 5}), nil, "", nil},
		{"cells merged across columns", table([]any{"Region", "North", nil, 100, 5}), func(f *excelize.File) {
			_ = f.MergeCell("Segments", "D7", "E7")
		}, "", []string{
			"markets.xlsx: sheet Segments, cells D7:E7: merged across columns of the table (unmerge them: each column holds its own figure)",
		}},
		{"a sheet that is not there", table([]any{"Region", "North", nil, 100, 5}), nil, "Segs", []string{
			`markets.xlsx: no sheet "Segs" (its sheets are "Segments")`,
		}},
		{"an empty sheet", table([]any{"Region", "North", nil, 100, 5}), func(f *excelize.File) {
			_, _ = f.NewSheet("Empty")
		}, "Empty", []string{
			`markets.xlsx: sheet Empty: the sheet is empty (give --sheet NAME: its other sheets are "Segments")`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := book(t, "Segments", c.rows, c.edit)
			if c.name == "an error value" {
				patchZip(t, path, "xl/worksheets/sheet1.xml", func(s string) string {
					return strings.Replace(s, `<c r="E7"><v>5</v></c>`, `<c r="E7" t="e"><v>#DIV/0!</v></c>`, 1)
				})
				c.want = []string{"markets.xlsx: sheet Segments, cell E7: holds the error #DIV/0! (fix the formula, or type the value)"}
			}
			_, err := importFile(path, c.sheet, Market{})
			if err == nil {
				t.Fatal("imported")
			}
			if got := trimDir(problems(t, err)); !slices.Equal(got, c.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestImportRefusesWhatIsNoTable: a binary, an old .xls, a zip that is
// no workbook, text in another encoding and --sheet on a CSV are each
// refused with what the file is and what to do; nothing is guessed.
func TestImportRefusesWhatIsNoTable(t *testing.T) {
	var zipNoBook bytes.Buffer
	{
		path := book(t, "Sheet1", [][]any{{"x"}}, nil)
		data, _ := os.ReadFile(path)
		zipNoBook.Write(bytes.ReplaceAll(data, []byte("xl/workbook.xml"), []byte("xl/notebook.xml")))
	}
	cases := []struct {
		name  string
		data  []byte
		sheet string
		want  string
	}{
		{"latin1.csv", []byte("market,Caf\xe9\nbase_year,2020\n"), "", "latin1.csv:1: not UTF-8 text (byte 0xE9): the file is in another encoding, such as Windows-1252"},
		{"late latin1.csv", []byte("market,Test\nbase_year,2020\nsource,\x93quoted\x94\n"), "", "late latin1.csv:3: not UTF-8 text (byte 0x93)"},
		{"binary.csv", []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), "", "binary.csv:1: a binary file, not a text table nor an XLSX workbook"},
		{"old.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), "", "old.xls: an Excel 97–2003 workbook (.xls) or an encrypted one, which iomt does not read"},
		{"cut.xlsx", []byte("PK\x03\x04 and then nothing"), "", "cut.xlsx: not an XLSX workbook: a damaged zip archive"},
		{"other.zip", zipNoBook.Bytes(), "", "other.zip: a zip archive, but not an XLSX workbook (it has no workbook part)"},
		{"table.csv", []byte("dimension,segment\n"), "Segments", "table.csv: not an XLSX workbook, so it has no sheet Segments"},
		{"odd utf16.txt", append([]byte{0xFF, 0xFE}, 'a', 0, 'b'), "", "odd utf16.txt: UTF-16 text with an odd number of bytes"},
	}
	for _, c := range cases {
		_, err := ReadTable(writeFile(t, c.name, c.data), c.sheet)
		got := ""
		if err != nil {
			got = trimTo(err.Error(), c.name)
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want it to start %q", c.name, got, c.want)
		}
	}
}

// trimTo drops what comes before name in s (the test's folder).
func trimTo(s, name string) string {
	if i := strings.Index(s, name); i >= 0 {
		return s[i:]
	}
	return s
}
