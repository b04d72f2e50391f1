package ui

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/guptarohit/asciigraph"
)

// TestPlotterIsAsciigraph draws random charts with one plotter, frame
// after frame as the chart pane does (its labels and buffers kept between
// them), and with asciigraph.PlotMany: the bytes must be the same.
func TestPlotterIsAsciigraph(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var p plotter
	chars := []asciigraph.CharSet{asciigraph.DefaultCharSet, asciigraph.CreateCharSet("●"), asciigraph.CreateCharSet("·"),
		asciigraph.CreateCharSet("×"), {Horizontal: "="}, {}}
	colors := []asciigraph.AnsiColor{asciigraph.DodgerBlue, asciigraph.Orange, asciigraph.Red, asciigraph.Gray,
		asciigraph.Default, asciigraph.White, asciigraph.Black}
	trials := 3000
	if testing.Short() {
		trials = 300
	}
	var series [][]float64
	var sp plotSpec
	for trial := range trials {
		// Half the time the next frame of the one before: one series or
		// the precision moved, as a keypress moves them.
		if trial == 0 || r.IntN(2) == 0 {
			series = randomSeries(r)
			sp = plotSpec{
				height: 1 + r.IntN(30), width: 1 + r.IntN(140), prec: r.IntN(4),
				xFrom: 2019, xTo: float64(2019 + r.IntN(40)), ticks: r.IntN(12),
			}
			if r.IntN(4) == 0 {
				sp.bounded, sp.lower, sp.upper = true, -1+r.Float64(), 1+r.Float64()*1e3
			}
			for range len(series) + r.IntN(2) - 1 {
				sp.chars = append(sp.chars, chars[r.IntN(len(chars))])
			}
			if r.IntN(3) > 0 {
				for range len(series) {
					sp.colors = append(sp.colors, colors[r.IntN(len(colors))])
				}
				sp.axisColor, sp.labelColor = colors[r.IntN(len(colors))], colors[r.IntN(len(colors))]
			}
		} else {
			s := series[r.IntN(len(series))]
			s[r.IntN(len(s))] *= 1 + (r.Float64()-0.5)/10
			if r.IntN(4) == 0 {
				sp.prec = r.IntN(4)
			}
		}
		want := asciigraph.PlotMany(series, sp.options()...)
		if got := p.plot(series, sp); got != want {
			t.Fatalf("trial %d: %+v of %v\nplotter:\n%s\nasciigraph:\n%s", trial, sp, series, got, want)
		}
	}
}

// randomSeries are 1 to 8 series of 2 to 51 values, of one scale, now
// and then flat, negative, of uneven lengths or with a gap.
func randomSeries(r *rand.Rand) [][]float64 {
	n := 1 + r.IntN(8)
	years := 2 + r.IntN(50)
	scale := math.Pow(10, float64(r.IntN(10)-3))
	out := make([][]float64, n)
	for i := range out {
		l := years
		if r.IntN(10) == 0 {
			l = 1 + r.IntN(years)
		}
		s := make([]float64, l)
		v := r.Float64() * scale
		for j := range s {
			switch r.IntN(12) {
			case 0:
				// flat
			case 1:
				v = -v
			default:
				v *= 1 + (r.Float64()-0.3)/3
			}
			s[j] = v
		}
		if r.IntN(20) == 0 {
			s[r.IntN(l)] = math.NaN()
		}
		out[i] = s
	}
	return out
}
