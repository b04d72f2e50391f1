package model

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Workspace is the folder where a user's scenarios are saved, plus the
// scenarios that ship with the program for the dataset's market: the
// catalog of what a session can open by name (see catalog.go), and where
// it saves. A Workspace with no Dir is read-only (open demo sessions over
// SSH): it lists the built-in scenarios and refuses to save.
type Workspace struct {
	Dir     string
	Builtin []Builtin
	// Label names Dir to the user in messages, in place of its path: over
	// SSH the server's folder layout means nothing to a viewer, and is
	// not theirs to see. Empty: the path itself.
	Label string
	// Why says, when Dir is empty, why this workspace has no folder
	// ("an open demo keeps no files"), for the messages that refuse to
	// save or export. Empty: no reason is known.
	Why string
	// Quota bounds what Dir may hold: saves and exports past it are
	// refused (see WriteFile). Zero: no bound.
	Quota Quota
}

// Show is how a file of the workspace is named to the user: its path, or
// its name in the workspace's Label.
func (w *Workspace) Show(path string) string {
	if w.Label == "" {
		return path
	}
	return filepath.Base(path) + " in " + w.Label
}

// ShowDir is how the workspace's folder is named to the user.
func (w *Workspace) ShowDir() string {
	if w.Label == "" {
		return w.Dir
	}
	return w.Label
}

// ErrReadOnly is returned by Save in a workspace without a folder.
var ErrReadOnly = errors.New("this session cannot save: the workspace is read-only")

// Slug turns a scenario name into its file name stem: lower case, words
// joined by dashes ("Accelerated adoption" → "accelerated-adoption").
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	s := b.String()
	if len(s) > 80 {
		// Cut at a rune boundary: half a letter is not a file name.
		cut := 80
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimRight(s[:cut], "-")
	}
	if s == "" {
		s = "scenario"
	}
	return s
}

// PathFor returns where a scenario of that name is saved.
func (w *Workspace) PathFor(name string) string {
	return filepath.Join(w.Dir, Slug(name)+".yaml")
}

// FilesOf returns the workspace files that hold a scenario of that name
// (its spelling aside): saving under the name of a scenario whose file is
// named otherwise (a copy made by hand) must replace that file, not write
// a second scenario of the same name beside it.
func (w *Workspace) FilesOf(name string) []Entry {
	if w.Dir == "" {
		return nil
	}
	entries, _ := w.Saved()
	var out []Entry
	for _, e := range entries {
		if strings.EqualFold(strings.TrimSpace(e.Name), strings.TrimSpace(name)) {
			out = append(out, e)
		}
	}
	return out
}

// Save writes sc as <Dir>/<slug>.yaml, creating the folder on first use,
// atomically and keeping <slug>.yaml.bak of the previous version. It
// returns the path written.
func (w *Workspace) Save(ds *Dataset, sc *Scenario) (string, error) {
	return w.SaveAt(ds, sc, "")
}

// SaveAt is Save into path, a YAML file of the workspace's own folder
// (one of FilesOf's); "" is <slug>.yaml.
func (w *Workspace) SaveAt(ds *Dataset, sc *Scenario, path string) (string, error) {
	if w.Dir == "" {
		return "", ErrReadOnly
	}
	if path != "" && (filepath.Dir(path) != filepath.Clean(w.Dir) ||
		!IsScenarioFile(path)) {
		return "", fmt.Errorf("saving %s: not a scenario file of the workspace %s", path, w.Dir)
	}
	if msg, ok := checkName(strings.ReplaceAll(sc.Name, "/", "-")); !ok || strings.TrimSpace(sc.Name) == "" {
		return "", fmt.Errorf("scenario name: %s", msg)
	}
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return "", fmt.Errorf("creating workspace %s: %w", w.Dir, unwrapPath(err))
	}
	p := cmp.Or(path, w.PathFor(sc.Name))
	data := ds.MarshalScenario(sc)
	return w.WriteFile(filepath.Base(p), true, func(out io.Writer) error {
		_, err := out.Write(data)
		return err
	})
}
