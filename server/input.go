package server

import "io"

// Bounds of what one input sequence may hold. No keyboard, mouse or
// terminal reply comes near them: a key or a mouse report is a few bytes,
// the replies the dashboard asks for (background colour, keyboard
// protocol) a few dozen.
const (
	maxSequence = 256      // bytes of a CSI, or of an OSC, DCS, APC, PM or SOS string
	maxPaste    = 64 << 10 // bytes of one bracketed paste
)

// inputGuard stands between a client and the dashboard's input decoder,
// and cuts what a client can send without end. The decoder (ultraviolet's
// TerminalReader) keeps an unfinished escape sequence, and a bracketed
// paste until its end marker, in memory; a client that sends "\x1b]" or
// "\x1b[200~" and then never the end grows a session without bound (and
// re-parses the whole buffer on every read). The guard passes everything
// else through unchanged. A string or paste over its limit is finished
// for the decoder (ST, or the paste end marker) and the rest of it, up to
// the client's own end, is dropped; a CSI over its limit is finished with
// a final byte no sequence uses, and dropped up to and with its own.
// Hand-written because no library offers this: the decoder has no limits
// of its own.
type inputGuard struct {
	r     io.Reader
	state guardState
	n     int    // bytes of the current sequence or paste
	param []byte // a CSI's first bytes, to recognise the paste markers
	end   int    // how much of the paste end marker has been seen
	utf8  int    // continuation bytes still due for a UTF-8 character
	buf   []byte // what was read
	out   []byte // what passed and is not yet returned
}

type guardState uint8

const (
	ground     guardState = iota
	escape                // after ESC
	csi                   // in a control sequence
	csiSkip               // dropping a control sequence that ran too long
	str                   // in an OSC, DCS, APC, PM or SOS string
	strEsc                // after ESC inside a string
	strSkip               // dropping a string that ran too long
	strSkipEsc            // after ESC while dropping a string
	paste                 // inside a bracketed paste
	pasteSkip             // dropping the rest of a paste that ran too long
)

var pasteEnd = []byte("\x1b[201~")

func newInputGuard(r io.Reader) *inputGuard { return &inputGuard{r: r} }

// Read fills p with what the dashboard may see.
func (g *inputGuard) Read(p []byte) (int, error) {
	for {
		if len(g.out) > 0 {
			n := copy(p, g.out)
			g.out = g.out[n:]
			return n, nil
		}
		if cap(g.buf) < len(p) {
			g.buf = make([]byte, len(p))
		}
		n, err := g.r.Read(g.buf[:len(p)])
		g.out = g.filter(g.out[:0], g.buf[:n])
		if len(g.out) > 0 || err != nil {
			k := copy(p, g.out)
			g.out = g.out[k:]
			return k, err
		}
	}
}

// filter appends to out the bytes of b that pass, and what finishes a
// sequence it cuts, in order.
func (g *inputGuard) filter(out, b []byte) []byte {
	keep := func(c byte) { out = append(out, c) }
	for _, c := range b {
		switch g.state {
		case ground:
			if g.utf8 > 0 {
				if c >= 0x80 && c < 0xc0 {
					g.utf8-- // inside a character: not a C1 code
					keep(c)
					continue
				}
				g.utf8 = 0
			}
			switch {
			case c == 0x1b:
				g.state, g.n = escape, 1
			case c >= 0xc0 && c < 0xf8:
				g.utf8 = 1
				if c >= 0xe0 {
					g.utf8 = 2
				}
				if c >= 0xf0 {
					g.utf8 = 3
				}
			case c == 0x9b: // an 8-bit CSI where no character was under way
				g.state, g.n, g.param = csi, 1, g.param[:0]
			case c == 0x90 || c == 0x98 || c == 0x9d || c == 0x9e || c == 0x9f:
				g.state, g.n = str, 1
			}
			keep(c)
		case escape:
			g.n++
			switch c {
			case '[':
				g.state, g.param = csi, g.param[:0]
			case ']', 'P', '_', '^', 'X':
				g.state = str
			case 0x1b:
				g.n = 1 // ESC ESC: the first was a key on its own
			default:
				g.state = ground
			}
			keep(c)
		case csi:
			g.n++
			if g.n > maxSequence && (c < 0x40 || c > 0x7e) {
				// Finish it for the decoder with a final byte no sequence
				// uses: it reads an unknown sequence, and the client's own
				// final byte, when it comes, is not taken for a key.
				keep('z')
				g.state = csiSkip
				continue
			}
			keep(c)
			if c >= 0x40 && c <= 0x7e {
				g.state = ground
				if c == '~' && string(g.param) == "200" {
					g.state, g.n, g.end = paste, 0, 0
				}
			} else if len(g.param) < 8 {
				g.param = append(g.param, c)
			}
		case csiSkip:
			if c >= 0x40 && c <= 0x7e {
				g.state = ground
			}
		case str:
			g.n++
			switch {
			case c == 0x07 || c == 0x9c:
				keep(c)
				g.state = ground
			case c == 0x1b:
				keep(c)
				g.state = strEsc
			case g.n > maxSequence:
				out = append(out, 0x1b, '\\') // ST: the decoder's string ends here
				g.state = strSkip
			default:
				keep(c)
			}
		case strEsc:
			keep(c)
			g.n++
			if c == '\\' {
				g.state = ground
			} else {
				// ESC ends the string and starts something new.
				g.state = escape
				g.n = 1
				switch c {
				case '[':
					g.state, g.param = csi, g.param[:0]
				case ']', 'P', '_', '^', 'X':
					g.state = str
				}
			}
		case strSkip:
			switch c {
			case 0x07, 0x9c:
				g.state = ground
			case 0x1b:
				g.state = strSkipEsc
			}
		case strSkipEsc:
			g.state = strSkip
			if c == '\\' {
				g.state = ground
			}
		case paste:
			g.n++
			g.matchEnd(c)
			if g.end == len(pasteEnd) {
				keep(c)
				g.state, g.end = ground, 0
				continue
			}
			if g.n > maxPaste+len(pasteEnd) {
				// Finish the paste for the decoder; what was passed of a
				// partial end marker is finished by it too.
				out = append(out, pasteEnd[g.end:]...)
				g.state = pasteSkip
				continue
			}
			keep(c)
		case pasteSkip:
			g.matchEnd(c)
			if g.end == len(pasteEnd) {
				g.state, g.end = ground, 0
			}
		}
	}
	return out
}

// matchEnd follows the paste end marker, byte by byte.
func (g *inputGuard) matchEnd(c byte) {
	switch {
	case c == pasteEnd[g.end]:
		g.end++
	case c == pasteEnd[0]:
		g.end = 1
	default:
		g.end = 0
	}
}
