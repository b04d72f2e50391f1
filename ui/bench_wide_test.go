package ui

import (
	"runtime"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"iomt/internal/testkit"
	"iomt/model"
)

// How a keypress grows with the dataset: the IoMT dataset has 44 nodes;
// these have 1,000 segments (10 of 99) and 15,150 (150 of 100, the most
// the file limits admit), over 51 years. A keypress is + or - on the
// first top-level segment, with the 10 or 150 top-level rows listed, or
// on a sub-segment (99 or 100 rows listed).

var wideDatasets = struct {
	once       sync.Once
	k1, limits *model.Dataset
}{}

func wideDataset(b testing.TB, limits bool) *model.Dataset {
	wideDatasets.once.Do(func() {
		var err error
		if wideDatasets.k1, err = model.LoadDataset("wide.yaml", testkit.WideDataset(10, 99)); err != nil {
			panic(err)
		}
		if wideDatasets.limits, err = model.LoadDataset("limits.yaml", testkit.LimitsDataset()); err != nil {
			panic(err)
		}
	})
	if limits {
		return wideDatasets.limits
	}
	return wideDatasets.k1
}

func wideModel(b testing.TB, ds *model.Dataset, w, h int) *Model {
	m := New(ds, &model.Scenario{Name: "Base", Dataset: ds.Market, Assumptions: ds.Base()}, Options{Dark: true})
	return send(b, m, tea.WindowSizeMsg{Width: w, Height: h})
}

func benchWideKeypress(b *testing.B, limits, deep bool) {
	ds := wideDataset(b, limits)
	m := wideModel(b, ds, 100, 30)
	m = send(b, m, runeKey('j'))
	if deep {
		m = send(b, m, keyEnter)
	}
	keys := [2]tea.KeyPressMsg{runeKey('+'), runeKey('-')}
	b.ReportAllocs()
	var n int
	for i := 0; b.Loop(); i++ {
		nm, _ := m.Update(keys[i%2])
		m = nm.(*Model)
		n += len(m.View().Content)
	}
	if n == 0 {
		b.Fatal("empty views")
	}
}

func BenchmarkKeypress1kTop(b *testing.B)     { benchWideKeypress(b, false, false) }
func BenchmarkKeypress1kSub(b *testing.B)     { benchWideKeypress(b, false, true) }
func BenchmarkKeypressLimitsTop(b *testing.B) { benchWideKeypress(b, true, false) }
func BenchmarkKeypressLimitsSub(b *testing.B) { benchWideKeypress(b, true, true) }
func BenchmarkFirstFrame1k(b *testing.B)      { benchFirstFrame(b, false) }
func BenchmarkFirstFrameLimits(b *testing.B)  { benchFirstFrame(b, true) }

// benchFirstFrame is a session's start: its dashboard built over the
// dataset (shared, loaded once) and its first frame at 100×30. It
// reports the heap the dashboard holds once drawn, per session.
func benchFirstFrame(b *testing.B, limits bool) {
	ds := wideDataset(b, limits)
	b.ReportAllocs()
	var held *Model
	for b.Loop() {
		m := wideModel(b, ds, 100, 30)
		if m.View().Content == "" {
			b.Fatal("empty view")
		}
		held = m
	}
	_ = held
	var before, after runtime.MemStats
	const sessions = 10
	ms := make([]*Model, sessions)
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range ms {
		ms[i] = wideModel(b, ds, 100, 30)
		_ = ms[i].View()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/sessions/(1<<20), "MiB/session")
	runtime.KeepAlive(ms)
}
