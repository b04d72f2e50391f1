package server

import (
	"net"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
)

// MaxOverflow is how many connections may be admitted past the session
// cap at once, only to be told that the demo is full: a viewer who finds
// it full gets a sentence rather than a closed connection, and no more
// than this many can hold the server's attention for it.
const MaxOverflow = 8

// trackedConn is a client connection as the server tracks it, from
// accept to close. charm.land/ssh only tracks a connection once its
// handshake is done, and counts it in a WaitGroup that races with the
// Wait in its Shutdown; tracking every connection ourselves lets
// Shutdown close listeners, say goodbye and wait for everyone, including
// connections still in their handshake. It also lets the session cap
// count connections, not only sessions: a connection holds a slot from
// accept to close, whether or not it ever opens a dashboard.
type trackedConn struct {
	net.Conn
	s        *Server
	once     sync.Once
	overflow bool // admitted past the cap, only to be told the demo is full (guarded by s.mu)

	started   atomic.Bool // a dashboard session started on it
	graceOnce sync.Once
}

// Close closes the connection and forgets it; the library calls it when
// the connection ends, whatever ended it.
func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.s.untrack(c) })
	return err
}

// connKey finds a connection's trackedConn in its ssh.Context.
var connKey = &ctxKey{"iomt-conn"}

// admission is what track decided about a new connection.
type admission int

const (
	admitted admission = iota
	admittedOverflow
	refusedClosing
	refusedFull
)

// track admits conn unless the server is closing or full. With a session
// cap, a connection takes a slot; past the cap, up to MaxOverflow are
// admitted to be told the demo is full, and the rest are refused.
func (s *Server) track(ctx ssh.Context, conn net.Conn) (*trackedConn, admission) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, refusedClosing
	}
	tc := &trackedConn{Conn: conn, s: s}
	a := admitted
	if max := s.cfg.MaxSessions; max > 0 && s.slots >= max {
		if s.overflow >= MaxOverflow {
			return nil, refusedFull
		}
		tc.overflow = true
		s.overflow++
		a = admittedOverflow
	} else {
		s.slots++
	}
	s.conns[tc] = struct{}{}
	ctx.SetValue(connKey, tc)
	return tc, a
}

// takeSlot gives an overflow connection a slot if one has come free
// since it was admitted; it reports whether the connection has a slot.
func (s *Server) takeSlot(c *trackedConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !c.overflow {
		return true
	}
	if s.slots >= s.cfg.MaxSessions {
		return false
	}
	c.overflow = false
	s.overflow--
	s.slots++
	return true
}

func (s *Server) untrack(c *trackedConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.conns[c]; !ok {
		return
	}
	delete(s.conns, c)
	if c.overflow {
		s.overflow--
	} else {
		s.slots--
	}
	if s.closing && len(s.conns) == 0 {
		s.drainedOnce.Do(func() { close(s.drained) })
	}
}

// loggedIn starts a connection's grace: once a client has logged in it
// must start its dashboard within SessionGrace (OverflowGrace when it was
// admitted only to be told the demo is full), or it is closed. A client
// that logs in and opens no session (ssh -N), or opens one and never asks
// for a shell, would otherwise hold a slot until the max timeout.
func (s *Server) loggedIn(ctx ssh.Context) {
	c, _ := ctx.Value(connKey).(*trackedConn)
	if c == nil {
		return
	}
	s.mu.Lock()
	grace := s.cfg.SessionGrace
	if c.overflow {
		grace = s.cfg.OverflowGrace
	}
	s.mu.Unlock()
	c.graceOnce.Do(func() {
		time.AfterFunc(grace, func() {
			if c.started.Load() {
				return
			}
			s.log.Info("connection closed: no dashboard started after login", "remote", c.RemoteAddr().String(), "grace", grace)
			_ = c.Close()
		})
	})
}

// closeConn closes the tracked connection of ctx, if it has one, and
// reports whether it had.
func closeConn(ctx ssh.Context) bool {
	c, _ := ctx.Value(connKey).(*trackedConn)
	if c != nil {
		_ = c.Close()
	}
	return c != nil
}

// connOf returns the tracked connection of a session.
func connOf(sess ssh.Session) *trackedConn {
	tc, _ := sess.Context().Value(connKey).(*trackedConn)
	return tc
}
