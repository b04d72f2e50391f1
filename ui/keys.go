package ui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every key binding of the dashboard. Keys are matched only
// through these bindings, and the same bindings build the help (FullHelp
// lists the global ones; TestHelpListsEveryBinding fails when a binding
// is in neither the help nor a dialog's keys), so the help can never
// disagree with what the keys do.
type KeyMap struct {
	// Tabs are the number keys of the dimension tabs, 1 to 9 at most
	// (see tabKeys); [ and ] reach every tab.
	Tabs                  key.Binding
	PrevTab, NextTab      key.Binding
	Up, Down              key.Binding
	Drill, Back           key.Binding
	GrowthUp, GrowthDown  key.Binding
	ShareUp, ShareDown    key.Binding
	Exact                 key.Binding
	Lock                  key.Binding
	Undo, Redo            key.Binding
	ResetRow, ResetAll    key.Binding
	Metric                key.Binding
	Mode                  key.Binding
	Focus                 key.Binding
	Save, Open, New       key.Binding
	Compare, Export, Info key.Binding
	// Of a comparison: the table's view, the summary, the bridge of the
	// selected row; and the compare picker's mark.
	CompareView, Summary, Bridge, Mark key.Binding
	Messages                           key.Binding
	Window                             key.Binding
	GoalSeek, Tornado                  key.Binding
	MonteCarlo, Levers                 key.Binding
	DataTable                          key.Binding
	Fork                               key.Binding
	Present                            key.Binding
	Help                               key.Binding
	Quit                               key.Binding
	// ForceQuit answers the quit question too: a second ctrl+c quits.
	ForceQuit key.Binding

	// Keys of the year table when it has focus.
	EarlierYears, LaterYears key.Binding

	// Keys of the Monte Carlo screen: what varies, and the row's range
	// back to the default spread.
	Vary, DefaultRange key.Binding

	// Keys of the prompts and questions.
	Confirm, Cancel, Field, Yes, No key.Binding

	// Keys of the year a prompt or an analysis is about: the arrows
	// only, so that letters are typed. ←/→ change the year too, rather
	// than move in the few characters of a number (ctrl+b, ctrl+f do).
	YearEarlier, YearLater key.Binding
}

// tabKeys is the binding of the number keys for n dimension tabs: 1 to n,
// at most 9, with help that gives the real count ("1-6"; past nine,
// "1-9 tabs 1-9 of 12").
func tabKeys(n int) key.Binding {
	n = max(n, 1)
	keys := make([]string, min(n, 9))
	for i := range keys {
		keys[i] = strconv.Itoa(i + 1)
	}
	h := "1"
	if len(keys) > 1 {
		h = "1-" + keys[len(keys)-1]
	}
	desc := "dimension tab"
	if n > 9 {
		desc = "tabs 1-9 of " + strconv.Itoa(n)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(h, desc))
}

// keyMapFor is the key map for a dataset: its number of tabs.
func keyMapFor(dims int) KeyMap {
	k := DefaultKeyMap()
	k.Tabs = tabKeys(dims)
	return k
}

// DefaultKeyMap returns the key contract of docs/DESIGN.md §6.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Tabs:       tabKeys(4),
		PrevTab:    key.NewBinding(key.WithKeys("["), key.WithHelp("[/]", "previous/next tab")),
		NextTab:    key.NewBinding(key.WithKeys("]")),
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Drill:      key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("enter/→", "drill into children")),
		Back:       key.NewBinding(key.WithKeys("esc", "left", "h"), key.WithHelp("esc/←", "back")),
		GrowthUp:   key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+/-", "growth ±0.5 pp")),
		GrowthDown: key.NewBinding(key.WithKeys("-", "_")),
		ShareUp:    key.NewBinding(key.WithKeys(">", "."), key.WithHelp(">/<", "share ±0.5 pp")),
		ShareDown:  key.NewBinding(key.WithKeys("<", ",")),
		Exact:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "type a value")),
		Lock:       key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "lock/unlock share")),
		Undo:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo")),
		Redo:       key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "redo")),
		ResetRow:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset row")),
		ResetAll:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reset scenario")),
		Metric:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "value/share/growth")),
		Mode:       key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "bottom-up from this tab / top-down")),
		Focus:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "focus tree/table")),
		Save:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save scenario")),
		Open:       key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open scenario")),
		New:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new scenario")),
		Compare:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare (up to 4)")),
		Export:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export / copy table")),

		CompareView: key.NewBinding(key.WithKeys("V"), key.WithHelp("V", "side by side/differences")),
		Summary:     key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "summary")),
		Bridge:      key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "bridge")),
		Mark:        key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark to compare")),

		Info:       key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "report info")),
		Messages:   key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "messages in full")),
		Window:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "CAGR window")),
		GoalSeek:   key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "goal seek")),
		Tornado:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tornado")),
		MonteCarlo: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "Monte Carlo")),
		Levers:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "levers")),
		DataTable:  key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "data table")),
		Fork:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fork/follow (viewer)")),
		Present:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "present / take over")),
		Help:       key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:       key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		ForceQuit:  key.NewBinding(key.WithKeys("ctrl+c")),

		EarlierYears: key.NewBinding(key.WithKeys("left", "h", "esc"), key.WithHelp("←/→", "scroll the years")),
		LaterYears:   key.NewBinding(key.WithKeys("right", "l", "enter")),

		Vary:         key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "what varies")),
		DefaultRange: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "default range")),

		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Field:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "growth ↔ share")),
		Yes:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "quit")),
		No:      key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "stay")),

		YearEarlier: key.NewBinding(key.WithKeys("down", "left"), key.WithHelp("↓/←", "earlier year")),
		YearLater:   key.NewBinding(key.WithKeys("up", "right"), key.WithHelp("↑/→", "later year")),
	}
}

// ShortHelp is the one-line help of the status bar; paneKey is the
// focused pane's own key (drill into children, or scroll the years).
func (k KeyMap) ShortHelp(paneKey key.Binding) []key.Binding {
	// Help and quit first: at 80 columns the tail of the line is cut.
	return []key.Binding{k.Help, k.Quit, k.Tabs, k.Down, paneKey, k.GrowthUp, k.ShareUp, k.Exact, k.Undo}
}

// FollowingHelp is the one-line help of a viewer following a presenter:
// only the keys that do something there.
func (k KeyMap) FollowingHelp(canPresent bool) []key.Binding {
	fork := k.Fork
	fork.SetHelp("f", "private copy to change")
	if canPresent {
		return []key.Binding{k.Present, fork, k.Help, k.Info, k.Quit}
	}
	return []key.Binding{fork, k.Help, k.Info, k.Quit}
}

// FullHelp is the `?` screen, grouped by what the keys are for; paneKeys
// are the focused pane's own, among the navigation keys. viewer adds the
// key of a viewer following a presenter, and canPresent that of a session
// with a presenter key, which do nothing elsewhere.
func (k KeyMap) FullHelp(paneKeys []key.Binding, viewer, canPresent bool) [][]key.Binding {
	nav := append([]key.Binding{k.Tabs, k.PrevTab}, paneKeys...)
	files := []key.Binding{k.Save, k.Open, k.New, k.Compare, k.CompareView, k.Summary, k.Bridge, k.Export, k.Info, k.Messages}
	if viewer {
		files = append(files, k.Fork)
	}
	if canPresent {
		files = append(files, k.Present)
	}
	return [][]key.Binding{
		append(nav, k.Focus),
		{k.GrowthUp, k.ShareUp, k.Exact, k.Lock, k.Mode, k.GoalSeek, k.Tornado, k.MonteCarlo, k.DataTable, k.Levers},
		{k.Undo, k.Redo, k.ResetRow, k.ResetAll, k.Metric, k.Window, k.Help, k.Quit},
		files,
	}
}
