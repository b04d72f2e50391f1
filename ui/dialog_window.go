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
	c     *common
	input textinput.Model
	width int
}

// windowText reads "2021-2027", "2021–2027", "2021 2027" or "2021 to 2027".
var windowText = regexp.MustCompile(`^\s*(\d{4})\s*(?:-|–|—|to|\s)\s*(\d{4})\s*$`)

func newWindowPrompt(c *common) (*windowPrompt, tea.Cmd) {
	d := &windowPrompt{c: c, input: newInput(c, 24)}
	d.input.Prompt = "Real CAGR and Δshare over: "
	d.input.SetWidth(10)
	_, _, span := c.window()
	d.input.Placeholder = span
	c.clearStatus()
	return d, d.input.Focus()
}

func (d *windowPrompt) Update(msg tea.Msg) (Dialog, tea.Cmd) {
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
	case key.Matches(k, keys.Confirm):
		text := strings.TrimSpace(d.input.Value())
		ds := d.c.ds
		var w model.Window
		switch m := windowText.FindStringSubmatch(text); {
		case text == "":
			return done(statusMsg{text: "Unchanged."}), nil
		case strings.EqualFold(text, "all"):
			w = model.Window{From: ds.BaseYear, To: ds.EndYear}
		case m != nil:
			w.From, _ = strconv.Atoi(m[1])
			w.To, _ = strconv.Atoi(m[2])
		default:
			d.c.error(fmt.Sprintf("%q: type two years, e.g. %d-%d, or all", text, ds.BaseYear+2, ds.EndYear))
			return d, nil
		}
		return done(windowMsg{w}), nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(k)
	d.c.clearStatus()
	return d, cmd
}

// windowMsg asks the root to set the CAGR window, as one edit.
type windowMsg struct{ w model.Window }

func (d *windowPrompt) SetSize(w, _ int)     { d.width = w }
func (d *windowPrompt) Placement() placement { return placeLine }
func (d *windowPrompt) setStyles(s *Styles)  { d.input.SetStyles(s.input()) }

func (d *windowPrompt) Bindings() []key.Binding {
	return []key.Binding{d.c.keys.Confirm, d.c.keys.Cancel}
}

func (d *windowPrompt) View() string {
	s := d.c.styles
	line := d.input.View()
	if st := d.c.status; st.err && st.msg != "" {
		line += "  " + s.Error.Render(clean(strings.TrimPrefix(st.msg, "Refused: ")))
	} else {
		line += "  " + s.Muted.Render(fmt.Sprintf("years %d–%d, e.g. %d-%d; all for the whole forecast · enter · esc", d.c.ds.BaseYear, d.c.ds.EndYear, d.c.ds.BaseYear+2, d.c.ds.EndYear))
	}
	return ansi.Truncate(line, d.width, "…")
}
