package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportChart: export --format png|svg draws the chart a slide
// needs at the size asked; the chart flags with another format, or a
// size out of range, are usage errors.
func TestExportChart(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "regions.png")
	if code, _, stderr := runCLI(t, "export", "--format", "png", "--dimension", "region", "--compare", "accelerated-adoption", "--size", "1600x900", "-o", out); code != 0 {
		t.Fatal(stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(f)
	f.Close()
	if err != nil || cfg.Width != 1600 || cfg.Height != 900 {
		t.Errorf("PNG %+v, %v", cfg, err)
	}
	code, svg, stderr := runCLI(t, "export", "--format", "svg", "--dimension", "Component/Medical Devices", "--metric", "growth")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{">Internet of Medical Things — Base (report)</text>", ">Component/Medical Devices: growth year on year, %, 2020–2027</text>",
		">Implanted Medical Devices</text>", ">2020</text>", ">growth (% a year)</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %s", want)
		}
	}
	if strings.Contains(svg, ">2019</text>") {
		t.Error("growth is drawn from the base year, which has none")
	}
	for _, args := range [][]string{
		{"export", "--metric", "share"},
		{"export", "--format", "xlsx", "--size", "800x600", "-o", filepath.Join(dir, "x.xlsx")},
		{"export", "--format", "png", "--size", "100000x9", "-o", filepath.Join(dir, "x.png")},
		{"export", "--format", "svg", "--metric", "volume"},
		{"export", "--format", "svg", "--dimension", "Region/North America/Canada"},
		{"montecarlo", "--node", "Total", "--paths", "10", "-o", filepath.Join(dir, "x.csv")},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.png")); !os.IsNotExist(err) {
		t.Error("a refused chart was written")
	}
}

// TestMonteCarloFanChart: montecarlo --format svg|png draws the fan.
func TestMonteCarloFanChart(t *testing.T) {
	code, svg, stderr := runCLI(t, "montecarlo", "--node", "Region/Asia-Pacific", "--paths", "300", "--seed", "3", "--format", "svg")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{">Monte Carlo: Region/Asia-Pacific, value, US$ bn · 300 paths, seed 3</text>", ">P10–P90</text>", ">P50 (median)</text>", ">as entered</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the fan lacks %s", want)
		}
	}
	out := filepath.Join(t.TempDir(), "fan.png")
	if code, _, stderr := runCLI(t, "montecarlo", "--node", "Total", "--paths", "300", "--format", "png", "-o", out); code != 0 {
		t.Fatal(stderr)
	}
	if data, _ := os.ReadFile(out); !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Error("no PNG written")
	}
}
