package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"iomt/model"
)

// writeFile writes data into the test's folder and returns its path.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// book builds a workbook whose sheet holds rows (nil cells are left
// empty), lets edit change it, and writes it into the test's folder.
func book(t *testing.T, sheet string, rows [][]any, edit func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	for r, row := range rows {
		for c, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "markets.xlsx", buf.Bytes())
}

// patchZip rewrites one part of the zip at path: what Excel writes and
// excelize cannot (a formula's stored number, which excelize stores as
// text).
func patchZip(t *testing.T, path, part string, patch func(string) string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, zf := range zr.File {
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == part {
			data, found = []byte(patch(string(data))), true
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("%s has no part %s", path, part)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// importFile reads path (a CSV or a workbook's sheet) and imports it.
func importFile(path, sheet string, m Market) (*Imported, error) {
	tb, err := ReadTable(path, sheet)
	if err != nil {
		return nil, err
	}
	return ImportDataset(tb, m)
}

// problems returns the lines of an import's error, failing unless it is
// a list of problems.
func problems(t *testing.T, err error) []string {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v (%T) is not a list of problems", err, err)
	}
	return strings.Split(err.Error(), "\n")
}

// node finds a dataset's node by path, failing the test without it.
func node(t *testing.T, ds *model.Dataset, path string) (int, *model.Node) {
	t.Helper()
	n, ok := ds.Lookup(path)
	if !ok {
		t.Fatalf("no node %s among %v", path, ds.Paths())
	}
	return n, &ds.Nodes[n]
}

// marketLines are the lines above the table that most tests share.
const marketLinesCSV = "market,Test market\nbase_year,2020\nend_year,2025\nvalue,200\ncagr_pct,10\n"
