package ui

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/model"
)

// goalSeekDialog answers "what growth makes <node> reach <value> in
// <year>?": the target is typed, ↑/↓ change the year, tab switches the
// lever between the node's own CAGR and the market's; enter solves (in a
// command, through the dashboard's Analysis: a few dozen projections),
// and enter again applies the rate as one undoable edit.
type goalSeekDialog struct {
	e   env
	run Analysis
	pending
	gen           int
	seq           int // the question asked last
	solving       bool
	node          int
	year          int
	market        bool // the lever is the market's CAGR
	input         textinput.Model
	solved        *goalAnswer // for the inputs as they are, or nil
	width, height int
}

// goalSolvedMsg is the answer to the question seq of the dialog gen, or
// why there is none.
type goalSolvedMsg struct {
	gen, seq int
	ans      *goalAnswer
	err      error
}

// goalAnswer is a solved goal, and what the rate changes.
type goalAnswer struct {
	target     float64
	sol        forecast.Solution
	lever      int
	realised   [2]float64 // the node's realised CAGR now and at the rate
	share      [2]float64 // its share in the year, now and at the rate
	unreachErr string
	// quote is what to quote of a reached answer: both rates, the
	// siblings before and after, the warnings.
	quote *forecast.Quote
}

func newGoalSeekDialog(e env, gen int, run Analysis) (*goalSeekDialog, tea.Cmd) {
	d := &goalSeekDialog{e: e, run: run, gen: gen, node: e.sel.selected(), year: e.ds.EndYear, input: newInput(e, 20)}
	d.market = d.node == 0
	d.input.Prompt = ""
	d.input.SetWidth(14)
	d.setPlaceholder()
	return d, d.input.Focus()
}

// setPlaceholder offers the node's value in the chosen year, so enter on
// an empty field asks for what is there now.
func (d *goalSeekDialog) setPlaceholder() {
	v := d.e.scen.Result().Value(d.node, d.year-d.e.ds.BaseYear)
	// At the screen's precision: 0.00122 on a market below one, not 0.
	d.input.Placeholder = strconv.FormatFloat(v, 'f', valuePrec(math.Abs(v), 2), 64)
}

func (d *goalSeekDialog) lever() int {
	if d.market {
		return 0
	}
	return d.node
}

func (d *goalSeekDialog) runs() int { return d.gen }

// changed forgets the answer: the question changed.
func (d *goalSeekDialog) changed() {
	d.solved, d.solving = nil, false
	d.seq++
	d.pending.stop()
}

func (d *goalSeekDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	if msg, ok := msg.(goalSolvedMsg); ok {
		if msg.seq == d.seq && d.solving {
			d.solving = false
			d.pending.stop()
			if msg.err != nil {
				d.e.status.error(msg.err.Error())
			} else {
				d.solved = msg.ans
				d.e.status.clear()
			}
		}
		return stay(d), nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return stay(d), cmd
	}
	keys := d.e.look.keys
	switch {
	case key.Matches(k, keys.Cancel):
		return done(said("Goal seek closed; nothing changed.")), nil
	case key.Matches(k, keys.YearEarlier, keys.YearLater):
		year, _, note := stepYear(d.e, k, d.year, d.e.ds.BaseYear+1)
		if note != "" {
			d.e.status.info(note)
			return stay(d), nil
		}
		d.e.status.clear()
		d.year = year
		d.changed()
		d.setPlaceholder()
	case key.Matches(k, keys.Field):
		if d.node != 0 {
			d.market = !d.market
			d.changed()
		}
	case key.Matches(k, keys.Confirm):
		if a := d.solved; a != nil && a.sol.Reached {
			// The rate exactly: the point is to reach the target.
			return done(setValueMsg{node: a.lever, value: a.sol.Rate, exact: true}), nil
		}
		if !d.solving {
			return stay(d), d.solve()
		}
	default:
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(k)
		d.changed()
		return stay(d), cmd
	}
	return stay(d), nil
}

// solve reads the target and returns the command that runs the goal
// seek: a few dozen projections, light on the IoMT dataset but over 0.1
// s on one at the limits, so not in Update.
func (d *goalSeekDialog) solve() tea.Cmd {
	e := d.e
	text := strings.TrimSpace(d.input.Value())
	if text == "" {
		text = d.input.Placeholder
	}
	target, err := numtext.Parse(text)
	switch {
	case errors.Is(err, numtext.ErrDecimalComma):
		e.status.error(fmt.Sprintf("%q: %v", text, err))
		return nil
	case err != nil || target <= 0:
		e.status.error(fmt.Sprintf("%q: type a value above 0, e.g. 60", text))
		return nil
	}
	d.changed()
	d.solving = true
	a := e.scen.Assumptions()
	g := forecast.Goal{Node: d.node, Year: d.year, Target: target, Lever: d.lever()}
	ans := &goalAnswer{target: target, lever: g.Lever}
	yi := d.year - e.ds.BaseYear
	from, last, _ := e.scen.Window()
	ans.realised[0], ans.share[0] = e.scen.Result().CAGR(d.node, from, last), e.scen.Result().Share(d.node, yi)
	ctx, run, gen, seq, ds := d.restart(), d.run, d.gen, d.seq, e.ds
	return func() tea.Msg {
		var serr error
		err := run.Run(ctx, []func(){func() { serr = seek(ds, a, g, ans, from, last) }})
		return goalSolvedMsg{gen: gen, seq: seq, ans: ans, err: cmp.Or(err, serr)}
	}
}

// seek solves g and fills in ans: the rate, and what it changes, applied
// as it will be.
func seek(ds *model.Dataset, a model.Assumptions, g forecast.Goal, ans *goalAnswer, from, last int) error {
	sol, err := forecast.Seek(ds, a, g)
	if err != nil {
		return err
	}
	ans.sol = sol
	yi := g.Year - ds.BaseYear
	if b, err := ds.Apply(a, a, model.Edit{Kind: model.SetGrowth, Node: g.Lever, Value: sol.Rate}); err == nil {
		r := forecast.Project(ds, &b)
		ans.realised[1], ans.share[1] = r.CAGR(g.Node, from, last), r.Share(g.Node, yi)
	}
	if !sol.Reached {
		_, uerr := forecast.GoalSeek(ds, a, g)
		ans.unreachErr = uerr.Error()
		return nil
	}
	ans.quote, err = forecast.QuoteGoal(ds, a, g, sol)
	return err
}

func (d *goalSeekDialog) SetSize(w, h int)     { d.width, d.height = w, h }
func (d *goalSeekDialog) Placement() placement { return placeBody }
func (d *goalSeekDialog) setStyles(s *Styles)  { d.input.SetStyles(s.input()) }

func (d *goalSeekDialog) Bindings() []key.Binding {
	k := d.e.look.keys
	solve, year, lever, closeIt := k.Confirm, k.YearLater, k.Field, k.Cancel
	solve.SetHelp("enter", "solve, then apply")
	year.SetHelp("↑↓←→", "year")
	lever.SetHelp("tab", "which rate")
	closeIt.SetHelp("esc", "close")
	if d.node == 0 {
		return []key.Binding{solve, year, closeIt}
	}
	return []key.Binding{solve, year, lever, closeIt}
}

func (d *goalSeekDialog) View() string {
	e, s := d.e, d.e.look.styles
	name := clean(nodeName(e.ds, d.node))
	if d.node != 0 {
		name = clean(e.ds.Nodes[d.node].Path)
	}
	lever := "its own CAGR"
	other := "tab: the market's CAGR instead"
	if d.market {
		lever, other = "the market's CAGR", "tab: its own CAGR instead"
		if d.node == 0 {
			other = ""
		}
	}
	a := e.scen.Assumptions()
	now := a.Growth[d.lever()]
	levers := 0.0 // the levers' impact on the market's rate, when it is the one varied
	if d.lever() == 0 {
		levers = a.DriverSum()
	}
	// Every sentence is wrapped at the pane's width, never cut: at 80
	// columns a long path or the levers' sum would cut the year or the
	// rate (docs/DESIGN.md §6: every number whole).
	inner := d.width - 2
	var lines []string
	add := func(style lipgloss.Style, text string) {
		indent := text[:len(text)-len(strings.TrimLeft(text, " "))]
		for _, l := range strings.Split(wrap(text, inner-len(indent), "  "), "\n") {
			lines = append(lines, style.Render(indent+l))
		}
	}
	plain := lipgloss.NewStyle()
	// The target's field keeps its padding, so it is not wrapped with
	// the words: the name goes on a line of its own when all of it does
	// not fit.
	reach := fmt.Sprintf("reach %s %s in %d (%s)", d.input.View(), unitLabel(e.ds), d.year, yearHint)
	if first := "Make " + name + " " + reach; ansi.StringWidth(first) <= inner {
		lines = append(lines, first)
	} else {
		add(plain, "Make "+name)
		lines = append(lines, reach)
	}
	line := fmt.Sprintf("by changing %s, now %s %% a year", lever, fmtNum(now, 2))
	if levers != 0 {
		line = fmt.Sprintf("by changing %s, now %s %% entered %s pp levers = %s %% a year", lever, fmtNum(now, 2), signedWord(levers), fmtNum(now+levers, 2))
	}
	add(plain, line)
	if other != "" {
		hint := "  (" + other + ")"
		if last := lines[len(lines)-1]; ansi.StringWidth(last+hint) <= inner {
			lines[len(lines)-1] += s.Muted.Render(hint)
		} else {
			add(s.Muted, "("+other+")")
		}
	}
	lines = append(lines, "")
	switch a := d.solved; {
	case d.solving:
		add(s.Muted, "Solving…")
	case a == nil:
		add(s.Muted, "Type the value and press enter to solve.")
	case !a.sol.Reached:
		add(s.Error, "Out of reach: "+a.unreachErr+".")
	default:
		d.answerLines(a, levers, add, func(style lipgloss.Style, text string) { lines = append(lines, style.Render(text)) })
		lines = append(lines, "")
		add(s.Accent, "enter applies it (one undoable edit) · esc leaves everything as it is")
	}
	return pane(s, true, "Goal seek · "+name, strings.Join(lines, "\n"), d.width, d.height)
}

// parentLabel names what a node's share is of.
func parentLabel(e env, n int) string {
	if p := e.ds.Nodes[n].Parent; p > 0 {
		return e.ds.Nodes[p].Name
	}
	return "the total"
}

// signedWord writes a lever sum as "+ 0.50" or "− 0.50", to read as a sum.
func signedWord(x float64) string {
	if x < 0 {
		return "− " + fmtNum(-x, 2)
	}
	return "+ " + fmtNum(x, 2)
}
