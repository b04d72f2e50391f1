package ui

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"iomt/export"
	"iomt/forecast"
	"iomt/importer"
	"iomt/internal/safefile"
	"iomt/model"
)

// The dashboard's file work runs in commands, never in Update: a slow or
// hung disk (a network folder, a FIFO in the workspace) must not freeze
// the screen. Each command works on copies (a scenario, a clone of the
// assumptions) and reports with a message that the root acts on.

// listCmd lists the workspace for the picker of generation gen. Each
// file made for this market (or for none) is opened with ds, here rather
// than when chosen, so that the picker marks a file that would not open
// (an unknown segment, a share out of range) before the user picks it,
// as iomt scenarios does.
func listCmd(ws *model.Workspace, ds *model.Dataset, gen int) tea.Cmd {
	return func() tea.Msg {
		entries, err := ws.List()
		// Workbooks come back from partners: each is listed as the
		// scenario its Inputs make, with what changed.
		entries = append(entries, importer.WorkbookEntries(ws, ds)...)
		for i := range entries {
			e := &entries[i]
			if e.Err != nil || e.Builtin || e.Dataset != "" && e.Dataset != ds.Market {
				continue
			}
			if _, oerr := e.Open(ds); oerr != nil {
				e.Err = oerr
			}
		}
		return listedMsg{gen: gen, entries: entries, err: err}
	}
}

// openedMsg is a scenario read for opening or comparing.
type openedMsg struct {
	purpose purpose
	sc      *model.Scenario
	all     []*model.Scenario // to compare with, in order (compareCmd)
	path    string            // "" for a built-in or a workbook's, saved under a name of its own
	from    string            // the workbook it was read from, if it was
	err     error
}

// isWorkbook reports whether a listed scenario is a workbook's Inputs.
func isWorkbook(path string) bool { return strings.EqualFold(filepath.Ext(path), ".xlsx") }

// openCmd resolves a listed scenario against the dataset.
func openCmd(ds *model.Dataset, e model.Entry, p purpose) tea.Cmd {
	return func() tea.Msg {
		sc, err := e.Open(ds)
		path, from := e.Path, ""
		if isWorkbook(e.Path) {
			// A scenario read from a workbook is saved as a scenario file,
			// under a name the user gives.
			path, from = "", e.Path
		}
		if e.Builtin {
			path = ""
		}
		return openedMsg{purpose: p, sc: sc, path: path, from: from, err: err}
	}
}

// saveCheckedMsg says whether a save would replace another scenario's
// file, which is asked about first.
type saveCheckedMsg struct {
	sc       *model.Scenario
	path     string
	holds    string // the name of the scenario in path, when it holds one
	loads    int
	replaces bool
	// notFile is what is at path when it is not a file (a folder): a
	// save there would fail, so it is said before asking to replace.
	notFile string
}

// checkSaveCmd looks whether path exists; saving over the file of the
// scenario being saved (savedPath) replaces nothing.
func checkSaveCmd(ws *model.Workspace, sc *model.Scenario, savedPath string, loads int) tea.Cmd {
	return func() tea.Msg {
		// The file that holds a scenario of this name, the one it was
		// opened from first, else <slug>.yaml.
		path, holds := ws.PathFor(sc.Name), ""
		files := ws.FilesOf(sc.Name)
		if i := slices.IndexFunc(files, func(e model.Entry) bool { return e.Path == savedPath }); i >= 0 {
			path, holds = savedPath, files[i].Name
		} else if len(files) > 0 {
			path, holds = files[0].Path, files[0].Name
		}
		st, err := os.Stat(path)
		msg := saveCheckedMsg{sc: sc, path: path, holds: holds, loads: loads, replaces: err == nil && path != savedPath}
		if err == nil && !st.Mode().IsRegular() {
			msg.notFile = safefile.Kind(st.Mode())
		}
		return msg
	}
}

// savedMsg reports a save: where it went, or why it failed.
type savedMsg struct {
	sc    *model.Scenario
	path  string // the file written
	loads int    // which loaded scenario it was
	err   error
}

// writeCmd saves sc into the workspace, atomically, keeping a backup.
func writeCmd(ws *model.Workspace, ds *model.Dataset, sc *model.Scenario, path string, loads int) tea.Cmd {
	return func() tea.Msg {
		path, err := ws.SaveAt(ds, sc, path)
		return savedMsg{sc: sc, path: path, loads: loads, err: err}
	}
}

// exportedMsg reports an export to a file.
type exportedMsg struct {
	name, path string
	err        error
}

// exportJob is what an export writes: the scenario's assumptions (and
// those of the compared one) are copies, projected afresh in the command,
// so it shares nothing with the screen that Update keeps changing.
type exportJob struct {
	ds          *model.Dataset
	ws          *model.Workspace
	name        string
	a           model.Assumptions
	compared    []model.Scenario // copies of the scenarios compared, in order
	format, ext string
}

// newExportJob is the export of scenario s as the export menu's action
// asks: CSV, JSON, Markdown or XLSX, with the compared scenario's
// columns when comparing.
func newExportJob(ws *model.Workspace, s *scenario, action int) exportJob {
	j := exportJob{ds: s.ds, ws: ws, name: exportName(s), a: s.Assumptions(), format: "csv", ext: ".csv"}
	switch action {
	case actExportJSON:
		j.format, j.ext = "json", ".json"
	case actExportMD:
		j.format, j.ext = "md", ".md"
	case actExportXLSX:
		j.format, j.ext = "xlsx", ".xlsx"
	}
	for _, cs := range s.compare {
		j.compared = append(j.compared, model.Scenario{Name: cs.name, Assumptions: cs.a})
	}
	return j
}

func exportCmd(j exportJob) tea.Cmd {
	return func() tea.Msg {
		in := export.Input{Dataset: j.ds, Scenario: j.name, Assumptions: &j.a, Result: forecast.Project(j.ds, &j.a)}
		for i, c := range j.compared {
			cmp := export.Comparison{Scenario: c.Name, Result: forecast.Project(j.ds, &c.Assumptions)}
			if i == 0 {
				in.Compare = &cmp
			} else {
				in.More = append(in.More, cmp)
			}
		}
		name := j.name
		if len(j.compared) > 0 {
			names := make([]string, len(j.compared))
			for i, c := range j.compared {
				names[i] = c.Name
			}
			name += " vs " + strings.Join(names, ", ") // their columns are in the file
		}
		return j.write(model.Slug(j.name)+j.ext, name, func(w io.Writer) error { return export.Write(w, j.format, in) })
	}
}

// write writes an export into the workspace as file, creating the
// folder on its first use, and reports it as name.
func (j exportJob) write(file, name string, write func(io.Writer) error) exportedMsg {
	if err := makeWorkspace(j.ws); err != nil {
		return exportedMsg{name: name, err: err}
	}
	path, err := j.ws.WriteFile(file, false, write)
	return exportedMsg{name: name, path: path, err: err}
}

// makeWorkspace creates the workspace's folder for an export, on its
// first use; the error is the system's reason alone, as the status line
// names the folder.
func makeWorkspace(ws *model.Workspace) error {
	err := os.MkdirAll(ws.Dir, 0o755)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err
}
