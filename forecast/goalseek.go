package forecast

import (
	"errors"
	"fmt"
	"math"

	"iomt/model"
)

// Goal asks which growth rate of Lever makes Node reach Target in Year.
// Lever 0 is the market's CAGR; any other node is that segment's rate.
type Goal struct {
	Node   int
	Year   int
	Target float64
	Lever  int
}

// ErrUnreachable is returned (wrapped) when no allowed rate reaches the target.
var ErrUnreachable = errors.New("unreachable")

// Seek bounds: the rates a dataset may hold, pulled in slightly so the
// search never evaluates a rate the validator would refuse.
const (
	seekLo = model.MinRate + 0.01
	seekHi = model.MaxRate - 0.01
)

// GoalSeek returns the lever's growth rate, in percent, at which the goal
// is met, by bisection. The node's value is monotone in the lever when the
// lever is the node itself, one of its ancestors, or the total; for other
// levers a root is still found whenever the allowed range brackets one.
// It returns an error wrapping ErrUnreachable when the target lies outside
// what any allowed rate can produce.
func GoalSeek(ds *model.Dataset, a model.Assumptions, g Goal) (float64, error) {
	if g.Node < 0 || g.Node >= len(ds.Nodes) || g.Lever < 0 || g.Lever >= len(ds.Nodes) {
		return 0, fmt.Errorf("goal seek: no such segment")
	}
	yi := g.Year - ds.BaseYear
	if yi <= 0 || yi >= ds.Years() {
		return 0, fmt.Errorf("goal seek: year %d is not a forecast year (%d–%d)", g.Year, ds.BaseYear+1, ds.EndYear)
	}
	if math.IsNaN(g.Target) || math.IsInf(g.Target, 0) || g.Target < 0 {
		return 0, fmt.Errorf("goal seek: target %v must be a finite, non-negative value", g.Target)
	}
	// The market's CAGR moves only the years without a rate of their own
	// (2020 in the IoMT dataset), as it does when the user edits it.
	work := a.Clone()
	var r Result
	f := func(rate float64) float64 {
		work.Growth[g.Lever] = rate
		ProjectInto(&r, ds, &work)
		return r.Value(g.Node, yi) - g.Target
	}
	lo, hi := seekLo, seekHi
	flo, fhi := f(lo), f(hi)
	if flo == 0 {
		return lo, nil
	}
	if fhi == 0 {
		return hi, nil
	}
	if (flo > 0) == (fhi > 0) {
		return 0, fmt.Errorf("%s cannot reach %.6g in %d by changing %s's growth (it ranges from %.6g to %.6g): %w",
			ds.Nodes[g.Node].Path, g.Target, g.Year, ds.Nodes[g.Lever].Path, flo+g.Target, fhi+g.Target, ErrUnreachable)
	}
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid == lo || mid == hi {
			break
		}
		fm := f(mid)
		if fm == 0 {
			return mid, nil
		}
		if (fm > 0) == (flo > 0) {
			lo, flo = mid, fm
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2, nil
}
