package export

import (
	"fmt"
	"math"

	"iomt/model"
)

// Growth paths in the workbook: a segment with years of its own rate has
// an Inputs row for every forecast year (empty: the year grows at its
// CAGR), and its set of siblings a block of growth factors by year on
// Calc, which the share arithmetic then reads year by year instead of
// one factor per segment.

// pathGroup reports whether a member of g has a growth path.
func (b *xlsxBook) pathGroup(g model.Group) bool {
	for _, m := range g.Members {
		if b.a.HasPath(m) {
			return true
		}
	}
	return false
}

// writePathInputs writes segment n's growth path rows, if it has one.
func (b *xlsxBook) writePathInputs(s *sheetWriter, n int) {
	rows := b.inSegYear[n]
	if rows == nil {
		return
	}
	ds, a := b.ds, b.a
	node := &ds.Nodes[n]
	path := a.PathOf(n)
	for i, r := range rows {
		y := ds.BaseYear + 1 + i
		s.path(r, fmt.Sprintf("%s/%s/%d", node.Path, model.FieldGrowthByYear, y))
		unit := fmt.Sprintf("%% in %d; empty: the segment's CAGR", y)
		if g := path[i]; !math.IsNaN(g) {
			s.num(r, inColValue, inputValue(g), b.st.input)
			s.text(r, inColSource, "scenario")
		} else {
			s.style(r, inColValue, b.st.input)
		}
		s.text(r, inColUnit, unit)
	}
}

// factorRef is member m's growth factor in Calc column c (a year): its
// row of factors by year in a group with a growth path, else its one
// factor.
func (b *xlsxBook) factorRef(m, c int) string {
	if r := b.calcFactor[m]; r > 0 {
		return calcRef(c, r, false, false)
	}
	return calcRef(calcColFactor, b.calcRow[m], true, false)
}

// factorRows writes group g's growth factors by year, when a member has
// a growth path: 1 + the year's own rate / 100 where the Inputs cell
// holds one (as the engine, without the levers), else the member's one
// factor (its CAGR, with the levers for a driver segment).
func (b *xlsxBook) factorRows(rows map[int][]any, g model.Group, heads func(string) []any) {
	if b.calcFactor[g.Members[0]] == 0 {
		return
	}
	rows[b.calcFactor[g.Members[0]]-1] = heads("Growth factors by year (segments with a growth path)")
	for _, m := range g.Members {
		r := b.calcRow[m]
		cells := []any{b.ds.Nodes[m].Path, nil, nil, nil, nil}
		for yi := 1; yi < b.years; yi++ {
			one := calcRef(calcColFactor, r, true, false)
			if in := b.inSegYear[m]; in != nil {
				y := inRef(in[yi-1])
				one = fmt.Sprintf("IF(ISNUMBER(%s),1+%s/100,%s)", y, y, one)
			}
			cells = append(cells, formula(one))
		}
		rows[b.calcFactor[m]] = cells
	}
}
