package model

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestEditsLeaveEarlierStatesAlone: Apply shares with the state before it
// the slices an edit leaves alone, so no edit may write into a slice an
// earlier state holds. Over random edits (every kind, refused ones too)
// each state the history recorded still holds, bit for bit, what it held
// when recorded, and so does the origin.
func TestEditsLeaveEarlierStatesAlone(t *testing.T) {
	for _, ds := range []*Dataset{embedded(t), small(t)} {
		for oi, origin := range origins(t, ds) {
			r := rand.New(rand.NewPCG(23, uint64(oi)))
			gen := editGen{r: r, ds: ds}
			for range 40 {
				h := NewHistory(ds, origin)
				originCopy := origin.Clone()
				states, copies := []Assumptions{h.Current()}, []Assumptions{h.Current().Clone()}
				for range 120 {
					if err := h.Do(gen.edit(h.Current())); err != nil {
						continue
					}
					states = append(states, h.Current())
					copies = append(copies, h.Current().Clone())
				}
				for i := range states {
					if !states[i].Equal(copies[i]) || !slices.Equal(states[i].ShareSet, copies[i].ShareSet) {
						t.Fatalf("%s origin %d: state %d of %d changed after it was recorded", ds.Market, oi, i, len(states))
					}
				}
				if !origin.Equal(originCopy) || !slices.Equal(origin.ShareSet, originCopy.ShareSet) {
					t.Fatalf("%s origin %d: the origin changed", ds.Market, oi)
				}
			}
		}
	}
}

// TestEditCopiesOnlyWhatItChanges: a rate edit copies the rates and
// shares the rest with the state before it, so an undo step on a large
// dataset holds one slice, not every one.
func TestEditCopiesOnlyWhatItChanges(t *testing.T) {
	ds := embedded(t)
	cur := ds.Base()
	next, err := ds.Apply(cur, cur, Edit{Kind: SetGrowth, Node: 1, Value: cur.Growth[1] + 1})
	if err != nil {
		t.Fatal(err)
	}
	if &next.Growth[0] == &cur.Growth[0] {
		t.Error("a rate edit wrote into the state before it")
	}
	if &next.Share[0] != &cur.Share[0] || &next.Locked[0] != &cur.Locked[0] || &next.Ranges[0] != &cur.Ranges[0] {
		t.Error("a rate edit copied the shares, locks or ranges it did not change")
	}
}
