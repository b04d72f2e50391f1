package server

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// vt is a small terminal emulator: enough of xterm to replay what the
// Bubble Tea renderer sends (cursor moves, erases, inserts and deletes,
// scroll regions, repeats) onto a grid of cells, so that tests read the
// screen a user would see rather than the byte stream, where an update
// may rewrite only the changed cells of a line.
//
// Colours and attributes are ignored. It is fed from one goroutine at a
// time (the caller locks).
type vt struct {
	w, h        int
	cells       [][]rune // cells[y][x]; 0 is the right half of a wide rune
	x, y        int
	top, bot    int // scroll region, inclusive rows
	wrapPending bool
	autowrap    bool
	insert      bool
	last        rune // last printed rune, for REP
	saveX       int
	saveY       int
	main        [][]rune // the normal screen while the alternate one shows
	alt         bool

	// parser state, kept across writes: a sequence may span two reads.
	state   int
	params  []byte
	inter   []byte
	partial []byte // an incomplete UTF-8 sequence
}

const (
	vtGround = iota
	vtEsc
	vtEscInter
	vtCSI
	vtString // OSC, DCS, APC, PM, SOS: skipped up to BEL or ST
	vtStringEsc
)

func newVT(w, h int) *vt {
	v := &vt{autowrap: true}
	v.resize(w, h)
	return v
}

func blankLine(w int) []rune {
	l := make([]rune, w)
	for i := range l {
		l[i] = ' '
	}
	return l
}

// resize changes the grid size as a terminal window would, keeping what
// fits.
func (v *vt) resize(w, h int) {
	cells := make([][]rune, h)
	for y := range cells {
		cells[y] = blankLine(w)
		if y < len(v.cells) {
			copy(cells[y], v.cells[y])
		}
	}
	v.cells, v.w, v.h = cells, w, h
	v.top, v.bot = 0, h-1
	v.x, v.y = min(v.x, w-1), min(v.y, h-1)
	v.wrapPending = false
}

// String is the screen as text, one line per row, trailing blanks cut.
func (v *vt) String() string {
	var b strings.Builder
	for y, row := range v.cells {
		if y > 0 {
			b.WriteByte('\n')
		}
		var line strings.Builder
		for _, r := range row {
			if r != 0 {
				line.WriteRune(r)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
	}
	return b.String()
}

// Write feeds terminal output to the emulator.
func (v *vt) Write(p []byte) (int, error) {
	n := len(p)
	if len(v.partial) > 0 {
		p = append(v.partial, p...)
		v.partial = nil
	}
	for len(p) > 0 {
		c := p[0]
		switch v.state {
		case vtGround:
			switch {
			case c == 0x1b:
				v.state = vtEsc
				v.inter = v.inter[:0]
			case c < 0x20 || c == 0x7f:
				v.control(c)
			case c < 0x80:
				v.print(rune(c))
			default:
				if !utf8.FullRune(p) {
					v.partial = append([]byte(nil), p...)
					return n, nil
				}
				r, size := utf8.DecodeRune(p)
				v.print(r)
				p = p[size:]
				continue
			}
		case vtEsc, vtEscInter:
			switch {
			case c == '[' && v.state == vtEsc:
				v.state = vtCSI
				v.params = v.params[:0]
				v.inter = v.inter[:0]
			case (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') && v.state == vtEsc:
				v.state = vtString
			case c >= 0x20 && c <= 0x2f:
				v.inter = append(v.inter, c)
				v.state = vtEscInter
			case c >= 0x30 && c <= 0x7e:
				if len(v.inter) == 0 {
					v.esc(c)
				}
				v.state = vtGround
			default:
				v.state = vtGround
			}
		case vtCSI:
			switch {
			case c >= 0x30 && c <= 0x3f:
				v.params = append(v.params, c)
			case c >= 0x20 && c <= 0x2f:
				v.inter = append(v.inter, c)
			case c >= 0x40 && c <= 0x7e:
				if len(v.inter) == 0 {
					v.csi(c)
				}
				v.state = vtGround
			case c == 0x1b:
				v.state = vtEsc
			default: // a control inside a sequence is executed
				v.control(c)
			}
		case vtString:
			switch c {
			case 0x07:
				v.state = vtGround
			case 0x1b:
				v.state = vtStringEsc
			}
		case vtStringEsc:
			if c == '\\' {
				v.state = vtGround
			} else {
				v.state = vtString
			}
		}
		p = p[1:]
	}
	return n, nil
}

func (v *vt) control(c byte) {
	switch c {
	case '\r':
		v.x, v.wrapPending = 0, false
	case '\n', '\v', '\f':
		v.lineFeed()
	case '\b':
		if v.x > 0 {
			v.x--
		}
		v.wrapPending = false
	case '\t':
		v.x = min(v.w-1, (v.x/8+1)*8)
		v.wrapPending = false
	}
}

func (v *vt) lineFeed() {
	v.wrapPending = false
	switch {
	case v.y == v.bot:
		v.scrollUp(1)
	case v.y < v.h-1:
		v.y++
	}
}

func (v *vt) print(r rune) {
	width := ansi.StringWidth(string(r))
	if width == 0 {
		return // combining marks and the like: not needed here
	}
	if v.wrapPending || v.x+width > v.w {
		if v.autowrap {
			v.x = 0
			v.lineFeed()
		} else {
			v.x = max(0, v.w-width)
		}
	}
	v.wrapPending = false
	row := v.cells[v.y]
	if v.insert {
		copy(row[v.x+width:], row[v.x:])
	}
	// Overwriting half of a wide rune blanks its other half.
	if v.x > 0 && row[v.x] == 0 {
		row[v.x-1] = ' '
	}
	row[v.x] = r
	for i := 1; i < width; i++ {
		row[v.x+i] = 0
	}
	if end := v.x + width; end < v.w && row[end] == 0 {
		row[end] = ' '
	}
	v.last = r
	v.x += width
	if v.x >= v.w {
		v.x = v.w - 1
		v.wrapPending = true
	}
}

// param returns the i-th numeric parameter of the current CSI sequence,
// or def when it is missing or zero.
func (v *vt) param(i, def int) int {
	fields := strings.Split(string(v.params), ";")
	if i >= len(fields) {
		return def
	}
	n := 0
	for _, c := range fields[i] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
		if n > 100000 {
			n = 100000
		}
	}
	if n == 0 {
		return def
	}
	return n
}

func (v *vt) csi(final byte) {
	private := len(v.params) > 0 && (v.params[0] == '?' || v.params[0] == '>' || v.params[0] == '<' || v.params[0] == '=')
	if private {
		if v.params[0] == '?' && (final == 'h' || final == 'l') {
			v.params = v.params[1:]
			v.privateMode(final == 'h')
		}
		return
	}
	clampX := func(x int) int { return max(0, min(v.w-1, x)) }
	clampY := func(y int) int { return max(0, min(v.h-1, y)) }
	move := true
	switch final {
	case '@': // ICH
		n := min(v.param(0, 1), v.w-v.x)
		row := v.cells[v.y]
		copy(row[v.x+n:], row[v.x:])
		for i := v.x; i < v.x+n; i++ {
			row[i] = ' '
		}
	case 'A':
		v.y = max(v.topFor(), v.y-v.param(0, 1))
	case 'B':
		v.y = min(v.botFor(), v.y+v.param(0, 1))
	case 'C', 'a':
		v.x = clampX(v.x + v.param(0, 1))
	case 'D':
		v.x = clampX(v.x - v.param(0, 1))
	case 'E':
		v.y, v.x = min(v.botFor(), v.y+v.param(0, 1)), 0
	case 'F':
		v.y, v.x = max(v.topFor(), v.y-v.param(0, 1)), 0
	case 'G', '`':
		v.x = clampX(v.param(0, 1) - 1)
	case 'H', 'f':
		v.y, v.x = clampY(v.param(0, 1)-1), clampX(v.param(1, 1)-1)
	case 'd':
		v.y = clampY(v.param(0, 1) - 1)
	case 'e':
		v.y = clampY(v.y + v.param(0, 1))
	case 'I':
		for range v.param(0, 1) {
			v.x = min(v.w-1, (v.x/8+1)*8)
		}
	case 'Z':
		for range v.param(0, 1) {
			v.x = max(0, (v.x-1)/8*8)
		}
	case 'J':
		switch v.param(0, 0) {
		case 0:
			v.eraseLine(v.y, v.x, v.w)
			for y := v.y + 1; y < v.h; y++ {
				v.eraseLine(y, 0, v.w)
			}
		case 1:
			for y := 0; y < v.y; y++ {
				v.eraseLine(y, 0, v.w)
			}
			v.eraseLine(v.y, 0, v.x+1)
		case 2, 3:
			for y := range v.h {
				v.eraseLine(y, 0, v.w)
			}
		}
		move = false
	case 'K':
		switch v.param(0, 0) {
		case 0:
			v.eraseLine(v.y, v.x, v.w)
		case 1:
			v.eraseLine(v.y, 0, v.x+1)
		case 2:
			v.eraseLine(v.y, 0, v.w)
		}
		move = false
	case 'X': // ECH
		v.eraseLine(v.y, v.x, min(v.w, v.x+v.param(0, 1)))
		move = false
	case 'P': // DCH
		n := min(v.param(0, 1), v.w-v.x)
		row := v.cells[v.y]
		copy(row[v.x:], row[v.x+n:])
		for i := v.w - n; i < v.w; i++ {
			row[i] = ' '
		}
	case 'b': // REP
		for range min(v.param(0, 1), v.w*v.h) {
			v.print(v.last)
		}
		return
	case 'L': // IL
		if v.y >= v.top && v.y <= v.bot {
			v.shiftDown(v.y, v.param(0, 1))
			v.x = 0
		}
	case 'M': // DL
		if v.y >= v.top && v.y <= v.bot {
			v.shiftUp(v.y, v.param(0, 1))
			v.x = 0
		}
	case 'S':
		v.scrollUp(v.param(0, 1))
	case 'T':
		v.scrollDown(v.param(0, 1))
	case 'r': // DECSTBM
		top, bot := v.param(0, 1)-1, v.param(1, v.h)-1
		if top < bot && bot < v.h {
			v.top, v.bot = top, bot
		} else {
			v.top, v.bot = 0, v.h-1
		}
		v.x, v.y = 0, 0
	case 's':
		v.saveX, v.saveY = v.x, v.y
	case 'u':
		v.x, v.y = clampX(v.saveX), clampY(v.saveY)
	case 'h', 'l':
		if v.param(0, 0) == 4 {
			v.insert = final == 'h'
		}
		move = false
	default:
		move = false // SGR and queries change no cell
	}
	if move {
		v.wrapPending = false
	}
}

// topFor and botFor bound vertical cursor moves: inside the scroll region
// when the cursor is in it, the screen otherwise.
func (v *vt) topFor() int {
	if v.y >= v.top {
		return v.top
	}
	return 0
}

func (v *vt) botFor() int {
	if v.y <= v.bot {
		return v.bot
	}
	return v.h - 1
}

func (v *vt) privateMode(set bool) {
	for _, f := range strings.Split(string(v.params), ";") {
		switch f {
		case "7":
			v.autowrap = set
		case "47", "1047", "1049":
			if set == v.alt {
				continue
			}
			if set {
				v.main = v.cells
				v.cells = nil
				v.resize(v.w, v.h) // a blank alternate screen
			} else {
				v.cells = v.main
				v.main = nil
				v.resize(v.w, v.h)
			}
			v.alt = set
		}
	}
}

func (v *vt) esc(final byte) {
	switch final {
	case '7':
		v.saveX, v.saveY = v.x, v.y
	case '8':
		v.x, v.y = min(v.saveX, v.w-1), min(v.saveY, v.h-1)
		v.wrapPending = false
	case 'D':
		v.lineFeed()
	case 'E':
		v.x = 0
		v.lineFeed()
	case 'M': // RI
		v.wrapPending = false
		switch {
		case v.y == v.top:
			v.scrollDown(1)
		case v.y > 0:
			v.y--
		}
	case 'c':
		*v = *newVT(v.w, v.h)
	}
}

func (v *vt) eraseLine(y, from, to int) {
	row := v.cells[y]
	for i := max(0, from); i < min(to, v.w); i++ {
		row[i] = ' '
	}
}

// shiftUp deletes n lines at row y of the scroll region, pulling the rest
// up and blanking the bottom.
func (v *vt) shiftUp(y, n int) {
	n = min(n, v.bot-y+1)
	copy(v.cells[y:v.bot+1], v.cells[y+n:v.bot+1])
	for i := v.bot - n + 1; i <= v.bot; i++ {
		v.cells[i] = blankLine(v.w)
	}
}

// shiftDown inserts n blank lines at row y of the scroll region, pushing
// the rest down and dropping the bottom.
func (v *vt) shiftDown(y, n int) {
	n = min(n, v.bot-y+1)
	copy(v.cells[y+n:v.bot+1], v.cells[y:v.bot+1-n])
	for i := y; i < y+n; i++ {
		v.cells[i] = blankLine(v.w)
	}
}

func (v *vt) scrollUp(n int)   { v.shiftUp(v.top, n) }
func (v *vt) scrollDown(n int) { v.shiftDown(v.top, n) }

// TestVT checks the emulator the other tests read screens with.
func TestVT(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"text and CRLF", "ab\r\ncd", "ab\ncd\n\n"},
		{"cursor position and erase line", "hello\x1b[1;3Hy\x1b[K", "hey\n\n\n"},
		{"forward, ECH, REP", "abcdef\r\x1b[2C\x1b[2X\x1b[4Cz\x1b[2b", "ab  efzzz\n\n\n"},
		{"split sequence", "ab\x1b[", "ab\n\n\n"},
		{"UTF-8 and wide", "│é界x", "│é界x\n\n\n"},
		{"alternate screen", "main\x1b[?1049hALT\x1b[?1049l", "main\n\n\n"},
		{"insert and delete line", "1\r\n2\r\n3\x1b[2;1H\x1b[L", "1\n\n2\n3"},
		{"delete line", "1\r\n2\r\n3\x1b[1;1H\x1b[M", "2\n3\n\n"},
		{"scroll at the bottom", "1\r\n2\r\n3\r\n4\r\n5", "2\n3\n4\n5"},
		{"autowrap", "0123456789ab", "0123456789\nab\n\n"},
		{"no autowrap", "\x1b[?7l0123456789ab", "012345678b\n\n\n"},
		{"ICH and DCH", "abcd\r\x1b[2@\x1b[1;5H\x1b[P", "  abd\n\n\n"},
		{"erase below", "aaa\r\nbbb\r\nccc\x1b[2;2H\x1b[J", "aaa\nb\n\n"},
		{"OSC skipped", "\x1b]11;?\x07ok", "ok\n\n\n"},
	}
	for _, c := range cases {
		v := newVT(10, 4)
		_, _ = v.Write([]byte(c.in))
		if got := v.String(); got != c.want {
			t.Errorf("%s: screen %q, want %q", c.name, got, c.want)
		}
		// One byte at a time: sequences and runes span reads.
		w := newVT(10, 4)
		for i := range len(c.in) {
			_, _ = w.Write([]byte{c.in[i]})
		}
		if got := w.String(); got != c.want {
			t.Errorf("%s, byte by byte: screen %q, want %q", c.name, got, c.want)
		}
	}
}
