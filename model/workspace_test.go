package model

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"iomt/assets"
	"iomt/internal/testkit"
)

// builtins returns the scenarios that ship with the program, as main
// hands them to a Workspace.
func builtins() []Builtin {
	out, err := ReadBuiltins(assets.Scenarios())
	if err != nil {
		panic(err) // the embedded files: a broken build
	}
	return out
}

// entryAt returns the listed entry whose Path is path.
func entryAt(t testing.TB, entries []Entry, path string) Entry {
	t.Helper()
	for _, e := range entries {
		if e.Path == path {
			return e
		}
	}
	var paths []string
	for _, e := range entries {
		paths = append(paths, e.Path)
	}
	t.Fatalf("List does not show %s; it shows %q", path, paths)
	return Entry{}
}

// TestWorkspaceRoundTrip saves random edited states through the workspace
// and opens them again as a user does, through List and Entry.Open: every
// share, rate, lock, mode, driver and year rate comes back bit for bit
// (docs/DESIGN.md §3), and so do the name and description.
func TestWorkspaceRoundTrip(t *testing.T) {
	const runs = 80
	for _, ds := range []*Dataset{embedded(t), small(t)} {
		t.Run(ds.Market, func(t *testing.T) {
			t.Parallel()
			ws := &Workspace{Dir: filepath.Join(t.TempDir(), "scenarios"), Builtin: builtins()}
			r := rand.New(rand.NewPCG(3, uint64(len(ds.Nodes))))
			gen := editGen{r: r, ds: ds}
			base := ds.Base()
			for run := range runs {
				a := base.Clone()
				for range r.IntN(60) {
					if next, err := ds.Apply(base, a, gen.edit(a)); err == nil {
						a = next
					}
				}
				sc := &Scenario{
					Name:        scenarioNames[r.IntN(len(scenarioNames))],
					Description: scenarioNames[r.IntN(len(scenarioNames))],
					Dataset:     ds.Market,
					Assumptions: a,
				}
				if r.IntN(4) == 0 {
					sc.Description = ""
				}
				path, err := ws.Save(ds, sc)
				if err != nil {
					t.Fatalf("run %d: Save(%q): %v", run, sc.Name, err)
				}
				if want := filepath.Join(ws.Dir, Slug(sc.Name)+".yaml"); path != want || ws.PathFor(sc.Name) != want {
					t.Fatalf("run %d: Save(%q) wrote %s, PathFor says %s; want %s", run, sc.Name, path, ws.PathFor(sc.Name), want)
				}
				entries, err := ws.List()
				if err != nil {
					t.Fatalf("run %d: List: %v", run, err)
				}
				e := entryAt(t, entries, path)
				if e.Err != nil || e.Builtin || e.Name != sc.Name || e.Description != sc.Description || e.Dataset != ds.Market {
					t.Fatalf("run %d: listed as %q, %q, dataset %q, builtin %v, err %v; want %q, %q, %q",
						run, e.Name, e.Description, e.Dataset, e.Builtin, e.Err, sc.Name, sc.Description, ds.Market)
				}
				back, err := e.Open(ds)
				if err != nil {
					t.Fatalf("run %d: the saved scenario does not open: %v\n%s", run, err, testkit.ReadFile(t, path))
				}
				if !approxEqual(back.Assumptions, a, 1e-9) {
					t.Fatalf("run %d: reopened state differs:\n%s\n%s", run, describeDiff(ds, a, back.Assumptions), testkit.ReadFile(t, path))
				}
				if back.Name != sc.Name || back.Description != sc.Description || back.Dataset != ds.Market {
					t.Fatalf("run %d: reopened as %q, %q, %q", run, back.Name, back.Description, back.Dataset)
				}
			}
			// Saving with the scenarios' own names never made a file
			// List would not show (a dotfile, another extension).
			entries, err := ws.List()
			if err != nil {
				t.Fatal(err)
			}
			listed := 0
			for _, e := range entries {
				if !e.Builtin {
					listed++
				}
			}
			yamls := 0
			for _, n := range testkit.DirNames(t, ws.Dir) {
				if strings.HasSuffix(n, ".yaml") {
					yamls++
				}
			}
			if listed != yamls || listed == 0 {
				t.Errorf("List shows %d saved scenarios; the folder holds %d .yaml files: %q", listed, yamls, testkit.DirNames(t, ws.Dir))
			}
		})
	}
}

// TestWorkspaceBuiltins opens every built-in scenario against the embedded
// dataset: they are listed first, in the order main gives them, and open.
func TestWorkspaceBuiltins(t *testing.T) {
	ds := embedded(t)
	ws := &Workspace{Builtin: builtins()}
	entries, err := ws.List()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Base (report)", "Accelerated adoption", "Security headwinds"}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name)
		if !e.Builtin || !strings.HasPrefix(e.Path, "builtin:") || e.Description == "" || e.Err != nil {
			t.Errorf("built-in %q: builtin %v, path %q, description %q, err %v", e.Name, e.Builtin, e.Path, e.Description, e.Err)
		}
		sc, err := e.Open(ds)
		if err != nil {
			t.Errorf("built-in %q does not open: %v", e.Name, err)
			continue
		}
		if err := checkState(ds, sc.Assumptions); err != nil {
			t.Errorf("built-in %q: %v", e.Name, err)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("built-ins listed as %q, want %q", got, want)
	}
	// The Base (report) scenario is the dataset's own figures.
	if sc, err := entries[0].Open(ds); err == nil && !sc.Assumptions.Equal(ds.Base()) {
		t.Errorf("Base (report) differs from the dataset:\n%s", describeDiff(ds, ds.Base(), sc.Assumptions))
	}
}

func TestSlug(t *testing.T) {
	long := strings.Repeat("abcdefghij", 10) // 100 letters
	for _, c := range []struct{ name, want string }{
		{"Accelerated adoption", "accelerated-adoption"},
		{"Base (report)", "base-report"},
		{"Security headwinds", "security-headwinds"},
		{"Bull: 25 % CAGR", "bull-25-cagr"},
		{"  padded  ", "padded"},
		{"--a--b--", "a-b"},
		{"a/b\\c.d", "a-b-c-d"},
		{"What if? (2027!)", "what-if-2027"},
		{"x.yaml", "x-yaml"},
		{".hidden", "hidden"}, // never a dotfile that List would skip
		{"Élan vital → 中文", "élan-vital-中文"},
		{"ÄÖÜ straße", "äöü-straße"},
		{"Ω", "ω"},
		{"", "scenario"},
		{"   ", "scenario"},
		{"!!! ???", "scenario"},
		{"→ ★ ←", "scenario"},
		{long, long[:80]},
		{strings.Repeat("abcd ", 20), strings.TrimSuffix(strings.Repeat("abcd-", 16), "-")}, // cut at 80, no trailing dash
	} {
		if got := Slug(c.name); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	// Whatever the name, the slug is a valid, short, visible file name
	// stem: letters, digits and single inner dashes.
	for _, name := range append(slices.Clone(scenarioNames),
		strings.Repeat("中", 30), strings.Repeat("é", 50), strings.Repeat("a", 79)+"é", "\x00\x1b[31m", "a\u00a0b") {
		s := Slug(name)
		if !utf8.ValidString(s) {
			t.Errorf("Slug(%q) = %q is not valid UTF-8", name, s)
		}
		if s == "" || len(s) > 80 || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Errorf("Slug(%q) = %q", name, s)
		}
		if strings.ContainsAny(s, "/\\.: \x00") {
			t.Errorf("Slug(%q) = %q holds a character unsafe in file names", name, s)
		}
	}
}

// TestSaveBackup: every save keeps the previous version's exact bytes as
// NAME.bak, and the file holds exactly what MarshalScenario writes.
func TestSaveBackup(t *testing.T) {
	ds := embedded(t)
	ws := &Workspace{Dir: filepath.Join(t.TempDir(), "new", "folder")} // created on first save
	tm := mustLookup(t, ds, "Application/Telemedicine")
	var versions [][]byte
	a := ds.Base()
	for i, rate := range []float64{20, 21.5, -3, 20} {
		var err error
		if a, err = ds.Apply(ds.Base(), a, Edit{Kind: SetGrowth, Node: tm, Value: rate}); err != nil {
			t.Fatal(err)
		}
		sc := &Scenario{Name: "Telemedicine push", Description: fmt.Sprintf("version %d", i), Assumptions: a}
		path, err := ws.Save(ds, sc)
		if err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
		got := testkit.ReadFile(t, path)
		if want := ds.MarshalScenario(sc); !bytes.Equal(got, want) {
			t.Fatalf("save %d wrote\n%s\nwant\n%s", i, got, want)
		}
		bak, err := os.ReadFile(path + ".bak")
		switch {
		case i == 0 && !errors.Is(err, os.ErrNotExist):
			t.Errorf("the first save made a backup (%v): %q", err, bak)
		case i > 0 && err != nil:
			t.Errorf("save %d kept no backup: %v", i, err)
		case i > 0 && !bytes.Equal(bak, versions[i-1]):
			t.Errorf("save %d: the backup holds\n%s\nwant the previous version\n%s", i, bak, versions[i-1])
		}
		versions = append(versions, got)
	}
	if names := testkit.DirNames(t, ws.Dir); !slices.Equal(names, []string{"telemedicine-push.yaml", "telemedicine-push.yaml.bak"}) {
		t.Errorf("the folder holds %q, want the scenario and its backup only", names)
	}
}

// TestSaveRefuses: a read-only workspace and unusable names are refused,
// and nothing is written.
func TestSaveRefuses(t *testing.T) {
	ds := embedded(t)
	sc := &Scenario{Name: "Fine", Assumptions: ds.Base()}

	ro := &Workspace{Builtin: builtins()}
	if p, err := ro.Save(ds, sc); !errors.Is(err, ErrReadOnly) || p != "" {
		t.Errorf("a workspace without a folder saved to %q (%v), want ErrReadOnly", p, err)
	}

	dir := t.TempDir()
	ws := &Workspace{Dir: dir}
	for _, name := range []string{"", "   ", "tab\there", "bell\a", strings.Repeat("n", 121)} {
		sc := &Scenario{Name: name, Assumptions: ds.Base()}
		if p, err := ws.Save(ds, sc); err == nil {
			t.Errorf("Save accepted the name %q and wrote %s", name, p)
		} else if !strings.Contains(err.Error(), "name") {
			t.Errorf("Save(%q): %v; the error should be about the name", name, err)
		}
	}
	if names := testkit.DirNames(t, dir); len(names) != 0 {
		t.Errorf("refused saves left %q behind", names)
	}
}

// TestSaveMode: a new scenario file gets the mode any new file gets here
// (0666 less the umask); a replaced one keeps its own, and so does its
// backup.
func TestSaveMode(t *testing.T) {
	ds := embedded(t)
	dir := t.TempDir()
	ref := filepath.Join(dir, "reference")
	if err := os.WriteFile(ref, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	want := testkit.FileMode(t, ref)
	ws := &Workspace{Dir: dir}
	sc := &Scenario{Name: "Mode test", Assumptions: ds.Base()}
	path, err := ws.Save(ds, sc)
	if err != nil {
		t.Fatal(err)
	}
	if got := testkit.FileMode(t, path); got != want {
		t.Errorf("a new scenario file has mode %v, want %v like any new file here", got, want)
	}
	for _, perm := range []os.FileMode{0o600, 0o640, 0o604} {
		if err := os.Chmod(path, perm); err != nil {
			t.Fatal(err)
		}
		sc.Description = perm.String()
		if _, err := ws.Save(ds, sc); err != nil {
			t.Fatal(err)
		}
		if got := testkit.FileMode(t, path); got != perm {
			t.Errorf("saving over a %v file changed its mode to %v", perm, got)
		}
		if got := testkit.FileMode(t, path+".bak"); got != perm {
			t.Errorf("the backup of a %v file has mode %v", perm, got)
		}
	}
}

// TestListFolder: built-ins first, then saved scenarios by file name;
// dotfiles, backups, temporary files, folders and other extensions are
// skipped; a file that cannot be read or parsed is listed with its error.
func TestListFolder(t *testing.T) {
	ds := embedded(t)
	dir := t.TempDir()
	ws := &Workspace{Dir: dir, Builtin: builtins()}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := func(name string) string { return "scenario: " + name + "\ndescription: about " + name + "\n" }
	write("b-plan.yaml", good("B plan"))
	write("a-plan.yml", good("A plan"))
	write("c-broken.yaml", "scenario: [unclosed\n")
	write("d-nameless.yaml", "description: no name\n")
	write(".hidden.yaml", good("Hidden"))
	write(".b-plan.yaml.1x2y3z.tmp", good("Temporary"))
	write("b-plan.yaml.bak", good("Backup"))
	write("notes.txt", good("Text"))
	write("plan.json", `{"scenario": "JSON"}`)
	if err := os.Mkdir(filepath.Join(dir, "folder.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A file that cannot be read, even by root: a link to nowhere.
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "e-dangling.yaml")); err != nil {
		t.Fatal(err)
	}
	write("f-huge.yaml", "scenario: Huge\ndescription: "+strings.Repeat("x", MaxFileSize)+"\n")

	entries, err := ws.List()
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name, path string
		builtin    bool
		errText    string // a part of the error; "" for none
	}
	want := []row{
		{"Base (report)", "builtin:base.yaml", true, ""},
		{"Accelerated adoption", "builtin:accelerated-adoption.yaml", true, ""},
		{"Security headwinds", "builtin:security-headwinds.yaml", true, ""},
		{"A plan", filepath.Join(dir, "a-plan.yml"), false, ""},
		{"B plan", filepath.Join(dir, "b-plan.yaml"), false, ""},
		{"c-broken.yaml", filepath.Join(dir, "c-broken.yaml"), false, filepath.Join(dir, "c-broken.yaml") + ":"},
		{"d-nameless.yaml", filepath.Join(dir, "d-nameless.yaml"), false, ""},
		{"e-dangling.yaml", filepath.Join(dir, "e-dangling.yaml"), false, "cannot open"},
		{"f-huge.yaml", filepath.Join(dir, "f-huge.yaml"), false, "1 MiB"},
	}
	var got []row
	for _, e := range entries {
		rw := row{name: e.Name, path: e.Path, builtin: e.Builtin}
		if e.Err != nil {
			rw.errText = e.Err.Error()
		}
		got = append(got, rw)
	}
	if len(got) != len(want) {
		t.Fatalf("List shows %d entries, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		w, g := want[i], got[i]
		ok := g.name == w.name && g.path == w.path && g.builtin == w.builtin &&
			(w.errText == "") == (g.errText == "") && strings.Contains(g.errText, w.errText)
		if !ok {
			t.Errorf("entry %d: %+v\n want %+v", i, g, w)
		}
	}
	if e := entries[4]; e.Description != "about B plan" {
		t.Errorf("B plan's description: %q", e.Description)
	}
	// The nameless file parses, so it is listed by its file name, and
	// opening it says what is missing, where.
	if _, err := entries[6].Open(ds); err == nil || !strings.Contains(err.Error(), "scenario") {
		t.Errorf("opening a scenario without a name: %v", err)
	}
	// Opening a listed error gives that error.
	if _, err := entries[7].Open(ds); err == nil || err.Error() != got[7].errText {
		t.Errorf("opening an unreadable entry: %v, want %s", err, got[7].errText)
	}

	// A folder that does not exist yet lists the built-ins; one that is
	// a file is an error, and the built-ins are still listed.
	missing := &Workspace{Dir: filepath.Join(dir, "not", "yet"), Builtin: builtins()}
	if es, err := missing.List(); err != nil || len(es) != 3 {
		t.Errorf("a workspace folder not created yet: %d entries, %v", len(es), err)
	}
	notDir := &Workspace{Dir: filepath.Join(dir, "notes.txt"), Builtin: builtins()}
	if es, err := notDir.List(); err == nil || len(es) != 3 || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("a workspace that is a file: %d entries, %v", len(es), err)
	}
}

// TestOpenRefuses: a scenario made for another market, or naming a path
// the dataset lacks, is refused with the reason at FILE:LINE:COL, and the
// position is where the problem is in the file.
func TestOpenRefuses(t *testing.T) {
	ds := embedded(t)
	dir := t.TempDir()
	ws := &Workspace{Dir: dir}
	for _, c := range []struct {
		file, text string
		at         string // the text the error points at (its first byte)
		msg        []string
	}{
		{
			file: "other-market.yaml",
			text: "scenario: Smart homes\ndescription: for another market\ndataset: Smart Home Energy\n",
			at:   "Smart Home Energy",
			msg:  []string{`scenario is for the market "Smart Home Energy"`, `"Internet of Medical Things"`, "--dataset"},
		},
		{
			file: "typo.yaml",
			text: "scenario: Typo\ndataset: Internet of Medical Things\nsegments:\n  Application/Telemedicine: {cagr_pct: 20}\n  Component/Medical Devicez: {cagr_pct: 21}\n",
			at:   "Component/Medical Devicez",
			msg:  []string{`unknown segment path "Component/Medical Devicez"`, `did you mean "Component/Medical Devices"?`},
		},
		{
			file: "child-typo.yaml",
			text: "scenario: Child typo\nsegments:\n  Region/North America/USA: {cagr_pct: 15}\n",
			at:   "Region/North America/USA",
			msg:  []string{`unknown segment path "Region/North America/USA"`, "United States"},
		},
	} {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			entries, err := ws.List()
			if err != nil {
				t.Fatal(err)
			}
			e := entryAt(t, entries, path)
			if e.Err != nil {
				t.Fatalf("a well-formed file is listed with an error: %v", e.Err)
			}
			sc, err := e.Open(ds)
			if err == nil {
				t.Fatalf("opened %s as %q; want it refused", c.file, sc.Name)
			}
			line, col := textPos(c.text, c.at)
			prefix := fmt.Sprintf("%s:%d:%d: ", path, line, col)
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("error %q does not start with %q", err, prefix)
			}
			for _, m := range c.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not say %q", err, m)
				}
			}
		})
	}
}

// textPos returns the 1-based line and column of the first occurrence of
// sub in text.
func textPos(text, sub string) (line, col int) {
	i := strings.Index(text, sub)
	if i < 0 {
		panic(sub + " not in the text")
	}
	before := text[:i]
	return strings.Count(before, "\n") + 1, i - strings.LastIndex(before, "\n")
}

// TestSaveAtStaysInTheWorkspace: SaveAt writes only a YAML file of the
// workspace's own folder.
func TestSaveAtStaysInTheWorkspace(t *testing.T) {
	ws := &Workspace{Dir: t.TempDir()}
	ds := embedded(t)
	sc := &Scenario{Name: "Mine", Assumptions: ds.Base()}
	for _, bad := range []string{filepath.Join(t.TempDir(), "x.yaml"), filepath.Join(ws.Dir, "sub", "x.yaml"), filepath.Join(ws.Dir, "x.txt")} {
		if _, err := ws.SaveAt(ds, sc, bad); err == nil {
			t.Errorf("SaveAt %s: no error", bad)
		}
	}
	p, err := ws.SaveAt(ds, sc, filepath.Join(ws.Dir, "hand-made.yml"))
	if err != nil || filepath.Base(p) != "hand-made.yml" {
		t.Fatalf("SaveAt hand-made.yml: %s, %v", p, err)
	}
	if got := ws.FilesOf(" mINE "); len(got) != 1 || got[0].Path != p || got[0].Name != "Mine" {
		t.Errorf("FilesOf mINE: %+v, want Mine in %s", got, p)
	}
}

// goneProcess returns the id of a process that has exited: a child of
// this test binary that runs no test.
func goneProcess(t *testing.T) int {
	t.Helper()
	child := exec.Command(os.Args[0], "-test.run=^$")
	if err := child.Run(); err != nil {
		t.Fatal(err)
	}
	return child.Process.Pid
}

// TestLeftoversGoOnSave: the temporary file of a save that was killed is
// neither listed nor removed by looking at the workspace (listing runs
// during shell completion, and in folders a user only reads); the next
// save into the folder removes it.
func TestLeftoversGoOnSave(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("whether a process is gone is known on unix only")
	}
	ds := embedded(t)
	dir := t.TempDir()
	ws := &Workspace{Dir: dir, Builtin: builtins()}
	if _, err := ws.Save(ds, &Scenario{Name: "Plan", Assumptions: ds.Base()}); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(dir, fmt.Sprintf(".plan.yaml.iomt-%d-1x2.tmp", goneProcess(t)))
	if err := os.WriteFile(leftover, []byte("scenario: Pl"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := testkit.DirNames(t, dir)
	entries, err := ws.List()
	if err != nil || len(entries) != 4 || entries[3].Name != "Plan" {
		t.Fatalf("List: %v; want the three built-ins and Plan", err)
	}
	if len(ws.FilesOf("Plan")) != 1 {
		t.Fatalf("FilesOf(Plan) = %v; want plan.yaml alone", ws.FilesOf("Plan"))
	}
	if got := testkit.DirNames(t, dir); !slices.Equal(got, before) {
		t.Fatalf("looking at the workspace changed the folder from %q to %q", before, got)
	}
	if _, err := ws.Save(ds, &Scenario{Name: "Plan", Assumptions: ds.Base()}); err != nil {
		t.Fatal(err)
	}
	if got := testkit.DirNames(t, dir); !slices.Equal(got, []string{"plan.yaml", "plan.yaml.bak"}) {
		t.Errorf("after a save the folder holds %q; want the scenario and its backup alone", got)
	}
}
