package forecast_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// seekAndCheck runs GoalSeek, puts the found rate back through
// Dataset.Apply (so it must be a rate the validator accepts), projects,
// and checks the goal is met to 1e-6 relative. It returns the rate.
func seekAndCheck(t *testing.T, ds *model.Dataset, a model.Assumptions, g forecast.Goal) float64 {
	t.Helper()
	before := a.Clone()
	rate, err := forecast.GoalSeek(ds, a, g)
	if err != nil {
		t.Fatalf("GoalSeek(%s to %g in %d by %s): %v", ds.Nodes[g.Node].Path, g.Target, g.Year, ds.Nodes[g.Lever].Path, err)
	}
	if !a.Equal(before) {
		t.Errorf("GoalSeek modified the caller's assumptions")
	}
	b := apply(t, ds, a, model.Edit{Kind: model.SetGrowth, Node: g.Lever, Value: rate})
	r := forecast.Project(ds, &b)
	wantClose(t, ds.Nodes[g.Node].Path+" at the found rate", r.Value(g.Node, g.Year-ds.BaseYear), g.Target, 1e-6)
	return rate
}

func TestGoalSeekTotalLever(t *testing.T) {
	ds := loadIoMT(t)
	rate := seekAndCheck(t, ds, ds.Base(), forecast.Goal{Node: 0, Year: 2027, Target: 200, Lever: 0})
	// By hand: 2020 keeps its own 18.5 %, so 51.2 × 1.185 × (1+g)^7 = 200.
	want := (math.Pow(200/(51.2*1.185), 1.0/7) - 1) * 100
	wantClose(t, "market CAGR for 200 bn in 2027", rate, want, 1e-9)

	// A lower target needs a negative rate.
	rate = seekAndCheck(t, ds, ds.Base(), forecast.Goal{Node: 0, Year: 2024, Target: 40, Lever: 0})
	want = (math.Pow(40/(51.2*1.185), 1.0/4) - 1) * 100
	wantClose(t, "market CAGR for 40 bn in 2024", rate, want, 1e-9)

	// Near the ends of the allowed range: a hundred-million-fold market
	// needs about +660 % a year, a vanishing one about -99.8 %.
	for _, target := range []float64{1e8, 1e-20} {
		rate = seekAndCheck(t, ds, ds.Base(), forecast.Goal{Node: 0, Year: 2027, Target: target, Lever: 0})
		want = (math.Pow(target/(51.2*1.185), 1.0/7) - 1) * 100
		wantClose(t, "market CAGR for an extreme target", rate, want, 1e-9)
	}
}

func TestGoalSeekSegmentLeverOnItself(t *testing.T) {
	ds := loadIoMT(t)
	base := ds.Base()
	r := forecast.Project(ds, &base)
	for _, path := range []string{"Application/Telemedicine", "Region/Asia-Pacific/India", "End-User/Other End-Users"} {
		n := lookup(t, ds, path)
		for _, k := range []float64{0.5, 0.98, 1.2, 2} {
			target := k * r.Value(n, 2025-2019)
			rate := seekAndCheck(t, ds, base, forecast.Goal{Node: n, Year: 2025, Target: target, Lever: n})
			// More than today's value needs a faster rate, less a slower one.
			if (k > 1) != (rate > base.Growth[n]) {
				t.Errorf("%s ×%g: rate %g, entered %g", path, k, rate, base.Growth[n])
			}
		}
	}
}

func TestGoalSeekParentLeverOnChild(t *testing.T) {
	ds := loadIoMT(t)
	base := ds.Base()
	r := forecast.Project(ds, &base)
	china := lookup(t, ds, "Region/Asia-Pacific/China")
	apac := lookup(t, ds, "Region/Asia-Pacific")
	for _, k := range []float64{0.7, 1.5, 2} {
		seekAndCheck(t, ds, base, forecast.Goal{Node: china, Year: 2027, Target: k * r.Value(china, 8), Lever: apac})
	}
	// The market's CAGR lever on a sub-segment.
	wearable := lookup(t, ds, "Component/Medical Devices/Wearable External Medical Devices")
	seekAndCheck(t, ds, base, forecast.Goal{Node: wearable, Year: 2026, Target: 1.3 * r.Value(wearable, 7), Lever: 0})
}

// A sibling's rate moves a segment the other way; the search still finds
// the root the allowed range brackets.
func TestGoalSeekSiblingLever(t *testing.T) {
	ds := loadIoMT(t)
	base := ds.Base()
	r := forecast.Project(ds, &base)
	us := lookup(t, ds, "Region/North America/United States")
	canada := lookup(t, ds, "Region/North America/Canada")
	rate := seekAndCheck(t, ds, base, forecast.Goal{Node: us, Year: 2027, Target: 0.95 * r.Value(us, 8), Lever: canada})
	if rate <= base.Growth[canada] {
		t.Errorf("a smaller United States needs a faster Canada; got %g, entered %g", rate, base.Growth[canada])
	}
}

func TestGoalSeekBottomUp(t *testing.T) {
	ds := loadIoMT(t)
	region := dimTop(t, ds, "Region")
	a := apply(t, ds, ds.Base(), model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3})
	r := forecast.Project(ds, &a)
	na := region[0]
	// A driver segment's rate moves the bottom-up total.
	seekAndCheck(t, ds, a, forecast.Goal{Node: 0, Year: 2027, Target: 1.1 * r.Value(0, 8), Lever: na})
	// By hand: North America on its own reaches 30 bn in 2023 at
	// (30/16.6)^(1/4) − 1.
	rate := seekAndCheck(t, ds, a, forecast.Goal{Node: na, Year: 2023, Target: 30, Lever: na})
	wantClose(t, "North America rate", rate, (math.Pow(30/16.6, 0.25)-1)*100, 1e-9)

	// The market's CAGR does not move a bottom-up total.
	_, err := forecast.GoalSeek(ds, a, forecast.Goal{Node: 0, Year: 2027, Target: 1.1 * r.Value(0, 8), Lever: 0})
	if !errors.Is(err, forecast.ErrUnreachable) {
		t.Errorf("total lever in bottom-up mode: err = %v, want ErrUnreachable", err)
	}
}

func TestGoalSeekUnreachable(t *testing.T) {
	ds := loadIoMT(t)
	base := ds.Base()
	tm := lookup(t, ds, "Application/Telemedicine")
	md := lookup(t, ds, "Component/Medical Devices")
	for _, c := range []struct {
		what string
		g    forecast.Goal
	}{
		// 51.2 × 1.185 × 11^7 ≈ 1.2e9 is the most 999.99 % a year can give.
		{"total above any allowed rate", forecast.Goal{Node: 0, Year: 2027, Target: 1e12, Lever: 0}},
		{"total below any allowed rate", forecast.Goal{Node: 0, Year: 2027, Target: 1e-30, Lever: 0}},
		// 2020 has its own rate, so the market's CAGR cannot move it.
		{"year with its own rate", forecast.Goal{Node: 0, Year: 2020, Target: 100, Lever: 0}},
		// A segment can never exceed the whole market.
		{"segment above the total", forecast.Goal{Node: tm, Year: 2025, Target: 1000, Lever: tm}},
		// Another dimension's rate does not move a segment at all.
		{"lever in another dimension", forecast.Goal{Node: tm, Year: 2025, Target: 1, Lever: md}},
	} {
		rate, err := forecast.GoalSeek(ds, base, c.g)
		if !errors.Is(err, forecast.ErrUnreachable) {
			t.Errorf("%s: rate %g, err %v, want an error wrapping ErrUnreachable", c.what, rate, err)
		}
	}
}

func TestGoalSeekRefusesBadGoals(t *testing.T) {
	ds := loadIoMT(t)
	base := ds.Base()
	n := len(ds.Nodes)
	for _, c := range []struct {
		what string
		g    forecast.Goal
	}{
		{"the base year", forecast.Goal{Node: 0, Year: 2019, Target: 60}},
		{"before the base year", forecast.Goal{Node: 0, Year: 2018, Target: 60}},
		{"after the end year", forecast.Goal{Node: 0, Year: 2028, Target: 60}},
		{"year zero", forecast.Goal{Node: 0, Year: 0, Target: 60}},
		{"NaN target", forecast.Goal{Node: 0, Year: 2025, Target: math.NaN()}},
		{"+Inf target", forecast.Goal{Node: 0, Year: 2025, Target: math.Inf(1)}},
		{"-Inf target", forecast.Goal{Node: 0, Year: 2025, Target: math.Inf(-1)}},
		{"negative target", forecast.Goal{Node: 0, Year: 2025, Target: -1}},
		{"zero target", forecast.Goal{Node: 0, Year: 2027, Target: 0}}, // only -100 % reaches it
		{"negative node", forecast.Goal{Node: -1, Year: 2025, Target: 60}},
		{"node past the end", forecast.Goal{Node: n, Year: 2025, Target: 60}},
		{"negative lever", forecast.Goal{Node: 0, Year: 2025, Target: 60, Lever: -1}},
		{"lever past the end", forecast.Goal{Node: 0, Year: 2025, Target: 60, Lever: n}},
	} {
		rate, err := forecast.GoalSeek(ds, base, c.g)
		if err == nil {
			t.Errorf("%s: accepted, rate %g", c.what, rate)
		} else if errors.Is(err, forecast.ErrUnreachable) {
			t.Errorf("%s: %v; a bad goal is not an unreachable one", c.what, err)
		}
	}
}

// TestGoalSeekBottomUpTotalSaysWhatMoves: in bottom-up the market's CAGR
// does not move the total, and the error says what does.
func TestGoalSeekBottomUpTotalSaysWhatMoves(t *testing.T) {
	ds := loadIoMT(t)
	a, err := ds.Apply(ds.Base(), ds.Base(), model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, err = forecast.GoalSeek(ds, a, forecast.Goal{Node: 0, Year: 2027, Target: 200, Lever: 0})
	if !errors.Is(err, forecast.ErrUnreachable) || !strings.Contains(err.Error(), "in bottom-up the total is the sum of Region's segments; seek one of them, or switch to top-down") {
		t.Errorf("bottom-up total by the market's CAGR: %v", err)
	}
}

// TestGoalSeekUnreachableSaysAmounts: a goal no allowed rate reaches says
// the values it can reach as the app writes amounts, not 1.8963e-31 to
// 199.075; a year with rates of its own says what does move it, in words
// that hold on the command line as in the dashboard (no key).
func TestGoalSeekUnreachableSaysAmounts(t *testing.T) {
	ds := loadIoMT(t)
	ap := lookup(t, ds, "Region/Asia-Pacific")
	_, err := forecast.GoalSeek(ds, ds.Base(), forecast.Goal{Node: ap, Year: 2027, Target: 250, Lever: ap})
	want := "Region/Asia-Pacific cannot reach US$ 250.00 bn in 2027 by changing Region/Asia-Pacific's growth: any allowed rate gives from US$ 0.00 bn to US$ 199.08 bn; the nearest, US$ 199.08 bn, at 999.99 % a year"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	_, err = forecast.GoalSeek(ds, ds.Base(), forecast.Goal{Node: 0, Year: 2020, Target: 250, Lever: 0})
	want = "changing the market's CAGR does not move the total's value in 2020 here (it stays US$ 60.67 bn): every year to 2020 has a growth rate of its own, which the CAGR does not change; their own rates (growth_by_year_pct) do"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}
