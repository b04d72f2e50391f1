package model

import (
	"fmt"
	"math"
	"slices"
)

// Mode is the projection method.
type Mode int

const (
	// TopDown grows the total at its own rate and splits it by shares that
	// drift with each segment's growth rate (the report's method).
	TopDown Mode = iota
	// BottomUp grows the driver dimension's segments at their own rates
	// and makes the total their sum.
	BottomUp
)

// String returns the name used in files and on screen.
func (m Mode) String() string {
	if m == BottomUp {
		return "bottom-up"
	}
	return "top-down"
}

// ParseMode reads "top-down" or "bottom-up".
func ParseMode(s string) (Mode, bool) {
	switch s {
	case "top-down", "":
		return TopDown, true
	case "bottom-up":
		return BottomUp, true
	}
	return TopDown, false
}

// Assumptions is the editable state of a scenario: one growth rate, share
// and lock per node, the total's yearly rates and the projection mode.
// Values are percent. Slices are indexed by node (Growth[0] is the
// market's CAGR, Share[0] is 100). An Assumptions value is never modified
// in place once handed out: Apply returns a fresh copy, which is what makes
// undo and redo exact.
type Assumptions struct {
	Mode   Mode
	Driver int // dimension index whose segments drive the total in BottomUp
	Growth []float64
	Share  []float64
	Locked []bool
	// ShareSet[n] says node n's share is as the user set it (an edit, or
	// the scenario file naming it), so a saved file names that share: of
	// two siblings, either one's share gives the other's, and only this
	// says which the user typed. A sibling rebalanced since is no longer
	// as set. It is not part of Equal: it changes no figure.
	ShareSet []bool
	// YearGrowth[i] is the total's growth in year BaseYear+1+i, or NaN to
	// use Growth[0].
	YearGrowth []float64
	// Drivers[i] is the impact of the dataset's lever i (Dataset.Levers:
	// the report's drivers, challenges and opportunities) on the market's
	// growth, in percentage points; 0 leaves the report's figures alone.
	Drivers []float64
	// Ranges[n] is the range node n's growth rate is drawn from in a
	// Monte Carlo run; an unset range (NaN) is DefaultSpread either side.
	Ranges []Range
	// Window is the years the realised CAGR and the change in share are
	// measured over, as a report quotes them (the IoMT report's CAGR is
	// for 2021–2027); the zero Window is the whole forecast.
	Window Window
	// BaseValue is the market's base-year value, in the dataset's unit:
	// the dataset's own unless the scenario sets it (total: {value: X}).
	// Segments keep their shares of it (docs/DESIGN.md §3).
	BaseValue float64
	// Paths are the segments' growth paths (see Path), sorted by node:
	// the years in which a segment grows at a rate of its own.
	Paths []Path
}

// Window is a span of years, From before To; the zero Window is the
// whole forecast, base year to end year.
type Window struct{ From, To int }

// Span returns the window's first and last year in ds: the whole
// forecast for the zero Window.
func (w Window) Span(d *Dataset) (from, to int) {
	if w == (Window{}) {
		return d.BaseYear, d.EndYear
	}
	return w.From, w.To
}

// checkWindow says why w is not a window of d's years, if it is not.
func (d *Dataset) checkWindow(w Window) (string, bool) {
	if w == (Window{}) {
		return "", true
	}
	if w.From < d.BaseYear || w.To > d.EndYear || w.From >= w.To {
		return fmt.Sprintf("%d–%d is no window: two years of %d–%d, the first before the second", w.From, w.To, d.BaseYear, d.EndYear), false
	}
	return "", true
}

// Range is the low and high of a growth rate's range, in percent.
type Range struct{ Lo, Hi float64 }

// IsSet reports whether the range was given (a scenario's
// cagr_range_pct), rather than left to the default spread.
func (r Range) IsSet() bool { return !math.IsNaN(r.Lo) }

// DefaultSpread is how far either side of an entered growth rate a Monte
// Carlo run draws it from when no range is set, in percentage points.
const DefaultSpread = 3.0

// DriverSum is the levers' total impact on the market's growth, in
// percentage points.
func (a *Assumptions) DriverSum() float64 {
	s := 0.0
	for _, d := range a.Drivers {
		s += d
	}
	return s
}

// MarketGrowth is the market's growth in the years without a rate of
// their own: the CAGR entered, plus the levers' impacts.
func (a *Assumptions) MarketGrowth() float64 { return a.Growth[0] + a.DriverSum() }

func (a *Assumptions) growthTotal(r float64) {
	a.Growth = append(a.Growth[:0], r)
	a.Share = append(a.Share[:0], 100)
	a.Locked = append(a.Locked[:0], false)
	a.ShareSet = append(a.ShareSet[:0], false)
	a.Ranges = append(a.Ranges[:0], unsetRange)
}

// unsetRange is a Range left to the default spread.
var unsetRange = Range{Lo: math.NaN(), Hi: math.NaN()}

// Clone returns a deep copy.
func (a Assumptions) Clone() Assumptions {
	a.Growth = slices.Clone(a.Growth)
	a.Share = slices.Clone(a.Share)
	a.Locked = slices.Clone(a.Locked)
	a.ShareSet = slices.Clone(a.ShareSet)
	a.YearGrowth = slices.Clone(a.YearGrowth)
	a.Drivers = slices.Clone(a.Drivers)
	a.Ranges = slices.Clone(a.Ranges)
	a.Paths = clonePaths(a.Paths)
	return a
}

// TotalGrowth returns the total's growth rate in year index yi (1 is the
// first year after the base year): the year's own rate, or the market's
// (the CAGR with the levers' impacts).
func (a *Assumptions) TotalGrowth(yi int) float64 {
	if r := a.YearGrowth[yi-1]; !math.IsNaN(r) {
		return r
	}
	return a.MarketGrowth()
}

// Equal reports whether a and b are bit-identical (NaN equals NaN), in
// every figure and lock (ShareSet, which changes no figure, aside).
func (a Assumptions) Equal(b Assumptions) bool {
	return a.Mode == b.Mode && a.Driver == b.Driver &&
		bitsEqual(a.Growth, b.Growth) && bitsEqual(a.Share, b.Share) &&
		bitsEqual(a.YearGrowth, b.YearGrowth) && slices.Equal(a.Locked, b.Locked) &&
		bitsEqual(a.Drivers, b.Drivers) && rangesEqual(a.Ranges, b.Ranges) && a.Window == b.Window &&
		sameBits(a.BaseValue, b.BaseValue) && pathsEqual(a.Paths, b.Paths)
}

func rangesEqual(a, b []Range) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bitsEqual([]float64{a[i].Lo, a[i].Hi}, []float64{b[i].Lo, b[i].Hi}) {
			return false
		}
	}
	return true
}

func bitsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// EditKind says what an Edit changes.
type EditKind int

// The edits a user can make. Every change to Assumptions is one of these,
// applied by Apply.
const (
	SetGrowth     EditKind = iota // Node's growth rate to Value (node 0: the market's CAGR)
	SetShare                      // Node's base-year share to Value, siblings rebalanced
	SetLock                       // Node's share lock to Lock
	SetYearGrowth                 // Node's growth in Year to Value (NaN clears it): the market's (node 0) or a segment's path
	SetMode                       // projection Mode, with Driver for BottomUp
	ResetNode                     // Node's growth, share and lock back to the origin (the total: its rates and the levers)
	ResetAll                      // everything back to the origin
	SetLever                      // lever Node's impact on the market's growth to Value (pp)
	SetWindow                     // the CAGR window to Window (the zero Window: the whole forecast)
	SetBaseValue                  // the market's base-year value to Value, in the dataset's unit
	SetRange                      // Node's Monte Carlo range to Range (an unset Range: the default spread)
)

// MaxLeverImpact bounds one lever's impact, in percentage points either
// way: a lever is a nudge to the market's growth, not a replacement.
const MaxLeverImpact = 50.0

// Edit is one user change to a scenario.
type Edit struct {
	Kind   EditKind
	Node   int
	Value  float64
	Lock   bool
	Year   int
	Mode   Mode
	Driver int
	Window Window
	Range  Range
}

// Apply returns cur with e applied, or an error saying why the edit is
// refused, in which case nothing changes. origin is the state that resets
// return to (the scenario as opened). Apply never modifies its inputs.
func (d *Dataset) Apply(origin, cur Assumptions, e Edit) (Assumptions, error) {
	switch e.Kind {
	case SetYearGrowth, SetMode, ResetAll, SetLever, SetWindow, SetBaseValue:
	default:
		if e.Node < 0 || e.Node >= len(d.Nodes) {
			return cur, fmt.Errorf("no such segment (node %d)", e.Node)
		}
	}
	next := cur.Clone()
	switch e.Kind {
	case SetBaseValue, SetRange, SetYearGrowth:
		if err := d.applyMore(&next, e); err != nil {
			return cur, err
		}
	case SetGrowth:
		if msg, ok := checkRate(e.Value); !ok {
			return cur, fmt.Errorf("%s", msg)
		}
		next.Growth[e.Node] = e.Value
		followRange(&next, e.Node, cur.Growth[e.Node])
	case SetShare:
		if err := d.setShare(&next, e.Node, e.Value, false); err != nil {
			return cur, err
		}
	case SetLock:
		if e.Node == 0 {
			return cur, fmt.Errorf("the total has no share to lock")
		}
		next.Locked[e.Node] = e.Lock
	case SetMode:
		if e.Mode != TopDown && e.Mode != BottomUp {
			return cur, fmt.Errorf("unknown mode %d", e.Mode)
		}
		// The driver is kept in top-down too (and saved), so it must exist.
		if e.Driver < 0 || e.Driver >= len(d.Dims) {
			return cur, fmt.Errorf("no dimension %d to drive the total", e.Driver)
		}
		next.Mode, next.Driver = e.Mode, e.Driver
	case SetLever:
		if e.Node < 0 || e.Node >= len(d.Levers) {
			return cur, fmt.Errorf("no such lever (%d)", e.Node)
		}
		if math.IsNaN(e.Value) || math.Abs(e.Value) > MaxLeverImpact {
			return cur, fmt.Errorf("a lever moves the market's growth by at most %g pp either way", MaxLeverImpact)
		}
		next.Drivers[e.Node] = e.Value
	case SetWindow:
		w := e.Window
		if w.From == d.BaseYear && w.To == d.EndYear {
			w = Window{} // the whole forecast, however it was typed
		}
		if msg, ok := d.checkWindow(w); !ok {
			return cur, fmt.Errorf("%s", msg)
		}
		next.Window = w
	case ResetNode:
		n := e.Node
		next.Growth[n] = origin.Growth[n]
		next.Ranges[n] = origin.Ranges[n]
		if n == 0 {
			next.YearGrowth = slices.Clone(origin.YearGrowth)
			next.Drivers = slices.Clone(origin.Drivers)
			next.BaseValue = origin.BaseValue
			break
		}
		next.resetPath(&origin, n)
		next.Locked[n] = false
		if err := d.setShare(&next, n, origin.Share[n], true); err != nil {
			return cur, err
		}
		next.Locked[n] = origin.Locked[n]
		next.ShareSet[n] = origin.ShareSet[n]
	case ResetAll:
		return origin.Clone(), nil
	default:
		return cur, fmt.Errorf("unknown edit %d", e.Kind)
	}
	if err := d.checkLevers(&next); err != nil {
		return cur, err
	}
	return next, nil
}

// checkLevers refuses a state whose growth rates, with the levers'
// impacts added, leave the allowed range: the market's, and in bottom-up
// each driver segment's.
func (d *Dataset) checkLevers(a *Assumptions) error {
	sum := a.DriverSum()
	if sum == 0 {
		return nil
	}
	if msg, ok := checkRate(a.Growth[0] + sum); !ok {
		return fmt.Errorf("with the levers' %+g pp, the market's growth would be out of range: %s", sum, msg)
	}
	if a.Mode == BottomUp {
		for _, m := range d.Dims[a.Driver].Top {
			if msg, ok := checkRate(a.Growth[m] + sum); !ok {
				return fmt.Errorf("with the levers' %+g pp, %s's growth would be out of range: %s", sum, d.Nodes[m].Name, msg)
			}
		}
	}
	return nil
}

// shareTolerance absorbs float rounding when checking that an edit keeps
// every share within 0–100 (a share typed as 100 minus the locked ones,
// summed in another order). It is far below the 1e-9 within which every
// set of siblings must add up to 100, since what it lets through is added
// to the group's sum.
const shareTolerance = 1e-12

// setShare sets node n's share to s and rebalances its unlocked siblings in
// proportion to their shares, so the group still adds up to 100. Locked
// siblings keep theirs. With force, the node's own lock is ignored (reset).
func (d *Dataset) setShare(a *Assumptions, n int, s float64, force bool) error {
	node := &d.Nodes[n]
	if n == 0 {
		return fmt.Errorf("the total is always 100 %% of itself")
	}
	if msg, ok := checkShare(s); !ok {
		return fmt.Errorf("%s", msg)
	}
	if a.Locked[n] && !force {
		return fmt.Errorf("%s is locked; unlock it first", node.Name)
	}
	if s == a.Share[n] {
		return nil
	}
	var lockedSum, freeSum float64
	var free []int
	for _, m := range d.Groups[node.Group].Members {
		switch {
		case m == n:
		case a.Locked[m]:
			lockedSum += a.Share[m]
		default:
			free = append(free, m)
			freeSum += a.Share[m]
		}
	}
	need := 100 - s - lockedSum
	if len(free) == 0 {
		return fmt.Errorf("every sibling of %s is locked, so nothing can absorb the change; unlock one", node.Name)
	}
	if need < -shareTolerance {
		return fmt.Errorf("%s at %.2f %% would leave %.2f %% for its unlocked siblings; the most it can take is %.2f %%",
			node.Name, s, need, 100-lockedSum)
	}
	need = max(need, 0)
	for _, m := range free {
		if freeSum > 0 {
			a.Share[m] = a.Share[m] / freeSum * need
		} else {
			// Every unlocked sibling is at zero: share the rest equally.
			a.Share[m] = need / float64(len(free))
		}
		a.ShareSet[m] = false
	}
	a.Share[n] = s
	a.ShareSet[n] = true
	d.snapToBase(a, node.Group)
	return nil
}

// snapToBase restores a group's dataset shares exactly when edits have
// brought every share back to within rounding of them (three steps up
// and three down), so the state is the dataset's again: no unsaved
// marker, no 12.999999999999998 % written into a saved scenario.
func (d *Dataset) snapToBase(a *Assumptions, group int) {
	members := d.Groups[group].Members
	for _, m := range members {
		if math.Abs(a.Share[m]-d.base.Share[m]) > 1e-9 {
			return
		}
	}
	for _, m := range members {
		a.Share[m] = d.base.Share[m]
		a.ShareSet[m] = false
	}
}
