package model

import (
	"strings"
	"testing"
)

// TestResolveIgnoresCase: --node takes a path in any case, as --scenario
// takes a name; a path that two segments share but for case is refused
// with both, and is then given in its exact case.
func TestResolveIgnoresCase(t *testing.T) {
	ds := embedded(t)
	ap := mustLookup(t, ds, "Region/Asia-Pacific")
	for _, p := range []string{"Region/Asia-Pacific", "region/asia-pacific", "REGION/ASIA-PACIFIC"} {
		if n, err := ds.Resolve(p); err != nil || n != ap {
			t.Errorf("Resolve(%q) = %d, %v; want %d", p, n, err, ap)
		}
	}
	for _, p := range []string{"Total", "total", "TOTAL"} {
		if n, err := ds.Resolve(p); err != nil || n != 0 {
			t.Errorf("Resolve(%q) = %d, %v; want the total", p, n, err)
		}
	}
	twins, err := LoadDataset("twins.yaml", []byte(`market: Twins
base_year: 2020
end_year: 2022
total: {value: 10, cagr_pct: 5}
dimensions:
  - name: Region
    segments:
      - {name: North, share_pct: 50, cagr_pct: 5}
      - {name: NORTH, share_pct: 50, cagr_pct: 5}
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = twins.Resolve("region/north")
	if err == nil || !strings.Contains(err.Error(), `"Region/NORTH"`) || !strings.Contains(err.Error(), `"Region/North"`) {
		t.Errorf("an ambiguous path: %v; want an error naming both", err)
	}
	for _, p := range []string{"Region/North", "Region/NORTH"} {
		if n, err := twins.Resolve(p); err != nil || twins.Nodes[n].Path != p {
			t.Errorf("Resolve(%q) = %d, %v; want the exact one", p, n, err)
		}
	}
}
