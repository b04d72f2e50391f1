package main

import (
	"errors"
	"testing"

	"iomt/assets"
	"iomt/forecast"
	"iomt/model"
)

// FuzzParseAxis: whatever is typed after --rows or --cols, parseAxis
// never panics; it refuses with a usage error, or gives an axis of 1 to
// 10,000 values, low first, of a parameter that reads back by its own
// name.
func FuzzParseAxis(f *testing.F) {
	for _, s := range []string{
		"Total/cagr_pct=15:22:1", "region/asia-pacific/share_pct=0:100:12.5", "Total/value=1:1e9:1e5",
		"Region/Asia-Pacific/growth_by_year_pct/2024=-99:999:0.5", "Levers/Prevalence of Chronic Diseases=-50:50:10",
		"Total/cagr_pct=15:22:0", "Total/cagr_pct=22:15:1", "=1:2:3", "Total/cagr_pct", "Total/cagr_pct=1:2",
		"Total/cagr_pct=1,5:2:1", "Total/cagr_pct=NaN:Inf:1", "a=b=c=1:2:3", "Total/cagr_pct=0:1:1e-300",
	} {
		f.Add(s)
	}
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string) {
		ax, err := parseAxis(ds, "rows", v)
		if err != nil {
			if !errors.As(err, new(usageError)) {
				t.Fatalf("%q: %v is no usage error", v, err)
			}
			return
		}
		if n := len(ax.Values); n < 1 || n > forecast.MaxTableCells {
			t.Fatalf("%q: %d values", v, n)
		}
		for i := 1; i < len(ax.Values); i++ {
			if !(ax.Values[i] > ax.Values[i-1]) {
				t.Fatalf("%q: values not rising: %v", v, ax.Values[:i+1])
			}
		}
		if p, err := forecast.ParseParam(ds, ax.Param.Name); err != nil || p != ax.Param {
			t.Fatalf("%q: %s reads back as %+v, %v", v, ax.Param.Name, p, err)
		}
	})
}
