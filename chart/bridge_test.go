package chart

import (
	"bytes"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strings"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// europeBridge is the bridge of Europe's 2027 value from the Base to a
// scenario with the market 2 points faster, Europe 3 slower and
// Asia-Pacific 1.5 faster (which cannot move Europe in top-down only
// through the market's share).
func europeBridge(t *testing.T) (*forecast.Bridge, *model.Dataset) {
	t.Helper()
	ds := iomt(t)
	a, b := ds.Base(), ds.Base()
	b.Growth[0] += 2
	n, _ := ds.Lookup("Region/Europe")
	b.Growth[n] -= 3
	ap, _ := ds.Lookup("Region/Asia-Pacific")
	b.Growth[ap] += 1.5
	br, err := forecast.ComputeBridge(ds, a, b, n, ds.EndYear)
	if err != nil {
		t.Fatal(err)
	}
	return br, ds
}

// TestBridgeChart: a bridge draws as a waterfall a slide can carry: the
// SVG parses and holds the title (market, A → B), the subtitle (node,
// year, unit, method), every row's label and amount, the value axis'
// unit; the PNG is the size asked, white, with the totals', rises' and
// falls' colours each drawn.
func TestBridgeChart(t *testing.T) {
	br, ds := europeBridge(t)
	c, err := Bridge(BridgeInput{Dataset: ds, Bridge: br, From: "Base (report)", To: "Headwinds"})
	if err != nil {
		t.Fatal(err)
	}
	texts, _ := svgTexts(t, render(t, c, "svg", 1600, 900))
	want := []string{"Internet of Medical Things — Base (report) → Headwinds",
		"Bridge: Region/Europe in 2027, US$ bn · exact Shapley values over the 3 assumptions that can move it",
		"Base (report)", "Headwinds", "Region/Europe/cagr_pct 17.5 → 14.5", "Total/cagr_pct 18.5 → 20.5", "US$ bn",
		"adds", "takes away", "the scenarios' values"}
	for _, s := range br.Steps {
		if s.Contribution != 0 {
			want = append(want, signed(s.Contribution, 2))
		}
	}
	for _, w := range want {
		if !slices.Contains(texts, w) {
			t.Errorf("the bridge's SVG has no text %q; it has %q", w, texts)
		}
	}
	data := render(t, c, "png", 1280, 720)
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 720 {
		t.Fatalf("PNG is %v", b)
	}
	counts := colourCounts(img)
	for name, col := range map[string][4]uint8{"totals": {0x4E, 0x79, 0xA7, 0xFF}, "rises": {0x59, 0xA1, 0x4F, 0xFF}, "falls": {0xE1, 0x57, 0x59, 0xFF}} {
		n := 0
		for c, k := range counts {
			if c.R == col[0] && c.G == col[1] && c.B == col[2] {
				n += k
			}
		}
		if n < 2000 {
			t.Errorf("%d pixels of the %s' colour", n, name)
		}
	}
	if counts[color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}] < 1280*720/2 {
		t.Error("not a white slide")
	}
}

// TestBridgeChartAddsUp: the bars run from A's value to B's, each
// contribution starting where the one before ended; past MaxBridgeBars,
// the smallest share one bar that carries their sum.
func TestBridgeChartAddsUp(t *testing.T) {
	ds := iomt(t)
	a, b := ds.Base(), ds.Base()
	moved := 0
	for n := range b.Growth {
		if ds.Nodes[n].Dim == ds.Nodes[len(ds.Nodes)-1].Dim || n == 0 {
			b.Growth[n] += 0.5 + 0.1*float64(n%7)
			moved++
		}
	}
	for _, node := range []int{0, len(ds.Nodes) - 1} {
		br, err := forecast.ComputeBridge(ds, a, b, node, ds.EndYear)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Bridge(BridgeInput{Dataset: ds, Bridge: br, From: "A", To: "B"})
		if err != nil {
			t.Fatal(err)
		}
		w := c.Layers[0].(Waterfall)
		if len(w.Bars) != len(c.Rows) || c.Rows[0] != "A" || c.Rows[len(c.Rows)-1] != "B" {
			t.Fatalf("rows %q for %d bars", c.Rows, len(w.Bars))
		}
		if len(w.Bars) > MaxBridgeBars+3 {
			t.Errorf("%d bars, want at most %d", len(w.Bars), MaxBridgeBars+3)
		}
		cum := br.From
		for i, bar := range w.Bars[1 : len(w.Bars)-1] {
			if math.Abs(bar.From-cum) > 1e-9 {
				t.Errorf("bar %d starts at %v, not %v", i+1, bar.From, cum)
			}
			cum = bar.To
		}
		if math.Abs(cum-br.To) > 1e-9*math.Max(1, math.Abs(br.To)) || w.Bars[len(w.Bars)-1].To != br.To {
			t.Errorf("the bars end at %v, B is %v", cum, br.To)
		}
		if br.Players > MaxBridgeBars+1 && !strings.HasSuffix(c.Rows[len(c.Rows)-2], " other assumptions") {
			t.Errorf("%d players and no bar for the others: %q", br.Players, c.Rows)
		}
	}
	if moved <= MaxBridgeBars+1 {
		t.Fatalf("moved only %d rates: the test needs more than %d", moved, MaxBridgeBars+1)
	}
}

// TestBridgeChartAmountsAsTheTerminal: the bars' amounts read as the
// terminal's waterfall writes them: a contribution below the totals'
// decimals with digits of its own, not 0.00, and a standard error below
// the last decimal as ±<0.0001, not ±0.0000.
func TestBridgeChartAmountsAsTheTerminal(t *testing.T) {
	ds := iomt(t)
	br := &forecast.Bridge{Node: 0, Year: 2027, From: 210, To: 212.004, Players: 2, Orders: 100, StdErr: 0.001, Steps: []forecast.Step{
		{Path: "Total/cagr_pct", From: 18.5, To: 18.6, Contribution: 2, StdErr: 0.00001, Moves: true},
		{Path: "Region/Europe/cagr_pct", From: 17.5, To: 17.6, Contribution: 0.004, StdErr: 0.03, Moves: true},
	}}
	c, err := Bridge(BridgeInput{Dataset: ds, Bridge: br, From: "A", To: "B"})
	if err != nil {
		t.Fatal(err)
	}
	var amounts []string
	for _, b := range c.Layers[0].(Waterfall).Bars {
		amounts = append(amounts, b.Amount)
	}
	// Two decimals for 212, four for a contribution of 0.004 to read as
	// itself (two digits of it); every amount then has four.
	want := []string{"210.0000", "+2.0000 ±<0.0001", "+0.0040 ±0.0300", "212.0040"}
	if !slices.Equal(amounts, want) {
		t.Errorf("amounts %q, want %q", amounts, want)
	}
}
