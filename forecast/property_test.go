package forecast_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"iomt/forecast"
	"iomt/model"
)

// randRate draws a growth rate from the whole allowed range (-100, 1000),
// with its extremes, the last representable rates inside the bounds, zero
// and ordinary rates drawn often enough that every scenario mixes them.
func randRate(rng *rand.Rand) float64 {
	switch rng.IntN(12) {
	case 0:
		return math.Nextafter(model.MinRate, 0) // -99.99999999999999
	case 1:
		return math.Nextafter(model.MaxRate, 0) // 999.9999999999999
	case 2:
		return -99
	case 3:
		return 999
	case 4:
		return 0
	case 5, 6, 7:
		return -99 + rng.Float64()*(999+99)
	default:
		return -20 + rng.Float64()*60
	}
}

// randShare draws a share target, including the bounds 0 and 100.
func randShare(rng *rand.Rand, cur float64) float64 {
	switch rng.IntN(6) {
	case 0:
		return 0
	case 1:
		return 100
	case 2:
		return cur + (rng.Float64()-0.5)*2 // a ±1 pp nudge, as the keys do
	default:
		return rng.Float64() * 100
	}
}

// propStats counts what the random scenarios exercised, so the property
// test can fail when its generator stops producing what it claims to.
type propStats struct {
	scenarios, projections       int
	growth, shares, shareRefused int
	locks, yearRates, bottomUp   int
	extremeLo, extremeHi         int
}

// randomScenario applies a random sequence of edits to ds's Base scenario
// through Dataset.Apply (refused edits change nothing and are skipped) and
// returns the result with a short log of the edits for failure messages.
func randomScenario(rng *rand.Rand, ds *model.Dataset, st *propStats) (model.Assumptions, string) {
	origin := ds.Base()
	a := origin.Clone()
	var log strings.Builder
	nodes := len(ds.Nodes)
	for range rng.IntN(40) {
		var e model.Edit
		switch k := rng.IntN(20); {
		case k < 8:
			e = model.Edit{Kind: model.SetGrowth, Node: rng.IntN(nodes), Value: randRate(rng)}
		case k < 14:
			n := 1 + rng.IntN(nodes-1)
			e = model.Edit{Kind: model.SetShare, Node: n, Value: randShare(rng, a.Share[n])}
		case k < 17:
			e = model.Edit{Kind: model.SetLock, Node: 1 + rng.IntN(nodes-1), Lock: rng.IntN(3) == 0}
		case k == 17 && rng.IntN(2) == 0:
			e = model.Edit{Kind: model.SetBaseValue, Value: 0.001 + rng.Float64()*1000}
		case k == 17:
			// A segment's growth path.
			e = model.Edit{Kind: model.SetYearGrowth, Node: 1 + rng.IntN(nodes-1), Year: ds.BaseYear + 1 + rng.IntN(ds.Years()-1), Value: randRate(rng)}
		default:
			v := randRate(rng)
			if rng.IntN(4) == 0 {
				v = math.NaN() // back to the market's CAGR
			}
			e = model.Edit{Kind: model.SetYearGrowth, Year: ds.BaseYear + 1 + rng.IntN(ds.Years()-1), Value: v}
		}
		next, err := ds.Apply(origin, a, e)
		if err != nil {
			if e.Kind == model.SetShare {
				st.shareRefused++
			}
			continue
		}
		a = next
		switch e.Kind {
		case model.SetGrowth:
			st.growth++
			if e.Value < -99.9 {
				st.extremeLo++
			}
			if e.Value > 999.9 {
				st.extremeHi++
			}
			fmt.Fprintf(&log, " growth(%s)=%g", ds.Nodes[e.Node].Path, e.Value)
		case model.SetShare:
			st.shares++
			fmt.Fprintf(&log, " share(%s)=%g", ds.Nodes[e.Node].Path, e.Value)
		case model.SetLock:
			st.locks++
			fmt.Fprintf(&log, " lock(%s)=%t", ds.Nodes[e.Node].Path, e.Lock)
		case model.SetYearGrowth:
			st.yearRates++
			fmt.Fprintf(&log, " year(%s, %d)=%g", ds.Nodes[e.Node].Path, e.Year, e.Value)
		case model.SetBaseValue:
			fmt.Fprintf(&log, " base=%g", e.Value)
		}
	}
	return a, log.String()
}

// runProperties projects n random scenarios of ds, each in top-down mode
// and in bottom-up mode with every dimension as the driver, and checks the
// invariants and the closed form on each projection.
func runProperties(t *testing.T, ds *model.Dataset, seed uint64, n int) propStats {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x10e7))
	var st propStats
	var r forecast.Result // reused, dirty from the previous projection
	origin := ds.Base()
	for i := range n {
		a, log := randomScenario(rng, ds, &st)
		st.scenarios++
		modes := []model.Edit{{Kind: model.SetMode, Mode: model.TopDown}}
		for d := range ds.Dims {
			modes = append(modes, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: d})
		}
		for _, me := range modes {
			am, err := ds.Apply(origin, a, me)
			if err != nil {
				t.Fatalf("scenario %d: %s refused: %v", i, me.Mode, err)
			}
			forecast.ProjectInto(&r, ds, &am)
			st.projections++
			if am.Mode == model.BottomUp {
				st.bottomUp++
			}
			what := fmt.Sprintf("%s scenario %d, %s driver %d, edits:%s", ds.Market, i, am.Mode, am.Driver, log)
			if bad := checkInvariants(ds, &am, &r); len(bad) > 0 {
				t.Fatalf("%s\n%s", what, strings.Join(bad, "\n"))
			}
			if bad := checkReference(ds, &am, &r, 1e-9); len(bad) > 0 {
				t.Fatalf("%s\n%s", what, strings.Join(bad, "\n"))
			}
			// A reused, dirty Result gives bit-for-bit what a fresh one does.
			fresh := forecast.Project(ds, &am)
			for node := range ds.Nodes {
				for y := range ds.Years() {
					if math.Float64bits(fresh.Value(node, y)) != math.Float64bits(r.Value(node, y)) ||
						math.Float64bits(fresh.Share(node, y)) != math.Float64bits(r.Share(node, y)) {
						t.Fatalf("%s\n%s %d: reused result %v/%v, fresh %v/%v", what, ds.Nodes[node].Path, r.Year(y),
							r.Value(node, y), r.Share(node, y), fresh.Value(node, y), fresh.Share(node, y))
					}
				}
			}
		}
	}
	return st
}

// checkCoverage fails when the generator did not exercise what the
// property test claims to cover.
func checkCoverage(t *testing.T, st propStats) {
	t.Helper()
	n := st.scenarios // each kind at least once per scenario on average
	for _, c := range []struct {
		what string
		got  int
		want int
	}{
		{"growth edits", st.growth, n},
		{"share edits applied", st.shares, n},
		{"share edits refused", st.shareRefused, n / 10},
		{"lock edits", st.locks, n / 2},
		{"year-rate edits", st.yearRates, n / 2},
		{"rates near -100", st.extremeLo, n / 10},
		{"rates near 1000", st.extremeHi, n / 10},
		{"bottom-up projections", st.bottomUp, st.scenarios},
	} {
		if c.got < c.want {
			t.Errorf("only %d %s over %d scenarios, want at least %d", c.got, c.what, st.scenarios, c.want)
		}
	}
}

func TestPropertiesIoMT(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 200
	}
	st := runProperties(t, loadIoMT(t), 20190, n)
	checkCoverage(t, st)
	t.Logf("%+v", st)
}

func TestPropertiesSmartHome(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 200
	}
	st := runProperties(t, loadSmartHome(t), 20220, n)
	checkCoverage(t, st)
	t.Logf("%+v", st)
}

// The Base scenario itself, in every mode, before any edit.
func TestInvariantsBaseEveryMode(t *testing.T) {
	for _, ds := range []*model.Dataset{loadIoMT(t), loadSmartHome(t)} {
		origin := ds.Base()
		modes := []model.Edit{{Kind: model.SetMode, Mode: model.TopDown}}
		for d := range ds.Dims {
			modes = append(modes, model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: d})
		}
		for _, me := range modes {
			a := apply(t, ds, origin, me)
			r := forecast.Project(ds, &a)
			if bad := checkInvariants(ds, &a, r); len(bad) > 0 {
				t.Errorf("%s, %s driver %d:\n%s", ds.Market, a.Mode, a.Driver, strings.Join(bad, "\n"))
			}
			if bad := checkReference(ds, &a, r, 1e-12); len(bad) > 0 {
				t.Errorf("%s, %s driver %d:\n%s", ds.Market, a.Mode, a.Driver, strings.Join(bad, "\n"))
			}
		}
	}
}
