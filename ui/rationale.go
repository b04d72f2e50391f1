package ui

import (
	"fmt"
	"math"
	"strings"

	"iomt/model"
)

// figure is one base figure of a node, where it comes from, and why it
// is what it is: what a consultant needs to defend a number.
type figure struct {
	label  string // "share", "value", "CAGR", "growth 2020"
	value  string // as shown, e.g. "25.2 %"
	source string // "reported", "estimate", "set in this scenario" or baseFollows
	note   string // the dataset's rationale; "" when it gives none
	year   int    // a year with a rate of its own; 0 for the other figures
}

// baseFollows is the source of a segment's base value that the dataset
// gives in money when only the market's base value has changed: the
// segment keeps its share, so its value follows the scenario's market,
// which the scenario set, not the segment's.
const baseFollows = "its share of the scenario's base value"

// figures lists node n's base figures under the current assumptions: the
// total's value, CAGR and years with a rate of their own; a segment's
// base value (when the dataset gives one) or share, its CAGR, and the
// years of its growth path.
func figures(ds *model.Dataset, a model.Assumptions, n int) []figure {
	node := &ds.Nodes[n]
	amount := func(v float64) string { return clean(ds.Amount(fmtAmount(v))) }
	var out []figure
	add := func(label, value, field string, changed bool) *figure {
		f := figure{label: label, value: value, source: "estimate", note: clean(node.Notes[field])}
		switch {
		case changed:
			f.source, f.note = "set in this scenario", ""
		case ds.StillReported(&a, n, field):
			f.source = "reported"
		}
		out = append(out, f)
		return &out[len(out)-1]
	}
	year := func(i int, g float64, changed bool) {
		y := ds.BaseYear + 1 + i
		add(fmt.Sprintf("growth %d", y), fmtNum(g, 1)+" %", model.FieldGrowthByYear, changed).year = y
	}
	if n == 0 {
		_, baseGrowth := ds.BaseFigure(0)
		add("value", amount(a.BaseValue), model.FieldValue, a.BaseValue != ds.BaseValue())
		add("CAGR", fmtNum(a.Growth[0], 1)+" %", model.FieldCAGR, a.Growth[0] != baseGrowth)
		for i, g := range a.YearGrowth {
			if math.IsNaN(g) {
				continue
			}
			year(i, g, g != ds.BaseYearGrowth(i))
		}
		return out
	}
	baseShare, baseGrowth := ds.BaseFigure(n)
	changed := a.Share[n] != baseShare
	if !math.IsNaN(node.InputValueBn) {
		// Given as a value: the share is derived from it, and the value
		// is the figure the source gives until the scenario changes the
		// share or the market's base value (segments keep their shares).
		v := node.InputValueBn
		if changed || a.BaseValue != ds.BaseValue() {
			v = a.Share[n] / 100 * a.BaseValue
		}
		f := add("value", amount(v)+" in "+fmt.Sprint(ds.BaseYear), model.FieldValue, changed)
		if !changed && a.BaseValue != ds.BaseValue() {
			// The scenario changed the market's size, not this segment:
			// say what the dataset gives and what the share is of.
			given := "given as " + amount(node.InputValueBn)
			if node.IsReported(model.FieldValue) {
				given += " (reported)"
			}
			given += ", " + fmtNum(a.Share[n], 1) + " % of " + amount(ds.BaseValue())
			f.source, f.note = baseFollows, given+cond(f.note != "", "; "+f.note)
		}
	} else {
		add("share", fmtNum(a.Share[n], 1)+" %", model.FieldShare, changed)
	}
	add("CAGR", fmtNum(a.Growth[n], 1)+" %", model.FieldCAGR, a.Growth[n] != baseGrowth)
	for i, g := range a.PathOf(n) {
		if !math.IsNaN(g) {
			year(i, g, true) // a dataset gives no segment a path
		}
	}
	return out
}

// rationale is one line on where node n's figures come from, for the
// detail line under the tree: "share: estimate, <why> · CAGR: reported".
// A dataset that gives no reason says so rather than implying one.
//
// The years with a rate of their own give their rates, those of one
// source together ("growth 2021 12.0 %, 2022 16.0 %: set in this
// scenario"), and a segment's path comes first: it is what the scenario
// says of the segment, and the line may be cut after two lines.
func rationale(ds *model.Dataset, a model.Assumptions, n int) string {
	part := func(f figure, label string) string {
		p := label + ": " + f.source
		switch {
		case f.note != "":
			p += ", " + f.note
		case f.source == "estimate":
			p += ", no rationale given"
		}
		return p
	}
	var parts []string
	type group struct {
		f     figure
		rates []string
	}
	var years []group
	for _, f := range figures(ds, a, n) {
		rate := fmt.Sprintf("%d %s", f.year, f.value)
		switch {
		case f.year == 0:
			parts = append(parts, part(f, f.label))
		case len(years) > 0 && years[len(years)-1].f.source == f.source && years[len(years)-1].f.note == f.note:
			g := &years[len(years)-1]
			g.rates = append(g.rates, rate)
		default:
			years = append(years, group{f, []string{rate}})
		}
	}
	var paths []string
	for _, g := range years {
		paths = append(paths, part(g.f, "growth "+strings.Join(g.rates, ", ")))
	}
	if n != 0 {
		return strings.Join(append(paths, parts...), " · ")
	}
	return strings.Join(append(parts, paths...), " · ")
}
