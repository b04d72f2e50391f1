package model

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"iomt/assets"
)

// allocated returns the bytes f allocates on the heap: a bound on memory
// that does not depend on the machine's speed or load.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hostileFiles are the shapes that took the YAML library seconds and
// gigabytes: nesting by brackets, by "- " on one line and by
// indentation, and a flat file of very many items. Each is under the
// 1 MiB limit. line and col are where the limit is passed.
func hostileFiles() []struct {
	name      string
	data      []byte
	line, col int
	frag      string
} {
	keys := func(indent string, from, n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%sk%d: 1\n", indent, from+i)
		}
		return b.String()
	}
	// Two long mappings, a and b: the top mapping costs 2², the first
	// MaxBlockKeys keys M², and the second passes the budget at its key k
	// where 4 + M² + k² > MaxKeyCost.
	second := 1
	for 4+MaxBlockKeys*MaxBlockKeys+second*second <= MaxKeyCost {
		second++
	}
	ladder := strings.Builder{}
	ladder.WriteString("market: x\n")
	for i := range 1400 { // 1,400 levels are about 1 MB
		fmt.Fprintf(&ladder, "%*sk:\n", i, "")
	}
	return []struct {
		name      string
		data      []byte
		line, col int
		frag      string
	}{
		// The case of the report: "x: " and 40,000 '[' then ']'.
		{"brackets", []byte("x: " + strings.Repeat("[", 40000) + strings.Repeat("]", 40000) + "\n"), 1, 4 + MaxDepth - 1, "nest more than 32 levels"},
		{"braces", []byte("x: " + strings.Repeat("{a: ", 100000) + "\n"), 1, 4 + 4*(MaxDepth-1), "nest more than 32 levels"},
		{"json", []byte(strings.Repeat(`{"a":`, 100000)), 1, 1 + 5*MaxDepth, "nest more than 32 levels"},
		{"dashes", []byte("x:\n" + strings.Repeat("- ", 100000) + "a\n"), 2, 1 + 2*(MaxDepth-1), "nest more than 32 levels"},
		{"indentation", []byte(ladder.String()), MaxDepth + 2, MaxDepth + 1, "nest more than 32 levels"},
		{"items", []byte("x: [" + strings.Repeat("0,", 500000) + "0]\n"), 1, 4 + 2*(MaxItems/2-1), "more than 250000 items"},
		// 100,000 keys in one block mapping would take the library
		// half a minute.
		{"keys", []byte(keys("", 0, 100000)), MaxBlockKeys + 1, 1, "this mapping has more than 5000"},
		{"nested keys", []byte("x:\n" + keys("  ", 0, 50000)), MaxBlockKeys + 2, 3, "this mapping has more than 5000"},
		{"explicit keys", []byte(strings.Repeat("? k\n: 1\n", 50000)), 2*MaxBlockKeys + 1, 1, "this mapping has more than 5000"},
		{"long mappings", []byte("a:\n" + keys("  ", 0, MaxBlockKeys) + "b:\n" + keys("  ", MaxBlockKeys, 20000)), 2 + MaxBlockKeys + second, 3,
			fmt.Sprintf("this one has %d, and with the file's other long mappings", second)},
	}
}

// TestHostileFilesBounded: each hostile shape is refused before the YAML
// library sees it, at the place the limit is passed, in a few megabytes
// however large the file. Before the pre-scan, "brackets" took 2.8 GB and
// "dashes" 15 GB.
func TestHostileFilesBounded(t *testing.T) {
	for _, h := range hostileFiles() {
		t.Run(h.name, func(t *testing.T) {
			if len(h.data) > MaxFileSize {
				t.Fatalf("the file is %d bytes, over the size limit: it would not test the pre-scan", len(h.data))
			}
			var err error
			mem := allocated(func() { _, err = LoadDataset("hostile.yaml", h.data) })
			checkErrors(t, "hostile.yaml", err, []want{{h.line, h.col, h.frag}})
			if mem > 4<<20 {
				t.Errorf("refusing a %d-byte file allocated %d bytes; want at most 4 MiB", len(h.data), mem)
			}
			// The pre-scan itself allocates next to nothing: a stack no
			// deeper than the limit.
			if n := testing.AllocsPerRun(3, func() { _, _ = prescan("hostile.yaml", h.data) }); n > 40 {
				t.Errorf("prescan made %v allocations; want a handful", n)
			}
		})
	}
}

// TestPrescanAcceptsRealFiles: the pre-scan never refuses a real file,
// and nesting up to the limit passes in every form.
func TestPrescanAcceptsRealFiles(t *testing.T) {
	files := map[string][]byte{"iomt.yaml": assets.Dataset(), "iomt.json": toJSON(t, assets.Dataset())}
	for _, b := range builtins() {
		files[b.File] = b.Data
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "good", "*"))
	paths2, _ := filepath.Glob(filepath.Join("..", "testdata", "*.yaml"))
	for _, p := range append(paths, paths2...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = data
	}
	for name, data := range files {
		if _, err := prescan(name, normalize(data)); err != nil {
			t.Errorf("%s: refused by the pre-scan: %v", name, err)
		}
	}
	s := &scanner{file: "iomt.yaml", blockScalar: -1}
	for i, ln := range strings.Split(string(assets.Dataset()), "\n") {
		s.scanLine([]byte(ln), i+1)
	}
	if s.items < 500 || s.items > 2000 {
		t.Errorf("the IoMT dataset counts %d items; README says about 900", s.items)
	}
	t.Logf("the IoMT dataset has %d items", s.items)

	deep := func(levels int) map[string]string {
		var ladder strings.Builder
		for i := range levels - 1 {
			fmt.Fprintf(&ladder, "%*sk:\n", i, "")
		}
		fmt.Fprintf(&ladder, "%*sk: v\n", levels-1, "")
		// "k:" then "- k:" in the key's column, each level two deeper.
		compact := "k:\n"
		for i := range (levels - 1) / 2 {
			compact += strings.Repeat("  ", i) + "- k:\n"
		}
		compact += strings.Repeat("  ", (levels-1)/2) + "- a\n"
		return map[string]string{
			"flow":        strings.Repeat("[", levels) + strings.Repeat("]", levels),
			"json":        strings.Repeat(`{"a":`, levels-1) + "{}" + strings.Repeat("}", levels-1),
			"dashes":      strings.Repeat("- ", levels) + "a",
			"compact":     compact,
			"indentation": ladder.String(),
		}
	}
	for form, doc := range deep(MaxDepth) {
		if _, err := prescan(form, []byte(doc)); err != nil {
			t.Errorf("%s nested %d levels deep: refused: %v", form, MaxDepth, err)
		}
	}
	for form, doc := range deep(MaxDepth + 2) {
		if _, err := prescan(form, []byte(doc)); err == nil {
			t.Errorf("%s nested %d levels deep: not refused", form, MaxDepth+2)
		}
	}

	// Keys up to the limits pass: a block mapping of MaxBlockKeys, a
	// flow mapping of any length, and a list of many small mappings (a
	// dataset of 15,000 segments).
	var block, flow, list strings.Builder
	block.WriteString("x:\n")
	flow.WriteString("x: {\n")
	list.WriteString("segments:\n")
	for i := range MaxBlockKeys {
		fmt.Fprintf(&block, "  k%d: 1\n", i)
	}
	for i := range 60000 {
		fmt.Fprintf(&flow, "  k%d: 1,\n", i)
	}
	for i := range 15000 {
		fmt.Fprintf(&list, "  - name: s%d\n    share_pct: 1\n    cagr_pct: 2\n", i)
	}
	flow.WriteString("}\n")
	for name, doc := range map[string]string{"block": block.String(), "flow": flow.String(), "list": list.String()} {
		if _, err := prescan(name, []byte(doc)); err != nil {
			t.Errorf("%s mapping within the limits: refused: %v", name, err)
		}
	}
}

// astDepth is how deeply lists and mappings nest in a parsed document.
func astDepth(n ast.Node) int {
	switch n := n.(type) {
	case *ast.MappingNode:
		d := 0
		for _, v := range n.Values {
			d = max(d, astDepth(v))
		}
		return d + 1
	case *ast.MappingValueNode:
		return max(astDepth(n.Key), astDepth(n.Value))
	case *ast.SequenceNode:
		d := 0
		for _, v := range n.Values {
			d = max(d, astDepth(v))
		}
		return d + 1
	case *ast.TagNode:
		return astDepth(n.Value)
	case *ast.AnchorNode:
		return astDepth(n.Value)
	case *ast.MappingKeyNode:
		return astDepth(n.Value)
	}
	return 0
}

// FuzzPrescan: whatever the pre-scan lets through, the YAML library does
// not find nested deeper than the limit (a single-entry mapping inside a
// list entry can add one level the indentation does not show), and the
// pre-scan never fails on a file the library reads as shallow.
func FuzzPrescan(f *testing.F) {
	addSeeds(f)
	for _, h := range hostileFiles() {
		f.Add(h.data[:min(len(h.data), 4096)])
	}
	f.Add([]byte("a: |\n      x\n  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"))
	f.Add([]byte("a: b\n  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"))
	f.Add([]byte("a: \"x\n  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 16<<10 {
			return
		}
		data = normalize(data)
		_, perr := prescan("fuzz.yaml", data)
		if perr != nil && len(data) > 2048 {
			return // the library might take long on what was refused
		}
		file, err := parser.ParseBytes(data, 0)
		if err != nil {
			return
		}
		depth := 0
		for _, doc := range file.Docs {
			depth = max(depth, astDepth(doc.Body))
		}
		if perr == nil && depth > 2*MaxDepth {
			t.Fatalf("the pre-scan let through a document %d levels deep", depth)
		}
		if perr != nil && depth <= MaxDepth/2 && !strings.Contains(perr.Msg, "items") {
			t.Fatalf("the pre-scan refused a document %d levels deep: %v", depth, perr)
		}
	})
}
