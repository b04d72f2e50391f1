package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"iomt/assets"
)

// embedded loads the embedded IoMT dataset, failing the test if it is
// not valid.
func embedded(t testing.TB) *Dataset {
	t.Helper()
	ds, err := LoadDataset(assets.DatasetName, assets.Dataset())
	if err != nil {
		t.Fatalf("embedded dataset: %v", err)
	}
	return ds
}

// small loads testdata/good/small.yaml: few segments, a group of one, a
// sibling at 0 %, names that need quoting.
func small(t testing.TB) *Dataset {
	t.Helper()
	path := filepath.Join("testdata", "good", "small.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := LoadDataset(path, data)
	if err != nil {
		t.Fatalf("small dataset: %v", err)
	}
	return ds
}

// mustLookup returns the node of path, failing the test if there is none.
func mustLookup(t testing.TB, ds *Dataset, path string) int {
	t.Helper()
	n, ok := ds.Lookup(path)
	if !ok {
		t.Fatalf("no segment %q", path)
	}
	return n
}

// groupSumTolerance is how far a set of siblings may stray from 100 %
// through float rounding (docs/DESIGN.md §4: 1e-9).
const groupSumTolerance = 1e-9

// checkState returns the first broken invariant of a: slices sized to the
// dataset, every share finite and within 0–100, every set of siblings
// adding up to 100, every rate finite and in range, a known mode and
// driver, and the total neither locked nor other than 100 %.
func checkState(ds *Dataset, a Assumptions) error {
	n := len(ds.Nodes)
	if len(a.Share) != n || len(a.Growth) != n || len(a.Locked) != n {
		return fmt.Errorf("slices sized %d/%d/%d for %d nodes", len(a.Share), len(a.Growth), len(a.Locked), n)
	}
	if len(a.YearGrowth) != ds.EndYear-ds.BaseYear {
		return fmt.Errorf("%d year rates for %d forecast years", len(a.YearGrowth), ds.EndYear-ds.BaseYear)
	}
	if a.Share[0] != 100 || a.Locked[0] {
		return fmt.Errorf("total share %v, locked %v", a.Share[0], a.Locked[0])
	}
	for i, s := range a.Share {
		if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 || s > 100 {
			return fmt.Errorf("%s: share %v", ds.Nodes[i].Path, s)
		}
	}
	for gi, g := range ds.Groups {
		sum := 0.0
		for _, m := range g.Members {
			sum += a.Share[m]
		}
		if !(math.Abs(sum-100) <= groupSumTolerance) {
			return fmt.Errorf("shares under %s add up to %v", groupName(ds, gi), sum)
		}
	}
	for i, r := range a.Growth {
		if _, ok := checkRate(r); !ok {
			return fmt.Errorf("%s: growth %v", ds.Nodes[i].Path, r)
		}
	}
	for i, r := range a.YearGrowth {
		if _, ok := checkRate(r); !ok && !math.IsNaN(r) {
			return fmt.Errorf("year %d: growth %v", ds.BaseYear+1+i, r)
		}
	}
	if a.Mode != TopDown && a.Mode != BottomUp {
		return fmt.Errorf("mode %d", a.Mode)
	}
	if a.Driver < 0 || a.Driver >= len(ds.Dims) {
		return fmt.Errorf("driver %d of %d dimensions", a.Driver, len(ds.Dims))
	}
	return checkMore(ds, a)
}

// editGen draws random edits, biased towards the interesting cases: shares
// at and just past the most the siblings allow, locks, values out of
// range, NaN, negative zero, nodes and years that do not exist.
type editGen struct {
	r  *rand.Rand
	ds *Dataset
}

func (g editGen) node() int {
	if g.r.IntN(40) == 0 {
		return []int{-1, len(g.ds.Nodes), math.MaxInt}[g.r.IntN(3)]
	}
	return g.r.IntN(len(g.ds.Nodes))
}

func (g editGen) rate() float64 {
	switch g.r.IntN(14) {
	case 0:
		return MinRate // refused: rates must be above -100
	case 1:
		return MaxRate // refused: rates must be below 1000
	case 2:
		return math.NaN()
	case 3:
		return math.Inf(1 - 2*g.r.IntN(2))
	case 4:
		return math.Copysign(0, -1)
	case 5:
		return math.Nextafter(MinRate, 0) // the lowest rate allowed
	case 6:
		return float64(g.r.IntN(400)-100) / 2 // half points, as the +/- keys make
	}
	return -99.9 + g.r.Float64()*1099
}

// share draws a share for node n of state a.
func (g editGen) share(a Assumptions, n int) float64 {
	room := 100.0 // the most n can take with its locked siblings kept
	if n > 0 && n < len(g.ds.Nodes) {
		for _, m := range g.ds.Groups[g.ds.Nodes[n].Group].Members {
			if m != n && a.Locked[m] {
				room -= a.Share[m]
			}
		}
	}
	switch g.r.IntN(18) {
	case 16:
		return room + 5e-10 // within float rounding of the most allowed
	case 17:
		return room + 1e-9
	case 0:
		return 0
	case 1:
		return 100
	case 2:
		return room
	case 3:
		return room + 1e-6 // just past what the siblings can give
	case 4:
		return room + 5
	case 5:
		return -g.r.Float64() * 10
	case 6:
		return 100 + g.r.Float64()*10
	case 7:
		return math.NaN()
	case 8:
		return math.Inf(1)
	case 9:
		return math.Copysign(0, -1)
	case 10:
		if n > 0 && n < len(a.Share) {
			return a.Share[n] // no change
		}
	case 11:
		return float64(g.r.IntN(201)) / 2
	}
	if room > 0 && g.r.IntN(2) == 0 {
		return g.r.Float64() * room
	}
	return g.r.Float64() * 100
}

func (g editGen) edit(a Assumptions) Edit {
	ds := g.ds
	switch k := g.r.IntN(100); {
	case k < 40:
		n := g.node()
		return Edit{Kind: SetShare, Node: n, Value: g.share(a, n)}
	case k < 55:
		return Edit{Kind: SetGrowth, Node: g.node(), Value: g.rate()}
	case k < 72:
		return Edit{Kind: SetLock, Node: g.node(), Lock: g.r.IntN(3) > 0}
	case k < 80:
		return Edit{Kind: ResetNode, Node: g.node()}
	case k < 82:
		return Edit{Kind: ResetAll}
	case k < 92:
		e := Edit{Kind: SetYearGrowth, Year: ds.BaseYear - 1 + g.r.IntN(ds.Years()+2), Value: g.rate()}
		if g.r.IntN(2) == 0 {
			e.Node = g.node() // a segment's path (or the market's, or no node)
		}
		if g.r.IntN(4) == 0 {
			e.Value = math.NaN() // back to the market's CAGR
		}
		return e
	case k < 95:
		return Edit{Kind: SetMode, Mode: Mode(g.r.IntN(2)), Driver: g.r.IntN(len(ds.Dims))}
	case k < 96:
		// Levers, some out of range on purpose.
		return Edit{Kind: SetLever, Node: g.r.IntN(len(ds.Levers)+2) - 1, Value: float64(g.r.IntN(241)-120) / 2}
	case k < 99:
		// CAGR windows, some out of range or backwards on purpose.
		from := ds.BaseYear - 1 + g.r.IntN(ds.Years()+1)
		return Edit{Kind: SetWindow, Window: Window{From: from, To: from - 1 + g.r.IntN(ds.Years()+1)}}
	}
	if g.r.IntN(3) > 0 {
		return g.moreEdit(a)
	}
	// Out of range on purpose: an unknown mode, a missing driver, an
	// unknown kind of edit.
	return []Edit{
		{Kind: SetMode, Mode: Mode(2 + g.r.IntN(3))},
		{Kind: SetMode, Mode: BottomUp, Driver: len(ds.Dims)},
		{Kind: SetMode, Mode: TopDown, Driver: -1},
		{Kind: EditKind(99), Node: 1},
	}[g.r.IntN(4)]
}
