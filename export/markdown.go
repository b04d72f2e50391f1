package export

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"iomt/internal/numtext"
	"iomt/internal/safetext"
	"iomt/model"
)

// mark follows a figure that the source reports; the footnote explains it.
const mark = "*"

// footnote is written under the tables when at least one figure is marked.
// It does not start with "*", which Markdown would read as a list item.
const footnote = "Figures marked * are reported in the source; all other figures are estimates."

// Markdown writes a report-ready summary: a title with the market and
// scenario, a line with the source, mode, years and unit, then one table
// per dimension. Rows are the Total, then the dimension's segments in
// dataset order, each followed by its children (prefixed "↳ "), as on
// screen and in the CSV;
// columns are the base-year share of the parent, each year's value (two
// decimals), the entered CAGR, the realised CAGR over the scenario's CAGR
// window (the base year to the end year unless it sets one) and the change
// in share over that window (pp). Figures that
// the source reports, and that the scenario has left as they are, carry a
// "*", explained in a footnote. With in.Compare set, three columns add the
// compared scenario's end-year value and the difference to it; with
// several compared (in.More), three for each, the differences named. Names are
// escaped so that "|" and other Markdown syntax print as written, and a
// title, heading or cell that a spreadsheet would run as a formula when
// the rendered report is pasted into one starts with "'". When
// the scenario gives the report's levers an impact, a last section says
// how the market's growth is made up.
func Markdown(w io.Writer, in Input) error {
	if err := in.check(true); err != nil {
		return err
	}
	ds, a, r, cmp := in.Dataset, in.Assumptions, in.Result, in.Compare
	mk := newMarks(&in)
	// The realised CAGR and the share change over the scenario's window
	// (the whole forecast unless it sets one).
	wFrom, wTo := a.Window.Span(ds)
	from, end := wFrom-ds.BaseYear, wTo-ds.BaseYear
	span := fmt.Sprintf("%d–%d", wFrom, wTo)
	unit := ds.UnitLabel()

	var b strings.Builder
	b.WriteString("# " + mdText(safetext.Cell(ds.Market)))
	if s := strings.TrimSpace(in.Scenario); s != "" {
		b.WriteString(" — " + mdText(s))
	}
	b.WriteString("\n\n")
	var facts []string
	if ds.Source != "" {
		facts = append(facts, "Source: "+mdText(ds.Source))
	}
	mode := a.Mode.String()
	if a.Mode == model.BottomUp {
		mode += " (driven by " + mdText(ds.Dims[a.Driver].Name) + ")"
	}
	facts = append(facts, "Mode: "+mode, fmt.Sprintf("Years: %d–%d", ds.BaseYear, ds.EndYear), "Values: "+mdText(unit))
	if cmp != nil {
		var names []string
		for _, c := range in.compared() {
			names = append(names, mdText(c.Scenario))
		}
		facts = append(facts, "Compared with: "+strings.Join(names, ", "))
	}
	b.WriteString(strings.Join(facts, " · ") + "\n")

	header := []string{"Segment", fmt.Sprintf("Share %d (%%)", ds.BaseYear)}
	align := []string{":---", "---:"}
	for yi := range r.Years {
		header = append(header, strconv.Itoa(r.Year(yi)))
		align = append(align, "---:")
	}
	header = append(header, "Entered CAGR (%)", "CAGR "+span+" (%)", "Share change "+span+" (pp)")
	align = append(align, "---:", "---:", "---:")
	for i, c := range in.compared() {
		name := mdText(safetext.Cell(c.Scenario))
		delta := "Δ"
		if i > 0 || len(in.More) > 0 {
			// Several differences: each says which it is.
			delta = "Δ " + name
		}
		header = append(header,
			fmt.Sprintf("%s %d (%s)", name, ds.EndYear, mdText(unit)),
			fmt.Sprintf("%s %d (%s)", delta, ds.EndYear, mdText(unit)),
			fmt.Sprintf("%s %d (%%)", delta, ds.EndYear))
		align = append(align, "---:", "---:", "---:")
	}

	// Values at the precision a market below 1 needs (three significant
	// digits: 0.00100, not 0.00); two decimals otherwise, and never more
	// than twelve significant digits (fewer decimals, then 7.9e+28).
	largest := 0.0
	for n := range ds.Nodes {
		for yi := range r.Years {
			largest = max(largest, math.Abs(r.Value(n, yi)))
		}
	}
	prec := numtext.SigPrec(largest, 2)
	money := func(x float64) string {
		if !finite(x) {
			return "–"
		}
		return numtext.Sig(x, prec)
	}
	signedMoney := func(x float64) string {
		s := money(x)
		if x > 0 && s != money(0) {
			s = "+" + s
		}
		return s
	}

	marked := false
	cell := func(text string, n int, field string) string {
		if mk.is(n, field) {
			marked = true
			return text + mark
		}
		return text
	}
	line := func(name string, n int) {
		cells := []string{mdText(safetext.Cell(name)), cell(fixed(r.Share(n, 0)), n, model.FieldShare)}
		for yi := range r.Years {
			v := money(r.Value(n, yi))
			if yi == 0 {
				v = cell(v, n, model.FieldValue)
			}
			cells = append(cells, v)
		}
		entered := "–" // bottom-up: the total's rate is an output, not an input
		if n != 0 || a.Mode == model.TopDown {
			entered = cell(fixed(a.Growth[n]), n, model.FieldCAGR)
		}
		cells = append(cells, entered, fixed(r.CAGR(n, from, end)), signed(r.ShareChange(n, from, end)))
		for _, c := range in.compared() {
			last := r.Years - 1
			av, bv := r.Value(n, last), c.Result.Value(n, last)
			cells = append(cells, money(bv), signedMoney(av-bv), signed(diffPct(av, bv)))
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}

	for _, d := range ds.Dims {
		b.WriteString("\n## " + mdText(safetext.Cell(d.Name)) + "\n\n")
		b.WriteString("| " + strings.Join(header, " | ") + " |\n")
		b.WriteString("|" + strings.Join(align, "|") + "|\n")
		var walk func(n int, prefix string)
		walk = func(n int, prefix string) {
			line(prefix+ds.Nodes[n].Name, n)
			for _, c := range ds.Nodes[n].Children {
				walk(c, "↳ "+prefix)
			}
		}
		line(model.TotalName, 0) // first, as on screen and in the CSV
		for _, n := range d.Top {
			walk(n, "")
		}
	}
	mdAssumptions(&b, ds, a)
	if sum := a.DriverSum(); sum != 0 {
		b.WriteString("\n## Levers\n\n")
		fmt.Fprintf(&b, "The market grows %s %% a year where no year has a rate of its own: %s entered", fixed(a.MarketGrowth()), fixed(a.Growth[0]))
		for i, l := range ds.Levers {
			if v := a.Drivers[i]; v != 0 {
				fmt.Fprintf(&b, ", %s pp %s (%s)", signed(v), mdText(l.Name), l.Kind)
			}
		}
		b.WriteString(".\n")
	}
	if marked {
		b.WriteString("\n" + footnote + "\n")
	} else {
		b.WriteString("\nAll figures are estimates.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fixed formats x with two decimals, "–" when it is undefined, and never
// as "-0.00".
func fixed(x float64) string { return fixedPrec(x, 2) }

// fixedPrec is fixed with prec decimals.
func fixedPrec(x float64, prec int) string {
	if !finite(x) {
		return "–"
	}
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-")
	}
	return s
}

// signed is fixed with an explicit "+" on gains, for changes and
// differences.
func signed(x float64) string {
	s := fixed(x)
	if finite(x) && s != "0.00" && !strings.HasPrefix(s, "-") {
		return "+" + s
	}
	return s
}

// mdText makes text from a data file safe in a heading or table cell:
// control characters become spaces and Markdown syntax is escaped, so a
// segment called "A|B" or "*new*" prints as written and cannot break the
// table.
func mdText(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, c := range rs {
		switch {
		case unicode.IsControl(c):
			b.WriteByte(' ')
			continue
		case strings.ContainsRune("\\`*_[]<>|#~", c):
			b.WriteByte('\\')
		case c == '&' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]):
			// "& " can never start an HTML entity; "&amp;" can.
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}
