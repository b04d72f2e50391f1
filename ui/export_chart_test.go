package ui

import (
	"bytes"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// sendSlow is send for a key whose command draws a full-HD PNG: a
// quarter of a second, but under -race on a busy machine it passes
// runCmd's five-second guard against commands that hang, so the
// commands it returns run here to their end (a drawing always ends).
func sendSlow(t *testing.T, m *Model, msg tea.Msg) *Model {
	t.Helper()
	nm, cmd := m.Update(msg)
	m = nm.(*Model)
	for _, r := range drain(cmd) {
		m = send(t, m, r)
	}
	return m
}

// drain runs a command and those of the batches it returns.
func drain(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, drain(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// TestExportChartOfTheScreen: x draws the chart on screen for a slide:
// the tab or the segment drilled into, the metric, the compared scenario
// dashed, into the workspace as <scenario>-<tab>-<metric>.svg or .png,
// and the status line says where.
func TestExportChartOfTheScreen(t *testing.T) {
	ws := newWorkspace(t)
	m := newWSModel(t, ws, 120, 40)
	m = send(t, m, runeKey('x'))
	m = pickTitle(t, m, "PNG chart for a slide, 1920×1080")
	m = sendSlow(t, m, keyEnter)
	path := filepath.Join(ws.Dir, "base-report-component-value.png")
	img, err := png.Decode(bytes.NewReader(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1920 || b.Dy() != 1080 {
		t.Errorf("the PNG is %v", b)
	}
	if !strings.Contains(lastLine(m), "Exported the chart of Component, value") {
		t.Errorf("status %q", lastLine(m))
	}

	// Share of Medical Devices' sub-segments, compared with Accelerated
	// adoption: what the screen shows, the SVG shows.
	m = send(t, m, runeKey('v'), runeKey('j'), keyEnter, runeKey('c'))
	m = pickTitle(t, m, nameAccel)
	m = send(t, m, keyEnter, runeKey('x'))
	m = pickTitle(t, m, "SVG chart for a slide")
	send(t, m, keyEnter)
	svg := string(readFile(t, filepath.Join(ws.Dir, "base-report-component-medical-devices-share.svg")))
	for _, want := range []string{
		"Internet of Medical Things — Base (report)",
		"Component/Medical Devices: share of the parent, %, 2019–2027 · compared with Accelerated adoption (dashed)",
		"Wearable External Medical Devices", "Implanted Medical Devices", "Stationary Medical Devices",
		"Accelerated adoption (compared)", "share of the parent (%)",
	} {
		if !strings.Contains(svg, ">"+want+"</text>") {
			t.Errorf("the SVG has no %q", want)
		}
	}
	if names := folder(t, ws.Dir); !slices.Equal(names, []string{"base-report-component-medical-devices-share.svg", "base-report-component-value.png"}) {
		t.Errorf("the workspace holds %q", names)
	}
}
