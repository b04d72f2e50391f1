package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// pane draws body inside a border of exactly w×h cells with title on the
// top edge. Lines are cut with ansi.Truncate so styled text never spills.
// The border is assembled by hand rather than with a bordered lipgloss
// style: lipgloss re-measures and re-wraps every line of the body, which
// made borders a third of the cost of a keypress at 200×60.
func pane(s *Styles, focused bool, title, body string, w, h int) string {
	if h < 2 || w < 2 {
		return ""
	}
	var out strings.Builder
	out.Grow((w + 16) * h)
	writePane(&out, s, focused, title, body, w, h)
	return out.String()
}

// writePane writes pane(s, focused, title, body, w, h) to out: the lines
// of the body are read in place and measured once, the border's pieces
// written in their pre-rendered colours.
func writePane(out *strings.Builder, s *Styles, focused bool, title, body string, w, h int) {
	b, bs := lipgloss.RoundedBorder(), s.paint.border
	if focused {
		b, bs = lipgloss.ThickBorder(), s.paint.focusBorder
	}
	inner := max(w-2, 0)
	if h < 2 || w < 2 {
		return
	}

	// Top edge with the title.
	t := ""
	if inner > 4 && title != "" {
		t = title
		if textWidth(t) > inner-4 {
			t = ansi.Truncate(title, inner-4, "…")
		}
		t = " " + t + " "
	}
	tw := textWidth(t)
	bs.write(out, b.TopLeft+b.Top)
	if tw > 0 {
		s.paint.paneTitle.write(out, t)
	}
	bs.write(out, strings.Repeat(b.Top, max(inner-1-tw, 0))+b.TopRight)

	rest, more := body, true
	for range h - 2 {
		out.WriteByte('\n')
		bs.write(out, b.Left)
		if more {
			// Measure once: width is the expensive part of a frame.
			var l string
			l, rest, more = strings.Cut(rest, "\n")
			lw := textWidthWc(l)
			if lw > inner {
				l, lw = ansi.TruncateWc(l, inner, ""), inner
			}
			out.WriteString(l)
			writeSpaces(out, inner-lw)
		} else {
			writeSpaces(out, inner)
		}
		bs.write(out, b.Right)
	}
	out.WriteByte('\n')
	bs.write(out, b.BottomLeft+strings.Repeat(b.Bottom, inner)+b.BottomRight)
}

// blanks is a run of spaces to pad with, cut to the length needed.
const blanks = "                                                                                                                                "

// writeSpaces writes n spaces to out (none for n <= 0).
func writeSpaces(out *strings.Builder, n int) {
	for n > 0 {
		k := min(n, len(blanks))
		out.WriteString(blanks[:k])
		n -= k
	}
}

// writeSideBySide writes two blocks of equal height to out, joined line
// by line and read in place; both are already exactly as wide as their
// panes, so no measuring is needed.
func writeSideBySide(out *strings.Builder, a, b string) {
	moreA, moreB := true, true
	for i := 0; moreA || moreB; i++ {
		if i > 0 {
			out.WriteByte('\n')
		}
		var l string
		if moreA {
			l, a, moreA = strings.Cut(a, "\n")
			out.WriteString(l)
		}
		if moreB {
			l, b, moreB = strings.Cut(b, "\n")
			out.WriteString(l)
		}
	}
}

// paneTitle writes a pane's title from format and a name, shortening the
// name, never the rest, so that the title fits a pane w wide: the rest
// carries the numbers (a year, a count of paths, a Δ), and pane would cut
// a title from its end.
func paneTitle(w int, format, name string) string {
	room := w - 6 - ansi.StringWidth(fmt.Sprintf(format, ""))
	return fmt.Sprintf(format, ansi.Truncate(name, max(room, 1), "…"))
}
