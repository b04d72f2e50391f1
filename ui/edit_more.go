package ui

import (
	"fmt"
	"math"

	"iomt/model"
)

// The edits of the market's base-year size and a segment's growth path:
// each through scenario.apply, as every edit.

// setMarketSize sets the market's base-year value; segments keep their
// shares of it (docs/DESIGN.md §3).
func (ed edits) setMarketSize(v float64) statusText {
	ds := ed.s.ds
	if t := ed.do(model.Edit{Kind: model.SetBaseValue, Value: v}, ""); t.err {
		return t
	}
	return said(fmt.Sprintf("The market is %s in %d in this scenario (the dataset's: %s); every segment keeps its share.",
		clean(ds.Amount(fmtAmount(v))), ds.BaseYear, clean(ds.Amount(fmtAmount(ds.Base().BaseValue)))))
}

// setPathYear gives segment n's growth in year a rate of its own, or
// (NaN) gives the year back to its CAGR.
func (ed edits) setPathYear(n, year int, v float64) statusText {
	if !math.IsNaN(v) {
		v = math.Round(v*1e6) / 1e6
	}
	if t := ed.do(model.Edit{Kind: model.SetYearGrowth, Node: n, Year: year, Value: v}, ""); t.err {
		return t
	}
	a := ed.s.Assumptions()
	name := nodeName(ed.s.ds, n)
	from, last, span := ed.s.Window()
	realised := fmtNum(ed.s.res.CAGR(n, from, last), 1)
	if math.IsNaN(v) {
		return said(fmt.Sprintf("%s grows at its CAGR in %d again, %s %% (realised %s %% %s).", name, year, fmtNum(a.Growth[n], 1), realised, span))
	}
	return said(fmt.Sprintf("%s grows %s %% in %d, a rate of its own (~ in the tree); its other years %s %% (realised %s %% %s).",
		name, fmtNum(v, 1), year, fmtNum(a.Growth[n], 1), realised, span))
}

// rangeMoved says that a rate's Monte Carlo range moved with it, when
// the rate left it (the model keeps a range around its rate).
func rangeMoved(was, now model.Range) string {
	switch {
	case was == now || !was.IsSet():
		return ""
	case !now.IsSet():
		return fmt.Sprintf(" Its Monte Carlo range could not follow; it is ±%g pp again.", model.DefaultSpread)
	}
	return fmt.Sprintf(" Its Monte Carlo range moves with it: %s to %s %%.", fmtNum(now.Lo, 2), fmtNum(now.Hi, 2))
}
