// Package assets embeds the default IoMT dataset so that `iomt` works
// with no files at hand.
package assets

import _ "embed"

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
