package server

import (
	"sync"
	"sync/atomic"
	"time"

	"iomt/ui"
)

// demoHub is where a server's sessions meet a presented demo: they
// claim and release the presenter's turn, publish the presenter's state,
// subscribe to its news and watch who presents. Hub is the in-process one
// (one server holds the demo); natsHub joins the servers of a demo mesh.
type demoHub interface {
	// Present makes s the presenter when nobody presents; ok is false,
	// and current names who presents, when someone does.
	Present(s *Seat) (turn uint64, ok bool, current string)
	// Claim makes s the presenter in place of whoever presents (see
	// Claim).
	Claim(s *Seat) Claim
	// Leave ends the presenting turn, if it is still the presenter's.
	Leave(turn uint64)
	// Publish makes the state of the presenter of turn the latest.
	Publish(turn uint64, s ui.Snapshot)
	// Keyed notes that the presenter of turn pressed a key; LastKey is
	// when the presenter last did (zero when nobody presents).
	Keyed(turn uint64)
	LastKey() time.Time
	// Subscribe wakes the returned channel on news (see Hub.Subscribe);
	// Message is the news: the latest state, or that nobody presents.
	Subscribe(skip *atomic.Bool) (<-chan struct{}, func())
	Message() (ui.FollowMsg, bool)
	// Presenting names who presents now.
	Presenting() (string, bool)
	// Notice is what every viewer of this server should be told about
	// the demo itself ("reconnecting to the demo…"), "" when nothing.
	Notice() string
}

// Claim is the answer to a session asking for the presenter's turn.
type Claim struct {
	// Turn is the session's new turn when Won; else the turn of whoever
	// presents (By), which the session then follows.
	Turn uint64
	Won  bool
	// From names who presented before (Took: someone did), when Won.
	From string
	Took bool
	// By names who presents, when another claim came first.
	By string
	// Err says why the turn could not be asked for at all (the demo
	// cannot be reached): nothing changed.
	Err error
}

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
	notice  string // see Notice
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
// A demo mesh also tells a session that its turn ended with nobody taking
// over (Ended: its server was cut off from the demo for longer than the
// turn lasts), and news meant for it alone (Tell); both may be nil, and
// none of the three may block.
type Seat struct {
	Name     string
	StepDown func(turn uint64, by string)
	Ended    func(turn uint64, why string)
	Tell     func(ui.NoticeMsg)
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

func (h *Hub) wakeLocked() { h.wakeAllLocked(false) }

// wakeAllLocked counts news and wakes the subscribers; all of them when
// every viewer must hear it (a notice), else those not skipping news.
func (h *Hub) wakeAllLocked(all bool) {
	h.seq++
	for _, s := range h.subs {
		if !all && s.skip != nil && s.skip.Load() {
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

// Claim is TakeOver, as a demoHub answers: in one process every claim
// wins, the later one presenting.
func (h *Hub) Claim(s *Seat) Claim {
	turn, from, took := h.TakeOver(s)
	return Claim{Turn: turn, Won: true, From: from, Took: took}
}

// adopt makes turn, newer than any the hub knows, the presenter's (s):
// a demo mesh's turns come from elsewhere (see natsHub). The session that
// presented here before is told to step down unless it is s; ok is false,
// and nothing changes, for a turn no newer than the hub's.
func (h *Hub) adopt(turn uint64, s *Seat) (ok bool) {
	h.mu.Lock()
	if turn <= h.ids {
		h.mu.Unlock()
		return false
	}
	prev := h.active
	h.ids = turn
	h.active = &presenting{id: turn, Seat: s}
	h.lastKey = time.Now()
	h.wakeLocked()
	h.mu.Unlock()
	if prev != nil && prev.Seat != s && prev.StepDown != nil {
		prev.StepDown(turn, s.Name)
	}
	return true
}

// reseat gives turn, if it presents, the seat s: the hub learnt of the
// turn before it knew whose it was (see natsHub.won).
func (h *Hub) reseat(turn uint64, s *Seat) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active == nil || h.active.id != turn {
		return false
	}
	h.active.Seat = s
	return true
}

// vacate says that nobody presents as of turn (a release or an expiry
// elsewhere, newer than any turn the hub knows); it returns the seat that
// presented, if any.
func (h *Hub) vacate(turn uint64) (prev *Seat, prevTurn uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if turn <= h.ids {
		return nil, 0
	}
	h.ids = turn
	if h.active == nil {
		return nil, 0
	}
	prev, prevTurn = h.active.Seat, h.active.id
	h.active = nil
	h.wakeLocked()
	return prev, prevTurn
}

// keepLast makes s, the state of turn, which has ended, the last one
// followers are shown while nobody presents, unless a newer one is known
// (a demo mesh's server that joined after the turn ended reads it from
// the bucket).
func (h *Hub) keepLast(turn uint64, s ui.Snapshot) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active != nil || h.latest != nil && turn < h.latestTurn {
		return
	}
	h.latest, h.latestTurn = &s, turn
	h.wakeLocked()
}

// current is the turn presenting now and its seat (nil: nobody), and the
// newest turn the hub knows.
func (h *Hub) current() (turn uint64, seat *Seat, newest uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active == nil {
		return 0, nil, h.ids
	}
	return h.active.id, h.active.Seat, h.ids
}

// keyedAt is Keyed for a presenter elsewhere: its key at t, if later
// than the last known.
func (h *Hub) keyedAt(turn uint64, t time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active != nil && h.active.id == turn && t.After(h.lastKey) {
		h.lastKey = t
	}
}

// Notice is what the hub has to tell every viewer; always "" in one
// process.
func (h *Hub) Notice() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.notice
}

// setNotice changes the notice and wakes every subscriber, those that
// skip news too: every viewer is told.
func (h *Hub) setNotice(text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.notice != text {
		h.notice = text
		h.wakeAllLocked(true)
	}
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
// that nobody presents, with the last presenter's last state if any (a
// follower that its group drew, or that joined since, shows it as every
// other follower does).
func (h *Hub) Message() (ui.FollowMsg, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active == nil {
		msg := ui.FollowMsg{Away: true, Seq: h.seq}
		if h.latest != nil {
			msg.Snapshot, msg.Last = *h.latest, true
		}
		return msg, true
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
