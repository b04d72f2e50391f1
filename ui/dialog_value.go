package ui

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/internal/numtext"
)

// setValueMsg asks the root to set one input of a row to an exact value;
// the value prompt and goal seek report it.
type setValueMsg struct {
	node  int
	field valueField
	year  int // the year, for fieldYear
	value float64
	// exact keeps the value as it is; typed values are rounded to a
	// millionth, so that 18.5+0.5+0.5 never drifts to 19.499999…
	exact bool
}

// valueField is what the value prompt sets.
type valueField int

const (
	fieldGrowth valueField = iota // the row's growth rate (the Total's: the market's CAGR)
	fieldShare                    // a segment's base-year share of its parent
	fieldValue                    // a base-year value, in money: a segment's (its share follows) or the market's size
	fieldYear                     // the row's growth in one year: the market's, or a year of a segment's path
)

// valuePrompt types an exact value for one row, on the status line: its
// growth rate, and after tab its share, base-year value and growth in one
// year (a segment's growth path), or the market's growth in one year and
// its base-year size (the Total). Every input of the model can be set
// here without a text editor.
type valuePrompt struct {
	e     env
	input textinput.Model
	node  int
	field valueField
	year  int    // for fieldYear, chosen with ↑/↓ or ←/→
	note  string // why the year did not move, until the next key
	width int
}

func newValuePrompt(e env, node int) (*valuePrompt, tea.Cmd) {
	d := &valuePrompt{e: e, input: newInput(e, 32), node: node, year: e.ds.BaseYear + 1}
	// Numbers are short; leave the line for messages.
	d.input.SetWidth(14)
	d.fill()
	e.status.clear()
	return d, d.input.Focus()
}

// fields are the inputs the prompt offers for its row, in tab order: the
// row listing a level (its parent) has only its growth rate here.
func (d *valuePrompt) fields() []valueField {
	switch {
	case d.node == 0:
		return []valueField{fieldGrowth, fieldYear, fieldValue}
	case d.node == d.e.sel.parent[d.e.sel.dim]:
		return []valueField{fieldGrowth, fieldYear}
	}
	return []valueField{fieldGrowth, fieldShare, fieldValue, fieldYear}
}

// newInput is the text field of the prompts.
func newInput(e env, limit int) textinput.Model {
	in := textinput.New()
	in.CharLimit = limit
	// The prompts take what is typed; reading the clipboard of the machine
	// iomt runs on (the server, over SSH) would be wrong.
	in.KeyMap.Paste.SetEnabled(false)
	in.SetStyles(e.look.styles.input())
	return in
}

// fill labels the field and shows the current value as its placeholder,
// at the precision the screen shows it, the field itself empty so that
// typing replaces the value rather than appending to it.
func (d *valuePrompt) fill() {
	e := d.e
	a := e.scen.Assumptions()
	name := ansi.Truncate(clean(nodeName(e.ds, d.node)), 28, "…")
	d.input.SetValue("")
	two := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	switch d.field {
	case fieldShare:
		d.input.Prompt = name + " share %: "
		d.input.Placeholder = two(a.Share[d.node])
	case fieldValue:
		d.input.Prompt = fmt.Sprintf("%s value in %d, %s: ", name, e.ds.BaseYear, unitLabel(e.ds))
		if d.node == 0 {
			d.input.Prompt = fmt.Sprintf("Market size in %d, %s: ", e.ds.BaseYear, unitLabel(e.ds))
		}
		v := e.scen.Result().Value(d.node, 0)
		d.input.Placeholder = strconv.FormatFloat(v, 'f', valuePrec(v, 2), 64)
	case fieldYear:
		d.input.Prompt = fmt.Sprintf("%s growth in %d %%: ", name, d.year)
		if d.node == 0 {
			d.input.Prompt = fmt.Sprintf("Market growth in %d %%: ", d.year)
		}
		if g, ok := a.YearRate(d.node, d.year-e.ds.BaseYear); !ok {
			d.input.Placeholder = "CAGR"
		} else {
			d.input.Placeholder = two(g)
		}
	default:
		d.input.Prompt = name + " growth %/yr: "
		d.input.Placeholder = two(a.Growth[d.node])
	}
}

func (d *valuePrompt) Update(msg tea.Msg) (step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return stay(d), cmd
	}
	keys := d.e.look.keys
	ds := d.e.ds
	d.note = ""
	switch {
	case key.Matches(k, keys.Cancel):
		return done(said("Cancelled.")), nil
	case key.Matches(k, keys.Field):
		fs := d.fields()
		d.field = fs[(slices.Index(fs, d.field)+1)%len(fs)]
		d.fill()
		return stay(d), nil
	case d.field == fieldYear && key.Matches(k, keys.YearEarlier, keys.YearLater):
		// What is typed stays: it is for the year now chosen.
		typed := d.input.Value()
		d.year, _, d.note = stepYear(d.e, k, d.year, ds.BaseYear+1)
		d.fill()
		d.input.SetValue(typed)
		d.e.status.clear()
		return stay(d), nil
	case key.Matches(k, keys.Confirm):
		text := strings.TrimSpace(d.input.Value())
		if text == "" {
			return done(said("Unchanged.")), nil
		}
		if d.field == fieldYear && strings.EqualFold(text, "cagr") {
			// The year gives up its own rate and grows at the CAGR.
			return done(setValueMsg{node: d.node, field: fieldYear, year: d.year, value: math.NaN(), exact: true}), nil
		}
		v, err := numtext.Parse(strings.TrimSuffix(text, "%"))
		if errors.Is(err, numtext.ErrDecimalComma) {
			d.e.status.error(fmt.Sprintf("%q: %v", d.input.Value(), err))
			return stay(d), nil
		}
		if err != nil {
			example := "e.g. 18.5"
			switch d.field {
			case fieldValue:
				example = "e.g. " + d.input.Placeholder
			case fieldYear:
				example = "e.g. 9.5, or cagr for the CAGR"
			}
			d.e.status.error(fmt.Sprintf("%q is not a number: type %s", d.input.Value(), example))
			return stay(d), nil
		}
		return done(setValueMsg{node: d.node, field: d.field, year: d.year, value: v}), nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(k)
	d.e.status.clear() // the last refusal no longer applies to what is typed
	return stay(d), cmd
}

func (d *valuePrompt) SetSize(w, _ int)     { d.width = w }
func (d *valuePrompt) Placement() placement { return placeLine }
func (d *valuePrompt) setStyles(s *Styles)  { d.input.SetStyles(s.input()) }

func (d *valuePrompt) Bindings() []key.Binding {
	return []key.Binding{d.e.look.keys.Confirm, d.e.look.keys.Cancel, d.e.look.keys.Field}
}

// View is the field, then the reason the last value was refused, or what
// the keys do.
func (d *valuePrompt) View() string {
	s := d.e.look.styles
	line := d.input.View()
	if st := d.e.status.cur; st.err && st.msg != "" {
		msg := s.Error.Render(clean(strings.TrimPrefix(st.msg, "Refused: ")))
		line += "  " + msg
		if ansi.StringWidth(line) > d.width {
			// The reason matters more than the field's label: what is
			// typed stays, the label gives way.
			label := d.input.Prompt
			d.input.Prompt = ""
			line = d.input.View() + "  " + msg
			d.input.Prompt = label
		}
	} else if d.note != "" {
		line += "  " + s.Accent.Render(d.note)
	} else {
		next := map[valueField]string{fieldGrowth: "growth", fieldShare: "share", fieldValue: "value", fieldYear: "one year's growth"}
		fs := d.fields()
		hint := "enter applies · esc cancels"
		if len(fs) > 1 {
			hint += " · tab: " + next[fs[(slices.Index(fs, d.field)+1)%len(fs)]]
		}
		if d.field == fieldYear {
			hint = yearHint + " · cagr: the CAGR · " + hint
		}
		line += "  " + s.Muted.Render(hint)
	}
	return ansi.Truncate(line, d.width, "…")
}
