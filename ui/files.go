package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"iomt/internal/safetext"
	"iomt/model"
)

// files is where the dashboard lists, saves and exports scenarios: the
// workspace, how a user over SSH fetches a file of it, and the built-in
// scenarios' names, which a save may not take. It changes nothing on
// screen; the commands in io.go do its IO.
type files struct {
	ws    *model.Workspace
	fetch func(file string) string // how the user fetches a file of ws; nil: no way
	// builtinNames are the built-in scenarios' names, read once: a save
	// under one of them is refused.
	builtinNames []string
}

func newFiles(ws *model.Workspace, fetch func(string) string) *files {
	if ws == nil {
		ws = &model.Workspace{} // read-only, nothing built in
	}
	f := &files{ws: ws, fetch: fetch}
	for _, e := range ws.Builtins() {
		f.builtinNames = append(f.builtinNames, e.Name)
	}
	return f
}

// isBuiltinName reports whether name is a built-in scenario's.
func (f *files) isBuiltinName(name string) bool {
	for _, b := range f.builtinNames {
		if strings.EqualFold(strings.TrimSpace(name), b) {
			return true
		}
	}
	return false
}

// whyNoFiles is the reason a session without a folder has none, in
// parentheses after a space, or "" when none is known.
func (f *files) whyNoFiles() string {
	if f.ws.Why == "" {
		return ""
	}
	return " (" + f.ws.Why + ")"
}

// readOnly reports whether this session can save nothing: an open demo,
// a server without --data. Its questions must not speak of unsaved
// changes, as if saving were a way out.
func (f *files) readOnly() bool { return f.ws.Dir == "" }

// losing is the question asked before the changes to scenario name go:
// quitting (ask "Quit?") or loading another. A session that can save
// says they are unsaved; one that cannot says only that they go, and on
// quitting that they end with the session and the one way to keep them,
// copying the table.
func (f *files) losing(name, ask string, quit bool) string {
	switch {
	case !f.readOnly():
		return "Unsaved changes to " + name + " will be lost. " + ask
	case quit:
		return "Changes to " + name + " end with this session (x copies the table). " + ask
	}
	// No room for the way to keep them: at 80 columns two names of 12
	// and " y/n" must fit.
	return "Changes to " + name + " will be lost. " + ask
}

// reason words a failure for the status line: the reason first, where
// it happened last, so that a line cut at 80 columns keeps "no space left
// on device" or the "did you mean" and loses the path (M shows it all).
// A file is named as the workspace shows it: an SSH viewer never sees
// the server's paths.
func (f *files) reason(err error, path string) string {
	one, list := firstProblem(err)
	if one != nil {
		s := problemText(one)
		where := safetext.Escape(f.ws.Show(one.File))
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
		s += " — " + safetext.Escape(f.ws.Show(path))
	}
	return s
}

// reasonIn is reason for a list that already names the file: the problem
// and its line only.
func reasonIn(err error) string {
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

// started says a new scenario started, and how it can be kept.
func (f *files) started(name string) string {
	if f.readOnly() {
		return "Started " + name + "; this session cannot save it, x copies its table."
	}
	return "Started " + name + "; s saves it under a name of your choice."
}

// exported says where an export went, and how to fetch it; or why it
// failed.
func (f *files) exported(msg exportedMsg) statusText {
	switch {
	case msg.err != nil:
		return refused("Not exported: " + f.reason(msg.err, msg.path))
	case f.fetch != nil:
		// The command first: a narrow status line cuts the end.
		return said("Exported " + msg.name + ". Fetch it: " + f.fetch(filepath.Base(msg.path)) + " (" + f.ws.Show(msg.path) + ")")
	}
	return said("Exported " + msg.name + " to " + f.ws.Show(msg.path) + ".")
}
