package server

import (
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"iomt/model"
	"iomt/ui"
)

// An audience draws each presenter state once per group of followers
// that see the same screen (same size, terminal, colour profile and
// palette) and sends every member the same bytes. Drawing a follower's
// frame (its view, the cell diff, the escape sequences) was most of the
// 1.2 ms of server time each follower cost per presenter key; a group
// pays it once. A follower belongs to a group only while its screen is
// exactly the group's (see ui.Model.Grouped): a dialog, a notice or a
// fork and it draws its own again.

// groupKey is what makes two followers' screens identical.
type groupKey struct {
	w, h    int
	profile colorprofile.Profile
	term    string // the terminal type picks the escape sequences
	dark    bool
	noColor bool
}

type audience struct {
	hub  demoHub
	ds   *model.Dataset
	base *model.Scenario

	mu     sync.Mutex
	groups map[groupKey]*group

	// frames counts the frames groups drew, for tests and logs: it grows
	// once per presenter change and group, however many members.
	frames atomic.Int64
}

func newAudience(hub demoHub, ds *model.Dataset, base *model.Scenario) *audience {
	return &audience{hub: hub, ds: ds, base: base, groups: map[groupKey]*group{}}
}

// group is one screen shared by followers.
type group struct {
	key  groupKey
	aud  *audience
	kick chan struct{} // a member joined: send it the current screen
	done chan struct{}

	mu      sync.Mutex
	members map[*member]struct{}
	seq     int    // frames drawn
	diff    []byte // the bytes from frame seq-1 to seq
	whole   []byte // frame seq as a whole screen, made when a member needs it
	content string // frame seq
}

// member is one follower's place in a group: the frames waiting for its
// terminal, written by its own goroutine, so a slow viewer never holds up
// the group or the presenter (latest state wins).
type member struct {
	out     *syncWriter
	groupOf *group
	wake    chan struct{}
	quit    chan struct{}

	mu      sync.Mutex
	lastSeq int // the frame queued last; -1 before the first
	pending []byte
	closed  bool
}

// join puts a session's writer in the group of key, creating the group.
func (a *audience) join(key groupKey, out *syncWriter) *member {
	mb := &member{out: out, wake: make(chan struct{}, 1), quit: make(chan struct{}), lastSeq: -1}
	go mb.write()
	a.mu.Lock()
	g := a.groups[key]
	if g == nil {
		g = &group{key: key, aud: a, kick: make(chan struct{}, 1), done: make(chan struct{}), members: map[*member]struct{}{}}
		a.groups[key] = g
		go g.run()
	}
	g.mu.Lock()
	g.members[mb] = struct{}{}
	g.mu.Unlock()
	a.mu.Unlock()
	select {
	case g.kick <- struct{}{}:
	default:
	}
	mb.groupOf = g
	return mb
}

// leave takes mb out of its group: when it returns, no group frame will
// reach the terminal any more (a write under way has finished), so the
// session can draw its own.
func (a *audience) leave(mb *member) {
	mb.out.mu.Lock()
	mb.mu.Lock()
	mb.closed, mb.pending = true, nil
	mb.mu.Unlock()
	mb.out.mu.Unlock()
	close(mb.quit)
	g := mb.groupOf
	a.mu.Lock()
	g.mu.Lock()
	delete(g.members, mb)
	empty := len(g.members) == 0
	g.mu.Unlock()
	if empty && a.groups[g.key] == g {
		delete(a.groups, g.key)
		close(g.done)
	}
	a.mu.Unlock()
}

// run draws the group's screen whenever the presenter's state changes,
// and gives every member the bytes it needs.
func (g *group) run() {
	notify, stop := g.aud.hub.Subscribe(nil)
	defer stop()
	k := g.key
	m := ui.New(g.aud.ds, g.aud.base, ui.Options{Dark: k.dark, NoColor: k.noColor, Demo: &ui.Demo{Role: ui.RoleFollower}})
	next, _ := m.Update(tea.WindowSizeMsg{Width: k.w, Height: k.h})
	m = next.(*ui.Model)
	env := []string{"TERM=" + k.term}
	f := newFrames(k.w, k.h, k.profile, env)
	for {
		select {
		case <-g.done:
			return
		case <-notify:
			if msg, ok := g.aud.hub.Message(); ok {
				next, _ := m.Update(msg)
				m = next.(*ui.Model)
			}
		case <-g.kick:
		}
		content := m.View().Content
		g.mu.Lock()
		if content != g.content || g.seq == 0 {
			g.seq++
			g.diff = synced(f.next(content))
			g.content, g.whole = content, nil
			g.aud.frames.Add(1)
		}
		seq, diff := g.seq, g.diff
		members := make([]*member, 0, len(g.members))
		for mb := range g.members {
			members = append(members, mb)
		}
		g.mu.Unlock()
		for _, mb := range members {
			mb.offer(seq, diff, func() []byte { return g.wholeFrame(seq, env) })
		}
	}
}

// wholeFrame is frame seq as a whole screen, made once for every member
// that needs it (one that joined, or fell behind).
func (g *group) wholeFrame(seq int, env []string) []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.seq != seq {
		// A newer frame was drawn meanwhile; the member gets it next time.
		return nil
	}
	if g.whole == nil {
		g.whole = synced(wholeFrame(g.content, g.key.w, g.key.h, g.key.profile, env))
	}
	return g.whole
}

// offer queues frame seq for the member's terminal: the diff when its
// terminal will show frame seq-1, else the whole screen.
func (mb *member) offer(seq int, diff []byte, whole func() []byte) {
	mb.mu.Lock()
	if mb.closed || mb.lastSeq == seq {
		mb.mu.Unlock()
		return
	}
	inStep := mb.lastSeq == seq-1 && mb.pending == nil
	mb.mu.Unlock()
	b := diff
	if !inStep {
		if b = whole(); b == nil {
			return
		}
	}
	mb.mu.Lock()
	if !mb.closed {
		mb.pending, mb.lastSeq = b, seq
	}
	mb.mu.Unlock()
	select {
	case mb.wake <- struct{}{}:
	default:
	}
}

// write sends the member's frames to its terminal.
func (mb *member) write() {
	for {
		select {
		case <-mb.quit:
			return
		case <-mb.wake:
		}
		mb.out.mu.Lock()
		mb.mu.Lock()
		b, closed := mb.pending, mb.closed
		mb.pending = nil
		mb.mu.Unlock()
		if !closed && b != nil {
			_, _ = mb.out.w.Write(b)
		}
		mb.out.mu.Unlock()
	}
}
