package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"iomt/internal/safetext"
	"iomt/model"
)

// What the root does for the scenario actions that dialogs and commands
// report: loading, saving, opening, comparing, the menus and exports.

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
	saved := m.c.saved
	m.c.load(msg.sc, msg.path)
	if msg.keepSaved {
		m.c.saved = saved
	}
	m.c.info(msg.said)
}

// loadOrAsk loads a scenario, asking first when that would lose unsaved
// changes.
func (m *Model) loadOrAsk(msg loadMsg, question string) {
	if m.c.dirty() {
		m.push(newConfirm(m.c, question, msg, m.c.scenario, msg.sc.Name))
		return
	}
	m.load(msg)
}

// result handles what a command reports.
func (m *Model) result(msg tea.Msg) tea.Cmd {
	c := m.c
	switch msg := msg.(type) {
	case listedMsg:
		// To the picker that asked for it, wherever it is on the stack: a
		// question may have opened over it meanwhile.
		for _, d := range m.dialogs {
			if p, ok := d.(*scenarioPicker); ok && p.gen == msg.gen {
				return m.toDialog(d, msg)
			}
		}
	case analysisMsg:
		// To the analysis screen that asked; one closed meanwhile drops
		// it (its work was stopped).
		for _, d := range m.dialogs {
			if r, ok := d.(interface{ runs() int }); ok && r.runs() == msg.runOf() {
				return m.toDialog(d, msg)
			}
		}
	case openedMsg:
		m.opened(msg)
	case saveCheckedMsg:
		if msg.notFile != "" {
			c.error("Not saved: " + filepath.Base(msg.path) + " is " + msg.notFile + ", not a file; save under another name, or move it away — " + c.ws.Show(msg.path))
			return nil
		}
		if msg.replaces {
			q := "Replace " + filepath.Base(msg.path) + "? (the old one is kept as .bak)"
			if msg.path != c.ws.PathFor(msg.sc.Name) && msg.holds != "" {
				// Found by the scenario's name, in a file named otherwise:
				// named as the file spells it.
				q = "Replace " + filepath.Base(msg.path) + ", which holds " + msg.holds + "? (the old one is kept as .bak)"
			}
			m.push(newConfirm(c, q, writeMsg{sc: msg.sc, path: msg.path, loads: msg.loads}, msg.holds))
			return nil
		}
		return writeCmd(c.ws, c.ds, msg.sc, msg.path, msg.loads)
	case savedMsg:
		m.saved(msg)
	case exportedMsg:
		if msg.err != nil {
			c.error("Not exported: " + c.reason(msg.err, msg.path))
			return nil
		}
		if c.fetch != nil {
			// The command first: a narrow status line cuts the end.
			c.info("Exported " + msg.name + ". Fetch it: " + c.fetch(filepath.Base(msg.path)) + " (" + c.ws.Show(msg.path) + ")")
			return nil
		}
		c.info("Exported " + msg.name + " to " + c.ws.Show(msg.path) + ".")
	}
	return nil
}

// opened acts on a scenario read for opening or comparing.
func (m *Model) opened(msg openedMsg) {
	c := m.c
	switch msg.purpose {
	case chooseOpen:
		if msg.err != nil {
			c.error("Not opened, kept " + c.scenario + ": " + c.reason(msg.err, msg.path))
			return
		}
		m.loadOrAsk(loadMsg{sc: msg.sc, path: msg.path, said: "Opened " + msg.sc.Name + "."},
			c.losing("Open "+msg.sc.Name+"?", false))
	case chooseCompare:
		if msg.err != nil {
			c.error("Cannot compare: " + c.reason(msg.err, msg.path))
			return
		}
		c.compareWith(msg.sc)
	}
	m.table.refresh()
}

// menu acts on a menu's choice.
func (m *Model) menu(msg menuMsg) tea.Cmd {
	c := m.c
	switch msg.action {
	case actNewFromBase:
		sc := &model.Scenario{Name: "New scenario", Dataset: c.ds.Market, Assumptions: c.ds.Base()}
		m.loadOrAsk(loadMsg{sc: sc, said: m.startedText(sc.Name)}, c.losing("Start a new scenario?", false))
	case actNewCopy:
		// A copy carries the current assumptions, unsaved edits
		// included: nothing is lost, so do not ask; but those edits are
		// saved nowhere, so the copy stays marked unsaved (and quitting
		// asks) until it is saved.
		sc := c.current()
		sc.Name = "Copy of " + c.scenario
		m.load(loadMsg{sc: sc, said: m.startedText(sc.Name), keepSaved: true})
	case actCopyTable:
		c.info("Copied the table (" + strconv.Itoa(len(c.rows())) + " rows, every year, as on screen) to the clipboard, tab-separated: paste it into a spreadsheet's cells.")
		return tea.SetClipboard(c.tableTSV())
	case actExportCSV, actExportJSON, actExportMD, actExportXLSX:
		return m.export(msg.action)
	}
	m.table.refresh()
	return nil
}

// startedText says a new scenario started, and how it can be kept.
func (m *Model) startedText(name string) string {
	if m.c.ws.Dir == "" {
		return "Started " + name + "; this session cannot save it, x copies its table."
	}
	return "Started " + name + "; s saves it under a name of your choice."
}

// export writes the current scenario into the workspace, in a command.
func (m *Model) export(action int) tea.Cmd {
	c := m.c
	if c.ws.Dir == "" {
		c.error("This session cannot write files" + c.whyNoFiles() + "; copy the table with x instead.")
		return nil
	}
	name := exportName(c)
	j := exportJob{ds: c.ds, ws: c.ws, name: name, a: c.assumptions(), format: "csv", ext: ".csv"}
	switch action {
	case actExportJSON:
		j.format, j.ext = "json", ".json"
	case actExportMD:
		j.format, j.ext = "md", ".md"
	case actExportXLSX:
		j.format, j.ext = "xlsx", ".xlsx"
	}
	if c.compare != nil {
		a := c.compare.a
		j.compareName, j.compare = c.compare.name, &a
	}
	return exportCmd(j)
}

// save writes the scenario to its file, asking for a name the first time.
func (m *Model) save() tea.Cmd {
	c := m.c
	if c.ws.Dir == "" {
		// Only a session served without a place for its files (open demo
		// mode, or no --data) has no workspace folder.
		c.error("Read-only session" + c.whyNoFiles() + ": saving is off here. x copies the table to your clipboard.")
		return nil
	}
	if c.savedPath == "" {
		d, cmd := newNamePrompt(c, m.width)
		m.push(d)
		return cmd
	}
	// Into the file it was opened from, even one named otherwise (a copy
	// made by hand): <slug>.yaml would be a second scenario of its name.
	return checkSaveCmd(c.ws, c.current(), c.savedPath, c.loads)
}

// saveAs saves under the name typed in the name prompt; saving over
// another scenario's file asks first. keep is true when the name is
// refused, and the prompt stays open to fix it.
func (m *Model) saveAs(name string) (keep bool, cmd tea.Cmd) {
	c := m.c
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		c.error("Type a name for the scenario.")
		return true, nil
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		c.error("A name cannot contain control characters.")
		return true, nil
	case c.isBuiltinName(name):
		c.error("That name is built in; choose another.")
		return true, nil
	}
	sc := c.current()
	if name != sc.Name {
		// The description told the story of the scenario it came from;
		// under a new name it would no longer be true.
		sc.Description = ""
	}
	sc.Name = name
	return false, checkSaveCmd(c.ws, sc, c.savedPath, c.loads)
}

// saved acts on a finished save: the scenario on screen takes the name
// and file it was saved under, unless another has been opened since.
func (m *Model) saved(msg savedMsg) {
	c := m.c
	if msg.err != nil {
		c.error("Not saved: " + c.reason(msg.err, msg.path))
		return
	}
	if msg.loads == c.loads {
		c.scenario, c.description = msg.sc.Name, msg.sc.Description
		c.savedPath = msg.path
		c.saved = msg.sc.Assumptions.Clone()
	}
	c.info("Saved " + msg.sc.Name + " to " + c.ws.Show(msg.path) + ".")
}

// openPicker opens a scenario picker at once; the listing is read in a
// command and fills it in.
func (m *Model) openPicker(p purpose) tea.Cmd {
	m.gen++
	m.push(newScenarioPicker(m.c, p, m.gen))
	return listCmd(m.c.ws, m.c.ds, m.gen)
}

func (m *Model) toggleCompare() tea.Cmd {
	if c := m.c; c.compare != nil {
		c.info("Stopped comparing with " + c.compare.name + ".")
		c.compare = nil
		return nil
	}
	return m.openPicker(chooseCompare)
}

// firstLine keeps the first problem of a multi-line error for the one-line
// status bar; the rest is one `iomt validate` away.
// reason words a failure for the status line: the reason first, where
// it happened last, so that a line cut at 80 columns keeps "no space left
// on device" or the "did you mean" and loses the path (M shows it all).
// A file is named as the workspace shows it: an SSH viewer never sees
// the server's paths.
func (c *common) reason(err error, path string) string {
	one, list := firstProblem(err)
	if one != nil {
		s := problemText(one)
		where := safetext.Escape(c.ws.Show(one.File))
		if one.Line > 0 {
			where += fmt.Sprintf(":%d:%d", one.Line, max(one.Col, 1))
		}
		s += " — " + where
		if len(list) > 1 {
			s += fmt.Sprintf("; %s (iomt validate lists them)", plural(len(list)-1, "more problem", "more problems"))
		}
		return s
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	if path != "" && strings.Contains(s, path) {
		// "cannot write /a/b.yaml: no space left on device"
		s = strings.Replace(strings.Replace(s, " "+path, "", 1), path, "", 1)
		s += " — " + safetext.Escape(c.ws.Show(path))
	}
	return s
}

// reasonIn is reason for a list that already names the file: the problem
// and its line only.
func (c *common) reasonIn(err error) string {
	one, _ := firstProblem(err)
	if one == nil {
		s, _, _ := strings.Cut(err.Error(), "\n")
		return s
	}
	s := problemText(one)
	if one.Line > 0 {
		s += fmt.Sprintf(", line %d", one.Line)
	}
	return s
}

// firstProblem is the first problem a file's error names (list holds
// them all when there are several), or nil for an error of another kind.
func firstProblem(err error) (one *model.Error, list model.ErrorList) {
	if errors.As(err, &list) && len(list) > 0 {
		return list[0], list
	}
	errors.As(err, &one)
	return one, nil
}

// problemText is a problem and its hint, escaped for the screen.
func problemText(one *model.Error) string {
	s := safetext.Escape(one.Msg)
	if one.Hint != "" {
		s += " (" + safetext.Escape(one.Hint) + ")"
	}
	return s
}

// plural writes n with the singular or the plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
