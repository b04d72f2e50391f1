// Package numtext reads a number a person typed: a decimal point, and
// commas only between groups of three digits (21,791.03). A comma
// anywhere else is refused rather than dropped: "4,5" typed by someone
// used to decimal commas must not become 45.
package numtext

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// grouped is a number whose commas all sit between thousands groups.
var grouped = regexp.MustCompile(`^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$`)

// ErrDecimalComma says a comma was used other than between thousands.
var ErrDecimalComma = errors.New("use . for decimals; a comma only between thousands (4,500.25)")

// ErrNotNumber says the text is not a number at all.
var ErrNotNumber = errors.New("not a number")

// ErrOutOfRange says the text is a number too large (or too close to 0)
// for a float64: 1e400.
var ErrOutOfRange = errors.New("a number too large to hold")

// Parse reads s (spaces around it ignored) as a finite number.
func Parse(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ",") {
		if !grouped.MatchString(s) {
			return 0, ErrDecimalComma
		}
		s = strings.ReplaceAll(s, ",", "")
	}
	v, err := strconv.ParseFloat(s, 64)
	if errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0) {
		return 0, ErrOutOfRange
	}
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, ErrNotNumber
	}
	return v, nil
}

// Format writes x with prec decimals and its thousands grouped by commas
// (21,791.03), as Parse reads it back; never "-0.0".
func Format(x float64, prec int) string {
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-")
	}
	return Group(s)
}

// Group puts a comma between each three digits of the whole part of a
// number written by strconv ("-12345.6" → "-12,345.6").
func Group(s string) string {
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if len(whole) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.Grow(len(s) + len(whole)/3 + 1)
	b.WriteString(sign)
	lead := len(whole) % 3
	if lead > 0 {
		b.WriteString(whole[:lead])
	}
	for i := lead; i < len(whole); i += 3 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(whole[i : i+3])
	}
	if dot {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Prec is how many decimals values up to largest need to read: prec for
// a largest of 1 or more, and enough for three significant digits below
// it (at most 8), so that 0.00123 does not read 0.00.
func Prec(largest float64, prec int) int {
	if largest >= 1 || largest <= 0 || math.IsNaN(largest) || math.IsInf(largest, 0) {
		return prec
	}
	return min(max(prec, int(math.Ceil(-math.Log10(largest)))+2), 8)
}

// MaxDigits is the most significant digits a figure is written with for
// people and spreadsheets (Markdown, CSV): a float64 carries 15 to 17, the
// last of them noise from the arithmetic (16.599999999999998), and no
// market figure is known to more than a few. Two decimals on a value of
// 1e28 printed 29 digits, 14 of them made up.
const MaxDigits = 12

// SigPrec is Prec, with fewer decimals (down to none) where values up to
// largest have so many whole digits that prec decimals would pass
// MaxDigits significant digits, so one table keeps one number of
// decimals.
func SigPrec(largest float64, prec int) int {
	prec = Prec(largest, prec)
	if e := exponent(largest); e >= 0 {
		prec = max(min(prec, MaxDigits-1-e), 0)
	}
	return prec
}

// Sig writes x with prec decimals and no grouping, or, when its whole
// part alone has more than MaxDigits digits, with MaxDigits significant
// digits in scientific notation (7.88860905221e+28); never "-0". NaN
// and infinities are the caller's to handle.
func Sig(x float64, prec int) string {
	if e := exponent(x); e >= MaxDigits {
		return strconv.FormatFloat(x, 'g', MaxDigits, 64)
	}
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-")
	}
	return s
}

// exponent is the power of ten of x's leading digit once x is rounded to
// MaxDigits significant digits (999999999999.9 rounds up to 1e12: 12),
// or -1 for 0 and numbers that are not finite.
func exponent(x float64) int {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return -1
	}
	s := strconv.FormatFloat(x, 'e', MaxDigits-1, 64)
	e, err := strconv.Atoi(s[strings.IndexByte(s, 'e')+1:])
	if err != nil {
		return -1
	}
	return e
}
