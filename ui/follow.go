package ui

import (
	"slices"
	"sync"

	tea "charm.land/bubbletea/v2"

	"iomt/forecast"
	"iomt/model"
)

// Role is a session's part in a presented demo.
type Role int

// The roles of a session.
const (
	RoleSolo      Role = iota // an ordinary dashboard
	RolePresenter             // publishes its live state to the Hub
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

// FollowMsg delivers the presenter's latest state to a follower, or, with
// Away, says that no presenter is connected (the follower keeps showing
// the last state it had).
type FollowMsg struct {
	Snapshot Snapshot
	Away     bool
}

// Hub holds the presenter's latest state and wakes followers. Publishing
// never blocks: a slow or stalled follower only ever misses intermediate
// states (latest wins), never slows the presenter or anyone else.
type Hub struct {
	mu         sync.Mutex
	latest     *Snapshot
	subs       map[int]chan struct{}
	next       int
	presenters int // presenting sessions connected now
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[int]chan struct{}{}} }

// Publish makes s the latest state and wakes every follower.
func (h *Hub) Publish(s Snapshot) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.latest = &s
	h.wakeLocked()
}

func (h *Hub) wakeLocked() {
	for _, ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default: // already woken; it will read the latest anyway
		}
	}
}

// Join counts a presenting session in until the returned function is
// called, waking followers both times so that they can say whether
// anyone is presenting.
func (h *Hub) Join() (leave func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.presenters++
	h.wakeLocked()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.presenters--
			h.wakeLocked()
		})
	}
}

// Presenting reports whether a presenting session is connected.
func (h *Hub) Presenting() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.presenters > 0
}

// Message is what a follower is sent when woken: the latest state, or
// that nobody presents.
func (h *Hub) Message() (FollowMsg, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.presenters == 0 {
		return FollowMsg{Away: true}, true
	}
	if h.latest == nil {
		return FollowMsg{}, false
	}
	return FollowMsg{Snapshot: *h.latest}, true
}

// Latest returns the latest published state.
func (h *Hub) Latest() (Snapshot, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.latest == nil {
		return Snapshot{}, false
	}
	return *h.latest, true
}

// Subscribe returns a channel woken on every publish (coalesced) and a
// function to stop.
func (h *Hub) Subscribe() (<-chan struct{}, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.next
	h.next++
	ch := make(chan struct{}, 1)
	if h.latest != nil {
		ch <- struct{}{}
	}
	h.subs[id] = ch
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, id)
		h.mu.Unlock()
	}
}

// snapshot captures the model's shareable state.
func (m *Model) snapshot() Snapshot {
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

// follow mirrors a snapshot: the follower sees what the presenter sees.
func (m *Model) follow(s Snapshot) {
	c := m.c
	if len(s.Parent) != len(c.parent) || s.Dim < 0 || s.Dim >= len(c.ds.Dims) {
		return // another dataset; cannot happen with one server
	}
	c.load(&model.Scenario{Name: s.Scenario, Assumptions: s.Assumptions}, "")
	c.dim, c.metric = s.Dim, s.Metric
	copy(c.parent, s.Parent)
	copy(c.cursor, s.Cursor)
	c.compare = nil
	if s.Compare != nil {
		cs := &compareState{name: s.CompareName, a: *s.Compare}
		forecast.ProjectInto(&cs.res, c.ds, s.Compare)
		c.compare = cs
	}
}

// toggleFork switches a follower between mirroring the presenter and a
// private copy of the presenter's state that it can change.
func (m *Model) toggleFork() {
	if m.following {
		m.following = false
		m.status.info("Private copy: change anything; f returns to following " + m.presenterName() + ".")
		return
	}
	if m.c.dirty() {
		m.ask("Your private changes will be lost. Follow the presenter again?", func(m *Model) tea.Cmd {
			m.followAgain()
			return nil
		})
		return
	}
	m.followAgain()
}

// followAgain goes back to following the presenter's latest state.
func (m *Model) followAgain() {
	m.following = true
	if m.opts.Hub != nil {
		if snap, ok := m.opts.Hub.Latest(); ok {
			m.follow(snap)
		}
		m.presenterAway = !m.opts.Hub.Presenting()
	}
	if m.presenterAway {
		m.status.info("Following again; no presenter is connected, so this is their last screen.")
		return
	}
	m.status.info("Following " + m.presenterName() + " again.")
}

// presenterName is how banners name the presenter: keys are all a server
// knows of people, and a fingerprint means nothing to an audience.
func (m *Model) presenterName() string { return "the presenter" }
