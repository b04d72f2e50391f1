package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// messagesDialog (M) lists the session's status messages, newest first,
// each in full and wrapped: a message longer than the status line (a
// path, a "did you mean", the range a value must be in) is cut there and
// read here.
type messagesDialog struct {
	e             env
	vp            viewport.Model
	width, height int
}

func newMessagesDialog(e env) *messagesDialog { return &messagesDialog{e: e} }

func (d *messagesDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, d.e.look.keys.Cancel, d.e.look.keys.Messages, d.e.look.keys.Quit) {
		return done(nil), nil
	}
	var cmd tea.Cmd
	d.vp, cmd = d.vp.Update(msg)
	return stay(d), cmd
}

// SetSize rewraps the messages to the width the dialog has.
func (d *messagesDialog) SetSize(w, h int) {
	d.width, d.height = w, h
	d.vp.SetWidth(w - 2)
	d.vp.SetHeight(h - 2)
	d.vp.SetContent(d.text(w - 4))
}

func (d *messagesDialog) text(w int) string {
	s := d.e.look.styles
	hist := d.e.status.history
	if len(hist) == 0 {
		return s.Muted.Render("No messages yet.")
	}
	var b strings.Builder
	for i := len(hist) - 1; i >= 0; i-- {
		style := s.Accent
		if hist[i].err {
			style = s.Error
		}
		for _, l := range strings.Split(wrap(clean(hist[i].msg), max(w-2, 10), "  "), "\n") {
			b.WriteString(style.Render(l) + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (d *messagesDialog) Placement() placement { return placeBody }

// setStyles redraws the messages in the new palette.
func (d *messagesDialog) setStyles(*Styles) { d.SetSize(d.width, d.height) }

func (d *messagesDialog) Bindings() []key.Binding {
	closeIt := d.e.look.keys.Cancel
	closeIt.SetHelp("esc", "close")
	return []key.Binding{d.e.look.keys.Up, d.e.look.keys.Down, closeIt}
}

func (d *messagesDialog) View() string {
	return pane(d.e.look.styles, true, "Messages, newest first · ↑↓ scroll · esc close", d.vp.View(), d.width, d.height)
}
