// Package assets embeds the default IoMT dataset so that `iomt` works
// with no files at hand.
package assets

import (
	"embed"
	"io/fs"
	"path"
	"slices"
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

// Scenario is one embedded scenario file.
type Scenario struct {
	Name string // file name, e.g. "base.yaml"
	Data []byte
}

// Scenarios returns the embedded scenario files, Base first, then by name.
func Scenarios() []Scenario {
	entries, _ := fs.ReadDir(scenarios, "scenarios")
	var out []Scenario
	for _, e := range entries {
		data, err := fs.ReadFile(scenarios, path.Join("scenarios", e.Name()))
		if err != nil {
			continue
		}
		out = append(out, Scenario{Name: e.Name(), Data: data})
	}
	slices.SortStableFunc(out, func(a, b Scenario) int {
		switch {
		case a.Name == "base.yaml":
			return -1
		case b.Name == "base.yaml":
			return 1
		}
		return 0
	})
	return out
}
