// Package safetext makes text that came from outside (a file, a file
// name, a client) safe to put on a terminal. A terminal obeys escape
// sequences wherever they appear, so a scenario named "\x1b]52;c;…\a"
// would write the user's clipboard and "\x1b[2J" would wipe the screen;
// bidirectional controls reorder what is shown, so a line can read
// differently from what it says. Escape shows such characters as visible
// escapes (for command output and messages, where the user may need to
// find them in the file); Strip drops them (for the dashboard, where a
// name is only read).
//
// A spreadsheet obeys formulas the same way: a cell that starts with "="
// (or "+", "-", "@") runs when a CSV file is opened or a table is pasted,
// so a segment named =HYPERLINK("http://…","x") becomes a live link. Cell
// keeps such text as text.
package safetext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsBidiControl reports whether r is one of the explicit bidirectional
// embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069)
// that make text display in an order other than the one it is stored in.
func IsBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// IsUnsafe reports whether r must not reach a terminal as it is: C0 and
// C1 control characters and DEL (escape sequences and cursor moves),
// invisible format characters (bidirectional controls, zero-width
// characters, the byte order mark) and the Unicode line and paragraph
// separators.
func IsUnsafe(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 ||
		r == 0x2028 || r == 0x2029 || unicode.Is(unicode.Cf, r)
}

// Escape returns s with every unsafe character written as a visible
// escape (\x1b, \n, \u202e) and every byte that is not UTF-8 as \xNN, so
// the result is one line that prints exactly as it reads.
func Escape(s string) string { return escape(s, false) }

// EscapeText is Escape for text of several lines: it keeps line breaks.
func EscapeText(s string) string { return escape(s, true) }

func escape(s string, keepNewlines bool) string {
	if clean(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case IsUnsafe(r):
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\u202e', '\n'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// clean reports whether s needs no escaping: the common case, checked
// without allocating.
func clean(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c == '\n' && keepNewlines {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || IsUnsafe(r) {
			return false
		}
		i += size
	}
	return true
}

// Strip returns s without its unsafe characters, and with U+FFFD for each
// byte that is not UTF-8: for text shown on a screen.
func Strip(s string) string {
	if clean(s, false) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case IsUnsafe(r):
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Truncate cuts s to at most n characters (runes), ending it with "…"
// when cut, so a message that quotes a file cannot run to megabytes.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s[:i] + "…"
}

// Cell returns text bound for a spreadsheet cell (CSV, tab-separated
// copies, Markdown tables pasted into a sheet) so that no spreadsheet
// reads it as a formula: text that starts with "=", "+", "-", "@", a tab
// or a carriage return, or with the full-width "＝", "＋", "－", "＠" that
// some spreadsheets take for them, gets a leading "'", as OWASP's advice
// on CSV injection says. Only text cells go through it: a number such as
// -2.5 must stay a number.
func Cell(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}
