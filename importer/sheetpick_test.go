package importer

import (
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// coverBook is a workbook that opens on a cover sheet, with the example
// table on the sheet named data (none when data is "").
func coverBook(t *testing.T, data string) string {
	t.Helper()
	text, err := os.ReadFile("../testdata/import/segments.csv")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := ParseText("segments.csv", text)
	if err != nil {
		t.Fatal(err)
	}
	return book(t, "Cover", [][]any{{"IoMT market model"}, {"Prepared for the steering committee"}}, func(f *excelize.File) {
		if _, err := f.NewSheet("Notes"); err != nil {
			t.Fatal(err)
		}
		_ = f.SetCellValue("Notes", "A1", "Sources: see the Data sheet")
		if data == "" {
			return
		}
		if _, err := f.NewSheet(data); err != nil {
			t.Fatal(err)
		}
		for _, r := range tb.Rows {
			for ci, c := range r.Cells {
				cell, _ := excelize.CoordinatesToCellName(ci+1, r.N)
				_ = f.SetCellValue(data, cell, c.Text)
			}
		}
	})
}

// TestImportFindsTheTableSheet: without --sheet, a workbook that opens on
// a cover sheet is read from the first sheet with a table's header row,
// and the import says which; with none, the error names every sheet;
// --sheet on a sheet without one names the others.
func TestImportFindsTheTableSheet(t *testing.T) {
	path := coverBook(t, "Market data")
	imp, err := importFile(path, "", Market{})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Note != path+`: read sheet "Market data", the first with a header row naming dimension and segment (give --sheet for another)` {
		t.Errorf("note %q", imp.Note)
	}
	if len(imp.Dataset.Nodes) != 10 || !strings.Contains(string(imp.YAML), "from markets.xlsx, sheet Market data") {
		t.Errorf("%d nodes:\n%s", len(imp.Dataset.Nodes), imp.YAML)
	}

	_, err = importFile(path, "Cover", Market{})
	if got := problems(t, err); len(got) != 1 || !strings.HasSuffix(got[0], `markets.xlsx: sheet Cover: no header row naming the columns dimension and segment (the table needs a row of column names, in any order: dimension, segment, parent, share_pct, value, cagr_pct, reported, note; or give --sheet NAME: its other sheets are "Notes", "Market data")`) {
		t.Errorf("--sheet Cover: %q", got)
	}

	_, err = importFile(coverBook(t, ""), "", Market{})
	if got := problems(t, err); len(got) != 1 || !strings.HasSuffix(got[0], `markets.xlsx: no sheet has a header row naming the columns dimension and segment (its sheets are "Cover", "Notes") (the table needs a row of column names, in any order: dimension, segment, parent, share_pct, value, cagr_pct, reported, note)`) {
		t.Errorf("no table: %q", got)
	}
}

// TestSheetSearchIsBounded: looking for the table's sheet unpacks at
// most its budget of the other sheets in all: a sheet past what is left
// of it is not read, however many sheets come before.
func TestSheetSearchIsBounded(t *testing.T) {
	path := coverBook(t, "Market data")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	w, _, err := openWorkbook(path, f, st.Size(), func(*workbook) (string, error) { return "Cover", nil })
	if err != nil {
		t.Fatal(err)
	}
	notes, data := w.pkg.sizes[w.pkg.part["Notes"]], w.pkg.sizes[w.pkg.part["Market data"]]
	if notes == 0 || data == 0 {
		t.Fatalf("sizes %d, %d", notes, data)
	}
	if tb := w.search([]string{"Notes", "Market data"}, notes+data-1); tb != nil {
		t.Errorf("read sheet %s past the budget", tb.Sheet)
	}
	if tb := w.search([]string{"Notes", "Market data"}, notes+data); tb == nil || tb.Sheet != "Market data" {
		t.Errorf("within the budget: %v", tb)
	}
}
