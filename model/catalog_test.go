package model

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestReadBuiltins: the files at the top of the file system, Base first
// and the others by name; what is not a YAML file is left out, and a file
// system that cannot be read is an error rather than no scenarios.
func TestReadBuiltins(t *testing.T) {
	fsys := fstest.MapFS{
		"zeta.yaml":      {Data: []byte("scenario: Zeta\n")},
		"base.yaml":      {Data: []byte("scenario: Base\n")},
		"alpha.yaml":     {Data: []byte("scenario: Alpha\n")},
		"notes.txt":      {Data: []byte("not a scenario")},
		"sub/inner.yaml": {Data: []byte("scenario: Inner\n")},
	}
	got, err := ReadBuiltins(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, b := range got {
		files = append(files, b.File+"="+string(b.Data))
	}
	if want := "base.yaml=scenario: Base\n alpha.yaml=scenario: Alpha\n zeta.yaml=scenario: Zeta\n"; strings.Join(files, " ") != want {
		t.Errorf("ReadBuiltins = %q, want %q", strings.Join(files, " "), want)
	}
	boom := errors.New("no such archive")
	if got, err := ReadBuiltins(failing{boom}); !errors.Is(err, boom) || got != nil {
		t.Errorf("an unreadable file system: %v, %v; want its error", got, err)
	}
}

type failing struct{ err error }

func (f failing) Open(string) (fs.File, error) { return nil, f.err }

// TestBuiltinsFor: the shipped scenarios that name the dataset's market;
// for another market a Base of its own figures, which opens as them.
func TestBuiltinsFor(t *testing.T) {
	iomt := embedded(t)
	if got := BuiltinsFor(iomt, builtins()); len(got) != 3 || got[0].File != "base.yaml" {
		t.Errorf("IoMT's built-ins: %d, first %q; want the three shipped, base first", len(got), got[0].File)
	}
	other := small(t)
	got := BuiltinsFor(other, builtins())
	if len(got) != 1 || got[0].File != "base.yaml" {
		t.Fatalf("another market's built-ins: %+v; want its own base.yaml alone", got)
	}
	sc, err := LoadScenario(got[0].File, got[0].Data, other)
	if err != nil || sc.Name != "Base" || sc.Dataset != other.Market || !sc.Assumptions.Equal(other.Base()) {
		t.Errorf("another market's Base: %+v, %v; want the dataset's own figures", sc, err)
	}
}

// TestResolve: a file by that path comes first, then a built-in, then a
// saved scenario, each by stem, file name or name, in any case. A name
// two saved files share is not guessed; an unknown one lists the names
// there are, the folder shown by its label.
func TestResolve(t *testing.T) {
	ds := embedded(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("my-plan.yaml", "scenario: My plan\ntotal: {cagr_pct: 20}\n")
	write("base.yaml", "scenario: Saved base\ntotal: {cagr_pct: 30}\n") // shadowed by the built-in
	write("a.yaml", "scenario: Twin\n")
	write("b.yaml", "scenario: Twin\n")
	write("home.yaml", "scenario: Home\ndataset: Smart Home Energy Management\n")
	write("CAPS.YML", "scenario: Shouted\ntotal: {cagr_pct: 21}\n") // as copied from Windows
	write("notes.txt", "scenario: Not a scenario file\n")
	// A file outside the folder, named by its path.
	file := filepath.Join(t.TempDir(), "file.yml")
	if err := os.WriteFile(file, []byte("scenario: From a file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := &Workspace{Dir: dir, Builtin: builtins(), Label: "your folder"}

	for arg, want := range map[string]string{
		file:                         "From a file",
		"BASE":                       "Base (report)",
		"base.yaml":                  "Base (report)",
		"accelerated adoption":       "Accelerated adoption",
		"my-plan":                    "My plan",
		"MY-PLAN.YAML":               "My plan",
		"my plan":                    "My plan",
		"caps":                       "Shouted",
		"shouted":                    "Shouted",
		filepath.Join(dir, "a.yaml"): "Twin",
	} {
		sc, err := ws.Resolve(arg, ds)
		if err != nil || sc.Name != want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", arg, sc, err, want)
		}
	}
	if _, err := ws.Resolve("twin", ds); err == nil || !strings.Contains(err.Error(), "twin: 2 saved scenarios go by that name") {
		t.Errorf("a shared name: %v", err)
	}
	_, err := ws.Resolve("nope", ds)
	want := "nope: no such file, nor a scenario of that name for Internet of Medical Things " +
		"(built in: base, accelerated-adoption, security-headwinds; saved in your folder: a, b, base, CAPS, my-plan)"
	if err == nil || err.Error() != want {
		t.Errorf("an unknown name:\n got %v\nwant %s", err, want)
	}
	// A file in the current folder by that name is the user's own, and
	// no scenario shadows it.
	t.Chdir(dir)
	if sc, err := ws.Resolve("base.yaml", ds); err != nil || sc.Name != "Saved base" {
		t.Errorf("base.yaml in the current folder: %v, %v; want the file", sc, err)
	}
	readOnly := &Workspace{Builtin: builtins()}
	if _, err := readOnly.Resolve("my-plan", ds); err == nil || strings.Contains(err.Error(), "saved") {
		t.Errorf("a workspace without a folder: %v; want the built-in names alone", err)
	}
	// A mistyped --workspace says so, not only that the name is unknown.
	gone := &Workspace{Dir: filepath.Join(dir, "no-such-folder"), Builtin: builtins()}
	if _, err := gone.Resolve("my-plan", ds); err == nil || !strings.Contains(err.Error(), "the workspace "+gone.Dir+" does not exist: check --workspace") {
		t.Errorf("a workspace that does not exist: %v; want it named", err)
	}
}
