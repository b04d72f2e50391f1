package ui

import (
	"cmp"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"iomt/internal/safetext"
	"iomt/model"
)

// Role is a session's part in a presented demo.
type Role int

// The roles of a session.
const (
	RoleSolo      Role = iota // an ordinary dashboard
	RolePresenter             // shares its live state (DemoLink.Publish)
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
	Saved  *model.Assumptions
	Dim    int
	Parent []int
	Cursor []int
	Metric Metric
	// Compared are the scenarios compared, in the order picked, and
	// Differences whether the table shows the differences to them
	// rather than their figures side by side.
	Compared    []Compared
	Differences bool
	// Panes is where the presenter's panes stand. Each list scrolls only
	// as far as its selection needs, so the rows it shows depend on the
	// way there: a follower that skipped states, or joined late, showed
	// other rows than the presenter's until it was told them.
	Panes PaneView
}

// PaneView is which pane has the focus and where the lists and the
// table's years are scrolled to.
type PaneView struct {
	TableFocus bool
	// TreeTop and TableTop are the first rows the segment list and the
	// table show.
	TreeTop, TableTop int
	// YearsScrolled says that the presenter moved the table's years, and
	// YearFrom is then its first year column (a year, or while comparing
	// a group of columns); else the table shows the years its layout
	// places first (the latest), for the follower's width.
	YearsScrolled bool
	YearFrom      int
}

// Compared is a scenario compared with the presenter's.
type Compared struct {
	Name        string
	Assumptions model.Assumptions // immutable, as Snapshot.Assumptions
}

// Equal reports whether two snapshots show the same thing, so that a
// presenter shares its state only when it changed.
func (s *Snapshot) Equal(o *Snapshot) bool {
	if s == nil || o == nil {
		return s == o
	}
	if s.Presenter != o.Presenter || s.Scenario != o.Scenario || s.Dim != o.Dim || s.Metric != o.Metric ||
		s.Differences != o.Differences || s.Panes != o.Panes || len(s.Compared) != len(o.Compared) || !slices.Equal(s.Parent, o.Parent) ||
		!slices.Equal(s.Cursor, o.Cursor) || !s.Assumptions.Equal(o.Assumptions) || !s.saved().Equal(o.saved()) {
		return false
	}
	for i, c := range s.Compared {
		if c.Name != o.Compared[i].Name || !c.Assumptions.Equal(o.Compared[i].Assumptions) {
			return false
		}
	}
	return true
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
//
// With Away, Last says that Snapshot is the last presenter's last state: a
// follower that has none shows it, as the followers who saw it do.
type FollowMsg struct {
	Snapshot Snapshot
	Away     bool
	Last     bool
	// Seq numbers the server's news; a dashboard that asks for the
	// latest (DemoLink.Latest) acts on a message only once.
	Seq uint64
}

// Demo joins a dashboard to a demo presented over SSH, as the server
// starts the session: the part it starts in, and the server's side of it.
type Demo struct {
	Role Role   // the part the session starts in
	Turn uint64 // its presenting turn, when it starts presenting
	// Who names the session to its audience when it presents ("": "the
	// presenter").
	Who string
	// MayPresent: a session of a presenter's key, which may present (p),
	// taking over from whoever presents.
	MayPresent bool
	// Link is the server's side of the session; nil for a dashboard that
	// only mirrors what it is sent (an audience group's).
	Link DemoLink
}

// DemoLink is what the server does for a session of a demo.
type DemoLink interface {
	// Publish gives the presenter's state to its audience; the dashboard
	// calls it when the state changed.
	Publish(Snapshot)
	// TakeOver makes the session the presenter, telling whoever presents
	// to follow; it is called from a command, only when MayPresent.
	TakeOver() RoleMsg
	// Latest is the presenter's latest state, or that nobody presents
	// (ok false: nothing to show yet). A server draws a follower from its
	// audience group and need not send it every change meanwhile (with
	// 200 followers, mirroring each change in every session was most of
	// its work): the dashboard asks Latest when it needs the state.
	Latest() (FollowMsg, bool)
}

// demo is a session's part in a presented demo, and what it knows of
// the presenter: whether it presents or follows, whether it mirrors the
// presenter now or has a private copy, the presenter's latest state, and
// its turn. Only the root changes it; it decides which keys a follower
// may use and what the banner and the help say.
type demo struct {
	role       Role
	mayPresent bool
	who        string
	link       DemoLink // nil: no server (an audience group, a solo dashboard)
	following  bool     // a follower mirroring the presenter (not forked)
	// away: no presenter is connected; a follower keeps the last state it
	// was shown.
	away       bool
	latest     *Snapshot         // the presenter's latest state, for following again
	forkedFrom model.Assumptions // the state a private copy was made of
	published  *Snapshot         // a presenter's state as last shared
	turn       uint64            // the presenting turn this session has or last had
	behind     bool              // following, latest not yet mirrored
	seen       uint64            // the Seq of the last FollowMsg handled
}

func newDemo(o *Demo) *demo {
	if o == nil {
		return &demo{}
	}
	return &demo{role: o.Role, mayPresent: o.MayPresent, who: o.Who, link: o.Link, following: o.Role == RoleFollower, turn: o.Turn}
}

// mirroring reports whether the dashboard shows the presenter's screen
// now: a follower that has not forked.
func (d *demo) mirroring() bool { return d.role == RoleFollower && d.following }

// keyGate is what a key does in a demo, before the dashboard sees it.
type keyGate int

const (
	keyPasses  keyGate = iota // the dashboard handles it
	keyPresent                // p: present, or take over
	keyFork                   // f: a private copy, or follow again
	keyRefused                // a follower's key that changes its screen: refused, with why
)

// gate says what key k does: p presents for a presenter's key; f forks
// or follows again for a follower; while mirroring, only the keys that
// show something of the follower's own pass, and the rest is refused
// with the reason (refusal).
func (d *demo) gate(k tea.KeyPressMsg, keys KeyMap) (g keyGate, refusal string) {
	switch {
	case d.mayPresent && key.Matches(k, keys.Present):
		return keyPresent, ""
	case d.role != RoleFollower:
		return keyPasses, ""
	case key.Matches(k, keys.Fork):
		return keyFork, ""
	case d.following && key.Matches(k, keys.Present):
		// A viewer may think p is how to join in: say what it needs.
		return keyRefused, "Only a presenter's key can present here; f gives you a private copy to change."
	case d.following && !key.Matches(k, d.followingKeys(keys)...) && d.away && d.mayPresent:
		return keyRefused, "No presenter connected: p presents, f gives you a private copy you can change."
	case d.following && !key.Matches(k, d.followingKeys(keys)...) && d.away:
		return keyRefused, "No presenter connected (read-only): press f for a private copy you can change."
	case d.following && !key.Matches(k, d.followingKeys(keys)...):
		return keyRefused, "Following " + d.presenterName() + " (read-only): press f for a private copy you can change."
	}
	return keyPasses, ""
}

// followingKeys are the keys besides f (and p) that work while
// mirroring: they show something of the viewer's own.
func (d *demo) followingKeys(keys KeyMap) []key.Binding {
	return []key.Binding{keys.Quit, keys.Help, keys.Info, keys.Messages}
}

// helpSentence is what ? says while mirroring, named from the bindings
// gate lets through, so that it follows the key map; "" otherwise.
func (d *demo) helpSentence(keys KeyMap) string {
	if !d.mirroring() {
		return ""
	}
	var names []string
	if d.mayPresent {
		names = append(names, keys.Present.Help().Key)
	}
	for _, b := range []key.Binding{keys.Fork, keys.Info, keys.Messages, keys.Help} {
		names = append(names, b.Help().Key)
	}
	return "Following " + d.presenterName() + ": you see their screen, and only " + strings.Join(names, ", ") +
		" and " + keys.Quit.Help().Key + " work here. " + keys.Fork.Help().Key + " gives you a private copy where every key below works."
}

// banner is the demo role's banner and its short form.
func (d *demo) banner() (string, string) {
	switch {
	case d.mirroring() && d.away && d.mayPresent:
		return "No presenter connected (p: present, f: private copy)", "No presenter (p: present)"
	case d.mirroring() && d.away:
		return "No presenter connected (read-only, f: private copy)", "No presenter (f: own copy)"
	case d.mirroring() && d.mayPresent:
		return "Following " + d.presenterName() + " (p: take over, f: private copy)", "Following " + d.shortName() + " (p: take over)"
	case d.mirroring():
		return "Following " + d.presenterName() + " (read-only, f: private copy)", "Following " + d.shortName() + " (f: own copy)"
	case d.role == RoleFollower:
		return "Private copy (f: follow again)", "Private copy (f: follow)"
	case d.role == RolePresenter:
		return "Presenting", ""
	}
	return "", ""
}

// receive takes the presenter's news: a following viewer mirrors it (by
// catchUp), a forked one keeps it for when it follows again. What the
// news means to the viewer goes on the status line.
func (d *demo) receive(msg FollowMsg, st *statusLine) {
	d.seen = msg.Seq
	if d.role == RolePresenter {
		// Its own state, or already the state of a session taking over,
		// which it follows once told of the take-over.
		if !msg.Away {
			d.latest = &msg.Snapshot
		}
		return
	}
	switch {
	case d.following && msg.Away && msg.Last && d.latest == nil && d.mayPresent:
		// The presenter left before this follower saw its screen (it
		// joined since, or its server learnt the last screen late).
		st.info("The presenter has left; this is their last screen. p presents, f gives you a private copy.")
	case d.following && msg.Away && msg.Last && d.latest == nil:
		st.info("The presenter has left; this is their last screen. f gives you a private copy.")
	case msg.Away && !d.away && d.latest == nil && !msg.Last:
		// Nobody has presented yet: the banner says no presenter is
		// connected, and there is no one who "left".
	case d.following && msg.Away && !d.away && d.mayPresent:
		st.info("The presenter has left; this is their last screen. p presents, f gives you a private copy.")
	case d.following && msg.Away && !d.away:
		// Replaces a hint such as "Following the presenter (read-only)",
		// which would contradict the banner.
		st.info("The presenter has left; this is their last screen. f gives you a private copy.")
	case !d.following && msg.Away && !d.away:
		// A private copy's banner does not show who presents: say it.
		st.info(d.presenterName() + " has left; your private copy stays yours.")
	case !d.following && !msg.Away && d.away && d.latest != nil:
		who := clean(cmp.Or(msg.Snapshot.Presenter, "The presenter"))
		if msg.Snapshot.Presenter != d.latest.Presenter {
			st.info(who + " presents now; f follows them.") // not the one who left
		} else {
			st.info(who + " presents again; f follows them.")
		}
	}
	if d.following && !msg.Away && (d.away || !st.notice && !d.mayPresent) {
		// The presenter's change replaces a viewer's own message (the
		// presenter had left, a refused key), so that every follower's
		// screen is the presenter's again. A session that may present
		// is drawn on its own, and keeps its message until its next key
		// ("Ben took over").
		st.clear()
	}
	d.away = msg.Away
	if !msg.Away || msg.Last {
		// The presenter's state; or, once nobody presents, its last one,
		// which this follower may not have seen (it joined since, or its
		// group drew its screen and its own dashboard was not told).
		s := msg.Snapshot
		d.latest = &s
		d.behind = d.following // mirrored by catchUp, when needed
	}
}

// news is the presenter's news the dashboard was not sent (the server
// drew it from its group meanwhile), if any.
func (d *demo) news() (FollowMsg, bool) {
	if d.link == nil || d.role != RoleFollower {
		return FollowMsg{}, false
	}
	msg, ok := d.link.Latest()
	return msg, ok && msg.Seq != d.seen
}

// toMirror is the presenter's state a follower has yet to mirror, if
// any; it is mirrored once asked for.
func (d *demo) toMirror() *Snapshot {
	if !d.behind {
		return nil
	}
	d.behind = false
	if d.following {
		return d.latest
	}
	return nil
}

// fork makes the follower's screen a private copy of a, which it may
// change; the message says how to follow again.
func (d *demo) fork(a model.Assumptions) string {
	d.following = false
	d.forkedFrom = a
	return "Private copy: change anything; f returns to following " + d.presenterName() + "."
}

// privateChanges reports whether a viewer's private copy has changes of
// its own, made since it stopped following and not saved since. The
// presenter's unsaved edits are not the viewer's to lose: it is not asked
// about them. Nor is the unsaved mark the test: a private edit back to
// the presenter's saved state is a change of the viewer's all the same.
func (d *demo) privateChanges(s scenarioView) bool {
	return d.role == RoleFollower && !d.following && !s.Assumptions().Equal(d.forkedFrom) &&
		(s.SavedPath() == "" || s.Dirty())
}

// followAgain goes back to following: mirror shows the presenter's
// latest state, if there is one; it returns what to say.
func (d *demo) followAgain(mirror func(*Snapshot)) string {
	d.following = true
	if d.latest != nil {
		mirror(d.latest)
	}
	switch {
	case d.away && d.latest == nil:
		return "Following again; nobody has presented yet."
	case d.away:
		return "Following again; no presenter is connected, so this is their last screen."
	}
	return "Following " + d.presenterName() + " again."
}

// presenterName is how banners name the presenter: by the name the
// server gives it (the comment of its key's line), else as "the
// presenter", since a key's fingerprint means nothing to an audience.
func (d *demo) presenterName() string {
	if d.latest != nil {
		if name := clean(d.latest.Presenter); name != "" {
			return name
		}
	}
	return "the presenter"
}

// shortName is the presenter's name for a narrow header.
func (d *demo) shortName() string { return safetext.Truncate(d.presenterName(), 16) }

// takeOverQuestion is what p asks: whether to take over from whoever
// presents now, or, once nobody does, whether to present.
func (d *demo) takeOverQuestion() string {
	if d.away {
		return "Nobody presents now. Present? The audience will follow your screen."
	}
	who := d.presenterName()
	if who == "the presenter" {
		who = "Another session"
	}
	return who + " presents now. Take over? They will follow your screen."
}

// takeOver takes the presenter's turn, in a command: the server tells
// the presenter to follow.
func (d *demo) takeOver() tea.Cmd {
	link := d.link
	return func() tea.Msg { return link.TakeOver() }
}

// changeRole acts on a RoleMsg: stale news (a turn older than one the
// session knows of) changes nothing (ok false); otherwise the session
// presents now, or follows whoever took over, and said is what to tell
// the user.
func (d *demo) changeRole(msg RoleMsg) (ok bool, said string) {
	if msg.Turn <= d.turn {
		return false, "" // stale: the session knows of a newer turn
	}
	d.turn = msg.Turn
	switch msg.Role {
	case RolePresenter:
		d.role = RolePresenter
		d.following, d.away = false, false
		d.published = nil // publish shares this screen
		return true, "You present now: the audience follows your screen."
	case RoleFollower:
		d.role = RoleFollower
		d.following = true
		if msg.Ended {
			// Nobody presents: a hub's news that said so reached the
			// session while it still presented, and changed nothing.
			d.away = true
			return true, "Your turn ended; nobody presents now (p presents)."
		}
		by := clean(msg.By)
		if by == "" {
			by = "Another session"
		}
		return true, by + " took over; you follow them now (p takes it back)."
	}
	return false, ""
}

// publish gives the presenter's state s to the audience when it
// changed: a background-colour reply, a resize or a refused key change
// nothing a follower shows, and must not wake every follower.
func (d *demo) publish(s Snapshot) {
	if d.role != RolePresenter || d.link == nil {
		return
	}
	if d.published != nil && d.published.Equal(&s) {
		return
	}
	d.published = &s
	d.link.Publish(s)
}

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
//
// Ended (with RoleFollower) says that the turn ended with nobody taking
// over (its server lost the demo mesh for longer than a turn lasts): the
// session then follows nobody, as when a presenter leaves.
type RoleMsg struct {
	Role  Role
	Turn  uint64
	By    string
	Ended bool
}
