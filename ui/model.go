// Package ui is the Bubble Tea dashboard. The root Model only routes
// messages; each pane is its own type over a shared *common.
package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
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
	// Role, Hub and Who serve presented demos over SSH: a presenter
	// publishes its state to Hub; a follower mirrors it (FollowMsg) until
	// it forks. Who names the session's user in banners.
	Role Role
	Hub  *Hub
	Who  string
}

// NoticeMsg puts a message from outside the dashboard (the SSH server's
// warnings before it closes a session) on the status line.
type NoticeMsg struct{ Text string }

// focus is which pane receives navigation keys.
type focus int

const (
	focusTree focus = iota
	focusTable
)

// overlay is a modal state that takes keys before the panes do.
type overlay int

const (
	overlayNone overlay = iota
	overlayHelp
	overlayPrompt
	overlayQuit
	overlayConfirm // a yes/no question before an action that loses edits
	overlayChooser // a scenario picker or a menu
	overlayInfo    // the report information
)

// promptFor is what the text prompt is asking for.
type promptFor int

const (
	promptValue promptFor = iota // a growth rate or share
	promptName                   // the scenario's name, before its first save
)

// Model is the root of the dashboard.
type Model struct {
	c       *common
	opts    Options
	width   int
	height  int
	lay     layout
	focus   focus
	overlay overlay

	header header
	tree   tree
	chart  chart
	table  yearTable
	status status

	input      textinput.Model
	inputFor   promptFor
	inputShare bool // the prompt edits the share rather than the growth rate
	inputNode  int
	quitting   bool

	// chooser is a pointer because the bubbles list is large, and the
	// Model is copied on every message.
	chooser *chooser
	info    viewport.Model

	following bool // a follower mirroring the presenter (not forked)
	// presenterAway: no presenter is connected; a follower keeps the last
	// state it was shown.
	presenterAway bool
	notice        bool // the status line shows a NoticeMsg
	// confirm is the question of overlayConfirm and onYes what "y" does.
	confirm string
	onYes   func(m *Model) tea.Cmd
}

// New builds a dashboard over ds, starting at scenario sc. Every SSH
// session and the local program call this same constructor.
func New(ds *model.Dataset, sc *model.Scenario, opts Options) Model {
	c := newCommon(ds, sc, newStyles(opts.Dark, opts.NoColor), opts.Workspace)
	in := textinput.New()
	in.CharLimit = 32
	// The prompt takes numbers only; reading the clipboard of the machine
	// iomt runs on (the server, over SSH) would be wrong.
	in.KeyMap.Paste.SetEnabled(false)
	m := Model{
		c: c, opts: opts,
		header: newHeader(c), tree: newTree(c), chart: newChart(c), table: newYearTable(c), status: newStatus(c),
		input: in,
	}
	m.tree.focused = true
	m.input.SetStyles(c.styles.input())
	m.following = opts.Role == RoleFollower
	if m.following && opts.Hub != nil {
		if snap, ok := opts.Hub.Latest(); ok {
			m.follow(snap)
		}
		m.presenterAway = !opts.Hub.Presenting()
	}
	return m
}

// Init asks the terminal for its background colour to pick a palette.
func (m Model) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Update routes: size → layout; background → styles; keys → overlay,
// global keys, then the focused pane; clicks → the pane under them.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	nm := next.(Model)
	if nm.opts.Role == RolePresenter && nm.opts.Hub != nil {
		nm.opts.Hub.Publish(nm.snapshot())
	}
	return nm, cmd
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case NoticeMsg:
		m.status.error(msg.Text)
		m.notice = true
		return m, nil
	case FollowMsg:
		if m.following && msg.Away && !m.presenterAway {
			// Replaces a hint such as "Following the presenter
			// (read-only)", which would contradict the banner.
			m.status.info("The presenter has left; this is their last screen. f gives you a private copy.")
		}
		m.presenterAway = msg.Away
		if m.following && !msg.Away {
			m.follow(msg.Snapshot)
			m.table.refresh()
		}
		return m, nil
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		m.setStyles(newStyles(msg.IsDark(), m.opts.NoColor))
	case tea.KeyPressMsg:
		if m.notice {
			// A warning such as "closes unless you press a key" is
			// answered by any key.
			m.status.clear()
			m.notice = false
		}
		next, cmd := m.handleKey(msg)
		// Whatever the key did, the table shows the state it left.
		nm := next.(Model)
		nm.table.refresh()
		return nm, cmd
	case tea.MouseClickMsg:
		m.handleClick(msg.Mouse())
	case tea.PasteMsg:
		if m.overlay == overlayPrompt {
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return m, cmd
		}
	default:
		// The picker's filter results arrive as messages of their own.
		if m.overlay == overlayChooser {
			var cmd tea.Cmd
			cmd = m.chooser.Update(msg)
			return m, cmd
		}
	}
	return m, nil
}

func (m *Model) setStyles(s *Styles) {
	m.c.styles = s
	m.input.SetStyles(s.input())
	m.table.refresh()
}

func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.lay = computeLayout(w, h, m.c.maxRows())
	if m.lay.tooSmall {
		return
	}
	m.header.SetSize(w)
	m.tree.SetSize(m.lay.tree.w, m.lay.tree.h)
	m.chart.SetSize(m.lay.chart.w, m.lay.chart.h)
	m.table.SetSize(m.lay.tbl.w, m.lay.tbl.h)
	m.status.SetSize(w)
	m.input.SetWidth(12)  // numbers are short; leave the line for messages
	if m.chooser != nil { // a chooser has been opened
		m.chooser.SetSize(w, h-3)
	}
	m.info.SetWidth(w - 2)
	m.info.SetHeight(h - 5)
}

func (m Model) handleKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch m.overlay {
	case overlayPrompt:
		return m.handlePrompt(k)
	case overlayQuit:
		switch {
		case key.Matches(k, m.c.keys.Yes), k.String() == "ctrl+c":
			m.quitting = true
			return m, tea.Quit
		case key.Matches(k, m.c.keys.No):
			m.overlay = overlayNone
			m.status.info("Kept working.")
		}
		return m, nil
	case overlayHelp:
		m.overlay = overlayNone
		if key.Matches(k, m.c.keys.Quit) {
			return m.quit()
		}
		return m, nil
	case overlayConfirm:
		return m.handleConfirm(k)
	case overlayChooser:
		return m.handleChooser(k)
	case overlayInfo:
		return m.handleInfo(k)
	}
	keys := m.c.keys
	c := m.c
	if m.opts.Role == RoleFollower {
		if key.Matches(k, keys.Fork) {
			m.toggleFork()
			return m, nil
		}
		if m.following && !key.Matches(k, keys.Quit, keys.Help, keys.Info) {
			m.status.error("Following " + m.presenterName() + " (read-only): press f for a private copy you can change.")
			return m, nil
		}
	}
	switch {
	case key.Matches(k, keys.Quit):
		return m.quit()
	case key.Matches(k, keys.Help):
		m.overlay = overlayHelp
	case key.Matches(k, keys.Tab1), key.Matches(k, keys.Tab2), key.Matches(k, keys.Tab3), key.Matches(k, keys.Tab4):
		m.selectTab(int(k.String()[0] - '1'))
	case key.Matches(k, keys.PrevTab):
		m.selectTab((c.dim + len(c.ds.Dims) - 1) % len(c.ds.Dims))
	case key.Matches(k, keys.NextTab):
		m.selectTab((c.dim + 1) % len(c.ds.Dims))
	case key.Matches(k, keys.Up):
		c.moveCursor(-1)
	case key.Matches(k, keys.Down):
		c.moveCursor(1)
	case key.Matches(k, keys.GrowthUp):
		m.nudgeGrowth(step)
	case key.Matches(k, keys.GrowthDown):
		m.nudgeGrowth(-step)
	case key.Matches(k, keys.ShareUp):
		m.nudgeShare(step)
	case key.Matches(k, keys.ShareDown):
		m.nudgeShare(-step)
	case key.Matches(k, keys.Exact):
		return m, m.openPrompt()
	case key.Matches(k, keys.Lock):
		m.toggleLock()
	case key.Matches(k, keys.Undo):
		if c.hist.Undo() {
			m.edited("Undone.")
		} else {
			m.status.error("Nothing to undo.")
		}
	case key.Matches(k, keys.Redo):
		if c.hist.Redo() {
			m.edited("Redone.")
		} else {
			m.status.error("Nothing to redo.")
		}
	case key.Matches(k, keys.ResetRow):
		n := c.selected()
		m.apply(model.Edit{Kind: model.ResetNode, Node: n}, "Reset "+c.nodeName(n)+".")
	case key.Matches(k, keys.ResetAll):
		m.apply(model.Edit{Kind: model.ResetAll}, "Reset the scenario to "+c.scenario+".")
	case key.Matches(k, keys.Metric):
		c.metric = (c.metric + 1) % metricCount
		m.status.info("Chart and table show " + c.metricLabel() + ".")
	case key.Matches(k, keys.Mode):
		m.toggleMode()
	case key.Matches(k, keys.Focus):
		m.toggleFocus()
	case key.Matches(k, keys.Save):
		return m, m.save()
	case key.Matches(k, keys.Open):
		m.openPicker(chooseOpen)
	case key.Matches(k, keys.New):
		m.openNewMenu()
	case key.Matches(k, keys.Compare):
		m.toggleCompare()
	case key.Matches(k, keys.Export):
		m.openExportMenu()
	case key.Matches(k, keys.Info):
		m.openInfo()
	default:
		m.routeToPane(k)
	}
	return m, nil
}

// routeToPane sends navigation keys to the focused pane.
func (m *Model) routeToPane(k tea.KeyPressMsg) {
	if m.focus == focusTable {
		m.table, _ = m.table.Update(k)
		return
	}
	switch {
	case key.Matches(k, m.c.keys.Drill):
		if !m.c.drill() {
			m.status.info(m.c.nodeName(m.c.selected()) + " has no sub-segments.")
		}
	case key.Matches(k, m.c.keys.Back):
		m.c.back()
	}
}

func (m *Model) toggleFocus() {
	if m.focus == focusTree {
		m.focus = focusTable
		m.status.info("Table focused: ←/→ scroll the years, tab returns to the segments.")
	} else {
		m.focus = focusTree
		m.status.info("Segments focused: enter drills down, esc goes back.")
	}
	m.tree.focused = m.focus == focusTree
	m.table.focused = m.focus == focusTable
}

func (m *Model) selectTab(i int) {
	if i < 0 || i >= len(m.c.ds.Dims) {
		return
	}
	m.c.dim = i
	m.status.info(m.c.ds.Dims[i].Name + ".")
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	if m.c.dirty() && !m.following {
		m.overlay = overlayQuit
		return m, nil
	}
	m.quitting = true
	return m, tea.Quit
}

// apply performs one edit through the history; a refused edit leaves
// everything as it was and says why.
func (m *Model) apply(e model.Edit, done string) bool {
	if err := m.c.hist.Do(e); err != nil {
		m.status.error("Refused: " + err.Error())
		return false
	}
	m.edited(done)
	return true
}

// edited re-projects and reports after any change of assumptions.
func (m *Model) edited(msg string) {
	m.c.reproject()
	m.status.info(msg)
}

func (m *Model) nudgeGrowth(d float64) {
	c := m.c
	n := c.selected()
	a := c.assumptions()
	if n == 0 && a.Mode == model.BottomUp {
		m.status.error("In bottom-up mode the total is the sum of " + c.ds.Dims[a.Driver].Name + "; change its segments instead.")
		return
	}
	v := a.Growth[n] + d
	m.setGrowth(n, v)
}

func (m *Model) setGrowth(n int, v float64) bool {
	c := m.c
	v = math.Round(v*1e6) / 1e6 // keep 18.5+0.5+0.5 from drifting to 19.499999…
	if !m.apply(model.Edit{Kind: model.SetGrowth, Node: n, Value: v}, "") {
		return false
	}
	last := c.res.Years - 1
	what := c.nodeName(n) + " growth"
	if n == 0 {
		what = "Market CAGR"
	}
	m.status.info(fmt.Sprintf("%s %s %% a year (realised %s %% %d–%d).", what, fmtNum(v, 1),
		fmtNum(c.res.CAGR(n, 0, last), 2), c.res.BaseYear, c.res.Year(last)))
	return true
}

func (m *Model) nudgeShare(d float64) {
	n := m.c.selected()
	if n == m.c.parent[m.c.dim] {
		m.status.error("Select a segment: the " + m.c.nodeName(n) + " row is 100 % of itself here.")
		return
	}
	m.setShare(n, m.c.assumptions().Share[n]+d)
}

func (m *Model) setShare(n int, v float64) bool {
	v = math.Round(v*1e6) / 1e6
	if !m.apply(model.Edit{Kind: model.SetShare, Node: n, Value: v}, "") {
		return false
	}
	m.status.info(fmt.Sprintf("%s share %s %% in %d; unlocked siblings rebalanced.", m.c.nodeName(n), fmtNum(v, 2), m.c.res.BaseYear))
	return true
}

func (m *Model) toggleLock() {
	n := m.c.selected()
	if n == m.c.parent[m.c.dim] {
		m.status.error("Select a segment to lock its share.")
		return
	}
	lock := !m.c.assumptions().Locked[n]
	msg := m.c.nodeName(n) + " share unlocked."
	if lock {
		msg = m.c.nodeName(n) + " share locked: rebalancing leaves it alone."
	}
	m.apply(model.Edit{Kind: model.SetLock, Node: n, Lock: lock}, msg)
}

func (m *Model) toggleMode() {
	a := m.c.assumptions()
	e := model.Edit{Kind: model.SetMode, Mode: model.BottomUp, Driver: m.c.dim}
	msg := "Bottom-up: " + m.c.ds.Dims[m.c.dim].Name + " segments grow at their own rates; the total is their sum."
	if a.Mode == model.BottomUp && a.Driver == m.c.dim {
		e = model.Edit{Kind: model.SetMode, Mode: model.TopDown, Driver: a.Driver}
		msg = "Top-down: the total grows at the market CAGR and segments split it."
	}
	m.apply(e, msg)
}

// openPrompt starts typing an exact value for the selected row.
func (m *Model) openPrompt() tea.Cmd {
	n := m.c.selected()
	m.inputNode = n
	m.inputFor = promptValue
	m.inputShare = false
	m.overlay = overlayPrompt
	m.status.clear()
	m.fillPrompt()
	return m.input.Focus()
}

func (m *Model) fillPrompt() {
	a := m.c.assumptions()
	n := m.inputNode
	name := ansi.Truncate(clean(m.c.nodeName(n)), 28, "…")
	// The field starts empty with the current value as placeholder, so
	// typing replaces it rather than appending to it.
	m.input.SetValue("")
	if m.inputShare {
		m.input.Prompt = name + " share %: "
		m.input.Placeholder = strconv.FormatFloat(a.Share[n], 'f', -1, 64)
	} else {
		m.input.Prompt = name + " growth %/yr: "
		m.input.Placeholder = strconv.FormatFloat(a.Growth[n], 'f', -1, 64)
	}
}

func (m Model) handlePrompt(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.c.keys.Cancel):
		m.overlay = overlayNone
		m.input.Blur()
		m.status.info("Cancelled.")
		return m, nil
	case m.inputFor == promptName && key.Matches(k, m.c.keys.Confirm):
		return m, m.saveAs(m.input.Value())
	case key.Matches(k, m.c.keys.Field):
		if m.inputFor == promptValue && m.inputNode != m.c.parent[m.c.dim] {
			m.inputShare = !m.inputShare
			m.fillPrompt()
		}
		return m, nil
	case key.Matches(k, m.c.keys.Confirm):
		if strings.TrimSpace(m.input.Value()) == "" {
			m.overlay = overlayNone
			m.input.Blur()
			m.status.info("Unchanged.")
			return m, nil
		}
		text := strings.TrimSuffix(strings.TrimSpace(m.input.Value()), "%")
		v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			m.status.error(fmt.Sprintf("%q is not a number: type e.g. 18.5", m.input.Value()))
			return m, nil
		}
		ok := false
		if m.inputShare {
			ok = m.setShare(m.inputNode, v)
		} else {
			ok = m.setGrowth(m.inputNode, v)
		}
		if ok {
			m.overlay = overlayNone
			m.input.Blur()
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	m.status.clear() // the last refusal no longer applies to what is typed
	return m, cmd
}

func (m *Model) handleClick(ms tea.Mouse) {
	if m.lay.tooSmall || m.overlay != overlayNone || ms.Button != tea.MouseLeft {
		return
	}
	switch {
	case ms.Y == 1:
		if i := m.header.tabAt(ms.X); i >= 0 {
			m.selectTab(i)
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

// View draws the whole screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "iomt — " + clean(m.c.scenario)
	return v
}

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
	switch {
	case m.opts.Role == RoleFollower && m.following && m.presenterAway:
		m.header.banner, m.header.shortBanner = "No presenter connected (read-only, f: private copy)", "No presenter (f: own copy)"
	case m.opts.Role == RoleFollower && m.following:
		m.header.banner, m.header.shortBanner = "Following the presenter (read-only, f: private copy)", "Following (f: own copy)"
	case m.opts.Role == RoleFollower:
		m.header.banner, m.header.shortBanner = "Private copy (f: follow again)", "Private copy (f: follow)"
	case m.opts.Role == RolePresenter:
		m.header.banner = "Presenting"
	}
	head := m.header.View()
	var body string
	switch m.overlay {
	case overlayHelp:
		body = m.helpView()
	case overlayChooser:
		body = m.chooser.View()
	case overlayInfo:
		body = pane(m.c.styles, true, "Report information · ↑↓ scroll · esc close", m.info.View(), m.width, m.height-3)
	default:
		body = sideBySide(m.tree.View(), m.chart.View()) + "\n" + m.table.View()
	}
	return head + "\n" + body + "\n" + m.bottomLine()
}

func (m Model) bottomLine() string {
	s := m.c.styles
	switch m.overlay {
	case overlayPrompt:
		line := m.input.View()
		if m.inputFor == promptName {
			if m.status.kind == statusError && m.status.msg != "" {
				line += "  " + s.Error.Render(clean(m.status.msg))
			} else {
				line += "  " + s.Muted.Render("enter saves · esc cancels")
			}
			return ansi.Truncate(line, m.width, "…")
		}
		if m.status.kind == statusError && m.status.msg != "" {
			line += "  " + s.Error.Render(clean(m.status.msg))
		} else {
			hint := "enter applies · esc cancels · tab: share"
			if m.inputShare {
				hint = "enter applies · esc cancels · tab: growth"
			} else if m.inputNode == m.c.parent[m.c.dim] {
				hint = "enter applies · esc cancels"
			}
			line += "  " + s.Muted.Render(hint)
		}
		return ansi.Truncate(line, m.width, "…")
	case overlayQuit:
		return ansi.Truncate(s.Error.Render("Unsaved changes to "+clean(m.c.scenario)+" will be lost. Quit? y/n"), m.width, "…")
	case overlayConfirm:
		return ansi.Truncate(s.Error.Render(clean(m.confirm)+" y/n"), m.width, "…")
	}
	return ansi.Truncate(m.status.View(m.opts.Role == RoleFollower && m.following), m.width, "…")
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

func (m Model) helpView() string {
	s := m.c.styles
	inner := m.width - 2
	full := helpKeys(m.status.help, m.c.keys.FullHelp(), inner)
	notes := []string{
		s.Title.Render("Reading the numbers"),
		"Share: % of parent in " + strconv.Itoa(m.c.res.BaseYear) + " · CAGR: entered, %/yr · Real: realised CAGR " +
			strconv.Itoa(m.c.res.BaseYear) + "–" + strconv.Itoa(m.c.res.Year(m.c.res.Years-1)),
		"* the source report states this figure; every other figure is an estimate (i: details).",
		"L the share is locked: changing a sibling's share leaves it alone.",
		"Top-down: the total grows at the market CAGR and each segment's growth moves its share.",
		"Bottom-up (b): the current tab's segments grow at their own rates and the total is their sum.",
	}
	for i, n := range notes {
		notes[i] = ansi.Wrap(n, inner, "") // the pane would cut long lines
	}
	body := s.Title.Render("Keys") + "\n" + full + "\n" + strings.Join(notes, "\n")
	// The closing hint is in the title, where 80×24 cannot cut it off.
	return pane(s, true, "Help · press any key to close", body, m.width, m.height-3)
}

// helpKeys lays out the key help in columns when they fit in width w,
// else as a list that wraps, so that no binding is ever cut off.
func helpKeys(h help.Model, groups [][]key.Binding, w int) string {
	h.SetWidth(0)
	if full := h.FullHelpView(groups); lipgloss.Width(full) <= w {
		return full
	}
	sep := h.Styles.ShortSeparator.Render(h.ShortSeparator)
	sepW := lipgloss.Width(sep)
	var lines []string
	line, lineW := "", 0
	for _, g := range groups {
		for _, b := range g {
			if !b.Enabled() || b.Help().Key == "" {
				continue
			}
			item := h.Styles.ShortKey.Render(b.Help().Key) + " " + h.Styles.ShortDesc.Render(b.Help().Desc)
			iw := lipgloss.Width(item)
			if lineW > 0 && lineW+sepW+iw > w {
				lines = append(lines, line)
				line, lineW = "", 0
			}
			if lineW > 0 {
				line += sep
				lineW += sepW
			}
			line += item
			lineW += iw
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// Scenario returns the current assumptions, for tests and the server.
func (m Model) Scenario() model.Assumptions { return m.c.assumptions() }
