package ui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// windowPrompt (w) sets the years the realised CAGR and the change in
// share are read over: a report quotes its CAGR for a window of its own
// (the IoMT report's is 2021–2027), and this lets the Real column say the
// same. The window is part of the scenario: undoable, and saved.
type windowPrompt struct {
	e     env
	input textinput.Model
	width int
}

// windowText reads "2021-2027", "2021–2027", "2021 2027" or "2021 to 2027".
var windowText = regexp.MustCompile(`^\s*(\d{4})\s*(?:-|–|—|to|\s)\s*(\d{4})\s*$`)

func newWindowPrompt(e env) (*windowPrompt, tea.Cmd) {
	d := &windowPrompt{e: e, input: newInput(e, 24)}
	d.input.Prompt = "Real CAGR and Δshare over: "
	d.input.SetWidth(10)
	_, _, span := e.scen.Window()
	d.input.Placeholder = span
	e.status.clear()
	return d, d.input.Focus()
}

func (d *windowPrompt) Update(msg tea.Msg) (step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return stay(d), cmd
	}
	keys := d.e.look.keys
	switch {
	case key.Matches(k, keys.Cancel):
		return done(said("Cancelled.")), nil
	case key.Matches(k, keys.Confirm):
		text := strings.TrimSpace(d.input.Value())
		ds := d.e.ds
		var w model.Window
		switch m := windowText.FindStringSubmatch(text); {
		case text == "":
			return done(said("Unchanged.")), nil
		case strings.EqualFold(text, "all"):
			w = model.Window{From: ds.BaseYear, To: ds.EndYear}
		case m != nil:
			w.From, _ = strconv.Atoi(m[1])
			w.To, _ = strconv.Atoi(m[2])
		default:
			d.e.status.error(fmt.Sprintf("%q: type two years, e.g. %d-%d, or all", text, ds.BaseYear+2, ds.EndYear))
			return stay(d), nil
		}
		return done(windowMsg{w}), nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(k)
	d.e.status.clear()
	return stay(d), cmd
}

// windowMsg asks the root to set the CAGR window, as one edit.
type windowMsg struct{ w model.Window }

func (d *windowPrompt) SetSize(w, _ int)     { d.width = w }
func (d *windowPrompt) Placement() placement { return placeLine }
func (d *windowPrompt) setStyles(s *Styles)  { d.input.SetStyles(s.input()) }

func (d *windowPrompt) Bindings() []key.Binding {
	return []key.Binding{d.e.look.keys.Confirm, d.e.look.keys.Cancel}
}

func (d *windowPrompt) View() string {
	s := d.e.look.styles
	line := d.input.View()
	if st := d.e.status.cur; st.err && st.msg != "" {
		line += "  " + s.Error.Render(clean(strings.TrimPrefix(st.msg, "Refused: ")))
	} else {
		line += "  " + s.Muted.Render(fmt.Sprintf("years %d–%d, e.g. %d-%d; all for the whole forecast · enter · esc", d.e.ds.BaseYear, d.e.ds.EndYear, d.e.ds.BaseYear+2, d.e.ds.EndYear))
	}
	return ansi.Truncate(line, d.width, "…")
}
