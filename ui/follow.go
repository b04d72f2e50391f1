package ui

import (
	"slices"

	tea "charm.land/bubbletea/v2"
)

// The root's part in a presented demo: it routes the server's news to
// the demo (demo.go) and does what the demo decides to the scenario, the
// selection and the dialogs, which only the root changes.

// Shared returns the dashboard's shareable state: what a follower of it
// would show.
func (m *Model) Shared() Snapshot {
	s := Snapshot{
		Presenter: m.demo.who, Scenario: m.scen.name, Assumptions: m.scen.Assumptions(),
		Dim: m.sel.dim, Parent: slices.Clone(m.sel.parent), Cursor: slices.Clone(m.sel.cursor), Metric: m.sel.metric,
		Differences: m.sel.differences, Panes: m.panes.view(),
	}
	if m.scen.Dirty() {
		saved := m.scen.saved
		s.Saved = &saved
	}
	for _, cs := range m.scen.compare {
		s.Compared = append(s.Compared, Compared{Name: cs.name, Assumptions: cs.a})
	}
	return s
}

// mirror shows what a presenter's snapshot shows.
func (m *Model) mirror(s *Snapshot) {
	if s == nil || len(s.Parent) != len(m.sel.parent) || s.Dim < 0 || s.Dim >= len(m.scen.ds.Dims) {
		return // another dataset; cannot happen with one server
	}
	comparing := len(m.scen.compare) > 0
	m.scen.mirror(s)
	m.sel.mirror(s)
	m.panes.mirror(s.Panes)
	if comparing != (len(m.scen.compare) > 0) {
		m.resize(m.lay.w, m.lay.h)
	}
	m.panes.table.refresh()
}

// followMsg hands the presenter's news to the demo, and keeps an open
// "Take over?" true to it.
func (m *Model) followMsg(msg FollowMsg) {
	m.demo.receive(msg, m.status)
	m.refreshTakeOver()
}

// CatchUp brings a follower up to the presenter's latest state, asking
// the server for news it was not sent. A server calls it once it stops
// drawing the follower from its group, so that news sent while it still
// did is not missed.
func (m *Model) CatchUp() { m.catchUp() }

// catchUp mirrors the presenter's latest state if the dashboard has not
// yet.
func (m *Model) catchUp() {
	if msg, ok := m.demo.news(); ok {
		m.followMsg(msg)
	}
	m.mirror(m.demo.toMirror())
}

// roleMsg changes the session's part: presenting, its screen (a private
// copy's too) becomes the audience's at once; taken over from, it follows
// the new presenter, dialogs closed as a follower has none of them.
func (m *Model) roleMsg(msg RoleMsg) {
	ok, said := m.demo.changeRole(msg)
	if !ok {
		return
	}
	if msg.Role == RoleFollower {
		m.dialogs.closeAll()
		m.mirror(m.demo.latest)
	}
	m.status.info(said)
}

// followAgainMsg asks to follow the presenter again, private changes
// dropped.
type followAgainMsg struct{}

// takeOverMsg asks to present in place of the presenter.
type takeOverMsg struct{}

// toggleFork switches a follower between mirroring the presenter and a
// private copy of the presenter's state that it can change; one with
// private changes is asked first.
func (m *Model) toggleFork() {
	if m.demo.following {
		m.status.info(m.demo.fork(m.scen.Assumptions()))
		return
	}
	if m.demo.privateChanges(m.scen) {
		m.dialogs.push(newConfirm(m.env(), "Your private changes will be lost. Follow the presenter again?", followAgainMsg{}))
		return
	}
	m.status.info(m.demo.followAgain(m.mirror))
}

// present answers p: a session with a presenter key that follows takes
// over, asked first when someone presents (their screen then follows).
func (m *Model) present() tea.Cmd {
	switch {
	case m.demo.role == RolePresenter:
		m.status.info("You present: the audience follows your screen.")
		return nil
	case m.demo.away:
		return m.demo.takeOver()
	}
	m.dialogs.push(newConfirm(m.env(), m.demo.takeOverQuestion(), takeOverMsg{}))
	return nil
}

// refreshTakeOver keeps an open "Take over?" true when the presenter
// changes or leaves while it is asked: y then does what the question
// says now, not what it said when p was pressed.
func (m *Model) refreshTakeOver() {
	d := m.dialogs.find(func(d Dialog) bool {
		if cd, ok := d.(*confirmDialog); ok {
			_, take := cd.yes.(takeOverMsg)
			return take
		}
		return false
	})
	if d == nil {
		return
	}
	if q := m.demo.takeOverQuestion(); d.(*confirmDialog).question != clean(q) {
		m.dialogs.replace(d, newConfirm(m.env(), q, takeOverMsg{}))
	}
}

// Following reports whether the dashboard mirrors a presenter now (a
// follower that has not forked).
func (m *Model) Following() bool { return m.demo.mirroring() }

// Grouped reports whether the screen is exactly what any follower of the
// same size and palette shows: following, with no dialog, notice or
// message of its own. A server draws such followers once for all of them.
func (m *Model) Grouped() bool {
	return m.demo.mirroring() && !m.demo.mayPresent && m.dialogs.empty() && m.status.quiet() && !m.quitting && m.lay.w > 0
}

// Palette reports the colours the screen is drawn in: on a dark
// background, and without colour.
func (m *Model) Palette() (dark, noColor bool) { return m.look.styles.dark, m.look.styles.noColor }

// view is where the panes stand, as the next frame draws them: each list
// scrolled as its View will scroll it (a presenter shares its state after
// a key, before the frame).
func (p *panes) view() PaneView {
	p.tree.scroll()
	p.table.scrollRows(len(p.table.e.sel.rows()))
	v := PaneView{TableFocus: p.focus == focusTable, TreeTop: p.tree.offset, TableTop: p.table.rowOffset}
	if p.table.scrolled || p.table.pinned >= 0 {
		v.YearsScrolled, v.YearFrom = true, p.table.yearOffset
	}
	return v
}

// mirror puts the panes where a presenter's stand; each list still keeps
// its selection shown (a follower of another size).
func (p *panes) mirror(v PaneView) {
	if v.TableFocus != (p.focus == focusTable) {
		p.toggleFocus()
	}
	p.tree.offset, p.table.rowOffset = max(v.TreeTop, 0), max(v.TableTop, 0)
	p.table.pinned = -1
	if v.YearsScrolled {
		p.table.pinned = max(v.YearFrom, 0) // kept by every layout of the table (see refresh)
	}
}
