package ui

import (
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/assets"
	"iomt/model"
)

// testDataset loads the embedded dataset once per test binary; it is
// read-only, so tests may share it.
var testDS = func() *model.Dataset {
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		panic(err)
	}
	return ds
}()

func baseScenario() *model.Scenario {
	return &model.Scenario{Name: "Base", Dataset: testDS.Market, Assumptions: testDS.Base()}
}

// newTestModel returns a dashboard sized w×h over the Base scenario.
func newTestModel(t testing.TB, w, h int) *Model {
	t.Helper()
	m := New(testDS, baseScenario(), Options{Dark: true})
	return send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// send folds msgs through Update, running the commands each returns
// and feeding their messages back, as Bubble Tea does; see sendCmd.
func send(t testing.TB, m *Model, msgs ...tea.Msg) *Model {
	t.Helper()
	for _, msg := range msgs {
		m, _ = sendCmd(t, m, msg)
	}
	return m
}

// sendCmd sends one message, runs the commands Update returns (the file
// work of saves, listings and exports included) and feeds the messages
// they produce back through Update until none is left. Messages meant for
// the terminal rather than the dashboard (quit, the clipboard) are not
// fed back: the returned command produces them, so a test can check what
// a key asked the terminal to do.
func sendCmd(t testing.TB, m *Model, msg tea.Msg) (*Model, tea.Cmd) {
	t.Helper()
	var out []tea.Msg
	queue := []tea.Msg{msg}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatalf("messages keep coming after 1000 steps; the last: %T", queue[0])
		}
		next := queue[0]
		queue = queue[1:]
		nm, cmd := m.Update(next)
		mm, ok := nm.(*Model)
		if !ok {
			t.Fatalf("Update returned %T, want ui.Model", nm)
		}
		m = mm
		for _, r := range runCmd(t, cmd) {
			switch pkg := reflect.TypeOf(r).PkgPath(); {
			case pkg == "charm.land/bubbles/v2/cursor":
				// Cursor blinks would tick for ever; the cursor is steady.
			case pkg == "charm.land/bubbletea/v2":
				out = append(out, r)
			default:
				queue = append(queue, r)
			}
		}
	}
	switch len(out) {
	case 0:
		return m, nil
	case 1:
		return m, func() tea.Msg { return out[0] }
	}
	cmds := make([]tea.Cmd, len(out))
	for i, r := range out {
		cmds[i] = func() tea.Msg { return r }
	}
	return m, tea.Batch(cmds...)
}

// runCmd runs a command and the commands of the batches and sequences it
// returns, and returns the messages they produce, in order. A command
// that does not return within five seconds fails the test.
func runCmd(t testing.TB, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a command did not return within 5 s")
	}
	if msg == nil {
		return nil
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		var msgs []tea.Msg
		for i := range v.Len() {
			msgs = append(msgs, runCmd(t, v.Index(i).Interface().(tea.Cmd))...)
		}
		return msgs
	}
	return []tea.Msg{msg}
}

// Key presses, built as the terminal reports them.
func runeKey(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

var (
	keyEnter = tea.KeyPressMsg{Code: tea.KeyEnter}
	keyEsc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	keyTab   = tea.KeyPressMsg{Code: tea.KeyTab}
	keyUp    = tea.KeyPressMsg{Code: tea.KeyUp}
	keyDown  = tea.KeyPressMsg{Code: tea.KeyDown}
	keyLeft  = tea.KeyPressMsg{Code: tea.KeyLeft}
	keyRight = tea.KeyPressMsg{Code: tea.KeyRight}
	keySpace = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	keyCtrlR = tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	keyCtrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	keyBksp  = tea.KeyPressMsg{Code: tea.KeyBackspace}
)

// typeText presses one key per rune of s.
func typeText(t testing.TB, m *Model, s string) *Model {
	t.Helper()
	for _, r := range s {
		m = send(t, m, runeKey(r))
	}
	return m
}

// view returns the stripped screen.
func view(m *Model) string { return ansi.Strip(m.View().Content) }

// viewLines returns the stripped screen's lines.
func viewLines(m *Model) []string { return strings.Split(view(m), "\n") }

// node looks up a node index by path, failing the test if it is missing.
func node(t testing.TB, path string) int {
	t.Helper()
	n, ok := testDS.Lookup(path)
	if !ok {
		t.Fatalf("dataset has no node %q", path)
	}
	return n
}

// checkInvariants checks that every sibling group's shares add up to 100
// and none is negative or non-finite.
func checkInvariants(t testing.TB, a model.Assumptions) {
	t.Helper()
	if err := invariantError(a); err != "" {
		t.Fatal(err)
	}
}

func invariantError(a model.Assumptions) string {
	for gi, g := range testDS.Groups {
		sum := 0.0
		for _, n := range g.Members {
			s := a.Share[n]
			if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 {
				return "group " + itoa(gi) + ": share of " + testDS.Nodes[n].Path + " is " + ftoa(s)
			}
			sum += s
		}
		if math.Abs(sum-100) > 1e-9 {
			return "group " + itoa(gi) + " (" + testDS.Nodes[g.Parent].Path + "): shares sum to " + ftoa(sum)
		}
	}
	return ""
}

func itoa(i int) string     { return strconv.Itoa(i) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// treeCells are the columns of one row of the segment tree.
type treeCells struct{ share, cagr, real, mark string }

// treeRowRE parses the left-most pane's text: name (with the drilled
// parent's ▾ and a parent's ›), share, entered CAGR, realised CAGR, lock
// and growth path marks.
var treeRowRE = regexp.MustCompile(`^\s*(?:▾ )?(.+?)(?: ›)?\s+(\S+)\s+(\S+)\s+(\S+?)(?:\s*(L~|L|~))?\s*$`)

// treeRow returns the tree's row for the segment called name, failing the
// test when the view does not show it.
func treeRow(t testing.TB, m *Model, name string) treeCells {
	t.Helper()
	c, ok := findTreeRow(m, name)
	if !ok {
		t.Fatalf("the tree shows no row %q:\n%s", name, view(m))
	}
	return c
}

func findTreeRow(m *Model, name string) (treeCells, bool) {
	lines := viewLines(m)
	for _, l := range lines[min(2, len(lines)):] {
		if strings.Contains(l, "Table:") {
			break // the tree is above the table
		}
		parts := strings.FieldsFunc(l, func(r rune) bool { return r == '┃' || r == '│' })
		if len(parts) == 0 {
			continue
		}
		if mm := treeRowRE.FindStringSubmatch(parts[0]); mm != nil && mm[1] == name {
			return treeCells{share: mm[2], cagr: mm[3], real: mm[4], mark: mm[5]}, true
		}
	}
	return treeCells{}, false
}

// tableRow returns the cells after the name in the year table's row for
// name: the years shown, then CAGR and Δshare.
func tableRow(t testing.TB, m *Model, name string) []string {
	t.Helper()
	lines := viewLines(m)
	in := false
	for _, l := range lines {
		if strings.Contains(l, "Table:") {
			in = true
			continue
		}
		if !in {
			continue
		}
		body := strings.TrimSpace(strings.Trim(l, "│┃"))
		if rest, ok := strings.CutPrefix(body, name+"  "); ok {
			return strings.Fields(rest)
		}
	}
	t.Fatalf("the table shows no row %q:\n%s", name, view(m))
	return nil
}

// lineIndex returns the index of the first view line containing s, or -1.
func lineIndex(m *Model, s string) int {
	for i, l := range viewLines(m) {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

// topIs reports whether the top dialog is of type T.
func topIs[T Dialog](m *Model) bool {
	_, ok := m.dialogs.top().(T)
	return ok
}

// topChooser returns the list of the open picker or menu.
func topChooser(t testing.TB, m *Model) *chooser {
	t.Helper()
	switch d := m.dialogs.top().(type) {
	case *scenarioPicker:
		return &d.chooser
	case *menu:
		return &d.chooser
	}
	t.Fatalf("no picker or menu is open (top: %T)", m.dialogs.top())
	return nil
}

// promptValue is the text typed into the open prompt.
func promptValue(t testing.TB, m *Model) string {
	t.Helper()
	switch d := m.dialogs.top().(type) {
	case *valuePrompt:
		return d.input.Value()
	case *namePrompt:
		return d.input.Value()
	}
	t.Fatalf("no prompt is open (top: %T)", m.dialogs.top())
	return ""
}

// lastLine is the status line (or prompt, or quit question).
func lastLine(m *Model) string {
	l := viewLines(m)
	return l[len(l)-1]
}

// quits reports whether cmd, run, produces tea.QuitMsg.
func quits(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// selectRow moves the cursor to the listed row showing node n.
func selectRow(t testing.TB, m *Model, n int) *Model {
	t.Helper()
	for i := 0; i < 20; i++ {
		if m.sel.selected() == n {
			return m
		}
		m = send(t, m, runeKey('j'))
	}
	t.Fatalf("node %s is not listed on this level", testDS.Nodes[n].Path)
	return m
}

// containsWords reports whether the view shows the words of each of
// texts in order, allowing line breaks, borders and padding between them.
func containsWords(view string, texts ...string) bool {
	var words []string
	for _, l := range strings.Split(view, "\n") {
		words = append(words, strings.Fields(strings.Trim(l, "│┃ "))...)
	}
	flat := " " + strings.Join(words, " ") + " "
	for _, t := range texts {
		if !strings.Contains(flat, " "+strings.Join(strings.Fields(t), " ")+" ") {
			return false
		}
	}
	return true
}
