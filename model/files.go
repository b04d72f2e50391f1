package model

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"iomt/internal/safefile"
)

// ReadFile reads a dataset or scenario file: a regular file of at most
// MaxFileSize bytes. A FIFO, device, socket or folder is refused with an
// error naming it, never waited on.
func ReadFile(path string) ([]byte, error) {
	data, err := safefile.Read(path, MaxFileSize)
	var big *safefile.TooLargeError
	if errors.As(err, &big) {
		return nil, ErrorList{{File: path, Msg: fmt.Sprintf("file is over the %d-byte (1 MiB) limit", MaxFileSize), Hint: "is this the right file?"}}
	}
	return data, err
}

// unwrapPath drops the *os.PathError wrapper, whose text repeats the path
// we already name.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// ReadDataset reads and validates a dataset file.
func ReadDataset(path string) (*Dataset, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return LoadDataset(path, data)
}

// ReadScenario reads a scenario file and resolves it against ds.
func ReadScenario(path string, ds *Dataset) (*Scenario, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return LoadScenario(path, data, ds)
}

// FileKind tells datasets from scenarios.
type FileKind int

// The kinds of file that `iomt validate` accepts.
const (
	UnknownFile FileKind = iota
	DatasetFile
	ScenarioFile
)

// DetectKind tells a dataset (top-level `market:`) from a scenario
// (top-level `scenario:`). A file that is neither, or does not parse, is
// an error at its position.
func DetectKind(file string, data []byte) (FileKind, error) {
	keys, err := topKeys(file, data)
	switch {
	case err != nil:
		return UnknownFile, err
	case slices.Contains(keys, "market"):
		return DatasetFile, nil
	case slices.Contains(keys, "scenario"):
		return ScenarioFile, nil
	}
	return UnknownFile, ErrorList{{File: file, Line: 1, Col: 1,
		Msg: "neither a dataset nor a scenario", Hint: "a dataset starts with market:, a scenario with scenario:"}}
}
