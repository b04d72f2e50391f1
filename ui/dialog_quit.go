package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// quitDialog asks before quitting with changes (unsaved, or in a session
// that saves nothing: they end with it); y (or ctrl+c
// again) quits, n keeps working.
type quitDialog struct {
	e     env
	width int
}

func newQuitDialog(e env) *quitDialog { return &quitDialog{e: e} }

func (d *quitDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, d.e.look.keys.Yes, d.e.look.keys.ForceQuit):
		return done(quitMsg{}), nil
	case key.Matches(k, d.e.look.keys.No):
		return done(said("Kept working.")), nil
	}
	return stay(d), nil
}

func (d *quitDialog) SetSize(w, _ int)     { d.width = w }
func (d *quitDialog) Placement() placement { return placeLine }
func (d *quitDialog) Bindings() []key.Binding {
	return []key.Binding{d.e.look.keys.Yes, d.e.look.keys.No}
}

func (d *quitDialog) View() string {
	name := clean(d.e.scen.Name())
	return askLine(d.e.look.styles, clean(d.e.files.losing(d.e.scen.Name(), "Quit?", true)), d.width, name)
}
