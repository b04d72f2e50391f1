package importer

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Numbers are read as a spreadsheet user writes them. numtext reads what
// a user types at iomt's prompts (a point, commas between thousands);
// a spreadsheet's export also writes decimal commas, spaces and
// apostrophes between thousands and a percent sign, which are read here
// by the table's dialect.

// plainNumber is a number once its grouping is gone: digits with one
// decimal point and an exponent (Excel writes 1.5E+12).
var plainNumber = regexp.MustCompile(`^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$`)

// Errors of a number cell, worded for the cell they are reported at.
var (
	errNotNumber = errors.New("not a number")
	errAmbiguous = errors.New("ambiguous")
)

// groupSep are the characters written between thousands besides a comma
// or a point: a space, a no-break space and a narrow one (French), an
// apostrophe (Swiss).
const groupSep = " \u00a0\u202f'’"

// parseNumber reads text as a number. decimalComma says the file writes
// decimals with a comma (a ;-separated export), so a point there can
// only group thousands. pct reports a percent sign after the number; the
// value is the number before it (18.5 for "18.5 %").
func parseNumber(text string, decimalComma bool) (v float64, pct bool, err error) {
	s := strings.Trim(text, " \t\u00a0\u202f")
	if rest, ok := strings.CutSuffix(s, "%"); ok {
		pct, s = true, strings.TrimRight(rest, " \u00a0\u202f")
	}
	s = strings.Replace(s, "\u2212", "-", 1) // a typeset minus
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	s, err = ungroup(s, decimalComma)
	if err != nil {
		return 0, pct, err
	}
	s = sign + s
	if !plainNumber.MatchString(s) {
		return 0, pct, errNotNumber
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, pct, errNotNumber
	}
	return v, pct, nil
}

// ungroup takes the thousands separators out of an unsigned number and
// leaves its decimal mark a point.
func ungroup(s string, decimalComma bool) (string, error) {
	if strings.ContainsAny(s, groupSep) {
		var ok bool
		if s, ok = dropGroupSeps(s); !ok {
			return "", errNotNumber
		}
	}
	comma, point := strings.Count(s, ","), strings.Count(s, ".")
	switch {
	case comma > 0 && point > 0:
		// The last of the two marks the decimals; the other groups.
		dec, grp := ".", ","
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			dec, grp = ",", "."
		}
		whole, frac, _ := strings.Cut(s, dec)
		if strings.Contains(frac, dec) || strings.Contains(frac, grp) || !groupsOfThree(strings.Split(whole, grp)) {
			return "", errNotNumber
		}
		return strings.ReplaceAll(whole, grp, "") + "." + frac, nil
	case comma > 0 && decimalComma, comma == 1 && !groupsOfThree(strings.Split(s, ",")):
		if comma > 1 {
			return "", errNotNumber
		}
		return strings.Replace(s, ",", ".", 1), nil
	case comma > 0:
		if !groupsOfThree(strings.Split(s, ",")) {
			return "", errNotNumber
		}
		return strings.ReplaceAll(s, ",", ""), nil
	case point > 0 && decimalComma:
		parts := strings.Split(s, ".")
		switch {
		case point == 1 && groupsOfThree(parts):
			return "", errAmbiguous // 1.234: a thousand and more, or one and a bit?
		case point > 1:
			if !groupsOfThree(parts) {
				return "", errNotNumber
			}
			return strings.Join(parts, ""), nil
		}
	}
	return s, nil
}

// dropGroupSeps takes out the spaces and apostrophes between thousands:
// each must follow a digit and come before three digits that end the
// whole part (1 234,5; 1'234.5).
func dropGroupSeps(s string) (string, bool) {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if !strings.ContainsRune(groupSep, r) {
			b.WriteRune(r)
			continue
		}
		digit := func(j int) bool { return j >= 0 && j < len(rs) && rs[j] >= '0' && rs[j] <= '9' }
		if !digit(i-1) || !digit(i+1) || !digit(i+2) || !digit(i+3) || digit(i+4) {
			return "", false
		}
	}
	return b.String(), true
}

// groupsOfThree reports whether parts are a number's thousands groups:
// one to three digits, then three each.
func groupsOfThree(parts []string) bool {
	if len(parts) < 2 {
		return false
	}
	for i, p := range parts {
		if !allDigits(p) || i == 0 && (len(p) < 1 || len(p) > 3) || i > 0 && len(p) != 3 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// fromPercent is a percentage cell's value (0.185) as percent (18.5),
// rounded to the 15 significant digits a spreadsheet keeps, so that the
// multiplication adds no noise (0.07 × 100 is 7.000000000000001).
func fromPercent(x float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x*100, 'g', 15, 64), 64)
	if err != nil {
		return x * 100
	}
	return r
}
