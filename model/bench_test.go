package model

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"iomt/assets"
)

// BenchmarkLoadDataset: the embedded IoMT dataset, parsed and validated,
// as every start and every `iomt validate` does.
func BenchmarkLoadDataset(b *testing.B) {
	data := assets.Dataset()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadDataset("iomt.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadWide: a valid dataset of 15,000 segments (about 1 MB),
// the largest kind of file the limits admit.
func BenchmarkLoadWide(b *testing.B) {
	var s strings.Builder
	s.WriteString("market: Wide\nbase_year: 2019\nend_year: 2027\ntotal: {value_bn: 100, cagr_pct: 5}\ndimensions:\n  - name: D\n    segments:\n")
	for i := range 15000 {
		fmt.Fprintf(&s, "      - {name: s%d, share_pct: %g, cagr_pct: 1}\n", i, 100.0/15000)
	}
	data := []byte(s.String())
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := LoadDataset("wide.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefuseDeep: the report's 40,000 '[' file, refused by the
// pre-scan before the YAML library sees it.
func BenchmarkRefuseDeep(b *testing.B) {
	data := []byte("x: " + strings.Repeat("[", 40000) + strings.Repeat("]", 40000) + "\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := LoadDataset("deep.yaml", data); err == nil {
			b.Fatal("loaded")
		}
	}
}

// BenchmarkPrescanMiB: the pre-scan over 1 MiB of a flat list (500,000
// items, refused at the 250,000th).
func BenchmarkPrescanMiB(b *testing.B) {
	data := []byte("x: [" + strings.Repeat("0,", 500000) + "0]\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		_, _ = prescan("wide.yaml", data)
	}
}

// BenchmarkLoadLongMappings: the costliest block mappings the limits
// admit, two of nearly MaxBlockKeys keys, parsed and refused for their
// unknown keys. The library's time grows with the square of a mapping's keys.
func BenchmarkLoadLongMappings(b *testing.B) {
	var doc strings.Builder
	for _, top := range []string{"a", "b"} {
		doc.WriteString(top + ":\n")
		for i := range MaxBlockKeys - 1 {
			fmt.Fprintf(&doc, "  k%d: 1\n", i)
		}
	}
	data := []byte(doc.String())
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := LoadDataset("long.yaml", data); err == nil {
			b.Fatal("loaded")
		}
	}
}

// BenchmarkManyProblems: a 1 MiB scenario of 25,000 unknown segment
// paths, each reported with its line. Finding each line was a linear scan
// of the mapping, which made this quadratic.
func BenchmarkManyProblems(b *testing.B) {
	ds, err := LoadDataset("iomt.yaml", assets.Dataset())
	if err != nil {
		b.Fatal(err)
	}
	var doc strings.Builder
	doc.WriteString("scenario: Many\ndataset: Internet of Medical Things\nmode: top-down\nsegments: {\n")
	for i := range 25000 {
		fmt.Fprintf(&doc, "  Application/Seg%d: {cagr_pct: 5},\n", i)
	}
	doc.WriteString("}\n")
	data := []byte(doc.String())
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		_, err := LoadScenario("many.yaml", data, ds)
		var list ErrorList
		if !errors.As(err, &list) || len(list) != 25000 {
			b.Fatalf("want 25000 problems, got %v", err)
		}
	}
}
