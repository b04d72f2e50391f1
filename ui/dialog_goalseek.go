package ui

import (
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
// lever between the node's own CAGR and the market's; enter solves, and
// enter again applies the rate as one undoable edit.
type goalSeekDialog struct {
	c             *common
	node          int
	year          int
	market        bool // the lever is the market's CAGR
	input         textinput.Model
	solved        *goalAnswer // for the inputs as they are, or nil
	width, height int
}

// goalAnswer is a solved goal, and what the rate changes.
type goalAnswer struct {
	target     float64
	sol        forecast.Solution
	lever      int
	realised   [2]float64 // the node's realised CAGR now and at the rate
	share      [2]float64 // its share in the year, now and at the rate
	unreachErr string
}

func newGoalSeekDialog(c *common) (*goalSeekDialog, tea.Cmd) {
	d := &goalSeekDialog{c: c, node: c.selected(), year: c.ds.EndYear, input: newInput(c, 20)}
	d.market = d.node == 0
	d.input.Prompt = ""
	d.input.SetWidth(14)
	d.setPlaceholder()
	return d, d.input.Focus()
}

// setPlaceholder offers the node's value in the chosen year, so enter on
// an empty field asks for what is there now.
func (d *goalSeekDialog) setPlaceholder() {
	v := d.c.res.Value(d.node, d.year-d.c.ds.BaseYear)
	// At the screen's precision: 0.00122 on a market below one, not 0.
	d.input.Placeholder = strconv.FormatFloat(v, 'f', valuePrec(math.Abs(v), 2), 64)
}

func (d *goalSeekDialog) lever() int {
	if d.market {
		return 0
	}
	return d.node
}

func (d *goalSeekDialog) Update(msg tea.Msg) (Dialog, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return d, cmd
	}
	keys := d.c.keys
	switch {
	case key.Matches(k, keys.Cancel):
		return done(statusMsg{text: "Goal seek closed; nothing changed."}), nil
	case key.Matches(k, keys.YearEarlier, keys.YearLater):
		year, _, note := d.c.stepYear(k, d.year, d.c.ds.BaseYear+1)
		if note != "" {
			d.c.info(note)
			return d, nil
		}
		d.c.clearStatus()
		d.year = year
		d.solved = nil
		d.setPlaceholder()
	case key.Matches(k, keys.Field):
		if d.node != 0 {
			d.market = !d.market
			d.solved = nil
		}
	case key.Matches(k, keys.Confirm):
		if a := d.solved; a != nil && a.sol.Reached {
			// The rate exactly: the point is to reach the target.
			return done(setValueMsg{node: a.lever, value: a.sol.Rate, exact: true}), nil
		}
		d.solve()
	default:
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(k)
		d.solved = nil
		return d, cmd
	}
	return d, nil
}

// solve runs the goal seek: a few dozen projections, light enough for
// Update.
func (d *goalSeekDialog) solve() {
	c := d.c
	text := strings.TrimSpace(d.input.Value())
	if text == "" {
		text = d.input.Placeholder
	}
	target, err := numtext.Parse(text)
	switch {
	case errors.Is(err, numtext.ErrDecimalComma):
		c.error(fmt.Sprintf("%q: %v", text, err))
		return
	case err != nil || target <= 0:
		c.error(fmt.Sprintf("%q: type a value above 0, e.g. 60", text))
		return
	}
	a := c.assumptions()
	g := forecast.Goal{Node: d.node, Year: d.year, Target: target, Lever: d.lever()}
	sol, err := forecast.Seek(c.ds, a, g)
	if err != nil {
		c.error(err.Error())
		return
	}
	ans := &goalAnswer{target: target, sol: sol, lever: g.Lever}
	yi := d.year - c.ds.BaseYear
	from, last, _ := c.window()
	ans.realised[0], ans.share[0] = c.res.CAGR(d.node, from, last), c.res.Share(d.node, yi)
	// What the answer changes, applied as it will be.
	if b, err := c.ds.Apply(a, a, model.Edit{Kind: model.SetGrowth, Node: g.Lever, Value: sol.Rate}); err == nil {
		r := forecast.Project(c.ds, &b)
		ans.realised[1], ans.share[1] = r.CAGR(d.node, from, last), r.Share(d.node, yi)
	}
	if !sol.Reached {
		_, uerr := forecast.GoalSeek(c.ds, a, g)
		ans.unreachErr = uerr.Error()
	}
	d.solved = ans
	c.clearStatus()
}

func (d *goalSeekDialog) SetSize(w, h int)     { d.width, d.height = w, h }
func (d *goalSeekDialog) Placement() placement { return placeBody }
func (d *goalSeekDialog) setStyles(s *Styles)  { d.input.SetStyles(s.input()) }

func (d *goalSeekDialog) Bindings() []key.Binding {
	k := d.c.keys
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
	c, s := d.c, d.c.styles
	name := clean(c.nodeName(d.node))
	if d.node != 0 {
		name = clean(c.ds.Nodes[d.node].Path)
	}
	lever := "its own CAGR"
	other := "tab: the market's CAGR instead"
	if d.market {
		lever, other = "the market's CAGR", "tab: its own CAGR instead"
		if d.node == 0 {
			other = ""
		}
	}
	a := c.assumptions()
	now := a.Growth[d.lever()]
	levers := 0.0 // the levers' impact on the market's rate, when it is the one varied
	if d.lever() == 0 {
		levers = a.DriverSum()
	}
	// Every sentence is wrapped at the pane's width, never cut: at 80
	// columns a long path or the levers' sum would cut the year or the
	// rate (DESIGN: every number whole).
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
	reach := fmt.Sprintf("reach %s %s in %d (%s)", d.input.View(), c.unitLabel(), d.year, yearHint)
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
	case a == nil:
		add(s.Muted, "Type the value and press enter to solve.")
	case !a.sol.Reached:
		add(s.Error, "Out of reach: "+a.unreachErr+".")
	default:
		answer := fmt.Sprintf("Answer: %s %% a year", fmtNum(a.sol.Rate, 2))
		if levers != 0 {
			answer = fmt.Sprintf("Answer: %s %% a year entered (%s %% with the levers)", fmtNum(a.sol.Rate, 2), fmtNum(a.sol.Rate+levers, 2))
		}
		add(s.Title, answer)
		_, _, span := c.window()
		add(plain, fmt.Sprintf("  realised CAGR %s: %s %% (now %s %%)", span, fmtNum(a.realised[1], 2), fmtNum(a.realised[0], 2)))
		if d.node != 0 {
			add(plain, fmt.Sprintf("  share of %s in %d: %s %% (now %s %%)", clean(parentLabel(c, d.node)), d.year, fmtNum(a.share[1], 2), fmtNum(a.share[0], 2)))
		}
		add(plain, fmt.Sprintf("  found in %d projections", a.sol.Evals))
		lines = append(lines, "")
		add(s.Accent, "enter applies it (one undoable edit) · esc leaves everything as it is")
	}
	return pane(s, true, "Goal seek · "+name, strings.Join(lines, "\n"), d.width, d.height)
}

// parentLabel names what a node's share is of.
func parentLabel(c *common, n int) string {
	if p := c.ds.Nodes[n].Parent; p > 0 {
		return c.ds.Nodes[p].Name
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
