package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/model"
)

// step is the change of one +/- or >/< keypress, in percentage points.
const nudge = 0.5

// Options configure a dashboard. The dashboard reads them once, in New.
type Options struct {
	// NoColor draws without colour (NO_COLOR), telling series and states
	// apart by characters and attributes only.
	NoColor bool
	// Dark picks the palette until the terminal reports its background.
	Dark bool
	// Workspace is where scenarios are listed and saved; nil or one
	// without a folder is read-only.
	Workspace *model.Workspace
	// FetchCommand, when set, says how the user fetches a file written
	// into the workspace to their own machine (over SSH, an scp command
	// line for the file's name); the export menu and its message show it.
	FetchCommand func(file string) string
	// Analysis runs the analysis screens' work; nil: at once, on every
	// core (see Analysis).
	Analysis Analysis
	// Demo joins the dashboard to a demo presented over SSH: it presents
	// or follows (see Demo); nil for an ordinary dashboard.
	Demo *Demo
}

// NoticeMsg puts a message from outside the dashboard (the SSH server's
// warnings before it closes a session) on the status line until the next
// key. One with no Text withdraws the notice of its Topic if it still
// shows: the warning that a follower would close, once the presenter's
// keys keep it open.
//
// A Standing notice stays until it is withdrawn, keys or no keys, before
// any other message: what is true of the whole session for a while (a
// demo mesh reconnecting: the presenter's changes reach only this
// server's viewers), which the presenter's own keys must not hide.
type NoticeMsg struct {
	Topic, Text string
	Standing    bool
}

// focus is which pane receives navigation keys.
type focus int

const (
	focusTree focus = iota
	focusTable
)

// Model is the root of the dashboard. It routes messages and composes
// the screen: the panes draw, the dialogs on its stack take keys when
// open, and the state lives in types of its own (see doc.go). Only the
// root changes the scenario.
type Model struct {
	opts     Options
	scen     *scenario
	edits    edits // the user's changes of scen
	sel      *selection
	status   *statusLine
	files    *files
	look     *look
	demo     *demo
	dialogs  *dialogStack
	panes    panes
	lay      layout
	quitting bool
}

// panes are the dashboard's parts on screen, when no dialog covers them,
// and which of the tree and the table takes the navigation keys.
type panes struct {
	header header
	tree   tree
	chart  chart
	table  yearTable
	bar    statusBar
	focus  focus
	// frameLen is the last frame's length in bytes: the next is built
	// in one buffer of about that size, not joined piece by piece (each
	// join copied the whole frame again).
	frameLen int
}

// toFocused sends a key to the focused pane.
func (p *panes) toFocused(k tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	if p.focus == focusTable {
		p.table, cmd = p.table.Update(k)
		return cmd
	}
	p.tree, cmd = p.tree.Update(k)
	return cmd
}

// focusedKeys are the focused pane's keys, for the help: up, down, then
// its own (drill and back, or scroll the years).
func (p *panes) focusedKeys() []key.Binding {
	if p.focus == focusTable {
		return p.table.Bindings()
	}
	return p.tree.Bindings()
}

// toggleFocus gives the navigation keys to the other pane, and says what
// they do there.
func (p *panes) toggleFocus() string {
	said := "Table focused: ←/→ scroll the years, tab returns to the segments."
	if p.focus == focusTree {
		p.focus = focusTable
	} else {
		p.focus = focusTree
		said = "Segments focused: enter drills down, esc goes back."
	}
	p.tree.focused = p.focus == focusTree
	p.table.focused = p.focus == focusTable
	return said
}

// resize lays the panes out.
func (p *panes) resize(lay layout) {
	p.header.SetSize(lay.w)
	p.tree.SetSize(lay.tree.w, lay.tree.h)
	p.chart.SetSize(lay.chart.w, lay.chart.h)
	p.table.SetSize(lay.tbl.w, lay.tbl.h)
	p.bar.SetSize(lay.w)
}

// New builds a dashboard over ds, starting at scenario sc. Every SSH
// session and the local program call this same constructor.
func New(ds *model.Dataset, sc *model.Scenario, opts Options) *Model {
	if opts.Analysis == nil {
		opts.Analysis = direct{}
	}
	scen, sel := newScenario(ds, sc), newSelection(ds)
	m := &Model{
		opts: opts, scen: scen, edits: edits{scen, sel}, sel: sel, status: &statusLine{},
		files: newFiles(opts.Workspace, opts.FetchCommand), look: &look{styles: newStyles(opts.Dark, opts.NoColor), keys: keyMapFor(len(ds.Dims))},
		demo: newDemo(opts.Demo), dialogs: &dialogStack{},
	}
	e := m.env()
	m.panes = panes{header: newHeader(e), tree: newTree(e), chart: newChart(e), table: newYearTable(e), bar: newStatusBar(e)}
	m.panes.tree.focused = true
	return m
}

// env is what the root gives a pane or a dialog: the scenario read-only.
func (m *Model) env() env {
	return env{ds: m.scen.ds, scen: m.scen, sel: m.sel, status: m.status, files: m.files, look: m.look}
}

// Init asks the terminal for its background colour to pick a palette.
func (m *Model) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Update routes: size → layout; background → styles; outside news →
// status or following; keys → the top dialog, else global keys, else the
// focused pane; clicks → the pane under them; results of commands → their
// handlers; anything else → the top dialog.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if _, ok := msg.(FollowMsg); !ok {
		m.catchUp() // a key acts on what the presenter shows now
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		m.setStyles(newStyles(msg.IsDark(), m.opts.NoColor))
	case NoticeMsg:
		m.status.notify(msg)
	case FollowMsg:
		m.followMsg(msg)
	case RoleMsg:
		m.roleMsg(msg)
	case tea.KeyPressMsg:
		cmd = m.key(msg)
	case tea.MouseClickMsg:
		m.click(msg.Mouse())
	case listedMsg, openedMsg, saveCheckedMsg, savedMsg, exportedMsg, analysisMsg:
		cmd = m.result(msg)
	default:
		cmd = m.toTop(msg)
	}
	m.demo.publish(m.Shared())
	if m.demo.link == nil || !m.Grouped() {
		m.catchUp() // this screen is drawn from this dashboard
	}
	return m, cmd
}

// key handles a keypress: the top dialog's, else a global key, else the
// focused pane's. Whatever it did, the table shows the state it left.
func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	m.status.keyed()
	var cmd tea.Cmd
	switch _, asking := m.dialogs.top().(*quitDialog); {
	case key.Matches(k, m.look.keys.ForceQuit) && !asking:
		// ctrl+c quits from anywhere, asking first as q does when there
		// are unsaved changes (and again it answers yes).
		m.dialogs.closeAll()
		cmd = m.quit()
	case !m.dialogs.empty():
		cmd = m.toTop(k)
	default:
		// A message answers the key before; the next key starts afresh,
		// so "North America selected." does not linger over Total.
		m.status.clear()
		cmd = m.globalKey(k)
	}
	m.panes.table.refresh()
	return cmd
}

// globalKey handles a key when no dialog is open: the demo's keys first
// (a follower's are refused while it mirrors), then the dashboard's.
func (m *Model) globalKey(k tea.KeyPressMsg) tea.Cmd {
	keys, ed, e := m.look.keys, m.edits, m.env()
	switch g, why := m.demo.gate(k, keys); g {
	case keyPresent:
		return m.present()
	case keyFork:
		m.toggleFork()
		return nil
	case keyRefused:
		m.status.error(why)
		return nil
	}
	switch {
	case key.Matches(k, keys.Quit):
		return m.quit()
	case key.Matches(k, keys.Help):
		d := newHelpDialog(e, m.panes.focusedKeys(), m.demo.role == RoleFollower, m.demo.mayPresent)
		d.following = m.demo.helpSentence(keys)
		m.dialogs.push(d)
	case key.Matches(k, keys.Tabs):
		m.selectTab(tabIndex(k))
	case key.Matches(k, keys.PrevTab):
		m.selectTab((m.sel.dim + len(m.scen.ds.Dims) - 1) % len(m.scen.ds.Dims))
	case key.Matches(k, keys.NextTab):
		m.selectTab((m.sel.dim + 1) % len(m.scen.ds.Dims))
	case key.Matches(k, keys.GrowthUp):
		m.status.say(ed.nudgeGrowth(nudge))
	case key.Matches(k, keys.GrowthDown):
		m.status.say(ed.nudgeGrowth(-nudge))
	case key.Matches(k, keys.ShareUp):
		m.status.say(ed.nudgeShare(nudge))
	case key.Matches(k, keys.ShareDown):
		m.status.say(ed.nudgeShare(-nudge))
	case key.Matches(k, keys.Lock):
		m.status.say(ed.toggleLock())
	case key.Matches(k, keys.Undo):
		m.status.say(ed.undo())
	case key.Matches(k, keys.Redo):
		m.status.say(ed.redo())
	case key.Matches(k, keys.ResetRow):
		m.status.say(ed.resetRow())
	case key.Matches(k, keys.ResetAll):
		m.status.say(ed.resetAll())
	case key.Matches(k, keys.Mode):
		m.status.say(ed.toggleMode())
	case key.Matches(k, keys.Metric):
		m.status.info(m.sel.cycleMetric())
	case key.Matches(k, keys.Focus):
		m.status.info(m.panes.toggleFocus())
	case key.Matches(k, keys.Save):
		return m.save()
	case key.Matches(k, keys.Open):
		return m.openPicker(chooseOpen)
	case key.Matches(k, keys.Compare):
		return m.toggleCompare()
	case key.Matches(k, keys.CompareView):
		m.status.info(m.sel.toggleView(len(m.scen.compare) > 0))
	default:
		return m.openDialog(k, e)
	}
	return nil
}

// openDialog opens the screen a key asks for, or gives the key to the
// focused pane.
func (m *Model) openDialog(k tea.KeyPressMsg, e env) tea.Cmd {
	keys, run := m.look.keys, m.opts.Analysis
	var d Dialog
	var cmd tea.Cmd
	switch {
	case key.Matches(k, keys.Exact):
		d, cmd = newValuePrompt(e, m.sel.selected())
	case key.Matches(k, keys.New):
		d = newScenarioMenu(e)
	case key.Matches(k, keys.Export):
		d = newExportMenu(e)
	case key.Matches(k, keys.Info):
		d = newInfoDialog(e)
	case key.Matches(k, keys.Messages):
		d = newMessagesDialog(e)
	case key.Matches(k, keys.Window):
		d, cmd = newWindowPrompt(e)
	case key.Matches(k, keys.GoalSeek):
		d, cmd = newGoalSeekDialog(e, m.dialogs.next(), run)
	case key.Matches(k, keys.Tornado):
		d, cmd = newTornadoDialog(e, m.dialogs.next(), run)
	case key.Matches(k, keys.MonteCarlo):
		mc, mcmd := newMonteCarloDialog(e, m.dialogs.next(), run)
		if mc == nil {
			return nil
		}
		d, cmd = mc, mcmd
	case key.Matches(k, keys.Levers):
		d = newLeversDialog(e)
	case key.Matches(k, keys.DataTable):
		d, cmd = newDataTableDialog(e, m.dialogs.next(), run)
	case key.Matches(k, keys.Summary):
		d = newSummaryDialog(e)
	case key.Matches(k, keys.Bridge):
		br, bcmd := newBridgeDialog(e, m.dialogs.next(), run)
		if br == nil {
			return nil
		}
		d, cmd = br, bcmd
	default:
		return m.panes.toFocused(k)
	}
	m.dialogs.push(d)
	return cmd
}

// tabIndex is the tab a number key selects.
func tabIndex(k tea.KeyPressMsg) int {
	if d, err := strconv.Atoi(k.String()); err == nil {
		return d - 1
	}
	return -1
}

// selectTab shows dimension tab i. It says nothing: the tab line shows
// the tab (always the current one, however many there are), and a bare
// "Region." on the status line only pushed the keys aside; the last
// message, about the tab left, goes with it.
func (m *Model) selectTab(i int) {
	if i >= 0 && i < len(m.scen.ds.Dims) {
		m.sel.selectTab(i)
		m.status.clear()
	}
}

// shortHelp is the status line's help: the keys of the dialog open over
// the panes when it has its own, a follower's few, or the dashboard's
// with the focused pane's own key (drill, or scroll the years).
func (m *Model) shortHelp() []key.Binding {
	if d := m.dialogs.top(); d != nil {
		if b := d.Bindings(); len(b) > 0 {
			return b
		}
	}
	if m.demo.mirroring() {
		return m.look.keys.FollowingHelp(m.demo.mayPresent)
	}
	return m.look.keys.ShortHelp(m.panes.focusedKeys()[2])
}

// quit ends the program, asking first when there are unsaved changes: a
// viewer's private ones; a presenter's (or a session's that took over)
// unsaved edits, as in any dashboard.
func (m *Model) quit() tea.Cmd {
	if m.demo.role == RoleFollower && m.demo.privateChanges(m.scen) || m.demo.role != RoleFollower && m.scen.Dirty() {
		m.dialogs.push(newQuitDialog(m.env()))
		return nil
	}
	m.quitting = true
	return tea.Quit
}

func (m *Model) click(ms tea.Mouse) {
	if m.lay.tooSmall || !m.dialogs.empty() || ms.Button != tea.MouseLeft {
		return
	}
	switch {
	case ms.Y == 1:
		if i := m.panes.header.tabAt(ms.X); i >= 0 {
			m.selectTab(i)
		}
	case inside(m.lay.tree, ms.X, ms.Y):
		if i := m.panes.tree.rowAt(ms.Y - m.lay.tree.y); i >= 0 {
			m.sel.setCursor(i)
		}
	case inside(m.lay.tbl, ms.X, ms.Y):
		if i := m.panes.table.rowAt(ms.Y - m.lay.tbl.y); i >= 0 {
			m.sel.setCursor(i)
		}
	}
	m.panes.table.refresh()
}

func inside(r rect, x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

func (m *Model) setStyles(s *Styles) {
	m.look.styles = s
	m.dialogs.setStyles(s)
	m.panes.table.refresh()
}

func (m *Model) resize(w, h int) {
	m.lay = computeLayout(w, h, maxRows(m.scen.ds), treeWidth(m.scen.ds))
	if m.lay.tooSmall {
		return
	}
	if len(m.scen.compare) > 0 && w < wideChartBelow {
		m.lay = m.lay.chartWide()
	}
	m.panes.resize(m.lay)
	m.dialogs.resize(w, h)
}

// View draws the whole screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "iomt — " + clean(m.scen.name)
	return v
}

// render composes the screen: header, the top body dialog or the panes,
// and the top dialog's line or the status line.
func (m *Model) render() string {
	switch {
	case m.quitting:
		return ""
	case m.lay.w == 0:
		return "Loading…"
	case m.lay.tooSmall:
		return tooSmallView(m.lay.w, m.lay.h)
	}
	m.panes.header.banner, m.panes.header.shortBanner = m.demo.banner()
	body := m.dialogs.body()
	var tree, chart, table string
	if body == "" {
		tree, chart, table = m.panes.tree.View(), m.panes.chart.View(), m.panes.table.View()
	}
	line := truncate(m.panes.bar.View(m.shortHelp()), m.lay.w, "…")
	if d := m.dialogs.top(); d != nil && d.Placement() == placeLine {
		line = d.View()
	}
	var out strings.Builder
	out.Grow(m.panes.frameLen + 64)
	out.WriteString(m.panes.header.View())
	out.WriteByte('\n')
	if body != "" {
		out.WriteString(body)
	} else {
		writeSideBySide(&out, tree, chart)
		out.WriteByte('\n')
		out.WriteString(table)
	}
	out.WriteByte('\n')
	out.WriteString(line)
	m.panes.frameLen = out.Len()
	return out.String()
}

func tooSmallView(w, h int) string {
	msg := fmt.Sprintf("Terminal too small: %d×%d.\nPlease enlarge it to at least %d×%d.\n\nq quits.",
		w, h, minWidth, minHeight)
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}

// Scenario returns the current assumptions, for tests and the server.
func (m *Model) Scenario() model.Assumptions { return m.scen.Assumptions() }
