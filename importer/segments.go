package importer

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"iomt/internal/safetext"
	"iomt/model"
)

// segRow is one row of the table: a segment, and what it says of it.
type segRow struct {
	ri                 int
	dim, name, parent  string
	share, value, cagr *float64
	reported           []string          // the file's field names
	notes              map[string]string // file field → rationale
	noteCols           map[string]int    // file field → the column its note came from
	children           []*segRow
}

// dimRows is one dimension: its rows in the table's order, top-level
// first as the table lists them.
type dimRows struct {
	name string
	rows []*segRow // every row of the dimension
	top  []*segRow
}

// readSegments reads every row under the header and builds each
// dimension's tree of segments.
func (d *datasetImport) readSegments() {
	l := d.l
	byName := map[string]*dimRows{}
	var children []*segRow
	for ri := l.header + 1; ri < len(d.t.Rows); ri++ {
		s := d.readRow(ri)
		if s == nil {
			continue
		}
		dr, ok := byName[s.dim]
		if !ok {
			if other := d.sameButCase(s.dim); other != nil {
				d.problem(cellAt(ri, l.col(colDimension)), fmt.Sprintf("write it as on %s %d, or give the dimensions names that differ in more than case", d.t.rowWord(), d.t.Rows[other.rows[0].ri].N),
					"dimension %q differs from %q only in case", s.dim, other.name)
				continue
			}
			dr = &dimRows{name: s.dim}
			byName[s.dim] = dr
			d.dims = append(d.dims, dr)
		}
		dr.rows = append(dr.rows, s)
		if s.parent == "" {
			dr.top = append(dr.top, s)
		} else {
			children = append(children, s)
		}
	}
	if len(d.dims) == 0 && len(d.probs) == 0 {
		d.problem(cellAt(l.header, 0), "add one row per segment under the header", "no segments under the header")
	}
	for _, c := range children {
		d.attach(byName[c.dim], c)
	}
}

// sameButCase is the dimension read so far whose name is name but for
// case: "component" under "Component" is a slip, not a second cut of the
// market.
func (d *datasetImport) sameButCase(name string) *dimRows {
	for _, dr := range d.dims {
		if strings.EqualFold(dr.name, name) {
			return dr
		}
	}
	return nil
}

// attach puts child c under its parent: the top-level segment of its
// dimension of that name.
func (d *datasetImport) attach(dr *dimRows, c *segRow) {
	var names []string
	for _, p := range dr.top {
		if p.name == c.parent {
			p.children = append(p.children, c)
			return
		}
		names = append(names, p.name)
	}
	at := cellAt(c.ri, d.l.col(colParent))
	for _, o := range dr.rows {
		if o.parent != "" && o.name == c.parent {
			d.problem(at, "segments nest at most two levels: segment and sub-segment",
				"parent %q is itself a sub-segment (of %q)", c.parent, o.parent)
			return
		}
	}
	hint := "a parent is a top-level segment of the same dimension (a row with an empty parent)"
	if s := model.Suggest(c.parent, names); s != "" && len([]rune(c.parent)) > 3 {
		hint = fmt.Sprintf("did you mean %q?", s)
	}
	d.problem(at, hint, "no top-level segment %q in dimension %q", c.parent, c.dim)
}

// readRow reads row ri as a segment; nil when it is not one (a problem
// says why).
func (d *datasetImport) readRow(ri int) *segRow {
	l, r := d.l, &d.t.Rows[ri]
	s := &segRow{ri: ri, dim: r.name(l.col(colDimension)), name: r.name(l.col(colSegment)), parent: r.name(l.col(colParent))}
	ok := true
	if s.dim == "" {
		d.problem(cellAt(ri, l.col(colDimension)), "each row names its dimension, such as Region", "no dimension")
		ok = false
	}
	if s.name == "" {
		d.problem(cellAt(ri, l.col(colSegment)), "each row names its segment", "no segment name")
		ok = false
	}
	s.share = d.number(ri, l.col(colShare), "share", true)
	s.value = d.number(ri, l.col(colValue), "value", false)
	s.cagr = d.number(ri, l.col(colCAGR), "growth rate", true)
	if s.cagr == nil && d.cellEmpty(ri, l.col(colCAGR)) {
		d.problem(cellAt(ri, l.col(colCAGR)), "give the segment's yearly growth in percent, such as 19.5", "no cagr_pct")
	}
	if s.share == nil && s.value == nil && d.cellEmpty(ri, l.col(colShare)) && d.cellEmpty(ri, l.col(colValue)) {
		col, hint := l.col(colShare), "give share_pct, its percent of the parent (of the total at the top level)"
		if col < 0 {
			col, hint = l.col(colValue), "give value, its base-year value in the dataset's unit (sub-segments: add a share_pct column)"
		}
		d.problem(cellAt(ri, col), hint, "no share_pct or value")
	}
	s.reported = d.reportedFields(ri, s)
	s.notes, s.noteCols = d.rowNotes(ri, s)
	if !ok {
		return nil
	}
	return s
}

func (d *datasetImport) cellEmpty(ri, col int) bool {
	return col < 0 || strings.TrimSpace(d.t.Rows[ri].cell(col).Text) == ""
}

// reportedFields reads a row's reported cell: the figures the source
// states, by name (share_pct, value, cagr_pct; share and cagr will do),
// or yes for the row's share or value.
func (d *datasetImport) reportedFields(ri int, s *segRow) []string {
	col := d.l.col(colReported)
	text := strings.ToLower(strings.TrimSpace(d.t.Rows[ri].cell(col).Text))
	if col < 0 || text == "" || noWords[text] {
		return nil
	}
	size := colShare
	if s.share == nil && s.value != nil {
		size = colValue
	}
	if yesWords[text] {
		return []string{size}
	}
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(",;/+& ", r) }) {
		if w == "and" {
			continue
		}
		f, ok := reportedWords[headerKey(w)]
		if !ok {
			d.problem(cellAt(ri, col), "write the figures the source states: share_pct, value, cagr_pct; or yes for the row's share or value",
				"%q is not a figure of the row", cut(w, 40))
			return nil
		}
		out = append(out, f)
	}
	return out
}

var reportedWords = map[string]string{
	"share_pct": colShare, "share": colShare, "pct": colShare,
	"value": colValue, "value_bn": colValue,
	"cagr_pct": colCAGR, "cagr": colCAGR, "growth": colCAGR,
}

// rowNotes reads a row's rationale: a figure's own note column, else the
// note column, which goes to every figure of the row that is not
// reported (the estimates are what need a reason), or to its share or
// value when every figure is reported.
func (d *datasetImport) rowNotes(ri int, s *segRow) (map[string]string, map[string]int) {
	r := &d.t.Rows[ri]
	notes, cols := map[string]string{}, map[string]int{}
	given := map[string]bool{colShare: s.share != nil, colValue: s.value != nil, colCAGR: s.cagr != nil}
	if n := strings.TrimSpace(r.cell(d.l.col(colNote)).Text); n != "" && d.l.col(colNote) >= 0 {
		var fields []string
		for _, f := range []string{colShare, colValue, colCAGR} {
			if given[f] && !slices.Contains(s.reported, f) {
				fields = append(fields, f)
			}
		}
		if len(fields) == 0 {
			for _, f := range []string{colShare, colValue} {
				if given[f] {
					fields = append(fields, f)
				}
			}
		}
		for _, f := range fields {
			notes[f], cols[f] = n, d.l.col(colNote)
		}
	}
	for f, c := range map[string]string{colShare: colShareNote, colValue: colValueNote, colCAGR: colCAGRNote} {
		col := d.l.col(c)
		if n := strings.TrimSpace(r.cell(col).Text); n != "" && col >= 0 {
			notes[f], cols[f] = n, col
		}
	}
	return notes, cols
}

// ---------------------------------------------------------------------
// The YAML, and the validator's problems told at their cells.

// write writes the dataset as YAML, each line's place remembered.
func (d *datasetImport) write() *yamlOut {
	y, m := newYAMLOut(), &d.market
	src := safetext.Escape(filepath.Base(d.t.File))
	if d.t.Sheet != "" {
		src += ", sheet " + safetext.Escape(d.t.Sheet)
	}
	y.comment("A dataset imported by iomt from " + src + ": one entry per row.")
	y.comment("Figures not listed in reported are estimates; notes give their rationale.")
	for _, k := range []string{"market", "currency", "unit", "source"} {
		if tl, ok := m.text[k]; ok && tl.v != "" {
			y.key(0, k, yamlText(tl.v), tl.at)
		}
	}
	for _, k := range []string{"base_year", "end_year"} {
		yl := m.years[k]
		y.key(0, k, fmt.Sprint(yl.v), yl.at)
	}
	d.writeTotal(y)
	y.key(0, "dimensions", "", place{})
	for _, dr := range d.dims {
		var dimCells []cellRef
		for _, s := range dr.rows {
			dimCells = append(dimCells, cellRef{s.ri, d.l.col(colDimension)})
		}
		y.item(1, "name", yamlText(dr.name), place{}, place{cells: dimCells})
		y.key(2, "segments", "", place{})
		d.writeSegments(y, 3, dr.top)
	}
	d.writeContext(y)
	return y
}

// writeTotal writes the total: its value, CAGR, years of their own, and
// which are reported, with their notes.
func (d *datasetImport) writeTotal(y *yamlOut) {
	m := &d.market
	y.key(0, "total", "", place{})
	y.key(1, "value", yamlNum(*m.value.v), m.value.at)
	y.key(1, "cagr_pct", yamlNum(*m.cagr.v), m.cagr.at)
	years := sortedYears(m.growth)
	if len(years) > 0 {
		y.key(1, model.FieldGrowthByYear, "", place{})
		for _, yr := range years {
			if f := m.growth[yr]; f.v != nil {
				y.key(2, fmt.Sprint(yr), yamlNum(*f.v), f.at)
			}
		}
	}
	var rep []string
	var repAt place
	notes := map[string]figure{}
	for _, f := range []struct {
		key string
		fig figure
	}{{"value", m.value}, {"cagr_pct", m.cagr}} {
		if f.fig.reported {
			rep = append(rep, f.key)
			repAt.cells = append(repAt.cells, f.fig.repAt.cells...)
		}
		if f.fig.note != "" {
			notes[f.key] = f.fig
		}
	}
	for _, yr := range years {
		f := m.growth[yr]
		if f.reported && !slices.Contains(rep, model.FieldGrowthByYear) {
			rep = append(rep, model.FieldGrowthByYear)
		}
		if f.reported {
			repAt.cells = append(repAt.cells, f.repAt.cells...)
		}
		if _, ok := notes[model.FieldGrowthByYear]; !ok && f.note != "" {
			notes[model.FieldGrowthByYear] = f
		}
	}
	if len(rep) > 0 {
		y.key(1, "reported", yamlList(rep), repAt)
	}
	if len(notes) > 0 {
		y.key(1, "notes", "", place{})
		for _, k := range []string{"value", "cagr_pct", model.FieldGrowthByYear} {
			if f, ok := notes[k]; ok {
				y.key(2, k, yamlText(f.note), f.noteAt)
			}
		}
	}
}

// writeSegments writes one set of siblings at depth, and their children.
func (d *datasetImport) writeSegments(y *yamlOut, depth int, segs []*segRow) {
	var sizes []cellRef
	for _, s := range segs {
		col := d.l.col(colShare)
		if s.share == nil && s.value != nil || col < 0 {
			col = d.l.col(colValue)
		}
		sizes = append(sizes, cellRef{s.ri, col})
	}
	for i, s := range segs {
		list := place{}
		if i == 0 {
			list = place{cells: sizes}
		}
		y.item(depth, "name", yamlText(s.name), list, cellAt(s.ri, d.l.col(colSegment)))
		in := depth + 1
		if s.share != nil {
			y.key(in, "share_pct", yamlNum(*s.share), cellAt(s.ri, d.l.col(colShare)))
		}
		if s.value != nil {
			y.key(in, "value", yamlNum(*s.value), cellAt(s.ri, d.l.col(colValue)))
		}
		if s.cagr != nil {
			y.key(in, "cagr_pct", yamlNum(*s.cagr), cellAt(s.ri, d.l.col(colCAGR)))
		}
		if len(s.reported) > 0 {
			y.key(in, "reported", yamlList(s.reported), cellAt(s.ri, d.l.col(colReported)))
		}
		if len(s.notes) > 0 {
			y.key(in, "notes", "", place{})
			for _, f := range []string{colShare, colValue, colCAGR} {
				if n, ok := s.notes[f]; ok {
					y.key(in+1, f, yamlText(n), cellAt(s.ri, s.noteCols[f]))
				}
			}
		}
		if len(s.children) > 0 {
			y.key(in, "segments", "", place{})
			d.writeSegments(y, in+1, s.children)
		}
	}
}

// writeContext writes the report's context from its market lines.
func (d *datasetImport) writeContext(y *yamlOut) {
	m := &d.market
	keys := []string{"drivers", "challenges", "opportunities", "key_players"}
	summary, hasSummary := m.text["summary"]
	any := hasSummary
	for _, k := range keys {
		if _, ok := m.lists[k]; ok {
			any = true
		}
	}
	if !any {
		return
	}
	y.key(0, "context", "", place{})
	if hasSummary {
		y.key(1, "summary", yamlText(summary.v), summary.at)
	}
	for _, k := range keys {
		if l, ok := m.lists[k]; ok {
			q := make([]string, len(l.items))
			for i, it := range l.items {
				q[i] = yamlText(it)
			}
			y.key(1, k, yamlList(q), l.at)
		}
	}
}

func sortedYears(m map[int]figure) []int { return slices.Sorted(maps.Keys(m)) }

// mapErrors tells each of the validator's problems at the cells its line
// of the YAML came from.
func (d *datasetImport) mapErrors(err error, y *yamlOut) error {
	var list model.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	out := make([]located, 0, len(list))
	for _, e := range list {
		at := y.at(e.Line, e.Col)
		out = append(out, located{at: at, msg: d.reword(e.Msg, at), hint: e.Hint})
	}
	return d.sorted(out)
}

// dupSegment is the validator's word for a name given twice among
// siblings, which counts them in the YAML's list.
var dupSegment = regexp.MustCompile(`^(segment ".*" is already defined) \(segment \d+ of this list\)$`)

// reword says a problem as the table shows it: a segment named twice is
// on the row of its first name, not "segment 2 of this list".
func (d *datasetImport) reword(msg string, at place) string {
	m := dupSegment.FindStringSubmatch(msg)
	if m == nil || len(at.cells) != 1 {
		return msg
	}
	var dup *segRow
	for _, dr := range d.dims {
		for _, s := range dr.rows {
			if s.ri == at.cells[0].row {
				dup = s
			}
		}
	}
	if dup == nil {
		return msg
	}
	for _, dr := range d.dims {
		for _, s := range dr.rows {
			if s.ri < dup.ri && s.dim == dup.dim && s.parent == dup.parent && s.name == dup.name {
				return fmt.Sprintf("%s (%s %d)", m[1], d.t.rowWord(), d.t.Rows[s.ri].N)
			}
		}
	}
	return msg
}
