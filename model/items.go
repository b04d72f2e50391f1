package model

import (
	"math"
	"strconv"
)

// The assumptions of a scenario one by one, named as scenario files and
// the workbook's Inputs sheet name them, so that two scenarios can be set
// side by side (a summary) and their difference explained assumption by
// assumption (a bridge).

// ItemKind is what one assumption of a scenario is.
type ItemKind int

// The kinds of assumption, in the order Items lists them.
const (
	ItemMode       ItemKind = iota // the projection mode, with bottom-up's driver
	ItemGrowth                     // a node's cagr_pct (node 0: the market's)
	ItemYearGrowth                 // the market's growth in one year with a rate of its own
	ItemLever                      // a lever's impact on the market's growth, in pp
	ItemShare                      // a segment's base-year share of its parent
	ItemLock                       // a share's lock
	ItemRange                      // the range a growth rate is drawn from in Monte Carlo
	ItemWindow                     // the window of the realised CAGR and the share change
	ItemBaseValue                  // the market's base-year value (total: {value: X})
	ItemPathYear                   // a segment's growth in one year with a rate of its own
)

// Item is one assumption of a scenario over a dataset.
type Item struct {
	Kind ItemKind
	// Path names it as files do: mode, Total/cagr_pct,
	// Total/growth_by_year_pct/2020, Levers/NAME,
	// Region/Asia-Pacific/cagr_pct, …/share_pct, …/locked,
	// …/cagr_range_pct, cagr_window.
	Path string
	// Node is the node of a growth rate, share, lock or range.
	Node int
	// Index is the index into Assumptions.YearGrowth of a year's rate,
	// or into a segment's path of its year's rate (the year is
	// BaseYear+1+Index), or into Dataset.Levers of a lever.
	Index int
}

// Items lists every assumption a scenario over d holds, in a fixed order:
// the mode, the market's base-year value, its CAGR and its years' rates,
// the levers, then each node as the exports list them (the Total, then
// each dimension's segments, each followed by its children) with its
// rate, its years' rates, share, lock and range, and last the CAGR
// window.
func (d *Dataset) Items() []Item {
	out := []Item{{Kind: ItemMode, Path: "mode"}, {Kind: ItemBaseValue, Path: TotalName + "/value"},
		{Kind: ItemGrowth, Path: TotalName + "/" + FieldCAGR}}
	for i := range d.Years() - 1 {
		out = append(out, Item{Kind: ItemYearGrowth, Path: TotalName + "/" + FieldGrowthByYear + "/" + strconv.Itoa(d.BaseYear+1+i), Index: i})
	}
	for i, l := range d.Levers {
		out = append(out, Item{Kind: ItemLever, Path: "Levers/" + l.Name, Index: i})
	}
	out = append(out, Item{Kind: ItemRange, Path: TotalName + "/cagr_range_pct"})
	for _, n := range d.ReadingOrder()[1:] {
		p := d.Nodes[n].Path
		out = append(out, Item{Kind: ItemGrowth, Path: p + "/" + FieldCAGR, Node: n})
		for i := range d.Years() - 1 {
			out = append(out, Item{Kind: ItemPathYear, Path: p + "/" + FieldGrowthByYear + "/" + strconv.Itoa(d.BaseYear+1+i), Node: n, Index: i})
		}
		out = append(out,
			Item{Kind: ItemShare, Path: p + "/" + FieldShare, Node: n},
			Item{Kind: ItemLock, Path: p + "/locked", Node: n},
			Item{Kind: ItemRange, Path: p + "/cagr_range_pct", Node: n})
	}
	return append(out, Item{Kind: ItemWindow, Path: "cagr_window"})
}

// ReadingOrder lists the nodes as a reader goes through the market: the
// Total, then each dimension in dataset order, each segment followed
// right away by its children (Nodes lists every top-level segment of a
// dimension before any child).
func (d *Dataset) ReadingOrder() []int {
	out := make([]int, 0, len(d.Nodes))
	out = append(out, 0)
	var add func(n int)
	add = func(n int) {
		out = append(out, n)
		for _, c := range d.Nodes[n].Children {
			add(c)
		}
	}
	for _, dim := range d.Dims {
		for _, n := range dim.Top {
			add(n)
		}
	}
	return out
}

// Moves reports whether the item can change a projected figure: locks,
// ranges and the window change none (the window only what the realised
// CAGR is read over).
func (it Item) Moves() bool {
	switch it.Kind {
	case ItemLock, ItemRange, ItemWindow:
		return false
	}
	return true
}

// Number is the item's figure in a, NaN when it has none: a year without
// a rate of its own, the mode, a lock, an unset range, the window (Text
// says those).
func (it Item) Number(a *Assumptions) float64 {
	switch it.Kind {
	case ItemGrowth:
		return a.Growth[it.Node]
	case ItemYearGrowth:
		return a.YearGrowth[it.Index]
	case ItemLever:
		return a.Drivers[it.Index]
	case ItemShare:
		return a.Share[it.Node]
	case ItemBaseValue:
		return a.BaseValue
	case ItemPathYear:
		if r, ok := a.YearRate(it.Node, it.Index+1); ok {
			return r
		}
	}
	return math.NaN()
}

// Text is the item's value in a as words, for what has no single
// figure: "top-down", "bottom-up (Region)", "CAGR" for a year that grows
// at the market's CAGR, "locked" or "unlocked", "[18, 30]" or "±3 pp"
// (the default spread), "2021–2027"; "" for a figure (see Number).
func (d *Dataset) Text(a *Assumptions, it Item) string {
	switch it.Kind {
	case ItemMode:
		if a.Mode == BottomUp {
			return "bottom-up (" + d.Dims[a.Driver].Name + ")"
		}
		return a.Mode.String()
	case ItemYearGrowth:
		if math.IsNaN(a.YearGrowth[it.Index]) {
			return "CAGR"
		}
	case ItemPathYear:
		if _, ok := a.YearRate(it.Node, it.Index+1); !ok {
			return "CAGR"
		}
	case ItemLock:
		if a.Locked[it.Node] {
			return "locked"
		}
		return "unlocked"
	case ItemRange:
		r := a.Ranges[it.Node]
		if !r.IsSet() {
			return "±" + strconv.FormatFloat(DefaultSpread, 'g', -1, 64) + " pp"
		}
		return "[" + strconv.FormatFloat(r.Lo, 'g', 12, 64) + ", " + strconv.FormatFloat(r.Hi, 'g', 12, 64) + "]"
	case ItemWindow:
		from, to := a.Window.Span(d)
		return strconv.Itoa(from) + "–" + strconv.Itoa(to)
	}
	return ""
}

// Differs reports whether a and b hold the item differently. exact tells
// figures apart to the bit (a bridge must reach b exactly); otherwise
// figures within 1e-9 of each other (relative, and at least 1e-9) are
// the same, as a share rebalanced there and back is. A top-down mode is
// the same whatever driver it keeps for bottom-up.
func (it Item) Differs(a, b *Assumptions, exact bool) bool {
	switch it.Kind {
	case ItemMode:
		return a.Mode != b.Mode || a.Mode == BottomUp && a.Driver != b.Driver
	case ItemLock:
		return a.Locked[it.Node] != b.Locked[it.Node]
	case ItemRange:
		x, y := a.Ranges[it.Node], b.Ranges[it.Node]
		return !sameFigure(x.Lo, y.Lo, exact) || !sameFigure(x.Hi, y.Hi, exact)
	case ItemWindow:
		return a.Window != b.Window
	}
	return !sameFigure(it.Number(a), it.Number(b), exact)
}

// sameFigure compares two figures, NaN equal to NaN.
func sameFigure(x, y float64, exact bool) bool {
	switch {
	case math.IsNaN(x) || math.IsNaN(y):
		return math.IsNaN(x) && math.IsNaN(y)
	case exact:
		return sameBits(x, y)
	}
	return math.Abs(x-y) <= 1e-9*max(1, math.Abs(x), math.Abs(y))
}

// Copy sets the item in dst as src holds it. A share copied alone leaves
// its siblings as they were: copy a set of siblings' shares together.
func (it Item) Copy(dst, src *Assumptions) {
	switch it.Kind {
	case ItemMode:
		dst.Mode, dst.Driver = src.Mode, src.Driver
	case ItemGrowth:
		dst.Growth[it.Node] = src.Growth[it.Node]
	case ItemYearGrowth:
		dst.YearGrowth[it.Index] = src.YearGrowth[it.Index]
	case ItemLever:
		dst.Drivers[it.Index] = src.Drivers[it.Index]
	case ItemShare:
		dst.Share[it.Node] = src.Share[it.Node]
	case ItemLock:
		dst.Locked[it.Node] = src.Locked[it.Node]
	case ItemRange:
		dst.Ranges[it.Node] = src.Ranges[it.Node]
	case ItemWindow:
		dst.Window = src.Window
	case ItemBaseValue:
		dst.BaseValue = src.BaseValue
	case ItemPathYear:
		r, ok := src.YearRate(it.Node, it.Index+1)
		if !ok {
			r = math.NaN()
		}
		dst.setPath(it.Node, it.Index+1, r, len(dst.YearGrowth))
	}
}

// Differences lists the items in which any of the scenarios differ from
// the first, in Items' order (figures within 1e-9 are the same).
func (d *Dataset) Differences(scs ...*Assumptions) []Item {
	var out []Item
	for _, it := range d.Items() {
		for _, a := range scs[min(1, len(scs)):] {
			if it.Differs(scs[0], a, false) {
				out = append(out, it)
				break
			}
		}
	}
	return out
}
