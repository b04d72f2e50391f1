package forecast_test

import (
	"slices"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// TestSegmentPathHandWorked: twoSegments with B given 50 % in 2001, a
// rate of its own, then its CAGR (0 %) again. Worked by hand:
//
//	2001: total 100 × 1.1 = 110; momenta A 60 × 1.2 = 72, B 40 × 1.5 = 60
//	      of 132: A 110 × 72/132 = 60, B 110 × 60/132 = 50.
//	2002: total 110 × 1.05 = 115.5; momenta A 86.4, B 60 × 1 = 60 of
//	      146.4.
//
// Bottom-up, A and B are the market: 60, 72, 86.4 and 40, 60, 60; with a
// lever of +1 pp, A grows 21 % a year, B 50 % in 2001 (a year of its own
// takes no lever, as the market's years do not) and 1 % in 2002.
func TestSegmentPathHandWorked(t *testing.T) {
	ds := loadYAML(t, "two.yaml", twoSegments)
	A, B := lookup(t, ds, "D/A"), lookup(t, ds, "D/B")
	a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetYearGrowth, Node: B, Year: 2001, Value: 50})
	r := forecast.Project(ds, &a)
	wantClose(t, "A 2001", r.Value(A, 1), 60, 1e-14)
	wantClose(t, "B 2001", r.Value(B, 1), 50, 1e-14)
	wantClose(t, "A 2002", r.Value(A, 2), 115.5*86.4/146.4, 1e-14)
	wantClose(t, "B 2002", r.Value(B, 2), 115.5*60/146.4, 1e-14)
	wantClose(t, "total 2002", r.Value(0, 2), 115.5, 1e-15)

	bu := apply(t, ds, a, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 0})
	r = forecast.Project(ds, &bu)
	for _, c := range []struct {
		what      string
		got, want float64
	}{{"A 2001", r.Value(A, 1), 72}, {"A 2002", r.Value(A, 2), 86.4}, {"B 2001", r.Value(B, 1), 60},
		{"B 2002", r.Value(B, 2), 60}, {"total 2002", r.Value(0, 2), 146.4}} {
		wantClose(t, "bottom-up "+c.what, c.got, c.want, 1e-14)
	}
	ds2 := loadYAML(t, "levers.yaml", twoSegments+"context: {drivers: [Push]}\n")
	lv := apply(t, ds2, ds2.Base(), model.Edit{Kind: model.SetYearGrowth, Node: B, Year: 2001, Value: 50},
		model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 0}, model.Edit{Kind: model.SetLever, Node: 0, Value: 1})
	r = forecast.Project(ds2, &lv)
	wantClose(t, "A 2001 with the lever", r.Value(A, 1), 60*1.21, 1e-14)
	wantClose(t, "B 2001 with the lever", r.Value(B, 1), 60, 1e-14)
	wantClose(t, "B 2002 with the lever", r.Value(B, 2), 60*1.01, 1e-14)
}

// TestBaseValueHandWorked: twoSegments at 120 in 2000 instead of 100:
// every value 1.2 times the dataset's, every share as it was, in both
// modes (bottom-up: A starts at 60 % of 120 = 72).
func TestBaseValueHandWorked(t *testing.T) {
	ds := loadYAML(t, "two.yaml", twoSegments)
	A, B := lookup(t, ds, "D/A"), lookup(t, ds, "D/B")
	a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetBaseValue, Value: 120})
	r := forecast.Project(ds, &a)
	wantClose(t, "total 2000", r.Value(0, 0), 120, 0)
	wantClose(t, "total 2002", r.Value(0, 2), 120*1.1*1.05, 1e-15)
	wantClose(t, "A 2001", r.Value(A, 1), 132.0*72/112, 1e-14)
	wantClose(t, "B 2002", r.Value(B, 2), 138.6*40/126.4, 1e-14)
	wantClose(t, "A share 2002", r.Share(A, 2), 100*86.4/126.4, 1e-14)
	bu := apply(t, ds, a, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 0})
	r = forecast.Project(ds, &bu)
	wantClose(t, "bottom-up A 2000", r.Value(A, 0), 72, 1e-15)
	wantClose(t, "bottom-up total 2002", r.Value(0, 2), 72*1.44+48, 1e-14)
}

// TestSensitivityPathYears: each year of a segment's path is a parameter
// of its own, named as the XLSX Inputs sheet names it.
func TestSensitivityPathYears(t *testing.T) {
	ds := loadIoMT(t)
	ap := lookup(t, ds, "Region/Asia-Pacific")
	a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetYearGrowth, Node: ap, Year: 2024, Value: 30},
		model.Edit{Kind: model.SetYearGrowth, Node: ap, Year: 2026, Value: 10})
	tor, err := forecast.Sensitivity(ds, a, ap, 2025, 2)
	if err != nil {
		t.Fatal(err)
	}
	var ranked, unranked []string
	for _, b := range tor.Bars {
		ranked = append(ranked, b.Name)
	}
	for _, u := range tor.Unranked {
		unranked = append(unranked, u.Name+": "+u.Why)
	}
	if !slices.Contains(ranked, "Region/Asia-Pacific/growth_by_year_pct/2024") {
		t.Errorf("2024 of the path is not ranked: %q", ranked)
	}
	if !slices.Contains(unranked, "Region/Asia-Pacific/growth_by_year_pct/2026: that year comes after 2025") {
		t.Errorf("2026 of the path: %q", unranked)
	}
}
