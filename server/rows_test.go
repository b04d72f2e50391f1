package server

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"

	"iomt/assets"
	"iomt/model"
	"iomt/ui"
)

// paintScreen is a terminal that understands exactly what the painter may
// send (text, SGR, CUP, CUF, EL and ED 2) and keeps each cell's grapheme
// and style; anything else, or text written past a line's end (a wrap the
// painter must never rely on), is an error.
type paintScreen struct {
	w, h  int
	text  []string
	style []uv.Style
	x, y  int
	pen   uv.Style
}

func newPaintScreen(w, h int) *paintScreen {
	s := &paintScreen{w: w, h: h, text: make([]string, w*h), style: make([]uv.Style, w*h)}
	for i := range s.text {
		s.text[i] = "?" // unknown until erased or written
	}
	return s
}

func (s *paintScreen) feed(b []byte) error {
	p := ansi.NewParser()
	var state byte
	for len(b) > 0 {
		seq, width, n, next := ansi.DecodeSequenceWc(b, state, p)
		if n == 1 && seq[0] > 0x1f && seq[0] < 0x7f && len(b) > 1 && b[1] >= 0xc0 {
			// A mark after ASCII joins it, as in ultraviolet.
			if cluster, cw := ansi.FirstGraphemeCluster(b, ansi.WcWidth); len(cluster) > 1 {
				seq, width, n = cluster, cw, len(cluster)
			}
		}
		b, state = b[n:], next
		switch {
		case width > 0:
			if s.x+width > s.w {
				return fmt.Errorf("%q written at column %d of %d: past the line's end", seq, s.x, s.w)
			}
			i := s.y*s.w + s.x
			if s.text[i] == "" && s.x > 0 {
				s.text[i-1], s.style[i-1] = " ", uv.Style{} // half a wide grapheme overwritten
			}
			s.text[i], s.style[i] = string(seq), s.pen
			for k := 1; k < width; k++ {
				s.text[i+k], s.style[i+k] = "", uv.Style{}
			}
			if e := i + width; s.x+width < s.w && s.text[e] == "" {
				s.text[e], s.style[e] = " ", uv.Style{}
			}
			s.x += width
		case ansi.HasCsiPrefix(seq):
			switch cmd := p.Command(); cmd {
			case 'm':
				uv.ReadStyle(p.Params(), &s.pen)
			case 'H':
				row, _ := p.Param(0, 1)
				col, _ := p.Param(1, 1)
				s.x, s.y = col-1, row-1
			case 'C':
				n, _ := p.Param(0, 1)
				s.x += n
			case 'K':
				if n, _ := p.Param(0, 0); n != 0 {
					return fmt.Errorf("EL %d", n)
				}
				s.erase(s.y*s.w+s.x, (s.y+1)*s.w)
			case 'J':
				if n, _ := p.Param(0, 0); n != 2 {
					return fmt.Errorf("ED %d", n)
				}
				s.erase(0, s.w*s.h)
			default:
				return fmt.Errorf("a sequence the painter does not send: %q", seq)
			}
			if s.x < 0 || s.y < 0 || s.x > s.w || s.y >= s.h {
				return fmt.Errorf("cursor at %d,%d of %dx%d after %q", s.x, s.y, s.w, s.h, seq)
			}
		default:
			return fmt.Errorf("a sequence the painter does not send: %q", seq)
		}
	}
	return nil
}

func (s *paintScreen) erase(from, to int) {
	for i := from; i < to; i++ {
		s.text[i], s.style[i] = " ", uv.Style{Bg: s.pen.Bg}
	}
}

// wantCells is content as ultraviolet draws it into a w×h screen, its
// styles converted to profile: what the terminal must show.
func wantCells(content string, w, h int, profile colorprofile.Profile) ([]string, []uv.Style) {
	buf := uv.NewScreenBuffer(w, h)
	uv.NewStyledString(content).Draw(buf, buf.Bounds())
	text, style := make([]string, w*h), make([]uv.Style, w*h)
	for y := range h {
		for x := range w {
			c := buf.CellAt(x, y)
			if c == nil {
				text[y*w+x] = " "
				continue
			}
			text[y*w+x], style[y*w+x] = c.Content, uv.ConvertStyle(c.Style, profile)
		}
	}
	return text, style
}

// sameScreen reports the first cell where s differs from content.
func (s *paintScreen) sameScreen(content string, profile colorprofile.Profile) error {
	text, style := wantCells(content, s.w, s.h, profile)
	for i := range text {
		if s.text[i] != text[i] || !s.style[i].Equal(&style[i]) {
			return fmt.Errorf("cell %d,%d: %q %+v, want %q %+v", i%s.w, i/s.w, s.text[i], s.style[i], text[i], style[i])
		}
	}
	if s.x != 0 || s.y != 0 || !s.pen.IsZero() {
		return fmt.Errorf("the frame leaves the cursor at %d,%d and the pen %+v, not home and reset", s.x, s.y, s.pen)
	}
	return nil
}

// craftedRows are rows the painter must draw as ultraviolet does, or
// leave to it: wide graphemes (one at the edge), marks on ASCII and on
// nothing, emoji with selectors and joiners, styles of every kind, rows
// too wide, too many rows, and rows that do not stand alone.
var craftedRows = []string{
	"Ana Lopez · 東京 Tōkyō \x1b[1;38;2;200;10;10mrisk\x1b[m ok",
	"e\u0301te\u0301 cafe\u0301 \x1b[4mu\x1b[24m \x1b[38;5;196;48;5;22mx\x1b[0m",
	"\x1b[7m \u0301 \x1b[m then 👍🏽 and 👩\u200d💻 and ❤\ufe0f and 🇫🇷 end",
	"│ ─── ╭─╮ ┤ ▁▂▃ • … › ● ◆ ★ ← ↑ ✓ ½ ÆØÅ Ωμ ЖЯ",
	"\x1b[1m\x1b[3mbold italic\x1b[22m italic \x1b[9mstrike\x1b[m \x1b[58;2;1;2;3;4:3mcurl\x1b[m",
	strings.Repeat("wide 中文字 ", 12),
	strings.Repeat("x", 98) + "中",
	"\x1b[31mred carried\nover\x1b[m",
	"tab\there",
	"a\x1b]8;;http://x\x07link\x1b]8;;\x07",
	"",
	"각 한국어 ᄀ ؀1 x",
}

// TestPaintedFramesShowTheContent: frame after frame (the dashboard under
// random keys, with names of every script, crafted rows, resizes and
// erases), the painter's bytes turn the terminal into exactly the cells
// and styles ultraviolet would draw, in each colour profile; a frame the
// painter leaves to ultraviolet is followed by a whole one; and the
// dashboard's own views never need ultraviolet.
func TestPaintedFramesShowTheContent(t *testing.T) {
	// The IoMT dataset, its segments named in several scripts.
	yaml := string(assets.Dataset())
	for from, to := range map[string]string{
		"name: Services": "name: Сервисы ✓ Ωμ", "name: Telemedicine": "name: Télémédecine 東京 ½",
		"name: Hospitals": "name: 병원 Krankenhäuser", "name: North America": "name: Amérique du Nord — ÆØÅ",
	} {
		if !strings.Contains(yaml, from) {
			t.Fatalf("the dataset has no %q", from)
		}
		yaml = strings.Replace(yaml, from, to, 1)
	}
	scripts, err := model.LoadDataset("scripts.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	for _, profile := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI, colorprofile.Ascii} {
		t.Run(profile.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(profile), 24))
			w, h := 100, 30
			ds := testDS
			if profile != colorprofile.TrueColor {
				ds = scripts
			}
			m := ui.New(ds, &model.Scenario{Name: "Base", Dataset: ds.Market, Assumptions: ds.Base()}, ui.Options{Dark: true})
			next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			m = next.(*ui.Model)
			f := newFrames(w, h, profile, []string{"TERM=xterm-256color"})
			scr := newPaintScreen(w, h)
			keys := []string{"+", "-", "j", "k", ">", "<", "v", "2", "3", "1", "enter", "esc", "tab", "left", "b", "i", "?"}
			whole := true
			for i := range 400 {
				content, ours := "", true
				switch n := r.IntN(40); {
				case n < 3:
					lines := make([]string, r.IntN(h+5))
					for k := range lines {
						lines[k] = craftedRows[r.IntN(len(craftedRows))]
					}
					content, ours = strings.Join(lines, "\n"), false
				case n == 3:
					w, h = 20+r.IntN(120), 5+r.IntN(40)
					f.resize(w, h)
					scr, whole = newPaintScreen(w, h), true
					next, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
					m = next.(*ui.Model)
					content = m.View().Content
				case n == 4:
					f.erase()
					whole = true
					content = m.View().Content
				default:
					next, _ = m.Update(keyMsg(keys[r.IntN(len(keys))]))
					m = next.(*ui.Model)
					content = m.View().Content
				}
				b := f.next(content)
				if !f.valid {
					if ours {
						t.Fatalf("frame %d: the dashboard's view was left to ultraviolet:\n%s", i, content)
					}
					whole = true // the next frame must be whole
					continue
				}
				if whole && !bytes.HasPrefix(b, []byte("\x1b[H\x1b[2J")) {
					t.Fatalf("frame %d: after an erase, a resize or ultraviolet's frame, the painter's frame is not whole: %q", i, b)
				}
				whole = false
				if err := scr.feed(b); err != nil {
					t.Fatalf("frame %d: %v\nbytes %q", i, err, b)
				}
				if err := scr.sameScreen(content, profile); err != nil {
					t.Fatalf("frame %d (%dx%d): %v\ncontent:\n%s", i, w, h, err, content)
				}
			}
		})
	}
}

// TestRowCellsAsUltraviolet: rows of random text (ASCII, every simple
// range, wide, combining, joined and prepended graphemes, controls) and
// styles parse into the cells and styles ultraviolet draws, whenever the
// painter takes them.
func TestRowCellsAsUltraviolet(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 24))
	taken := 0
	for range 20000 {
		row := randomRow(r)
		if ok, err := rowCellsMatch(row, 40, colorprofile.ANSI256); err != nil {
			t.Fatalf("%q: %v", row, err)
		} else if ok {
			taken++
		}
	}
	if taken < 5000 {
		t.Errorf("the painter took %d rows of 20000: the short way is hardly used", taken)
	}
}

// rowCellsMatch parses row as the painter does; ok is whether it took it.
func rowCellsMatch(row string, w int, profile colorprofile.Profile) (ok bool, err error) {
	if !standsAlone(row) {
		return false, nil
	}
	p := newPens(profile)
	got := make([]cell, w)
	if !p.cells(row, got) {
		return false, nil
	}
	text, style := wantCells(row, w, 1, profile)
	for x := range got {
		if got[x].text != text[x] || !p.shown[got[x].pen].Equal(&style[x]) {
			return true, fmt.Errorf("cell %d: %q %+v, want %q %+v", x, got[x].text, p.shown[got[x].pen], text[x], style[x])
		}
	}
	return true, nil
}

var rowPieces = []string{
	"a", "Z", "0", " ", "~", "é", "ß", "Ω", "Ж", "─", "│", "╮", "▇", "•", "…", "›", "●", "★", "←", "✓", "€", "™",
	"中", "文", "한", "ア", "😀", "👍🏽", "👩\u200d💻", "❤\ufe0f", "🇫", "🇷", "\u0301", "\u0308", "\u200d", "\ufe0f",
	"\u00ad", "\u0600", "ᄀ", "ᅡ", "ᆨ", "\u0e33", "\u0915\u094d", "\u20dd", "\u2028", "\u200b", "\u0483",
	"\x1b[1m", "\x1b[0m", "\x1b[m", "\x1b[38;2;10;200;30m", "\x1b[48;5;17m", "\x1b[4:3m", "\x1b[7;9m", "\x1b[22;39m",
}

func randomRow(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(30) {
		b.WriteString(rowPieces[r.IntN(len(rowPieces))])
	}
	b.WriteString("\x1b[m")
	return b.String()
}

// FuzzRowCells: any row the painter takes parses as ultraviolet draws it.
func FuzzRowCells(f *testing.F) {
	for _, row := range craftedRows {
		f.Add(row)
	}
	r := rand.New(rand.NewPCG(1, 1))
	for range 20 {
		f.Add(randomRow(r))
	}
	f.Fuzz(func(t *testing.T, row string) {
		if len(row) > 4096 {
			return
		}
		if _, err := rowCellsMatch(row, 30, colorprofile.TrueColor); err != nil {
			t.Fatalf("%q: %v", row, err)
		}
	})
}

// uvFrames draws every frame with ultraviolet's renderer, as a session did
// before the painter: the bytes to compare with.
type uvFrames struct {
	out   bytes.Buffer
	scr   *uv.TerminalRenderer
	cells uv.ScreenBuffer
}

func newUVFrames(w, h int, profile colorprofile.Profile) *uvFrames {
	u := &uvFrames{cells: uv.NewScreenBuffer(w, h)}
	u.scr = uv.NewTerminalRenderer(&u.out, []string{"TERM=xterm-256color"})
	u.scr.SetColorProfile(profile)
	u.scr.SetFullscreen(true)
	u.scr.SetRelativeCursor(false)
	u.scr.SetTabStops(-1)
	u.scr.SetMapNewline(true)
	u.scr.SetScrollOptim(true)
	u.scr.Resize(w, h)
	u.scr.Erase()
	return u
}

func (u *uvFrames) next(content string) int {
	u.cells.Clear()
	uv.NewStyledString(content).Draw(u.cells, u.cells.Bounds())
	u.scr.Render(u.cells.RenderBuffer)
	u.scr.MoveTo(0, 0)
	_ = u.scr.Flush()
	n := u.out.Len()
	u.out.Reset()
	return n
}

// TestPainterSendsNoMoreThanUltraviolet: over the dashboard's keys, at two
// sizes, on a dataset with names in several scripts, the painter sends
// no more bytes per key than ultraviolet's renderer did.
func TestPainterSendsNoMoreThanUltraviolet(t *testing.T) {
	for _, size := range [][2]int{{100, 30}, {200, 60}, {80, 24}} {
		w, h := size[0], size[1]
		m := ui.New(testDS, testBase, ui.Options{Dark: true})
		next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		m = next.(*ui.Model)
		ours, theirs := newFrames(w, h, colorprofile.ANSI256, nil), newUVFrames(w, h, colorprofile.ANSI256)
		keys := []string{"+", "-", "j", "k", "j", "j", ">", "<", "v", "2", "3", "1", "4", "enter", "esc", "tab", "left", "b"}
		r := rand.New(rand.NewPCG(uint64(w), 3))
		var a, b int
		for range 600 {
			next, _ = m.Update(keyMsg(keys[r.IntN(len(keys))]))
			m = next.(*ui.Model)
			content := m.View().Content
			a += len(ours.next(content))
			b += theirs.next(content)
		}
		t.Logf("%dx%d: %d B per key, ultraviolet %d", w, h, a/600, b/600)
		if a > b {
			t.Errorf("%dx%d: the painter sent %d bytes over 600 keys, ultraviolet %d", w, h, a, b)
		}
	}
}

// TestPainterErasesInTheDefaultStyle: a line's blank end is erased in the
// default style, whatever style the cell written before it had: a
// terminal erases with the current background.
func TestPainterErasesInTheDefaultStyle(t *testing.T) {
	for i, pair := range [][2]string{
		{"\x1b[41mred\x1b[m\nline two is long", "\x1b[41mrex\x1b[m\nline"},
		{"ab cd ef\nx", "\x1b[42mX\x1b[m\ny"},
		{"one two three", "\x1b[44mone\x1b[m"},
		{"\x1b[43mwide 中文\x1b[m tail", "\x1b[43mwide 中\x1b[m"},
	} {
		f := newFrames(20, 3, colorprofile.TrueColor, nil)
		scr := newPaintScreen(20, 3)
		for _, content := range pair {
			if err := scr.feed(f.next(content)); err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			if err := scr.sameScreen(content, colorprofile.TrueColor); err != nil {
				t.Fatalf("case %d, %q: %v", i, content, err)
			}
		}
	}
}
