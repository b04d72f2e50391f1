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

	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"iomt/model"
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

	// Mesh joins the server to a demo mesh over NATS: presenters and
	// followers on several servers (see natsHub); nil: the demo is this
	// server's alone.
	Mesh *MeshConfig

	Dataset *model.Dataset
	Base    *model.Scenario
	Builtin []model.Builtin
	Logger  *log.Logger

	// fault, in tests only, is called at the steps named fault… and
	// may panic there (see Server.fault).
	fault func(step string)
}

// Server is a running SSH server.
type Server struct {
	cfg        Config
	srv        *ssh.Server
	log        *log.Logger
	authorized keySet
	presenters keySet
	limiter    *ipLimiter
	hub        demoHub   // the in-process Hub, or a demo mesh's natsHub
	mesh       *mesh     // the demo mesh joined (--nats, --nats-embed), or nil
	audience   *audience // draws followers' screens once per group
	analyses   *pool     // every session's analysis work (see pool)

	active atomic.Int64

	// closed is closed when Shutdown begins: every session's watchdog
	// then ends it (see watchdog).
	closed chan struct{}

	mu          sync.Mutex
	ln          net.Listener // as given to Serve
	conns       map[*trackedConn]struct{}
	slots       int           // connections that hold a slot under MaxSessions
	overflow    int           // connections past the cap, to be told it is full
	closing     bool          // Shutdown has begun: no new connections
	drained     chan struct{} // closed once closing and no connection is left
	drainedOnce sync.Once
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
		closed: make(chan struct{}), conns: map[*trackedConn]struct{}{}, drained: make(chan struct{}),
	}
	if cfg.Mesh != nil {
		if err := cfg.Mesh.Check(); err != nil {
			return nil, err
		}
	}
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
			s.scpMiddleware, // `scp -O`: see scp.go
			s.guard),        // a panic ends its session only: see gate.go
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
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel}
	srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{"sftp": ssh.SubsystemHandler(s.guard(s.sftpSubsystem))} // sftp, scp: see scp.go
	srv.ConnCallback = s.admit
	// A connection that never gets a session (a refused key, a client
	// that gave up, a handshake timeout) would otherwise leave no trace.
	srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
		defer contain(s.log, nil)
		s.log.Info("connection ended before a session", "remote", conn.RemoteAddr().String(), "reason", err)
	}
	if s.authorized == nil {
		// Open demo mode: an audience without keys joins too.
		srv.KeyboardInteractiveHandler = func(ctx ssh.Context, _ gossh.KeyboardInteractiveChallenge) (ok bool) {
			defer contain(s.connLog(ctx), func() { ok = false; closeConn(ctx) })
			s.log.Debug("auth: keyboard-interactive (open demo mode)", "remote", ctx.RemoteAddr().String(), "accepted", true)
			s.loggedIn(ctx)
			return true
		}
	}
	s.srv = srv
	if cfg.Mesh != nil {
		// Last: nothing after it fails, so a server that will not start
		// leaves no NATS server running.
		mc := *cfg.Mesh
		if e := mc.Embed; e != nil && e.StoreDir == "" && cfg.DataDir != "" {
			embed := *e
			embed.StoreDir = storeDirFor(cfg.DataDir)
			mc.Embed = &embed
		}
		m, err := startMesh(&mc, newWireCodec(cfg.Dataset), s.log)
		if err != nil {
			return nil, err
		}
		s.mesh, s.hub = m, m.hub
	}
	s.audience = newAudience(s.hub, cfg.Dataset, cfg.Base)
	return s, nil
}

// demoMode reports whether sessions present and follow: with presenter
// keys, or in a demo mesh (a server of the mesh may hold only followers).
func (s *Server) demoMode() bool { return s.presenters != nil || s.mesh != nil }

// OpenMode reports whether anyone may join (no --authorized-keys).
func (s *Server) OpenMode() bool { return s.authorized == nil }

// allowKey is only a first filter at the key offer; the handler decides
// again from the key the client proved (sess.PublicKey()), never from
// state kept here.
func (s *Server) allowKey(ctx ssh.Context, key ssh.PublicKey) (ok bool) {
	defer contain(s.connLog(ctx), func() { ok = false; closeConn(ctx) })
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
func (s *Server) admit(ctx ssh.Context, conn net.Conn) (admitted net.Conn) {
	// A panic after track would leave the connection counted: closing
	// the tracked connection forgets it.
	defer contain(s.log.With("remote", conn.RemoteAddr().String()), func() {
		admitted = nil
		if !closeConn(ctx) {
			_ = conn.Close()
		}
	})
	if !s.limiter.allow(conn.RemoteAddr(), time.Now()) {
		s.log.Warn("connection refused: rate limit", "remote", conn.RemoteAddr().String())
		_ = conn.Close()
		return nil
	}
	tc, a := s.track(ctx, conn)
	s.fault(faultConnect)
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
	if !s.closing {
		s.closing = true
		close(s.closed) // every session's watchdog says goodbye
	}
	if len(s.conns) == 0 {
		s.drainedOnce.Do(func() { close(s.drained) })
	}
	ln := s.ln
	s.mu.Unlock()
	if ln != nil {
		_ = ln.Close()
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
	if s.mesh != nil {
		s.mesh.close() // after the sessions, which released their turns
	}
	return err
}
