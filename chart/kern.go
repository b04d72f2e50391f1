package chart

import (
	"image/color"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// kernedPNG is a PNG canvas that draws text one character at a time, at
// the places gonum's own measure (font.Face.Width) lays it out.
//
// Hand-written because of a library bug: golang.org/x/image's opentype
// Face.Kern, which vgimg's text drawing applies between characters,
// asks the font for kerning at one pixel per font unit, so a kerning
// pair moves its letters by the same pixels at every size (-1.8 px for
// " A", -3.5 px for "Te"). In a slide's type that is unseen; at 640×360
// it swallows a space ("OtherApplications", "compared withAccelerated")
// and draws letters over each other ("Telemedicine"). gonum's Width
// scales kerning to the type's size, so placing each character at the
// width of the text before it draws the text as it was measured and
// laid out (wrapped, fitted to the legend).
type kernedPNG struct {
	vgimg.PngCanvas
}

// newPNGCanvas is a white PNG canvas of w×h pixels that draws text as it
// was measured.
func newPNGCanvas(w, h vg.Length) vg.CanvasWriterTo {
	return kernedPNG{vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(72), vgimg.UseBackgroundColor(color.White))}}
}

// FillString draws str from pt, each character at the measured width of
// those before it.
func (c kernedPNG) FillString(f font.Face, pt vg.Point, str string) {
	runes := []rune(str)
	for i, r := range runes {
		if r == ' ' {
			continue
		}
		x := pt.X
		if i > 0 {
			x += f.Width(string(runes[:i]))
		}
		c.PngCanvas.FillString(f, vg.Point{X: x, Y: pt.Y}, string(r))
	}
}
