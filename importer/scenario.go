package importer

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"iomt/model"
)

// A workbook iomt exported (export/xlsx.go) holds a scenario's every
// assumption on its Inputs sheet: a column of paths ("Total/cagr_pct",
// "Region/Europe/share_pct", "Levers/…") beside a column of values, and
// what was fixed at export (market, scenario, mode, driver, years, CAGR
// window) beside them. A partner edits the values in Excel or
// LibreOffice; this reads them back. Columns are found by their headers,
// so a column the partner inserted moves nothing.

// Workbook is the Inputs sheet of an exported workbook, as read.
type Workbook struct {
	File string
	// What the workbook says was fixed at export.
	Market, Scenario, Mode, Driver, Years, Window string

	t      *Table
	inputs []input
	info   map[string]cellRef // label → the cell of its value
}

// input is one row of Inputs: a path and the cell of its value.
type input struct {
	path  string
	ri    int // row index in t.Rows
	col   int // the value's column
	empty bool
}

// InputsSheet is the sheet of an exported workbook that holds its
// assumptions.
const InputsSheet = "Inputs"

// ReadWorkbook reads the Inputs sheet of the workbook at path (bounded
// as ReadTable bounds a workbook).
func ReadWorkbook(path string) (*Workbook, error) {
	t, err := ReadTable(path, InputsSheet)
	if err != nil {
		var ps Problems
		if errors.As(err, &ps) && len(ps) == 1 && strings.Contains(ps[0].Msg, "no sheet") {
			ps[0].Msg = "no Inputs sheet: not a workbook iomt exported"
			ps[0].Hint = "import the Inputs of a workbook written by iomt export --format xlsx or the x menu; a table of segments is imported with iomt import dataset"
		}
		return nil, err
	}
	if t.Sheet == "" {
		return nil, Problems{{Where: path, Msg: "not an XLSX workbook", Hint: "give the .xlsx workbook iomt exported"}}
	}
	return readInputs(t)
}

// readInputs finds the Inputs sheet's columns by their headers and
// reads its rows.
func readInputs(t *Table) (*Workbook, error) {
	w := &Workbook{File: t.File, t: t, info: map[string]cellRef{}}
	sheet := t.File + ": sheet " + t.Sheet
	head := &t.Rows[0]
	pathCol, valueCol, infoCol := -1, -1, -1
	for ci, c := range head.Cells {
		switch strings.TrimSpace(c.Text) {
		case "Input":
			pathCol = ci
		case "Value":
			valueCol = ci
		case "Fixed at export":
			infoCol = ci
		}
	}
	if head.N != 1 || pathCol < 0 || valueCol < 0 || infoCol < 0 {
		return nil, Problems{{Where: sheet, Msg: "not the Inputs sheet of a workbook iomt exported: row 1 lacks the headers Input, Value and Fixed at export",
			Hint: "import the workbook written by iomt export --format xlsx, with its Inputs sheet as it was"}}
	}
	seen := map[string]int{}
	probs := t.unstored(1, len(t.Rows), []int{pathCol, valueCol, infoCol, infoCol + 1})
	for ri := 1; ri < len(t.Rows); ri++ {
		r := &t.Rows[ri]
		if label := strings.TrimSpace(r.cell(infoCol).Text); label != "" {
			if _, dup := w.info[label]; !dup {
				w.info[label] = cellRef{ri, infoCol + 1}
			}
		}
		p := strings.TrimSpace(r.cell(pathCol).Text)
		v := strings.TrimSpace(r.cell(valueCol).Text)
		switch {
		case p == "" && v == "":
			continue
		case p == "":
			probs = append(probs, &Problem{Where: t.where(cellAt(ri, valueCol)), Msg: "a value in a row without an input in column " + columnName(pathCol),
				Hint: "rows added to Inputs are not read: change the values of the rows iomt wrote"})
			continue
		}
		if prev, dup := seen[p]; dup {
			probs = append(probs, &Problem{Where: t.where(cellAt(ri, pathCol)), Msg: fmt.Sprintf("%s is on row %d already", p, t.Rows[prev].N),
				Hint: "keep one row of each input"})
			continue
		}
		seen[p] = ri
		w.inputs = append(w.inputs, input{path: p, ri: ri, col: valueCol, empty: v == ""})
	}
	if len(probs) > 0 {
		return nil, probs
	}
	for label, dst := range map[string]*string{"Market": &w.Market, "Scenario": &w.Scenario, "Mode": &w.Mode,
		"Driver": &w.Driver, "Years": &w.Years, "CAGR window": &w.Window} {
		if c, ok := w.info[label]; ok {
			*dst = strings.TrimSpace(t.Rows[c.row].cell(c.col).Text)
		}
	}
	return w, nil
}

// years reads "2019–2027".
var yearSpan = regexp.MustCompile(`^(\d{4})\s*[–-]\s*(\d{4})$`)

// Assumptions are the scenario the workbook's inputs make over ds: every
// input checked against the dataset (its market, its years, every row a
// segment, year or lever of it, and none missing), shares scaled within
// each set of siblings to add up to 100 as the workbook's formulas scale
// them.
func (w *Workbook) Assumptions(ds *model.Dataset) (model.Assumptions, error) {
	r, err := w.read(ds)
	if err != nil {
		return model.Assumptions{}, err
	}
	return r.a, nil
}

func (w *Workbook) read(ds *model.Dataset) (*inputsRead, error) {
	r := &inputsRead{w: w, ds: ds, a: ds.Base()}
	if !r.checkFixed() {
		return nil, r.probs
	}
	r.readInputs()
	r.scaleShares()
	if len(r.probs) > 0 {
		return nil, r.probs
	}
	return r, nil
}

// inputsRead is one reading of a workbook's inputs against a dataset.
type inputsRead struct {
	w     *Workbook
	ds    *model.Dataset
	a     model.Assumptions
	probs Problems
	// scaled says which sets of siblings the workbook's shares did not
	// add up to 100 in, and what they added up to.
	scaled []string
	// notes are what a partner should know of how a cell was read.
	notes []string
	// paths are the segments' growth paths as their rows hold them.
	paths map[int][]float64
}

func (r *inputsRead) problem(at cellRef, hint, format string, args ...any) {
	r.probs = append(r.probs, &Problem{Where: r.w.t.where(place{cells: []cellRef{at}}), Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// checkFixed checks what was fixed at export against the dataset, and
// takes the mode, driver and window; false when the workbook is of
// another market or other years, whose rows would each be wrong.
func (r *inputsRead) checkFixed() bool {
	w, ds := r.w, r.ds
	at := func(label string) cellRef { return w.info[label] }
	if w.Market != ds.Market {
		r.problem(at("Market"), "give --dataset the dataset the workbook was exported from",
			"the workbook is of the market %q; the dataset is %q", w.Market, ds.Market)
		return false
	}
	want := fmt.Sprintf("%d–%d", ds.BaseYear, ds.EndYear)
	if m := yearSpan.FindStringSubmatch(w.Years); m == nil || m[1]+"–"+m[2] != want {
		r.problem(at("Years"), "give --dataset the dataset the workbook was exported from",
			"the workbook's years are %q; the dataset's are %s", w.Years, want)
		return false
	}
	mode, ok := model.ParseMode(w.Mode)
	if !ok {
		r.problem(at("Mode"), "the mode is fixed at export: top-down or bottom-up", "unknown mode %q", w.Mode)
		return false
	}
	r.a.Mode = mode
	if mode == model.BottomUp {
		d := slices.IndexFunc(ds.Dims, func(d model.Dimension) bool { return d.Name == w.Driver })
		if d < 0 {
			r.problem(at("Driver"), "the driver is fixed at export: one of the dataset's dimensions", "no dimension %q in the dataset", w.Driver)
			return false
		}
		r.a.Driver = d
	}
	if m := yearSpan.FindStringSubmatch(w.Window); m != nil {
		from, _ := strconv.Atoi(m[1])
		to, _ := strconv.Atoi(m[2])
		if from != ds.BaseYear || to != ds.EndYear {
			r.a.Window = model.Window{From: from, To: to}
		}
	}
	return true
}

// readInputs reads every input row into the assumptions, and says which
// rows the dataset has no place for and which of its places have no row.
// A segment's growth path has a row for every forecast year, or none
// (a segment without a path at export).
func (r *inputsRead) readInputs() {
	ds, w := r.ds, r.w
	want := map[string]bool{"Total/value": true, "Total/cagr_pct": true}
	for y := ds.BaseYear + 1; y <= ds.EndYear; y++ {
		want[fmt.Sprintf("Total/%s/%d", model.FieldGrowthByYear, y)] = true
	}
	for _, l := range ds.Levers {
		want["Levers/"+l.Name] = true
	}
	for _, p := range ds.Paths() {
		want[p+"/"+model.FieldCAGR], want[p+"/"+model.FieldShare] = true, true
	}
	withPath := map[int]bool{}
	for i, in := range w.inputs {
		at := cellRef{in.ri, in.col}
		n, yi, isPath := r.pathYear(in.path)
		switch {
		case isPath && !r.pathFollows(i, n, yi):
			r.problem(cellRef{in.ri, 0}, "give the segment a growth path in iomt, then export again",
				"%s is not an input of the workbook as exported: a segment's growth path has a row for each year right after its share_pct, written by the export", in.path)
			continue
		case isPath:
			withPath[n] = true
		case !want[in.path]:
			r.problem(cellRef{in.ri, 0}, "rows added to Inputs are not read: add segments to the dataset, then export again",
				"%s is not an input of the dataset%s", in.path, unknownHint(ds, in.path))
			continue
		}
		delete(want, in.path)
		r.readInput(in, at)
	}
	for n := range withPath {
		for y := ds.BaseYear + 1; y <= ds.EndYear; y++ {
			if p := fmt.Sprintf("%s/%s/%d", ds.Nodes[n].Path, model.FieldGrowthByYear, y); w.rowOf(p) == 0 {
				want[p] = true
			}
		}
	}
	r.setPaths()
	var missing []string
	for p := range want {
		missing = append(missing, p)
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		r.probs = append(r.probs, &Problem{Where: w.File + ": sheet " + w.t.Sheet, Msg: "no row for " + joinSome(missing),
			Hint: "was it exported from another version of the dataset? rows must not be deleted"})
	}
}

// pathYear reads a segment's growth path row, Region/Asia-Pacific/
// growth_by_year_pct/2024: the segment, the year's index (0 is the
// first year after the base year), and whether it is one.
func (r *inputsRead) pathYear(path string) (n, yi int, ok bool) {
	seg, year, found := strings.Cut(path, "/"+model.FieldGrowthByYear+"/")
	if !found || seg == "Total" {
		return 0, 0, false
	}
	n, ok = r.ds.Lookup(seg)
	y, err := strconv.Atoi(year)
	if !ok || n == 0 || err != nil || y <= r.ds.BaseYear || y > r.ds.EndYear {
		return 0, 0, false
	}
	return n, y - r.ds.BaseYear - 1, true
}

// pathFollows reports whether input i, year yi of segment n's growth
// path, is where the export writes it: right after the segment's
// share_pct or an earlier year of it (a row taken away is told as
// missing). A year row a partner
// adds elsewhere is not read, as the workbook's formulas do not read it.
func (r *inputsRead) pathFollows(i, n, yi int) bool {
	if i == 0 {
		return false
	}
	prev := r.w.inputs[i-1].path
	if prev == r.ds.Nodes[n].Path+"/"+model.FieldShare {
		return true
	}
	pn, pyi, ok := r.pathYear(prev)
	return ok && pn == n && pyi < yi
}

// setPaths gives the segments the growth paths their rows hold, in the
// order of their nodes as model keeps them; a path whose every year was
// emptied is none (the segment follows its CAGR).
func (r *inputsRead) setPaths() {
	r.a.Paths = nil
	for _, n := range slices.Sorted(maps.Keys(r.paths)) {
		rates := r.paths[n]
		if slices.ContainsFunc(rates, func(x float64) bool { return !math.IsNaN(x) }) {
			r.a.Paths = append(r.a.Paths, model.Path{Node: n, Rates: rates})
		}
	}
}

// unknownHint says why a path is not the dataset's: a segment it does
// not have.
func unknownHint(ds *model.Dataset, path string) string {
	seg := path[:max(strings.LastIndex(path, "/"), 0)]
	if s, year, ok := strings.Cut(path, "/"+model.FieldGrowthByYear+"/"); ok {
		if _, known := ds.Lookup(s); known || s == "Total" {
			return fmt.Sprintf(" (%s is not a year of the forecast, %d–%d)", year, ds.BaseYear+1, ds.EndYear)
		}
		seg = s
	}
	if _, ok := ds.Lookup(seg); !ok && seg != "Total" && !strings.HasPrefix(path, "Levers/") {
		return fmt.Sprintf(" (no segment %s)", seg)
	}
	return ""
}

// readInput reads one input's value into the assumptions.
func (r *inputsRead) readInput(in input, at cellRef) {
	ds := r.ds
	c := r.w.t.Rows[in.ri].cell(in.col)
	path := in.path
	field := path[strings.LastIndex(path, "/")+1:]
	isPct := path != "Total/value" && !strings.HasPrefix(path, "Levers/")
	if in.empty {
		switch {
		case strings.HasPrefix(path, "Total/"+model.FieldGrowthByYear+"/"):
			y, _ := strconv.Atoi(path[strings.LastIndex(path, "/")+1:])
			// Empty: the year takes the CAGR and the levers.
			r.a.YearGrowth[y-ds.BaseYear-1] = math.NaN()
			return
		case strings.HasPrefix(path, "Levers/"):
			r.setLever(path, 0)
			return
		}
		if n, yi, ok := r.pathYear(path); ok {
			// Empty: the segment's year takes its CAGR.
			r.pathRates(n)[yi] = math.NaN()
			return
		}
		r.problem(at, "type a number: the workbook needs every input but a year's own rate", "%s is empty", path)
		return
	}
	v, ok := r.value(c, at, isPct)
	if !ok {
		return
	}
	if n, yi, ok := r.pathYear(path); ok {
		if r.rate(at, v) {
			r.pathRates(n)[yi] = v
		}
		return
	}
	switch {
	case path == "Total/value":
		// The scenario's own market size (total: {value: X}) where it is
		// not the dataset's.
		if msg, ok := model.CheckBaseValue(v); !ok {
			r.problem(at, "the market's base-year value, in the dataset's unit", "%s", msg)
		} else if !close12(v, r.a.BaseValue) {
			r.a.BaseValue = v
		}
	case path == "Total/cagr_pct":
		r.a.Growth[0] = v
	case strings.HasPrefix(path, "Total/"+model.FieldGrowthByYear+"/"):
		y, _ := strconv.Atoi(path[strings.LastIndex(path, "/")+1:])
		r.a.YearGrowth[y-ds.BaseYear-1] = v
	case strings.HasPrefix(path, "Levers/"):
		r.setLever(path, v)
	default:
		n, _ := ds.Lookup(path[:strings.LastIndex(path, "/")])
		if field == model.FieldCAGR {
			r.a.Growth[n] = v
		} else {
			if v < 0 || v > 100 {
				r.problem(at, "shares are percent of the parent, 0 to 100", "share %s %% is out of range", yamlNum(v))
				return
			}
			r.a.Share[n] = v
		}
	}
}

// pathRates is segment n's growth path as read so far, every year on
// its CAGR until its row says otherwise.
func (r *inputsRead) pathRates(n int) []float64 {
	if r.paths == nil {
		r.paths = map[int][]float64{}
	}
	p, ok := r.paths[n]
	if !ok {
		p = make([]float64, r.ds.Years()-1)
		for i := range p {
			p[i] = math.NaN()
		}
		r.paths[n] = p
	}
	return p
}

// rate checks a year's rate, as a scenario file's are checked, at its
// cell.
func (r *inputsRead) rate(at cellRef, v float64) bool {
	if v <= model.MinRate || v >= model.MaxRate {
		r.problem(at, "", "growth rate %s %% is out of range: above %g and below %g", yamlNum(v), model.MinRate, model.MaxRate)
		return false
	}
	return true
}

func (r *inputsRead) setLever(path string, v float64) {
	name := strings.TrimPrefix(path, "Levers/")
	i := slices.IndexFunc(r.ds.Levers, func(l model.Lever) bool { return l.Name == name })
	r.a.Drivers[i] = v
}

// value reads a number cell as the workbook's formulas read it: a cell
// formatted as a percentage shows 0.26 as 26 %, but the formulas take
// 0.26, so 0.26 it is (and the import says so: the partner may have
// meant 26).
func (r *inputsRead) value(c Cell, at cellRef, isPct bool) (float64, bool) {
	if c.IsNum {
		if c.Percent && isPct {
			r.notes = append(r.notes, fmt.Sprintf("%s is formatted as a percentage: its value %s (shown %s %%) is read as %s, as the workbook's formulas read it; type %s for %s %%",
				r.w.t.where(place{cells: []cellRef{at}}), yamlNum(c.Num), yamlNum(fromPercent(c.Num)), yamlNum(c.Num), yamlNum(fromPercent(c.Num)), yamlNum(fromPercent(c.Num))))
		}
		return c.Num, true
	}
	v, pct, err := parseNumber(c.Text, false)
	if err != nil || pct && !isPct {
		r.problem(at, "type a number such as 18.5", "not a number: %q", cut(c.Text, 40))
		return 0, false
	}
	return v, true
}

// close12 reports whether two figures agree to the 12 significant
// digits an export writes.
func close12(x, y float64) bool { return math.Abs(x-y) <= 1e-11*max(1, math.Abs(x), math.Abs(y)) }

// scaleShares scales each set of siblings' shares to add up to 100, as
// the workbook's formulas do (each share over the set's sum). None is
// marked as set: the scenario file names the fewest shares that give
// them all (model's namedShares), which after one share typed in the
// workbook is that share.
func (r *inputsRead) scaleShares() {
	ds, a := r.ds, &r.a
	for _, g := range ds.Groups {
		sum := 0.0
		for _, m := range g.Members {
			sum += a.Share[m]
		}
		if sum <= 0 {
			r.probs = append(r.probs, &Problem{Where: r.w.File + ": sheet " + r.w.t.Sheet,
				Msg: "the shares under " + groupOwner(ds, g) + " add up to 0", Hint: "give at least one of them a share"})
			continue
		}
		if math.Abs(sum-100) > 1e-9 {
			r.scaled = append(r.scaled, fmt.Sprintf("%s %s %%", groupOwner(ds, g), yamlNum(roundSig(sum, 10))))
		}
		for _, m := range g.Members {
			a.Share[m] = a.Share[m] / sum * 100
		}
	}
}

// groupOwner names what a set of siblings divides: a dimension (the
// total), or a segment.
func groupOwner(ds *model.Dataset, g model.Group) string {
	if g.Parent > 0 {
		return ds.Nodes[g.Parent].Path
	}
	return ds.Dims[g.Dim].Name
}

// roundSig rounds x to n significant digits, for a figure in a message.
func roundSig(x float64, n int) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', n, 64), 64)
	if err != nil {
		return x
	}
	return r
}
