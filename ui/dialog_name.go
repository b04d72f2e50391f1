package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// saveAsMsg asks the root to save the scenario under a name; the name
// prompt reports it.
type saveAsMsg struct{ name string }

// namePrompt asks for the scenario's name before its first save, on the
// status line.
type namePrompt struct {
	e     env
	input textinput.Model
	offer string // the name enter keeps when nothing is typed; "" for none
	width int
}

func newNamePrompt(e env, width int) (*namePrompt, tea.Cmd) {
	// Names may be as long as the model allows, counted the same way
	// (characters); a shorter limit would cut a longer name while it is
	// typed, without a word.
	d := &namePrompt{e: e, input: newInput(e, model.MaxNameLen), width: width}
	d.input.Prompt = "Save scenario as: "
	// Width first: SetValue scrolls the text to fit the width it has.
	d.input.SetWidth(max(width/3, 24))
	// A built-in's name would pass edited assumptions off as, say, the
	// report itself: offer it only for the user's own scenarios.
	// The current name is offered, not typed in: typing replaces it
	// (a name typed after "New scenario" became "New scenarioMy plan"),
	// enter keeps it, and tab brings it into the field to edit.
	d.offer = e.scen.Name()
	d.input.Placeholder = d.offer
	if e.files.isBuiltinName(d.offer) {
		d.offer = ""
		d.input.Placeholder = "a name of your own" // fits the prompt at 80 columns
	}
	e.status.clear()
	return d, d.input.Focus()
}

func (d *namePrompt) Update(msg tea.Msg) (step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.e.look.keys.Cancel):
			return done(said("Cancelled.")), nil
		case key.Matches(k, d.e.look.keys.Confirm):
			name := d.input.Value()
			if strings.TrimSpace(name) == "" {
				name = d.offer
			}
			return done(saveAsMsg{name: name}), nil
		case key.Matches(k, d.e.look.keys.Field) && d.offer != "" && d.input.Value() == "":
			d.input.SetValue(d.offer)
			d.input.CursorEnd()
			return stay(d), nil
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(k)
		d.e.status.clear()
		return stay(d), cmd
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return stay(d), cmd
}

func (d *namePrompt) SetSize(w, _ int) {
	d.width = w
	d.input.SetWidth(max(w/3, 24))
}

func (d *namePrompt) Placement() placement { return placeLine }
func (d *namePrompt) Bindings() []key.Binding {
	return []key.Binding{d.e.look.keys.Confirm, d.e.look.keys.Cancel}
}
func (d *namePrompt) setStyles(s *Styles) { d.input.SetStyles(s.input()) }

func (d *namePrompt) View() string {
	s := d.e.look.styles
	line := d.input.View()
	if st := d.e.status.cur; st.err && st.msg != "" {
		line += "  " + s.Error.Render(clean(st.msg))
	} else {
		hint := "enter saves · esc cancels"
		if d.offer != "" && d.input.Value() == "" {
			hint = "enter keeps this name · tab edits it · esc cancels"
		}
		line += "  " + s.Muted.Render(hint)
	}
	return ansi.Truncate(line, d.width, "…")
}
