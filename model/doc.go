// Package model is iomt's market and scenario data: what the files say,
// checked, and the state a user edits. It knows nothing of screens,
// commands or the network, and holds no mutable package-level state: one
// Dataset is shared, read-only, by every session at once.
//
// # Dataset
//
// A Dataset (dataset.go) is one market: its tree of segments (Node, with
// the Total as node 0), the sibling sets whose shares add up to 100
// (Group), the ways of cutting the market (Dimension), the report's
// context and its levers, and the base-year figures. LoadDataset reads
// one from YAML or JSON; it is never changed afterwards. Units and field
// names for display are in units.go, the report's own figures in
// reported.go.
//
// # Scenario and assumptions
//
// A Scenario (scenario.go) is a name, a description and Assumptions
// (assumptions.go): a growth rate, share, lock and range per node, the
// total's year rates, lever impacts, the mode and the CAGR window.
// LoadScenario reads a scenario file against a dataset in phases (parse,
// resolve names, check values, build), and Dataset.MarshalScenario writes
// one back holding only what differs from the dataset. Dataset.Apply
// makes an Edit, returning fresh Assumptions: a value handed out is never
// changed in place.
//
// # History
//
// A History (history.go) is the undo and redo stack of one scenario:
// whole Assumptions snapshots, so undo restores bit-identical states.
//
// # Workspace and catalog
//
// A Workspace (workspace.go) is the folder a user saves scenarios into,
// with its label, its quota (quota.go) and the built-in scenarios of the
// dataset's market. It is also the catalog (catalog.go): Builtins, Saved,
// List and Resolve say what a user can open by name, and looking never
// writes. Saves are atomic (internal/safefile), keep a .bak, and are the
// only thing that clears the leftovers of a killed save.
//
// # Validation and errors
//
// Every file is hostile until checked. ReadFile (files.go) takes regular
// files of at most MaxFileSize; prescan.go bounds nesting and size before
// the YAML library sees a byte; yamlfile.go, syntax.go and types.go parse
// strictly, reporting unknown keys, duplicates and values of the wrong
// kind; text.go checks names and free text shown on screens. Problems
// come back as an ErrorList of Error values (errors.go), each at
// FILE:LINE:COL with a hint, all of a file's problems in file order, so
// that a user fixes them in one pass.
package model
