package export

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"iomt/model"
)

// The document as a consumer would decode it. Pointers tell null from 0.
type jsonDocT struct {
	Market          string    `json:"market"`
	Currency        string    `json:"currency"`
	Unit            string    `json:"unit"`
	Source          string    `json:"source"`
	Scenario        string    `json:"scenario"`
	Mode            string    `json:"mode"`
	Driver          string    `json:"driver"`
	CompareScenario *string   `json:"compare_scenario"`
	BaseYear        int       `json:"base_year"`
	EndYear         int       `json:"end_year"`
	Years           []int     `json:"years"`
	CAGRWindow      [2]int    `json:"cagr_window"`
	Total           jsonNodeT `json:"total"`
	Dimensions      []struct {
		Name     string      `json:"name"`
		Segments []jsonNodeT `json:"segments"`
	} `json:"dimensions"`
	Levers []struct {
		Name     string  `json:"name"`
		Kind     string  `json:"kind"`
		ImpactPP float64 `json:"impact_pp"`
	} `json:"levers"`
}

type jsonNodeT struct {
	Name            string              `json:"name"`
	Path            string              `json:"path"`
	Reported        []string            `json:"reported"`
	Notes           map[string]string   `json:"notes"`
	SharePct        *float64            `json:"share_pct"`
	CAGRPct         *float64            `json:"cagr_pct"`
	MarketGrowthPct *float64            `json:"market_growth_pct"`
	GrowthByYearPct map[string]*float64 `json:"growth_by_year_pct"`
	RealisedCAGRPct *float64            `json:"realised_cagr_pct"`
	ShareChangePP   *float64            `json:"share_change_pp"`
	Values          []*float64          `json:"values"`
	Shares          []*float64          `json:"shares"`
	GrowthPct       []*float64          `json:"growth_pct"`
	CompareValues   []*float64          `json:"compare_values"`
	DiffUSDBn       []*float64          `json:"diff_usd_bn"`
	DiffPct         []*float64          `json:"diff_pct"`
	Segments        []jsonNodeT         `json:"segments"`
}

func writeJSON(t *testing.T, in Input) (string, jsonDocT) {
	t.Helper()
	var buf bytes.Buffer
	if err := JSON(&buf, in); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatalf("invalid JSON:\n%s", buf.String())
	}
	var doc jsonDocT
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("JSON does not decode: %v", err)
	}
	return buf.String(), doc
}

// val turns a decoded number into a float, NaN for null.
func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// checkSeries compares a decoded series with the expected numbers
// (NaN means null).
func checkSeries(t *testing.T, what string, got []*float64, want func(yi int) float64, years int) {
	t.Helper()
	if len(got) != years {
		t.Errorf("%s: %d numbers, want %d", what, len(got), years)
		return
	}
	for yi, g := range got {
		if w := want(yi); !approx(val(g), w, numRel) && math.Abs(val(g)-w) > 1e-12 {
			t.Errorf("%s[%d] = %v, want %v", what, yi, val(g), w)
		}
	}
}

// walkJSON visits every segment of the document with its dataset node.
func walkJSON(t *testing.T, doc jsonDocT, in Input, visit func(n int, s jsonNodeT)) {
	t.Helper()
	ds := in.Dataset
	if len(doc.Dimensions) != len(ds.Dims) {
		t.Fatalf("%d dimensions, want %d", len(doc.Dimensions), len(ds.Dims))
	}
	count := 0
	var walk func(ids []int, segs []jsonNodeT, where string)
	walk = func(ids []int, segs []jsonNodeT, where string) {
		if len(segs) != len(ids) {
			t.Errorf("%s: %d segments, want %d", where, len(segs), len(ids))
			return
		}
		for i, s := range segs {
			n := ids[i]
			if s.Name != ds.Nodes[n].Name || s.Path != ds.Nodes[n].Path {
				t.Errorf("%s segment %d is %q (%s), want %q", where, i, s.Name, s.Path, ds.Nodes[n].Path)
			}
			count++
			visit(n, s)
			walk(ds.Nodes[n].Children, s.Segments, s.Path)
		}
	}
	for di, d := range doc.Dimensions {
		if d.Name != ds.Dims[di].Name {
			t.Errorf("dimension %d is %q, want %q", di, d.Name, ds.Dims[di].Name)
		}
		walk(ds.Dims[di].Top, d.Segments, d.Name)
	}
	if count != len(ds.Nodes)-1 {
		t.Errorf("%d segments in the document, want %d", count, len(ds.Nodes)-1)
	}
}

func TestJSONMatchesResult(t *testing.T) {
	ds := loadEmbedded(t)
	in := baseInput(ds, "Base")
	r, end := in.Result, ds.Years()-1
	_, doc := writeJSON(t, in)

	if doc.Market != ds.Market || doc.Currency != "USD" || doc.Unit != "billion" || doc.Source != ds.Source ||
		doc.Scenario != "Base" || doc.Mode != "top-down" || doc.Driver != "" || doc.BaseYear != 2019 || doc.EndYear != 2027 || doc.CompareScenario != nil {
		t.Errorf("header = %+v", doc)
	}
	if !slices.Equal(doc.Years, []int{2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027}) {
		t.Errorf("years = %v", doc.Years)
	}

	tot := doc.Total
	checkSeries(t, "total values", tot.Values, func(yi int) float64 { return r.Value(0, yi) }, r.Years)
	checkSeries(t, "total growth", tot.GrowthPct, func(yi int) float64 { return r.Growth(0, yi) }, r.Years)
	if tot.GrowthPct[0] != nil {
		t.Errorf("total base-year growth = %v, want null", *tot.GrowthPct[0])
	}
	if val(tot.CAGRPct) != 18.5 || !approx(val(tot.RealisedCAGRPct), 18.5, 1e-9) {
		t.Errorf("total cagr %v realised %v, want 18.5 and 18.5", val(tot.CAGRPct), val(tot.RealisedCAGRPct))
	}
	if g := tot.GrowthByYearPct["2020"]; len(tot.GrowthByYearPct) != 1 || val(g) != 18.5 {
		t.Errorf("total growth_by_year_pct = %v, want {2020: 18.5}", tot.GrowthByYearPct)
	}
	if !approx(val(tot.Values[end]), 51.2*math.Pow(1.185, 8), 1e-9) {
		t.Errorf("total 2027 = %v, want 51.2 × 1.185^8", val(tot.Values[end]))
	}
	if !slices.Equal(tot.Reported, []string{"value_bn", "cagr_pct"}) {
		t.Errorf("total reported = %q", tot.Reported)
	}

	walkJSON(t, doc, in, func(n int, s jsonNodeT) {
		checkSeries(t, s.Path+" values", s.Values, func(yi int) float64 { return r.Value(n, yi) }, r.Years)
		checkSeries(t, s.Path+" shares", s.Shares, func(yi int) float64 { return r.Share(n, yi) }, r.Years)
		checkSeries(t, s.Path+" growth", s.GrowthPct, func(yi int) float64 { return r.Growth(n, yi) }, r.Years)
		if s.GrowthPct[0] != nil {
			t.Errorf("%s base-year growth is not null", s.Path)
		}
		for what, p := range map[string][2]float64{
			"share_pct":         {val(s.SharePct), in.Assumptions.Share[n]},
			"cagr_pct":          {val(s.CAGRPct), in.Assumptions.Growth[n]},
			"realised_cagr_pct": {val(s.RealisedCAGRPct), r.CAGR(n, 0, end)},
			"share_change_pp":   {val(s.ShareChangePP), r.Share(n, end) - r.Share(n, 0)},
		} {
			if !approx(p[0], p[1], numRel) && math.Abs(p[0]-p[1]) > 1e-12 {
				t.Errorf("%s %s = %v, want %v", s.Path, what, p[0], p[1])
			}
		}
		if s.CompareValues != nil || s.DiffPct != nil {
			t.Errorf("%s has compare fields without a comparison", s.Path)
		}
		if s.Reported == nil {
			t.Errorf("%s reported is null, want a list", s.Path)
		}
	})

	// The report's figures, and only they, are listed as reported.
	reported := map[string][]string{}
	walkJSON(t, doc, in, func(n int, s jsonNodeT) {
		if len(s.Reported) > 0 {
			reported[s.Path] = s.Reported
		}
	})
	want := map[string][]string{
		"Component/Medical Devices":                         {"share_pct"},
		"Application/Telemedicine":                          {"share_pct"},
		"End-User/Hospitals, Surgical Centers, and Clinics": {"share_pct"},
		"Region/North America":                              {"value_bn"},
	}
	if len(reported) != len(want) {
		t.Errorf("reported = %v, want %v", reported, want)
	}
	for p, f := range want {
		if !slices.Equal(reported[p], f) {
			t.Errorf("%s reported = %q, want %q", p, reported[p], f)
		}
	}
}

func TestJSONSmallByHand(t *testing.T) {
	ds := loadSmall(t)
	raw, doc := writeJSON(t, baseInput(ds, "Hand"))
	if doc.Market != "Widgets | Gadgets" || len(doc.Years) != 3 {
		t.Fatalf("header = %+v", doc)
	}
	place := doc.Dimensions[1]
	if place.Name != "Place" || len(place.Segments) != 2 {
		t.Fatalf("Place = %+v", place)
	}
	north := place.Segments[0]
	for i, w := range []float64{50, 110.0 / 3, 24.2} {
		if !approx(val(north.Values[i]), w, 1e-9) {
			t.Errorf("North values[%d] = %v, want %v", i, val(north.Values[i]), w)
		}
	}
	// North falls from 50 % to 20 % of the market at 0 % growth.
	if val(north.ShareChangePP) != -30 || val(north.CAGRPct) != 0 ||
		!approx(val(north.RealisedCAGRPct), (math.Sqrt(24.2/50)-1)*100, 1e-9) {
		t.Errorf("North share change %v, cagr %v, realised %v", val(north.ShareChangePP), val(north.CAGRPct), val(north.RealisedCAGRPct))
	}
	alpha := doc.Dimensions[0].Segments[0]
	if alpha.Name != "Alpha, Beta" || len(alpha.Segments) != 2 || alpha.Segments[1].Name != "A|2" ||
		alpha.Notes["cagr_pct"] != "hand-made" || !slices.Equal(alpha.Reported, []string{"share_pct"}) {
		t.Errorf("Alpha, Beta = %+v", alpha)
	}
	if g := doc.Dimensions[0].Segments[1]; !slices.Equal(g.Reported, []string{"cagr_pct"}) {
		t.Errorf(`Gamma "G" reported = %q`, g.Reported)
	}
	if !slices.Equal(doc.Total.Reported, []string{"value_bn", "cagr_pct"}) || val(doc.Total.CAGRPct) != 10 {
		t.Errorf("total reported %q, cagr %v", doc.Total.Reported, val(doc.Total.CAGRPct))
	}
	if doc.Total.GrowthByYearPct != nil {
		t.Errorf("growth_by_year_pct = %v, want absent", doc.Total.GrowthByYearPct)
	}
	if !strings.Contains(raw, "\n  \"market\"") {
		t.Errorf("output is not indented:\n%s", raw[:min(len(raw), 200)])
	}
}

// TestJSONUndefinedIsNull makes segments whose growth and CAGR are
// undefined and checks the document stays valid JSON with null.
func TestJSONUndefinedIsNull(t *testing.T) {
	ds := loadSmall(t)
	a1 := node(t, ds, "Kind/Alpha, Beta/A1")
	raw, doc := writeJSON(t, edited(t, ds, "Zero", model.Edit{Kind: model.SetShare, Node: a1, Value: 0}))
	if strings.Contains(raw, "NaN") || strings.Contains(raw, "Inf") {
		t.Fatalf("NaN or Inf in JSON:\n%s", raw)
	}
	s := doc.Dimensions[0].Segments[0].Segments[0]
	if s.Name != "A1" || s.RealisedCAGRPct != nil || slices.ContainsFunc(s.GrowthPct, func(p *float64) bool { return p != nil }) {
		t.Errorf("A1 realised %v growth %v, want null throughout", s.RealisedCAGRPct, s.GrowthPct)
	}
	if val(s.Values[2]) != 0 || val(s.SharePct) != 0 {
		t.Errorf("A1 value %v share %v, want 0", val(s.Values[2]), val(s.SharePct))
	}
	if slices.Contains(s.Reported, "share_pct") {
		t.Error("A1 lists a share it does not report")
	}
	// Alpha's reported share is untouched by a change among its children.
	if !slices.Equal(doc.Dimensions[0].Segments[0].Reported, []string{"share_pct"}) {
		t.Errorf("Alpha reported = %q", doc.Dimensions[0].Segments[0].Reported)
	}
}

func TestJSONScenarioChangesReported(t *testing.T) {
	ds := loadSmall(t)
	north := node(t, ds, "Place/North")
	gamma := node(t, ds, `Kind/Gamma "G"`)
	_, doc := writeJSON(t, edited(t, ds, "Changed",
		model.Edit{Kind: model.SetShare, Node: gamma, Value: 45}, // Alpha absorbs: 55
		model.Edit{Kind: model.SetGrowth, Node: gamma, Value: 11},
		model.Edit{Kind: model.SetGrowth, Node: north, Value: 5}, // North's rate, not its base value
		model.Edit{Kind: model.SetGrowth, Node: 0, Value: 12},
	))
	if r := doc.Dimensions[0].Segments[0].Reported; len(r) != 0 {
		t.Errorf("Alpha reported = %q after its share changed, want none", r)
	}
	if r := doc.Dimensions[0].Segments[1].Reported; len(r) != 0 {
		t.Errorf("Gamma reported = %q after its rate changed, want none", r)
	}
	if r := doc.Dimensions[1].Segments[0].Reported; !slices.Equal(r, []string{"value_bn"}) {
		t.Errorf("North reported = %q, want its base value still", r)
	}
	if r := doc.Total.Reported; !slices.Equal(r, []string{"value_bn"}) {
		t.Errorf("total reported = %q, want value_bn only", r)
	}
}

func TestJSONBottomUp(t *testing.T) {
	ds := loadSmall(t)
	in := edited(t, ds, "BU", model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 1})
	_, doc := writeJSON(t, in)
	// Place drives: North 50 flat, South 50 doubling: 100, 150, 250.
	if doc.Mode != "bottom-up" || doc.Driver != "Place" || doc.Total.CAGRPct != nil {
		t.Errorf("mode %q driver %q cagr %v, want bottom-up, Place, null", doc.Mode, doc.Driver, doc.Total.CAGRPct)
	}
	for i, w := range []float64{100, 150, 250} {
		if val(doc.Total.Values[i]) != w {
			t.Errorf("total[%d] = %v, want %v", i, val(doc.Total.Values[i]), w)
		}
	}
	if !approx(val(doc.Total.RealisedCAGRPct), (math.Sqrt(2.5)-1)*100, 1e-9) {
		t.Errorf("implied CAGR %v, want %v", val(doc.Total.RealisedCAGRPct), (math.Sqrt(2.5)-1)*100)
	}
}

func TestJSONCompare(t *testing.T) {
	ds := loadSmall(t)
	in := baseInput(ds, "A")
	b := edited(t, ds, "B", model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20})
	in.Compare = &Comparison{Scenario: "B", Result: b.Result}
	_, doc := writeJSON(t, in)
	if doc.CompareScenario == nil || *doc.CompareScenario != "B" {
		t.Fatalf("compare_scenario = %v", doc.CompareScenario)
	}
	ra, rb := in.Result, b.Result
	check := func(n int, s jsonNodeT) {
		checkSeries(t, s.Path+" compare_values", s.CompareValues, func(yi int) float64 { return rb.Value(n, yi) }, ra.Years)
		checkSeries(t, s.Path+" diff_usd_bn", s.DiffUSDBn, func(yi int) float64 { return ra.Value(n, yi) - rb.Value(n, yi) }, ra.Years)
		checkSeries(t, s.Path+" diff_pct", s.DiffPct, func(yi int) float64 {
			return (ra.Value(n, yi) - rb.Value(n, yi)) / rb.Value(n, yi) * 100
		}, ra.Years)
	}
	check(0, doc.Total)
	walkJSON(t, doc, in, check)
	if val(doc.Total.CompareValues[2]) != 144 {
		t.Errorf("B's 2022 total = %v, want 144", val(doc.Total.CompareValues[2]))
	}
}

func TestJSONDeterministic(t *testing.T) {
	in := baseInput(loadEmbedded(t), "Base")
	first, _ := writeJSON(t, in)
	for range 5 {
		if again, _ := writeJSON(t, in); again != first {
			t.Fatal("two writes of the same input differ")
		}
	}
	if !strings.Contains(first, `"Middle East & Africa"`) {
		t.Error(`"&" is escaped; names should read as written`)
	}
}

func TestJSONNeedsAssumptions(t *testing.T) {
	in := baseInput(loadSmall(t), "A")
	in.Assumptions = nil
	var buf bytes.Buffer
	if err := JSON(&buf, in); err == nil || buf.Len() != 0 {
		t.Errorf("err = %v, wrote %d bytes; want an error and nothing written", err, buf.Len())
	}
}

// TestExportLevers: the JSON lists every lever with its impact and gives
// the market's growth with them; the Markdown says how it is made up.
func TestExportLevers(t *testing.T) {
	ds := loadEmbedded(t)
	in := edited(t, ds, "Levers",
		model.Edit{Kind: model.SetLever, Node: 0, Value: 1},
		model.Edit{Kind: model.SetLever, Node: 4, Value: -0.5})
	_, doc := writeJSON(t, in)
	if len(doc.Levers) != len(ds.Levers) || doc.Levers[0].ImpactPP != 1 || doc.Levers[4].ImpactPP != -0.5 || doc.Levers[4].Kind != "challenge" {
		t.Errorf("levers %+v", doc.Levers)
	}
	if g := doc.Total.MarketGrowthPct; g == nil || *g != 19 {
		t.Errorf("market_growth_pct %v, want 19", g)
	}
	var md bytes.Buffer
	if err := Markdown(&md, in); err != nil {
		t.Fatal(err)
	}
	want := "The market grows 19.00 % a year where no year has a rate of its own: 18.50 entered, +1.00 pp Prevalence of Chronic Diseases (driver), -0.50 pp Security and Privacy Concerns (challenge)."
	if !strings.Contains(md.String(), want) {
		t.Errorf("the Markdown does not say %q:\n%s", want, md.String())
	}
}
