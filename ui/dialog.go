package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"iomt/model"
)

// Dialog is a modal screen: help, report information, a prompt, a
// question, a picker or a menu. The root keeps them on a stack and gives
// keys to the top one only. A dialog cannot change the scenario: it reads
// it through env.scen (a scenarioView), and reports what the user chose
// as a message in the step its Update returns; the root acts on it (so
// every edit still goes through one function, and undo stays exact).
type Dialog interface {
	// Update handles a message and says what happens next: the dialog to
	// keep open (itself, usually), and what the user chose.
	Update(tea.Msg) (step, tea.Cmd)
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

// step is what a dialog's Update returns: keep is the dialog to keep
// open (itself, or one in its place), nil to close it; chose is what the
// user chose, for the root to act on (nil: nothing). When the user has
// chosen and the root refuses the action (a prompt with a bad value),
// the dialog stays open and shows why.
//
// The root acts at once, not through a command, so that a key typed
// right after enter goes to what is under the dialog, as it did before
// the dialog closed, not to a dialog waiting for its own message.
type step struct {
	keep  Dialog
	chose tea.Msg
}

// stay keeps d open, with nothing chosen.
func stay(d Dialog) step { return step{keep: d} }

// done closes the dialog with what the user chose.
func done(msg tea.Msg) step { return step{chose: msg} }

// report hands the root what the user chose and keeps d open (a panel
// of levers, adjusted one key at a time).
func report(d Dialog, msg tea.Msg) step { return step{keep: d, chose: msg} }

// editMsg asks the root to make one edit of the assumptions, through the
// history, and to say said when it is done.
type editMsg struct {
	edit model.Edit
	said string
}

// selectMsg asks the root to show node's row: its tab, its level, the
// row selected.
type selectMsg struct{ node int }

// requestQuitMsg asks the root to quit, as q does (asking first when
// there are unsaved changes).
type requestQuitMsg struct{}

// quitMsg quits without asking.
type quitMsg struct{}
