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
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, ErrNotNumber
	}
	return v, nil
}
