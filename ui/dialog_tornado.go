package ui

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/forecast"
	"iomt/model"
)

// tornadoDialog ranks the assumptions by how much each moves the selected
// row's value in a year: one bar per parameter from its value at −Δ to
// its value at +Δ, the largest swing first. ↑/↓ select a bar, enter shows
// that parameter's row, ←/→ change the year, +/- the Δ. The analysis
// runs in a command, through the dashboard's Analysis: two projections
// per parameter, a fraction of a millisecond on the IoMT dataset but
// seconds on one at the limits.
type tornadoDialog struct {
	e   env
	run Analysis
	pending
	gen           int // the dialog's, among those waiting for commands
	seq           int // the question asked last: year and Δ
	computing     bool
	node, year    int
	delta         float64
	t             *forecast.Tornado
	cursor, top   int
	err           string
	width, height int
}

// tornadoMsg is a tornado computed for the question seq of the dialog
// gen, or why not.
type tornadoMsg struct {
	gen, seq int
	t        *forecast.Tornado
	err      error
}

func newTornadoDialog(e env, gen int, run Analysis) (*tornadoDialog, tea.Cmd) {
	d := &tornadoDialog{e: e, run: run, gen: gen, node: e.sel.selected(), year: e.ds.EndYear, delta: 2}
	return d, d.compute()
}

// compute asks for the analysis of the year and Δ shown; the answer to
// a question asked before is dropped, and its work stopped.
func (d *tornadoDialog) compute() tea.Cmd {
	d.seq++
	d.computing = true
	ctx, run, gen, seq := d.restart(), d.run, d.gen, d.seq
	ds, a, node, year, delta := d.e.ds, d.e.scen.Assumptions(), d.node, d.year, d.delta
	return func() tea.Msg {
		t, err := sensitivityThrough(ctx, run, ds, a, node, year, delta)
		return tornadoMsg{gen: gen, seq: seq, t: t, err: err}
	}
}

// sensitivityThrough runs a sensitivity analysis through run: the plan
// (its base projection too is work for the pool), then its steps in
// tasks. The tornado's and the data table's list.
func sensitivityThrough(ctx context.Context, run Analysis, ds *model.Dataset, a model.Assumptions, node, year int, delta float64) (*forecast.Tornado, error) {
	var plan *forecast.SensitivityPlan
	var perr error
	if err := run.Run(ctx, []func(){func() { plan, perr = forecast.PlanSensitivity(ds, a, node, year, delta) }}); err != nil {
		return nil, err
	}
	if perr != nil {
		return nil, perr
	}
	if err := run.Run(ctx, tasks(plan.Len(), 2*len(ds.Nodes)*ds.Years(), plan.Run)); err != nil {
		return nil, err
	}
	return plan.Tornado(), nil
}

// computed shows an answer.
func (d *tornadoDialog) computed(msg tornadoMsg) {
	if msg.seq != d.seq {
		return // a question asked before the one shown
	}
	d.computing = false
	d.pending.stop()
	d.t, d.err = msg.t, ""
	if msg.err != nil {
		d.err = msg.err.Error()
	}
	d.cursor = min(d.cursor, max(len(d.bars())-1, 0))
	d.scroll()
}

func (d *tornadoDialog) runs() int { return d.gen }

func (d *tornadoDialog) bars() []forecast.Bar {
	if d.t == nil || d.computing {
		return nil
	}
	return d.t.Bars
}

func (d *tornadoDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	if msg, ok := msg.(tornadoMsg); ok {
		d.computed(msg)
		return stay(d), nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(d), nil
	}
	keys := d.e.look.keys
	switch {
	case key.Matches(k, keys.Cancel, keys.Tornado):
		return done(nil), nil
	case key.Matches(k, keys.Up):
		d.cursor = max(d.cursor-1, 0)
		d.scroll()
	case key.Matches(k, keys.Down):
		d.cursor = min(d.cursor+1, max(len(d.bars())-1, 0))
		d.scroll()
	case key.Matches(k, keys.EarlierYears) && !key.Matches(k, keys.Cancel):
		d.year = max(d.year-1, d.e.ds.BaseYear)
		return stay(d), d.compute()
	case key.Matches(k, keys.LaterYears) && !key.Matches(k, keys.Confirm):
		d.year = min(d.year+1, d.e.ds.EndYear)
		return stay(d), d.compute()
	case key.Matches(k, keys.GrowthUp):
		d.delta = min(d.delta+0.5, forecast.MaxDelta)
		return stay(d), d.compute()
	case key.Matches(k, keys.GrowthDown):
		d.delta = max(d.delta-0.5, 0.5)
		return stay(d), d.compute()
	case key.Matches(k, keys.Confirm):
		if b := d.bars(); len(b) > 0 {
			return done(selectMsg{node: b[d.cursor].Node}), nil
		}
	}
	return stay(d), nil
}

func (d *tornadoDialog) SetSize(w, h int) {
	d.width, d.height = w, h
	d.scroll()
}

// rows is how many bars fit: the pane less its border, the lines above
// the bars and those below.
func (d *tornadoDialog) rows() int {
	head, notes := d.frame()
	return max(d.height-2-len(head)-len(notes), 1)
}

// minNoteLines is the room the notes under the bars have at least; they
// have more where the bars leave it.
const minNoteLines = 3

// frame is what is written above the bars and under them, wrapped at the
// pane's width: a long name or reason moves to the next line rather
// than cutting the value or a number of the reason.
func (d *tornadoDialog) frame() (head, notes []string) {
	e, inner := d.e, d.width-2
	if d.t == nil || inner < 1 {
		return nil, nil
	}
	t := d.t
	name := clean(nodeName(e.ds, d.node))
	head = append(strings.Split(wrap(fmt.Sprintf("%s in %d: %s", name, d.year, clean(e.ds.Amount(fmtNum(t.Base, d.prec())))), inner, "  "), "\n"),
		"bars: the values at −Δ and +Δ, low to high · ◂ a rise lowers it")
	var why []string
	a := e.scen.Assumptions()
	if note, sw := t.Note(e.ds, &a); note != "" {
		why = append(why, note+modeKey(e, sw, "; "))
	}
	if refused := d.refused(len(head)); refused != "" {
		why = append(why, "n/a: the model refuses the move ("+refused+")")
	}
	if n := len(t.Unranked); n > 0 {
		u := t.Unranked[0]
		why = append(why, fmt.Sprintf("not ranked: %d that cannot move it here (%s: %s%s)", n, d.label(u.Param), u.Why, modeKey(e, u.Switch, "; ")))
	}
	if len(why) == 0 {
		return head, nil
	}
	notes = strings.Split(wrap(clean(strings.Join(why, "; ")), inner, "  "), "\n")
	if room := max(minNoteLines, d.height-2-len(head)-1-len(t.Bars)); len(notes) > room {
		// Whole words to the end of the last line kept, then "…".
		notes = notes[:room]
		last := notes[room-1]
		for ansi.StringWidth(last)+2 > inner && strings.Contains(last, " ") {
			last = last[:strings.LastIndex(last, " ")]
		}
		notes[room-1] = last + " …"
	}
	return head, append([]string{""}, notes...)
}

// prec is the precision the values need (0.000837, not 0.00).
func (d *tornadoDialog) prec() int {
	largest := math.Abs(d.t.Base)
	for _, b := range d.t.Bars {
		largest = max(largest, math.Abs(b.Low), math.Abs(b.High))
	}
	return valuePrec(largest, 2)
}

// refused is the reason a move was refused: the selected bar's, else
// the first shown one's (reasons differ: a share past 100 %, its
// siblings below 0). The bars shown are counted as if the notes took one
// line: the notes are what this decides.
func (d *tornadoDialog) refused(head int) string {
	bars := d.bars()
	refused := ""
	for i := d.top; i < len(bars) && i < d.top+d.height-2-head-2; i++ {
		b := bars[i]
		if why := cmp.Or(b.LowRefused, b.HighRefused); why != "" && (refused == "" || i == d.cursor) {
			refused = clean(d.label(b.Param)) + ": " + why
		}
	}
	return refused
}

// scroll keeps the selected bar in view.
func (d *tornadoDialog) scroll() {
	if d.cursor < d.top {
		d.top = d.cursor
	}
	if d.cursor >= d.top+d.rows() {
		d.top = d.cursor - d.rows() + 1
	}
}
func (d *tornadoDialog) Placement() placement { return placeBody }

func (d *tornadoDialog) Bindings() []key.Binding {
	k := d.e.look.keys
	pick, year, delta, closeIt := k.Confirm, k.EarlierYears, k.GrowthUp, k.Cancel
	pick.SetHelp("enter", "go to its row")
	year.SetHelp("←/→", "year")
	delta.SetHelp("+/-", "Δ")
	closeIt.SetHelp("esc", "close")
	return []key.Binding{k.Up, k.Down, pick, year, delta, closeIt}
}

// label names a parameter for the screen.
func (d *tornadoDialog) label(p forecast.Param) string { return paramLabel(d.e.ds, p) }

// paramLabel names a parameter for the screen: "market CAGR",
// "Asia-Pacific share", "Asia-Pacific growth 2024".
func paramLabel(ds *model.Dataset, p forecast.Param) string {
	switch p.Kind {
	case forecast.ParamYearGrowth:
		if p.Node != 0 {
			return fmt.Sprintf("%s growth %d", nodeName(ds, p.Node), p.Year)
		}
		return fmt.Sprintf("market growth %d", p.Year)
	case forecast.ParamShare:
		return nodeName(ds, p.Node) + " share"
	case forecast.ParamBaseValue:
		return "market size"
	case forecast.ParamLever:
		return ds.Levers[p.Node].Name
	}
	if p.Node == 0 {
		return "market CAGR"
	}
	return nodeName(ds, p.Node) + " CAGR"
}

func (d *tornadoDialog) View() string {
	e, s := d.e, d.e.look.styles
	inner := d.width - 2
	name := clean(nodeName(e.ds, d.node))
	title := paneTitle(d.width, "Sensitivity of %s"+fmt.Sprintf(" in %d · ±%s pp each", d.year, fmtNum(d.delta, 1)), name)
	var lines []string
	switch {
	case d.err != "":
		return pane(s, true, title, s.Error.Render(wrap(d.err, inner, "")), d.width, d.height)
	case d.computing || d.t == nil:
		lines = append(lines, "Computing: each assumption moved by ±Δ, two projections each…", "", s.Muted.Render("esc closes"))
		return pane(s, true, title, clip(lines, inner), d.width, d.height)
	}
	t := d.t
	bars := t.Bars
	// Numbers at the precision their size needs (0.000837, not 0.00),
	// in columns as wide as the widest of them: a number is never cut,
	// a label is shortened (docs/DESIGN.md §6: every number whole).
	prec := d.prec()
	head, notes := d.frame()
	lines = append(head[:len(head)-1:len(head)-1], s.Muted.Render(head[len(head)-1]))
	maxSwing := 0.0
	labelW, numW := 0, len("n/a")
	for _, b := range bars {
		maxSwing = max(maxSwing, max(b.Low, b.High)-t.Base, t.Base-min(b.Low, b.High))
		labelW = max(labelW, ansi.StringWidth(clean(d.label(b.Param)))+2) // room for ◂
		numW = max(numW, len(fmtNum(b.Low, prec)), len(fmtNum(b.High, prec)))
	}
	const minBar, minLabel = 10, 14
	labelW = max(min(labelW, inner/3, inner-2*numW-4-minBar), minLabel)
	barW := max(inner-labelW-2*numW-4, minBar)
	half := barW / 2
	for i := d.top; i < len(bars) && i < d.top+d.rows(); i++ {
		b := bars[i]
		cells := []rune(strings.Repeat(" ", barW))
		pos := func(v float64) int {
			if maxSwing == 0 {
				return half
			}
			return min(max(half+int((v-t.Base)/maxSwing*float64(half)+0.5*sign(v-t.Base)), 0), barW-1)
		}
		lo, hi := pos(min(b.Low, b.High)), pos(max(b.Low, b.High))
		for x := lo; x <= hi; x++ {
			cells[x] = '█'
		}
		cells[half] = '│'
		// Low to high, whichever side of the move gives which; a side
		// the model refused reads n/a.
		loText, hiText := fmtNum(b.Low, prec), fmtNum(b.High, prec)
		if b.LowRefused != "" {
			loText = "n/a"
		}
		if b.HighRefused != "" {
			hiText = "n/a"
		}
		mark := ""
		if b.High < b.Low {
			loText, hiText = hiText, loText
			mark = "◂ "
		}
		label := mark + d.shortLabel(b.Param, labelW-ansi.StringWidth(mark))
		line := fmt.Sprintf("%s %*s %s %-*s", padRight(label, labelW), numW, loText, string(cells), numW, hiText)
		if i == d.cursor {
			line = s.Selected.Render(padRight(line, inner))
		}
		lines = append(lines, line)
	}
	if len(bars) == 0 {
		lines = append(lines, s.Muted.Render("Nothing this scenario holds moves it."))
	}
	for _, n := range notes {
		lines = append(lines, s.Muted.Render(n))
	}
	return pane(s, true, title, strings.Join(lines, "\n"), d.width, d.height)
}

// shortLabel is label(p) in at most w columns: the segment's name is
// shortened, never the kind of figure after it ("share", "CAGR") or a
// year, which tell two bars of one segment apart.
func (d *tornadoDialog) shortLabel(p forecast.Param, w int) string {
	full := clean(d.label(p))
	switch {
	case ansi.StringWidth(full) <= w:
		return full
	case p.Kind == forecast.ParamYearGrowth && p.Node == 0:
		return fmt.Sprintf("growth %d", p.Year)
	case p.Node == 0:
		return ansi.Truncate(full, w, "…")
	}
	kind := " CAGR"
	switch p.Kind {
	case forecast.ParamShare:
		kind = " share"
	case forecast.ParamYearGrowth:
		kind = fmt.Sprintf(" growth %d", p.Year)
	}
	short := ansi.Truncate(strings.TrimSuffix(full, kind), max(w-len(kind)-1, 1), "")
	return strings.TrimRight(short, " ,&-") + "…" + kind
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}
