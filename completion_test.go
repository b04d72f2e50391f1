package main

import (
	"strings"
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
