package model

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The parts of a scenario file that reach every assumption: the market's
// base-year value (total: {value: X}), segments' growth paths
// (growth_by_year_pct under a segment) and Monte Carlo ranges that hold
// the rate they are drawn around. LoadScenario's phases call these.

// checkBaseValue checks total.value, the market's base-year value.
func (l *scenarioLoad) checkBaseValue(v *scenarioValues) {
	t := l.sf.Total
	if t == nil || t.Value == nil {
		return
	}
	if msg, ok := CheckBaseValue(*t.Value); !ok {
		l.errAt([]any{"total", "value"}, "the market's base-year value, in the dataset's unit, such as value: 56.3", "%s", msg)
		return
	}
	x := *t.Value
	v.baseValue = &x
}

// checkRangeHolds reports a cagr_range_pct of node n (at p) that does not
// contain the rate the scenario enters for n, and leaves it out.
func (l *scenarioLoad) checkRangeHolds(p []any, n int, v *scenarioValues) {
	rg, ok := v.ranges[n]
	if !ok {
		return
	}
	rate := l.ds.base.Growth[n]
	if g, ok := v.growth[n]; ok {
		rate = g
	}
	// A range saved at the rate's own digits reads back within
	// SaveTolerance of it: it holds the rate.
	if tol := SaveTolerance * max(1, math.Abs(rate)); rg.Lo-tol <= rate && rate <= rg.Hi+tol {
		v.ranges[n] = Range{Lo: min(rg.Lo, rate), Hi: max(rg.Hi, rate)}
		return
	}
	l.errAt(append(slices.Clone(p), "cagr_range_pct"), "a Monte Carlo range reaches either side of the rate entered: widen it, or change cagr_pct",
		"cagr_range_pct [%g, %g] does not contain the rate entered, %g %%", rg.Lo, rg.Hi, rate)
	delete(v.ranges, n)
}

// checkPath checks a segment's growth_by_year_pct (at p, node n): years
// of the forecast, allowed rates. A null year grows at the segment's
// CAGR, as a year not named does.
func (l *scenarioLoad) checkPath(p []any, n int, years map[int]*float64, v *scenarioValues) {
	ds := l.ds
	for _, y := range sortedKeys(years) {
		yp := append(slices.Clone(p), FieldGrowthByYear, strconv.Itoa(y))
		i := y - ds.BaseYear - 1
		if i < 0 || i >= ds.Years()-1 {
			l.errAtKey(yp, "growth applies to the years after the base year",
				"growth year %d is outside the forecast years %d–%d", y, ds.BaseYear+1, ds.EndYear)
			continue
		}
		rate := years[y]
		if rate == nil {
			continue
		}
		if msg, ok := checkRate(*rate); !ok {
			l.errAt(yp, "", "%s", msg)
			continue
		}
		if v.paths[n] == nil {
			v.paths[n] = map[int]float64{}
		}
		v.paths[n][i] = *rate
	}
}

// buildMore sets the base value and the paths that passed on a.
func (l *scenarioLoad) buildMore(a *Assumptions, v *scenarioValues) {
	if v.baseValue != nil {
		a.BaseValue = *v.baseValue
	}
	for _, n := range sortedKeys(v.paths) {
		for _, i := range sortedKeys(v.paths[n]) {
			a.setPath(n, i+1, v.paths[n][i], len(a.YearGrowth))
		}
	}
}

// baseValueText is the total's value: entry of a saved file, "" when the
// scenario keeps the dataset's.
func (d *Dataset) baseValueText(a *Assumptions) string {
	if near(a.BaseValue, d.base.BaseValue) {
		return ""
	}
	return "value: " + shortNum(a.BaseValue)
}

// pathText is a segment's growth_by_year_pct entry of a saved file: the
// years with a rate of their own, "" when it has none.
func (d *Dataset) pathText(rates []float64) string {
	var years []string
	for i, r := range rates {
		if r == r { // not NaN
			years = append(years, fmt.Sprintf("%d: %s", d.BaseYear+1+i, shortRate(r)))
		}
	}
	if len(years) == 0 {
		return ""
	}
	return FieldGrowthByYear + ": {" + strings.Join(years, ", ") + "}"
}
