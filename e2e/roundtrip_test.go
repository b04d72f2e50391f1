package e2e

import (
	"encoding/csv"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// partnerMacro is a LibreOffice Basic macro that edits workbooks as a
// partner does in Calc: it opens each workbook of the instructions file
// named by IOMT_EDITS, types into the Value cell of Inputs rows found by
// their path (a number, a formula, a percentage in a cell formatted as
// one, or nothing), recalculates, and saves the workbook as .xlsx.
// Instructions, tab-separated: BOOK url; SET path kind value; END url.
const partnerMacro = `Sub Main
  Dim f As Integer
  Dim ln As String
  Dim parts
  Dim doc As Object
  Dim sheet As Object
  Dim target As Object
  Dim found As Boolean
  Dim r As Long
  Dim args(0) As New com.sun.star.beans.PropertyValue
  Dim sargs(0) As New com.sun.star.beans.PropertyValue
  Dim loc As New com.sun.star.lang.Locale
  f = FreeFile
  Open Environ("IOMT_EDITS") For Input As #f
  Do While Not EOF(f)
    Line Input #f, ln
    parts = Split(ln, Chr(9))
    Select Case parts(0)
    Case "BOOK"
      args(0).Name = "Hidden"
      args(0).Value = True
      doc = StarDesktop.loadComponentFromURL(parts(1), "_blank", 0, args())
      sheet = doc.Sheets.getByName("Inputs")
    Case "SET"
      found = False
      For r = 1 To 20000
        If sheet.getCellByPosition(0, r).getString() = parts(1) Then
          found = True
          target = sheet.getCellByPosition(1, r)
          Select Case parts(2)
          Case "value"
            target.setValue(Val(parts(3)))
          Case "formula"
            target.setFormula(parts(3))
          Case "percent"
            target.setValue(Val(parts(3)))
            target.NumberFormat = doc.NumberFormats.getStandardFormat(com.sun.star.util.NumberFormat.PERCENT, loc)
          Case "empty"
            target.setString("")
          End Select
          Exit For
        End If
      Next r
      If Not found Then
        doc.close(True)
        Close #f
        StarDesktop.terminate()
        Exit Sub
      End If
    Case "END"
      doc.calculateAll()
      sargs(0).Name = "FilterName"
      sargs(0).Value = "Calc MS Excel 2007 XML"
      doc.storeToURL(parts(1), sargs())
      doc.close(True)
    End Select
  Loop
  Close #f
  StarDesktop.terminate()
End Sub
`

// partnerEdit is one cell a partner types on the Inputs sheet.
type partnerEdit struct{ path, kind, value string }

// roundTrip is one workbook: the scenario exported, the partner's edits.
type roundTrip struct {
	name    string
	dataset string // empty: the embedded one
	args    []string
	edits   []partnerEdit
}

// TestWorkbookRoundTripThroughLibreOffice: a workbook exported by iomt,
// edited in LibreOffice Calc by a macro as a partner types (a number, a
// formula, a percentage in a cell formatted as one, an emptied year, a
// share that leaves its siblings at more than 100, a scenario's own
// market size changed and its segments' growth path years set, emptied
// and given a formula), recalculated and saved by Calc, comes back with import scenario as a scenario whose
// projection equals Calc's recalculated Forecast sheet to 1e-9, in
// top-down and in bottom-up.
func TestWorkbookRoundTripThroughLibreOffice(t *testing.T) {
	soffice := requireTool(t, "soffice")
	t.Parallel()
	dir := t.TempDir()
	eu := filepath.Join(repoRoot, "testdata", "eu-digital-pathology.yaml")
	// A workspace of saved scenarios: the import lists changes against
	// the one a workbook was exported from, found there by its name.
	saved := filepath.Join(dir, "saved")
	if err := os.Mkdir(saved, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []roundTrip{
		{name: "iomt-td", args: []string{"--scenario", "accelerated-adoption"}, edits: []partnerEdit{
			{"Total/cagr_pct", "formula", "=20+0.5"},
			{"Total/growth_by_year_pct/2020", "empty", ""},
			{"Total/growth_by_year_pct/2023", "value", "30"},
			{"Levers/Demand for Wearable Devices", "value", "1.5"},
			{"Application/Telemedicine/cagr_pct", "percent", "0.26"},
			{"Component/Medical Devices/share_pct", "value", "40"},
			{"Region/Asia-Pacific/India/cagr_pct", "value", "33"},
		}},
		{name: "iomt-bu", args: []string{"--scenario", writeScenario(t, dir, "bu.yaml",
			"scenario: Regions drive\ndataset: Internet of Medical Things\nmode: bottom-up\ndriver: Region\n")}, edits: []partnerEdit{
			{"Region/Europe/cagr_pct", "value", "12"},
			{"Region/North America/share_pct", "value", "30"},
			{"Region/Europe/Germany/cagr_pct", "formula", "=B3+5"}, // the market's CAGR plus 5
			{"Levers/Prevalence of Chronic Diseases", "value", "2"},
		}},
		// A scenario's own market size and a segment's growth path
		// (issue 21): the partner changes the size and the path's years.
		{name: "paths-td", args: []string{"--scenario", writeScenario(t, saved, "paths-td.yaml", pathsScenario("Slow start", ""))}, edits: []partnerEdit{
			{"Total/value", "value", "50"},
			{"Region/Asia-Pacific/growth_by_year_pct/2024", "value", "35"},
			{"Region/Asia-Pacific/growth_by_year_pct/2025", "empty", ""},
			{"Region/Asia-Pacific/growth_by_year_pct/2026", "formula", "=B3+2"}, // the market's CAGR plus 2
		}},
		{name: "paths-bu", args: []string{"--scenario", writeScenario(t, saved, "paths-bu.yaml", pathsScenario("Slow start, regions drive", "mode: bottom-up\ndriver: Region\n"))}, edits: []partnerEdit{
			{"Total/value", "value", "40"},
			{"Region/Asia-Pacific/growth_by_year_pct/2024", "value", "12"},
			{"Region/Europe/growth_by_year_pct/2022", "empty", ""},
			{"Region/Europe/growth_by_year_pct/2023", "value", "25"},
		}},
		{name: "eu-bu", dataset: eu, args: []string{"--scenario", writeScenario(t, dir, "eu.yaml",
			"scenario: EU countries\ndataset: European Digital Pathology\nmode: bottom-up\ndriver: Country\n")}, edits: []partnerEdit{
			{"Country/United Kingdom/cagr_pct", "percent", "0.12"},
			{"Country/Rest of Europe/share_pct", "value", "20"},
		}},
	}
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for _, d := range []string{in, out} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var script strings.Builder
	for _, c := range cases {
		book := filepath.Join(in, c.name+".xlsx")
		args := append([]string{"export", "--format", "xlsx", "-o", book}, c.args...)
		if c.dataset != "" {
			args = append(args, "--dataset", c.dataset)
		}
		runCLI(t, dir, args...).wantCode(t, 0, strings.Join(args, " "))
		fmt.Fprintf(&script, "BOOK\t%s\n", fileURL(book))
		for _, e := range c.edits {
			fmt.Fprintf(&script, "SET\t%s\t%s\t%s\n", e.path, e.kind, e.value)
		}
		fmt.Fprintf(&script, "END\t%s\n", fileURL(filepath.Join(out, c.name+".xlsx")))
	}
	start := time.Now()
	runMacro(t, soffice, dir, script.String())
	t.Logf("LibreOffice edited and saved %d workbooks in %v", len(cases), time.Since(start).Round(10*time.Millisecond))

	worst := 0.0
	for _, c := range cases {
		book := filepath.Join(out, c.name+".xlsx")
		scen := filepath.Join(dir, c.name+"-partner.yaml")
		args := []string{"import", "scenario", book, "-o", scen, "--diff", "--workspace", saved}
		if c.dataset != "" {
			args = append(args, "--dataset", c.dataset)
		}
		res := runCLI(t, dir, args...)
		res.wantCode(t, 0, strings.Join(args, " "))
		for _, e := range c.edits {
			if !strings.Contains(res.stdout, e.path+":") {
				t.Errorf("%s: --diff does not list %s:\n%s", c.name, e.path, res.stdout)
			}
			if e.kind == "percent" && !strings.Contains(res.stdout, "is formatted as a percentage: its value "+e.value+" (shown ") {
				t.Errorf("%s: --diff does not say how the percentage in %s was read:\n%s", c.name, e.path, res.stdout)
			}
		}
		t.Logf("%s: %s", c.name, res.stdout)
		exp := []string{"export", "--format", "csv", "--scenario", scen}
		if c.dataset != "" {
			exp = append(exp, "--dataset", c.dataset)
		}
		res = runCLI(t, dir, exp...)
		res.wantCode(t, 0, strings.Join(exp, " "))
		want, err := csv.NewReader(strings.NewReader(res.stdout)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := readForecast(t, book)
		// The scenario's name is the workbook's with "(edited)"; the
		// figures are what is compared.
		for i := 1; i < len(want) && i < len(got); i++ {
			want[i][0] = got[i][0]
		}
		worst = max(worst, compareForecast(t, c.name, got, want))
	}
	t.Logf("largest relative difference of the imported scenario to LibreOffice: %.2g", worst)
}

// pathsScenario is a scenario of the embedded market with its own base
// size and growth paths on two regions; mode is its mode lines.
func pathsScenario(name, mode string) string {
	return "scenario: " + name + "\ndataset: Internet of Medical Things\n" + mode + `total: {value: 46.08}
segments:
  Region/Asia-Pacific: {growth_by_year_pct: {2024: 30, 2025: 28}}
  Region/Europe: {growth_by_year_pct: {2022: 9}}
`
}

func writeScenario(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func fileURL(path string) string { return (&url.URL{Scheme: "file", Path: path}).String() }

// runMacro runs partnerMacro with the instructions script in a
// LibreOffice profile of its own: the profile is made by a first start
// (which writes the user's Basic library), then the macro is put in it.
func runMacro(t *testing.T, soffice, dir, script string) {
	t.Helper()
	profile := recalcProfile(t, dir, "lo-macro-profile")
	// A fresh profile's first start writes the user's Basic library
	// over whatever is there: start it once on a macro that does
	// nothing, then put the macro in.
	basic := filepath.Join(profile, "user", "basic")
	if err := os.MkdirAll(filepath.Join(basic, "Standard"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"script.xlc": libraries("script"), "dialog.xlc": libraries("dialog"),
		"Standard/script.xlb": library(`<library:element library:name="Module1"/>`), "Standard/dialog.xlb": library(""),
		"Standard/Module1.xba": module("Sub Main\nEnd Sub\n"),
	} {
		if err := os.WriteFile(filepath.Join(basic, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sofficeRun(t, soffice, dir, profile, "", "macro:///Standard.Module1.Main")
	if err := os.WriteFile(filepath.Join(basic, "Standard", "Module1.xba"), []byte(module(partnerMacro)), 0o644); err != nil {
		t.Fatal(err)
	}
	edits := filepath.Join(dir, "edits.tsv")
	if err := os.WriteFile(edits, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	sofficeRun(t, soffice, dir, profile, edits, "macro:///Standard.Module1.Main")
}

// The parts of a Basic library in a LibreOffice profile.
func libraries(kind string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" xlink:href="$(USER)/basic/Standard/` + kind + `.xlb/" xlink:type="simple" library:link="false"/>
</library:libraries>
`
}

func library(elements string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">` +
		elements + `</library:library>
`
}

func module(code string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">` +
		html.EscapeString(code) + `</script:module>
`
}
