package export

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/xuri/excelize/v2"

	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/internal/safetext"
	"iomt/model"
)

// A scenario summary sets scenarios side by side, as Excel's Scenario
// Summary does: first the assumptions that differ in any of them, each
// scenario's value ("=" where it keeps the dataset's), then the results,
// each scenario a column.

// Scenario is one scenario of a summary: its name, assumptions and
// projection.
type Scenario struct {
	Name        string
	Assumptions *model.Assumptions
	Result      *forecast.Result
}

// SummaryInput is what a summary shows.
type SummaryInput struct {
	Dataset *model.Dataset
	// Scenarios are the columns, in order: at most 1 + MaxCompare.
	Scenarios []Scenario
	// Nodes are the results' rows; none: the Total and each top-level
	// segment of every dimension.
	Nodes []int
	// Year is the results' year; 0: the end year.
	Year int
}

// Summary is a summary's rows, ready for any format.
type Summary struct {
	Market, Unit string
	Scenarios    []string
	Year         int
	Rows         []SummaryRow
}

// SummaryRow is one assumption or result of a summary.
type SummaryRow struct {
	// Item names it as files do: Total/cagr_pct, or for a result
	// Region/North America/value_usd_bn/2027.
	Item string
	// Kind is "assumption" or "result".
	Kind string
	// Label is what a reader sees: the path, or for a result the node's
	// path alone (the year and unit are in the heading).
	Label string
	// Cells are each scenario's value.
	Cells []SummaryCell
}

// SummaryCell is one scenario's value of a row.
type SummaryCell struct {
	Number float64 // NaN when Text says it
	Text   string  // a value that is no figure: "CAGR", "bottom-up (Region)"
	Keeps  bool    // an assumption as the dataset has it
}

// BuildSummary checks in and lays out its rows.
func BuildSummary(in SummaryInput) (*Summary, error) {
	ds := in.Dataset
	switch {
	case ds == nil:
		return nil, errors.New("summary: no dataset")
	case len(in.Scenarios) == 0:
		return nil, errors.New("summary: no scenario")
	case len(in.Scenarios) > 1+MaxCompare:
		return nil, fmt.Errorf("summary: %d scenarios; at most %d side by side", len(in.Scenarios), 1+MaxCompare)
	}
	year := in.Year
	if year == 0 {
		year = ds.EndYear
	}
	yi := year - ds.BaseYear
	if yi < 0 || yi >= ds.Years() {
		return nil, fmt.Errorf("summary: year %d is outside %d–%d", year, ds.BaseYear, ds.EndYear)
	}
	as := make([]*model.Assumptions, len(in.Scenarios))
	s := &Summary{Market: ds.Market, Unit: ds.UnitLabel(), Year: year}
	for i, sc := range in.Scenarios {
		if sc.Assumptions == nil || sc.Result == nil || sc.Result.Nodes != len(ds.Nodes) || sc.Result.Years != ds.Years() {
			return nil, fmt.Errorf("summary: scenario %q is not projected over this dataset", sc.Name)
		}
		as[i] = sc.Assumptions
		s.Scenarios = append(s.Scenarios, sc.Name)
	}
	base := ds.Base()
	items := ds.Differences(as...)
	if len(as) == 1 {
		// Alone, a scenario is set beside the dataset it changes.
		items = ds.Differences(&base, as[0])
	}
	for _, it := range items {
		row := SummaryRow{Item: it.Path, Kind: "assumption", Label: it.Path}
		for _, a := range as {
			row.Cells = append(row.Cells, SummaryCell{Number: it.Number(a), Text: ds.Text(a, it), Keeps: !it.Differs(&base, a, false)})
		}
		s.Rows = append(s.Rows, row)
	}
	nodes := in.Nodes
	if len(nodes) == 0 {
		nodes = []int{0}
		for _, d := range ds.Dims {
			nodes = append(nodes, d.Top...)
		}
	}
	for _, n := range nodes {
		if n < 0 || n >= len(ds.Nodes) {
			return nil, fmt.Errorf("summary: no node %d", n)
		}
		path := ds.Nodes[n].Path
		row := SummaryRow{Item: fmt.Sprintf("%s/value_%s/%d", path, ds.UnitSlug(), year), Kind: "result", Label: path}
		for _, sc := range in.Scenarios {
			row.Cells = append(row.Cells, SummaryCell{Number: sc.Result.Value(n, yi)})
		}
		s.Rows = append(s.Rows, row)
	}
	return s, nil
}

// SummaryFormats are the formats a summary is written in.
func SummaryFormats() []string { return []string{"text", "csv", "md", "xlsx"} }

// WriteSummary writes s in format, one of SummaryFormats; text is laid
// out for a terminal of width columns (80 on the command line).
func WriteSummary(w io.Writer, format string, s *Summary, width int) error {
	switch format {
	case "text":
		_, err := io.WriteString(w, s.Text(width))
		return err
	case "csv":
		return s.csv(w)
	case "md":
		_, err := io.WriteString(w, s.markdown())
		return err
	case "xlsx":
		return s.xlsx(w)
	}
	return fmt.Errorf("unknown summary format %q (valid formats: %s)", format, strings.Join(SummaryFormats(), ", "))
}

// figure writes a cell for people: two decimals, thousands grouped; the
// text of a value that is no figure; "=" for an assumption kept.
func (c SummaryCell) figure(mark bool) string {
	switch {
	case mark && c.Keeps:
		return "="
	case c.Text != "":
		return c.Text
	case math.IsNaN(c.Number) || math.IsInf(c.Number, 0):
		return "–"
	}
	return numtext.Format(c.Number, 2)
}

// raw writes a cell for machines: twelve significant digits, or the text.
func (c SummaryCell) raw() string {
	if c.Text != "" {
		return c.Text
	}
	return num(c.Number)
}

// csv writes item,kind,<scenario>,…: every value, a kept one too.
func (s *Summary) csv(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"item", "kind"}
	for _, n := range s.Scenarios {
		head = append(head, safetext.Cell(n))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range s.Rows {
		rec := []string{safetext.Cell(r.Item), r.Kind}
		for _, c := range r.Cells {
			if c.Text != "" {
				rec = append(rec, safetext.Cell(c.Text))
			} else {
				rec = append(rec, c.raw())
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// headings are the two sections' titles.
func (s *Summary) headings() (string, string) {
	return "Assumptions that differ (= as the dataset has it)",
		fmt.Sprintf("Results: value in %d, %s", s.Year, s.Unit)
}

// none says why no assumption is listed.
func (s *Summary) none() string {
	if len(s.Scenarios) == 1 {
		return "none: it keeps the dataset's figures"
	}
	return "none: the scenarios' assumptions are the same"
}

// markdown writes a table per section.
func (s *Summary) markdown() string {
	var b strings.Builder
	names := make([]string, len(s.Scenarios))
	for i, n := range s.Scenarios {
		names[i] = mdText(safetext.Cell(n))
	}
	fmt.Fprintf(&b, "# %s — scenario summary\n", mdText(safetext.Cell(s.Market)))
	ha, hr := s.headings()
	for _, sec := range []struct{ kind, title string }{{"assumption", ha}, {"result", hr}} {
		fmt.Fprintf(&b, "\n## %s\n\n", sec.title)
		b.WriteString("| Item | " + strings.Join(names, " | ") + " |\n|:---" + strings.Repeat("|---:", len(names)) + "|\n")
		rows := 0
		for _, r := range s.Rows {
			if r.Kind != sec.kind {
				continue
			}
			rows++
			cells := []string{mdText(safetext.Cell(r.Label))}
			for _, c := range r.Cells {
				cells = append(cells, mdText(c.figure(true)))
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		if rows == 0 {
			b.WriteString("| " + s.none() + " |" + strings.Repeat(" |", len(names)) + "\n")
		}
	}
	return b.String()
}

// Text lays the summary out for a terminal width columns wide: the item
// column, then a column per scenario, its name wrapped over lines; when
// the scenarios do not fit beside the items, they come in blocks, each
// with the items again. An item too long for its column gets a line of
// its own, its figures on the next.
func (s *Summary) Text(width int) string {
	width = max(width, 40)
	cols := make([]int, len(s.Scenarios))
	for i, n := range s.Scenarios {
		w := 10
		for _, word := range strings.Fields(safetext.Escape(n)) {
			w = max(w, min(ansi.StringWidth(word), 16))
		}
		for _, r := range s.Rows {
			w = max(w, ansi.StringWidth(r.Cells[i].figure(true)))
		}
		cols[i] = w
	}
	const minItem = 24
	longest := minItem
	for _, r := range s.Rows {
		longest = max(longest, ansi.StringWidth(safetext.Escape(r.Label))+2)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Scenario summary · %s\n", safetext.Escape(s.Market))
	for from := 0; from < len(cols); {
		to, used := from, 0
		for to < len(cols) && (to == from || minItem+used+cols[to]+2 <= width) {
			used += cols[to] + 2
			to++
		}
		// No wider than the longest item: on a wide screen the figures
		// stay next to their labels.
		itemW := max(min(width-used, longest), minItem)
		if from > 0 {
			b.WriteString("\n")
		}
		s.textBlock(&b, from, to, cols, itemW)
		from = to
	}
	return b.String()
}

// textBlock writes scenarios from to to (exclusive) beside the items.
func (s *Summary) textBlock(b *strings.Builder, from, to int, cols []int, itemW int) {
	// The names, wrapped to their columns, aligned on their last line.
	var heads [][]string
	lines := 1
	for i := from; i < to; i++ {
		h := wrapWords(safetext.Escape(s.Scenarios[i]), cols[i])
		heads = append(heads, h)
		lines = max(lines, len(h))
	}
	for l := range lines {
		b.WriteString(strings.Repeat(" ", itemW))
		for j, h := range heads {
			text := ""
			if k := l - (lines - len(h)); k >= 0 {
				text = h[k]
			}
			b.WriteString("  " + padLeft(text, cols[from+j]))
		}
		b.WriteString("\n")
	}
	ha, hr := s.headings()
	for _, sec := range []struct{ kind, title string }{{"assumption", ha}, {"result", hr}} {
		b.WriteString("\n" + ansi.Truncate(sec.title, itemW+sumCols(cols[from:to]), "…") + "\n")
		rows := 0
		for _, r := range s.Rows {
			if r.Kind != sec.kind {
				continue
			}
			rows++
			label := "  " + safetext.Escape(r.Label)
			if ansi.StringWidth(label) > itemW {
				b.WriteString(label + "\n")
				label = ""
			}
			b.WriteString(label + strings.Repeat(" ", itemW-ansi.StringWidth(label)))
			for i := from; i < to; i++ {
				b.WriteString("  " + padLeft(safetext.Escape(r.Cells[i].figure(true)), cols[i]))
			}
			b.WriteString("\n")
		}
		if rows == 0 {
			b.WriteString("  " + s.none() + "\n")
		}
	}
}

func sumCols(cols []int) int {
	n := 0
	for _, c := range cols {
		n += c + 2
	}
	return n
}

// padLeft right-aligns s in w columns.
func padLeft(s string, w int) string {
	if sw := ansi.StringWidth(s); sw < w {
		return strings.Repeat(" ", w-sw) + s
	}
	return s
}

// wrapWords breaks s into lines of at most w columns at spaces; a word
// longer than w is cut with "…".
func wrapWords(s string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		word = ansi.Truncate(word, w, "…")
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	return append(out, line)
}

// xlsx writes one sheet, Summary: item, kind, then a column per
// scenario; a kept assumption in grey. Figures are numbers.
func (s *Summary) xlsx(w io.Writer) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("xlsx: %w", cerr)
		}
	}()
	const sheet = "Summary"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	sw := newSheetWriter(f, sheet)
	sw.row(1, st.header, append([]string{"item", "kind"}, s.Scenarios...)...)
	for i, r := range s.Rows {
		row := i + 2
		sw.cell(row, 1, r.Item, st.name)
		sw.cell(row, 2, r.Kind, st.name)
		for j, c := range r.Cells {
			style := st.value
			if c.Keeps {
				style = st.fixed
			}
			if c.Text != "" {
				sw.cell(row, 3+j, c.Text, style)
			} else {
				sw.num(row, 3+j, c.Number, style)
			}
		}
	}
	note := len(s.Rows) + 3
	sw.cell(note, 1, fmt.Sprintf("Assumptions in grey are the dataset's own. Results are values in %d, %s.", s.Year, s.Unit), st.note)
	if sw.err != nil {
		return sw.err
	}
	if err := f.SetColWidth(sheet, "A", "A", 60); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "C", colName(2+len(s.Scenarios)), 22); err != nil {
		return err
	}
	yes := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &yes}); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: s.Market + " — scenario summary", Creator: "iomt"}); err != nil {
		return err
	}
	return sortedWorkbook(f, w)
}

// sortedWorkbook writes f with its parts in a fixed order (see
// sortedZip), so that the same summary gives the same bytes.
func sortedWorkbook(f *excelize.File, w io.Writer) error {
	var buf strings.Builder
	if err := f.Write(&buf); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return sortedZip(w, []byte(buf.String()))
}
