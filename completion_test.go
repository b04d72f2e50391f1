package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestCompletionCommand: a missing or unknown shell is a usage error that
// names the shells; the four scripts still come out, on the writer given.
func TestCompletionCommand(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}} {
		code, out, stderr := runCLI(t, args...)
		if code != 2 || out != "" {
			t.Errorf("%v: exit %d, stdout %.80q; want 2 and nothing on stdout", args, code, out)
		}
		for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
			if !strings.Contains(stderr, shell) {
				t.Errorf("%v: the message does not name %s: %q", args, shell, stderr)
			}
		}
	}
	if _, _, stderr := runCLI(t, "completion", "tcsh"); !strings.Contains(stderr, `"tcsh"`) {
		t.Errorf("completion tcsh does not name the shell it cannot do: %q", stderr)
	}
	if code, out, _ := runCLI(t, "completion", "bash", "extra"); code != 2 || out != "" {
		t.Errorf("completion bash extra: exit %d, stdout %.80q; want 2 and no script", code, out)
	}
	for shell, marker := range map[string]string{"bash": "__start_iomt", "zsh": "#compdef iomt", "fish": "complete -c iomt", "powershell": "Register-ArgumentCompleter"} {
		code, out, stderr := runCLI(t, "completion", shell)
		if code != 0 || !strings.Contains(out, marker) {
			t.Errorf("completion %s: exit %d, stdout without %q (stderr %q)", shell, code, marker, stderr)
		}
	}
}

// complete asks cobra's hidden __complete command, as the shell scripts
// do, and returns the choices (without descriptions) and the directive.
func complete(t *testing.T, dir string, args ...string) (choices []string, directive string) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	code, out, stderr := runCLI(t, append([]string{"__complete"}, args...)...)
	if code != 0 || strings.Contains(stderr, "iomt:") || strings.Contains(strings.ToLower(stderr), "error") {
		t.Fatalf("__complete %v: exit %d, stderr %q", args, code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines[:len(lines)-1] {
		c, _, _ := strings.Cut(l, "\t")
		choices = append(choices, c)
	}
	return choices, lines[len(lines)-1]
}

// TestScenarioCompletion: --scenario and --compare complete the dataset's
// built-ins, the workspace's saved scenarios for that market, and
// scenario files; a path completes as files.
func TestScenarioCompletion(t *testing.T) {
	root, _ := os.Getwd()
	ds := filepath.Join(root, smartHome)
	// serve has no --workspace: keep the user's own folder out of it.
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	ws := t.TempDir()
	// A FIFO must not make completion wait for a writer.
	fifo := filepath.Join(ws, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	for name, text := range map[string]string{
		"my-plan.yaml":  "scenario: My plan\ndataset: Internet of Medical Things\n",
		"home-q3.yaml":  "scenario: Home Q3\ndataset: Smart Home Energy Management\n",
		"broken.yaml":   "scenario: [\n",
		"notes.txt":     "scenario: Notes\n",
		"base.yaml":     "scenario: Base\ndataset: Smart Home Energy Management\n",
		".hidden.yaml":  "scenario: Hidden\n",
		"sub/deep.yaml": "",
	} {
		p := filepath.Join(ws, name)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cwd := t.TempDir()
	for _, f := range []string{"local.yaml", "other.yml", "readme.md"} {
		if err := os.WriteFile(filepath.Join(cwd, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	got, dir := complete(t, cwd, "export", "--workspace", ws, "--scenario", "")
	want := []string{"base", "accelerated-adoption", "security-headwinds", "my-plan", "local.yaml", "other.yml"}
	if !slices.Equal(got, want) || dir != ":0" {
		t.Errorf("export --scenario: %v %s, want %v :0", got, dir, want)
	}
	got, _ = complete(t, cwd, "export", "--workspace", ws, "--compare", "")
	if !slices.Equal(got, want) {
		t.Errorf("export --compare: %v, want %v", got, want)
	}
	got, _ = complete(t, cwd, "export", "--workspace", ws, "--scenario", "acc")
	if !slices.Equal(got, []string{"accelerated-adoption"}) {
		t.Errorf("export --scenario acc: %v", got)
	}
	// Another market: its own Base, its saved scenario; the saved file
	// named like the built-in is not offered twice.
	got, _ = complete(t, cwd, "goalseek", "--dataset", ds, "--workspace", ws, "--scenario", "")
	if want := []string{"base", "home-q3", "local.yaml", "other.yml"}; !slices.Equal(got, want) {
		t.Errorf("goalseek --dataset … --scenario: %v, want %v", got, want)
	}
	// The dashboard and serve (which has no --workspace) complete too.
	for _, args := range [][]string{{"--workspace", ws, "--scenario", "my"}, {"serve", "--scenario", "sec"}} {
		if got, _ := complete(t, cwd, args...); len(got) != 1 {
			t.Errorf("%v: %v, want one choice", args, got)
		}
	}
	// A path, or a prefix no name has: YAML files, by the shell.
	for _, prefix := range []string{"./", "sub/", "zz"} {
		got, dir = complete(t, cwd, "export", "--scenario", prefix)
		if !slices.Equal(got, []string{"yaml", "yml"}) || dir != ":8" {
			t.Errorf("export --scenario %s: %v %s, want the YAML extensions and :8 (filter by extension)", prefix, got, dir)
		}
	}
	// A missing workspace or an unreadable dataset is just fewer names.
	got, _ = complete(t, cwd, "export", "--workspace", filepath.Join(ws, "missing"), "--scenario", "")
	if !slices.Contains(got, "base") || slices.Contains(got, "my-plan") {
		t.Errorf("missing workspace: %v", got)
	}
	for _, bad := range []string{filepath.Join(ws, "broken.yaml"), fifo} {
		got, _ = complete(t, cwd, "export", "--dataset", bad, "--scenario", "")
		if !slices.Equal(got, []string{"local.yaml", "other.yml"}) {
			t.Errorf("unreadable dataset %s: %v", bad, got)
		}
	}
}

// TestLookingLeavesTheFolder: completing a name, listing and opening a
// saved scenario only read the workspace: the temporary file of a save
// that was killed stays until the next save.
func TestLookingLeavesTheFolder(t *testing.T) {
	child := exec.Command(os.Args[0], "-test.run=^$")
	if err := child.Run(); err != nil {
		t.Fatal(err)
	}
	ws := t.TempDir()
	files := map[string]string{
		"my-plan.yaml": "scenario: My plan\ndataset: Internet of Medical Things\n",
		fmt.Sprintf(".my-plan.yaml.iomt-%d-1x2.tmp", child.Process.Pid): "scenario: My pl",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(ws, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := complete(t, t.TempDir(), "export", "--workspace", ws, "--scenario", "my"); !slices.Equal(got, []string{"my-plan"}) {
		t.Errorf("completion: %v, want my-plan", got)
	}
	for _, args := range [][]string{{"scenarios", "--workspace", ws}, {"export", "--workspace", ws, "--scenario", "my-plan"}} {
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
	if entries, _ := os.ReadDir(ws); len(entries) != len(files) {
		t.Errorf("looking changed the workspace: it holds %d files, was %d", len(entries), len(files))
	}
}
