package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"iomt/internal/safefile"
)

// Table is a sheet of cells as its user sees it: a CSV file or one sheet
// of a workbook.
type Table struct {
	File  string // as given, for messages
	Sheet string // the sheet read; "" for a text file
	Rows  []Row  // non-empty rows only, in order
	// DecimalComma is set for a ;-separated text file: its numbers are
	// written with decimal commas (18,5), as Excel writes them in
	// locales such as German or French.
	DecimalComma bool

	// Set by the reader of the table's layout (dataset.go): the row
	// index of the header, and each column's name in it.
	header   int
	colNames map[int]string
	// merges are a sheet's merged ranges, applied once the header is
	// known (layout.go).
	merges []mergeRange
}

// Row is one row of a table that holds something.
type Row struct {
	N     int // the row number (a sheet's) or the line (a text file's) it starts on
	Cells []Cell
}

// Cell is one cell: its text, and for a sheet's number its value.
type Cell struct {
	// Text is the cell as text: what was typed in a text file, a text
	// cell's text, or a number's stored value (0.185).
	Text string
	// IsNum is set for a sheet's number cell (or a formula's stored
	// number); Num is its value.
	IsNum bool
	Num   float64
	// Percent is set for a number cell formatted as a percentage: 0.185
	// shows as 18.5 %.
	Percent bool
	// Line is the line a text file's field starts on, when not the row's.
	Line int
	// Formula is a sheet's formula that has no stored value (a workbook
	// no spreadsheet has saved): an error where the cell is read.
	Formula string
}

// empty reports whether a row holds nothing but blanks.
func (r *Row) empty() bool {
	for _, c := range r.Cells {
		if strings.TrimSpace(c.Text) != "" || c.Formula != "" {
			return false
		}
	}
	return true
}

// rowWord is what a user calls a row of the table: a sheet's row, a
// text file's line.
func (t *Table) rowWord() string {
	if t.Sheet != "" {
		return "row"
	}
	return "line"
}

// cell returns cell i of the row, or an empty one past its end.
func (r *Row) cell(i int) Cell {
	if i >= 0 && i < len(r.Cells) {
		return r.Cells[i]
	}
	return Cell{}
}

// Limits of what is read (README: Importing). A table of segments is a
// few hundred rows; a workbook iomt exports for 15,000 segments is about
// 20 MB.
const (
	// MaxTextBytes bounds a CSV file.
	MaxTextBytes = 8 << 20
	// MaxWorkbookBytes bounds an XLSX file, before it is unpacked.
	MaxWorkbookBytes = 64 << 20
	// MaxSheetBytes bounds the unpacked XML of the sheet read, and of the
	// workbook's shared strings: what is parsed into memory.
	MaxSheetBytes = 48 << 20
	// MaxOtherBytes bounds the workbook's other unpacked parts, except
	// the sheets not read (which are never parsed).
	MaxOtherBytes = 16 << 20
	// MaxUnpackedBytes bounds the whole unpacked workbook: a zip bomb is
	// refused before anything is unpacked.
	MaxUnpackedBytes = 1 << 30
	// MaxRows bounds the rows of a table.
	MaxRows = 100_000
)

// Kinds of file by their first bytes.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// ReadTable reads path as a table: an XLSX workbook (told by its content,
// whatever its name; sheet names the sheet, "" the one named Segments
// or else the first), or delimited text (CSV, ;-separated with decimal
// commas, tab-separated; UTF-8 with or without a byte order mark, or
// UTF-16 as Excel's "Unicode text" writes it).
func ReadTable(path, sheet string) (*Table, error) {
	f, st, err := safefile.Open(path, MaxWorkbookBytes)
	var big *safefile.TooLargeError
	if errors.As(err, &big) {
		return nil, Problems{{Where: path, Msg: fmt.Sprintf("a file of over %d MiB; iomt reads workbooks of up to %d MiB and text tables of up to %d MiB",
			MaxWorkbookBytes>>20, MaxWorkbookBytes>>20, MaxTextBytes>>20), Hint: "is this the right file? a table of segments is far smaller"}}
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, zipMagic):
		return readWorkbookTable(path, f, st.Size(), sheet)
	case bytes.HasPrefix(head, oleMagic):
		return nil, Problems{{Where: path, Msg: "an Excel 97–2003 workbook (.xls) or an encrypted one, which iomt does not read",
			Hint: "save it as an Excel workbook (.xlsx), without a password, or as CSV UTF-8"}}
	case sheet != "":
		return nil, Problems{{Where: path, Msg: "not an XLSX workbook, so it has no sheet " + sheet,
			Hint: "--sheet is for workbooks; a CSV file is one table"}}
	case st.Size() > MaxTextBytes:
		return nil, Problems{{Where: path, Msg: fmt.Sprintf("a text file of over %d MiB; iomt reads text tables of up to %d MiB", MaxTextBytes>>20, MaxTextBytes>>20),
			Hint: "is this the right file? a table of segments is far smaller"}}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxTextBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	}
	if len(data) > MaxTextBytes {
		return nil, Problems{{Where: path, Msg: fmt.Sprintf("a text file of over %d MiB", MaxTextBytes>>20), Hint: "is this the right file?"}}
	}
	return ParseText(path, data)
}

// IsTableFile reports whether path names a table to import rather than
// a dataset file: .csv, .tsv, .txt, .xlsx or .xlsm.
func IsTableFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv", ".txt", ".xlsx", ".xlsm":
		return true
	}
	return false
}

// unwrapPath drops the *os.PathError wrapper, whose text repeats the path.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// unstored says, for each cell of cols in rows from..to (all columns when
// cols is nil), that it holds a formula without a stored value.
func (t *Table) unstored(from, to int, cols []int) Problems {
	var out Problems
	for ri := from; ri < to && ri < len(t.Rows); ri++ {
		for ci, c := range t.Rows[ri].Cells {
			if c.Formula == "" || cols != nil && !slices.Contains(cols, ci) {
				continue
			}
			out = append(out, &Problem{Where: t.where(cellAt(ri, ci)), Msg: "a formula (=" + cut(c.Formula, 60) + ") without a stored value",
				Hint: "open the workbook in Excel or LibreOffice and save it, which stores every formula's value; or type the value"})
		}
	}
	return out
}
