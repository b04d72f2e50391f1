package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// initCompletionCmd adds cobra's completion command now rather than when
// it runs, and makes it refuse what it cannot do: cobra's own prints its
// help and exits 0 for "iomt completion" and "iomt completion tcsh", so
// a script that installs completions would install nothing, silently.
func initCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	var comp *cobra.Command
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			comp = c
		}
	}
	if comp == nil {
		return
	}
	var shells []string
	for _, c := range comp.Commands() {
		shells = append(shells, c.Name())
		c.Args = usageArgs(c.Args)
	}
	list := strings.Join(shells, ", ")
	comp.Args = cobra.ArbitraryArgs
	comp.RunE = func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usageError{fmt.Errorf("name a shell: iomt completion SHELL, where SHELL is one of %s", list)}
		}
		return usageError{fmt.Errorf("unknown shell %q: iomt completes %s", args[0], list)}
	}
}
