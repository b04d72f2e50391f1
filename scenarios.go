package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"iomt/assets"
	"iomt/internal/safetext"
	"iomt/model"
)

// Scenarios by name: the built-in ones, which belong to the loaded
// dataset's market, and those saved in the workspace. The catalog itself
// (listing, resolving a name) is model.Workspace's.

// builtinScenarios returns the scenarios that ship for ds's market: the
// embedded IoMT scenarios for the IoMT market (whatever file it was read
// from), and for any other market a single "Base" holding the dataset's
// own figures, so that "base" means the same thing on every market.
func builtinScenarios(ds *model.Dataset) []model.Builtin {
	// The embedded files are fixed when iomt is built, and
	// TestBuiltinList reads them all: an error is a broken build, and
	// then the market's own Base still opens.
	shipped, _ := model.ReadBuiltins(assets.Scenarios())
	return model.BuiltinsFor(ds, shipped)
}

// baseScenario is what opens without --scenario: the built-in "Base
// (report)" on the embedded dataset, the dataset's own figures otherwise.
func baseScenario(ds *model.Dataset, embedded bool) *model.Scenario {
	if embedded {
		for _, b := range builtinScenarios(ds) {
			if b.File == "base.yaml" {
				if sc, err := model.LoadScenario(b.File, b.Data, ds); err == nil {
					return sc
				}
			}
		}
	}
	return &model.Scenario{Name: "Base", Dataset: ds.Market, Assumptions: ds.Base()}
}

func newScenariosCmd() *cobra.Command {
	var in inputFlags
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in and saved scenarios",
		Long: `Scenarios lists the scenarios that ship with iomt for the dataset's market
and those saved in the workspace, with their descriptions. A saved file that
does not open with the dataset is marked INVALID with its first problem;
one made for another market says which. Open one with iomt --scenario NAME,
or with o in the dashboard.

Exit status 1 if --workspace names a folder that does not exist, or a file.`,
		Example: `  iomt scenarios
  iomt scenarios --dataset my-market.yaml --workspace ./scenarios`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ds, err := in.loadDataset()
			if err != nil {
				return err
			}
			ws, err := in.wf.workspace(ds)
			if err != nil {
				return err
			}
			// The default folder is created on the first save: missing,
			// it only means nothing is saved yet. A folder given by hand
			// that is missing is a typo to report, not an empty list.
			if _, err := os.Stat(ws.Dir); in.wf.dir != "" && errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("workspace %s does not exist: check the path (the dashboard creates the folder when you first save a scenario with iomt --workspace %s)", ws.Dir, ws.Dir)
			}
			entries, err := ws.List()
			if err != nil {
				return err
			}
			listScenarios(cmd.OutOrStdout(), ws, entries, ds)
			return nil
		},
	}
	in.register(cmd, false)
	in.wf.register(cmd)
	return cmd
}

// listScenarios prints each entry, with its description or with why it
// cannot be opened with ds. Everything printed comes from files and file
// names in a folder that others may write to: escaped, so a scenario
// cannot write the user's clipboard or retitle the terminal.
func listScenarios(w io.Writer, ws *model.Workspace, entries []model.Entry, ds *model.Dataset) {
	fmt.Fprintf(w, "Workspace: %s\n", safetext.Escape(ws.Dir))
	for i := range entries {
		e := &entries[i]
		where := safetext.Escape(e.Path)
		if e.Builtin {
			where = "built in"
		}
		fmt.Fprintf(w, "\n%s  (%s)\n", safetext.Escape(e.Name), where)
		if e.Err == nil && e.Dataset != "" && e.Dataset != ds.Market {
			printDescription(w, e.Description)
			fmt.Fprintf(w, "  for another market, %s: open it with that market's --dataset\n", safetext.Escape(e.Dataset))
			continue
		}
		err := e.Err
		if err == nil {
			_, err = e.Open(ds)
		}
		if err == nil {
			printDescription(w, e.Description)
			continue
		}
		// One line per file keeps the list a list; validate gives all.
		first, rest, _ := strings.Cut(err.Error(), "\n")
		var pos *model.Error
		if errors.As(err, &pos) && pos.Line > 0 {
			fmt.Fprintf(w, "  INVALID: %s\n", safetext.Escape(first))
		} else {
			// No place in the file: it could not be read at all (a FIFO,
			// no permission), which is no fault of its content.
			fmt.Fprintf(w, "  cannot be read: %s\n", safetext.Escape(first))
		}
		if n := problems(err, rest); n > 1 {
			fmt.Fprintf(w, "  and %d more %s (iomt validate lists them all)\n", n-1, plural(n-1, "problem", "problems"))
		}
	}
}

func printDescription(w io.Writer, desc string) {
	if desc == "" {
		return
	}
	for line := range strings.SplitSeq(safetext.EscapeText(desc), "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
}

// problems counts the problems in err: an ErrorList's length (its text
// stops at 50), else its lines.
func problems(err error, rest string) int {
	var list model.ErrorList
	if errors.As(err, &list) {
		return len(list)
	}
	if rest == "" {
		return 1
	}
	return 1 + strings.Count(rest, "\n") + 1
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// completeScenario completes --scenario and --compare: the stems of the
// built-in scenarios of the --dataset's market and of the scenarios saved
// for it in the workspace, then the YAML files of the current folder. A
// path, or a prefix nothing matches, is left to the shell's file
// completion. It never fails: what cannot be read offers no names.
func completeScenario(in *inputFlags) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		files := []cobra.Completion{"yaml", "yml"}
		if strings.ContainsRune(toComplete, filepath.Separator) || strings.HasPrefix(toComplete, ".") || strings.HasPrefix(toComplete, "~") {
			return files, cobra.ShellCompDirectiveFilterFileExt
		}
		var out []cobra.Completion
		seen := map[string]bool{}
		offer := func(name, desc string) {
			if !seen[name] && strings.HasPrefix(strings.ToLower(name), strings.ToLower(toComplete)) {
				seen[name] = true
				out = append(out, cobra.CompletionWithDesc(name, desc))
			}
		}
		if ds, err := in.loadDataset(); err == nil {
			cat := in.wf.catalog(ds)
			for _, e := range cat.Builtins() {
				offer(e.Stem(), e.Name)
			}
			saved, _ := cat.Saved()
			for i := range saved {
				if saved[i].ForMarket(ds) {
					offer(saved[i].Stem(), saved[i].Name+" (saved)")
				}
			}
		}
		local, _ := os.ReadDir(".")
		for _, f := range local {
			name := f.Name()
			if f.Type().IsRegular() && !strings.HasPrefix(name, ".") && model.IsScenarioFile(name) {
				offer(name, "file")
			}
		}
		if len(out) == 0 {
			return files, cobra.ShellCompDirectiveFilterFileExt
		}
		return out, cobra.ShellCompDirectiveDefault
	}
}
