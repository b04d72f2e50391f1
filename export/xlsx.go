package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"iomt/forecast"
	"iomt/model"
)

// The sheets every workbook has; formulas refer to them by these names.
const (
	sheetInputs   = "Inputs"
	sheetForecast = "Forecast"
	// sheetCalc holds the share arithmetic of docs/DESIGN.md §4, one block per
	// set of siblings, so that each sum over siblings is one contiguous
	// range. It is hidden, not very hidden: a partner can unhide it to
	// audit a number.
	sheetCalc = "Calc"
)

// Inputs sheet columns.
const (
	inColPath = 1 + iota
	inColValue
	inColUnit
	inColSum
	inColSource
	inColNote
	inColInfoLabel = inColNote + 2
	inColInfoValue = inColInfoLabel + 1
)

// Calc sheet columns: the path, the growth rate used and its factor
// (1 + rate/100), the entered share, then one column per year.
const (
	calcColLabel = 1 + iota
	calcColGrowth
	calcColFactor
	calcColShare
	calcColYear0
)

// Forecast sheet columns, as the CSV's (csvHeader).
const (
	fcColValue = 6 + iota
	fcColShare
	fcColGrowth
	fcColCompare // the first comparison column, when there is one
)

// XLSX writes an Excel workbook that is a live model of the scenario: an
// Inputs sheet with every assumption (the market's base value and CAGR,
// each year's own rate, the levers, each segment's growth rate and share),
// a Forecast sheet with the CSV's columns and rows in which every value,
// share and growth is a formula over Inputs, and one sheet per dimension
// in the table's layout with a line chart. Change an input and Excel or
// LibreOffice recomputes the whole forecast as iomt would. Mode and
// driver are fixed at export. No results are cached in the file, so a
// spreadsheet shows nothing it has not calculated itself.
//
// With in.Compare set, the compared scenario's values are written as
// fixed figures (its assumptions are not in the workbook); the
// differences to them are formulas. With several compared (in.More),
// the Forecast sheet has the CSV's four comparison columns for each, in
// turn: a value column per compared scenario.
func XLSX(w io.Writer, in Input) (err error) {
	if err := in.check(true); err != nil {
		return err
	}
	ds := in.Dataset
	if rows := len(ds.Nodes)*ds.Years() + 1; rows > excelize.TotalRows {
		return fmt.Errorf("export: %d segments over %d years need %d rows on the Forecast sheet, more than a worksheet's %d; export CSV instead",
			len(ds.Nodes)-1, ds.Years(), rows, excelize.TotalRows)
	}
	f := excelize.NewFile()
	defer func() {
		// Close removes the temporary files the stream writers may
		// have spilled to.
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("xlsx: %w", cerr)
		}
	}()
	b, err := newXLSXBook(f, &in)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := b.build(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return sortedZip(w, buf.Bytes())
}

// sortedZip copies the zip archive src to w with its entries in name
// order, and the content types' entries sorted too. excelize writes both
// in map order, which differs from run to run; sorted, the same scenario
// always gives the same bytes (and [Content_Types].xml comes first, where
// some readers look for it).
func sortedZip(w io.Writer, src []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	zw := zip.NewWriter(w)
	for _, zf := range files {
		if zf.Name == contentTypesPart {
			if err := copyContentTypes(zw, zf); err != nil {
				return err
			}
			continue
		}
		fh := zf.FileHeader
		dst, err := zw.CreateRaw(&fh)
		if err != nil {
			return err
		}
		raw, err := zf.OpenRaw()
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		if _, err := io.Copy(dst, raw); err != nil {
			return err
		}
	}
	return zw.Close()
}

// contentTypesPart lists the content type of each part of a workbook.
const contentTypesPart = "[Content_Types].xml"

// contentTypes is [Content_Types].xml (ECMA-376 Part 2, §10.1), whose
// entries may come in any order.
type contentTypes struct {
	XMLName   xml.Name           `xml:"http://schemas.openxmlformats.org/package/2006/content-types Types"`
	Defaults  []contentTypeEntry `xml:"Default"`
	Overrides []contentTypeEntry `xml:"Override"`
}

type contentTypeEntry struct {
	Extension   string `xml:"Extension,attr,omitempty"`
	PartName    string `xml:"PartName,attr,omitempty"`
	ContentType string `xml:"ContentType,attr"`
}

// copyContentTypes writes zf, the content types, with its entries sorted.
func copyContentTypes(zw *zip.Writer, zf *zip.File) error {
	r, err := zf.Open()
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	defer r.Close()
	var ct contentTypes
	if err := xml.NewDecoder(r).Decode(&ct); err != nil {
		return fmt.Errorf("xlsx: %s: %w", contentTypesPart, err)
	}
	byKey := func(a, b contentTypeEntry) int {
		return strings.Compare(a.Extension+a.PartName, b.Extension+b.PartName)
	}
	slices.SortFunc(ct.Defaults, byKey)
	slices.SortFunc(ct.Overrides, byKey)
	out, err := xml.Marshal(ct)
	if err != nil {
		return fmt.Errorf("xlsx: %s: %w", contentTypesPart, err)
	}
	fh := zf.FileHeader
	fh.CompressedSize64, fh.UncompressedSize64, fh.CRC32 = 0, 0, 0
	dst, err := zw.CreateHeader(&fh)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(dst, xml.Header); err != nil {
		return err
	}
	_, err = dst.Write(out)
	return err
}

// xlsxBook lays out and writes one workbook. Rows are computed first
// (layout), since formulas on one sheet name rows of the others.
type xlsxBook struct {
	f     *excelize.File
	in    *Input
	ds    *model.Dataset
	a     *model.Assumptions
	base  model.Assumptions // the dataset's own figures, to tell what the scenario set
	r     *forecast.Result
	years int
	rows  []row // export order
	pos   []int // node → its index in rows
	// driverGroup is the group whose segments drive the total in
	// bottom-up, -1 in top-down.
	driverGroup int
	st          xlsxStyles
	dimSheets   []string

	// Inputs rows.
	inValue, inCAGR       int
	inYear                []int // year index − 1 → row
	inLever               []int // lever → row
	inSegCAGR, inSegShare []int // node → row
	// inSegYear[n] are the rows of segment n's growth path, one per
	// forecast year (nil for a segment without a path).
	inSegYear [][]int

	// Calc rows.
	calcLevers, calcMarket, calcTotalGrowth int
	calcRow                                 []int // node → its row in its group's block
	calcHead, calcSum                       []int // group → header and sum rows
	// calcFactor[n] is the row of member n's growth factor by year, in
	// a group where a segment has a growth path (0 elsewhere: the
	// factor is one for every year); calcLast is Calc's last row.
	calcFactor []int
	calcLast   int
}

func newXLSXBook(f *excelize.File, in *Input) (*xlsxBook, error) {
	ds := in.Dataset
	b := &xlsxBook{f: f, in: in, ds: ds, a: in.Assumptions, base: ds.Base(), r: in.Result,
		years: ds.Years(), rows: order(ds), driverGroup: -1}
	if b.a.Mode == model.BottomUp {
		b.driverGroup = ds.Dims[b.a.Driver].Group
	}
	b.pos = make([]int, len(ds.Nodes))
	for i, rw := range b.rows {
		b.pos[rw.node] = i
	}
	b.layout()
	var err error
	b.st, err = newXLSXStyles(f)
	if err != nil {
		return nil, err
	}
	b.dimSheets = dimSheetNames(ds)
	return b, nil
}

// layout numbers the rows of Inputs and Calc.
func (b *xlsxBook) layout() {
	ds := b.ds
	nodes := len(ds.Nodes)
	row := 2 // under the header
	next := func() int { row++; return row - 1 }
	b.inValue, b.inCAGR = next(), next()
	b.inYear = make([]int, b.years-1)
	for i := range b.inYear {
		b.inYear[i] = next()
	}
	b.inLever = make([]int, len(ds.Levers))
	for i := range b.inLever {
		b.inLever[i] = next()
	}
	b.inSegCAGR, b.inSegShare = make([]int, nodes), make([]int, nodes)
	b.inSegYear = make([][]int, nodes)
	for _, rw := range b.rows[1:] {
		b.inSegCAGR[rw.node], b.inSegShare[rw.node] = next(), next()
		if b.a.HasPath(rw.node) {
			b.inSegYear[rw.node] = make([]int, b.years-1)
			for i := range b.inSegYear[rw.node] {
				b.inSegYear[rw.node][i] = next()
			}
		}
	}

	b.calcLevers, b.calcMarket, b.calcTotalGrowth = 2, 3, 4
	row = 6
	b.calcRow = make([]int, nodes)
	b.calcHead, b.calcSum = make([]int, len(ds.Groups)), make([]int, len(ds.Groups))
	b.calcFactor = make([]int, nodes)
	for gi, g := range ds.Groups {
		b.calcHead[gi] = next()
		for _, m := range g.Members {
			b.calcRow[m] = next()
		}
		b.calcSum[gi] = next()
		if b.pathGroup(g) {
			row++ // the factors' header
			for _, m := range g.Members {
				b.calcFactor[m] = next()
			}
		}
		b.calcLast = row - 1
		row++ // a blank row between blocks
	}
}

// fcRow is the Forecast row of node n in year index yi.
func (b *xlsxBook) fcRow(n, yi int) int { return 2 + b.pos[n]*b.years + yi }

func (b *xlsxBook) build() error {
	f := b.f
	if err := f.SetSheetName("Sheet1", sheetInputs); err != nil {
		return err
	}
	for _, name := range append(append([]string{sheetForecast}, b.dimSheets...), sheetCalc) {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("sheet %q: %w", name, err)
		}
	}
	steps := []struct {
		what string
		do   func() error
	}{
		{sheetInputs, b.writeInputs},
		{sheetForecast, b.writeForecast},
		{sheetCalc, b.writeCalc},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			return fmt.Errorf("%s sheet: %w", s.what, err)
		}
	}
	for di := range b.ds.Dims {
		if err := b.writeDimension(di); err != nil {
			return fmt.Errorf("%s sheet: %w", b.dimSheets[di], err)
		}
	}
	if err := f.SetSheetVisible(sheetCalc, false); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	// Excel recalculates everything when it opens the file; LibreOffice
	// computes the formula cells that have no stored result (all of
	// them), and its "recalculation on file load" option covers the rest.
	yes := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &yes}); err != nil {
		return err
	}
	title := b.ds.Market
	if s := strings.TrimSpace(b.in.Scenario); s != "" {
		title += " — " + s
	}
	return f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "iomt",
		Description: "A live model: change the Inputs sheet and every figure follows."})
}

// ---------------------------------------------------------------------------
// Inputs

// status says where node n's figure field comes from: the source's
// report, the scenario (which changed the dataset's figure), or the
// dataset's estimate.
func (b *xlsxBook) status(n int, field string) string {
	if b.ds.StillReported(b.a, n, field) {
		return "reported"
	}
	if n == 0 && field == model.FieldCAGR && b.ds.Nodes[0].IsReported(field) && sameFigure(b.a.Growth[0], b.base.Growth[0]) {
		// Bottom-up leaves the market's CAGR unused, but it is still
		// the report's figure.
		return "reported"
	}
	var cur, was float64
	switch field {
	case model.FieldShare, model.FieldValue:
		if n == 0 {
			cur, was = b.a.BaseValue, b.base.BaseValue
			break
		}
		cur, was = b.a.Share[n], b.base.Share[n]
	case model.FieldCAGR:
		cur, was = b.a.Growth[n], b.base.Growth[n]
	}
	if !sameFigure(cur, was) {
		return "scenario"
	}
	return "estimate"
}

// sameFigure reports whether two figures are equal up to float noise.
func sameFigure(x, y float64) bool {
	return math.Abs(x-y) <= 1e-9*max(1, math.Abs(x), math.Abs(y))
}

func (b *xlsxBook) writeInputs() error {
	ds, a, f := b.ds, b.a, b.f
	sh := sheetInputs
	s := newSheetWriter(f, sh)
	s.row(1, b.st.header, "Input", "Value", "Unit", "Siblings' sum (%)", "Source", "Rationale")

	total := &ds.Nodes[0]
	unit := ds.UnitLabel()
	s.input(b.inValue, "Total/value", a.BaseValue, b.st.inputFor(b.status(0, model.FieldValue)),
		fmt.Sprintf("%s, %d", unit, ds.BaseYear), b.status(0, model.FieldValue), total.Notes[model.FieldValue])
	cagrUnit := "% a year, in the years without a rate of their own (the levers add to it)"
	if a.Mode == model.BottomUp {
		cagrUnit = "% a year; unused in bottom-up, where the total is the sum of " + ds.Dims[a.Driver].Name
	}
	s.input(b.inCAGR, "Total/cagr_pct", a.Growth[0], b.st.inputFor(b.status(0, model.FieldCAGR)),
		cagrUnit, b.status(0, model.FieldCAGR), total.Notes[model.FieldCAGR])
	yearsReported := ds.StillReported(a, 0, model.FieldGrowthByYear)
	for i, r := range b.inYear {
		y := ds.BaseYear + 1 + i
		g := a.YearGrowth[i]
		unit := fmt.Sprintf("%% in %d; empty: the CAGR and the levers", y)
		if a.Mode == model.BottomUp {
			unit = fmt.Sprintf("%% in %d; unused in bottom-up", y)
		}
		src, note, style := "", "", b.st.input
		if !math.IsNaN(g) {
			src, note = "estimate", total.Notes[model.FieldGrowthByYear]
			switch was := b.base.YearGrowth[i]; {
			case yearsReported:
				src, style = "reported", b.st.inputReported
			case math.IsNaN(was) || !sameFigure(g, was):
				src = "scenario"
			}
		} else if !math.IsNaN(b.base.YearGrowth[i]) {
			src = "scenario" // the scenario gave this year back to the CAGR
		}
		s.path(r, fmt.Sprintf("Total/%s/%d", model.FieldGrowthByYear, y))
		if !math.IsNaN(g) {
			s.num(r, inColValue, inputValue(g), style)
		} else {
			s.style(r, inColValue, style)
		}
		s.text(r, inColUnit, unit)
		s.text(r, inColSource, src)
		s.text(r, inColNote, note)
	}
	for i, l := range ds.Levers {
		src := ""
		if a.Drivers[i] != 0 {
			src = "scenario"
		}
		lu := "pp on the market's growth (" + l.Kind + ")"
		if a.Mode == model.BottomUp {
			lu = "pp on each " + ds.Dims[a.Driver].Name + " segment's growth (" + l.Kind + ")"
		}
		s.input(b.inLever[i], "Levers/"+l.Name, a.Drivers[i], b.st.input, lu, src, "")
	}
	for _, rw := range b.rows[1:] {
		n := rw.node
		node := &ds.Nodes[n]
		cu := "% a year"
		if b.driverGroup >= 0 && node.Group == b.driverGroup {
			cu = "% a year, plus the levers (drives the total)"
		}
		st := b.status(n, model.FieldCAGR)
		s.input(b.inSegCAGR[n], node.Path+"/"+model.FieldCAGR, a.Growth[n], b.st.inputFor(st), cu, st, node.Notes[model.FieldCAGR])

		parent := "the total"
		if node.Parent > 0 {
			parent = ds.Nodes[node.Parent].Name
		}
		su := fmt.Sprintf("%% of %s in %d", parent, ds.BaseYear)
		st = b.status(n, model.FieldShare)
		note := node.Notes[model.FieldShare]
		if !math.IsNaN(node.InputValueBn) {
			// The dataset gives this segment as a value; the model
			// holds it as a share of the total.
			su += fmt.Sprintf(" (given as %s)", ds.Amount(strconv.FormatFloat(node.InputValueBn, 'f', -1, 64)))
			if b.status(n, model.FieldValue) == "reported" {
				st = "reported"
			}
			note = joinNotes(node.Notes[model.FieldValue], note)
		}
		r := b.inSegShare[n]
		s.input(r, node.Path+"/"+model.FieldShare, a.Share[n], b.st.inputFor(st), su, st, note)
		s.formula(r, inColSum, calcRef(calcColShare, b.calcSum[node.Group], true, true), b.st.pct)
		b.writePathInputs(s, n)
	}

	b.writeInfo(s)
	if err := s.err; err != nil {
		return err
	}
	for col, w := range map[int]float64{inColPath: pathWidth(ds), inColValue: 14, inColUnit: 48, inColSum: 16,
		inColSource: 10, inColNote: 60, inColInfoLabel: 16, inColInfoValue: 48} {
		c := colName(col)
		if err := f.SetColWidth(sh, c, c, w); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return b.validateInputs()
}

// joinNotes joins two rationales, either of which may be empty.
func joinNotes(x, y string) string {
	switch {
	case x == "":
		return y
	case y == "" || x == y:
		return x
	}
	return x + "; " + y
}

// pathWidth is a readable width for the Inputs paths: the longest, within
// reason.
func pathWidth(ds *model.Dataset) float64 {
	w := 30
	for _, n := range ds.Nodes {
		w = max(w, len([]rune(n.Path))+len(model.FieldShare)+2)
	}
	for _, l := range ds.Levers {
		w = max(w, len([]rune(l.Name))+9)
	}
	return float64(min(w, 80))
}

// writeInfo writes what is fixed at export, and how to use the workbook,
// beside the inputs.
func (b *xlsxBook) writeInfo(s *sheetWriter) {
	ds, a := b.ds, b.a
	from, to := a.Window.Span(ds)
	driver := "none (top-down)"
	if a.Mode == model.BottomUp {
		driver = ds.Dims[a.Driver].Name
	}
	info := [][2]string{
		{"Market", ds.Market},
		{"Scenario", b.in.Scenario},
		{"Mode", a.Mode.String()},
		{"Driver", driver},
		{"Years", fmt.Sprintf("%d–%d", ds.BaseYear, ds.EndYear)},
		{"Values in", ds.UnitLabel()},
		{"CAGR window", fmt.Sprintf("%d–%d", from, to)},
		{"Source", ds.Source},
	}
	if cmps := b.in.compared(); len(cmps) > 0 {
		names := make([]string, len(cmps))
		for i, c := range cmps {
			names[i] = c.Scenario
		}
		info = append(info, [2]string{"Compared with", strings.Join(names, "; ")})
	}
	s.cell(1, inColInfoLabel, "Fixed at export", b.st.header)
	s.cell(1, inColInfoValue, "", b.st.header)
	r := 2
	for _, kv := range info {
		s.cell(r, inColInfoLabel, kv[0], b.st.label)
		s.text(r, inColInfoValue, kv[1])
		r++
	}
	r++
	howto := []string{
		"Change the yellow cells; every figure on the other sheets follows.",
		"A year's own rate: type it in its Total/growth_by_year_pct row; empty the cell to give the year back to the CAGR and the levers.",
		"A segment with a growth path has a …/growth_by_year_pct row for every year: type a rate to give it a year of its own, empty the cell to give the year back to its CAGR.",
		"Shares of one set of siblings are used in proportion: if they do not add up to 100 (see Siblings' sum), each is scaled so they do.",
		"Mode and driver are fixed: export again with iomt to change them.",
		"Source: reported (the source's own figure), estimate (the dataset's), scenario (set by this scenario). They describe the export, not later edits.",
	}
	if a.Mode == model.BottomUp {
		howto = append(howto, fmt.Sprintf("Bottom-up: the %s segments grow at their rates plus the levers; the total is their sum; the market's CAGR and the years' rates are unused.", ds.Dims[a.Driver].Name))
	}
	for _, c := range b.in.compared() {
		howto = append(howto, compareNote(c.Scenario))
	}
	for _, line := range howto {
		s.cell(r, inColInfoLabel, line, b.st.note)
		r++
	}
}

// compareNote says what the comparison figures are.
func compareNote(name string) string {
	return fmt.Sprintf("The values of %s are fixed figures from the export: its assumptions are not in this workbook. The differences to them follow this scenario's inputs.", name)
}

// validateInputs keeps typed values within what iomt itself accepts.
func (b *xlsxBook) validateInputs() error {
	type rule struct {
		cells    []int
		lo, hi   float64
		op       excelize.DataValidationOperator
		title    string
		msg      string
		optional bool
	}
	rates := append([]int{b.inCAGR}, b.inYear...)
	shares := []int{}
	for _, rw := range b.rows[1:] {
		rates = append(rates, b.inSegCAGR[rw.node])
		rates = append(rates, b.inSegYear[rw.node]...)
		shares = append(shares, b.inSegShare[rw.node])
	}
	slices.Sort(rates)
	rules := []rule{
		{[]int{b.inValue}, 0, 0, excelize.DataValidationOperatorGreaterThan, "Market value", "The base-year value is above 0.", false},
		{rates, -99.999999, 999.999999, excelize.DataValidationOperatorBetween, "Growth rate", "A growth rate is above −100 % and below 1000 %.", true},
		{shares, 0, 100, excelize.DataValidationOperatorBetween, "Share", "A share is from 0 to 100 %.", false},
		{b.inLever, -50, 50, excelize.DataValidationOperatorBetween, "Lever", "A lever's impact is at most 50 pp either way.", false},
	}
	for _, ru := range rules {
		if len(ru.cells) == 0 {
			continue
		}
		dv := excelize.NewDataValidation(ru.optional)
		dv.SetSqref(sqref(inColValue, ru.cells))
		var err error
		if ru.op == excelize.DataValidationOperatorBetween {
			err = dv.SetRange(ru.lo, ru.hi, excelize.DataValidationTypeDecimal, ru.op)
		} else {
			err = dv.SetRange(ru.lo, 0.0, excelize.DataValidationTypeDecimal, ru.op)
		}
		if err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, ru.title, ru.msg)
		if err := b.f.AddDataValidation(sheetInputs, dv); err != nil {
			return err
		}
	}
	return nil
}

// sqref lists cells of one column, runs of rows as ranges.
func sqref(col int, rows []int) string {
	var parts []string
	c := colName(col)
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%s%d:%s%d", c, rows[i], c, rows[j]))
		} else {
			parts = append(parts, fmt.Sprintf("%s%d", c, rows[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, " ")
}

// ---------------------------------------------------------------------------
// Calc: the share arithmetic, one block per set of siblings.

func (b *xlsxBook) writeCalc() error {
	ds, a := b.ds, b.a
	sw, err := b.f.NewStreamWriter(sheetCalc)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(calcColLabel, calcColLabel, pathWidth(ds)); err != nil {
		return err
	}
	if err := sw.SetColWidth(calcColGrowth, calcColYear0+b.years-1, 14); err != nil {
		return err
	}
	st := b.st
	yearHeads := func(label string) []any {
		out := []any{excelize.Cell{StyleID: st.header, Value: label}, excelize.Cell{StyleID: st.header, Value: "Growth (%)"},
			excelize.Cell{StyleID: st.header, Value: "Factor"}, excelize.Cell{StyleID: st.header, Value: "Entered share (%)"}}
		for yi := range b.years {
			out = append(out, excelize.Cell{StyleID: st.header, Value: ds.BaseYear + yi})
		}
		return out
	}
	rows := map[int][]any{}
	rows[1] = yearHeads("Helper of the Forecast sheet: do not edit")

	levers := "0"
	if len(b.inLever) > 0 {
		levers = fmt.Sprintf("SUM(%s:%s)", inRef(b.inLever[0]), absName(inColValue, b.inLever[len(b.inLever)-1], true, true))
	}
	rows[b.calcLevers] = []any{"Levers (pp)", formula(levers)}
	rows[b.calcMarket] = []any{"Market growth (%): CAGR + levers", formula(inRef(b.inCAGR) + "+" + calcRef(calcColGrowth, b.calcLevers, true, true))}
	if a.Mode == model.TopDown {
		tg := []any{"Total growth used (%)", nil, nil, nil, nil}
		for yi := 1; yi < b.years; yi++ {
			y := inRef(b.inYear[yi-1])
			tg = append(tg, formula(fmt.Sprintf("IF(ISNUMBER(%s),%s,%s)", y, y, calcRef(calcColGrowth, b.calcMarket, true, true))))
		}
		rows[b.calcTotalGrowth] = tg
	} else {
		rows[b.calcTotalGrowth] = []any{fmt.Sprintf("Total: the sum of the %s segments (bottom-up)", ds.Dims[a.Driver].Name)}
	}

	for gi, g := range ds.Groups {
		first, last, sum := b.calcRow[g.Members[0]], b.calcRow[g.Members[len(g.Members)-1]], b.calcSum[gi]
		parent := "the total"
		if g.Parent > 0 {
			parent = ds.Nodes[g.Parent].Path
		}
		driver := gi == b.driverGroup
		label := fmt.Sprintf("%s: shares of %s (%%)", ds.Dims[g.Dim].Name, parent)
		if driver {
			label = fmt.Sprintf("%s: values (%s), driving the total", ds.Dims[g.Dim].Name, ds.UnitLabel())
		}
		rows[b.calcHead[gi]] = yearHeads(label)
		sumShare := calcRef(calcColShare, sum, true, true)
		for _, m := range g.Members {
			r := b.calcRow[m]
			growth := inRef(b.inSegCAGR[m])
			if driver {
				growth += "+" + calcRef(calcColGrowth, b.calcLevers, true, true)
			}
			cells := []any{ds.Nodes[m].Path, formula(growth), formula(fmt.Sprintf("1+%s/100", calcRef(calcColGrowth, r, true, false))),
				formula(inRef(b.inSegShare[m]))}
			for yi := range b.years {
				c := calcColYear0 + yi
				prev := calcRef(c-1, r, false, false)
				factor := b.factorRef(m, c)
				var fm string
				switch {
				case yi == 0 && driver:
					// share / Σ shares × the market's base value.
					fm = fmt.Sprintf("IF(%s>0,%s/%s*%s,0)", sumShare, calcRef(calcColShare, r, true, false), sumShare, inRef(b.inValue))
				case yi == 0:
					fm = fmt.Sprintf("IF(%s>0,%s*100/%s,0)", sumShare, calcRef(calcColShare, r, true, false), sumShare)
				case driver:
					fm = fmt.Sprintf("%s*%s", prev, factor)
				default:
					// share(y−1)·(1+g) renormalised by the siblings' sum
					// of the same, as forecast.splitGroup does; MIN
					// because a share never exceeds its parent.
					s := calcRef(c, sum, false, true)
					mom := fmt.Sprintf("%s*%s", prev, factor)
					fm = fmt.Sprintf("IF(%s>0,MIN(%s*100/%s,100),%s)", s, mom, s, mom)
				}
				cells = append(cells, formula(fm))
			}
			rows[r] = cells
		}
		sumCells := []any{"Σ entered shares; by year: " + map[bool]string{true: "the total", false: "Σ share(y−1)·(1+growth)"}[driver], nil, nil,
			formula(fmt.Sprintf("SUM(%s)", calcRange(calcColShare, first, last)))}
		for yi := range b.years {
			c := calcColYear0 + yi
			switch {
			case driver:
				sumCells = append(sumCells, formula(fmt.Sprintf("SUM(%s)", calcRange(c, first, last))))
			case yi == 0:
				sumCells = append(sumCells, nil)
			default:
				factors := calcRange(calcColFactor, first, last)
				if b.calcFactor[g.Members[0]] > 0 {
					factors = calcRange(c, b.calcFactor[g.Members[0]], b.calcFactor[g.Members[len(g.Members)-1]])
				}
				sumCells = append(sumCells, formula(fmt.Sprintf("SUMPRODUCT(%s,%s)",
					calcRange(c-1, first, last), factors)))
			}
		}
		rows[sum] = sumCells
		b.factorRows(rows, g, yearHeads)
	}
	last := b.calcLast
	for r := 1; r <= last; r++ {
		cells, ok := rows[r]
		if !ok {
			continue
		}
		if err := sw.SetRow(cellName(1, r), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// ---------------------------------------------------------------------------
// Forecast: the CSV's table, every number a formula.

func (b *xlsxBook) writeForecast() error {
	ds, a, r, cmps := b.ds, b.a, b.r, b.in.compared()
	sw, err := b.f.NewStreamWriter(sheetForecast)
	if err != nil {
		return err
	}
	header, block := csvHeader(ds), csvCompareHeader(ds)
	for range cmps {
		header = append(header, block...)
	}
	widths := []float64{22, 14, 32, 24, 8, 20, 20, 20}
	for i := range header {
		w := 20.0
		if i < len(widths) {
			w = widths[i]
		}
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: b.st.header, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}

	val, shr := colName(fcColValue), colName(fcColShare)
	for _, rw := range b.rows {
		n := rw.node
		node := &ds.Nodes[n]
		name := node.Name
		if n == 0 {
			name = "Total"
		}
		driver := b.driverGroup >= 0 && node.Group == b.driverGroup
		for yi := range b.years {
			fr := b.fcRow(n, yi)
			c := calcColYear0 + yi
			var value, share, growth string
			switch {
			case n == 0 && a.Mode == model.BottomUp:
				value = calcRef(c, b.calcSum[b.driverGroup], false, false)
				share = "100"
			case n == 0 && yi == 0:
				value, share = inRef(b.inValue), "100"
			case n == 0:
				value = fmt.Sprintf("%s%d*(1+%s/100)", val, fr-1, calcRef(c, b.calcTotalGrowth, false, true))
				share = "100"
			case driver:
				value = calcRef(c, b.calcRow[n], false, false)
				sum := calcRef(calcColShare, b.calcSum[node.Group], true, true)
				entered := fmt.Sprintf("IF(%s>0,%s*100/%s,0)", sum, calcRef(calcColShare, b.calcRow[n], true, false), sum)
				if yi == 0 {
					share = entered
				} else {
					tot := fmt.Sprintf("%s%d", val, b.fcRow(0, yi))
					share = fmt.Sprintf("IF(%s>0,%s%d/%s*100,%s)", tot, val, fr, tot, entered)
				}
			default:
				share = calcRef(c, b.calcRow[n], false, false)
				value = fmt.Sprintf("%s%d/100*%s%d", shr, fr, val, b.fcRow(node.Parent, yi))
			}
			if yi > 0 {
				growth = fmt.Sprintf(`IF(%s%d=0,"",(%s%d/%s%d-1)*100)`, val, fr-1, val, fr, val, fr-1)
			}
			cells := []any{b.in.Scenario, rw.dim, name, parentName(ds, n), r.Year(yi),
				formula(value), formula(share)}
			if growth != "" {
				cells = append(cells, formula(growth))
			} else {
				cells = append(cells, nil)
			}
			for i, c := range cmps {
				cells = append(cells, b.compareCells(c, fcColCompare+i*len(block), block, n, yi, fr)...)
			}
			if err := sw.SetRow(cellName(1, fr), cells); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

// compareCells fills the CSV's comparison columns cols of one compared
// scenario, the first at column col0, told apart by name so that they
// follow the CSV's contract: the compared scenario's name and value
// (fixed figures), and the differences to it (formulas).
func (b *xlsxBook) compareCells(cmp Comparison, col0 int, cols []string, n, yi, fr int) []any {
	var valueCol string
	for i, c := range cols {
		if strings.HasPrefix(c, "compare_value_") {
			valueCol = colName(col0 + i)
		}
	}
	a := fmt.Sprintf("%s%d", colName(fcColValue), fr)
	bv := fmt.Sprintf("%s%d", valueCol, fr)
	out := make([]any, len(cols))
	for i, c := range cols {
		switch {
		case c == "compare_scenario":
			out[i] = cmp.Scenario
		case strings.HasPrefix(c, "compare_value_"):
			if x := cmp.Result.Value(n, yi); finite(x) {
				out[i] = x
			}
		case c == "diff_pct" && valueCol != "":
			out[i] = formula(fmt.Sprintf(`IF(%s=0,"",(%s-%s)/%s*100)`, bv, a, bv, bv))
		case strings.HasPrefix(c, "diff_") && valueCol != "":
			out[i] = formula(a + "-" + bv)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Cell references and small writers.

// colName is the spreadsheet name of column n (1 is A, 27 is AA).
func colName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

// cellName is the A1 name of a cell.
func cellName(col, row int) string { return colName(col) + strconv.Itoa(row) }

// absName is a cell's name with $ where asked.
func absName(col, row int, absCol, absRow bool) string {
	c, r := colName(col), strconv.Itoa(row)
	if absCol {
		c = "$" + c
	}
	if absRow {
		r = "$" + r
	}
	return c + r
}

// inRef is the value cell of an Inputs row, from another sheet.
func inRef(row int) string { return sheetInputs + "!" + absName(inColValue, row, true, true) }

// calcRef is a Calc cell, from another sheet or from Calc itself (the
// sheet name is harmless there).
func calcRef(col, row int, absCol, absRow bool) string {
	return sheetCalc + "!" + absName(col, row, absCol, absRow)
}

// calcRange is rows first to last of one Calc column, fixed rows.
func calcRange(col, first, last int) string {
	return sheetCalc + "!" + absName(col, first, false, true) + ":" + absName(col, last, false, true)
}

// sheetRef is name quoted for a formula when it needs to be.
func sheetRef(name string) string {
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return "'" + strings.ReplaceAll(name, "'", "''") + "'"
		}
	}
	return name
}

// formula is a formula cell with no stored result.
func formula(f string) excelize.Cell { return excelize.Cell{Formula: f} }

// sheetWriter writes cells of one sheet through the ordinary API and keeps
// the first error, so that a writer reads as a list of cells.
type sheetWriter struct {
	f     *excelize.File
	sheet string
	err   error
}

func newSheetWriter(f *excelize.File, sheet string) *sheetWriter {
	return &sheetWriter{f: f, sheet: sheet}
}

func (s *sheetWriter) keep(err error) {
	if s.err == nil && err != nil {
		s.err = err
	}
}

func (s *sheetWriter) style(row, col, style int) {
	if style != 0 && s.err == nil {
		c := cellName(col, row)
		s.keep(s.f.SetCellStyle(s.sheet, c, c, style))
	}
}

func (s *sheetWriter) cell(row, col int, v any, style int) {
	if s.err == nil {
		s.keep(s.f.SetCellValue(s.sheet, cellName(col, row), v))
	}
	s.style(row, col, style)
}

func (s *sheetWriter) text(row, col int, v string) {
	if v != "" {
		s.cell(row, col, v, 0)
	}
}

func (s *sheetWriter) num(row, col int, x float64, style int) {
	if finite(x) {
		s.cell(row, col, x, style)
	} else {
		s.style(row, col, style)
	}
}

func (s *sheetWriter) formula(row, col int, f string, style int) {
	if s.err == nil {
		s.keep(s.f.SetCellFormula(s.sheet, cellName(col, row), f))
	}
	s.style(row, col, style)
}

func (s *sheetWriter) row(row, style int, values ...string) {
	for i, v := range values {
		s.cell(row, i+1, v, style)
	}
}

func (s *sheetWriter) path(row int, p string) { s.cell(row, inColPath, p, 0) }

// inputValue is an input as a partner reads it: 12 significant digits,
// so that a share rebalanced to 6.44531249999999 reads 6.4453125. The
// difference (below 1e-12 relative) is far inside what the workbook is
// checked to (1e-9 relative to the engine).
func inputValue(x float64) float64 {
	if !finite(x) {
		return x
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return r
}

// input writes one Inputs row.
func (s *sheetWriter) input(row int, path string, value float64, style int, unit, source, note string) {
	s.path(row, path)
	s.num(row, inColValue, inputValue(value), style)
	s.text(row, inColUnit, unit)
	s.text(row, inColSource, source)
	s.text(row, inColNote, note)
}

func (s *sheetWriter) comment(row, col int, text string) {
	if s.err == nil && text != "" {
		s.keep(s.f.AddComment(s.sheet, excelize.Comment{Cell: cellName(col, row), Author: "iomt",
			Paragraph: []excelize.RichTextRun{{Text: text}}}))
	}
}

// ---------------------------------------------------------------------------
// Styles.

// xlsxStyles are the workbook's cell styles.
type xlsxStyles struct {
	header, label, note                  int
	input, inputReported                 int
	pct, value, pctRep, valueRep, change int
	name, child, total, totalValue       int
	totalPct, fixed                      int
}

// inputFor is the input style of a figure whose source is src.
func (s xlsxStyles) inputFor(src string) int {
	if src == "reported" {
		return s.inputReported
	}
	return s.input
}

// Colours: inputs in the spreadsheet convention (blue on pale yellow),
// reported figures shaded green, fixed comparison figures grey.
const (
	colourInputFill    = "FFF2CC"
	colourInputFont    = "1F4E9A"
	colourReportedFill = "E2EFDA"
	colourHeaderFill   = "D9E1F2"
	colourFixedFont    = "595959"
)

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	add := func(dst *int, s *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(s)
		}
	}
	fill := func(c string) excelize.Fill { return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}} }
	numFmt := func(s string) *string { return &s }
	border := []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}}
	add(&st.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill(colourHeaderFill), Border: border})
	add(&st.label, &excelize.Style{Font: &excelize.Font{Bold: true}})
	add(&st.note, &excelize.Style{Font: &excelize.Font{Italic: true, Color: colourFixedFont}})
	add(&st.input, &excelize.Style{Font: &excelize.Font{Color: colourInputFont}, Fill: fill(colourInputFill)})
	add(&st.inputReported, &excelize.Style{Font: &excelize.Font{Bold: true, Color: colourInputFont}, Fill: fill(colourInputFill)})
	add(&st.pct, &excelize.Style{CustomNumFmt: numFmt("0.00")})
	add(&st.value, &excelize.Style{CustomNumFmt: numFmt("#,##0.00")})
	add(&st.pctRep, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill(colourReportedFill), CustomNumFmt: numFmt(`0.00"*"`)})
	add(&st.valueRep, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill(colourReportedFill), CustomNumFmt: numFmt(`#,##0.00"*"`)})
	add(&st.change, &excelize.Style{CustomNumFmt: numFmt("+0.00;-0.00;0.00")})
	add(&st.name, &excelize.Style{})
	add(&st.child, &excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left", Indent: 2}})
	add(&st.total, &excelize.Style{Font: &excelize.Font{Bold: true}})
	add(&st.totalValue, &excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: numFmt("#,##0.00")})
	add(&st.totalPct, &excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: numFmt("0.00")})
	add(&st.fixed, &excelize.Style{Font: &excelize.Font{Color: colourFixedFont}, CustomNumFmt: numFmt("#,##0.00")})
	return st, err
}

// ---------------------------------------------------------------------------
// Sheet names.

// dimSheetNames names a sheet after each dimension, within what a
// spreadsheet allows: at most 31 characters, none of : \ / ? * [ ], no
// apostrophe at either end, unique regardless of case, and none of the
// workbook's own sheets (nor "History", which Excel keeps for itself).
func dimSheetNames(ds *model.Dataset) []string {
	taken := map[string]bool{}
	for _, s := range []string{sheetInputs, sheetForecast, sheetCalc, "History"} {
		taken[strings.ToLower(s)] = true
	}
	out := make([]string, len(ds.Dims))
	for i, d := range ds.Dims {
		base := strings.Map(func(r rune) rune {
			if strings.ContainsRune(`:\/?*[]`, r) {
				return '-'
			}
			return r
		}, d.Name)
		base = strings.Trim(base, "' ")
		if base == "" {
			base = fmt.Sprintf("Dimension %d", i+1)
		}
		name := cutUTF16(base, 31)
		for k := 2; taken[strings.ToLower(name)]; k++ {
			suffix := fmt.Sprintf(" (%d)", k)
			name = strings.TrimRight(cutUTF16(base, 31-len(suffix)), "' ") + suffix
		}
		taken[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

// cutUTF16 cuts s to at most n UTF-16 code units, the unit spreadsheets
// count sheet names in, never inside a character.
func cutUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if units+w > n {
			return s[:i]
		}
		units += w
	}
	return s
}
