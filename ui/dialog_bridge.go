package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/export"
	"iomt/forecast"
	"iomt/model"
)

// bridgeDialog explains why the selected row's value differs between the
// scenario on screen (A) and a compared one (B): a waterfall from A's
// value, one bar per assumption that differs, largest first (rising and
// falling drawn apart, with and without colour), to B's value. The
// contributions are Shapley values (forecast.ComputeBridge), worked out
// in a command through the dashboard's Analysis. ←/→ change the year,
// tab the compared scenario, ↑/↓ select an assumption, enter goes to its
// segment's row.
type bridgeDialog struct {
	e   env
	run Analysis
	pending
	gen, seq      int
	computing     bool
	node, year    int
	which         int // the compared scenario, by its place
	b             *forecast.Bridge
	err           string
	cursor, top   int
	width, height int
}

// bridgeMsg is a bridge worked out for the question seq of the dialog
// gen, or why not.
type bridgeMsg struct {
	gen, seq int
	b        *forecast.Bridge
	err      error
}

func (m bridgeMsg) runOf() int { return m.gen }

// newBridgeDialog opens the bridge of the selected row; without a
// comparison it says what to do and opens nothing.
func newBridgeDialog(e env, gen int, run Analysis) (*bridgeDialog, tea.Cmd) {
	if len(e.scen.Compared()) == 0 {
		e.status.error("No bridge without a comparison: c marks the scenarios to compare, then B explains the selected row's gap to each.")
		return nil, nil
	}
	d := &bridgeDialog{e: e, run: run, gen: gen, node: e.sel.selected(), year: e.ds.EndYear}
	return d, d.compute()
}

func (d *bridgeDialog) runs() int { return d.gen }

// compared is the scenario B of the bridge shown.
func (d *bridgeDialog) compared() *compareState {
	cmps := d.e.scen.Compared()
	return cmps[min(d.which, len(cmps)-1)]
}

// compute asks for the bridge of the year and scenario shown; the answer
// to a question asked before is dropped, and its work stopped.
func (d *bridgeDialog) compute() tea.Cmd {
	d.seq++
	d.computing = true
	ctx, run, gen, seq := d.restart(), d.run, d.gen, d.seq
	ds, a, b, node, year := d.e.ds, d.e.scen.Assumptions(), d.compared().a.Clone(), d.node, d.year
	return func() tea.Msg {
		var plan *forecast.BridgePlan
		var perr error
		if err := run.Run(ctx, []func(){func() { plan, perr = forecast.PlanBridge(ds, a, b, node, year) }}); err != nil {
			return bridgeMsg{gen: gen, seq: seq, err: err}
		}
		if perr != nil {
			return bridgeMsg{gen: gen, seq: seq, err: perr}
		}
		if err := run.Run(ctx, tasks(plan.Len(), plan.Cost()*len(ds.Nodes)*ds.Years(), plan.Run)); err != nil {
			return bridgeMsg{gen: gen, seq: seq, err: err}
		}
		br, err := plan.Bridge()
		return bridgeMsg{gen: gen, seq: seq, b: br, err: err}
	}
}

func (d *bridgeDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	if msg, ok := msg.(bridgeMsg); ok {
		if msg.seq == d.seq {
			d.computing = false
			d.pending.stop()
			d.b, d.err = msg.b, ""
			if msg.err != nil {
				d.err = msg.err.Error()
			}
			d.cursor = min(d.cursor, max(d.steps()-1, 0))
			d.scroll()
		}
		return stay(d), nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(d), nil
	}
	keys := d.e.look.keys
	switch {
	case key.Matches(k, keys.Cancel, keys.Bridge):
		return done(nil), nil
	case key.Matches(k, keys.Up):
		d.cursor = max(d.cursor-1, 0)
		d.scroll()
	case key.Matches(k, keys.Down):
		d.cursor = min(d.cursor+1, max(d.steps()-1, 0))
		d.scroll()
	case key.Matches(k, keys.EarlierYears) && !key.Matches(k, keys.Cancel):
		d.year = max(d.year-1, d.e.ds.BaseYear)
		return stay(d), d.compute()
	case key.Matches(k, keys.LaterYears) && !key.Matches(k, keys.Confirm):
		d.year = min(d.year+1, d.e.ds.EndYear)
		return stay(d), d.compute()
	case key.Matches(k, keys.Field):
		d.which = (d.which + 1) % len(d.e.scen.Compared())
		return stay(d), d.compute()
	case key.Matches(k, keys.Confirm):
		if n, ok := d.stepNode(); ok {
			return done(selectMsg{node: n}), nil
		}
	}
	return stay(d), nil
}

// steps is how many assumptions the bridge lists.
func (d *bridgeDialog) steps() int {
	if d.b == nil || d.computing {
		return 0
	}
	return len(d.b.Steps)
}

// stepNode is the segment of the selected assumption, if it has one.
func (d *bridgeDialog) stepNode() (int, bool) {
	if d.steps() == 0 {
		return 0, false
	}
	it := d.b.Steps[d.cursor].Item
	switch it.Kind {
	case model.ItemGrowth, model.ItemShare, model.ItemLock, model.ItemRange, model.ItemPathYear:
		return it.Node, true
	case model.ItemYearGrowth, model.ItemLever, model.ItemBaseValue:
		return 0, true
	}
	return 0, false
}

func (d *bridgeDialog) SetSize(w, h int) {
	d.width, d.height = w, h
	d.scroll()
}

// head is what is written above the waterfall, wrapped to the pane.
func (d *bridgeDialog) head() []string {
	if d.b == nil {
		return nil
	}
	inner := max(d.width-2, 1)
	prec := valuePrec(max(abs(d.b.From), abs(d.b.To)), 2)
	var say string
	if d.b.Same() {
		// As iomt bridge says it: nothing adds up to anything here.
		say = "The scenarios do not differ in any assumption: the bridge is 0 (" + fmtNum(d.b.From, prec) + " in both)."
	} else {
		m := d.b.Method()
		say = strings.ToUpper(m[:1]) + m[1:] + "; they add up to " + fmtSigned(d.b.Delta(), prec) + "."
	}
	return append(strings.Split(wrap(clean(say), inner, "  "), "\n"), "")
}

// rows is how many assumption lines fit: the pane less its border, the
// lines above, and A's and B's lines.
func (d *bridgeDialog) rows() int { return max(d.height-2-len(d.head())-2, 1) }

// scroll keeps the selected assumption in view.
func (d *bridgeDialog) scroll() {
	if d.cursor < d.top {
		d.top = d.cursor
	}
	if d.cursor >= d.top+d.rows() {
		d.top = d.cursor - d.rows() + 1
	}
	d.top = max(min(d.top, d.steps()-d.rows()), 0)
}

func (d *bridgeDialog) Placement() placement { return placeBody }

func (d *bridgeDialog) Bindings() []key.Binding {
	k := d.e.look.keys
	pick, year, next, closeIt := k.Confirm, k.EarlierYears, k.Field, k.Cancel
	pick.SetHelp("enter", "go to its row")
	year.SetHelp("←/→", "year")
	next.SetHelp("tab", "next compared")
	closeIt.SetHelp("esc", "close")
	return []key.Binding{k.Up, k.Down, pick, year, next, closeIt}
}

func (d *bridgeDialog) title() string {
	e := d.e
	name := clean(nodeName(e.ds, d.node))
	more := ""
	if n := len(e.scen.Compared()); n > 1 {
		more = fmt.Sprintf(" (tab: %d of %d)", d.which+1, n)
	}
	// The longest that fits: names shortened, then the count dropped.
	for _, c := range []struct {
		names int
		more  string
	}{{40, more}, {20, more}, {20, ""}, {12, ""}} {
		t := fmt.Sprintf("Bridge · %s %d · %s → %s%s", name, d.year, ansi.Truncate(clean(exportName(e.scen)), c.names, "…"),
			ansi.Truncate(clean(d.compared().name), c.names, "…"), c.more)
		if ansi.StringWidth(t) <= d.width-6 {
			return t
		}
	}
	return paneTitle(d.width, "Bridge · %s"+fmt.Sprintf(" %d · ", d.year)+ansi.Truncate(clean(exportName(e.scen)), 12, "…")+" → "+
		ansi.Truncate(clean(d.compared().name), 12, "…"), name)
}

func (d *bridgeDialog) View() string {
	s := d.e.look.styles
	inner := max(d.width-2, 1)
	title := d.title()
	switch {
	case d.err != "":
		return pane(s, true, title, s.Error.Render(wrap(clean(d.err), inner, "")), d.width, d.height)
	case d.computing || d.b == nil:
		return pane(s, true, title, clip([]string{"Computing: the value with every set of the assumptions that differ…", "", s.Muted.Render("esc closes")}, inner), d.width, d.height)
	}
	lines := d.head()
	paint := func(kind int, bar string) string {
		switch kind {
		case export.BarRising:
			return s.Accent.Render(bar)
		case export.BarFalling:
			return s.Bad.Render(bar)
		}
		return s.Muted.Render(bar)
	}
	all := export.WaterfallLines(d.b, exportName(d.e.scen), d.compared().name, inner, paint)
	lines = append(lines, all[0])
	steps := all[1 : len(all)-1]
	for i := d.top; i < len(steps) && i < d.top+d.rows(); i++ {
		line := steps[i]
		if i == d.cursor {
			line = s.Selected.Render(padRight(ansi.Strip(line), inner))
		}
		lines = append(lines, line)
	}
	lines = append(lines, all[len(all)-1])
	return pane(s, true, title, strings.Join(lines, "\n"), d.width, d.height)
}
