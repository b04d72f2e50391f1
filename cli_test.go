package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"github.com/spf13/cobra"
)

// usageCases are calls with a usage mistake of every kind: cobra's own
// (unknown flag or command, missing argument or required flag), the flag
// checks iomt makes itself, and the analysis commands' bad values.
var usageCases = [][]string{
	{"export", "--nope"},
	{"export", "--format", "pdf"},
	{"export", "--format", "json", "--wide"},
	{"export", "extra"},
	{"bogus"},
	{"export", "--format"},
	{"validate"},
	{"goalseek", "--node", "Total"},
	{"goalseek", "--target", "60"},
	{"goalseek", "--node", "Region/Nowhere", "--target", "60"},
	{"sensitivity", "--node", "Total", "--delta-pp", "0"},
	{"montecarlo", "--node", "Total", "--paths", "0"},
	{"completion"},
	{"completion", "tcsh"},
	{"serve"},
	{"serve", "--host-key", "k", "--max-sessions", "-1"},
	{"serve", "--host-key", "k", "--listen", "bad"},
	{"serve", "--host-key", "k", "--listen", "2222"},
}

// TestEveryUsageErrorSaysTryHelp: every usage error exits 2 and says
// "Try --help for usage." once; it used to follow cobra's flag errors
// only, not a missing required flag, a bad --node or a missing argument.
func TestEveryUsageErrorSaysTryHelp(t *testing.T) {
	for _, args := range usageCases {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitUsage, stderr)
		}
		if n := strings.Count(stderr, "Try --help for usage."); n != 1 {
			t.Errorf("%v: %q says \"Try --help for usage.\" %d times, want once", args, stderr, n)
		}
	}
	// Invalid input is no usage error: no "Try --help".
	if code, _, stderr := runCLI(t, "export", "--dataset", "no-such.yaml"); code != exitInvalid || strings.Contains(stderr, "--help") {
		t.Errorf("a missing file: exit %d, %q", code, stderr)
	}
}

// TestNoTrailingSpaces: help and error messages were padded with spaces to
// the terminal's width (fang lays text out in boxes that wide), so a copy
// into an e-mail or a diff of the help carried a block of blanks. No line
// of any command's help, or of a usage error, ends in a space.
func TestNoTrailingSpaces(t *testing.T) {
	var calls [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		calls = append(calls, append(append([]string{}, path...), "--help"))
		for _, s := range c.Commands() {
			walk(s, append(append([]string{}, path...), s.Name()))
		}
	}
	root := newRootCmd()
	initCompletionCmd(root)
	walk(root, nil)
	calls = append(calls, []string{"--version"}, []string{"help", "export"})
	calls = append(calls, usageCases...)
	for _, args := range calls {
		_, stdout, stderr := runCLI(t, args...)
		for _, out := range []string{stdout, stderr} {
			for i, line := range strings.Split(out, "\n") {
				if strings.TrimRight(line, " \t") != line {
					t.Errorf("%v: line %d ends in spaces: %q", args, i+1, line)
					break
				}
			}
		}
	}
	if len(calls) < 20 {
		t.Errorf("only %d calls tried", len(calls))
	}
}

// TestNodeIgnoresCase: --node takes a path in any case, as --scenario
// takes a name; a path two segments share but for case is a usage error
// naming both.
func TestNodeIgnoresCase(t *testing.T) {
	code, exact, _ := runCLI(t, "goalseek", "--node", "Region/Asia-Pacific", "--target", "60")
	code2, lower, stderr := runCLI(t, "goalseek", "--node", "region/asia-pacific", "--target", "60")
	if code != 0 || code2 != 0 || lower != exact {
		t.Errorf("--node region/asia-pacific: exit %d, %q %s; want what Region/Asia-Pacific gives:\n%s", code2, lower, stderr, exact)
	}
	ds := writeFile(t, "twins.yaml", `market: Twins
base_year: 2020
end_year: 2022
total: {value: 10, cagr_pct: 5}
dimensions:
  - name: Region
    segments:
      - {name: North, share_pct: 50, cagr_pct: 5}
      - {name: NORTH, share_pct: 50, cagr_pct: 5}
`)
	code, _, stderr = runCLI(t, "sensitivity", "--dataset", ds, "--node", "region/north")
	if code != exitUsage || !strings.Contains(stderr, `"Region/North"`) || !strings.Contains(stderr, `"Region/NORTH"`) {
		t.Errorf("an ambiguous --node: exit %d, %q; want 2 naming both", code, stderr)
	}
}

// TestNoTrailingSpacesOnTerminal: on a terminal fang draws the usage and
// example blocks shaded, padded with blanks to their right edge, and the
// ERROR badge with a shaded blank after it; copied out of the terminal,
// each line carried them. On a terminal of 100 columns, no line of any
// command's help or of a usage error ends in a blank, coloured or not.
func TestNoTrailingSpacesOnTerminal(t *testing.T) {
	calls := [][]string{{"--help"}, {"serve", "--help"}, {"export", "--help"}, {"montecarlo", "--help"}, {"export", "--format", "nope"}}
	for _, args := range calls {
		ptmx, tty, err := pty.Open()
		if err != nil {
			t.Skipf("no pseudo-terminal here: %v", err)
		}
		if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 100}); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		read := make(chan struct{})
		go func() { _, _ = io.Copy(&out, ptmx); close(read) }()
		t.Setenv("TERM", "xterm-256color")
		t.Setenv("COLORTERM", "truecolor")
		run(t.Context(), args, tty, tty)
		_ = tty.Close()
		<-read
		_ = ptmx.Close()
		text := out.String()
		if !strings.Contains(text, "\x1b[") {
			t.Errorf("%v: no colour, so not drawn as on a terminal: %q", args, text)
		}
		for i, line := range strings.Split(strings.ReplaceAll(ansi.Strip(text), "\r", ""), "\n") {
			if strings.TrimRight(line, " \t") != line {
				t.Errorf("%v on a terminal: line %d ends in blanks: %q", args, i+1, line)
				break
			}
		}
	}
}

// TestCompareNamesOneScenarioEach: scenarios set side by side are told
// apart by name. A bridge takes one --compare (a second used to replace
// the first without a word); an export compared with the scenario it
// exports is only zeros; two files of one name, with different
// assumptions, cannot be told apart in a summary's columns. Each is a
// usage error that says which.
func TestCompareNamesOneScenarioEach(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t1 := write("t1.yaml", "scenario: Twin\ndataset: Internet of Medical Things\ntotal: {cagr_pct: 20}\n")
	t2 := write("t2.yaml", "scenario: Twin\ndataset: Internet of Medical Things\ntotal: {cagr_pct: 21}\n")
	same := write("same.yaml", "scenario: Base (report)\ndataset: Internet of Medical Things\ntotal: {cagr_pct: 20}\n")
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"bridge", "--compare", "accelerated-adoption", "--compare", "security-headwinds", "--node", "Total"}, "give one --compare, not 2"},
		{[]string{"export", "--compare", "base"}, "it is the scenario exported, so every difference would be 0"},
		{[]string{"export", "--compare", same}, "it has the name of the scenario exported"},
		{[]string{"summary", "base", t1, t2}, `scenarios named "Twin"`},
		{[]string{"summary", "base", t1, t1}, `"Twin" is given twice`},
	} {
		code, _, stderr := runCLI(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.says) {
			t.Errorf("%v: exit %d, %q; want 2 saying %q", c.args, code, stderr, c.says)
		}
	}
}
