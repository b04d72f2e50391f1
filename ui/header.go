package ui

import (
	"cmp"
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/internal/safetext"
	"iomt/model"
)

// header shows the market, the scenario and the dimension tabs.
type header struct {
	e      env
	width  int
	banner string // demo role: whom this session follows
	// shortBanner stands in for banner where the line is too narrow for
	// both it and the scenario's name.
	shortBanner string
}

func newHeader(e env) header { return header{e: e} }

// SetSize sets the header's width; it is always two lines high.
func (h *header) SetSize(w int) { h.width = w }

// View renders the title line and the tab line.
func (h *header) View() string {
	e, s := h.e, h.e.look.styles
	a := e.scen.Assumptions()
	mode := a.Mode.String()
	if a.Mode == model.BottomUp {
		mode += " (driver: " + e.ds.Dims[a.Driver].Name + ")"
	}
	sep := s.Muted.Render(" · ")
	name := "Scenario: " + clean(e.scen.Name())
	unsaved := ""
	if e.scen.Dirty() {
		unsaved = s.Bad.Render(" ● unsaved")
	}
	scen := name + unsaved
	vs := ""
	if cmps := e.scen.Compared(); len(cmps) > 0 {
		vs = "vs " + comparedNames(cmps)
		mode = vs + " · " + mode
	}
	// What the line must keep, most important first: the scenario (what
	// an audience is looking at), what it is compared with, the demo
	// role, then the market's name and the mode. The first layout that
	// fits wins.
	banner, short := h.banner, cmp.Or(h.shortBanner, h.banner)
	market := s.Title.Render(clean(e.ds.Market))
	var line1 string
	for _, l := range []struct {
		banner, market, right string
	}{
		{banner, market, mode}, {banner, "", mode}, {short, "", mode},
	} {
		var parts []string
		if l.banner != "" {
			parts = append(parts, s.Error.Render(l.banner))
		}
		if l.market != "" {
			parts = append(parts, l.market)
		}
		left := strings.Join(append(parts, scen), sep)
		right := s.Muted.Render(l.right)
		gap := h.width - lipgloss.Width(left) - lipgloss.Width(right)
		line1 = left + strings.Repeat(" ", max(gap, 1)) + right
		if gap >= 1 {
			break
		}
		if l.banner == short {
			// Still too long: the scenario's name gives way, never the
			// mode, which says how every number on screen is computed,
			// nor the unsaved mark, which says what quitting would lose.
			lead := ""
			if l.banner != "" {
				lead = s.Error.Render(l.banner) + sep
			}
			room := h.width - lipgloss.Width(lead) - lipgloss.Width(unsaved) - lipgloss.Width(right) - 1
			if keep := min(lipgloss.Width(name), 28); room < keep && vs != "" {
				// The compared scenarios give way before the scenario's
				// own name: with four compared, "Sc… vs …" no longer
				// said which scenario the screen shows.
				modeOnly := strings.TrimPrefix(l.right, vs+" · ")
				vsRoom := h.width - lipgloss.Width(lead) - keep - lipgloss.Width(unsaved) - 1 - lipgloss.Width(" · "+modeOnly)
				plain := modeOnly
				if vsRoom >= len("vs A…") {
					plain = ansi.Truncate(vs, vsRoom, "…") + " · " + modeOnly
				}
				right = s.Muted.Render(plain)
				room = h.width - lipgloss.Width(lead) - lipgloss.Width(unsaved) - lipgloss.Width(right) - 1
			}
			line1 = lead + ansi.Truncate(name, max(room, 1), "…") + unsaved + " " + right
		}
	}

	first, last := h.tabWindow()
	var line2 strings.Builder
	if first > 0 {
		line2.WriteString(s.Muted.Render(moreTabs))
	}
	for i := first; i <= last; i++ {
		line2.WriteString(h.tab(i))
	}
	if last < len(e.ds.Dims)-1 {
		line2.WriteString(s.Muted.Render(moreTabs))
	}
	return ansi.Truncate(line1, h.width, "…") + "\n" + ansi.Truncate(line2.String(), h.width, "…")
}

// moreTabs marks a side of the tab line with tabs out of sight ([ and ]
// reach them).
const moreTabs = "…"

// tab renders the label of tab i: its number key when it has one (1-9).
func (h *header) tab(i int) string {
	s := h.e.look.styles
	st := s.Tab
	if i == h.e.sel.dim {
		st = s.ActiveTab
	}
	label := clean(h.e.ds.Dims[i].Name)
	if i < 9 {
		label = fmt.Sprintf("%d %s", i+1, label)
	}
	return st.Render(label)
}

// tabWindow is the range of tabs the tab line shows: all of them when
// they fit, else as many as fit around the current one, so the tab in
// use is always in sight however many dimensions the dataset has.
func (h *header) tabWindow() (first, last int) {
	n := len(h.e.ds.Dims)
	widths := make([]int, n)
	total := 0
	for i := range widths {
		widths[i] = lipgloss.Width(h.tab(i))
		total += widths[i]
	}
	if total <= h.width {
		return 0, n - 1
	}
	mark := lipgloss.Width(moreTabs)
	room := h.width - 2*mark
	first, last = h.e.sel.dim, h.e.sel.dim
	used := widths[h.e.sel.dim]
	for grew := true; grew; {
		grew = false
		if last+1 < n && used+widths[last+1] <= room {
			last++
			used += widths[last]
			grew = true
		}
		if first > 0 && used+widths[first-1] <= room {
			first--
			used += widths[first]
			grew = true
		}
	}
	return first, last
}

// tabAt returns the tab under column x of the tab line, or -1. It measures
// the tabs afresh rather than remembering them from View, which renders a
// copy of the model: positions recorded there never reach Update.
func (h *header) tabAt(x int) int {
	if x >= h.width {
		return -1
	}
	first, last := h.tabWindow()
	start := 0
	if first > 0 {
		start = lipgloss.Width(moreTabs)
	}
	for i := first; i <= last; i++ {
		end := start + lipgloss.Width(h.tab(i))
		if x >= start && x < end {
			return i
		}
		start = end
	}
	return -1
}

// clean removes control characters, bidirectional controls and other
// invisible characters from text that came from a file or a client, so a
// hostile dataset cannot move the cursor, rewrite a viewer's screen or
// make a line read differently from what it says.
func clean(s string) string { return safetext.Strip(s) }
