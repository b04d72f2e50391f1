package export

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"iomt/model"
)

type mdTable struct {
	heading string // the "## " line above the table
	header  []string
	rows    [][]string
}

type mdDoc struct {
	lines  []string
	tables []mdTable
}

// splitRow splits a table row on the pipes that are not escaped.
func splitRow(t *testing.T, line string) []string {
	t.Helper()
	if !strings.HasPrefix(line, "| ") || !strings.HasSuffix(line, " |") {
		t.Fatalf("table row %q is not framed by pipes", line)
	}
	inner := line[2 : len(line)-2]
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(inner); i++ {
		switch {
		case inner[i] == '\\' && i+1 < len(inner):
			cur.WriteByte(inner[i])
			cur.WriteByte(inner[i+1])
			i++
		case inner[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(inner[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

func writeMarkdown(t *testing.T, in Input) (string, mdDoc) {
	t.Helper()
	var buf bytes.Buffer
	if err := Markdown(&buf, in); err != nil {
		t.Fatalf("Markdown: %v", err)
	}
	raw := buf.String()
	doc := mdDoc{lines: strings.Split(strings.TrimSuffix(raw, "\n"), "\n")}
	heading := ""
	for i := 0; i < len(doc.lines); i++ {
		l := doc.lines[i]
		if strings.HasPrefix(l, "## ") {
			heading = l
		}
		if !strings.HasPrefix(l, "|") {
			continue
		}
		tb := mdTable{heading: heading, header: splitRow(t, l)}
		if i+1 >= len(doc.lines) || !strings.HasPrefix(doc.lines[i+1], "|:---|") {
			t.Fatalf("table header %q has no alignment row", l)
		}
		if n := strings.Count(doc.lines[i+1], "|") - 1; n != len(tb.header) {
			t.Fatalf("alignment row has %d columns, header %d", n, len(tb.header))
		}
		for i += 2; i < len(doc.lines) && strings.HasPrefix(doc.lines[i], "|"); i++ {
			row := splitRow(t, doc.lines[i])
			if len(row) != len(tb.header) {
				t.Errorf("row %q has %d cells, header %d", doc.lines[i], len(row), len(tb.header))
			}
			tb.rows = append(tb.rows, row)
		}
		doc.tables = append(doc.tables, tb)
	}
	return raw, doc
}

// cell returns the cell of the row named name under the column named col.
func (tb mdTable) cell(t *testing.T, name, col string) string {
	t.Helper()
	c := slices.Index(tb.header, col)
	if c < 0 {
		t.Fatalf("%s: no column %q in %q", tb.heading, col, tb.header)
	}
	for _, r := range tb.rows {
		if r[0] == name {
			return r[c]
		}
	}
	t.Fatalf("%s: no row %q", tb.heading, name)
	return ""
}

func TestMarkdownTables(t *testing.T) {
	ds := loadEmbedded(t)
	raw, doc := writeMarkdown(t, baseInput(ds, "Base"))
	if doc.lines[0] != "# Internet of Medical Things — Base" {
		t.Errorf("title = %q", doc.lines[0])
	}
	if l := doc.lines[2]; !strings.Contains(l, "Source: "+ds.Source) || !strings.Contains(l, "top-down") || !strings.Contains(l, "2019–2027") || !strings.Contains(l, "US$ bn") {
		t.Errorf("facts line = %q, want source, mode, years and unit", l)
	}
	// docs/DESIGN.md §1: Component has 4 segments and 11 sub-segments,
	// Application 6, End-User 3, Region 5 and 14 countries; plus Total.
	want := map[string]int{"## Component": 16, "## Application": 7, "## End-User": 4, "## Region": 20}
	if len(doc.tables) != 4 {
		t.Fatalf("%d tables, want one per dimension (4)", len(doc.tables))
	}
	wantHeader := []string{"Segment", "Share 2019 (%)", "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027",
		"Entered CAGR (%)", "CAGR 2019–2027 (%)", "Share change 2019–2027 (pp)"}
	for i, tb := range doc.tables {
		if tb.heading != "## "+ds.Dims[i].Name {
			t.Errorf("table %d under %q, want %q", i, tb.heading, "## "+ds.Dims[i].Name)
		}
		if len(tb.rows) != want[tb.heading] {
			t.Errorf("%s: %d rows, want %d", tb.heading, len(tb.rows), want[tb.heading])
		}
		if !slices.Equal(tb.header, wantHeader) {
			t.Errorf("%s header = %q", tb.heading, tb.header)
		}
		// The Total first, as on screen and in the CSV.
		if first := tb.rows[0][0]; first != "Total" {
			t.Errorf("%s: first row %q, want Total", tb.heading, first)
		}
	}
	region := doc.tables[3]
	names := []string{}
	for _, r := range region.rows[1:6] {
		names = append(names, r[0])
	}
	if w := []string{"North America", "↳ United States", "↳ Canada", "↳ Rest of North America", "Europe"}; !slices.Equal(names, w) {
		t.Errorf("Region rows %q, want %q", names, w)
	}
	if !strings.HasSuffix(raw, "\n") || strings.Contains(raw, "NaN") {
		t.Error("output does not end in a newline, or holds NaN")
	}
}

// TestMarkdownValues checks every figure of every table against the
// Result, rounded to two decimals.
func TestMarkdownValues(t *testing.T) {
	ds := loadEmbedded(t)
	in := baseInput(ds, "Base")
	r, end := in.Result, ds.Years()-1
	_, doc := writeMarkdown(t, in)
	two := func(x float64) string { return fmt.Sprintf("%.2f", x) }
	for di, tb := range doc.tables {
		for _, row := range tb.rows {
			name := strings.TrimPrefix(row[0], "↳ ")
			n := 0
			if name != "Total" {
				for _, id := range ds.Groups[ds.Dims[di].Group].Members {
					if ds.Nodes[id].Name == name {
						n = id
					}
					for _, c := range ds.Nodes[id].Children {
						if ds.Nodes[c].Name == name {
							n = c
						}
					}
				}
				if n == 0 {
					t.Fatalf("%s: row %q is no segment", tb.heading, row[0])
				}
			}
			plain := func(s string) string { return strings.TrimSuffix(strings.TrimPrefix(s, "+"), "*") }
			if got := plain(row[1]); got != two(r.Share(n, 0)) {
				t.Errorf("%s %s share = %q, want %s", tb.heading, name, row[1], two(r.Share(n, 0)))
			}
			for yi := range ds.Years() {
				if got := plain(row[2+yi]); got != two(r.Value(n, yi)) {
					t.Errorf("%s %s %d = %q, want %s", tb.heading, name, ds.BaseYear+yi, row[2+yi], two(r.Value(n, yi)))
				}
			}
			k := 2 + ds.Years()
			chg := r.Share(n, end) - r.Share(n, 0)
			for j, w := range []string{two(in.Assumptions.Growth[n]), two(r.CAGR(n, 0, end)), two(chg)} {
				if got := plain(row[k+j]); got != w && !(w == "-0.00" && got == "0.00") {
					t.Errorf("%s %s %s = %q, want %s", tb.heading, name, tb.header[k+j], row[k+j], w)
				}
			}
			if s := row[k+2]; chg > 0.005 && !strings.HasPrefix(s, "+") {
				t.Errorf("%s %s share gain %q has no +", tb.heading, name, s)
			}
		}
	}
}

func TestMarkdownReportedMarks(t *testing.T) {
	raw, doc := writeMarkdown(t, baseInput(loadEmbedded(t), "Base"))
	type at struct{ table, row, col, text string }
	var got []at
	for _, tb := range doc.tables {
		for _, r := range tb.rows {
			for c, s := range r {
				if strings.Contains(s, "*") {
					got = append(got, at{tb.heading, r[0], tb.header[c], s})
				}
			}
		}
	}
	var want []at
	for _, d := range []struct{ table, row, col, text string }{
		{"## Component", "Medical Devices", "Share 2019 (%)", "36.60*"},
		{"## Application", "Telemedicine", "Share 2019 (%)", "31.20*"},
		{"## End-User", "Hospitals, Surgical Centers, and Clinics", "Share 2019 (%)", "74.90*"},
		{"## Region", "North America", "2019", "16.60*"},
	} {
		want = append(want, at(d))
		want = append(want, at{d.table, "Total", "2019", "51.20*"}, at{d.table, "Total", "Entered CAGR (%)", "18.50*"})
	}
	key := func(a at) string { return a.table + "|" + a.row + "|" + a.col + "|" + a.text }
	gotKeys, wantKeys := []string{}, []string{}
	for _, a := range got {
		gotKeys = append(gotKeys, key(a))
	}
	for _, a := range want {
		wantKeys = append(wantKeys, key(a))
	}
	slices.Sort(gotKeys)
	slices.Sort(wantKeys)
	if !slices.Equal(gotKeys, wantKeys) {
		t.Errorf("marked cells:\n%s\nwant:\n%s", strings.Join(gotKeys, "\n"), strings.Join(wantKeys, "\n"))
	}
	if c := doc.tables[0].cell(t, "Medical Devices", "CAGR 2019–2027 (%)"); strings.Contains(c, "*") {
		t.Errorf("Medical Devices' realised CAGR %q is marked; it is an output", c)
	}
	if !strings.Contains(raw, "\nFigures marked * are reported in the source; all other figures are estimates.\n") {
		t.Error("no footnote explaining the marks")
	}
}

// TestMarkdownChangedFiguresLoseMarks: a figure the scenario changes is no
// longer the report's, even when the change comes from a sibling.
func TestMarkdownChangedFiguresLoseMarks(t *testing.T) {
	ds := loadEmbedded(t)
	in := edited(t, ds, "Changed",
		model.Edit{Kind: model.SetShare, Node: node(t, ds, "Component/Systems and Software"), Value: 30},
		model.Edit{Kind: model.SetGrowth, Node: 0, Value: 20},
		model.Edit{Kind: model.SetGrowth, Node: node(t, ds, "Region/North America"), Value: 25},
	)
	_, doc := writeMarkdown(t, in)
	comp, region := doc.tables[0], doc.tables[3]
	for _, c := range []struct {
		tb        mdTable
		row, col  string
		wantMark  bool
		wantValue string
	}{
		{comp, "Medical Devices", "Share 2019 (%)", false, ""},
		{comp, "Total", "Entered CAGR (%)", false, "20.00"},
		{comp, "Total", "2019", true, "51.20*"},
		{doc.tables[1], "Telemedicine", "Share 2019 (%)", true, "31.20*"},
		{region, "North America", "2019", true, "16.60*"},
		{region, "North America", "Entered CAGR (%)", false, "25.00"},
	} {
		got := c.tb.cell(t, c.row, c.col)
		if strings.HasSuffix(got, "*") != c.wantMark || (c.wantValue != "" && got != c.wantValue) {
			t.Errorf("%s %s %s = %q, want marked=%v %s", c.tb.heading, c.row, c.col, got, c.wantMark, c.wantValue)
		}
	}
}

func TestMarkdownNoMarksNoFootnote(t *testing.T) {
	ds, err := model.LoadDataset("plain.yaml", []byte(strings.NewReplacer(
		"  reported: [value_bn, cagr_pct]\n", "",
		"        reported: [share_pct]\n", "",
		"        reported: [cagr_pct]\n", "",
		", reported: [value_bn]", "",
	).Replace(smallYAML)))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := writeMarkdown(t, baseInput(ds, "Plain"))
	if strings.Contains(raw, "*") || !strings.Contains(raw, "\nAll figures are estimates.\n") {
		t.Errorf("a dataset without reported figures: want no marks and a note that all are estimates:\n%s", raw)
	}
}

// TestMarkdownSmallByHand checks the small dataset's tables, including
// escaping and the hand-computed figures (see smallYAML).
func TestMarkdownSmallByHand(t *testing.T) {
	raw, doc := writeMarkdown(t, baseInput(loadSmall(t), "Hand *draft*"))
	if doc.lines[0] != `# Widgets \| Gadgets — Hand \*draft\*` {
		t.Errorf("title = %q", doc.lines[0])
	}
	if len(doc.tables) != 2 {
		t.Fatalf("%d tables, want 2", len(doc.tables))
	}
	kind, place := doc.tables[0], doc.tables[1]
	var names []string
	for _, r := range kind.rows {
		names = append(names, r[0])
	}
	if w := []string{"Total", "Alpha, Beta", "↳ A1", `↳ A\|2`, `Gamma "G"`}; !slices.Equal(names, w) {
		t.Errorf("Kind rows %q, want %q", names, w)
	}
	if len(place.rows) != 3 {
		t.Errorf("Place: %d rows, want Total, North, South", len(place.rows))
	}
	northCAGR := (math.Sqrt(24.2/50) - 1) * 100 // ≈ -30.43
	southCAGR := (math.Sqrt(96.8/50) - 1) * 100 // ≈ 39.14
	wantRows := [][]string{
		{"Alpha, Beta", "60.00*", "60.00", "66.00", "72.60", "10.00", "10.00", "0.00"},
		{`↳ A\|2`, "50.00", "30.00", "33.00", "36.30", "10.00", "10.00", "0.00"},
		{`Gamma "G"`, "40.00", "40.00", "44.00", "48.40", "10.00*", "10.00", "0.00"},
		{"North", "50.00", "50.00*", "36.67", "24.20", "0.00", fmt.Sprintf("%.2f", northCAGR), "-30.00"},
		{"South", "50.00", "50.00", "73.33", "96.80", "100.00", fmt.Sprintf("%.2f", southCAGR), "+30.00"},
		{"Total", "100.00", "100.00*", "110.00", "121.00", "10.00*", "10.00", "0.00"},
	}
	for _, w := range wantRows {
		found := false
		for _, tb := range doc.tables {
			for _, r := range tb.rows {
				if r[0] == w[0] {
					found = true
					if !slices.Equal(r, w) {
						t.Errorf("%s row %q, want %q", tb.heading, r, w)
					}
				}
			}
		}
		if !found {
			t.Errorf("no row %q", w[0])
		}
	}
	if !strings.Contains(raw, "Figures marked *") {
		t.Error("no footnote")
	}
}

func TestMarkdownBottomUpAndCompare(t *testing.T) {
	ds := loadSmall(t)
	in := edited(t, ds, "BU", model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: 1})
	b := baseInput(ds, "Base")
	in.Compare = &Comparison{Scenario: "Base", Result: b.Result}
	_, doc := writeMarkdown(t, in)
	if l := doc.lines[2]; !strings.Contains(l, "bottom-up (driven by Place)") || !strings.Contains(l, "Compared with: Base") {
		t.Errorf("facts line = %q", l)
	}
	tb := doc.tables[0]
	if c := tb.cell(t, "Total", "Entered CAGR (%)"); c != "–" {
		t.Errorf("bottom-up total entered CAGR = %q, want – (the total is an output)", c)
	}
	// Bottom-up total: 100, 150, 250; Base: 100, 110, 121.
	for col, w := range map[string]string{
		"2022":                        fmt.Sprintf("%.2f", 250.0),
		"Base 2022 (US$ bn)":          "121.00",
		"BU − Base 2022 (US$ bn)":     "+129.00",
		"BU − Base 2022 (%)":          fmt.Sprintf("+%.2f", 129.0/121*100),
		"CAGR 2020–2022 (%)":          fmt.Sprintf("%.2f", (math.Sqrt(2.5)-1)*100),
		"Share 2020 (%)":              "100.00",
		"Share change 2020–2022 (pp)": "0.00",
	} {
		if got := tb.cell(t, "Total", col); got != w && got != w+"*" {
			t.Errorf("Total %s = %q, want %s", col, got, w)
		}
	}
}

func TestMarkdownEscapesNames(t *testing.T) {
	for in, want := range map[string]string{
		"A|B":                   `A\|B`,
		"*new* _x_":             `\*new\* \_x\_`,
		"Middle East & Africa":  "Middle East & Africa",
		"R&amp;D":               `R\&amp;D`,
		"line\nbreak":           "line break",
		`back\slash [l](u) <b>`: `back\\slash \[l\](u) \<b\>`,
		"# heading ~~x~~":       `\# heading \~\~x\~\~`,
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMarkdownHugeValuesNoFalsePrecision: a market of 1e9 growing 150 %
// a year for 50 years reaches 1e9 × 2.5⁵⁰ ≈ 7.9e28, which used to print
// with 29 digits and two decimals, all but the first 15 or so noise. No
// figure carries more than 12 significant digits, the CSV's precision:
// the decimals go first, then the figure is written as 7.88860905221e+28.
// The expected figures are 1e9 × 2.5ⁿ worked out by hand.
func TestMarkdownHugeValuesNoFalsePrecision(t *testing.T) {
	ds, err := model.LoadDataset("huge.yaml", []byte(`market: Huge
base_year: 2019
end_year: 2069
total: {value: 1000000000, cagr_pct: 150}
dimensions:
  - name: Region
    segments:
      - {name: North, share_pct: 60, cagr_pct: 150}
      - {name: South, share_pct: 40, cagr_pct: 120}
`))
	if err != nil {
		t.Fatal(err)
	}
	in := baseInput(ds, "Base")
	_, doc := writeMarkdown(t, in)
	tb := doc.tables[0]
	for col, want := range map[string]string{
		"2019": "1000000000",        // 1e9
		"2024": "97656250000",       // 1e9 × 2.5⁵
		"2025": "244140625000",      // 1e9 × 2.5⁶, twelve digits
		"2027": "1.52587890625e+12", // 1e9 × 2.5⁸, thirteen
		"2069": "7.88860905221e+28", // 1e9 × 2.5⁵⁰
	} {
		if got := tb.cell(t, "Total", col); got != want {
			t.Errorf("Total %s = %q, want %q", col, got, want)
		}
	}
	for _, row := range tb.rows {
		for i, c := range row[1:] {
			mant, _, _ := strings.Cut(strings.TrimLeft(c, "+-"), "e")
			digits := strings.TrimLeft(strings.ReplaceAll(mant, ".", ""), "0")
			if len(digits) > 12 {
				t.Errorf("%s %s = %q: %d significant digits, want at most 12", row[0], tb.header[i+1], c, len(digits))
			}
		}
	}
}
