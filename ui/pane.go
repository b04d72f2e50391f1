package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// pane draws body inside a border of exactly w×h cells with title on the
// top edge. Lines are cut with ansi.Truncate so styled text never spills.
func pane(s *Styles, focused bool, title, body string, w, h int) string {
	st := s.Pane
	if focused {
		st = s.FocusedPane
	}
	inner := max(w-2, 0)
	lines := strings.Split(body, "\n")
	if len(lines) > h-2 {
		lines = lines[:max(h-2, 0)]
	}
	for i, l := range lines {
		lines[i] = padRight(ansi.Truncate(l, inner, ""), inner)
	}
	for len(lines) < h-2 {
		lines = append(lines, strings.Repeat(" ", inner))
	}
	box := st.Width(w).Height(h).Render(strings.Join(lines, "\n"))
	// Put the title into the top border.
	out := strings.SplitN(box, "\n", 2)
	if len(out) == 2 && inner > 4 {
		t := " " + ansi.Truncate(title, inner-4, "…") + " "
		top := out[0]
		tw := ansi.StringWidth(t)
		out[0] = ansi.Truncate(top, 2, "") + s.PaneTitle.Render(t) + ansi.TruncateLeft(top, 2+tw, "")
		return out[0] + "\n" + out[1]
	}
	return box
}
