// Package server serves the dashboard over SSH with wish: every session
// gets its own dashboard, built by the same constructor as the local
// program, over one read-only dataset.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"

	"iomt/model"
	"iomt/ui"
)

// Config is everything `iomt serve` is told.
type Config struct {
	Listen         string
	HostKey        string // created when missing
	AuthorizedKeys string // "" is open demo mode: anyone may join, read-only
	PresenterKeys  string // sessions of these keys present; others follow
	MaxSessions    int
	IdleTimeout    time.Duration // since the user's last keypress; 0 = none
	MaxTimeout     time.Duration // per session; 0 = none
	// HandshakeTimeout bounds a connection that never finishes the SSH
	// handshake, login included (default 60 s: a viewer joining for the
	// first time reads ssh's question about the host key inside it, and
	// 10 s broke the pipe of those who read it slowly).
	HandshakeTimeout time.Duration
	// SessionGrace bounds the time from login to a running dashboard
	// (default 10 s); a connection that opens no session is closed.
	SessionGrace time.Duration
	// OverflowGrace is the same for a connection admitted past
	// MaxSessions only to be told the demo is full (default 2 s): it
	// holds one of few places, so one that opens no session must not
	// keep the next viewer from being told.
	OverflowGrace time.Duration
	// RateBurst connections per client address, then one per RateEvery.
	RateBurst int
	RateEvery time.Duration
	DataDir   string // users' saved scenarios, under DataDir/users/<key>/
	// UserMaxFiles and UserMaxBytes bound what one user's folder under
	// DataDir may hold: a save or export past them is refused, with the
	// reason (0: no bound).
	UserMaxFiles int
	UserMaxBytes int64

	Dataset *model.Dataset
	Base    *model.Scenario
	Builtin []model.Builtin
	Logger  *log.Logger
}

// Server is a running SSH server.
type Server struct {
	cfg        Config
	srv        *ssh.Server
	log        *log.Logger
	authorized keySet
	presenters keySet
	limiter    *ipLimiter
	hub        *Hub
	audience   *audience // draws followers' screens once per group
	analyses   *pool     // every session's analysis work (see pool)

	active atomic.Int64

	mu          sync.Mutex
	ln          net.Listener // as given to Serve
	sessions    map[*session]struct{}
	conns       map[*trackedConn]struct{}
	slots       int           // connections that hold a slot under MaxSessions
	overflow    int           // connections past the cap, to be told it is full
	closing     bool          // Shutdown has begun: no new connections
	drained     chan struct{} // closed once closing and no connection is left
	drainedOnce sync.Once
}

// session is one connected user.
type session struct {
	p      *tea.Program
	reason atomic.Value // string: why the server ended the session
}

// New checks the configuration, loads keys (creating the host key when
// missing) and builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Dataset == nil || cfg.Base == nil {
		return nil, errors.New("server: no dataset")
	}
	if cfg.Logger == nil {
		cfg.Logger = log.New(os.Stderr)
	}
	if cfg.HandshakeTimeout == 0 {
		cfg.HandshakeTimeout = time.Minute
	}
	if cfg.SessionGrace == 0 {
		cfg.SessionGrace = 10 * time.Second
	}
	if cfg.OverflowGrace == 0 {
		cfg.OverflowGrace = 2 * time.Second
	}
	s := &Server{
		cfg: cfg, log: cfg.Logger, hub: NewHub(), analyses: newPool(0, mcBudget),
		sessions: map[*session]struct{}{}, conns: map[*trackedConn]struct{}{}, drained: make(chan struct{}),
	}
	s.audience = newAudience(s.hub, cfg.Dataset, cfg.Base)
	if cfg.RateBurst > 0 && cfg.RateEvery <= 0 {
		return nil, errors.New("server: a rate limit needs an interval above 0 (RateEvery)")
	}
	s.limiter = newIPLimiter(cfg.RateBurst, cfg.RateEvery)
	// The key files first: a server that will not start must not leave a
	// new host key behind.
	var err error
	if cfg.AuthorizedKeys != "" {
		if s.authorized, err = loadKeys(cfg.AuthorizedKeys); err != nil {
			return nil, err
		}
	}
	if cfg.PresenterKeys != "" {
		if s.presenters, err = loadKeys(cfg.PresenterKeys); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		flag, file string
		keys       keySet
	}{{"--authorized-keys", cfg.AuthorizedKeys, s.authorized}, {"--presenter-keys", cfg.PresenterKeys, s.presenters}} {
		if f.keys != nil && len(f.keys) == 0 {
			s.log.Warn(f.flag+" lists no keys", "file", f.file)
		}
	}
	if cfg.DataDir != "" && s.authorized != nil {
		// Users' scenarios are theirs: nobody else on the machine reads
		// them. Made (and checked) now, so a bad --data fails at start.
		users := filepath.Join(cfg.DataDir, "users")
		if err := os.MkdirAll(users, 0o700); err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
		if err := os.Chmod(users, 0o700); err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
	}
	signer, created, err := loadHostKey(cfg.HostKey)
	if err != nil {
		return nil, err
	}
	// Every start: the fingerprint is what viewers check when ssh asks.
	s.log.Info("host key", "path", cfg.HostKey, "fingerprint", gossh.FingerprintSHA256(signer.PublicKey()), "created", created)
	if s.authorized != nil {
		s.log.Info("key mode: only listed keys get in", "keys", len(s.authorized), "presenter_keys", len(s.presenters), "scenarios", cmp.Or(cfg.DataDir, "none: nobody saves"))
	} else if s.presenters != nil {
		s.log.Info("presenter mode", "presenter_keys", len(s.presenters))
	}
	if cfg.DataDir != "" && s.authorized == nil {
		s.log.Warn("--data is not used in open demo mode: nobody saves; pass --authorized-keys to let key users save")
	}
	for _, set := range []keySet{s.authorized, s.presenters} {
		for _, entries := range set {
			for _, e := range entries {
				if e.noPTY {
					s.log.Warn("this key can never open the dashboard: its line says no-pty, or restrict without pty", "line", e.where)
				}
			}
		}
	}
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Listen),
		wish.WithVersion("iomt"),
		// Our own key, from --host-key: wish would otherwise write one
		// into the working folder.
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(s.allowKey),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle },
			s.scpMiddleware), // `scp -O`: see scp.go
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	srv.HandshakeTimeout = cfg.HandshakeTimeout
	if cfg.MaxTimeout > 0 {
		// Our own timer ends the session with a line saying why; the
		// library's cuts the connection mid-screen, so it only backs ours
		// up, a little later.
		srv.MaxTimeout = cfg.MaxTimeout + 5*time.Second
	}
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": sessionChannel}
	srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{"sftp": s.sftpSubsystem} // sftp, scp: see scp.go
	srv.ConnCallback = s.admit
	// A connection that never gets a session (a refused key, a client
	// that gave up, a handshake timeout) would otherwise leave no trace.
	srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
		s.log.Info("connection ended before a session", "remote", conn.RemoteAddr().String(), "reason", err)
	}
	if s.authorized == nil {
		// Open demo mode: an audience without keys joins too.
		srv.KeyboardInteractiveHandler = func(ctx ssh.Context, _ gossh.KeyboardInteractiveChallenge) bool {
			s.log.Debug("auth: keyboard-interactive (open demo mode)", "remote", ctx.RemoteAddr().String(), "accepted", true)
			s.loggedIn(ctx)
			return true
		}
	}
	s.srv = srv
	return s, nil
}

// OpenMode reports whether anyone may join (no --authorized-keys).
func (s *Server) OpenMode() bool { return s.authorized == nil }

// allowKey is only a first filter at the key offer; the handler decides
// again from the key the client proved (sess.PublicKey()), never from
// state kept here.
func (s *Server) allowKey(ctx ssh.Context, key ssh.PublicKey) bool {
	_, _, err := s.authorize(key, ctx.RemoteAddr(), time.Now())
	if err != nil {
		// A client offers its keys in turn, so a refusal is routine; the
		// reason tells an operator why a listed key did not get in.
		s.log.Info("auth: public key refused", "remote", ctx.RemoteAddr().String(), "key", gossh.FingerprintSHA256(key), "reason", err)
		return false
	}
	s.log.Debug("auth: public key accepted", "remote", ctx.RemoteAddr().String(), "key", gossh.FingerprintSHA256(key))
	s.loggedIn(ctx)
	return true
}

// authorize decides whether key may join from addr now, and whether it
// presents. In open demo mode every key may join; a presenter key still
// only presents from where its line admits it.
func (s *Server) authorize(key ssh.PublicKey, addr net.Addr, now time.Time) (entry keyEntry, presenter bool, err error) {
	e, perr := s.presenters.permit(key, addr, now)
	if perr == nil {
		return e, true, nil
	}
	if s.authorized == nil {
		return keyEntry{}, false, nil
	}
	e, err = s.authorized.permit(key, addr, now)
	if errors.Is(err, errNotListed) && !errors.Is(perr, errNotListed) {
		err = perr // the presenters' file had the key, with a reason
	}
	return e, false, err
}

// admit refuses connections over the per-address rate before any
// handshake work, and tracks the others until they close.
func (s *Server) admit(ctx ssh.Context, conn net.Conn) net.Conn {
	if !s.limiter.allow(conn.RemoteAddr(), time.Now()) {
		s.log.Warn("connection refused: rate limit", "remote", conn.RemoteAddr().String())
		_ = conn.Close()
		return nil
	}
	tc, a := s.track(ctx, conn)
	switch a {
	case refusedClosing:
		s.log.Info("connection refused: shutting down", "remote", conn.RemoteAddr().String())
	case refusedFull:
		s.log.Warn("connection refused: the server is full", "remote", conn.RemoteAddr().String(), "max_sessions", s.cfg.MaxSessions)
	}
	if tc == nil {
		_ = conn.Close()
		return nil
	}
	s.log.Debug("connect", "remote", conn.RemoteAddr().String(), "over_cap", a == admittedOverflow)
	return tc
}

// Serve accepts connections on ln until Shutdown, which closes ln.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = ln.Close()
		return nil
	}
	s.ln = ln
	s.mu.Unlock()
	err := s.srv.Serve(ln)
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing || errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// isClosing reports whether Shutdown has begun.
func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Sessions returns the number of live sessions.
func (s *Server) Sessions() int { return int(s.active.Load()) }

// Connections returns the number of open connections: sessions, logins
// in progress and those being told the demo is full.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// goodbye is what every session sees when the server shuts down.
const goodbye = "the server is shutting down. Goodbye."

// closeGrace is how long a client has to close its connection itself
// after its session ended in a shutdown.
const closeGrace = time.Second

// Shutdown stops accepting connections, says goodbye to every session,
// ends their programs and waits until every connection has closed, also
// those still in their handshake. Connections still open when ctx ends
// are closed hard, and ctx's error is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	if len(s.conns) == 0 {
		s.drainedOnce.Do(func() { close(s.drained) })
	}
	ln := s.ln
	sessions := make([]*session, 0, len(s.sessions))
	for sess := range s.sessions {
		sessions = append(sessions, sess)
	}
	s.mu.Unlock()
	if ln != nil {
		_ = ln.Close()
	}
	for _, sess := range sessions {
		sess.reason.Store(goodbye)
		sess.p.Quit()
	}
	var err error
	select {
	case <-s.drained:
	case <-ctx.Done():
		err = ctx.Err()
		s.mu.Lock()
		left := make([]*trackedConn, 0, len(s.conns))
		for c := range s.conns {
			left = append(left, c)
		}
		s.mu.Unlock()
		s.log.Warn("closing connections still open at the shutdown deadline", "count", len(left))
		for _, c := range left {
			_ = c.Close()
		}
	}
	// The library's own bookkeeping: its done channel and listeners.
	_ = s.srv.Close()
	return err
}

func (s *Server) handle(sess ssh.Session) {
	start := time.Now()
	tc := connOf(sess)
	if tc != nil {
		tc.started.Store(true)
		// The connection has nothing to do once its session ends: one
		// session per connection. Closing at once would overtake the
		// disconnect message ssh sends when its session ends (it then
		// reports "Connection reset" and exits 255), so give it a moment.
		defer time.AfterFunc(closeGrace, func() { _ = tc.Close() })
	}
	remote := sess.RemoteAddr().String()
	key := sess.PublicKey() // the key the client proved, not merely offered
	user := "anonymous"
	if key != nil {
		user = gossh.FingerprintSHA256(key)
	}
	logger := s.log.With("remote", remote, "user", user)
	entry, presenter, err := s.authorize(key, sess.RemoteAddr(), time.Now())
	if err != nil {
		logger.Warn("refused: key not authorised", "reason", err)
		fmt.Fprint(sess, "iomt: your key is not authorised here.\r\n")
		_ = sess.Exit(1)
		return
	}
	if entry.noPTY {
		logger.Warn("refused: the key's line forbids a terminal", "line", entry.where)
		fmt.Fprint(sess, "iomt: this key may not open a terminal here (no-pty), and the dashboard needs one.\r\n")
		_ = sess.Exit(1)
		return
	}
	pty, _, ok := sess.Pty()
	if !ok {
		logger.Info("refused: no terminal")
		fmt.Fprint(sess, "iomt is a full-screen dashboard and needs a terminal: connect with plain ssh (or ssh -t).\r\n")
		_ = sess.Exit(1)
		return
	}
	if pty.Window.Width <= 0 || pty.Window.Height <= 0 {
		// ssh -tt from a script or a pipe asks for a terminal of no size.
		logger.Info("refused: a terminal of no size", "width", pty.Window.Width, "height", pty.Window.Height)
		fmt.Fprint(sess, "iomt needs a terminal with a size, and yours reported none: run ssh from a terminal window.\r\n")
		_ = sess.Exit(1)
		return
	}
	if tc != nil && !s.takeSlot(tc) {
		logger.Warn("refused: session cap", "max", s.cfg.MaxSessions)
		fmt.Fprintf(sess, "iomt: the demo is full (%d sessions). Please try again later.\r\n", s.cfg.MaxSessions)
		_ = sess.Exit(1)
		return
	}
	s.active.Add(1)
	defer s.active.Add(-1)
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

	env := append(sess.Environ(), "TERM="+pty.Term)
	profile := colorprofile.Env(env)
	// One session presents at a time: another with a presenter key
	// follows, and may take over (p). me is set before the program runs;
	// a step-down reaches it through a goroutine, since Send blocks until
	// the program reads it. The hub's turns decide who presents: turn is
	// the newest this session was given, and a step-down carries the turn
	// that ended it (see ui.RoleMsg).
	var me *session
	ready := make(chan struct{}) // closed once me is set
	var turn atomic.Uint64
	seat := &Seat{Name: entry.name, StepDown: func(newer uint64, by string) {
		go func() {
			<-ready
			me.p.Send(ui.RoleMsg{Role: ui.RoleFollower, Turn: newer, By: by})
		}()
	}}
	// Followers are told when no presenter is connected any more.
	defer func() { s.hub.Leave(turn.Load()) }()
	role := ui.RoleSolo
	current := ""
	if s.presenters != nil {
		role = ui.RoleFollower
		if presenter {
			id, ok, who := s.hub.Present(seat)
			if ok {
				role = ui.RolePresenter
				turn.Store(id)
			}
			current = who
		}
	}
	logger.Info("session start", "auth", authKind(key), "role", role, "presenter_key", presenter, "presenting", cmp.Or(current, "-"),
		"term", pty.Term, "width", pty.Window.Width, "height", pty.Window.Height, "scenarios", cmp.Or(ws.Dir, "read-only"))
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	opts := ui.Options{Dark: true, NoColor: profile <= colorprofile.Ascii, Workspace: ws,
		Analysis: s.analyses.analyst(ctx)}
	opts.FetchCommand = s.fetchCommand(sess, ws) // see scp.go
	out := &syncWriter{w: sess}
	var aud *audience
	if s.presenters != nil {
		aud = s.audience // a session draws with its group while it follows
		opts.Demo = &ui.Demo{Role: role, Turn: turn.Load(), Link: &demoLink{hub: s.hub, turn: &turn, seat: seat, log: logger}}
		if presenter {
			opts.Demo.Who, opts.Demo.MayPresent = entry.name, true
		}
	}
	view := newSessionView(out, profile, pty.Term, aud)
	m := sessionModel{Model: ui.New(s.cfg.Dataset, s.cfg.Base, opts), v: view}

	dog := newWatchdog(s.cfg.IdleTimeout, s.cfg.MaxTimeout,
		func(topic, text string) { me.p.Send(ui.NoticeMsg{Topic: topic, Text: text}) },
		func(reason string) { me.reason.Store(reason); me.p.Quit() })
	// Window sizes come from our channel wrapper (see sessionChannel).
	sizes, _ := sess.Context().Value(winSizesKey).(*winSizes)
	m.following, m.grouped = new(atomic.Bool), new(atomic.Bool)
	dog.presenterKey = func() time.Time {
		if m.following.Load() {
			return s.hub.LastKey()
		}
		return time.Time{}
	}
	// The session draws its own frames (sessionView), when they change:
	// Bubble Tea's renderer would redraw on a clock, 60 times a second per
	// session. The program's own clock then only flushes its out-of-band
	// output (the clipboard; the background query is sent by the view at
	// once), once a second: 200 idle sessions cost 0.01 CPU.
	p := tea.NewProgram(m,
		tea.WithoutRenderer(), tea.WithFPS(1),
		tea.WithInput(nil), tea.WithOutput(out), tea.WithEnvironment(env), // input: see runInput
		tea.WithColorProfile(profile), tea.WithWindowSize(pty.Window.Width, pty.Window.Height),
		tea.WithContext(ctx), tea.WithoutSignalHandler(),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			switch msg.(type) {
			case tea.KeyPressMsg:
				dog.key()
				s.hub.Keyed(turn.Load()) // counts only while this session presents
			case tea.WindowSizeMsg:
				// The latest size the client sent wins: the program's own
				// initial size (from the pty request) may reach the model
				// after a window change sent before the shell request.
				if sizes != nil {
					if w, h := sizes.get(); w > 0 && h > 0 {
						return tea.WindowSizeMsg{Width: w, Height: h}
					}
				}
			case tea.SuspendMsg:
				return tea.ResumeMsg{} // ctrl+z cannot suspend a remote session
			}
			return msg
		}),
	)
	me = &session{p: p}
	close(ready)
	s.mu.Lock()
	s.sessions[me] = struct{}{}
	closing := s.closing
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.sessions, me)
		s.mu.Unlock()
	}()
	if closing {
		me.reason.Store(goodbye)
		// Not p.Quit() here: Send blocks until Run's event loop reads it,
		// and Run has not started yet.
		go p.Quit()
	}

	// A follower (or a presenter that may be taken over from) gets the
	// presenter's latest state; a slow one only ever skips states, it
	// never holds up the presenter (see Hub).
	if s.presenters != nil {
		notify, stop := s.hub.Subscribe(m.grouped)
		defer stop()
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-notify:
					if msg, ok := s.hub.Message(); ok {
						p.Send(msg)
					}
				}
			}
		}()
	}
	if sizes != nil {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-sizes.notify:
					w, h := sizes.get()
					p.Send(tea.WindowSizeMsg{Width: w, Height: h})
				}
			}
		}()
	}
	if s.cfg.IdleTimeout > 0 || s.cfg.MaxTimeout > 0 {
		go dog.run(ctx)
	}

	viewCtx, stopView := context.WithCancel(context.Background())
	viewDone := make(chan struct{})
	go view.run(viewCtx, viewDone)
	inputCtx, stopInput := context.WithCancel(ctx)
	runInput(inputCtx, sess, pty.Term, p)
	_, err = p.Run()
	stopInput()
	p.Kill()
	stopView()
	<-viewDone // the terminal is back to its normal screen before the last words
	if reason, _ := me.reason.Load().(string); reason != "" {
		fmt.Fprintf(sess, "\r\niomt: %s\r\n", reason)
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		logger.Error("session error", "err", err)
	}
	reason, _ := me.reason.Load().(string)
	logger.Info("session end", "duration", time.Since(start).Round(time.Millisecond), "reason", cmp.Or(reason, "the user quit or disconnected"))
	_ = sess.Exit(0)
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
