package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"iomt/internal/testkit"
)

// ---------------------------------------------------------------------------
// The dashboard, driven through tmux.

// startDashboard opens the dashboard on the embedded dataset in a
// width×height terminal and waits until it has drawn its first screen.
func startDashboard(t *testing.T, width, height int) *tmuxSession {
	t.Helper()
	s := startTmux(t, width, height, binary)
	s.WaitFor("the dashboard on the Component tab", func(screen string) bool {
		return testkit.ContainsAll(screen, "Scenario: Base", "1 Component", "2 Application", "Medical Dev")
	})
	return s
}

// waitRowCAGR waits until the segment tree shows row name with the given CAGR
// and the unsaved marker present or absent, and returns that screen.
func waitRowCAGR(s *tmuxSession, name, cagr string, unsaved bool) string {
	s.t.Helper()
	marker := map[bool]string{true: "with", false: "without"}[unsaved]
	return s.WaitFor(fmt.Sprintf("%s at CAGR %s, %s the unsaved marker", name, cagr, marker), func(screen string) bool {
		row, ok := testkit.FindTreeRow(screen, name)
		return ok && row.CAGR == cagr && strings.Contains(screen, "unsaved") == unsaved
	})
}

func TestDashboardKeys(t *testing.T) {
	t.Parallel()
	requireTool(t, "tmux")
	for _, size := range []struct{ w, h int }{{160, 48}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			t.Parallel()
			dashboardFlow(t, size.w, size.h)
		})
	}
}

// dashboardFlow is the user's walk through the dashboard: open it, switch
// to the Application tab, select Telemedicine, raise its growth, undo,
// redo, undo, quit; every step checked on the screen.
func dashboardFlow(t *testing.T, width, height int) {
	s := startDashboard(t, width, height)
	if screen := s.Screen(); strings.Contains(screen, "unsaved") {
		t.Fatalf("a freshly opened scenario is marked unsaved:\n%s", s.showing(screen))
	}

	// 2: the Application tab replaces the Component rows. Narrow
	// terminals cut long names ("Inpatient Monitor…"), so match a prefix.
	s.Type("2")
	screen := s.WaitFor("the Application tab", func(screen string) bool {
		return testkit.ContainsAll(screen, "Telemedicine", "Inpatient Monitor") && !strings.Contains(screen, "Medical Dev")
	})
	if width >= 160 && !strings.Contains(screen, "Inpatient Monitoring") {
		t.Errorf("at %d columns the full name \"Inpatient Monitoring\" should fit:\n%s", width, s.showing(screen))
	}
	tele, ok := testkit.FindTreeRow(screen, "Telemedicine")
	if !ok || tele.CAGR != "19.0" || tele.Share != "31.2" {
		t.Fatalf("Telemedicine row: got %+v (found %v), want share 31.2, CAGR 19.0:\n%s", tele, ok, s.showing(screen))
	}
	clinical, ok := testkit.FindTreeRow(screen, "Clinical Operatio")
	if !ok {
		t.Fatalf("no Clinical Operations row:\n%s", s.showing(screen))
	}

	// j: the selection moves from Total down to Telemedicine.
	s.Type("j")
	s.WaitForStyled("Telemedicine highlighted as the selected row, Total not", func(styled string) bool {
		return highlighted(styled, "Telemedicine") && !highlighted(styled, "Total")
	})

	// +: Telemedicine's growth goes up by 0.5 pp, and the scenario is unsaved.
	s.Type("+")
	screen = waitRowCAGR(s, "Telemedicine", "19.5", true)
	if row, _ := testkit.FindTreeRow(screen, "Clinical Operatio"); row.CAGR != clinical.CAGR {
		t.Errorf("+ on Telemedicine changed Clinical Operations' CAGR from %s to %s:\n%s", clinical.CAGR, row.CAGR, s.showing(screen))
	}

	// u: undone, back to 19.0 and no unsaved marker.
	s.Type("u")
	waitRowCAGR(s, "Telemedicine", "19.0", false)

	// ctrl+r redoes it, u undoes it again.
	s.Keys("C-r")
	waitRowCAGR(s, "Telemedicine", "19.5", true)
	s.Type("u")
	waitRowCAGR(s, "Telemedicine", "19.0", false)

	// q: nothing unsaved, so the program ends at once, cleanly.
	s.Type("q")
	if status := s.WaitExit(); status != 0 {
		t.Errorf("exit status after q: %d, want 0", status)
	}
	assertScreenRestored(t, s)
}

// assertScreenRestored checks that after the program ended the terminal is
// back on its normal screen, without dashboard leftovers.
func assertScreenRestored(t *testing.T, s *tmuxSession) {
	t.Helper()
	screen := s.Screen()
	for _, leftover := range []string{"Scenario:", "Quit? y/n", "too small"} {
		if strings.Contains(screen, leftover) {
			t.Errorf("after exit the terminal still shows %q (alternate screen not left?):\n%s", leftover, s.showing(screen))
		}
	}
}

func TestQuitAsksWhenUnsaved(t *testing.T) {
	t.Parallel()
	s := startDashboard(t, 160, 48)

	s.Type("+") // Total is selected: its growth goes up by 0.5 pp
	waitRowCAGR(s, "Total", "19.0", true)

	s.Type("q")
	screen := s.WaitForText("Quit? y/n")
	if !strings.Contains(screen, "Unsaved changes to Base (report) will be lost") {
		t.Errorf("the quit question does not say what is lost:\n%s", s.showing(screen))
	}
	s.Running()

	// n: stay, with the change still there.
	s.Type("n")
	s.WaitFor("the quit question gone", func(screen string) bool {
		return !strings.Contains(screen, "Quit? y/n") && testkit.ContainsAll(screen, "Scenario: Base", "unsaved")
	})
	s.Running()

	// q, y: quit for real.
	s.Type("q")
	s.WaitForText("Quit? y/n")
	s.Type("y")
	if status := s.WaitExit(); status != 0 {
		t.Errorf("exit status after q, y: %d, want 0", status)
	}
	assertScreenRestored(t, s)
}

func TestTooSmall(t *testing.T) {
	t.Parallel()
	s := startTmux(t, 60, 20, binary)
	tooSmall := func(screen string) bool {
		return strings.Contains(strings.ToLower(screen), "too small") && !strings.Contains(screen, "Scenario:")
	}
	screen := s.WaitFor("the too-small message", tooSmall)
	if !strings.Contains(screen, "60×20") || !strings.Contains(screen, "80×24") {
		t.Errorf("the message should give the current and the needed size (60×20, 80×24):\n%s", s.showing(screen))
	}

	// Enlarging the terminal brings the dashboard; shrinking it again
	// brings the message back.
	s.Resize(100, 30)
	s.WaitForText("Scenario: Base", "1 Component")
	s.Resize(60, 20)
	s.WaitFor("the too-small message again", tooSmall)

	s.Type("q")
	if status := s.WaitExit(); status != 0 {
		t.Errorf("exit status after q: %d, want 0", status)
	}
	assertScreenRestored(t, s)
}

// ---------------------------------------------------------------------------
// The command line.

type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs the binary with args in dir (a fresh temporary folder when
// empty), with a small clean environment, and a timeout.
func runCLI(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "LANG=C.UTF-8"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{code: 0, stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("iomt %s: still running after the timeout", strings.Join(args, " "))
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("iomt %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// wantCode fails the test unless the run exited with code.
func (r cliResult) wantCode(t *testing.T, code int, args string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("iomt %s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.code, code, r.stdout, r.stderr)
	}
}

const csvHeader = "scenario,dimension,segment,parent,year,value_usd_bn,share_pct,growth_pct"

// badShareDataset is a small dataset whose first share is out of range.
const badShareDataset = `market: Test Market
base_year: 2019
end_year: 2027
total:
  value_bn: 100
  cagr_pct: 10
dimensions:
  - name: Component
    segments:
      - name: Devices
        share_pct: 130
        cagr_pct: 12
      - name: Software
        share_pct: 30
        cagr_pct: 8
`

func TestCLI(t *testing.T) {
	t.Parallel()

	t.Run("help", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t, "", "--help")
		r.wantCode(t, 0, "--help")
		for _, cmd := range []string{"export", "validate"} {
			if !regexp.MustCompile(`(?m)^\s*` + cmd + `\b`).MatchString(r.stdout) {
				t.Errorf("--help does not list the %s command:\n%s", cmd, r.stdout)
			}
		}
	})

	t.Run("version", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t, "", "--version")
		r.wantCode(t, 0, "--version")
		if !regexp.MustCompile(`\d+\.\d+\.\d+`).MatchString(r.stdout) {
			t.Errorf("--version prints no version number: %q", r.stdout)
		}
	})

	t.Run("export csv", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t, "", "export", "--format", "csv")
		r.wantCode(t, 0, "export --format csv")
		first, _, _ := strings.Cut(r.stdout, "\n")
		if first != csvHeader {
			t.Errorf("first line of the CSV:\n got %q\nwant %q", first, csvHeader)
		}
		if !strings.Contains(r.stdout, "\nBase (report),Total,Total,,2019,51.2,") {
			t.Errorf("the CSV has no 2019 Total row of 51.2 after the header:\n%.400s", r.stdout)
		}
		if r.stderr != "" {
			t.Errorf("export wrote to stderr: %q", r.stderr)
		}
	})

	t.Run("export json and md", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t, "", "export", "--format", "json")
		r.wantCode(t, 0, "export --format json")
		var doc map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Errorf("export --format json is not JSON: %v\n%.400s", err, r.stdout)
		}
		r = runCLI(t, "", "export", "--format", "md")
		r.wantCode(t, 0, "export --format md")
		if !strings.HasPrefix(r.stdout, "# ") {
			t.Errorf("export --format md does not start with a heading:\n%.400s", r.stdout)
		}
	})

	t.Run("export bad format", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t, "", "export", "--format", "nope")
		r.wantCode(t, 2, "export --format nope")
		if !strings.Contains(r.stderr, "nope") {
			t.Errorf("the error does not name the bad format: %q", r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("a usage error wrote to stdout: %q", r.stdout)
		}
	})

	t.Run("validate bad share", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "bad-share.yaml"), []byte(badShareDataset), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, dir, "validate", "bad-share.yaml")
		r.wantCode(t, 1, "validate bad-share.yaml")
		// The problem is the 130 of "share_pct: 130": report its line and
		// column, 1-based.
		line, col := position(badShareDataset, "share_pct: 130")
		col += len("share_pct: ")
		want := fmt.Sprintf("bad-share.yaml:%d:%d:", line, col)
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not point at the bad share with %s:\n%s", want, r.stderr)
		}
		if !regexp.MustCompile(`bad-share\.yaml:\d+:\d+: .*130`).MatchString(r.stderr) {
			t.Errorf("stderr has no FILE:LINE:COL: message naming the share 130:\n%s", r.stderr)
		}
		if strings.Contains(r.stdout, "ok") {
			t.Errorf("an invalid file is reported ok: %q", r.stdout)
		}
	})

	t.Run("validate good files", func(t *testing.T) {
		t.Parallel()
		files := []string{filepath.Join(repoRoot, "assets", "iomt.yaml"), filepath.Join(repoRoot, "testdata", "smart-home-energy.yaml")}
		r := runCLI(t, "", append([]string{"validate"}, files...)...)
		r.wantCode(t, 0, "validate assets/iomt.yaml testdata/smart-home-energy.yaml")
		for _, f := range files {
			if !strings.Contains(r.stdout, f+": ok") {
				t.Errorf("validate does not report %s ok:\n%s", f, r.stdout)
			}
		}
	})

	t.Run("missing dataset", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t, "", "--dataset", "missing.yaml", "export")
		r.wantCode(t, 1, "--dataset missing.yaml export")
		if !strings.Contains(r.stderr, "missing.yaml") {
			t.Errorf("the error does not name the missing file: %q", r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("a failed export wrote to stdout: %q", r.stdout)
		}
	})

	t.Run("export to file", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		r := runCLI(t, dir, "export", "-o", "out.csv")
		r.wantCode(t, 0, "export -o out.csv")
		if r.stdout != "" {
			t.Errorf("export -o also wrote to stdout: %.200q", r.stdout)
		}
		data, err := os.ReadFile(filepath.Join(dir, "out.csv"))
		if err != nil {
			t.Fatalf("export -o out.csv: %v", err)
		}
		first, _, _ := strings.Cut(string(data), "\n")
		if first != csvHeader {
			t.Errorf("first line of out.csv: %q, want %q", first, csvHeader)
		}
		// The file holds exactly what export prints to stdout, and no
		// temporary file is left behind.
		if std := runCLI(t, "", "export"); std.stdout != string(data) {
			t.Errorf("out.csv (%d bytes) differs from the export to stdout (%d bytes)", len(data), len(std.stdout))
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("export -o left other files behind: %v", names)
		}
	})
}

// TestExportFileMode: a file written with -o gets the permissions any other
// program would give it (0666 less the umask), so that it can be shared
// like the rest of the user's files; and overwriting keeps the file's mode.
func TestExportFileMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	// What an ordinary new file gets here, under the current umask.
	ref := filepath.Join(dir, "reference")
	if err := os.WriteFile(ref, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	want := mode(t, ref)

	runCLI(t, dir, "export", "-o", "new.csv").wantCode(t, 0, "export -o new.csv")
	if got := mode(t, filepath.Join(dir, "new.csv")); got != want {
		t.Errorf("export -o new.csv created the file with mode %v, want %v as any new file here", got, want)
	}

	existing := filepath.Join(dir, "existing.csv")
	if err := os.WriteFile(existing, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(existing, 0o644); err != nil {
		t.Fatal(err)
	}
	runCLI(t, dir, "export", "-o", "existing.csv").wantCode(t, 0, "export -o existing.csv")
	if got := mode(t, existing); got != 0o644 {
		t.Errorf("export -o over an existing -rw-r--r-- file changed its mode to %v", got)
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// position returns the 1-based line and column of the first occurrence of
// sub in text.
func position(text, sub string) (line, col int) {
	i := strings.Index(text, sub)
	if i < 0 {
		panic("position: " + sub + " not in text")
	}
	before := text[:i]
	line = strings.Count(before, "\n") + 1
	col = i - strings.LastIndex(before, "\n")
	return line, col
}
