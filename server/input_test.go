package server

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// guard runs input through an inputGuard, reading it in chunks of the
// given size, as a network delivers it.
func guard(t testing.TB, input string, chunk int) string {
	t.Helper()
	var r io.Reader = strings.NewReader(input)
	if chunk > 0 {
		r = &chunkReader{data: []byte(input), size: chunk}
	}
	out, err := io.ReadAll(newInputGuard(r))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

type chunkReader struct {
	data []byte
	size int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.size)], c.data)
	c.data = c.data[n:]
	return n, nil
}

// TestInputGuardPassesRealInput: what keyboards, mice and terminals send
// passes unchanged.
func TestInputGuardPassesRealInput(t *testing.T) {
	for _, in := range []string{
		"jjk+-e12.5\r",
		"Région Asie–Pacifique 東京 🚀",
		"\x1b[A\x1b[B\x1b[1;5C\x1bOP\x1b[15~",        // arrows, ctrl+right, F1, F5
		"\x1b\x1b[A\x1b",                             // alt+up and a lone esc
		"\x1b[<0;10;20M\x1b[<0;10;20m",               // SGR mouse
		"\x1b]11;rgb:1c1c/1c1c/1c1c\x1b\\",           // background colour reply, ST
		"\x1b]11;rgb:ffff/ffff/ffff\a",               // ... BEL
		"\x1b[?2026;2$y\x1b[?1u\x1b[>1;4000;0c",      // mode and keyboard replies
		"\x1b[200~pasted text\nwith lines\x1b[201~q", // a paste, then a key
		"\x1bP1+r524742=382F382F38\x1b\\",            // XTGETTCAP reply
		"\x1b[200~" + strings.Repeat("x", maxPaste-1) + "\x1b[201~",
		"\x1b]" + strings.Repeat("a", maxSequence-2) + "\a",
	} {
		for _, chunk := range []int{0, 1, 3} {
			if got := guard(t, in, chunk); got != in {
				t.Errorf("chunks of %d: %.60q became %.60q", chunk, in, got)
			}
		}
	}
}

// TestInputGuardBounds: a sequence or paste that never ends is cut, the
// decoder is given an end, and the session reads on normally after the
// client's own end.
func TestInputGuardBounds(t *testing.T) {
	huge := strings.Repeat("A", 10<<20)
	for _, c := range []struct {
		name, in, wantPrefix, wantSuffix string
		max                              int
	}{
		{"unterminated OSC", "\x1b]52;c;" + huge, "\x1b]52;c;AAA", "A\x1b\\", maxSequence + 2},
		{"OSC ended late", "\x1b]0;" + huge + "\aq", "\x1b]0;AAA", "A\x1b\\q", maxSequence + 3},
		{"OSC ended late by ST", "\x1b]0;" + huge + "\x1b\\q", "\x1b]0;AAA", "A\x1b\\q", maxSequence + 3},
		{"DCS", "\x1bP" + huge, "\x1bPAAA", "A\x1b\\", maxSequence + 2},
		{"8-bit OSC", "\x9d" + huge, "\x9d", "A\x1b\\", maxSequence + 2},
		{"8-bit CSI", "\x9b" + strings.Repeat("1", 5<<20) + "mq", "\x9b111", "1zq", maxSequence + 2},
		{"CSI", "\x1b[" + strings.Repeat("1;", 5<<20) + "mq", "\x1b[1;1;", ";zq", maxSequence + 2},
		{"unterminated paste", "\x1b[200~" + huge, "\x1b[200~AAA", "A\x1b[201~", maxPaste + 18},
		{"paste ended late", "\x1b[200~" + huge + "\x1b[201~jk", "\x1b[200~AAA", "A\x1b[201~jk", maxPaste + 20},
	} {
		for _, chunk := range []int{0, 4096, 7} {
			if chunk == 7 && len(c.in) > 1<<20 {
				c.in = c.in[:1<<20] + c.in[len(c.in)-20:]
			}
			got := guard(t, c.in, chunk)
			if len(got) > c.max || !strings.HasPrefix(got, c.wantPrefix) || !strings.HasSuffix(got, c.wantSuffix) {
				t.Errorf("%s (chunks of %d): %d bytes out, want at most %d, from %.20q to %.20q: %.40q…%.40q",
					c.name, chunk, len(got), c.max, c.wantPrefix, c.wantSuffix, got[:min(40, len(got))], got[max(0, len(got)-40):])
			}
		}
	}
}

// FuzzInputGuard: however the input is split into reads, the guard
// passes the same bytes; text without escapes passes unchanged; and the
// output is never much more than the input.
func FuzzInputGuard(f *testing.F) {
	f.Add([]byte("\x1b[200~abc\x1b[201~"), uint8(3))
	f.Add([]byte("\x1b]11;rgb:0/0/0\x1b\\jk"), uint8(1))
	f.Add([]byte("\x1b[<0;1;2M\u009b2J\xe2\x80\x9b"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		whole := guard(t, string(data), 0)
		split := guard(t, string(data), int(chunk%16)+1)
		if whole != split {
			t.Fatalf("read whole: %q; in chunks of %d: %q", whole, chunk%16+1, split)
		}
		if bytes.IndexFunc(data, func(r rune) bool { return r == 0x1b || r == utf8.RuneError }) < 0 && whole != string(data) {
			t.Fatalf("plain input %q changed to %q", data, whole)
		}
		if len(whole) > len(data)+8 {
			t.Fatalf("%d bytes in, %d out", len(data), len(whole))
		}
	})
}

// BenchmarkInputGuard: the guard's cost on typed input and mouse reports,
// per byte.
func BenchmarkInputGuard(b *testing.B) {
	in := []byte(strings.Repeat("jk+-\x1b[A\x1b[<0;10;20M2", 4096))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	g := newInputGuard(nil)
	out := make([]byte, 0, len(in)+64)
	for b.Loop() {
		out = g.filter(out[:0], in)
	}
}

// TestInputPacerEndsWithSession: once the session is over the pacer reads
// as the end of input, so the decoder's loop ends, even while the client
// still sends.
func TestInputPacerEndsWithSession(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := newInputPacer(ctx, strings.NewReader(strings.Repeat("m", 1<<20)))
	buf := make([]byte, 4096)
	if n, err := p.Read(buf); n == 0 || err != nil {
		t.Fatalf("a live session read %d bytes, err %v", n, err)
	}
	cancel()
	if n, err := p.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("after the session ended: read %d bytes, err %v; want 0 and io.EOF", n, err)
	}
}

// TestInputPacerBound: no more than maxUndecoded bytes pass with no
// event decoded in between, however large the reads asked for.
func TestInputPacerBound(t *testing.T) {
	p := newInputPacer(context.Background(), strings.NewReader(strings.Repeat("\x1bm", 1<<20)))
	buf := make([]byte, 1<<20)
	total := 0
	for total < maxUndecoded {
		n, err := p.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if total != maxUndecoded {
		t.Fatalf("%d bytes passed with no event; the bound is %d", total, maxUndecoded)
	}
	p.event()
	if n, _ := p.Read(buf); n == 0 || n > maxUndecoded {
		t.Fatalf("after an event a read passed %d bytes", n)
	}
}
