package ui

import (
	"cmp"
	"fmt"
	"math"

	"iomt/model"
)

// The edits a user makes, on the shared state. Every change of the
// assumptions goes through apply, so undo and redo stay exact; each
// reports on the status line what it did or why it was refused.

// apply performs one edit through the history; a refused edit leaves
// everything as it was and says why.
func (c *common) apply(e model.Edit, done string) bool {
	if err := c.hist.Do(e); err != nil {
		c.error("Refused: " + err.Error())
		return false
	}
	c.edited(done)
	return true
}

// edited re-projects and reports after any change of assumptions.
func (c *common) edited(msg string) {
	c.reproject()
	c.info(msg)
}

func (c *common) undo() {
	if c.hist.Undo() {
		c.edited("Undone.")
	} else {
		c.error("Nothing to undo.")
	}
}

func (c *common) redo() {
	if c.hist.Redo() {
		c.edited("Redone.")
	} else {
		c.error("Nothing to redo.")
	}
}

func (c *common) resetRow() {
	n := c.selected()
	c.apply(model.Edit{Kind: model.ResetNode, Node: n}, "Reset "+c.nodeName(n)+".")
}

func (c *common) resetAll() {
	c.apply(model.Edit{Kind: model.ResetAll}, "Reset the scenario to "+c.scenario+".")
}

func (c *common) nudgeGrowth(d float64) {
	n := c.selected()
	a := c.assumptions()
	if n == 0 && a.Mode == model.BottomUp {
		c.error("In bottom-up mode the total is the sum of " + c.ds.Dims[a.Driver].Name + "; change its segments instead.")
		return
	}
	c.setGrowth(n, a.Growth[n]+d)
}

func (c *common) setGrowth(n int, v float64) bool { return c.setGrowthAs(n, v, true) }

// setGrowthAs sets node n's growth rate; round keeps a typed or nudged
// rate from drifting (18.5+0.5+0.5 to 19.499999…), a solved one is set
// exactly. The status line says what the rate entered does: in top-down
// a segment's rate moves its share, not the total, and the rate realised
// is not the rate entered, which surprises.
func (c *common) setGrowthAs(n int, v float64, round bool) bool {
	if round {
		v = math.Round(v*1e6) / 1e6
	}
	old := c.assumptions().Growth[n]
	if !c.apply(model.Edit{Kind: model.SetGrowth, Node: n, Value: v}, "") {
		return false
	}
	c.info(c.growthSaid(n, v, old))
	return true
}

// growthSaid explains a growth rate just entered in place of old.
func (c *common) growthSaid(n int, v, old float64) string {
	a := c.assumptions()
	from, last, span := c.window()
	realised := fmtNum(c.res.CAGR(n, from, last), 1)
	if n == 0 {
		if a.Mode == model.BottomUp {
			return fmt.Sprintf("Market CAGR %s %%: in bottom-up the total is the sum of %s, so it stays at %s %% realised; b for top-down.",
				fmtNum(v, 1), c.ds.Dims[a.Driver].Name, realised)
		}
		if l := a.DriverSum(); l != 0 {
			return fmt.Sprintf("Market CAGR %s %% entered, %s %% with the levers (realised %s %% %s).", fmtNum(v, 1), fmtNum(v+l, 1), realised, span)
		}
		return fmt.Sprintf("Market CAGR %s %% a year (realised %s %% %s).", fmtNum(v, 1), realised, span)
	}
	name := c.nodeName(n)
	node := &c.ds.Nodes[n]
	driving := a.Mode == model.BottomUp && node.Depth == 1 && node.Dim == a.Driver
	if driving {
		return fmt.Sprintf("%s %s %% a year: in bottom-up it drives the total, now %s %% a year realised %s.",
			name, fmtNum(v, 1), fmtNum(c.res.CAGR(0, from, last), 1), span)
	}
	keeps := fmt.Sprintf("the market keeps %s %%", fmtNum(a.MarketGrowth(), 1))
	if a.Mode == model.BottomUp {
		keeps = "the total stays the sum of " + c.ds.Dims[a.Driver].Name
	}
	hint := "; b lets segments drive the total"
	if a.Mode == model.BottomUp || node.Depth > 1 {
		hint = ""
	}
	return fmt.Sprintf("%s %s %% entered, %s %% realised %s: %s and %s%s.",
		name, fmtNum(v, 1), realised, span, keeps, c.siblingsMove(n, cmp.Compare(v, old)), hint)
}

// siblingsMove says what a segment's new growth rate does to the shares
// of its siblings. It speaks of "its siblings", never of "the rest of
// Europe" or "the other applications": segments are often named "Rest of
// Europe" or "Other Applications", and such a phrase would read as that
// one segment. The verb agrees with the count.
// by is the new rate compared with the old one (cmp.Compare).
func (c *common) siblingsMove(n int, by int) string {
	node := &c.ds.Nodes[n]
	one := len(c.ds.Groups[node.Group].Members) == 2
	switch {
	case len(c.ds.Groups[node.Group].Members) < 2:
		return "its share stays 100 % of " + c.nodeName(node.Parent)
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

func (c *common) nudgeShare(d float64) {
	n := c.selected()
	if n == c.parent[c.dim] {
		c.error("Select a segment: the " + c.nodeName(n) + " row is 100 % of itself here.")
		return
	}
	c.setShare(n, c.assumptions().Share[n]+d)
}

func (c *common) setShare(n int, v float64) bool {
	v = math.Round(v*1e6) / 1e6
	if !c.apply(model.Edit{Kind: model.SetShare, Node: n, Value: v}, "") {
		return false
	}
	c.info(fmt.Sprintf("%s share %s %% in %d; unlocked siblings rebalanced.", c.nodeName(n), fmtNum(v, 2), c.res.BaseYear))
	return true
}

// setBaseValue sets a segment's base-year value, in money: its share of
// its parent becomes that value over the parent's.
func (c *common) setBaseValue(n int, v float64) bool {
	parent := c.ds.Nodes[n].Parent
	pv := c.res.Value(parent, 0)
	switch {
	case v < 0:
		c.error(fmt.Sprintf("A value of %s: give 0 or more.", fmtAmount(v)))
		return false
	case v > pv:
		c.error(fmt.Sprintf("%s is more than %s's whole %s in %d.", clean(c.ds.Amount(fmtAmount(v))), c.nodeName(parent), clean(c.ds.Amount(fmtAmount(pv))), c.res.BaseYear))
		return false
	}
	share := v / pv * 100
	if !c.apply(model.Edit{Kind: model.SetShare, Node: n, Value: share}, "") {
		return false
	}
	c.info(fmt.Sprintf("%s %s in %d: %s %% of %s; unlocked siblings rebalanced.", c.nodeName(n), clean(c.ds.Amount(fmtAmount(v))), c.res.BaseYear, fmtNum(share, 2), c.nodeName(parent)))
	return true
}

// setYearGrowth gives the market's growth in year a rate of its own, or
// (NaN) takes it away so the year grows at the CAGR.
func (c *common) setYearGrowth(year int, v float64) bool {
	if !math.IsNaN(v) {
		v = math.Round(v*1e6) / 1e6
	}
	if !c.apply(model.Edit{Kind: model.SetYearGrowth, Year: year, Value: v}, "") {
		return false
	}
	a := c.assumptions()
	if math.IsNaN(v) {
		c.info(fmt.Sprintf("%d now grows at the market's CAGR, %s %%.", year, fmtNum(a.MarketGrowth(), 1)))
	} else {
		c.info(fmt.Sprintf("The market grows %s %% in %d, a rate of its own; the years without one grow %s %%.", fmtNum(v, 1), year, fmtNum(a.MarketGrowth(), 1)))
	}
	return true
}

func (c *common) toggleLock() {
	n := c.selected()
	if n == c.parent[c.dim] {
		c.error("Select a segment to lock its share.")
		return
	}
	lock := !c.assumptions().Locked[n]
	msg := c.nodeName(n) + " share unlocked."
	if lock {
		msg = c.nodeName(n) + " share locked: rebalancing leaves it alone."
	}
	c.apply(model.Edit{Kind: model.SetLock, Node: n, Lock: lock}, msg)
}

func (c *common) toggleMode() {
	a := c.assumptions()
	e := model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: c.dim}
	msg := "Bottom-up: " + c.ds.Dims[c.dim].Name + " segments grow at their own rates; the total is their sum."
	if a.Mode == model.BottomUp && a.Driver == c.dim {
		e = model.Edit{Kind: model.SetMode, Mode: model.TopDown, Driver: a.Driver}
		msg = "Top-down: the total grows at the market CAGR and segments split it."
	}
	c.apply(e, msg)
}

func (c *common) cycleMetric() {
	c.metric = (c.metric + 1) % metricCount
	c.info("Chart and table show " + c.metricLabel() + ".")
}

// selectTab shows dimension tab i. It says nothing: the tab line shows
// the tab (always the current one, however many there are), and a bare
// "Region." on the status line only pushed the keys aside; the last
// message, about the tab left, goes with it.
func (c *common) selectTab(i int) {
	if i < 0 || i >= len(c.ds.Dims) {
		return
	}
	c.dim = i
	c.clearStatus()
}
