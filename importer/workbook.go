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
)

// A workbook is read from its zip package directly, part by part, and
// only the parts a table needs are unpacked: the workbook's list of
// sheets, the shared strings, the styles and the one sheet read. The
// zip's directory is read first and each of those parts is bounded by
// its unpacked size, which archive/zip holds the part to as it unpacks
// it. The sheet is streamed (sheet.go): only rows that hold something
// are kept.
//
// Hand-written rather than read through excelize, because excelize's
// cell-by-cell API (a cell's type, style and formula) parses the whole
// worksheet into memory first, and its row iterator gives text only: a
// 5 MB workbook whose sheet runs on for a million empty rows with a
// style took 12 s and 640 MB to read that way (BENCHMARKS.md), and
// excelize also unpacks every other part of the package, pictures and
// unread sheets included, to memory or temporary files.

// workbook is a workbook's package and what a sheet's cells need: the
// shared strings, and which styles show numbers as percentages.
type workbook struct {
	file   string
	pkg    *pkgInfo
	sheets []string // in the workbook's order
	sst    sharedStrings
	// pctStyle[i] says whether cell style i formats numbers as
	// percentages.
	pctStyle []bool
}

// openWorkbook checks the workbook in r (size bytes) and reads what its
// sheets need. pick chooses the sheet that will be read once the names
// are known; that sheet is held to MaxSheetBytes.
func openWorkbook(file string, r *os.File, size int64, pick func(w *workbook) (string, error)) (*workbook, string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, "", Problems{{Where: file, Msg: "not an XLSX workbook: a damaged zip archive (" + err.Error() + ")",
			Hint: "open it in Excel or LibreOffice and save it again as .xlsx"}}
	}
	pkg, err := readPackage(file, zr)
	if err != nil {
		return nil, "", err
	}
	if err := pkg.checkShared(file); err != nil {
		return nil, "", err
	}
	w := &workbook{file: file, pkg: pkg, sheets: pkg.names}
	if zf := pkg.parts[pkg.sharedPart]; zf != nil {
		if w.sst, err = readSharedStrings(zf); err != nil {
			return nil, "", Problems{{Where: file, Msg: "a damaged workbook: its shared strings: " + err.Error(), Hint: "open it in Excel or LibreOffice and save it again"}}
		}
	}
	if zf := pkg.parts[pkg.stylesPart]; zf != nil {
		if w.pctStyle, err = readPercentStyles(zf); err != nil {
			return nil, "", Problems{{Where: file, Msg: "a damaged workbook: its styles: " + err.Error(), Hint: "open it in Excel or LibreOffice and save it again"}}
		}
	}
	sheet, err := pick(w)
	if err != nil {
		return nil, "", err
	}
	if err := pkg.checkSheet(file, sheet); err != nil {
		return nil, "", err
	}
	return w, sheet, nil
}

// pkgInfo is what the zip's directory says of a workbook: its sheets by
// name, the part each is in, every part's unpacked size, and where the
// shared strings and styles are.
type pkgInfo struct {
	names                  []string
	part                   map[string]string // sheet name → part
	sizes                  map[string]int64  // part → unpacked size
	parts                  map[string]*zip.File
	sharedPart, stylesPart string
}

// readPackage reads the workbook's directory and the two small parts
// that name its sheets.
func readPackage(file string, zr *zip.Reader) (*pkgInfo, error) {
	pkg := &pkgInfo{part: map[string]string{}, sizes: map[string]int64{}, parts: map[string]*zip.File{}}
	var total int64
	for _, zf := range zr.File {
		name := strings.TrimPrefix(strings.ReplaceAll(zf.Name, "\\", "/"), "/")
		size := int64(zf.UncompressedSize64)
		if size < 0 || total+size > MaxUnpackedBytes {
			return nil, Problems{{Where: file, Msg: fmt.Sprintf("a workbook that unpacks to over %d MiB; iomt reads workbooks of up to %d MiB unpacked", MaxUnpackedBytes>>20, MaxUnpackedBytes>>20),
				Hint: "is this the right file?"}}
		}
		total += size
		pkg.sizes[name] = size
		pkg.parts[name] = zf
	}
	wbPart := "xl/workbook.xml"
	if rels, ok := pkg.parts["_rels/.rels"]; ok {
		if t := relTarget(rels, "", func(typ string) bool { return strings.HasSuffix(typ, "/officeDocument") }); t != "" {
			wbPart = t
		}
	}
	wb, ok := pkg.parts[wbPart]
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
	dir := path.Dir(wbPart)
	relsPart := path.Join(dir, "_rels", path.Base(wbPart)+".rels")
	targets := map[string]string{}
	pkg.sharedPart, pkg.stylesPart = path.Join(dir, "sharedStrings.xml"), path.Join(dir, "styles.xml")
	if rels, ok := pkg.parts[relsPart]; ok {
		readRels(rels, dir, targets, pkg)
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

// checkShared bounds the parts every sheet needs: the shared strings,
// held in memory while a sheet is read, and the styles.
func (p *pkgInfo) checkShared(file string) error {
	if n := p.sizes[p.sharedPart]; n > MaxSheetBytes {
		return Problems{{Where: file, Msg: fmt.Sprintf("%d MiB of text unpacked; iomt reads workbooks of up to %d MiB of text", n>>20, MaxSheetBytes>>20),
			Hint: "copy the table into a workbook of its own, or save it as CSV"}}
	}
	if n := p.sizes[p.stylesPart]; n > MaxOtherBytes {
		return Problems{{Where: file, Msg: fmt.Sprintf("%d MiB of styles unpacked; iomt reads workbooks with up to %d MiB of them", n>>20, MaxOtherBytes>>20),
			Hint: "copy the table into a workbook of its own, or save it as CSV"}}
	}
	return nil
}

// checkSheet bounds the sheet to be read. The other sheets, pictures and
// charts are never unpacked.
func (p *pkgInfo) checkSheet(file, sheet string) error {
	if n := p.sizes[p.part[sheet]]; n > MaxSheetBytes {
		return Problems{{Where: file + ": sheet " + sheet, Msg: fmt.Sprintf("a sheet of %d MiB unpacked; iomt reads sheets of up to %d MiB", n>>20, MaxSheetBytes>>20),
			Hint: "is this the right sheet? copy the table into a workbook of its own, or save it as CSV"}}
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

// readRels maps each of the workbook's relationships' ID to its target
// part, and finds its shared strings and styles.
func readRels(zf *zip.File, dir string, out map[string]string, pkg *pkgInfo) {
	var rels relationships
	if decodePart(zf, &rels) != nil {
		return
	}
	for _, r := range rels.Rels {
		target := resolvePart(dir, r.Target)
		out[r.ID] = target
		switch {
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			pkg.sharedPart = target
		case strings.HasSuffix(r.Type, "/styles"):
			pkg.stylesPart = target
		}
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
func pickSheet(file, want, def string) func(*workbook) (string, error) {
	return func(w *workbook) (string, error) {
		names := w.sheets
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
	return w.table(name)
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
