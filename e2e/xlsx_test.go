package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sofficeTimeout bounds the one LibreOffice run that recalculates every
// workbook of TestXLSXRecalculatesInLibreOffice (about 3 s here).
const sofficeTimeout = 3 * time.Minute

// xlsxRel is how close LibreOffice's figures must come to the engine's.
const xlsxRel = 1e-9

// scenarioSpec is a scenario file the test writes, and edits the way a
// partner edits the workbook's Inputs sheet.
type scenarioSpec struct {
	name, market, mode, driver string
	value                      *float64 // total: value, the market's base-year size
	cagr                       *float64
	years                      map[int]*float64 // nil: the year takes the CAGR again
	segments                   map[string]map[string]float64
	paths                      map[string]map[int]float64 // a segment's growth_by_year_pct
	levers                     map[string]float64
	window                     string // cagr_window, e.g. "[2021, 2027]"
}

// inputEdit is one Inputs cell set to a value, or emptied (nil), or
// moved by a number of points (by): two shares of one set of siblings
// moved by +x and −x keep their sum, whatever float noise it has.
type inputEdit struct {
	path  string
	value *float64
	by    float64
}

func pf(x float64) *float64 { return &x }

// yaml writes the scenario file.
func (s scenarioSpec) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario: %s\ndataset: %s\n", strconv.Quote(s.name), strconv.Quote(s.market))
	if s.mode != "" {
		fmt.Fprintf(&b, "mode: %s\n", s.mode)
	}
	if s.driver != "" {
		fmt.Fprintf(&b, "driver: %s\n", strconv.Quote(s.driver))
	}
	if s.cagr != nil || len(s.years) > 0 || s.value != nil {
		b.WriteString("total:\n")
		if s.value != nil {
			fmt.Fprintf(&b, "  value: %v\n", *s.value)
		}
		if s.cagr != nil {
			fmt.Fprintf(&b, "  cagr_pct: %v\n", *s.cagr)
		}
		if len(s.years) > 0 {
			b.WriteString("  growth_by_year_pct:\n")
			for _, y := range sortedKeys(s.years) {
				v := "null"
				if s.years[y] != nil {
					v = strconv.FormatFloat(*s.years[y], 'g', -1, 64)
				}
				fmt.Fprintf(&b, "    %d: %s\n", y, v)
			}
		}
	}
	segs := map[string]bool{}
	for p := range s.segments {
		segs[p] = true
	}
	for p := range s.paths {
		segs[p] = true
	}
	if len(segs) > 0 {
		b.WriteString("segments:\n")
		for _, p := range sortedKeys(segs) {
			var fields []string
			for _, f := range sortedKeys(s.segments[p]) {
				fields = append(fields, f+": "+strconv.FormatFloat(s.segments[p][f], 'g', -1, 64))
			}
			if len(s.paths[p]) > 0 {
				var years []string
				for _, y := range sortedKeys(s.paths[p]) {
					years = append(years, fmt.Sprintf("%d: %v", y, s.paths[p][y]))
				}
				fields = append(fields, "growth_by_year_pct: {"+strings.Join(years, ", ")+"}")
			}
			fmt.Fprintf(&b, "  %s: {%s}\n", strconv.Quote(p), strings.Join(fields, ", "))
		}
	}
	if s.window != "" {
		fmt.Fprintf(&b, "cagr_window: %s\n", s.window)
	}
	if len(s.levers) > 0 {
		b.WriteString("drivers:\n")
		for _, l := range sortedKeys(s.levers) {
			fmt.Fprintf(&b, "  %s: %v\n", strconv.Quote(l), s.levers[l])
		}
	}
	return b.String()
}

func sortedKeys[K int | string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// with is the scenario after edits of its workbook's Inputs: the same
// assumption, written in the scenario file instead.
func (s scenarioSpec) with(t *testing.T, edits []inputEdit) scenarioSpec {
	t.Helper()
	out := s
	out.years = map[int]*float64{}
	for y, v := range s.years {
		out.years[y] = v
	}
	out.segments = map[string]map[string]float64{}
	for p, f := range s.segments {
		out.segments[p] = map[string]float64{}
		for k, v := range f {
			out.segments[p][k] = v
		}
	}
	out.levers = map[string]float64{}
	for k, v := range s.levers {
		out.levers[k] = v
	}
	out.paths = map[string]map[int]float64{}
	for p, ys := range s.paths {
		out.paths[p] = map[int]float64{}
		for y, v := range ys {
			out.paths[p][y] = v
		}
	}
	for _, e := range edits {
		switch {
		case e.path == "Total/value":
			out.value = e.value
		case e.path == "Total/cagr_pct":
			out.cagr = e.value
		case strings.HasPrefix(e.path, "Total/growth_by_year_pct/"):
			y, err := strconv.Atoi(strings.TrimPrefix(e.path, "Total/growth_by_year_pct/"))
			if err != nil {
				t.Fatal(err)
			}
			out.years[y] = e.value
		case strings.HasPrefix(e.path, "Levers/"):
			out.levers[strings.TrimPrefix(e.path, "Levers/")] = *e.value
		case strings.Contains(e.path, "/growth_by_year_pct/"):
			seg, year, _ := strings.Cut(e.path, "/growth_by_year_pct/")
			y, err := strconv.Atoi(year)
			if err != nil {
				t.Fatal(err)
			}
			if out.paths[seg] == nil {
				out.paths[seg] = map[int]float64{}
			}
			if e.value == nil {
				delete(out.paths[seg], y) // the year grows at the segment's CAGR again
			} else {
				out.paths[seg][y] = *e.value
			}
		default:
			i := strings.LastIndex(e.path, "/")
			seg, field := e.path[:i], e.path[i+1:]
			if out.segments[seg] == nil {
				out.segments[seg] = map[string]float64{}
			}
			out.segments[seg][field] = *e.value
		}
	}
	return out
}

// xlsxCase is one workbook: a scenario on a dataset, maybe a comparison,
// maybe edits made to its Inputs sheet before it is recalculated.
type xlsxCase struct {
	name    string
	dataset string // empty: the embedded IoMT dataset
	spec    scenarioSpec
	compare []string
	edits   []inputEdit
}

// TestXLSXRecalculatesInLibreOffice: the workbook is a live model. Its
// Forecast sheet is exported with no stored results; LibreOffice, told to
// recalculate every formula on load, computes every value, share and
// growth, and they equal the engine's CSV to 1e-9, in top-down and
// bottom-up, on the IoMT dataset and on a EUR-million one; and again after
// inputs are changed on the Inputs sheet, against the engine run on the
// equivalent scenario file.
func TestXLSXRecalculatesInLibreOffice(t *testing.T) {
	soffice := requireTool(t, "soffice")
	t.Parallel()
	dir := t.TempDir()
	eu := filepath.Join(repoRoot, "testdata", "eu-digital-pathology.yaml")
	const iomt, euMarket = "Internet of Medical Things", "European Digital Pathology"

	iomtTD := scenarioSpec{name: "XLSX top-down", market: iomt, cagr: pf(19),
		segments: map[string]map[string]float64{"Application/Telemedicine": {"cagr_pct": 23}},
		levers:   map[string]float64{"Security and Privacy Concerns": -0.5}, window: "[2021, 2027]"}
	iomtBU := scenarioSpec{name: "XLSX bottom-up", market: iomt, mode: "bottom-up", driver: "Region",
		segments: map[string]map[string]float64{"Region/Europe": {"cagr_pct": 14}},
		levers:   map[string]float64{"Prevalence of Chronic Diseases": 1.5, "Security and Privacy Concerns": -0.5}}
	// A base-year size and growth paths of the scenario's own (issue 21).
	iomtPaths := scenarioSpec{name: "XLSX paths", market: iomt, value: pf(46.08),
		paths: map[string]map[int]float64{"Region/Asia-Pacific": {2021: 5, 2024: 30},
			"Component/Medical Devices/Wearable External Medical Devices": {2022: 40}}}
	iomtPathsBU := scenarioSpec{name: "XLSX paths bottom-up", market: iomt, mode: "bottom-up", driver: "Region", value: pf(56.32),
		paths:  map[string]map[int]float64{"Region/Asia-Pacific": {2021: 5}, "Region/Europe/Germany": {2025: 2}},
		levers: map[string]float64{"Prevalence of Chronic Diseases": 1}}
	euTD := scenarioSpec{name: "EU top-down", market: euMarket}
	euBU := scenarioSpec{name: "EU bottom-up", market: euMarket, mode: "bottom-up", driver: "Country"}
	cases := []xlsxCase{
		{name: "iomt-td", spec: iomtTD},
		{name: "iomt-bu", spec: iomtBU},
		{name: "eu-td", dataset: eu, spec: euTD},
		{name: "eu-bu", dataset: eu, spec: euBU},
		{name: "iomt-compare", spec: iomtTD, compare: []string{"base"}},
		// A value column per compared scenario: the CSV's four compare
		// columns for each in turn.
		{name: "iomt-compare-3", spec: iomtTD, compare: []string{"base", "accelerated-adoption", "security-headwinds"}},
		{name: "iomt-td-changed", spec: iomtTD, edits: []inputEdit{
			{"Total/cagr_pct", pf(20), 0},
			{"Total/growth_by_year_pct/2020", nil, 0}, // back to the CAGR
			{"Total/growth_by_year_pct/2023", pf(30), 0},
			{"Levers/Demand for Wearable Devices", pf(2), 0},
			{"Component/Medical Devices/share_pct", nil, 3.4},
			{"Component/Services/share_pct", nil, -3.4},
			{"Component/Medical Devices/Wearable External Medical Devices/share_pct", pf(50), 0},
			{"Component/Medical Devices/Implanted Medical Devices/share_pct", pf(20), 0},
			{"Application/Telemedicine/cagr_pct", pf(25), 0},
			{"Region/Asia-Pacific/India/cagr_pct", pf(35), 0},
		}},
		{name: "iomt-bu-changed", spec: iomtBU, edits: []inputEdit{
			{"Levers/Prevalence of Chronic Diseases", pf(3), 0},
			{"Region/North America/share_pct", nil, -2.5},
			{"Region/Asia-Pacific/share_pct", nil, 2.5},
			{"Region/Europe/cagr_pct", pf(10), 0},
			{"Region/Europe/Germany/cagr_pct", pf(25), 0},
			{"Component/Services/cagr_pct", pf(22), 0},
			{"Total/cagr_pct", pf(5), 0}, // unused in bottom-up, as in the engine
		}},
		{name: "eu-td-changed", dataset: eu, spec: euTD, edits: []inputEdit{
			{"Total/growth_by_year_pct/2024", nil, 0},
			{"Total/growth_by_year_pct/2030", pf(-2), 0},
			{"Offering/Whole-Slide Scanners/share_pct", pf(45), 0},
			{"Offering/Services/share_pct", pf(21), 0},
			{"Offering/Whole-Slide Scanners/High-Throughput Scanners/cagr_pct", pf(9), 0},
		}},
		{name: "iomt-paths", spec: iomtPaths},
		{name: "iomt-paths-bu", spec: iomtPathsBU},
		{name: "iomt-paths-changed", spec: iomtPaths, edits: []inputEdit{
			{"Total/value", pf(60), 0},
			{"Region/Asia-Pacific/growth_by_year_pct/2021", nil, 0}, // back to its CAGR
			{"Region/Asia-Pacific/growth_by_year_pct/2025", pf(12), 0},
			{"Component/Medical Devices/Wearable External Medical Devices/growth_by_year_pct/2026", pf(-3), 0},
		}},
		{name: "eu-bu-changed", dataset: eu, spec: euBU, edits: []inputEdit{
			{"Country/United Kingdom/cagr_pct", pf(12), 0},
			{"Country/United Kingdom/share_pct", nil, 2},
			{"Country/Rest of Europe/share_pct", nil, -2},
		}},
	}

	// Export every workbook, and the engine's CSV of the same scenario
	// (for an edited workbook: of the scenario file with the same edits).
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	var workbooks []string
	wantCSV := map[string][][]string{}
	wantJSON := map[string]string{}
	for _, c := range cases {
		args := func(spec scenarioSpec, file string) []string {
			path := filepath.Join(dir, file+".yaml")
			if err := os.WriteFile(path, []byte(spec.yaml()), 0o644); err != nil {
				t.Fatal(err)
			}
			a := []string{"--scenario", path}
			if c.dataset != "" {
				a = append(a, "--dataset", c.dataset)
			}
			for _, cmp := range c.compare {
				a = append(a, "--compare", cmp)
			}
			return a
		}
		book := filepath.Join(in, c.name+".xlsx")
		xargs := append([]string{"export", "--format", "xlsx", "-o", book}, args(c.spec, c.name)...)
		runCLI(t, dir, xargs...).wantCode(t, 0, strings.Join(xargs, " "))
		assertNoStoredResults(t, book)
		engine := c.spec
		if len(c.edits) > 0 {
			engine = c.spec.with(t, editInputs(t, book, c.edits))
		}
		cargs := append([]string{"export", "--format", "csv"}, args(engine, c.name+"-engine")...)
		res := runCLI(t, dir, cargs...)
		res.wantCode(t, 0, strings.Join(cargs, " "))
		recs, err := csv.NewReader(strings.NewReader(res.stdout)).ReadAll()
		if err != nil {
			t.Fatalf("%s: the engine's CSV does not parse: %v", c.name, err)
		}
		wantCSV[c.name] = foldBlocks(recs, len(c.compare))
		jargs := append([]string{"export", "--format", "json"}, args(engine, c.name+"-engine")...)
		res = runCLI(t, dir, jargs...)
		res.wantCode(t, 0, strings.Join(jargs, " "))
		wantJSON[c.name] = res.stdout
		workbooks = append(workbooks, book)
	}

	out := filepath.Join(dir, "out")
	start := time.Now()
	recalculate(t, soffice, dir, out, workbooks)
	t.Logf("LibreOffice recalculated %d workbooks in %v", len(workbooks), time.Since(start).Round(10*time.Millisecond))

	worst := 0.0
	for _, c := range cases {
		book := filepath.Join(out, c.name+".xlsx")
		got := readForecast(t, book)
		worst = max(worst, compareForecast(t, c.name, got, wantCSV[c.name]))
		worst = max(worst, compareDimensions(t, c.name, book, wantJSON[c.name]))
	}
	t.Logf("largest relative difference to the engine: %.2g", worst)
}

// engineDoc is what compareDimensions reads of the JSON export.
type engineDoc struct {
	Years []int `json:"years"`
	Total struct {
		engineFigures
	} `json:"total"`
	Dimensions []struct {
		Name     string          `json:"name"`
		Segments []engineSegment `json:"segments"`
	} `json:"dimensions"`
}

type engineFigures struct {
	CAGRPct     *float64  `json:"cagr_pct"`
	Realised    *float64  `json:"realised_cagr_pct"`
	ShareChange *float64  `json:"share_change_pp"`
	Values      []float64 `json:"values"`
}

type engineSegment struct {
	Name string `json:"name"`
	engineFigures
	SharePct float64         `json:"share_pct"`
	Segments []engineSegment `json:"segments"`
}

// compareDimensions compares each recalculated dimension sheet (segments
// × years, entered and realised CAGR, share change) with the engine's
// JSON export and returns the largest relative difference.
func compareDimensions(t *testing.T, name, book, doc string) float64 {
	t.Helper()
	var want engineDoc
	if err := json.Unmarshal([]byte(doc), &want); err != nil {
		t.Fatalf("%s: the engine's JSON: %v", name, err)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	worst := 0.0
	years := len(want.Years)
	check := func(where, got string, w *float64) {
		if w == nil {
			if _, err := strconv.ParseFloat(got, 64); err == nil {
				t.Errorf("%s: %s = %s, the engine has none", name, where, got)
			}
			return
		}
		g, err := strconv.ParseFloat(got, 64)
		if err != nil {
			t.Errorf("%s: %s = %q, the engine %v", name, where, got, *w)
			return
		}
		d := math.Abs(g - *w)
		if d <= 1e-12 {
			return
		}
		rel := d / max(math.Abs(g), math.Abs(*w))
		worst = max(worst, rel)
		if rel > xlsxRel {
			t.Errorf("%s: %s = %v, the engine %v", name, where, g, *w)
		}
	}
	for _, d := range want.Dimensions {
		rows, err := f.GetRows(d.Name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("%s: sheet %s: %v", name, d.Name, err)
		}
		type line struct {
			name  string
			fig   engineFigures
			share *float64
		}
		var lines []line
		var walk func(s engineSegment)
		walk = func(s engineSegment) {
			lines = append(lines, line{s.Name, s.engineFigures, &s.SharePct})
			for _, c := range s.Segments {
				walk(c)
			}
		}
		for _, s := range d.Segments {
			walk(s)
		}
		total := want.Total.engineFigures
		total.ShareChange = pf(0) // 100 % of itself throughout
		lines = append(lines, line{"Total", total, pf(100)})
		for i, l := range lines {
			if i+1 >= len(rows) || rows[i+1][0] != l.name {
				t.Fatalf("%s: sheet %s row %d is not %s", name, d.Name, i+2, l.name)
			}
			row := rows[i+1]
			at := func(col int) string {
				if col < len(row) {
					return row[col]
				}
				return ""
			}
			where := func(what string) string { return fmt.Sprintf("%s!%s %s", d.Name, l.name, what) }
			check(where("share"), at(1), l.share)
			for yi := range years {
				check(where(strconv.Itoa(want.Years[yi])), at(2+yi), &l.fig.Values[yi])
			}
			check(where("entered CAGR"), at(2+years), l.fig.CAGRPct)
			check(where("realised CAGR"), at(3+years), l.fig.Realised)
			check(where("share change"), at(4+years), l.fig.ShareChange)
		}
	}
	return worst
}

// assertNoStoredResults fails unless every formula of the workbook's
// Forecast sheet is stored without a result: whatever LibreOffice shows,
// it computed.
func assertNoStoredResults(t *testing.T, book string) {
	t.Helper()
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatalf("%s does not open: %v", book, err)
	}
	defer f.Close()
	rows, err := f.GetRows("Forecast", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	formulas := 0
	for r := 2; r <= len(rows); r++ {
		for c := 6; c <= len(rows[0]); c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			fm, err := f.GetCellFormula("Forecast", cell)
			if err != nil {
				t.Fatal(err)
			}
			if fm == "" {
				continue
			}
			formulas++
			if v, _ := f.GetCellValue("Forecast", cell, excelize.Options{RawCellValue: true}); v != "" {
				t.Fatalf("%s: Forecast!%s stores the result %q", filepath.Base(book), cell, v)
			}
		}
	}
	if formulas < 2*(len(rows)-1) {
		t.Fatalf("%s: only %d formulas on %d Forecast rows", filepath.Base(book), formulas, len(rows)-1)
	}
}

// editInputs sets Inputs cells as a partner would, by the path in column
// A, and returns the edits with the values set.
func editInputs(t *testing.T, book string, edits []inputEdit) []inputEdit {
	t.Helper()
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Inputs", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var done []inputEdit
	for _, e := range edits {
		r := slices.IndexFunc(rows, func(row []string) bool { return len(row) > 0 && row[0] == e.path })
		if r < 0 {
			t.Fatalf("%s: no Inputs row %s", filepath.Base(book), e.path)
		}
		if e.value == nil && e.by != 0 {
			cur, err := strconv.ParseFloat(rows[r][1], 64)
			if err != nil {
				t.Fatalf("%s: Inputs %s is %q", filepath.Base(book), e.path, rows[r][1])
			}
			e.value = pf(cur + e.by)
		}
		var v any
		if e.value != nil {
			v = *e.value
		}
		if err := f.SetCellValue("Inputs", fmt.Sprintf("B%d", r+1), v); err != nil {
			t.Fatal(err)
		}
		done = append(done, e)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	return done
}

// recalculate has LibreOffice open every workbook, recalculate all its
// formulas and save it into out, in one run with a profile of its own
// that says "recalculation on file load: always" for Excel files.
func recalculate(t *testing.T, soffice, dir, out string, books []string) {
	t.Helper()
	toXLSX(t, soffice, dir, out, "", books)
}

// toXLSX has LibreOffice open every file (with the import filter options
// infilter, when not empty, such as "CSV:44,34,76,1" for comma-separated
// UTF-8), as a user's double click would, and save it as a workbook of
// the same name into out, in one run with a profile of its own.
func toXLSX(t *testing.T, soffice, dir, out, infilter string, books []string) {
	t.Helper()
	profile := recalcProfile(t, dir, "lo-profile")
	args := []string{"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out}
	if infilter != "" {
		args = append(args, "--infilter="+infilter)
	}
	output := sofficeRun(t, soffice, dir, profile, "", append(args, books...)...)
	for _, b := range books {
		if _, err := os.Stat(filepath.Join(out, strings.TrimSuffix(filepath.Base(b), filepath.Ext(b))+".xlsx")); err != nil {
			t.Fatalf("soffice did not write %s: %v\n%s", filepath.Base(b), err, output)
		}
	}
}

// recalcProfile makes a LibreOffice profile under dir whose settings say
// "recalculation on file load: always" for Excel and ODF files.
func recalcProfile(t *testing.T, dir, name string) string {
	t.Helper()
	profile := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Join(profile, "user"), 0o755); err != nil {
		t.Fatal(err)
	}
	// OOXMLRecalcMode 0 is "always recalculate"; the default (1) keeps
	// the results stored in the file.
	const xcu = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`
	if err := os.WriteFile(filepath.Join(profile, "user", "registrymodifications.xcu"), []byte(xcu), 0o644); err != nil {
		t.Fatal(err)
	}
	return profile
}

// sofficeRun runs LibreOffice headless in profile, bounded by
// sofficeTimeout, with IOMT_EDITS set to edits, and returns what it
// printed.
func sofficeRun(t *testing.T, soffice, dir, profile, edits string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), sofficeTimeout)
	defer cancel()
	all := append([]string{"-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: profile}).String(),
		"--headless", "--norestore", "--nolockcheck"}, args...)
	cmd := exec.CommandContext(ctx, soffice, all...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "LANG=C.UTF-8", "IOMT_EDITS=" + edits}
	// soffice starts soffice.bin: on timeout, kill the whole group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var outBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &outBuf, &outBuf
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("soffice still running after %v:\n%s", sofficeTimeout, outBuf.String())
	}
	if err != nil {
		t.Fatalf("soffice %v: %v\n%s", args, err, outBuf.String())
	}
	return outBuf.String()
}

// readForecast reads the Forecast sheet of a recalculated workbook, with
// the numbers as stored (not as formatted).
func readForecast(t *testing.T, book string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatalf("%s does not open: %v", book, err)
	}
	defer f.Close()
	rows, err := f.GetRows("Forecast", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// compareForecast compares a recalculated Forecast sheet with the engine's
// CSV cell by cell and returns the largest relative difference.
func compareForecast(t *testing.T, name string, got, want [][]string) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d Forecast rows, the engine's CSV %d", name, len(got), len(want))
		return 0
	}
	if !slices.Equal(got[0], want[0]) {
		t.Errorf("%s: Forecast header %q, the CSV's %q", name, got[0], want[0])
		return 0
	}
	worst, bad := 0.0, 0
	var diffs []string
	for i := 1; i < len(want); i++ {
		for j, w := range want[i] {
			g := ""
			if j < len(got[i]) {
				g = got[i][j]
			}
			if g == w {
				continue
			}
			gx, gerr := strconv.ParseFloat(g, 64)
			wx, werr := strconv.ParseFloat(w, 64)
			if gerr != nil || werr != nil {
				bad++
				diffs = append(diffs, fmt.Sprintf("row %d %s: %q, the engine %q", i+1, want[0][j], g, w))
				continue
			}
			d := math.Abs(gx - wx)
			if d <= 1e-12 {
				continue // both zero, as far as twelve digits go
			}
			rel := d / max(math.Abs(gx), math.Abs(wx))
			worst = max(worst, rel)
			if rel > xlsxRel {
				bad++
				diffs = append(diffs, fmt.Sprintf("row %d (%s, %s) %s: %v, the engine %v", i+1, want[i][2], want[i][4], want[0][j], gx, wx))
			}
		}
	}
	if bad > 0 {
		sort.Strings(diffs)
		t.Errorf("%s: %d Forecast cells differ from the engine, e.g.\n%s", name, bad, strings.Join(diffs[:min(len(diffs), 10)], "\n"))
	}
	return worst
}

// foldBlocks lays a long CSV of k compared scenarios (a block of rows
// each) out as the Forecast sheet does: a row per node and year, with
// each compared scenario's four columns in turn.
func foldBlocks(recs [][]string, k int) [][]string {
	if k <= 1 {
		return recs
	}
	n := (len(recs) - 1) / k
	out := [][]string{recs[0]}
	for b := 1; b < k; b++ {
		out[0] = append(out[0], recs[0][8:12]...)
	}
	for i := 1; i <= n; i++ {
		row := slices.Clone(recs[i])
		for b := 1; b < k; b++ {
			row = append(row, recs[b*n+i][8:12]...)
		}
		out = append(out, row)
	}
	return out
}

// TestXLSXRefusesTerminal: a workbook is not written to a terminal.
func TestXLSXRefusesTerminal(t *testing.T) {
	t.Parallel()
	s := startTmux(t, 120, 10, binary, "export", "--format", "xlsx")
	s.WaitForText("binary file", "-o FILE.xlsx")
	if status := s.WaitExit(); status != 2 {
		t.Errorf("export --format xlsx to a terminal: exit %d, want 2 (usage)", status)
	}
	// Redirected, it is written.
	res := runCLI(t, "", "export", "--format", "xlsx")
	res.wantCode(t, 0, "export --format xlsx > file")
	if !strings.HasPrefix(res.stdout, "PK\x03\x04") {
		t.Errorf("export --format xlsx to a pipe wrote %q…, not a workbook", res.stdout[:min(len(res.stdout), 16)])
	}
}
