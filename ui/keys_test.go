package ui

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// TestKeyMessagesMatchBindings checks that the key messages the tests send
// are the ones the terminal reports for the keys of the contract, and that
// they match the intended binding of keys.go and no other global binding.
func TestKeyMessagesMatchBindings(t *testing.T) {
	k := DefaultKeyMap()
	global := map[string]key.Binding{
		"Tabs": k.Tabs, "PrevTab": k.PrevTab, "NextTab": k.NextTab,
		"Up": k.Up, "Down": k.Down, "Drill": k.Drill, "Back": k.Back,
		"GrowthUp": k.GrowthUp, "GrowthDown": k.GrowthDown, "ShareUp": k.ShareUp, "ShareDown": k.ShareDown,
		"Exact": k.Exact, "Lock": k.Lock, "Undo": k.Undo, "Redo": k.Redo, "ResetRow": k.ResetRow,
		"ResetAll": k.ResetAll, "Metric": k.Metric, "Mode": k.Mode, "Focus": k.Focus, "Help": k.Help, "Quit": k.Quit,
	}
	tests := []struct {
		msg     tea.KeyPressMsg
		str     string
		binding string
	}{
		{runeKey('1'), "1", "Tabs"},
		{runeKey('2'), "2", "Tabs"},
		{runeKey('3'), "3", "Tabs"},
		{runeKey('4'), "4", "Tabs"},
		{runeKey('['), "[", "PrevTab"},
		{runeKey(']'), "]", "NextTab"},
		{runeKey('k'), "k", "Up"},
		{keyUp, "up", "Up"},
		{runeKey('j'), "j", "Down"},
		{keyDown, "down", "Down"},
		{keyEnter, "enter", "Drill"},
		{keyRight, "right", "Drill"},
		{runeKey('l'), "l", "Drill"},
		{keyEsc, "esc", "Back"},
		{keyLeft, "left", "Back"},
		{runeKey('h'), "h", "Back"},
		{runeKey('+'), "+", "GrowthUp"},
		{runeKey('-'), "-", "GrowthDown"},
		{runeKey('>'), ">", "ShareUp"},
		{runeKey('<'), "<", "ShareDown"},
		{runeKey('e'), "e", "Exact"},
		{keySpace, "space", "Lock"},
		{runeKey('u'), "u", "Undo"},
		{keyCtrlR, "ctrl+r", "Redo"},
		{runeKey('r'), "r", "ResetRow"},
		{runeKey('R'), "R", "ResetAll"},
		// What a terminal with the kitty protocol reports for shift+r.
		{tea.KeyPressMsg{Code: 'r', ShiftedCode: 'R', Text: "R", Mod: tea.ModShift}, "R", "ResetAll"},
		{runeKey('v'), "v", "Metric"},
		{runeKey('b'), "b", "Mode"},
		{keyTab, "tab", "Focus"},
		{runeKey('?'), "?", "Help"},
		{runeKey('q'), "q", "Quit"},
		{keyCtrlC, "ctrl+c", "Quit"},
	}
	for _, tt := range tests {
		if got := tt.msg.String(); got != tt.str {
			t.Errorf("key %+v is %q, want %q", tt.msg, got, tt.str)
		}
		for name, b := range global {
			if got, want := key.Matches(tt.msg, b), name == tt.binding; got != want {
				t.Errorf("key %q matches %s: %v, want %v", tt.str, name, got, want)
			}
		}
	}

	// The prompt and the quit question have their own keys.
	modal := []struct {
		msg     tea.KeyPressMsg
		binding key.Binding
		name    string
	}{
		{keyEnter, k.Confirm, "Confirm"},
		{keyEsc, k.Cancel, "Cancel"},
		{keyTab, k.Field, "Field"},
		{runeKey('y'), k.Yes, "Yes"},
		{runeKey('n'), k.No, "No"},
		{keyEsc, k.No, "No"},
	}
	for _, tt := range modal {
		if !key.Matches(tt.msg, tt.binding) {
			t.Errorf("key %q does not match %s", tt.msg.String(), tt.name)
		}
	}
	if key.Matches(runeKey('q'), k.Yes) || key.Matches(runeKey('y'), k.No) {
		t.Error("y and n must not overlap")
	}
}

// TestHelpListsEveryBinding checks that every binding of the KeyMap is
// reachable from the ? screen (with either pane focused) or belongs to
// the dialogs, whose keys their own lines show: a new key that is in
// neither fails here.
func TestHelpListsEveryBinding(t *testing.T) {
	k := DefaultKeyMap()
	m := newTestModel(t, 80, 24)
	listed := map[string]bool{}
	for _, pane := range [][]key.Binding{m.panes.tree.Bindings(), m.panes.table.Bindings()} {
		for _, g := range k.FullHelp(pane, true, true) {
			for _, b := range g {
				listed[b.Help().Key] = true
			}
		}
	}
	// Keys of the prompts and questions, and second keys of a pair whose
	// first carries the help ("1-4", "[/]", "+/-", "←/→", q for ctrl+c).
	dialogs := map[string]bool{"Confirm": true, "Cancel": true, "Field": true, "Yes": true, "No": true, "YearEarlier": true, "YearLater": true}
	v := reflect.ValueOf(k)
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		b := v.Field(i).Interface().(key.Binding)
		if dialogs[name] || b.Help().Key == "" {
			continue
		}
		if !listed[b.Help().Key] {
			t.Errorf("KeyMap.%s (%q) is not in the full help", name, b.Help().Key)
		}
	}
	for _, want := range []string{"1-4", "[/]", "↑/k", "↓/j", "enter/→", "esc/←", "←/→", "+/-", ">/<", "e", "space",
		"u", "ctrl+r", "r", "R", "v", "b", "tab", "?", "q"} {
		if !listed[want] {
			t.Errorf("the full help does not list %q", want)
		}
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m := newTestModel(t, size[0], size[1])
		m = send(t, m, runeKey('?'))
		lines := viewLines(m)
		v := strings.Join(lines[:len(lines)-1], "\n") // not the status line's short help
		for _, b := range []key.Binding{k.Tabs, k.PrevTab, k.Up, k.Down, k.Drill, k.Back, k.Focus, k.GrowthUp,
			k.ShareUp, k.Exact, k.Lock, k.Mode, k.Undo, k.Redo, k.ResetRow, k.ResetAll, k.Metric, k.Help, k.Quit} {
			h := b.Help()
			if !containsWords(v, h.Key, h.Desc) {
				t.Errorf("%dx%d: the help screen does not show %q %q:\n%s", size[0], size[1], h.Key, h.Desc, v)
			}
		}
		if !containsWords(v, "Bottom-up (b): the current tab's segments grow at their own rates and the total is their sum.") {
			t.Errorf("%dx%d: a help note is cut:\n%s", size[0], size[1], v)
		}
	}
}

// TestHelpShowsFocusedPaneKeys: the ? screen lists the keys of the pane
// that has focus: the tree's drill and back, or the table's year
// scrolling once tab has moved the focus there.
func TestHelpShowsFocusedPaneKeys(t *testing.T) {
	m := newTestModel(t, 160, 48)
	help := view(send(t, m, runeKey('?')))
	if !strings.Contains(help, "drill into children") || strings.Contains(help, "scroll the years") {
		t.Errorf("with the tree focused, help shows:\n%s", help)
	}
	m = send(t, m, keyEsc)
	m = send(t, m, keyTab, runeKey('?'))
	help = view(m)
	if !strings.Contains(help, "←/→ scroll the years") || strings.Contains(help, "drill into children") {
		t.Errorf("with the table focused, help shows:\n%s", help)
	}
	// The keys it names do what it says (at 80 columns, where not every
	// year fits).
	m = send(t, newTestModel(t, 80, 24), keyTab)
	before := m.panes.table.yearOffset
	m = send(t, m, keyLeft)
	if m.panes.table.yearOffset != before-1 {
		t.Errorf("← moved the years from %d to %d", before, m.panes.table.yearOffset)
	}
}

// TestTabKeysFollowTheDataset: the number keys and their help give the
// dataset's real count of tabs, up to 9; [ and ] reach the others.
func TestTabKeysFollowTheDataset(t *testing.T) {
	for _, c := range []struct {
		dims int
		help string
		keys []string
	}{
		{1, "1", []string{"1"}},
		{2, "1-2", []string{"1", "2"}},
		{6, "1-6", []string{"1", "2", "3", "4", "5", "6"}},
		{12, "1-9", []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}},
	} {
		b := keyMapFor(c.dims).Tabs
		if h := b.Help().Key; h != c.help || !reflect.DeepEqual(b.Keys(), c.keys) {
			t.Errorf("%d dimensions: help %q keys %v, want %q %v", c.dims, h, b.Keys(), c.help, c.keys)
		}
		// Past nine the help says how many tabs there are in all.
		if d := b.Help().Desc; (c.dims > 9) != strings.Contains(d, "of "+strconv.Itoa(c.dims)) {
			t.Errorf("%d dimensions: help %q", c.dims, d)
		}
	}
}

// TestTabSwitchLeavesNoBareName: switching tabs by number key, [ or ] or
// a click leaves no bare "Region." on the status line (the tab line shows
// which tab is current); the line gives the keys again.
func TestTabSwitchLeavesNoBareName(t *testing.T) {
	m := newTestModel(t, 120, 30)
	tabLine := viewLines(m)[1]
	at := strings.Index(tabLine, "4 Region")
	if at < 0 {
		t.Fatalf("the tab line %q has no Region tab", tabLine)
	}
	paths := []struct {
		name string
		msg  tea.Msg
		dim  int
	}{
		{"2", runeKey('2'), 1},
		{"]", runeKey(']'), 2},
		{"[", runeKey('['), 1},
		{"click", tea.MouseClickMsg{X: at + 1, Y: 1, Button: tea.MouseLeft}, 3},
	}
	for _, p := range paths {
		m = send(t, m, runeKey('+')) // a message to replace
		m = send(t, m, p.msg)
		if m.sel.dim != p.dim {
			t.Fatalf("%s: tab %d, want %d", p.name, m.sel.dim, p.dim)
		}
		l := strings.TrimSpace(lastLine(m))
		if name := testDS.Dims[p.dim].Name; strings.HasPrefix(l, name) || m.status.cur.msg != "" {
			t.Errorf("%s to %s: the status line reads %q", p.name, name, l)
		}
		if !strings.HasPrefix(l, "? help") {
			t.Errorf("%s: the status line does not give the keys: %q", p.name, l)
		}
	}
}
