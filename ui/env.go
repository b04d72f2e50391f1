package ui

import (
	"iomt/forecast"
	"iomt/model"
)

// env is what the root gives every pane and dialog: the dataset, the
// scenario to read (only the root changes it, so a pane or a dialog that
// wants an edit reports it as a message), the selection, the status line
// to report on, the files, and the look.
type env struct {
	ds     *model.Dataset
	scen   scenarioView
	sel    *selection
	status *statusLine
	files  *files
	look   *look
}

// look is how the dashboard draws and which keys it takes. The root
// swaps the styles when the terminal reports its background.
type look struct {
	styles *Styles
	keys   KeyMap
}

// nodeName is the label of a node: the total is "Total".
func nodeName(ds *model.Dataset, n int) string {
	if n == 0 {
		return "Total"
	}
	return ds.Nodes[n].Name
}

// modeKey is the dashboard's way to the mode sw, after sep: "b for
// bottom-up", or the tab to press it on when b there would drive the
// total by another dimension; nothing for no switch. forecast says why a
// parameter cannot move a node; the key is the dashboard's to say.
func modeKey(e env, sw *forecast.ModeSwitch, sep string) string {
	if sw == nil {
		return ""
	}
	mode := "bottom-up"
	if sw.Mode == model.TopDown {
		mode = "top-down"
	}
	if e.sel == nil || sw.Driver < 0 || e.sel.dim == sw.Driver {
		return sep + "b for " + mode
	}
	return sep + "b on the " + e.ds.Dims[sw.Driver].Name + " tab for " + mode
}

// unitLabel is the unit of values, "US$ bn" for the report's USD billion.
func unitLabel(ds *model.Dataset) string { return clean(ds.UnitLabel()) }

// metricOf returns node n's figure for metric m in year index yi of res.
func metricOf(res *forecast.Result, m Metric, n, yi int) float64 {
	switch m {
	case MetricShare:
		return res.Share(n, yi)
	case MetricGrowth:
		return res.Growth(n, yi)
	}
	return res.Value(n, yi)
}
