package chart

import (
	"io"
	"testing"

	"iomt/forecast"
)

// BenchmarkRenderPNG draws the Region tab with a comparison as a
// 1920×1080 PNG: what x writes.
func BenchmarkRenderPNG(b *testing.B) {
	c, _ := regions(b, Value)
	for b.Loop() {
		if err := Render(io.Discard, c, "png", DefaultWidth, DefaultHeight); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderSVG draws the same chart as an SVG, its font embedded.
func BenchmarkRenderSVG(b *testing.B) {
	c, _ := regions(b, Value)
	for b.Loop() {
		if err := Render(io.Discard, c, "svg", DefaultWidth, DefaultHeight); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderBridgePNG draws a bridge's waterfall as a 1920×1080
// PNG: what x on the bridge screen and bridge --format png write.
func BenchmarkRenderBridgePNG(b *testing.B) {
	ds := iomt(b)
	a, bb := ds.Base(), ds.Base()
	bb.Growth[0] += 2
	n, _ := ds.Lookup("Region/Europe")
	bb.Growth[n] -= 3
	br, err := forecast.ComputeBridge(ds, a, bb, n, ds.EndYear)
	if err != nil {
		b.Fatal(err)
	}
	c, err := Bridge(BridgeInput{Dataset: ds, Bridge: br, From: "Base (report)", To: "Headwinds"})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := Render(io.Discard, c, "png", DefaultWidth, DefaultHeight); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderLongLegendSVG draws thirteen long-named segments (each
// name wrapped in the legend, the title wrapped) as an SVG: the cost of
// fitting text to the slide.
func BenchmarkRenderLongLegendSVG(b *testing.B) {
	c, _ := longChart()
	for b.Loop() {
		if err := Render(io.Discard, c, "svg", DefaultWidth, DefaultHeight); err != nil {
			b.Fatal(err)
		}
	}
}
