package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

var ansiSeq = regexp.MustCompile(`\x1b\[[0-9;:?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)`)

// stripANSI removes escape sequences, leaving the text a user reads.
func stripANSI(s string) string { return ansiSeq.ReplaceAllString(s, "") }

// highlighted reports whether the first line of a styled screen (from
// capture-pane -e) that contains name draws name highlighted: on a
// background colour or in reverse video, as the dashboard marks the
// selected row.
func highlighted(styled, name string) bool {
	for line := range strings.SplitSeq(styled, "\n") {
		plain, marks := styledRunes(line)
		i := strings.Index(plain, name)
		if i < 0 {
			continue
		}
		return marks[len([]rune(plain[:i]))]
	}
	return false
}

// styledRunes returns the text of one styled line and, for each of its
// runes, whether it is drawn on a background colour or in reverse video.
func styledRunes(line string) (string, []bool) {
	var (
		plain   strings.Builder
		marks   []bool
		bg, rev bool
	)
	for i := 0; i < len(line); {
		if loc := ansiSeq.FindStringIndex(line[i:]); loc != nil && loc[0] == 0 {
			seq := line[i : i+loc[1]]
			if strings.HasPrefix(seq, "\x1b[") && strings.HasSuffix(seq, "m") {
				bg, rev = applySGR(seq[2:len(seq)-1], bg, rev)
			}
			i += loc[1]
			continue
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		plain.WriteRune(r)
		marks = append(marks, bg || rev)
		i += size
	}
	return plain.String(), marks
}

// applySGR applies the parameters of one "ESC [ params m" sequence to the
// background and reverse-video state.
func applySGR(params string, bg, rev bool) (bool, bool) {
	if params == "" {
		return false, false
	}
	ps := strings.Split(params, ";")
	for i := 0; i < len(ps); i++ {
		p := ps[i]
		if head, _, ok := strings.Cut(p, ":"); ok { // 48:5:23 style
			if head == "48" {
				bg = true
			}
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			continue
		}
		switch {
		case n == 0:
			bg, rev = false, false
		case n == 7:
			rev = true
		case n == 27:
			rev = false
		case n >= 40 && n <= 47, n >= 100 && n <= 107:
			bg = true
		case n == 49:
			bg = false
		case n == 38 || n == 48 || n == 58:
			if n == 48 {
				bg = true
			}
			// Skip the colour's arguments: 5;N or 2;R;G;B.
			if i+1 < len(ps) {
				switch ps[i+1] {
				case "5":
					i += 2
				case "2":
					i += 4
				}
			}
		}
	}
	return bg, rev
}
