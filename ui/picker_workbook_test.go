package ui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// editedWorkbook exports the Base as a workbook into dir, the way x
// does, and types a new rate for Telemedicine in its Inputs, as a
// partner would.
func editedWorkbook(t *testing.T, m *Model, dir string, rate float64) string {
	t.Helper()
	m = send(t, m, runeKey('x'))
	m = pickTitle(t, m, "XLSX workbook, a live model")
	send(t, m, keyEnter)
	path := filepath.Join(dir, "base-report.xlsx")
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Inputs")
	for i, r := range rows {
		if len(r) > 0 && r[0] == "Application/Telemedicine/cagr_pct" {
			_ = f.SetCellValue("Inputs", "B"+strconv.Itoa(i+1), rate)
		}
	}
	partner := filepath.Join(dir, "from-partner.xlsx")
	if err := f.SaveAs(partner); err != nil {
		t.Fatal(err)
	}
	return partner
}

// TestPickerOffersWorkbooks: o lists the workspace's workbooks as the
// scenarios their Inputs make, each with what changed against the
// scenario it was exported from; opening one loads it, and s asks for a
// name to save it as a scenario. A damaged workbook is marked ✗ with its
// reason.
func TestPickerOffersWorkbooks(t *testing.T) {
	ws := newWorkspace(t)
	m := newWSModel(t, ws, 160, 48)
	partner := editedWorkbook(t, m, ws.Dir, 26)
	writeFile(t, filepath.Join(ws.Dir, "broken.xlsx"), "not a workbook")

	m = send(t, m, runeKey('o'))
	m = pickPath(t, m, partner)
	it, _ := topChooser(t, m).selected()
	if it.title != "Base (report) (edited)" || !strings.Contains(it.desc, "workbook: 1 change against Base (report): Application/Telemedicine/cagr_pct 19 → 26") {
		t.Errorf("the workbook is listed as %q: %q", it.title, it.desc)
	}
	m = send(t, m, runeKey('k'))
	if broken := topChooser(t, m).list.Items(); !strings.Contains(view(m), "✗ broken.xlsx") {
		t.Errorf("the damaged workbook is not marked: %d items\n%s", len(broken), view(m))
	}
	m = send(t, m, runeKey('j'), keyEnter)
	tele := node(t, "Application/Telemedicine")
	if got := m.Scenario().Growth[tele]; got != 26 {
		t.Errorf("Telemedicine grows at %v after opening the workbook", got)
	}
	if !strings.Contains(lastLine(m), "Opened Base (report) (edited) from from-partner.xlsx") {
		t.Errorf("status %q", lastLine(m))
	}
	m = send(t, m, runeKey('s'))
	if !topIs[*namePrompt](m) {
		t.Fatalf("s did not ask for a name:\n%s", view(m))
	}
	if _, err := os.Stat(filepath.Join(ws.Dir, "from-partner.yaml")); !os.IsNotExist(err) {
		t.Error("opening a workbook wrote a file")
	}
}
