package forecast_test

import (
	"context"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// BenchmarkDataTable15x15 is a 15 × 15 data table of Asia-Pacific's 2027
// value over the market's CAGR and its own (225 projections), planned,
// run and ranked as the dashboard's T and iomt datatable do, one core.
func BenchmarkDataTable15x15(b *testing.B) {
	ds := loadIoMT(b)
	a := ds.Base()
	ap := lookup(b, ds, "Region/Asia-Pacific")
	axis := func(name string, mid float64) forecast.Axis {
		p, err := forecast.ParseParam(ds, name)
		if err != nil {
			b.Fatal(err)
		}
		v, _ := forecast.AxisValues(mid-7, mid+7, 1)
		return forecast.Axis{Param: p, Values: v}
	}
	rows, cols := axis("Total/cagr_pct", 18.5), axis("Region/Asia-Pacific/cagr_pct", 22.5)
	b.ReportAllocs()
	for b.Loop() {
		t, err := forecast.MakeDataTable(ds, a, ap, 2027, rows, cols)
		if err != nil || len(t.Cells) != 225 {
			b.Fatal(err)
		}
	}
}

// BenchmarkMonteCarlo10kHistogram is BenchmarkMonteCarlo10k with the
// rest of what the dashboard's m screen computes: every year's values
// sorted once, the percentiles read from them, and a histogram of 2027
// in 20 bins, one core.
func BenchmarkMonteCarlo10kHistogram(b *testing.B) {
	ds := loadIoMT(b)
	a := ds.Base()
	ap := lookup(b, ds, "Region/Asia-Pacific")
	b.ReportAllocs()
	for b.Loop() {
		sim, err := forecast.MonteCarloDraws(context.Background(), ds, a, ap, 10000, 1, forecast.Draws{}, 1, nil)
		if err != nil {
			b.Fatal(err)
		}
		cols := make([][]float64, sim.Years)
		for yi := range cols {
			cols[yi] = sim.Column(yi)
			_, _, _ = forecast.Quantile(cols[yi], 0.1), forecast.Quantile(cols[yi], 0.5), forecast.Quantile(cols[yi], 0.9)
		}
		if h, err := forecast.NewHistogram(cols[8], 2027, 20); err != nil || len(h.Counts) != 20 {
			b.Fatal(err)
		}
	}
}

// BenchmarkMonteCarlo10kShaped draws a scenario with a range and a
// growth path (one more rate a path), the row's own rates only or every
// rate.
func BenchmarkMonteCarlo10kShaped(b *testing.B) {
	ds := loadIoMT(b)
	ap := lookup(b, ds, "Region/Asia-Pacific")
	a := apply(b, ds, ds.Base(), model.Edit{Kind: model.SetRange, Node: ap, Range: model.Range{Lo: 18, Hi: 30}},
		model.Edit{Kind: model.SetYearGrowth, Node: ap, Year: 2021, Value: 12})
	for _, v := range []forecast.Vary{forecast.VaryAll, forecast.VaryNode} {
		b.Run(v.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := forecast.MonteCarloDraws(context.Background(), ds, a, ap, 10000, 1, forecast.Draws{Vary: v}, 1, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMonteCarlo10kCorrelated is BenchmarkMonteCarlo10k with a
// correlation of 0.5: a normal draw and Φ per rate in place of a uniform.
func BenchmarkMonteCarlo10kCorrelated(b *testing.B) {
	ds := loadIoMT(b)
	a := ds.Base()
	ap := lookup(b, ds, "Region/Asia-Pacific")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := forecast.MonteCarloDraws(context.Background(), ds, a, ap, 10000, 1, forecast.Draws{Correlation: 0.5}, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMonteCarloSummary is what a finished 10k-path run costs the
// screen after its paths: the percentiles as before (Percentiles), or
// now each year sorted once for the percentiles and a 2027 histogram of
// 20 bins: the histogram's own cost, apart from the paths.
func BenchmarkMonteCarloSummary(b *testing.B) {
	ds := loadIoMT(b)
	ap := lookup(b, ds, "Region/Asia-Pacific")
	sim, err := forecast.MonteCarlo(context.Background(), ds, ds.Base(), ap, 10000, 1, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("percentiles", func(b *testing.B) {
		for b.Loop() {
			_, _, _ = sim.Percentiles()
		}
	})
	b.Run("columns+histogram", func(b *testing.B) {
		for b.Loop() {
			var last []float64
			for yi := range sim.Years {
				last = sim.Column(yi)
				_, _, _ = forecast.Quantile(last, 0.1), forecast.Quantile(last, 0.5), forecast.Quantile(last, 0.9)
			}
			if _, err := forecast.NewHistogram(last, 2027, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
}
