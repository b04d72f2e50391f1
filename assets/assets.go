// Package assets embeds the default IoMT dataset and the scenarios that
// ship with it, so that `iomt` works with no files at hand, and the
// starter dataset `iomt init dataset` writes. It holds the bytes only:
// model reads them (model.LoadDataset, model.ReadBuiltins).
package assets

import (
	"embed"
	"io/fs"
)

// DatasetName is the name under which the embedded dataset appears in
// messages and exports.
const DatasetName = "iomt.yaml (embedded)"

// dataset is a string, not a []byte, so no caller can change the bytes
// that every session shares.
//
//go:embed iomt.yaml
var dataset string

// Dataset returns a fresh copy of the embedded IoMT dataset (YAML).
func Dataset() []byte { return []byte(dataset) }

// scenarios holds the scenarios that ship with the dataset. embed.FS is
// read-only, so sharing it between sessions is safe.
//
//go:embed scenarios/*.yaml
var scenarios embed.FS

// Scenarios returns the embedded scenario files, at the top of the
// returned file system: base.yaml and the others.
func Scenarios() fs.FS {
	sub, err := fs.Sub(scenarios, "scenarios")
	if err != nil {
		// Only a path that is not valid fails, and "scenarios" is; were
		// it to, every read says why rather than finding nothing.
		return failedFS{err}
	}
	return sub
}

// failedFS is a file system that could not be made: every open fails.
type failedFS struct{ err error }

func (f failedFS) Open(string) (fs.File, error) { return nil, f.err }

// starter is the commented dataset `iomt init dataset` writes.
//
//go:embed starter.yaml
var starter string

// StarterName is the name the starter dataset goes by in messages.
const StarterName = "starter.yaml (embedded)"

// Starter returns a fresh copy of the starter dataset (YAML): a small
// market to replace with one's own, every key commented.
func Starter() []byte { return []byte(starter) }
