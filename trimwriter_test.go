package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestTrimWriter: padding at line ends goes, whatever the writes' split;
// blanks inside a line, blanks under a style (a coloured banner) and
// escape sequences stay; a '\r' does not end a line.
func TestTrimWriter(t *testing.T) {
	for in, want := range map[string]string{
		"a  b   \n":                                "a  b\n",
		"   \n\n  x \n":                            "\n\n  x\n",
		"text\x1b[m   \n":                          "text\x1b[m\n",
		"\x1b[1mbold\x1b[0m  \n":                   "\x1b[1mbold\x1b[0m\n",
		"\x1b[41m   ERROR  \x1b[m\n":               "\x1b[41m   ERROR  \x1b[m\n",
		"\x1b[41m          \x1b[m  \n":             "\x1b[41m          \x1b[m\n",
		"50%   \r100%\n":                           "50%   \r100%\n",
		"end   ":                                   "end",
		"\x1b]11;?\x07 x  \n":                      "\x1b]11;?\x07 x\n",
		"tab\t\n":                                  "tab\n",
		"a \x1b[32m b\x1b[m \n":                    "a \x1b[32m b\x1b[m\n",
		"\x1b[44mkeep \x1b[m\x1b[44m more  \n":     "\x1b[44mkeep \x1b[m\x1b[44m more  \n",
		"no newline at all \x1b[m":                 "no newline at all\x1b[m",
		"multi\nline   \nend  \x1b[m    \n \n":     "multi\nline\nend\x1b[m\n\n",
		"\x1b[38;2;1;2;3mrgb\x1b[m        \n done": "\x1b[38;2;1;2;3mrgb\x1b[m\n done",
	} {
		for split := 0; split <= len(in); split++ {
			var buf bytes.Buffer
			w := newTrimWriter(&buf)
			if n, err := w.Write([]byte(in[:split])); err != nil || n != split {
				t.Fatalf("Write: %d, %v", n, err)
			}
			if _, err := w.Write([]byte(in[split:])); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != want {
				t.Errorf("%q split at %d: %q, want %q", in, split, buf.String(), want)
			}
		}
	}
}

// FuzzTrimWriter: whatever is written, in two writes, only blanks go; text
// without escape sequences comes out as its lines trimmed at the right.
func FuzzTrimWriter(f *testing.F) {
	f.Add("a  b   \n", 3)
	f.Add("\x1b[41m   ERROR  \x1b[m  \n", 5)
	f.Add("\x1b]11;?\x07 x \r\n\x1b[", 9)
	f.Add("50%   \r100% \t\n end ", 2)
	f.Fuzz(func(t *testing.T, in string, split int) {
		split = min(max(split, 0), len(in))
		var buf bytes.Buffer
		w := newTrimWriter(&buf)
		_, _ = w.Write([]byte(in[:split]))
		_, _ = w.Write([]byte(in[split:]))
		_ = w.Flush()
		noBlanks := func(s string) string { return strings.NewReplacer(" ", "", "\t", "").Replace(s) }
		if noBlanks(buf.String()) != noBlanks(in) {
			t.Fatalf("%q came out as %q: more than blanks changed", in, buf.String())
		}
		if !strings.Contains(in, "\x1b") {
			lines := strings.Split(in, "\n")
			for i, l := range lines {
				lines[i] = strings.TrimRight(l, " \t")
			}
			if want := strings.Join(lines, "\n"); buf.String() != want {
				t.Fatalf("%q came out as %q, want %q", in, buf.String(), want)
			}
		}
	})
}
