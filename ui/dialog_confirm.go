package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// confirmDialog asks a yes/no question on the status line before an
// action that would lose edits. yes is the message the root acts on when
// the answer is y.
type confirmDialog struct {
	c        *common
	question string
	yes      tea.Msg
	width    int
}

func newConfirm(c *common, question string, yes tea.Msg) *confirmDialog {
	return &confirmDialog{c: c, question: clean(question), yes: yes}
}

func (d *confirmDialog) Update(msg tea.Msg) (Dialog, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, d.c.keys.Yes):
		return done(d.yes), nil
	case key.Matches(k, d.c.keys.No):
		return done(statusMsg{text: "Nothing changed."}), nil
	}
	return d, nil
}

func (d *confirmDialog) SetSize(w, _ int)     { d.width = w }
func (d *confirmDialog) Placement() placement { return placeLine }
func (d *confirmDialog) Bindings() []key.Binding {
	yes, no := d.c.keys.Yes, d.c.keys.No
	yes.SetHelp("y", "yes")
	no.SetHelp("n", "no")
	return []key.Binding{yes, no}
}

// View cuts the question rather than the " y/n" after it, which the
// status line would cut at 80 columns ("Unsaved changes to Accelerated
// adoption will be lost. Open Security headwinds?").
func (d *confirmDialog) View() string {
	q := ansi.Truncate(d.question, max(d.width-len(" y/n"), 1), "…")
	return ansi.Truncate(d.c.styles.Error.Render(q+" y/n"), d.width, "…")
}
