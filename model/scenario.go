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
	// Value is the market's base-year value, in the dataset's unit.
	Value        *float64  `yaml:"value"`
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
	// GrowthByYearPct is the segment's growth path: years with a rate of
	// their own (a null: the CAGR).
	GrowthByYearPct map[int]*float64 `yaml:"growth_by_year_pct"`
}

var scenarioKeys = []string{
	"scenario", "description", "dataset", "mode", "driver", "total", "segments", "drivers",
	"cagr_pct", "growth_by_year_pct", "share_pct", "locked", "cagr_range_pct", "cagr_window", "value",
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
// are reported as FILE:LINE:COL errors, every one of them, in file order.
//
// It works in phases: parse the file; resolve the names it gives
// (segment paths, levers, the driver dimension, years) to the dataset's
// indexes; check every value, keeping those that pass; build the
// assumptions from the dataset's own with them.
func LoadScenario(file string, data []byte, ds *Dataset) (*Scenario, error) {
	l, err := parseScenario(file, data, ds)
	if err != nil {
		return nil, err
	}
	if !l.checkHeader() {
		// Checked against another market, every path and lever would be
		// an error of its own: this one says it all. A key the parse
		// cut out (unknown, or of the wrong type) may come later in the
		// file than the header's problem, and is reported too, in order.
		sortErrors(l.errs)
		return nil, l.errs
	}
	refs := l.resolve()
	vals := l.check(&refs)
	a := l.build(&refs, &vals)
	if len(l.errs) == 0 && len(l.sf.Drivers) > 0 {
		if err := ds.checkLevers(&a); err != nil {
			l.errAt([]any{"drivers"}, "", "%v", err)
		}
	}
	if len(l.errs) > 0 {
		sortErrors(l.errs)
		return nil, l.errs
	}
	sf := &l.sf
	return &Scenario{Name: sf.Scenario, Description: sf.Description, Dataset: sf.Dataset, Assumptions: a}, nil
}

// scenarioLoad is one scenario file on its way to a Scenario: what the
// file says, the dataset it is read against, and the problems found so
// far by every phase.
type scenarioLoad struct {
	ds   *Dataset
	src  *source
	sf   scenarioFile
	errs ErrorList
}

// parseScenario is the first phase: the file's syntax, keys and types.
func parseScenario(file string, data []byte, ds *Dataset) (*scenarioLoad, error) {
	l := &scenarioLoad{ds: ds}
	src, typeErrs, err := parseFileAll(file, data, &l.sf, scenarioKeys)
	if err != nil {
		return nil, err
	}
	// A field of the wrong type is left out and the rest checked: every
	// problem of the file is told at once.
	l.src, l.errs = src, typeErrs
	return l, nil
}

func (l *scenarioLoad) errAt(path []any, hint, format string, args ...any) {
	l.errs = append(l.errs, l.src.at(path, fmt.Sprintf(format, args...), hint))
}

func (l *scenarioLoad) errAtKey(path []any, hint, format string, args ...any) {
	l.errs = append(l.errs, l.src.atKey(path, fmt.Sprintf(format, args...), hint))
}

// checkHeader checks the name, the description and the market, and
// reports false for a scenario made for another market.
func (l *scenarioLoad) checkHeader() bool {
	sf := &l.sf
	switch {
	case l.src.cut["scenario"]:
		// Its problem is told already.
	case strings.TrimSpace(sf.Scenario) == "":
		l.errAt(nil, "add e.g. scenario: My scenario", "missing or empty key \"scenario\" (the scenario's name)")
	default:
		if msg, ok := checkLabel("scenario name", sf.Scenario, true); !ok {
			l.errAt([]any{"scenario"}, "", "%s", msg)
		}
	}
	if msg, ok := checkFreeText("description", sf.Description, true); !ok {
		l.errAt([]any{"description"}, "", "%s", msg)
	}
	if msg, ok := checkLabel("dataset", sf.Dataset, true); sf.Dataset != "" && !ok {
		l.errAt([]any{"dataset"}, "", "%s", msg)
	} else if sf.Dataset != "" && sf.Dataset != l.ds.Market {
		l.errAt([]any{"dataset"}, "open it with the dataset it was made for (--dataset)",
			"scenario is for the market %q, but the dataset is %q", sf.Dataset, l.ds.Market)
		return false
	}
	return true
}

// scenarioRefs are the names a scenario file gives, resolved against the
// dataset, in the order they are checked: -1 where the dataset has no
// such thing.
type scenarioRefs struct {
	mode     Mode
	modeOK   bool
	driver   int       // index into Dims; -1 unknown or not given
	years    []yearRef // total.growth_by_year_pct, by year
	levers   []leverRef
	segments []segmentRef
}

type yearRef struct {
	year int
	i    int // index into YearGrowth; -1 outside the forecast years
}

type leverRef struct {
	name string
	i    int // index into Levers; -1 unknown
}

type segmentRef struct {
	path string
	n    int // node; -1 unknown
}

// resolve is the second phase: every name the file gives, looked up in
// the dataset. It reports nothing: check reports what is unknown with
// the other problems of its section, so that two problems at one place
// in the file keep the order they always had.
func (l *scenarioLoad) resolve() scenarioRefs {
	ds, sf := l.ds, &l.sf
	r := scenarioRefs{driver: -1}
	r.mode, r.modeOK = ParseMode(sf.Mode)
	if sf.Driver != "" {
		r.driver = slices.IndexFunc(ds.Dims, func(d Dimension) bool { return d.Name == sf.Driver })
	}
	if sf.Total != nil {
		for _, y := range sortedKeys(sf.Total.GrowthByYearPct) {
			i := y - ds.BaseYear - 1
			if i < 0 || i >= ds.Years()-1 {
				i = -1
			}
			r.years = append(r.years, yearRef{year: y, i: i})
		}
	}
	for _, name := range sortedStrings(sf.Drivers) {
		r.levers = append(r.levers, leverRef{name: name, i: slices.IndexFunc(ds.Levers, func(lv Lever) bool { return lv.Name == name })})
	}
	for _, path := range sortedStrings(sf.Segments) {
		n, ok := ds.Lookup(path)
		if !ok {
			n = -1
		}
		r.segments = append(r.segments, segmentRef{path: path, n: n})
	}
	return r
}

// scenarioValues are the values of a scenario file that passed the
// checks: what build sets over the dataset's own.
type scenarioValues struct {
	growth map[int]float64 // cagr_pct by node (0: the total)
	ranges map[int]Range   // cagr_range_pct by node
	// years holds growth_by_year_pct by index into YearGrowth; NaN (a
	// null) takes the dataset's rate away, so the year grows at the
	// market's CAGR.
	years  map[int]float64
	levers map[int]float64 // impact by index into Levers
	window *Window         // nil: the dataset's
	// shares holds the share_pct named, by node; locked the locked
	// given, and lockedOnly the nodes locked without a share_pct of
	// their own; pathOf the path each node was named by.
	shares     map[int]float64
	locked     map[int]bool
	lockedOnly map[int]bool
	pathOf     map[int]string
	// baseValue is total.value, nil when not given; paths holds the
	// segments' growth_by_year_pct, by node and index into YearGrowth.
	baseValue *float64
	paths     map[int]map[int]float64
}

// check is the third phase: every value, and every name resolve did not
// find, reported in the order of the file's sections. A value that fails
// is left out of what it returns.
func (l *scenarioLoad) check(r *scenarioRefs) scenarioValues {
	v := scenarioValues{growth: map[int]float64{}, ranges: map[int]Range{}, years: map[int]float64{},
		levers: map[int]float64{}, shares: map[int]float64{}, locked: map[int]bool{},
		lockedOnly: map[int]bool{}, pathOf: map[int]string{}, paths: map[int]map[int]float64{}}
	sf := &l.sf
	if !r.modeOK {
		l.errAt([]any{"mode"}, "use top-down or bottom-up", "unknown mode %q", sf.Mode)
	}
	if sf.Driver != "" && r.driver < 0 {
		l.errAt([]any{"driver"}, dimHint(l.ds, sf.Driver), "unknown dimension %q", sf.Driver)
	} else if sf.Driver == "" && r.mode == BottomUp {
		l.errAt([]any{"mode"}, "add driver: with one of "+dimNames(l.ds), "bottom-up needs a driver dimension")
	}
	l.checkTotal(r.years, &v)
	l.checkLevers(r.levers, &v)
	l.checkWindow(&v)
	l.checkSegments(r.segments, &v)
	return v
}

// checkTotal checks the total's range, rate and year rates.
func (l *scenarioLoad) checkTotal(years []yearRef, v *scenarioValues) {
	t := l.sf.Total
	if t == nil {
		return
	}
	if t.CAGRRangePct != nil {
		if rg, msg, ok := checkRange(t.CAGRRangePct); ok {
			v.ranges[0] = rg
		} else {
			l.errAt([]any{"total", "cagr_range_pct"}, "", "%s", msg)
		}
	}
	if t.CAGRPct != nil {
		if msg, ok := checkRate(*t.CAGRPct); ok {
			v.growth[0] = *t.CAGRPct
		} else {
			l.errAt([]any{"total", "cagr_pct"}, "", "%s", msg)
		}
	}
	l.checkRangeHolds([]any{"total"}, 0, v)
	l.checkBaseValue(v)
	for _, y := range years {
		p := []any{"total", FieldGrowthByYear, strconv.Itoa(y.year)}
		if y.i < 0 {
			l.errAtKey(p, "growth applies to the years after the base year",
				"growth year %d is outside the forecast years %d–%d", y.year, l.ds.BaseYear+1, l.ds.EndYear)
			continue
		}
		rate := t.GrowthByYearPct[y.year]
		if rate == nil {
			v.years[y.i] = math.NaN()
		} else if msg, ok := checkRate(*rate); ok {
			v.years[y.i] = *rate
		} else {
			l.errAt(p, "", "%s", msg)
		}
	}
}

// checkLevers checks the levers' names and impacts.
func (l *scenarioLoad) checkLevers(levers []leverRef, v *scenarioValues) {
	for _, lv := range levers {
		p := []any{"drivers", lv.name}
		switch impact := l.sf.Drivers[lv.name]; {
		case lv.i < 0:
			l.errAtKey(p, leverHint(l.ds, lv.name), "unknown lever %q", lv.name)
		case math.IsNaN(impact) || math.Abs(impact) > MaxLeverImpact:
			l.errAt(p, "", "lever impact %v pp is out of range (at most %g either way)", impact, MaxLeverImpact)
		default:
			v.levers[lv.i] = impact
		}
	}
}

// leverHint helps with an unknown lever's name.
func leverHint(ds *Dataset, name string) string {
	if len(ds.Levers) == 0 {
		return "the dataset has no drivers, challenges or opportunities"
	}
	names := make([]string, len(ds.Levers))
	for i, l := range ds.Levers {
		names[i] = l.Name
	}
	return hintAmong(name, names, "levers are the dataset's drivers, challenges and opportunities: ")
}

// checkWindow checks cagr_window: the whole forecast is no window.
func (l *scenarioLoad) checkWindow(v *scenarioValues) {
	w := l.sf.CAGRWindow
	if w == nil {
		return
	}
	if len(w) != 2 {
		l.errAt([]any{"cagr_window"}, "write it as [2021, 2027]", "cagr_window has %d years; it takes two, [from, to]", len(w))
	} else if win := (Window{From: w[0], To: w[1]}); win.From == l.ds.BaseYear && win.To == l.ds.EndYear {
		v.window = &Window{}
	} else if msg, ok := l.ds.checkWindow(win); !ok {
		l.errAt([]any{"cagr_window"}, "", "%s", msg)
	} else {
		v.window = &win
	}
}

// checkSegments checks each segment override: its path, rate, share and
// range.
func (l *scenarioLoad) checkSegments(segs []segmentRef, v *scenarioValues) {
	for _, sr := range segs {
		o := l.sf.Segments[sr.path]
		p := []any{"segments", sr.path}
		if sr.n < 0 {
			l.errAtKey(p, pathHint(l.ds, sr.path), "unknown segment path %q", sr.path)
			continue
		}
		n := sr.n
		v.pathOf[n] = sr.path
		if o.CAGRPct != nil {
			if msg, ok := checkRate(*o.CAGRPct); ok {
				v.growth[n] = *o.CAGRPct
			} else {
				l.errAt(append(p, "cagr_pct"), "", "%s", msg)
			}
		}
		if o.SharePct != nil {
			if msg, ok := checkShare(*o.SharePct); ok {
				v.shares[n] = *o.SharePct
			} else {
				l.errAt(append(p, "share_pct"), "", "%s", msg)
			}
		}
		if o.CAGRRangePct != nil {
			if rg, msg, ok := checkRange(o.CAGRRangePct); ok {
				v.ranges[n] = rg
			} else {
				l.errAt(append(p, "cagr_range_pct"), "", "%s", msg)
			}
		}
		if o.Locked != nil {
			v.locked[n] = *o.Locked
			v.lockedOnly[n] = *o.Locked && o.SharePct == nil
		}
		l.checkRangeHolds(p, n, v)
		l.checkPath(p, n, o.GrowthByYearPct, v)
	}
}

// build is the last phase: the dataset's own assumptions with the values
// that passed set over them, and named shares spread over their siblings.
func (l *scenarioLoad) build(r *scenarioRefs, v *scenarioValues) Assumptions {
	a := l.ds.Base()
	a.Mode = r.mode
	if l.sf.Driver != "" {
		a.Driver = max(r.driver, 0)
	}
	for n, g := range v.growth {
		a.Growth[n] = g
	}
	for n, rg := range v.ranges {
		a.Ranges[n] = rg
	}
	for i, y := range v.years {
		a.YearGrowth[i] = y
	}
	for i, impact := range v.levers {
		a.Drivers[i] = impact
	}
	if v.window != nil {
		a.Window = *v.window
	}
	for n, locked := range v.locked {
		a.Locked[n] = locked
	}
	for gi := range l.ds.Groups {
		l.spreadShares(&a, gi, v)
	}
	l.buildMore(&a, v)
	return a
}

// spreadShares sets the shares named in group gi, and spreads what is
// left over the siblings not named in proportion to their shares; named
// shares that add up past 100, or short of it with every sibling named,
// are an error.
func (l *scenarioLoad) spreadShares(a *Assumptions, gi int, v *scenarioValues) {
	g := l.ds.Groups[gi]
	named := v.shares
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
		return
	}
	// A locked share keeps its value: it does not absorb the changes
	// of the siblings the scenario names, exactly as in the dashboard.
	for i := 0; i < len(free); {
		if m := free[i]; v.lockedOnly[m] {
			named[m] = a.Share[m]
			sumNamed += a.Share[m]
			sumFree -= a.Share[m]
			free = slices.Delete(free, i, i+1)
			continue
		}
		i++
	}
	if !l.checkShareSum(g, gi, sumNamed, len(free), v) {
		return
	}
	for _, m := range g.Members {
		if s, ok := named[m]; ok {
			a.Share[m] = s
			a.ShareSet[m] = !v.lockedOnly[m]
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

// checkShareSum reports the named shares of group g that add up past
// 100, or short of it when free (the siblings not named) is 0, at the
// first share named.
func (l *scenarioLoad) checkShareSum(g Group, gi int, sumNamed float64, free int, v *scenarioValues) bool {
	ds := l.ds
	first := v.pathOf[g.Members[slices.IndexFunc(g.Members, func(m int) bool { _, ok := v.shares[m]; return ok })]]
	owner := groupName(ds, gi)
	var parts []string
	for _, m := range g.Members {
		if s, ok := v.shares[m]; ok {
			parts = append(parts, ds.Nodes[m].Name+" "+fmtPct(s))
		}
	}
	switch {
	case sumNamed > 100+ShareEpsilon:
		l.errAt([]any{"segments", first, "share_pct"}, "named shares of one set of siblings can add up to 100 at most",
			"shares named under %s add up to %s: %s", owner, fmtPct(sumNamed), joinSome(parts, " + "))
		return false
	case free == 0 && math.Abs(sumNamed-100) > ShareEpsilon:
		l.errAt([]any{"segments", first, "share_pct"}, "when every sibling is named, their shares must add up to 100",
			"shares named under %s add up to %s, not 100: %s", owner, fmtPct(sumNamed), joinSome(parts, " + "))
		return false
	}
	return true
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
		// A dimension's name, or a path under a dimension the dataset
		// lacks: say so, not "no segment", and list the dimensions.
		dim, _, nested := strings.Cut(path, "/")
		di, err := d.ResolveDimension(dim)
		switch {
		case err != nil && nested:
			return 0, err
		case err == nil && !nested:
			return 0, fmt.Errorf("%q is a dimension, not a segment (give one of its segments, such as %q)", path, d.Nodes[d.Dims[di].Top[0]].Path)
		}
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

// ResolveDimension returns the index of the dimension a person names,
// in any case; an unknown name is an error that lists the dimensions.
func (d *Dataset) ResolveDimension(name string) (int, error) {
	if i := slices.IndexFunc(d.Dims, func(x Dimension) bool { return x.Name == name }); i >= 0 {
		return i, nil
	}
	if i := slices.IndexFunc(d.Dims, func(x Dimension) bool { return strings.EqualFold(x.Name, name) }); i >= 0 {
		return i, nil
	}
	return 0, fmt.Errorf("no dimension %q (%s)", name, hintAmong(name, dimList(d), "dimensions are "))
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

func dimNames(ds *Dataset) string { return joinSome(dimList(ds), ", ") }

func dimHint(ds *Dataset, s string) string { return hintAmong(s, dimList(ds), "dimensions are ") }

func dimList(ds *Dataset) []string {
	names := make([]string, len(ds.Dims))
	for i, d := range ds.Dims {
		names[i] = d.Name
	}
	return names
}

// hintAmong helps with an unknown name: the one of names it is close
// to, or else every one of them after intro.
func hintAmong(s string, names []string, intro string) string {
	if m := suggest(s, names); m != "" {
		return fmt.Sprintf("did you mean %q?", m)
	}
	return intro + joinSome(names, ", ")
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
	if t := d.baseValueText(&a); t != "" {
		tot = append(tot, t)
	}
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
		if t := d.pathText(a.PathOf(n)); t != "" {
			parts = append(parts, t)
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
