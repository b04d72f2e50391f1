package importer

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"iomt/model"
)

// Market gives the market's own lines on the command line (iomt import
// dataset --market …); a field left zero comes from the table's market
// lines.
type Market struct {
	Name, Currency, Unit, Source string
	BaseYear, EndYear            int
	Value, CAGR                  *float64
}

// Imported is a dataset made from a table: the YAML file it is saved as,
// and the dataset that file loads as.
type Imported struct {
	YAML    []byte
	Dataset *model.Dataset
}

// ImportDataset makes a dataset of t, a table of segments (README:
// Importing a dataset), with the market's lines from m where it gives
// them, else from the table. The dataset is checked as a YAML file is;
// every problem names the cells it comes from.
func ImportDataset(t *Table, m Market) (*Imported, error) {
	l, probs := findLayout(t)
	if l == nil || len(probs) > 0 {
		return nil, probs
	}
	d := &datasetImport{t: t, l: l}
	d.readMarket(m)
	d.readSegments()
	if len(d.probs) > 0 {
		return nil, d.sorted(d.probs)
	}
	y := d.write()
	if len(y.b.String()) > model.MaxFileSize {
		return nil, Problems{{Where: t.File, Msg: fmt.Sprintf("the dataset would be %d KiB, over the 1 MiB a dataset file may hold", len(y.b.String())>>10),
			Hint: "is this the right table?"}}
	}
	data := []byte(y.b.String())
	ds, err := model.LoadDataset(t.File, data)
	if err != nil {
		return nil, d.mapErrors(err, y)
	}
	return &Imported{YAML: data, Dataset: ds}, nil
}

// datasetImport is one import: the table, its layout, what was read and
// every problem found so far.
type datasetImport struct {
	t      *Table
	l      *layout
	market marketLines
	dims   []*dimRows
	probs  []located
}

// located is a problem at a place of the table, before it is worded.
type located struct {
	at        place
	msg, hint string
}

func (d *datasetImport) problem(at place, hint, format string, args ...any) {
	d.probs = append(d.probs, located{at: at, msg: fmt.Sprintf(format, args...), hint: hint})
}

// sorted words problems in the table's order: flags and the file first,
// then by row and column.
func (d *datasetImport) sorted(l []located) Problems {
	key := func(p place) (int, int) {
		if len(p.cells) == 0 {
			return -1, -1
		}
		c := slices.MinFunc(p.cells, func(a, b cellRef) int {
			if a.row != b.row {
				return a.row - b.row
			}
			return a.col - b.col
		})
		return c.row, c.col
	}
	slices.SortStableFunc(l, func(a, b located) int {
		ar, ac := key(a.at)
		br, bc := key(b.at)
		if ar != br {
			return ar - br
		}
		return ac - bc
	})
	out := make(Problems, len(l))
	for i, p := range l {
		where := d.t.where(p.at)
		if len(p.at.cells) == 0 && p.at.flag == "" && d.t.Sheet != "" {
			where += ": sheet " + d.t.Sheet
		}
		out[i] = &Problem{Where: where, Msg: p.msg, Hint: p.hint}
	}
	return out
}

// cellAt is the place of one cell, or of nothing when col is -1 (the
// table has no such column).
func cellAt(ri, col int) place {
	if col < 0 {
		return place{}
	}
	return place{cells: []cellRef{{ri, col}}}
}

// ---------------------------------------------------------------------
// Numbers and names in cells.

// number reads the cell at ri, col as a figure; percentOK allows a
// percent sign or a percentage format (a share, a rate), read as the
// percent it shows. An empty cell is nil.
func (d *datasetImport) number(ri, col int, what string, percentOK bool) *float64 {
	if col < 0 {
		return nil
	}
	c := d.t.Rows[ri].cell(col)
	at := cellAt(ri, col)
	if strings.TrimSpace(c.Text) == "" {
		return nil
	}
	if c.IsNum {
		v := c.Num
		if c.Percent {
			if !percentOK {
				d.problem(at, "a "+what+" is money in the dataset's unit: format the cell as a number", "a percentage (%s) where a %s goes", fmtCell(c), what)
				return nil
			}
			v = fromPercent(v)
		}
		return &v
	}
	v, pct, err := parseNumber(c.Text, d.t.DecimalComma)
	switch {
	case errors.Is(err, errAmbiguous):
		d.problem(at, "write 1234 for over a thousand, or 1,234 for one and a bit", "%q could be 1234 or 1.234", cut(c.Text, 40))
		return nil
	case err != nil:
		hint := "write a number such as 36.6"
		if d.t.DecimalComma {
			hint = "write a number such as 36,6"
		}
		d.problem(at, hint, "not a number: %q", cut(c.Text, 40))
		return nil
	case pct && !percentOK:
		d.problem(at, "a "+what+" is money in the dataset's unit, without %", "a percentage (%s) where a %s goes", cut(c.Text, 40), what)
		return nil
	}
	return &v
}

// fmtCell shows a number cell as its user sees it.
func fmtCell(c Cell) string {
	if c.Percent {
		return strconv.FormatFloat(fromPercent(c.Num), 'f', -1, 64) + " %"
	}
	return c.Text
}

// name reads a name: the cell's text without blanks at its ends, which a
// name may not have and a spreadsheet user cannot see.
func (r *Row) name(col int) string {
	if col < 0 {
		return ""
	}
	return strings.Trim(r.cell(col).Text, " \t\u00a0\r\n")
}

// ---------------------------------------------------------------------
// Market lines.

// marketLines are the market's own figures and labels: from the
// table's market lines or from flags, each with where it came from.
type marketLines struct {
	text   map[string]textLine // market, currency, unit, source, summary
	years  map[string]yearLine // base_year, end_year
	value  figure
	cagr   figure
	growth map[int]figure
	lists  map[string]listLine // drivers, challenges, opportunities, key_players
}

type textLine struct {
	v  string
	at place
}

type yearLine struct {
	v  int
	at place
}

type listLine struct {
	items []string
	at    place
}

// figure is a number the total gives: its value, whether the source
// reports it, and its rationale, with the places they came from.
type figure struct {
	v        *float64
	at       place
	reported bool
	repAt    place
	note     string
	noteAt   place
}

// readMarket reads the market lines above the header, then lets m's
// flags replace them.
func (d *datasetImport) readMarket(m Market) {
	ml := marketLines{text: map[string]textLine{}, years: map[string]yearLine{}, growth: map[int]figure{}, lists: map[string]listLine{}}
	seen := map[string]int{}
	for ri := 0; ri < d.l.header; ri++ {
		d.marketLine(&ml, ri, seen)
	}
	flags := []struct {
		key, flag, v string
	}{{"market", "--market", m.Name}, {"currency", "--currency", m.Currency}, {"unit", "--unit", m.Unit}, {"source", "--source", m.Source}}
	for _, f := range flags {
		if f.v != "" {
			ml.text[f.key] = textLine{f.v, place{flag: f.flag}}
		}
	}
	if m.BaseYear != 0 {
		ml.years["base_year"] = yearLine{m.BaseYear, place{flag: "--base-year"}}
	}
	if m.EndYear != 0 {
		ml.years["end_year"] = yearLine{m.EndYear, place{flag: "--end-year"}}
	}
	if m.Value != nil {
		ml.value = figure{v: m.Value, at: place{flag: "--total-value"}}
	}
	if m.CAGR != nil {
		ml.cagr = figure{v: m.CAGR, at: place{flag: "--total-cagr"}}
	}
	d.market = ml
	need := []struct {
		key, msg, line string
		missing        bool
	}{
		{"market", "no market name", "market | Internet of Medical Things; or --market NAME", ml.text["market"].v == ""},
		{"base_year", "no base_year", "base_year | 2019; or --base-year 2019", ml.years["base_year"].v == 0},
		{"end_year", "no end_year", "end_year | 2027; or --end-year 2027", ml.years["end_year"].v == 0},
		{"value", "no value (the market's base-year value)", "value | 51.2; or --total-value 51.2", ml.value.v == nil},
		{"cagr_pct", "no cagr_pct (the market's growth rate)", "cagr_pct | 18.5; or --total-cagr 18.5", ml.cagr.v == nil},
	}
	for _, n := range need {
		if _, given := seen[n.key]; n.missing && !given {
			d.problem(place{}, "add a market line above the table: "+n.line, "%s", n.msg)
		}
	}
}

// marketLine reads row ri above the header: a key, then its value (a
// list's items), then for a figure whether it is reported and its note.
// A row of one cell is a title, and is skipped.
func (d *datasetImport) marketLine(ml *marketLines, ri int, seen map[string]int) {
	r := &d.t.Rows[ri]
	var cells []int
	for ci, c := range r.Cells {
		if strings.TrimSpace(c.Text) != "" {
			cells = append(cells, ci)
		}
	}
	if len(cells) < 2 {
		return
	}
	kc := cells[0]
	raw := headerKey(r.cell(kc).Text)
	key, ok := marketKeys[raw]
	year := 0
	if m := growthKey.FindStringSubmatch(raw); m != nil {
		key, ok = "growth", true
		year, _ = strconv.Atoi(m[1])
	}
	at := cellAt(ri, kc)
	if !ok {
		hint := "market lines are market, currency, unit, source, base_year, end_year, value, cagr_pct, growth_YYYY_pct, summary, drivers, challenges, opportunities, key_players"
		if s := model.Suggest(raw, slices.Sorted(func(yield func(string) bool) {
			for k := range marketKeys {
				if !yield(k) {
					return
				}
			}
		})); s != "" {
			hint = fmt.Sprintf("did you mean %s?", s)
		}
		d.problem(at, hint, "unknown market line %q", cut(r.cell(kc).Text, 40))
		return
	}
	id := key
	if year != 0 {
		id = raw
	}
	if prev, dup := seen[id]; dup {
		d.problem(at, "keep one of them", "a second %s line (the first is on row %d)", key, d.t.Rows[prev].N)
		return
	}
	seen[id] = ri
	vc := kc + 1
	vat := cellAt(ri, vc)
	val := strings.TrimSpace(r.cell(vc).Text)
	if val == "" {
		d.problem(vat, "write its value in the cell after the key", "the %s line has nothing in its value cell", key)
		return
	}
	switch key {
	case "market", "currency", "unit", "source", "summary":
		ml.text[key] = textLine{val, vat}
	case "base_year", "end_year":
		y, ok := wholeYear(r.cell(vc))
		if !ok {
			d.problem(vat, "write a year such as 2019", "%s %q is not a year", key, cut(val, 40))
			return
		}
		ml.years[key] = yearLine{y, vat}
	case "value", "cagr_pct", "growth":
		f := figure{v: d.number(ri, vc, key, key != "value"), at: vat}
		if f.v == nil {
			return // not a number: said where
		}
		f.reported, f.repAt = d.reportedMark(ri, vc+1)
		if note := strings.TrimSpace(r.cell(vc + 2).Text); note != "" {
			f.note, f.noteAt = note, cellAt(ri, vc+2)
		}
		switch key {
		case "value":
			ml.value = f
		case "cagr_pct":
			ml.cagr = f
		default:
			ml.growth[year] = f
		}
	default: // a list
		var items []string
		for _, ci := range cells[1:] {
			items = append(items, strings.TrimSpace(r.cell(ci).Text))
		}
		ml.lists[key] = listLine{items, place{cells: []cellRef{{ri, vc}}}}
	}
}

// wholeYear reads a year: a whole number, typed or stored.
func wholeYear(c Cell) (int, bool) {
	if c.IsNum {
		if c.Num != float64(int(c.Num)) || c.Num < 1 || c.Num > 9999 {
			return 0, false
		}
		return int(c.Num), true
	}
	y, err := strconv.Atoi(strings.TrimSpace(c.Text))
	return y, err == nil && y > 0 && y <= 9999
}

// reportedMark reads a market line's reported cell: empty, or a word
// that says yes or no.
func (d *datasetImport) reportedMark(ri, col int) (bool, place) {
	text := strings.ToLower(strings.TrimSpace(d.t.Rows[ri].cell(col).Text))
	at := cellAt(ri, col)
	switch {
	case text == "":
		return false, place{}
	case yesWords[text]:
		return true, at
	case noWords[text]:
		return false, place{}
	}
	d.problem(at, "write reported (or yes, x) for a figure the source states; leave it empty for an estimate", "%q is not a reported mark", cut(text, 40))
	return false, place{}
}

var (
	yesWords = map[string]bool{"yes": true, "y": true, "x": true, "true": true, "reported": true, "✓": true, "✔": true, "1": true}
	noWords  = map[string]bool{"no": true, "n": true, "false": true, "estimate": true, "estimated": true, "-": true, "0": true}
)
