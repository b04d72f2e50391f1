package forecast

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"iomt/model"
)

// ParamKind is what a sensitivity parameter moves.
type ParamKind int

// The kinds of parameter a tornado varies.
const (
	ParamGrowth     ParamKind = iota // a node's growth rate (node 0: the market's CAGR)
	ParamYearGrowth                  // a node's growth in one year with a rate of its own: the market's (node 0) or a segment's path
	ParamShare                       // a segment's base-year share
	ParamBaseValue                   // the market's base-year value (data tables only: it is no rate)
	ParamLever                       // lever Node's impact on the market's growth, in pp (data tables only)
)

// Param is one assumption a tornado varies.
type Param struct {
	Kind ParamKind
	Node int // the node whose rate or share it is (0 for the market); the lever, for ParamLever
	Year int // the year, for ParamYearGrowth
	// Name is the parameter as the XLSX Inputs sheet writes it:
	// Total/cagr_pct, Total/growth_by_year_pct/2020,
	// Region/Asia-Pacific/cagr_pct, Region/Asia-Pacific/share_pct,
	// Region/Asia-Pacific/growth_by_year_pct/2024 (and for data tables
	// Total/value, Levers/NAME).
	Name string
}

// Bar is one parameter's effect: the node's value with the parameter
// moved down by Delta (Low) and up by Delta (High), and the swing between
// them. Low is not always the smaller: a parameter that takes from the
// node (a sibling's share) moves it the other way. A move the model
// refuses (a share below 0, a rate out of range) leaves that side at the
// base value, with the reason in LowRefused or HighRefused.
type Bar struct {
	Param
	Low, High               float64
	Swing                   float64 // |High − Low|
	LowRefused, HighRefused string
}

// MaxDelta is the largest move a tornado makes either way, in percentage
// points: beyond it most shares cannot move down at all, and the ranking
// says more about the limits than about the market.
const MaxDelta = 50

// MinDelta is the smallest move a tornado makes, in percentage points. A
// move must change every rate and share it touches, and every step of
// the projection after it: 18.5 + 5e-324 is 18.5, and even a rate that
// did change by a few units in the last place was lost again in
// 1 + rate/100, so every parameter read as unable to move the node, a
// false reason. A thousandth of a point changes 1 + rate/100 by 1e-5,
// ten orders of magnitude above its rounding for any rate allowed, and is
// finer than any figure a market report gives.
const MinDelta = 0.001

// Unranked is a parameter that cannot move the node in this mode, and
// why; Switch, when not nil, is the mode in which it would.
type Unranked struct {
	Param
	Why    string
	Switch *ModeSwitch
}

// Tornado is a sensitivity analysis of one node's value in one year.
type Tornado struct {
	Node, Year int
	Delta      float64 // percentage points either way
	Base       float64 // the node's value as the assumptions stand
	Bars       []Bar   // by swing, largest first
	Unranked   []Unranked
}

// Sensitivity moves, one at a time, every assumption that can move node's
// value in year by ±delta percentage points, and ranks them by the swing
// of that value: the market's CAGR and the market's years with a rate of
// their own; the growth rates and shares of the node, its ancestors and
// their siblings; in bottom-up, the driver segments'. A share moved is
// rebalanced against its siblings as the dashboard does; a move refused
// (a locked share, a share below 0) leaves that side at the base value.
// Parameters that do not move the node at all in this mode are listed in
// Unranked with the reason.
func Sensitivity(ds *model.Dataset, a model.Assumptions, node, year int, delta float64) (*Tornado, error) {
	p, err := PlanSensitivity(ds, a, node, year, delta)
	if err != nil {
		return nil, err
	}
	p.Run(0, p.Len())
	return p.Tornado(), nil
}

// SensitivityPlan is a sensitivity analysis cut into steps, one per
// parameter, for a caller that schedules the work itself: the dashboard
// runs them in bounded tasks through its analysis pool, so that a tornado
// of a large dataset (1,000 projections of 15,151 nodes × 51 years, 5 s)
// neither holds a core for seconds nor keeps others waiting. Steps write
// only their own results: Run calls over disjoint ranges may go at once.
type SensitivityPlan struct {
	ds     *model.Dataset
	a      model.Assumptions
	node   int
	yi     int
	delta  float64
	base   float64
	params []Param
	bars   []Bar // one per parameter, written by Run
}

// PlanSensitivity checks the question and projects the assumptions as
// they stand, once; Sensitivity says what the analysis does.
func PlanSensitivity(ds *model.Dataset, a model.Assumptions, node, year int, delta float64) (*SensitivityPlan, error) {
	if node < 0 || node >= len(ds.Nodes) {
		return nil, fmt.Errorf("sensitivity: no such segment")
	}
	yi := year - ds.BaseYear
	if yi < 0 || yi >= ds.Years() {
		return nil, fmt.Errorf("sensitivity: year %d is outside %d–%d", year, ds.BaseYear, ds.EndYear)
	}
	switch {
	case math.IsNaN(delta) || delta <= 0:
		return nil, fmt.Errorf("sensitivity: a change of %v pp; give a positive one, from %g to %d", delta, MinDelta, MaxDelta)
	case delta < MinDelta:
		return nil, fmt.Errorf("sensitivity: a change of %v pp is too small to move a rate (below %g pp it is lost to rounding); give one from %g to %d", delta, MinDelta, MinDelta, MaxDelta)
	case delta > MaxDelta:
		return nil, fmt.Errorf("sensitivity: a change of %v pp is more than %d, the most an assumption moves either way; give one from %g to %d", delta, MaxDelta, MinDelta, MaxDelta)
	}
	p := &SensitivityPlan{ds: ds, a: a, node: node, yi: yi, delta: delta, params: params(ds, &a, node)}
	var r Result
	ProjectInto(&r, ds, &a)
	p.base = r.Value(node, yi)
	p.bars = make([]Bar, len(p.params))
	return p, nil
}

// Len is the number of steps: two projections each.
func (p *SensitivityPlan) Len() int { return len(p.params) }

// Run moves the parameters from (inclusive) to to (exclusive).
func (p *SensitivityPlan) Run(from, to int) {
	var r Result
	value := func(b *model.Assumptions) float64 {
		ProjectInto(&r, p.ds, b)
		return r.Value(p.node, p.yi)
	}
	for i := from; i < to; i++ {
		par := p.params[i]
		bar := Bar{Param: par, Low: p.base, High: p.base}
		for side, d := range []float64{-p.delta, p.delta} {
			b, err := p.ds.Apply(p.a, p.a, par.edit(p.ds, &p.a, d))
			switch {
			case err != nil && side == 0:
				bar.LowRefused = err.Error()
			case err != nil:
				bar.HighRefused = err.Error()
			case side == 0:
				bar.Low = value(&b)
			default:
				bar.High = value(&b)
			}
		}
		p.bars[i] = bar
	}
}

// Tornado ranks the moves, once every step has run.
func (p *SensitivityPlan) Tornado() *Tornado {
	ds, year := p.ds, p.ds.BaseYear+p.yi
	t := &Tornado{Node: p.node, Year: year, Delta: p.delta, Base: p.base}
	for _, bar := range p.bars {
		if bar.Low == t.Base && bar.High == t.Base {
			w, sw := reason(ds, &p.a, p.node, year, bar.Param)
			if bar.LowRefused != "" && bar.HighRefused != "" {
				w, sw = "cannot move ±"+strconv.FormatFloat(p.delta, 'g', -1, 64)+" pp: "+bar.LowRefused, nil
			}
			t.Unranked = append(t.Unranked, Unranked{Param: bar.Param, Why: w, Switch: sw})
			continue
		}
		bar.Swing = math.Abs(bar.High - bar.Low)
		t.Bars = append(t.Bars, bar)
	}
	slices.SortStableFunc(t.Bars, func(x, y Bar) int { return cmp.Compare(y.Swing, x.Swing) })
	return t
}

// edit is the change that moves p by d from the assumptions a.
func (p Param) edit(ds *model.Dataset, a *model.Assumptions, d float64) model.Edit {
	return p.Set(p.Value(ds, a) + d)
}

// Value is the parameter's value under a.
func (p Param) Value(ds *model.Dataset, a *model.Assumptions) float64 {
	switch p.Kind {
	case ParamYearGrowth:
		if r, ok := a.YearRate(p.Node, p.Year-ds.BaseYear); ok {
			return r
		}
		return math.NaN()
	case ParamShare:
		return a.Share[p.Node]
	case ParamBaseValue:
		return a.BaseValue
	case ParamLever:
		return a.Drivers[p.Node]
	}
	return a.Growth[p.Node]
}

// Set is the edit that gives the parameter the value v.
func (p Param) Set(v float64) model.Edit {
	switch p.Kind {
	case ParamYearGrowth:
		return model.Edit{Kind: model.SetYearGrowth, Node: p.Node, Year: p.Year, Value: v}
	case ParamShare:
		return model.Edit{Kind: model.SetShare, Node: p.Node, Value: v}
	case ParamBaseValue:
		return model.Edit{Kind: model.SetBaseValue, Value: v}
	case ParamLever:
		return model.Edit{Kind: model.SetLever, Node: p.Node, Value: v}
	}
	return model.Edit{Kind: model.SetGrowth, Node: p.Node, Value: v}
}

// params lists what can move node: the market's rates, then along the
// node's path each node's and its siblings' rates and shares, then in
// bottom-up the driver segments'.
func params(ds *model.Dataset, a *model.Assumptions, node int) []Param {
	var out []Param
	seen := map[string]bool{}
	add := func(p Param) {
		if !seen[p.Name] {
			seen[p.Name] = true
			out = append(out, p)
		}
	}
	add(Param{Kind: ParamGrowth, Node: 0, Name: "Total/cagr_pct"})
	for i, r := range a.YearGrowth {
		if !math.IsNaN(r) {
			y := ds.BaseYear + 1 + i
			add(Param{Kind: ParamYearGrowth, Year: y, Name: "Total/growth_by_year_pct/" + strconv.Itoa(y)})
		}
	}
	segment := func(n int) {
		add(Param{Kind: ParamGrowth, Node: n, Name: ds.Nodes[n].Path + "/cagr_pct"})
		add(Param{Kind: ParamShare, Node: n, Name: ds.Nodes[n].Path + "/share_pct"})
		// Each year of the segment's path is a rate of its own.
		for i, r := range a.PathOf(n) {
			if !math.IsNaN(r) {
				y := ds.BaseYear + 1 + i
				add(Param{Kind: ParamYearGrowth, Node: n, Year: y, Name: ds.Nodes[n].Path + "/growth_by_year_pct/" + strconv.Itoa(y)})
			}
		}
	}
	for n := node; n > 0; n = ds.Nodes[n].Parent {
		for _, m := range ds.Groups[ds.Nodes[n].Group].Members {
			segment(m)
		}
	}
	if a.Mode == model.BottomUp {
		for _, m := range ds.Dims[a.Driver].Top {
			segment(m)
		}
	}
	return out
}

// ownRatesTo reports whether every year from the first forecast year to
// year has a growth rate of its own for node n (the market's, or a
// segment's path), so its CAGR does not reach it.
func ownRatesTo(ds *model.Dataset, a *model.Assumptions, n, year int) bool {
	for y := ds.BaseYear + 1; y <= year; y++ {
		if _, ok := a.YearRate(n, y-ds.BaseYear); !ok {
			return false
		}
	}
	return year > ds.BaseYear
}

func nodeLabel(ds *model.Dataset, n int) string {
	if n == 0 {
		return "the total"
	}
	return ds.Nodes[n].Path
}
