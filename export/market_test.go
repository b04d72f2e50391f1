package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// loadEUR loads the fictional EUR-million market of the test data.
func loadEUR(t *testing.T) *model.Dataset {
	t.Helper()
	p := filepath.Join("..", "testdata", "eu-digital-pathology.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := model.LoadDataset(p, data)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestExportsFollowTheMarket: a EUR-million market is exported in its own
// currency and unit in every format, and nothing speaks of US$ or bn.
func TestExportsFollowTheMarket(t *testing.T) {
	ds := loadEUR(t)
	a := ds.Base()
	b := ds.Base()
	b.Growth[0] = 8 // the compared scenario grows faster
	in := Input{Dataset: ds, Scenario: "Base", Assumptions: &a, Result: forecast.Project(ds, &a),
		Compare: &Comparison{Scenario: "Faster", Result: forecast.Project(ds, &b)}}

	var out bytes.Buffer
	if err := CSV(&out, in); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := "scenario,dimension,segment,parent,year,value_eur_million,share_pct,growth_pct,compare_scenario,compare_value_eur_million,diff_eur_million,diff_pct"
	if got := strings.Join(rows[0], ","); got != want {
		t.Errorf("CSV header\n %s\nwant\n %s", got, want)
	}
	// The 2032 total, worked out from the file: 12,480 grown 4.2 % in
	// 2024 and 6.5 % in each of the eight years after.
	total2032 := 12480 * 1.042 * math.Pow(1.065, 8)
	for _, r := range rows[1:] {
		if r[2] == "Total" && r[4] == "2032" {
			if v, _ := strconv.ParseFloat(r[5], 64); math.Abs(v-total2032) > 1e-9*total2032 {
				t.Errorf("2032 total %s, want %.6f", r[5], total2032)
			}
		}
	}

	out.Reset()
	if err := JSON(&out, in); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["currency"] != "EUR" || doc["unit"] != "million" {
		t.Errorf("JSON currency %v, unit %v", doc["currency"], doc["unit"])
	}
	total := doc["total"].(map[string]any)
	if _, ok := total["diff_eur_million"]; !ok {
		t.Errorf("JSON total has no diff_eur_million: keys %v", keysOf(total))
	}
	if rep := total["reported"].([]any); len(rep) != 2 || rep[0] != "value" || rep[1] != "cagr_pct" {
		t.Errorf("JSON total reported %v, want [value cagr_pct], as the file names them", rep)
	}
	if strings.Contains(out.String(), "usd") || strings.Contains(out.String(), "value_bn") {
		t.Errorf("JSON of a EUR-million market speaks of usd or value_bn")
	}

	out.Reset()
	if err := Markdown(&out, in); err != nil {
		t.Fatal(err)
	}
	md := out.String()
	if !strings.Contains(md, "€ m") || strings.Contains(md, "US$") || strings.Contains(md, " bn") {
		t.Errorf("Markdown does not give values in € m only:\n%s", md[:min(len(md), 800)])
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestExportsFollowTheWindow: a scenario's CAGR window (the report's
// 2021–2027) is the span of the realised CAGR and the share change in
// JSON and Markdown, worked out here from the values.
func TestExportsFollowTheWindow(t *testing.T) {
	ds := loadEmbedded(t)
	a, err := ds.Apply(ds.Base(), ds.Base(), model.Edit{Kind: model.SetWindow, Window: model.Window{From: 2021, To: 2027}})
	if err != nil {
		t.Fatal(err)
	}
	r := forecast.Project(ds, &a)
	in := Input{Dataset: ds, Scenario: "Window", Assumptions: &a, Result: r}
	var out bytes.Buffer
	if err := JSON(&out, in); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		CAGRWindow [2]int `json:"cagr_window"`
		Total      struct {
			RealisedCAGRPct float64   `json:"realised_cagr_pct"`
			Values          []float64 `json:"values"`
		} `json:"total"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	v := doc.Total.Values
	want := (math.Pow(v[8]/v[2], 1.0/6) - 1) * 100 // 2021 is index 2, 2027 index 8
	if doc.CAGRWindow != [2]int{2021, 2027} || math.Abs(doc.Total.RealisedCAGRPct-want) > 1e-9 {
		t.Errorf("window %v, realised %v; want [2021 2027], %v", doc.CAGRWindow, doc.Total.RealisedCAGRPct, want)
	}
	if math.Abs(want-18.5) > 1e-9 {
		t.Errorf("the IoMT total grows 18.5 %% a year over 2021–2027 in the report; %v here", want)
	}
	out.Reset()
	if err := Markdown(&out, in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| CAGR 2021–2027 (%) |") {
		t.Errorf("Markdown does not name the window:\n%s", out.String()[:600])
	}
}
