package export

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"testing"

	"iomt/assets"
	"iomt/forecast"
	"iomt/model"
)

// smallYAML is a dataset small enough to work out every figure by hand.
//
// The market grows 10 % a year: 100, 110, 121. Every Kind segment grows
// at 10 % too, so Kind shares never move: "Alpha, Beta" is 60, 66, 72.6;
// its children A1 and "A|2" are half of it each (30, 33, 36.3); Gamma is
// 40, 44, 48.4. In Place, North (0 %) and South (100 %) start at 50 each;
// their momenta are 50·1ʸ and 50·2ʸ, so North's share is 1/2, 1/3, 1/5 and
// its value 50, 110/3, 24.2; South is 50, 220/3, 96.8.
const smallYAML = `
market: "Widgets | Gadgets"
currency: USD
unit: billion
source: Hand-made test source
base_year: 2020
end_year: 2022
total:
  value_bn: 100
  cagr_pct: 10
  reported: [value_bn, cagr_pct]
dimensions:
  - name: Kind
    segments:
      - name: "Alpha, Beta"
        share_pct: 60
        cagr_pct: 10
        reported: [share_pct]
        notes: {cagr_pct: "hand-made"}
        segments:
          - {name: A1, share_pct: 50, cagr_pct: 10}
          - {name: "A|2", share_pct: 50, cagr_pct: 10}
      - name: 'Gamma "G"'
        share_pct: 40
        cagr_pct: 10
        reported: [cagr_pct]
  - name: Place
    segments:
      - {name: North, value_bn: 50, cagr_pct: 0, reported: [value_bn]}
      - {name: South, value_bn: 50, cagr_pct: 100}
`

// Node paths of the small dataset, in the order every export lists them.
var smallOrder = []string{"Total", "Kind/Alpha, Beta", "Kind/Alpha, Beta/A1", "Kind/Alpha, Beta/A|2", `Kind/Gamma "G"`, "Place/North", "Place/South"}

func loadSmall(t testing.TB) *model.Dataset {
	t.Helper()
	ds, err := model.LoadDataset("small.yaml", []byte(smallYAML))
	if err != nil {
		t.Fatalf("small dataset: %v", err)
	}
	return ds
}

func loadEmbedded(t testing.TB) *model.Dataset {
	t.Helper()
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		t.Fatalf("embedded dataset: %v", err)
	}
	return ds
}

// baseInput projects ds's own assumptions.
func baseInput(ds *model.Dataset, scenario string) Input {
	a := ds.Base()
	return Input{Dataset: ds, Scenario: scenario, Assumptions: &a, Result: forecast.Project(ds, &a)}
}

// edited applies edits to ds's base assumptions and projects the result.
func edited(t testing.TB, ds *model.Dataset, scenario string, edits ...model.Edit) Input {
	t.Helper()
	origin := ds.Base()
	a := origin
	for _, e := range edits {
		var err error
		if a, err = ds.Apply(origin, a, e); err != nil {
			t.Fatalf("edit %+v: %v", e, err)
		}
	}
	return Input{Dataset: ds, Scenario: scenario, Assumptions: &a, Result: forecast.Project(ds, &a)}
}

func node(t testing.TB, ds *model.Dataset, path string) int {
	t.Helper()
	if path == "Total" {
		return 0
	}
	n, ok := ds.Lookup(path)
	if !ok {
		t.Fatalf("no node %q", path)
	}
	return n
}

// readCSV writes in as CSV and parses it back with encoding/csv.
func readCSV(t testing.TB, in Input) (raw string, records [][]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := CSV(&buf, in); err != nil {
		t.Fatalf("CSV: %v", err)
	}
	records, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("CSV output does not parse: %v\n%s", err, buf.String())
	}
	return buf.String(), records
}

// field parses a numeric CSV field; "" is NaN.
func field(t testing.TB, s string) float64 {
	t.Helper()
	if s == "" {
		return math.NaN()
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("field %q is not a number: %v", s, err)
	}
	return x
}

// approx reports whether got equals want within rel relative error; two
// NaNs are equal (both "undefined").
func approx(got, want, rel float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return math.Abs(got-want) <= rel*max(math.Abs(want), 1e-300) || got == want
}

// numRel is the rounding error allowed by twelve significant digits.
const numRel = 1e-11
