package ui

import (
	"cmp"
	"fmt"
	"math"

	"iomt/model"
)

// edits are the user's changes of the scenario, as the keys and the
// prompts ask for them: each one goes through scenario.apply (so undo
// and redo stay exact) and says what it did, or why it was refused, as a
// status line message. Only the root makes edits.
type edits struct {
	s   *scenario
	sel *selection
}

// do performs one edit; a refused one changes nothing and says why.
func (ed edits) do(e model.Edit, done string) statusText {
	if err := ed.s.apply(e); err != nil {
		return refused("Refused: " + err.Error())
	}
	return said(done)
}

func (ed edits) undo() statusText {
	if ed.s.undo() {
		return said("Undone.")
	}
	return refused("Nothing to undo.")
}

func (ed edits) redo() statusText {
	if ed.s.redo() {
		return said("Redone.")
	}
	return refused("Nothing to redo.")
}

func (ed edits) resetRow() statusText {
	n := ed.sel.selected()
	return ed.do(model.Edit{Kind: model.ResetNode, Node: n}, "Reset "+nodeName(ed.s.ds, n)+".")
}

func (ed edits) resetAll() statusText {
	return ed.do(model.Edit{Kind: model.ResetAll}, "Reset the scenario to "+ed.s.name+".")
}

// set makes the edit the value prompt asked for.
func (ed edits) set(msg setValueMsg) statusText {
	switch msg.field {
	case fieldShare:
		return ed.setShare(msg.node, msg.value)
	case fieldValue:
		if msg.node == 0 {
			return ed.setMarketSize(msg.value)
		}
		return ed.setBaseValue(msg.node, msg.value)
	case fieldYear:
		if msg.node != 0 {
			return ed.setPathYear(msg.node, msg.year, msg.value)
		}
		return ed.setYearGrowth(msg.year, msg.value)
	}
	return ed.setGrowth(msg.node, msg.value, !msg.exact)
}

// nudgeGrowth moves the selected row's growth by d.
func (ed edits) nudgeGrowth(d float64) statusText {
	n := ed.sel.selected()
	a := ed.s.Assumptions()
	if n == 0 && a.Mode == model.BottomUp {
		return refused("In bottom-up mode the total is the sum of " + ed.s.ds.Dims[a.Driver].Name + "; change its segments instead.")
	}
	return ed.setGrowth(n, a.Growth[n]+d, true)
}

// setGrowth sets node n's growth rate; round keeps a typed or nudged
// rate from drifting (18.5+0.5+0.5 to 19.499999…), a solved one is set
// exactly. The message says what the rate entered does: in top-down a
// segment's rate moves its share, not the total, and the rate realised
// is not the rate entered, which surprises.
func (ed edits) setGrowth(n int, v float64, round bool) statusText {
	if round {
		v = math.Round(v*1e6) / 1e6
	}
	before := ed.s.Assumptions()
	old := before.Growth[n]
	if t := ed.do(model.Edit{Kind: model.SetGrowth, Node: n, Value: v}, ""); t.err {
		return t
	}
	return said(ed.growthSaid(n, v, old) + rangeMoved(before.Ranges[n], ed.s.Assumptions().Ranges[n]))
}

// growthSaid explains a growth rate just entered in place of old.
func (ed edits) growthSaid(n int, v, old float64) string {
	ds, res := ed.s.ds, &ed.s.res
	a := ed.s.Assumptions()
	from, last, span := ed.s.Window()
	realised := fmtNum(res.CAGR(n, from, last), 1)
	if n == 0 {
		if a.Mode == model.BottomUp {
			return fmt.Sprintf("Market CAGR %s %%: in bottom-up the total is the sum of %s, so it stays at %s %% realised; b for top-down.",
				fmtNum(v, 1), ds.Dims[a.Driver].Name, realised)
		}
		if l := a.DriverSum(); l != 0 {
			return fmt.Sprintf("Market CAGR %s %% entered, %s %% with the levers (realised %s %% %s).", fmtNum(v, 1), fmtNum(v+l, 1), realised, span)
		}
		return fmt.Sprintf("Market CAGR %s %% a year (realised %s %% %s).", fmtNum(v, 1), realised, span)
	}
	name := nodeName(ds, n)
	node := &ds.Nodes[n]
	driving := a.Mode == model.BottomUp && node.Depth == 1 && node.Dim == a.Driver
	if driving {
		return fmt.Sprintf("%s %s %% a year: in bottom-up it drives the total, now %s %% a year realised %s.",
			name, fmtNum(v, 1), fmtNum(res.CAGR(0, from, last), 1), span)
	}
	keeps := fmt.Sprintf("the market keeps %s %%", fmtNum(a.MarketGrowth(), 1))
	if a.Mode == model.BottomUp {
		keeps = "the total stays the sum of " + ds.Dims[a.Driver].Name
	}
	hint := "; b lets segments drive the total"
	if a.Mode == model.BottomUp || node.Depth > 1 {
		hint = ""
	}
	return fmt.Sprintf("%s %s %% entered, %s %% realised %s: %s and %s%s.",
		name, fmtNum(v, 1), realised, span, keeps, ed.siblingsMove(n, cmp.Compare(v, old)), hint)
}

// siblingsMove says what a segment's new growth rate does to the shares
// of its siblings. It speaks of "its siblings", never of "the rest of
// Europe" or "the other applications": segments are often named "Rest of
// Europe" or "Other Applications", and such a phrase would read as that
// one segment. The verb agrees with the count.
// by is the new rate compared with the old one (cmp.Compare).
func (ed edits) siblingsMove(n int, by int) string {
	ds := ed.s.ds
	node := &ds.Nodes[n]
	one := len(ds.Groups[node.Group].Members) == 2
	switch {
	case len(ds.Groups[node.Group].Members) < 2:
		return "its share stays 100 % of " + nodeName(ds, node.Parent)
	case by == 0 && one:
		return "its sibling's share is as it was"
	case by == 0:
		return "its siblings' shares are as they were"
	case by < 0 && one:
		return "its sibling gains share"
	case by < 0:
		return "its siblings gain share"
	case one:
		return "its sibling gives up share"
	}
	return "its siblings give up share"
}

// nudgeShare moves the selected segment's share by d.
func (ed edits) nudgeShare(d float64) statusText {
	n := ed.sel.selected()
	if ed.sel.onParentRow() {
		return refused("Select a segment: the " + nodeName(ed.s.ds, n) + " row is 100 % of itself here.")
	}
	return ed.setShare(n, ed.s.Assumptions().Share[n]+d)
}

func (ed edits) setShare(n int, v float64) statusText {
	v = math.Round(v*1e6) / 1e6
	if t := ed.do(model.Edit{Kind: model.SetShare, Node: n, Value: v}, ""); t.err {
		return t
	}
	return said(fmt.Sprintf("%s share %s %% in %d; unlocked siblings rebalanced.", nodeName(ed.s.ds, n), fmtNum(v, 2), ed.s.res.BaseYear))
}

// setBaseValue sets a segment's base-year value, in money: its share of
// its parent becomes that value over the parent's.
func (ed edits) setBaseValue(n int, v float64) statusText {
	ds, res := ed.s.ds, &ed.s.res
	parent := ds.Nodes[n].Parent
	pv := res.Value(parent, 0)
	switch {
	case v < 0:
		return refused(fmt.Sprintf("A value of %s: give 0 or more.", fmtAmount(v)))
	case v > pv:
		return refused(fmt.Sprintf("%s is more than %s's whole %s in %d.", clean(ds.Amount(fmtAmount(v))), nodeName(ds, parent), clean(ds.Amount(fmtAmount(pv))), res.BaseYear))
	}
	share := v / pv * 100
	if t := ed.do(model.Edit{Kind: model.SetShare, Node: n, Value: share}, ""); t.err {
		return t
	}
	return said(fmt.Sprintf("%s %s in %d: %s %% of %s; unlocked siblings rebalanced.", nodeName(ds, n), clean(ds.Amount(fmtAmount(v))), res.BaseYear, fmtNum(share, 2), nodeName(ds, parent)))
}

// setYearGrowth gives the market's growth in year a rate of its own, or
// (NaN) takes it away so the year grows at the CAGR.
func (ed edits) setYearGrowth(year int, v float64) statusText {
	if !math.IsNaN(v) {
		v = math.Round(v*1e6) / 1e6
	}
	if t := ed.do(model.Edit{Kind: model.SetYearGrowth, Year: year, Value: v}, ""); t.err {
		return t
	}
	a := ed.s.Assumptions()
	g := fmtNum(a.MarketGrowth(), 1)
	if math.IsNaN(v) {
		return said(fmt.Sprintf("%d now grows at the market's CAGR, %s %%.", year, g))
	}
	return said(fmt.Sprintf("The market grows %s %% in %d, a rate of its own; the years without one grow %s %%.", fmtNum(v, 1), year, g))
}

func (ed edits) toggleLock() statusText {
	n := ed.sel.selected()
	if ed.sel.onParentRow() {
		return refused("Select a segment to lock its share.")
	}
	name := nodeName(ed.s.ds, n)
	lock := !ed.s.Assumptions().Locked[n]
	msg := name + " share unlocked."
	if lock {
		msg = name + " share locked: rebalancing leaves it alone."
	}
	return ed.do(model.Edit{Kind: model.SetLock, Node: n, Lock: lock}, msg)
}

// toggleMode goes bottom-up with the current tab as driver, or on the
// driver's tab back to top-down.
func (ed edits) toggleMode() statusText {
	a, dim := ed.s.Assumptions(), ed.sel.dim
	e := model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: dim}
	msg := "Bottom-up: " + ed.s.ds.Dims[dim].Name + " segments grow at their own rates; the total is their sum."
	if a.Mode == model.BottomUp && a.Driver == dim {
		e = model.Edit{Kind: model.SetMode, Mode: model.TopDown, Driver: a.Driver}
		msg = "Top-down: the total grows at the market CAGR and segments split it."
	}
	return ed.do(e, msg)
}

// setWindow sets the span of the realised CAGR and Δshare columns.
func (ed edits) setWindow(w model.Window) statusText {
	_, _, before := ed.s.Window()
	if t := ed.do(model.Edit{Kind: model.SetWindow, Window: w}, ""); t.err {
		return t
	}
	_, _, span := ed.s.Window()
	return said(fmt.Sprintf("Real CAGR and Δshare now over %s (were %s); kept in the scenario, s saves it.", span, before))
}
