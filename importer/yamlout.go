package importer

import (
	"math"
	"strconv"
	"strings"
)

// yamlOut writes the dataset an import makes, and remembers where each
// line came from, so that the validator's FILE:LINE:COL problems can be
// told at the cells they came from. Every figure is on a line of its
// own; a list item's "- " stands for the whole list (the validator
// reports a set of siblings whose shares do not add up at its first
// item's dash).
type yamlOut struct {
	b      strings.Builder
	line   int
	places map[int]linePlace
}

// linePlace is where one line of the YAML came from.
type linePlace struct {
	dashCol int   // the 1-based column of the line's "- ", 0 if it has none
	list    place // what an error at the dash is about: the whole list
	rest    place // anything else on the line
}

func newYAMLOut() *yamlOut { return &yamlOut{places: map[int]linePlace{}} }

// comment writes a comment line.
func (y *yamlOut) comment(text string) { y.raw("# " + text) }

func (y *yamlOut) raw(text string) {
	y.b.WriteString(text)
	y.b.WriteByte('\n')
	y.line++
}

// key writes "key: value" at depth (two spaces a level), from p.
func (y *yamlOut) key(depth int, key, value string, p place) {
	s := strings.Repeat("  ", depth) + key + ":"
	if value != "" {
		s += " " + value
	}
	y.raw(s)
	y.places[y.line] = linePlace{rest: p}
}

// item writes "- key: value", the first line of a list item at depth:
// the item is from p, the list it is the first of from list (nothing
// when it is not the first).
func (y *yamlOut) item(depth int, key, value string, list, p place) {
	indent := strings.Repeat("  ", depth)
	y.raw(indent + "- " + key + ": " + value)
	y.places[y.line] = linePlace{dashCol: len(indent) + 1, list: list, rest: p}
}

// at is what the YAML's line and column came from.
func (y *yamlOut) at(line, col int) place {
	lp := y.places[line]
	if lp.dashCol > 0 && col == lp.dashCol && len(lp.list.cells)+len(lp.list.flag) > 0 {
		return lp.list
	}
	return lp.rest
}

// yamlText quotes text as YAML (JSON's escaping is a valid subset).
func yamlText(s string) string { return strconv.Quote(s) }

// yamlNum writes a number in plain decimal, as iomt's files do; one far
// from 1 in scientific notation rather than hundreds of zeros.
func yamlNum(x float64) string {
	if a := math.Abs(x); a >= 1e15 || a != 0 && a < 1e-6 {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// yamlList writes a flow list of plain words.
func yamlList(items []string) string { return "[" + strings.Join(items, ", ") + "]" }
