// Package testkit holds what the tests and the load harness share: a
// buffer that one goroutine writes while another reads, and readers of
// the dashboard's screen.
package testkit

import (
	"bytes"
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
