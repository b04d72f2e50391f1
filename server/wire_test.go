package server

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"iomt/internal/testkit"
	"iomt/model"
	"iomt/ui"
)

// randomSnapshot is a presenter's state after a few random edits of the
// kinds a presenter makes, on a random tab and row, sometimes unsaved and
// sometimes comparing.
func randomSnapshot(rng *rand.Rand, ds *model.Dataset) ui.Snapshot {
	origin := ds.Base()
	a := origin
	for range rng.IntN(12) {
		e := model.Edit{Node: rng.IntN(len(ds.Nodes)), Value: math.Round(rng.Float64()*600-50) / 10}
		switch rng.IntN(6) {
		case 0:
			e.Kind = model.SetGrowth
		case 1:
			e.Kind, e.Value = model.SetShare, rng.Float64()*100
		case 2:
			e.Kind, e.Lock = model.SetLock, rng.IntN(2) == 0
		case 3:
			e.Kind, e.Year = model.SetYearGrowth, ds.BaseYear+1+rng.IntN(ds.EndYear-ds.BaseYear)
		case 4:
			e.Kind, e.Node, e.Value = model.SetLever, rng.IntN(max(1, len(ds.Levers))), rng.Float64()*20-10
		case 5:
			e.Kind, e.Mode, e.Driver = model.SetMode, model.Mode(rng.IntN(2)), rng.IntN(len(ds.Dims))
		}
		if next, err := ds.Apply(origin, a, e); err == nil {
			a = next
		}
	}
	s := ui.Snapshot{Presenter: "Ana Lopez", Scenario: "Base (report)", Assumptions: a, Metric: ui.Metric(rng.IntN(3)),
		Dim: rng.IntN(len(ds.Dims)), Parent: make([]int, len(ds.Dims)), Cursor: make([]int, len(ds.Dims))}
	for d := range ds.Dims {
		if top := ds.Dims[d].Top; rng.IntN(2) == 0 && !ds.Nodes[top[0]].IsLeaf() {
			s.Parent[d] = top[0]
			s.Cursor[d] = rng.IntN(len(ds.Nodes[top[0]].Children) + 1)
		} else {
			s.Cursor[d] = rng.IntN(len(top) + 1)
		}
	}
	if rng.IntN(2) == 0 {
		saved := origin
		s.Saved = &saved
	}
	for i := range rng.IntN(4) {
		cmp := ds.Base()
		cmp.Growth[0] = 12.5 + float64(i)
		s.Compared = append(s.Compared, ui.Compared{Name: fmt.Sprint("Optimistic ", i), Assumptions: cmp})
		s.Differences = rng.IntN(2) == 0
	}
	s.Panes = ui.PaneView{TableFocus: rng.IntN(2) == 0, TreeTop: rng.IntN(len(ds.Nodes)), TableTop: rng.IntN(len(ds.Nodes)),
		YearsScrolled: rng.IntN(2) == 0, YearFrom: rng.IntN(ds.EndYear - ds.BaseYear + 3)}
	return s
}

// sameSnapshot reports whether two snapshots are the same in everything
// a follower mirrors, share-set marks included (Snapshot.Equal leaves
// them out: they change no figure).
func sameSnapshot(a, b *ui.Snapshot) bool {
	if !a.Equal(b) || !slices.Equal(a.Assumptions.ShareSet, b.Assumptions.ShareSet) {
		return false
	}
	return (a.Saved == nil) == (b.Saved == nil) && (a.Compared == nil) == (b.Compared == nil)
}

// TestWireReadsVersion1: a state from an iomt before the panes were
// shared (version 1: the same bytes without them) is read, its panes at
// the top.
func TestWireReadsVersion1(t *testing.T) {
	c := newWireCodec(testDS)
	s := randomSnapshot(rand.New(rand.NewPCG(9, 9)), testDS)
	data := c.encode(7, 3, &s)
	v1 := append([]byte{1}, data[1:len(data)-4]...) // the panes are 4 bytes here: each under 128
	turn, seq, got, err := c.decode(v1)
	if err != nil || turn != 7 || seq != 3 {
		t.Fatalf("version 1: turn %d, seq %d, err %v", turn, seq, err)
	}
	want := s
	want.Panes = ui.PaneView{}
	if !sameSnapshot(&got, &want) {
		t.Errorf("version 1 read as\n%+v\nwant\n%+v", got, want)
	}
	if _, _, _, err := c.decode(data[:len(data)-4]); err == nil {
		t.Error("a version 2 state without its panes is read")
	}
}

// TestWireRoundTrip: states after random edits, on the IoMT dataset and
// the one at the limits, come back bit for bit, with their turn and
// number; and a presenter's state over the dataset at the limits fits
// well within NATS's default payload.
func TestWireRoundTrip(t *testing.T) {
	limits, err := model.LoadDataset("limits.yaml", testkit.LimitsDataset())
	if err != nil {
		t.Fatal(err)
	}
	for _, ds := range []*model.Dataset{testDS, limits} {
		c := newWireCodec(ds)
		rng := rand.New(rand.NewPCG(1, 2))
		biggest := 0
		for i := range 200 {
			s := randomSnapshot(rng, ds)
			data := c.encode(uint64(i+1), uint64(3*i), &s)
			biggest = max(biggest, len(data))
			turn, seq, got, err := c.decode(data)
			if err != nil {
				t.Fatalf("%s, state %d: %v", ds.Market, i, err)
			}
			if turn != uint64(i+1) || seq != uint64(3*i) || !sameSnapshot(&s, &got) {
				t.Fatalf("%s, state %d: came back as turn %d seq %d\n%+v\nwant\n%+v", ds.Market, i, turn, seq, got, s)
			}
		}
		t.Logf("%s (%d nodes): largest state %d bytes", ds.Market, len(ds.Nodes), biggest)
		if biggest > 64<<10 {
			t.Errorf("%s: a state of %d bytes; a presenter's few changes should take far less", ds.Market, biggest)
		}
	}
	// The unchanged base over the dataset at the limits: tens of bytes.
	base := ui.Snapshot{Scenario: "Base", Assumptions: limits.Base(), Parent: make([]int, len(limits.Dims)), Cursor: make([]int, len(limits.Dims))}
	if n := len(newWireCodec(limits).encode(1, 1, &base)); n > 200 {
		t.Errorf("the base state over the dataset at the limits takes %d bytes", n)
	}
}

// TestWireRefuses: what a follower must not mirror is refused, each with
// its reason: a newer version, another dataset, cut short, trailing
// bytes, and values no scenario file could hold.
func TestWireRefuses(t *testing.T) {
	c := newWireCodec(testDS)
	rng := rand.New(rand.NewPCG(3, 4))
	good := randomSnapshot(rng, testDS)
	data := c.encode(7, 1, &good)
	mutate := func(f func(s *ui.Snapshot)) []byte {
		s := good
		s.Assumptions = good.Assumptions.Clone()
		s.Parent, s.Cursor = slices.Clone(good.Parent), slices.Clone(good.Cursor)
		f(&s)
		return c.encode(7, 1, &s)
	}
	leaf := -1
	for i, n := range testDS.Nodes {
		if i > 0 && n.IsLeaf() {
			leaf = i
			break
		}
	}
	other := testkit.LimitsDataset()
	limits, err := model.LoadDataset("limits.yaml", other)
	if err != nil {
		t.Fatal(err)
	}
	limitsBase := ui.Snapshot{Assumptions: limits.Base(), Parent: make([]int, len(limits.Dims)), Cursor: make([]int, len(limits.Dims))}
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"empty", "empty", nil},
		{"newer version", "newer iomt", append([]byte{wireVersion + 1}, data[1:]...)},
		{"version 0", "no version", append([]byte{0}, data[1:]...)},
		{"text", "not an iomt state: its first byte, 0x67", []byte("garbage{{{not a state")},
		{"another dataset", "another dataset", newWireCodec(limits).encode(1, 1, &limitsBase)},
		{"cut short", "cut short", data[:len(data)-3]},
		{"trailing bytes", "after the end", append(slices.Clone(data), 0)},
		{"growth NaN", "growth NaN", mutate(func(s *ui.Snapshot) { s.Assumptions.Growth[3] = math.NaN() })},
		{"growth -100", "out of range", mutate(func(s *ui.Snapshot) { s.Assumptions.Growth[0] = -100 })},
		{"share 101", "share 101", mutate(func(s *ui.Snapshot) { s.Assumptions.Share[2] = 101 })},
		{"lever", "impact", mutate(func(s *ui.Snapshot) { s.Assumptions.Drivers[0] = 51 })},
		{"year growth Inf", "year", mutate(func(s *ui.Snapshot) { s.Assumptions.YearGrowth[0] = math.Inf(1) })},
		{"range upside down", "no range", mutate(func(s *ui.Snapshot) { s.Assumptions.Ranges[1] = model.Range{Lo: 5, Hi: 4} })},
		{"base value 0", "base-year value", mutate(func(s *ui.Snapshot) { s.Assumptions.BaseValue = 0 })},
		{"empty path", "no year of its own", mutate(func(s *ui.Snapshot) {
			s.Assumptions.Paths = []model.Path{{Node: 2, Rates: unsetRates(len(s.Assumptions.YearGrowth))}}
		})},
		{"path rate", "in year", mutate(func(s *ui.Snapshot) {
			r := unsetRates(len(s.Assumptions.YearGrowth))
			r[1] = 1e9
			s.Assumptions.Paths = []model.Path{{Node: 2, Rates: r}}
		})},
		{"compared growth", "compared", mutate(func(s *ui.Snapshot) {
			cmp := testDS.Base()
			cmp.Growth[1] = math.Inf(-1)
			s.Compared = []ui.Compared{{Name: "Worst", Assumptions: cmp}}
		})},
		{"window", "window", mutate(func(s *ui.Snapshot) { s.Assumptions.Window = model.Window{From: 2030, To: 2020} })},
		{"leaf as parent", "has none there", mutate(func(s *ui.Snapshot) { s.Parent[testDS.Nodes[leaf].Dim] = leaf })},
		{"cursor past the rows", "row", mutate(func(s *ui.Snapshot) { s.Parent[0], s.Cursor[0] = 0, len(testDS.Dims[0].Top)+1 })},
		{"tab", "tab", mutate(func(s *ui.Snapshot) { s.Dim = len(testDS.Dims) })},
		{"metric", "metric", mutate(func(s *ui.Snapshot) { s.Metric = ui.MetricGrowth + 1 })},
		{"mode", "mode", mutate(func(s *ui.Snapshot) { s.Assumptions.Mode = 2 })},
		{"long name", "presenter length", mutate(func(s *ui.Snapshot) { s.Presenter = strings.Repeat("x", maxWireName+1) })},
		{"not UTF-8", "UTF-8", mutate(func(s *ui.Snapshot) { s.Scenario = "\xff\xfe" })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := c.decode(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("decode: %v, want an error saying %q", err, tc.want)
			}
		})
	}
	if _, _, _, err := c.decode(append([]byte{wireVersion + 1}, data[1:]...)); !errors.Is(err, errNewerVersion) {
		t.Errorf("a newer version's error is not errNewerVersion: %v", err)
	}
	// A name with escapes arrives without them.
	s := good
	s.Presenter = "Ana\x1b[2J Lopez\u202e"
	if _, _, got, err := c.decode(c.encode(1, 1, &s)); err != nil || strings.ContainsAny(got.Presenter, "\x1b\u202e") {
		t.Errorf("a presenter's name with escapes: %q, %v", got.Presenter, err)
	}
}

// FuzzDecodeState: whatever arrives on the demo's subject, decoding never
// panics, and what it accepts passes the checks, and encodes back to
// something that decodes to the same state.
func FuzzDecodeState(f *testing.F) {
	c := newWireCodec(testDS)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 4 {
		s := randomSnapshot(rng, testDS)
		f.Add(c.encode(uint64(i), uint64(i), &s))
	}
	f.Add([]byte{wireVersion + 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		turn, seq, s, err := c.decode(data)
		if err != nil {
			return
		}
		if err := c.check(&s); err != nil {
			t.Fatalf("decode accepted a state its checks refuse: %v", err)
		}
		again := c.encode(turn, seq, &s)
		turn2, seq2, s2, err := c.decode(again)
		if err != nil || turn2 != turn || seq2 != seq || !sameSnapshot(&s, &s2) {
			t.Fatalf("re-encoded state did not come back: %v", err)
		}
		if !bytes.Equal(c.encode(turn2, seq2, &s2), again) {
			t.Fatalf("encoding is not stable")
		}
	})
}
