package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"

	"iomt/model"
)

// purpose is what a picker or menu is for.
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
	actExportXLSX
	actCopyTable
	actExportSVG // the chart on screen, for a slide
	actExportPNG
)

// choice is one line of a chooser: a scenario, or a menu action.
type choice struct {
	title, desc string
	mark        string // the compare picker's "[1] ", shown before the title
	entry       *model.Entry
	action      int
	// refused says why the scenario cannot be used here (another market,
	// an unreadable file); it is still listed so the user sees why.
	refused string
}

func (c choice) Title() string { return c.mark + c.title }
func (c choice) Description() string {
	if c.refused != "" {
		return "cannot open: " + c.refused
	}
	return c.desc
}

// FilterValue is the title, then the description after a line break,
// which titleFirst tells apart.
func (c choice) FilterValue() string { return c.title + "\n" + c.desc }

// chooser is a filterable list (bubbles list) for picking a scenario or a
// menu action, drawn in a bordered pane; the pickers and menus are built
// on it.
type chooser struct {
	e             env
	list          list.Model
	title         string
	width, height int
}

func newChooser(e env, title string, items []choice, filter bool) chooser {
	d := list.NewDefaultDelegate()
	d.Styles = e.look.styles.listItems()
	l := list.New(nil, d, 0, 0)
	l.SetShowTitle(false)
	l.SetShowHelp(false)
	l.SetFilteringEnabled(filter)
	l.SetShowStatusBar(filter)
	// Quitting the program from inside a picker would be a surprise:
	// esc closes the picker instead.
	l.KeyMap.Quit.SetEnabled(false)
	l.KeyMap.ForceQuit.SetEnabled(false)
	l.Styles = e.look.styles.list()
	l.Filter = titleFirst
	ch := chooser{e: e, list: l, title: title}
	ch.setItems(items)
	return ch
}

func (ch *chooser) setItems(items []choice) {
	li := make([]list.Item, len(items))
	for i, it := range items {
		li[i] = it
	}
	ch.list.SetItems(li)
}

// SetSize sets the outer size of the pane.
func (ch *chooser) SetSize(w, h int) {
	ch.width, ch.height = w, h
	ch.list.SetSize(max(w-2, 1), max(h-2, 1))
}

// Update passes a message to the list.
func (ch chooser) Update(msg tea.Msg) (chooser, tea.Cmd) {
	var cmd tea.Cmd
	ch.list, cmd = ch.list.Update(msg)
	return ch, cmd
}

// filtering reports whether the user is typing a filter, when every key
// belongs to the list.
func (ch *chooser) filtering() bool { return ch.list.SettingFilter() }

// closesOn reports whether k should close the chooser rather than go to
// the list: esc when no filter is applied.
func (ch *chooser) closesOn(k tea.KeyPressMsg) bool {
	return key.Matches(k, ch.e.look.keys.Cancel) && !ch.list.IsFiltered() && !ch.list.SettingFilter()
}

func (ch *chooser) selected() (choice, bool) {
	it, ok := ch.list.SelectedItem().(choice)
	return it, ok
}

// Bindings are the keys of a chooser.
func (ch *chooser) Bindings() []key.Binding {
	k := ch.e.look.keys
	choose, closeIt := k.Confirm, k.Cancel
	choose.SetHelp("enter", "choose")
	closeIt.SetHelp("esc", "close")
	b := []key.Binding{k.Up, k.Down, choose, closeIt}
	if ch.list.FilteringEnabled() {
		b = append(b, ch.list.KeyMap.Filter)
	}
	return b
}

// setStyles follows the palette.
func (ch *chooser) setStyles(s *Styles) {
	d := list.NewDefaultDelegate()
	d.Styles = s.listItems()
	ch.list.SetDelegate(d)
	ch.list.Styles = s.list()
}

// View renders the chooser in a bordered pane.
func (ch *chooser) View() string {
	hint := " · enter choose · esc close"
	if ch.list.FilteringEnabled() {
		hint = " · / filter" + hint
	}
	return pane(ch.e.look.styles, true, ch.title+hint, ch.list.View(), ch.width, ch.height)
}

// choose handles a key for a chooser: the list's while a filter is typed,
// esc to close, enter to pick. It reports the picked choice, or whether
// the chooser closes.
func (ch *chooser) key(k tea.KeyPressMsg) (picked *choice, closed bool, cmd tea.Cmd) {
	if ch.filtering() {
		*ch, cmd = ch.Update(k)
		return nil, false, cmd
	}
	switch {
	case ch.closesOn(k):
		return nil, true, nil
	case key.Matches(k, ch.e.look.keys.Confirm):
		if it, ok := ch.selected(); ok {
			return &it, false, nil
		}
		return nil, false, nil
	}
	*ch, cmd = ch.Update(k)
	return nil, false, cmd
}

// titleFirst ranks what a filter finds: titles that start with the text,
// then titles that contain it (at the start of a word first), then
// descriptions that contain it, then bubbles' fuzzy matches of titles. "sec" finds
// Security headwinds first, where the fuzzy filter alone ranked every
// title with an s, an e and a c in it alike.
func titleFirst(term string, targets []string) []list.Rank {
	q := strings.ToLower(strings.TrimSpace(term))
	if q == "" {
		return list.DefaultFilter(term, targets)
	}
	tiers := make([][]list.Rank, 5)
	seen := make([]bool, len(targets))
	for i, t := range targets {
		title, desc, _ := strings.Cut(strings.ToLower(t), "\n")
		tier := -1
		var at int
		switch at = strings.Index(title, q); {
		case at == 0:
			tier = 0
		case at > 0 && !isWordRune(title, at):
			tier = 1
		case at > 0:
			tier = 2
		case strings.Contains(desc, q):
			tier = 3
		}
		if tier < 0 {
			continue
		}
		r := list.Rank{Index: i}
		if tier < 3 {
			// Highlight the match in the title: rune positions.
			start := utf8.RuneCountInString(title[:at])
			for j := range utf8.RuneCountInString(q) {
				r.MatchedIndexes = append(r.MatchedIndexes, start+j)
			}
		}
		tiers[tier] = append(tiers[tier], r)
		seen[i] = true
	}
	// The fuzzy rest, on titles only: across title and description it
	// matched almost anything ("Consult" found "Security headwinds").
	titles := make([]string, len(targets))
	for i, t := range targets {
		titles[i], _, _ = strings.Cut(t, "\n")
	}
	for _, r := range list.DefaultFilter(term, titles) {
		if !seen[r.Index] {
			tiers[4] = append(tiers[4], r)
		}
	}
	var out []list.Rank
	for _, t := range tiers {
		out = append(out, t...)
	}
	return out
}

// isWordRune reports whether the character before byte i of s is a letter
// or digit: a match there is inside a word, not at its start.
func isWordRune(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
