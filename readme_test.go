package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"iomt/assets"
	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/model"
)

// readme is README.md, the user-facing truth these tests hold to the code.
func readme(t *testing.T) string {
	t.Helper()
	return string(mustRead(t, "README.md"))
}

// fence is a fenced code block: its info string and text.
type fence struct {
	info, text string
	line       int
}

// fences lists README's fenced code blocks.
func fences(doc string) []fence {
	var out []fence
	var cur *fence
	var b strings.Builder
	for i, l := range strings.Split(doc, "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			cur = &fence{info: strings.TrimSpace(strings.TrimPrefix(l, "```")), line: i + 1}
			b.Reset()
		case cur != nil && strings.TrimSpace(l) == "```":
			cur.text = b.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			b.WriteString(l + "\n")
		}
	}
	return out
}

// excerptMarker starts a YAML block that is part of a file, not a whole
// one; the reader sees it as the block's first line.
const excerptMarker = "# excerpt"

// TestReadmeFilesValidate: every YAML and JSON block of README and of
// docs/DESIGN.md is a file iomt accepts as printed (a dataset on its own,
// a scenario against the embedded dataset), unless its first line says
// "# excerpt". The dataset example used to fail validation as printed: a
// reader who copied it got "shares under Component add up to 36.6 %".
func TestReadmeFilesValidate(t *testing.T) {
	ds, err := model.LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{"README.md", "docs/DESIGN.md"} {
		kinds := map[model.FileKind]int{}
		for _, f := range fences(string(mustRead(t, doc))) {
			if f.info != "yaml" && f.info != "json" {
				continue
			}
			if strings.HasPrefix(f.text, excerptMarker) {
				continue
			}
			name := doc + ":" + strconv.Itoa(f.line) + "." + f.info
			data := []byte(f.text)
			kind, err := model.DetectKind(name, data)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			kinds[kind]++
			switch kind {
			case model.DatasetFile:
				_, err = model.LoadDataset(name, data)
			case model.ScenarioFile:
				_, err = model.LoadScenario(name, data, ds)
			}
			if err != nil {
				t.Errorf("the %s block at %s line %d does not validate as printed (mark it %q if it is part of a file):\n%v", f.info, doc, f.line, excerptMarker, err)
			}
		}
		if kinds[model.ScenarioFile] == 0 || doc == "README.md" && kinds[model.DatasetFile] == 0 {
			t.Errorf("%s's files: %v; want a scenario (and in README a dataset)", doc, kinds)
		}
	}
}

// TestReadmeCommandSummaryListsEveryFlag: the command summary under
// "## Commands" gives every flag of every command on that command's line
// (montecarlo's --above and the analysis commands' --dataset, --scenario
// and --workspace were missing); serve's line points to its table under
// "Live demos", which lists each of its flags.
func TestReadmeCommandSummaryListsEveryFlag(t *testing.T) {
	doc := readme(t)
	_, rest, ok := strings.Cut(doc, "\n## Commands\n")
	if !ok {
		t.Fatal("README has no ## Commands")
	}
	var summary string
	for _, f := range fences(rest) {
		summary = f.text
		break
	}
	// Each entry: a line starting "iomt", with the indented lines after it.
	entries := map[string]string{}
	var last string
	for _, l := range strings.Split(summary, "\n") {
		if strings.HasPrefix(l, "iomt") {
			last = l
			entries[last] = l
		} else if last != "" && strings.HasPrefix(l, " ") {
			entries[last] += " " + l
		}
	}
	lineOf := func(c *cobra.Command) string {
		path := c.CommandPath()
		var out []string
		for head, text := range entries {
			h := strings.Fields(head)
			p := strings.Fields(path)
			if len(h) < len(p) || strings.Join(h[:len(p)], " ") != path {
				continue
			}
			// The root's line is "iomt [--dataset …", not a subcommand's.
			if len(p) == 1 && len(h) > 1 && !strings.HasPrefix(h[1], "[") && !strings.HasPrefix(h[1], "-") {
				continue
			}
			out = append(out, text)
		}
		return strings.Join(out, "\n")
	}
	_, afterServe, _ := strings.Cut(doc, "| flag | default | meaning |")
	serveTable, _, _ := strings.Cut(afterServe, "\n\n")
	root := newRootCmd()
	initCompletionCmd(root)
	var walk func(c *cobra.Command)
	checked := 0
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		text := lineOf(c)
		if text == "" && c.HasParent() && c.Parent().HasParent() {
			text = lineOf(c.Parent()) // completion bash: completion's line
		}
		if text == "" {
			t.Errorf("the command summary has no line for %q", c.CommandPath())
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			checked++
			where := text
			if c.Name() == "serve" {
				where = serveTable
			}
			long := regexp.MustCompile(`--` + regexp.QuoteMeta(f.Name) + `\b`)
			if !long.MatchString(where) && !(f.Shorthand != "" && strings.Contains(where, "-"+f.Shorthand+" ")) {
				t.Errorf("%s --%s is not in README's command summary", c.CommandPath(), f.Name)
			}
		})
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	if checked < 40 {
		t.Errorf("only %d flags checked", checked)
	}
}

// TestReadmeBuildsBeforeIomt: README says how to get the iomt binary
// before it first shows a command that runs it.
func TestReadmeBuildsBeforeIomt(t *testing.T) {
	doc := readme(t)
	build := strings.Index(doc, "go build -o iomt .")
	first := regexp.MustCompile("(?m)^(\\$ )?iomt |`iomt ").FindStringIndex(doc)
	if build < 0 || !strings.Contains(doc, "go install .") {
		t.Fatal("README does not say go build -o iomt . and go install .")
	}
	if first == nil || build > first[0] {
		t.Errorf("README shows a command running iomt (at byte %v) before saying how to build it (byte %d)", first, build)
	}
}

// TestReadmeStatesLimits: the limits README states are the code's.
func TestReadmeStatesLimits(t *testing.T) {
	doc := readme(t)
	for what, text := range map[string]string{
		"the cap on base-year values":   numtext.Format(model.MaxValueBn, 0), // 1,000,000,000
		"the smallest sensitivity step": "from " + strconv.FormatFloat(forecast.MinDelta, 'f', -1, 64),
		"the largest sensitivity step":  "to " + strconv.Itoa(forecast.MaxDelta),
	} {
		if !strings.Contains(doc, text) {
			t.Errorf("README does not state %s: %q", what, text)
		}
	}
}
