package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"iomt/model"
)

// Problem is one thing wrong with an imported file, at the place a
// spreadsheet user finds it.
type Problem struct {
	// Where names the file and the place: "markets.xlsx: sheet
	// Segments, cell D12", "segments.csv:12: column cagr_pct", or a
	// flag ("--base-year").
	Where string
	Msg   string
	Hint  string // optional advice
}

// Error is the problem on one line, safe to print, as model's errors
// print: text from the file is escaped and cut, so a message cannot run
// to megabytes nor carry escape sequences to a terminal.
func (p *Problem) Error() string {
	return (&model.Error{File: p.Where, Msg: p.Msg, Hint: p.Hint}).Error()
}

// Problems is every problem found in one file, in the file's order, so a
// user fixes them all in one pass.
type Problems []*Problem

// maxProblems is how many problems an error lists (model's bound).
const maxProblems = 50

// Error joins the problems one per line, as model's lists do: at most
// maxProblems of them, then how many more there are.
func (l Problems) Error() string {
	list := make(model.ErrorList, len(l))
	for i, p := range l {
		list[i] = &model.Error{File: p.Where, Msg: p.Msg, Hint: p.Hint}
	}
	return list.Error()
}

// Unwrap lets errors.As find each problem.
func (l Problems) Unwrap() []error {
	out := make([]error, len(l))
	for i, p := range l {
		out[i] = p
	}
	return out
}

// cellRef is a cell of a table: the index of its row in Table.Rows and
// of its column (0 is A).
type cellRef struct{ row, col int }

// place is where a problem is: cells of the table, a flag, or the file
// as a whole.
type place struct {
	cells []cellRef
	flag  string // "--total-value"; set for a figure given by a flag
}

// where words a place for a Problem.
func (t *Table) where(p place) string {
	switch {
	case p.flag != "":
		return p.flag
	case len(p.cells) == 0:
		return t.File
	case t.Sheet != "":
		return t.File + ": sheet " + t.Sheet + ", " + t.cellNames(p.cells)
	}
	return t.lineNames(p.cells)
}

// cellNames names cells as a spreadsheet does: "cell D12", or "cells
// D3:D6, E8" with runs down one column as ranges.
func (t *Table) cellNames(cells []cellRef) string {
	refs := t.sortedCells(cells)
	if len(refs) == 1 {
		return "cell " + t.cellName(refs[0])
	}
	var parts []string
	for i := 0; i < len(refs); {
		j := i
		for j+1 < len(refs) && refs[j+1].col == refs[i].col && t.Rows[refs[j+1].row].N == t.Rows[refs[j].row].N+1 {
			j++
		}
		name := t.cellName(refs[i])
		if j > i {
			name += ":" + t.cellName(refs[j])
		}
		parts = append(parts, name)
		i = j + 1
	}
	return "cells " + joinSome(parts)
}

func (t *Table) cellName(c cellRef) string {
	return columnName(c.col) + strconv.Itoa(t.Rows[c.row].N)
}

// lineNames names cells of a text table: "segments.csv:12: column
// cagr_pct" for one, "segments.csv: lines 3–6, 8, column share_pct" for
// several, each column's lines apart when they are in several columns.
func (t *Table) lineNames(cells []cellRef) string {
	refs := t.sortedCells(cells)
	if len(refs) == 1 {
		c := refs[0]
		return fmt.Sprintf("%s:%d: %s", t.File, t.line(c), t.columnWord(c))
	}
	byCol := map[string][]int{}
	var order []string
	for _, c := range slices.SortedFunc(slices.Values(refs), func(a, b cellRef) int { return a.row - b.row }) {
		w := t.columnWord(c)
		if _, ok := byCol[w]; !ok {
			order = append(order, w)
		}
		byCol[w] = append(byCol[w], t.line(c))
	}
	var parts []string
	for _, w := range order {
		word := "lines "
		if len(slices.Compact(slices.Sorted(slices.Values(byCol[w])))) == 1 {
			word = "line "
		}
		parts = append(parts, word+runs(byCol[w])+", "+w)
	}
	return t.File + ": " + strings.Join(parts, "; ")
}

// line is the line a text cell starts on (a quoted field may span lines).
func (t *Table) line(c cellRef) int {
	r := t.Rows[c.row]
	if c.col < len(r.Cells) && r.Cells[c.col].Line > 0 {
		return r.Cells[c.col].Line
	}
	return r.N
}

// columnWord names a text cell's column: by the table's header ("column
// cagr_pct"), or the market line's key ("base_year") above the header.
func (t *Table) columnWord(c cellRef) string {
	if name, ok := t.colNames[c.col]; ok && c.row > t.header {
		return "column " + name
	}
	if c.row < len(t.Rows) && len(t.Rows[c.row].Cells) > 0 && c.row < t.header {
		return strings.TrimSpace(t.Rows[c.row].Cells[0].Text)
	}
	return "column " + columnName(c.col)
}

func (t *Table) sortedCells(cells []cellRef) []cellRef {
	refs := slices.Clone(cells)
	slices.SortFunc(refs, func(a, b cellRef) int {
		if a.col != b.col {
			return a.col - b.col
		}
		return a.row - b.row
	})
	return slices.Compact(refs)
}

// runs writes sorted line numbers with consecutive ones as ranges:
// "3–6, 8".
func runs(lines []int) string {
	slices.Sort(lines)
	lines = slices.Compact(lines)
	var parts []string
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] == lines[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", lines[i], lines[j]))
		} else {
			parts = append(parts, strconv.Itoa(lines[i]))
		}
		i = j + 1
	}
	return joinSome(parts)
}

// joinSome joins the first few names and says how many more there are.
func joinSome(items []string) string {
	const show = 8
	if len(items) <= show {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:show], ", ") + fmt.Sprintf(", … (%d more)", len(items)-show)
}

// columnName is the spreadsheet name of 0-based column col (0 is A).
func columnName(col int) string {
	name, err := excelize.ColumnNumberToName(col + 1)
	if err != nil {
		return fmt.Sprintf("column %d", col+1)
	}
	return name
}
