package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"iomt/internal/testkit"
)

// TestSpreadsheetToDashboard: from a spreadsheet of segments to the
// dashboard in one command. The example table, saved as a workbook by
// LibreOffice (as a consultant's spreadsheet is), opens with --dataset:
// the market, its tabs and segments on screen.
func TestSpreadsheetToDashboard(t *testing.T) {
	soffice := requireTool(t, "soffice")
	requireTool(t, "tmux")
	t.Parallel()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "segments.csv")
	data, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "import", "segments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csvPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	// Comma-separated, quoted with ", UTF-8 (76), from line 1.
	toXLSX(t, soffice, dir, out, "CSV:44,34,76,1", []string{csvPath})
	book := filepath.Join(out, "segments.xlsx")
	for _, table := range []string{book, csvPath} {
		s := startTmux(t, 120, 36, binary, "--dataset", table, "--workspace", filepath.Join(dir, "ws"))
		s.WaitFor("the imported market on screen", func(screen string) bool {
			return testkit.ContainsAll(screen, "Internet of Medical Things", "1 Component", "2 Region", "Medical Devices", "36.6*")
		})
		s.Keys("2")
		s.WaitForText("North America", "Rest of the World")
		s.Keys("q")
		if code := s.WaitExit(); code != 0 {
			t.Errorf("%s: exit %d", filepath.Base(table), code)
		}
	}
}
