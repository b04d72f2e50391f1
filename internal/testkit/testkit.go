// Package testkit holds what the tests and the load harness share: a
// buffer that one goroutine writes while another reads, readers of the
// dashboard's screen, a dataset as large as the file limits admit, and
// readers of what a save left in a folder.
package testkit

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Buffer is a bytes.Buffer safe for a writer and readers at once: the
// output of a process or an SSH session, read while it grows.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// ContainsAll reports whether s contains every one of subs.
func ContainsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// TreeRow is one row of the dashboard's segment tree, as displayed:
// "Telemedicine   31.2*  19.0  19.1" is share, CAGR and realised CAGR; a
// '*' marks a figure reported by the source, and is left out here.
type TreeRow struct{ Share, CAGR, Real string }

// FindTreeRow finds the first row on the screen that starts with name (a
// prefix, since narrow terminals cut names with "…") followed by the three
// one-decimal columns of the segment tree. The year table uses two
// decimals, so it never matches.
func FindTreeRow(screen, name string) (TreeRow, bool) {
	re := regexp.MustCompile(regexp.QuoteMeta(name) +
		`[^│┃\n]*?\s(\d+\.\d)\*?\s+(-?\d+\.\d)\*?\s+(-?\d+\.\d)\*?(?:\s|$)`)
	m := re.FindStringSubmatch(screen)
	if m == nil {
		return TreeRow{}, false
	}
	return TreeRow{Share: m[1], CAGR: m[2], Real: m[3]}, true
}

// The shape of LimitsDataset: 150 top-level segments of 100 sub-segments
// each, over 51 years.
const (
	LimitsTop   = 150
	LimitsSub   = 100
	LimitsNodes = 1 + LimitsTop + LimitsTop*LimitsSub // 15,151 with the total
	LimitsYears = 51
)

// LimitsDataset is a valid dataset at the documented limits: 15,150
// segments (150 of 100 sub-segments each, every share and rate its own)
// over 51 years (2000–2050, the most allowed), about 0.8 MB and 150,000
// items, under the 1 MiB and 250,000-item limits. Analysis on it costs
// the most a file can make it cost: one projection is 15,151 nodes × 51
// years.
func LimitsDataset() []byte { return WideDataset(LimitsTop, LimitsSub) }

// WideDataset is a dataset shaped as LimitsDataset, of top segments of
// sub sub-segments each, over 51 years: WideDataset(10, 99) has 1,000
// segments.
func WideDataset(top, sub int) []byte {
	var b strings.Builder
	b.WriteString("market: Limits\ncurrency: USD\nunit: billion\nbase_year: 2000\nend_year: 2050\n" +
		"total: {value: 1000, cagr_pct: 6}\ndimensions:\n  - name: Region\n    segments:\n")
	for i := range top {
		fmt.Fprintf(&b, "      - name: r%d\n        share_pct: %.6f\n        cagr_pct: %g\n        segments:\n",
			i, 100.0/float64(top), 3+float64(i%7))
		for j := range sub {
			fmt.Fprintf(&b, "          - {name: s%d, share_pct: %g, cagr_pct: %g}\n", j, 100.0/float64(sub), 2+float64((i+j)%9))
		}
	}
	return []byte(b.String())
}
