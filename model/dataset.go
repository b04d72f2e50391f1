package model

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Limits of the dataset format (docs/DESIGN.md §3).
const (
	MinRate      = -100.0 // rates must be strictly greater
	MaxRate      = 1000.0 // rates must be strictly smaller
	MaxYears     = 50     // end_year - base_year
	MaxValueBn   = 1e9    // a base-year value, in the dataset's unit: keeps every projected value finite
	ShareEpsilon = 0.05   // sibling shares must add up to 100 within this
)

// TotalName names the whole market: its node's name and path, and the
// dimension and segment of its rows in exports. No dimension may take it,
// in any case.
const TotalName = "Total"

// Field names a figure can carry; used in `reported` and `notes`.
const (
	FieldShare        = "share_pct"
	FieldValue        = "value_bn"
	FieldCAGR         = "cagr_pct"
	FieldGrowthByYear = "growth_by_year_pct"
)

// The file format, as decoded. Pointers tell a missing figure from a zero.
type datasetFile struct {
	Market     string          `yaml:"market"`
	Currency   string          `yaml:"currency"`
	Unit       string          `yaml:"unit"`
	Source     string          `yaml:"source"`
	BaseYear   int             `yaml:"base_year"`
	EndYear    int             `yaml:"end_year"`
	Total      *totalFile      `yaml:"total"`
	Dimensions []dimensionFile `yaml:"dimensions"`
	Context    *contextFile    `yaml:"context"`
}

type totalFile struct {
	Value           *float64          `yaml:"value"`
	ValueBn         *float64          `yaml:"value_bn"`
	CAGRPct         *float64          `yaml:"cagr_pct"`
	GrowthByYearPct map[int]float64   `yaml:"growth_by_year_pct"`
	Reported        []string          `yaml:"reported"`
	Notes           map[string]string `yaml:"notes"`
}

type dimensionFile struct {
	Name     string        `yaml:"name"`
	Segments []segmentFile `yaml:"segments"`
}

type segmentFile struct {
	Name     string            `yaml:"name"`
	SharePct *float64          `yaml:"share_pct"`
	Value    *float64          `yaml:"value"`
	ValueBn  *float64          `yaml:"value_bn"`
	CAGRPct  *float64          `yaml:"cagr_pct"`
	Reported []string          `yaml:"reported"`
	Notes    map[string]string `yaml:"notes"`
	Segments []segmentFile     `yaml:"segments"`
}

type contextFile struct {
	Summary       string   `yaml:"summary"`
	Drivers       []string `yaml:"drivers"`
	Challenges    []string `yaml:"challenges"`
	Opportunities []string `yaml:"opportunities"`
	KeyPlayers    []string `yaml:"key_players"`
}

var datasetKeys = []string{
	"market", "currency", "unit", "source", "base_year", "end_year", "total", "dimensions", "context",
	"value", "value_bn", "cagr_pct", "growth_by_year_pct", "reported", "notes", "name", "segments", "share_pct",
	"summary", "drivers", "challenges", "opportunities", "key_players",
}

// Context is the report's qualitative material: what drives the market,
// what holds it back, and who the players are.
type Context struct {
	Summary       string
	Drivers       []string
	Challenges    []string
	Opportunities []string
	KeyPlayers    []string
}

// Node is one row of the market tree: the Total (always node 0), a
// top-level segment of a dimension, or a child of such a segment.
type Node struct {
	Name     string
	Path     string // "Dimension/Segment[/Child]"; "Total" for the total
	Dim      int    // index into Dataset.Dims; -1 for the total
	Parent   int    // node index; -1 for the total, 0 for top-level segments
	Group    int    // index into Dataset.Groups of its sibling set; -1 for the total
	Depth    int    // 0 total, 1 top-level segment, 2 child
	Children []int  // node indices, in dataset order

	// Reported lists the figures (FieldShare, FieldValue, FieldCAGR, ...)
	// the report states; every other figure is an estimate.
	Reported []string
	// Notes gives the rationale of a figure, keyed by field name.
	Notes map[string]string
	// InputValueBn is the base-year value given in the file (NaN when the
	// node was given as a share).
	InputValueBn float64
}

// IsReported reports whether the report itself states the field's figure.
func (n *Node) IsReported(field string) bool { return slices.Contains(n.Reported, field) }

// IsLeaf reports whether the node has no children.
func (n *Node) IsLeaf() bool { return len(n.Children) == 0 }

// Group is a set of siblings whose shares add up to 100 % of Parent.
type Group struct {
	Parent  int
	Dim     int
	Members []int
}

// Lever is one of the report's drivers, challenges and opportunities,
// which a scenario may give an impact on the market's growth.
type Lever struct {
	Name string
	Kind string // "driver", "challenge" or "opportunity"
}

// Dimension is one way of cutting the market (Component, Region, ...).
type Dimension struct {
	Name  string
	Top   []int // node indices of its top-level segments
	Group int   // the group of its top-level segments
}

// Dataset is a validated, read-only market: the tree, the base-year figures
// and the report's context. It is shared by every session and never
// mutated after Load; all editable state lives in Assumptions.
type Dataset struct {
	File     string
	Market   string
	Currency string
	Unit     string
	// ValueKey is the name the file gives base-year values: "value" (in
	// the dataset's own currency and unit) or "value_bn", its older name,
	// as the total writes it. Exports and messages use it for FieldValue.
	ValueKey string
	Source   string
	BaseYear int
	EndYear  int
	Nodes    []Node
	Groups   []Group
	Dims     []Dimension
	Context  Context
	// Levers are the context's drivers, challenges and opportunities, in
	// that order; Assumptions.Drivers gives each its impact.
	Levers []Lever

	base   Assumptions
	byPath map[string]int
}

// Years returns the number of years projected, base year included.
func (d *Dataset) Years() int { return d.EndYear - d.BaseYear + 1 }

// Base returns the dataset's own assumptions (the report's Base scenario).
func (d *Dataset) Base() Assumptions { return d.base.Clone() }

// Lookup returns the node index of a path such as "Region/North America".
func (d *Dataset) Lookup(path string) (int, bool) {
	i, ok := d.byPath[path]
	return i, ok
}

// Paths lists every segment path in dataset order, for suggestions.
func (d *Dataset) Paths() []string {
	out := make([]string, 0, len(d.Nodes)-1)
	for _, n := range d.Nodes[1:] {
		out = append(out, n.Path)
	}
	return out
}

// LoadDataset parses and validates a dataset file (YAML or JSON). file is
// the name used in error messages. Every problem found is returned, as an
// ErrorList of FILE:LINE:COL errors.
func LoadDataset(file string, data []byte) (*Dataset, error) {
	var df datasetFile
	src, err := parseFile(file, data, &df, datasetKeys)
	if err != nil {
		return nil, err
	}
	v := &datasetValidator{src: src, f: &df}
	ds := v.build()
	if len(v.errs) > 0 {
		sortErrors(v.errs)
		return nil, v.errs
	}
	return ds, nil
}

func sortErrors(l ErrorList) {
	slices.SortStableFunc(l, func(a, b *Error) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
}

type datasetValidator struct {
	src  *source
	f    *datasetFile
	errs ErrorList
}

func (v *datasetValidator) errAt(path []any, hint, format string, args ...any) {
	v.errs = append(v.errs, v.src.at(path, fmt.Sprintf(format, args...), hint))
}

// build checks the decoded file and builds the dataset from it: the
// header, the context and its levers, the years, the total, then each
// dimension's segments. Every problem goes to v.errs.
func (v *datasetValidator) build() *Dataset {
	f := v.f
	ds := &Dataset{
		File: v.src.file, Market: f.Market, Currency: f.Currency, Unit: f.Unit, Source: f.Source,
		BaseYear: f.BaseYear, EndYear: f.EndYear, byPath: map[string]int{},
	}
	if ds.Currency == "" {
		ds.Currency = "USD"
	}
	if ds.Unit == "" {
		ds.Unit = "billion"
	}
	v.checkText([]any{"market"}, "market", f.Market, true)
	v.checkFree([]any{"source"}, "source", f.Source)
	v.checkText([]any{"currency"}, "currency", f.Currency, false)
	v.checkText([]any{"unit"}, "unit", f.Unit, false)
	v.addContext(ds)
	yearsOK := v.checkYears()
	base := Assumptions{Mode: TopDown}
	totalValue := v.addTotal(ds, &base)
	if yearsOK {
		v.addYearGrowth(&base)
	}
	if len(f.Dimensions) == 0 {
		v.errAt(nil, "add at least one dimension with segments", "missing or empty key \"dimensions\"")
	}
	dimNames := map[string]int{}
	for di := range f.Dimensions {
		v.addDimension(ds, &base, di, dimNames, totalValue)
	}
	base.Drivers = make([]float64, len(ds.Levers))
	base.BaseValue = totalValue
	ds.base = base
	return ds
}

// addContext checks the report's context and makes its drivers,
// challenges and opportunities the dataset's levers.
func (v *datasetValidator) addContext(ds *Dataset) {
	c := v.f.Context
	if c == nil {
		return
	}
	v.checkFree([]any{"context", "summary"}, "summary", c.Summary)
	seen := map[string]bool{}
	for _, list := range []struct {
		key, kind string
		items     []string
	}{{"drivers", "driver", c.Drivers}, {"challenges", "challenge", c.Challenges}, {"opportunities", "opportunity", c.Opportunities}, {"key_players", "", c.KeyPlayers}} {
		for i, item := range list.items {
			p := []any{"context", list.key, i}
			if list.kind == "" {
				v.checkFree(p, list.key+" entry", item)
				continue
			}
			// A lever is named in scenarios and workbooks and shown as a
			// label: two that look alike ("Growth" and "Growth" with a
			// zero-width space) would be two levers the user cannot tell
			// apart, so it follows the rules of names.
			if msg, ok := checkLabel(list.kind+" name", item, true); !ok {
				v.errAt(p, "", "%s", msg)
				continue
			}
			// A scenario gives a lever its impact by name.
			if seen[item] {
				v.errAt(p, "a scenario names a lever to give it an impact", "%q is listed twice among the drivers, challenges and opportunities", item)
			}
			seen[item] = true
			ds.Levers = append(ds.Levers, Lever{Name: item, Kind: list.kind})
		}
	}
	ds.Context = Context{Summary: c.Summary, Drivers: c.Drivers,
		Challenges: c.Challenges, Opportunities: c.Opportunities, KeyPlayers: c.KeyPlayers}
}

// checkYears checks base_year and end_year, and reports whether the
// forecast years are usable.
func (v *datasetValidator) checkYears() bool {
	f := v.f
	switch {
	case !v.src.hasKey(nil, "base_year"):
		v.errAt(nil, "add e.g. base_year: 2019", "missing key \"base_year\"")
	case !v.src.hasKey(nil, "end_year"):
		v.errAt(nil, "add e.g. end_year: 2027", "missing key \"end_year\"")
	case f.BaseYear < 1900 || f.BaseYear > 2200:
		v.errAt([]any{"base_year"}, "", "base_year %d is not a plausible year (1900–2200)", f.BaseYear)
	case f.EndYear <= f.BaseYear:
		v.errAt([]any{"end_year"}, "end_year must come after base_year", "end_year %d is not after base_year %d", f.EndYear, f.BaseYear)
	case f.EndYear-f.BaseYear > MaxYears:
		v.errAt([]any{"end_year"}, "", "forecast spans %d years; at most %d are allowed", f.EndYear-f.BaseYear, MaxYears)
	default:
		return true
	}
	return false
}

// addTotal checks the total and adds it as node 0, with the market's
// CAGR in base. It returns the total's base-year value (0 when it has
// none that is valid).
func (v *datasetValidator) addTotal(ds *Dataset, base *Assumptions) float64 {
	total := Node{Name: TotalName, Path: TotalName, Dim: -1, Parent: -1, Group: -1, InputValueBn: math.NaN()}
	var totalValue float64
	ds.ValueKey = "value"
	if t := v.f.Total; t == nil {
		v.errAt(nil, "add a total: block with value and cagr_pct", "missing key \"total\"")
	} else {
		tp := []any{"total"}
		value, key := v.pickValue(tp, t.Value, t.ValueBn)
		ds.ValueKey = key
		if value == nil {
			v.errAt(tp, "write e.g. value: 51.2, in the dataset's currency and unit", "total: missing key \"value\" (the market's base-year value)")
		} else if v.checkValue(append(tp, key), *value) {
			totalValue = *value
			total.InputValueBn = totalValue
			if totalValue == 0 {
				v.errAt(append(tp, key), "", "total %s must be greater than 0", key)
			}
		}
		if t.CAGRPct == nil {
			v.errAt(tp, "", "total: missing key \"cagr_pct\"")
		} else {
			v.checkRate(append(tp, "cagr_pct"), *t.CAGRPct)
		}
		total.Reported = v.checkReported(tp, t.Reported, key, map[string]bool{FieldValue: true, FieldCAGR: true, FieldGrowthByYear: len(t.GrowthByYearPct) > 0})
		total.Notes = v.checkNotes(tp, t.Notes, key, []string{FieldValue, FieldCAGR, FieldGrowthByYear})
	}
	ds.Nodes = append(ds.Nodes, total)
	if t := v.f.Total; t != nil && t.CAGRPct != nil {
		base.growthTotal(*t.CAGRPct)
	} else {
		base.growthTotal(0)
	}
	return totalValue
}

// addYearGrowth checks the total's year rates and sets them in base; a
// year without one is NaN (it grows at the market's CAGR).
func (v *datasetValidator) addYearGrowth(base *Assumptions) {
	f := v.f
	base.YearGrowth = make([]float64, f.EndYear-f.BaseYear)
	for i := range base.YearGrowth {
		base.YearGrowth[i] = math.NaN()
	}
	if f.Total == nil {
		return
	}
	for _, y := range sortedKeys(f.Total.GrowthByYearPct) {
		p := []any{"total", FieldGrowthByYear, strconv.Itoa(y)}
		if y <= f.BaseYear || y > f.EndYear {
			v.errs = append(v.errs, v.src.atKey(p, fmt.Sprintf("growth year %d is outside the forecast years %d–%d", y, f.BaseYear+1, f.EndYear),
				"growth applies to the years after base_year"))
			continue
		}
		r := f.Total.GrowthByYearPct[y]
		if v.checkRate(p, r) {
			base.YearGrowth[y-f.BaseYear-1] = r
		}
	}
}

// addDimension checks dimension di's name (dimNames holds those seen so
// far) and adds it with its segments.
func (v *datasetValidator) addDimension(ds *Dataset, base *Assumptions, di int, dimNames map[string]int, totalValue float64) {
	dim := v.f.Dimensions[di]
	dp := []any{"dimensions", di}
	if v.checkName(append(dp, "name"), dim.Name) {
		if strings.EqualFold(dim.Name, TotalName) {
			// CSV rows key on dimension and segment, and a segment
			// "Total" of a dimension "Total" would repeat the market's
			// own Total rows; spreadsheet lookups ignore case.
			v.errAt(append(dp, "name"), "exports and --node name the whole market Total: call the dimension something else, such as Overall",
				"dimension %q has the name of the market's Total", dim.Name)
		}
		if prev, dup := dimNames[dim.Name]; dup {
			v.errAt(append(dp, "name"), "", "dimension %q is already defined (dimension %d)", dim.Name, prev+1)
		}
		dimNames[dim.Name] = di
	}
	gi := len(ds.Groups)
	ds.Groups = append(ds.Groups, Group{Parent: 0, Dim: di})
	ds.Dims = append(ds.Dims, Dimension{Name: dim.Name, Group: gi})
	if len(dim.Segments) == 0 {
		v.errAt(dp, "", "dimension %q has no segments", dim.Name)
		return
	}
	sib := siblings{path: append(dp, "segments"), parent: 0, dim: di, group: gi, parentPath: dim.Name, totalValue: totalValue}
	ds.Dims[di].Top = v.addSegments(ds, base, dim.Segments, sib)
}

// siblings is where a set of sibling segments goes: its list in the
// file, and its parent, dimension and group in the tree. totalValue is
// the total's base-year value, which top-level values are shares of (0
// below the top level).
type siblings struct {
	path               []any
	parent, dim, group int
	parentPath         string
	totalValue         float64
}

// addSegments adds one set of siblings (and, recursively, their children)
// and checks that their shares add up to 100.
func (v *datasetValidator) addSegments(ds *Dataset, base *Assumptions, segs []segmentFile, sib siblings) []int {
	ids := make([]int, 0, len(segs))
	names := map[string]int{}
	sum := 0.0
	sharesOK := true
	for si := range segs {
		id, share, ok := v.addSegment(ds, base, segs, si, sib, names)
		ids = append(ids, id)
		sum += share
		sharesOK = sharesOK && ok
	}
	if sharesOK && len(segs) > 0 && math.Abs(sum-100) > ShareEpsilon {
		parts := make([]string, len(segs))
		for i, id := range ids {
			parts[i] = fmt.Sprintf("%s %s", ds.Nodes[id].Name, fmtPct(base.Share[id]))
		}
		owner := ds.Nodes[sib.parent].Path
		if sib.parent == 0 {
			owner = sib.parentPath
		}
		v.errAt(sib.path, "shares of one set of siblings must add up to 100",
			"shares under %s add up to %s, not 100: %s", owner, fmtPct(sum), joinSome(parts, " + "))
	}
	if sharesOK && sum > 0 {
		normalizeShares(ds, base, ids, sum)
	}
	depth := ds.Nodes[sib.parent].Depth + 1
	for si, s := range segs {
		if len(s.Segments) == 0 {
			continue
		}
		id := ids[si]
		if depth >= 2 {
			v.errAt(append(slices.Clone(sib.path), si, "segments"), "", "segments nest at most two levels (segment and sub-segment)")
			continue
		}
		gi := len(ds.Groups)
		ds.Groups = append(ds.Groups, Group{Parent: id, Dim: sib.dim})
		v.addSegments(ds, base, s.Segments, siblings{path: append(slices.Clone(sib.path), si, "segments"),
			parent: id, dim: sib.dim, group: gi, parentPath: ds.Nodes[id].Path})
	}
	return ids
}

// addSegment checks segment si of segs (names holds its siblings' names
// so far) and adds it as a node. It returns the node, its share of its
// parent, and whether that share is known.
func (v *datasetValidator) addSegment(ds *Dataset, base *Assumptions, segs []segmentFile, si int, sib siblings, names map[string]int) (int, float64, bool) {
	s := &segs[si]
	sp := append(slices.Clone(sib.path), si)
	id := len(ds.Nodes)
	depth := ds.Nodes[sib.parent].Depth + 1
	n := Node{Name: s.Name, Dim: sib.dim, Parent: sib.parent, Group: sib.group, Depth: depth, InputValueBn: math.NaN()}
	if v.checkName(append(slices.Clone(sp), "name"), s.Name) {
		if prev, dup := names[s.Name]; dup {
			v.errAt(append(slices.Clone(sp), "name"), "names must be unique among siblings", "segment %q is already defined (segment %d of this list)", s.Name, prev+1)
		}
		names[s.Name] = si
	}
	n.Path = sib.parentPath + "/" + s.Name
	share, value, key, sharesOK := v.segmentShare(s, sp, depth, sib.totalValue, &n)
	cagr := 0.0
	if s.CAGRPct == nil {
		v.errAt(sp, "add cagr_pct, the segment's yearly growth in percent", "segment %q has no cagr_pct", s.Name)
	} else if v.checkRate(append(slices.Clone(sp), "cagr_pct"), *s.CAGRPct) {
		cagr = *s.CAGRPct
	}
	n.Reported = v.checkReported(sp, s.Reported, key, map[string]bool{FieldShare: s.SharePct != nil, FieldValue: value != nil, FieldCAGR: s.CAGRPct != nil})
	n.Notes = v.checkNotes(sp, s.Notes, key, []string{FieldShare, FieldValue, FieldCAGR})
	if _, dup := ds.byPath[n.Path]; !dup {
		ds.byPath[n.Path] = id
	}
	ds.Nodes = append(ds.Nodes, n)
	if sib.parent != 0 {
		// The total's segments are listed per dimension (Dims[].Top).
		ds.Nodes[sib.parent].Children = append(ds.Nodes[sib.parent].Children, id)
	}
	base.Growth = append(base.Growth, cagr)
	base.Share = append(base.Share, share)
	base.Locked = append(base.Locked, false)
	base.ShareSet = append(base.ShareSet, false)
	base.Ranges = append(base.Ranges, unsetRange)
	ds.Groups[sib.group].Members = append(ds.Groups[sib.group].Members, id)
	return id, share, sharesOK
}

// segmentShare checks how segment s gives its size: a share_pct of its
// parent, or at the top level a value, which is a share of totalValue
// (and is set as n's InputValueBn). It returns the share, the value and
// the value's key, and whether the share is known.
func (v *datasetValidator) segmentShare(s *segmentFile, sp []any, depth int, totalValue float64, n *Node) (float64, *float64, string, bool) {
	share := 0.0
	value, key := v.pickValue(sp, s.Value, s.ValueBn)
	switch {
	case s.SharePct != nil && value != nil:
		v.errAt(append(slices.Clone(sp), key), "keep one of them", "segment %q has both share_pct and %s", s.Name, key)
		return share, value, key, false
	case value != nil && depth > 1:
		v.errAt(append(slices.Clone(sp), key), "give sub-segments as share_pct of their parent", "%s is only allowed on top-level segments", key)
		return share, value, key, false
	case value != nil:
		if !(v.checkValue(append(slices.Clone(sp), key), *value) && totalValue > 0) {
			return share, value, key, false
		}
		n.InputValueBn = *value
		share = *value / totalValue * 100
		if share > 100+ShareEpsilon {
			v.errAt(append(slices.Clone(sp), key), "", "segment %q %s %g exceeds the total's %g", s.Name, key, *value, totalValue)
		}
	case s.SharePct != nil:
		if !v.checkShare(append(slices.Clone(sp), "share_pct"), *s.SharePct) {
			return share, value, key, false
		}
		share = *s.SharePct
	default:
		hint := "add share_pct, its percent of the parent"
		if depth == 1 {
			hint = "add share_pct, its percent of the total, or value, in the dataset's currency and unit"
		}
		v.errAt(sp, hint, "segment %q has no share_pct", s.Name)
		return share, value, key, false
	}
	return share, value, key, true
}

// normalizeShares scales the shares of siblings ids, which add up to sum
// (within ±0.05 of 100), so every year adds up exactly: through the
// siblings given as shares, so that a value the file gives in money (and
// may mark reported) stays the value it gives; through all of them when
// that cannot work.
func normalizeShares(ds *Dataset, base *Assumptions, ids []int, sum float64) {
	var fromValues, fromShares float64
	for _, id := range ids {
		if math.IsNaN(ds.Nodes[id].InputValueBn) {
			fromShares += base.Share[id]
		} else {
			fromValues += base.Share[id]
		}
	}
	if k := (100 - fromValues) / fromShares; fromShares > 0 && fromValues < 100 && k > 0 {
		for _, id := range ids {
			if math.IsNaN(ds.Nodes[id].InputValueBn) {
				base.Share[id] *= k
			}
		}
	} else {
		for _, id := range ids {
			base.Share[id] = base.Share[id] / sum * 100
		}
	}
}

// fmtPct writes a percentage for a message, rounded to six decimals so
// that a share derived from a value reads 13.9 %, not 13.900000000000002 %.
func fmtPct(x float64) string {
	return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64) + " %"
}

// joinSome joins the first few items of a list for a message, and says
// how many more there are: a dataset with 15,000 siblings must not make a
// message of 244 KB.
func joinSome(items []string, sep string) string {
	const show = 8
	if len(items) <= show {
		return strings.Join(items, sep)
	}
	return strings.Join(items[:show], sep) + fmt.Sprintf("%s… (%d more)", sep, len(items)-show)
}

// checkText checks a label the dataset gives (market, currency, unit).
func (v *datasetValidator) checkText(path []any, key, s string, required bool) {
	if !required && s == "" {
		return
	}
	if msg, ok := checkLabel(key, s, true); !ok {
		v.errAt(path, "", "%s", msg)
	}
}

// checkFree checks free text (source, context items).
func (v *datasetValidator) checkFree(path []any, what, s string) {
	if msg, ok := checkFreeText(what, s, false); !ok {
		v.errAt(path, "", "%s", msg)
	}
}

func (v *datasetValidator) checkName(path []any, name string) bool {
	if msg, ok := checkName(name); !ok {
		v.errAt(path, "", "%s", msg)
		return false
	}
	return true
}

func (v *datasetValidator) checkRate(path []any, r float64) bool {
	if msg, ok := checkRate(r); !ok {
		v.errAt(path, "growth rates are percent per year, e.g. 18.5", "%s", msg)
		return false
	}
	return true
}

// checkRate applies the growth-rate bounds shared by datasets, scenarios
// and edits.
func checkRate(r float64) (string, bool) {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return fmt.Sprintf("growth rate %v is not a finite number", r), false
	case r <= MinRate || r >= MaxRate:
		return fmt.Sprintf("growth rate %g %% is out of range: above %g and below %g", r, MinRate, MaxRate), false
	}
	return "", true
}

func (v *datasetValidator) checkShare(path []any, s float64) bool {
	if msg, ok := checkShare(s); !ok {
		v.errAt(path, "shares are percent of the parent, 0 to 100", "%s", msg)
		return false
	}
	return true
}

func checkShare(s float64) (string, bool) {
	switch {
	case math.IsNaN(s) || math.IsInf(s, 0):
		return fmt.Sprintf("share %v is not a finite number", s), false
	case s < 0 || s > 100:
		return fmt.Sprintf("share %g %% is out of range 0–100", s), false
	}
	return "", true
}

func (v *datasetValidator) checkValue(path []any, x float64) bool {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		v.errAt(path, "", "value %v is not a finite number", x)
	case x < 0:
		v.errAt(path, "market values cannot be negative", "value %g is negative", x)
	case x > MaxValueBn:
		v.errAt(path, "values are at most 1e9 in the dataset's unit: give them in a larger unit, such as billion for million", "value %g is implausibly large (limit %g)", x, MaxValueBn)
	default:
		return true
	}
	return false
}

// checkReported validates the `reported` list: known fields that the node
// actually has, each named once.
func (v *datasetValidator) checkReported(path []any, rep []string, valueKey string, present map[string]bool) []string {
	seen := map[string]bool{}
	var fields []string
	for k := range present {
		fields = append(fields, fileField(k, valueKey))
	}
	slices.Sort(fields)
	out := make([]string, 0, len(rep))
	for i, r := range rep {
		p := append(slices.Clone(path), "reported", i)
		f := modelField(r)
		has, known := present[f]
		switch {
		case !known:
			hint := "list field names such as " + strings.Join(fields, ", ")
			if s := suggest(r, fields); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			v.errAt(p, hint, "reported: %q is not a figure of this entry", r)
		case !has:
			v.errAt(p, "", "reported: %q is listed but not given", r)
		case seen[f]:
			v.errAt(p, "", "reported: %q is listed twice", r)
		}
		seen[f] = true
		out = append(out, f)
	}
	return out
}

// pickValue returns a node's base-year value and the key it is written
// under: value, or value_bn, its older name. Both at once is an error.
func (v *datasetValidator) pickValue(path []any, value, valueBn *float64) (*float64, string) {
	switch {
	case value != nil && valueBn != nil:
		v.errAt(append(slices.Clone(path), "value_bn"), "keep value: value_bn is its older name", "both value and value_bn are given")
		return value, "value"
	case valueBn != nil:
		return valueBn, "value_bn"
	}
	return value, "value"
}

// modelField is the field a file's name stands for in reported and notes:
// value and value_bn are both FieldValue.
func modelField(name string) string {
	if name == "value" {
		return FieldValue
	}
	return name
}

// fileField is the name a file uses for field, given its value key.
func fileField(field, valueKey string) string {
	if field == FieldValue {
		return valueKey
	}
	return field
}

func (v *datasetValidator) checkNotes(path []any, notes map[string]string, valueKey string, fields []string) map[string]string {
	keys := make([]string, 0, len(notes))
	for k := range notes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = fileField(f, valueKey)
	}
	out := make(map[string]string, len(notes))
	for _, k := range keys {
		p := append(slices.Clone(path), "notes", k)
		f := modelField(k)
		if !slices.Contains(fields, f) {
			hint := "notes are keyed by figure: " + strings.Join(names, ", ")
			if s := suggest(k, names); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			v.errs = append(v.errs, v.src.atKey(p, fmt.Sprintf("notes: %q is not a figure of this entry", k), hint))
		} else if msg, ok := checkFreeText("note", notes[k], false); !ok {
			v.errAt(p, "", "%s", msg)
		}
		out[f] = notes[k]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
