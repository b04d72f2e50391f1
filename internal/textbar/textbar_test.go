package textbar

import (
	"testing"
	"unicode/utf8"
)

// TestBar: the largest count fills the width; a count is drawn in
// eighths of a cell, never wider than the width; a count of 0 draws
// nothing and any other at least an eighth.
func TestBar(t *testing.T) {
	for _, c := range []struct {
		n, largest, width int
		want              string
	}{
		{10, 10, 4, "████"},
		{5, 10, 4, "██"},
		{1, 16, 2, "▏"},
		{3, 16, 2, "▍"},
		{1, 1000, 4, "▏"},
		{0, 10, 4, ""},
		{20, 10, 3, "███"},
		{9, 16, 2, "█▏"},
	} {
		got := Bar(c.n, c.largest, c.width)
		if got != c.want {
			t.Errorf("Bar(%d, %d, %d) = %q, want %q", c.n, c.largest, c.width, got, c.want)
		}
		if utf8.RuneCountInString(got) > c.width {
			t.Errorf("Bar(%d, %d, %d) is %d cells wide", c.n, c.largest, c.width, utf8.RuneCountInString(got))
		}
	}
}
