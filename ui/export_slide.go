package ui

import (
	"io"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	slide "iomt/chart"
	"iomt/model"
)

// Charts of the analysis screens for a deck: x on the bridge and on the
// Monte Carlo screen offers their chart as SVG or PNG (the bridge's
// waterfall, the fan of P10–P90 and the median), drawn by the chart
// package and written into the workspace in a command, as the x menu's
// chart of the dashboard is (export_chart.go).

// slideChart is a screen's chart to export: what it is, for the status
// line, the file it is written to (without its extension), and how to
// build it from copies of the screen's results, in the command.
type slideChart struct {
	what  string
	stem  string
	build func() (*slide.Chart, error)
}

// openMsg asks the root to open d over the dialog that reported it.
type openMsg struct{ d Dialog }

// slideExportMsg asks the root to draw c as format ("svg", "png") into
// the workspace.
type slideExportMsg struct {
	c      slideChart
	format string
}

// exportKey is x on an analysis screen: its chart for a slide.
func exportKey(k KeyMap) key.Binding {
	b := k.Export
	b.SetHelp("x", "chart for a slide")
	return b
}

// offerSlide is what x does on an analysis screen: the menu of the
// chart's formats over it, or why not (a session that cannot write
// files, a chart still being worked out: said on the status line).
func offerSlide(e env, c slideChart, ready bool) tea.Msg {
	switch {
	case e.files.readOnly():
		e.status.error("This session cannot write files" + e.files.whyNoFiles() + ": no chart to export here.")
		return nil
	case !ready:
		e.status.info("Nothing to draw yet: x exports the chart once it is worked out.")
		return nil
	}
	return openMsg{d: newSlideMenu(e, c)}
}

// slideMenu offers a screen's chart as SVG or PNG.
type slideMenu struct {
	chooser
	c slideChart
}

func newSlideMenu(e env, c slideChart) *slideMenu {
	where := func(file string) string {
		if e.files.fetch != nil {
			return e.files.fetch(file) + " on your machine fetches it from " + e.files.ws.ShowDir()
		}
		return file + " into " + e.files.ws.ShowDir()
	}
	items := []choice{
		{title: "SVG chart for a slide", desc: where(c.stem + ".svg"), action: actExportSVG},
		{title: "PNG chart for a slide, " + strconv.Itoa(slide.DefaultWidth) + "×" + strconv.Itoa(slide.DefaultHeight), desc: where(c.stem + ".png"), action: actExportPNG},
	}
	return &slideMenu{chooser: newChooser(e, "Export "+clean(c.what), items, false), c: c}
}

func (d *slideMenu) Update(msg tea.Msg) (step, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		picked, closed, cmd := d.key(k)
		switch {
		case closed:
			return done(said("Closed.")), nil
		case picked != nil && picked.action == actExportSVG:
			return done(slideExportMsg{c: d.c, format: "svg"}), nil
		case picked != nil:
			return done(slideExportMsg{c: d.c, format: "png"}), nil
		}
		return stay(d), cmd
	}
	var cmd tea.Cmd
	d.chooser, cmd = d.chooser.Update(msg)
	return stay(d), cmd
}

func (d *slideMenu) Placement() placement    { return placeBody }
func (d *slideMenu) Bindings() []key.Binding { return d.chooser.Bindings() }

// slideCmd draws the chart and writes it into the workspace.
func slideCmd(ws *model.Workspace, msg slideExportMsg) tea.Cmd {
	return func() tea.Msg {
		c, err := msg.c.build()
		if err != nil {
			return exportedMsg{name: msg.c.what, err: err}
		}
		return exportJob{ws: ws}.write(msg.c.stem+"."+msg.format, msg.c.what, func(w io.Writer) error {
			return slide.Render(w, c, msg.format, slide.DefaultWidth, slide.DefaultHeight)
		})
	}
}

// nodePath names node n whole, for a chart's file and title:
// "Region/Europe", "Total".
func nodePath(ds *model.Dataset, n int) string {
	if n == 0 {
		return model.TotalName
	}
	return ds.Nodes[n].Path
}

// slideStem is a chart's file name, without its extension, of its parts.
func slideStem(parts ...string) string { return model.Slug(strings.Join(parts, " ")) }
