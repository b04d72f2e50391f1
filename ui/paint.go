package ui

import (
	"math"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The dashboard redraws the whole screen on every keypress, and what a
// frame cost was mostly two things done thousands of times: lipgloss
// Style.Render around short single-line strings (it reads twenty
// properties, splits and measures the text each time), and measuring the
// width of lines whose characters are plain ASCII and box drawing (the
// grapheme segmenter runs per character). This file does both the short
// way for the text where the short way is exact, and hands everything
// else to lipgloss and ansi as before.

// paint is a lipgloss style rendered once: the escape sequence that opens
// it and the one that closes it. For a single line without tabs or
// carriage returns, pre + s + post is byte for byte what the style's
// Render gives; for anything else render falls back to Render.
type paint struct {
	style     lipgloss.Style
	pre, post string
	exact     bool // pre + s + post is Render(s) for a line without tabs
	plain     bool // the style does nothing: Render(s) is s
}

// paintMarker stands for the text when a style is rendered once to find
// its sequences; a letter, so no style property changes it.
const paintMarker = "x"

// newPaint renders st once. Only a style made of colours and bold or
// reverse may be painted: padding, margins, borders, widths or a
// transform change the text itself, and an underline or a strikethrough
// is drawn character by character (spaces apart), so those keep to
// Render; the tests check every painted style against it.
func newPaint(st lipgloss.Style) paint {
	if st.GetUnderline() || st.GetStrikethrough() || st.GetHorizontalFrameSize() > 0 || st.GetVerticalFrameSize() > 0 ||
		st.GetWidth() > 0 || st.GetHeight() > 0 || st.GetMaxWidth() > 0 || st.GetMaxHeight() > 0 || st.GetTransform() != nil {
		return paint{style: st}
	}
	out := st.Render(paintMarker)
	pre, post, ok := strings.Cut(out, paintMarker)
	return paint{style: st, pre: pre, post: post, exact: ok, plain: out == paintMarker}
}

// render is st.Render(s).
func (p paint) render(s string) string {
	if !p.exact || strings.ContainsAny(s, "\t\r\n") {
		return p.style.Render(s)
	}
	if p.plain {
		return s
	}
	return p.pre + s + p.post
}

// write appends st.Render(s) to b.
func (p paint) write(b *strings.Builder, s string) {
	if !p.exact || strings.ContainsAny(s, "\t\r\n") {
		b.WriteString(p.style.Render(s))
		return
	}
	b.WriteString(p.pre)
	b.WriteString(s)
	b.WriteString(p.post)
}

// textWidth is ansi.StringWidth(s), the cells s takes (grapheme clusters,
// escape sequences skipped), and textWidthWc is ansi.StringWidthWc(s):
// the same for every string the fast path takes.
func textWidth(s string) int {
	if w, ok := fastWidth(s); ok {
		return w
	}
	return ansi.StringWidth(s)
}

func textWidthWc(s string) int {
	if w, ok := fastWidth(s); ok {
		return w
	}
	return ansi.StringWidthWc(s)
}

// fastWidth measures s when it holds only printable ASCII, narrow
// characters (see narrow) and CSI escape sequences, each character then
// being a grapheme cluster of its own one cell wide; ok is false for
// anything else (a control, another escape, a character that may be wide
// or join the one before), which the caller measures the long way.
func fastWidth(s string) (w int, ok bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			w++
			i++
		case c == ansi.ESC:
			// ESC [ parameters and intermediates, then a final byte.
			if i+1 >= len(s) || s[i+1] != '[' {
				return 0, false
			}
			j := i + 2
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x40 {
				j++
			}
			if j >= len(s) || s[j] < 0x40 || s[j] > 0x7e {
				return 0, false
			}
			i = j + 1
		case c < utf8.RuneSelf:
			return 0, false // a control character
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !narrow(r) {
				return 0, false
			}
			w++
			i += size
		}
	}
	return w, true
}

// narrow reports whether r is one of the characters the dashboard draws
// with (box drawing, the chart's and the legend's marks, the ellipsis
// and the drill markers) that is one cell wide and never joins a
// neighbour into one grapheme cluster. TestNarrowRunes checks each against
// both of ansi's width methods.
func narrow(r rune) bool {
	switch {
	case r >= 0x2500 && r <= 0x257f: // box drawing
		return true
	case r >= 0xa1 && r <= 0xff && r != 0xad: // Latin-1 (·, ×, é), not the soft hyphen
		return true
	}
	switch r {
	case '…', '‹', '›', '–', '—', '‘', '’', '“', '”', '•', '▾', '▸', '▴', '▪', '■', '□', '●', '○', '◆', '◇', '▲', '▼', '≈', '≥', '≤', '±', '→', '←', '↑', '↓', '€', '£', '¥', 'Δ', '∑', '█', '▌', '▐', '░', '▒', '▓', '▁', '▂', '▃', '▄', '▅', '▆', '▇':
		return true
	}
	return false
}

// cache keeps one value and the inputs it was computed from. A pane
// asks it with all of its inputs as the key: the same key gives the value
// kept, any other key computes afresh. Nothing has to remember to
// invalidate it: an input that changes is a different key, and an input
// the key lacks would be a field missing from the key's type.
type cache[K comparable, V any] struct {
	key K
	out V
	ok  bool
}

// get returns the value computed for key, computing it with compute when
// the key is not the one kept.
func (m *cache[K, V]) get(key K, compute func() V) V {
	if !m.ok || m.key != key {
		m.key, m.out, m.ok = key, compute(), true
	}
	return m.out
}

// memo is a cache of a rendered string.
type memo[K comparable] = cache[K, string]

// blockWidth is lipgloss.Width(s): the widest line's cells.
func blockWidth(s string) int {
	if strings.IndexByte(s, '\n') < 0 {
		return textWidth(s)
	}
	return lipgloss.Width(s)
}

// figCache is a cache whose inputs are a key and runs of figures (a
// chart's lines), compared bit for bit.
type figCache[K comparable, V any] struct {
	cache[K, V]
	figs []float64 // the figures out was computed from, one after another
}

// figMemo is a figCache of a rendered string.
type figMemo[K comparable] = figCache[K, string]

// get returns the value computed for key and figs, computing it with
// compute when either differs from those kept.
func (m *figCache[K, V]) get(key K, figs [][]float64, compute func() V) V {
	n := 0
	for _, f := range figs {
		n += len(f)
	}
	same := n == len(m.figs)
	i := 0
	for _, f := range figs {
		for _, v := range f {
			if same && math.Float64bits(m.figs[i]) != math.Float64bits(v) {
				same = false
			}
			i++
		}
	}
	if !same {
		m.ok = false
		m.figs = m.figs[:0]
		for _, f := range figs {
			m.figs = append(m.figs, f...)
		}
	}
	return m.cache.get(key, compute)
}

// truncate is ansi.Truncate(s, n, tail), which leaves s alone when it
// fits: measured here the short way first.
func truncate(s string, n int, tail string) string {
	if textWidth(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, tail)
}
