package importer

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ParseText reads data, the contents of the text file named file, as a
// table: comma-, semicolon- or tab-separated, as the header line says
// (or Excel's "sep=;" first line), in UTF-8 (a byte order mark is
// dropped) or UTF-16 (Excel's "Unicode text"). Text in another encoding
// is refused with the line it breaks on, not guessed at: a Windows-1252
// "é" read as UTF-8 would become a segment name nobody typed.
func ParseText(file string, data []byte) (*Table, error) {
	text, err := decodeText(file, data)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(text, "\n") {
		// Classic Mac line ends: encoding/csv reads only \n and \r\n.
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	sep, skip := separator(text)
	t := &Table{File: file, DecimalComma: sep == ';', header: -1}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1
	for i := 0; i < skip; i++ {
		if _, err := r.Read(); err != nil {
			break
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvProblem(file, err)
		}
		line, _ := r.FieldPos(0)
		row := Row{N: line, Cells: make([]Cell, len(rec))}
		for i, f := range rec {
			row.Cells[i].Text = f
			if l, _ := r.FieldPos(i); l != line {
				row.Cells[i].Line = l
			}
		}
		if row.empty() {
			continue
		}
		if len(t.Rows) == MaxRows {
			return nil, Problems{{Where: fmt.Sprintf("%s:%d", file, line), Msg: fmt.Sprintf("more than %d rows; iomt reads tables of up to %d", MaxRows, MaxRows),
				Hint: "is this the right file?"}}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// csvProblem words encoding/csv's error at its line.
func csvProblem(file string, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return Problems{{Where: file, Msg: err.Error()}}
	}
	p := &Problem{Where: fmt.Sprintf("%s:%d", file, pe.Line), Msg: pe.Err.Error()}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		p.Msg = fmt.Sprintf("a quote inside an unquoted field (column %d)", pe.Column)
		p.Hint = `quote the whole field and double the quote inside: "5"" screen"`
	case errors.Is(pe.Err, csv.ErrQuote):
		p.Msg = fmt.Sprintf("a quoted field that does not end where it should (column %d)", pe.Column)
		p.Hint = "a quote is left open, or text follows the closing quote; double a quote inside a quoted field"
	}
	if pe.StartLine != pe.Line {
		p.Msg += fmt.Sprintf(" (the field starts on line %d)", pe.StartLine)
	}
	return Problems{p}
}

// decodeText returns data as UTF-8 text: a UTF-8 byte order mark
// dropped, UTF-16 (by its byte order mark, or by the zero bytes ASCII
// text has in every other byte) decoded.
func decodeText(file string, data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(file, data[2:], binary.LittleEndian)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(file, data[2:], binary.BigEndian)
	}
	if order, ok := utf16Order(data); ok {
		return decodeUTF16(file, data, order)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return "", Problems{{Where: fmt.Sprintf("%s:%d", file, lineAt(data, i)), Msg: "a binary file, not a text table nor an XLSX workbook",
			Hint: "give a CSV file or an .xlsx workbook"}}
	}
	if !utf8.Valid(data) {
		i := invalidUTF8(data)
		return "", Problems{{Where: fmt.Sprintf("%s:%d", file, lineAt(data, i)),
			Msg:  fmt.Sprintf("not UTF-8 text (byte 0x%02X): the file is in another encoding, such as Windows-1252", data[i]),
			Hint: `in Excel, save as "CSV UTF-8 (Comma delimited)" or "Unicode Text"; or convert it: iconv -f WINDOWS-1252 -t UTF-8`}}
	}
	return string(data), nil
}

// utf16Order guesses UTF-16 without a byte order mark from the zero
// bytes that ASCII characters leave in every other byte.
func utf16Order(data []byte) (binary.ByteOrder, bool) {
	n := min(len(data), 512) &^ 1
	if n < 4 {
		return nil, false
	}
	even, odd := 0, 0
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			even++
		}
		if data[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd*10 >= half*9 && even == 0:
		return binary.LittleEndian, true
	case even*10 >= half*9 && odd == 0:
		return binary.BigEndian, true
	}
	return nil, false
}

func decodeUTF16(file string, data []byte, order binary.ByteOrder) (string, error) {
	if len(data)%2 != 0 {
		return "", Problems{{Where: file, Msg: "UTF-16 text with an odd number of bytes: the file is cut short or not UTF-16",
			Hint: `save it again from Excel as "Unicode Text", or as "CSV UTF-8"`}}
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		units[i] = order.Uint16(data[2*i:])
	}
	runes := utf16.Decode(units)
	for i, r := range runes {
		if r == utf8.RuneError {
			line := 1 + strings.Count(string(runes[:i]), "\n")
			return "", Problems{{Where: fmt.Sprintf("%s:%d", file, line), Msg: "broken UTF-16 text (a lone surrogate)",
				Hint: `save it again from Excel as "Unicode Text", or as "CSV UTF-8"`}}
		}
		if r == 0 {
			line := 1 + strings.Count(string(runes[:i]), "\n")
			return "", Problems{{Where: fmt.Sprintf("%s:%d", file, line), Msg: "a zero character in UTF-16 text: not a text table",
				Hint: "give a CSV file or an .xlsx workbook"}}
		}
	}
	return string(runes), nil
}

// invalidUTF8 is the offset of the first byte that is not UTF-8.
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// lineAt is the line of byte offset i.
func lineAt(data []byte, i int) int { return 1 + bytes.Count(data[:i], []byte("\n")) }

// separator picks the field separator: Excel's "sep=X" first line (then
// skip is 1), else the one of comma, semicolon and tab found most often
// outside quotes on the header line (the first line naming a segment
// column), else on the first line.
func separator(text string) (sep rune, skip int) {
	first, _, _ := strings.Cut(text, "\n")
	first = strings.TrimSpace(first)
	if v, ok := strings.CutPrefix(strings.ToLower(first), "sep="); ok {
		if r, size := utf8.DecodeRuneInString(v); size == len(v) && (r == ',' || r == ';' || r == '\t' || r == '|') {
			return r, 1
		}
	}
	line := first
	for l := range strings.SplitSeq(text, "\n") {
		if strings.Contains(strings.ToLower(l), "segment") {
			line = l
			break
		}
	}
	best, count := ',', 0
	for _, c := range []rune{',', ';', '\t'} {
		if n := countOutsideQuotes(line, c); n > count {
			best, count = c, n
		}
	}
	return best, 0
}

func countOutsideQuotes(line string, c rune) int {
	n, quoted := 0, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == c && !quoted:
			n++
		}
	}
	return n
}
