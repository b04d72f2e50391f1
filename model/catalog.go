package model

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// The catalog: every scenario a user can open by name. A Workspace holds
// it: the built-in scenarios of the dataset's market (Builtin) and the
// folder of saved ones (Dir). Builtins and Saved list each part, List
// both, and Resolve opens what a user names on the command line. Looking
// only reads: nothing here writes to the folder.

// Builtin is a scenario file that ships inside the program.
type Builtin struct {
	File string // e.g. "base.yaml"
	Data []byte
}

// ReadBuiltins reads the scenario files (*.yaml) at the top of fsys,
// which holds the scenarios that ship with the program: Base (base.yaml)
// first, then by file name.
func ReadBuiltins(fsys fs.FS) ([]Builtin, error) {
	files, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("built-in scenarios: %w", err)
	}
	var out []Builtin
	for _, f := range files {
		name := f.Name()
		if f.IsDir() || path.Ext(name) != ".yaml" {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("built-in scenario %s: %w", name, err)
		}
		out = append(out, Builtin{File: name, Data: data})
	}
	slices.SortStableFunc(out, func(a, b Builtin) int {
		switch {
		case a.File == "base.yaml":
			return -1
		case b.File == "base.yaml":
			return 1
		}
		return 0
	})
	return out, nil
}

// BuiltinsFor returns the scenarios among shipped that belong to ds's
// market (their header names it); when none does, a single "Base"
// holding the dataset's own figures, so that "base" means the same thing
// on every market. Only the headers are read: loading the dataset the
// shipped files were made for, to learn its name, would cost more.
func BuiltinsFor(ds *Dataset, shipped []Builtin) []Builtin {
	var out []Builtin
	for _, b := range shipped {
		if e := b.entry(); e.Dataset == ds.Market {
			out = append(out, b)
		}
	}
	if len(out) > 0 {
		return out
	}
	base := &Scenario{Name: "Base", Description: "The dataset's own figures, nothing changed.",
		Dataset: ds.Market, Assumptions: ds.Base()}
	return []Builtin{{File: "base.yaml", Data: ds.MarshalScenario(base)}}
}

func (b *Builtin) entry() Entry { return entryOf("builtin:"+b.File, b.Data, true) }

// Entry is one scenario a user can open.
type Entry struct {
	Name        string // the scenario's name, or the file name when unreadable
	Description string
	Dataset     string // the market it was made for
	Path        string // file path; "builtin:FILE" for a built-in one
	Builtin     bool
	Data        []byte
	Err         error // why the file cannot be read, if it cannot
}

// Builtins lists the built-in scenarios, in their order.
func (w *Workspace) Builtins() []Entry {
	var out []Entry
	for i := range w.Builtin {
		out = append(out, w.Builtin[i].entry())
	}
	return out
}

// Saved lists the scenarios saved in the workspace's folder, by file
// name; none when there is no folder, or none yet. Files that cannot be
// read are listed with their error rather than hidden, so a user sees
// why a scenario is missing. Leftovers of saves that were killed are
// hidden files, skipped here and removed by the next save: listing runs
// during shell completion, and in folders a user may only read.
func (w *Workspace) Saved() ([]Entry, error) {
	if w.Dir == "" {
		return nil, nil
	}
	files, err := os.ReadDir(w.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // created on first save
	}
	if err != nil {
		return nil, fmt.Errorf("reading workspace %s: %w", w.Dir, unwrapPath(err))
	}
	var out []Entry
	for _, f := range files {
		name := f.Name()
		if f.IsDir() || strings.HasPrefix(name, ".") || !IsScenarioFile(name) {
			continue
		}
		p := filepath.Join(w.Dir, name)
		data, err := ReadFile(p)
		if err != nil {
			out = append(out, Entry{Name: name, Path: p, Err: err})
			continue
		}
		out = append(out, entryOf(p, data, false))
	}
	// By name as a person reads a list: PLAN.YAML beside plan-b.yaml,
	// not before every lower-case name.
	slices.SortStableFunc(out, func(a, b Entry) int {
		return strings.Compare(strings.ToLower(filepath.Base(a.Path)), strings.ToLower(filepath.Base(b.Path)))
	})
	return out, nil
}

// List returns the built-in scenarios, then the saved ones by file name.
// A folder that cannot be read is an error, and the built-ins are still
// listed.
func (w *Workspace) List() ([]Entry, error) {
	saved, err := w.Saved()
	return append(w.Builtins(), saved...), err
}

// Resolve opens what a user names on the command line (--scenario,
// --compare): a file when one exists by that name; else a built-in
// scenario; else one saved in the folder. A scenario answers to its file
// name, its stem or its name, in any case. Files come first so that a
// scenario never shadows the user's own file.
func (w *Workspace) Resolve(arg string, ds *Dataset) (*Scenario, error) {
	if _, err := os.Stat(arg); err == nil {
		return ReadScenario(arg, ds)
	}
	builtins := w.Builtins()
	for i := range builtins {
		if builtins[i].matches(arg) {
			return builtins[i].Open(ds)
		}
	}
	// A folder that cannot be listed has no names to offer; the message
	// below says where it looked.
	entries, _ := w.Saved()
	var found []*Entry
	var saved []Entry
	for i := range entries {
		if entries[i].matches(arg) {
			found = append(found, &entries[i])
		}
		if entries[i].ForMarket(ds) {
			saved = append(saved, entries[i])
		}
	}
	switch len(found) {
	case 0:
	case 1:
		return found[0].Open(ds)
	default:
		// Two files may carry one name: taking either would be a
		// guess, and the first might be the broken one.
		files := make([]string, len(found))
		for i, e := range found {
			files[i] = e.Path
		}
		return nil, fmt.Errorf("%s: %d saved scenarios go by that name (%s); give the file instead", arg, len(found), strings.Join(files, ", "))
	}
	msg := fmt.Sprintf("%s: no such file, nor a scenario of that name for %s (built in: %s", arg, ds.Market, strings.Join(stems(builtins), ", "))
	if len(saved) > 0 {
		msg += fmt.Sprintf("; saved in %s: %s", w.ShowDir(), strings.Join(stems(saved), ", "))
	}
	msg += ")"
	// A mistyped --workspace otherwise reads as a missing scenario.
	if w.Dir != "" {
		if _, err := os.Stat(w.Dir); errors.Is(err, fs.ErrNotExist) {
			msg += fmt.Sprintf("; the workspace %s does not exist: check --workspace", w.ShowDir())
		}
	}
	return nil, errors.New(msg)
}

// entryOf reads a scenario's header fields without resolving it against a
// dataset; opening it checks the rest.
func entryOf(path string, data []byte, builtin bool) Entry {
	e := Entry{Path: path, Builtin: builtin, Data: data, Name: filepath.Base(strings.TrimPrefix(path, "builtin:"))}
	var sf scenarioFile
	src, err := parseFile(path, data, &sf, scenarioKeys)
	if err != nil {
		e.Err = err
		return e
	}
	// Names and descriptions are shown in lists: one that breaks the
	// rules is an error of the entry, not text to print.
	if sf.Scenario != "" {
		if msg, ok := checkLabel("scenario name", sf.Scenario, true); !ok {
			e.Err = ErrorList{src.at([]any{"scenario"}, msg, "")}
			return e
		}
		e.Name = sf.Scenario
	}
	if msg, ok := checkFreeText("description", sf.Description, true); !ok {
		e.Err = ErrorList{src.at([]any{"description"}, msg, "")}
		return e
	}
	if msg, ok := checkLabel("dataset", sf.Dataset, true); sf.Dataset != "" && !ok {
		e.Err = ErrorList{src.at([]any{"dataset"}, msg, "")}
		return e
	}
	e.Description, e.Dataset = sf.Description, sf.Dataset
	return e
}

// Open resolves an entry against ds. A scenario for another market or
// with unknown paths is refused with the reason and the place.
func (e *Entry) Open(ds *Dataset) (*Scenario, error) {
	if e.Err != nil {
		return nil, e.Err
	}
	return LoadScenario(e.Path, e.Data, ds)
}

// Stem is the name a scenario file answers to on the command line: its
// file name without the extension ("accelerated-adoption").
func (e *Entry) Stem() string {
	base := filepath.Base(strings.TrimPrefix(e.Path, "builtin:"))
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// ForMarket reports whether a listed scenario can be offered for ds: it
// reads, and it was made for ds's market (or names none).
func (e *Entry) ForMarket(ds *Dataset) bool {
	return e.Err == nil && (e.Dataset == "" || e.Dataset == ds.Market)
}

// matches reports whether arg names the entry: its stem, its file name or
// its scenario name, in any case.
func (e *Entry) matches(arg string) bool {
	base := filepath.Base(strings.TrimPrefix(e.Path, "builtin:"))
	return strings.EqualFold(arg, e.Stem()) || strings.EqualFold(arg, base) || strings.EqualFold(arg, e.Name)
}

// IsScenarioFile reports whether a file name has a scenario file's
// extension, .yaml or .yml in any case: files copied from Windows or
// written by other tools come as PLAN.YAML too.
func IsScenarioFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

func stems(entries []Entry) []string {
	out := make([]string, len(entries))
	for i := range entries {
		out[i] = entries[i].Stem()
	}
	return out
}
