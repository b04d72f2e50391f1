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
const step = 0.5

// Options configure a dashboard.
type Options struct {
	// NoColor draws without colour (NO_COLOR), telling series and states
	// apart by characters and attributes only.
	NoColor bool
	// Dark picks the palette until the terminal reports its background.
	Dark bool
	// Workspace is where scenarios are listed and saved; nil or one
	// without a folder is read-only.
	Workspace *model.Workspace
	// Role serves presented demos over SSH: a presenter gives its state
	// to Publish whenever it changes; a follower mirrors the states it is
	// sent (FollowMsg) until it forks. Who names the presenter to its
	// audience ("" : "the presenter").
	Role    Role
	Publish func(Snapshot)
	Who     string
	// TakeOver, when set, lets the session present (p): one with a
	// presenter key that follows because another session presents. It
	// makes this session the presenter, telling the other one to follow,
	// and is called from a command. Turn is the turn a session that
	// starts presenting has (see RoleMsg).
	TakeOver func() RoleMsg
	Turn     uint64
	// Latest, when set, says a server draws this follower's screen from
	// its audience group while Grouped(), and need not send it the
	// presenter's changes meanwhile: the dashboard asks Latest for the
	// presenter's state when it needs it (a key, a screen of its own).
	// With 200 followers, mirroring each change in every session was
	// most of the server's work (its year table alone a third).
	Latest func() (FollowMsg, bool)
	// FetchCommand, when set, says how the user fetches a file written
	// into the workspace to their own machine (over SSH, an scp command
	// line for the file's name); the export menu and its message show it.
	FetchCommand func(file string) string
	// Analysis runs the analysis screens' work; nil: at once, on every
	// core (see Analysis).
	Analysis Analysis
}

// NoticeMsg puts a message from outside the dashboard (the SSH server's
// warnings before it closes a session) on the status line until the next
// key. One with no Text withdraws the notice of its Topic if it still
// shows: the warning that a follower would close, once the presenter's
// keys keep it open.
type NoticeMsg struct{ Topic, Text string }

// focus is which pane receives navigation keys.
type focus int

const (
	focusTree focus = iota
	focusTable
)

// Model is the root of the dashboard. It routes messages and composes
// the screen; the panes draw, the dialogs on its stack take keys when
// open, and the shared state lives in common (see doc.go).
type Model struct {
	c      *common
	opts   Options
	width  int
	height int
	lay    layout
	focus  focus

	header header
	tree   tree
	chart  chart
	table  yearTable
	status status

	// dialogs is the stack of modal screens; the last is on top.
	dialogs []Dialog
	// gen numbers the dialogs that wait for commands (pickers, Monte
	// Carlo runs), so a result for one the user has since closed is
	// dropped.
	gen      int
	quitting bool
	notice   bool   // the status line shows a NoticeMsg
	topic    string // the shown notice's topic

	following bool // a follower mirroring the presenter (not forked)
	// presenterAway: no presenter is connected; a follower keeps the last
	// state it was shown.
	presenterAway bool
	latest        *Snapshot         // the presenter's latest state, for following again
	forkedFrom    model.Assumptions // the state a private copy was made of
	published     *Snapshot         // a presenter's state as last shared
	turn          uint64            // the newest presenting turn this session heard of (see RoleMsg)
	behind        bool              // following, latest not yet mirrored
	seen          uint64            // the Seq of the last FollowMsg handled
}

// New builds a dashboard over ds, starting at scenario sc. Every SSH
// session and the local program call this same constructor.
func New(ds *model.Dataset, sc *model.Scenario, opts Options) Model {
	c := newCommon(ds, sc, newStyles(opts.Dark, opts.NoColor), opts.Workspace)
	m := Model{
		c: c, opts: opts,
		header: newHeader(c), tree: newTree(c), chart: newChart(c), table: newYearTable(c), status: newStatus(c),
	}
	m.tree.focused = true
	m.following = opts.Role == RoleFollower
	m.turn = opts.Turn
	c.fetch = opts.FetchCommand
	return m
}

// Init asks the terminal for its background colour to pick a palette.
func (m Model) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Update routes: size → layout; background → styles; outside news →
// status or following; keys → the top dialog, else global keys, else the
// focused pane; clicks → the pane under them; results of commands → their
// handlers; anything else → the top dialog.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
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
		m.notify(msg)
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
	m.share()
	if m.opts.Latest == nil || !m.Grouped() {
		m.catchUp() // this screen is drawn from this dashboard
	}
	return m, cmd
}

// notify shows a notice from the server until the next key, or
// withdraws one.
func (m *Model) notify(msg NoticeMsg) {
	if msg.Text == "" {
		if m.notice && m.topic == msg.Topic {
			m.c.clearStatus()
			m.notice = false
		}
		return
	}
	m.c.error(msg.Text)
	m.notice, m.topic = true, msg.Topic
}

// key handles a keypress: the top dialog's, else a global key, else the
// focused pane's. Whatever it did, the table shows the state it left.
func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	if m.notice {
		// A warning such as "closes unless you press a key" is answered
		// by any key.
		m.c.clearStatus()
		m.notice = false
	}
	var cmd tea.Cmd
	switch _, asking := m.top().(*quitDialog); {
	case key.Matches(k, m.c.keys.ForceQuit) && !asking:
		// ctrl+c quits from anywhere, asking first as q does when there
		// are unsaved changes (and again it answers yes).
		m.closeAll()
		cmd = m.quit()
	case len(m.dialogs) > 0:
		cmd = m.toTop(k)
	default:
		// A message answers the key before; the next key starts afresh,
		// so "North America selected." does not linger over Total.
		m.c.clearStatus()
		cmd = m.globalKey(k)
	}
	m.table.refresh()
	return cmd
}

// globalKey handles a key when no dialog is open.
func (m *Model) globalKey(k tea.KeyPressMsg) tea.Cmd {
	keys, c := m.c.keys, m.c
	if m.opts.TakeOver != nil && key.Matches(k, keys.Present) {
		return m.present()
	}
	if m.opts.Role == RoleFollower {
		if key.Matches(k, keys.Fork) {
			m.toggleFork()
			return nil
		}
		if m.following && key.Matches(k, keys.Present) {
			// A viewer may think p is how to join in: say what it needs.
			c.error("Only a presenter's key can present here; f gives you a private copy to change.")
			return nil
		}
		if m.following && !key.Matches(k, keys.Quit, keys.Help, keys.Info, keys.Messages) {
			c.error("Following " + m.presenterName() + " (read-only): press f for a private copy you can change.")
			return nil
		}
	}
	switch {
	case key.Matches(k, keys.Quit):
		return m.quit()
	case key.Matches(k, keys.Help):
		d := newHelpDialog(c, m.paneKeys(), m.opts.Role == RoleFollower, m.opts.TakeOver != nil)
		if m.following {
			// Named from the bindings globalKey lets through while
			// following, so that the sentence follows the key map.
			var names []string
			if m.opts.TakeOver != nil {
				names = append(names, keys.Present.Help().Key)
			}
			for _, b := range []key.Binding{keys.Fork, keys.Info, keys.Messages, keys.Help} {
				names = append(names, b.Help().Key)
			}
			d.following = "Following " + m.presenterName() + ": you see their screen, and only " + strings.Join(names, ", ") +
				" and " + keys.Quit.Help().Key + " work here. " + keys.Fork.Help().Key + " gives you a private copy where every key below works."
		}
		m.push(d)
	case key.Matches(k, keys.Tabs):
		c.selectTab(tabIndex(k))
	case key.Matches(k, keys.PrevTab):
		c.selectTab((c.dim + len(c.ds.Dims) - 1) % len(c.ds.Dims))
	case key.Matches(k, keys.NextTab):
		c.selectTab((c.dim + 1) % len(c.ds.Dims))
	case key.Matches(k, keys.GrowthUp):
		c.nudgeGrowth(step)
	case key.Matches(k, keys.GrowthDown):
		c.nudgeGrowth(-step)
	case key.Matches(k, keys.ShareUp):
		c.nudgeShare(step)
	case key.Matches(k, keys.ShareDown):
		c.nudgeShare(-step)
	case key.Matches(k, keys.Exact):
		d, cmd := newValuePrompt(c, c.selected())
		m.push(d)
		return cmd
	case key.Matches(k, keys.Lock):
		c.toggleLock()
	case key.Matches(k, keys.Undo):
		c.undo()
	case key.Matches(k, keys.Redo):
		c.redo()
	case key.Matches(k, keys.ResetRow):
		c.resetRow()
	case key.Matches(k, keys.ResetAll):
		c.resetAll()
	case key.Matches(k, keys.Metric):
		c.cycleMetric()
	case key.Matches(k, keys.Mode):
		c.toggleMode()
	case key.Matches(k, keys.Focus):
		m.toggleFocus()
	case key.Matches(k, keys.Save):
		return m.save()
	case key.Matches(k, keys.Open):
		return m.openPicker(chooseOpen)
	case key.Matches(k, keys.New):
		m.push(newScenarioMenu(c))
	case key.Matches(k, keys.Compare):
		return m.toggleCompare()
	case key.Matches(k, keys.Export):
		m.push(newExportMenu(c))
	case key.Matches(k, keys.Info):
		m.push(newInfoDialog(c))
	case key.Matches(k, keys.Messages):
		m.push(newMessagesDialog(c))
	case key.Matches(k, keys.Window):
		d, cmd := newWindowPrompt(c)
		m.push(d)
		return cmd
	case key.Matches(k, keys.GoalSeek):
		m.gen++
		d, cmd := newGoalSeekDialog(c, m.gen, m.analysis())
		m.push(d)
		return cmd
	case key.Matches(k, keys.Tornado):
		m.gen++
		d, cmd := newTornadoDialog(c, m.gen, m.analysis())
		m.push(d)
		return cmd
	case key.Matches(k, keys.MonteCarlo):
		m.gen++
		if d, cmd := newMonteCarloDialog(c, m.gen, m.analysis()); d != nil {
			m.push(d)
			return cmd
		}
	case key.Matches(k, keys.Levers):
		m.push(newLeversDialog(c))
	default:
		return m.toPane(k)
	}
	return nil
}

// tabIndex is the tab a number key selects.
func tabIndex(k tea.KeyPressMsg) int {
	if d, err := strconv.Atoi(k.String()); err == nil {
		return d - 1
	}
	return -1
}

// toPane sends a key to the focused pane.
func (m *Model) toPane(k tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	if m.focus == focusTable {
		m.table, cmd = m.table.Update(k)
		return cmd
	}
	m.tree, cmd = m.tree.Update(k)
	return cmd
}

// shortHelp is the status line's help: the keys of the dialog open over
// the panes when it has its own, a follower's few, or the dashboard's
// with the focused pane's own key (drill, or scroll the years).
func (m *Model) shortHelp() []key.Binding {
	if d := m.top(); d != nil {
		if b := d.Bindings(); len(b) > 0 {
			return b
		}
	}
	if m.opts.Role == RoleFollower && m.following {
		return m.c.keys.FollowingHelp(m.opts.TakeOver != nil)
	}
	return m.c.keys.ShortHelp(m.paneKeys()[2])
}

// paneKeys are the focused pane's keys, for the help: up, down, then
// its own (drill and back, or scroll the years).
func (m *Model) paneKeys() []key.Binding {
	if m.focus == focusTable {
		return m.table.Bindings()
	}
	return m.tree.Bindings()
}

func (m *Model) toggleFocus() {
	if m.focus == focusTree {
		m.focus = focusTable
		m.c.info("Table focused: ←/→ scroll the years, tab returns to the segments.")
	} else {
		m.focus = focusTree
		m.c.info("Segments focused: enter drills down, esc goes back.")
	}
	m.tree.focused = m.focus == focusTree
	m.table.focused = m.focus == focusTable
}

// quit ends the program, asking first when there are unsaved changes: a
// viewer's private ones; a presenter's (or a session's that took over)
// unsaved edits, as in any dashboard.
func (m *Model) quit() tea.Cmd {
	if m.opts.Role == RoleFollower && m.privateChanges() || m.opts.Role != RoleFollower && m.c.dirty() {
		m.push(newQuitDialog(m.c))
		return nil
	}
	m.quitting = true
	return tea.Quit
}

func (m *Model) click(ms tea.Mouse) {
	if m.lay.tooSmall || len(m.dialogs) > 0 || ms.Button != tea.MouseLeft {
		return
	}
	switch {
	case ms.Y == 1:
		if i := m.header.tabAt(ms.X); i >= 0 {
			m.c.selectTab(i)
		}
	case inside(m.lay.tree, ms.X, ms.Y):
		if i := m.tree.rowAt(ms.Y - m.lay.tree.y); i >= 0 {
			m.c.setCursor(i)
		}
	case inside(m.lay.tbl, ms.X, ms.Y):
		if i := m.table.rowAt(ms.Y - m.lay.tbl.y); i >= 0 {
			m.c.setCursor(i)
		}
	}
	m.table.refresh()
}

func inside(r rect, x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// styler is a dialog whose look follows the palette.
type styler interface{ setStyles(*Styles) }

func (m *Model) setStyles(s *Styles) {
	m.c.styles = s
	for _, d := range m.dialogs {
		if st, ok := d.(styler); ok {
			st.setStyles(s)
		}
	}
	m.table.refresh()
}

func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.lay = computeLayout(w, h, m.c.maxRows(), m.c.treeWidth())
	if m.lay.tooSmall {
		return
	}
	m.header.SetSize(w)
	m.tree.SetSize(m.lay.tree.w, m.lay.tree.h)
	m.chart.SetSize(m.lay.chart.w, m.lay.chart.h)
	m.table.SetSize(m.lay.tbl.w, m.lay.tbl.h)
	m.status.SetSize(w)
	for _, d := range m.dialogs {
		m.size(d)
	}
}

// size gives a dialog the room of its placement.
func (m *Model) size(d Dialog) {
	if d.Placement() == placeLine {
		d.SetSize(m.width, 1)
		return
	}
	d.SetSize(m.width, m.height-3)
}

// View draws the whole screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "iomt — " + clean(m.c.scenario)
	return v
}

// render composes the screen: header, the top body dialog or the panes,
// and the top dialog's line or the status line.
func (m Model) render() string {
	if m.quitting {
		return ""
	}
	if m.width == 0 {
		return "Loading…"
	}
	if m.lay.tooSmall {
		return m.tooSmallView()
	}
	m.header.banner, m.header.shortBanner = m.banner()
	body := ""
	for i := len(m.dialogs) - 1; i >= 0 && body == ""; i-- {
		if d := m.dialogs[i]; d.Placement() == placeBody {
			body = d.View()
		}
	}
	if body == "" {
		body = sideBySide(m.tree.View(), m.chart.View()) + "\n" + m.table.View()
	}
	line := ansi.Truncate(m.status.View(m.shortHelp()), m.width, "…")
	if d := m.top(); d != nil && d.Placement() == placeLine {
		line = d.View()
	}
	return m.header.View() + "\n" + body + "\n" + line
}

// banner is the demo role's banner and its short form.
func (m *Model) banner() (string, string) {
	switch {
	case m.opts.Role == RoleFollower && m.following && m.presenterAway && m.opts.TakeOver != nil:
		return "No presenter connected (p: present, f: private copy)", "No presenter (p: present)"
	case m.opts.Role == RoleFollower && m.following && m.presenterAway:
		return "No presenter connected (read-only, f: private copy)", "No presenter (f: own copy)"
	case m.opts.Role == RoleFollower && m.following && m.opts.TakeOver != nil:
		return "Following " + m.presenterName() + " (p: take over, f: private copy)", "Following " + m.shortName() + " (p: take over)"
	case m.opts.Role == RoleFollower && m.following:
		return "Following " + m.presenterName() + " (read-only, f: private copy)", "Following " + m.shortName() + " (f: own copy)"
	case m.opts.Role == RoleFollower:
		return "Private copy (f: follow again)", "Private copy (f: follow)"
	case m.opts.Role == RolePresenter:
		return "Presenting", ""
	}
	return "", ""
}

func (m Model) tooSmallView() string {
	msg := fmt.Sprintf("Terminal too small: %d×%d.\nPlease enlarge it to at least %d×%d.\n\nq quits.",
		m.width, m.height, minWidth, minHeight)
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	return strings.Join(lines, "\n")
}

// Scenario returns the current assumptions, for tests and the server.
func (m Model) Scenario() model.Assumptions { return m.c.assumptions() }
