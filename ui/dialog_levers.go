package ui

import (
	"fmt"
	"math"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// leverStep is the change of one +/- on a lever, in percentage points.
const leverStep = 0.5

// leversDialog lists the source's drivers, challenges and opportunities
// as levers on the market's growth: ↑/↓ select, +/- move the selected
// one by half a point (each an undoable edit, made by the root), r sets
// it back to 0. The first line shows how the market's CAGR is made up.
type leversDialog struct {
	e             env
	cursor, top   int
	width, height int
}

func newLeversDialog(e env) *leversDialog { return &leversDialog{e: e} }

func (d *leversDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(d), nil
	}
	keys, levers := d.e.look.keys, d.e.ds.Levers
	switch {
	case key.Matches(k, keys.Cancel, keys.Levers):
		return done(nil), nil
	case len(levers) == 0:
	case key.Matches(k, keys.Up):
		d.cursor = max(d.cursor-1, 0)
	case key.Matches(k, keys.Down):
		d.cursor = min(d.cursor+1, len(levers)-1)
	case key.Matches(k, keys.GrowthUp):
		return report(d, d.set(d.e.scen.Assumptions().Drivers[d.cursor]+leverStep)), nil
	case key.Matches(k, keys.GrowthDown):
		return report(d, d.set(d.e.scen.Assumptions().Drivers[d.cursor]-leverStep)), nil
	case key.Matches(k, keys.ResetRow):
		return report(d, d.set(0)), nil
	}
	d.scroll()
	return stay(d), nil
}

// set is the edit that gives the selected lever impact v.
func (d *leversDialog) set(v float64) editMsg {
	l := d.e.ds.Levers[d.cursor]
	v = math.Round(v*1e6) / 1e6 // whole half points stay whole
	a := d.e.scen.Assumptions()
	said := fmt.Sprintf("%s %s pp: market growth %s %%.", l.Name, fmtSigned(v, 1),
		fmtNum(a.Growth[0]+a.DriverSum()-a.Drivers[d.cursor]+v, 2))
	return editMsg{edit: model.Edit{Kind: model.SetLever, Node: d.cursor, Value: v}, said: said}
}

func (d *leversDialog) SetSize(w, h int) {
	d.width, d.height = w, h
	d.scroll()
}

// kindTitle heads each kind of lever.
var kindTitle = map[string]string{"driver": "Drivers", "challenge": "Challenges", "opportunity": "Opportunities"}

// rows is how many lines of levers fit below the make-up lines.
func (d *leversDialog) rows() int { return max(d.height-2-1-d.makeUpLines(), 1) }

// makeUpLines is how many lines the make-up of the market's CAGR takes.
func (d *leversDialog) makeUpLines() int {
	n := 1
	for _, v := range d.e.scen.Assumptions().Drivers {
		if v != 0 {
			n++
		}
	}
	// A lever's name and impact are about 40 columns; a generous guess
	// keeps the list from being drawn under the pane's edge.
	return max(1, n*45/max(d.width-2, 1)+1)
}

// scroll keeps the selected lever in view; the kind headings take a line
// each, so the view scrolls by lines, not by levers.
func (d *leversDialog) scroll() {
	line := d.lineOf(d.cursor)
	if line < d.top {
		d.top = line
	}
	if line >= d.top+d.rows() {
		d.top = line - d.rows() + 1
	}
}

// lineOf is the line of lever i in the list, headings included.
func (d *leversDialog) lineOf(i int) int {
	line, kind := 0, ""
	for j, l := range d.e.ds.Levers {
		if l.Kind != kind {
			kind = l.Kind
			line++
		}
		if j == i {
			return line
		}
		line++
	}
	return line
}

func (d *leversDialog) Placement() placement { return placeBody }

func (d *leversDialog) Bindings() []key.Binding {
	k := d.e.look.keys
	move, reset, closeIt := k.GrowthUp, k.ResetRow, k.Cancel
	move.SetHelp("+/-", "impact ±0.5 pp")
	reset.SetHelp("r", "back to 0")
	closeIt.SetHelp("esc", "close")
	return []key.Binding{k.Up, k.Down, move, reset, closeIt}
}

func (d *leversDialog) View() string {
	e, s := d.e, d.e.look.styles
	inner := d.width - 2
	a := e.scen.Assumptions()
	title := "Levers: the source's drivers, challenges and opportunities on the market's growth"
	if len(e.ds.Levers) == 0 {
		return pane(s, true, title, s.Muted.Render("This dataset lists no drivers, challenges or opportunities."), d.width, d.height)
	}
	// How the market's CAGR is made up.
	parts := []string{fmtNum(a.Growth[0], 2) + " entered"}
	for i, l := range e.ds.Levers {
		if v := a.Drivers[i]; v != 0 {
			op := "+ "
			if v < 0 {
				op = "− "
			}
			parts = append(parts, op+fmtNum(abs(v), 2)+" "+clean(l.Name))
		}
	}
	makeUp := wrap("Market CAGR: "+strings.Join(parts, " ")+" = "+fmtNum(a.MarketGrowth(), 2)+" %", inner, "  ")
	var list []string
	kind := ""
	nameW := max(inner-12, 10)
	for i, l := range e.ds.Levers {
		if l.Kind != kind {
			kind = l.Kind
			list = append(list, s.Header.Render(kindTitle[kind]))
		}
		mark := "  "
		if i == d.cursor {
			mark = "▸ "
		}
		line := fmt.Sprintf("%s%s %7s pp", mark, padRight(ansi.Truncate(clean(l.Name), nameW-2, "…"), nameW-2), fmtSigned(a.Drivers[i], 1))
		if i == d.cursor {
			line = s.Selected.Render(padRight(line, inner))
		}
		list = append(list, line)
	}
	end := min(d.top+d.rows(), len(list))
	lines := append(strings.Split(makeUp, "\n"), "")
	lines = append(lines, list[d.top:end]...)
	return pane(s, true, title, clip(lines, inner), d.width, d.height)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
