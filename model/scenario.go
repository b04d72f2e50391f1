package model

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

type scenarioFile struct {
	Scenario    string                  `yaml:"scenario"`
	Description string                  `yaml:"description"`
	Dataset     string                  `yaml:"dataset"`
	Mode        string                  `yaml:"mode"`
	Driver      string                  `yaml:"driver"`
	Total       *totalOverride          `yaml:"total"`
	Segments    map[string]overrideFile `yaml:"segments"`
	Drivers     map[string]float64      `yaml:"drivers"`
	CAGRWindow  []int                   `yaml:"cagr_window"`
}

type totalOverride struct {
	CAGRPct      *float64  `yaml:"cagr_pct"`
	CAGRRangePct []float64 `yaml:"cagr_range_pct"`
	// A null rate takes away a year rate the dataset gives, so the year
	// grows at the market's CAGR.
	GrowthByYearPct map[int]*float64 `yaml:"growth_by_year_pct"`
}

type overrideFile struct {
	SharePct     *float64  `yaml:"share_pct"`
	CAGRPct      *float64  `yaml:"cagr_pct"`
	Locked       *bool     `yaml:"locked"`
	CAGRRangePct []float64 `yaml:"cagr_range_pct"`
}

var scenarioKeys = []string{
	"scenario", "description", "dataset", "mode", "driver", "total", "segments", "drivers",
	"cagr_pct", "growth_by_year_pct", "share_pct", "locked", "cagr_range_pct", "cagr_window",
}

// checkRange checks a cagr_range_pct: two rates, the low below the high.
func checkRange(v []float64) (Range, string, bool) {
	if len(v) != 2 {
		return unsetRange, fmt.Sprintf("cagr_range_pct has %d numbers; it takes two, [low, high]", len(v)), false
	}
	for _, r := range v {
		if msg, ok := checkRate(r); !ok {
			return unsetRange, msg, false
		}
	}
	if v[0] >= v[1] {
		return unsetRange, fmt.Sprintf("cagr_range_pct [%g, %g]: the low must be below the high", v[0], v[1]), false
	}
	return Range{Lo: v[0], Hi: v[1]}, "", true
}

// Scenario is a named set of assumptions over a dataset.
type Scenario struct {
	Name        string
	Description string
	Dataset     string // the market it was made for
	Assumptions Assumptions
}

// LoadScenario parses a scenario file and resolves it against ds. Unknown
// paths, a scenario made for another market, and shares that cannot add up
// are reported as FILE:LINE:COL errors.
func LoadScenario(file string, data []byte, ds *Dataset) (*Scenario, error) {
	var sf scenarioFile
	src, err := parseFile(file, data, &sf, scenarioKeys)
	if err != nil {
		return nil, err
	}
	var errs ErrorList
	errAt := func(path []any, hint, format string, args ...any) {
		errs = append(errs, src.at(path, fmt.Sprintf(format, args...), hint))
	}
	errAtKey := func(path []any, hint, format string, args ...any) {
		errs = append(errs, src.atKey(path, fmt.Sprintf(format, args...), hint))
	}
	sc := &Scenario{Name: sf.Scenario, Description: sf.Description, Dataset: sf.Dataset}
	if strings.TrimSpace(sf.Scenario) == "" {
		errAt(nil, "add e.g. scenario: My scenario", "missing or empty key \"scenario\" (the scenario's name)")
	} else if msg, ok := checkLabel("scenario name", sf.Scenario, true); !ok {
		errAt([]any{"scenario"}, "", "%s", msg)
	}
	if msg, ok := checkFreeText("description", sf.Description, true); !ok {
		errAt([]any{"description"}, "", "%s", msg)
	}
	if msg, ok := checkLabel("dataset", sf.Dataset, true); sf.Dataset != "" && !ok {
		errAt([]any{"dataset"}, "", "%s", msg)
	} else if sf.Dataset != "" && sf.Dataset != ds.Market {
		// Checked against another market, every path and lever would be
		// an error of its own: this one says it all.
		errAt([]any{"dataset"}, "open it with the dataset it was made for (--dataset)",
			"scenario is for the market %q, but the dataset is %q", sf.Dataset, ds.Market)
		return nil, errs
	}
	a := ds.Base()
	mode, ok := ParseMode(sf.Mode)
	if !ok {
		errAt([]any{"mode"}, "use top-down or bottom-up", "unknown mode %q", sf.Mode)
	}
	a.Mode = mode
	if sf.Driver != "" {
		di := slices.IndexFunc(ds.Dims, func(d Dimension) bool { return d.Name == sf.Driver })
		if di < 0 {
			errAt([]any{"driver"}, dimHint(ds, sf.Driver), "unknown dimension %q", sf.Driver)
		}
		a.Driver = max(di, 0)
	} else if mode == BottomUp {
		errAt([]any{"mode"}, "add driver: with one of "+dimNames(ds), "bottom-up needs a driver dimension")
	}
	if t := sf.Total; t != nil {
		if t.CAGRRangePct != nil {
			if r, msg, ok := checkRange(t.CAGRRangePct); ok {
				a.Ranges[0] = r
			} else {
				errAt([]any{"total", "cagr_range_pct"}, "", "%s", msg)
			}
		}
		if t.CAGRPct != nil {
			if msg, ok := checkRate(*t.CAGRPct); ok {
				a.Growth[0] = *t.CAGRPct
			} else {
				errAt([]any{"total", "cagr_pct"}, "", "%s", msg)
			}
		}
		for _, y := range sortedKeys(t.GrowthByYearPct) {
			p := []any{"total", FieldGrowthByYear, strconv.Itoa(y)}
			yi := y - ds.BaseYear - 1
			if yi < 0 || yi >= len(a.YearGrowth) {
				errAtKey(p, "growth applies to the years after the base year",
					"growth year %d is outside the forecast years %d–%d", y, ds.BaseYear+1, ds.EndYear)
				continue
			}
			r := t.GrowthByYearPct[y]
			if r == nil {
				a.YearGrowth[yi] = math.NaN()
			} else if msg, ok := checkRate(*r); ok {
				a.YearGrowth[yi] = *r
			} else {
				errAt(p, "", "%s", msg)
			}
		}
	}

	// The levers, by name.
	leverNames := make([]string, len(ds.Levers))
	for i, l := range ds.Levers {
		leverNames[i] = l.Name
	}
	for _, name := range sortedStrings(sf.Drivers) {
		p := []any{"drivers", name}
		i := slices.Index(leverNames, name)
		switch v := sf.Drivers[name]; {
		case i < 0:
			hint := "the dataset has no drivers, challenges or opportunities"
			if len(leverNames) > 0 {
				hint = "levers are the dataset's drivers, challenges and opportunities: " + joinSome(leverNames, ", ")
				if s := suggest(name, leverNames); s != "" {
					hint = fmt.Sprintf("did you mean %q?", s)
				}
			}
			errAtKey(p, hint, "unknown lever %q", name)
		case math.IsNaN(v) || math.Abs(v) > MaxLeverImpact:
			errAt(p, "", "lever impact %v pp is out of range (at most %g either way)", v, MaxLeverImpact)
		default:
			a.Drivers[i] = v
		}
	}

	if w := sf.CAGRWindow; w != nil {
		if len(w) != 2 {
			errAt([]any{"cagr_window"}, "write it as [2021, 2027]", "cagr_window has %d years; it takes two, [from, to]", len(w))
		} else if win := (Window{From: w[0], To: w[1]}); win.From == ds.BaseYear && win.To == ds.EndYear {
			a.Window = Window{}
		} else if msg, ok := ds.checkWindow(win); !ok {
			errAt([]any{"cagr_window"}, "", "%s", msg)
		} else {
			a.Window = win
		}
	}

	// Resolve segment overrides; named shares are gathered per group and
	// applied together so unnamed siblings absorb the difference.
	named := map[int]float64{}
	lockedOnly := map[int]bool{} // locked without a share_pct of its own
	pathOf := map[int]string{}
	for _, path := range sortedStrings(sf.Segments) {
		o := sf.Segments[path]
		p := []any{"segments", path}
		n, ok := ds.Lookup(path)
		if !ok {
			errAtKey(p, pathHint(ds, path), "unknown segment path %q", path)
			continue
		}
		pathOf[n] = path
		if o.CAGRPct != nil {
			if msg, ok := checkRate(*o.CAGRPct); ok {
				a.Growth[n] = *o.CAGRPct
			} else {
				errAt(append(p, "cagr_pct"), "", "%s", msg)
			}
		}
		if o.SharePct != nil {
			if msg, ok := checkShare(*o.SharePct); ok {
				named[n] = *o.SharePct
			} else {
				errAt(append(p, "share_pct"), "", "%s", msg)
			}
		}
		if o.CAGRRangePct != nil {
			if r, msg, ok := checkRange(o.CAGRRangePct); ok {
				a.Ranges[n] = r
			} else {
				errAt(append(p, "cagr_range_pct"), "", "%s", msg)
			}
		}
		if o.Locked != nil {
			a.Locked[n] = *o.Locked
			if *o.Locked && o.SharePct == nil {
				lockedOnly[n] = true
			}
		}
	}
	for gi, g := range ds.Groups {
		var sumNamed, sumFree float64
		var free []int
		count := 0
		for _, m := range g.Members {
			if s, ok := named[m]; ok {
				sumNamed += s
				count++
			} else {
				free = append(free, m)
				sumFree += a.Share[m]
			}
		}
		if count == 0 {
			continue
		}
		// A locked share keeps its value: it does not absorb the changes
		// of the siblings the scenario names, exactly as in the dashboard.
		for i := 0; i < len(free); {
			if m := free[i]; lockedOnly[m] {
				named[m] = a.Share[m]
				sumNamed += a.Share[m]
				sumFree -= a.Share[m]
				free = slices.Delete(free, i, i+1)
				continue
			}
			i++
		}
		first := pathOf[g.Members[slices.IndexFunc(g.Members, func(m int) bool { _, ok := named[m]; return ok })]]
		owner := groupName(ds, gi)
		var parts []string
		for _, m := range g.Members {
			if s, ok := named[m]; ok {
				parts = append(parts, ds.Nodes[m].Name+" "+fmtPct(s))
			}
		}
		switch {
		case sumNamed > 100+ShareEpsilon:
			errAt([]any{"segments", first, "share_pct"}, "named shares of one set of siblings can add up to 100 at most",
				"shares named under %s add up to %s: %s", owner, fmtPct(sumNamed), joinSome(parts, " + "))
			continue
		case len(free) == 0 && math.Abs(sumNamed-100) > ShareEpsilon:
			errAt([]any{"segments", first, "share_pct"}, "when every sibling is named, their shares must add up to 100",
				"shares named under %s add up to %s, not 100: %s", owner, fmtPct(sumNamed), joinSome(parts, " + "))
			continue
		}
		for m, s := range named {
			if ds.Nodes[m].Group == gi {
				a.Share[m] = s
				a.ShareSet[m] = !lockedOnly[m]
			}
		}
		rest := max(100-sumNamed, 0)
		for _, m := range free {
			if sumFree > 0 {
				a.Share[m] = a.Share[m] / sumFree * rest
			} else {
				a.Share[m] = rest / float64(len(free))
			}
		}
		// Named shares within the tolerance of 100 (all siblings named, or
		// over 100 so the unnamed get nothing) are scaled to add up exactly.
		if math.Abs(sumNamed-100) > 1e-9 && (len(free) == 0 || sumNamed > 100) {
			for _, m := range g.Members {
				a.Share[m] = a.Share[m] / sumNamed * 100
			}
		}
	}
	if len(errs) == 0 && len(sf.Drivers) > 0 {
		if err := ds.checkLevers(&a); err != nil {
			errAt([]any{"drivers"}, "", "%v", err)
		}
	}
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	sc.Assumptions = a
	return sc, nil
}

// Resolve returns the node of a path typed by a person: "Total", or
// Dimension/Segment or Dimension/Segment/Sub-segment, in any case
// ("region/asia-pacific"), as scenario names are. A path in its exact
// case always wins; one that matches two segments but for case is an
// error naming both; an unknown path is an error with a suggestion.
func (d *Dataset) Resolve(path string) (int, error) {
	if strings.EqualFold(path, TotalName) {
		return 0, nil
	}
	if n, ok := d.Lookup(path); ok {
		return n, nil
	}
	var found []int
	for n := 1; n < len(d.Nodes); n++ {
		if strings.EqualFold(d.Nodes[n].Path, path) {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 0:
		return 0, fmt.Errorf("no segment %q (%s)", path, pathHint(d, path))
	case 1:
		return found[0], nil
	}
	names := make([]string, len(found))
	for i, n := range found {
		names[i] = strconv.Quote(d.Nodes[n].Path)
	}
	return 0, fmt.Errorf("%q is %s but for case: give it in its exact case", path, joinSome(names, " and "))
}

// pathHint helps with an unknown path. When the path's parent exists,
// only the parent's children are plausible, so compare the last part with
// them alone, and list them if none is close; comparing whole paths would
// suggest the parent itself for "Region/North America/USA".
func pathHint(ds *Dataset, path string) string {
	if i := strings.LastIndex(path, "/"); i > 0 {
		parent, last := path[:i], path[i+1:]
		var kids []int
		if n, ok := ds.Lookup(parent); ok {
			kids = ds.Nodes[n].Children
		} else if di := slices.IndexFunc(ds.Dims, func(d Dimension) bool { return d.Name == parent }); di >= 0 {
			kids = ds.Dims[di].Top
		}
		if len(kids) > 0 {
			names := make([]string, len(kids))
			for j, k := range kids {
				names[j] = ds.Nodes[k].Name
			}
			if s := suggest(last, names); s != "" {
				return fmt.Sprintf("did you mean %q?", parent+"/"+s)
			}
			return fmt.Sprintf("%s has %s", parent, joinSome(names, ", "))
		}
	}
	// A segment's name without its dimension: "Asia-Pacific".
	var named []string
	for _, n := range ds.Nodes[1:] {
		if strings.EqualFold(n.Name, path) {
			named = append(named, strconv.Quote(n.Path))
		}
	}
	if len(named) > 0 {
		return "did you mean " + joinSome(named, " or ") + "?"
	}
	if s := suggest(path, ds.Paths()); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return "paths are Dimension/Segment or Dimension/Segment/Sub-segment"
}

func groupName(ds *Dataset, gi int) string {
	g := ds.Groups[gi]
	if g.Parent == 0 {
		return ds.Dims[g.Dim].Name
	}
	return ds.Nodes[g.Parent].Path
}

func dimNames(ds *Dataset) string {
	names := make([]string, len(ds.Dims))
	for i, d := range ds.Dims {
		names[i] = d.Name
	}
	return joinSome(names, ", ")
}

func dimHint(ds *Dataset, s string) string {
	names := make([]string, len(ds.Dims))
	for i, d := range ds.Dims {
		names[i] = d.Name
	}
	if m := suggest(s, names); m != "" {
		return fmt.Sprintf("did you mean %q?", m)
	}
	return "dimensions are " + joinSome(names, ", ")
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sortedStrings[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// MarshalScenario writes sc as a scenario file holding only what differs
// from ds's own figures, so that it stays small and reads as what the user
// changed: of a set of siblings whose shares changed, only the shares the
// loader cannot work out are named (see namedShares), and every number is
// written with the fewest digits that read back within SaveTolerance. The
// file reopens to the saved state within SaveTolerance of each share and
// rate, and saving the reopened scenario writes the same file.
func (d *Dataset) MarshalScenario(sc *Scenario) []byte {
	base := d.base
	a := sc.Assumptions
	var b strings.Builder
	fmt.Fprintf(&b, "scenario: %s\n", yamlString(sc.Name))
	if sc.Description != "" {
		fmt.Fprintf(&b, "description: %s\n", yamlString(sc.Description))
	}
	fmt.Fprintf(&b, "dataset: %s\n", yamlString(d.Market))
	fmt.Fprintf(&b, "mode: %s\n", a.Mode)
	if a.Mode == BottomUp || a.Driver != base.Driver {
		// A top-down scenario keeps its driver for when it is switched.
		fmt.Fprintf(&b, "driver: %s\n", yamlString(d.Dims[a.Driver].Name))
	}
	var tot []string
	if !near(a.Growth[0], base.Growth[0]) {
		tot = append(tot, "cagr_pct: "+shortRate(a.Growth[0]))
	}
	var years []string
	for i, r := range a.YearGrowth {
		switch {
		case math.IsNaN(r) && math.IsNaN(base.YearGrowth[i]), near(r, base.YearGrowth[i]):
		case math.IsNaN(r):
			years = append(years, fmt.Sprintf("%d: null", d.BaseYear+1+i))
		default:
			years = append(years, fmt.Sprintf("%d: %s", d.BaseYear+1+i, shortRate(r)))
		}
	}
	if len(years) > 0 {
		tot = append(tot, "growth_by_year_pct: {"+strings.Join(years, ", ")+"}")
	}
	if r := a.Ranges[0]; r.IsSet() {
		tot = append(tot, "cagr_range_pct: ["+shortRate(r.Lo)+", "+shortRate(r.Hi)+"]")
	}
	if len(tot) > 0 {
		fmt.Fprintf(&b, "total: {%s}\n", strings.Join(tot, ", "))
	}
	named := make([]bool, len(d.Nodes))
	for _, g := range d.Groups {
		d.namedShares(&a, g, named)
	}
	var segs []string
	for n := 1; n < len(d.Nodes); n++ {
		var parts []string
		if named[n] {
			parts = append(parts, "share_pct: "+shortNum(a.Share[n]))
		}
		if !near(a.Growth[n], base.Growth[n]) {
			parts = append(parts, "cagr_pct: "+shortRate(a.Growth[n]))
		}
		if a.Locked[n] {
			parts = append(parts, "locked: true")
		}
		if r := a.Ranges[n]; r.IsSet() {
			parts = append(parts, "cagr_range_pct: ["+shortRate(r.Lo)+", "+shortRate(r.Hi)+"]")
		}
		if len(parts) > 0 {
			segs = append(segs, fmt.Sprintf("  %s: {%s}\n", yamlString(d.Nodes[n].Path), strings.Join(parts, ", ")))
		}
	}
	if len(segs) > 0 {
		b.WriteString("segments:\n")
		for _, s := range segs {
			b.WriteString(s)
		}
	}
	if w := a.Window; w != (Window{}) {
		fmt.Fprintf(&b, "cagr_window: [%d, %d]\n", w.From, w.To)
	}
	var levers []string
	for i, v := range a.Drivers {
		if v != 0 {
			levers = append(levers, fmt.Sprintf("  %s: %s\n", yamlString(d.Levers[i].Name), shortNum(v)))
		}
	}
	if len(levers) > 0 {
		b.WriteString("drivers:\n")
		for _, l := range levers {
			b.WriteString(l)
		}
	}
	return []byte(b.String())
}

// SaveTolerance is how far a number written to a scenario file may read
// back from the number saved, relative to its size (and at least 1):
// 28.46153846153846 % is written 28.4615384615. Well below what any
// screen or export shows, and the state reopens within 1e-9.
const SaveTolerance = 1e-11

// namedShares marks in named the shares of group g a file must name for
// the loader to restore a's shares. The loader keeps named shares, keeps
// a locked share it is not given at the dataset's, and spreads what is
// left over the others in proportion to the dataset's shares. So the
// shares the user set (a.ShareSet) are named, as the user reads the file
// for them; of the others, the largest set of unlocked siblings whose
// shares are the dataset's scaled by one factor goes unnamed (after one
// share edit: every sibling but the one edited), and the rest is named.
// Nothing is named when no share changed.
func (d *Dataset) namedShares(a *Assumptions, g Group, named []bool) {
	base := d.base
	changed := false
	for _, m := range g.Members {
		if !near(a.Share[m], base.Share[m]) {
			changed = true
		}
	}
	if !changed {
		return
	}
	// Candidates for the unnamed set, by their factor over the dataset.
	type cand struct {
		m     int
		ratio float64
	}
	var cands []cand
	for _, m := range g.Members {
		switch {
		case a.Locked[m] && near(a.Share[m], base.Share[m]):
			// Restored at the dataset's share without being named.
		case a.ShareSet[m]:
			// Of two siblings, either share gives the other; the file
			// names the one the user set.
			named[m] = true
		case a.Locked[m], base.Share[m] <= 0:
			named[m] = a.Share[m] != 0 || a.Locked[m]
		default:
			cands = append(cands, cand{m, a.Share[m] / base.Share[m]})
		}
	}
	// The largest set of equal factors; the first such set on a tie.
	best, bestN := -1, 0
	for i, c := range cands {
		n := 0
		for _, o := range cands {
			if near(o.ratio, c.ratio) {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	for _, c := range cands {
		named[c.m] = best < 0 || !near(c.ratio, cands[best].ratio)
	}
}

// shortNum writes x with the fewest decimals that read back within
// SaveTolerance, at a fixed point: the number it reads back as is written
// the same way, so that saving a reopened scenario writes the same file.
// YAML reads "-0" as the integer 0, so negative zero is written as a float.
func shortNum(x float64) string { return shortValid(x, nil) }

// shortRate is shortNum for a growth rate: rounding never takes it out of
// the allowed range (-99.9999999999999 is not written -100).
func shortRate(x float64) string {
	return shortValid(x, func(v float64) bool { _, ok := checkRate(v); return ok })
}

// shortValid is shortNum keeping to the numbers valid accepts.
func shortValid(x float64, valid func(float64) bool) string {
	if x == 0 && math.Signbit(x) {
		return "-0.0"
	}
	s := ""
	for range 4 { // converges at once in practice; bounded regardless
		s = roundNum(x, valid)
		back, _ := strconv.ParseFloat(s, 64)
		if back == x {
			break
		}
		x = back
	}
	return s
}

// roundNum is the shortest 'f' text within SaveTolerance of x that valid
// (when not nil) accepts.
func roundNum(x float64, valid func(float64) bool) string {
	tol := SaveTolerance * max(1, math.Abs(x))
	for prec := 0; prec < 17; prec++ {
		s := strconv.FormatFloat(x, 'f', prec, 64)
		if v, err := strconv.ParseFloat(s, 64); err == nil && math.Abs(v-x) <= tol && (valid == nil || valid(v)) {
			return s
		}
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func sameBits(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// yamlString quotes s as a YAML double-quoted scalar (JSON escaping is a
// valid subset), so names with ':', '#' or quotes survive.
func yamlString(s string) string { return strconv.Quote(s) }
