package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// styledEmptyRows is the example table as a workbook whose sheet then
// holds n empty rows with a style, as a spreadsheet writes a column
// formatted to its end: a few MB packed, tens unpacked.
func styledEmptyRows(t testing.TB, n int) string {
	t.Helper()
	data, err := os.ReadFile("../testdata/import/segments.csv")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := ParseText("segments.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	var sheet bytes.Buffer
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	last := 0
	for _, r := range tb.Rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, r.N)
		for ci, c := range r.Cells {
			if c.Text == "" {
				continue
			}
			fmt.Fprintf(&sheet, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, columnName(ci), r.N, xmlEscape(c.Text))
		}
		sheet.WriteString(`</row>`)
		last = r.N
	}
	for r := last + 1; r <= last+n; r++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%d" s="1"/></row>`, r, r)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Segments" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/styles.xml":              `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
		"xl/worksheets/sheet1.xml":   sheet.String(),
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "styled.xlsx")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xmlEscapeText(&b, s)
	return b.String()
}

func xmlEscapeText(b *bytes.Buffer, s string) error { return xml.EscapeText(b, []byte(s)) }

// BenchmarkStyledEmptyRows reads the example table from a workbook whose
// sheet runs on for a million empty rows with a style.
func BenchmarkStyledEmptyRows(b *testing.B) {
	path := styledEmptyRows(b, 1_000_000)
	if st, err := os.Stat(path); err == nil {
		b.Logf("%s: %d bytes", path, st.Size())
	}
	for b.Loop() {
		if _, err := importFile(path, "", Market{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestImportStyledEmptyRowsBoundsMemory: a sheet that runs on for
// hundreds of thousands of empty rows with a style (a column formatted
// to its end) is read in little memory: the rows that hold nothing are
// streamed past, not held. Peak heap is sampled while it is read.
func TestImportStyledEmptyRowsBoundsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 300,000-row sheet")
	}
	path := styledEmptyRows(t, 300_000)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var top uint64
		var m runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				peak <- top
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				top = max(top, m.HeapInuse)
			}
		}
	}()
	imp, err := importFile(path, "", Market{})
	close(stop)
	top := <-peak
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Dataset.Nodes) < 10 {
		t.Errorf("the table read as %d nodes", len(imp.Dataset.Nodes))
	}
	if grew := int64(top) - int64(base.HeapInuse); grew > 48<<20 {
		t.Errorf("reading the sheet held %d MiB of heap at its peak, want under 48", grew>>20)
	}
}
