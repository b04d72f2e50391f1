package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// quitDialog asks before quitting with changes (unsaved, or in a session
// that saves nothing: they end with it); y (or ctrl+c
// again) quits, n keeps working.
type quitDialog struct {
	c     *common
	width int
}

func newQuitDialog(c *common) *quitDialog { return &quitDialog{c: c} }

func (d *quitDialog) Update(msg tea.Msg) (Dialog, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, d.c.keys.Yes, d.c.keys.ForceQuit):
		return done(quitMsg{}), nil
	case key.Matches(k, d.c.keys.No):
		return done(statusMsg{text: "Kept working."}), nil
	}
	return d, nil
}

func (d *quitDialog) SetSize(w, _ int)        { d.width = w }
func (d *quitDialog) Placement() placement    { return placeLine }
func (d *quitDialog) Bindings() []key.Binding { return []key.Binding{d.c.keys.Yes, d.c.keys.No} }

func (d *quitDialog) View() string {
	name := clean(d.c.scenario)
	return askLine(d.c.styles, clean(d.c.losing("Quit?", true)), d.width, name)
}
