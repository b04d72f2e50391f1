package model

import "math"

// reportTolerance absorbs float rounding when deciding whether a figure is
// still the report's own after edits that came back to it.
const reportTolerance = 1e-9

func near(x, y float64) bool {
	return math.Abs(x-y) <= reportTolerance*max(1, math.Abs(x), math.Abs(y))
}

// StillReported reports whether node n's figure field, under assumptions
// a, is still the figure the source reports. A reported figure stops
// being the report's as soon as the scenario changes it (a new share, a
// new rate, a share absorbed from an edited sibling), so a mark on screen
// or in an export never vouches for an assumption.
func (d *Dataset) StillReported(a *Assumptions, n int, field string) bool {
	node := &d.Nodes[n]
	if !node.IsReported(field) {
		return false
	}
	switch field {
	case FieldShare:
		return n > 0 && near(a.Share[n], d.base.Share[n])
	case FieldValue:
		// The total's base value is the source's until a scenario sets
		// its own; a segment's base value follows its share of it, and is
		// the source's only while it is the value the file gives
		// (normalising the shares may not move it, nor a new base value).
		if n == 0 {
			return near(a.BaseValue, d.base.BaseValue)
		}
		return !math.IsNaN(node.InputValueBn) && near(a.Share[n]/100*a.BaseValue, node.InputValueBn)
	case FieldCAGR:
		if n == 0 && a.Mode != TopDown {
			return false // bottom-up: the total's rate is an output
		}
		return near(a.Growth[n], d.base.Growth[n])
	case FieldGrowthByYear:
		if n != 0 || a.Mode != TopDown {
			return false
		}
		for i, g := range a.YearGrowth {
			b := d.base.YearGrowth[i]
			if math.IsNaN(g) != math.IsNaN(b) || (!math.IsNaN(g) && !near(g, b)) {
				return false
			}
		}
		return true
	}
	return false
}
