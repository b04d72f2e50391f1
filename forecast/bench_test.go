package forecast_test

import (
	"context"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// The UI re-projects on every keypress: with a reused Result that must not
// allocate, in either mode.
func TestProjectIntoDoesNotAllocate(t *testing.T) {
	ds := loadIoMT(t)
	for _, me := range []model.Edit{
		{Kind: model.SetMode, Mode: model.TopDown},
		{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3},
	} {
		a := apply(t, ds, ds.Base(), me)
		var r forecast.Result
		forecast.ProjectInto(&r, ds, &a)
		if allocs := testing.AllocsPerRun(100, func() { forecast.ProjectInto(&r, ds, &a) }); allocs != 0 {
			t.Errorf("%s: ProjectInto allocates %v times per call with a reused Result, want 0", a.Mode, allocs)
		}
	}
}

// BenchmarkProject is one full projection of the IoMT dataset into a
// reused Result, as the UI does on every keypress.
func BenchmarkProject(b *testing.B) {
	ds := loadIoMT(b)
	a := ds.Base()
	var r forecast.Result
	forecast.ProjectInto(&r, ds, &a)
	b.ReportAllocs()
	for b.Loop() {
		forecast.ProjectInto(&r, ds, &a)
	}
}

// BenchmarkProjectBottomUp is the same in bottom-up mode, Region driving.
func BenchmarkProjectBottomUp(b *testing.B) {
	ds := loadIoMT(b)
	a := apply(b, ds, ds.Base(), model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 3})
	var r forecast.Result
	forecast.ProjectInto(&r, ds, &a)
	b.ReportAllocs()
	for b.Loop() {
		forecast.ProjectInto(&r, ds, &a)
	}
}

// BenchmarkEditAndProject is one keypress: a growth edit through the
// undo history, then a projection of the new state.
func BenchmarkEditAndProject(b *testing.B) {
	ds := loadIoMT(b)
	h := model.NewHistory(ds, ds.Base())
	tm, ok := ds.Lookup("Application/Telemedicine")
	if !ok {
		b.Fatal("no Application/Telemedicine")
	}
	var r forecast.Result
	cur := h.Current()
	forecast.ProjectInto(&r, ds, &cur)
	// Alternate two rates so every edit changes the state and is recorded.
	rates := [2]float64{19.5, 20}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if err := h.Do(model.Edit{Kind: model.SetGrowth, Node: tm, Value: rates[i&1]}); err != nil {
			b.Fatal(err)
		}
		i++
		cur := h.Current()
		forecast.ProjectInto(&r, ds, &cur)
	}
}

// BenchmarkGoalSeek is one goal seek on the market's CAGR (a dozen or
// two projections of regula falsi).
func BenchmarkGoalSeek(b *testing.B) {
	ds := loadIoMT(b)
	a := ds.Base()
	g := forecast.Goal{Node: 0, Year: 2027, Target: 200, Lever: 0}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := forecast.GoalSeek(ds, a, g); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGoalSeekAsiaPacific: what growth gets Asia-Pacific to US$ 60
// bn by 2027?
func BenchmarkGoalSeekAsiaPacific(b *testing.B) {
	ds := loadIoMT(b)
	a := ds.Base()
	ap := lookup(b, ds, "Region/Asia-Pacific")
	g := forecast.Goal{Node: ap, Year: 2027, Target: 60, Lever: ap}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := forecast.GoalSeek(ds, a, g); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTornado is a full sensitivity analysis of India's 2027 value
// (every rate and share along its path and of its siblings, ±2 pp).
func BenchmarkTornado(b *testing.B) {
	ds := loadIoMT(b)
	a := ds.Base()
	n := lookup(b, ds, "Region/Asia-Pacific/India")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := forecast.Sensitivity(ds, a, n, 2027, 2); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMonteCarlo10k is 10,000 paths over the whole IoMT tree on one
// core (every growth rate drawn, every node projected).
func BenchmarkMonteCarlo10k(b *testing.B) {
	ds := loadIoMT(b)
	a := ds.Base()
	ap := lookup(b, ds, "Region/Asia-Pacific")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := forecast.MonteCarlo(context.Background(), ds, a, ap, 10000, 1, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}
