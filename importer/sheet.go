package importer

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The parts of a workbook a sheet's cells are read with, each streamed
// token by token (see workbook.go for why not through excelize): the
// sheet, row by row, keeping only rows that hold something; the shared
// strings, kept as one block of text; the styles, kept as whether each
// formats numbers as percentages.

// MaxCells bounds the cells a table holds, counting the empty ones to
// the left of a cell that holds something (a row is a slice of cells):
// a sheet of a cell at column XFD on each of many rows is refused, not
// spread out in memory.
const MaxCells = 2_000_000

// maxColumns is the widest a sheet is: XFD.
const maxColumns = 16384

// sharedStrings is a workbook's shared strings: their text end to end,
// and where each ends, so that a million short strings cost a few bytes
// each rather than a string header each.
type sharedStrings struct {
	text string
	ends []uint32
}

// get is shared string i, and whether the workbook has it.
func (s *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= len(s.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return s.text[start:s.ends[i]], true
}

// readSharedStrings reads the shared strings part: each <si>'s text,
// runs of rich text joined, phonetic readings (<rPh>) left out, as a
// spreadsheet shows the cell.
func readSharedStrings(zf *zip.File) (sharedStrings, error) {
	rc, err := zf.Open()
	if err != nil {
		return sharedStrings{}, err
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, MaxSheetBytes+1))
	var (
		b          strings.Builder
		ends       []uint32
		inT, inRPh bool
		inSI       bool
		all        int
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return sharedStrings{}, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "si":
				inSI = true
			case "rPh":
				inRPh = true
			case "t":
				inT = inSI && !inRPh
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "si":
				inSI = false
				ends = append(ends, uint32(b.Len()))
			case "rPh":
				inRPh = false
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				all += len(e)
				if all > MaxSheetBytes {
					return sharedStrings{}, errors.New("more text than it unpacks to")
				}
				b.Write(e)
			}
		}
	}
	return sharedStrings{text: b.String(), ends: ends}, nil
}

// readPercentStyles reads the styles part: for each cell style
// (<cellXfs>'s <xf>), whether its number format shows a number as a
// percentage (the built-in 0% and 0.00%, or a format of the workbook's
// own with a % in it).
func readPercentStyles(zf *zip.File) ([]bool, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, MaxOtherBytes+1))
	custom := map[int]string{}
	var fmts []int
	inXfs := false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "numFmt":
				if id, err := strconv.Atoi(attr(e, "numFmtId")); err == nil {
					custom[id] = attr(e, "formatCode")
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					id, _ := strconv.Atoi(attr(e, "numFmtId"))
					fmts = append(fmts, id)
				}
			}
		case xml.EndElement:
			if e.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
	}
	pct := make([]bool, len(fmts))
	for i, id := range fmts {
		if code, ok := custom[id]; ok {
			pct[i] = percentFormat(code)
		} else {
			pct[i] = id == 9 || id == 10 // 0% and 0.00%, built in
		}
	}
	return pct, nil
}

// attr is the value of a start element's attribute, "" without it.
func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// table reads sheet as a table: each cell's stored value (a formula's
// too), numbers with whether they are formatted as percentages, merged
// ranges kept for the layout to apply. The sheet is streamed: a row
// that holds nothing (however it is styled) costs nothing but the time
// to read past it.
func (w *workbook) table(sheet string) (*Table, error) {
	where := w.file + ": sheet " + sheet
	zf := w.pkg.parts[w.pkg.part[sheet]]
	if zf == nil {
		return nil, Problems{{Where: where, Msg: "a damaged workbook: the sheet's part is missing", Hint: "open it in Excel or LibreOffice and save it again"}}
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, Problems{{Where: where, Msg: "cannot be read: " + err.Error()}}
	}
	defer rc.Close()
	sr := &sheetReader{w: w, t: &Table{File: w.file, Sheet: sheet, header: -1}, where: where,
		d: xml.NewDecoder(io.LimitReader(rc, MaxSheetBytes+1)), shared: map[string]string{}}
	if err := sr.read(); err != nil {
		return nil, err
	}
	if len(sr.probs) > 0 {
		return nil, sr.probs
	}
	if len(sr.t.Rows) == 0 {
		return nil, Problems{{Where: where, Msg: "the sheet is empty", Hint: sheetHint(w.sheets, sheet)}}
	}
	return sr.t, nil
}

// sheetReader is one sheet being streamed.
type sheetReader struct {
	w     *workbook
	t     *Table
	where string
	d     *xml.Decoder
	probs Problems
	// The row being read: its number, its cells, the column of its
	// last cell (1-based).
	row, col int
	cells    []Cell
	cells0   int // cells held by the rows kept
	// The cell being read.
	c      cellXML
	inCell bool
	// shared are the shared formulas' text by their index, for the
	// cells that share one.
	shared map[string]string
}

// cellXML is a <c> element as read: its column, style and type, its
// value (<v>, or an inline string's text), its formula.
type cellXML struct {
	col, style        int
	typ               string
	v, f              strings.Builder
	hasV, hasF        bool
	inV, inF, inIS    bool
	inT, inRPh        bool
	fShared, fSharedI string
}

// maxCellProblems bounds the problems of single cells kept: a sheet of
// a million #REF! is told in its first ones.
const maxCellProblems = 1000

func (s *sheetReader) read() error {
	for {
		tok, err := s.d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return Problems{{Where: s.where, Msg: "a damaged workbook: " + err.Error(), Hint: "open it in Excel or LibreOffice and save it again"}}
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if err := s.start(e); err != nil {
				return err
			}
		case xml.EndElement:
			if err := s.end(e.Name.Local); err != nil {
				return err
			}
		case xml.CharData:
			c := &s.c
			switch {
			case !s.inCell:
			case c.inV:
				c.v.Write(e)
			case c.inF:
				c.f.Write(e)
			case c.inT:
				c.v.Write(e)
			}
		}
	}
}

func (s *sheetReader) start(e xml.StartElement) error {
	c := &s.c
	switch e.Name.Local {
	case "row":
		n, err := strconv.Atoi(attr(e, "r"))
		if err != nil || n <= s.row {
			n = s.row + 1
		}
		if n > 1<<20 {
			return Problems{{Where: s.where, Msg: fmt.Sprintf("a damaged workbook: row %d is past a sheet's last row", n)}}
		}
		s.row, s.col, s.cells = n, 0, nil
	case "c":
		*c = cellXML{}
		s.inCell = true
		col, ok := refColumn(attr(e, "r"))
		if !ok || col <= s.col {
			col = s.col + 1
		}
		if col > maxColumns {
			return Problems{{Where: s.where, Msg: fmt.Sprintf("a damaged workbook: a cell past column XFD on row %d", s.row)}}
		}
		s.col, c.col = col, col
		c.style, _ = strconv.Atoi(attr(e, "s"))
		c.typ = attr(e, "t")
	case "v":
		c.inV = s.inCell
	case "f":
		c.inF, c.hasF = s.inCell, s.inCell
		if attr(e, "t") == "shared" {
			c.fShared, c.fSharedI = "shared", attr(e, "si")
		}
	case "is":
		c.inIS = s.inCell
	case "rPh":
		c.inRPh = true
	case "t":
		c.inT = c.inIS && !c.inRPh
	case "mergeCell":
		s.merge(attr(e, "ref"))
	}
	return nil
}

func (s *sheetReader) end(name string) error {
	c := &s.c
	switch name {
	case "v":
		c.inV, c.hasV = false, c.hasV || s.inCell
	case "f":
		c.inF = false
		if c.fShared != "" {
			if text := c.f.String(); text != "" {
				s.shared[c.fSharedI] = text
			} else {
				c.f.WriteString(s.shared[c.fSharedI])
			}
		}
	case "is":
		c.inIS, c.hasV = false, c.hasV || s.inCell
	case "rPh":
		c.inRPh = false
	case "t":
		c.inT = false
	case "c":
		if s.inCell {
			s.inCell = false
			return s.endCell()
		}
	case "row":
		return s.endRow()
	}
	return nil
}

// endCell keeps the cell just read when it holds something.
func (s *sheetReader) endCell() error {
	cell, p := s.w.cell(s.where, s.c.col, s.row, &s.c)
	if p != nil && len(s.probs) < maxCellProblems {
		s.probs = append(s.probs, p)
	}
	if cell == (Cell{}) {
		return nil
	}
	if grow := s.c.col - len(s.cells); grow > 0 {
		if s.cells0+len(s.cells)+grow > MaxCells {
			return Problems{{Where: s.where, Msg: fmt.Sprintf("more than %d cells (counting the empty ones left of a cell that holds something); iomt reads tables of up to %d", MaxCells, MaxCells),
				Hint: "copy the table into a workbook of its own, or save it as CSV"}}
		}
		s.cells = append(s.cells, make([]Cell, grow)...)
	}
	s.cells[s.c.col-1] = cell
	return nil
}

// endRow keeps the row just read when it holds something.
func (s *sheetReader) endRow() error {
	row := Row{N: s.row, Cells: s.cells}
	s.cells = nil
	if row.empty() {
		return nil
	}
	if len(s.t.Rows) == MaxRows {
		return Problems{{Where: s.where, Msg: fmt.Sprintf("more than %d rows; iomt reads tables of up to %d", MaxRows, MaxRows)}}
	}
	s.cells0 += len(row.Cells)
	s.t.Rows = append(s.t.Rows, row)
	return nil
}

// merge keeps a merged range, A1:B3, for the layout to apply.
func (s *sheetReader) merge(ref string) {
	from, to, ok := strings.Cut(ref, ":")
	if !ok || len(s.t.merges) >= MaxRows {
		return
	}
	c1, r1, ok1 := cellCoords(from)
	c2, r2, ok2 := cellCoords(to)
	if ok1 && ok2 {
		s.t.merges = append(s.t.merges, mergeRange{top: r1, left: c1 - 1, bottom: r2, right: c2 - 1})
	}
}

// refColumn is the column (1 is A) of a cell reference such as B12.
func refColumn(ref string) (int, bool) {
	col, _, ok := cellCoords(ref)
	return col, ok
}

// cellCoords reads a cell reference, B12 (or $B$12): its column (1 is
// A) and row.
func cellCoords(ref string) (col, row int, ok bool) {
	ref = strings.ReplaceAll(ref, "$", "")
	i := 0
	for i < len(ref) && i < 4 {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		i++
	}
	row, err := strconv.Atoi(ref[i:])
	if i == 0 || err != nil || col > maxColumns || row < 1 {
		return 0, 0, false
	}
	return col, row, true
}

// cell reads the cell at col, row (1-based) as the sheet stored it.
func (w *workbook) cell(where string, col, row int, c *cellXML) (Cell, *Problem) {
	at := func() string { return where + ", cell " + columnName(col-1) + strconv.Itoa(row) }
	v := c.v.String()
	if c.typ == "s" && c.hasV {
		i, err := strconv.Atoi(strings.TrimSpace(v))
		text, ok := w.sst.get(i)
		if err != nil || !ok {
			return Cell{}, &Problem{Where: at(), Msg: "a damaged workbook: the cell names a text the workbook does not have", Hint: "open it in Excel or LibreOffice and save it again"}
		}
		v = text
	}
	if !c.hasV || v == "" {
		if c.hasF {
			return Cell{Formula: c.f.String()}, nil
		}
		return Cell{}, nil
	}
	switch c.typ {
	case "e":
		return Cell{}, &Problem{Where: at(), Msg: "holds the error " + cut(v, 40), Hint: "fix the formula, or type the value"}
	case "", "n", "d":
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return Cell{Text: v}, nil // a date written as text
		}
		pct := c.style >= 0 && c.style < len(w.pctStyle) && w.pctStyle[c.style]
		return Cell{Text: v, IsNum: true, Num: x, Percent: pct}, nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return Cell{Text: "TRUE"}, nil
		}
		return Cell{Text: "FALSE"}, nil
	}
	return Cell{Text: v}, nil
}
