package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// verdict is what docs/DESIGN.md §4 says about an edit in a given state.
type verdict int

const (
	mustAccept verdict = iota
	mustRefuse
	either // a share within float rounding of the most the siblings allow
)

// judge decides from the rules of docs/DESIGN.md §3–4, independently of Apply,
// whether e must be accepted or refused in state cur.
func judge(ds *Dataset, origin, cur Assumptions, e Edit) verdict {
	v := judgeEdit(ds, origin, cur, e)
	if v == mustRefuse || !leversOK(ds, origin, cur, e) {
		return mustRefuse
	}
	return v
}

// leversOK: with the levers' impacts added, the market's growth and, in
// bottom-up, each driver segment's stay within the rate bounds.
func leversOK(ds *Dataset, origin, cur Assumptions, e Edit) bool {
	drivers := slices.Clone(cur.Drivers)
	growth := slices.Clone(cur.Growth)
	mode, driver := cur.Mode, cur.Driver
	switch e.Kind {
	case SetLever:
		drivers[e.Node] = e.Value
	case SetGrowth:
		growth[e.Node] = e.Value
	case SetMode:
		mode, driver = e.Mode, e.Driver
	case ResetNode:
		growth[e.Node] = origin.Growth[e.Node]
		if e.Node == 0 {
			drivers = slices.Clone(origin.Drivers)
		}
	case ResetAll:
		return true
	}
	sum := 0.0
	for _, d := range drivers {
		sum += d
	}
	if sum == 0 {
		return true
	}
	ok := func(r float64) bool { return r > MinRate && r < MaxRate }
	if !ok(growth[0] + sum) {
		return false
	}
	if mode == BottomUp {
		for _, m := range ds.Dims[driver].Top {
			if !ok(growth[m] + sum) {
				return false
			}
		}
	}
	return true
}

func judgeEdit(ds *Dataset, origin, cur Assumptions, e Edit) verdict {
	validNode := e.Node >= 0 && e.Node < len(ds.Nodes)
	refuseIf := func(b bool) verdict {
		if b {
			return mustRefuse
		}
		return mustAccept
	}
	rateOK := func(r float64) bool { return !math.IsNaN(r) && !math.IsInf(r, 0) && r > MinRate && r < MaxRate }
	switch e.Kind {
	case SetGrowth:
		return refuseIf(!validNode || !rateOK(e.Value))
	case SetShare:
		if !validNode || e.Node == 0 || math.IsNaN(e.Value) || e.Value < 0 || e.Value > 100 || cur.Locked[e.Node] {
			return mustRefuse
		}
		return judgeShare(ds, cur, e.Node, e.Value)
	case SetLock:
		return refuseIf(!validNode || e.Node == 0)
	case SetYearGrowth:
		yi := e.Year - ds.BaseYear - 1
		return refuseIf(!validNode || yi < 0 || yi >= ds.EndYear-ds.BaseYear || !(math.IsNaN(e.Value) || rateOK(e.Value)))
	case SetBaseValue:
		return refuseIf(!(e.Value > 0 && e.Value <= MaxValueBn)) // NaN and ±Inf fail too
	case SetRange:
		if !validNode {
			return mustRefuse
		}
		r := e.Range
		if math.IsNaN(r.Lo) {
			return mustAccept // back to the default spread
		}
		return refuseIf(!rateOK(r.Lo) || !rateOK(r.Hi) || r.Lo >= r.Hi || cur.Growth[e.Node] < r.Lo || cur.Growth[e.Node] > r.Hi)
	case SetMode:
		return refuseIf(e.Mode != TopDown && e.Mode != BottomUp || e.Driver < 0 || e.Driver >= len(ds.Dims))
	case ResetNode:
		if !validNode {
			return mustRefuse
		}
		if e.Node == 0 {
			return mustAccept
		}
		return judgeShare(ds, cur, e.Node, origin.Share[e.Node]) // its own lock does not hold a reset
	case ResetAll:
		return mustAccept
	case SetLever:
		return refuseIf(e.Node < 0 || e.Node >= len(ds.Levers) || math.IsNaN(e.Value) || math.Abs(e.Value) > MaxLeverImpact)
	case SetWindow:
		w := e.Window
		return refuseIf(w != (Window{}) && (w.From < ds.BaseYear || w.To > ds.EndYear || w.From >= w.To))
	}
	return mustRefuse
}

// judgeShare: giving n the share s needs an unlocked sibling to absorb the
// change, and must not push the unlocked siblings below zero.
func judgeShare(ds *Dataset, cur Assumptions, n int, s float64) verdict {
	if s == cur.Share[n] {
		return mustAccept // nothing to absorb
	}
	room, free := 100.0, 0
	for _, m := range ds.Groups[ds.Nodes[n].Group].Members {
		switch {
		case m == n:
		case cur.Locked[m]:
			room -= cur.Share[m]
		default:
			free++
		}
	}
	switch {
	case free == 0:
		return mustRefuse
	case s <= room:
		return mustAccept
	case s > room+1e-7:
		return mustRefuse
	}
	return either
}

// checkApplied checks the result of an accepted edit against docs/DESIGN.md §4:
// the edit does what it names and nothing else; a share edit keeps locked
// siblings exactly and rebalances the unlocked ones in proportion.
func checkApplied(ds *Dataset, origin, before, after Assumptions, e Edit) error {
	want := before.Clone() // everything the edit does not name stays
	if err := checkMoreApplied(ds, origin, before, after, e, &want); err != nil {
		return err
	}
	switch e.Kind {
	case SetGrowth:
		want.Growth[e.Node] = e.Value
	case SetLock:
		want.Locked[e.Node] = e.Lock
	case SetYearGrowth:
		if e.Node == 0 {
			want.YearGrowth[e.Year-ds.BaseYear-1] = e.Value
		}
	case SetMode:
		want.Mode, want.Driver = e.Mode, e.Driver
	case ResetAll:
		want = origin.Clone()
	case SetLever:
		want.Drivers[e.Node] = e.Value
	case SetWindow:
		want.Window = e.Window
		if e.Window == (Window{ds.BaseYear, ds.EndYear}) {
			want.Window = Window{} // the whole forecast, however it was given
		}
	case ResetNode:
		want.Growth[e.Node] = origin.Growth[e.Node]
		if e.Node == 0 {
			want.YearGrowth = slices.Clone(origin.YearGrowth)
			want.Drivers = slices.Clone(origin.Drivers)
		} else {
			want.Locked[e.Node] = origin.Locked[e.Node]
		}
	}
	if e.Kind == SetShare || e.Kind == ResetNode && e.Node != 0 {
		s := e.Value
		if e.Kind == ResetNode {
			s = origin.Share[e.Node]
		}
		if err := checkRebalanced(ds, before, after, e.Node, s); err != nil {
			return err
		}
		want.Share = slices.Clone(after.Share) // checked just above
	}
	if !after.Equal(want) {
		return fmt.Errorf("state after the edit differs from the expected one beyond what the edit names")
	}
	return nil
}

// checkRebalanced checks a share change of node n to s: n has s exactly
// (or keeps its share when s equals it), locked siblings and every other
// group keep their shares bit for bit, and the unlocked siblings share
// what is left in proportion to their previous shares (equally when all
// were at zero).
func checkRebalanced(ds *Dataset, before, after Assumptions, n int, s float64) error {
	if s == before.Share[n] {
		if !bitsEqual(after.Share, before.Share) {
			return fmt.Errorf("setting %s to its own share %v changed shares", ds.Nodes[n].Path, s)
		}
		return nil
	}
	group := ds.Groups[ds.Nodes[n].Group].Members
	// An edit that brings every share of the group back to within 1e-9
	// of the dataset's restores the dataset's shares exactly.
	snapped := true
	for _, m := range group {
		if math.Float64bits(after.Share[m]) != math.Float64bits(ds.base.Share[m]) {
			snapped = false
		}
	}
	if snapped {
		if math.Abs(s-ds.base.Share[n]) > 1e-9 {
			return fmt.Errorf("%s: set to %v, far from its dataset share %v, yet the group snapped to the dataset", ds.Nodes[n].Path, s, ds.base.Share[n])
		}
	} else if math.Float64bits(after.Share[n]) != math.Float64bits(s) {
		return fmt.Errorf("%s: share %v after setting it to %v", ds.Nodes[n].Path, after.Share[n], s)
	}
	for m := range ds.Nodes {
		if m != n && (!slices.Contains(group, m) || before.Locked[m]) && math.Float64bits(after.Share[m]) != math.Float64bits(before.Share[m]) {
			return fmt.Errorf("%s (locked %v) changed from %v to %v when %s was set", ds.Nodes[m].Path, before.Locked[m], before.Share[m], after.Share[m], ds.Nodes[n].Path)
		}
	}
	left, freeSum := 100-s, 0.0
	var free []int
	for _, m := range group {
		switch {
		case m == n:
		case before.Locked[m]:
			left -= before.Share[m]
		default:
			free = append(free, m)
			freeSum += before.Share[m]
		}
	}
	left = max(left, 0)
	for _, m := range free {
		want := left / float64(len(free))
		if freeSum > 0 {
			want = before.Share[m] / freeSum * left
		}
		if math.Abs(after.Share[m]-want) > 1e-9 {
			return fmt.Errorf("%s: share %v, want %v (in proportion)", ds.Nodes[m].Path, after.Share[m], want)
		}
	}
	return nil
}

// origins returns the states the property tests start from: the dataset's
// own, and for the embedded dataset the scenario of docs/DESIGN.md §3, which
// holds a lock, a year rate and a driver.
func origins(t *testing.T, ds *Dataset) []Assumptions {
	out := []Assumptions{ds.Base()}
	if ds.Market == "Internet of Medical Things" {
		path := filepath.Join("testdata", "good", "design_example.yaml")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := LoadScenario(path, data, ds)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sc.Assumptions)
	}
	return out
}

// TestEditProperties folds random edits, undos and redos through Apply and
// History, and checks after every step the invariants of docs/DESIGN.md §4, the
// rules of each edit, and that History matches a plain model of an undo
// stack. At the end it undoes to the origin and redoes to the last state.
func TestEditProperties(t *testing.T) {
	const (
		runs  = 150
		steps = 250 // below DefaultHistoryLimit, so nothing is dropped
	)
	for _, ds := range []*Dataset{embedded(t), small(t)} {
		for oi, origin := range origins(t, ds) {
			t.Run(fmt.Sprintf("%s/origin%d", ds.Market, oi), func(t *testing.T) {
				r := rand.New(rand.NewPCG(20191, uint64(oi)+uint64(len(ds.Nodes))<<8))
				var refusedNeg, refusedNoFree, accepted int
				for run := range runs {
					if err := editRun(ds, origin, r, steps, &refusedNeg, &refusedNoFree, &accepted); err != nil {
						t.Fatalf("run %d: %v", run, err)
					}
				}
				// The generator must actually reach the cases under test.
				if refusedNeg < 50 || refusedNoFree < 20 || accepted < runs*steps/4 {
					t.Errorf("too few interesting edits: %d refused for a negative share, %d for no unlocked sibling, %d accepted",
						refusedNeg, refusedNoFree, accepted)
				}
			})
		}
	}
}

func editRun(ds *Dataset, origin Assumptions, r *rand.Rand, steps int, refusedNeg, refusedNoFree, accepted *int) error {
	gen := editGen{r: r, ds: ds}
	h := NewHistory(ds, origin)
	stack, pos := []Assumptions{origin.Clone()}, 0 // the model of the undo stack
	var log []string
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s\nlast steps (of %d):\n  %s", fmt.Sprintf(format, args...), len(log), strings.Join(log[max(len(log)-8, 0):], "\n  "))
	}
	for range steps {
		switch op := r.IntN(20); {
		case op == 0:
			log = append(log, "undo")
			if h.Undo() != (pos > 0) {
				return fail("Undo reported %v with %d states to undo", !(pos > 0), pos)
			}
			pos = max(pos-1, 0)
		case op == 1:
			log = append(log, "redo")
			if h.Redo() != (pos < len(stack)-1) {
				return fail("Redo reported %v with %d states to redo", !(pos < len(stack)-1), len(stack)-1-pos)
			}
			pos = min(pos+1, len(stack)-1)
		default:
			before := h.Current().Clone()
			e := gen.edit(before)
			log = append(log, fmt.Sprintf("%+v", e))
			v := judge(ds, origin, before, e)

			// Apply directly first: it must not touch its inputs.
			cur, org := h.Current(), h.Origin()
			next, err := ds.Apply(org, cur, e)
			if !cur.Equal(before) || !org.Equal(origin) {
				return fail("Apply modified its inputs")
			}
			if herr := h.Do(e); (herr == nil) != (err == nil) {
				return fail("History.Do error %v, Apply error %v", herr, err)
			}
			if err != nil {
				if v == mustAccept {
					return fail("refused %+v: %v", e, err)
				}
				if strings.TrimSpace(err.Error()) == "" {
					return fail("refused %+v without a message", e)
				}
				if !next.Equal(before) || !h.Current().Equal(before) {
					return fail("refused %+v changed the state", e)
				}
				if e.Kind == SetShare && e.Node > 0 && e.Node < len(ds.Nodes) && !before.Locked[e.Node] &&
					e.Value >= 0 && e.Value <= 100 {
					if strings.Contains(err.Error(), "every sibling") {
						*refusedNoFree++
					} else if strings.Contains(err.Error(), "the most it can take") {
						*refusedNeg++
					}
				}
				break
			}
			if v == mustRefuse {
				return fail("accepted %+v, which must be refused", e)
			}
			*accepted++
			if err := checkApplied(ds, origin, before, next, e); err != nil {
				return fail("%+v: %v", e, err)
			}
			if !next.Equal(before) {
				stack = append(stack[:pos+1], next.Clone())
				pos++
			}
		}
		if !h.Current().Equal(stack[pos]) {
			return fail("History is not at the expected state %d of %d", pos, len(stack))
		}
		if h.CanUndo() != (pos > 0) || h.CanRedo() != (pos < len(stack)-1) {
			return fail("CanUndo %v, CanRedo %v at state %d of %d", h.CanUndo(), h.CanRedo(), pos, len(stack))
		}
		if err := checkState(ds, h.Current()); err != nil {
			return fail("%v", err)
		}
	}
	for h.Undo() {
		pos--
		if pos < 0 || !h.Current().Equal(stack[pos]) {
			return fail("undo all the way: not at state %d", pos)
		}
	}
	if pos != 0 || !h.Current().Equal(origin) {
		return fail("undo all the way stopped at %d, or not at the origin", pos)
	}
	for h.Redo() {
		pos++
	}
	if pos != len(stack)-1 || !h.Current().Equal(stack[len(stack)-1]) {
		return fail("redo all the way did not return to the last state")
	}
	return nil
}

// TestApplyShareRules works through the share rules of docs/DESIGN.md §4 by hand
// on the embedded dataset's Component split (Medical Devices 36.6,
// Systems and Software 28, Services 22.4, Connecting Technology 13).
func TestApplyShareRules(t *testing.T) {
	ds := embedded(t)
	md := mustLookup(t, ds, "Component/Medical Devices")
	ss := mustLookup(t, ds, "Component/Systems and Software")
	sv := mustLookup(t, ds, "Component/Services")
	ct := mustLookup(t, ds, "Component/Connecting Technology")
	base := ds.Base()
	apply := func(t *testing.T, a Assumptions, edits ...Edit) (Assumptions, error) {
		t.Helper()
		for _, e := range edits {
			next, err := ds.Apply(base, a, e)
			if err != nil {
				return a, err
			}
			a = next
		}
		return a, nil
	}
	near := func(t *testing.T, name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}

	t.Run("proportional", func(t *testing.T) {
		// Medical Devices 36.6 → 40: the other three (63.4 in all) share 60.
		a, err := apply(t, base, Edit{Kind: SetShare, Node: md, Value: 40})
		if err != nil {
			t.Fatal(err)
		}
		if a.Share[md] != 40 {
			t.Errorf("Medical Devices %v, want 40", a.Share[md])
		}
		near(t, "Systems and Software", a.Share[ss], 28*60/63.4)
		near(t, "Services", a.Share[sv], 22.4*60/63.4)
		near(t, "Connecting Technology", a.Share[ct], 13*60/63.4)
	})
	t.Run("locked sibling keeps its share", func(t *testing.T) {
		// Services locked at 22.4: Systems and Software and Connecting
		// Technology (41) share 100 - 50 - 22.4 = 27.6.
		a, err := apply(t, base, Edit{Kind: SetLock, Node: sv, Lock: true}, Edit{Kind: SetShare, Node: md, Value: 50})
		if err != nil {
			t.Fatal(err)
		}
		if a.Share[sv] != base.Share[sv] || a.Share[md] != 50 {
			t.Errorf("Services %v (want %v), Medical Devices %v (want 50)", a.Share[sv], base.Share[sv], a.Share[md])
		}
		near(t, "Systems and Software", a.Share[ss], 28*27.6/41)
		near(t, "Connecting Technology", a.Share[ct], 13*27.6/41)
	})
	t.Run("negative share refused", func(t *testing.T) {
		// With Services locked at 22.4, Medical Devices can take 77.6 at most.
		a, _ := apply(t, base, Edit{Kind: SetLock, Node: sv, Lock: true})
		got, err := ds.Apply(base, a, Edit{Kind: SetShare, Node: md, Value: 80})
		if err == nil || !strings.Contains(err.Error(), "77.60 %") {
			t.Errorf("error %v, want a refusal naming the most it can take, 77.60 %%", err)
		}
		if !got.Equal(a) {
			t.Error("refused edit changed the state")
		}
		if _, err := ds.Apply(base, a, Edit{Kind: SetShare, Node: md, Value: 77.6}); err != nil {
			t.Errorf("77.6 %% is exactly what is left, but: %v", err)
		}
	})
	t.Run("no unlocked sibling", func(t *testing.T) {
		a, _ := apply(t, base, Edit{Kind: SetLock, Node: ss, Lock: true}, Edit{Kind: SetLock, Node: sv, Lock: true},
			Edit{Kind: SetLock, Node: ct, Lock: true})
		got, err := ds.Apply(base, a, Edit{Kind: SetShare, Node: md, Value: 30})
		if err == nil || !strings.Contains(err.Error(), "unlock one") {
			t.Errorf("error %v, want a refusal asking to unlock a sibling", err)
		}
		if !got.Equal(a) {
			t.Error("refused edit changed the state")
		}
	})
	t.Run("locked segment refused", func(t *testing.T) {
		a, _ := apply(t, base, Edit{Kind: SetLock, Node: md, Lock: true})
		if _, err := ds.Apply(base, a, Edit{Kind: SetShare, Node: md, Value: 30}); err == nil || !strings.Contains(err.Error(), "locked") {
			t.Errorf("error %v, want a refusal because Medical Devices is locked", err)
		}
	})
	t.Run("siblings at zero share equally", func(t *testing.T) {
		// Medical Devices takes everything, then gives back 30: the three
		// others, all at zero, get 10 each.
		a, err := apply(t, base, Edit{Kind: SetShare, Node: md, Value: 100}, Edit{Kind: SetShare, Node: md, Value: 70})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []int{ss, sv, ct} {
			if a.Share[m] != 10 {
				t.Errorf("%s: %v, want 10", ds.Nodes[m].Name, a.Share[m])
			}
		}
	})
	t.Run("reset restores share and lock", func(t *testing.T) {
		origin := base.Clone()
		origin.Locked[md] = true
		a, err := ds.Apply(origin, origin, Edit{Kind: SetLock, Node: md, Lock: false})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []Edit{{Kind: SetShare, Node: md, Value: 20}, {Kind: SetGrowth, Node: md, Value: 30}, {Kind: ResetNode, Node: md}} {
			if a, err = ds.Apply(origin, a, e); err != nil {
				t.Fatal(err)
			}
		}
		if a.Share[md] != base.Share[md] || a.Growth[md] != base.Growth[md] || !a.Locked[md] {
			t.Errorf("after reset: share %v growth %v locked %v, want %v %v true", a.Share[md], a.Growth[md], a.Locked[md], base.Share[md], base.Growth[md])
		}
	})
	t.Run("refusals", func(t *testing.T) {
		for _, e := range []Edit{
			{Kind: SetShare, Node: 0, Value: 50},
			{Kind: SetShare, Node: md, Value: -1},
			{Kind: SetShare, Node: md, Value: 100.5},
			{Kind: SetShare, Node: md, Value: math.NaN()},
			{Kind: SetShare, Node: len(ds.Nodes), Value: 10},
			{Kind: SetGrowth, Node: md, Value: -100},
			{Kind: SetGrowth, Node: md, Value: 1000},
			{Kind: SetGrowth, Node: md, Value: math.Inf(1)},
			{Kind: SetGrowth, Node: -1, Value: 10},
			{Kind: SetLock, Node: 0, Lock: true},
			{Kind: SetYearGrowth, Year: 2019, Value: 10},
			{Kind: SetYearGrowth, Year: 2028, Value: 10},
			{Kind: SetYearGrowth, Year: 2021, Value: math.Inf(-1)},
			{Kind: SetMode, Mode: BottomUp, Driver: 4},
			{Kind: SetMode, Mode: BottomUp, Driver: -1},
			{Kind: EditKind(42), Node: md},
		} {
			got, err := ds.Apply(base, base, e)
			if err == nil || err.Error() == "" {
				t.Errorf("%+v accepted", e)
			}
			if !got.Equal(base) {
				t.Errorf("%+v: refused edit changed the state", e)
			}
		}
	})
	t.Run("year growth", func(t *testing.T) {
		a, err := apply(t, base, Edit{Kind: SetYearGrowth, Year: 2023, Value: -5})
		if err != nil {
			t.Fatal(err)
		}
		if a.YearGrowth[3] != -5 || a.TotalGrowth(4) != -5 || a.TotalGrowth(5) != 18.5 {
			t.Errorf("2023 rate %v, TotalGrowth(4) %v, TotalGrowth(5) %v", a.YearGrowth[3], a.TotalGrowth(4), a.TotalGrowth(5))
		}
		if a, err = apply(t, a, Edit{Kind: SetYearGrowth, Year: 2023, Value: math.NaN()}); err != nil || !math.IsNaN(a.YearGrowth[3]) {
			t.Errorf("clearing 2023: %v, %v", a.YearGrowth[3], err)
		}
	})
}

// TestHistoryLimit checks that a long session keeps only the newest
// DefaultHistoryLimit states, and that undo still walks them exactly.
func TestHistoryLimit(t *testing.T) {
	ds := small(t)
	h := NewHistory(ds, ds.Base())
	var states []Assumptions
	for i := range DefaultHistoryLimit + 100 {
		if err := h.Do(Edit{Kind: SetGrowth, Node: 1, Value: float64(i%500) + 0.25}); err != nil {
			t.Fatal(err)
		}
		states = append(states, h.Current().Clone())
	}
	undos := 0
	for h.Undo() {
		undos++
		if !h.Current().Equal(states[len(states)-1-undos]) {
			t.Fatalf("undo %d: wrong state", undos)
		}
	}
	if undos != DefaultHistoryLimit-1 {
		t.Errorf("%d undos, want %d", undos, DefaultHistoryLimit-1)
	}
	// A no-op edit is not recorded; a refused one neither.
	for h.Redo() {
	}
	before := h.Current().Clone()
	if err := h.Do(Edit{Kind: SetGrowth, Node: 1, Value: before.Growth[1]}); err != nil {
		t.Fatal(err)
	}
	if err := h.Do(Edit{Kind: SetGrowth, Node: 1, Value: math.NaN()}); err == nil {
		t.Error("NaN growth accepted")
	}
	if !h.Undo() || h.Current().Equal(before) || !h.Redo() || !h.Current().Equal(before) || h.CanRedo() {
		t.Error("a no-op or refused edit was recorded")
	}
}
