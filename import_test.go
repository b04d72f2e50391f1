package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"iomt/assets"
	"iomt/model"
)

// TestImportDatasetCommand: a table of segments becomes a dataset file
// that validates and opens; the flags give the market's lines; a table
// with problems exits 1, names each cell, and writes nothing.
func TestImportDatasetCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "market.yaml")
	code, stdout, stderr := runCLI(t, "import", "dataset", filepath.Join("testdata", "import", "segments.csv"), "-o", out)
	if code != 0 || stdout != "Wrote "+out+": Internet of Medical Things, 2 dimensions, 9 segments. Open it: iomt --dataset "+out+"\n" {
		t.Fatalf("exit %d\nstdout %q\nstderr %s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "validate", out); code != 0 {
		t.Fatalf("the written dataset does not validate: %s", stderr)
	}
	// The flags replace the table's market lines.
	shares := writeFile(t, "shares.csv", "dimension,segment,share_pct,cagr_pct\nRegion,North,60,5\nRegion,South,40,6\n")
	code, stdout, stderr = runCLI(t, "import", "dataset", shares,
		"--market", "Renamed Market", "--currency", "EUR", "--unit", "million", "--base-year", "2020", "--end-year", "2030",
		"--total-value", "1,200", "--total-cagr", "7.5", "--source", "flags")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ds, err := model.LoadDataset("stdout.yaml", []byte(stdout))
	if err != nil {
		t.Fatal(err)
	}
	if ds.Market != "Renamed Market" || ds.Currency != "EUR" || ds.Unit != "million" || ds.BaseYear != 2020 || ds.EndYear != 2030 ||
		ds.Nodes[0].InputValueBn != 1200 || ds.Base().Growth[0] != 7.5 || ds.Source != "flags" {
		t.Errorf("the flags did not give the market's lines:\n%s", stdout)
	}

	bad := writeFile(t, "bad.csv", "market,M\nbase_year,2020\nend_year,2025\nvalue,10\ncagr_pct,5\n"+
		"dimension,segment,share_pct,cagr_pct\nRegion,North,60,5\nRegion,South,30,abc\n")
	badOut := filepath.Join(dir, "bad.yaml")
	code, stdout, stderr = runCLI(t, "import", "dataset", bad, "-o", badOut)
	want := "iomt: " + bad + ":8: column cagr_pct: not a number: \"abc\" (write a number such as 36.6)\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, stdout, stderr, want)
	}
	if _, err := os.Stat(badOut); !os.IsNotExist(err) {
		t.Errorf("a failed import wrote %s", badOut)
	}
}

// TestDatasetFlagTakesATable: from a spreadsheet to the dashboard's
// figures in one command: --dataset reads the table itself.
func TestDatasetFlagTakesATable(t *testing.T) {
	table := filepath.Join("testdata", "import", "segments.csv")
	code, fromTable, stderr := runCLI(t, "export", "--dataset", table)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	yaml := filepath.Join(t.TempDir(), "m.yaml")
	if code, _, stderr := runCLI(t, "import", "dataset", table, "-o", yaml); code != 0 {
		t.Fatal(stderr)
	}
	_, fromYAML, _ := runCLI(t, "export", "--dataset", yaml)
	// 51.2 × 1.185⁸ in 2027.
	if fromTable != fromYAML || !strings.Contains(fromTable, "Base,Total,Total,,2027,199.075018036,") {
		t.Errorf("the table's export differs from its dataset's:\n%s\n%s", fromTable[:300], fromYAML[:300])
	}
	if code, stdout, _ := runCLI(t, "validate", table); code != 0 || !strings.HasSuffix(stdout, "segments.csv: ok\n") {
		t.Errorf("validate of a table: exit %d, %s", code, stdout)
	}
}

// TestInitDataset: the starter dataset validates, opens, holds what it
// says it teaches (two dimensions, a sub-segment, notes, reported marks,
// comments), and never replaces a file.
func TestInitDataset(t *testing.T) {
	out := filepath.Join(t.TempDir(), "market.yaml")
	code, stdout, stderr := runCLI(t, "init", "dataset", "-o", out)
	if code != 0 || !strings.HasPrefix(stdout, "Wrote "+out+", a starter dataset.") {
		t.Fatalf("exit %d %q %s", code, stdout, stderr)
	}
	data := mustRead(t, out)
	ds, err := model.LoadDataset(out, data)
	if err != nil {
		t.Fatal(err)
	}
	notes, reported, children := 0, 0, 0
	for _, n := range ds.Nodes {
		notes += len(n.Notes)
		reported += len(n.Reported)
		children += len(n.Children)
	}
	if len(ds.Dims) != 2 || children == 0 || notes < 3 || reported < 2 || strings.Count(string(data), "#") < 10 {
		t.Errorf("the starter has %d dimensions, %d sub-segments, %d notes, %d reported marks, %d comments",
			len(ds.Dims), children, notes, reported, strings.Count(string(data), "#"))
	}
	if code, _, stderr := runCLI(t, "export", "--dataset", out, "--format", "md"); code != 0 {
		t.Errorf("the starter does not open: %s", stderr)
	}
	// Not again over it.
	if err := os.WriteFile(out, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "init", "dataset", "-o", out)
	if code != 1 || !strings.Contains(stderr, "exists") || string(mustRead(t, out)) != "mine" {
		t.Errorf("init over a file: exit %d %s", code, stderr)
	}
	if _, stdout, _ := runCLI(t, "init", "dataset"); stdout != string(assets.Starter()) {
		t.Error("init dataset to standard output is not the starter")
	}
}

// TestImportScenarioCommand: an exported workbook edited as a partner
// would comes back as a scenario file and the list of what changed; a
// workbook of another market is refused with the cell.
func TestImportScenarioCommand(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "model.xlsx")
	if code, _, stderr := runCLI(t, "export", "--format", "xlsx", "--scenario", "accelerated-adoption", "-o", book); code != 0 {
		t.Fatal(stderr)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Inputs")
	for i, r := range rows {
		if len(r) > 0 && r[0] == "Application/Telemedicine/cagr_pct" {
			_ = f.SetCellValue("Inputs", "B"+strconv.Itoa(i+1), 26)
		}
	}
	if err := f.SaveAs(book); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "partner.yaml")
	code, stdout, stderr := runCLI(t, "import", "scenario", book, "--diff", "-o", out, "--workspace", dir)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	want := []string{
		"Wrote " + out + ": scenario \"Accelerated adoption (edited)\", 1 change against Accelerated adoption: Application/Telemedicine/cagr_pct 23 → 26.",
		"1 change in model.xlsx against Accelerated adoption:",
		"  Application/Telemedicine/cagr_pct: 23 → 26 (row 50)",
	}
	if code != 0 || !slices.Equal(lines, want) {
		t.Fatalf("exit %d\n%s\nwant\n%s\nstderr %s", code, stdout, strings.Join(want, "\n"), stderr)
	}
	sc, err := model.ReadScenario(out, loadEmbedded(t))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "Accelerated adoption (edited)" {
		t.Errorf("scenario %q", sc.Name)
	}
	// Another market's workbook.
	other := filepath.Join(dir, "other.xlsx")
	if code, _, stderr := runCLI(t, "export", "--format", "xlsx", "--dataset", filepath.Join("testdata", "smart-home-energy.yaml"), "-o", other); code != 0 {
		t.Fatal(stderr)
	}
	code, _, stderr = runCLI(t, "import", "scenario", other, "-o", filepath.Join(dir, "x.yaml"))
	if code != 1 || !strings.Contains(stderr, "other.xlsx: sheet Inputs, cell I2: the workbook is of the market \"Smart Home Energy Management\"") {
		t.Errorf("another market: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.yaml")); !os.IsNotExist(err) {
		t.Error("a refused import wrote its file")
	}
}

func loadEmbedded(t *testing.T) *model.Dataset {
	t.Helper()
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestReadmeShowsTheExampleTable: the table README shows under "Table
// of segments" is the example file a test imports, line for line.
func TestReadmeShowsTheExampleTable(t *testing.T) {
	_, rest, ok := strings.Cut(readme(t), "\n### Table of segments (CSV or XLSX)\n")
	if !ok {
		t.Fatal("README has no Table of segments section")
	}
	_, rest, _ = strings.Cut(rest, "```csv\n")
	block, _, _ := strings.Cut(rest, "```")
	if file := string(mustRead(t, filepath.Join("testdata", "import", "segments.csv"))); block != file {
		t.Errorf("README's example table differs from testdata/import/segments.csv:\n%s\nthe file:\n%s", block, file)
	}
}
