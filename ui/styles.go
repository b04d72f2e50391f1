package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/textinput"
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/guptarohit/asciigraph"
)

// palette is the small set of semantic colours everything is drawn with.
type palette struct {
	text, muted, accent, border, selBg, selFg, bad color.Color
	// heat shades a data table's cells, lowest values first.
	heat []color.Color
	// series are xterm-256 colour numbers for asciigraph, which writes its
	// own escape codes rather than taking lipgloss colours.
	series []asciigraph.AnsiColor
}

func darkPalette() palette {
	return palette{
		text: lipgloss.Color("#E6E6E6"), muted: lipgloss.Color("#8A8F98"), accent: lipgloss.Color("#7AB8FF"),
		border: lipgloss.Color("#4A5060"), selBg: lipgloss.Color("#2F4A6B"), selFg: lipgloss.Color("#FFFFFF"),
		bad: lipgloss.Color("#FF7A7A"),
		heat: []color.Color{lipgloss.Color("#1C2733"), lipgloss.Color("#22384D"), lipgloss.Color("#294B66"),
			lipgloss.Color("#315F80"), lipgloss.Color("#3A739A")},
		series: []asciigraph.AnsiColor{asciigraph.DodgerBlue, asciigraph.Orange, asciigraph.LimeGreen,
			asciigraph.HotPink, asciigraph.Gold, asciigraph.MediumPurple, asciigraph.Turquoise, asciigraph.Salmon},
	}
}

func lightPalette() palette {
	return palette{
		text: lipgloss.Color("#1E1E1E"), muted: lipgloss.Color("#6B7078"), accent: lipgloss.Color("#0B5CAD"),
		border: lipgloss.Color("#A0A6B0"), selBg: lipgloss.Color("#CFE3FA"), selFg: lipgloss.Color("#000000"),
		bad: lipgloss.Color("#B3261E"),
		heat: []color.Color{lipgloss.Color("#F4F7FB"), lipgloss.Color("#E1EBF6"), lipgloss.Color("#CCDDF0"),
			lipgloss.Color("#B5CEE9"), lipgloss.Color("#9DBEE2")},
		series: []asciigraph.AnsiColor{asciigraph.Blue, asciigraph.DarkOrange, asciigraph.Green,
			asciigraph.DeepPink, asciigraph.DarkGoldenrod, asciigraph.Purple, asciigraph.Teal, asciigraph.Brown},
	}
}

// Styles are every lipgloss style of the dashboard, built from one palette.
type Styles struct {
	noColor bool
	dark    bool
	pal     palette

	Title, Muted, Accent, Bad, Error lipgloss.Style
	Tab, ActiveTab                   lipgloss.Style
	Border, FocusBorder              lipgloss.Style
	PaneTitle                        lipgloss.Style
	Header, Row, Selected, Total     lipgloss.Style
	// Heat shades a data table's cells by value, lowest first; without
	// colour, plain.
	Heat []lipgloss.Style
}

// newStyles builds the styles for a dark or light background. With
// noColor, only attributes (bold, reverse, underline) distinguish things.
func newStyles(dark, noColor bool) *Styles {
	p := darkPalette()
	if !dark {
		p = lightPalette()
	}
	s := &Styles{noColor: noColor, dark: dark, pal: p}
	st := lipgloss.NewStyle
	fg := func(c color.Color) lipgloss.Style {
		if noColor {
			return st()
		}
		return st().Foreground(c)
	}
	s.Title = fg(p.accent).Bold(true)
	s.Muted = fg(p.muted)
	s.Accent = fg(p.accent)
	s.Bad = fg(p.bad)
	s.Error = fg(p.bad).Bold(true)
	s.Tab = fg(p.muted).Padding(0, 1)
	s.ActiveTab = fg(p.accent).Bold(true).Underline(true).Padding(0, 1)
	s.Border = fg(p.border)
	s.FocusBorder = fg(p.accent)
	s.PaneTitle = fg(p.accent).Bold(true)
	s.Header = fg(p.muted).Bold(true)
	s.Row = st()
	s.Total = st().Bold(true)
	if noColor {
		s.Selected = st().Reverse(true)
	} else {
		s.Selected = st().Background(p.selBg).Foreground(p.selFg)
	}
	for _, c := range p.heat {
		if noColor {
			s.Heat = append(s.Heat, st())
		} else {
			s.Heat = append(s.Heat, st().Background(c).Foreground(p.text))
		}
	}
	return s
}

// help returns the bubbles help styles in this palette.
func (s *Styles) help() help.Styles {
	return help.Styles{
		Ellipsis: s.Muted, ShortKey: s.Accent, ShortDesc: s.Muted, ShortSeparator: s.Muted,
		FullKey: s.Accent, FullDesc: s.Row, FullSeparator: s.Muted,
	}
}

// input returns the bubbles text input styles in this palette.
func (s *Styles) input() textinput.Styles {
	st := textinput.DefaultStyles(true)
	state := textinput.StyleState{Text: s.Row, Placeholder: s.Muted, Suggestion: s.Muted, Prompt: s.Accent}
	st.Focused, st.Blurred = state, state
	// A steady cursor: a blinking one redraws the screen twice a second
	// for as long as a prompt is open, which over SSH is a frame sent to
	// every viewer with a prompt open, for nothing.
	st.Cursor.Blink = false
	if s.noColor {
		st.Cursor.Color = nil
	} else {
		st.Cursor.Color = s.pal.accent
	}
	return st
}

// seriesColor returns the chart colour of series i.
func (s *Styles) seriesColor(i int) asciigraph.AnsiColor {
	return s.pal.series[i%len(s.pal.series)]
}

// seriesMark is the legend swatch of series i, in its colour (or, without
// colour, a distinct character matching the line drawn in the chart).
func (s *Styles) seriesMark(i int) string {
	if s.noColor {
		return string(seriesRune(i))
	}
	c := s.seriesColor(i)
	return c.String() + "■" + asciigraph.Default.String()
}

// noColorChars tell series apart when colour is off.
const noColorChars = "●+xo*#%@"

func seriesRune(i int) rune {
	r := []rune(noColorChars)
	return r[i%len(r)]
}

// listItems returns the bubbles list item styles in this palette.
func (s *Styles) listItems() list.DefaultItemStyles {
	d := list.NewDefaultItemStyles(true)
	d.NormalTitle = s.Row.Padding(0, 0, 0, 2)
	d.NormalDesc = s.Muted.Padding(0, 0, 0, 2)
	d.SelectedTitle = s.Accent.Bold(true).Padding(0, 0, 0, 1).Border(lipgloss.NormalBorder(), false, false, false, true)
	d.SelectedDesc = s.Muted.Padding(0, 0, 0, 1).Border(lipgloss.NormalBorder(), false, false, false, true)
	if !s.noColor {
		d.SelectedTitle = d.SelectedTitle.BorderForeground(s.pal.accent)
		d.SelectedDesc = d.SelectedDesc.BorderForeground(s.pal.accent)
	}
	d.DimmedTitle = s.Muted.Padding(0, 0, 0, 2)
	d.DimmedDesc = s.Muted.Padding(0, 0, 0, 2)
	d.FilterMatch = lipgloss.NewStyle().Underline(true)
	return d
}

// list returns the bubbles list styles in this palette.
func (s *Styles) list() list.Styles {
	l := list.DefaultStyles(true)
	l.StatusBar = s.Muted.Padding(0, 0, 1, 2)
	l.NoItems = s.Muted.Padding(0, 0, 0, 2)
	l.StatusEmpty = s.Muted
	// The list says "2 filtered" of the items a filter hides, which reads
	// as if two matched: say what it means.
	l.StatusBarFilterCount = s.Muted.Transform(func(t string) string {
		if n, ok := strings.CutSuffix(t, " filtered"); ok {
			return n + " not matching"
		}
		return t
	})
	// The list writes DividerDot with String(), so the dot must be the
	// style's own text: a bare style printed "3 items2 filtered".
	l.DividerDot = s.Muted.SetString(" • ")
	return l
}
