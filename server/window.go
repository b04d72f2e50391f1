package server

import (
	"sync"

	"charm.land/log/v2"
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// The largest terminal the dashboard draws. A client may claim any size
// (a 4000×4000 request took the server past 2 GB: the renderer keeps a
// cell buffer of the whole screen and the dashboard lays out every row),
// and nothing useful is drawn beyond a few hundred columns: a larger
// terminal gets the dashboard drawn at this size, in its top left corner.
const (
	MaxWidth  = 500
	MaxHeight = 200
)

// Bounds of a session's other requests: environment variables are kept
// by the SSH library for the session's life, one per request.
const (
	maxEnv     = 64   // env requests kept per session
	maxEnvSize = 1024 // bytes of one name and value
	maxTerm    = 64   // bytes of the TERM a pty request names
)

// clampSize returns a window size the dashboard can draw: at most
// MaxWidth×MaxHeight; ok is false for a size of zero.
func clampSize(w, h uint32) (int, int, bool) {
	if w == 0 || h == 0 {
		return 0, 0, false
	}
	return int(min(w, MaxWidth)), int(min(h, MaxHeight)), true
}

// winSizes holds the latest window size a client sent; a reader is woken
// through notify. Latest wins: a resize storm never queues or blocks.
type winSizes struct {
	mu     sync.Mutex
	w, h   int
	notify chan struct{}
}

func newWinSizes() *winSizes { return &winSizes{notify: make(chan struct{}, 1)} }

func (s *winSizes) set(w, h int) {
	s.mu.Lock()
	s.w, s.h = w, h
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func (s *winSizes) get() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w, s.h
}

type ctxKey struct{ name string }

var (
	// winSizesKey finds a session's winSizes in its ssh.Context. A key
	// value, not state: it is never written after initialisation.
	winSizesKey = &ctxKey{"iomt-window-sizes"}
)

// sessionChannel wraps the library's session handler. charm.land/ssh
// forwards every window-change into a one-slot channel that nobody reads
// before the shell request, so a client that resizes early (or fast)
// blocks the request loop: the shell never starts and a goroutine leaks.
// We answer window-change requests here instead and hand the size to our
// handler through winSizes; the library never sees them. The pty request
// is clamped here too, and environment requests are bounded, so whatever
// a client asks, the library keeps a bounded amount of it.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
	logger := s.connLog(ctx)
	defer contain(logger, func() { _ = conn.Close() })
	if ctx.Value(winSizesKey) != nil {
		// One session per connection keeps the per-connection context
		// unambiguous; ssh clients open one anyway.
		_ = newChan.Reject(gossh.ResourceShortage, "one session per connection")
		return
	}
	sizes := newWinSizes()
	ctx.SetValue(winSizesKey, sizes)
	ssh.DefaultSessionHandler(srv, conn, &filteredChannel{NewChannel: newChan, sizes: sizes, log: logger}, ctx)
}

type filteredChannel struct {
	gossh.NewChannel
	sizes *winSizes
	log   *log.Logger
}

// ptyRequest is the payload of a pty-req (RFC 4254, 6.2).
type ptyRequest struct {
	Term          string
	Columns, Rows uint32
	Width, Height uint32
	Modes         string
}

func (f *filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		defer contain(f.log, func() { _ = ch.Close() })
		envs := 0
		for req := range reqs {
			switch req.Type {
			case "window-change":
				var p struct{ W, H, WPx, HPx uint32 }
				w, h, ok := 0, 0, gossh.Unmarshal(req.Payload, &p) == nil
				if ok {
					w, h, ok = clampSize(p.W, p.H)
				}
				if ok {
					f.sizes.set(w, h)
				}
				if req.WantReply {
					_ = req.Reply(ok, nil)
				}
				continue
			case "pty-req":
				var p ptyRequest
				if gossh.Unmarshal(req.Payload, &p) == nil {
					w, h, _ := clampSize(p.Columns, p.Rows)
					p.Columns, p.Rows = uint32(w), uint32(h)
					if len(p.Term) > maxTerm {
						p.Term = p.Term[:maxTerm]
					}
					req.Payload = gossh.Marshal(&p)
				}
			case "env":
				envs++
				if envs > maxEnv || len(req.Payload) > maxEnvSize {
					if req.WantReply {
						_ = req.Reply(false, nil)
					}
					continue
				}
			}
			out <- req
		}
	}()
	return ch, out, nil
}
