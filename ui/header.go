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
	c     *common
	width int
	// tabX holds each tab's [start, end) column on the tab line, for clicks.
	tabX [][2]int
}

func newHeader(c *common) header { return header{c: c} }

// SetSize sets the header's width; it is always two lines high.
func (h *header) SetSize(w int) { h.width = w }

// height is the number of lines the header takes.
func (h *header) height() int { return 2 }

// View renders the title line and the tab line, and records tab positions.
func (h *header) View() string {
	c, s := h.c, h.c.styles
	a := c.assumptions()
	mode := a.Mode.String()
	if a.Mode == model.BottomUp {
		mode += " (driver: " + c.ds.Dims[a.Driver].Name + ")"
	}
	title := s.Title.Render(clean(c.ds.Market))
	scen := "Scenario: " + clean(c.scenario)
	if c.dirty() {
		scen += s.Bad.Render(" ● unsaved")
	}
	right := s.Muted.Render(mode)
	left := title + s.Muted.Render(" · ") + scen
	gap := h.width - lipgloss.Width(left) - lipgloss.Width(right)
	line1 := left + strings.Repeat(" ", max(gap, 1)) + right

	var tabs []string
	h.tabX = h.tabX[:0]
	x := 0
	for i, d := range c.ds.Dims {
		label := fmt.Sprintf("%d %s", i+1, clean(d.Name))
		st := s.Tab
		if i == c.dim {
			st = s.ActiveTab
		}
		t := st.Render(label)
		w := lipgloss.Width(t)
		h.tabX = append(h.tabX, [2]int{x, x + w})
		x += w
		tabs = append(tabs, t)
	}
	line2 := strings.Join(tabs, "")
	return ansi.Truncate(line1, h.width, "…") + "\n" + ansi.Truncate(line2, h.width, "…")
}

// tabAt returns the tab under column x of the tab line, or -1.
func (h *header) tabAt(x int) int {
	for i, r := range h.tabX {
		if x >= r[0] && x < r[1] {
			return i
		}
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
