package importer

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"iomt/internal/numtext"
	"iomt/model"
)

// checkImportOutcome holds what any import must: a dataset that loads
// as the YAML it wrote, or problems that each name a place in the file
// and print safely.
func checkImportOutcome(t *testing.T, file string, imp *Imported, err error) {
	t.Helper()
	if err == nil {
		if _, lerr := model.LoadDataset("again.yaml", imp.YAML); lerr != nil {
			t.Fatalf("the imported YAML does not load: %v\n%s", lerr, imp.YAML)
		}
		return
	}
	var ps Problems
	if !errors.As(err, &ps) {
		return // an IO error
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) > maxProblems+1 {
		t.Fatalf("%d lines of problems", len(lines))
	}
	for _, p := range ps {
		if !strings.HasPrefix(p.Where, file) && !strings.HasPrefix(p.Where, "--") {
			t.Fatalf("problem %q does not name the file", p.Error())
		}
	}
	for _, l := range lines {
		for _, r := range l {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("a problem prints a control character: %q", l)
			}
		}
	}
}

// FuzzImportText: any bytes given as a CSV file import into a dataset
// that loads, or are refused with problems that name the place, and
// never panic.
func FuzzImportText(f *testing.F) {
	seed, _ := os.ReadFile("../testdata/import/segments.csv")
	f.Add(seed)
	f.Add([]byte(marketLinesCSV + "dimension,segment,parent,share_pct,cagr_pct\nRegion,North,,50,5\nRegion,South,,50,4\n"))
	f.Add([]byte("sep=;\n" + strings.ReplaceAll(marketLinesCSV, ",", ";") + "dimension;segment;share_pct;cagr_pct\nR;A;50,5;5\nR;B;49,5;5\n"))
	f.Add(utf16LE("dimension\tsegment\r\nR\tA\r\n", true))
	f.Add([]byte("\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ParseText("fuzz.csv", data)
		if err != nil {
			checkImportOutcome(t, "fuzz.csv", nil, err)
			return
		}
		imp, err := ImportDataset(tb, Market{})
		checkImportOutcome(t, "fuzz.csv", imp, err)
	})
}

// FuzzImportWorkbook: any bytes given as a workbook are read or refused
// with a problem; excelize never takes the program down.
func FuzzImportWorkbook(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Add(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, 0))
	if data, err := os.ReadFile("testdata/seed.xlsx"); err == nil {
		f.Add(data)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.xlsx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tb, err := ReadTable(path, "")
		if err != nil {
			checkImportOutcome(t, path, nil, err)
			return
		}
		imp, err := ImportDataset(tb, Market{})
		checkImportOutcome(t, path, imp, err)
	})
}

// FuzzParseNumber: a number read from a cell is finite; and a number
// written with grouped thousands, in either locale's marks, reads back
// as itself.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1,234.5", "18,5", "1.234,5", "1 234,5", "18.5 %", "−2,5 %", "1.5E+3", "abc", "1e400"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, decimalComma bool) {
		v, _, err := parseNumber(s, decimalComma)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("%q read as %v", s, v)
		}
		if !utf8.ValidString(s) {
			return
		}
		// Round trip: any finite number the text holds, grouped.
		x, perr := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if perr != nil || math.IsInf(x, 0) || math.IsNaN(x) || math.Abs(x) > 1e15 {
			return
		}
		x = math.Round(x*100) / 100
		en := numtext.Format(x, 2)
		de := strings.NewReplacer(",", ".", ".", ",").Replace(en)
		for _, c := range []struct {
			text  string
			comma bool
		}{{en, false}, {de, true}} {
			got, _, err := parseNumber(c.text, c.comma)
			want, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 2, 64), 64)
			if err != nil || got != want {
				t.Fatalf("%q (decimal comma %v) read as %v, %v; want %v", c.text, c.comma, got, err, want)
			}
		}
	})
}

// FuzzReadInputs: any Inputs sheet (given as text, read as a sheet) is
// read into the assumptions it makes over the IoMT dataset, or refused
// with problems that name the place; never a panic.
func FuzzReadInputs(f *testing.F) {
	f.Add([]byte("Input,Value,Unit,Siblings' sum (%),Source,Rationale,,Fixed at export,\n" +
		"Total/value,51.2,,,,,,Market,Internet of Medical Things\nTotal/cagr_pct,18.5,,,,,,Scenario,Base (report)\n" +
		"Total/growth_by_year_pct/2020,,,,,,,Mode,top-down\nLevers/Demand for Wearable Devices,2,,,,,,Years,2019–2027\n" +
		"Application/Telemedicine/cagr_pct,25,,,,,,CAGR window,2021–2027\nRegion/Europe/share_pct,200\n"))
	f.Add([]byte("Input,Value,Fixed at export,\nTotal/value,51.2,Market,Other\n"))
	f.Add([]byte("Input,Value,Fixed at export,\n,5,Years,2019-2027\nComponent/Robots/share_pct,x,Mode,bottom-up\n"))
	ds, ws := iomtWorkspace(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ParseText("model.xlsx", data)
		if err != nil || len(tb.Rows) == 0 {
			return
		}
		tb.Sheet = InputsSheet
		wb, err := readInputs(tb)
		if err == nil {
			_, err = ImportScenario(wb, ds, ws, "")
		}
		if err != nil {
			checkImportOutcome(t, "model.xlsx", nil, err)
		}
	})
}
