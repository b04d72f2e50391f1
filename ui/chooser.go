package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"

	"iomt/model"
)

// purpose is what a chooser's selection does.
type purpose int

const (
	chooseOpen    purpose = iota // open a scenario
	chooseCompare                // compare with a scenario
	chooseNew                    // start a new scenario
	chooseExport                 // export the current scenario
)

// Actions of the new-scenario and export menus.
const (
	actNewFromBase = iota
	actNewCopy
	actExportCSV
	actExportJSON
	actExportMD
	actCopyTable
)

// choice is one line of a chooser: a scenario, or a menu action.
type choice struct {
	title, desc string
	entry       *model.Entry
	action      int
	// refused says why the scenario cannot be used here (another market,
	// an unreadable file); it is still listed so the user sees why.
	refused string
}

func (c choice) Title() string { return c.title }
func (c choice) Description() string {
	if c.refused != "" {
		return "cannot open: " + c.refused
	}
	return c.desc
}
func (c choice) FilterValue() string { return c.title + " " + c.desc }

// chooser is a filterable list (bubbles list) for picking a scenario or a
// menu action.
type chooser struct {
	c             *common
	list          list.Model
	purpose       purpose
	title         string
	width, height int
}

func newChooser(c *common, p purpose, title string, items []choice) *chooser {
	li := make([]list.Item, len(items))
	for i, it := range items {
		li[i] = it
	}
	d := list.NewDefaultDelegate()
	d.Styles = c.styles.listItems()
	l := list.New(li, d, 0, 0)
	l.SetShowTitle(false)
	l.SetShowHelp(false)
	l.SetFilteringEnabled(p == chooseOpen || p == chooseCompare)
	l.SetShowStatusBar(p == chooseOpen || p == chooseCompare)
	// Quitting the program from inside a picker would be a surprise:
	// esc closes the picker instead (handled by the root).
	l.KeyMap.Quit.SetEnabled(false)
	l.KeyMap.ForceQuit.SetEnabled(false)
	l.Styles = c.styles.list()
	return &chooser{c: c, list: l, purpose: p, title: title}
}

// SetSize sets the outer size of the pane.
func (ch *chooser) SetSize(w, h int) {
	ch.width, ch.height = w, h
	ch.list.SetSize(max(w-2, 1), max(h-2, 1))
}

// Update passes keys to the list.
func (ch *chooser) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	ch.list, cmd = ch.list.Update(msg)
	return cmd
}

// filtering reports whether the user is typing a filter, when every key
// belongs to the list.
func (ch *chooser) filtering() bool { return ch.list.SettingFilter() }

// closesOn reports whether k should close the chooser rather than go to
// the list: esc when no filter is applied.
func (ch *chooser) closesOn(k tea.KeyPressMsg, keys KeyMap) bool {
	return key.Matches(k, keys.Cancel) && !ch.list.IsFiltered() && !ch.list.SettingFilter()
}

func (ch *chooser) selected() (choice, bool) {
	it, ok := ch.list.SelectedItem().(choice)
	return it, ok
}

// View renders the chooser in a bordered pane.
func (ch *chooser) View() string {
	hint := " · enter choose · esc close"
	if ch.list.FilteringEnabled() {
		hint = " · / filter" + hint
	}
	return pane(ch.c.styles, true, ch.title+hint, ch.list.View(), ch.width, ch.height)
}
