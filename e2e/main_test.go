// Package e2e holds end-to-end tests: they build the real iomt binary once
// and drive it as a user would, from the command line and, through tmux, as
// a full-screen dashboard.
//
// Tests that need tmux (and, later, ssh) skip when the tool is missing,
// unless IOMT_E2E=1 is set, which turns the skip into a failure (CI sets it).
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	// binary is the iomt binary built by TestMain.
	binary string
	// repoRoot is the folder holding the iomt go.mod.
	repoRoot string
	// scratch is a short private folder for the binary and the tmux
	// sockets (Unix socket paths must stay under ~100 bytes).
	scratch string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	var err error
	repoRoot, err = findRepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	scratch, err = os.MkdirTemp("", "iomt-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(scratch)

	binary = filepath.Join(scratch, "iomt")
	if err := build(binary); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building iomt:", err)
		return 1
	}
	return m.Run()
}

// findRepoRoot walks up from the working directory (e2e/ under go test) to
// the folder whose go.mod declares module iomt.
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && modulePath(data) == "iomt" {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of module iomt above the working directory")
		}
		dir = parent
	}
}

func modulePath(gomod []byte) string {
	for line := range strings.SplitSeq(string(gomod), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// build compiles the program from the repository root into out.
func build(out string) error {
	gobin, err := exec.LookPath("go") // go test puts GOROOT/bin first on PATH
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gobin, "build", "-o", out, ".")
	cmd.Dir = repoRoot
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build -o %s . in %s: %v\n%s", out, repoRoot, err, buf.String())
	}
	return nil
}

// requireTool skips the test when tool is not on PATH, or fails it when
// IOMT_E2E=1 says the end-to-end tests are mandatory.
func requireTool(t *testing.T, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path
	}
	msg := fmt.Sprintf("%s not installed; install it or set IOMT_E2E=1 to make this a failure", tool)
	if os.Getenv("IOMT_E2E") == "1" {
		t.Fatalf("%s not installed, and IOMT_E2E=1 makes the end-to-end tests mandatory: %v", tool, err)
	}
	t.Skip(msg)
	return ""
}
