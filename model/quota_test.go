package model

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"iomt/internal/testkit"
)

// writeText writes text as the file name of ws.
func writeText(ws *Workspace, name string, backup bool, text string) error {
	_, err := ws.WriteFile(name, backup, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	})
	return err
}

// TestQuotaFiles: past MaxFiles a new file is refused with a sentence
// naming the folder as the user knows it; saving over a file the folder
// holds still works, its backup too (a backup is not counted: at the cap
// a scenario could not be saved again), and a refused write leaves the
// folder as it was.
func TestQuotaFiles(t *testing.T) {
	ws := &Workspace{Dir: t.TempDir(), Label: "your folder on this server", Quota: Quota{MaxFiles: 3}}
	for _, name := range []string{"a.csv", "b.csv", "c.yaml"} {
		if err := writeText(ws, name, false, "x"); err != nil {
			t.Fatalf("%s, within the quota: %v", name, err)
		}
	}
	err := writeText(ws, "d.csv", false, "x")
	if !errors.Is(err, ErrFull) || err.Error() != "your folder on this server is full: it holds 3 files, the most it may; saving or exporting under a name it holds replaces that file" {
		t.Errorf("a fourth file: %v; want the folder is full", err)
	}
	if err := writeText(ws, "c.yaml", true, "y"); err != nil {
		t.Errorf("saving c.yaml again, keeping its backup, at the cap: %v", err)
	}
	if err := writeText(ws, "a.csv", false, "replaced"); err != nil {
		t.Errorf("replacing a file: %v", err)
	}
	if err := writeText(ws, "e.csv", false, "x"); !errors.Is(err, ErrFull) {
		t.Errorf("a fourth file beside a backup: %v; want the folder is full", err)
	}
	if names := testkit.DirNames(t, ws.Dir); !slices.Equal(names, []string{"a.csv", "b.csv", "c.yaml", "c.yaml.bak"}) {
		t.Errorf("the folder holds %q after the refusals", names)
	}
	if got := string(testkit.ReadFile(t, filepath.Join(ws.Dir, "c.yaml"))); got != "y" {
		t.Errorf("c.yaml saved again holds %q", got)
	}
}

// TestQuotaBytes: a write that would take the folder past MaxBytes is
// refused, even one that replaces a smaller file; one that replaces a
// file at least as large is let through, also in a folder over its quota.
func TestQuotaBytes(t *testing.T) {
	dir := t.TempDir()
	ws := &Workspace{Dir: dir, Quota: Quota{MaxBytes: 100}}
	if err := writeText(ws, "a.csv", false, strings.Repeat("a", 60)); err != nil {
		t.Fatal(err)
	}
	err := writeText(ws, "b.csv", false, strings.Repeat("b", 41))
	if !errors.Is(err, ErrFull) || !strings.Contains(err.Error(), dir+" is full: it holds 60 bytes, and this file would take it past 100 bytes") {
		t.Errorf("41 bytes more in a folder holding 60 of 100: %v; want the folder is full", err)
	}
	if err := writeText(ws, "b.csv", false, strings.Repeat("b", 40)); err != nil {
		t.Errorf("40 bytes more: %v", err)
	}
	if err := writeText(ws, "a.csv", false, strings.Repeat("a", 61)); !errors.Is(err, ErrFull) {
		t.Errorf("a.csv grown by a byte in a full folder: %v; want the folder is full", err)
	}
	// Saved with a backup: the old a.csv stays as a.csv.bak.
	if err := writeText(ws, "b.csv", true, "b"); !errors.Is(err, ErrFull) {
		t.Errorf("a save whose backup keeps the old 40 bytes: %v; want the folder is full", err)
	}
	// The operator lowers the quota: what does not grow the folder works.
	ws.Quota.MaxBytes = 10
	if err := writeText(ws, "a.csv", false, strings.Repeat("a", 50)); err != nil {
		t.Errorf("a.csv shrunk in a folder over its quota: %v", err)
	}
	if names := testkit.DirNames(t, dir); !slices.Equal(names, []string{"a.csv", "b.csv"}) {
		t.Errorf("the folder holds %q: a refused write left something behind", names)
	}
	// A file larger than the whole quota says so, not that the folder is
	// full: it is not.
	empty := &Workspace{Dir: t.TempDir(), Label: "your folder", Quota: Quota{MaxBytes: 1 << 20}}
	if err := writeText(empty, "big.json", false, strings.Repeat("x", 1<<20+1)); !errors.Is(err, ErrFull) || err.Error() != "this file is more than 1 MiB, the most your folder may hold" {
		t.Errorf("a file past the whole quota into an empty folder: %v", err)
	}
}

// TestQuotaSave: Save goes through the quota, and a workspace without
// one (the local dashboard) saves as before.
func TestQuotaSave(t *testing.T) {
	ds := embedded(t)
	sc := &Scenario{Name: "Push", Assumptions: ds.Base()}
	ws := &Workspace{Dir: t.TempDir(), Quota: Quota{MaxFiles: 1}}
	if _, err := ws.Save(ds, sc); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Save(ds, sc); err != nil {
		t.Errorf("a second save, keeping a backup, at the cap of one file: %v", err)
	}
	if _, err := ws.Save(ds, &Scenario{Name: "Other", Assumptions: ds.Base()}); !errors.Is(err, ErrFull) {
		t.Errorf("a second scenario at the cap of one file: %v; want the folder is full", err)
	}
	free := &Workspace{Dir: ws.Dir}
	for range 3 {
		if _, err := free.Save(ds, sc); err != nil {
			t.Errorf("without a quota: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(ws.Dir, "push.yaml.bak")); err != nil {
		t.Errorf("without a quota the backup is kept: %v", err)
	}
}
