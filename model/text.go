package model

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"iomt/internal/safetext"
)

// MaxNameLen is the longest name (of a market, dimension, segment or
// scenario), in characters: the dashboard's name prompt takes as many.
const MaxNameLen = 120

// checkLabel applies the rules of everything a file names and a screen
// shows as a label (market, currency, unit, dimension, segment and
// scenario names): valid UTF-8, no control character, nothing invisible
// (bidirectional controls reorder what the screen shows; zero-width
// characters make two names look alike), no noncharacter, at most
// MaxNameLen characters.
// Segment and dimension names also may not contain '/', which separates
// the parts of a path.
func checkLabel(what, s string, slashOK bool) (string, bool) {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Sprintf("missing or empty %s", what), false
	case !utf8.ValidString(s):
		return fmt.Sprintf("%s %s is not valid UTF-8 text", what, quoteName(s)), false
	case !slashOK && strings.Contains(s, "/"):
		return fmt.Sprintf("%s %s contains '/', which separates path parts", what, quoteName(s)), false
	}
	if i := strings.IndexFunc(s, safetext.IsUnsafe); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Sprintf("%s %s contains %s (%U)", what, quoteName(s), charKind(r), r), false
	}
	if r, ok := invisibleInName(s); ok {
		return fmt.Sprintf("%s %s contains an invisible character (%U)", what, quoteName(s), r), false
	}
	if i := strings.IndexFunc(s, isNoncharacter); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Sprintf("%s %s contains a noncharacter (%U), which is not text", what, quoteName(s), r), false
	}
	if strings.TrimFunc(s, unicode.IsSpace) != s {
		return fmt.Sprintf("%s %s starts or ends with a space", what, quoteName(s)), false
	}
	if n := utf8.RuneCountInString(s); n > MaxNameLen {
		return fmt.Sprintf("%s is %d characters long; at most %d", what, n, MaxNameLen), false
	}
	return "", true
}

// invisibleInName finds a character that shows as nothing, beyond the
// format characters IsUnsafe refuses: Unicode's other default-ignorable
// code points (the Hangul fillers U+3164 and U+FFA0, the combining
// grapheme joiner U+034F) and variation selectors, except after a symbol
// (❤️ is U+2764 U+FE0F). "Europe" and "Europe\u3164" would be two names
// that read the same.
func invisibleInName(s string) (rune, bool) {
	prev := rune(-1)
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
			return r, true
		case unicode.Is(unicode.Variation_Selector, r) && !unicode.Is(unicode.So, prev):
			return r, true
		}
		prev = r
	}
	return 0, false
}

// isNoncharacter reports whether r is one of Unicode's 66 noncharacters
// (U+FDD0–U+FDEF, and the last two code points of every plane, U+FFFE,
// U+FFFF … U+10FFFF): code points set aside for a program's own use,
// never for text. Spreadsheets, fonts and converters drop or replace
// them, so "North\uFFFE" and "North\uFFFF" become one name in an XLSX.
func isNoncharacter(r rune) bool { return unicode.Is(unicode.Noncharacter_Code_Point, r) }

// checkName applies the naming rules of dimensions and segments.
func checkName(name string) (string, bool) { return checkLabel("name", name, false) }

// checkFreeText applies the rules of text that is read rather than used
// as a name (source, notes, descriptions, the report's context): valid
// UTF-8, no control characters (line breaks only where multiline) and no
// bidirectional controls.
func checkFreeText(what, s string, multiline bool) (string, bool) {
	if !utf8.ValidString(s) {
		return fmt.Sprintf("%s is not valid UTF-8 text", what), false
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || safetext.IsBidiControl(r) || r == 0x2028 || r == 0x2029 {
			return fmt.Sprintf("%s contains %s (%U)", what, charKind(r), r), false
		}
	}
	return "", true
}

// charKind words what is wrong with a character.
func charKind(r rune) string {
	switch {
	case safetext.IsBidiControl(r) || r == 0x200e || r == 0x200f || r == 0x061c:
		return "a bidirectional control character"
	case r == 0x200b || r == 0x200c || r == 0x200d || r == 0x2060 || r == 0xfeff:
		return "a zero-width character"
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		return "a control character"
	case r == 0x2028 || r == 0x2029:
		return "a line separator"
	}
	return "an invisible formatting character"
}

// quoteName quotes a name for a message: escaped and cut.
func quoteName(s string) string { return strconv.QuoteToASCII(safetext.Truncate(s, 60)) }

// ScenarioNameProblem says what is wrong with a scenario name the user
// typed, by the rules a scenario file's name is read by, or "" when
// nothing is: the dashboard refuses such a name before it saves, with
// its prompt still open.
func ScenarioNameProblem(name string) string {
	if msg, ok := checkLabel("scenario name", name, true); !ok {
		return msg
	}
	return ""
}
