package ui

import (
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// update sends one message through Update without running the commands
// it returns: what the screen is before a command's result arrives.
func update(t testing.TB, m *Model, msg tea.Msg) (*Model, tea.Cmd) {
	t.Helper()
	nm, cmd := m.Update(msg)
	return nm.(*Model), cmd
}

// TestTypeAheadAfterEnter: keys typed right after enter go to what is
// under the prompt, in order: e 12 enter + sets 12 then adds 0.5, even
// when the keys arrive before anything else runs.
func TestTypeAheadAfterEnter(t *testing.T) {
	m := newTestModel(t, 100, 30)
	m = send(t, m, runeKey('j'))
	n := m.sel.selected()
	for _, k := range []tea.Msg{runeKey('e'), runeKey('1'), runeKey('2'), keyEnter, runeKey('+')} {
		m, _ = update(t, m, k)
	}
	if got := m.Scenario().Growth[n]; got != 12.5 {
		t.Fatalf("growth %v after e 12 enter +; want 12.5", got)
	}
	if m.dialogs.top() != nil {
		t.Fatalf("a dialog is still open: %T", m.dialogs.top())
	}
	// Undo takes back the + and then the 12, one at a time.
	m = send(t, m, runeKey('u'))
	if got := m.Scenario().Growth[n]; got != 12 {
		t.Fatalf("after one undo: %v, want 12", got)
	}
}

// TestPickerFillsInFromItsListing: o opens the picker at once, before the
// workspace is read (in a command); the listing fills it; a listing for
// a picker closed since is dropped.
func TestPickerFillsInFromItsListing(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 100, 30)
	m, first := update(t, m, runeKey('o'))
	if !topIs[*scenarioPicker](m) || !strings.Contains(view(m), "Reading the workspace") {
		t.Fatalf("o does not open the picker at once:\n%s", view(m))
	}
	m = send(t, m, keyEsc)
	m, second := update(t, m, runeKey('o'))
	stale := runCmd(t, first)
	m = send(t, m, stale...)
	if !strings.Contains(view(m), "Reading the workspace") {
		t.Fatalf("the first picker's listing filled the second picker:\n%s", view(m))
	}
	m = send(t, m, runCmd(t, second)...)
	if got := choiceTitles(t, m); len(got) < 3 {
		t.Fatalf("the picker lists %q", got)
	}
}

// TestSharedOnlyWhenChanged: a presenter shares its state when it
// changes, not on every message: a background-colour reply, a resize or a
// refused key wakes no follower.
func TestSharedOnlyWhenChanged(t *testing.T) {
	hub := &testHub{}
	p := newRoleModel(t, RolePresenter, hub)
	n := hub.published
	if n != 1 {
		t.Fatalf("%d states shared when the presenter started; want 1", n)
	}
	p = send(t, p, tea.BackgroundColorMsg{}, tea.WindowSizeMsg{Width: 100, Height: 30}, runeKey('<'), runeKey('?'), keyEsc)
	if hub.published != n {
		t.Errorf("colour, resize, a refused key and the help shared %d states; want none", hub.published-n)
	}
	send(t, p, runeKey('j'), runeKey('+'))
	if hub.published != n+2 {
		t.Errorf("j and + shared %d states; want 2", hub.published-n)
	}
}

// TestFollowerKeepsHistoryOnSelection: a presenter who only moves the
// selection does not make the follower rebuild its scenario.
func TestFollowerKeepsHistoryOnSelection(t *testing.T) {
	hub := &testHub{}
	defer hub.join()()
	p := newRoleModel(t, RolePresenter, hub)
	f := newRoleModel(t, RoleFollower, hub)
	p = send(t, p, runeKey('+'))
	f = deliver(t, f, hub)
	hist := f.scen.hist
	p = send(t, p, runeKey('j'), runeKey('2'))
	f = deliver(t, f, hub)
	if f.scen.hist != hist {
		t.Error("the follower rebuilt its history for a change of selection")
	}
	if f.sel.dim != 1 || f.sel.cursor[0] != 1 {
		t.Errorf("the follower shows tab %d, row %d; want the presenter's tab 2, row 1", f.sel.dim+1, f.sel.cursor[0])
	}
	p = send(t, p, runeKey('+'))
	f = deliver(t, f, hub)
	if f.scen.hist == hist || !f.Scenario().Equal(p.Scenario()) {
		t.Error("the follower did not take the presenter's new assumptions")
	}
}

// TestInfoRewrapsOnResize: the report information is wrapped to the
// width it has, again when the terminal narrows, so no line is cut.
func TestInfoRewrapsOnResize(t *testing.T) {
	m := newTestModel(t, 160, 48)
	m = send(t, m, runeKey('i'), tea.WindowSizeMsg{Width: 80, Height: 24})
	out := view(m)
	checkFits(t, out, 80, 24)
	// Wrapped for 160 columns, the paragraph lost its ends at 80.
	if !containsWords(out, "Source: UnivDatos Market", "The global Internet of Medical Things market was valued at US$ 51.2 billion in 2019 and is projected to grow at a CAGR of 18.5 % from 2021 to 2027.") {
		t.Errorf("the information is not all there at 80 columns:\n%s", out)
	}
}

// TestCtrlCQuitsFromAnyScreen: ctrl+c quits from a dialog as from the
// panes, asking first when there are unsaved changes.
func TestCtrlCQuitsFromAnyScreen(t *testing.T) {
	for _, open := range []tea.Msg{runeKey('i'), runeKey('?'), runeKey('x'), runeKey('e')} {
		m := newTestModel(t, 100, 30)
		m = send(t, m, open)
		if m.dialogs.top() == nil {
			t.Fatalf("%v opened nothing", open)
		}
		if _, cmd := sendCmd(t, m, keyCtrlC); !quits(cmd) {
			t.Errorf("ctrl+c over %T does not quit", m.dialogs.top())
		}
		m = send(t, m, keyEsc, runeKey('+'), open)
		m, cmd := sendCmd(t, m, keyCtrlC)
		if quits(cmd) || !topIs[*quitDialog](m) {
			t.Errorf("ctrl+c over %v with unsaved changes: quits %v, top %T; want the question", open, quits(cmd), m.dialogs.top())
		}
		if _, cmd := sendCmd(t, m, keyCtrlC); !quits(cmd) {
			t.Error("a second ctrl+c does not answer the question with yes")
		}
	}
}

// TestPickerSaysWhyNothingIsListed: a workspace that cannot be read, with
// nothing built in to list, is reported as such, not as "no scenarios".
func TestPickerSaysWhyNothingIsListed(t *testing.T) {
	file := t.TempDir() + "/not-a-folder"
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := newWSModel(t, &model.Workspace{Dir: file}, 100, 30)
	m = send(t, m, runeKey('o'))
	if m.dialogs.top() != nil || !strings.Contains(lastLine(m), "not a directory") {
		t.Errorf("top %T, status %q; want the workspace's error", m.dialogs.top(), lastLine(m))
	}
}

// TestListingReachesPickerUnderQuestion: a listing finds its picker even
// when a question has opened over it meanwhile.
func TestListingReachesPickerUnderQuestion(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 100, 30)
	m, list := update(t, m, runeKey('o'))
	m.dialogs.push(newConfirm(m.env(), "Something else?", nil))
	m = send(t, m, runCmd(t, list)...)
	m = send(t, m, runeKey('n'))
	if got := choiceTitles(t, m); len(got) < 3 {
		t.Fatalf("the picker under the question was not filled: %q", got)
	}
}

// TestAskLineKeepsTheQuestion: two long scenario names in a question give
// way, the longer first, so that what is asked and y/n fit 80 columns.
func TestAskLineKeepsTheQuestion(t *testing.T) {
	a := "Accelerated adoption with a very long descriptive name"
	b := "Security headwinds for the board meeting in Q3 2026, draft 7"
	line := ansi.Strip(askLine(newStyles(true, true), "Unsaved changes to "+a+" will be lost. Open "+b+"?", 80, a, b))
	if w := ansi.StringWidth(line); w > 80 {
		t.Errorf("%d columns, want at most 80: %q", w, line)
	}
	if !strings.HasPrefix(line, "Unsaved changes to Accelerated") || !strings.Contains(line, "will be lost. Open Security") ||
		!strings.HasSuffix(line, "? y/n") {
		t.Errorf("the question lost its point: %q", line)
	}
	if short := "Quit? y/n"; ansi.Strip(askLine(newStyles(true, true), "Quit?", 80)) != short {
		t.Errorf("a short question changed: %q", askLine(newStyles(true, true), "Quit?", 80))
	}
}

// TestStatusLineNoLoneEllipsis: a message that leaves room for no key of
// the short help shows alone, not followed by a lone "…".
func TestStatusLineNoLoneEllipsis(t *testing.T) {
	// A follower's help starts with a long key ("f private copy to change").
	m := send(t, New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RoleFollower}}), tea.WindowSizeMsg{Width: 100, Height: 30})
	for n := 60; n <= 80; n++ {
		msg := strings.Repeat("x", n)
		m.status.info(msg)
		if rest := strings.TrimSpace(strings.TrimPrefix(lastLine(m), msg)); rest == "…" {
			t.Errorf("a message of %d columns: %q", n, lastLine(m))
		}
	}
}
