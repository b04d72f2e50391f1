package forecast

import (
	"errors"
	"fmt"
	"math"

	"iomt/internal/numtext"
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

// Solution is the answer to a Goal.
type Solution struct {
	// Reached: Rate makes the node's value equal the target (to 1e-9
	// relative). When not, Nearest is the value closest to the target
	// that an allowed rate gives, at Rate.
	Reached bool
	Rate    float64
	Nearest float64
	// Min and Max are the values the allowed rates give at their ends:
	// what the lever can reach at all.
	Min, Max float64
	// Evals counts the projections the search took.
	Evals int
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
// is met, or an error wrapping ErrUnreachable that says what the lever can
// reach.
func GoalSeek(ds *model.Dataset, a model.Assumptions, g Goal) (float64, error) {
	s, err := Seek(ds, a, g)
	if err != nil {
		return 0, err
	}
	if !s.Reached {
		return 0, unreachable(ds, &a, g, s)
	}
	return s.Rate, nil
}

// UnreachableError says why a goal cannot be met; it wraps
// ErrUnreachable.
type UnreachableError struct{ msg string }

func (e *UnreachableError) Error() string { return e.msg }
func (e *UnreachableError) Unwrap() error { return ErrUnreachable }

// unreachable words why a goal cannot be met, and what would move it.
func unreachable(ds *model.Dataset, a *model.Assumptions, g Goal, s Solution) error {
	lever := ds.Nodes[g.Lever].Path + "'s growth"
	if g.Lever == 0 {
		lever = "the market's CAGR"
	}
	// Amounts as the app writes them: in the dataset's unit, grouped, at
	// the decimals the largest needs (1.8963e-31 is US$ 0.00 bn).
	prec := numtext.Prec(max(math.Abs(g.Target), math.Abs(s.Max)), 2)
	amount := func(v float64) string { return ds.Amount(numtext.Format(v, prec)) }
	if s.Min == s.Max {
		msg := fmt.Sprintf("changing %s does not move %s's value in %d here (it stays %s)",
			lever, nodeLabel(ds, g.Node), g.Year, amount(s.Min))
		switch {
		case a.Mode == model.BottomUp && g.Lever == 0:
			msg += fmt.Sprintf(": in bottom-up the total is the sum of %s's segments; seek one of them, or switch to top-down", ds.Dims[a.Driver].Name)
		case ownRatesTo(ds, a, g.Lever, g.Year):
			msg += fmt.Sprintf(": every year to %d has a growth rate of its own, which the CAGR does not change; their own rates (growth_by_year_pct) do", g.Year)
		}
		return &UnreachableError{msg}
	}
	return &UnreachableError{fmt.Sprintf("%s cannot reach %s in %d by changing %s: any allowed rate gives from %s to %s; the nearest, %s, at %s %% a year",
		nodeLabel(ds, g.Node), amount(g.Target), g.Year, lever, amount(s.Min), amount(s.Max), amount(s.Nearest), numtext.Format(s.Rate, 2))}
}

// Seek solves a Goal. The node's value is monotone in the lever when the
// lever is the node itself, one of its ancestors, or the total, so the
// ends of the allowed range bracket the answer whenever there is one.
// Between them it runs the Illinois variant of regula falsi on the
// logarithm of the value, which grows almost linearly with the rate
// where the value itself grows exponentially: it converges in about ten
// projections where bisection takes sixty. An error is returned only for
// a goal that is not well formed (no such node, not a forecast year, a
// negative or infinite target).
func Seek(ds *model.Dataset, a model.Assumptions, g Goal) (Solution, error) {
	if g.Node < 0 || g.Node >= len(ds.Nodes) || g.Lever < 0 || g.Lever >= len(ds.Nodes) {
		return Solution{}, fmt.Errorf("goal seek: no such segment")
	}
	yi := g.Year - ds.BaseYear
	if yi <= 0 || yi >= ds.Years() {
		return Solution{}, fmt.Errorf("goal seek: year %d is not a forecast year (%d–%d)", g.Year, ds.BaseYear+1, ds.EndYear)
	}
	if math.IsNaN(g.Target) || math.IsInf(g.Target, 0) || g.Target <= 0 {
		return Solution{}, fmt.Errorf("goal seek: target %v must be a value above 0 (only a growth of -100 %% reaches 0)", g.Target)
	}
	// The market's CAGR moves only the years without a rate of their own
	// (2020 in the IoMT dataset), as it does when the user edits it.
	work := a.Clone()
	var r Result
	s := Solution{}
	value := func(rate float64) float64 {
		s.Evals++
		work.Growth[g.Lever] = rate
		ProjectInto(&r, ds, &work)
		return r.Value(g.Node, yi)
	}
	lo, hi := seekLo, seekHi
	vlo, vhi := value(lo), value(hi)
	s.Min, s.Max = min(vlo, vhi), max(vlo, vhi)
	logs := g.Target > 0 && vlo > 0 && vhi > 0
	f := func(v float64) float64 {
		if logs {
			return math.Log(v) - math.Log(g.Target)
		}
		return v - g.Target
	}
	flo, fhi := f(vlo), f(vhi)
	switch {
	case flo == 0:
		s.Reached, s.Rate, s.Nearest = true, lo, vlo
		return s, nil
	case fhi == 0:
		s.Reached, s.Rate, s.Nearest = true, hi, vhi
		return s, nil
	case (flo > 0) == (fhi > 0) || vlo == vhi:
		s.Rate, s.Nearest = lo, vlo
		if math.Abs(vhi-g.Target) < math.Abs(vlo-g.Target) {
			s.Rate, s.Nearest = hi, vhi
		}
		return s, nil
	}
	// Illinois: a secant step inside the bracket; when the same end is
	// kept twice, its function value is halved so the other end moves.
	side := 0
	for range 100 {
		c := (lo*fhi - hi*flo) / (fhi - flo)
		if !(c > lo && c < hi) {
			c = lo + (hi-lo)/2
		}
		vc := value(c)
		fc := f(vc)
		done := math.Abs(vc-g.Target) <= 1e-12*g.Target || hi-lo <= 1e-13*(1+math.Abs(c))
		if fc == 0 || done {
			s.Reached, s.Rate, s.Nearest = true, c, vc
			return s, nil
		}
		if (fc > 0) == (fhi > 0) {
			hi, fhi = c, fc
			if side == -1 {
				flo /= 2
			}
			side = -1
		} else {
			lo, flo = c, fc
			if side == 1 {
				fhi /= 2
			}
			side = 1
		}
	}
	c := lo + (hi-lo)/2
	s.Reached, s.Rate, s.Nearest = true, c, value(c)
	return s, nil
}
