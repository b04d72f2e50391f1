package model

import (
	"fmt"
	"strings"
	"testing"
)

// swedenYAML has a set of two siblings, as in the report of the bug:
// setting Stockholm to 60 saved "Rest of Sweden: {share_pct: 40}".
const swedenYAML = `market: Nordic
base_year: 2020
end_year: 2025
total: {value: 10, cagr_pct: 5}
dimensions:
  - name: Country
    segments:
      - name: Sweden
        share_pct: 50
        cagr_pct: 5
        segments:
          - {name: Stockholm, share_pct: 45, cagr_pct: 6}
          - {name: Rest of Sweden, share_pct: 55, cagr_pct: 4}
      - {name: Norway, share_pct: 30, cagr_pct: 5}
      - {name: Finland, share_pct: 10, cagr_pct: 5}
      - {name: Denmark, share_pct: 10, cagr_pct: 5}
`

// namesShare reports whether a saved file gives path a share of its own.
func namesShare(data []byte, path string) bool {
	return strings.Contains(string(data), fmt.Sprintf("%q: {share_pct:", path))
}

// TestSavedFileNamesTheShareSet: the file names the share the user set,
// not a sibling that happens to carry the same information, for every
// segment of every set of siblings (two or many), beside a locked
// sibling, after a second edit of another sibling, and for the ±0.5 pp
// steps of > and <. Each file reopens to the state saved, with the share
// set still named, and saves again to the same file.
func TestSavedFileNamesTheShareSet(t *testing.T) {
	sweden, err := LoadDataset("sweden.yaml", []byte(swedenYAML))
	if err != nil {
		t.Fatal(err)
	}
	for _, ds := range []*Dataset{sweden, embedded(t), small(t)} {
		base := ds.Base()
		apply := func(a Assumptions, edits ...Edit) (Assumptions, bool) {
			for _, e := range edits {
				next, err := ds.Apply(base, a, e)
				if err != nil {
					return a, false
				}
				a = next
			}
			return a, true
		}
		check := func(what string, a Assumptions, set int) {
			t.Helper()
			path := ds.Nodes[set].Path
			data := ds.MarshalScenario(&Scenario{Name: "S", Assumptions: a})
			if !namesShare(data, path) {
				t.Errorf("%s: %s: the file does not name the share set:\n%s", ds.Market, what, data)
				return
			}
			back, err := LoadScenario("s.yaml", data, ds)
			if err != nil {
				t.Fatalf("%s: %s: %v\n%s", ds.Market, what, err, data)
			}
			if !approxEqual(back.Assumptions, a, 1e-9) {
				t.Errorf("%s: %s: reopens otherwise:\n%s", ds.Market, what, describeDiff(ds, a, back.Assumptions))
			}
			if again := ds.MarshalScenario(back); string(again) != string(data) {
				t.Errorf("%s: %s: saved again differs:\n%s\nwas\n%s", ds.Market, what, again, data)
			}
		}
		cases := 0
		for _, g := range ds.Groups {
			mem := g.Members
			if len(mem) < 2 {
				continue
			}
			for i, n := range mem {
				other := mem[(i+1)%len(mem)]
				v := moved(base.Share[n], 3)
				if a, ok := apply(base, Edit{Kind: SetShare, Node: n, Value: v}); ok {
					check(fmt.Sprintf("%s set to %g", ds.Nodes[n].Path, v), a, n)
					cases++
					// A second edit, of a sibling: the file names it.
					if a, ok := apply(a, Edit{Kind: SetShare, Node: other, Value: moved(a.Share[other], 2)}); ok {
						check(fmt.Sprintf("%s set, then %s", ds.Nodes[n].Path, ds.Nodes[other].Path), a, other)
					}
				}
				for _, step := range []float64{0.5, -0.5} { // > and <
					if a, ok := apply(base, Edit{Kind: SetShare, Node: n, Value: base.Share[n] + step}); ok {
						check(fmt.Sprintf("%s %+g pp", ds.Nodes[n].Path, step), a, n)
					}
				}
				if len(mem) >= 3 {
					a, ok := apply(base, Edit{Kind: SetLock, Node: mem[(i+2)%len(mem)], Lock: true}, Edit{Kind: SetShare, Node: n, Value: v})
					if ok {
						check(fmt.Sprintf("%s set beside a locked sibling", ds.Nodes[n].Path), a, n)
					}
				}
			}
		}
		if cases < 4 {
			t.Errorf("%s: only %d share edits tried", ds.Market, cases)
		}
	}
}

// moved is share moved by d pp, up when below 50 and down otherwise.
func moved(share, d float64) float64 {
	if share < 50 {
		return share + d
	}
	return share - d
}
