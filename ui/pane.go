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
	b, bs := lipgloss.RoundedBorder(), s.Border
	if focused {
		b, bs = lipgloss.ThickBorder(), s.FocusBorder
	}
	inner := max(w-2, 0)
	if h < 2 || w < 2 {
		return ""
	}
	var out strings.Builder
	out.Grow((w + 16) * h)

	// Top edge with the title.
	t := ""
	if inner > 4 && title != "" {
		t = " " + ansi.Truncate(title, inner-4, "…") + " "
	}
	tw := ansi.StringWidth(t)
	out.WriteString(bs.Render(b.TopLeft + b.Top))
	if tw > 0 {
		out.WriteString(s.PaneTitle.Render(t))
	}
	out.WriteString(bs.Render(strings.Repeat(b.Top, max(inner-1-tw, 0)) + b.TopRight))

	left, right := bs.Render(b.Left), bs.Render(b.Right)
	lines := strings.Split(body, "\n")
	for i := range h - 2 {
		out.WriteByte('\n')
		out.WriteString(left)
		if i < len(lines) {
			// Measure once: width is the expensive part of a frame.
			l := lines[i]
			lw := ansi.StringWidthWc(l)
			if lw > inner {
				l, lw = ansi.TruncateWc(l, inner, ""), inner
			}
			out.WriteString(l)
			out.WriteString(strings.Repeat(" ", max(inner-lw, 0)))
		} else {
			out.WriteString(strings.Repeat(" ", inner))
		}
		out.WriteString(right)
	}
	out.WriteByte('\n')
	out.WriteString(bs.Render(b.BottomLeft + strings.Repeat(b.Bottom, inner) + b.BottomRight))
	return out.String()
}

// sideBySide joins two blocks of equal height line by line; both are
// already exactly as wide as their panes, so no measuring is needed.
func sideBySide(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	for i := range max(len(la), len(lb)) {
		if i > 0 {
			out.WriteByte('\n')
		}
		if i < len(la) {
			out.WriteString(la[i])
		}
		if i < len(lb) {
			out.WriteString(lb[i])
		}
	}
	return out.String()
}

// paneTitle writes a pane's title from format and a name, shortening the
// name, never the rest, so that the title fits a pane w wide: the rest
// carries the numbers (a year, a count of paths, a Δ), and pane would cut
// a title from its end.
func paneTitle(w int, format, name string) string {
	room := w - 6 - ansi.StringWidth(fmt.Sprintf(format, ""))
	return fmt.Sprintf(format, ansi.Truncate(name, max(room, 1), "…"))
}
