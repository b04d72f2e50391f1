package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// Viewers take their exports home: scp from `iomt serve` in key mode.

// keyFolder is the folder name `iomt serve --data` gives a key: the hex
// SHA-256 of the public key's wire form.
func keyFolder(t *testing.T, pubPath string) string {
	t.Helper()
	fields := strings.Fields(string(readKeyFile(t, pubPath)))
	if len(fields) < 2 {
		t.Fatalf("%s is not a public key", pubPath)
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(blob)
	return hex.EncodeToString(sum[:])
}

// scpResult is how one scp run ended.
type scpResult struct {
	code int
	out  string // standard output and error
}

// runSCP runs the real scp with key against 127.0.0.1:port, with nothing
// from the user's configuration, in dir; it is killed after 30 s.
func runSCP(t *testing.T, scp, key, port, dir string, args ...string) scpResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	all := append([]string{"-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "-P", port}, args...)
	cmd := exec.CommandContext(ctx, scp, all...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "LANG=C.UTF-8"}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("scp %q still running after 30 s:\n%s", args, out)
	}
	r := scpResult{out: string(out)}
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("scp %q: %v", args, err)
		}
		r.code = exit.ExitCode()
	}
	return r
}

// TestSCPFetchesExports: a viewer exports from the dashboard over ssh,
// reads the scp command it shows, and fetches the file with the real
// OpenSSH scp, in its default SFTP mode and with -O (the legacy
// protocol); another user's file, "../" paths, absolute paths and an
// upload are refused, and nothing is written on the server.
func TestSCPFetchesExports(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	ssh := requireTool(t, "ssh")
	scp := requireTool(t, "scp")
	keygen := requireTool(t, "ssh-keygen")

	dir := t.TempDir()
	alice := sshKey(t, keygen, dir, "alice")
	bob := sshKey(t, keygen, dir, "bob")
	authorized := filepath.Join(dir, "authorized_keys")
	writeKeyFile(t, authorized, append(readKeyFile(t, alice+".pub"), readKeyFile(t, bob+".pub")...))
	data := filepath.Join(dir, "data")
	port := freePort(t)
	srv := startServe(t, "--listen", "127.0.0.1:"+port, "--host-key", filepath.Join(dir, "host_ed25519"),
		"--authorized-keys", authorized, "--data", data)
	aliceDir := filepath.Join(data, "users", keyFolder(t, alice+".pub"))
	bobDir := filepath.Join(data, "users", keyFolder(t, bob+".pub"))
	if err := os.MkdirAll(bobDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bobDir, "bob.csv"), []byte("bob's own\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// Alice exports from the dashboard, which says how to fetch the file.
	s := startTmux(t, 150, 40, sshArgs(ssh, alice, port)...)
	s.WaitFor("the dashboard over ssh", func(screen string) bool {
		return strings.Contains(screen, "Scenario: Base")
	})
	s.Type("x")
	want := "scp -P " + port + " 127.0.0.1:base-report.csv ."
	s.WaitForText("CSV file", want)
	s.Keys("Enter")
	screen := s.WaitForText("Exported Base (report). Fetch it: " + want)
	command := regexp.MustCompile(`scp -P \d+ 127\.0\.0\.1:\S+ \.`).FindString(screen)
	s.Type("q")
	if status := s.WaitExit(); status != 0 {
		t.Errorf("ssh exit status after q: %d", status)
	}
	written, err := os.ReadFile(filepath.Join(aliceDir, "base-report.csv"))
	if err != nil {
		t.Fatalf("the export is not in alice's folder: %v", err)
	}
	// The words after "scp -P PORT" as shown: the source and the target.
	words := strings.Fields(command)[3:]

	for _, mode := range []struct {
		name  string
		flags []string
	}{{"SFTP (scp's default)", nil}, {"legacy (scp -O)", []string{"-O"}}} {
		home := t.TempDir()
		run := func(key string, args ...string) scpResult {
			return runSCP(t, scp, key, port, home, append(append([]string{}, mode.flags...), args...)...)
		}
		// The command the dashboard showed, as shown.
		if r := run(alice, words...); r.code != 0 {
			t.Errorf("%s: %q: exit %d\n%s", mode.name, command, r.code, r.out)
		} else if got, err := os.ReadFile(filepath.Join(home, "base-report.csv")); err != nil || !bytes.Equal(got, written) {
			t.Errorf("%s: fetched %d bytes (%v), want the %d bytes exported", mode.name, len(got), err, len(written))
		}
		// Bob fetches his, and alice's name finds nothing in his folder.
		if r := run(bob, "127.0.0.1:bob.csv", "mine.csv"); r.code != 0 {
			t.Errorf("%s: bob fetching his own file: exit %d\n%s", mode.name, r.code, r.out)
		}
		if r := run(bob, "127.0.0.1:base-report.csv", "bob-got.csv"); r.code == 0 {
			t.Errorf("%s: bob fetched alice's base-report.csv", mode.name)
		}

		for _, c := range []struct{ what, path, says string }{
			{"another user's file by ..", "../" + filepath.Base(bobDir) + "/bob.csv", `".." out of your folder is refused`},
			{"the data folder by ../..", "../../users", `".." out of your folder is refused`},
			{"another user's file by its absolute path", filepath.Join(bobDir, "bob.csv"), "absolute paths are refused"},
			{"a system file", "/etc/passwd", "absolute paths are refused"},
			{"a name in another user's folder", "bob.csv", "no such file"},
		} {
			r := run(alice, "127.0.0.1:"+c.path, "got")
			if r.code == 0 {
				t.Errorf("%s: %s (%s) was fetched", mode.name, c.what, c.path)
			}
			told := strings.Contains(strings.ToLower(r.out), strings.ToLower(c.says))
			if !told || (c.says != "no such file" && !strings.Contains(r.out, "iomt: ")) {
				t.Errorf("%s: %s: scp said %q, want %q", mode.name, c.what, r.out, c.says)
			}
		}
		// An upload.
		if err := os.WriteFile(filepath.Join(home, "up.csv"), []byte("upload\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if r := run(alice, "up.csv", "127.0.0.1:up.csv"); r.code == 0 || !strings.Contains(r.out, "iomt: ") {
			t.Errorf("%s: an upload: exit %d, %q; want a refusal", mode.name, r.code, r.out)
		}
		entries, _ := os.ReadDir(home)
		for _, e := range entries {
			if name := e.Name(); name != "base-report.csv" && name != "mine.csv" && name != "up.csv" {
				t.Errorf("%s: scp wrote %q on the viewer's side", mode.name, name)
			}
		}
	}

	// Nothing but the export was written into alice's folder.
	entries, err := os.ReadDir(aliceDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "base-report.csv" {
			t.Errorf("alice's folder holds %q", e.Name())
		}
	}
	srv.waitLog(t, "file fetched", "protocol=sftp", "file=base-report.csv")
	srv.waitLog(t, "file fetched", "protocol=scp", "file=base-report.csv")
	srv.waitLog(t, "transfer refused", "/etc/passwd")
}

// TestSCPRefusedInOpenMode: an open demo keeps no files: scp is told so.
func TestSCPRefusedInOpenMode(t *testing.T) {
	t.Parallel()
	requireTool(t, "ssh")
	scp := requireTool(t, "scp")
	keygen := requireTool(t, "ssh-keygen")
	dir := t.TempDir()
	key := sshKey(t, keygen, dir, "viewer")
	port := freePort(t)
	startServe(t, "--listen", "127.0.0.1:"+port, "--host-key", filepath.Join(dir, "host_ed25519"), "--data", filepath.Join(dir, "data"))
	for _, flags := range [][]string{nil, {"-O"}} {
		r := runSCP(t, scp, key, port, t.TempDir(), append(flags, "127.0.0.1:base-report.csv", ".")...)
		if r.code == 0 || !strings.Contains(r.out, "iomt: this is an open demo: it keeps no files") {
			t.Errorf("scp %q in open mode: exit %d, %q; want a refusal saying why", flags, r.code, r.out)
		}
	}
}
