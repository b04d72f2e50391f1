package ui

import (
	"fmt"
	"iomt/model"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// header shows the market, the scenario and the dimension tabs.
type header struct {
	c      *common
	width  int
	banner string // demo role: whom this session follows
}

func newHeader(c *common) header { return header{c: c} }

// SetSize sets the header's width; it is always two lines high.
func (h *header) SetSize(w int) { h.width = w }

// height is the number of lines the header takes.
func (h *header) height() int { return 2 }

// View renders the title line and the tab line.
func (h *header) View() string {
	c, s := h.c, h.c.styles
	a := c.assumptions()
	mode := a.Mode.String()
	if a.Mode == model.BottomUp {
		mode += " (driver: " + c.ds.Dims[a.Driver].Name + ")"
	}
	title := s.Title.Render(clean(c.ds.Market))
	if h.banner != "" {
		title = s.Error.Render(h.banner) + s.Muted.Render(" · ") + title
	}
	scen := "Scenario: " + clean(c.scenario)
	if c.dirty() {
		scen += s.Bad.Render(" ● unsaved")
	}
	if c.compare != nil {
		mode = "vs " + clean(c.compare.name) + " · " + mode
	}
	right := s.Muted.Render(mode)
	left := title + s.Muted.Render(" · ") + scen
	gap := h.width - lipgloss.Width(left) - lipgloss.Width(right)
	line1 := left + strings.Repeat(" ", max(gap, 1)) + right

	var tabs []string
	for i := range c.ds.Dims {
		tabs = append(tabs, h.tab(i))
	}
	line2 := strings.Join(tabs, "")
	return ansi.Truncate(line1, h.width, "…") + "\n" + ansi.Truncate(line2, h.width, "…")
}

// tab renders the label of tab i.
func (h *header) tab(i int) string {
	s := h.c.styles
	st := s.Tab
	if i == h.c.dim {
		st = s.ActiveTab
	}
	return st.Render(fmt.Sprintf("%d %s", i+1, clean(h.c.ds.Dims[i].Name)))
}

// tabAt returns the tab under column x of the tab line, or -1. It measures
// the tabs afresh rather than remembering them from View, which renders a
// copy of the model: positions recorded there never reach Update.
func (h *header) tabAt(x int) int {
	if x >= h.width {
		return -1
	}
	start := 0
	for i := range h.c.ds.Dims {
		end := start + lipgloss.Width(h.tab(i))
		if x >= start && x < end {
			return i
		}
		start = end
	}
	return -1
}

// clean removes control characters from text that came from a file, so a
// hostile dataset cannot move the cursor or rewrite a viewer's screen.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
