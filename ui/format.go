package ui

import (
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"iomt/internal/numtext"
	"iomt/model"
)

// Metric is what the chart and the table show.
type Metric int

// The chart metrics, cycled by `v`.
const (
	MetricValue Metric = iota
	MetricShare
	MetricGrowth
	metricCount
)

func (m Metric) String() string {
	switch m {
	case MetricShare:
		return "share of parent, %"
	case MetricGrowth:
		return "growth, % y/y"
	}
	return "value"
}

// valuePrec is how many decimals values up to largest need: prec for a
// market of 1 or more, and enough for three significant digits below it,
// so a market of US$ 0.00123 bn reads 0.00123, not 0.00.
func valuePrec(largest float64, prec int) int { return numtext.Prec(largest, prec) }

// fmtAmount writes an amount of money at the precision its size needs.
func fmtAmount(v float64) string { return fmtNum(v, valuePrec(math.Abs(v), 2)) }

// hugeDigits is the number of whole digits (a trillion units and more)
// from which the screen writes a number in scientific notation, to six
// significant digits (1.12172e+61). A market at the limits (1e9 growing
// 999 % a year for 50 years) reaches 1e59, and its 60 digits, most of
// them made up by the arithmetic, squeezed the table to one year and were
// cut on the chart's axis.
const hugeDigits = 13

// huge writes x in scientific notation if it has hugeDigits whole digits
// or more.
func huge(x float64) (string, bool) {
	if math.Abs(x) < math.Pow10(hugeDigits-1) {
		return "", false
	}
	return strconv.FormatFloat(x, 'g', 6, 64), true
}

// fmtNum writes x with prec decimals and its thousands grouped
// (21,791.03), so a large value reads at a glance; "–" when undefined.
func fmtNum(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	if s, ok := huge(x); ok {
		return s
	}
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-") // "0.0", not "-0.0"
	}
	return numtext.Group(s)
}

// fmtSigned is fmtNum with a sign, except on a change that rounds to zero.
func fmtSigned(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	if s, ok := huge(x); ok {
		if x > 0 {
			s = "+" + s
		}
		return s
	}
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-") // no sign on "-0.0"
	}
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return numtext.Group(s)
}

// treeWidth is the width of the tree pane that shows every segment's
// name whole: the longest name, indented, with its drill marker, then the
// number columns and the borders.
func treeWidth(ds *model.Dataset) int {
	longest := len("Segment")
	for _, node := range ds.Nodes {
		longest = max(longest, ansi.StringWidth(clean(node.Name)))
	}
	return 2 + 1 + longest + 4 + treeShareW + 2*treeRateW + treeMarkW + 1
}

// maxRows is the most rows any level of any dimension lists.
func maxRows(ds *model.Dataset) int {
	n := 0
	for _, d := range ds.Dims {
		n = max(n, len(d.Top)+1)
	}
	for _, node := range ds.Nodes {
		n = max(n, len(node.Children)+1)
	}
	return n
}
