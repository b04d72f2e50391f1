package model

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// want is one expected problem: the exact position and a fragment of the
// message (hint included) that must appear after "FILE:LINE:COL: ".
type want struct {
	line, col int
	frag      string
}

func (w want) String() string { return fmt.Sprintf("%d:%d: %s", w.line, w.col, w.frag) }

// parseWant reads "LINE:COL: fragment".
func parseWant(s string) (want, error) {
	lc, frag, ok := strings.Cut(strings.TrimSpace(s), ": ")
	if !ok {
		return want{}, fmt.Errorf("want %q: no \": \" after the position", s)
	}
	ls, cs, ok := strings.Cut(lc, ":")
	if !ok {
		return want{}, fmt.Errorf("want %q: position is not LINE:COL", s)
	}
	l, err1 := strconv.Atoi(ls)
	c, err2 := strconv.Atoi(cs)
	if err1 != nil || err2 != nil || l < 1 || c < 1 || frag == "" {
		return want{}, fmt.Errorf("want %q: bad position or empty fragment", s)
	}
	return want{l, c, frag}, nil
}

// readWants returns the expectations of a bad file: its leading
// "# want: ..." comment lines, or for JSON (which has no comments) the
// lines of the sidecar NAME.want file.
func readWants(path string, data []byte) ([]want, error) {
	var lines []string
	if strings.HasSuffix(path, ".json") {
		side, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".want")
		if err != nil {
			return nil, err
		}
		for l := range strings.Lines(string(side)) {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			rest, ok := strings.CutPrefix(sc.Text(), "# want: ")
			if !ok {
				break
			}
			lines = append(lines, rest)
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%s: no expectation (# want: LINE:COL: fragment)", path)
	}
	var ws []want
	for _, l := range lines {
		w, err := parseWant(l)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		ws = append(ws, w)
	}
	return ws, nil
}

// checkErrors asserts that err is an ErrorList holding exactly the wanted
// problems, in file order, each at its exact FILE:LINE:COL.
func checkErrors(t *testing.T, file string, err error, wants []want) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: loaded without error; want %v", file, wants)
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("%s: error is %T, not an ErrorList: %v", file, err, err)
	}
	if len(list) != len(wants) {
		t.Errorf("%s: got %d problems, want %d:\n%v\nwant:\n%v", file, len(list), len(wants), err, wants)
	}
	for i := range min(len(list), len(wants)) {
		e, w := list[i], wants[i]
		prefix := fmt.Sprintf("%s:%d:%d: ", file, w.line, w.col)
		text := e.Error()
		if e.File != file || e.Line != w.line || e.Col != w.col || !strings.HasPrefix(text, prefix) {
			t.Errorf("problem %d at %s:%d:%d, want %s\n  %s", i+1, e.File, e.Line, e.Col, prefix, text)
			continue
		}
		if !strings.Contains(strings.TrimPrefix(text, prefix), w.frag) {
			t.Errorf("problem %d message\n  %s\ndoes not contain\n  %s", i+1, text, w.frag)
		}
	}
}

// TestBadFiles loads every file of the malformed corpus and checks each
// reported problem against the file's own expectation. Files named ds_*
// are datasets; sc_* are scenarios, checked against the embedded dataset.
func TestBadFiles(t *testing.T) {
	ds := embedded(t)
	paths, err := filepath.Glob(filepath.Join("testdata", "bad", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var n, nds, nsc, njson int
	for _, path := range paths {
		if strings.HasSuffix(path, ".want") {
			if _, err := os.Stat(strings.TrimSuffix(path, ".want") + ".json"); err != nil {
				t.Errorf("%s has no JSON file beside it", path)
			}
			continue
		}
		n++
		name := filepath.Base(path)
		if strings.HasSuffix(name, ".json") {
			njson++
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wants, err := readWants(path, data)
			if err != nil {
				t.Fatal(err)
			}
			load := func(data []byte) error {
				if strings.HasPrefix(name, "ds_") {
					_, err := LoadDataset(path, data)
					return err
				}
				_, err := LoadScenario(path, data, ds)
				return err
			}
			switch {
			case strings.HasPrefix(name, "ds_"):
				nds++
			case strings.HasPrefix(name, "sc_"):
				nsc++
			default:
				t.Fatalf("name %s starts with neither ds_ nor sc_", name)
			}
			checkErrors(t, path, load(data), wants)
			// Saved on Windows, the file has the same problems at the same
			// places.
			crlf := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
			checkErrors(t, path, load(crlf), wants)
			// So does a file that starts with a byte order mark.
			checkErrors(t, path, load(append([]byte("\ufeff"), crlf...)), wants)
		})
	}
	if n < 30 || nds < 10 || nsc < 10 || njson < 3 {
		t.Errorf("corpus has %d files (%d datasets, %d scenarios, %d JSON); want at least 30, 10, 10, 3", n, nds, nsc, njson)
	}
}
