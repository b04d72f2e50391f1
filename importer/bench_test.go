package importer

import (
	"testing"
)

// BenchmarkImportExampleCSV reads the example table and makes its
// dataset, validated.
func BenchmarkImportExampleCSV(b *testing.B) {
	for b.Loop() {
		if _, err := importFile("../testdata/import/segments.csv", "", Market{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportWorkbookScenario reads an exported IoMT workbook's
// Inputs and makes its scenario: what o does for each workbook.
func BenchmarkImportWorkbookScenario(b *testing.B) {
	ds, ws := iomtWorkspace(b)
	path := exported(b, ds, ws, "accelerated-adoption")
	for b.Loop() {
		wb, err := ReadWorkbook(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ImportScenario(wb, ds, ws, ""); err != nil {
			b.Fatal(err)
		}
	}
}
