package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"iomt/assets"
	"iomt/internal/safetext"
)

// The init command: a first dataset to start from.

func newInitCmd() *cobra.Command {
	return groupCmd("init", "Write a file to start from", "", "init what? give dataset", newInitDatasetCmd())
}

func newInitDatasetCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "dataset",
		Short: "Write a commented starter dataset",
		Long: `Init dataset writes a small dataset, every key commented: two dimensions,
a segment with sub-segments, values and shares, notes and reported marks.
Replace its figures with your market's and open it with iomt --dataset.
An existing file is not replaced.`,
		Example: `  iomt init dataset -o market.yaml
  iomt --dataset market.yaml`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			data := assets.Starter()
			if out == "" || out == "-" {
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			if _, err := os.Lstat(out); err == nil {
				return fmt.Errorf("%s exists: give -o another file, or move it away first", safetext.Escape(out))
			}
			if err := writeOutput(out, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s, a starter dataset. Open it: iomt --dataset %s\n", safetext.Escape(out), shellWord(out))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output); an existing one is not replaced")
	_ = cmd.MarkFlagFilename("output", "yaml", "yml")
	return cmd
}
