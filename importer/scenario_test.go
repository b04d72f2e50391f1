package importer

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"iomt/assets"
	"iomt/export"
	"iomt/forecast"
	"iomt/model"
)

// iomtWorkspace is the embedded dataset with its built-in scenarios, in
// a workspace without a folder.
func iomtWorkspace(t testing.TB) (*model.Dataset, *model.Workspace) {
	t.Helper()
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := model.ReadBuiltins(assets.Scenarios())
	if err != nil {
		t.Fatal(err)
	}
	return ds, &model.Workspace{Builtin: model.BuiltinsFor(ds, shipped)}
}

// exported writes the workbook iomt exports for the built-in scenario
// named name.
func exported(t testing.TB, ds *model.Dataset, ws *model.Workspace, name string) string {
	t.Helper()
	sc, err := ws.Resolve(name, ds)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	in := export.Input{Dataset: ds, Scenario: sc.Name, Assumptions: &sc.Assumptions, Result: forecast.Project(ds, &sc.Assumptions)}
	if err := export.XLSX(&buf, in); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "model.xlsx", buf.Bytes())
}

// partnerEdits sets Inputs cells by the path in column A, as a partner
// types them; nil empties a cell.
func partnerEdits(t *testing.T, path string, edits map[string]any, more func(f *excelize.File, row map[string]int)) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Inputs")
	if err != nil {
		t.Fatal(err)
	}
	row := map[string]int{}
	for i, r := range rows {
		if len(r) > 0 {
			row[r[0]] = i + 1
		}
	}
	for p, v := range edits {
		r, ok := row[p]
		if !ok {
			t.Fatalf("no Inputs row %s", p)
		}
		if err := f.SetCellValue("Inputs", "B"+itoa(r), v); err != nil {
			t.Fatal(err)
		}
	}
	if more != nil {
		more(f, row)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

func importBook(t *testing.T, path string, ds *model.Dataset, ws *model.Workspace) (*ScenarioImport, error) {
	t.Helper()
	wb, err := ReadWorkbook(path)
	if err != nil {
		return nil, err
	}
	return ImportScenario(wb, ds, ws, "")
}

// TestImportUneditedWorkbookChangesNothing: a workbook read back as
// exported is the scenario it was exported from: no changes, its own
// name, a file that names nothing the dataset does not already say.
func TestImportUneditedWorkbookChangesNothing(t *testing.T) {
	ds, ws := iomtWorkspace(t)
	for _, name := range []string{"base", "accelerated-adoption", "security-headwinds"} {
		imp, err := importBook(t, exported(t, ds, ws, name), ds, ws)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, _ := ws.Resolve(name, ds)
		if len(imp.Changes) != 0 || imp.From != want.Name || imp.Scenario.Name != want.Name {
			t.Errorf("%s: from %q, name %q, changes %v", name, imp.From, imp.Scenario.Name, imp.Changes)
		}
		for n := range ds.Nodes {
			a, b := imp.Scenario.Assumptions, want.Assumptions
			if math.Abs(a.Growth[n]-b.Growth[n]) > 1e-9 || math.Abs(a.Share[n]-b.Share[n]) > 1e-9 {
				t.Errorf("%s: %s rate %v share %v, exported %v %v", name, ds.Nodes[n].Path, a.Growth[n], a.Share[n], b.Growth[n], b.Share[n])
			}
		}
	}
}

// TestImportPartnersEdits: a partner's edits come back as the scenario
// they make, only what differs from the dataset, each change listed with
// its row; a share typed so its siblings no longer add up to 100 is
// scaled with them, as the workbook's formulas scale it; a rate in a
// cell formatted as a percentage is read as the formulas read it (0.25
// is 0.25 %, though it shows 25 %), and the import says so.
func TestImportPartnersEdits(t *testing.T) {
	ds, ws := iomtWorkspace(t)
	path := exported(t, ds, ws, "base")
	partnerEdits(t, path, map[string]any{
		"Total/cagr_pct":                      20,
		"Total/growth_by_year_pct/2020":       nil,
		"Total/growth_by_year_pct/2023":       30,
		"Levers/Demand for Wearable Devices":  2,
		"Component/Medical Devices/share_pct": 40, // the others add up to 63.4: 103.4 in all
		"Application/Telemedicine/cagr_pct":   0.25,
	}, func(f *excelize.File, row map[string]int) {
		st, _ := f.NewStyle(&excelize.Style{NumFmt: 9})
		cell := "B" + itoa(row["Application/Telemedicine/cagr_pct"])
		_ = f.SetCellStyle("Inputs", cell, cell, st)
	})
	imp, err := importBook(t, path, ds, ws)
	if err != nil {
		t.Fatal(err)
	}
	a := imp.Scenario.Assumptions
	md, _ := node(t, ds, "Component/Medical Devices")
	svc, _ := node(t, ds, "Component/Services")
	tele, _ := node(t, ds, "Application/Telemedicine")
	base := ds.Base()
	if a.Growth[0] != 20 || !math.IsNaN(a.YearGrowth[0]) || a.YearGrowth[3] != 30 || a.Drivers[2] != 2 || a.Growth[tele] != 0.25 {
		t.Errorf("CAGR %v, 2020 %v, 2023 %v, levers %v, Telemedicine %v", a.Growth[0], a.YearGrowth[0], a.YearGrowth[3], a.Drivers, a.Growth[tele])
	}
	// 40 of 103.4; Services 22.4 of 103.4.
	if math.Abs(a.Share[md]-40/103.4*100) > 1e-9 || math.Abs(a.Share[svc]-base.Share[svc]/103.4*100) > 1e-9 {
		t.Errorf("Medical Devices %v (want %v), Services %v (want %v)", a.Share[md], 40/103.4*100, a.Share[svc], base.Share[svc]/103.4*100)
	}
	if !slices.Equal(imp.Scaled, []string{"Component 103.4 %"}) {
		t.Errorf("scaled %v", imp.Scaled)
	}
	var got []string
	for _, c := range imp.Changes {
		got = append(got, c.String())
	}
	want := []string{
		// Rows: 2 the value, 3 the CAGR, 4–11 the years, 12–19 the levers,
		// then each segment's rate and share, children after their parent.
		"Total/cagr_pct: 18.5 → 20 (row 3)",
		"Total/growth_by_year_pct/2020: 18.5 → the CAGR (row 4)",
		"Total/growth_by_year_pct/2023: the CAGR → 30 (row 7)",
		"Levers/Demand for Wearable Devices: 0 → 2 (row 14)",
		"Component/Medical Devices/share_pct: 36.6 → 38.6847195 (row 21)",     // 40 / 1.034
		"Component/Systems and Software/share_pct: 28 → 27.0793037 (row 29)",  // 28 / 1.034
		"Component/Services/share_pct: 22.4 → 21.6634429 (row 41)",            // 22.4 / 1.034
		"Component/Connecting Technology/share_pct: 13 → 12.5725338 (row 49)", // 13 / 1.034
		"Application/Telemedicine/cagr_pct: 19 → 0.25 (row 50)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantNote := "model.xlsx: sheet Inputs, cell B50 is formatted as a percentage: its value 0.25 (shown 25 %) is read as 0.25, as the workbook's formulas read it; type 25 for 25 %"
	if len(imp.Notes) != 1 || trimTo(imp.Notes[0], "model.xlsx") != wantNote {
		t.Errorf("notes %q", imp.Notes)
	}
	if imp.Scenario.Name != "Base (report) (edited)" {
		t.Errorf("name %q", imp.Scenario.Name)
	}
	// The file names the share typed, not its siblings.
	y := string(imp.YAML)
	if !strings.Contains(y, `"Component/Medical Devices": {share_pct: 38.684719536}`) || strings.Contains(y, "Component/Services") {
		t.Errorf("the scenario file:\n%s", y)
	}
}

// TestImportRefusesAnotherWorkbook: a workbook of another market, one
// with a row added or taken away, one whose market value is no market
// size, each is refused with the row.
func TestImportRefusesAnotherWorkbook(t *testing.T) {
	ds, ws := iomtWorkspace(t)
	cases := []struct {
		name string
		edit func(f *excelize.File, row map[string]int)
		want []string
	}{
		{"another market", func(f *excelize.File, _ map[string]int) {
			_ = f.SetCellValue("Inputs", "I2", "Smart Home Energy")
		}, []string{`model.xlsx: sheet Inputs, cell I2: the workbook is of the market "Smart Home Energy"; the dataset is "Internet of Medical Things" (give --dataset the dataset the workbook was exported from)`}},
		{"a row added", func(f *excelize.File, _ map[string]int) {
			_ = f.SetCellValue("Inputs", "A200", "Component/Robots/share_pct")
			_ = f.SetCellValue("Inputs", "B200", 5)
		}, []string{"model.xlsx: sheet Inputs, cell A200: Component/Robots/share_pct is not an input of the dataset (no segment Component/Robots) (rows added to Inputs are not read: add segments to the dataset, then export again)"}},
		{"a row taken away", func(f *excelize.File, row map[string]int) {
			_ = f.RemoveRow("Inputs", row["Region/Europe/Germany/cagr_pct"])
		}, []string{"model.xlsx: sheet Inputs: no row for Region/Europe/Germany/cagr_pct (was it exported from another version of the dataset? rows must not be deleted)"}},
		{"the market's value below 0", func(f *excelize.File, row map[string]int) {
			_ = f.SetCellValue("Inputs", "B"+itoa(row["Total/value"]), -60)
		}, []string{"model.xlsx: sheet Inputs, cell B2: base-year value -60: the market's size must be above 0 (the market's base-year value, in the dataset's unit)"}},
		{"a path year added", func(f *excelize.File, _ map[string]int) {
			_ = f.SetCellValue("Inputs", "A200", "Region/Europe/growth_by_year_pct/2024")
			_ = f.SetCellValue("Inputs", "B200", 5)
		}, []string{"model.xlsx: sheet Inputs, cell A200: Region/Europe/growth_by_year_pct/2024 is not an input of the workbook as exported: a segment's growth path has a row for each year right after its share_pct, written by the export (give the segment a growth path in iomt, then export again)"}},
		{"a year outside the forecast", func(f *excelize.File, _ map[string]int) {
			_ = f.SetCellValue("Inputs", "A200", "Region/Europe/growth_by_year_pct/2031")
			_ = f.SetCellValue("Inputs", "B200", 5)
		}, []string{"model.xlsx: sheet Inputs, cell A200: Region/Europe/growth_by_year_pct/2031 is not an input of the dataset (2031 is not a year of the forecast, 2020–2027) (rows added to Inputs are not read: add segments to the dataset, then export again)"}},
		{"text for a rate", func(f *excelize.File, row map[string]int) {
			_ = f.SetCellValue("Inputs", "B"+itoa(row["Region/Europe/cagr_pct"]), "high")
		}, []string{`model.xlsx: sheet Inputs, cell B76: not a number: "high" (type a number such as 18.5)`}},
		{"a rate emptied", func(f *excelize.File, row map[string]int) {
			_ = f.SetCellValue("Inputs", "B"+itoa(row["Region/Europe/cagr_pct"]), nil)
		}, []string{"model.xlsx: sheet Inputs, cell B76: Region/Europe/cagr_pct is empty (type a number: the workbook needs every input but a year's own rate)"}},
		{"a rate out of range", func(f *excelize.File, row map[string]int) {
			_ = f.SetCellValue("Inputs", "B"+itoa(row["Region/Europe/cagr_pct"]), 1000)
		}, []string{"model.xlsx: sheet Inputs, cell B76: growth rate 1000 % is out of range: above -100 and below 1000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := exported(t, ds, ws, "base")
			partnerEdits(t, path, nil, c.edit)
			_, err := importBook(t, path, ds, ws)
			if err == nil {
				t.Fatal("imported")
			}
			got := strings.Split(err.Error(), "\n")
			for i := range got {
				got[i] = trimTo(got[i], "model.xlsx")
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}
