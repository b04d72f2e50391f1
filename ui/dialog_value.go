package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// setValueMsg asks the root to set a row's growth rate or share to an
// exact value; the value prompt reports it.
type setValueMsg struct {
	node  int
	share bool
	value float64
	// exact keeps the value as it is; typed values are rounded to a
	// millionth, so that 18.5+0.5+0.5 never drifts to 19.499999…
	exact bool
}

// valuePrompt types an exact growth rate (or, after tab, share) for one
// row, on the status line.
type valuePrompt struct {
	c     *common
	input textinput.Model
	node  int
	share bool // the prompt edits the share rather than the growth rate
	width int
}

func newValuePrompt(c *common, node int) (*valuePrompt, tea.Cmd) {
	d := &valuePrompt{c: c, input: newInput(c, 32), node: node}
	// Numbers are short; leave the line for messages.
	d.input.SetWidth(12)
	d.fill()
	c.clearStatus()
	return d, d.input.Focus()
}

// newInput is the text field of the prompts.
func newInput(c *common, limit int) textinput.Model {
	in := textinput.New()
	in.CharLimit = limit
	// The prompts take what is typed; reading the clipboard of the machine
	// iomt runs on (the server, over SSH) would be wrong.
	in.KeyMap.Paste.SetEnabled(false)
	in.SetStyles(c.styles.input())
	return in
}

// fill labels the field and shows the current value as its placeholder,
// the field itself empty so that typing replaces the value rather than
// appending to it.
func (d *valuePrompt) fill() {
	a := d.c.assumptions()
	name := ansi.Truncate(clean(d.c.nodeName(d.node)), 28, "…")
	d.input.SetValue("")
	if d.share {
		d.input.Prompt = name + " share %: "
		d.input.Placeholder = strconv.FormatFloat(a.Share[d.node], 'f', -1, 64)
	} else {
		d.input.Prompt = name + " growth %/yr: "
		d.input.Placeholder = strconv.FormatFloat(a.Growth[d.node], 'f', -1, 64)
	}
}

func (d *valuePrompt) Update(msg tea.Msg) (Dialog, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return d, cmd
	}
	keys := d.c.keys
	switch {
	case key.Matches(k, keys.Cancel):
		return done(statusMsg{text: "Cancelled."}), nil
	case key.Matches(k, keys.Field):
		if d.node != d.c.parent[d.c.dim] {
			d.share = !d.share
			d.fill()
		}
		return d, nil
	case key.Matches(k, keys.Confirm):
		text := strings.TrimSpace(d.input.Value())
		if text == "" {
			return done(statusMsg{text: "Unchanged."}), nil
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(text, "%")), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			d.c.error(fmt.Sprintf("%q is not a number: type e.g. 18.5", d.input.Value()))
			return d, nil
		}
		return done(setValueMsg{node: d.node, share: d.share, value: v}), nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(k)
	d.c.clearStatus() // the last refusal no longer applies to what is typed
	return d, cmd
}

func (d *valuePrompt) SetSize(w, _ int)     { d.width = w }
func (d *valuePrompt) Placement() placement { return placeLine }
func (d *valuePrompt) setStyles(s *Styles)  { d.input.SetStyles(s.input()) }

func (d *valuePrompt) Bindings() []key.Binding {
	return []key.Binding{d.c.keys.Confirm, d.c.keys.Cancel, d.c.keys.Field}
}

// View is the field, then the reason the last value was refused, or what
// the keys do.
func (d *valuePrompt) View() string {
	s := d.c.styles
	line := d.input.View()
	if st := d.c.status; st.err && st.msg != "" {
		line += "  " + s.Error.Render(clean(st.msg))
	} else {
		hint := "enter applies · esc cancels · tab: share"
		if d.share {
			hint = "enter applies · esc cancels · tab: growth"
		} else if d.node == d.c.parent[d.c.dim] {
			hint = "enter applies · esc cancels"
		}
		line += "  " + s.Muted.Render(hint)
	}
	return ansi.Truncate(line, d.width, "…")
}
