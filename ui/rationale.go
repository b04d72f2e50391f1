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
	source string // "reported", "estimate" or "set in this scenario"
	note   string // the dataset's rationale; "" when it gives none
}

// figures lists node n's base figures under the current assumptions: the
// total's value, CAGR and years with a rate of their own; a segment's
// base value (when the dataset gives one) or share, its CAGR, and the
// years of its growth path.
func figures(ds *model.Dataset, a model.Assumptions, n int) []figure {
	base := ds.Base()
	node := &ds.Nodes[n]
	amount := func(v float64) string { return clean(ds.Amount(fmtAmount(v))) }
	var out []figure
	add := func(label, value, field string, changed bool) {
		f := figure{label: label, value: value, source: "estimate", note: clean(node.Notes[field])}
		switch {
		case changed:
			f.source, f.note = "set in this scenario", ""
		case ds.StillReported(&a, n, field):
			f.source = "reported"
		}
		out = append(out, f)
	}
	if n == 0 {
		add("value", amount(a.BaseValue), model.FieldValue, a.BaseValue != base.BaseValue)
		add("CAGR", fmtNum(a.Growth[0], 1)+" %", model.FieldCAGR, a.Growth[0] != base.Growth[0])
		for i, g := range a.YearGrowth {
			if math.IsNaN(g) {
				continue
			}
			y := ds.BaseYear + 1 + i
			add(fmt.Sprintf("growth %d", y), fmtNum(g, 1)+" %", model.FieldGrowthByYear, g != base.YearGrowth[i])
		}
		return out
	}
	changed := a.Share[n] != base.Share[n]
	if !math.IsNaN(node.InputValueBn) {
		// Given as a value: the share is derived from it, and the value
		// is the figure the source gives until the scenario changes the
		// share or the market's base value (segments keep their shares).
		v := node.InputValueBn
		if changed || a.BaseValue != base.BaseValue {
			v = a.Share[n] / 100 * a.BaseValue
		}
		add("value", amount(v)+" in "+fmt.Sprint(ds.BaseYear), model.FieldValue, changed || a.BaseValue != base.BaseValue)
	} else {
		add("share", fmtNum(a.Share[n], 1)+" %", model.FieldShare, changed)
	}
	add("CAGR", fmtNum(a.Growth[n], 1)+" %", model.FieldCAGR, a.Growth[n] != base.Growth[n])
	for i, g := range a.PathOf(n) {
		if !math.IsNaN(g) {
			add(fmt.Sprintf("growth %d", ds.BaseYear+1+i), fmtNum(g, 1)+" %", model.FieldGrowthByYear, true)
		}
	}
	return out
}

// rationale is one line on where node n's figures come from, for the
// detail line under the tree: "share: estimate, <why> · CAGR: reported".
// A dataset that gives no reason says so rather than implying one.
func rationale(ds *model.Dataset, a model.Assumptions, n int) string {
	var parts []string
	for _, f := range figures(ds, a, n) {
		p := f.label + ": " + f.source
		switch {
		case f.note != "":
			p += ", " + f.note
		case f.source == "estimate":
			p += ", no rationale given"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " · ")
}
