package ui

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestNarrowRunes checks every character the width fast path counts as
// one cell: one cell by both of ansi's methods, alone and beside ASCII
// and every other such character, and never part of a neighbour's
// grapheme cluster.
func TestNarrowRunes(t *testing.T) {
	var runes []rune
	for r := rune(0); r < 0x30000; r++ {
		if narrow(r) {
			runes = append(runes, r)
		}
	}
	if len(runes) < 100 {
		t.Fatalf("only %d narrow runes: the box drawing block is missing", len(runes))
	}
	for _, r := range runes {
		s := string(r)
		if w := ansi.StringWidth(s); w != 1 {
			t.Errorf("%U %q is %d cells wide by graphemes", r, s, w)
		}
		if w := ansi.StringWidthWc(s); w != 1 {
			t.Errorf("%U %q is %d cells wide by wcwidth", r, s, w)
		}
		for _, o := range append([]rune{'a', ' ', '~', '0'}, runes...) {
			pair := s + string(o)
			if c, _ := ansi.FirstGraphemeCluster(pair, ansi.GraphemeWidth); c != s {
				t.Errorf("%q joins %q into one cluster", s, string(o))
			}
			rev := string(o) + s
			if c, _ := ansi.FirstGraphemeCluster(rev, ansi.GraphemeWidth); c != string(o) {
				t.Errorf("%q joins %q into one cluster", string(o), s)
			}
			if ansi.StringWidth(pair) != 2 || ansi.StringWidth(rev) != 2 {
				t.Errorf("%q beside %q is not two cells", s, string(o))
			}
		}
	}
}

// TestTextWidth compares the width functions with ansi's on random
// strings of what screens hold, and of what they should not.
func TestTextWidth(t *testing.T) {
	parts := []string{"a", "Z", " ", "~", "1,234.5", "─", "│", "╭", "…", "›", "■", "●", "·", "×", "é",
		"\x1b[m", "\x1b[0m", "\x1b[1;38;2;122;184;255m", "\x1b[38;5;33m", "\x1b[7m", "\x1b[4:3m",
		// Not for the fast path: wide, joining, invisible, controls and
		// other escapes, broken sequences.
		"中", "😀", "\u0301", "\u200b", "\u200d", "\ufe0f", "\x00", "\t", "\n", "\x7f", "\u0085",
		"\x1b", "\x1b[", "\x1b[31", "\x1b]8;;http://x\x1b\\", "\x1b(B", "🇫🇷", "e\u0301", "\xff", "\xe2\x94",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		n := r.IntN(12)
		for range n {
			// Mostly the fast path's own, so long strings of it are tried.
			k := r.IntN(len(parts))
			if r.IntN(3) > 0 {
				k = r.IntN(21)
			}
			b.WriteString(parts[k])
		}
		s := b.String()
		if got, want := textWidth(s), ansi.StringWidth(s); got != want {
			t.Fatalf("textWidth(%q) = %d, ansi.StringWidth %d", s, got, want)
		}
		if got, want := textWidthWc(s), ansi.StringWidthWc(s); got != want {
			t.Fatalf("textWidthWc(%q) = %d, ansi.StringWidthWc %d", s, got, want)
		}
	}
}

// TestPaintIsRender checks that every painted style writes what its
// lipgloss Render writes, in every palette.
func TestPaintIsRender(t *testing.T) {
	texts := []string{"", "x", "Segment  Share", " · ", "中文 ok", "a\tb", "two\nlines", "cr\r\nlf", "\x1b[1mbold\x1b[m", " ", "…"}
	for _, st := range []*Styles{newStyles(true, false), newStyles(false, false), newStyles(true, true)} {
		for name, p := range st.painted() {
			for _, s := range texts {
				if got, want := p.render(s), p.style.Render(s); got != want {
					t.Errorf("dark %v noColor %v: %s.render(%q) = %q, Render %q", st.dark, st.noColor, name, s, got, want)
				}
				var b strings.Builder
				p.write(&b, s)
				if got, want := b.String(), p.style.Render(s); got != want {
					t.Errorf("dark %v noColor %v: %s.write(%q) = %q, Render %q", st.dark, st.noColor, name, s, got, want)
				}
			}
		}
	}
}

// painted lists a Styles' paints by name; a paint added to the type and
// not here fails the count.
func (s *Styles) painted() map[string]paint {
	p := s.paint
	out := map[string]paint{
		"title": p.title, "muted": p.muted, "accent": p.accent, "bad": p.bad, "err": p.err,
		"border": p.border, "focusBorder": p.focusBorder, "paneTitle": p.paneTitle,
		"header": p.header, "row": p.row, "selected": p.selected, "total": p.total,
	}
	if n := reflect.TypeFor[paints]().NumField(); n != len(out) {
		panic(fmt.Sprintf("painted lists %d of the %d paints", len(out), n))
	}
	return out
}

// TestPaintRefuses checks that a style that changes the text, or draws
// it character by character, is not painted but rendered.
func TestPaintRefuses(t *testing.T) {
	st := lipgloss.NewStyle().Foreground(lipgloss.Color("#FF0000"))
	for name, s := range map[string]lipgloss.Style{
		"padding": st.Padding(0, 1), "margin": st.MarginLeft(2), "border": st.Border(lipgloss.NormalBorder()),
		"width": st.Width(10), "underline": st.Underline(true), "strikethrough": st.Strikethrough(true),
		"transform": st.Transform(strings.ToUpper),
	} {
		if p := newPaint(s); p.exact {
			t.Errorf("a style with %s was painted", name)
		}
		if got, want := newPaint(s).render("a b"), s.Render("a b"); got != want {
			t.Errorf("%s: render %q, Render %q", name, got, want)
		}
	}
}
