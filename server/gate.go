package server

import (
	"fmt"
	"runtime/debug"
	"time"

	"charm.land/log/v2"
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Every session of every connection passes one gate before it is served,
// whatever it asks for: a dashboard (handle), an sftp subsystem or a
// legacy scp command (transfer). The gate checks the key the client
// proved, what its key's line allows, what the kind of session needs,
// and takes the connection's place under MaxSessions; whatever it
// refuses is told why, in the session's protocol, and logged with the
// session's address, user and protocol.

// visit is a session the gate let through.
type visit struct {
	start     time.Time
	log       *log.Logger   // every line names the remote, the user and the protocol
	key       ssh.PublicKey // the key the client proved; nil without one (open demo mode)
	entry     keyEntry      // the line of the key files that admitted it
	presenter bool
	conn      *trackedConn // nil when the connection is not tracked
}

// door is how one kind of session meets the gate.
type door struct {
	// terminal: the session needs a terminal, which a key's no-pty
	// forbids.
	terminal bool
	// check turns away what this kind of session cannot serve, once the
	// key is known (nil: nothing).
	check func(v *visit) *turnAway
	// tell says a refusal to the client, in its protocol: the line its
	// user reads.
	tell func(line string)
}

// turnAway is why a session is refused: line for the client, and the
// log's message (at warning level when warn) and fields.
type turnAway struct {
	line string
	warn bool
	msg  string
	kv   []any
}

// sessionLog is the log of a session: every line names the client's
// address, its key's fingerprint (or anonymous) and the protocol.
func (s *Server) sessionLog(sess ssh.Session) *log.Logger {
	return s.connLog(sess.Context()).With("protocol", protocolOf(sess))
}

// connLog is the log of a connection: every line names the client's
// address and its key's fingerprint (or anonymous).
func (s *Server) connLog(ctx ssh.Context) *log.Logger {
	user := "anonymous"
	if key, _ := ctx.Value(ssh.ContextKeyPublicKey).(ssh.PublicKey); key != nil {
		user = gossh.FingerprintSHA256(key)
	}
	remote := "unknown"
	if a := ctx.RemoteAddr(); a != nil {
		remote = a.String()
	}
	return s.log.With("remote", remote, "user", user)
}

// protocolOf names what a session asked for: "sftp", "scp" or "ssh" (the
// dashboard).
func protocolOf(sess ssh.Session) string {
	if sess.Subsystem() == "sftp" {
		return "sftp"
	}
	if _, ok := parseSCP(sess.Command()); ok {
		return "scp"
	}
	return "ssh"
}

// admitSession is the gate. The visit it returns is never nil: its leave
// is deferred by the caller whatever the answer; ok is false when the
// session was turned away (told why, logged and ended).
func (s *Server) admitSession(sess ssh.Session, d door) (v *visit, ok bool) {
	v = &visit{start: time.Now(), log: s.sessionLog(sess), key: sess.PublicKey(), conn: connOf(sess)}
	if v.conn != nil {
		v.conn.started.Store(true)
	}
	var err error
	v.entry, v.presenter, err = s.authorize(v.key, sess.RemoteAddr(), time.Now())
	var no *turnAway
	switch {
	case err != nil:
		no = &turnAway{line: "iomt: your key is not authorised here.", warn: true, msg: "refused: key not authorised", kv: []any{"reason", err}}
	case d.terminal && v.entry.noPTY:
		no = &turnAway{line: "iomt: this key may not open a terminal here (no-pty), and the dashboard needs one.",
			warn: true, msg: "refused: the key's line forbids a terminal", kv: []any{"line", v.entry.where}}
	case d.check != nil:
		no = d.check(v)
	}
	if no == nil && v.conn != nil && !s.takeSlot(v.conn) {
		no = &turnAway{line: fmt.Sprintf("iomt: the demo is full (%d sessions). Please try again later.", s.cfg.MaxSessions),
			warn: true, msg: "refused: session cap", kv: []any{"max", s.cfg.MaxSessions}}
	}
	if no != nil {
		v.refuse(sess, d, no)
		return v, false
	}
	return v, true
}

// refuse tells the client why, logs it and ends the session.
func (v *visit) refuse(sess ssh.Session, d door, no *turnAway) {
	if no.warn {
		v.log.Warn(no.msg, no.kv...)
	} else {
		v.log.Info(no.msg, no.kv...)
	}
	d.tell(no.line)
	_ = sess.Exit(1)
}

// leave closes the connection a moment after its session ended: it has
// nothing more to do, one session per connection. Closing at once would
// overtake the disconnect message ssh sends when its session ends (it
// then reports "Connection reset" and exits 255).
func (v *visit) leave() {
	if c := v.conn; c != nil {
		time.AfterFunc(closeGrace, func() { _ = c.Close() })
	}
}

// Where a test may make the server panic (Config.fault), to see that a
// panic ends one session and nothing else.
const (
	faultConnect   = "connect"   // the connection callback, once the connection is counted
	faultDashboard = "dashboard" // a dashboard's handler, once admitted
	faultResize    = "resize"    // the goroutine that hands window sizes to a dashboard
	faultTransfer  = "transfer"  // a transfer's handler, once admitted
	faultSFTP      = "sftp"      // an SFTP request's handler, in the library's goroutine
)

// fault panics where the tests ask it to; nothing outside tests sets it.
func (s *Server) fault(step string) {
	if s.cfg.fault != nil {
		s.cfg.fault(step)
	}
}

// contain, deferred at the top of a goroutine, turns a panic in it into
// a logged end of the one session or connection logger names: end runs
// (it closes what the session holds) and the server goes on.
//
// charm.land/ssh v0.4.3 recovers panics in the goroutines it starts (a
// connection's, its channels', a session's handler, a subsystem's), but
// logs them with slog and no session's fields, ends the session without
// a word to its user, and cannot reach the goroutines a session starts
// itself, nor those github.com/pkg/sftp runs request handlers in: a
// panic there would end the process and every demo with it. wish's
// recover middleware has the same reach and a log without fields, so
// every handler and goroutine of ours defers this instead.
func contain(logger *log.Logger, end func()) {
	r := recover()
	if r == nil {
		return
	}
	logger.Error("panic: the session ends", "panic", r, "stack", string(debug.Stack()))
	if end != nil {
		// A second panic while ending would escape this recover.
		defer func() {
			if r := recover(); r != nil {
				logger.Error("panic while ending the session", "panic", r)
			}
		}()
		end()
	}
}

// What a user reads when a panic ended their session.
const (
	panicReason = "an error on the server ended this session. Please connect again."
	panicLine   = "iomt: " + panicReason
)

// guard is the outermost middleware of every session handler (and wraps
// the sftp subsystem's): a panic in the handler is logged with the
// session's fields, its user is told, and the session ends with status 1.
// The handler's own deferred clean-up has run by then.
func (s *Server) guard(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer contain(s.sessionLog(sess), func() {
			if protocolOf(sess) == "ssh" {
				fmt.Fprint(sess, "\r\n"+panicLine+"\r\n")
			} else {
				fmt.Fprint(sess.Stderr(), panicLine+"\n")
			}
			_ = sess.Exit(1)
		})
		next(sess)
	}
}
