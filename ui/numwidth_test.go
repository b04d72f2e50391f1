package ui

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestWidest holds widest to formatting every number and measuring each:
// runs of numbers of every magnitude and sign (huge, tiny, rounding to
// zero either way, undefined), at the precisions the table uses.
func TestWidest(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 1))
	special := []float64{0, math.Copysign(0, -1), -0.04, 0.04, -0.05, 999.95, 9999.96, -999.95,
		math.NaN(), math.Inf(1), math.Inf(-1), 1e15, -1e15, 1e300, 123456789012.5}
	for run := range 2000 {
		for _, signed := range []bool{false, true} {
			prec := run % 4
			w := widest{prec: prec, signed: signed}
			want := 0
			for range 1 + r.IntN(12) {
				x := (r.Float64()*2 - 1) * math.Pow10(r.IntN(18)-3)
				if r.IntN(5) == 0 {
					x = special[r.IntN(len(special))]
				}
				w.add(x)
				want = max(want, textWidth(w.format(x)))
			}
			if got := w.width(); got != want {
				t.Fatalf("prec %d signed %v: widest says %d cells, the numbers take %d", prec, signed, got, want)
			}
		}
	}
}

// TestNumCacheFormats holds the table's kept numbers to fmtNum and
// fmtSigned, frame after frame, as figures change and stay.
func TestNumCacheFormats(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 2))
	var c numCache
	xs := make([]float64, 40)
	for frame := range 50 {
		c.next()
		for i := range xs {
			if frame == 0 || r.IntN(4) == 0 {
				xs[i] = (r.Float64()*2 - 1) * math.Pow10(r.IntN(8))
			}
			prec, signed := i%3, i%2 == 0
			want := fmtNum(xs[i], prec)
			if signed {
				want = fmtSigned(xs[i], prec)
			}
			if got := c.format(xs[i], prec, signed); got != want {
				t.Fatalf("frame %d cell %d: %q, want %q", frame, i, got, want)
			}
		}
	}
}
