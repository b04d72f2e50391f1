package server

import (
	"sync"
	"sync/atomic"
	"time"

	"iomt/ui"
)

// Hub holds the presenter's latest state and wakes followers. Publishing
// never blocks: a slow or stalled follower only ever misses intermediate
// states (latest wins), never slows the presenter or anyone else.
//
// One session presents at a time. Another session with a presenter key
// follows until it takes over (asked first); the one it takes over from
// then follows in its turn.
type Hub struct {
	mu     sync.Mutex
	latest *ui.Snapshot
	// latestTurn is the turn that published latest: a new presenter's
	// followers must not be sent the former one's last screen as theirs.
	latestTurn uint64
	subs       map[int]subscriber
	next       int
	active     *presenting // the session presenting now, or nil
	ids        uint64
	seq        uint64 // counts the news: publishes, presenters coming and going
	// lastKey is when the presenter last pressed a key; a new presenter
	// counts from when it took over.
	lastKey time.Time
}

// presenting is the session presenting now: its turn and its seat.
type presenting struct {
	id uint64
	*Seat
}

// Seat is a session with a presenter key, as the hub knows it: its name
// for the audience, and how to tell it that another session took over.
// StepDown is given the turn that ended the session's own (the hub's turn
// now, which is newer than any the session was told of) and who took it:
// the turn, not the order in which messages arrive, says what is true.
type Seat struct {
	Name     string
	StepDown func(turn uint64, by string)
}

// subscriber is a channel to wake on news, unless skip says not now.
type subscriber struct {
	ch   chan struct{}
	skip *atomic.Bool
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[int]subscriber{}} }

// Publish makes s the latest state and wakes every follower, when turn
// is the presenting session's: a session that was just taken over from
// may still publish a last change, which nobody must see. The dashboard
// calls it only when its shareable state changed.
func (h *Hub) Publish(turn uint64, s ui.Snapshot) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active == nil || h.active.id != turn {
		return
	}
	h.latest, h.latestTurn = &s, turn
	h.wakeLocked()
}

// Keyed records that the presenting session (turn) pressed a key: while
// viewers follow, the presenter's keys keep their sessions from being
// idled out (see watchdog).
func (h *Hub) Keyed(turn uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active != nil && h.active.id == turn {
		h.lastKey = time.Now()
	}
}

// LastKey is when the presenter last pressed a key; zero when nobody
// presents.
func (h *Hub) LastKey() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active == nil {
		return time.Time{}
	}
	return h.lastKey
}

func (h *Hub) wakeLocked() {
	h.seq++
	for _, s := range h.subs {
		if s.skip != nil && s.skip.Load() {
			continue
		}
		select {
		case s.ch <- struct{}{}:
		default: // already woken; it will read the latest anyway
		}
	}
}

// Present makes a session the presenter when nobody presents; ok is false
// (and current names who presents) when another session does.
func (h *Hub) Present(s *Seat) (id uint64, ok bool, current string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active != nil {
		return 0, false, h.active.Name
	}
	h.ids++
	h.active = &presenting{id: h.ids, Seat: s}
	h.lastKey = time.Now()
	h.wakeLocked()
	return h.ids, true, ""
}

// TakeOver makes a session the presenter, in a new turn, in place of
// whoever presents (took: someone did, from: its name); that session is
// told to step down (it then follows), unless it is s itself. StepDown is
// called without the hub's lock, and must not block.
//
// Two sessions that take over at once each get a turn, and the later
// turn wins: the earlier session is told so with the later turn, which it
// may hear of before it hears of its own (its own news comes back from a
// command, the step-down from another session's), so the dashboard orders
// them by turn (see ui.RoleMsg).
func (h *Hub) TakeOver(s *Seat) (turn uint64, from string, took bool) {
	h.mu.Lock()
	prev := h.active
	h.ids++
	h.active = &presenting{id: h.ids, Seat: s}
	h.lastKey = time.Now()
	id := h.ids
	h.wakeLocked()
	h.mu.Unlock()
	if prev == nil {
		return id, "", false
	}
	if prev.Seat != s && prev.StepDown != nil {
		prev.StepDown(id, s.Name)
	}
	return id, prev.Name, true
}

// Leave ends a presenter's turn if it still has it (a session that was
// taken over from has no turn to end), waking followers to say that
// nobody presents.
func (h *Hub) Leave(id uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active != nil && h.active.id == id {
		h.active = nil
		h.wakeLocked()
	}
}

// Presenting reports whether a session presents now, and its name.
func (h *Hub) Presenting() (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active == nil {
		return "", false
	}
	return h.active.Name, true
}

// Message is what a follower is sent when woken: the latest state, or
// that nobody presents.
func (h *Hub) Message() (ui.FollowMsg, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active == nil {
		return ui.FollowMsg{Away: true, Seq: h.seq}, true
	}
	if h.latest == nil || h.latestTurn != h.active.id {
		// The presenter has not shared its screen yet (it does on its
		// first message): nothing to show, rather than its predecessor's.
		return ui.FollowMsg{}, false
	}
	return ui.FollowMsg{Snapshot: *h.latest, Seq: h.seq}, true
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
// presents) without waiting; and a function to stop. While skip (if not
// nil) is true, news does not wake the channel: a follower its audience
// group draws asks for the latest itself (see ui.DemoLink.Latest), and
// 200 wake-ups that find nothing to do cost a presenter's key time.
func (h *Hub) Subscribe(skip *atomic.Bool) (<-chan struct{}, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.next
	h.next++
	ch := make(chan struct{}, 1)
	ch <- struct{}{}
	h.subs[id] = subscriber{ch, skip}
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, id)
		h.mu.Unlock()
	}
}
