package ui

import (
	"bytes"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportBridgeChart: x on the bridge screen offers the bridge's
// waterfall for a slide; SVG and PNG are written into the workspace
// in a command, named after the scenarios, the row and the year, and the
// bridge stays open under the menu.
func TestExportBridgeChart(t *testing.T) {
	ws := newWorkspace(t)
	m := newWSModel(t, ws, 160, 48)
	m = compareWith(t, m, nameAccel)
	m = send(t, m, runeKey('4'), runeKey('j'), runeKey('B'))
	if !topIs[*bridgeDialog](m) {
		t.Fatalf("B opened no bridge:\n%s", view(m))
	}
	m = send(t, m, runeKey('x'))
	if !topIs[*slideMenu](m) || !strings.Contains(view(m), "Export the bridge of Region/North America, 2027") {
		t.Fatalf("x on the bridge offers no chart:\n%s", view(m))
	}
	m = pickTitle(t, m, "SVG chart for a slide")
	m = send(t, m, keyEnter)
	stem := filepath.Join(ws.Dir, "base-report-to-accelerated-adoption-region-north-america-2027-bridge")
	svg := string(readFile(t, stem+".svg"))
	for _, want := range []string{">Internet of Medical Things — Base (report) → Accelerated adoption</text>",
		">Bridge: Region/North America in 2027, US$ bn · ", ">Base (report)</text>", ">Accelerated adoption</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the bridge's SVG lacks %s", want)
		}
	}
	if !topIs[*bridgeDialog](m) || !strings.Contains(lastLine(m), "Exported the bridge of Region/North America, 2027") {
		t.Errorf("after the export: top %T, status %q", m.dialogs.top(), lastLine(m))
	}
	m = send(t, m, runeKey('x'))
	m = pickTitle(t, m, "PNG chart for a slide, 1920×1080")
	sendSlow(t, m, keyEnter)
	img, err := png.Decode(bytes.NewReader(readFile(t, stem+".png")))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1920 || b.Dy() != 1080 {
		t.Errorf("the PNG is %v", b)
	}
}

// TestExportMonteCarloFan: x on a finished Monte Carlo run offers its
// fan for a slide: the P10–P90 band, the median, the row, the paths and
// the seed of the run on screen.
func TestExportMonteCarloFan(t *testing.T) {
	ws := newWorkspace(t)
	m := regionRow(t, newWSModel(t, ws, 120, 40), "Region/Asia-Pacific")
	m = send(t, m, runeKey('m'))
	if d, ok := m.dialogs.top().(*monteCarloDialog); !ok || !d.finish {
		t.Fatalf("m did not finish: %T", m.dialogs.top())
	}
	m = send(t, m, runeKey('x'))
	m = pickTitle(t, m, "SVG chart for a slide")
	m = send(t, m, keyEnter)
	svg := string(readFile(t, filepath.Join(ws.Dir, "base-report-region-asia-pacific-monte-carlo.svg")))
	for _, want := range []string{">Internet of Medical Things — Base (report)</text>",
		">Monte Carlo: Region/Asia-Pacific, value, US$ bn · 10,000 paths, seed 1</text>", ">P10–P90</text>", ">P50 (median)</text>", ">2027</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the fan's SVG lacks %s", want)
		}
	}
	if _, ok := m.dialogs.top().(*monteCarloDialog); !ok || !strings.Contains(lastLine(m), "Exported the Monte Carlo fan of Region/Asia-Pacific") {
		t.Errorf("after the export: top %T, status %q", m.dialogs.top(), lastLine(m))
	}
}

// TestExportSlideReadOnly: a session that cannot write files says so on
// x, and opens no menu.
func TestExportSlideReadOnly(t *testing.T) {
	m := regionRow(t, newTestModel(t, 120, 40), "Region/Asia-Pacific")
	m = send(t, m, runeKey('m'), runeKey('x'))
	if _, ok := m.dialogs.top().(*monteCarloDialog); !ok || !strings.Contains(lastLine(m), "cannot write files") {
		t.Errorf("x in a read-only session: top %T, status %q", m.dialogs.top(), lastLine(m))
	}
}
