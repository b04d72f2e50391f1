package safefile

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

	"iomt/internal/testkit"
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

// TestWriteAtomicFailure: a write that fails leaves the old file, no
// backup and no temporary file behind.
func TestWriteAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	old := []byte("scenario: Old\n")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("encoder failed")
	err := WriteAtomic(path, true, func(w io.Writer) error {
		if _, err := w.Write([]byte("scenario: Ne")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v; want the write's error, naming %s", err, path)
	}
	if got := testkit.ReadFile(t, path); !bytes.Equal(got, old) {
		t.Errorf("a failed write changed the file to %q", got)
	}
	if names := testkit.DirNames(t, dir); !slices.Equal(names, []string{"s.yaml"}) {
		t.Errorf("a failed write left %q", names)
	}
}

func TestWriteAtomicRefuses(t *testing.T) {
	dir := t.TempDir()
	write := writeChunks([]byte("x"))
	if err := WriteAtomic(filepath.Join(dir, "missing", "s.yaml"), true, write); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("writing into a missing folder: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(filepath.Join(dir, "sub"), true, write); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("writing over a folder: %v", err)
	}
	if names := testkit.DirNames(t, dir); !slices.Equal(names, []string{"sub"}) {
		t.Errorf("refused writes left %q", names)
	}
}

// TestWriteAtomicBackup: without backup no .bak appears; with it, a
// stale .bak is replaced by the previous version; modes follow the rules
// of a new file (0666 less umask) and of a replaced one (its own).
func TestWriteAtomicBackup(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "reference")
	if err := os.WriteFile(ref, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	umasked := testkit.FileMode(t, ref)

	path := filepath.Join(dir, "out.csv")
	if err := WriteAtomic(path, false, writeChunks([]byte("one"))); err != nil {
		t.Fatal(err)
	}
	if got := testkit.FileMode(t, path); got != umasked {
		t.Errorf("new file mode %v, want %v", got, umasked)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(path, false, writeChunks([]byte("two"))); err != nil {
		t.Fatal(err)
	}
	if got := testkit.FileMode(t, path); got != 0o600 {
		t.Errorf("replaced file mode %v, want its own 0600", got)
	}
	if _, err := os.Stat(path + ".bak"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a write without backup made %s.bak (%v)", path, err)
	}

	if err := os.WriteFile(path+".bak", []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(path, true, writeChunks([]byte("three"))); err != nil {
		t.Fatal(err)
	}
	if got, bak := testkit.ReadFile(t, path), testkit.ReadFile(t, path+".bak"); string(got) != "three" || string(bak) != "two" {
		t.Errorf("file %q, backup %q; want three, two", got, bak)
	}
	// The backup is a version of its own: the next save does not change it
	// through a shared file.
	if err := WriteAtomic(path, false, writeChunks([]byte("four"))); err != nil {
		t.Fatal(err)
	}
	if bak := testkit.ReadFile(t, path+".bak"); string(bak) != "two" {
		t.Errorf("a save without backup changed the backup to %q", bak)
	}
	if names := testkit.DirNames(t, dir); !slices.Equal(names, []string{"out.csv", "out.csv.bak", "reference"}) {
		t.Errorf("the folder holds %q", names)
	}
}

// Crash safety: a child process (this test binary, re-executed) saves a
// file over and over, alternating two versions, and the parent kills it
// with SIGKILL at random moments.

const atomicChildEnv = "IOMT_ATOMIC_KILL_TARGET"

// atomicVersions returns the two versions the child alternates between:
// different, and long enough (tens of KiB, as a scenario with a long
// description, written in 1 KiB pieces) that a kill often lands mid-write.
func atomicVersions() (a, b []byte) {
	a = []byte("scenario: Version A\ndescription: " + strings.Repeat("alpha ", 6000) + "\n")
	b = []byte("scenario: Version B\ndescription: " + strings.Repeat("beta ", 9000) + "\n")
	return a, b
}

// TestAtomicKillChild is the child of TestWriteAtomicKilled; run on its
// own it does nothing.
func TestAtomicKillChild(t *testing.T) {
	target := os.Getenv(atomicChildEnv)
	if target == "" {
		t.Skip("the child process of TestWriteAtomicKilled")
	}
	a, b := atomicVersions()
	versions := [][]byte{b, a} // the parent starts the file at a
	deadline := time.Now().Add(time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		if err := WriteAtomic(target, true, writeChunks(versions[i%2])); err != nil {
			fmt.Fprintln(os.Stderr, "save:", err)
			os.Exit(3)
		}
		if i == 0 {
			fmt.Println("saving")
		}
	}
}

func TestWriteAtomicKilled(t *testing.T) {
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
	verA, verB := atomicVersions()
	dir := t.TempDir()
	target := filepath.Join(dir, "scenario.yaml")
	if err := WriteAtomic(target, true, writeChunks(verA)); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var sawA, sawB, killsWithLeftovers int
	for k := range kills {
		killChild(t, k, target, r)
		isA, leftovers := checkKilledSave(t, k, target, verA, verB)
		if isA {
			sawA++
		} else {
			sawB++
		}
		if leftovers {
			killsWithLeftovers++
		}
		// The next save removes the leftovers of the killed one.
		if err := WriteAtomic(target, true, writeChunks(testkit.ReadFile(t, target))); err != nil {
			t.Fatal(err)
		}
		if names := testkit.DirNames(t, dir); !slices.Equal(names, []string{"scenario.yaml", "scenario.yaml.bak"}) {
			t.Fatalf("kill %d: after the next save the folder holds %q; want the file and its backup alone", k, names)
		}
	}
	t.Logf("%d kills: the file held version A %d times, B %d times; %d kills left temporary files, each removed by the next save",
		kills, sawA, sawB, killsWithLeftovers)
}

// killChild starts a child that saves target over and over, and kills it
// with SIGKILL a random 0–10 ms after its first save.
func killChild(t *testing.T, k int, target string, r *rand.Rand) {
	t.Helper()
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
	// kill it a random 0–10 ms later.
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
}

// checkKilledSave checks the folder a killed save left: the target and
// its backup are each exactly one of the two versions, and anything else
// is a temporary file holding the start of one, at most two per kill. It
// returns whether the target holds version A, and whether temporary files
// were left.
func checkKilledSave(t *testing.T, k int, target string, verA, verB []byte) (isA, leftovers bool) {
	t.Helper()
	dir := filepath.Dir(target)
	got, err := os.ReadFile(target)
	switch {
	case err != nil:
		t.Fatalf("kill %d: the file is gone: %v (folder: %q)", k, err, testkit.DirNames(t, dir))
	case !bytes.Equal(got, verA) && !bytes.Equal(got, verB):
		t.Fatalf("kill %d: the file holds %d bytes that are neither version (%d or %d bytes): %.80q…",
			k, len(got), len(verA), len(verB), got)
	}
	// The backup is a whole version too: the file has been saved at
	// least twice (once here, once by the child before it said so).
	bak, err := os.ReadFile(target + ".bak")
	if err != nil {
		t.Fatalf("kill %d: the backup is gone: %v (folder: %q)", k, err, testkit.DirNames(t, dir))
	}
	if !bytes.Equal(bak, verA) && !bytes.Equal(bak, verB) {
		t.Fatalf("kill %d: the backup holds %d bytes that are neither version: %.80q…", k, len(bak), bak)
	}
	tmpName := regexp.MustCompile(`^\.scenario\.yaml\.iomt-[0-9]+-[0-9a-z]+\.tmp$`)
	temps := 0
	for _, name := range testkit.DirNames(t, dir) {
		if name == "scenario.yaml" || name == "scenario.yaml.bak" {
			continue
		}
		if !tmpName.MatchString(name) {
			t.Fatalf("kill %d: unexpected file %s in the folder", k, name)
		}
		temps++
		tmp := testkit.ReadFile(t, filepath.Join(dir, name))
		if !bytes.HasPrefix(verA, tmp) && !bytes.HasPrefix(verB, tmp) {
			t.Fatalf("kill %d: temporary file %s holds %d bytes that start neither version", k, name, len(tmp))
		}
	}
	if temps > 2 {
		t.Fatalf("kill %d: %d temporary files left by one kill; a save makes two at most: %q", k, temps, testkit.DirNames(t, dir))
	}
	return bytes.Equal(got, verA), temps > 0
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
	cleanTemps(dir)
	for n, removed := range files {
		_, err := os.Lstat(filepath.Join(dir, n))
		if gone := errors.Is(err, fs.ErrNotExist); gone != removed {
			t.Errorf("%s: removed %v, want %v", n, gone, removed)
		}
	}
}
