package importer

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportSaysWhatAFileIs: a file that is not a table or not a
// workbook is told as what it is, by import dataset (ReadTable) and by
// import scenario (ReadWorkbook): an empty file, an image, a binary
// renamed .xlsx however large, a CSV given as a workbook.
func TestImportSaysWhatAFileIs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 9<<20) // past the 8 MiB of a text table
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 1, 2}, 100)...)
	csv, err := os.ReadFile("../testdata/import/segments.csv")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path              string
		dataset, scenario string
	}{
		{write("empty.xlsx", nil), "empty.xlsx: an empty file", "empty.xlsx: an empty file"},
		{write("empty.csv", nil), "empty.csv: an empty file", "empty.csv: an empty file"},
		{write("noise.xlsx", noise), "noise.xlsx: not an XLSX workbook but a binary file", "noise.xlsx: not an XLSX workbook but a binary file"},
		{write("chart.png", png), "chart.png: a PNG image, neither a text table nor an XLSX workbook", "chart.png: not an XLSX workbook but a PNG image"},
		{write("chart.csv", png), "chart.csv: not a text table but a PNG image", "chart.csv: not an XLSX workbook but a PNG image"},
		{write("segments.csv", csv), "", "segments.csv: not an XLSX workbook but a text file (a CSV file?)"},
	}
	for _, c := range cases {
		name := filepath.Base(c.path)
		_, err := ReadTable(c.path, "")
		switch {
		case c.dataset == "" && err != nil:
			t.Errorf("%s as a table: %v", name, err)
		case c.dataset != "" && (err == nil || !strings.HasPrefix(trimTo(err.Error(), name), c.dataset+" (")):
			t.Errorf("%s as a table: %v\nwant %q", name, err, c.dataset)
		}
		_, err = ReadWorkbook(c.path)
		if err == nil || !strings.HasPrefix(trimTo(err.Error(), name), c.scenario+" (") {
			t.Errorf("%s as a workbook: %v\nwant %q", name, err, c.scenario)
		}
	}
}

// TestImportScenarioOfAnotherWorkbook: a workbook iomt did not export
// (a table of segments, a partner's own model) is refused by import
// scenario as having no Inputs sheet, naming its sheets and saying what
// to import instead.
func TestImportScenarioOfAnotherWorkbook(t *testing.T) {
	path := book(t, "Segments", [][]any{{"dimension", "segment", "share_pct"}, {"Region", "Europe", 100}}, nil)
	_, err := ReadWorkbook(path)
	want := `markets.xlsx: a workbook without an Inputs sheet, not one iomt exported: its sheets are "Segments" (import the Inputs of a workbook written by iomt export --format xlsx or the x menu; a table of segments is imported with iomt import dataset)`
	if err == nil || trimTo(err.Error(), "markets.xlsx") != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
