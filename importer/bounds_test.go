package importer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// bigSheet is a workbook whose one sheet unpacks to sheetBytes of XML,
// packed small (every row the same).
func bigSheet(t *testing.T, sheetBytes int) string {
	t.Helper()
	path := book(t, "Segments", [][]any{{"dimension", "segment"}}, nil)
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name != "xl/worksheets/sheet1.xml" {
			r, _ := zf.Open()
			var b bytes.Buffer
			_, _ = b.ReadFrom(r)
			r.Close()
			_, _ = w.Write(b.Bytes())
			continue
		}
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`))
		// Rows without numbers, as a spreadsheet may write them: one
		// chunk written again and again (it is refused unread).
		chunk := bytes.Repeat([]byte(`<row><c t="inlineStr"><is><t>Region</t></is></c></row>`), 20000)
		for n := 0; n < sheetBytes; n += len(chunk) {
			_, _ = w.Write(chunk)
		}
		_, _ = w.Write([]byte(`</sheetData></worksheet>`))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.xlsx")
	if err := os.WriteFile(big, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return big
}

// TestImportBoundsMemory: a workbook whose sheet unpacks past
// MaxSheetBytes is refused from the zip's directory, before anything is
// unpacked or parsed: reading it allocates a few MiB, not the hundreds
// that parsing it would take.
func TestImportBoundsMemory(t *testing.T) {
	path := bigSheet(t, MaxSheetBytes+(4<<20))
	if st, _ := os.Stat(path); st.Size() > 8<<20 {
		t.Fatalf("the test's workbook is %d bytes: not packed small", st.Size())
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadTable(path, "")
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "iomt reads sheets of up to 48 MiB") {
		t.Fatalf("a %d MiB sheet: %v", (MaxSheetBytes>>20)+4, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("refusing the workbook allocated %d MiB", alloc>>20)
	}
}

// TestImportRefusesLargeFiles: files past the stated limits are refused
// by their size, and a zip that says it unpacks past MaxUnpackedBytes by
// its directory, before a byte of it is unpacked.
func TestImportRefusesLargeFiles(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.xlsx")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write(zipMagic)
	if err := f.Truncate(100 << 20); err != nil { // 100 MB, sparse
		t.Fatal(err)
	}
	f.Close()
	bigText := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(bigText, bytes.Repeat([]byte("a,b\n"), MaxTextBytes/4+1), 0o644); err != nil {
		t.Fatal(err)
	}
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for i := range 3 {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), Method: zip.Deflate,
			UncompressedSize64: 1 << 29, CompressedSize64: 2})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte{3, 0})
	}
	_ = zw.Close()
	bombPath := filepath.Join(dir, "bomb.xlsx")
	if err := os.WriteFile(bombPath, bomb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		huge:     "huge.xlsx: a file of over 64 MiB; iomt reads workbooks of up to 64 MiB and text tables of up to 8 MiB",
		bigText:  "big.csv: a text file of over 8 MiB; iomt reads text tables of up to 8 MiB",
		bombPath: "bomb.xlsx: a workbook that unpacks to over 1024 MiB; iomt reads workbooks of up to 1024 MiB unpacked",
	} {
		_, err := ReadTable(path, "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", filepath.Base(path), err, want)
		}
	}
}

// TestImportRefusesWhatIsNoFile: a folder or a FIFO is refused, never
// waited on.
func TestImportRefusesWhatIsNoFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadTable(dir, ""); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("a folder: %v", err)
	}
}
