package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"iomt/forecast"
	"iomt/model"
)

// writeXLSX writes in as a workbook and opens it again.
func writeXLSX(t testing.TB, in Input) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := XLSX(&buf, in); err != nil {
		t.Fatalf("XLSX: %v", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

// bottomUp is in with its assumptions switched to bottom-up on driver.
func bottomUp(t testing.TB, ds *model.Dataset, scenario, driver string, edits ...model.Edit) Input {
	t.Helper()
	di := slices.IndexFunc(ds.Dims, func(d model.Dimension) bool { return d.Name == driver })
	if di < 0 {
		t.Fatalf("no dimension %q", driver)
	}
	return edited(t, ds, scenario, append([]model.Edit{{Kind: model.SetMode, Mode: model.BottomUp, Driver: di}}, edits...)...)
}

// inputRows reads the Inputs sheet as path → row and path → raw value.
func inputRows(t testing.TB, f *excelize.File) (paths []string, rowOf map[string]int, value map[string]string) {
	t.Helper()
	rows, err := f.GetRows(sheetInputs, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	rowOf, value = map[string]int{}, map[string]string{}
	for i, r := range rows[1:] {
		if len(r) == 0 || r[0] == "" {
			continue
		}
		paths = append(paths, r[0])
		rowOf[r[0]] = i + 2
		if len(r) > 1 {
			value[r[0]] = r[1]
		}
	}
	return paths, rowOf, value
}

func TestXLSXSheets(t *testing.T) {
	ds := loadEmbedded(t)
	f, _ := writeXLSX(t, baseInput(ds, "Base"))
	want := []string{"Inputs", "Forecast", "Component", "Application", "End-User", "Region", "Calc"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	for _, s := range want {
		visible, err := f.GetSheetVisible(s)
		if err != nil {
			t.Fatal(err)
		}
		if visible != (s != "Calc") {
			t.Errorf("sheet %s visible = %v", s, visible)
		}
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("the workbook opens on sheet %d, not Inputs", f.GetActiveSheetIndex())
	}
}

// TestXLSXInputsRows: every assumption is a row, path in A and value in B,
// and the years without a rate of their own are empty rows to type into.
func TestXLSXInputsRows(t *testing.T) {
	ds := loadSmall(t)
	in := edited(t, ds, "Edited", model.Edit{Kind: model.SetYearGrowth, Year: 2022, Value: 7.5},
		model.Edit{Kind: model.SetGrowth, Node: node(t, ds, "Place/South"), Value: 55})
	f, _ := writeXLSX(t, in)
	header, err := f.GetRows(sheetInputs)
	if err != nil {
		t.Fatal(err)
	}
	if got := header[0][:6]; !slices.Equal(got, []string{"Input", "Value", "Unit", "Siblings' sum (%)", "Source", "Rationale"}) {
		t.Errorf("Inputs header %q", got)
	}
	paths, _, value := inputRows(t, f)
	want := []struct{ path, value string }{
		{"Total/value", "100"},
		{"Total/cagr_pct", "10"},
		{"Total/growth_by_year_pct/2021", ""},
		{"Total/growth_by_year_pct/2022", "7.5"},
		{"Kind/Alpha, Beta/cagr_pct", "10"},
		{"Kind/Alpha, Beta/share_pct", "60"},
		{"Kind/Alpha, Beta/A1/cagr_pct", "10"},
		{"Kind/Alpha, Beta/A1/share_pct", "50"},
		{"Kind/Alpha, Beta/A|2/cagr_pct", "10"},
		{"Kind/Alpha, Beta/A|2/share_pct", "50"},
		{`Kind/Gamma "G"/cagr_pct`, "10"},
		{`Kind/Gamma "G"/share_pct`, "40"},
		{"Place/North/cagr_pct", "0"},
		{"Place/North/share_pct", "50"},
		{"Place/South/cagr_pct", "55"},
		{"Place/South/share_pct", "50"},
	}
	if len(paths) != len(want) {
		t.Fatalf("Inputs rows %q, want %d rows", paths, len(want))
	}
	for i, w := range want {
		if paths[i] != w.path || value[w.path] != w.value {
			t.Errorf("Inputs row %d: %q = %q, want %q = %q", i+2, paths[i], value[paths[i]], w.path, w.value)
		}
	}
	// Inputs are styled as inputs, and the mode is a labelled cell, not an
	// input.
	st, err := f.GetCellStyle(sheetInputs, "B3")
	if err != nil {
		t.Fatal(err)
	}
	if style, err := f.GetStyle(st); err != nil || style.Fill.Color == nil || style.Fill.Color[0] != colourInputFill {
		t.Errorf("Total/cagr_pct's value is not styled as an input: %+v %v", style, err)
	}
	rows, _ := f.GetRows(sheetInputs)
	found := false
	for _, r := range rows {
		if len(r) >= inColInfoValue && r[inColInfoLabel-1] == "Mode" && r[inColInfoValue-1] == "top-down" {
			found = true
		}
	}
	if !found {
		t.Error("no labelled Mode cell saying top-down beside the inputs")
	}

	// The embedded dataset's levers, in the dataset's order, and its one
	// year with a rate of its own.
	ds = loadEmbedded(t)
	lever := slices.IndexFunc(ds.Levers, func(l model.Lever) bool { return l.Kind == "challenge" })
	in = edited(t, ds, "Levers", model.Edit{Kind: model.SetLever, Node: lever, Value: -1.5})
	f, _ = writeXLSX(t, in)
	paths, _, value = inputRows(t, f)
	var levers []string
	for _, p := range paths {
		if name, ok := strings.CutPrefix(p, "Levers/"); ok {
			levers = append(levers, name)
		}
	}
	var names []string
	for _, l := range ds.Levers {
		names = append(names, l.Name)
	}
	if !slices.Equal(levers, names) {
		t.Errorf("lever rows %q, want %q", levers, names)
	}
	if got := value["Levers/"+ds.Levers[lever].Name]; got != "-1.5" {
		t.Errorf("%s = %q, want -1.5", ds.Levers[lever].Name, got)
	}
	if value["Total/growth_by_year_pct/2020"] != "18.5" || value["Total/growth_by_year_pct/2021"] != "" {
		t.Errorf("year rows: 2020 %q, 2021 %q; want 18.5 and empty", value["Total/growth_by_year_pct/2020"], value["Total/growth_by_year_pct/2021"])
	}
	for _, rw := range order(ds)[1:] {
		p := ds.Nodes[rw.node].Path
		for _, fld := range []string{model.FieldCAGR, model.FieldShare} {
			if _, ok := value[p+"/"+fld]; !ok {
				t.Errorf("no Inputs row %s/%s", p, fld)
			}
		}
	}
}

// TestXLSXForecastIsFormulas: the Forecast sheet has the CSV's header and
// rows, and every value, share and growth is a formula with no stored
// result, so a spreadsheet can only show what it computed.
func TestXLSXForecastIsFormulas(t *testing.T) {
	ds := loadEmbedded(t)
	for _, in := range []Input{baseInput(ds, "Base"), bottomUp(t, ds, "Bottom-up", "Region")} {
		t.Run(in.Scenario, func(t *testing.T) {
			f, _ := writeXLSX(t, in)
			_, recs := readCSV(t, in)
			rows, err := f.GetRows(sheetForecast, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(recs) {
				t.Fatalf("%d Forecast rows, the CSV has %d", len(rows), len(recs))
			}
			if !slices.Equal(rows[0], recs[0]) || strings.Join(rows[0], ",") != wantHeader {
				t.Fatalf("Forecast header %q, want %q", rows[0], wantHeader)
			}
			for i, rec := range recs[1:] {
				r := i + 2
				if got := rows[r-1][:5]; !slices.Equal(got, rec[:5]) {
					t.Fatalf("row %d labels %q, the CSV's %q", r, got, rec[:5])
				}
				for col := fcColValue; col <= fcColGrowth; col++ {
					cell := cellName(col, r)
					fm, err := f.GetCellFormula(sheetForecast, cell)
					if err != nil {
						t.Fatal(err)
					}
					v, _ := f.GetCellValue(sheetForecast, cell, excelize.Options{RawCellValue: true})
					if col == fcColGrowth && rec[4] == strconv.Itoa(ds.BaseYear) {
						if fm != "" || v != "" {
							t.Errorf("%s: growth in the base year is %q (formula %q), want empty", cell, v, fm)
						}
						continue
					}
					if fm == "" {
						t.Fatalf("%s (%s %s, %s) is not a formula: %q", cell, rowPath(rec), rec[4], recs[0][col-1], v)
					}
					if v != "" {
						t.Fatalf("%s holds a stored result %q: the workbook must recalculate from formulas alone", cell, v)
					}
				}
			}
		})
	}
}

// evalForecast computes the Forecast sheet with excelize's own formula
// engine (no stored results exist to read) and compares every value,
// share and growth with want.
func evalForecast(t *testing.T, f *excelize.File, ds *model.Dataset, want *forecast.Result) {
	t.Helper()
	worst := 0.0
	for _, rw := range order(ds) {
		n := rw.node
		for yi := range ds.Years() {
			r := 2 + slices.IndexFunc(order(ds), func(x row) bool { return x.node == n })*ds.Years() + yi
			for col, w := range map[int]float64{fcColValue: want.Value(n, yi), fcColShare: want.Share(n, yi), fcColGrowth: want.Growth(n, yi)} {
				cell := cellName(col, r)
				got, err := f.CalcCellValue(sheetForecast, cell, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatalf("%s: %v", cell, err)
				}
				if math.IsNaN(w) {
					if got != "" {
						t.Errorf("%s (%s %d): %q, want empty", cell, ds.Nodes[n].Path, want.Year(yi), got)
					}
					continue
				}
				x, err := strconv.ParseFloat(got, 64)
				if err != nil {
					t.Fatalf("%s (%s %d): %q is not a number", cell, ds.Nodes[n].Path, want.Year(yi), got)
				}
				rel := math.Abs(x-w) / max(math.Abs(w), 1e-12)
				worst = max(worst, rel)
				if rel > 1e-9 {
					t.Errorf("%s (%s %d, column %s): %v, the engine %v", cell, ds.Nodes[n].Path, want.Year(yi), colName(col), x, w)
				}
			}
		}
	}
	t.Logf("largest relative difference %.2g", worst)
}

// TestXLSXFormulasComputeTheForecast evaluates the formulas (with
// excelize's calculator; the end-to-end test does it with LibreOffice)
// and finds the engine's forecast, in both modes, and again after inputs
// are changed on the Inputs sheet.
func TestXLSXFormulasComputeTheForecast(t *testing.T) {
	ds := loadSmall(t)
	north, south := node(t, ds, "Place/North"), node(t, ds, "Place/South")
	a1 := node(t, ds, "Kind/Alpha, Beta/A1")
	for _, in := range []Input{
		edited(t, ds, "Top-down", model.Edit{Kind: model.SetGrowth, Node: a1, Value: 30}),
		bottomUp(t, ds, "Bottom-up", "Place"),
	} {
		t.Run(in.Scenario, func(t *testing.T) {
			f, _ := writeXLSX(t, in)
			evalForecast(t, f, ds, in.Result)

			// A partner's edits: a year's own rate, the market's CAGR, a
			// rate and two shares of one set of siblings.
			_, rowOf, _ := inputRows(t, f)
			edits := []model.Edit{
				{Kind: model.SetYearGrowth, Year: 2021, Value: 3},
				{Kind: model.SetGrowth, Node: 0, Value: 12},
				{Kind: model.SetGrowth, Node: south, Value: 40},
				{Kind: model.SetShare, Node: north, Value: 70},
			}
			set := map[string]float64{
				"Total/growth_by_year_pct/2021": 3, "Total/cagr_pct": 12, "Place/South/cagr_pct": 40,
				"Place/North/share_pct": 70, "Place/South/share_pct": 30,
			}
			for p, v := range set {
				r, ok := rowOf[p]
				if !ok {
					t.Fatalf("no Inputs row %s", p)
				}
				if err := f.SetCellValue(sheetInputs, cellName(inColValue, r), v); err != nil {
					t.Fatal(err)
				}
			}
			a := in.Assumptions.Clone()
			for _, e := range edits {
				var err error
				if a, err = ds.Apply(a, a, e); err != nil {
					t.Fatal(err)
				}
			}
			evalForecast(t, f, ds, forecast.Project(ds, &a))
		})
	}
}

// TestXLSXFormulasComputeTheIoMTForecast: the same on the IoMT dataset,
// with levers (on the market top-down, on each driver segment bottom-up)
// and a year with a rate of its own.
func TestXLSXFormulasComputeTheIoMTForecast(t *testing.T) {
	ds := loadEmbedded(t)
	levers := []model.Edit{{Kind: model.SetLever, Node: 0, Value: 1.5}, {Kind: model.SetLever, Node: len(ds.Levers) - 1, Value: -0.5},
		{Kind: model.SetYearGrowth, Year: 2024, Value: 25}}
	for _, in := range []Input{
		edited(t, ds, "Top-down", levers...),
		bottomUp(t, ds, "Bottom-up", "Region", levers...),
		bottomUp(t, ds, "Bottom-up by Component", "Component"),
	} {
		t.Run(in.Scenario, func(t *testing.T) {
			f, _ := writeXLSX(t, in)
			evalForecast(t, f, ds, in.Result)
		})
	}
}

// TestXLSXYearRateCleared: emptying a year's rate gives the year back to
// the CAGR and the levers.
func TestXLSXYearRateCleared(t *testing.T) {
	ds := loadSmall(t)
	in := edited(t, ds, "Year", model.Edit{Kind: model.SetYearGrowth, Year: 2022, Value: 50})
	f, _ := writeXLSX(t, in)
	_, rowOf, _ := inputRows(t, f)
	if err := f.SetCellValue(sheetInputs, cellName(inColValue, rowOf["Total/growth_by_year_pct/2022"]), nil); err != nil {
		t.Fatal(err)
	}
	evalForecast(t, f, ds, baseInput(ds, "Base").Result)
}

func TestXLSXCompare(t *testing.T) {
	ds := loadSmall(t)
	a := baseInput(ds, "A")
	a1 := node(t, ds, "Kind/Alpha, Beta/A1")
	b := edited(t, ds, "B", model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20}, model.Edit{Kind: model.SetShare, Node: a1, Value: 0})
	a.Compare = &Comparison{Scenario: "B", Result: b.Result}
	f, _ := writeXLSX(t, a)
	_, recs := readCSV(t, a)
	rows, err := f.GetRows(sheetForecast, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], recs[0]) {
		t.Fatalf("Forecast header %q, the CSV's %q", rows[0], recs[0])
	}
	for i, rec := range recs[1:] {
		r := i + 2
		row := rows[r-1]
		if row[8] != "B" {
			t.Errorf("row %d compare_scenario %q", r, row[8])
		}
		// B's values are fixed figures; the differences are formulas.
		if got, want := field(t, row[9]), field(t, rec[9]); !approx(got, want, numRel) {
			t.Errorf("row %d compare value %v, want %v", r, got, want)
		}
		for _, col := range []int{11, 12} {
			if fm, _ := f.GetCellFormula(sheetForecast, cellName(col, r)); fm == "" {
				t.Errorf("row %d column %s is not a formula", r, colName(col))
			}
		}
		for col := 10; col <= 12; col++ {
			got, err := f.CalcCellValue(sheetForecast, cellName(col, r), excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if want := rec[col-1]; (want == "") != (got == "") || (want != "" && !approx(field(t, got), field(t, want), 1e-9) && math.Abs(field(t, got)-field(t, want)) > 1e-12) {
				t.Errorf("row %d column %s = %q, the CSV's %q", r, colName(col), got, want)
			}
		}
	}
	// Each dimension sheet says the comparison's figures are fixed.
	for _, d := range ds.Dims {
		rows, _ := f.GetRows(d.Name)
		text := fmt.Sprint(rows)
		if !strings.Contains(text, "fixed figures") || !strings.Contains(text, "its assumptions are not in this workbook") {
			t.Errorf("sheet %s does not say B's values are fixed", d.Name)
		}
	}
}

// TestXLSXDimensionSheets: the table's layout with formulas, the marks of
// the reported figures, rationales as comments and a chart per sheet.
func TestXLSXDimensionSheets(t *testing.T) {
	ds := loadSmall(t)
	in := baseInput(ds, "Base")
	f, raw := writeXLSX(t, in)
	rows, err := f.GetRows("Place")
	if err != nil {
		t.Fatal(err)
	}
	wantHead := []string{"Segment", "Share 2020 (%)", "2020", "2021", "2022", "Entered CAGR (%)", "CAGR 2020–2022 (%)", "Share change 2020–2022 (pp)"}
	if !slices.Equal(rows[0], wantHead) {
		t.Errorf("Place header %q, want %q", rows[0], wantHead)
	}
	var names []string
	for _, r := range rows[1:4] {
		names = append(names, r[0])
	}
	if !slices.Equal(names, []string{"North", "South", "Total"}) {
		t.Errorf("Place rows %q", names)
	}
	for col := 2; col <= 8; col++ {
		if fm, _ := f.GetCellFormula("Place", cellName(col, 2)); fm == "" {
			t.Errorf("Place %s is not a formula", cellName(col, 2))
		}
	}
	// North's value: 50, 110/3, 24.2; its share from 50 to 20 %, −30 pp.
	for cell, want := range map[string]float64{"H2": -30, "G2": (math.Sqrt(24.2/50) - 1) * 100, "F2": 0, "D3": 220.0 / 3, "E2": 24.2} {
		got, err := f.CalcCellValue("Place", cell, excelize.Options{RawCellValue: true})
		if err != nil || !approx(field(t, got), want, 1e-9) && math.Abs(field(t, got)-want) > 1e-12 {
			t.Errorf("Place %s = %q (%v), want %v", cell, got, err, want)
		}
	}

	// Reported: North's value, Gamma's CAGR, Alpha's share; the total's
	// value and CAGR. They wear the reported style, and nothing else does.
	marked := func(sheet, cell string) bool {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s.CustomNumFmt != nil && strings.HasSuffix(*s.CustomNumFmt, `"*"`)
	}
	wantMarked := map[string]bool{"Place!C2": true, "Place!C3": false, "Place!B2": false, "Place!C4": true, "Place!F4": true,
		"Kind!B2": true, "Kind!F2": false, "Kind!F5": true, "Kind!B5": false}
	for ref, want := range wantMarked {
		sheet, cell, _ := strings.Cut(ref, "!")
		if got := marked(sheet, cell); got != want {
			t.Errorf("%s marked reported = %v, want %v", ref, got, want)
		}
	}
	comments, err := f.GetComments("Kind")
	if err != nil {
		t.Fatal(err)
	}
	var alphaCAGR string
	for _, c := range comments {
		if c.Cell == "F2" {
			alphaCAGR = c.Text
			for _, p := range c.Paragraph {
				alphaCAGR += p.Text
			}
		}
	}
	if !strings.Contains(alphaCAGR, "hand-made") {
		t.Errorf("Alpha, Beta's CAGR has no comment with its rationale: %q (%+v)", alphaCAGR, comments)
	}
	// One chart per dimension, drawn from its sheet's value rows.
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			_, _ = b.ReadFrom(rc)
			rc.Close()
			if !strings.Contains(b.String(), "<lineChart>") || !strings.Contains(b.String(), "$C$1:$E$1") {
				t.Errorf("%s is not a line chart over the years' columns", zf.Name)
			}
		}
	}
	if charts != len(ds.Dims) {
		t.Errorf("%d charts, want one per dimension (%d)", charts, len(ds.Dims))
	}
}

func TestXLSXSheetNames(t *testing.T) {
	long := strings.Repeat("Ünïcode ", 6)
	ds := &model.Dataset{Dims: []model.Dimension{{Name: "Inputs"}, {Name: "a/b:c?d*e[f]g\\h"}, {Name: long}, {Name: long + "x"}, {Name: "'quoted'"}, {Name: "calc"}, {Name: "History"}}}
	got := dimSheetNames(ds)
	want := []string{"Inputs (2)", "a-b-c-d-e-f-g-h", cutUTF16(long, 31), strings.TrimRight(cutUTF16(long, 27), " ") + " (2)", "quoted", "calc (2)", "History (2)"}
	if !slices.Equal(got, want) {
		t.Errorf("sheet names\n got %q\nwant %q", got, want)
	}
	f := excelize.NewFile()
	defer f.Close()
	for _, n := range got {
		if _, err := f.NewSheet(n); err != nil {
			t.Errorf("%q is no valid sheet name: %v", n, err)
		}
	}
	if got := sheetRef("Region"); got != "Region" {
		t.Errorf("sheetRef(Region) = %q", got)
	}
	if got := sheetRef("End-User's"); got != "'End-User''s'" {
		t.Errorf("sheetRef = %q", got)
	}
}

func TestXLSXNeedsAssumptions(t *testing.T) {
	in := baseInput(loadSmall(t), "Base")
	in.Assumptions = nil
	var buf bytes.Buffer
	if err := XLSX(&buf, in); err == nil || buf.Len() != 0 {
		t.Errorf("XLSX without assumptions: err %v, %d bytes", err, buf.Len())
	}
}

func TestColName(t *testing.T) {
	for n, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 52: "AZ", 53: "BA", 702: "ZZ", 703: "AAA"} {
		if got := colName(n); got != want {
			t.Errorf("colName(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestXLSXInputsReadShort: an input rebalanced by the model carries float
// noise (6.44531249999999); the Inputs sheet gives it in 12 significant
// digits at most, which a partner reads as the number it is.
func TestXLSXInputsReadShort(t *testing.T) {
	ds := loadEmbedded(t)
	// A share set to a third leaves its siblings with long fractions.
	in := edited(t, ds, "Thirds", model.Edit{Kind: model.SetShare, Node: node(t, ds, "Region/Europe"), Value: 100 / 3.0})
	f, _ := writeXLSX(t, in)
	_, _, value := inputRows(t, f)
	for p, v := range value {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			continue // a unit or an empty rate
		}
		digits := strings.TrimLeft(strings.ReplaceAll(strings.TrimPrefix(strconv.FormatFloat(x, 'e', -1, 64), "-"), ".", ""), "0")
		if mant, _, _ := strings.Cut(digits, "e"); len(mant) > 12 {
			t.Errorf("%s = %s: more than 12 significant digits", p, v)
		}
	}
	if len(value) == 0 {
		t.Fatal("no inputs read")
	}
}
