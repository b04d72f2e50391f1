package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// statusBar is the bottom line: the status line's message on the
// left, short help on the right.
type statusBar struct {
	e     env
	width int
	help  help.Model
	// shortHelp caches the help line: it styles every key through
	// lipgloss, a quarter of a frame, yet only changes with the room it
	// has and the palette. A pointer, so that the cache outlives the
	// copies of the Model that Bubble Tea passes around.
	shortHelp *helpLine
}

// helpLine is the short help as last rendered.
type helpLine struct {
	room   int
	styles *Styles
	keys   string // the bindings' help, one string, to tell them apart
	out    string
}

func newStatusBar(e env) statusBar {
	h := help.New()
	return statusBar{e: e, help: h, shortHelp: &helpLine{}}
}

// SetSize sets the line's width.
func (s *statusBar) SetSize(w int) {
	s.width = w
	s.help.SetWidth(w)
}

// View renders the message and as much short help (from keys) as fits
// beside it.
func (s *statusBar) View(keys []key.Binding) string {
	st := s.e.look.styles
	msg := ""
	if cur := s.e.status.cur; cur.msg != "" {
		style := st.Accent
		if cur.err {
			style = st.Error
		}
		text := clean(cur.msg)
		if ansi.StringWidth(text) > s.width {
			// Cut, with the way to read it whole: the short help gives
			// way to it.
			const more = " (M: all)"
			return style.Render(ansi.Truncate(text, s.width-len(more), "…")) + st.Muted.Render(more)
		}
		msg = style.Render(text)
	}
	room := s.width - lipgloss.Width(msg) - 2
	if room < 20 {
		return msg
	}
	// The keys change with the focus and the dialogs; room and palette
	// with the terminal. Rendering is a quarter of a frame: only redo it
	// when one of them changed.
	var sig strings.Builder
	for _, b := range keys {
		sig.WriteString(b.Help().Key)
		sig.WriteByte(0)
		sig.WriteString(b.Help().Desc)
		sig.WriteByte(0)
	}
	if hl := s.shortHelp; hl.room != room || hl.styles != st || hl.keys != sig.String() {
		s.help.SetWidth(room)
		s.help.Styles = st.help()
		// bubbles' help can overrun its width by one item when its
		// ellipsis does not fit; cut it so that it never runs into the
		// message.
		*hl = helpLine{room: room, styles: st, keys: sig.String(), out: ansi.Truncate(s.help.ShortHelpView(keys), room, "…")}
	}
	hv := s.shortHelp.out
	if strings.TrimSpace(ansi.Strip(hv)) == "…" {
		hv = "" // not one key fits: a lone ellipsis only looks cut
	}
	gap := s.width - lipgloss.Width(msg) - lipgloss.Width(hv)
	if msg == "" {
		return hv
	}
	return msg + spaces(max(gap, 1)) + hv
}

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}
