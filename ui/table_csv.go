package ui

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"iomt/forecast"
	"iomt/model"
)

// tableCSV is the table on screen (the current level, every year, in the
// current metric) as CSV, for pasting into a spreadsheet.
func (c *common) tableCSV() string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := []string{"segment"}
	for yi := range c.res.Years {
		head = append(head, strconv.Itoa(c.res.Year(yi)))
	}
	head = append(head, "realised_cagr_pct", "share_change_pp")
	_ = w.Write(head)
	from, to, _ := c.window()
	for _, n := range c.rows() {
		rec := []string{c.nodeName(n)}
		for yi := range c.res.Years {
			rec = append(rec, csvNum(c.metricValue(n, yi)))
		}
		rec = append(rec, csvNum(c.res.CAGR(n, from, to)), csvNum(c.res.ShareChange(n, from, to)))
		_ = w.Write(rec)
	}
	w.Flush()
	return b.String()
}

func csvNum(x float64) string {
	if x != x { // NaN: no growth in the base year
		return ""
	}
	return strconv.FormatFloat(x, 'g', 12, 64)
}

// compareWith shows sc beside the current scenario.
func (c *common) compareWith(sc *model.Scenario) {
	cs := &compareState{name: sc.Name, a: sc.Assumptions}
	forecast.ProjectInto(&cs.res, c.ds, &sc.Assumptions)
	c.compare = cs
	c.info("Comparing with " + sc.Name + ": dotted lines in the chart, differences in the table. c stops.")
}
