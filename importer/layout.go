package importer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"iomt/model"
)

// The layout of a table of segments (README: Importing a dataset): an
// optional block of market lines (key, value, reported, note), a header
// row naming the columns in any order and case, then one row per
// segment.

// Column keys of the segment table.
const (
	colDimension = "dimension"
	colSegment   = "segment"
	colParent    = "parent"
	colShare     = "share_pct"
	colValue     = "value"
	colCAGR      = "cagr_pct"
	colReported  = "reported"
	colNote      = "note"
	colShareNote = "share_pct_note"
	colValueNote = "value_note"
	colCAGRNote  = "cagr_pct_note"
)

// columns are the table's columns, in the order README lists them.
var columns = []string{colDimension, colSegment, colParent, colShare, colValue, colCAGR, colReported, colNote,
	colShareNote, colValueNote, colCAGRNote}

// columnAliases are other names a header may give a column.
var columnAliases = map[string]string{
	"share": colShare, "share_percent": colShare, "value_bn": colValue, "cagr": colCAGR, "cagr_percent": colCAGR,
	"notes": colNote, "rationale": colNote, "sub_segment": colSegment, "subsegment": colSegment, "parent_segment": colParent,
}

// headerKey normalises a header or key cell: lower case, words joined
// by "_", a "(%)" or "%" read as "pct" ("Share (%)" is share_pct,
// "Base year" base_year).
func headerKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("(%)", " pct", "%", " pct", "(", " ", ")", " ").Replace(s)
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' || r == '\u00a0' }), "_")
	if c, ok := columnAliases[s]; ok {
		return c
	}
	return s
}

// layout is where things are in a table of segments.
type layout struct {
	header int            // index in Table.Rows of the header row
	cols   map[string]int // column key → column index
}

// col returns the index of column key, or -1 when the table has none.
func (l *layout) col(key string) int {
	if i, ok := l.cols[key]; ok {
		return i
	}
	return -1
}

// findLayout finds the header row and its columns, and applies merged
// ranges below it.
func findLayout(t *Table) (*layout, Problems) {
	hi := slices.IndexFunc(t.Rows, func(r Row) bool {
		has := map[string]bool{}
		for _, c := range r.Cells {
			has[headerKey(c.Text)] = true
		}
		return has[colDimension] && has[colSegment]
	})
	if hi < 0 {
		where := t.File
		if t.Sheet != "" {
			where += ": sheet " + t.Sheet
		}
		return nil, Problems{{Where: where, Msg: "no header row naming the columns dimension and segment",
			Hint: "the table needs a row of column names, in any order: " + strings.Join(columns[:8], ", ")}}
	}
	t.header = hi
	l := &layout{header: hi, cols: map[string]int{}}
	t.colNames = map[int]string{}
	var probs Problems
	for ci, c := range t.Rows[hi].Cells {
		text := strings.TrimSpace(c.Text)
		if text == "" {
			continue
		}
		key := headerKey(text)
		at := t.where(place{cells: []cellRef{{hi, ci}}})
		switch prev, dup := l.cols[key]; {
		case !slices.Contains(columns, key):
			p := &Problem{Where: at, Msg: fmt.Sprintf("unknown column %q", cut(text, 40)),
				Hint: "the columns are " + strings.Join(columns, ", ")}
			if s := model.Suggest(key, columns); s != "" {
				p.Hint = fmt.Sprintf("did you mean %s?", s)
			}
			probs = append(probs, p)
		case dup:
			probs = append(probs, &Problem{Where: at, Msg: fmt.Sprintf("a second %s column (the first is %s)", key, columnName(prev)),
				Hint: "keep one of them"})
		default:
			l.cols[key] = ci
			t.colNames[ci] = key
		}
	}
	if len(probs) > 0 {
		// An unknown column may be the one found missing below.
		return l, probs
	}
	if _, ok := l.cols[colCAGR]; !ok {
		probs = append(probs, &Problem{Where: t.where(place{cells: []cellRef{{hi, 0}}}), Msg: "no cagr_pct column",
			Hint: "add a column cagr_pct: each segment's yearly growth in percent"})
	}
	_, share := l.cols[colShare]
	_, value := l.cols[colValue]
	if !share && !value {
		probs = append(probs, &Problem{Where: t.where(place{cells: []cellRef{{hi, 0}}}), Msg: "no share_pct or value column",
			Hint: "add share_pct (percent of the parent) or value (top-level segments' base-year value), or both"})
	}
	probs = append(probs, t.applyMerges(l)...)
	cols := make([]int, 0, len(l.cols))
	for _, c := range l.cols {
		cols = append(cols, c)
	}
	probs = append(probs, t.unstored(0, hi, nil)...)
	probs = append(probs, t.unstored(hi+1, len(t.Rows), cols)...)
	return l, probs
}

// applyMerges gives every cell of a range merged down one column of the
// table the value of its first cell, as the sheet shows it: a dimension
// written once beside its segments. A range across columns of the table
// says nothing a row can be read by, and is refused.
func (t *Table) applyMerges(l *layout) Problems {
	if len(t.merges) == 0 {
		return nil
	}
	headerN := t.Rows[l.header].N
	byN := map[int]int{}
	for i, r := range t.Rows {
		byN[r.N] = i
	}
	var probs Problems
	for _, m := range t.merges {
		if m.bottom < headerN {
			continue // a title above the table
		}
		if m.right > m.left {
			probs = append(probs, &Problem{Where: fmt.Sprintf("%s: sheet %s, cells %s%d:%s%d", t.File, t.Sheet, columnName(m.left), m.top, columnName(m.right), m.bottom),
				Msg: "merged across columns of the table", Hint: "unmerge them: each column holds its own figure"})
			continue
		}
		first, ok := byN[m.top]
		if !ok {
			continue
		}
		src := t.Rows[first].cell(m.left)
		for n := m.top + 1; n <= m.bottom; n++ {
			ri, ok := byN[n]
			if !ok || ri <= l.header {
				continue
			}
			r := &t.Rows[ri]
			for len(r.Cells) <= m.left {
				r.Cells = append(r.Cells, Cell{})
			}
			r.Cells[m.left] = src
		}
	}
	return probs
}

// growthKey is a market line giving one year its own growth rate:
// growth_2020_pct.
var growthKey = regexp.MustCompile(`^growth_(\d{4})(_pct)?$`)

// marketKeys are the keys of market lines, with other names they take.
var marketKeys = map[string]string{
	"market": "market", "currency": "currency", "unit": "unit", "source": "source",
	"base_year": "base_year", "end_year": "end_year",
	"value": "value", "total_value": "value", "total": "value", "market_value": "value",
	"cagr_pct": "cagr_pct", "total_cagr_pct": "cagr_pct", "total_cagr": "cagr_pct", "cagr": "cagr_pct",
	"summary": "summary", "drivers": "drivers", "challenges": "challenges", "opportunities": "opportunities",
	"key_players": "key_players",
}
