package server

import (
	"sync"

	"iomt/ui"
)

// Hub holds the presenter's latest state and wakes followers. Publishing
// never blocks: a slow or stalled follower only ever misses intermediate
// states (latest wins), never slows the presenter or anyone else.
type Hub struct {
	mu         sync.Mutex
	latest     *ui.Snapshot
	subs       map[int]chan struct{}
	next       int
	presenters int // presenting sessions connected now
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[int]chan struct{}{}} }

// Publish makes s the latest state and wakes every follower. The
// dashboard calls it only when its shareable state changed.
func (h *Hub) Publish(s ui.Snapshot) {
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
func (h *Hub) Message() (ui.FollowMsg, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.presenters == 0 {
		return ui.FollowMsg{Away: true}, true
	}
	if h.latest == nil {
		return ui.FollowMsg{}, false
	}
	return ui.FollowMsg{Snapshot: *h.latest}, true
}

// Latest returns the latest published state.
func (h *Hub) Latest() (ui.Snapshot, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.latest == nil {
		return ui.Snapshot{}, false
	}
	return *h.latest, true
}

// Subscribe returns a channel woken on every publish (coalesced), and
// once at once so that a new follower learns the state (or that nobody
// presents) without waiting; and a function to stop.
func (h *Hub) Subscribe() (<-chan struct{}, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.next
	h.next++
	ch := make(chan struct{}, 1)
	ch <- struct{}{}
	h.subs[id] = ch
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, id)
		h.mu.Unlock()
	}
}
