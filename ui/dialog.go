package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"iomt/model"
)

// Dialog is a modal screen: help, report information, a prompt, a
// question, a picker or a menu. The root keeps them on a stack and gives
// keys to the top one only. A dialog never changes the scenario itself:
// it reports what the user chose as a message, by returning done(msg)
// from Update, and the root acts on it (so every edit still goes through
// one function, and undo stays exact).
type Dialog interface {
	// Update handles a message. It returns the dialog to keep (itself,
	// usually), or done(result) when the user has chosen.
	Update(tea.Msg) (Dialog, tea.Cmd)
	// View draws the dialog: the body of the screen, or its bottom line.
	View() string
	// SetSize gives the dialog the room of its placement.
	SetSize(w, h int)
	// Placement says where the dialog is drawn.
	Placement() placement
	// Bindings are the dialog's keys, for the help.
	Bindings() []key.Binding
}

// placement is where a dialog is drawn.
type placement int

const (
	placeBody placement = iota // in place of the panes, between header and status line
	placeLine                  // on the status line, over the panes
)

// result is what Update returns when the user has chosen: the root acts
// on msg (nil: nothing to do) and takes the dialog off the stack unless
// the action is refused (a prompt then stays open with the reason) or the
// dialog asked to stay (a panel of levers, adjusted one key at a time).
//
// It is returned in place of the dialog, not sent as a tea.Cmd, so that
// the root acts before the next key is read: a key typed right after
// enter goes to what is under the dialog, as it did before the dialog
// closed, not to a dialog waiting for its own message.
type result struct {
	msg  tea.Msg
	stay Dialog // the dialog to keep open after the root acts, or nil
}

func (result) Update(tea.Msg) (Dialog, tea.Cmd) { return nil, nil }
func (result) View() string                     { return "" }
func (result) SetSize(int, int)                 {}
func (result) Placement() placement             { return placeLine }
func (result) Bindings() []key.Binding          { return nil }

// done closes a dialog with what the user chose.
func done(msg tea.Msg) Dialog { return result{msg: msg} }

// report hands the root what the user chose and keeps d open.
func report(d Dialog, msg tea.Msg) Dialog { return result{msg: msg, stay: d} }

// editMsg asks the root to make one edit of the assumptions, through the
// history, and to say said when it is done.
type editMsg struct {
	edit model.Edit
	said string
}

// selectMsg asks the root to show node's row: its tab, its level, the
// row selected.
type selectMsg struct{ node int }

// statusMsg is a result that only puts a message on the status line.
type statusMsg struct {
	text string
	err  bool
}

// requestQuitMsg asks the root to quit, as q does (asking first when
// there are unsaved changes).
type requestQuitMsg struct{}

// quitMsg quits without asking.
type quitMsg struct{}
