package main

import (
	"bytes"
	"io"

	"github.com/charmbracelet/x/term"
)

// trimWriter drops the spaces at the ends of lines written through it.
// fang lays help and error text out in boxes as wide as the terminal
// (120 columns when it is not one), padding every line with spaces: a
// help text copied into an e-mail, or diffed, carried blocks of blanks.
// fang has no option to stop it, and no library does this, so it is
// written here.
//
// Text may be styled: blanks after a style reset (or before any style)
// are trailing padding and go; blanks under a style, such as the coloured
// background of the ERROR banner, are part of what is shown and stay.
// Escape sequences are kept. Only '\n' ends a line: a progress bar's
// '\r' redraws, and its erasing blanks must stay.
type trimWriter struct {
	w       io.Writer
	pending []byte // blanks and escape sequences since the last visible byte
	drop    []bool // for each byte of pending: a blank that goes at a line end
	esc     []byte // an escape sequence not yet complete
	styled  bool   // a style is on: blanks written now are shown
	out     bytes.Buffer
}

func newTrimWriter(w io.Writer) *trimWriter { return &trimWriter{w: w} }

// trimFile is a trimWriter over a file: fang asks its writer for a file
// descriptor to tell a terminal, and without one would drop its colours.
type trimFile struct {
	*trimWriter
	f term.File
}

func (t trimFile) Read(p []byte) (int, error) { return t.f.Read(p) }
func (t trimFile) Close() error               { return t.f.Close() }
func (t trimFile) Fd() uintptr                { return t.f.Fd() }

// trimmed returns w through a trimWriter, still a term.File when w is
// one, and the function that flushes it at the end.
func trimmed(w io.Writer) (io.Writer, func() error) {
	t := newTrimWriter(w)
	if f, ok := w.(term.File); ok {
		return trimFile{t, f}, t.Flush
	}
	return t, t.Flush
}

func (t *trimWriter) Write(p []byte) (int, error) {
	t.out.Reset()
	for _, c := range p {
		t.put(c)
	}
	if t.out.Len() > 0 {
		if _, err := t.w.Write(t.out.Bytes()); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// put feeds one byte through.
func (t *trimWriter) put(c byte) {
	switch {
	case len(t.esc) > 0:
		t.esc = append(t.esc, c)
		if escDone(t.esc) {
			if isSGR(t.esc) {
				p := t.esc[2 : len(t.esc)-1]
				t.styled = !(len(p) == 0 || string(p) == "0")
			}
			t.hold(t.esc, false)
			t.esc = t.esc[:0]
		}
	case c == 0x1b:
		t.esc = append(t.esc, c)
	case c == ' ' || c == '\t':
		t.hold([]byte{c}, !t.styled)
	case c == '\n':
		t.out.Write(t.kept())
		t.out.WriteByte(c)
		t.pending, t.drop = t.pending[:0], t.drop[:0]
	default:
		t.out.Write(t.pending)
		t.out.WriteByte(c)
		t.pending, t.drop = t.pending[:0], t.drop[:0]
	}
}

// hold keeps b back until it is known whether a line ends after it.
func (t *trimWriter) hold(b []byte, drop bool) {
	t.pending = append(t.pending, b...)
	for range b {
		t.drop = append(t.drop, drop)
	}
}

// kept is pending without the blanks that go at a line end.
func (t *trimWriter) kept() []byte {
	out := make([]byte, 0, len(t.pending))
	for i, c := range t.pending {
		if !t.drop[i] {
			out = append(out, c)
		}
	}
	return out
}

// isSGR reports whether the complete sequence s sets a style (CSI … m).
func isSGR(s []byte) bool { return len(s) >= 3 && s[1] == '[' && s[len(s)-1] == 'm' }

// escDone reports whether s, which starts with ESC, is a complete escape
// sequence: CSI (ESC [ … a final byte 0x40–0x7E), OSC (ESC ] … BEL or
// ESC \), or ESC and one byte.
func escDone(s []byte) bool {
	if len(s) < 2 {
		return false
	}
	switch s[1] {
	case '[':
		c := s[len(s)-1]
		return len(s) > 2 && c >= 0x40 && c <= 0x7e
	case ']':
		return s[len(s)-1] == 0x07 || len(s) > 3 && s[len(s)-2] == 0x1b && s[len(s)-1] == '\\'
	}
	return true
}

// Flush writes what is held back at the end of the output: its escape
// sequences, without trailing blanks.
func (t *trimWriter) Flush() error {
	rest := append(t.kept(), t.esc...)
	t.pending, t.drop, t.esc = t.pending[:0], t.drop[:0], t.esc[:0]
	if len(rest) == 0 {
		return nil
	}
	_, err := t.w.Write(rest)
	return err
}
