package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"iomt/forecast"
	"iomt/model"
)

// testHub stands in for the server's hub: the presenter's latest state,
// and whether a presenter is connected.
type testHub struct {
	latest     *Snapshot
	presenters int
	published  int    // how many states the presenter shared
	seq        uint64 // counts the news, as the server's hub does
}

func (h *testHub) publish(s Snapshot) { h.latest = &s; h.published++; h.seq++ }
func (h *testHub) join() func() {
	h.presenters++
	h.seq++
	return func() { h.presenters--; h.seq++ }
}

// message is what the server sends a follower when woken.
func (h *testHub) message() (FollowMsg, bool) {
	if h.presenters == 0 {
		return FollowMsg{Away: true, Seq: h.seq}, true
	}
	if h.latest == nil {
		return FollowMsg{}, false
	}
	return FollowMsg{Snapshot: *h.latest, Seq: h.seq}, true
}

// testLink is the server's side of a demo session in these tests: each
// of its functions may be left out.
type testLink struct {
	publish  func(Snapshot)
	takeOver func() RoleMsg
	latest   func() (FollowMsg, bool)
}

func (l *testLink) Publish(s Snapshot) {
	if l.publish != nil {
		l.publish(s)
	}
}

func (l *testLink) TakeOver() RoleMsg { return l.takeOver() }

func (l *testLink) Latest() (FollowMsg, bool) {
	if l.latest == nil {
		return FollowMsg{}, false
	}
	return l.latest()
}

func newRoleModel(t *testing.T, role Role, hub *testHub) *Model {
	t.Helper()
	opts := Options{Dark: true, Demo: &Demo{Role: role, Who: "Ana"}}
	if role == RolePresenter {
		opts.Demo.Link = &testLink{publish: hub.publish}
	}
	m := send(t, New(testDS, baseScenario(), opts), tea.WindowSizeMsg{Width: 120, Height: 40})
	if role == RoleFollower {
		// As the server does when a follower joins.
		if msg, ok := hub.message(); ok {
			m = send(t, m, msg)
		}
	}
	return m
}

// deliver gives the follower the hub's latest state, as the server does.
func deliver(t *testing.T, m *Model, hub *testHub) *Model {
	t.Helper()
	if hub.latest == nil {
		t.Fatal("the presenter published nothing")
	}
	return send(t, m, FollowMsg{Snapshot: *hub.latest, Seq: hub.seq})
}

func TestFollowerMirrorsPresenter(t *testing.T) {
	hub := &testHub{}
	p := newRoleModel(t, RolePresenter, hub)
	f := newRoleModel(t, RoleFollower, hub)

	p = send(t, p, runeKey('2'), runeKey('j'), runeKey('+'), runeKey('v'))
	f = deliver(t, f, hub)

	tele := testDS.Dims[1].Top[0]
	if got, want := f.Scenario().Growth[tele], p.Scenario().Growth[tele]; got != want || want != 19.5 {
		t.Fatalf("follower's Telemedicine growth %v, presenter's %v (want 19.5)", got, want)
	}
	if f.sel.dim != 1 || f.sel.selected() != tele || f.sel.metric != MetricShare {
		t.Errorf("follower shows tab %d, row %d, metric %v; presenter tab 1, Telemedicine, share", f.sel.dim, f.sel.selected(), f.sel.metric)
	}
	if !strings.Contains(headLine(f), "Following Ana") {
		t.Errorf("no following banner: %q", headLine(f))
	}
	// The follower's screen is the presenter's, the unsaved mark too.
	if !strings.Contains(headLine(p), "● unsaved") || !strings.Contains(headLine(f), "● unsaved") {
		t.Errorf("the presenter's unsaved edit is not marked on both screens:\n%q\n%q", headLine(p), headLine(f))
	}
	if !strings.Contains(headLine(p), "Presenting") {
		t.Errorf("no presenting banner: %q", headLine(p))
	}
	// The presenter undoes its edit: neither is marked any more.
	p = send(t, p, runeKey('u'))
	f = deliver(t, f, hub)
	if strings.Contains(headLine(p), "unsaved") || strings.Contains(headLine(f), "unsaved") {
		t.Errorf("after undo, still marked unsaved:\n%q\n%q", headLine(p), headLine(f))
	}
	// A follower's q never asks: the edits are the presenter's.
	send(t, p, runeKey('+'))
	f = deliver(t, f, hub)
	f, cmd := sendCmd(t, f, runeKey('q'))
	if cmd == nil || len(f.dialogs.open) != 0 {
		t.Errorf("a follower's q asked about the presenter's unsaved edit: %q", lastLine(f))
	}
}

// A session that takes over from the follow view presents the former
// presenter's unsaved edits as unsaved: quitting asks, as the former
// presenter's would have, and the edits are not lost unasked.
func TestTakeOverKeepsUnsavedMark(t *testing.T) {
	hub := &testHub{}
	leave := hub.join()
	ana := newRoleModel(t, RolePresenter, hub)
	ana = send(t, ana, runeKey('j'), runeKey('+'))
	ben := New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RoleFollower, Who: "Ben", MayPresent: true, Link: &testLink{publish: hub.publish, takeOver: func() RoleMsg { return RoleMsg{Role: RolePresenter, Turn: 2} }}}})
	ben = send(t, ben, tea.WindowSizeMsg{Width: 120, Height: 40})
	ben = deliver(t, ben, hub)
	leave()
	ben = send(t, ben, FollowMsg{Away: true, Seq: hub.seq + 1})
	ben = send(t, ben, runeKey('p')) // nobody presents: at once

	if ben.demo.role != RolePresenter || !ben.Scenario().Equal(ana.Scenario()) {
		t.Fatalf("p: role %v, scenario equal to Ana's %v", ben.demo.role, ben.Scenario().Equal(ana.Scenario()))
	}
	if h := headLine(ben); !strings.Contains(h, "● unsaved") {
		t.Errorf("Ana's unsaved edit is not marked unsaved once Ben presents it: %q", h)
	}
	if hub.latest.Saved == nil || !hub.latest.Saved.Equal(baseScenario().Assumptions) {
		t.Errorf("Ben does not share the saved state it presents edits of: %+v", hub.latest.Saved)
	}
	ben, cmd := sendCmd(t, ben, runeKey('q'))
	if cmd != nil || !topIs[*quitDialog](ben) {
		t.Errorf("q after taking over unsaved edits quit without asking: %q", lastLine(ben))
	}
}

func TestFollowerIsReadOnlyUntilFork(t *testing.T) {
	hub := &testHub{}
	p := newRoleModel(t, RolePresenter, hub)
	f := newRoleModel(t, RoleFollower, hub)
	p = send(t, p, runeKey('j'))
	f = deliver(t, f, hub)
	before := f.Scenario()

	f = send(t, f, runeKey('+'))
	if !f.Scenario().Equal(before) {
		t.Fatal("a following viewer changed the scenario")
	}
	if !strings.Contains(lastLine(f), "press f for a private copy") {
		t.Errorf("the refusal does not say how to fork: %q", lastLine(f))
	}

	// f forks: edits work and the presenter's later moves no longer apply.
	f = send(t, f, runeKey('f'), runeKey('+'))
	md := testDS.Dims[0].Top[0]
	if got := f.Scenario().Growth[md]; got != before.Growth[md]+0.5 {
		t.Fatalf("after f, + set growth %v, want %v", got, before.Growth[md]+0.5)
	}
	if !strings.Contains(headLine(f), "Private copy") {
		t.Errorf("no private-copy banner: %q", headLine(f))
	}
	p = send(t, p, runeKey('3'))
	f = deliver(t, f, hub)
	if f.sel.dim != 0 {
		t.Errorf("a forked viewer followed the presenter to tab %d", f.sel.dim+1)
	}

	// f again asks first, the private copy having changes; n keeps it,
	// y goes back to the presenter's state, own edits dropped.
	f = send(t, f, runeKey('f'))
	if !topIs[*confirmDialog](f) || !strings.Contains(lastLine(f), "private changes will be lost") {
		t.Fatalf("f with private changes does not ask: %q", lastLine(f))
	}
	f = send(t, f, runeKey('n'))
	if f.demo.following || f.Scenario().Growth[md] != before.Growth[md]+0.5 {
		t.Fatal("n at the question dropped the private copy")
	}
	f = send(t, f, runeKey('f'), runeKey('y'))
	if f.sel.dim != 2 || !f.Scenario().Equal(p.Scenario()) {
		t.Errorf("after f again the viewer shows tab %d and its own assumptions, not the presenter's", f.sel.dim+1)
	}
	// Quitting a follower never asks: there is nothing of its own to lose.
	if _, cmd := sendCmd(t, f, runeKey('q')); cmd == nil {
		t.Error("q in a following viewer does not quit")
	}
}

func TestFollowerSeesCompare(t *testing.T) {
	hub := &testHub{}
	p := newRoleModel(t, RolePresenter, hub)
	f := newRoleModel(t, RoleFollower, hub)
	other, err := testDS.Apply(testDS.Base(), testDS.Base(), model.Edit{Kind: model.SetGrowth, Node: 0, Value: 25})
	if err != nil {
		t.Fatal(err)
	}
	slow, err := testDS.Apply(testDS.Base(), testDS.Base(), model.Edit{Kind: model.SetGrowth, Node: 0, Value: 10})
	if err != nil {
		t.Fatal(err)
	}
	p.scen.compareWith(&model.Scenario{Name: "Fast", Assumptions: other}, &model.Scenario{Name: "Slow", Assumptions: slow})
	send(t, p, runeKey('j'), runeKey('V')) // any message publishes; V: the differences
	f = deliver(t, f, hub)
	if len(f.scen.compare) != 2 || f.scen.compare[0].name != "Fast" || f.scen.compare[1].name != "Slow" {
		t.Fatal("the follower does not compare with the presenter's two scenarios, in order")
	}
	if !f.sel.differences {
		t.Error("the follower's table does not show the differences the presenter's does")
	}
	last := f.scen.res.Years - 1
	for i, a := range []model.Assumptions{other, slow} {
		if got, want := f.scen.compare[i].res.Value(0, last), forecast.Project(testDS, &a).Value(0, last); got != want {
			t.Errorf("follower's compared end-year total %v, want %v", got, want)
		}
	}
	// The presenter stops comparing: so does the follower.
	p.scen.compareWith()
	send(t, p, runeKey('j'))
	if f = deliver(t, f, hub); len(f.scen.compare) != 0 {
		t.Error("the follower still compares")
	}
}

// TestFollowerHeaderNamesScenario: at 80 columns a follower's title line
// still names the scenario on screen (and the presenter's compare); the
// market's name and the long banner give way first.
func TestFollowerHeaderNamesScenario(t *testing.T) {
	hub := &testHub{}
	defer hub.join()()
	sc := baseScenario()
	sc.Name = "Security headwinds"
	p := send(t, New(testDS, sc, Options{Dark: true, Demo: &Demo{Role: RolePresenter, Link: &testLink{publish: hub.publish}}}), tea.WindowSizeMsg{Width: 80, Height: 24}, runeKey('j'))
	f := New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RoleFollower}})
	f = deliver(t, send(t, f, tea.WindowSizeMsg{Width: 80, Height: 24}), hub)
	for _, m := range []*Model{p, f} {
		if h := headLine(m); !strings.Contains(h, "Scenario: Security headwinds") {
			t.Errorf("the title line does not name the scenario: %q", h)
		}
	}
	if h := headLine(f); !strings.HasPrefix(h, "Following") || !strings.Contains(h, "f: own copy") {
		t.Errorf("the follower's title line does not say it follows: %q", h)
	}
	if h := headLine(p); !strings.HasPrefix(h, "Presenting") {
		t.Errorf("the presenter's title line does not say it presents: %q", h)
	}
	checkFits(t, view(f), 80, 24)
}

// TestFollowerToldPresenterLeft: when no presenter is connected the
// follower says so and keeps the last state it was shown; a presenter
// coming back is followed again.
func TestFollowerToldPresenterLeft(t *testing.T) {
	hub := &testHub{}
	f := newRoleModel(t, RoleFollower, hub)
	if h := headLine(f); !strings.Contains(h, "No presenter connected") {
		t.Errorf("before any presenter: %q", h)
	}
	if l := lastLine(f); strings.Contains(l, "has left") {
		t.Errorf("before any presenter, the status line says one has left: %q", l)
	}
	if l := lastLine(send(t, f, runeKey('f'), runeKey('f'))); !strings.Contains(l, "nobody has presented yet") {
		t.Errorf("following again before any presenter: %q", l)
	}
	leave := hub.join()
	p := newRoleModel(t, RolePresenter, hub)
	p = send(t, p, runeKey('j'), runeKey('+'))
	f = deliver(t, f, hub)
	if h := headLine(f); !strings.Contains(h, "Following Ana") {
		t.Errorf("with a presenter: %q", h)
	}
	grown := f.Scenario()

	leave()
	msg, ok := hub.message()
	if !ok || !msg.Away {
		t.Fatalf("after the presenter left the hub says %+v, %v; want away", msg, ok)
	}
	f = send(t, f, msg)
	if h := headLine(f); !strings.Contains(h, "No presenter connected") {
		t.Errorf("after the presenter left: %q", h)
	}
	if l := lastLine(f); !strings.Contains(l, "The presenter has left") {
		t.Errorf("the status line does not say the presenter left: %q", l)
	}
	if !f.Scenario().Equal(grown) {
		t.Error("the follower lost the presenter's last state when the presenter left")
	}

	back := hub.join()
	p = send(t, p, runeKey('-'))
	f = deliver(t, f, hub)
	if h := headLine(f); !strings.Contains(h, "Following Ana") {
		t.Errorf("with the presenter back: %q", h)
	}
	if f.Scenario().Equal(grown) {
		t.Error("the follower does not follow the presenter who came back")
	}

	// A private copy's banner does not show who presents: the status
	// line says when the presenter leaves and comes back.
	f = send(t, f, runeKey('f'))
	back()
	msg, _ = hub.message()
	f = send(t, f, msg)
	if l := lastLine(f); !strings.Contains(l, "Ana has left; your private copy stays yours") {
		t.Errorf("a private copy is not told the presenter left: %q", l)
	}
	again := hub.join()
	p = send(t, p, runeKey('-'))
	f = deliver(t, f, hub)
	if l := lastLine(f); !strings.Contains(l, "Ana presents again; f follows them") {
		t.Errorf("a private copy is not told the presenter is back: %q", l)
	}
	// Another presenter after Ana left: not "again", and named.
	again()
	msg, _ = hub.message()
	f = send(t, f, msg)
	cy := hub.join()
	defer cy()
	hub.publish(Snapshot{Presenter: "Cy", Scenario: "Base", Assumptions: p.Scenario(),
		Parent: make([]int, len(testDS.Dims)), Cursor: make([]int, len(testDS.Dims))})
	f = deliver(t, f, hub)
	if l := lastLine(f); !strings.Contains(l, "Cy presents now; f follows them") {
		t.Errorf("a private copy told of a new presenter: %q", l)
	}
}

// TestNoticeUntilKey: a notice from the server (a session about to close)
// shows on the status line until the next key, which answers it.
func TestNoticeUntilKey(t *testing.T) {
	m := newTestModel(t, 100, 30)
	const text = "No key pressed for a while: this session closes in 1m0s unless you press a key."
	m = send(t, m, NoticeMsg{Text: text})
	if !strings.Contains(lastLine(m), text) {
		t.Fatalf("the notice is not shown: %q", lastLine(m))
	}
	m = send(t, m, runeKey('v'))
	if strings.Contains(lastLine(m), "unless you press a key") {
		t.Errorf("the notice outlived the key that answered it: %q", lastLine(m))
	}

	// Withdrawn: only by its own topic (a presenter's key kept a
	// follower open), never another notice.
	m = send(t, m, NoticeMsg{Topic: "idle", Text: text}, NoticeMsg{Topic: "max"})
	if !strings.Contains(lastLine(m), text) {
		t.Errorf("another topic's withdrawal cleared the notice: %q", lastLine(m))
	}
	m = send(t, m, NoticeMsg{Topic: "idle"})
	if strings.Contains(lastLine(m), "unless you press a key") || m.status.notice {
		t.Errorf("the withdrawn notice stays: %q", lastLine(m))
	}
}

// TestFollowerHelpLine: a following viewer's help line offers the keys
// that work there, not the edits it would refuse; a private copy gets
// the full line back.
func TestFollowerHelpLine(t *testing.T) {
	hub := &testHub{}
	defer hub.join()()
	f := newRoleModel(t, RoleFollower, hub)
	if l := lastLine(f); !strings.Contains(l, "f private copy to change") || strings.Contains(l, "dimension tab") {
		t.Errorf("a following viewer's help line: %q", l)
	}
	// ? lists every key, but says first which work while following.
	if v := view(send(t, f, runeKey('?'))); !containsWords(v, "Following the presenter: you see their screen, and only f, i, M, ? and q work here.") {
		t.Errorf("a following viewer's ? does not say which keys work:\n%s", v)
	}
	f = send(t, f, keyEsc)
	// p, which a viewer may take for "join in", says what it needs.
	if l := lastLine(send(t, f, runeKey('p'))); !strings.Contains(l, "Only a presenter's key can present here") {
		t.Errorf("a viewer's p: %q", l)
	}
	f = send(t, f, runeKey('f'))
	if l := lastLine(f); !strings.Contains(l, "dimension tab") || strings.Contains(l, "private copy to change") {
		t.Errorf("a private copy's help line: %q", l)
	}
	if v := view(send(t, f, runeKey('?'))); strings.Contains(v, "work here") {
		t.Errorf("a private copy's ? says keys do not work:\n%s", v)
	}
}

// TestTakeOverRoles: a session with a presenter key that follows takes
// over with p (asked while someone presents, not when nobody does), then
// presents its screen at once; told its turn ended, it follows, dialogs
// closed; the end of a turn it no longer has changes nothing. It is never
// drawn with an audience group, whose screen has no p.
func TestTakeOverRoles(t *testing.T) {
	hub := &testHub{}
	leave := hub.join()
	ana := newRoleModel(t, RolePresenter, hub) // publishes as "Ana"
	send(t, ana, runeKey('2'))

	takes := 0
	turn := uint64(10) // the server's newest turn
	ben := New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RoleFollower, Who: "Ben", MayPresent: true, Link: &testLink{publish: hub.publish, takeOver: func() RoleMsg {
		takes++
		turn++
		return RoleMsg{Role: RolePresenter, Turn: turn}
	}}}})
	ben = send(t, ben, tea.WindowSizeMsg{Width: 120, Height: 40})
	ben = deliver(t, ben, hub)
	if h := headLine(ben); !strings.Contains(h, "Following Ana (p: take over, f: private copy)") {
		t.Fatalf("a session that may present, following: %q", h)
	}
	if ben.Grouped() {
		t.Error("a session that may present is drawn with the audience's group")
	}

	ben = send(t, ben, runeKey('p'))
	if !topIs[*confirmDialog](ben) || !strings.Contains(lastLine(ben), "Ana presents now. Take over?") {
		t.Fatalf("p while Ana presents: want a question, got %q", lastLine(ben))
	}
	ben = send(t, ben, runeKey('n'))
	if takes != 0 || ben.demo.role != RoleFollower {
		t.Fatalf("n took over (takes %d, role %v)", takes, ben.demo.role)
	}
	published := hub.published
	ben = send(t, ben, runeKey('p'), runeKey('y'))
	if takes != 1 || ben.demo.role != RolePresenter || ben.Following() {
		t.Fatalf("y: takes %d, role %v, following %v; want presenting", takes, ben.demo.role, ben.Following())
	}
	if hub.published != published+1 || hub.latest.Presenter != "Ben" || hub.latest.Dim != 1 {
		t.Errorf("the new presenter did not publish its screen at once: %d publishes, latest %+v", hub.published-published, hub.latest)
	}
	if h := headLine(ben); !strings.HasPrefix(h, "Presenting") || !strings.Contains(lastLine(ben), "You present now") {
		t.Errorf("after taking over: %q / %q", h, lastLine(ben))
	}

	// Ben's turn (11) ends: news of an older turn first, which is stale.
	ben = send(t, ben, runeKey('?'))
	ben = send(t, ben, RoleMsg{Role: RoleFollower, Turn: 10, By: "Cy"})
	if ben.demo.role != RolePresenter {
		t.Fatal("the end of a turn Ben no longer has made him follow")
	}
	hub.publish(Snapshot{Presenter: "Cy", Scenario: "Base", Assumptions: ben.Scenario(), Dim: 3,
		Parent: make([]int, len(testDS.Dims)), Cursor: make([]int, len(testDS.Dims))})
	ben = deliver(t, ben, hub) // Cy's state may come before the news
	turn++                     // Cy takes over
	ben = send(t, ben, RoleMsg{Role: RoleFollower, Turn: turn, By: "Cy"})
	if !ben.Following() || len(ben.dialogs.open) != 0 || ben.sel.dim != 3 {
		t.Fatalf("taken over from: following %v, dialogs %d, tab %d; want following Cy's tab 4, no dialogs",
			ben.Following(), len(ben.dialogs.open), ben.sel.dim)
	}
	if l := lastLine(ben); !strings.Contains(l, "Cy took over; you follow them now (p takes it back)") {
		t.Errorf("taken over from: %q", l)
	}

	// With nobody presenting, p takes over without asking.
	leave()
	msg, _ := hub.message()
	ben = send(t, ben, msg)
	if h := headLine(ben); !strings.Contains(h, "No presenter connected (p: present") {
		t.Errorf("nobody presenting: %q", h)
	}
	if l := lastLine(ben); !strings.Contains(l, "The presenter has left; this is their last screen. p presents") {
		t.Errorf("nobody presenting, the status line does not offer p: %q", l)
	}
	ben = send(t, ben, runeKey('p'))
	if takes != 2 || ben.demo.role != RolePresenter {
		t.Errorf("p with nobody presenting: takes %d, role %v; want presenting at once", takes, ben.demo.role)
	}
}

// TestStepDownBeforeOwnTurn: Ben and Cy take over at once; the hub gives
// Cy turn 2 and Ben turn 3, so Ben presents. Cy's step-down (turn 3)
// may reach Cy before the news of its own turn 2, which comes back from
// its command: whatever the order, the newest turn wins and Cy follows
// Ben. Before, the step-down was ignored while Cy did not yet present,
// and Cy then presented, its keys reaching nobody.
func TestStepDownBeforeOwnTurn(t *testing.T) {
	for _, stepDownFirst := range []bool{true, false} {
		hub := &testHub{}
		hub.join()
		newRoleModel(t, RolePresenter, hub) // Ana, presenting
		cy := New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RoleFollower, Who: "Cy", MayPresent: true, Link: &testLink{publish: hub.publish, takeOver: func() RoleMsg { return RoleMsg{Role: RolePresenter, Turn: 2} }}}})
		cy = send(t, cy, tea.WindowSizeMsg{Width: 120, Height: 40})
		cy = deliver(t, cy, hub)
		cy = send(t, cy, runeKey('p'))
		nm, cmd := cy.Update(runeKey('y')) // the take-over, not yet run
		cy = nm.(*Model)
		own := runCmd(t, cmd)
		if len(own) != 1 {
			t.Fatalf("y: want one message from the take-over, got %v", own)
		}
		stepDown := RoleMsg{Role: RoleFollower, Turn: 3, By: "Ben"}
		if stepDownFirst {
			cy = send(t, cy, stepDown, own[0])
		} else {
			cy = send(t, cy, own[0], stepDown)
		}
		if cy.demo.role != RoleFollower || !cy.Following() {
			t.Errorf("step-down first %v: Cy's role %v, following %v; want following Ben, who has the newer turn",
				stepDownFirst, cy.demo.role, cy.Following())
		}
		if h := headLine(cy); strings.Contains(h, "Presenting") {
			t.Errorf("step-down first %v: Cy's banner says %q", stepDownFirst, h)
		}
		if l := lastLine(cy); !strings.Contains(l, "Ben took over; you follow them now") {
			t.Errorf("step-down first %v: Cy's status line %q", stepDownFirst, l)
		}
	}
}

// TestGroupDrawnFollowerCatchesUp: a follower whose screen a server draws
// from its audience group (Options.Latest) mirrors the presenter only
// when it needs to: not on each change while grouped, whether the change
// was sent or not, but before any key (f forks the presenter's latest
// state, not an older one) and as soon as it shows a screen of its own.
func TestGroupDrawnFollowerCatchesUp(t *testing.T) {
	hub := &testHub{}
	defer hub.join()()
	p := newRoleModel(t, RolePresenter, hub)
	f := New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RoleFollower, Link: &testLink{latest: hub.message}}})
	f = send(t, f, tea.WindowSizeMsg{Width: 120, Height: 40})
	base := f.Scenario()

	p = send(t, p, runeKey('+'))
	f = deliver(t, f, hub) // sent before the server knew it was grouped
	if !f.Grouped() {
		t.Fatal("a plain follower is not grouped")
	}
	p = send(t, p, runeKey('j'), runeKey('+')) // not sent: it is grouped
	if !f.Scenario().Equal(base) {
		t.Error("a grouped follower mirrored a change no screen of its own shows")
	}
	f = send(t, f, runeKey('f'))
	if f.Following() || !f.Scenario().Equal(p.Scenario()) {
		t.Fatal("f after changes: the private copy is not the presenter's latest state")
	}
	for _, name := range []string{"Total", "Medical Devices"} {
		if got, want := treeRow(t, f, name).cagr, treeRow(t, p, name).cagr; got != want {
			t.Errorf("the private copy shows %s at %s, the presenter at %s", name, got, want)
		}
	}

	// Following again, with a dialog of its own open: a change sent to it
	// is mirrored at once, since that screen is its own.
	f = send(t, f, runeKey('f'))
	f = send(t, f, runeKey('?'))
	p = send(t, p, runeKey('+'))
	f = deliver(t, f, hub)
	if !f.Scenario().Equal(p.Scenario()) {
		t.Error("a follower showing its own screen (help) did not mirror the change")
	}

	// The presenter leaves while the follower is grouped and not told:
	// its next key learns it, and f gives a private copy of the last state.
	f = send(t, f, runeKey('x')) // closes help
	hub.presenters, hub.seq = 0, hub.seq+1
	f = send(t, f, runeKey('?'))
	if h := headLine(f); !strings.Contains(h, "No presenter connected") {
		t.Errorf("after the presenter left, a key: %q", h)
	}
}

// A private copy of a presenter's unsaved edits has no changes of the
// viewer's own: f follows again and q quits without asking; once the
// viewer changes something, even back to the presenter's saved state,
// both ask.
func TestPrivateCopyOfUnsavedEdits(t *testing.T) {
	hub := &testHub{}
	p := newRoleModel(t, RolePresenter, hub)
	send(t, p, runeKey('j'), runeKey('+'))
	f := newRoleModel(t, RoleFollower, hub)
	f = deliver(t, f, hub)

	f = send(t, f, runeKey('f'), runeKey('f'))
	if len(f.dialogs.open) != 0 || !f.Following() {
		t.Fatalf("f, f on an unchanged private copy: following %v, asked %q", f.Following(), lastLine(f))
	}
	f = send(t, f, runeKey('f'))
	unchanged := send(t, deliver(t, newRoleModel(t, RoleFollower, hub), hub), runeKey('f'))
	if _, cmd := sendCmd(t, unchanged, runeKey('q')); cmd == nil {
		t.Errorf("q on an unchanged private copy asked: %q", lastLine(unchanged))
	}
	// - takes Telemedicine back to the presenter's saved state: still a
	// change of the viewer's own.
	f = send(t, f, runeKey('-'))
	if f = send(t, f, runeKey('f')); !topIs[*confirmDialog](f) {
		t.Errorf("f after a private change did not ask: %q", lastLine(f))
	}
	f = send(t, f, runeKey('n'))
	if f, cmd := sendCmd(t, f, runeKey('q')); cmd != nil || !topIs[*quitDialog](f) {
		t.Errorf("q after a private change did not ask: %q", lastLine(f))
	}
}

// TestTakeOverQuestionFollowsPresenter: "Ana presents now. Take over?"
// stays true while it is asked: when Cy takes over it names Cy, when
// the presenter leaves it asks whether to present, and y then presents.
func TestTakeOverQuestionFollowsPresenter(t *testing.T) {
	hub := &testHub{}
	leave := hub.join()
	newRoleModel(t, RolePresenter, hub) // Ana, presenting
	takes := 0
	ben := New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RoleFollower, Who: "Ben", MayPresent: true, Link: &testLink{publish: hub.publish, takeOver: func() RoleMsg { takes++; return RoleMsg{Role: RolePresenter, Turn: 5} }}}})
	ben = send(t, ben, tea.WindowSizeMsg{Width: 120, Height: 40})
	ben = deliver(t, ben, hub)
	ben = send(t, ben, runeKey('p'))
	if l := lastLine(ben); !strings.Contains(l, "Ana presents now. Take over?") {
		t.Fatalf("p: %q", l)
	}

	hub.publish(Snapshot{Presenter: "Cy", Scenario: "Base", Assumptions: ben.Scenario(),
		Parent: make([]int, len(testDS.Dims)), Cursor: make([]int, len(testDS.Dims))})
	ben = deliver(t, ben, hub)
	if l := lastLine(ben); !strings.Contains(l, "Cy presents now. Take over?") || strings.Contains(l, "Ana") {
		t.Errorf("Cy took over while Ben was asked: %q", l)
	}

	leave()
	msg, _ := hub.message()
	ben = send(t, ben, msg)
	if l := lastLine(ben); !strings.Contains(l, "Nobody presents now. Present?") || strings.Contains(l, "Cy") {
		t.Errorf("the presenter left while Ben was asked: %q", l)
	}
	if !topIs[*confirmDialog](ben) {
		t.Fatal("the question closed")
	}
	ben = send(t, ben, runeKey('y'))
	if takes != 1 || ben.demo.role != RolePresenter {
		t.Errorf("y: takes %d, role %v; want presenting", takes, ben.demo.role)
	}
}

// TestTurnEndedWithNobodyTakingOver: a presenter whose turn ended
// without anyone taking over (its server lost the demo mesh for longer
// than the turn lasts) follows nobody: its banner says no presenter is
// connected, not that it follows itself; a key that would change the
// screen is refused with that reason; and p presents again at once,
// without asking whom to take over from.
func TestTurnEndedWithNobodyTakingOver(t *testing.T) {
	hub := &testHub{}
	leave := hub.join()
	takes := 0
	ana := New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RolePresenter, Turn: 1, Who: "Ana", MayPresent: true,
		Link: &testLink{publish: hub.publish, takeOver: func() RoleMsg { takes++; return RoleMsg{Role: RolePresenter, Turn: 9} }}}})
	ana = send(t, ana, tea.WindowSizeMsg{Width: 120, Height: 40}, runeKey('j'), runeKey('+'))
	// The hub's news that nobody presents may come first: a presenter
	// does not act on it.
	leave()
	msg, _ := hub.message()
	ana = send(t, ana, msg)
	ana = send(t, ana, RoleMsg{Role: RoleFollower, Turn: 5, Ended: true},
		NoticeMsg{Topic: "turn", Text: "Your turn ended: this server lost the demo for over 10s. p presents again."})
	if h := headLine(ana); !strings.Contains(h, "No presenter connected") || strings.Contains(h, "Following") {
		t.Errorf("after its turn ended, the former presenter's banner: %q", h)
	}
	if l := lastLine(ana); !strings.Contains(l, "Your turn ended") {
		t.Errorf("status line: %q", l)
	}
	before := ana.Scenario()
	ana = send(t, ana, runeKey('+'))
	if l := lastLine(ana); !strings.Contains(l, "No presenter") || strings.Contains(l, "Following") {
		t.Errorf("+ after the turn ended: %q", l)
	}
	if !ana.Scenario().Equal(before) {
		t.Error("+ changed a screen that follows nobody")
	}
	ana = send(t, ana, runeKey('p'))
	if len(ana.dialogs.open) != 0 {
		t.Fatalf("p asked instead of presenting at once: %q", lastLine(ana))
	}
	if takes != 1 || ana.demo.role != RolePresenter || !strings.Contains(headLine(ana), "Presenting") {
		t.Errorf("p: takes %d, role %v, banner %q", takes, ana.demo.role, headLine(ana))
	}
}

// TestLateFollowerShowsTheLastScreen: a follower that joins after the
// presenter left (or whose server drew its screen for it, so that it was
// never told the presenter's states) shows the presenter's last screen,
// told so, as the followers who saw it do; one that joins before anyone
// presented shows the dataset's, and is told nothing.
func TestLateFollowerShowsTheLastScreen(t *testing.T) {
	hub := &testHub{}
	leave := hub.join()
	p := newRoleModel(t, RolePresenter, hub)
	p = send(t, p, runeKey('3'), runeKey('+'), runeKey('+'))
	leave()
	msg, _ := hub.message()
	msg.Snapshot, msg.Last = *hub.latest, true // as the server's hub says it
	late := newRoleModel(t, RoleFollower, &testHub{})
	if l := lastLine(late); strings.Contains(l, "left") {
		t.Errorf("before anyone presented, a follower is told %q", l)
	}
	late = send(t, late, msg)
	if !late.Scenario().Equal(p.Scenario()) || late.sel.dim != 2 {
		t.Errorf("a late follower shows tab %d and not the presenter's last scenario", late.sel.dim)
	}
	if h := headLine(late); !strings.Contains(h, "No presenter connected") {
		t.Errorf("banner %q", h)
	}
	if l := lastLine(late); !strings.Contains(l, "this is their last screen") {
		t.Errorf("status line %q", l)
	}
}

// TestStandingNoticeOutlivesKeys: a presenter whose server lost the demo
// mesh keeps being told so while it presses keys (each key's own message
// goes to M), and the line is its own again once the notice is withdrawn.
func TestStandingNoticeOutlivesKeys(t *testing.T) {
	hub := &testHub{}
	hub.join()
	p := newRoleModel(t, RolePresenter, hub)
	const text = "Reconnecting to the demo… (until then no change crosses between this server and the others)"
	p = send(t, p, NoticeMsg{Topic: "demo", Text: text, Standing: true}, runeKey('j'), runeKey('+'))
	if l := lastLine(p); !strings.Contains(l, "Reconnecting to the demo") {
		t.Errorf("after two keys, the status line: %q", l)
	}
	if p.Grouped() {
		t.Error("a screen with a standing notice is drawn as its group's")
	}
	p = send(t, p, NoticeMsg{Topic: "demo", Standing: true})
	if l := lastLine(p); strings.Contains(l, "Reconnecting") || !strings.Contains(l, "entered") {
		t.Errorf("after the notice was withdrawn: %q", l)
	}
	p = send(t, p, runeKey('M'))
	if v := p.View().Content; !strings.Contains(v, "Reconnecting to the demo") || !strings.Contains(v, "entered") {
		t.Errorf("M does not list the notice and the key's message:\n%s", v)
	}
}

// TestFollowerShowsThePresentersRows: a follower that skipped the
// presenter's states (a burst of keys; a server that drew it in a group)
// or joined late shows the rows and years the presenter shows, and the
// same pane focused: each list scrolls only as far as its selection
// needs, so the rows depended on the way there.
func TestFollowerShowsThePresentersRows(t *testing.T) {
	for _, keys := range []string{"2jjjjjjkkkkk", "2jjjjjjjjkk", "2jjjjjjjjjjjjjjjjjkkkkkkkkkk", "2jjjjjj\tleftleft", "3jjjjj\tleftk"} {
		hub := &testHub{}
		hub.join()
		p := newRoleModel(t, RolePresenter, hub)
		p = send(t, p, tea.WindowSizeMsg{Width: 120, Height: 30})
		early := newRoleModel(t, RoleFollower, hub)
		early = send(t, early, tea.WindowSizeMsg{Width: 120, Height: 30})
		for _, k := range keyList(keys) {
			p = send(t, p, k)
		}
		late := New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RoleFollower}})
		late = send(t, late, tea.WindowSizeMsg{Width: 120, Height: 30})
		early, late = deliver(t, early, hub), deliver(t, late, hub)
		want := body(p.View().Content)
		for name, f := range map[string]*Model{"a follower that skipped states": early, "a late follower": late} {
			if got := body(f.View().Content); got != want {
				t.Errorf("after %q, %s shows\n%s\nthe presenter\n%s", keys, name, got, want)
			}
		}
	}
}

// keyList is keys as key messages: runes, \t a tab, "left" ←, "right" →.
func keyList(keys string) []tea.Msg {
	var out []tea.Msg
	for len(keys) > 0 {
		switch {
		case strings.HasPrefix(keys, "left"):
			out, keys = append(out, tea.KeyPressMsg{Code: tea.KeyLeft}), keys[4:]
		case strings.HasPrefix(keys, "right"):
			out, keys = append(out, tea.KeyPressMsg{Code: tea.KeyRight}), keys[5:]
		case keys[0] == '\t':
			out, keys = append(out, tea.KeyPressMsg{Code: tea.KeyTab}), keys[1:]
		default:
			out, keys = append(out, runeKey(rune(keys[0]))), keys[1:]
		}
	}
	return out
}

// body is a screen without its first line (the banner) and its last (the
// status line), each session's own.
func body(screen string) string {
	lines := strings.Split(ansi.Strip(screen), "\n")
	if len(lines) < 3 {
		return ""
	}
	return strings.Join(lines[1:len(lines)-1], "\n")
}

// TestFollowerShowsTheComparedYears: while comparing, the presenter's
// table lays its columns out by groups (the end year first); a follower,
// one that joins late, and one that joins after the presenter left show
// the years the presenter shows, scrolled or not, after any keys.
func TestFollowerShowsTheComparedYears(t *testing.T) {
	for _, keys := range []string{"j", "jjjjjjkkk", "\tleft", "\tleftleft", "\tleftleftleftjjjjjjj", "\tleftrightrightright", "\tleftv", "2\tleftleftjjjjV"} {
		p := compareWith(t, newWSModel(t, newWorkspace(t), 120, 40), nameAccel)
		for _, k := range keyList(keys) {
			p = send(t, p, k)
		}
		want := body(p.View().Content)
		s := p.Shared()
		for name, msg := range map[string]FollowMsg{
			"a follower":                          {Snapshot: s, Seq: 1},
			"a follower after the presenter left": {Snapshot: s, Away: true, Last: true, Seq: 1},
		} {
			f := New(testDS, baseScenario(), Options{Dark: true, Demo: &Demo{Role: RoleFollower}})
			f = send(t, f, tea.WindowSizeMsg{Width: 120, Height: 40}, msg)
			if got := body(f.View().Content); got != want {
				t.Errorf("after %q, %s shows\n%s\nthe presenter\n%s", keys, name, got, want)
			}
		}
	}
}
