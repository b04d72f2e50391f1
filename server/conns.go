package server

import (
	"net"
	"sync"

	"charm.land/ssh"
)

// trackedConn is a client connection as the server tracks it, from
// accept to close. charm.land/ssh only tracks a connection once its
// handshake is done, and counts it in a WaitGroup that races with the
// Wait in its Shutdown; tracking every connection ourselves lets
// Shutdown close listeners, say goodbye and wait for everyone, including
// connections still in their handshake.
type trackedConn struct {
	net.Conn
	s    *Server
	once sync.Once
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

// track admits conn unless the server is closing.
func (s *Server) track(ctx ssh.Context, conn net.Conn) (*trackedConn, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, false
	}
	tc := &trackedConn{Conn: conn, s: s}
	s.conns[tc] = struct{}{}
	ctx.SetValue(connKey, tc)
	return tc, true
}

func (s *Server) untrack(c *trackedConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if s.closing && len(s.conns) == 0 {
		s.drainedOnce.Do(func() { close(s.drained) })
	}
}

// connOf returns the tracked connection of a session.
func connOf(sess ssh.Session) *trackedConn {
	tc, _ := sess.Context().Value(connKey).(*trackedConn)
	return tc
}
