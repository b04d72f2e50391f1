package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"iomt/model"
)

// menuMsg reports the action chosen in a menu.
type menuMsg struct {
	purpose purpose
	action  int
}

// menu is a short list of actions: the new-scenario menu (n) and the
// export menu (x).
type menu struct {
	chooser
	purpose purpose
}

func (d *menu) Update(msg tea.Msg) (step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		picked, closed, cmd := d.key(k)
		switch {
		case closed:
			return done(said("Closed.")), nil
		case picked != nil:
			return done(menuMsg{purpose: d.purpose, action: picked.action}), nil
		}
		return stay(d), cmd
	}
	var cmd tea.Cmd
	d.chooser, cmd = d.chooser.Update(msg)
	return stay(d), cmd
}

func (d *menu) Placement() placement    { return placeBody }
func (d *menu) Bindings() []key.Binding { return d.chooser.Bindings() }

// newScenarioMenu offers a new scenario from the dataset or as a copy.
func newScenarioMenu(e env) *menu {
	items := []choice{
		{title: "From the dataset's Base", desc: "every figure as the dataset has it", action: actNewFromBase},
		{title: "Copy of " + clean(e.scen.Name()), desc: "the current assumptions, under a new name", action: actNewCopy},
	}
	return &menu{chooser: newChooser(e, "New scenario", items, false), purpose: chooseNew}
}

// newExportMenu offers the files the session can write, and the copy of
// the table to the clipboard, which works everywhere.
func newExportMenu(e env) *menu {
	title := "Export " + clean(e.scen.Name())
	if cmps := e.scen.Compared(); len(cmps) > 0 {
		// Files and the copy carry the comparison's columns too.
		title += " vs " + comparedNames(cmps)
	}
	copyTable := choice{title: "Copy table for a spreadsheet", desc: "the table on screen, every year, tab-separated: pastes into cells in Excel, Sheets, Numbers (OSC 52: works over SSH)", action: actCopyTable}
	items := []choice{copyTable}
	if e.files.ws.Dir == "" {
		// Offering files that cannot be written would only lead to a
		// refusal: say so once, in the title.
		if e.files.ws.Why != "" {
			title += " · cannot write files: " + e.files.ws.Why // short enough for 80 columns
		} else {
			title += " · this session cannot write files"
		}
	} else {
		where := " into " + e.files.ws.ShowDir()
		slug := model.Slug(exportName(e.scen))
		items = []choice{
			{title: "CSV file", desc: slug + ".csv" + where, action: actExportCSV},
			{title: "JSON file", desc: slug + ".json" + where, action: actExportJSON},
			{title: "Markdown file", desc: slug + ".md" + where, action: actExportMD},
			{title: "XLSX workbook, a live model", desc: slug + ".xlsx" + where, action: actExportXLSX},
			// The copy before the charts: at 80×24 it stays on the first
			// page, as it was before there were charts.
			copyTable,
			{title: "SVG chart for a slide", desc: chartFile(e, ".svg") + where, action: actExportSVG},
			{title: "PNG chart for a slide, 1920×1080", desc: chartFile(e, ".png") + where, action: actExportPNG},
		}
	}
	if e.files.fetch != nil && e.files.ws.Dir != "" {
		// Over SSH the folder is on the server: each file says how to
		// take it home, the command first, as a narrow menu cuts the end.
		for i, it := range items {
			if file, ok := strings.CutSuffix(it.desc, " into "+e.files.ws.ShowDir()); ok && it.action != actCopyTable {
				items[i].desc = e.files.fetch(file) + " on your machine fetches it from " + e.files.ws.ShowDir()
			}
		}
	}
	return &menu{chooser: newChooser(e, title, items, false), purpose: chooseExport}
}

// exportName is the name an export of the current scenario carries, and
// its file is named after: unsaved changes are not the named scenario,
// and an export of an edited Base must not pass for the Base itself.
func exportName(s scenarioView) string {
	if s.Dirty() {
		return s.Name() + " (edited)"
	}
	return s.Name()
}
