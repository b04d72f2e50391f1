package ui

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/forecast"
	"iomt/model"
)

// dataTableDialog is the data table of the selected row: its value in a
// year over a grid of two assumptions, the sensitivity grid of a
// banker's model. The two are picked from the tornado's list (what moves
// the row, largest swing first; the first two to begin with): ↑/↓ change
// the parameter of the axis tab chose, +/- its step, >/< the size of the
// grid (3 to 15 values an axis), ←/→ the year. The grid is centred on
// the values as they stand, whose cell is marked, and shaded by value.
// The tornado and the table run in commands, through the dashboard's
// Analysis: a 15×15 table is 225 projections.
type dataTableDialog struct {
	e   env
	run Analysis
	pending
	gen, seq      int
	computing     bool
	node, year    int
	params        []forecast.Param // the tornado's list, once computed
	pick          [2]int           // rows', columns' parameter: indices into params
	chosen        [2]string        // rows', columns' parameter as picked, by name: kept over a change of year
	step          [2]int           // rows', columns' step: indices into dtSteps
	size          [2]int           // values an axis, odd, 3 to dtMaxSize
	axis          int              // the axis ↑/↓, +/- and >/< change: 0 rows, 1 columns
	t             *forecast.DataTable
	err           string
	width, height int
}

// dataTableMsg is the answer to question seq of the dialog gen: the
// tornado's list when asked for, and the table, or why there is none.
type dataTableMsg struct {
	gen, seq int
	params   []forecast.Param
	pick     [2]int // the parameters chosen, in params
	t        *forecast.DataTable
	err      error
}

func (m dataTableMsg) runOf() int { return m.gen }

// dtMaxSize is the largest grid, values an axis.
const dtMaxSize = 15

// dtSteps are the steps an axis moves by: percentage points for rates,
// shares and levers, percent of the value as it stands for the market's
// size.
var dtSteps = []float64{0.1, 0.25, 0.5, 1, 2, 5, 10}

func newDataTableDialog(e env, gen int, run Analysis) (*dataTableDialog, tea.Cmd) {
	d := &dataTableDialog{e: e, run: run, gen: gen, node: e.sel.selected(), year: e.ds.EndYear,
		pick: [2]int{0, 1}, step: [2]int{3, 3}, size: [2]int{7, 7}}
	return d, d.compute(true)
}

func (d *dataTableDialog) runs() int { return d.gen }

// compute asks for the table as the screen stands (and first the
// tornado's list, when list is set or there is none yet); an answer to
// a question asked before is dropped, and its work stopped.
func (d *dataTableDialog) compute(list bool) tea.Cmd {
	d.seq++
	d.computing = true
	ctx, run, gen, seq := d.restart(), d.run, d.gen, d.seq
	ds, a, node, year := d.e.ds, d.e.scen.Assumptions(), d.node, d.year
	params, pick, steps, size, chosen := d.params, d.pick, d.step, d.size, d.chosen
	if list {
		params = nil
	}
	return func() tea.Msg {
		msg := dataTableMsg{gen: gen, seq: seq}
		if params == nil {
			t, err := sensitivityThrough(ctx, run, ds, a, node, year, 1)
			if err != nil {
				return dataTableMsg{gen: gen, seq: seq, err: err}
			}
			for _, b := range t.Bars {
				params = append(params, b.Param)
			}
			pick = picksIn(params, chosen)
			msg.params, msg.pick = params, pick
		}
		if len(params) < 2 {
			msg.err = fmt.Errorf("fewer than two assumptions move %s in %d here: nothing to table (t says why)", nodeName(ds, node), year)
			return msg
		}
		rows, cols := dtAxis(ds, &a, params[pick[0]], steps[0], size[0]), dtAxis(ds, &a, params[pick[1]], steps[1], size[1])
		var plan *forecast.DataTablePlan
		var perr error
		if err := run.Run(ctx, []func(){func() { plan, perr = forecast.PlanDataTable(ds, a, node, year, rows, cols) }}); err != nil {
			return dataTableMsg{gen: gen, seq: seq, err: err}
		}
		if perr == nil {
			perr = run.Run(ctx, tasks(plan.Len(), len(cols.Values)*len(ds.Nodes)*ds.Years(), plan.Run))
		}
		if perr != nil {
			msg.err = perr
			return msg
		}
		msg.t = plan.Table()
		return msg
	}
}

// dtAxis is an axis of size values of p around its value in a, step
// dtSteps[step] apart, leaving out those no scenario can hold (a share
// below 0 or past 100, a rate at −100 % or below).
func dtAxis(ds *model.Dataset, a *model.Assumptions, p forecast.Param, step, size int) forecast.Axis {
	v := p.Value(ds, a)
	by := dtSteps[step]
	if p.Kind == forecast.ParamBaseValue {
		by = v * by / 100
	}
	ax := forecast.Axis{Param: p}
	for i := range size {
		x := v + float64(i-size/2)*by
		switch {
		case p.Kind == forecast.ParamShare && (x < 0 || x > 100),
			p.Kind == forecast.ParamBaseValue && x <= 0,
			p.Kind == forecast.ParamLever && math.Abs(x) > model.MaxLeverImpact,
			(p.Kind == forecast.ParamGrowth || p.Kind == forecast.ParamYearGrowth) && (x <= model.MinRate || x >= model.MaxRate):
			continue
		}
		ax.Values = append(ax.Values, x)
	}
	return ax
}

func (d *dataTableDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	if msg, ok := msg.(dataTableMsg); ok {
		if msg.seq == d.seq {
			d.computing = false
			d.pending.stop()
			if msg.params != nil {
				d.params, d.pick = msg.params, msg.pick
				for axis, i := range d.pick {
					if d.chosen[axis] == "" && i < len(d.params) {
						d.chosen[axis] = d.params[i].Name
					}
				}
			}
			d.t, d.err = msg.t, ""
			if msg.err != nil {
				d.err = msg.err.Error()
				if ae := (*forecast.AxisError)(nil); errors.As(msg.err, &ae) {
					d.err += modeKey(d.e, ae.Switch, "; ")
				}
			}
		}
		return stay(d), nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(d), nil
	}
	keys := d.e.look.keys
	switch {
	case key.Matches(k, keys.Cancel, keys.DataTable):
		return done(nil), nil
	case d.params == nil:
		return stay(d), nil // still listing what moves the row
	case key.Matches(k, keys.Field):
		d.axis = 1 - d.axis
		return stay(d), nil
	case key.Matches(k, keys.Up, keys.Down):
		by := 1
		if key.Matches(k, keys.Up) {
			by = -1
		}
		d.pick[d.axis] = d.nextParam(by)
		d.chosen[d.axis] = d.params[d.pick[d.axis]].Name
	case key.Matches(k, keys.GrowthUp, keys.GrowthDown):
		by := 1
		if key.Matches(k, keys.GrowthDown) {
			by = -1
		}
		d.step[d.axis] = min(max(d.step[d.axis]+by, 0), len(dtSteps)-1)
	case key.Matches(k, keys.ShareUp, keys.ShareDown):
		by := 2
		if key.Matches(k, keys.ShareDown) {
			by = -2
		}
		d.size[d.axis] = min(max(d.size[d.axis]+by, 3), dtMaxSize)
	case key.Matches(k, keys.EarlierYears) && !key.Matches(k, keys.Cancel):
		d.year = max(d.year-1, d.e.ds.BaseYear)
		return stay(d), d.compute(true)
	case key.Matches(k, keys.LaterYears) && !key.Matches(k, keys.Confirm):
		d.year = min(d.year+1, d.e.ds.EndYear)
		return stay(d), d.compute(true)
	default:
		return stay(d), nil
	}
	return stay(d), d.compute(false)
}

// picksIn are the rows' and the columns' parameters in params: those
// chosen, by name, where the list has them (a change of year keeps the
// parameters and their steps), else the first the other axis does not
// take, the tornado's first two to begin with.
func picksIn(params []forecast.Param, chosen [2]string) [2]int {
	pick := [2]int{-1, -1}
	for axis, name := range chosen {
		if i := slices.IndexFunc(params, func(p forecast.Param) bool { return p.Name == name }); name != "" && i >= 0 {
			pick[axis] = i
		}
	}
	for axis := range pick {
		for i := 0; pick[axis] < 0 && i < len(params); i++ {
			if i != pick[1-axis] {
				pick[axis] = i
			}
		}
		pick[axis] = max(pick[axis], 0) // fewer than two: no table, said
	}
	return pick
}

// nextParam is the parameter by places from the axis's own in the list,
// around, never the other axis's.
func (d *dataTableDialog) nextParam(by int) int {
	n := len(d.params)
	i := d.pick[d.axis]
	for range n {
		i = (i + by + n) % n
		if i != d.pick[1-d.axis] {
			return i
		}
	}
	return d.pick[d.axis]
}

func (d *dataTableDialog) SetSize(w, h int)     { d.width, d.height = w, h }
func (d *dataTableDialog) Placement() placement { return placeBody }

func (d *dataTableDialog) Bindings() []key.Binding {
	k := d.e.look.keys
	param, axis, stepKey, size, year, closeIt := k.Up, k.Field, k.GrowthUp, k.ShareUp, k.EarlierYears, k.Cancel
	param.SetHelp("↑/↓", "parameter")
	axis.SetHelp("tab", "rows/columns")
	stepKey.SetHelp("+/-", "step")
	size.SetHelp(">/<", "size")
	year.SetHelp("←/→", "year")
	closeIt.SetHelp("esc", "close")
	return []key.Binding{param, axis, stepKey, size, year, closeIt}
}

// stepText says an axis's step: "1 pp", or for the market's size "5 %".
func (d *dataTableDialog) stepText(axis int) string {
	p := d.params[d.pick[axis]]
	if p.Kind == forecast.ParamBaseValue {
		return strconv.FormatFloat(dtSteps[d.step[axis]], 'g', -1, 64) + " % of it"
	}
	return strconv.FormatFloat(dtSteps[d.step[axis]], 'g', -1, 64) + " pp"
}

func (d *dataTableDialog) View() string {
	e, s := d.e, d.e.look.styles
	inner := d.width - 2
	name := clean(nodeName(e.ds, d.node))
	title := paneTitle(d.width, "Data table · %s"+fmt.Sprintf(" in %d · %s", d.year, unitLabel(e.ds)), name)
	switch {
	case d.err != "":
		return pane(s, true, title, s.Error.Render(wrap(clean(d.err), inner, "")), d.width, d.height)
	case d.params == nil || d.t == nil:
		return pane(s, true, title, clip([]string{"Computing: what moves it (the tornado's list), then a projection a cell…", "", s.Muted.Render("esc closes")}, inner), d.width, d.height)
	}
	var lines []string
	for axis, label := range []string{"rows", "columns"} {
		mark := "  "
		if axis == d.axis {
			mark = "▸ "
		}
		p := d.params[d.pick[axis]]
		line := fmt.Sprintf("%s%-8s %s (%s), step %s", mark, label+":", clean(paramLabel(e.ds, p)), clean(p.Name), d.stepText(axis))
		if c := d.chosen[axis]; c != "" && c != p.Name {
			line += fmt.Sprintf(" · %s does not move it in %d", clean(c), d.year)
		}
		if axis == d.axis {
			line = s.Accent.Render(line)
		}
		lines = append(lines, line)
	}
	status := "[ ] the values as they stand"
	if d.computing {
		status = "computing…"
	}
	lines = append(lines, s.Muted.Render(status), "")
	lines = append(lines, d.grid(inner, d.height-2-len(lines)-2)...)
	if d.t.Refused > 0 {
		lines = append(lines, s.Muted.Render(wrap(fmt.Sprintf("n/a: the model refuses %d of the pairs (%s)", d.t.Refused, clean(d.t.Refusal)), inner, "  ")))
	}
	return pane(s, true, title, clip(lines, inner), d.width, d.height)
}

// grid is the table in w×h cells at most: the column values over the
// cells, a row's value before them, the current cell in brackets, each
// cell shaded by its value among the others. Rows and columns that do
// not fit are left out around the current cell, and said.
func (d *dataTableDialog) grid(w, h int) []string {
	s, t := d.e.look.styles, d.t
	largest := math.Abs(t.Base)
	var vals []float64
	for _, c := range t.Cells {
		if !math.IsNaN(c) {
			largest = max(largest, math.Abs(c))
			vals = append(vals, c)
		}
	}
	slices.Sort(vals)
	prec := valuePrec(largest, 2)
	axisText := func(p forecast.Param, v float64) string {
		if p.Kind == forecast.ParamBaseValue {
			return fmtAmount(v)
		}
		return fmtNum(v, 2)
	}
	rowW := 0
	for _, v := range t.Rows.Values {
		rowW = max(rowW, len(axisText(t.Rows.Param, v)))
	}
	cellW := 3
	for _, c := range t.Cells {
		cellW = max(cellW, len(fmtNum(c, prec)))
	}
	for _, v := range t.Cols.Values {
		cellW = max(cellW, len(axisText(t.Cols.Param, v)))
	}
	cellW += 2 // the brackets of the current cell
	fitC := max((w-rowW-1)/(cellW+1), 1)
	fitR := max(h-1, 1)
	c0, c1 := window(len(t.Cols.Values), t.CurCol, fitC)
	r0, r1 := window(len(t.Rows.Values), t.CurRow, fitR)
	head := strings.Repeat(" ", rowW+1)
	for ci := c0; ci < c1; ci++ {
		head += fmt.Sprintf("%*s ", cellW, axisText(t.Cols.Param, t.Cols.Values[ci])+" ")
	}
	out := []string{s.Header.Render(strings.TrimRight(head, " "))}
	for ri := r0; ri < r1; ri++ {
		line := s.Header.Render(fmt.Sprintf("%*s", rowW, axisText(t.Rows.Param, t.Rows.Values[ri]))) + " "
		for ci := c0; ci < c1; ci++ {
			c := t.Cell(ri, ci)
			text, style := "n/a ", s.Muted
			if !math.IsNaN(c) {
				text = fmtNum(c, prec) + " "
				style = s.Heat[heatLevel(vals, c, len(s.Heat))]
			}
			if ri == t.CurRow && ci == t.CurCol {
				text = "[" + strings.TrimSuffix(text, " ") + "]"
				style = style.Bold(true)
			}
			line += style.Render(fmt.Sprintf("%*s", cellW, text)) + " "
		}
		out = append(out, line)
	}
	if hidden := len(t.Rows.Values) - (r1 - r0) + len(t.Cols.Values) - (c1 - c0); hidden > 0 {
		out = append(out, s.Muted.Render(ansi.Truncate(fmt.Sprintf("showing %d of %d rows, %d of %d columns: a larger terminal shows them all",
			r1-r0, len(t.Rows.Values), c1-c0, len(t.Cols.Values)), w, "…")))
	}
	return out
}

// window is the run of at most fit of n items that holds cur (or starts
// at 0 when cur is -1), as centred on it as the ends allow.
func window(n, cur, fit int) (from, to int) {
	if n <= fit {
		return 0, n
	}
	from = min(max(max(cur, 0)-fit/2, 0), n-fit)
	if cur < 0 {
		from = (n - fit) / 2
	}
	return from, from + fit
}

// heatLevel is the shade of value v among the sorted values: its
// quantile, in levels shades.
func heatLevel(sorted []float64, v float64, levels int) int {
	if len(sorted) < 2 || sorted[0] == sorted[len(sorted)-1] {
		return levels / 2
	}
	i, _ := slices.BinarySearch(sorted, v)
	return min(i*levels/len(sorted), levels-1)
}
