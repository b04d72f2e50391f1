package ui

import (
	"io"

	tea "charm.land/bubbletea/v2"

	slide "iomt/chart"
	"iomt/forecast"
	"iomt/model"
)

// The x menu's charts: the chart on screen (the tab or the segment
// drilled into, the metric, the compared scenario dashed) drawn for a
// slide by the chart package, into the workspace, in a command.

// chartJob is what a chart export draws: copies of the assumptions, and
// of what the screen shows, so it shares nothing with Update.
type chartJob struct {
	ds          *model.Dataset
	ws          *model.Workspace
	name        string
	a           model.Assumptions
	compareName string
	compare     *model.Assumptions
	nodes       []int
	level       string
	metric      slide.Metric
	format      string
	file        string
}

// chartMetric is the chart package's word for the screen's metric.
func chartMetric(m Metric) slide.Metric {
	switch m {
	case MetricShare:
		return slide.Share
	case MetricGrowth:
		return slide.Growth
	}
	return slide.Value
}

// chartLevel is what the chart on screen shows: a dimension's segments,
// or a segment's sub-segments.
func chartLevel(sel *selection) string {
	if p := sel.parent[sel.dim]; p > 0 {
		return sel.ds.Nodes[p].Path
	}
	return sel.ds.Dims[sel.dim].Name
}

// chartFile is the file a chart of the screen is written to:
// <scenario>-<tab>-<metric>.svg.
func chartFile(e env, ext string) string {
	return model.Slug(exportName(e.scen)+" "+chartLevel(e.sel)+" "+chartMetric(e.sel.metric).String()) + ext
}

func newChartJob(ws *model.Workspace, s *scenario, sel *selection, action int) chartJob {
	j := chartJob{ds: s.ds, ws: ws, name: exportName(s), a: s.Assumptions(), nodes: append([]int(nil), sel.children()...),
		level: chartLevel(sel), metric: chartMetric(sel.metric), format: "png"}
	if action == actExportSVG {
		j.format = "svg"
	}
	j.file = model.Slug(j.name+" "+j.level+" "+j.metric.String()) + "." + j.format
	if cs := s.compare; cs != nil {
		a := cs.a
		j.compareName, j.compare = cs.name, &a
	}
	return j
}

// chartCmd draws the chart and writes it into the workspace.
func chartCmd(j chartJob) tea.Cmd {
	return func() tea.Msg {
		in := slide.Input{Dataset: j.ds, Scenario: j.name, Result: forecast.Project(j.ds, &j.a), Nodes: j.nodes, Level: j.level, Metric: j.metric}
		if j.compare != nil {
			in.Compare, in.CompareName = forecast.Project(j.ds, j.compare), j.compareName
		}
		name := "the chart of " + j.level + ", " + j.metric.String()
		c, err := slide.Forecast(in)
		if err != nil {
			return exportedMsg{name: name, err: err}
		}
		if err := makeWorkspace(j.ws); err != nil {
			return exportedMsg{name: name, err: err}
		}
		path, err := j.ws.WriteFile(j.file, false, func(w io.Writer) error {
			return slide.Render(w, c, j.format, slide.DefaultWidth, slide.DefaultHeight)
		})
		return exportedMsg{name: name, path: path, err: err}
	}
}
