package forecast

import (
	"fmt"
	"math"

	"iomt/model"
)

// Quote is a solved goal in the words a consultant quotes: the rate to
// enter and the growth the node then shows, what else it moves, and what
// about the answer deserves a second look.
type Quote struct {
	Goal
	// Rate is the rate to enter; MarketGrowth the market's growth with
	// the levers when the market's CAGR is the lever (Rate otherwise).
	Rate, MarketGrowth float64
	// From and To are the years the realised growth is read over: the
	// base year to the goal's year.
	From, To int
	// Realised is the node's CAGR From–To at Rate (RealisedNow as the
	// assumptions stand); MarketRealised the market's at Rate.
	Realised, RealisedNow, MarketRealised float64
	// Share is the node's share of its parent in the goal's year at Rate
	// (ShareNow as things stand); 100 for the total.
	Share, ShareNow float64
	// Siblings are the node's siblings' values in the goal's year before
	// and after, when the rate moves any of them (top-down: always).
	Siblings []Knock
	// Warnings say, in plain words, what makes the answer implausible:
	// a rate outside the dataset's, a share above 90 %, growth more than
	// twice the market's. They warn; the answer stands.
	Warnings []string
}

// Knock is one node's value before and after.
type Knock struct {
	Node          int
	Before, After float64
}

// Warning thresholds of a quote.
const (
	// QuoteShareWarn is the share of its parent above which an answer
	// is warned about: a segment that is nearly all of its parent.
	QuoteShareWarn = 90.0
	// QuoteGrowthWarn is how many times the market's realised growth a
	// segment's may reach before the answer is warned about.
	QuoteGrowthWarn = 2.0
)

// QuoteGoal explains s, a reached solution of g under a.
func QuoteGoal(ds *model.Dataset, a model.Assumptions, g Goal, s Solution) (*Quote, error) {
	if !s.Reached {
		return nil, fmt.Errorf("goal seek: no answer to quote")
	}
	b, err := ds.Apply(a, a, model.Edit{Kind: model.SetGrowth, Node: g.Lever, Value: s.Rate})
	if err != nil {
		return nil, fmt.Errorf("goal seek: %w", err)
	}
	before, after := Project(ds, &a), Project(ds, &b)
	yi := g.Year - ds.BaseYear
	q := &Quote{Goal: g, Rate: s.Rate, MarketGrowth: s.Rate, From: ds.BaseYear, To: g.Year,
		Realised: after.CAGR(g.Node, 0, yi), RealisedNow: before.CAGR(g.Node, 0, yi),
		MarketRealised: after.CAGR(0, 0, yi),
		Share:          after.Share(g.Node, yi), ShareNow: before.Share(g.Node, yi)}
	if g.Lever == 0 {
		q.MarketGrowth = s.Rate + a.DriverSum()
	}
	if g.Node != 0 {
		moved := false
		for _, m := range ds.Groups[ds.Nodes[g.Node].Group].Members {
			if m == g.Node {
				continue
			}
			k := Knock{Node: m, Before: before.Value(m, yi), After: after.Value(m, yi)}
			moved = moved || k.Before != k.After
			q.Siblings = append(q.Siblings, k)
		}
		if !moved {
			q.Siblings = nil
		}
	}
	q.Warnings = quoteWarnings(ds, q)
	return q, nil
}

// quoteWarnings words what deserves a second look in q.
func quoteWarnings(ds *model.Dataset, q *Quote) []string {
	var out []string
	lo, hi := RateSpan(ds)
	if q.Rate < lo || q.Rate > hi {
		out = append(out, fmt.Sprintf("%.2f %% a year is outside the rates the dataset holds (%.2f to %.2f %%)", q.Rate, lo, hi))
	}
	if q.Node == 0 {
		return out
	}
	name := ds.Nodes[q.Node].Path
	if q.Share > QuoteShareWarn {
		of := "the total"
		if p := ds.Nodes[q.Node].Parent; p > 0 {
			of = ds.Nodes[p].Path
		}
		out = append(out, fmt.Sprintf("%s would be %.2f %% of %s in %d", name, q.Share, of, q.Year))
	}
	if m := q.MarketRealised; m > 0 && q.Realised > QuoteGrowthWarn*m {
		out = append(out, fmt.Sprintf("%s would grow %.2f %% a year %d–%d, more than twice the market's %.2f %%", name, q.Realised, q.From, q.To, m))
	}
	return out
}

// RateSpan is the lowest and highest growth rate the dataset itself
// holds: every node's CAGR and the market's years with a rate of their
// own.
func RateSpan(ds *model.Dataset) (lo, hi float64) {
	base := ds.Base()
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, g := range base.Growth {
		lo, hi = min(lo, g), max(hi, g)
	}
	for _, g := range base.YearGrowth {
		if !math.IsNaN(g) {
			lo, hi = min(lo, g), max(hi, g)
		}
	}
	return lo, hi
}
