package chart

import (
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// drawnText is a string a chart drew: where it starts, how wide it is,
// in pixels.
type drawnText struct {
	s       string
	x, y, w vg.Length
	size    vg.Length
}

// drawTexts draws c at w×h pixels on a recording canvas (a PNG's: a
// point a pixel) and returns the strings drawn.
func drawTexts(t *testing.T, c *Chart, w, h vg.Length) []drawnText {
	t.Helper()
	rec := &recorder.Canvas{}
	if err := c.draw(draw.Canvas{Canvas: rec, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}, w, h, 1); err != nil {
		t.Fatal(err)
	}
	var out []drawnText
	for _, a := range rec.Actions {
		if fs, ok := a.(*recorder.FillString); ok {
			face := font.DefaultCache.Lookup(fs.Font, fs.Size)
			out = append(out, drawnText{s: fs.String, x: fs.Point.X, y: fs.Point.Y, w: face.Width(fs.String), size: fs.Size})
		}
	}
	return out
}

// TestSmallChartsStayReadable: at the sizes README allows down to 320,
// a chart's type is at least 9 pixels (the source line's: a slide's 15
// pt at 0.6; a line too long for its width shrinks by a fifth at most
// before it wraps, to 7.2), and the labels along an axis do not run into each other
// (years, the bridge's amounts on the value axis): each ends before the
// next one starts.
func TestSmallChartsStayReadable(t *testing.T) {
	line, _ := regions(t, Value)
	br, ds := europeBridge(t)
	bridge, err := Bridge(BridgeInput{Dataset: ds, Bridge: br, From: "Base (report)", To: "Headwinds"})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]vg.Length{{320, 320}, {640, 360}, {640, 400}, {1280, 720}} {
		for name, c := range map[string]*Chart{"line": line, "bridge": bridge} {
			texts := drawTexts(t, c, size[0], size[1])
			byRow := map[vg.Length][]drawnText{}
			for _, d := range texts {
				if d.size < 9*minShrink-1e-6 {
					t.Errorf("%s at %vx%v: %q in %.1f px type", name, size[0], size[1], d.s, d.size)
				}
				if strings.Trim(d.s, "0123456789,.-+") == "" {
					byRow[d.y] = append(byRow[d.y], d)
				}
			}
			for _, row := range byRow {
				slices.SortFunc(row, func(a, b drawnText) int { return int(a.x - b.x) })
				for i := 1; i < len(row); i++ {
					if a, b := row[i-1], row[i]; a.x+a.w >= b.x {
						t.Errorf("%s at %vx%v: axis labels %q and %q overlap", name, size[0], size[1], a.s, b.s)
					}
				}
			}
		}
	}
}

// TestSmallSVGKeepsSpaces: wrapped and fitted at small sizes, the SVG's
// texts keep the spaces between words: no text holds two words of a
// name, a title or the source run together ("NorthAmerica").
func TestSmallSVGKeepsSpaces(t *testing.T) {
	line, _ := regions(t, Value)
	br, ds := europeBridge(t)
	bridge, err := Bridge(BridgeInput{Dataset: ds, Bridge: br, From: "Base (report)", To: "Headwinds"})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{320, 320}, {640, 360}, {640, 400}} {
		for name, c := range map[string]*Chart{"line": line, "bridge": bridge} {
			texts, _ := svgTexts(t, render(t, c, "svg", size[0], size[1]))
			var words []string
			for _, s := range append([]string{c.Title, c.Subtitle, c.Source}, append(c.Rows, ds.Paths()...)...) {
				words = append(words, strings.FieldsFunc(s, func(r rune) bool { return r == '/' })...)
			}
			for _, w := range words {
				f := strings.Fields(w)
				for i := 1; i < len(f); i++ {
					joined := f[i-1] + f[i]
					for _, txt := range texts {
						if strings.Contains(txt, joined) {
							t.Errorf("%s at %dx%d: %q runs %q together", name, size[0], size[1], txt, f[i-1]+" "+f[i])
						}
					}
				}
			}
		}
	}
}
