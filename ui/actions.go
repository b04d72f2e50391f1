package ui

import (
	"path/filepath"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"iomt/internal/safetext"
	"iomt/model"
)

// What the root does with what dialogs report and commands return:
// edits, loading, saving, opening, comparing, the menus and exports.

// toTop gives a message to the top dialog.
func (m *Model) toTop(msg tea.Msg) tea.Cmd {
	d := m.dialogs.top()
	if d == nil {
		return nil
	}
	return m.toDialog(d, msg)
}

// toDialog gives a message to a dialog on the stack and acts on what the
// user chose; the dialog closes unless it asked to stay or the action
// was refused (it then shows why).
func (m *Model) toDialog(d Dialog, msg tea.Msg) tea.Cmd {
	st, cmd := d.Update(msg)
	if st.chose == nil && st.keep != nil {
		m.dialogs.replace(d, st.keep)
		return cmd
	}
	keep, act := m.act(st.chose)
	if st.keep != nil {
		keep = true
		m.dialogs.replace(d, st.keep)
	}
	if !keep {
		// The dialog may have opened another on top of itself by now
		// (act pushes a question): take off this one, wherever it is.
		m.dialogs.remove(d)
	}
	return tea.Batch(cmd, act)
}

// act does what a dialog reported. keep is true when the dialog stays
// open: the action was refused, and the dialog shows why.
func (m *Model) act(msg tea.Msg) (keep bool, cmd tea.Cmd) {
	var t statusText // an edit's outcome
	switch msg := msg.(type) {
	case nil:
		return false, nil
	case statusText:
		m.status.say(msg)
		return false, nil
	case requestQuitMsg:
		return false, m.quit()
	case quitMsg:
		m.quitting = true
		return false, tea.Quit
	case setValueMsg:
		t = m.edits.set(msg)
	case windowMsg:
		t = m.edits.setWindow(msg.w)
	case editMsg:
		t = m.edits.do(msg.edit, msg.said)
	case saveAsMsg:
		return m.saveAs(msg.name)
	case pickedMsg:
		return false, openCmd(m.scen.ds, msg.entry, msg.purpose)
	case compareMsg:
		if len(msg.entries) == 0 {
			m.scen.stopCompare()
			m.resize(m.lay.w, m.lay.h) // the segments back beside the chart
			m.status.info("Stopped comparing.")
			return false, nil
		}
		return false, compareCmd(m.scen.ds, msg.entries)
	case menuMsg:
		return false, m.menu(msg)
	case loadMsg:
		m.load(msg)
		return false, nil
	case writeMsg:
		return false, writeCmd(m.files.ws, m.scen.ds, msg.sc, msg.path, msg.loads)
	case followAgainMsg:
		m.status.info(m.demo.followAgain(m.mirror))
		return false, nil
	case takeOverMsg:
		return false, m.demo.takeOver()
	case selectMsg:
		m.sel.show(msg.node)
		m.status.info(nodeName(m.scen.ds, msg.node) + " selected.")
		return false, nil
	default:
		return false, nil
	}
	// An edit's outcome replaces the status line, even with nothing to
	// say; a refused one keeps its prompt open.
	m.status.say(t)
	return t.err, nil
}

// writeMsg asks the root to write a scenario (after the user agreed to
// replace a file).
type writeMsg struct {
	sc    *model.Scenario
	path  string
	loads int
}

// loadMsg makes a scenario the current one (after the user agreed to
// lose unsaved changes); said is the status message, keepSaved keeps the
// unsaved marker of a copy made of unsaved edits.
type loadMsg struct {
	sc        *model.Scenario
	path      string
	said      string
	keepSaved bool
}

func (m *Model) load(msg loadMsg) {
	m.scen.load(msg.sc, msg.path, msg.keepSaved)
	m.status.info(msg.said)
}

// loadOrAsk loads a scenario, asking first when that would lose unsaved
// changes.
func (m *Model) loadOrAsk(msg loadMsg, ask string) {
	if m.scen.Dirty() {
		m.dialogs.push(newConfirm(m.env(), m.files.losing(m.scen.name, ask, false), msg, m.scen.name, msg.sc.Name))
		return
	}
	m.load(msg)
}

// result handles what a command reports.
func (m *Model) result(msg tea.Msg) tea.Cmd {
	ws, st := m.files.ws, m.status
	switch msg := msg.(type) {
	case listedMsg:
		// To the picker that asked for it, wherever it is on the stack: a
		// question may have opened over it meanwhile.
		if d := m.dialogs.find(func(d Dialog) bool { p, ok := d.(*scenarioPicker); return ok && p.gen == msg.gen }); d != nil {
			return m.toDialog(d, msg)
		}
	case analysisMsg:
		// To the analysis screen that asked; one closed meanwhile drops
		// it (its work was stopped).
		if d := m.dialogs.find(func(d Dialog) bool { r, ok := d.(interface{ runs() int }); return ok && r.runs() == msg.runOf() }); d != nil {
			return m.toDialog(d, msg)
		}
	case openedMsg:
		m.opened(msg)
	case saveCheckedMsg:
		if msg.notFile != "" {
			st.error("Not saved: " + filepath.Base(msg.path) + " is " + msg.notFile + ", not a file; save under another name, or move it away — " + ws.Show(msg.path))
			return nil
		}
		if msg.replaces {
			q := "Replace " + filepath.Base(msg.path) + "? (the old one is kept as .bak)"
			if msg.path != ws.PathFor(msg.sc.Name) && msg.holds != "" {
				// Found by the scenario's name, in a file named otherwise:
				// named as the file spells it.
				q = "Replace " + filepath.Base(msg.path) + ", which holds " + msg.holds + "? (the old one is kept as .bak)"
			}
			m.dialogs.push(newConfirm(m.env(), q, writeMsg{sc: msg.sc, path: msg.path, loads: msg.loads}, msg.holds))
			return nil
		}
		return writeCmd(ws, m.scen.ds, msg.sc, msg.path, msg.loads)
	case savedMsg:
		if msg.err != nil {
			st.error("Not saved: " + m.files.reason(msg.err, msg.path))
			return nil
		}
		m.scen.markSaved(msg.sc, msg.path, msg.loads)
		st.info("Saved " + msg.sc.Name + " to " + ws.Show(msg.path) + ".")
	case exportedMsg:
		st.say(m.files.exported(msg))
	}
	return nil
}

// opened acts on a scenario read for opening or comparing.
func (m *Model) opened(msg openedMsg) {
	switch {
	case msg.err != nil && msg.purpose == chooseOpen:
		m.status.error("Not opened, kept " + m.scen.name + ": " + m.files.reason(msg.err, msg.path))
		return
	case msg.err != nil:
		m.status.error("Cannot compare: " + m.files.reason(msg.err, msg.path))
		return
	case msg.purpose == chooseOpen:
		said := "Opened " + msg.sc.Name + "."
		if msg.from != "" {
			said = "Opened " + msg.sc.Name + " from " + filepath.Base(msg.from) + "; s saves it as a scenario."
		}
		m.loadOrAsk(loadMsg{sc: msg.sc, path: msg.path, said: said}, "Open "+msg.sc.Name+"?")
	default:
		m.scen.compareWith(msg.all...)
		m.resize(m.lay.w, m.lay.h) // a narrow chart takes the segments' room
		m.status.info(compareSaid(msg.all))
	}
	m.panes.table.refresh()
}

// menu acts on a menu's choice.
func (m *Model) menu(msg menuMsg) tea.Cmd {
	s := m.scen
	switch msg.action {
	case actNewFromBase:
		sc := &model.Scenario{Name: "New scenario", Dataset: s.ds.Market, Assumptions: s.ds.Base()}
		m.loadOrAsk(loadMsg{sc: sc, said: m.files.started(sc.Name)}, "Start a new scenario?")
	case actNewCopy:
		// A copy carries the current assumptions, unsaved edits
		// included: nothing is lost, so do not ask; but those edits are
		// saved nowhere, so the copy stays marked unsaved (and quitting
		// asks) until it is saved.
		sc := s.Current()
		sc.Name = "Copy of " + s.name
		m.load(loadMsg{sc: sc, said: m.files.started(sc.Name), keepSaved: true})
	case actCopyTable:
		m.status.info("Copied the table (" + strconv.Itoa(len(m.sel.rows())) + " rows, every year, as on screen) to the clipboard, tab-separated: paste it into a spreadsheet's cells.")
		return tea.SetClipboard(m.panes.table.tsv())
	case actExportCSV, actExportJSON, actExportMD, actExportXLSX, actExportSVG, actExportPNG:
		if m.files.readOnly() {
			m.status.error("This session cannot write files" + m.files.whyNoFiles() + "; copy the table with x instead.")
			return nil
		}
		if msg.action == actExportSVG || msg.action == actExportPNG {
			return chartCmd(newChartJob(m.files.ws, m.scen, m.sel, msg.action))
		}
		return exportCmd(newExportJob(m.files.ws, m.scen, msg.action))
	}
	m.panes.table.refresh()
	return nil
}

// save writes the scenario to its file, asking for a name the first time.
func (m *Model) save() tea.Cmd {
	if m.files.readOnly() {
		// Only a session served without a place for its files (open demo
		// mode, or no --data) has no workspace folder.
		m.status.error("Read-only session" + m.files.whyNoFiles() + ": saving is off here. x copies the table to your clipboard.")
		return nil
	}
	if m.scen.savedPath == "" {
		d, cmd := newNamePrompt(m.env(), m.lay.w)
		m.dialogs.push(d)
		return cmd
	}
	// Into the file it was opened from, even one named otherwise (a copy
	// made by hand): <slug>.yaml would be a second scenario of its name.
	return checkSaveCmd(m.files.ws, m.scen.Current(), m.scen.savedPath, m.scen.loads)
}

// saveAs saves under the name typed in the name prompt; saving over
// another scenario's file asks first. keep is true when the name is
// refused, and the prompt stays open to fix it.
func (m *Model) saveAs(name string) (keep bool, cmd tea.Cmd) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		m.status.error("Type a name for the scenario.")
		return true, nil
	case model.ScenarioNameProblem(name) != "":
		// The rules a saved file is read back by: a name it would refuse
		// (a noncharacter, an invisible character) is refused here, with
		// the prompt and its text still open, not after it closed.
		m.status.error("Not a name to save: " + safetext.Escape(model.ScenarioNameProblem(name)) + ".")
		return true, nil
	case m.files.isBuiltinName(name):
		m.status.error("That name is built in; choose another.")
		return true, nil
	}
	sc := m.scen.Current()
	if name != sc.Name {
		// The description told the story of the scenario it came from;
		// under a new name it would no longer be true.
		sc.Description = ""
	}
	sc.Name = name
	return false, checkSaveCmd(m.files.ws, sc, m.scen.savedPath, m.scen.loads)
}

// openPicker opens a scenario picker at once; the listing is read in a
// command and fills it in.
func (m *Model) openPicker(p purpose) tea.Cmd {
	gen := m.dialogs.next()
	m.dialogs.push(newScenarioPicker(m.env(), p, gen))
	return listCmd(m.files.ws, m.scen.ds, gen)
}

// toggleCompare opens the compare picker, the scenarios compared now
// marked: marks taken off and enter stop comparing.
func (m *Model) toggleCompare() tea.Cmd { return m.openPicker(chooseCompare) }
