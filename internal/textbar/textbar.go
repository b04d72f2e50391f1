// Package textbar draws the bars of a histogram in text, for the
// command line and the dashboard alike.
//
// Hand-written: asciigraph draws lines only, and bubbles has no chart; a
// bar is a run of full blocks and one of the eighth blocks.
package textbar

import "strings"

// eighths are the left blocks one to seven eighths wide.
var eighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// Bar draws n of largest as a bar of at most width cells, in eighths of
// a cell; a count above 0 always shows at least an eighth.
func Bar(n, largest, width int) string {
	if n <= 0 || largest <= 0 || width <= 0 {
		return ""
	}
	e := n * width * 8 / largest
	if e == 0 {
		e = 1
	}
	e = min(e, width*8)
	return strings.Repeat("█", e/8) + eighths[e%8]
}
