package server

import (
	"sync"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

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
// handler through winSizes; the library never sees them.
func sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
	if ctx.Value(winSizesKey) != nil {
		// One session per connection keeps the per-connection context
		// unambiguous; ssh clients open one anyway.
		_ = newChan.Reject(gossh.ResourceShortage, "one session per connection")
		return
	}
	sizes := newWinSizes()
	ctx.SetValue(winSizesKey, sizes)
	ssh.DefaultSessionHandler(srv, conn, &filteredChannel{NewChannel: newChan, sizes: sizes}, ctx)
}

type filteredChannel struct {
	gossh.NewChannel
	sizes *winSizes
}

func (f *filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		for req := range reqs {
			if req.Type == "window-change" {
				var p struct{ W, H, WPx, HPx uint32 }
				ok := gossh.Unmarshal(req.Payload, &p) == nil && p.W > 0 && p.H > 0 && p.W < 10000 && p.H < 10000
				if ok {
					f.sizes.set(int(p.W), int(p.H))
				}
				if req.WantReply {
					_ = req.Reply(ok, nil)
				}
				continue
			}
			out <- req
		}
	}()
	return ch, out, nil
}
