package forecast_test

import (
	"math"
	"strings"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// The second dataset loads, has the shape its file describes, and turns
// its base-year values into shares of the total.
func TestSmartHomeDataset(t *testing.T) {
	ds := loadSmartHome(t)
	if ds.Market != "Smart Home Energy Management" || ds.BaseYear != 2022 || ds.EndYear != 2030 {
		t.Fatalf("got %q %d–%d", ds.Market, ds.BaseYear, ds.EndYear)
	}
	var dims []string
	for _, d := range ds.Dims {
		dims = append(dims, d.Name)
	}
	if got := strings.Join(dims, ","); got != "Solution,Home Type,Region" {
		t.Errorf("dimensions %s, want Solution,Home Type,Region", got)
	}
	a := ds.Base()
	// Region is given as values: 3.1 + 2.9 + 1.8 + 0.6 = 8.4.
	for path, v := range map[string]float64{
		"Region/North America": 3.1, "Region/Europe": 2.9, "Region/Asia-Pacific": 1.8, "Region/Rest of World": 0.6,
		"Home Type/Single-Family Homes": 5.88,
	} {
		n := lookup(t, ds, path)
		if ds.Nodes[n].InputValueBn != v {
			t.Errorf("%s: input value %v, want %v", path, ds.Nodes[n].InputValueBn, v)
		}
		wantClose(t, path+" share", a.Share[n], v/8.4*100, 1e-12)
	}
	// Sub-segments exist under some segments only.
	for path, children := range map[string]int{
		"Solution/Hardware": 4, "Solution/Software and Platforms": 2, "Solution/Services": 0,
		"Region/Europe": 5, "Region/Asia-Pacific": 4, "Region/North America": 0,
	} {
		if got := len(ds.Nodes[lookup(t, ds, path)].Children); got != children {
			t.Errorf("%s has %d children, want %d", path, got, children)
		}
	}
}

func TestSmartHomeTopDownByHand(t *testing.T) {
	ds := loadSmartHome(t)
	a := ds.Base()
	r := forecast.Project(ds, &a)
	if bad := checkInvariants(ds, &a, r); len(bad) > 0 {
		t.Fatal(strings.Join(bad, "\n"))
	}
	// 8.4 bn in 2022, 9.5 % in 2023 (its own rate), then 14.2 % a year.
	wantClose(t, "total 2030", r.Value(0, 8), 8.4*1.095*math.Pow(1.142, 7), 1e-12)
	wantClose(t, "implied CAGR", r.TotalImpliedCAGR, (math.Pow(1.095*math.Pow(1.142, 7), 1.0/8)-1)*100, 1e-12)

	// Home Batteries after one year: total 8.4 × 1.095; Hardware's share
	// 52 × 1.125 / (52 × 1.125 + 30 × 1.175 + 18 × 1.15); Home Batteries'
	// share of Hardware 22 × 1.19 / (38 × 1.11 + 22 × 1.09 + 18 × 1.15 + 22 × 1.19).
	hw := 52 * 1.125 / (52*1.125 + 30*1.175 + 18*1.15)
	hb := 22 * 1.19 / (38*1.11 + 22*1.09 + 18*1.15 + 22*1.19)
	n := lookup(t, ds, "Solution/Hardware/Home Batteries")
	wantClose(t, "Home Batteries 2023", r.Value(n, 1), 8.4*1.095*hw*hb, 1e-12)
	wantClose(t, "Home Batteries share of Hardware 2023", r.Share(n, 1), 100*hb, 1e-12)
	wantClose(t, "Home Batteries 2022", r.Value(n, 0), 8.4*0.52*0.22, 1e-12)
}

func TestSmartHomeBottomUpByHand(t *testing.T) {
	ds := loadSmartHome(t)
	region := dimTop(t, ds, "Region")
	homeType := dimTop(t, ds, "Home Type")

	a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 2})
	r := forecast.Project(ds, &a)
	if bad := checkInvariants(ds, &a, r); len(bad) > 0 {
		t.Fatal(strings.Join(bad, "\n"))
	}
	// Each region grows at its own rate for eight years; the 2023 market
	// rate plays no part.
	na := 3.1 * math.Pow(1.13, 8)
	eu := 2.9 * math.Pow(1.155, 8)
	ap := 1.8 * math.Pow(1.17, 8)
	rw := 0.6 * math.Pow(1.12, 8)
	for i, want := range []float64{na, eu, ap, rw} {
		wantClose(t, ds.Nodes[region[i]].Path+" 2030", r.Value(region[i], 8), want, 1e-12)
	}
	wantClose(t, "total 2030", r.Value(0, 8), na+eu+ap+rw, 1e-12)
	wantClose(t, "implied CAGR", r.TotalImpliedCAGR, (math.Pow((na+eu+ap+rw)/8.4, 1.0/8)-1)*100, 1e-12)
	// Germany one year on: Europe 2.9 × 1.155, Germany's momentum 30 × 1.145
	// over 30 × 1.145 + 22 × 1.15 + 18 × 1.16 + 12 × 1.18 + 18 × 1.155.
	de := lookup(t, ds, "Region/Europe/Germany")
	wantClose(t, "Germany 2023", r.Value(de, 1),
		2.9*1.155*30*1.145/(30*1.145+22*1.15+18*1.16+12*1.18+18*1.155), 1e-12)
	// Home Type is spread over the bottom-up total.
	sf := homeType[0]
	wantClose(t, "Single-Family 2023", r.Value(sf, 1),
		(3.1*1.13+2.9*1.155+1.8*1.17+0.6*1.12)*70*1.135/(70*1.135+22*1.16+8*1.15), 1e-12)

	// Home Type driving, mixing a value and shares: 5.88 at 13.5 %,
	// 22 % of 8.4 at 16 %, 8 % of 8.4 at 15 %.
	a = apply(t, ds, ds.Base(), model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 1})
	r = forecast.Project(ds, &a)
	if bad := checkInvariants(ds, &a, r); len(bad) > 0 {
		t.Fatal(strings.Join(bad, "\n"))
	}
	wantClose(t, "total 2030 (Home Type driving)", r.Value(0, 8),
		5.88*math.Pow(1.135, 8)+0.22*8.4*math.Pow(1.16, 8)+0.08*8.4*math.Pow(1.15, 8), 1e-12)

	// Solution driving: 52 % at 12.5 %, 30 % at 17.5 %, 18 % at 15 %.
	a = apply(t, ds, ds.Base(), model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 0})
	r = forecast.Project(ds, &a)
	if bad := checkInvariants(ds, &a, r); len(bad) > 0 {
		t.Fatal(strings.Join(bad, "\n"))
	}
	wantClose(t, "total 2024 (Solution driving)", r.Value(0, 2),
		8.4*(0.52*1.125*1.125+0.30*1.175*1.175+0.18*1.15*1.15), 1e-12)
}
