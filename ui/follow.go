package ui

import (
	"cmp"
	"slices"

	tea "charm.land/bubbletea/v2"

	"iomt/internal/safetext"

	"iomt/forecast"
	"iomt/model"
)

// Role is a session's part in a presented demo.
type Role int

// The roles of a session.
const (
	RoleSolo      Role = iota // an ordinary dashboard
	RolePresenter             // shares its live state (Options.Publish)
	RoleFollower              // mirrors the presenter's state, read-only, until it forks
)

// String names the role in logs.
func (r Role) String() string {
	switch r {
	case RolePresenter:
		return "presenter"
	case RoleFollower:
		return "follower"
	}
	return "solo"
}

// Snapshot is the presenter's live state that followers mirror.
type Snapshot struct {
	Presenter   string
	Scenario    string
	Assumptions model.Assumptions // immutable: histories never modify a state in place
	// Saved is the presenter's scenario as last opened or saved, when
	// that differs from Assumptions: a session that takes over keeps the
	// "unsaved" mark, so that quitting still asks before losing the edits.
	Saved       *model.Assumptions
	Dim         int
	Parent      []int
	Cursor      []int
	Metric      Metric
	CompareName string
	Compare     *model.Assumptions
}

// Equal reports whether two snapshots show the same thing, so that a
// presenter shares its state only when it changed.
func (s *Snapshot) Equal(o *Snapshot) bool {
	if s == nil || o == nil {
		return s == o
	}
	if s.Presenter != o.Presenter || s.Scenario != o.Scenario || s.Dim != o.Dim || s.Metric != o.Metric ||
		s.CompareName != o.CompareName || !slices.Equal(s.Parent, o.Parent) || !slices.Equal(s.Cursor, o.Cursor) ||
		!s.Assumptions.Equal(o.Assumptions) || !s.saved().Equal(o.saved()) || (s.Compare == nil) != (o.Compare == nil) {
		return false
	}
	return s.Compare == nil || s.Compare.Equal(*o.Compare)
}

// saved is the presenter's saved state: Saved, else what it shows.
func (s *Snapshot) saved() model.Assumptions {
	if s.Saved != nil {
		return *s.Saved
	}
	return s.Assumptions
}

// FollowMsg delivers the presenter's latest state to a follower, or, with
// Away, says that no presenter is connected (the follower keeps showing
// the last state it had).
type FollowMsg struct {
	Snapshot Snapshot
	Away     bool
	// Seq numbers the server's news; a dashboard that asks for the
	// latest (Options.Latest) acts on a message only once.
	Seq uint64
}

// Shared returns the dashboard's shareable state: what a follower of it
// would show.
func (m *Model) Shared() Snapshot {
	c := m.c
	s := Snapshot{
		Presenter: m.opts.Who, Scenario: c.scenario, Assumptions: c.assumptions(),
		Dim: c.dim, Parent: slices.Clone(c.parent), Cursor: slices.Clone(c.cursor), Metric: c.metric,
	}
	if c.dirty() {
		saved := c.saved
		s.Saved = &saved
	}
	if c.compare != nil {
		s.CompareName = c.compare.name
		a := c.compare.a
		s.Compare = &a
	}
	return s
}

// share gives the presenter's state to Options.Publish when it changed:
// a background-colour reply, a resize or a refused key change nothing a
// follower shows, and must not wake every follower.
func (m *Model) share() {
	if m.opts.Role != RolePresenter || m.opts.Publish == nil {
		return
	}
	s := m.Shared()
	if m.published != nil && m.published.Equal(&s) {
		return
	}
	m.published = &s
	m.opts.Publish(s)
}

// follow mirrors a snapshot: the follower sees what the presenter sees.
// The history is rebuilt only when the presenter's assumptions or
// scenario changed, not when it only moved the selection.
func (m *Model) follow(s Snapshot) {
	c := m.c
	if len(s.Parent) != len(c.parent) || s.Dim < 0 || s.Dim >= len(c.ds.Dims) {
		return // another dataset; cannot happen with one server
	}
	// A history of the follower's own (a private copy's edits) is
	// dropped too: following, there is nothing to undo.
	if c.scenario != s.Scenario || !c.assumptions().Equal(s.Assumptions) || !c.saved.Equal(s.saved()) ||
		c.hist.CanUndo() || c.hist.CanRedo() {
		c.load(&model.Scenario{Name: s.Scenario, Assumptions: s.Assumptions}, "")
		c.saved = s.saved().Clone()
	}
	c.dim, c.metric = s.Dim, s.Metric
	copy(c.parent, s.Parent)
	copy(c.cursor, s.Cursor)
	switch {
	case s.Compare == nil:
		c.compare = nil
	case c.compare == nil || c.compare.name != s.CompareName || !c.compare.a.Equal(*s.Compare):
		cs := &compareState{name: s.CompareName, a: *s.Compare}
		forecast.ProjectInto(&cs.res, c.ds, s.Compare)
		c.compare = cs
	}
}

// followMsg handles a FollowMsg: a following viewer mirrors it, a forked
// one keeps it for when it follows again.
func (m *Model) followMsg(msg FollowMsg) {
	m.seen = msg.Seq
	if m.opts.Role == RolePresenter {
		// Its own state, or already the state of a session taking over,
		// which it follows once told of the take-over.
		if !msg.Away {
			m.latest = &msg.Snapshot
		}
		return
	}
	switch {
	case msg.Away && !m.presenterAway && m.latest == nil:
		// Nobody has presented yet: the banner says no presenter is
		// connected, and there is no one who "left".
	case m.following && msg.Away && !m.presenterAway && m.opts.TakeOver != nil:
		m.c.info("The presenter has left; this is their last screen. p presents, f gives you a private copy.")
	case m.following && msg.Away && !m.presenterAway:
		// Replaces a hint such as "Following the presenter (read-only)",
		// which would contradict the banner.
		m.c.info("The presenter has left; this is their last screen. f gives you a private copy.")
	case !m.following && msg.Away && !m.presenterAway:
		// A private copy's banner does not show who presents: say it.
		m.c.info(m.presenterName() + " has left; your private copy stays yours.")
	case !m.following && !msg.Away && m.presenterAway && m.latest != nil:
		who := clean(cmp.Or(msg.Snapshot.Presenter, "The presenter"))
		if msg.Snapshot.Presenter != m.latest.Presenter {
			m.c.info(who + " presents now; f follows them.") // not the one who left
		} else {
			m.c.info(who + " presents again; f follows them.")
		}
	}
	if m.following && !msg.Away && (m.presenterAway || !m.notice && m.opts.TakeOver == nil) {
		// The presenter's change replaces a viewer's own message (the
		// presenter had left, a refused key), so that every follower's
		// screen is the presenter's again. A session that may present
		// is drawn on its own, and keeps its message until its next key
		// ("Ben took over").
		m.c.clearStatus()
	}
	m.presenterAway = msg.Away
	if !msg.Away {
		s := msg.Snapshot
		m.latest = &s
		m.behind = m.following // mirrored by catchUp, when needed
	}
	m.refreshTakeOver()
}

// CatchUp brings a follower up to the presenter's latest state, asking
// Options.Latest for news it was not sent. A server calls it once it
// stops drawing the follower from its group, so that news sent while it
// still did is not missed.
func (m *Model) CatchUp() { m.catchUp() }

// catchUp mirrors the presenter's latest state if the dashboard has not
// yet.
func (m *Model) catchUp() {
	if m.opts.Latest != nil && m.opts.Role == RoleFollower {
		if msg, ok := m.opts.Latest(); ok && msg.Seq != m.seen {
			m.followMsg(msg)
		}
	}
	if !m.behind {
		return
	}
	m.behind = false
	if m.following && m.latest != nil {
		m.follow(*m.latest)
		m.table.refresh()
	}
}

// toggleFork switches a follower between mirroring the presenter and a
// private copy of the presenter's state that it can change.
func (m *Model) toggleFork() {
	if m.following {
		m.following = false
		m.forkedFrom = m.c.assumptions()
		m.c.info("Private copy: change anything; f returns to following " + m.presenterName() + ".")
		return
	}
	if m.privateChanges() {
		m.push(newConfirm(m.c, "Your private changes will be lost. Follow the presenter again?", followAgainMsg{}))
		return
	}
	m.followAgain()
}

// privateChanges reports whether a viewer's private copy has changes of
// its own, made since it stopped following and not saved since. The
// presenter's unsaved edits are not the viewer's to lose: it is not asked
// about them. Nor is the unsaved mark the test: a private edit back to
// the presenter's saved state is a change of the viewer's all the same.
func (m *Model) privateChanges() bool {
	c := m.c
	return m.opts.Role == RoleFollower && !m.following && !c.assumptions().Equal(m.forkedFrom) &&
		(c.savedPath == "" || c.dirty())
}

// followAgainMsg asks to follow the presenter again, private changes
// dropped.
type followAgainMsg struct{}

// followAgain goes back to following the presenter's latest state.
func (m *Model) followAgain() {
	m.following = true
	if m.latest != nil {
		m.follow(*m.latest)
	}
	switch {
	case m.presenterAway && m.latest == nil:
		m.c.info("Following again; nobody has presented yet.")
		return
	case m.presenterAway:
		m.c.info("Following again; no presenter is connected, so this is their last screen.")
		return
	}
	m.c.info("Following " + m.presenterName() + " again.")
}

// presenterName is how banners name the presenter: by the name the
// server gives it (the comment of its key's line), else as "the
// presenter", since a key's fingerprint means nothing to an audience.
func (m *Model) presenterName() string {
	if m.latest != nil {
		if name := clean(m.latest.Presenter); name != "" {
			return name
		}
	}
	return "the presenter"
}

// shortName is the presenter's name for a narrow header.
func (m *Model) shortName() string { return safetext.Truncate(m.presenterName(), 16) }

// RoleMsg tells a session with a presenter key that its part changed: it
// presents now, in turn Turn, or the session that took over (By), in turn
// Turn, ended its turn and it follows.
//
// The server's turns are the one source of truth: they only grow, and a
// session acts on a RoleMsg only when its turn is newer than any it has
// heard of. News of two sessions taking over at once may arrive in either
// order (a session's own news comes back from its command, its step-down
// from the other session's), and the newest turn always wins: a step-down
// that arrives before the session heard it presents leaves the older news
// stale, rather than being ignored itself.
type RoleMsg struct {
	Role Role
	Turn uint64
	By   string
}

// takeOverMsg asks to present in place of the presenter.
type takeOverMsg struct{}

// present answers p: a session with a presenter key that follows takes
// over, asked first when someone presents (their screen then follows).
func (m *Model) present() tea.Cmd {
	switch {
	case m.opts.Role == RolePresenter:
		m.c.info("You present: the audience follows your screen.")
		return nil
	case m.presenterAway:
		return m.takeOverCmd()
	}
	m.push(newConfirm(m.c, m.takeOverQuestion(), takeOverMsg{}))
	return nil
}

// takeOverQuestion is what p asks: whether to take over from whoever
// presents now, or, once nobody does, whether to present.
func (m *Model) takeOverQuestion() string {
	if m.presenterAway {
		return "Nobody presents now. Present? The audience will follow your screen."
	}
	who := m.presenterName()
	if who == "the presenter" {
		who = "Another session"
	}
	return who + " presents now. Take over? They will follow your screen."
}

// refreshTakeOver keeps an open "Take over?" true when the presenter
// changes or leaves while it is asked: y then does what the question
// says now, not what it said when p was pressed.
func (m *Model) refreshTakeOver() {
	for i, d := range m.dialogs {
		cd, ok := d.(*confirmDialog)
		if !ok {
			continue
		}
		if _, take := cd.yes.(takeOverMsg); !take {
			continue
		}
		if q := m.takeOverQuestion(); cd.question != clean(q) {
			nd := newConfirm(m.c, q, takeOverMsg{})
			m.size(nd)
			m.dialogs = slices.Clone(m.dialogs) // an older copy of the model keeps its own
			m.dialogs[i] = nd
		}
	}
}

// takeOverCmd takes the presenter's turn, in a command: the server tells
// the presenter to follow.
func (m *Model) takeOverCmd() tea.Cmd {
	take := m.opts.TakeOver
	return func() tea.Msg { return take() }
}

// roleMsg changes the session's part: presenting, its screen (a private
// copy's too) becomes the audience's at once; taken over from, it follows
// the new presenter, dialogs closed as a follower has none of them.
func (m *Model) roleMsg(msg RoleMsg) {
	if msg.Turn <= m.turn {
		return // stale: the session knows of a newer turn
	}
	m.turn = msg.Turn
	switch msg.Role {
	case RolePresenter:
		m.opts.Role = RolePresenter
		m.following, m.presenterAway = false, false
		m.published = nil // share() publishes this screen
		m.c.info("You present now: the audience follows your screen.")
	case RoleFollower:
		m.opts.Role = RoleFollower
		m.following = true
		m.closeAll()
		if m.latest != nil {
			m.follow(*m.latest)
		}
		by := clean(msg.By)
		if by == "" {
			by = "Another session"
		}
		m.c.info(by + " took over; you follow them now (p takes it back).")
	}
}

// Following reports whether the dashboard mirrors a presenter now (a
// follower that has not forked).
func (m Model) Following() bool { return m.opts.Role == RoleFollower && m.following }

// Grouped reports whether the screen is exactly what any follower of the
// same size and palette shows: following, with no dialog, notice or
// message of its own. A server draws such followers once for all of them.
func (m Model) Grouped() bool {
	return m.Following() && m.opts.TakeOver == nil && len(m.dialogs) == 0 && !m.notice && m.c.status.msg == "" &&
		!m.quitting && m.width > 0
}

// Palette reports the colours the screen is drawn in: on a dark
// background, and without colour.
func (m Model) Palette() (dark, noColor bool) { return m.c.styles.dark, m.c.styles.noColor }
