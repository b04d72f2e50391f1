package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"iomt/internal/numtext"
	"iomt/internal/safetext"
)

// The year table while comparing. Its columns come in groups, one per
// year and then the realised CAGR's and the share change's, each group a
// column per scenario, named on a second header line. Two views, V
// switches: side by side (the scenario on screen, then each compared
// one, in the chart's metric) and differences (each compared scenario
// minus the one on screen: money and %, or pp). The groups scroll with
// ←/→ when the table has focus; the end year comes first into view.
// The copy (tsv) holds the view on screen, every year.

// comparedView is what the table compares: the scenarios of its columns
// and how it writes a cell.
type comparedView struct {
	t     *yearTable
	diffs bool
	names []string // the columns' scenarios
	prec  int      // decimals of values
}

func (t *yearTable) comparedView() comparedView {
	e := t.e
	v := comparedView{t: t, diffs: e.sel.differences}
	if !v.diffs {
		v.names = append(v.names, clean(e.scen.Name()))
	}
	for _, c := range e.scen.Compared() {
		v.names = append(v.names, clean(c.name))
	}
	v.prec = 1
	if e.sel.metric == MetricValue {
		largest := e.scen.Result().Value(0, e.scen.Result().Years-1)
		for _, c := range e.scen.Compared() {
			largest = max(largest, c.res.Value(0, c.res.Years-1))
		}
		v.prec = numtext.SigPrec(largest, 2)
	}
	return v
}

// figure is column s's number of node n in group g (a year index, then
// years for the realised CAGR and years+1 for the share change), and
// for a difference of values its % of the scenario on screen (else NaN).
func (v comparedView) figure(g, s, n int) (x, pct float64) {
	e := v.t.e
	res := e.scen.Result()
	from, to, _ := e.scen.Window()
	of := func(r interface {
		CAGR(n, y0, y1 int) float64
		ShareChange(n, y0, y1 int) float64
	}, metric func() float64) float64 {
		switch g {
		case res.Years:
			return r.CAGR(n, from, to)
		case res.Years + 1:
			return r.ShareChange(n, from, to)
		}
		return metric()
	}
	own := of(res, func() float64 { return metricOf(res, e.sel.metric, n, g) })
	if !v.diffs && s == 0 {
		return own, math.NaN()
	}
	ci := s
	if !v.diffs {
		ci--
	}
	c := &e.scen.Compared()[ci].res
	theirs := of(c, func() float64 { return metricOf(c, e.sel.metric, n, g) })
	if !v.diffs {
		return theirs, math.NaN()
	}
	pct = math.NaN()
	if g < res.Years && e.sel.metric == MetricValue && own != 0 {
		pct = (theirs - own) / own * 100
	}
	return theirs - own, pct
}

// cell writes column s of node n in group g as the screen shows it.
func (v comparedView) cell(g, s, n int) string {
	years := v.t.e.scen.Result().Years
	x, pct := v.figure(g, s, n)
	switch {
	case g == years+1:
		return fmtSigned(x, 1)
	case g == years && v.diffs:
		return fmtSigned(x, 1)
	case g == years:
		return fmtNum(x, 1)
	case !v.diffs && v.t.e.sel.metric == MetricValue:
		return fmtNum(x, v.prec)
	case !v.diffs:
		return fmtNum(x, 1)
	case math.IsNaN(x):
		return "–"
	case v.t.e.sel.metric != MetricValue:
		return fmtSigned(x, 2) + " pp"
	case math.IsNaN(pct):
		return fmtSigned(x, v.prec)
	}
	return fmtSigned(x, v.prec) + " " + fmtSigned(pct, 1) + "%"
}

// groupLabel names group g on the first header line.
func (v comparedView) groupLabel(g int) string {
	res := v.t.e.scen.Result()
	switch g {
	case res.Years:
		return "Real CAGR"
	case res.Years + 1:
		return "Δshare pp"
	}
	return strconv.Itoa(res.Year(g))
}

// refreshCompared lays the compare table out: the widths of each group's
// columns (over every year, so they hold while scrolling), the groups
// that fit from the offset, then the rows.
func (t *yearTable) refreshCompared() {
	e := t.e
	t.headLines = 2
	v := t.comparedView()
	inner := t.width - 2
	rows := e.sel.rows()
	years := e.scen.Result().Years
	groups := years + 2
	// One width per scenario for the year groups, one for each trailing.
	sub := make([][]int, groups)
	yearW := make([]int, len(v.names))
	for s := range v.names {
		yearW[s] = 6
		for _, n := range rows {
			for g := range years {
				yearW[s] = max(yearW[s], ansi.StringWidth(v.cell(g, s, n)))
			}
		}
	}
	for g := range groups {
		sub[g] = make([]int, len(v.names))
		for s := range v.names {
			w := max(6, ansi.StringWidth(v.groupLabel(g))/len(v.names))
			if g < years {
				w = yearW[s]
			} else {
				for _, n := range rows {
					w = max(w, ansi.StringWidth(v.cell(g, s, n)))
				}
			}
			sub[g][s] = w
		}
	}
	groupW := func(g int) int {
		w := 0
		for _, x := range sub[g] {
			w += x + cellPad
		}
		return w
	}
	longest := 16
	for _, n := range rows {
		longest = max(longest, ansi.StringWidth(clean(nodeName(e.ds, n)))+2)
	}
	room := inner - (min(longest, minNameW) + cellPad)
	fits := func(from, to int) bool {
		w := 0
		for g := from; g < to; g++ {
			w += groupW(g)
		}
		return w <= room
	}
	if shape := [4]int{t.width, len(v.names), int(e.sel.metric), btoi(v.diffs)}; shape != t.shape {
		t.shape = shape
		// First shown: the end year, then what follows, then earlier.
		from, to := years-1, years
		for to < groups && fits(from, to+1) {
			to++
		}
		for from > 0 && fits(from-1, to) {
			from--
		}
		t.yearOffset, t.scrolled = from, false
	}
	if t.pinned >= 0 {
		t.yearOffset = t.pinned
	}
	t.yearOffset = max(min(t.yearOffset, groups-1), 0)
	to := t.yearOffset + 1
	for to < groups && fits(t.yearOffset, to+1) {
		to++
	}
	t.yearCols = to - t.yearOffset
	used := 0
	for g := t.yearOffset; g < to; g++ {
		used += groupW(g)
	}
	nameW := max(min(inner-used-cellPad, longest), 4)
	// Room left over goes to the scenarios' names, up to their length.
	spare := inner - used - cellPad - nameW
	for grew := true; spare > 0 && grew; {
		grew = false
		for g := t.yearOffset; g < to && spare > 0; g++ {
			for s := range sub[g] {
				if spare > 0 && sub[g][s] < ansi.StringWidth(v.names[s]) {
					sub[g][s]++
					spare--
					grew = true
				}
			}
		}
	}

	widths := []int{nameW}
	names := []string{"Segment"}
	for g := t.yearOffset; g < to; g++ {
		for s, h := range distinctHeads(v.names, sub[g]) {
			widths = append(widths, sub[g][s])
			names = append(names, padLeftTo(h, sub[g][s]))
		}
	}
	var out strings.Builder
	out.WriteString(e.look.styles.Header.Render(groupLine(nameW, t.yearOffset, to, groupW, v.groupLabel)))
	out.WriteByte('\n')
	out.WriteString(e.look.styles.Header.Render(gridLine(widths, names)))

	vis, cur := t.scrollRows(len(rows))
	cells := make([]string, 0, len(widths))
	for i := t.rowOffset; i < min(len(rows), t.rowOffset+vis); i++ {
		n := rows[i]
		name := clean(nodeName(e.ds, n))
		if i > 0 {
			name = "  " + name
		}
		cells = append(cells[:0], name)
		k := 1
		for g := t.yearOffset; g < to; g++ {
			for s := range v.names {
				cells = append(cells, padLeftTo(v.cell(g, s, n), widths[k]))
				k++
			}
		}
		line := gridLine(widths, cells)
		if i == cur {
			line = e.look.styles.Selected.Render(line)
		}
		out.WriteByte('\n')
		out.WriteString(line)
	}
	t.rendered = out.String()
}

// distinctHeads cuts each scenario's name to its column's width; names
// that would read the same once cut ("Accele…" three times, for
// Accelerated adoption, Accelerated v1 and v2) drop what they share
// instead and show what tells them apart ("…adoption", "…v1", "…v2").
func distinctHeads(names []string, widths []int) []string {
	heads := make([]string, len(names))
	for i, n := range names {
		heads[i] = ansi.Truncate(n, widths[i], "…")
	}
	for i := range heads {
		var same []int
		for j := range heads {
			if heads[j] == heads[i] && names[j] != names[i] {
				same = append(same, j)
			}
		}
		if len(same) == 0 {
			continue
		}
		same = append(same, i)
		common := []rune(names[i])
		for _, j := range same {
			r := []rune(names[j])
			k := 0
			for k < len(common) && k < len(r) && common[k] == r[k] {
				k++
			}
			common = common[:k]
		}
		// Back to a word's start, so "…adoption", not "…doption".
		if k := strings.LastIndexByte(string(common), ' '); k >= 0 {
			common = []rune(string(common)[:k+1])
		}
		if len(common) == 0 {
			continue
		}
		for _, j := range same {
			rest := string([]rune(names[j])[len(common):])
			heads[j] = ansi.Truncate("…"+rest, widths[j], "…")
		}
	}
	return heads
}

// groupLine is the first header line: over each group's columns, a rule
// with its label in the middle.
func groupLine(nameW, from, to int, groupW func(int) int, label func(int) string) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", nameW+cellPad))
	for g := from; g < to; g++ {
		w := groupW(g) - 1 // a blank between groups
		l := " " + label(g) + " "
		if ansi.StringWidth(l) > w {
			l = ansi.Truncate(l, w, "…")
		}
		left := (w - ansi.StringWidth(l)) / 2
		b.WriteString(" " + strings.Repeat("─", left) + l + strings.Repeat("─", w-left-ansi.StringWidth(l)))
	}
	return b.String()
}

// padLeftTo right-aligns s in w cells.
func padLeftTo(s string, w int) string {
	if sw := ansi.StringWidth(s); sw < w {
		return strings.Repeat(" ", w-sw) + s
	}
	return s
}

// comparedTitle names the view, the metric and what the columns are, the
// longest that fits.
func (t *yearTable) comparedTitle() string {
	e := t.e
	_, _, span := e.scen.Window()
	what := "side by side · " + e.sel.metricLabel()
	other := "V: differences"
	if e.sel.differences {
		unit := "pp"
		if e.sel.metric == MetricValue {
			unit = unitLabel(e.ds) + " and %"
		}
		what = "differences, each minus " + clean(e.scen.Name()) + " · " + strings.TrimSuffix(e.sel.metric.String(), ", %") + ", " + unit
		if e.sel.metric == MetricValue {
			what = "differences, each minus " + clean(e.scen.Name()) + " · " + unit
		}
		other = "V: side by side"
	}
	scroll := ""
	if t.yearCols < t.columns() {
		scroll = " (tab ←→)"
	}
	full := "Table: " + what
	for _, c := range []string{
		full + " (" + other + ")" + scroll + " · CAGR window " + span,
		full + " (" + other + ")" + scroll,
		full + scroll,
		full,
	} {
		if ansi.StringWidth(c) <= t.width-4 {
			return c
		}
	}
	return full
}

// tsvCompared is the view on screen as tab-separated cells: every year,
// every scenario, the headers naming each.
func (t *yearTable) tsvCompared() string {
	e := t.e
	v := t.comparedView()
	res := e.scen.Result()
	_, _, span := e.scen.Window()
	own := clean(e.scen.Name())
	unit := unitLabel(e.ds)
	first := "Segment · " + e.sel.metricLabel() + " · side by side"
	if v.diffs {
		first = "Segment · " + e.sel.metricLabel() + " · differences to " + own
	}
	head := []string{first}
	for g := range res.Years + 2 {
		for _, name := range v.names {
			label := v.groupLabel(g)
			switch {
			case g == res.Years:
				label = "Realised CAGR " + span
			case g == res.Years+1:
				label = "Share change " + span
			}
			who := name
			if v.diffs {
				who = name + " − " + own
			}
			switch {
			case !v.diffs && g == res.Years:
				head = append(head, label+" (%) "+who)
			case !v.diffs && g == res.Years+1:
				head = append(head, label+" (pp) "+who)
			case !v.diffs:
				head = append(head, label+" "+who)
			case g >= res.Years || e.sel.metric != MetricValue:
				head = append(head, label+" "+who+" (pp)")
			default:
				head = append(head, label+" "+who+" ("+unit+")", label+" "+who+" (%)")
			}
		}
	}
	rows := [][]string{head}
	for _, n := range e.sel.rows() {
		rec := []string{safetext.Cell(clean(nodeName(e.ds, n)))}
		for g := range res.Years + 2 {
			for s := range v.names {
				x, pct := v.figure(g, s, n)
				rec = append(rec, rawNum(x))
				if v.diffs && g < res.Years && e.sel.metric == MetricValue {
					rec = append(rec, rawNum(pct))
				}
			}
		}
		rows = append(rows, rec)
	}
	return tsvLines(rows)
}

// toggleView switches the compare table between side by side and the
// differences, and says which it shows.
func (s *selection) toggleView(comparing bool) string {
	if !comparing {
		return "Not comparing: c picks up to " + fmt.Sprint(maxCompared) + " scenarios to set beside this one."
	}
	s.differences = !s.differences
	if s.differences {
		return "The table shows the differences: each compared scenario minus this one."
	}
	return "The table shows the scenarios side by side."
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
