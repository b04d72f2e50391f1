package testkit

import (
	"os"
	"testing"
)

// DirNames lists the names in dir, sorted, failing the test if dir
// cannot be read: what a save left in a folder.
func DirNames(t testing.TB, dir string) []string {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, f.Name())
	}
	return out
}

// ReadFile returns the contents of path, failing the test if it cannot
// be read.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// FileMode returns the permission bits of path, failing the test if it
// cannot be read.
func FileMode(t testing.TB, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
