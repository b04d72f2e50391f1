package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Accelerated adoption", "Accelerated adoption"},
		{"Région Asie–Pacifique 東京", "Région Asie–Pacifique 東京"},
		{"\x1b]52;c;aGVsbG8=\a", `\x1b]52;c;aGVsbG8=\a`},
		{"\x1b[2J\x1b]0;owned\x07", `\x1b[2J\x1b]0;owned\a`},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"\u009b31m", `\u009b31m`}, // C1 CSI: one character, an escape on some terminals
		{"abc\u202edcba", `abc\u202edcba`},
		{"zero\u200bwidth\ufeff", `zero\u200bwidth\ufeff`},
		{"line\u2028sep", `line\u2028sep`},
		{"bad\xffutf8\xc3", `bad\xffutf8\xc3`},
		{"\x7f", `\x7f`},
		{"\ufffd stays", "\ufffd stays"}, // a real replacement character is text
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q; want %q", c.in, got, c.want)
		}
	}
	if got := EscapeText("one\ntwo\x1b[2J"); got != "one\ntwo\\x1b[2J" {
		t.Errorf("EscapeText kept or lost the wrong things: %q", got)
	}
}

func TestStrip(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Medical Devices", "Medical Devices"},
		{"\x1b]52;c;aGVsbG8=\aName", "]52;c;aGVsbG8=Name"},
		{"a\u202eb\u2066c\u200dd", "abcd"},
		{"x\xffy", "x\ufffdy"},
		{"tab\there", "tabhere"},
	} {
		if got := Strip(c.in); got != c.want {
			t.Errorf("Strip(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// Neither function lets an unsafe character or a byte that is not UTF-8
// through, whatever the input.
func FuzzSafe(f *testing.F) {
	f.Add("\x1b[2J\u202e\xff\n")
	f.Add("plain")
	f.Fuzz(func(t *testing.T, s string) {
		for name, out := range map[string]string{"Escape": Escape(s), "Strip": Strip(s), "EscapeText": EscapeText(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q is not UTF-8", name, s, out)
			}
			for _, r := range out {
				if IsUnsafe(r) && !(name == "EscapeText" && r == '\n') {
					t.Fatalf("%s(%q) = %q keeps %U", name, s, out, r)
				}
			}
		}
		if strings.ContainsRune(s, '\n') && !strings.ContainsRune(EscapeText(s), '\n') {
			t.Fatalf("EscapeText(%q) lost its line breaks", s)
		}
	})
}

func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"日本語のテキスト", 4, "日本語…"},
		{"x", 0, ""},
	} {
		if got := Truncate(c.in, c.n); got != c.want {
			t.Errorf("Truncate(%q, %d) = %q; want %q", c.in, c.n, got, c.want)
		}
	}
}

// TestCell: text a spreadsheet would run as a formula gets a leading
// apostrophe; other text, and the empty cell, are as they were.
func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://example.com","x")`: `'=HYPERLINK("http://example.com","x")`,
		"+SUM(A1:A9)":                          "'+SUM(A1:A9)",
		"-2+3":                                 "'-2+3",
		"@SUM(1)":                              "'@SUM(1)",
		`=cmd|' /C calc'!A0`:                   `'=cmd|' /C calc'!A0`,
		"\t=1+1":                               "'\t=1+1",
		"\r=1+1":                               "'\r=1+1",
		"＝1+1":                                 "'＝1+1",
		"Asia-Pacific":                         "Asia-Pacific",
		"Base (report)":                        "Base (report)",
		"'quoted":                              "'quoted",
		"":                                     "",
		"é=1":                                  "é=1",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}
