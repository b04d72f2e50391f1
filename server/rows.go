package server

import (
	"strconv"
	"unicode/utf8"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// A served session's frames are drawn here, row by row, for the content
// the dashboard gives: rows that stand alone (see standsAlone), made of
// text and SGR sequences only. Ultraviolet's renderer, which drew every
// frame before, parses each changed row into cells (a grapheme segmenter
// per character), converts every cell's style to the client's colour
// profile on every pen change, compares cells style field by style field
// and looks for scrolled lines: with 200 people typing, that was two
// thirds of the server's CPU per key (BENCHMARKS.md, "Half the work per
// keypress"). Here a style is parsed and converted once per session and
// cells hold a small number for it; text that cannot combine with its
// neighbours is cut without the segmenter; and only what the terminal
// needs is sent: cursor moves, SGR changes, the changed cells, and an
// erase for a line's blank end. Anything else (a row that does not stand
// alone, a grapheme the short way cannot place, a row wider than the
// screen) goes to ultraviolet as before, for that frame.

// cell is one terminal cell: its grapheme ("" for the right half of a wide
// one), its width and its style (an index into the session's pens).
type cell struct {
	text  string
	width uint8
	pen   uint16
}

// blankCell is an erased cell: a space in the terminal's default style.
var blankCell = cell{text: " ", width: 1}

// maxPens bounds the styles a session remembers: the dashboard uses a few
// dozen; past the bound a frame is drawn by ultraviolet, and the pens
// start again.
const maxPens = 1024

// maxMoves bounds the pen changes a session remembers.
const maxMoves = 4096

// pens are the styles of a session's frames: the style an SGR sequence
// leads to from each pen, and what the terminal is sent to go from one
// to another. Pen 0 is the default style.
type pens struct {
	profile colorprofile.Profile
	steps   map[penStep]uint16
	raw     []uv.Style // as the content says (SGR parameters apply to these)
	canon   []uint16   // the first pen with the same style once converted
	shown   []uv.Style // converted to the client's colour profile
	moves   map[[2]uint16]string
	widths  map[rune]uint8
	parser  *ansi.Parser
}

// penStep is an SGR sequence's parameters applied to a pen.
type penStep struct {
	from   uint16
	params string
}

func newPens(profile colorprofile.Profile) *pens {
	p := &pens{profile: profile, parser: ansi.NewParser()}
	p.reset()
	return p
}

func (p *pens) reset() {
	p.steps = map[penStep]uint16{}
	p.raw, p.canon, p.shown = []uv.Style{{}}, []uint16{0}, []uv.Style{{}}
	p.moves = map[[2]uint16]string{}
	if p.widths == nil || len(p.widths) > 4096 {
		p.widths = map[rune]uint8{}
	}
}

// step is the pen params lead to from pen from; ok is false when there
// are too many pens.
func (p *pens) step(from uint16, params string) (uint16, bool) {
	if params == "" || params == "0" {
		return 0, true
	}
	k := penStep{from, params}
	if to, ok := p.steps[k]; ok {
		return to, true
	}
	if len(p.raw) >= maxPens {
		return 0, false
	}
	st := p.raw[from]
	seq := "\x1b[" + params + "m"
	var state byte
	p.parser.Reset()
	for len(seq) > 0 {
		_, _, n, next := ansi.DecodeSequence(seq, state, p.parser)
		seq, state = seq[n:], next
	}
	uv.ReadStyle(p.parser.Params(), &st)
	shown := uv.ConvertStyle(st, p.profile)
	to := uint16(len(p.raw))
	canon := to
	for i := range p.shown {
		if p.shown[i].Equal(&shown) {
			canon = uint16(i)
			break
		}
	}
	p.raw, p.canon, p.shown = append(p.raw, st), append(p.canon, canon), append(p.shown, shown)
	p.steps[k] = to
	return to, true
}

// move is the SGR sequence that changes the terminal's style from pen
// a's to pen b's (canonical pens).
func (p *pens) move(a, b uint16) string {
	k := [2]uint16{a, b}
	if s, ok := p.moves[k]; ok {
		return s
	}
	if len(p.moves) >= maxMoves {
		clear(p.moves) // pens² pairs at most; a frame uses few
	}
	var s string
	if b == 0 {
		s = ansi.ResetStyle
	} else {
		s = uv.StyleDiff(&p.shown[a], &p.shown[b])
	}
	p.moves[k] = s
	return s
}

// simpleRune reports whether r is a grapheme on its own next to any other
// simple rune or ASCII: it is neither a control, nor a mark or joiner
// that extends the grapheme before it, nor one that joins the next
// (prepend, regional indicators, Hangul jamo). Latin, Greek, Cyrillic,
// punctuation, symbols, arrows, box drawing and blocks: what the
// dashboard draws, names included, all but a few.
func simpleRune(r rune) bool {
	switch {
	case r >= 0xa0 && r <= 0x2ff:
		return r != 0xad // the soft hyphen is a format character
	case r >= 0x370 && r <= 0x482: // Greek, Cyrillic (before its combining marks)
		return r != 0x37a
	case r >= 0x48a && r <= 0x52f:
		return true
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e, r >= 0x2070 && r <= 0x20cf:
		return true
	case r >= 0x2100 && r <= 0x2bff:
		return true
	}
	return false
}

// width is the cell width of a simple rune, as ultraviolet measures it;
// 0 for none.
func (p *pens) width(r rune) uint8 {
	if w, ok := p.widths[r]; ok {
		return w
	}
	_, w := ansi.FirstGraphemeCluster(string(r), ansi.WcWidth)
	w = max(0, min(w, 2))
	p.widths[r] = uint8(w)
	return uint8(w)
}

// asciiText holds every ASCII byte, so that a cell's text is a slice of
// it rather than a new string.
const asciiText = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" +
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f" +
	" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f"

// cells parses row (one that stands alone) into dst, as ultraviolet
// draws it into a line of len(dst) cells; ok is false when the short way
// cannot (see above) and the frame must be drawn by ultraviolet.
func (p *pens) cells(row string, dst []cell) (ok bool) {
	x, pen := 0, uint16(0)
	for i := 0; i < len(row); {
		c := row[i]
		var text string
		var w uint8
		switch {
		case c == ansi.ESC: // an SGR sequence: standsAlone checked it
			j := i + 2
			for row[j] != 'm' {
				j++
			}
			if pen, ok = p.step(pen, row[i+2:j]); !ok {
				return false
			}
			i = j + 1
			continue
		case c < utf8.RuneSelf:
			if i+1 < len(row) && row[i+1] >= utf8.RuneSelf {
				if r, _ := utf8.DecodeRuneInString(row[i+1:]); !simpleRune(r) {
					text, w = p.cluster(row[i:])
					break
				}
			}
			text, w = asciiText[c:c+1], 1
		default:
			r, size := utf8.DecodeRuneInString(row[i:])
			next := i + size
			if simpleRune(r) && (next == len(row) || row[next] < utf8.RuneSelf || simpleRune(firstRune(row[next:]))) {
				text, w = row[i:next], p.width(r)
			} else {
				text, w = p.cluster(row[i:])
			}
		}
		if w == 0 || x+int(w) > len(dst) {
			return false // a mark on the cell before, or past the screen's edge
		}
		cp := p.canon[pen]
		dst[x] = cell{text: text, width: w, pen: cp}
		for k := 1; k < int(w); k++ {
			dst[x+k] = cell{} // the right half, as ultraviolet keeps it
		}
		x += int(w)
		i += len(text)
	}
	for ; x < len(dst); x++ {
		dst[x] = blankCell
	}
	return true
}

// cluster is the grapheme s starts with and its width, by the segmenter.
func (p *pens) cluster(s string) (string, uint8) {
	g, w := ansi.FirstGraphemeCluster(s, ansi.WcWidth)
	if w < 0 || w > 2 {
		return g, 0
	}
	return g, uint8(w)
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// painter writes what turns a terminal showing one screen of cells into
// another: the cursor and pen it leaves are known, as home and the
// default style at the start and end of a frame.
type painter struct {
	out      []byte
	p        *pens
	x, y     int // the cursor; x < 0: not known (a wrap may be pending)
	pen      uint16
	w        int
	gap      int // equal cells between two changes rewritten rather than skipped
	anything bool
}

// moveTo moves the cursor to (x, y) the short way.
func (d *painter) moveTo(x, y int) {
	switch {
	case d.x == x && d.y == y:
		return
	case d.x >= 0 && d.y == y && x > d.x:
		if n := x - d.x; n == 1 {
			d.out = append(d.out, "\x1b[C"...)
		} else {
			d.out = append(d.out, "\x1b["...)
			d.out = strconv.AppendInt(d.out, int64(n), 10)
			d.out = append(d.out, 'C')
		}
	case x == 0 && y == 0:
		d.out = append(d.out, "\x1b[H"...)
	default:
		d.out = append(d.out, "\x1b["...)
		d.out = strconv.AppendInt(d.out, int64(y+1), 10)
		if x > 0 {
			d.out = append(d.out, ';')
			d.out = strconv.AppendInt(d.out, int64(x+1), 10)
		}
		d.out = append(d.out, 'H')
	}
	d.x, d.y = x, y
}

func (d *painter) setPen(pen uint16) {
	if pen != d.pen {
		d.out = append(d.out, d.p.move(d.pen, pen)...)
		d.pen = pen
	}
}

// put writes the cells [from, to) of row y.
func (d *painter) put(cells []cell, from, to, y int) {
	d.moveTo(from, y)
	for x := from; x < to; x++ {
		c := &cells[x]
		if c.width == 0 {
			continue
		}
		d.setPen(c.pen)
		d.out = append(d.out, c.text...)
		d.x += int(c.width)
	}
	if d.x >= d.w {
		d.x = -1 // at the last column a wrap is pending: the next move is absolute
	}
	d.anything = true
}

// blankFrom is where row's blank end starts (len(row): none).
func blankFrom(row []cell) int {
	t := len(row)
	for t > 0 && row[t-1] == blankCell {
		t--
	}
	return t
}

// row writes what turns the terminal's row y, showing was, into row.
func (d *painter) row(was, row []cell, y int) {
	end, wasEnd := blankFrom(row), blankFrom(was)
	for x := 0; x < len(row); {
		if row[x] == was[x] {
			x++
			continue
		}
		for x > 0 && row[x].width == 0 {
			x-- // the left half of a wide grapheme
		}
		if x >= end {
			// The rest is blank, and was not: erase it.
			d.moveTo(x, y)
			d.setPen(0)
			d.out = append(d.out, "\x1b[K"...)
			d.anything = true
			return
		}
		// The changed run, with the few equal cells between changes.
		e, last := x, x
		for e < len(row) {
			if row[e] != was[e] {
				e++
				last = e
				continue
			}
			g := e
			for g < len(row) && g-e <= d.gap && row[g] == was[g] {
				g++
			}
			if g == len(row) || g-e > d.gap {
				break
			}
			e = g
		}
		e = last
		for e < len(row) && row[e].width == 0 {
			e++ // the right half of a wide grapheme written
		}
		if e > end && wasEnd > end {
			d.put(row, x, end, y)
			d.moveTo(end, y)
			d.setPen(0)
			d.out = append(d.out, "\x1b[K"...)
			return
		}
		d.put(row, x, e, y)
		x = e
	}
}

// finish leaves the pen and the cursor as every frame does.
func (d *painter) finish() {
	if !d.anything {
		return
	}
	d.setPen(0)
	d.moveTo(0, 0)
}
