package forecast_test

import (
	"math"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// Expected values in this file are worked out by hand from docs/DESIGN.md §4
// and written as the arithmetic that gives them.

func TestBaseTotal2027(t *testing.T) {
	ds := loadIoMT(t)
	a := ds.Base()
	r := forecast.Project(ds, &a)
	// 51.2 bn in 2019, 18.5 % in 2020 (its own rate, equal to the CAGR)
	// and 18.5 % in each of 2021–2027: eight years of growth.
	wantClose(t, "total 2027", r.Value(0, 2027-2019), 51.2*math.Pow(1.185, 8), 1e-12)
	wantClose(t, "total 2020", r.Value(0, 1), 51.2*1.185, 1e-15)
	for yi := 1; yi < r.Years; yi++ {
		wantClose(t, "total growth", r.Growth(0, yi), 18.5, 1e-9)
	}
	wantClose(t, "implied CAGR", r.TotalImpliedCAGR, 18.5, 1e-9)
}

// twoSegments is a market of 100 growing 10 % a year, 5 % in its second
// year, with one dimension of two segments: A (60 %, +20 %/yr) and
// B (40 %, flat).
const twoSegments = `
market: Two segments
base_year: 2000
end_year: 2002
total:
  value_bn: 100
  cagr_pct: 10
  growth_by_year_pct: {2002: 5}
dimensions:
  - name: D
    segments:
      - {name: A, share_pct: 60, cagr_pct: 20}
      - {name: B, share_pct: 40, cagr_pct: 0}
`

func TestTwoSegmentsTopDown(t *testing.T) {
	ds := loadYAML(t, "two.yaml", twoSegments)
	a := ds.Base()
	r := forecast.Project(ds, &a)
	A, B := lookup(t, ds, "D/A"), lookup(t, ds, "D/B")

	// Year 1: the total is 100 × 1.1 = 110. Momenta: A 60 × 1.2 = 72,
	// B 40 × 1 = 40, so A holds 72/112 of 110.
	wantClose(t, "total 2001", r.Value(0, 1), 110, 1e-15)
	wantClose(t, "A 2001", r.Value(A, 1), 110.0*72/112, 1e-14)
	wantClose(t, "B 2001", r.Value(B, 1), 110.0*40/112, 1e-14)
	wantClose(t, "A share 2001", r.Share(A, 1), 100.0*72/112, 1e-14)

	// Year 2 grows the total by its own 5 %: 110 × 1.05 = 115.5. Momenta:
	// A 60 × 1.2² = 86.4, B 40.
	wantClose(t, "total 2002", r.Value(0, 2), 115.5, 1e-14)
	a2 := 115.5 * 86.4 / 126.4
	wantClose(t, "A 2002", r.Value(A, 2), a2, 1e-14)
	wantClose(t, "B 2002", r.Value(B, 2), 115.5*40/126.4, 1e-14)

	// Derived figures for A over 2000–2002.
	wantClose(t, "A growth 2001", r.Growth(A, 1), (110.0*72/112/60-1)*100, 1e-12)
	wantClose(t, "A growth 2002", r.Growth(A, 2), (a2/(110.0*72/112)-1)*100, 1e-12)
	wantClose(t, "A CAGR 2000–2002", r.CAGR(A, 0, 2), (math.Sqrt(a2/60)-1)*100, 1e-12)
	wantClose(t, "A share change", r.ShareChange(A, 0, 2), 100*86.4/126.4-60, 1e-12)
	wantClose(t, "A gain", r.Gain(A, 0, 2), a2-60, 1e-12)
	wantClose(t, "B share change", r.ShareChange(B, 0, 2), 100*40/126.4-40, 1e-12)
	// B's entered rate is 0 % but its value still grows with the market:
	// realised and entered CAGR differ, as the tree shows side by side.
	wantClose(t, "B CAGR 2000–2002", r.CAGR(B, 0, 2), (math.Sqrt(115.5*40/126.4/40)-1)*100, 1e-12)
	// The total's implied CAGR over both years: √(1.1 × 1.05) − 1.
	wantClose(t, "total CAGR", r.TotalImpliedCAGR, (math.Sqrt(1.1*1.05)-1)*100, 1e-12)

	// Accessors agree with each other.
	if s := r.Series(A); len(s) != 3 || s[2] != r.Value(A, 2) {
		t.Errorf("Series(A) = %v, want the 3 values of A", s)
	}
	if s := r.ShareSeries(A); len(s) != 3 || s[0] != 60 || s[1] != r.Share(A, 1) {
		t.Errorf("ShareSeries(A) = %v, want 60 then A's shares", s)
	}
	if r.Year(0) != 2000 || r.Year(2) != 2002 {
		t.Errorf("Year(0), Year(2) = %d, %d, want 2000, 2002", r.Year(0), r.Year(2))
	}

	// Undefined figures are NaN, never a made-up number.
	for _, c := range []struct {
		what string
		v    float64
	}{
		{"growth in the base year", r.Growth(A, 0)},
		{"CAGR over an empty range", r.CAGR(A, 1, 1)},
		{"CAGR over a reversed range", r.CAGR(A, 2, 0)},
	} {
		if !math.IsNaN(c.v) {
			t.Errorf("%s = %v, want NaN", c.what, c.v)
		}
	}
}

// A segment at a zero share stays at zero, and its growth and CAGR are
// undefined rather than infinite.
func TestZeroShareSegment(t *testing.T) {
	ds := loadYAML(t, "two.yaml", twoSegments)
	A, B := lookup(t, ds, "D/A"), lookup(t, ds, "D/B")
	a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetShare, Node: B, Value: 0})
	r := forecast.Project(ds, &a)
	for yi := range r.Years {
		if r.Value(B, yi) != 0 || r.Share(B, yi) != 0 {
			t.Errorf("B %d: value %v share %v, want 0", r.Year(yi), r.Value(B, yi), r.Share(B, yi))
		}
		if r.Share(A, yi) != 100 || r.Value(A, yi) != r.Value(0, yi) {
			t.Errorf("A %d: share %v value %v, want 100 %% of the total %v", r.Year(yi), r.Share(A, yi), r.Value(A, yi), r.Value(0, yi))
		}
	}
	if g := r.Growth(B, 1); !math.IsNaN(g) {
		t.Errorf("growth of a zero segment = %v, want NaN", g)
	}
	if c := r.CAGR(B, 0, 2); !math.IsNaN(c) {
		t.Errorf("CAGR of a zero segment = %v, want NaN", c)
	}
}

// bottomUp has a driver dimension D (X 70 % at +10 %, Y 30 % at +50 %),
// X split into X1 (+0 %) and X2 (+100 %), and a second dimension E
// (P +0 %, Q +100 %) spread over the driver's total.
const bottomUp = `
market: Bottom up
base_year: 2010
end_year: 2012
total: {value_bn: 100, cagr_pct: 3}
dimensions:
  - name: D
    segments:
      - name: X
        share_pct: 70
        cagr_pct: 10
        segments:
          - {name: X1, share_pct: 50, cagr_pct: 0}
          - {name: X2, share_pct: 50, cagr_pct: 100}
      - {name: Y, share_pct: 30, cagr_pct: 50}
  - name: E
    segments:
      - {name: P, share_pct: 50, cagr_pct: 0}
      - {name: Q, share_pct: 50, cagr_pct: 100}
`

func TestBottomUpByHand(t *testing.T) {
	ds := loadYAML(t, "bottomup.yaml", bottomUp)
	a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 0})
	r := forecast.Project(ds, &a)
	X, Y := lookup(t, ds, "D/X"), lookup(t, ds, "D/Y")
	X2 := lookup(t, ds, "D/X/X2")
	P, Q := lookup(t, ds, "E/P"), lookup(t, ds, "E/Q")

	// X: 70, 77, 84.7. Y: 30, 45, 67.5. The total is their sum:
	// 100, 122, 152.2; the market's own 3 % plays no part.
	for yi, want := range []float64{70, 70 * 1.1, 70 * 1.1 * 1.1} {
		wantClose(t, "X", r.Value(X, yi), want, 1e-14)
	}
	for yi, want := range []float64{30, 30 * 1.5, 30 * 1.5 * 1.5} {
		wantClose(t, "Y", r.Value(Y, yi), want, 1e-14)
	}
	for yi, want := range []float64{100, 77 + 45, 84.7 + 67.5} {
		wantClose(t, "total", r.Value(0, yi), want, 1e-14)
	}
	// Implied CAGR: (152.2 / 100)^(1/2) − 1 ≈ 23.37 %.
	implied := (math.Sqrt(152.2/100) - 1) * 100
	wantClose(t, "implied CAGR", r.TotalImpliedCAGR, implied, 1e-12)
	wantClose(t, "total CAGR", r.CAGR(0, 0, 2), implied, 1e-12)
	// The driver's shares follow from its values.
	wantClose(t, "Y share 2012", r.Share(Y, 2), 100*67.5/152.2, 1e-12)

	// X's children split X's value: in 2011 momenta X1 50, X2 100.
	wantClose(t, "X2 2011", r.Value(X2, 1), 77.0*100/150, 1e-14)
	// 2012: momenta X1 50, X2 200.
	wantClose(t, "X2 2012", r.Value(X2, 2), 84.7*200/250, 1e-14)
	// E is spread over the bottom-up total as in top-down.
	wantClose(t, "P 2011", r.Value(P, 1), 122.0*50/150, 1e-14)
	wantClose(t, "Q 2012", r.Value(Q, 2), 152.2*200/250, 1e-14)

	// The same dataset top-down grows the total at its own 3 %.
	b := ds.Base()
	td := forecast.Project(ds, &b)
	wantClose(t, "top-down total 2012", td.Value(0, 2), 100*1.03*1.03, 1e-14)
	wantClose(t, "top-down X 2011", td.Value(X, 1), 103*77.0/(77+45), 1e-14)
}

// In bottom-up mode a driver segment's share edit moves the base-year
// values: the total is rebuilt from the shares times the base total.
func TestBottomUpShareEdit(t *testing.T) {
	ds := loadYAML(t, "bottomup.yaml", bottomUp)
	X, Y := lookup(t, ds, "D/X"), lookup(t, ds, "D/Y")
	a := apply(t, ds, ds.Base(),
		model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 0},
		model.Edit{Kind: model.SetShare, Node: X, Value: 40})
	r := forecast.Project(ds, &a)
	// X 40 → 44 → 48.4; Y 60 → 90 → 135.
	wantClose(t, "X 2012", r.Value(X, 2), 40*1.1*1.1, 1e-14)
	wantClose(t, "Y 2012", r.Value(Y, 2), 60*1.5*1.5, 1e-14)
	wantClose(t, "total 2012", r.Value(0, 2), 48.4+135, 1e-14)
}

// Editing the market's CAGR moves only the years without their own rate.
func TestTotalCAGREditKeepsYearRates(t *testing.T) {
	ds := loadIoMT(t)
	a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20})
	r := forecast.Project(ds, &a)
	// 2020 keeps its own 18.5 %; 2021–2027 grow at 20 %.
	wantClose(t, "total 2027", r.Value(0, 8), 51.2*1.185*math.Pow(1.2, 7), 1e-12)
	a = apply(t, ds, a, model.Edit{Kind: model.SetYearGrowth, Year: 2020, Value: -10})
	r = forecast.Project(ds, &a)
	wantClose(t, "total 2027", r.Value(0, 8), 51.2*0.9*math.Pow(1.2, 7), 1e-12)
	a = apply(t, ds, a, model.Edit{Kind: model.SetYearGrowth, Year: 2020, Value: math.NaN()})
	r = forecast.Project(ds, &a)
	wantClose(t, "total 2027", r.Value(0, 8), 51.2*math.Pow(1.2, 8), 1e-12)
}

// Locks and share edits on the IoMT dataset: Medical Devices to 40 % with
// Services locked moves the 3.4 pp out of Systems and Software and
// Connecting Technology in proportion (28 : 13).
func TestShareEditWithLockByHand(t *testing.T) {
	ds := loadIoMT(t)
	md := lookup(t, ds, "Component/Medical Devices")
	ss := lookup(t, ds, "Component/Systems and Software")
	sv := lookup(t, ds, "Component/Services")
	ct := lookup(t, ds, "Component/Connecting Technology")
	a := apply(t, ds, ds.Base(),
		model.Edit{Kind: model.SetLock, Node: sv, Lock: true},
		model.Edit{Kind: model.SetShare, Node: md, Value: 40})
	r := forecast.Project(ds, &a)
	wantClose(t, "Medical Devices 2019", r.Value(md, 0), 0.40*51.2, 1e-12)
	wantClose(t, "Services 2019", r.Value(sv, 0), 0.224*51.2, 1e-12)
	wantClose(t, "Systems and Software 2019", r.Value(ss, 0), (100-40-22.4)*28/41/100*51.2, 1e-12)
	wantClose(t, "Connecting Technology 2019", r.Value(ct, 0), (100-40-22.4)*13/41/100*51.2, 1e-12)
}
