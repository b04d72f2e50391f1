package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// csvRecords parses a command's CSV output.
func csvRecords(t *testing.T, text string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, text)
	}
	return recs
}

// exportValue is a node's value in a year in a scenario's own CSV
// export: the single-scenario export the comparisons are checked against.
func exportValue(t *testing.T, scenario, dim, segment string, year int) float64 {
	t.Helper()
	code, out, stderr := runCLI(t, "export", "--scenario", scenario)
	if code != 0 {
		t.Fatalf("export %s: %d %s", scenario, code, stderr)
	}
	for _, r := range csvRecords(t, out)[1:] {
		if r[1] == dim && r[2] == segment && r[4] == strconv.Itoa(year) {
			v, err := strconv.ParseFloat(r[5], 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Fatalf("%s: no row %s/%s %d", scenario, dim, segment, year)
	return 0
}

// TestSummaryAgainstExports: iomt summary of the three built-ins holds,
// for every result, each scenario's own export's value, and for every
// assumption that differs, each scenario's figure as its JSON export
// gives it ("=" in text where it is the dataset's); text fits 80 columns.
func TestSummaryAgainstExports(t *testing.T) {
	names := []string{"base", "accelerated-adoption", "security-headwinds"}
	code, out, stderr := runCLI(t, append([]string{"summary", "--format", "csv"}, names...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs := csvRecords(t, out)
	if !slices.Equal(recs[0], []string{"item", "kind", "Base (report)", "Accelerated adoption", "Security headwinds"}) {
		t.Fatalf("header %q", recs[0])
	}
	results, assumptions := 0, 0
	for _, r := range recs[1:] {
		switch r[1] {
		case "result":
			results++
			path, ok := strings.CutSuffix(r[0], "/value_usd_bn/2027")
			if !ok {
				t.Fatalf("result item %q", r[0])
			}
			dim, seg := "Total", "Total"
			if path != "Total" {
				dim, seg, _ = strings.Cut(path, "/")
			}
			for i, name := range names {
				got, _ := strconv.ParseFloat(r[2+i], 64)
				if want := exportValue(t, name, dim, seg, 2027); math.Abs(got-want) > 1e-9*want {
					t.Errorf("%s in %s: %v, its export %v", path, name, got, want)
				}
			}
		case "assumption":
			assumptions++
		default:
			t.Errorf("kind %q", r[1])
		}
	}
	// Every top-level segment and the Total; the rates the two
	// alternatives set (7 and 5, Telemedicine in both).
	if results != 19 || assumptions != 12 {
		t.Errorf("%d results and %d assumptions, want 19 and 12", results, assumptions)
	}
	// The market's CAGR, as each scenario's JSON export has it.
	row := recs[slices.IndexFunc(recs, func(r []string) bool { return r[0] == "Total/cagr_pct" })]
	for i, name := range names {
		_, js, _ := runCLI(t, "export", "--format", "json", "--scenario", name)
		var doc struct {
			Total struct {
				CAGR float64 `json:"cagr_pct"`
			} `json:"total"`
		}
		if err := json.Unmarshal([]byte(js), &doc); err != nil {
			t.Fatal(err)
		}
		if row[2+i] != strconv.FormatFloat(doc.Total.CAGR, 'g', -1, 64) {
			t.Errorf("%s's CAGR %q, its export %v", name, row[2+i], doc.Total.CAGR)
		}
	}

	code, text, _ := runCLI(t, append([]string{"summary"}, names...)...)
	if code != 0 {
		t.Fatal(text)
	}
	for i, l := range strings.Split(text, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, w, l)
		}
	}
	if !strings.Contains(text, "Total/cagr_pct                                      =        21.00       15.00") {
		t.Errorf("the market's CAGR row:\n%s", text)
	}

	// --node and --year choose the results.
	_, out, _ = runCLI(t, "summary", "base", "accelerated-adoption", "--node", "region/north america", "--node", "Total", "--year", "2025", "--format", "csv")
	recs = csvRecords(t, out)
	var items []string
	for _, r := range recs[1:] {
		if r[1] == "result" {
			items = append(items, r[0])
		}
	}
	if !slices.Equal(items, []string{"Region/North America/value_usd_bn/2025", "Total/value_usd_bn/2025"}) {
		t.Errorf("results %q", items)
	}

	// One scenario alone: what it changes from the dataset.
	_, out, _ = runCLI(t, "summary", "accelerated-adoption", "--format", "csv")
	n := 0
	for _, r := range csvRecords(t, out)[1:] {
		if r[1] == "assumption" {
			n++
		}
	}
	if n != 8 {
		t.Errorf("Accelerated adoption alone: %d assumptions, want the 8 it sets (the CAGR and seven rates):\n%s", n, out)
	}
}

// TestBridgeAgainstExports: the bridge's total line is B's export's value
// minus A's, the contributions add up to it, and North America's 2027
// gap between Base and Accelerated adoption comes from the market's CAGR
// (up) and Asia-Pacific's rate (down: it takes share).
func TestBridgeAgainstExports(t *testing.T) {
	code, out, stderr := runCLI(t, "bridge", "--scenario", "base", "--compare", "accelerated-adoption", "--node", "Region/North America", "--year", "2027", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs := csvRecords(t, out)
	if !slices.Equal(recs[0], []string{"assumption", "from", "to", "contribution"}) {
		t.Fatalf("header %q", recs[0])
	}
	last := recs[len(recs)-1]
	want := exportValue(t, "accelerated-adoption", "Region", "North America", 2027) - exportValue(t, "base", "Region", "North America", 2027)
	total, _ := strconv.ParseFloat(last[3], 64)
	if last[0] != "total" || last[1] != "" || last[2] != "" || math.Abs(total-want) > 1e-9 {
		t.Fatalf("last line %q, want total,,,%v", last, want)
	}
	sum := 0.0
	contrib := map[string]float64{}
	for _, r := range recs[1 : len(recs)-1] {
		c, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			t.Fatal(err)
		}
		sum += c
		contrib[r[0]] = c
	}
	if math.Abs(sum-total) > 1e-9*math.Abs(total) {
		t.Errorf("contributions add up to %v, total %v", sum, total)
	}
	if contrib["Total/cagr_pct"] <= 0 || contrib["Region/Asia-Pacific/cagr_pct"] >= 0 || contrib["Application/Telemedicine/cagr_pct"] != 0 || len(contrib) != 8 {
		t.Errorf("contributions %v", contrib)
	}
	if recs[1][0] != "Total/cagr_pct" || recs[1][1] != "18.5" || recs[1][2] != "21" {
		t.Errorf("largest first: %q", recs[1])
	}

	code, text, _ := runCLI(t, "bridge", "--scenario", "base", "--compare", "accelerated-adoption", "--node", "Region/North America")
	if code != 0 || !strings.Contains(text, "Exact Shapley values over the 2 assumptions") || !strings.Contains(text, "░") || !strings.Contains(text, "█") {
		t.Errorf("text bridge:\n%s", text)
	}
}

// TestCompareBadInput: another market's scenario exits 1 naming it; a
// fifth compared scenario, one given twice, an unknown node or a year
// outside the forecast exit 2; a bridge between identical scenarios says
// so and is 0.
func TestCompareBadInput(t *testing.T) {
	other := writeFile(t, "other.yaml", "scenario: Elsewhere\ndataset: Smart Home Energy Management\n")
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"export", "--compare", other}, exitInvalid, "is for the market"},
		{[]string{"summary", "base", other}, exitInvalid, "is for the market"},
		{[]string{"bridge", "--compare", other, "--node", "Total"}, exitInvalid, "is for the market"},
		{[]string{"export", "--compare", "base", "--compare", "accelerated-adoption", "--compare", "security-headwinds", "--compare", "base.yaml", "--compare", "x"}, exitUsage, "at most 4"},
		{[]string{"summary", "base", "accelerated-adoption", "security-headwinds", "a", "b", "c"}, exitUsage, "at most 5"},
		{[]string{"export", "--compare", "accelerated-adoption", "--compare", "Accelerated adoption"}, exitUsage, "given twice"},
		{[]string{"summary", "base", "base"}, exitUsage, "given twice"},
		{[]string{"summary", "base", "--node", "Region/Nowhere"}, exitUsage, "no segment"},
		{[]string{"bridge", "--compare", "base", "--node", "Region/Nowhere"}, exitUsage, "no segment"},
		{[]string{"bridge", "--compare", "base", "--node", "Total", "--year", "2030"}, exitUsage, "2019–2027"},
		{[]string{"bridge", "--node", "Total"}, exitUsage, "compare"},
		{[]string{"summary"}, exitUsage, "at least 1 arg"},
		{[]string{"summary", "base", "--format", "pdf"}, exitUsage, "--format"},
	} {
		code, _, stderr := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.says) {
			t.Errorf("%q: exit %d, want %d saying %q:\n%s", c.args, code, c.code, c.says, stderr)
		}
	}

	code, out, stderr := runCLI(t, "bridge", "--scenario", "accelerated-adoption", "--compare", "accelerated-adoption", "--node", "Region/North America")
	if code != 0 || !strings.Contains(out, "The scenarios do not differ in any assumption: the bridge is 0") {
		t.Errorf("identical scenarios: exit %d\n%s%s", code, out, stderr)
	}
	_, out, _ = runCLI(t, "bridge", "--scenario", "accelerated-adoption", "--compare", "accelerated-adoption", "--node", "Total", "--format", "csv")
	if out != "assumption,from,to,contribution\ntotal,,,0\n" {
		t.Errorf("identical scenarios' CSV: %q", out)
	}
}
