package ui

import "io"

// FilterInput wraps a terminal's input, as read by the program's input
// decoder, so that a malformed control sequence never reaches the
// dashboard as keys. Both the local dashboard (main) and every SSH
// session (server) read through it.
//
// Why: ultraviolet's decoder (the one Bubble Tea uses) stops reading a
// CSI at the first byte that does not fit ECMA-48's order (parameters
// 0x30–0x3F, then intermediates 0x20–0x2F, then a final 0x40–0x7E), reports
// what it read as an unknown sequence, and decodes the rest as typed keys.
// A mouse report with a negative coordinate, "\x1b[<0;-5;-5M" (some
// terminals send them when the pointer leaves the window; any client can),
// thus became the keys 5 ; - 5 M: "-" lowered a growth rate and "M"
// opened the messages. A terminal's own parser (the VT500 state machine
// xterm follows) ignores such a sequence whole, up to its final byte;
// this filter does the same before the decoder sees it. (Upstream: the
// decoder's parseCsi in github.com/charmbracelet/ultraviolet, decoder.go,
// returns UnknownEvent(b[:i]) at the first out-of-order byte instead of
// skipping to the final byte.) Hand-written because no library offers a
// byte filter of this kind, and the decoder has no hook for it.
//
// Only the 7-bit introducer ESC [ is followed: an 8-bit CSI (0x9b) is
// also a UTF-8 continuation byte, and terminals in UTF-8 mode send the
// 7-bit form.
//
// A file (a terminal) stays a file, so that Bubble Tea still puts it in
// raw mode and can cancel a read on exit.
func FilterInput(r io.Reader) io.Reader {
	f := &inputFilter{r: r}
	if file, ok := r.(terminalFile); ok {
		return &fileInputFilter{inputFilter: f, file: file}
	}
	return f
}

// terminalFile is what Bubble Tea and its cancelable reader look for in
// an input to treat it as a terminal.
type terminalFile interface {
	io.ReadWriteCloser
	Fd() uintptr
	Name() string
}

// fileInputFilter is an inputFilter over a terminal: the file's own
// methods, but reads through the filter. A read that filters to nothing
// returns no bytes rather than reading again, so that it never blocks
// outside the cancelable reader's wait.
type fileInputFilter struct {
	*inputFilter
	file terminalFile
}

func (f *fileInputFilter) Read(p []byte) (int, error) { return f.read(p, false) }
func (f *fileInputFilter) Write(p []byte) (int, error) {
	return f.file.Write(p) //nolint:wrapcheck // the terminal's own
}
func (f *fileInputFilter) Close() error { return f.file.Close() }
func (f *fileInputFilter) Fd() uintptr  { return f.file.Fd() }
func (f *fileInputFilter) Name() string { return f.file.Name() }

// maxCSI bounds the bytes of one control sequence the filter looks at. No
// key or report comes near it; the server's input guard cuts a client's
// sequences shorter still. A longer one is dropped.
const maxCSI = 1024

type filterState uint8

const (
	fGround filterState = iota
	fEscape             // after ESC
	fCSI                // in ESC [ … , until its final byte
	fSkip               // dropping a malformed sequence up to its final byte
)

// inputFilter drops malformed control sequences; see FilterInput.
//
// A sequence is held until it is judged, but never past the end of a
// read: what the read ended in goes out (an ESC alone may be the Escape
// key, which the decoder tells from a sequence by a timeout of its own,
// and URxvt ends its shifted keys at an intermediate "$" with no final
// byte). If a sequence sent in part turns out malformed in the next read,
// "z", a final byte no terminal sends, ends it for the decoder as an
// unknown sequence, and the rest is dropped.
type inputFilter struct {
	r     io.Reader
	state filterState
	held  []byte // the sequence under way, from ESC, less what was sent
	sent  int    // bytes of it already passed on
	inter bool   // an intermediate byte was seen in it
	last  byte   // its last byte, held or sent
	// lead: ESCs right before the sequence, each a key on its own, not
	// yet passed: they go with the sequence, passed or dropped, so that a
	// dropped one never leaves an ESC to join what follows.
	lead int
	buf  []byte // what was read
	out  []byte // what passed and is not yet returned
	err  error  // the reader's error, once out is drained
}

func (f *inputFilter) Read(p []byte) (int, error) { return f.read(p, true) }

// read fills p with what passes. again reads once more when a read
// filtered to nothing (a plain reader); a terminal's read returns empty.
func (f *inputFilter) read(p []byte, again bool) (int, error) {
	for {
		if len(f.out) > 0 {
			n := copy(p, f.out)
			f.out = f.out[n:]
			return n, nil
		}
		if f.err != nil {
			return 0, f.err
		}
		if cap(f.buf) < len(p) {
			f.buf = make([]byte, len(p))
		}
		n, err := f.r.Read(f.buf[:len(p)])
		f.out, f.err = f.filter(f.out[:0], f.buf[:n]), err
		if len(f.out) == 0 && f.err == nil && !again {
			return 0, nil
		}
	}
}

// drop drops the sequence under way, and the rest of it up to its final
// byte; a part already sent is ended for the decoder.
func (f *inputFilter) drop(out []byte) []byte {
	switch {
	case f.sent == 1: // ESC
		out = append(out, '[', 'z')
	case f.sent > 1: // ESC [ …
		out = append(out, 'z')
	}
	f.held, f.sent, f.state, f.lead = f.held[:0], 0, fSkip, 0
	return out
}

// pass passes the sequence under way, whole.
func (f *inputFilter) pass(out []byte) []byte {
	out = f.passLead(out)
	out = append(out, f.held...)
	f.held, f.sent, f.state = f.held[:0], 0, fGround
	return out
}

// passLead passes the ESCs held before the sequence.
func (f *inputFilter) passLead(out []byte) []byte {
	for ; f.lead > 0; f.lead-- {
		out = append(out, 0x1b)
	}
	return out
}

// filter appends to out what of b passes.
func (f *inputFilter) filter(out, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch f.state {
		case fGround:
			if c == 0x1b {
				f.state, f.held, f.sent = fEscape, append(f.held[:0], c), 0
				continue
			}
			out = append(out, c)
		case fEscape:
			if c == '[' {
				f.state, f.inter, f.last = fCSI, false, c
				f.held = append(f.held, c)
				continue
			}
			if c == 0x1b {
				// ESC ESC: the first is a key on its own.
				if f.sent == 0 {
					f.lead++
				}
				f.held, f.sent = append(f.held[:0], c), 0
				continue
			}
			// Not a CSI: what was held goes out, and c starts afresh.
			out = f.pass(out)
			i--
		case fCSI:
			switch {
			case c >= 0x30 && c <= 0x3f:
				if f.inter {
					out = f.drop(out) // a parameter after an intermediate
					continue
				}
			case c >= 0x20 && c <= 0x2f:
				f.inter = true
			case c >= 0x40 && c <= 0x7e:
				f.held = append(f.held, c)
				out = f.pass(out)
				continue
			default:
				// A control, or a byte no CSI holds, cuts the sequence
				// short: the decoder would report it as unknown, then
				// read c on its own. It goes, and c is read afresh;
				// but URxvt's shifted keys end at "$" with no final
				// byte, and the decoder reads them as keys: they pass.
				if f.last == '$' {
					out = f.pass(out)
				} else {
					out = f.drop(out)
				}
				f.state = fGround
				i--
				continue
			}
			f.held, f.last = append(f.held, c), c
			if f.sent+len(f.held) > maxCSI {
				out = f.drop(out)
			}
		case fSkip:
			if c >= 0x40 && c <= 0x7e {
				f.state = fGround
			} else if c < 0x20 || c > 0x7e {
				f.state = fGround
				i-- // as above: the decoder reads it on its own
			}
		}
	}
	// The end of a read: what is held goes out, remembered as sent.
	if f.state == fEscape || f.state == fCSI {
		out = f.passLead(out)
		out = append(out, f.held...)
		f.sent += len(f.held)
		f.held = f.held[:0]
	}
	return out
}
