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

	"iomt/forecast"
	"iomt/model"
)

// dataTableDialog is the data table of the selected row: its value in a
// year over a grid of two assumptions, the sensitivity grid of a
// banker's model. The two are picked from the tornado's list (what moves
// the row, largest swing first; the first two to begin with): ↑/↓ change
// the parameter of the axis tab chose, +/- its step, >/< the size of the
// grid (3 to 15 values an axis), [/] scroll it along that axis when the
// terminal is too small for all of it, ←/→ the year. The grid is centred
// on the values as they stand, whose cell is marked (the legend says
// where it is when it is scrolled off), and shaded by value.
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
	axis          int              // the axis ↑/↓, +/-, >/< and [/] change: 0 rows, 1 columns
	shift         [2]int           // rows, columns scrolled by [/] from the window centred on the current cell
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
	case key.Matches(k, keys.PrevTab, keys.NextTab):
		if d.t != nil {
			by := 1
			if key.Matches(k, keys.PrevTab) {
				by = -1
			}
			d.scroll(by)
		}
		return stay(d), nil
	case key.Matches(k, keys.EarlierYears) && !key.Matches(k, keys.Cancel):
		d.year = max(d.year-1, d.e.ds.BaseYear)
		return stay(d), d.compute(true)
	case key.Matches(k, keys.LaterYears) && !key.Matches(k, keys.Confirm):
		d.year = min(d.year+1, d.e.ds.EndYear)
		return stay(d), d.compute(true)
	default:
		return stay(d), nil
	}
	d.shift[d.axis] = 0 // another grid: centred on the current cell again
	return stay(d), d.compute(false)
}

// scroll moves the grid's window along the axis tab chose by one row or
// column, as far as the grid goes.
func (d *dataTableDialog) scroll(by int) {
	l := d.gridLayout(d.width-2, d.gridHeight())
	n, cur, fit := len(d.t.Rows.Values), d.t.CurRow, l.fitR
	if d.axis == 1 {
		n, cur, fit = len(d.t.Cols.Values), d.t.CurCol, l.fitC
	}
	from, _ := window(n, cur, fit, 0)
	// The shift from the centred window, kept within the grid: a key
	// past the end does nothing, and the first key back moves.
	d.shift[d.axis] = min(max(from+d.shift[d.axis]+by, 0), max(n-fit, 0)) - from
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
	// [/] are said under the grid when it does not all show: the line
	// has no room for them at 80 columns.
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
		for _, l := range strings.Split(d.axisLine(axis, label, inner), "\n") {
			if axis == d.axis {
				l = s.Accent.Render(l)
			}
			lines = append(lines, l)
		}
	}
	l := d.gridLayout(inner, d.gridHeight())
	lines = append(lines, s.Muted.Render(wrap(d.legend(l), inner, "  ")), "")
	lines = append(lines, d.grid(l)...)
	if d.t.Refused > 0 {
		lines = append(lines, s.Muted.Render(d.refusedNote(inner)))
	}
	return pane(s, true, title, clip(lines, inner), d.width, d.height)
}

// refusedNote says how many pairs the model refuses, and why.
func (d *dataTableDialog) refusedNote(w int) string {
	return wrap(fmt.Sprintf("n/a: the model refuses %d of the pairs (%s)", d.t.Refused, clean(d.t.Refusal)), w, "  ")
}

// axisLine says an axis's parameter and step, wrapped to w at spaces
// (a parameter's name and path can be long: "Middle East & Africa CAGR
// (Region/Middle East & Africa/cagr_pct)"), never cut.
func (d *dataTableDialog) axisLine(axis int, label string, w int) string {
	mark := "  "
	if axis == d.axis {
		mark = "▸ "
	}
	p := d.params[d.pick[axis]]
	line := fmt.Sprintf("%-8s %s (%s), step %s", label+":", clean(paramLabel(d.e.ds, p)), clean(p.Name), d.stepText(axis))
	if c := d.chosen[axis]; c != "" && c != p.Name {
		line += fmt.Sprintf(" · %s does not move it in %d", clean(c), d.year)
	}
	// wrap takes words: the label's padding goes, and is put back; the
	// lines after the first start under the parameter's name.
	text := strings.Replace(wrap(line, w-2, strings.Repeat(" ", 9)), label+":", fmt.Sprintf("%-8s", label+":"), 1)
	return mark + strings.ReplaceAll(text, "\n", "\n  ")
}

// gridHeight is the lines left for the grid: the pane's, less the axis
// lines, the legend, the blank line under it and the refusals' note.
func (d *dataTableDialog) gridHeight() int {
	inner := d.width - 2
	used := 1 // the blank line under the legend
	for axis, label := range []string{"rows", "columns"} {
		used += strings.Count(d.axisLine(axis, label, inner), "\n") + 1
	}
	// The legend at its longest: scrolled off both ways.
	used += strings.Count(wrap(d.legendText([]string{"below", "to the right"}, true), inner, "  "), "\n") + 1
	if d.t.Refused > 0 {
		used += strings.Count(d.refusedNote(inner), "\n") + 1
	}
	return d.height - 2 - used
}

// dtLayout is how the grid fits: the widths of the row labels and the
// cells, the cells' decimals, how many rows and columns show, and which.
type dtLayout struct {
	w                 int
	rowW, cellW, prec int
	fitR, fitC        int
	r0, r1, c0, c1    int
}

// gridLayout fits the table in w×h cells: as many columns and rows as
// fit, centred on the current cell and scrolled by [/].
func (d *dataTableDialog) gridLayout(w, h int) dtLayout {
	t := d.t
	largest := math.Abs(t.Base)
	for _, c := range t.Cells {
		if !math.IsNaN(c) {
			largest = max(largest, math.Abs(c))
		}
	}
	l := dtLayout{w: w, prec: valuePrec(largest, 2), cellW: 3}
	for _, v := range t.Rows.Values {
		l.rowW = max(l.rowW, len(d.axisText(t.Rows.Param, v)))
	}
	for _, c := range t.Cells {
		l.cellW = max(l.cellW, len(fmtNum(c, l.prec)))
	}
	for _, v := range t.Cols.Values {
		l.cellW = max(l.cellW, len(d.axisText(t.Cols.Param, v)))
	}
	l.cellW += 2 // the brackets of the current cell
	l.fitC = max((w-l.rowW-1)/(l.cellW+1), 1)
	nr, nc := len(t.Rows.Values), len(t.Cols.Values)
	l.fitR = h - 1 // under the heading
	if nr > l.fitR || nc > l.fitC {
		// Over the note that says what is hidden, as long as it can be.
		l.fitR -= strings.Count(d.hiddenNote(dtLayout{w: w, r1: nr, c1: nc}, true), "\n") + 1
	}
	l.fitR = max(l.fitR, 1)
	l.c0, l.c1 = window(len(t.Cols.Values), t.CurCol, l.fitC, d.shift[1])
	l.r0, l.r1 = window(len(t.Rows.Values), t.CurRow, l.fitR, d.shift[0])
	return l
}

// axisText is an axis value as the grid shows it.
func (d *dataTableDialog) axisText(p forecast.Param, v float64) string {
	if p.Kind == forecast.ParamBaseValue {
		return fmtAmount(v)
	}
	return fmtNum(v, 2)
}

// legend says what the brackets mark and where that cell is: on the
// grid, scrolled off it (and which way), or not on it at all.
func (d *dataTableDialog) legend(l dtLayout) string {
	if d.computing {
		return "computing…"
	}
	t := d.t
	var where []string
	switch {
	case t.CurRow < 0 || t.CurCol < 0:
		return d.legendText(nil, false)
	case t.CurRow < l.r0:
		where = append(where, "above")
	case t.CurRow >= l.r1:
		where = append(where, "below")
	}
	switch {
	case t.CurCol < l.c0:
		where = append(where, "to the left")
	case t.CurCol >= l.c1:
		where = append(where, "to the right")
	}
	return d.legendText(where, true)
}

// legendText is the legend for the current cell scrolled off where, or
// shown (where empty), or not on the grid (!on).
func (d *dataTableDialog) legendText(where []string, on bool) string {
	t, a := d.t, d.e.scen.Assumptions()
	now := fmt.Sprintf("the values as they stand (rows %s, columns %s)",
		d.axisText(t.Rows.Param, t.Rows.Param.Value(d.e.ds, &a)), d.axisText(t.Cols.Param, t.Cols.Param.Value(d.e.ds, &a)))
	switch {
	case !on:
		return "The " + strings.TrimPrefix(now, "the ") + " are not on the grid"
	case len(where) > 0:
		return "[ ] " + now + ": scrolled off, " + strings.Join(where, " and ") + " ([/] scroll)"
	}
	return "[ ] " + now
}

// grid is the table laid out by l: the column values over the cells, a
// row's value before them, the current cell in brackets, each cell
// shaded by its value among the others. Rows and columns that do not fit
// are left out, said, and [/] scroll to them.
func (d *dataTableDialog) grid(l dtLayout) []string {
	s, t := d.e.look.styles, d.t
	var vals []float64
	for _, c := range t.Cells {
		if !math.IsNaN(c) {
			vals = append(vals, c)
		}
	}
	slices.Sort(vals)
	head := strings.Repeat(" ", l.rowW+1)
	for ci := l.c0; ci < l.c1; ci++ {
		head += fmt.Sprintf("%*s ", l.cellW, d.axisText(t.Cols.Param, t.Cols.Values[ci])+" ")
	}
	out := []string{s.Header.Render(strings.TrimRight(head, " "))}
	for ri := l.r0; ri < l.r1; ri++ {
		line := s.Header.Render(fmt.Sprintf("%*s", l.rowW, d.axisText(t.Rows.Param, t.Rows.Values[ri]))) + " "
		for ci := l.c0; ci < l.c1; ci++ {
			c := t.Cell(ri, ci)
			text, style := "n/a ", s.Muted
			if !math.IsNaN(c) {
				text = fmtNum(c, l.prec) + " "
				style = s.Heat[heatLevel(vals, c, len(s.Heat))]
			}
			if ri == t.CurRow && ci == t.CurCol {
				text = "[" + strings.TrimSuffix(text, " ") + "]"
				style = style.Bold(true)
			}
			line += style.Render(fmt.Sprintf("%*s", l.cellW, text)) + " "
		}
		out = append(out, line)
	}
	if note := d.hiddenNote(l, false); note != "" {
		out = append(out, s.Muted.Render(note))
	}
	return out
}

// hiddenNote says which rows and columns show when not all do, and how
// to scroll to the others, wrapped to the pane; "" when all show. With
// all set it says both axes, the longest it can be.
func (d *dataTableDialog) hiddenNote(l dtLayout, all bool) string {
	nr, nc := len(d.t.Rows.Values), len(d.t.Cols.Values)
	var shown []string
	if all || l.r1-l.r0 < nr {
		shown = append(shown, fmt.Sprintf("rows %d–%d of %d", l.r0+1, l.r1, nr))
	}
	if all || l.c1-l.c0 < nc {
		shown = append(shown, fmt.Sprintf("columns %d–%d of %d", l.c0+1, l.c1, nc))
	}
	if len(shown) == 0 {
		return ""
	}
	along, other := "rows", "columns"
	if d.axis == 1 {
		along, other = other, along
	}
	return wrap(fmt.Sprintf("%s: [/] scroll the %s (tab: the %s)", strings.Join(shown, ", "), along, other), l.w, "  ")
}

// window is the run of at most fit of n items that holds cur (or is
// centred when cur is -1), as centred on it as the ends allow, then
// moved by shift within the n.
func window(n, cur, fit, shift int) (from, to int) {
	if n <= fit {
		return 0, n
	}
	from = min(max(max(cur, 0)-fit/2, 0), n-fit)
	if cur < 0 {
		from = (n - fit) / 2
	}
	from = min(max(from+shift, 0), n-fit)
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
