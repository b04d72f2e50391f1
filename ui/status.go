package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// statusBar is the bottom line: the status line's message on the
// left, short help on the right.
type statusBar struct {
	e     env
	width int
	help  help.Model
	// shortHelp keeps the help lines last rendered: rendering styles
	// every key through lipgloss, a quarter of a frame, yet the line only
	// changes with the keys, the palette and the room the message
	// leaves, and messages of a few lengths take turns (+ and - on a row
	// say "gain" and "give up").
	shortHelp [helpLines]helpLine
	nextHelp  int // the entry to reuse next
}

// helpLines is how many help lines statusBar keeps.
const helpLines = 8

// helpLine is a short help as rendered, and what from.
type helpLine struct {
	room   int
	styles *Styles
	keys   string // the bindings' help, one string, to tell them apart
	out    string
}

func newStatusBar(e env) statusBar {
	return statusBar{e: e, help: help.New()}
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
	if cur := s.e.status.shown(); cur.msg != "" {
		style := st.paint.accent
		if cur.err {
			style = st.paint.err
		}
		text := clean(cur.msg)
		if textWidth(text) > s.width {
			// Cut, with the way to read it whole: the short help gives
			// way to it.
			const more = " (M: all)"
			return style.render(ansi.Truncate(text, s.width-len(more), "…")) + st.paint.muted.render(more)
		}
		msg = style.render(text)
	}
	room := s.width - blockWidth(msg) - 2
	if room < 20 {
		return msg
	}
	// The keys change with the focus and the dialogs; room and palette
	// with the terminal. Rendering is a quarter of a frame: only redo it
	// when one of them changed.
	hv := s.helpFor(keys, room, st)
	if msg == "" {
		return hv
	}
	gap := s.width - blockWidth(msg) - blockWidth(hv)
	return msg + spaces(max(gap, 1)) + hv
}

// helpFor is the short help of keys in room cells, rendered afresh only
// when none of the lines kept was rendered for the same keys, room and
// palette.
func (s *statusBar) helpFor(keys []key.Binding, room int, st *Styles) string {
	var sig strings.Builder
	for _, b := range keys {
		sig.WriteString(b.Help().Key)
		sig.WriteByte(0)
		sig.WriteString(b.Help().Desc)
		sig.WriteByte(0)
	}
	for _, hl := range s.shortHelp {
		if hl.styles == st && hl.room == room && hl.keys == sig.String() {
			return hl.out
		}
	}
	s.help.SetWidth(room)
	s.help.Styles = st.help()
	// bubbles' help can overrun its width by one item when its ellipsis
	// does not fit; cut it so that it never runs into the message.
	hv := ansi.Truncate(s.help.ShortHelpView(keys), room, "…")
	if strings.TrimSpace(ansi.Strip(hv)) == "…" {
		hv = "" // not one key fits: a lone ellipsis only looks cut
	}
	s.shortHelp[s.nextHelp] = helpLine{room: room, styles: st, keys: sig.String(), out: hv}
	s.nextHelp = (s.nextHelp + 1) % helpLines
	return hv
}

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}
