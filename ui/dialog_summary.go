package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"iomt/export"
)

// summaryDialog sets the scenario on screen and those compared side by
// side, as `iomt summary` does: the assumptions that differ ("=" where a
// scenario keeps the dataset's), then the results in a year, each
// scenario a column; alone, the scenario's changes from the dataset. The
// results are the Total and every top-level segment, and the selected
// row. ←/→ change the year, ↑/↓ scroll.
type summaryDialog struct {
	e             env
	year          int
	lines         []string
	err           string
	top           int
	width, height int
}

func newSummaryDialog(e env) *summaryDialog {
	return &summaryDialog{e: e, year: e.ds.EndYear}
}

// build lays the summary out for the pane's width. It reads what the
// dashboard holds (the projections are made), so it is light work.
func (d *summaryDialog) build() {
	e := d.e
	a := e.scen.Assumptions()
	in := export.SummaryInput{Dataset: e.ds, Year: d.year,
		Scenarios: []export.Scenario{{Name: clean(exportName(e.scen)), Assumptions: &a, Result: e.scen.Result()}}}
	for _, c := range e.scen.Compared() {
		ca := c.a
		in.Scenarios = append(in.Scenarios, export.Scenario{Name: clean(c.name), Assumptions: &ca, Result: &c.res})
	}
	in.Nodes = []int{0}
	for _, dim := range e.ds.Dims {
		in.Nodes = append(in.Nodes, dim.Top...)
	}
	if n := e.sel.selected(); !slices.Contains(in.Nodes, n) {
		in.Nodes = append(in.Nodes, n)
	}
	s, err := export.BuildSummary(in)
	d.lines, d.err = nil, ""
	if err != nil {
		d.err = err.Error()
		return
	}
	text := strings.TrimRight(s.Text(max(d.width-2, 40)), "\n")
	// The pane's title says what the first line does.
	_, body, _ := strings.Cut(text, "\n")
	d.lines = strings.Split(body, "\n")
	if len(in.Scenarios) == 1 {
		d.lines = append(d.lines, "", "c marks scenarios to set beside this one.")
	}
	d.scroll(0)
}

// scroll moves the lines shown by delta, within the text.
func (d *summaryDialog) scroll(delta int) {
	d.top = max(min(d.top+delta, len(d.lines)-(d.height-2)), 0)
}

func (d *summaryDialog) Update(msg tea.Msg) (step, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return stay(d), nil
	}
	keys := d.e.look.keys
	switch {
	case key.Matches(k, keys.Cancel, keys.Summary):
		return done(nil), nil
	case key.Matches(k, keys.Up):
		d.scroll(-1)
	case key.Matches(k, keys.Down):
		d.scroll(1)
	case key.Matches(k, keys.EarlierYears) && !key.Matches(k, keys.Cancel):
		d.year = max(d.year-1, d.e.ds.BaseYear)
		d.build()
	case key.Matches(k, keys.LaterYears) && !key.Matches(k, keys.Confirm):
		d.year = min(d.year+1, d.e.ds.EndYear)
		d.build()
	}
	return stay(d), nil
}

func (d *summaryDialog) SetSize(w, h int) {
	d.width, d.height = w, h
	d.build()
}

func (d *summaryDialog) Placement() placement { return placeBody }

func (d *summaryDialog) Bindings() []key.Binding {
	k := d.e.look.keys
	year, closeIt := k.EarlierYears, k.Cancel
	year.SetHelp("←/→", "year")
	closeIt.SetHelp("esc", "close")
	return []key.Binding{k.Up, k.Down, year, closeIt}
}

func (d *summaryDialog) View() string {
	s := d.e.look.styles
	n := 1 + len(d.e.scen.Compared())
	title := fmt.Sprintf("Scenario summary · %d scenario%s · results in %d (←→)", n, map[bool]string{true: "", false: "s"}[n == 1], d.year)
	if d.err != "" {
		return pane(s, true, title, s.Error.Render(wrap(clean(d.err), max(d.width-2, 1), "")), d.width, d.height)
	}
	end := min(d.top+max(d.height-2, 0), len(d.lines))
	body := d.lines[d.top:end]
	if end < len(d.lines) && len(body) > 0 {
		body = append(slices.Clone(body[:len(body)-1]), s.Muted.Render(fmt.Sprintf("… %d more lines (↓)", len(d.lines)-end+1)))
	}
	return pane(s, true, title, strings.Join(body, "\n"), d.width, d.height)
}
