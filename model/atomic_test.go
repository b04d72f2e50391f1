package model

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeChunks writes data in small pieces, as an encoder does, so that a
// process killed mid-write leaves a partial temporary file.
func writeChunks(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		for len(data) > 0 {
			n := min(len(data), 1024)
			if _, err := w.Write(data[:n]); err != nil {
				return err
			}
			data = data[n:]
		}
		return nil
	}
}

// TestWriteFileAtomicFailure: a write that fails leaves the old file, no
// backup and no temporary file behind.
func TestWriteFileAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	old := []byte("scenario: Old\n")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("encoder failed")
	err := WriteFileAtomic(path, true, func(w io.Writer) error {
		if _, err := w.Write([]byte("scenario: Ne")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v; want the write's error, naming %s", err, path)
	}
	if got := readBytes(t, path); !bytes.Equal(got, old) {
		t.Errorf("a failed write changed the file to %q", got)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"s.yaml"}) {
		t.Errorf("a failed write left %q", names)
	}
}

func TestWriteFileAtomicRefuses(t *testing.T) {
	dir := t.TempDir()
	write := writeChunks([]byte("x"))
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "s.yaml"), true, write); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("writing into a missing folder: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "sub"), true, write); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("writing over a folder: %v", err)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"sub"}) {
		t.Errorf("refused writes left %q", names)
	}
}

// TestWriteFileAtomicBackup: without backup no .bak appears; with it, a
// stale .bak is replaced by the previous version; modes follow the rules
// of a new file (0666 less umask) and of a replaced one (its own).
func TestWriteFileAtomicBackup(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "reference")
	if err := os.WriteFile(ref, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	umasked := statMode(t, ref)

	path := filepath.Join(dir, "out.csv")
	if err := WriteFileAtomic(path, false, writeChunks([]byte("one"))); err != nil {
		t.Fatal(err)
	}
	if got := statMode(t, path); got != umasked {
		t.Errorf("new file mode %v, want %v", got, umasked)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, false, writeChunks([]byte("two"))); err != nil {
		t.Fatal(err)
	}
	if got := statMode(t, path); got != 0o600 {
		t.Errorf("replaced file mode %v, want its own 0600", got)
	}
	if _, err := os.Stat(path + ".bak"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a write without backup made %s.bak (%v)", path, err)
	}

	if err := os.WriteFile(path+".bak", []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, true, writeChunks([]byte("three"))); err != nil {
		t.Fatal(err)
	}
	if got, bak := readBytes(t, path), readBytes(t, path+".bak"); string(got) != "three" || string(bak) != "two" {
		t.Errorf("file %q, backup %q; want three, two", got, bak)
	}
	// The backup is a version of its own: the next save does not change it
	// through a shared file.
	if err := WriteFileAtomic(path, false, writeChunks([]byte("four"))); err != nil {
		t.Fatal(err)
	}
	if bak := readBytes(t, path+".bak"); string(bak) != "two" {
		t.Errorf("a save without backup changed the backup to %q", bak)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"out.csv", "out.csv.bak", "reference"}) {
		t.Errorf("the folder holds %q", names)
	}
}

// Crash safety: a child process (this test binary, re-executed) saves a
// scenario over and over, alternating two versions, and the parent kills
// it with SIGKILL at random moments.

const atomicChildEnv = "IOMT_ATOMIC_KILL_TARGET"

// atomicVersions returns the two versions the child alternates between:
// different states, and long enough (tens of KiB, written in 1 KiB pieces)
// that a kill often lands mid-write.
func atomicVersions(ds *Dataset) (a, b []byte) {
	tm, _ := ds.Lookup("Application/Telemedicine")
	sa := ds.Base()
	sa.Growth[tm] = 20
	sb := ds.Base()
	sb.Growth[tm] = 30
	sb.Growth[0] = 21
	a = ds.MarshalScenario(&Scenario{Name: "Version A", Description: strings.Repeat("alpha ", 6000), Assumptions: sa})
	b = ds.MarshalScenario(&Scenario{Name: "Version B", Description: strings.Repeat("beta ", 9000), Assumptions: sb})
	return a, b
}

// TestAtomicKillChild is the child of TestWriteFileAtomicKilled; run on its
// own it does nothing.
func TestAtomicKillChild(t *testing.T) {
	target := os.Getenv(atomicChildEnv)
	if target == "" {
		t.Skip("the child process of TestWriteFileAtomicKilled")
	}
	a, b := atomicVersions(embedded(t))
	versions := [][]byte{b, a} // the parent starts the file at a
	deadline := time.Now().Add(time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		if err := WriteFileAtomic(target, true, writeChunks(versions[i%2])); err != nil {
			fmt.Fprintln(os.Stderr, "save:", err)
			os.Exit(3)
		}
		if i == 0 {
			fmt.Println("saving")
		}
	}
}

func TestWriteFileAtomicKilled(t *testing.T) {
	switch runtime.GOOS {
	case "windows", "plan9", "js", "wasip1":
		t.Skip("SIGKILL and rename over a file are Unix behaviour")
	}
	if os.Getenv(atomicChildEnv) != "" {
		t.Skip("in the child process")
	}
	// 200 kills land in every step of a save: 40 never once hit the
	// moment between removing the old backup and linking the new one,
	// which 200 hit 35 times.
	const kills = 200
	ds := embedded(t)
	verA, verB := atomicVersions(ds)
	scA, errA := LoadScenario("a.yaml", verA, ds)
	scB, errB := LoadScenario("b.yaml", verB, ds)
	if errA != nil || errB != nil || scA.Assumptions.Equal(scB.Assumptions) {
		t.Fatalf("the two versions must load and differ: %v, %v", errA, errB)
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "scenario.yaml")
	if err := WriteFileAtomic(target, true, writeChunks(verA)); err != nil {
		t.Fatal(err)
	}
	ws := &Workspace{Dir: dir}
	tmpName := regexp.MustCompile(`^\.scenario\.yaml\.iomt-[0-9]+-[0-9a-z]+\.tmp$`)
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var sawA, sawB, leftovers, killsWithLeftovers int

	for k := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAtomicKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), atomicChildEnv+"="+target)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the child is saving (its first save is done), then
		// kill it a random 0–20 ms later.
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(out)
			ok := false
			for sc.Scan() {
				if sc.Text() == "saving" {
					ok = true
					break
				}
			}
			ready <- ok
			_, _ = io.Copy(io.Discard, out)
		}()
		var started bool
		select {
		case started = <-ready:
		case <-time.After(30 * time.Second):
		}
		if started {
			time.Sleep(time.Duration(r.IntN(10_000)) * time.Microsecond)
		}
		_ = cmd.Process.Kill()
		werr := cmd.Wait()
		if !started {
			t.Fatalf("kill %d: the child never started saving (%v):\n%s", k, werr, stderr.String())
		}
		if st := cmd.ProcessState; st.Exited() && st.ExitCode() != 0 {
			t.Fatalf("kill %d: the child failed on its own (exit %d):\n%s", k, st.ExitCode(), stderr.String())
		}

		// The target is exactly one of the two versions, and opens.
		got, err := os.ReadFile(target)
		switch {
		case err != nil:
			t.Fatalf("kill %d: the scenario file is gone: %v (folder: %q)", k, err, dirNames(t, dir))
		case bytes.Equal(got, verA):
			sawA++
		case bytes.Equal(got, verB):
			sawB++
		default:
			t.Fatalf("kill %d: the scenario file holds %d bytes that are neither version (%d or %d bytes): %.80q…",
				k, len(got), len(verA), len(verB), got)
		}
		if _, err := LoadScenario(target, got, ds); err != nil {
			t.Fatalf("kill %d: the scenario file does not load: %v", k, err)
		}
		// The backup is a whole version too: the file has been saved at
		// least twice (once here, once by the child before it said so).
		bak, err := os.ReadFile(target + ".bak")
		if err != nil {
			t.Fatalf("kill %d: the backup is gone: %v (folder: %q)", k, err, dirNames(t, dir))
		}
		if !bytes.Equal(bak, verA) && !bytes.Equal(bak, verB) {
			t.Fatalf("kill %d: the backup holds %d bytes that are neither version: %.80q…", k, len(bak), bak)
		}
		// Anything else is a temporary file left by the kill: hidden,
		// holding the start of one version, at most one per kill.
		leftovers = 0
		for _, name := range dirNames(t, dir) {
			if name == "scenario.yaml" || name == "scenario.yaml.bak" {
				continue
			}
			if !tmpName.MatchString(name) {
				t.Fatalf("kill %d: unexpected file %s in the folder", k, name)
			}
			leftovers++
			tmp := readBytes(t, filepath.Join(dir, name))
			if !bytes.HasPrefix(verA, tmp) && !bytes.HasPrefix(verB, tmp) {
				t.Fatalf("kill %d: temporary file %s holds %d bytes that start neither version", k, name, len(tmp))
			}
		}
		if leftovers > 2 {
			t.Fatalf("kill %d: %d temporary files left by one kill; a save makes two at most: %q", k, leftovers, dirNames(t, dir))
		}
		if leftovers > 0 {
			killsWithLeftovers++
		}
		// List shows the scenario alone, whole, and removes the leftovers
		// of the killed save.
		entries, err := ws.List()
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Path != target || entries[0].Err != nil ||
			(entries[0].Name != "Version A" && entries[0].Name != "Version B") {
			var shown []string
			for _, e := range entries {
				shown = append(shown, fmt.Sprintf("%s (%s, err %v)", e.Name, e.Path, e.Err))
			}
			t.Fatalf("kill %d: List shows %q; want the scenario alone", k, shown)
		}
		if names := dirNames(t, dir); !slices.Equal(names, []string{"scenario.yaml", "scenario.yaml.bak"}) {
			t.Fatalf("kill %d: after List the folder holds %q; want the scenario and its backup alone", k, names)
		}
	}
	t.Logf("%d kills: the file held version A %d times, B %d times; %d kills left temporary files, each removed by the next List",
		kills, sawA, sawB, killsWithLeftovers)
}

// TestCleanTemps: only iomt's own temporary files of a process that is
// gone are removed; those of live processes, other programs' files of the
// same shape and folders stay.
func TestCleanTemps(t *testing.T) {
	// A process id that is surely gone: a child that has exited.
	child := exec.Command(os.Args[0], "-test.run=^$")
	if err := child.Run(); err != nil {
		t.Fatal(err)
	}
	dead := child.Process.Pid
	dir := t.TempDir()
	name := func(base string, pid int) string { return fmt.Sprintf(".%s.iomt-%d-1x2.tmp", base, pid) }
	files := map[string]bool{ // name: removed
		name("plan.yaml", dead):                    true,
		name("out.csv", dead):                      true,
		name("plan.yaml", os.Getpid()):             false,
		name("plan.yaml", os.Getppid()):            false,
		fmt.Sprintf(".notes.txt.%d-1x2.tmp", dead): false, // not iomt's
		"plan.yaml": false,
	}
	for n := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	folder := name("folder", dead)
	if err := os.Mkdir(filepath.Join(dir, folder), 0o755); err != nil {
		t.Fatal(err)
	}
	files[folder] = false
	CleanTemps(dir)
	for n, removed := range files {
		_, err := os.Lstat(filepath.Join(dir, n))
		if gone := errors.Is(err, fs.ErrNotExist); gone != removed {
			t.Errorf("%s: removed %v, want %v", n, gone, removed)
		}
	}
}
