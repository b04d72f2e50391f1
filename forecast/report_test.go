package forecast_test

import (
	"strconv"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// The report's six figures (docs/DESIGN.md §1) come out of the projection of
// the embedded dataset's Base scenario, and are marked as reported.
func TestReportedFigures(t *testing.T) {
	ds := loadIoMT(t)
	a := ds.Base()
	r := forecast.Project(ds, &a)
	if r.BaseYear != 2019 || r.Year(r.Years-1) != 2027 {
		t.Fatalf("projection covers %d–%d, want 2019–2027", r.BaseYear, r.Year(r.Years-1))
	}
	const tol = 1e-9
	wantClose(t, "global market 2019 (US$ bn)", r.Value(0, 0), 51.2, tol)
	// CAGR 18.5 % over the forecast period 2021–2027.
	wantClose(t, "CAGR 2021–2027", r.CAGR(0, 2021-2019, 2027-2019), 18.5, tol)

	for _, c := range []struct {
		path  string
		share float64 // percent of the 2019 market; 0 when a value is reported
		value float64 // US$ bn in 2019
		field string
	}{
		{"Component/Medical Devices", 36.6, 0, model.FieldShare},
		{"Application/Telemedicine", 31.2, 0, model.FieldShare},
		{"End-User/Hospitals, Surgical Centers, and Clinics", 74.9, 0, model.FieldShare},
		{"Region/North America", 0, 16.6, model.FieldValue},
	} {
		n := lookup(t, ds, c.path)
		if c.share != 0 {
			wantClose(t, c.path+" share 2019", r.Share(n, 0), c.share, tol)
			wantClose(t, c.path+" value 2019", r.Value(n, 0), c.share/100*51.2, tol)
		} else {
			wantClose(t, c.path+" value 2019", r.Value(n, 0), c.value, tol)
			wantClose(t, c.path+" share 2019", r.Share(n, 0), c.value/51.2*100, tol)
		}
		if !ds.Nodes[n].IsReported(c.field) {
			t.Errorf("%s: %s is not marked as reported", c.path, c.field)
		}
	}
	if tot := &ds.Nodes[0]; !tot.IsReported(model.FieldValue) || !tot.IsReported(model.FieldCAGR) {
		t.Errorf("total's value and CAGR not both marked as reported: %v", tot.Reported)
	}
}

// largest returns the segment among nodes with the highest value of f.
func largest(nodes []int, f func(n int) float64) int {
	best := nodes[0]
	for _, n := range nodes[1:] {
		if f(n) > f(best) {
			best = n
		}
	}
	return best
}

// wantTop fails unless want is strictly ahead of every other node by f.
func wantTop(t *testing.T, ds *model.Dataset, what string, nodes []int, want int, f func(n int) float64) {
	t.Helper()
	for _, n := range nodes {
		if n != want && !(f(want) > f(n)) {
			t.Errorf("%s: %s (%.6g) is not ahead of %s (%.6g)", what, ds.Nodes[want].Name, f(want), ds.Nodes[n].Name, f(n))
		}
	}
	if got := largest(nodes, f); got != want {
		t.Errorf("%s: top is %s, want %s", what, ds.Nodes[got].Name, ds.Nodes[want].Name)
	}
}

func dimTop(t *testing.T, ds *model.Dataset, name string) []int {
	t.Helper()
	for _, d := range ds.Dims {
		if d.Name == name {
			return d.Top
		}
	}
	t.Fatalf("no dimension %q", name)
	return nil
}

// The report's claims (docs/DESIGN.md §1) hold in the Base scenario in every
// year 2019–2027. CAGR claims are checked from 2019 to every later year,
// so "highest CAGR" holds over any part of the period, not just its end.
func TestReportClaimsEveryYear(t *testing.T) {
	ds := loadIoMT(t)
	a := ds.Base()
	r := forecast.Project(ds, &a)
	component := dimTop(t, ds, "Component")
	application := dimTop(t, ds, "Application")
	endUser := dimTop(t, ds, "End-User")
	region := dimTop(t, ds, "Region")
	md := lookup(t, ds, "Component/Medical Devices")
	tm := lookup(t, ds, "Application/Telemedicine")
	im := lookup(t, ds, "Application/Inpatient Monitoring")
	hosp := lookup(t, ds, "End-User/Hospitals, Surgical Centers, and Clinics")
	na := lookup(t, ds, "Region/North America")
	apac := lookup(t, ds, "Region/Asia-Pacific")

	for yi := range r.Years {
		year := r.Year(yi)
		value := func(n int) float64 { return r.Value(n, yi) }
		wantTop(t, ds, "largest component "+strconv.Itoa(year), component, md, value)
		wantTop(t, ds, "largest application "+strconv.Itoa(year), application, tm, value)
		wantTop(t, ds, "largest end-user "+strconv.Itoa(year), endUser, hosp, value)
		if yi > 0 {
			cagr := func(n int) float64 { return r.CAGR(n, 0, yi) }
			wantTop(t, ds, "highest application CAGR 2019–"+strconv.Itoa(year), application, im, cagr)
			wantTop(t, ds, "highest regional CAGR 2019–"+strconv.Itoa(year), region, apac, cagr)
		}
	}
	wantTop(t, ds, "largest region 2019", region, na, func(n int) float64 { return r.Value(n, 0) })
}
