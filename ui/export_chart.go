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

// chartJob is what a chart export draws: an export's copies of the
// assumptions, and of what the screen shows, so it shares nothing with
// Update.
type chartJob struct {
	exportJob
	nodes  []int
	level  string
	metric slide.Metric
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
	return chartFileName(exportName(e.scen), chartLevel(e.sel), chartMetric(e.sel.metric), ext)
}

func chartFileName(scenario, level string, m slide.Metric, ext string) string {
	return model.Slug(scenario+" "+level+" "+m.String()) + ext
}

func newChartJob(ws *model.Workspace, s *scenario, sel *selection, action int) chartJob {
	j := chartJob{exportJob: newExportJob(ws, s, action), nodes: append([]int(nil), sel.children()...),
		level: chartLevel(sel), metric: chartMetric(sel.metric)}
	j.format, j.ext = "png", ".png"
	if action == actExportSVG {
		j.format, j.ext = "svg", ".svg"
	}
	return j
}

// chartCmd draws the chart and writes it into the workspace.
func chartCmd(j chartJob) tea.Cmd {
	return func() tea.Msg {
		in := slide.Input{Dataset: j.ds, Scenario: j.name, Result: forecast.Project(j.ds, &j.a), Nodes: j.nodes, Level: j.level, Metric: j.metric}
		for _, c := range j.compared {
			in.Compared = append(in.Compared, slide.Compared{Name: c.Name, Result: forecast.Project(j.ds, &c.Assumptions)})
		}
		name := "the chart of " + j.level + ", " + j.metric.String()
		c, err := slide.Forecast(in)
		if err != nil {
			return exportedMsg{name: name, err: err}
		}
		return j.write(chartFileName(j.name, j.level, j.metric, j.ext), name, func(w io.Writer) error {
			return slide.Render(w, c, j.format, slide.DefaultWidth, slide.DefaultHeight)
		})
	}
}
