package chart

import (
	"io"
	"testing"
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
