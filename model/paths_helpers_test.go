package model

import (
	"fmt"
	"math"
	"slices"
)

// The property tests' part for base values, growth paths and Monte Carlo
// ranges: edits drawn, the invariants, and what each edit must do,
// worked out here without the code under test.

// moreEdit draws a base value, a range or a segment's year rate, some of
// them out of range on purpose.
func (g editGen) moreEdit(a Assumptions) Edit {
	ds := g.ds
	switch g.r.IntN(3) {
	case 0:
		v := []float64{0, -1, math.NaN(), math.Inf(1), MaxValueBn * 2, 1e-9, MaxValueBn}[g.r.IntN(10)%7]
		if g.r.IntN(2) == 0 {
			v = g.r.Float64() * 200
		}
		return Edit{Kind: SetBaseValue, Value: v}
	case 1:
		n := g.node()
		if g.r.IntN(5) == 0 {
			return Edit{Kind: SetRange, Node: n, Range: Range{Lo: math.NaN(), Hi: math.NaN()}}
		}
		c := 0.0
		if n >= 0 && n < len(ds.Nodes) {
			c = a.Growth[n]
		}
		lo, hi := c-g.r.Float64()*5, c+g.r.Float64()*5
		if g.r.IntN(4) == 0 {
			lo, hi = c+1, c+3 // not around the rate
		}
		return Edit{Kind: SetRange, Node: n, Range: Range{Lo: lo, Hi: hi}}
	}
	return Edit{Kind: SetYearGrowth, Node: 1 + g.r.IntN(len(ds.Nodes)-1), Year: ds.BaseYear + 1 + g.r.IntN(ds.Years()-1), Value: g.rate()}
}

// checkMore checks the invariants of the base value, the paths and the
// ranges: a base value above 0; paths sorted by segment, each of the
// forecast's years with at least one rate, every rate allowed; every
// range set holding its rate.
func checkMore(ds *Dataset, a Assumptions) error {
	if !(a.BaseValue > 0 && a.BaseValue <= MaxValueBn) {
		return fmt.Errorf("base value %v", a.BaseValue)
	}
	for i, p := range a.Paths {
		if p.Node <= 0 || p.Node >= len(ds.Nodes) || i > 0 && a.Paths[i-1].Node >= p.Node {
			return fmt.Errorf("paths out of order or of no segment: %v", a.Paths)
		}
		if len(p.Rates) != ds.Years()-1 {
			return fmt.Errorf("%s: a path of %d years", ds.Nodes[p.Node].Path, len(p.Rates))
		}
		set := 0
		for _, r := range p.Rates {
			if !math.IsNaN(r) {
				set++
				if _, ok := checkRate(r); !ok {
					return fmt.Errorf("%s: path rate %v", ds.Nodes[p.Node].Path, r)
				}
			}
		}
		if set == 0 {
			return fmt.Errorf("%s: a path without a year", ds.Nodes[p.Node].Path)
		}
	}
	for n, r := range a.Ranges {
		if r.IsSet() && !(r.Lo <= a.Growth[n] && a.Growth[n] <= r.Hi && r.Lo < r.Hi) {
			return fmt.Errorf("%s: range %v without its rate %v", ds.Nodes[n].Path, r, a.Growth[n])
		}
	}
	return nil
}

// checkMoreApplied checks what an accepted edit did to the base value,
// the paths and the ranges, and sets them in want as checked.
func checkMoreApplied(ds *Dataset, origin, before, after Assumptions, e Edit, want *Assumptions) error {
	switch e.Kind {
	case SetBaseValue:
		want.BaseValue = e.Value
	case SetRange:
		want.Ranges[e.Node] = e.Range
	case SetGrowth:
		// A rate moved out of its range takes the range with it.
		if r := before.Ranges[e.Node]; r.IsSet() && (e.Value < r.Lo || e.Value > r.Hi) {
			d := e.Value - before.Growth[e.Node]
			moved := Range{Lo: min(r.Lo+d, e.Value), Hi: max(r.Hi+d, e.Value)}
			if moved.Lo <= MinRate || moved.Hi >= MaxRate {
				moved = unsetRange
			}
			want.Ranges[e.Node] = moved
		}
	case SetYearGrowth:
		if e.Node == 0 {
			return nil
		}
		rates := slices.Clone(before.PathOf(e.Node))
		if rates == nil {
			rates = slices.Repeat([]float64{math.NaN()}, ds.Years()-1)
		}
		rates[e.Year-ds.BaseYear-1] = e.Value
		if got := after.PathOf(e.Node); !bitsEqual(got, rates) && !(got == nil && slices.IndexFunc(rates, func(r float64) bool { return !math.IsNaN(r) }) < 0) {
			return fmt.Errorf("%s's path is %v, want %v", ds.Nodes[e.Node].Path, got, rates)
		}
		want.Paths = after.Paths // checked for this node; Equal checks the others' count
		for _, p := range before.Paths {
			if p.Node != e.Node && !bitsEqual(after.PathOf(p.Node), p.Rates) {
				return fmt.Errorf("%s's path changed with %s's", ds.Nodes[p.Node].Path, ds.Nodes[e.Node].Path)
			}
		}
	case ResetNode:
		want.Ranges[e.Node] = origin.Ranges[e.Node]
		if e.Node == 0 {
			want.BaseValue = origin.BaseValue
			return nil
		}
		if !bitsEqual(after.PathOf(e.Node), origin.PathOf(e.Node)) {
			return fmt.Errorf("reset %s: path %v, want %v", ds.Nodes[e.Node].Path, after.PathOf(e.Node), origin.PathOf(e.Node))
		}
		want.Paths = after.Paths
	}
	return nil
}
