package forecast

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"iomt/internal/numtext"
	"iomt/model"
)

// A data table is the sensitivity grid of a banker's model: one node's
// value in one year over a grid of two assumptions, every cell a
// projection of the scenario with the row's and the column's parameter
// set to their values.

// MaxTableCells bounds a data table: 10,000 projections, a few tenths of
// a second on the IoMT dataset, and more than any screen or sheet reads.
const MaxTableCells = 10_000

// Axis is one side of a data table: a parameter and its values.
type Axis struct {
	Param  Param
	Values []float64
}

// AxisValues are low, low+step, … up to high (within rounding): at
// least one value. A step of 0 or less, or a high below the low, is an
// error; so is an axis of more than MaxTableCells values.
func AxisValues(low, high, step float64) ([]float64, error) {
	switch {
	case !finiteAll(low, high, step):
		return nil, fmt.Errorf("LOW:HIGH:STEP must be finite numbers")
	case step <= 0:
		return nil, fmt.Errorf("a step of %g: give a step above 0", step)
	case high < low:
		return nil, fmt.Errorf("the high %g is below the low %g", high, low)
	}
	span := (high - low) / step
	if span+1 > MaxTableCells {
		return nil, fmt.Errorf("%s to %s by %s is more than %s values", typed(low), typed(high), typed(step), numtext.Group(strconv.Itoa(MaxTableCells)))
	}
	n := int(math.Floor(span+1e-9)) + 1
	out := make([]float64, n)
	for i := range out {
		// Each value from the low, not by adding steps: 0.1 added ten
		// times is not 1.
		out[i] = low + float64(i)*step
		if i > 0 && !(out[i] > out[i-1]) {
			return nil, fmt.Errorf("a step of %g is too small for values near %g: two values would be the same number", step, out[i])
		}
	}
	return out, nil
}

// typed writes a number as a person types it: 1000000, not 1e+06.
func typed(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func finiteAll(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// ParseParam finds the parameter an XLSX Inputs path names:
// Total/value, Total/cagr_pct, Total/growth_by_year_pct/YEAR,
// Levers/NAME, and for a segment PATH/cagr_pct, PATH/share_pct and
// PATH/growth_by_year_pct/YEAR. Paths and names match in any case.
func ParseParam(ds *model.Dataset, name string) (Param, error) {
	const help = "name it as the XLSX Inputs sheet does: Total/value, Total/cagr_pct, Total/growth_by_year_pct/YEAR, Levers/NAME, or a segment's PATH/cagr_pct, PATH/share_pct, PATH/growth_by_year_pct/YEAR"
	if lever, ok := cutPrefixFold(name, "Levers/"); ok {
		for i, l := range ds.Levers {
			if strings.EqualFold(l.Name, lever) {
				return Param{Kind: ParamLever, Node: i, Name: "Levers/" + l.Name}, nil
			}
		}
		return Param{}, fmt.Errorf("no lever %q among the dataset's drivers, challenges and opportunities", lever)
	}
	i := strings.LastIndex(name, "/")
	if i <= 0 {
		return Param{}, fmt.Errorf("%q is no parameter: %s", name, help)
	}
	path, field := name[:i], name[i+1:]
	year := 0
	if j := strings.LastIndex(path, "/"); j > 0 && strings.EqualFold(path[j+1:], model.FieldGrowthByYear) {
		y, err := strconv.Atoi(field)
		if err != nil {
			return Param{}, fmt.Errorf("%q: growth_by_year_pct takes a year, such as %s/%s/%d", name, path[:j], model.FieldGrowthByYear, ds.BaseYear+1)
		}
		path, field, year = path[:j], model.FieldGrowthByYear, y
	}
	n, err := ds.Resolve(path)
	if err != nil {
		return Param{}, fmt.Errorf("%q: %w", name, err)
	}
	full := model.TotalName
	if n != 0 {
		full = ds.Nodes[n].Path
	}
	switch {
	case strings.EqualFold(field, model.FieldCAGR):
		return Param{Kind: ParamGrowth, Node: n, Name: full + "/" + model.FieldCAGR}, nil
	case strings.EqualFold(field, model.FieldShare) && n != 0:
		return Param{Kind: ParamShare, Node: n, Name: full + "/" + model.FieldShare}, nil
	case strings.EqualFold(field, "value") && n == 0:
		return Param{Kind: ParamBaseValue, Name: model.TotalName + "/value"}, nil
	case field == model.FieldGrowthByYear:
		if year <= ds.BaseYear || year > ds.EndYear {
			return Param{}, fmt.Errorf("%q: year %d is outside the forecast years %d–%d", name, year, ds.BaseYear+1, ds.EndYear)
		}
		return Param{Kind: ParamYearGrowth, Node: n, Year: year, Name: full + "/" + model.FieldGrowthByYear + "/" + strconv.Itoa(year)}, nil
	case n == 0:
		return Param{}, fmt.Errorf("%q: the total has value, cagr_pct and growth_by_year_pct/YEAR", name)
	}
	return Param{}, fmt.Errorf("%q: a segment has cagr_pct, share_pct and growth_by_year_pct/YEAR", name)
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// DataTable is a node's value in a year over two parameters' values.
type DataTable struct {
	Node, Year int
	Rows, Cols Axis
	// Base is the node's value as the assumptions stand.
	Base float64
	// Cells are row-major: Cells[r*len(Cols.Values)+c]; NaN where the
	// model refuses the pair of values (a share past 100 %).
	Cells []float64
	// Refused counts the refused cells; Refusal is the first reason.
	Refused int
	Refusal string
	// CurRow and CurCol are the row and column of the parameters'
	// values as the assumptions stand, -1 when no value of the axis is.
	CurRow, CurCol int
}

// Cell is the value at row r, column c.
func (t *DataTable) Cell(r, c int) float64 { return t.Cells[r*len(t.Cols.Values)+c] }

// DataTablePlan is a data table cut into steps, one per row, for a
// caller that schedules the work itself (the dashboard's analysis pool);
// Run calls over disjoint rows may go at once.
type DataTablePlan struct {
	ds      *model.Dataset
	a       model.Assumptions
	t       *DataTable
	yi      int
	refused []string // by cell, written by Run
}

// PlanDataTable checks the question: the node and year, two different
// parameters, at most MaxTableCells cells, and each parameter able to
// move the node's value in the year (one that cannot is an error saying
// why, as the tornado says).
func PlanDataTable(ds *model.Dataset, a model.Assumptions, node, year int, rows, cols Axis) (*DataTablePlan, error) {
	if node < 0 || node >= len(ds.Nodes) {
		return nil, fmt.Errorf("data table: no such segment")
	}
	yi := year - ds.BaseYear
	if yi < 0 || yi >= ds.Years() {
		return nil, fmt.Errorf("data table: year %d is outside %d–%d", year, ds.BaseYear, ds.EndYear)
	}
	switch {
	case rows.Param.Name == cols.Param.Name:
		return nil, fmt.Errorf("data table: the rows and the columns both vary %s; give two parameters", rows.Param.Name)
	case len(rows.Values) == 0 || len(cols.Values) == 0:
		return nil, fmt.Errorf("data table: an axis without values")
	case len(rows.Values)*len(cols.Values) > MaxTableCells:
		return nil, fmt.Errorf("data table: %d × %d = %s cells, more than %s", len(rows.Values), len(cols.Values),
			numtext.Group(strconv.Itoa(len(rows.Values)*len(cols.Values))), numtext.Group(strconv.Itoa(MaxTableCells)))
	}
	p := &DataTablePlan{ds: ds, a: a, yi: yi}
	r := Project(ds, &a)
	p.t = &DataTable{Node: node, Year: year, Rows: rows, Cols: cols, Base: r.Value(node, yi),
		Cells:  make([]float64, len(rows.Values)*len(cols.Values)),
		CurRow: current(ds, &a, rows), CurCol: current(ds, &a, cols)}
	p.refused = make([]string, len(p.t.Cells))
	for i, ax := range []Axis{rows, cols} {
		if err := p.moves(ax); err != nil {
			ae := &AxisError{Cols: i == 1, Err: err}
			if nm, ok := err.(*notMoving); ok {
				ae.Err, ae.Switch = nm.error, nm.sw
			}
			return nil, ae
		}
	}
	return p, nil
}

// AxisError is a data table's axis that cannot work: its parameter
// cannot move the node, or the model refuses each of its values. Cols
// tells the columns' axis from the rows'; Switch, when not nil, is the
// mode in which the parameter would move the node.
type AxisError struct {
	Cols   bool
	Err    error
	Switch *ModeSwitch
}

// notMoving is a parameter that cannot move the node, and the mode in
// which it would.
type notMoving struct {
	error
	sw *ModeSwitch
}

func (e *AxisError) Error() string { return e.Err.Error() }
func (e *AxisError) Unwrap() error { return e.Err }

// current is the index of the axis value the parameter has in a, or -1.
func current(ds *model.Dataset, a *model.Assumptions, ax Axis) int {
	v := ax.Param.Value(ds, a)
	return slices.IndexFunc(ax.Values, func(x float64) bool { return math.Abs(x-v) <= 1e-9*max(1, math.Abs(v)) })
}

// moves says why ax's parameter cannot move the node's value, if it
// cannot: the model refuses every value of the axis, or neither they
// nor a step either side of the parameter's value as it stands (an axis
// of one value, the current one, moves nothing though its parameter
// may) give the node another value, the other parameter as it stands.
func (p *DataTablePlan) moves(ax Axis) error {
	t := p.t
	var r Result
	moved := func(v float64) (bool, error) {
		b, err := p.ds.Apply(p.a, p.a, ax.Param.Set(v))
		if err != nil {
			return false, err
		}
		ProjectInto(&r, p.ds, &b)
		return r.Value(t.Node, p.yi) != t.Base, nil
	}
	var refusal error
	refused := 0
	for _, v := range ax.Values {
		ok, err := moved(v)
		if ok {
			return nil
		}
		if err != nil {
			refusal = err
			refused++
		}
	}
	if refused == len(ax.Values) {
		return fmt.Errorf("data table: the model refuses every value of %s: %w", ax.Param.Name, refusal)
	}
	cur := ax.Param.Value(p.ds, &p.a)
	if math.IsNaN(cur) {
		cur = p.a.Growth[ax.Param.Node] // a year that grows at the CAGR
	}
	step := 1.0
	if ax.Param.Kind == ParamBaseValue {
		step = cur / 100
	}
	for _, v := range []float64{cur - step, cur + step} {
		if ok, _ := moved(v); ok {
			return nil
		}
	}
	w, sw := reason(p.ds, &p.a, t.Node, t.Year, ax.Param)
	return &notMoving{fmt.Errorf("data table: %s does not move %s in %d: %s", ax.Param.Name, nodeLabel(p.ds, t.Node), t.Year, w), sw}
}

// Len is the number of steps: the rows.
func (p *DataTablePlan) Len() int { return len(p.t.Rows.Values) }

// Cells is the table's size in cells, a projection each.
func (p *DataTablePlan) Cells() int { return len(p.t.Cells) }

// Run computes rows from (inclusive) to to (exclusive).
func (p *DataTablePlan) Run(from, to int) {
	t := p.t
	cols := len(t.Cols.Values)
	var r Result
	for ri := from; ri < to; ri++ {
		b, rerr := p.rowAssumptions(t.Rows.Values[ri])
		for ci, cv := range t.Cols.Values {
			i := ri*cols + ci
			if rerr != nil {
				t.Cells[i], p.refused[i] = math.NaN(), t.Rows.Param.Name+": "+rerr.Error()
				continue
			}
			c, why := p.cellAssumptions(&b, t.Rows.Values[ri], cv)
			if why != "" {
				t.Cells[i], p.refused[i] = math.NaN(), why
				continue
			}
			ProjectInto(&r, p.ds, &c)
			t.Cells[i] = r.Value(t.Node, p.yi)
		}
	}
}

// sharePair reports whether both axes are shares of one set of
// siblings: setting the second rebalances the first, so a cell must hold
// the first in place while the second is set.
func (p *DataTablePlan) sharePair() bool {
	rp, cp := p.t.Rows.Param, p.t.Cols.Param
	return rp.Kind == ParamShare && cp.Kind == ParamShare && p.ds.Nodes[rp.Node].Group == p.ds.Nodes[cp.Node].Group
}

// rowAssumptions are the assumptions with the rows' parameter at v; for
// a pair of shares of one set of siblings, with that share locked, as
// the dashboard's lock holds a share while a sibling's is typed.
func (p *DataTablePlan) rowAssumptions(v float64) (model.Assumptions, error) {
	b, err := p.ds.Apply(p.a, p.a, p.t.Rows.Param.Set(v))
	if err != nil || !p.sharePair() {
		return b, err
	}
	return p.ds.Apply(p.a, b, model.Edit{Kind: model.SetLock, Node: p.t.Rows.Param.Node, Lock: true})
}

// cellAssumptions are b, the rows' parameter at rv, with the columns'
// at cv, or why the model refuses them. Two shares of one set of
// siblings hold both as given, whichever axis they are on, exactly as a
// scenario file naming both does (the other siblings share the rest in
// proportion), and are refused when they cannot both hold.
func (p *DataTablePlan) cellAssumptions(b *model.Assumptions, rv, cv float64) (model.Assumptions, string) {
	rp, cp := p.t.Rows.Param, p.t.Cols.Param
	if !p.sharePair() {
		c, err := p.ds.Apply(p.a, *b, cp.Set(cv))
		if err != nil {
			return c, cp.Name + ": " + err.Error()
		}
		return c, ""
	}
	var locked float64
	free := 0
	for _, m := range p.ds.Groups[p.ds.Nodes[rp.Node].Group].Members {
		switch {
		case m == rp.Node || m == cp.Node:
		case p.a.Locked[m]:
			locked += p.a.Share[m]
		default:
			free++
		}
	}
	sum := rv + cv + locked
	pair := fmt.Sprintf("%s at %s %% and %s at %s %%", rp.Name, fmtAxis(rv), cp.Name, fmtAxis(cv))
	if locked > 0 {
		pair += fmt.Sprintf(" with the locked %s %%", fmtAxis(locked))
	}
	const tol = 1e-9 // the sum of values typed to a few decimals
	switch {
	case sum > 100+tol:
		return *b, fmt.Sprintf("%s add up to %s %%: shares of one set of siblings add up to 100 %% at most", pair, fmtAxis(sum))
	case free == 0 && sum < 100-tol:
		return *b, fmt.Sprintf("%s add up to %s %%; with no other sibling to take the rest they must add up to 100 %%", pair, fmtAxis(sum))
	case free == 0:
		// The rows' share left the columns' what it is given, within
		// rounding: there is no other sibling to move.
		c := b.Clone()
		c.Locked[rp.Node] = p.a.Locked[rp.Node]
		return c, ""
	}
	c, err := p.ds.Apply(p.a, *b, cp.Set(cv))
	if err != nil {
		return c, cp.Name + ": " + err.Error()
	}
	c.Locked[rp.Node] = p.a.Locked[rp.Node] // c is Apply's own copy
	return c, ""
}

// fmtAxis writes an axis value as typed: 12.5, not 12.500000.
// A sum is rounded to a millionth first: 0.1 + 0.2 is no 0.30000000000000004 here.
func fmtAxis(v float64) string { return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64) }

// Table is the data table, once every row has run.
func (p *DataTablePlan) Table() *DataTable {
	t := p.t
	t.Refused, t.Refusal = 0, ""
	for _, why := range p.refused {
		if why != "" {
			if t.Refused == 0 {
				t.Refusal = why
			}
			t.Refused++
		}
	}
	return t
}

// MakeDataTable computes a data table at once; see PlanDataTable.
func MakeDataTable(ds *model.Dataset, a model.Assumptions, node, year int, rows, cols Axis) (*DataTable, error) {
	p, err := PlanDataTable(ds, a, node, year, rows, cols)
	if err != nil {
		return nil, err
	}
	p.Run(0, p.Len())
	return p.Table(), nil
}
