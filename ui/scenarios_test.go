package ui

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"iomt/assets"
	"iomt/export"
	"iomt/forecast"
	"iomt/model"
)

// The built-in scenarios as the dashboard lists them (docs/DESIGN.md §6).
const (
	nameBase   = "Base (report)"
	nameAccel  = "Accelerated adoption"
	nameHeadwd = "Security headwinds"
)

// testBuiltins are the scenarios that ship with the program, as main hands
// them to the workspace.
func testBuiltins() []model.Builtin {
	out, err := model.ReadBuiltins(assets.Scenarios())
	if err != nil {
		panic(err) // the embedded files: a broken build
	}
	return out
}

// builtinScenario loads the built-in scenario called name.
func builtinScenario(t testing.TB, name string) *model.Scenario {
	t.Helper()
	for _, b := range testBuiltins() {
		sc, err := model.LoadScenario(b.File, b.Data, testDS)
		if err != nil {
			t.Fatalf("built-in %s: %v", b.File, err)
		}
		if sc.Name == name {
			return sc
		}
	}
	t.Fatalf("no built-in scenario %q", name)
	return nil
}

// newWorkspace is a workspace in a fresh temporary folder, with the
// built-in scenarios.
func newWorkspace(t testing.TB) *model.Workspace {
	t.Helper()
	return &model.Workspace{Dir: t.TempDir(), Builtin: testBuiltins()}
}

// newWSModel opens the dashboard as main does: on the built-in Base
// (report), over workspace ws, sized w×h.
func newWSModel(t testing.TB, ws *model.Workspace, w, h int) *Model {
	t.Helper()
	m := New(testDS, builtinScenario(t, nameBase), Options{Dark: true, Workspace: ws})
	return send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// header is the first line of the screen: market, scenario, marker, mode.
func headLine(m *Model) string { return viewLines(m)[0] }

// choiceTitles lists the titles of the open chooser.
func choiceTitles(t testing.TB, m *Model) []string {
	t.Helper()
	if !(topIs[*scenarioPicker](m) || topIs[*menu](m)) {
		t.Fatalf("no chooser is open:\n%s", view(m))
	}
	var out []string
	for _, it := range topChooser(t, m).list.Items() {
		out = append(out, it.(choice).title)
	}
	return out
}

// pick moves the open chooser's selection to the first item that ok
// accepts, with j as a user would.
func pick(t testing.TB, m *Model, what string, ok func(choice) bool) *Model {
	t.Helper()
	n := len(choiceTitles(t, m))
	for range n + 1 {
		if it, sel := topChooser(t, m).selected(); sel && ok(it) {
			return m
		}
		m = send(t, m, runeKey('j'))
	}
	t.Fatalf("the chooser has no %s; it lists %q", what, choiceTitles(t, m))
	return m
}

// pickTitle selects the chooser item titled title.
func pickTitle(t testing.TB, m *Model, title string) *Model {
	t.Helper()
	return pick(t, m, strconv.Quote(title), func(c choice) bool { return c.title == title })
}

// pickPath selects the scenario stored at path.
func pickPath(t testing.TB, m *Model, path string) *Model {
	t.Helper()
	return pick(t, m, path, func(c choice) bool { return c.entry != nil && c.entry.Path == path })
}

// clearPrompt deletes what the prompt holds, with backspace.
func clearPrompt(t testing.TB, m *Model) *Model {
	t.Helper()
	for range len([]rune(promptValue(t, m))) {
		m = send(t, m, keyBksp)
	}
	if v := promptValue(t, m); v != "" {
		t.Fatalf("the prompt still holds %q", v)
	}
	return m
}

// saveAs presses s and saves under name through the prompt.
func saveAs(t testing.TB, m *Model, name string) *Model {
	t.Helper()
	m = send(t, m, runeKey('s'))
	if !topIs[*namePrompt](m) {
		t.Fatalf("s did not ask for a name; the last line is %q", lastLine(m))
	}
	m = clearPrompt(t, m)
	m = typeText(t, m, name)
	return send(t, m, keyEnter)
}

// loadFile opens a saved scenario file as the program would.
func loadFile(t testing.TB, path string) *model.Scenario {
	t.Helper()
	sc, err := model.ReadScenario(path, testDS)
	if err != nil {
		t.Fatalf("%s does not load: %v", path, err)
	}
	return sc
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func folder(t testing.TB, dir string) []string {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, f.Name())
	}
	return out
}

// TestSaveScenario: s on a built-in asks for a name; enter writes
// <slug>.yaml holding the state on screen and clears the unsaved marker;
// the next s saves at once, keeping the previous version as .bak.
func TestSaveScenario(t *testing.T) {
	ws := newWorkspace(t)
	m := newWSModel(t, ws, 80, 24)
	if strings.Contains(headLine(m), "unsaved") || !strings.Contains(headLine(m), "Scenario: "+nameBase) {
		t.Fatalf("header at start: %q", headLine(m))
	}
	m = send(t, m, runeKey('+')) // the market's CAGR 18.5 → 19
	if !strings.Contains(headLine(m), "unsaved") {
		t.Fatalf("an edit does not mark the scenario unsaved: %q", headLine(m))
	}
	edited := m.Scenario()

	m = send(t, m, runeKey('s'))
	if !topIs[*namePrompt](m) {
		t.Fatalf("s on a built-in scenario did not ask for a name: %q", lastLine(m))
	}
	// A built-in's name is not offered: the edited scenario is no longer
	// the report. The prompt starts empty, with an example.
	if l := lastLine(m); strings.Contains(l, nameBase) || !strings.Contains(l, "a name of your own") {
		t.Errorf("the name prompt for an edited built-in reads %q", l)
	}
	// Typing a built-in's name is refused, and nothing is written.
	m = typeText(t, m, nameBase)
	m = send(t, m, keyEnter)
	if !topIs[*namePrompt](m) || !strings.Contains(lastLine(m), "That name is built in") {
		t.Errorf("saving under a built-in's name: %q", lastLine(m))
	}
	if names := folder(t, ws.Dir); len(names) != 0 {
		t.Fatalf("opening the prompt wrote %q", names)
	}
	// A name the saved file would be refused for (a noncharacter, an
	// invisible character) is refused with the prompt and its text kept:
	// it used to close the prompt, and the keys typed next acted on the
	// dashboard.
	for _, bad := range []string{"Plan\uFFFE", "Plan\u200b B"} {
		m = clearPrompt(t, m)
		m = typeText(t, m, bad)
		m = send(t, m, keyEnter)
		if !topIs[*namePrompt](m) || promptValue(t, m) != bad || !strings.Contains(lastLine(m), "Not a name to save") {
			t.Errorf("saving under %q: prompt open %v, %q", bad, topIs[*namePrompt](m), lastLine(m))
		}
	}
	m = clearPrompt(t, m)
	m = typeText(t, m, "My plan")
	m = send(t, m, keyEnter)

	path := filepath.Join(ws.Dir, "my-plan.yaml")
	if m.dialogs.top() != nil {
		t.Fatalf("the prompt is still open after enter: %q", lastLine(m))
	}
	if names := folder(t, ws.Dir); !slices.Equal(names, []string{"my-plan.yaml"}) {
		t.Fatalf("the workspace holds %q, want my-plan.yaml", names)
	}
	// The built-in's story ("Exactly the report…") is not true of the
	// edited copy, so it is not carried over.
	if data, err := os.ReadFile(path); err != nil || strings.Contains(string(data), "description:") {
		t.Errorf("the saved copy carries a description (err %v):\n%s", err, data)
	}
	sc := loadFile(t, path)
	if sc.Name != "My plan" || !sc.Assumptions.Equal(edited) {
		t.Errorf("saved %q; state equal to the screen's: %v", sc.Name, sc.Assumptions.Equal(edited))
	}
	if h := headLine(m); strings.Contains(h, "unsaved") || !strings.Contains(h, "Scenario: My plan") {
		t.Errorf("header after saving: %q", h)
	}
	if !strings.Contains(lastLine(m), "Saved") {
		t.Errorf("status after saving: %q", lastLine(m))
	}
	first := readFile(t, path)

	// A second edit and s: saved at once, no prompt, no question.
	m = send(t, m, runeKey('+'))
	edited = m.Scenario()
	m = send(t, m, runeKey('s'))
	if m.dialogs.top() != nil {
		t.Fatalf("the second s asked again: %q", lastLine(m))
	}
	if sc := loadFile(t, path); !sc.Assumptions.Equal(edited) || sc.Name != "My plan" {
		t.Errorf("the second save did not write the new state (name %q)", sc.Name)
	}
	if bak := readFile(t, path+".bak"); !bytes.Equal(bak, first) {
		t.Errorf("my-plan.yaml.bak holds\n%s\nwant the first version\n%s", bak, first)
	}
	if h := headLine(m); strings.Contains(h, "unsaved") {
		t.Errorf("header after the second save: %q", h)
	}
}

// TestSaveAsksBeforeReplacing: saving under a name whose file exists asks
// y/n; n leaves the file alone, y replaces it and keeps the old one as .bak.
func TestSaveAsksBeforeReplacing(t *testing.T) {
	ws := newWorkspace(t)
	path := filepath.Join(ws.Dir, "taken.yaml")
	old := "scenario: Taken\ndescription: someone else's\n"
	writeFile(t, path, old)
	m := newWSModel(t, ws, 80, 24)
	m = send(t, m, runeKey('+'))
	edited := m.Scenario()

	m = saveAs(t, m, "Taken")
	if !topIs[*confirmDialog](m) || !strings.Contains(lastLine(m), "y/n") || !strings.Contains(lastLine(m), "Replace taken.yaml?") {
		t.Fatalf("saving over taken.yaml did not ask: %q", lastLine(m))
	}
	m = send(t, m, runeKey('n'))
	if got := string(readFile(t, path)); got != old {
		t.Errorf("n changed taken.yaml to\n%s", got)
	}
	if names := folder(t, ws.Dir); !slices.Equal(names, []string{"taken.yaml"}) {
		t.Errorf("after n the workspace holds %q", names)
	}
	if h := headLine(m); !strings.Contains(h, "Scenario: "+nameBase) || !strings.Contains(h, "unsaved") {
		t.Errorf("after n the header reads %q; want the same unsaved scenario", h)
	}
	if !m.Scenario().Equal(edited) {
		t.Error("n changed the assumptions")
	}

	// The same name under another spelling is the same file.
	m = saveAs(t, m, "TAKEN")
	if !topIs[*confirmDialog](m) {
		t.Fatalf("saving as TAKEN (taken.yaml) did not ask: %q", lastLine(m))
	}
	m = send(t, m, runeKey('y'))
	if sc := loadFile(t, path); sc.Name != "TAKEN" || !sc.Assumptions.Equal(edited) {
		t.Errorf("y saved %q", sc.Name)
	}
	if got := string(readFile(t, path+".bak")); got != old {
		t.Errorf("taken.yaml.bak holds %q, want the replaced file", got)
	}
	if h := headLine(m); strings.Contains(h, "unsaved") || !strings.Contains(h, "Scenario: TAKEN") {
		t.Errorf("after y the header reads %q", h)
	}
}

// TestSaveOpenedUnderOtherName: a scenario opened from a file not named
// after it (a copy made by hand) must not silently replace the file that
// is named after it.
func TestSaveOpenedUnderOtherName(t *testing.T) {
	ws := newWorkspace(t)
	orig := filepath.Join(ws.Dir, "plan.yaml")
	variant := filepath.Join(ws.Dir, "variant.yaml")
	text := "scenario: Plan\ndescription: the original\n"
	writeFile(t, orig, text)
	writeFile(t, variant, text) // cp plan.yaml variant.yaml
	m := newWSModel(t, ws, 160, 48)
	m = send(t, m, runeKey('o'))
	m = pickPath(t, m, variant)
	m = send(t, m, keyEnter, runeKey('+'), runeKey('s'))
	if topIs[*confirmDialog](m) {
		send(t, m, runeKey('n'))
	}
	if got := string(readFile(t, orig)); got != text {
		t.Errorf("saving the scenario opened from variant.yaml replaced plan.yaml without asking:\n%s", got)
	}
}

// TestOpenScenario: o lists the three built-ins and the saved scenarios;
// enter opens one; over unsaved edits it asks first.
func TestOpenScenario(t *testing.T) {
	ws := newWorkspace(t)
	mine := builtinScenario(t, nameHeadwd)
	mine.Name, mine.Description = "My plan", "mine"
	mine.Assumptions.Growth[0] = 17.25
	minePath, err := ws.Save(testDS, mine)
	if err != nil {
		t.Fatal(err)
	}
	m := newWSModel(t, ws, 160, 48)
	m = send(t, m, runeKey('o'))
	want := []string{nameBase, nameAccel, nameHeadwd, "My plan"}
	if got := choiceTitles(t, m); !slices.Equal(got, want) {
		t.Fatalf("o lists %q, want %q", got, want)
	}
	if !containsWords(view(m), append(want, "Open a scenario", "mine")...) {
		t.Errorf("the picker does not show every scenario:\n%s", view(m))
	}

	// Open a built-in.
	m = pickTitle(t, m, nameAccel)
	m = send(t, m, keyEnter)
	if m.dialogs.top() != nil {
		t.Fatalf("enter did not open the scenario: %q", lastLine(m))
	}
	if h := headLine(m); !strings.Contains(h, "Scenario: "+nameAccel) || strings.Contains(h, "unsaved") {
		t.Errorf("header after opening: %q", h)
	}
	if !m.Scenario().Equal(builtinScenario(t, nameAccel).Assumptions) {
		t.Error("the opened state differs from the built-in file")
	}
	if !strings.Contains(lastLine(m), "Opened "+nameAccel) {
		t.Errorf("status: %q", lastLine(m))
	}

	// Open the saved one, edit, save: it goes back to its own file.
	m = send(t, m, runeKey('o'))
	m = pickPath(t, m, minePath)
	m = send(t, m, keyEnter)
	if !strings.Contains(headLine(m), "Scenario: My plan") || !m.Scenario().Equal(mine.Assumptions) {
		t.Fatalf("opening My plan: header %q", headLine(m))
	}
	m = send(t, m, runeKey('+'))
	edited := m.Scenario()
	m = send(t, m, runeKey('s'))
	if m.dialogs.top() != nil {
		t.Fatalf("s on an opened saved scenario asked: %q", lastLine(m))
	}
	if sc := loadFile(t, minePath); !sc.Assumptions.Equal(edited) {
		t.Error("s did not save the opened scenario to its file")
	}

	// Over unsaved edits, opening asks; n keeps them, y opens.
	m = send(t, m, runeKey('+'))
	edited = m.Scenario()
	m = send(t, m, runeKey('o'))
	m = pickTitle(t, m, nameHeadwd)
	m = send(t, m, keyEnter)
	if !topIs[*confirmDialog](m) || !strings.Contains(lastLine(m), "Unsaved changes to My plan will be lost") ||
		!strings.Contains(lastLine(m), "y/n") {
		t.Fatalf("opening over unsaved edits did not ask: %q", lastLine(m))
	}
	m = send(t, m, runeKey('n'))
	if h := headLine(m); !strings.Contains(h, "Scenario: My plan") || !strings.Contains(h, "unsaved") || !m.Scenario().Equal(edited) {
		t.Fatalf("n did not keep the edits: %q", h)
	}
	m = send(t, m, runeKey('o'))
	m = pickTitle(t, m, nameHeadwd)
	m = send(t, m, keyEnter, runeKey('y'))
	if h := headLine(m); !strings.Contains(h, "Scenario: "+nameHeadwd) || strings.Contains(h, "unsaved") {
		t.Errorf("y did not open %s: %q", nameHeadwd, h)
	}
	if !m.Scenario().Equal(builtinScenario(t, nameHeadwd).Assumptions) {
		t.Error("the opened state differs from the built-in file")
	}
}

// TestOpenRefusesForeign: a broken file is listed with the reason and
// refused on enter, and the current scenario stays as it was; a scenario
// made for another market is not offered at all, and the title says so.
func TestOpenRefusesForeign(t *testing.T) {
	ws := newWorkspace(t)
	foreign := filepath.Join(ws.Dir, "smart-homes.yaml")
	broken := filepath.Join(ws.Dir, "broken.yaml")
	writeFile(t, foreign, "scenario: Smart homes\ndescription: heat pumps\ndataset: Smart Home Energy\n")
	writeFile(t, broken, "scenario: [unclosed\n")
	// Well-formed, but naming a segment the dataset does not have.
	writeFile(t, filepath.Join(ws.Dir, "typo.yaml"), "scenario: Typo\nsegments:\n  Component/Medical Devicez: {cagr_pct: 20}\n")
	m := newWSModel(t, ws, 160, 48)
	m = send(t, m, runeKey('+'))
	edited := m.Scenario()

	for _, verb := range []rune{'o', 'c'} {
		m = send(t, m, runeKey(verb))
		v := view(m)
		if strings.Contains(v, "Smart homes") || !strings.Contains(v, "(1 for another market not shown)") {
			t.Errorf("%c: the picker offers the other market's scenario, or does not say it is left out:\n%s", verb, v)
		}
		if !containsWords(v, "broken.yaml") || !strings.Contains(v, "cannot open: this [ is never closed") {
			t.Errorf("%c: the picker does not list broken.yaml with its reason:\n%s", verb, v)
		}
		if !containsWords(v, "✗ Typo") || !strings.Contains(v, `cannot open: unknown segment path "Component/Medical Devicez" (did you mean "Component/Medical Devices"?), line 3`) {
			t.Errorf("%c: the picker does not mark typo.yaml invalid with its reason:\n%s", verb, v)
		}
		m = pickPath(t, m, broken)
		m = send(t, m, keyEnter)
		if m.dialogs.top() != nil {
			t.Fatalf("%c on broken.yaml: %q", verb, lastLine(m))
		}
		status := lastLine(m)
		wantStatus := "Not opened, kept " + nameBase
		if verb == 'c' {
			wantStatus = "Cannot compare"
		}
		if !strings.HasPrefix(status, wantStatus) {
			t.Errorf("%c on broken.yaml: status %q, want it to start %q", verb, status, wantStatus)
		}
		if h := headLine(m); !strings.Contains(h, "Scenario: "+nameBase) || !strings.Contains(h, "unsaved") || strings.Contains(h, " vs ") {
			t.Errorf("%c on broken.yaml changed the header to %q", verb, h)
		}
		if !m.Scenario().Equal(edited) {
			t.Errorf("%c on broken.yaml changed the assumptions", verb)
		}
	}
}

// TestNewScenario: n offers the dataset's Base and a copy of the current
// scenario; the copy keeps the assumptions and asks for a name on save.
func TestNewScenario(t *testing.T) {
	ws := newWorkspace(t)
	m := newWSModel(t, ws, 80, 24)
	m = send(t, m, runeKey('n'))
	if got, want := choiceTitles(t, m), []string{"From the dataset's Base", "Copy of " + nameBase}; !slices.Equal(got, want) {
		t.Fatalf("n offers %q, want %q", got, want)
	}
	m = pickTitle(t, m, "Copy of "+nameBase)
	m = send(t, m, keyEnter)
	if h := headLine(m); !strings.Contains(h, "Scenario: Copy of "+nameBase) {
		t.Fatalf("header after the copy: %q", h)
	}
	if !m.Scenario().Equal(builtinScenario(t, nameBase).Assumptions) {
		t.Error("the copy's assumptions differ from the original's")
	}
	m = send(t, m, runeKey('s'))
	if !topIs[*namePrompt](m) || !strings.HasPrefix(lastLine(m), "Save scenario as: Copy of "+nameBase) {
		t.Errorf("s on the new copy: %q", lastLine(m))
	}
	m = send(t, m, keyEsc)

	// From the dataset's Base: the dataset's own figures.
	m = send(t, m, runeKey('+'), runeKey('n'))
	m = pickTitle(t, m, "From the dataset's Base")
	m = send(t, m, keyEnter)
	if topIs[*confirmDialog](m) {
		m = send(t, m, runeKey('y'))
	}
	if !m.Scenario().Equal(testDS.Base()) || !strings.Contains(headLine(m), "Scenario: New scenario") {
		t.Errorf("From the dataset's Base: header %q, state equal to the dataset's: %v", headLine(m), m.Scenario().Equal(testDS.Base()))
	}
	if names := folder(t, ws.Dir); len(names) != 0 {
		t.Errorf("n wrote %q", names)
	}
}

// TestCopyKeepsUnsavedEdits: a copy of a scenario with unsaved edits
// carries them, so nothing is lost; but they are saved nowhere, so the copy
// is marked unsaved and quitting asks.
func TestCopyKeepsUnsavedEdits(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 80, 24)
	m = send(t, m, runeKey('+'))
	edited := m.Scenario()
	m = send(t, m, runeKey('n'))
	m = pickTitle(t, m, "Copy of "+nameBase)
	m = send(t, m, keyEnter)
	if topIs[*confirmDialog](m) {
		if strings.Contains(lastLine(m), "lost") {
			t.Errorf("copying says the edits will be lost, but the copy keeps them: %q", lastLine(m))
		}
		m = send(t, m, runeKey('y'))
	}
	if !m.Scenario().Equal(edited) {
		t.Fatal("the copy lost the edits")
	}
	if h := headLine(m); !strings.Contains(h, "Copy of "+nameBase) || !strings.Contains(h, "unsaved") {
		t.Errorf("the copy of unsaved edits is not marked unsaved: %q", h)
	}
	m, cmd := sendCmd(t, m, runeKey('q'))
	if quits(cmd) || !topIs[*quitDialog](m) {
		t.Error("q on a copy holding unsaved edits quits without asking")
	}
}

// exportInput is what an export of the dashboard's scenario must hold,
// built here from the scenario's own assumptions.
func exportInput(name string, a model.Assumptions, cmpName string, cmp *model.Assumptions) export.Input {
	in := export.Input{Dataset: testDS, Scenario: name, Assumptions: &a, Result: forecast.Project(testDS, &a)}
	if cmp != nil {
		in.Compare = &export.Comparison{Scenario: cmpName, Result: forecast.Project(testDS, cmp)}
	}
	return in
}

// TestExportFiles: x writes <slug>.csv (.json, .md) into the workspace,
// holding what the export package writes for the same scenario, with the
// comparison when comparing; a scenario with unsaved changes is exported
// as "<name> (edited)", never under the name of what it was edited from.
func TestExportFiles(t *testing.T) {
	ws := newWorkspace(t)
	m := newWSModel(t, ws, 80, 24)
	m = send(t, m, runeKey('+'))
	a := m.Scenario()
	formats := []struct{ title, ext, format string }{
		{"CSV file", ".csv", "csv"}, {"JSON file", ".json", "json"}, {"Markdown file", ".md", "md"},
		{"XLSX workbook, a live model", ".xlsx", "xlsx"},
	}
	for _, f := range formats {
		m = send(t, m, runeKey('x'))
		m = pickTitle(t, m, f.title)
		m = send(t, m, keyEnter)
		path := filepath.Join(ws.Dir, "base-report-edited"+f.ext)
		var want bytes.Buffer
		if err := export.Write(&want, f.format, exportInput(nameBase+" (edited)", a, "", nil)); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, path); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: the file (%d bytes) differs from export.Write (%d bytes)", path, len(got), want.Len())
		}
		if !strings.Contains(lastLine(m), "Exported") {
			t.Errorf("status after exporting %s: %q", f.format, lastLine(m))
		}
	}
	if names := folder(t, ws.Dir); !slices.Equal(names, []string{"base-report-edited.csv", "base-report-edited.json", "base-report-edited.md", "base-report-edited.xlsx"}) {
		t.Errorf("the workspace holds %q", names)
	}
	if !strings.Contains(headLine(m), "unsaved") {
		t.Error("exporting marked the scenario saved")
	}

	// In compare mode the CSV carries the comparison.
	m = send(t, m, runeKey('c'))
	m = pickTitle(t, m, nameAccel)
	m = send(t, m, keyEnter, runeKey('x'))
	m = pickTitle(t, m, "CSV file")
	send(t, m, keyEnter)
	accel := builtinScenario(t, nameAccel).Assumptions
	var want bytes.Buffer
	if err := export.CSV(&want, exportInput(nameBase+" (edited)", a, nameAccel, &accel)); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, filepath.Join(ws.Dir, "base-report-edited.csv"))
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("the compare CSV differs from export.CSV:\n%.300s\nwant\n%.300s", got, want.Bytes())
	}
	if first, _, _ := strings.Cut(string(got), "\n"); !strings.HasSuffix(first, ",compare_scenario,compare_value_usd_bn,diff_usd_bn,diff_pct") {
		t.Errorf("the compare CSV header is %q", first)
	}
}

// TestCopyTable: "Copy table for a spreadsheet" returns the OSC 52
// clipboard command holding the table on screen as tab-separated text:
// one row per listed segment, one column per year, the projection's
// values, and every cell the screen shows equal to the copied number as
// the screen writes it.
func TestCopyTable(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 80, 24)
	recs := copiedTable(t, m)
	base := builtinScenario(t, nameBase).Assumptions
	res := forecast.Project(testDS, &base)
	head := []string{"Segment · value, US$ bn"} // what the years hold
	for y := testDS.BaseYear; y <= testDS.EndYear; y++ {
		head = append(head, strconv.Itoa(y))
	}
	head = append(head, "Realised CAGR 2019–2027 (%)", "Share change 2019–2027 (pp)")
	if !slices.Equal(recs[0], head) {
		t.Fatalf("clipboard header %q, want %q", recs[0], head)
	}
	nodes := append([]int{0}, testDS.Dims[0].Top...)
	if len(recs) != 1+len(nodes) {
		t.Fatalf("%d rows, want the header and %d segments", len(recs), len(nodes))
	}
	for i, n := range nodes {
		rec := recs[i+1]
		name := "Total"
		if n != 0 {
			name = testDS.Nodes[n].Name
		}
		if rec[0] != name {
			t.Errorf("row %d is %q, want %q", i+1, rec[0], name)
		}
		for yi := range testDS.Years() {
			got, err := strconv.ParseFloat(rec[1+yi], 64)
			if v := res.Value(n, yi); err != nil || math.Abs(got-v) > 1e-9*max(1, math.Abs(v)) {
				t.Errorf("%s %d: %q, want %v", name, testDS.BaseYear+yi, rec[1+yi], v)
			}
		}
		// The screen shows the last four years: the same numbers.
		screen := tableRow(t, m, name)
		for j, cell := range screen[:4] {
			v, _ := strconv.ParseFloat(rec[1+5+j], 64)
			if fmtNum(v, 2) != cell {
				t.Errorf("%s %d: the screen shows %q, the copy %s", name, 2024+j, cell, rec[1+5+j])
			}
		}
	}
	if !strings.Contains(lastLine(m), "Copied") {
		t.Errorf("status: %q", lastLine(m))
	}
}

// copiedTable picks "Copy table for a spreadsheet" and returns the
// clipboard's text as rows of cells.
func copiedTable(t *testing.T, m *Model) [][]string {
	t.Helper()
	m = send(t, m, runeKey('x'))
	m = pickTitle(t, m, "Copy table for a spreadsheet")
	_, cmd := sendCmd(t, m, keyEnter)
	if cmd == nil {
		t.Fatal("Copy table returned no command")
	}
	msg := cmd()
	v := reflect.ValueOf(msg)
	if !strings.Contains(fmt.Sprintf("%T", msg), "Clipboard") || v.Kind() != reflect.String {
		t.Fatalf("the command sends %T, want the set-clipboard message", msg)
	}
	r := csv.NewReader(strings.NewReader(v.String()))
	r.Comma = '\t'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the clipboard text is not tab-separated cells: %v\n%s", err, v.String())
	}
	return recs
}

// TestInfo: i shows the report's own figures and its context, down to the
// key players.
func TestInfo(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 80, 24)
	m = send(t, m, runeKey('i'))
	if !topIs[*infoDialog](m) {
		t.Fatalf("i opened no report information:\n%s", view(m))
	}
	seen := view(m)
	for range 20 {
		if strings.Contains(seen, "Key players") && strings.Contains(seen, "Medtronic") {
			break
		}
		m = send(t, m, runeKey('f')) // page down
		seen += view(m)
	}
	// docs/DESIGN.md §1: the report's figures.
	for _, want := range []string{
		"Report information", "Figures the source states",
		"Total: US$ 51.20 bn in 2019", "Total: CAGR 18.5 %",
		"Component/Medical Devices: 36.6 % share in 2019",
		"Application/Telemedicine: 31.2 % share in 2019",
		"Region/North America: US$ 16.60 bn in 2019",
		"Key players", "Medtronic",
	} {
		if !containsWords(seen, want) {
			t.Errorf("the report information never shows %q:\n%s", want, seen)
		}
	}
	m = send(t, m, keyEsc)
	if m.dialogs.top() != nil {
		t.Error("esc does not close the report information")
	}
}

// TestReadOnlyWorkspace: without a folder (nil, or Dir ""), s and the file
// exports refuse with a message and write nothing anywhere; the built-ins
// still open, and the table can still be copied.
func TestReadOnlyWorkspace(t *testing.T) {
	for _, c := range []struct {
		name string
		ws   *model.Workspace
	}{{"nil", nil}, {"no folder", &model.Workspace{Builtin: testBuiltins()}}} {
		t.Run(c.name, func(t *testing.T) {
			cwd := t.TempDir()
			t.Chdir(cwd) // a relative path would land here
			m := newWSModel(t, c.ws, 80, 24)
			m = send(t, m, runeKey('+'))
			edited := m.Scenario()
			m = send(t, m, runeKey('s'))
			if m.dialogs.top() != nil || !strings.Contains(lastLine(m), "saving is off") {
				t.Errorf("s in a read-only session: top %T, %q", m.dialogs.top(), lastLine(m))
			}
			// The export menu offers only what works here, and says why.
			m = send(t, m, runeKey('x'))
			if got := choiceTitles(t, m); !slices.Equal(got, []string{"Copy table for a spreadsheet"}) {
				t.Errorf("the export menu of a read-only session lists %q", got)
			}
			if !strings.Contains(view(m), "this session cannot write files") {
				t.Errorf("the export menu does not say files cannot be written:\n%s", view(m))
			}
			m = pickTitle(t, m, "Copy table for a spreadsheet")
			var cmd tea.Cmd
			if m, cmd = sendCmd(t, m, keyEnter); cmd == nil {
				t.Error("copying the table needs no files, yet returned no command")
			}
			if names := folder(t, cwd); len(names) != 0 {
				t.Errorf("a read-only session wrote %q", names)
			}
			if !m.Scenario().Equal(edited) || !strings.Contains(headLine(m), "unsaved") {
				t.Error("refusing changed the scenario or its marker")
			}
			if c.ws != nil {
				m = send(t, m, runeKey('o'))
				if got := choiceTitles(t, m); !slices.Equal(got, []string{nameBase, nameAccel, nameHeadwd}) {
					t.Errorf("o in a read-only session lists %q", got)
				}
			}
		})
	}
}

// TestSaveError: a save that fails (the workspace is a file) says so and
// keeps the unsaved marker.
func TestSaveError(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	writeFile(t, notDir, "x")
	m := newWSModel(t, &model.Workspace{Dir: notDir, Builtin: testBuiltins()}, 80, 24)
	m = send(t, m, runeKey('+'))
	m = saveAs(t, m, "Doomed")
	if !strings.HasPrefix(lastLine(m), "Not saved") || !strings.Contains(headLine(m), "unsaved") {
		t.Errorf("a failed save: status %q, header %q", lastLine(m), headLine(m))
	}
	if got := string(readFile(t, notDir)); got != "x" {
		t.Errorf("a failed save changed the file in the way to %q", got)
	}
	if names := folder(t, dir); !slices.Equal(names, []string{"file"}) {
		t.Errorf("a failed save left %q", names)
	}
}

// TestScenarioGolden compares the scenario picker and compare mode with
// reviewed golden files (testdata/TestScenarioGolden; -update rewrites).
// The workspace is a committed folder, so the paths on screen are stable.
func TestScenarioGolden(t *testing.T) {
	ws := &model.Workspace{Dir: filepath.Join("testdata", "workspace"), Builtin: testBuiltins()}
	views := []struct {
		name  string
		setup func(t *testing.T, m *Model) *Model
	}{
		{"open", func(t *testing.T, m *Model) *Model { return send(t, m, runeKey('o')) }},
		{"compare", func(t *testing.T, m *Model) *Model {
			m = send(t, m, runeKey('o'))
			m = pickTitle(t, m, nameAccel)
			m = send(t, m, keyEnter, runeKey('c'))
			m = pickTitle(t, m, nameBase)
			return send(t, m, keyEnter)
		}},
		{"compare-application", func(t *testing.T, m *Model) *Model {
			m = send(t, m, runeKey('o'))
			m = pickTitle(t, m, nameAccel)
			m = send(t, m, keyEnter, runeKey('c'))
			m = pickTitle(t, m, nameBase)
			return send(t, m, keyEnter, runeKey('2'))
		}},
		{"compare-share", func(t *testing.T, m *Model) *Model {
			m = send(t, m, runeKey('o'))
			m = pickTitle(t, m, nameAccel)
			m = send(t, m, keyEnter, runeKey('c'))
			m = pickTitle(t, m, nameBase)
			return send(t, m, keyEnter, runeKey('2'), runeKey('v'))
		}},
		{"compare-growth", func(t *testing.T, m *Model) *Model {
			m = send(t, m, runeKey('o'))
			m = pickTitle(t, m, nameAccel)
			m = send(t, m, keyEnter, runeKey('c'))
			m = pickTitle(t, m, nameBase)
			return send(t, m, keyEnter, runeKey('2'), runeKey('v'), runeKey('v'))
		}},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			for _, v := range views {
				t.Run(v.name, func(t *testing.T) {
					m := v.setup(t, newWSModel(t, ws, size[0], size[1]))
					out := view(m)
					checkFits(t, out, size[0], size[1])
					if n := len(viewLines(m)); n != size[1] {
						t.Errorf("the view has %d lines, want the terminal's %d", n, size[1])
					}
					golden.RequireEqual(t, []byte(out))
				})
			}
		})
	}
}

// TestQuestionsFit: at 80 columns a question is cut to fit, never the
// " y/n" that says how to answer it.
func TestQuestionsFit(t *testing.T) {
	ws := newWorkspace(t)
	long := "A scenario with a rather long name, to see what the question does"
	writeFile(t, ws.PathFor(long), "scenario: Someone else's\n")
	m := newWSModel(t, ws, 80, 24)
	m = send(t, m, runeKey('o'))
	m = pickTitle(t, m, nameAccel)
	m = send(t, m, keyEnter, runeKey('+'), runeKey('o'))
	m = pickTitle(t, m, nameHeadwd)
	m = send(t, m, keyEnter)
	if !topIs[*confirmDialog](m) || !strings.HasSuffix(lastLine(m), " y/n") || !strings.HasPrefix(lastLine(m), "Unsaved changes to") {
		t.Errorf("opening over unsaved edits asks %q; want the question ending in y/n", lastLine(m))
	}
	m = send(t, m, runeKey('n'))
	m = saveAs(t, m, long)
	if !topIs[*confirmDialog](m) || !strings.HasSuffix(lastLine(m), " y/n") || !strings.Contains(lastLine(m), "a-scenario-with") {
		t.Errorf("saving over an existing file asks %q; want its name and y/n", lastLine(m))
	}
}

// TestNewInReadOnlySession: starting a new scenario where nothing can be
// saved does not promise that s saves it.
func TestNewInReadOnlySession(t *testing.T) {
	m := newWSModel(t, &model.Workspace{Builtin: testBuiltins()}, 80, 24)
	m = send(t, m, runeKey('n'))
	m = pickTitle(t, m, "From the dataset's Base")
	m = send(t, m, keyEnter)
	if l := lastLine(m); !strings.Contains(l, "cannot save") || strings.Contains(l, "s saves") {
		t.Errorf("n in a read-only session says %q", l)
	}
}

// TestPickerEscapesFileNames: a file in the workspace named with escape
// sequences is listed with them shown as visible escapes, so the user
// can find the file, and the terminal never receives them raw.
func TestPickerEscapesFileNames(t *testing.T) {
	ws := newWorkspace(t)
	name := "evil\x1b]0;owned\a\u202e.yaml"
	writeFile(t, filepath.Join(ws.Dir, name), "scenario: [unclosed\n")
	m := newWSModel(t, ws, 160, 48)
	m = send(t, m, runeKey('o'))
	raw := m.View().Content
	if shown := ansi.Strip(raw); !strings.Contains(shown, `evil\x1b]0;owned\a\u202e.yaml`) || strings.Contains(shown, "evil]0;owned") {
		t.Errorf("the picker does not show the file's name with visible escapes everywhere:\n%s", shown)
	}
	if strings.Contains(raw, "\x1b]0;owned") || strings.Contains(raw, "\a") || strings.Contains(raw, "\u202e") {
		t.Errorf("the picker sends the file name's control characters raw")
	}
}

// TestSaveIntoTheFileOfItsName: a scenario's file may be named otherwise
// than its name (a copy made by hand). Saving under that name replaces
// that file, asked first, and saving the scenario opened from it writes it
// again: never a second file of the same scenario name beside it, which
// --scenario would then refuse as ambiguous.
func TestSaveIntoTheFileOfItsName(t *testing.T) {
	ws := newWorkspace(t)
	good := filepath.Join(ws.Dir, "good.yaml")
	writeFile(t, good, "scenario: Good one\ndataset: Internet of Medical Things\ntotal: {cagr_pct: 20}\n")
	m := newWSModel(t, ws, 120, 36)

	m = send(t, m, runeKey('+'), runeKey('s'))
	m = typeText(t, m, "good ONE")
	m = send(t, m, keyEnter)
	if !topIs[*confirmDialog](m) || !strings.Contains(lastLine(m), "Replace good.yaml, which holds Good one?") {
		t.Fatalf("saving under the name good.yaml holds: %q", lastLine(m))
	}
	m = send(t, m, runeKey('y'))
	if names := folder(t, ws.Dir); !slices.Equal(names, []string{"good.yaml", "good.yaml.bak"}) {
		t.Errorf("the workspace holds %q, want good.yaml and its backup", names)
	}
	if sc := loadFile(t, good); sc.Name != "good ONE" || !sc.Assumptions.Equal(m.Scenario()) {
		t.Errorf("good.yaml holds %q, state equal to the screen's: %v", sc.Name, sc.Assumptions.Equal(m.Scenario()))
	}

	// Opened from good.yaml, edited, s: good.yaml again, without asking.
	m = send(t, m, runeKey('o'))
	m = pickTitle(t, m, "good ONE")
	m = send(t, m, keyEnter, runeKey('-'), runeKey('s'))
	if m.dialogs.top() != nil {
		t.Fatalf("s on a scenario opened from good.yaml asked: %q", lastLine(m))
	}
	if names := folder(t, ws.Dir); !slices.Equal(names, []string{"good.yaml", "good.yaml.bak"}) {
		t.Errorf("the workspace holds %q, want good.yaml and its backup only", names)
	}
	if sc := loadFile(t, good); !sc.Assumptions.Equal(m.Scenario()) {
		t.Error("s did not write the scenario's own file")
	}
}

// TestComparePickerMarksTheScenarioOnScreen: comparing the scenario on
// screen with itself shows zeros; the picker says so, and once it has
// unsaved edits, that it compares them with the scenario as saved.
func TestComparePickerMarksTheScenarioOnScreen(t *testing.T) {
	m := newWSModel(t, newWorkspace(t), 160, 48)
	if v := view(send(t, m, runeKey('c'))); !containsWords(v, "on screen: every difference would be 0 · built in") {
		t.Errorf("the compare picker does not mark the scenario on screen:\n%s", v)
	}
	if v := view(send(t, m, keyEsc, runeKey('o'))); strings.Contains(v, "on screen:") {
		t.Errorf("the open picker marks the scenario on screen as if comparing:\n%s", v)
	}
	m = send(t, m, keyEsc)
	m = send(t, m, runeKey('+'), runeKey('c'))
	if v := view(m); !containsWords(v, "as saved: compares your unsaved edits with it") {
		t.Errorf("with unsaved edits, the compare picker does not say it compares them:\n%s", v)
	}
}
