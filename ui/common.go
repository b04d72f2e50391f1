package ui

import (
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"iomt/forecast"
	"iomt/internal/numtext"
	"iomt/model"
)

// Metric is what the chart and the table show.
type Metric int

// The chart metrics, cycled by `v`.
const (
	MetricValue Metric = iota
	MetricShare
	MetricGrowth
	metricCount
)

func (m Metric) String() string {
	switch m {
	case MetricShare:
		return "share of parent, %"
	case MetricGrowth:
		return "growth, % y/y"
	}
	return "value"
}

// metricLabel names the metric with the dataset's currency and unit.
func (c *common) metricLabel() string {
	if c.metric != MetricValue {
		return c.metric.String()
	}
	return "value, " + c.unitLabel()
}

// unitLabel is the unit of values, "US$ bn" for the report's USD billion.
func (c *common) unitLabel() string { return clean(c.ds.UnitLabel()) }

// common is the state every pane reads: the dataset, the scenario's
// history and its current projection, what is selected, and the styles.
// The root model owns it; panes hold a pointer and never change the
// scenario themselves.
type common struct {
	ds       *model.Dataset
	scenario string
	hist     *model.History
	saved    model.Assumptions // state as last opened or saved, for the unsaved marker
	res      forecast.Result
	styles   *Styles
	keys     KeyMap

	ws          *model.Workspace
	fetch       func(file string) string // how the user fetches a file of ws; nil: no way
	description string
	savedPath   string        // where the scenario was last opened or saved in the workspace; "" asks for a name
	compare     *compareState // the scenario compared against, or nil

	dim    int   // selected dimension tab
	parent []int // per dimension: node whose children are listed (0 = top level)
	cursor []int // per dimension: selected row (0 is the parent row)
	metric Metric

	// status is the message of the status line: every component may
	// report there, the status bar and the prompts show it.
	status statusText
	// loads counts the scenarios loaded, so a result that arrives for a
	// scenario no longer on screen (a save finishing after another was
	// opened) is not taken for the current one.
	loads int
	// builtinNames are the built-in scenarios' names, read once: a save
	// under one of them is refused.
	builtinNames []string
	// history is the session's status messages, oldest first, for M.
	history []statusText
}

// statusText is a status line message and whether it reports a problem.
type statusText struct {
	msg string
	err bool
}

func (c *common) info(msg string)  { c.say(statusText{msg: msg}) }
func (c *common) error(msg string) { c.say(statusText{msg: msg, err: true}) }
func (c *common) clearStatus()     { c.status = statusText{} }

// maxHistory is how many status messages M can show again.
const maxHistory = 100

// say puts a message on the status line and in the history, which keeps
// the last maxHistory (a message repeated at once is kept once).
func (c *common) say(t statusText) {
	c.status = t
	if t.msg == "" || len(c.history) > 0 && c.history[len(c.history)-1] == t {
		return
	}
	if len(c.history) == maxHistory {
		c.history = append(c.history[:0:0], c.history[1:]...)
	}
	c.history = append(c.history, t)
}

// compareWith shows sc beside the current scenario.
func (c *common) compareWith(sc *model.Scenario) {
	cs := &compareState{name: sc.Name, a: sc.Assumptions}
	forecast.ProjectInto(&cs.res, c.ds, &sc.Assumptions)
	c.compare = cs
	c.info("Comparing with " + sc.Name + ": dotted in the chart, differences in the table (v: metric). c stops.")
}

// compareState is a second scenario shown beside the current one.
type compareState struct {
	name string
	a    model.Assumptions
	res  forecast.Result
}

func newCommon(ds *model.Dataset, sc *model.Scenario, styles *Styles, ws *model.Workspace) *common {
	if ws == nil {
		ws = &model.Workspace{} // read-only, nothing built in
	}
	c := &common{
		ds: ds, styles: styles, keys: keyMapFor(len(ds.Dims)), ws: ws,
		parent: make([]int, len(ds.Dims)), cursor: make([]int, len(ds.Dims)),
	}
	c.load(sc, "")
	for _, e := range ws.Builtins() {
		c.builtinNames = append(c.builtinNames, e.Name)
	}
	return c
}

// isBuiltinName reports whether name is a built-in scenario's.
func (c *common) isBuiltinName(name string) bool {
	for _, b := range c.builtinNames {
		if strings.EqualFold(strings.TrimSpace(name), b) {
			return true
		}
	}
	return false
}

// load makes sc the current scenario, with a fresh history; path is where
// it lives in the workspace ("" when it has not been saved there).
func (c *common) load(sc *model.Scenario, path string) {
	c.scenario, c.description, c.savedPath = sc.Name, sc.Description, path
	c.loads++
	c.hist = model.NewHistory(c.ds, sc.Assumptions)
	c.saved = sc.Assumptions.Clone()
	c.reproject()
}

// current returns the scenario as it stands, for saving and exporting.
func (c *common) current() *model.Scenario {
	return &model.Scenario{Name: c.scenario, Description: c.description, Dataset: c.ds.Market, Assumptions: c.assumptions()}
}

// reproject recomputes the forecast after any change of assumptions. The
// result's buffers are reused, so this allocates nothing once warm.
func (c *common) reproject() {
	a := c.hist.Current()
	forecast.ProjectInto(&c.res, c.ds, &a)
}

func (c *common) assumptions() model.Assumptions { return c.hist.Current() }

// whyNoFiles is the reason a session without a folder has none, in
// parentheses after a space, or "" when none is known.
func (c *common) whyNoFiles() string {
	if c.ws.Why == "" {
		return ""
	}
	return " (" + c.ws.Why + ")"
}

func (c *common) dirty() bool { return !c.hist.Current().Equal(c.saved) }

// readOnly reports whether this session can save nothing: an open demo,
// a server without --data. Its questions must not speak of unsaved
// changes, as if saving were a way out.
func (c *common) readOnly() bool { return c.ws.Dir == "" }

// losing is the question asked before the scenario's changes go:
// quitting (ask "Quit?") or loading another. A session that can save
// says they are unsaved; one that cannot says only that they go, and on
// quitting that they end with the session and the one way to keep them,
// copying the table.
func (c *common) losing(ask string, quit bool) string {
	switch {
	case !c.readOnly():
		return "Unsaved changes to " + c.scenario + " will be lost. " + ask
	case quit:
		return "Changes to " + c.scenario + " end with this session (x copies the table). " + ask
	}
	// No room for the way to keep them: at 80 columns two names of 12
	// and " y/n" must fit.
	return "Changes to " + c.scenario + " will be lost. " + ask
}

// rows returns the listed nodes: the parent first, then its children.
func (c *common) rows() []int {
	p := c.parent[c.dim]
	var kids []int
	if p == 0 {
		kids = c.ds.Dims[c.dim].Top
	} else {
		kids = c.ds.Nodes[p].Children
	}
	out := make([]int, 0, len(kids)+1)
	out = append(out, p)
	return append(out, kids...)
}

// children returns the listed segments without the parent row.
func (c *common) children() []int { return c.rows()[1:] }

// selected returns the node of the selected row.
func (c *common) selected() int {
	rows := c.rows()
	i := min(max(c.cursor[c.dim], 0), len(rows)-1)
	return rows[i]
}

func (c *common) moveCursor(delta int) {
	n := len(c.rows())
	c.cursor[c.dim] = min(max(c.cursor[c.dim]+delta, 0), n-1)
}

func (c *common) setCursor(i int) {
	n := len(c.rows())
	c.cursor[c.dim] = min(max(i, 0), n-1)
}

// show selects node's row: its dimension's tab, the level that lists
// it; the total is selected on the current tab's top level.
func (c *common) show(node int) {
	if node <= 0 || node >= len(c.ds.Nodes) {
		c.parent[c.dim], c.cursor[c.dim] = 0, 0
		return
	}
	n := &c.ds.Nodes[node]
	c.dim = n.Dim
	if n.Depth == 2 {
		c.parent[c.dim] = n.Parent
	} else {
		c.parent[c.dim] = 0
	}
	for i, r := range c.rows() {
		if r == node {
			c.cursor[c.dim] = i
		}
	}
	c.info(c.nodeName(node) + " selected.")
}

// drill lists the selected segment's children; it reports false for a leaf.
func (c *common) drill() bool {
	n := c.selected()
	if n == 0 || n == c.parent[c.dim] || len(c.ds.Nodes[n].Children) == 0 {
		return false
	}
	c.parent[c.dim] = n
	c.cursor[c.dim] = 1
	return true
}

// back returns to the parent level, keeping the drilled segment selected.
func (c *common) back() bool {
	p := c.parent[c.dim]
	if p == 0 {
		return false
	}
	c.parent[c.dim] = c.ds.Nodes[p].Parent
	for i, r := range c.rows() {
		if r == p {
			c.cursor[c.dim] = i
		}
	}
	return true
}

// nodeName is the label of a node in the current dimension: the total is
// named after the market.
func (c *common) nodeName(n int) string {
	if n == 0 {
		return "Total"
	}
	return c.ds.Nodes[n].Name
}

// metricValue returns node's figure for the current metric in year yi.
func (c *common) metricValue(n, yi int) float64 {
	switch c.metric {
	case MetricShare:
		return c.res.Share(n, yi)
	case MetricGrowth:
		return c.res.Growth(n, yi)
	}
	return c.res.Value(n, yi)
}

// window is the span the realised CAGR and the change in share are read
// over, as indices of the projection's years, and as the years, "2019–2027".
func (c *common) window() (from, to int, span string) {
	a := c.assumptions()
	fy, ty := a.Window.Span(c.ds)
	return fy - c.ds.BaseYear, ty - c.ds.BaseYear, strconv.Itoa(fy) + "–" + strconv.Itoa(ty)
}

// valuePrec is how many decimals values up to largest need: prec for a
// market of 1 or more, and enough for three significant digits below it,
// so a market of US$ 0.00123 bn reads 0.00123, not 0.00.
func valuePrec(largest float64, prec int) int { return numtext.Prec(largest, prec) }

// fmtAmount writes an amount of money at the precision its size needs.
func fmtAmount(v float64) string { return fmtNum(v, valuePrec(math.Abs(v), 2)) }

// fmtNum writes x with prec decimals and its thousands grouped
// (21,791.03), so a large value reads at a glance; "–" when undefined.
func fmtNum(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-") // "0.0", not "-0.0"
	}
	return numtext.Group(s)
}

// fmtSigned is fmtNum with a sign, except on a change that rounds to zero.
func fmtSigned(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-") // no sign on "-0.0"
	}
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return numtext.Group(s)
}

// maxRows is the most rows any level of any dimension lists.
// treeWidth is the width of the tree pane that shows every segment's
// name whole: the longest name, indented, with its drill marker, then the
// number columns and the borders.
func (c *common) treeWidth() int {
	longest := len("Segment")
	for _, node := range c.ds.Nodes {
		longest = max(longest, ansi.StringWidth(clean(node.Name)))
	}
	return 2 + 1 + longest + 4 + treeShareW + 2*treeRateW + treeMarkW + 1
}

func (c *common) maxRows() int {
	n := 0
	for _, d := range c.ds.Dims {
		n = max(n, len(d.Top)+1)
	}
	for _, node := range c.ds.Nodes {
		n = max(n, len(node.Children)+1)
	}
	return n
}

// compareValue returns node's figure in the compared scenario for the
// current metric, or NaN when not comparing.
func (c *common) compareValue(n, yi int) float64 {
	if c.compare == nil {
		return math.NaN()
	}
	r := &c.compare.res
	switch c.metric {
	case MetricShare:
		return r.Share(n, yi)
	case MetricGrowth:
		return r.Growth(n, yi)
	}
	return r.Value(n, yi)
}
