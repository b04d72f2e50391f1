package numtext

import (
	"errors"
	"math"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		err  error
	}{
		{"18.5", 18.5, nil},
		{" -3 ", -3, nil},
		{"+2.5", 2.5, nil},
		{"4,500", 4500, nil},
		{"4,500.25", 4500.25, nil},
		{"1,234,567", 1234567, nil},
		{"-12,345.6", -12345.6, nil},
		{"1e3", 1000, nil},
		{"4,5", 0, ErrDecimalComma},
		{"22,5", 0, ErrDecimalComma},
		{"4.100,5", 0, ErrDecimalComma},
		{"1,23", 0, ErrDecimalComma},
		{"12,3456", 0, ErrDecimalComma},
		{",500", 0, ErrDecimalComma},
		{"1,,000", 0, ErrDecimalComma},
		{"abc", 0, ErrNotNumber},
		{"", 0, ErrNotNumber},
		{"NaN", 0, ErrNotNumber},
		{"Inf", 0, ErrNotNumber},
	} {
		got, err := Parse(c.in)
		if !errors.Is(err, c.err) || err == nil && got != c.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, %v", c.in, got, err, c.want, c.err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"18.5", "4,500.25", "4,5", "1e308", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("Parse(%q) = %v", s, v)
		}
	})
}

// TestFormatReadsBack: what Format writes, Parse reads back.
func TestFormatReadsBack(t *testing.T) {
	for _, x := range []float64{0, -0.04, 999.994, 21791.0349, -1234567.891, 1e9, 0.00123} {
		for _, p := range []int{0, 1, 2, 5} {
			s := Format(x, p)
			v, err := Parse(s)
			if err != nil || math.Abs(v-x) > 0.51*math.Pow(10, -float64(p)) {
				t.Errorf("Format(%v, %d) = %q reads back as %v, %v", x, p, s, v, err)
			}
		}
	}
	if got := Format(21791.0349, 2); got != "21,791.03" {
		t.Errorf("Format(21791.0349, 2) = %q", got)
	}
}

func TestSig(t *testing.T) {
	for _, c := range []struct {
		largest float64
		prec    int
		x       float64
		want    string
	}{
		{199.08, 2, 199.076, "199.08"},
		{0.00123, 2, 0.00123, "0.00123"}, // Prec's three significant digits
		{12345678901.23, 2, 12345678901.23, "12345678901.2"},
		{123456789012.3, 2, 123456789012.3, "123456789012"},
		{7.9e28, 2, 1e9, "1000000000"},
		{7.9e28, 2, 1.52587890625e12, "1.52587890625e+12"},
		{7.9e28, 2, 7.888609052210118e28, "7.88860905221e+28"},
		{7.9e28, 2, -1.52587890625e12, "-1.52587890625e+12"},
		{999999999999.9, 2, 999999999999.9, "1e+12"}, // rounds up to thirteen digits
		{100, 2, -0.001, "0.00"},
	} {
		if got := Sig(c.x, SigPrec(c.largest, c.prec)); got != c.want {
			t.Errorf("Sig(%v, SigPrec(%v, %d)) = %q, want %q", c.x, c.largest, c.prec, got, c.want)
		}
	}
}
