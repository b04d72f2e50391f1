package chart

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"iomt/forecast"
)

// totalsDrawn draws c on a recording canvas and returns the widths of
// the first two fills in the totals' colour (A's and B's, drawn before
// the legend's key) and every text drawn.
func totalsDrawn(t *testing.T, c *Chart) (widths []vg.Length, texts []string) {
	t.Helper()
	rec := &recorder.Canvas{}
	w, h := vg.Length(1600), vg.Length(900)
	if err := c.draw(draw.Canvas{Canvas: rec, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}, w, h, 1); err != nil {
		t.Fatal(err)
	}
	var col color.Color
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			col = a.Color
		case *recorder.Fill:
			if col == color.Color(totalColour) && len(widths) < 2 {
				lo, hi := vg.Length(math.Inf(1)), vg.Length(math.Inf(-1))
				for _, p := range a.Path {
					if p.Type != vg.CloseComp {
						lo, hi = min(lo, p.Pos.X), max(hi, p.Pos.X)
					}
				}
				widths = append(widths, hi-lo)
			}
		case *recorder.FillString:
			texts = append(texts, a.String)
		}
	}
	if len(widths) != 2 {
		t.Fatalf("%d fills in the totals' colour, want 2", len(widths))
	}
	return widths, texts
}

// TestBridgeTotalsDoNotMislead: on a slide the scenarios' values read in
// their true ratio. When the value axis runs from zero, the two totals
// are bars whose lengths are in the ratio of the values (50 against 20
// is 2.5 times as long); when it starts above zero (a small change, so
// the contributions show), the totals are marks, not bars from the
// axis, and the axis says where it starts.
func TestBridgeTotalsDoNotMislead(t *testing.T) {
	ds := iomt(t)
	steps := func(total float64, n int) []forecast.Step {
		var out []forecast.Step
		for i := range n {
			out = append(out, forecast.Step{Path: "Region/Europe/cagr_pct" + strings.Repeat(" ", i), From: 1, To: 2, Contribution: total / float64(n), Moves: true})
		}
		return out
	}
	// A big change: the axis from zero.
	big := &forecast.Bridge{Node: 0, Year: 2027, From: 50, To: 20, Players: 3, Steps: steps(-30, 3)}
	c, err := Bridge(BridgeInput{Dataset: ds, Bridge: big, From: "Base", To: "Many changes"})
	if err != nil {
		t.Fatal(err)
	}
	widths, texts := totalsDrawn(t, c)
	if r := float64(widths[0] / widths[1]); math.Abs(r-2.5) > 0.01 {
		t.Errorf("Base 50 is drawn %.3f times as long as Many changes 20, want 2.5", r)
	}
	for _, s := range texts {
		if strings.Contains(s, "axis starts at") {
			t.Errorf("an axis from zero says %q", s)
		}
	}

	// A small change with many assumptions: the axis starts above zero.
	small := &forecast.Bridge{Node: 0, Year: 2027, From: 50.06, To: 42.41, Players: 20, Steps: steps(42.41-50.06, 20)}
	c, err = Bridge(BridgeInput{Dataset: ds, Bridge: small, From: "Base", To: "Many changes"})
	if err != nil {
		t.Fatal(err)
	}
	widths, texts = totalsDrawn(t, c)
	for i, w := range widths {
		if w > 10 {
			t.Errorf("total %d is a bar %.1f pt long from an axis that does not start at 0; want a mark", i, w)
		}
	}
	note := false
	for _, s := range texts {
		note = note || strings.Contains(s, "axis starts at 42, not 0")
	}
	if !note {
		t.Errorf("the axis does not say where it starts; texts %q", texts)
	}
}
