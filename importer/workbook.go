package importer

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A workbook is checked before excelize opens it: excelize reads every
// part of the package into memory (worksheets over a limit into
// temporary files), and parses a sheet whole when asked for one of its
// cells. So the zip's directory is read first, with archive/zip, and the
// sheet to read, the shared strings and the other parts are each
// bounded by their unpacked sizes, which archive/zip holds the parts to
// as it unpacks them.

// xmlSpillBytes is the size over which excelize unpacks a worksheet into
// a temporary file instead of memory: the sheets not read cost disk, not
// memory.
const xmlSpillBytes = 1 << 20

// workbook is an opened workbook and the names of its sheets.
type workbook struct {
	file   string
	f      *excelize.File
	sheets []string // in the workbook's order
	// pctStyle caches, per style index, whether it formats numbers as
	// percentages.
	pctStyle map[int]bool
}

// openWorkbook checks the workbook in r (size bytes) and opens it.
// sheet, when not empty, is the sheet that will be read, held to
// MaxSheetBytes; "" checks the sheet named by pick once the names are
// known.
func openWorkbook(file string, r *os.File, size int64, pick func(names []string) (string, error)) (*workbook, string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, "", Problems{{Where: file, Msg: "not an XLSX workbook: a damaged zip archive (" + err.Error() + ")",
			Hint: "open it in Excel or LibreOffice and save it again as .xlsx"}}
	}
	pkg, err := readPackage(file, zr)
	if err != nil {
		return nil, "", err
	}
	sheet, err := pick(pkg.names)
	if err != nil {
		return nil, "", err
	}
	if err := pkg.check(file, sheet); err != nil {
		return nil, "", err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, "", fmt.Errorf("cannot read %s: %w", file, err)
	}
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: MaxUnpackedBytes, UnzipXMLSizeLimit: xmlSpillBytes})
	if err != nil {
		return nil, "", Problems{{Where: file, Msg: "not a workbook excelize can read: " + err.Error(),
			Hint: "open it in Excel or LibreOffice and save it again as .xlsx"}}
	}
	return &workbook{file: file, f: f, sheets: f.GetSheetList(), pctStyle: map[int]bool{}}, sheet, nil
}

func (w *workbook) Close() error { return w.f.Close() }

// pkgInfo is what the zip's directory says of a workbook: its sheets by
// name, the part each is in, and every part's unpacked size.
type pkgInfo struct {
	names []string
	part  map[string]string // sheet name → part
	sizes map[string]int64  // part → unpacked size
}

// readPackage reads the workbook's directory and the two small parts
// that name its sheets.
func readPackage(file string, zr *zip.Reader) (*pkgInfo, error) {
	pkg := &pkgInfo{part: map[string]string{}, sizes: map[string]int64{}}
	var total int64
	parts := map[string]*zip.File{}
	for _, zf := range zr.File {
		name := strings.TrimPrefix(strings.ReplaceAll(zf.Name, "\\", "/"), "/")
		size := int64(zf.UncompressedSize64)
		if size < 0 || total+size > MaxUnpackedBytes {
			return nil, Problems{{Where: file, Msg: fmt.Sprintf("a workbook that unpacks to over %d MiB; iomt reads workbooks of up to %d MiB unpacked", MaxUnpackedBytes>>20, MaxUnpackedBytes>>20),
				Hint: "is this the right file?"}}
		}
		total += size
		pkg.sizes[name] = size
		parts[name] = zf
	}
	wbPart := "xl/workbook.xml"
	if rels, ok := parts["_rels/.rels"]; ok {
		if t := relTarget(rels, "", func(typ string) bool { return strings.HasSuffix(typ, "/officeDocument") }); t != "" {
			wbPart = t
		}
	}
	wb, ok := parts[wbPart]
	if !ok {
		return nil, Problems{{Where: file, Msg: "a zip archive, but not an XLSX workbook (it has no workbook part)",
			Hint: "give an Excel workbook (.xlsx) or a CSV file"}}
	}
	var doc struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(wb, &doc); err != nil {
		return nil, Problems{{Where: file, Msg: "a damaged workbook: " + err.Error(), Hint: "open it in Excel or LibreOffice and save it again"}}
	}
	relsPart := path.Join(path.Dir(wbPart), "_rels", path.Base(wbPart)+".rels")
	targets := map[string]string{}
	if rels, ok := parts[relsPart]; ok {
		readRels(rels, path.Dir(wbPart), targets)
	}
	for _, s := range doc.Sheets {
		pkg.names = append(pkg.names, s.Name)
		pkg.part[s.Name] = targets[s.ID]
	}
	if len(pkg.names) == 0 {
		return nil, Problems{{Where: file, Msg: "a workbook without sheets"}}
	}
	return pkg, nil
}

// check bounds what opening the workbook and reading sheet hold in
// memory.
func (p *pkgInfo) check(file, sheet string) error {
	read := p.part[sheet]
	if n := p.sizes[read]; n > MaxSheetBytes {
		return Problems{{Where: file + ": sheet " + sheet, Msg: fmt.Sprintf("a sheet of %d MiB unpacked; iomt reads sheets of up to %d MiB", n>>20, MaxSheetBytes>>20),
			Hint: "is this the right sheet? copy the table into a workbook of its own, or save it as CSV"}}
	}
	var other int64
	for name, n := range p.sizes {
		switch {
		case name == read:
		case strings.EqualFold(name, "xl/sharedStrings.xml"):
			if n > MaxSheetBytes {
				return Problems{{Where: file, Msg: fmt.Sprintf("%d MiB of text unpacked; iomt reads workbooks of up to %d MiB of text", n>>20, MaxSheetBytes>>20),
					Hint: "copy the table into a workbook of its own, or save it as CSV"}}
			}
		case strings.HasPrefix(name, "xl/worksheets/") && n > xmlSpillBytes:
			// Unpacked to a temporary file, never parsed.
		default:
			other += n
		}
	}
	if other > MaxOtherBytes {
		return Problems{{Where: file, Msg: fmt.Sprintf("%d MiB of other parts unpacked (pictures, charts, other sheets); iomt reads workbooks with up to %d MiB of them", other>>20, MaxOtherBytes>>20),
			Hint: "copy the table into a workbook of its own, or save it as CSV"}}
	}
	return nil
}

// decodePart decodes a small XML part, read up to MaxOtherBytes.
func decodePart(zf *zip.File, v any) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, MaxOtherBytes)).Decode(v)
}

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// relTarget is the target of the first relationship in zf whose type
// matches, as a part name resolved against dir.
func relTarget(zf *zip.File, dir string, match func(string) bool) string {
	var rels relationships
	if decodePart(zf, &rels) != nil {
		return ""
	}
	for _, r := range rels.Rels {
		if match(r.Type) {
			return resolvePart(dir, r.Target)
		}
	}
	return ""
}

// readRels maps each relationship's ID to its target part.
func readRels(zf *zip.File, dir string, out map[string]string) {
	var rels relationships
	if decodePart(zf, &rels) != nil {
		return
	}
	for _, r := range rels.Rels {
		out[r.ID] = resolvePart(dir, r.Target)
	}
}

func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(dir, target)), "/")
}

// pickSheet chooses the sheet to read: the one named (in any case, as
// spreadsheets compare sheet names), else def (in any case) when there
// is one, else the first.
func pickSheet(file, want, def string) func([]string) (string, error) {
	return func(names []string) (string, error) {
		if want == "" {
			if i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, def) }); i >= 0 {
				return names[i], nil
			}
			return names[0], nil
		}
		if i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, want) }); i >= 0 {
			return names[i], nil
		}
		return "", Problems{{Where: file, Msg: fmt.Sprintf("no sheet %q", want),
			Hint: "its sheets are " + quoteList(names)}}
	}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return joinSome(q)
}

// readWorkbookTable reads one sheet of the workbook in r as a table.
func readWorkbookTable(file string, r *os.File, size int64, sheet string) (t *Table, err error) {
	defer recoverDamaged(file, &err)
	w, name, err := openWorkbook(file, r, size, pickSheet(file, sheet, "Segments"))
	if err != nil {
		return nil, err
	}
	defer w.Close()
	return w.table(name)
}

// table reads sheet as a table: each cell's stored value (a formula's
// too), numbers with whether they are formatted as percentages, merged
// ranges kept for the layout to apply.
func (w *workbook) table(sheet string) (*Table, error) {
	t := &Table{File: w.file, Sheet: sheet, header: -1}
	rows, err := w.f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, Problems{{Where: w.file + ": sheet " + sheet, Msg: "cannot be read: " + err.Error()}}
	}
	var probs Problems
	for ri, vals := range rows {
		if len(t.Rows) == MaxRows {
			return nil, Problems{{Where: w.file + ": sheet " + sheet, Msg: fmt.Sprintf("more than %d rows; iomt reads tables of up to %d", MaxRows, MaxRows)}}
		}
		row := Row{N: ri + 1, Cells: make([]Cell, len(vals))}
		for ci, v := range vals {
			c, p := w.cell(sheet, ci+1, ri+1, v)
			row.Cells[ci] = c
			if p != nil {
				probs = append(probs, p)
			}
		}
		if !row.empty() {
			t.Rows = append(t.Rows, row)
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	if len(t.Rows) == 0 {
		return nil, Problems{{Where: w.file + ": sheet " + sheet, Msg: "the sheet is empty",
			Hint: sheetHint(w.sheets, sheet)}}
	}
	merges, err := w.f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, Problems{{Where: w.file + ": sheet " + sheet, Msg: "cannot be read: " + err.Error()}}
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 == nil && err2 == nil {
			t.merges = append(t.merges, mergeRange{top: r1, left: c1 - 1, bottom: r2, right: c2 - 1})
		}
	}
	return t, nil
}

// recoverDamaged turns a panic of the workbook reader on a damaged file
// into a problem with that file, so a hostile workbook cannot take iomt
// (or an SSH session's server) down.
func recoverDamaged(file string, err *error) {
	if r := recover(); r != nil {
		*err = Problems{{Where: file, Msg: fmt.Sprintf("a damaged workbook (%v)", r),
			Hint: "open it in Excel or LibreOffice and save it again as .xlsx"}}
	}
}

// sheetHint names the workbook's other sheets, for a sheet that holds
// nothing to read.
func sheetHint(sheets []string, sheet string) string {
	others := slices.DeleteFunc(slices.Clone(sheets), func(s string) bool { return s == sheet })
	if len(others) == 0 {
		return "the workbook has no other sheet"
	}
	return "give --sheet NAME: its other sheets are " + quoteList(others)
}

// cell reads the cell at col, row (1-based) whose stored value is v.
func (w *workbook) cell(sheet string, col, row int, v string) (Cell, *Problem) {
	name, _ := excelize.CoordinatesToCellName(col, row)
	where := w.file + ": sheet " + sheet + ", cell " + name
	typ, err := w.f.GetCellType(sheet, name)
	if err != nil {
		return Cell{}, &Problem{Where: where, Msg: "cannot be read: " + err.Error()}
	}
	if v == "" {
		fm, _ := w.f.GetCellFormula(sheet, name)
		return Cell{Formula: fm}, nil
	}
	switch typ {
	case excelize.CellTypeError:
		return Cell{}, &Problem{Where: where, Msg: "holds the error " + cut(v, 40), Hint: "fix the formula, or type the value"}
	case excelize.CellTypeNumber, excelize.CellTypeUnset, excelize.CellTypeDate:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return Cell{Text: v}, nil // a formula's text result
		}
		return Cell{Text: v, IsNum: true, Num: x, Percent: w.percent(sheet, name)}, nil
	case excelize.CellTypeBool:
		if v == "1" {
			return Cell{Text: "TRUE"}, nil
		}
		return Cell{Text: "FALSE"}, nil
	}
	return Cell{Text: v}, nil
}

// percent reports whether a cell's number format shows its number as a
// percentage (0.185 as 18.5 %).
func (w *workbook) percent(sheet, cell string) bool {
	id, err := w.f.GetCellStyle(sheet, cell)
	if err != nil {
		return false
	}
	if p, ok := w.pctStyle[id]; ok {
		return p
	}
	p := false
	if st, err := w.f.GetStyle(id); err == nil {
		switch {
		case st.CustomNumFmt != nil:
			p = percentFormat(*st.CustomNumFmt)
		default:
			p = st.NumFmt == 9 || st.NumFmt == 10 // 0% and 0.00%, built in
		}
	}
	w.pctStyle[id] = p
	return p
}

// percentFormat reports whether a number format multiplies by 100: a %
// outside quoted text and not escaped by a backslash ("0.0%", not
// `0.0" %"`, which only prints the sign).
func percentFormat(f string) bool {
	quoted := false
	for i := 0; i < len(f); i++ {
		switch c := f[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal, or padding
		case c == '[':
			// [Red], [$€-407], [>100]: no % inside counts.
			if j := strings.IndexByte(f[i:], ']'); j >= 0 {
				i += j
			}
		case c == '%':
			return true
		}
	}
	return false
}

// cut shortens text from a file for a message.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// mergeRange is a merged range of a sheet: rows top to bottom (sheet
// numbers), columns left to right (0 is A).
type mergeRange struct{ top, left, bottom, right int }
