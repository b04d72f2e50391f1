package chart

import (
	"image"
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// inkColumns draws s on a fresh PNG canvas in f at x, and returns which
// pixel columns have ink.
func inkColumns(t *testing.T, f font.Face, x vg.Length, s string) []bool {
	t.Helper()
	c := newPNGCanvas(200, 30)
	c.FillString(f, vg.Point{X: x, Y: 10}, s)
	var img image.Image
	switch c := c.(type) {
	case kernedPNG:
		img = c.Image()
	case vgimg.PngCanvas:
		img = c.Image()
	default:
		t.Fatalf("canvas %T", c)
	}
	b := img.Bounds()
	cols := make([]bool, b.Dx())
	for x := b.Min.X; x < b.Max.X; x++ {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0xC000 {
				cols[x-b.Min.X] = true
			}
		}
	}
	return cols
}

// TestPNGTextKeepsItsSpaces: in the small type of a 640×360 chart (7 pt,
// a legend's at 0.4 of a slide's), a PNG draws text where it was
// measured: the space in "Other Applications" stays blank, and the text
// ends where its last letter drawn alone at the measured width ends (a
// kerning pair pulled letters together by the same pixels at any size,
// which at 7 pt ate the space).
func TestPNGTextKeepsItsSpaces(t *testing.T) {
	for _, size := range []vg.Length{6, 7, 8} {
		f := font.DefaultCache.Lookup(sans(size, false), size)
		const x0 = 5
		whole := inkColumns(t, f, x0, "Other Applications")
		gap := float64(x0 + f.Width("Other") + f.Width(" ")/2)
		if whole[int(gap)] {
			t.Errorf("%v pt: the space of \"Other Applications\" (column %d) has ink", size, int(gap))
		}
		last := inkColumns(t, f, x0+f.Width("Other Application"), "s")
		if got, want := lastInk(whole), lastInk(last); got < want-1 || got > want+1 {
			t.Errorf("%v pt: the text ends at column %d, its measured end at %d", size, got, want)
		}
	}
}

func lastInk(cols []bool) int {
	for i := len(cols) - 1; i >= 0; i-- {
		if cols[i] {
			return i
		}
	}
	return -1
}
