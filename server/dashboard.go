package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"

	"iomt/model"
	"iomt/ui"
)

// handle serves a dashboard to a session the gate admits.
func (s *Server) handle(sess ssh.Session) {
	v, ok := s.admitSession(sess, s.dashboardDoor(sess))
	defer v.leave()
	if !ok {
		return
	}
	d := &dashboard{s: s, sess: sess, v: v, ready: make(chan struct{})}
	defer d.teardown()
	d.setup()
	d.run()
}

// dashboardDoor is how a dashboard meets the gate: it needs a terminal
// with a size, and is told a refusal on its terminal.
func (s *Server) dashboardDoor(sess ssh.Session) door {
	return door{
		terminal: true,
		tell:     func(line string) { fmt.Fprint(sess, line+"\r\n") },
		check: func(*visit) *turnAway {
			pty, _, ok := sess.Pty()
			if !ok {
				return &turnAway{line: "iomt is a full-screen dashboard and needs a terminal: connect with plain ssh (or ssh -t).", msg: "refused: no terminal"}
			}
			if pty.Window.Width <= 0 || pty.Window.Height <= 0 {
				// ssh -tt from a script or a pipe asks for a terminal of no size.
				return &turnAway{line: "iomt needs a terminal with a size, and yours reported none: run ssh from a terminal window.",
					msg: "refused: a terminal of no size", kv: []any{"width", pty.Window.Width, "height", pty.Window.Height}}
			}
			return nil
		},
	}
}

// dashboard is one viewer's dashboard session, from the gate to its last
// words: setup builds its program and starts its helpers, run serves it
// until it ends, and teardown (deferred, so that it runs after a panic
// too) gives back everything setup took.
type dashboard struct {
	s     *Server
	sess  ssh.Session
	v     *visit
	pty   ssh.Pty
	env   []string
	ws    *model.Workspace
	ready chan struct{} // closed once p is set

	ctx    context.Context // ends with the session
	cancel context.CancelFunc
	out    *syncWriter
	view   *sessionView
	sizes  *winSizes // window sizes, from our channel wrapper (see sessionChannel); nil without
	dog    *watchdog
	p      *tea.Program

	counted   bool // counted in Server.active
	stopInput context.CancelFunc
	stopView  context.CancelFunc
	viewDone  chan struct{}
	stopOnce  sync.Once
	hubStop   func() // ends the subscription to the presenter's news

	// The demo: the newest turn this session was given (a step-down
	// carries the turn that ended it, see ui.RoleMsg), and its seat.
	turn atomic.Uint64
	seat *Seat

	reason atomic.Value // string: why the server ended the session
	failed atomic.Bool  // a panic ended it
}

// setup builds the session's program and starts the goroutines that
// serve it: its view, its input, its timeouts and its news.
func (d *dashboard) setup() {
	s := d.s
	s.active.Add(1)
	d.counted = true
	s.fault(faultDashboard)
	d.pty, _, _ = d.sess.Pty()
	d.ws = s.workspace(d.v.key)
	d.env = append(d.sess.Environ(), "TERM="+d.pty.Term)
	profile := colorprofile.Env(d.env)
	d.ctx, d.cancel = context.WithCancel(d.sess.Context())

	opts := ui.Options{Dark: true, NoColor: profile <= colorprofile.Ascii, Workspace: d.ws, Analysis: s.analyses.analyst(d.ctx)}
	opts.FetchCommand = s.fetchCommand(d.sess, d.ws) // see scp.go
	presenting, role := d.demo(&opts)
	d.v.log.Info("session start", "auth", authKind(d.v.key), "role", role, "presenter_key", d.v.presenter, "presenting", cmp.Or(presenting, "-"),
		"term", d.pty.Term, "width", d.pty.Window.Width, "height", d.pty.Window.Height, "scenarios", cmp.Or(d.ws.Dir, "read-only"))

	d.out = &syncWriter{w: d.sess}
	var aud *audience
	if s.demoMode() {
		aud = s.audience // a session draws with its group while it follows
	}
	d.view = newSessionView(d.out, profile, d.pty.Term, aud)
	m := sessionModel{Model: ui.New(s.cfg.Dataset, s.cfg.Base, opts), v: d.view}
	m.following, m.grouped = new(atomic.Bool), new(atomic.Bool)
	d.dog = newWatchdog(s.cfg.IdleTimeout, s.cfg.MaxTimeout,
		func(topic, text string) { d.p.Send(ui.NoticeMsg{Topic: topic, Text: text}) },
		func(reason string) { d.reason.Store(reason); d.p.Quit() })
	d.dog.closing = s.closed
	d.dog.presenterKey = func() time.Time {
		if m.following.Load() {
			return s.hub.LastKey()
		}
		return time.Time{}
	}
	d.sizes, _ = d.sess.Context().Value(winSizesKey).(*winSizes)
	d.p = d.program(m, profile)
	close(d.ready)
	d.start(m.grouped)
}

// workspace is where a session keeps its scenarios: the folder of the
// key the client proved, or none, with the reason.
func (s *Server) workspace(key ssh.PublicKey) *model.Workspace {
	ws := &model.Workspace{Builtin: s.cfg.Builtin} // read-only unless the user is known
	switch {
	case s.authorized == nil:
		ws.Why = "an open demo keeps no files"
	case s.cfg.DataDir == "":
		ws.Why = "the server runs without --data"
	case key != nil:
		ws.Dir = filepath.Join(s.cfg.DataDir, "users", fingerprint(key))
		ws.Label = "your folder on this server"
		ws.Quota = model.Quota{MaxFiles: s.cfg.UserMaxFiles, MaxBytes: s.cfg.UserMaxBytes}
	}
	return ws
}

// demo seats the session in the demo and gives the dashboard its part
// (opts.Demo): its role, its turn, and the server's side (demoLink).
// It returns who presents ("" if nobody, or not known to this session)
// and the role the session starts in.
func (d *dashboard) demo(opts *ui.Options) (presenting string, role ui.Role) {
	s, logger := d.s, d.v.log
	// One session presents at a time: another with a presenter key
	// follows, and may take over (p). The program is made after this; a
	// step-down reaches it through a goroutine, since Send blocks until
	// the program reads it. The hub's turns decide who presents.
	d.seat = &Seat{Name: d.v.entry.name,
		StepDown: func(newer uint64, by string) { d.send(ui.RoleMsg{Role: ui.RoleFollower, Turn: newer, By: by}) },
		// The turn ended with nobody taking over: the session follows
		// (nobody), then reads why; in that order, from one goroutine.
		Ended: func(newer uint64, why string) {
			d.send(ui.RoleMsg{Role: ui.RoleFollower, Turn: newer, Ended: true}, ui.NoticeMsg{Topic: noticeTurn, Text: why})
		},
		Tell: func(msg ui.NoticeMsg) { d.send(msg) },
	}
	role = ui.RoleSolo
	if s.demoMode() {
		role = ui.RoleFollower
		if d.v.presenter {
			id, ok, who := s.hub.Present(d.seat)
			if ok {
				role = ui.RolePresenter
				d.turn.Store(id)
			}
			presenting = who
		}
	}
	if s.demoMode() {
		opts.Demo = &ui.Demo{Role: role, Turn: d.turn.Load(), Link: &demoLink{hub: s.hub, turn: &d.turn, seat: d.seat, log: logger}}
		if d.v.presenter {
			opts.Demo.Who, opts.Demo.MayPresent = d.v.entry.name, true
		}
	}
	return presenting, role
}

// program makes the session's Bubble Tea program. The session draws its
// own frames (sessionView), when they change: Bubble Tea's renderer would
// redraw on a clock, 60 times a second per session. The program's own
// clock then only flushes its out-of-band output (the clipboard; the
// background query is sent by the view at once), once a second: 200 idle
// sessions cost 0.01 CPU.
func (d *dashboard) program(m sessionModel, profile colorprofile.Profile) *tea.Program {
	return tea.NewProgram(m,
		tea.WithoutRenderer(), tea.WithFPS(1),
		tea.WithInput(nil), tea.WithOutput(d.out), tea.WithEnvironment(d.env), // input: see runInput
		tea.WithColorProfile(profile), tea.WithWindowSize(d.pty.Window.Width, d.pty.Window.Height),
		tea.WithContext(d.ctx), tea.WithoutSignalHandler(),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			switch msg.(type) {
			case tea.KeyPressMsg:
				d.dog.key()
				d.s.hub.Keyed(d.turn.Load()) // counts only while this session presents
			case tea.WindowSizeMsg:
				// The latest size the client sent wins: the program's own
				// initial size (from the pty request) may reach the model
				// after a window change sent before the shell request.
				if d.sizes != nil {
					if w, h := d.sizes.get(); w > 0 && h > 0 {
						return tea.WindowSizeMsg{Width: w, Height: h}
					}
				}
			case tea.SuspendMsg:
				return tea.ResumeMsg{} // ctrl+z cannot suspend a remote session
			}
			return msg
		}),
	)
}

// start starts the goroutines that feed the program: the presenter's
// news, window sizes, the timeouts, the view and the input.
func (d *dashboard) start(grouped *atomic.Bool) {
	s, p := d.s, d.p
	// A follower (or a presenter that may be taken over from) gets the
	// presenter's latest state; a slow one only ever skips states, it
	// never holds up the presenter (see Hub).
	if s.demoMode() {
		notify, stop := s.hub.Subscribe(grouped)
		d.hubStop = stop
		d.spawn(func() {
			told := ""
			for {
				select {
				case <-d.ctx.Done():
					return
				case <-notify:
					if msg, ok := s.hub.Message(); ok {
						p.Send(msg)
					}
					// The demo's own news (a mesh reconnecting), to
					// every viewer, and withdrawn once it is over.
					if n := s.hub.Notice(); n != told {
						told = n
						p.Send(ui.NoticeMsg{Topic: noticeDemo, Text: n, Standing: true})
					}
				}
			}
		})
	}
	if d.sizes != nil {
		d.spawn(func() {
			for {
				select {
				case <-d.ctx.Done():
					return
				case <-d.sizes.notify:
					s.fault(faultResize)
					w, h := d.sizes.get()
					p.Send(tea.WindowSizeMsg{Width: w, Height: h})
				}
			}
		})
	}
	// Always: the watchdog also says goodbye when the server shuts down.
	d.spawn(func() { d.dog.run(d.ctx) })

	var viewCtx context.Context
	viewCtx, d.stopView = context.WithCancel(context.Background())
	d.viewDone = make(chan struct{})
	d.spawn(func() { d.view.run(viewCtx, d.viewDone) })
	var inputCtx context.Context
	inputCtx, d.stopInput = context.WithCancel(d.ctx)
	runInput(inputCtx, d.sess, d.pty.Term, p, d.spawn)
}

// send gives the program msgs, in order, from a goroutine of the
// session (Send blocks until the program reads, and the hub calls from
// under its own work), once the program exists, unless the session ends
// first.
func (d *dashboard) send(msgs ...tea.Msg) {
	d.spawn(func() {
		select {
		case <-d.ready:
			for _, m := range msgs {
				d.p.Send(m)
			}
		case <-d.ctx.Done():
		}
	})
}

// The topics of the demo's notices on a viewer's status line.
const (
	noticeDemo = "demo"      // the demo itself: reconnecting, unreachable
	noticeTurn = "demo-turn" // a presenter's turn ended
)

// spawn runs fn in a goroutine of the session: a panic in it ends the
// session, logged, and nothing else.
func (d *dashboard) spawn(fn func()) {
	go func() {
		defer contain(d.v.log, d.fail)
		fn()
	}()
}

// fail ends the session after a panic in one of its goroutines.
func (d *dashboard) fail() {
	d.failed.Store(true)
	d.reason.Store(panicReason)
	d.cancel()
}

// run serves the program until it ends, then says the session's last
// words.
func (d *dashboard) run() {
	_, err := d.p.Run()
	d.stop() // the terminal is back to its normal screen before the last words
	reason, _ := d.reason.Load().(string)
	if reason != "" {
		fmt.Fprintf(d.sess, "\r\niomt: %s\r\n", reason)
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		d.v.log.Error("session error", "err", err)
	}
	d.v.log.Info("session end", "duration", time.Since(d.v.start).Round(time.Millisecond), "reason", cmp.Or(reason, "the user quit or disconnected"))
	code := 0
	if d.failed.Load() {
		code = 1
	}
	_ = d.sess.Exit(code)
}

// stop stops the input, the program and the view, and waits until the
// view has left the terminal as it found it.
func (d *dashboard) stop() {
	d.stopOnce.Do(func() {
		if d.stopInput != nil {
			d.stopInput()
		}
		if d.p != nil {
			d.p.Kill()
		}
		if d.stopView != nil {
			d.stopView()
			<-d.viewDone
		}
	})
}

// teardown gives back what setup took, whether the session ended or a
// panic cut it short.
func (d *dashboard) teardown() {
	d.stop()
	if d.cancel != nil {
		d.cancel()
	}
	if d.hubStop != nil {
		d.hubStop()
	}
	// Followers are told when no presenter is connected any more.
	if d.seat != nil {
		d.s.hub.Leave(d.turn.Load())
	}
	if d.counted {
		d.s.active.Add(-1)
	}
}

// storeMax stores v in a unless a holds a larger value.
func storeMax(a *atomic.Uint64, v uint64) {
	for {
		old := a.Load()
		if old >= v || a.CompareAndSwap(old, v) {
			return
		}
	}
}

func authKind(key ssh.PublicKey) string {
	if key == nil {
		return "none (open demo mode)"
	}
	return "public key"
}
