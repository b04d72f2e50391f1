package export

import (
	"fmt"
	"math"

	"github.com/xuri/excelize/v2"

	"iomt/model"
)

// Dimension sheet columns: the segment and its base-year share, one column
// per year, then the entered CAGR, the realised CAGR and the change in
// share: the dashboard table's and the Markdown export's layout.
const (
	dimColName = 1 + iota
	dimColShare
	dimColYear0
)

// writeDimension writes dimension di's sheet: segments × years, values
// read from the Forecast sheet, then the rates and share change as
// formulas; reported figures marked, rationales as comments; the
// comparison, if any; and a line chart of the top-level segments.
func (b *xlsxBook) writeDimension(di int) error {
	ds, a, st := b.ds, b.a, b.st
	d := &ds.Dims[di]
	sh := b.dimSheets[di]
	s := newSheetWriter(b.f, sh)
	years := b.years
	colEntered := dimColYear0 + years
	colReal, colChange := colEntered+1, colEntered+2
	from, to := a.Window.Span(ds)
	fi, ti := from-ds.BaseYear, to-ds.BaseYear
	span := fmt.Sprintf("%d–%d", from, to)
	unit := ds.UnitLabel()

	s.cell(1, dimColName, "Segment", st.header)
	s.cell(1, dimColShare, fmt.Sprintf("Share %d (%%)", ds.BaseYear), st.header)
	for yi := range years {
		s.cell(1, dimColYear0+yi, ds.BaseYear+yi, st.header)
	}
	s.cell(1, colEntered, "Entered CAGR (%)", st.header)
	s.cell(1, colReal, "CAGR "+span+" (%)", st.header)
	s.cell(1, colChange, "Share change "+span+" (pp)", st.header)

	// The dimension's segments, each followed by its children, then the
	// Total, as in the Markdown export.
	var nodes []int
	for _, n := range ds.ReadingOrder()[1:] {
		if ds.Nodes[n].Dim == di {
			nodes = append(nodes, n)
		}
	}
	nodes = append(nodes, 0)
	rowOf := make(map[int]int, len(nodes))
	fc := func(col, n, yi int) string {
		return sheetForecast + "!" + absName(col, b.fcRow(n, yi), false, false)
	}
	marked := false
	pick := func(n int, field string, plain, rep int) int {
		if b.ds.StillReported(a, n, field) {
			marked = true
			return rep
		}
		return plain
	}
	nameWidth := 12
	for i, n := range nodes {
		r := 2 + i
		rowOf[n] = r
		node := &ds.Nodes[n]
		name, nameStyle, valueStyle, pctStyle := node.Name, st.name, st.value, st.pct
		switch {
		case n == 0:
			name, nameStyle, valueStyle, pctStyle = "Total", st.total, st.totalValue, st.totalPct
		case node.Depth == 2:
			nameStyle = st.child
		}
		nameWidth = max(nameWidth, len([]rune(name))+2*node.Depth)
		s.cell(r, dimColName, name, nameStyle)

		s.formula(r, dimColShare, fc(fcColShare, n, 0), pick(n, model.FieldShare, pctStyle, st.pctRep))
		s.comment(r, dimColShare, b.rationale(n, model.FieldShare))
		for yi := range years {
			style := valueStyle
			if yi == 0 {
				style = pick(n, model.FieldValue, valueStyle, st.valueRep)
			}
			s.formula(r, dimColYear0+yi, fc(fcColValue, n, yi), style)
		}
		s.comment(r, dimColYear0, b.rationale(n, model.FieldValue))

		if n == 0 && a.Mode == model.BottomUp {
			s.cell(r, colEntered, "–", pctStyle) // the total's rate is an output
		} else {
			in := b.inCAGR
			if n > 0 {
				in = b.inSegCAGR[n]
			}
			s.formula(r, colEntered, inRef(in), pick(n, model.FieldCAGR, pctStyle, st.pctRep))
			s.comment(r, colEntered, b.rationale(n, model.FieldCAGR))
		}
		v0, v1 := cellName(dimColYear0+fi, r), cellName(dimColYear0+ti, r)
		s.formula(r, colReal, fmt.Sprintf(`IF(%s>0,((%s/%s)^(1/%d)-1)*100,"")`, v0, v1, v0, ti-fi), pctStyle)
		s.formula(r, colChange, fc(fcColShare, n, ti)+"-"+fc(fcColShare, n, fi), st.change)
	}

	r := 2 + len(nodes) + 1
	if marked {
		s.cell(r, dimColName, "Figures marked * (bold, shaded) are the source's own; all others are estimates. A figure's comment gives its rationale.", st.note)
	} else {
		s.cell(r, dimColName, "All figures are estimates. A figure's comment gives its rationale.", st.note)
	}
	s.cell(r+1, dimColName, fmt.Sprintf("Values in %s. Entered CAGR is the rate on the Inputs sheet; CAGR and share change are realised over %s. Every figure follows the Inputs sheet.", unit, span), st.note)
	r += 3

	for _, cmp := range b.in.compared() {
		s.cell(r, dimColName, fmt.Sprintf("%s: value, %s (fixed figures)", cmp.Scenario, unit), st.header)
		s.cell(r+1+len(nodes)+1, dimColName, fmt.Sprintf("Difference: %s − %s, %s", b.in.Scenario, cmp.Scenario, unit), st.header)
		for yi := range years {
			s.cell(r, dimColYear0+yi, ds.BaseYear+yi, st.header)
			s.cell(r+1+len(nodes)+1, dimColYear0+yi, ds.BaseYear+yi, st.header)
		}
		for i, n := range nodes {
			cr, dr := r+1+i, r+1+len(nodes)+1+1+i
			name := ds.Nodes[n].Name
			if n == 0 {
				name = "Total"
			}
			s.cell(cr, dimColName, name, st.name)
			s.cell(dr, dimColName, name, st.name)
			for yi := range years {
				c := dimColYear0 + yi
				s.num(cr, c, cmp.Result.Value(n, yi), st.fixed)
				s.formula(dr, c, cellName(c, rowOf[n])+"-"+cellName(c, cr), st.value)
			}
		}
		r += 2*(len(nodes)+2) + 1
		s.cell(r-1, dimColName, compareNote(cmp.Scenario), st.note)
		r++
	}
	if s.err != nil {
		return s.err
	}

	widths := map[int]float64{dimColName: float64(min(nameWidth+2, 50)), dimColShare: 15, colEntered: 16, colReal: 16, colChange: 20}
	for col, w := range widths {
		c := colName(col)
		if err := b.f.SetColWidth(sh, c, c, w); err != nil {
			return err
		}
	}
	if err := b.f.SetColWidth(sh, colName(dimColYear0), colName(dimColYear0+years-1), 11); err != nil {
		return err
	}
	if err := b.f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	return b.addChart(sh, d, rowOf, cellName(dimColName, r))
}

// addChart draws the dimension's top-level segments over the years, from
// the sheet's own value cells, so the chart follows the inputs too.
func (b *xlsxBook) addChart(sh string, d *model.Dimension, rowOf map[int]int, at string) error {
	q := sheetRef(sh) + "!"
	last := dimColYear0 + b.years - 1
	years := q + absName(dimColYear0, 1, true, true) + ":" + absName(last, 1, true, true)
	series := make([]excelize.ChartSeries, 0, len(d.Top))
	for _, n := range d.Top {
		r := rowOf[n]
		series = append(series, excelize.ChartSeries{
			Name:       q + absName(dimColName, r, true, true),
			Categories: years,
			Values:     q + absName(dimColYear0, r, true, true) + ":" + absName(last, r, true, true),
			Marker:     excelize.ChartMarker{Symbol: "none"},
		})
	}
	return b.f.AddChart(sh, at, &excelize.Chart{
		Type:      excelize.Line,
		Series:    series,
		Dimension: excelize.ChartDimension{Width: 880, Height: 400},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: d.Name + ": value, " + b.ds.UnitLabel()}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		YAxis:     excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"}},
	})
}

// rationale is the comment of node n's figure field: where it comes from
// and the dataset's reason for it; empty for an estimate without one.
func (b *xlsxBook) rationale(n int, field string) string {
	note := b.ds.Nodes[n].Notes[field]
	switch b.status(n, field) {
	case "reported":
		if note != "" {
			return "Reported in the source: " + note
		}
		return "Reported in the source."
	case "scenario":
		if field == model.FieldValue && math.IsNaN(b.ds.Nodes[n].InputValueBn) {
			break // follows from the share, which carries the comment
		}
		if note != "" {
			return "Set in this scenario. The dataset's rationale for its own figure: " + note
		}
		return "Set in this scenario."
	}
	if note != "" {
		return "Estimate: " + note
	}
	return ""
}
