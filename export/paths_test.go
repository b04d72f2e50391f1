package export

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// scenarioEdits are a base-year value of the scenario's own and growth
// paths: a segment's first year (of the two after the base year), and a
// sub-segment's second.
func scenarioEdits(t testing.TB, ds *model.Dataset) []model.Edit {
	t.Helper()
	return []model.Edit{
		{Kind: model.SetBaseValue, Value: 120},
		{Kind: model.SetYearGrowth, Node: node(t, ds, "Place/South"), Year: 2021, Value: 250},
		{Kind: model.SetYearGrowth, Node: node(t, ds, "Kind/Alpha, Beta/A1"), Year: 2022, Value: -20},
	}
}

// TestXLSXPathsAndBaseValue: the workbook's Total/value is the
// scenario's, marked scenario; a segment with a growth path has a row
// per year (empty where it grows at its CAGR); and the formulas find the
// engine's forecast in both modes, and again after a path year is
// emptied and another typed in the Inputs sheet.
func TestXLSXPathsAndBaseValue(t *testing.T) {
	ds := loadSmall(t)
	south := node(t, ds, "Place/South")
	for _, in := range []Input{
		edited(t, ds, "Top-down", scenarioEdits(t, ds)...),
		bottomUp(t, ds, "Bottom-up", "Place", scenarioEdits(t, ds)...),
	} {
		t.Run(in.Scenario, func(t *testing.T) {
			f, _ := writeXLSX(t, in)
			paths, rowOf, value := inputRows(t, f)
			if value["Total/value"] != "120" {
				t.Errorf("Total/value %q, want the scenario's 120", value["Total/value"])
			}
			if src, _ := f.GetCellValue(sheetInputs, cellName(inColSource, rowOf["Total/value"])); src != "scenario" {
				t.Errorf("Total/value's source %q, want scenario", src)
			}
			for p, want := range map[string]string{"Place/South/growth_by_year_pct/2021": "250",
				"Place/South/growth_by_year_pct/2022": "", "Kind/Alpha, Beta/A1/growth_by_year_pct/2022": "-20"} {
				if _, ok := rowOf[p]; !ok || value[p] != want {
					t.Errorf("Inputs %s = %q (row there: %v), want %q", p, value[p], ok, want)
				}
			}
			for _, p := range paths {
				if strings.HasPrefix(p, "Place/North/growth_by_year_pct") {
					t.Errorf("a segment without a path has a row %s", p)
				}
			}
			evalForecast(t, f, ds, in.Result)

			// A partner empties 2021 and gives 2022 a rate of its own.
			set := func(p string, v any) {
				if err := f.SetCellValue(sheetInputs, cellName(inColValue, rowOf[p]), v); err != nil {
					t.Fatal(err)
				}
			}
			set("Place/South/growth_by_year_pct/2021", nil)
			set("Place/South/growth_by_year_pct/2022", 40.0)
			a := in.Assumptions.Clone()
			for _, e := range []model.Edit{{Kind: model.SetYearGrowth, Node: south, Year: 2021, Value: math.NaN()},
				{Kind: model.SetYearGrowth, Node: south, Year: 2022, Value: 40}} {
				var err error
				if a, err = ds.Apply(a, a, e); err != nil {
					t.Fatal(err)
				}
			}
			evalForecast(t, f, ds, forecast.Project(ds, &a))
		})
	}
}

// TestJSONAndMarkdownSayThePaths: JSON gives a segment's growth path
// under growth_by_year_pct; Markdown names the paths and the base value;
// the base-year value is no longer marked reported once the scenario
// changes it.
func TestJSONAndMarkdownSayThePaths(t *testing.T) {
	ds := loadSmall(t)
	in := edited(t, ds, "Paths", scenarioEdits(t, ds)...)
	var buf bytes.Buffer
	if err := JSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Total struct {
			Reported []string `json:"reported"`
		} `json:"total"`
		Dimensions []struct {
			Segments []struct {
				Path   string             `json:"path"`
				Growth map[string]float64 `json:"growth_by_year_pct"`
			} `json:"segments"`
		} `json:"dimensions"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	south := doc.Dimensions[1].Segments[1]
	if south.Path != "Place/South" || south.Growth["2021"] != 250 || len(south.Growth) != 1 {
		t.Errorf("South's path in JSON: %+v", south)
	}
	if doc.Dimensions[1].Segments[0].Growth != nil {
		t.Errorf("North has no path, JSON gives %v", doc.Dimensions[1].Segments[0].Growth)
	}
	for _, f := range doc.Total.Reported {
		if f == "value_bn" || f == "value" {
			t.Errorf("the total's value is still marked reported: %v", doc.Total.Reported)
		}
	}
	buf.Reset()
	if err := Markdown(&buf, in); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{"## Base-year value", "value is the scenario's, 120 (the dataset's: 100)", "## Growth paths",
		"- Place/South: 2021 250.00", "- Kind/Alpha, Beta/A1: 2022 -20.00"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}
