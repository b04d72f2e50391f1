package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runCLIMemory runs the binary like runCLI and also returns the most
// memory it held (max RSS, in KiB): a bound that does not depend on the
// machine's speed.
func runCLIMemory(t *testing.T, args ...string) (cliResult, int64) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "LANG=C.UTF-8"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("iomt %s: still running after a minute", strings.Join(args, " "))
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("iomt %s: %v", strings.Join(args, " "), err)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return res, rss
}

// TestDeepFiles: the files that took the YAML library seconds and
// gigabytes (and killed the process at 100,000 levels) are refused with
// the place where the nesting limit is passed, in a few tens of
// megabytes: the binary's own size.
func TestDeepFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		name, text, where string
	}{
		{"brackets.yaml", "x: " + strings.Repeat("[", 40000) + strings.Repeat("]", 40000) + "\n", ":1:35: lists and mappings nest more than 32 levels"},
		{"deeper.yaml", "x: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", ":1:35: lists and mappings nest more than 32 levels"},
		{"dashes.yaml", "market: x\nl:\n" + strings.Repeat("- ", 100000) + "a\n", ":3:63: lists and mappings nest more than 32 levels"},
		{"deep.json", strings.Repeat(`{"a":`, 100000), ":1:161: lists and mappings nest more than 32 levels"},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"validate", path}, {"export", "--dataset", path}} {
			r, rss := runCLIMemory(t, args...)
			r.wantCode(t, 1, strings.Join(args, " "))
			if !strings.Contains(r.stderr, path+c.where) {
				t.Errorf("iomt %s: stderr does not say %q:\n%s", strings.Join(args, " "), path+c.where, r.stderr)
			}
			if rss > 100<<10 {
				t.Errorf("iomt %s held %d MiB; want under 100", strings.Join(args, " "), rss>>10)
			}
		}
	}
}

// TestFIFOsEverywhere: every place iomt reads a file refuses a FIFO with
// a message naming it, where each used to wait for a writer forever.
func TestFIFOsEverywhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	said := fifo + ": is a FIFO (named pipe), not a regular file"
	good := filepath.Join(repoRoot, "testdata", "smart-home-energy.yaml")
	for _, args := range [][]string{
		{"validate", fifo},
		{"validate", "--dataset", fifo, good},
		{"export", "--dataset", fifo},
		{"export", "--scenario", fifo},
		{"export", "--compare", fifo},
		{"--dataset", fifo},
		{"--scenario", fifo},
		{"serve", "--host-key", fifo, "--listen", "127.0.0.1:0"},
		{"serve", "--host-key", filepath.Join(dir, "hk"), "--authorized-keys", fifo, "--listen", "127.0.0.1:0"},
		{"serve", "--host-key", filepath.Join(dir, "hk"), "--presenter-keys", fifo, "--listen", "127.0.0.1:0"},
	} {
		r := runCLI(t, "", args...)
		r.wantCode(t, 1, strings.Join(args, " "))
		if !strings.Contains(r.stderr, said) {
			t.Errorf("iomt %s: stderr does not say %q:\n%s", strings.Join(args, " "), said, r.stderr)
		}
	}
	// In a workspace, the FIFO is listed with the reason.
	r := runCLI(t, "", "scenarios", "--workspace", dir)
	r.wantCode(t, 0, "scenarios")
	if !strings.Contains(r.stdout, "pipe.yaml  ("+fifo+")\n  cannot be read: "+said) {
		t.Errorf("iomt scenarios does not list the FIFO with its reason:\n%s", r.stdout)
	}
}

// TestPickerWithFIFO: the o picker lists a FIFO in the workspace as a
// scenario that cannot be opened, and every key still works (it used to
// hang the dashboard, deaf even to ctrl+c).
func TestPickerWithFIFO(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(ws, "pipe.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, 120, 40, binary, "--workspace", ws)
	s.WaitForText("Scenario: Base")
	s.Keys("o")
	s.WaitForText("pipe.yaml", "FIFO")
	s.Keys("Escape")
	s.WaitFor("the picker to close", func(screen string) bool { return !strings.Contains(screen, "pipe.yaml") })
	s.Keys("C-c")
	if code := s.WaitExit(); code != 0 {
		t.Errorf("iomt exited %d after ctrl+c", code)
	}
}

// TestListingEscapesFiles: nothing a scenario file or its name holds
// reaches the terminal raw. A file whose name writes the clipboard
// (OSC 52), one whose description clears the screen, one that sets the
// window title: `iomt scenarios` shows them as visible escapes.
func TestListingEscapesFiles(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	files := map[string]string{
		"clip.yaml":                 "scenario: \"Plan\\e]52;c;cm0gLXJmIH4=\\a\"\n",
		"clear.yaml":                "scenario: Clear\ndescription: \"looks fine\\e[2J\\e[H\"\n",
		"title\x1b]0;owned\a.yaml":  "scenario: Title\n",
		"bidi.yaml":                 "scenario: \"Base\\u202Eesab\"\n",
		"bad key.yaml":              "scenario: Bad\n\"\\e]52;c;eA==\\a\": 1\n",
		"quoted\x9b31m.yaml":        "scenario: C1\n",
		"ok.yaml":                   "scenario: Fine\ndescription: A plain one\n",
		"text\x1b[2J-in-error.yaml": "scenario: [\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(ws, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := runCLI(t, "", "scenarios", "--workspace", ws)
	r.wantCode(t, 0, "scenarios")
	for _, out := range []string{r.stdout, r.stderr} {
		if i := strings.IndexAny(out, "\x1b\a\u009b\u202e"); i >= 0 {
			t.Errorf("output holds a raw control character at byte %d: %q", i, out[max(0, i-40):min(len(out), i+40)])
		}
	}
	for _, want := range []string{
		`clip.yaml:1:11: scenario name "Plan\x1b]52;c;cm0gLXJmIH4=\a" contains a control character (U+001B)`,
		`title\x1b]0;owned\a.yaml`,
		`contains a bidirectional control character (U+202E)`,
		`quoted\x9b31m.yaml`, // a lone byte, not UTF-8
		"Fine  (" + filepath.Join(ws, "ok.yaml") + ")\n  A plain one",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("iomt scenarios does not show %q:\n%s", want, r.stdout)
		}
	}
}

// rssKiB reads a process's resident memory from /proc.
func rssKiB(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Skipf("no /proc here to read memory from: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return kb
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}

// TestSSHHostileClients: the real OpenSSH client, used as an attacker
// would. A terminal of 4000×4000 (stty, then ssh) used to take the server
// past 2 GB and down with every session: it is drawn at the clamp and
// the server stays small. ssh -N (log in, open no session) used to hold
// a place until the max timeout: it is closed after the grace.
func TestSSHHostileClients(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	ssh := requireTool(t, "ssh")
	keygen := requireTool(t, "ssh-keygen")
	dir := t.TempDir()
	key := sshKey(t, keygen, dir, "viewer")
	port := freePort(t)
	srv := startServe(t, "--listen", "127.0.0.1:"+port, "--host-key", filepath.Join(dir, "hk"), "--max-sessions", "3")

	// ssh -N holds no session: closed by the server after the grace.
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	n := exec.CommandContext(ctx, ssh, sshArgs(ssh, key, port, "-N")[1:]...)
	n.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "LANG=C.UTF-8"}
	nDone := make(chan error, 1)
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { nDone <- n.Wait() }()

	// A 4000×4000 terminal, as stty sets it before ssh runs.
	cmdline := "stty cols 4000 rows 4000; exec " + strings.Join(sshArgs(ssh, key, port), " ")
	big := startTmux(t, 160, 48, "sh", "-c", cmdline)
	srv.waitLog(t, "session start", "width=500", "height=200")
	// Drawn 500 wide in a 160-column pane, whose lines wrap and scroll:
	// the frame's last rows (the table's title, the help line) show.
	big.WaitForText("Table: value", "q quit")
	if rss := rssKiB(t, srv.cmd.Process.Pid); rss > 300<<10 {
		t.Errorf("the server holds %d MiB with a 4000×4000 client; want under 300", rss>>10)
	}

	select {
	case err := <-nDone:
		t.Logf("ssh -N ended: %v", err) // closed by the server, as it should be
	case <-ctx.Done():
		t.Fatal("ssh -N still connected after 40 s; the grace is 10 s")
	}
	srv.waitLog(t, "connection closed: no dashboard started after login")

	// The next viewer gets a normal dashboard: the -N connection's place
	// is free again under --max-sessions 3.
	next := startTmux(t, 120, 40, sshArgs(ssh, key, port)...)
	next.WaitFor("the next viewer's dashboard", func(screen string) bool {
		return strings.Contains(screen, "Scenario: Base") && strings.Contains(screen, "Medical Dev")
	})
	next.Type("q")
	if status := next.WaitExit(); status != 0 {
		t.Errorf("the next viewer's ssh exited %d", status)
	}
	srv.terminate(t)
}
