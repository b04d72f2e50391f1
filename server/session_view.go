package server

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"iomt/ui"
)

// sessionView draws one session's screen. Its own frames are drawn by one
// goroutine, when the dashboard's view changed; while the session follows
// with nothing of its own on screen, its audience group draws for it
// instead. All changes of who draws happen in that goroutine, in order.
type sessionView struct {
	out     *syncWriter
	profile colorprofile.Profile
	term    string
	aud     *audience // nil: not a demo, the session always draws its own
	wake    chan struct{}

	mu   sync.Mutex
	want *wanted // the latest screen asked for; nil once taken

	// The drawing goroutine's own.
	f      *frames
	w, h   int
	title  string
	member *member
	key    groupKey
}

// frameGap is the least time between two frames of a session.
const frameGap = time.Second / 60

// wanted is a screen to show: a view of the session's own, or its group's.
type wanted struct {
	content, title string
	w, h           int
	group          *groupKey
}

func newSessionView(out *syncWriter, profile colorprofile.Profile, term string, aud *audience) *sessionView {
	return &sessionView{out: out, profile: profile, term: term, aud: aud, wake: make(chan struct{}, 1)}
}

// ask makes want the next screen to show; an older one not yet shown is
// dropped (latest wins).
func (v *sessionView) ask(want *wanted) {
	v.mu.Lock()
	v.want = want
	v.mu.Unlock()
	select {
	case v.wake <- struct{}{}:
	default:
	}
}

// run draws until ctx ends, then leaves the terminal as it found it.
func (v *sessionView) run(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	// The background colour is asked at once: the program's own query
	// waits for its once-a-second flush.
	_, _ = v.out.Write([]byte(modesOn + kittyOn + ansi.RequestBackgroundColor))
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			v.leaveGroup()
			_, _ = v.out.Write([]byte(kittyOff + ansi.SetWindowTitle("") + modesOff))
			return
		case <-v.wake:
		}
		// At most one frame per frameGap: a burst of changes (a resize
		// storm, a held key) is drawn as its latest state, as Bubble Tea
		// draws at most 60 frames a second; a change after a pause is
		// drawn at once.
		if wait := frameGap - time.Since(last); wait > 0 {
			select {
			case <-ctx.Done():
				continue
			case <-time.After(wait):
			}
		}
		last = time.Now()
		v.mu.Lock()
		want := v.want
		v.want = nil
		v.mu.Unlock()
		if want != nil {
			v.show(want)
		}
	}
}

func (v *sessionView) show(want *wanted) {
	if want.group != nil {
		if v.member != nil && v.key == *want.group {
			return
		}
		v.leaveGroup()
		v.key = *want.group
		v.member = v.aud.join(v.key, v.out)
		return
	}
	if v.member != nil {
		v.leaveGroup()
		if v.f != nil {
			v.f.erase() // the terminal shows the group's screen
		}
	}
	switch {
	case v.f == nil:
		v.f = newFrames(want.w, want.h, v.profile, []string{"TERM=" + v.term})
	case v.w != want.w || v.h != want.h:
		v.f.resize(want.w, want.h)
	}
	v.w, v.h = want.w, want.h
	b := v.f.next(want.content)
	if want.title != v.title {
		v.title = want.title
		b = append([]byte(ansi.SetWindowTitle(want.title)), b...)
	}
	if len(b) > 0 {
		_, _ = v.out.Write(synced(b))
	}
}

func (v *sessionView) leaveGroup() {
	if v.member != nil {
		v.aud.leave(v.member)
		v.member = nil
	}
}

// sessionModel is the dashboard as a served session runs it: its views go
// to the session's sessionView rather than to Bubble Tea's renderer.
type sessionModel struct {
	*ui.Model
	v    *sessionView
	w, h int
	// following says, after each message, whether the session follows
	// a presenter: the presenter's keys then count as its own for the
	// idle timeout (see watchdog).
	following *atomic.Bool
	// grouped says whether its group draws the session's screen: the
	// presenter's news then need not reach its dashboard.
	grouped *atomic.Bool
}

func (m sessionModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(tea.WindowSizeMsg); ok {
		m.w, m.h = s.Width, s.Height
	}
	next, cmd := m.Model.Update(msg)
	m.Model = next.(*ui.Model)
	if m.following != nil {
		m.following.Store(m.Model.Following())
	}
	if m.grouped != nil {
		grouped := m.v.aud != nil && m.Model.Grouped()
		if !grouped && m.grouped.Load() {
			// Stop skipping news first, then catch up: news after the
			// store is sent, news before it is what CatchUp reads.
			m.grouped.Store(false)
			m.Model.CatchUp()
		}
		m.grouped.Store(grouped)
	}
	return m, cmd
}

// View hands the screen to the session's view: the group's, when the
// dashboard shows exactly what its group does, else its own.
func (m sessionModel) View() tea.View {
	if m.w <= 0 || m.h <= 0 {
		return tea.View{}
	}
	if m.v.aud != nil && m.Model.Grouped() {
		dark, noColor := m.Model.Palette()
		m.v.ask(&wanted{group: &groupKey{w: m.w, h: m.h, profile: m.v.profile, term: m.v.term, dark: dark, noColor: noColor}})
		return tea.View{}
	}
	view := m.Model.View()
	m.v.ask(&wanted{content: view.Content, title: view.WindowTitle, w: m.w, h: m.h})
	return view
}
