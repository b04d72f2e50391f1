package ui

import (
	"slices"

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
		!s.Assumptions.Equal(o.Assumptions) || (s.Compare == nil) != (o.Compare == nil) {
		return false
	}
	return s.Compare == nil || s.Compare.Equal(*o.Compare)
}

// FollowMsg delivers the presenter's latest state to a follower, or, with
// Away, says that no presenter is connected (the follower keeps showing
// the last state it had).
type FollowMsg struct {
	Snapshot Snapshot
	Away     bool
}

// Shared returns the dashboard's shareable state: what a follower of it
// would show.
func (m *Model) Shared() Snapshot {
	c := m.c
	s := Snapshot{
		Presenter: m.opts.Who, Scenario: c.scenario, Assumptions: c.assumptions(),
		Dim: c.dim, Parent: slices.Clone(c.parent), Cursor: slices.Clone(c.cursor), Metric: c.metric,
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
	if c.scenario != s.Scenario || !c.assumptions().Equal(s.Assumptions) || c.dirty() {
		c.load(&model.Scenario{Name: s.Scenario, Assumptions: s.Assumptions}, "")
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
	if m.following && msg.Away && !m.presenterAway {
		// Replaces a hint such as "Following the presenter (read-only)",
		// which would contradict the banner.
		m.c.info("The presenter has left; this is their last screen. f gives you a private copy.")
	}
	if m.following && !msg.Away && (m.presenterAway || !m.notice) {
		// The presenter's change replaces a viewer's own message (the
		// presenter had left, a refused key), so that every follower's
		// screen is the presenter's again.
		m.c.clearStatus()
	}
	m.presenterAway = msg.Away
	if msg.Away {
		return
	}
	s := msg.Snapshot
	m.latest = &s
	if m.following {
		m.follow(s)
		m.table.refresh()
	}
}

// toggleFork switches a follower between mirroring the presenter and a
// private copy of the presenter's state that it can change.
func (m *Model) toggleFork() {
	if m.following {
		m.following = false
		m.c.info("Private copy: change anything; f returns to following " + m.presenterName() + ".")
		return
	}
	if m.c.dirty() {
		m.push(newConfirm(m.c, "Your private changes will be lost. Follow the presenter again?", followAgainMsg{}))
		return
	}
	m.followAgain()
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
	if m.presenterAway {
		m.c.info("Following again; no presenter is connected, so this is their last screen.")
		return
	}
	m.c.info("Following " + m.presenterName() + " again.")
}

// presenterName is how banners name the presenter: keys are all a server
// knows of people, and a fingerprint means nothing to an audience.
func (m *Model) presenterName() string { return "the presenter" }

// Following reports whether the dashboard mirrors a presenter now (a
// follower that has not forked).
func (m Model) Following() bool { return m.opts.Role == RoleFollower && m.following }

// Grouped reports whether the screen is exactly what any follower of the
// same size and palette shows: following, with no dialog, notice or
// message of its own. A server draws such followers once for all of them.
func (m Model) Grouped() bool {
	return m.Following() && len(m.dialogs) == 0 && !m.notice && m.c.status.msg == "" &&
		!m.quitting && m.width > 0
}

// Palette reports the colours the screen is drawn in: on a dark
// background, and without colour.
func (m Model) Palette() (dark, noColor bool) { return m.c.styles.dark, m.c.styles.noColor }
