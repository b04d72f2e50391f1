package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"iomt/forecast"
)

// TestBridgeCSVColumns: an exact bridge writes the four columns the
// README names; a sampled one adds std_err, so a reader of the file alone
// knows the contributions are estimates and how close.
func TestBridgeCSVColumns(t *testing.T) {
	b := &forecast.Bridge{From: 100, To: 112, Players: 2, Exact: true, Steps: []forecast.Step{
		{Path: "Total/cagr_pct", From: 18.5, To: 21, Contribution: 9, Moves: true},
		{Path: "Region/Europe/cagr_pct", From: 17.5, To: 19, Contribution: 3, Moves: true},
	}}
	read := func() [][]string {
		t.Helper()
		var out bytes.Buffer
		if err := BridgeCSV(&out, b); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v\n%s", err, out.String())
		}
		return recs
	}
	recs := read()
	if got := strings.Join(recs[0], ","); got != "assumption,from,to,contribution" {
		t.Errorf("exact header %q", got)
	}
	if got := strings.Join(recs[len(recs)-1], ","); got != "total,,,12" {
		t.Errorf("exact total line %q", got)
	}

	b.Exact, b.Orders = false, 1000
	b.Steps[0].StdErr, b.Steps[1].StdErr = 0.02, 0.0004
	recs = read()
	if got := strings.Join(recs[0], ","); got != "assumption,from,to,contribution,std_err" {
		t.Errorf("sampled header %q", got)
	}
	if recs[1][4] != "0.02" || recs[2][4] != "0.0004" {
		t.Errorf("sampled std_err cells %q, %q; want 0.02 and 0.0004", recs[1][4], recs[2][4])
	}
	for _, r := range recs {
		if len(r) != 5 {
			t.Errorf("a sampled row of %d cells: %q", len(r), r)
		}
	}
}

// TestWaterfallTinyError: a standard error below the last decimal shown
// reads as "±<0.01", never "±0.00", which would claim an exact figure.
func TestWaterfallTinyError(t *testing.T) {
	b := &forecast.Bridge{From: 100, To: 112, Players: 2, Orders: 1000, Steps: []forecast.Step{
		{Path: "Total/cagr_pct", From: 18.5, To: 21, Contribution: 9, StdErr: 0.02, Moves: true},
		{Path: "Region/Europe/cagr_pct", From: 17.5, To: 19, Contribution: 3, StdErr: 0.0004, Moves: true},
	}}
	rows := WaterfallRows(b, "A", "B", 20)
	if got := rows[1].Amount; got != "+9.00 ±0.02" {
		t.Errorf("a shown error: %q", got)
	}
	if got := rows[2].Amount; got != "+3.00 ±<0.01" {
		t.Errorf("an error below the decimals: %q, want +3.00 ±<0.01", got)
	}
}
