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
