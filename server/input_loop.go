package server

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"

	"iomt/ui"
)

// maxUndecoded bounds what a session's input decoder may hold before it
// turns it into events. The decoder (ultraviolet's TerminalReader) holds
// back everything after a prefix it cannot yet tell apart (ESC and one
// byte: alt+key, or the start of a sequence; a sequence it does not know)
// until the client pauses for its escape timeout, and then decodes all of
// it at once: a client that never pauses ("m", esc, "m", esc… as fast as
// the connection takes them) grew that buffer, and the slice of events
// decoded from it, by about 100 bytes of memory per byte typed (a few MiB
// of keys took a session to 100 MB). Once this many bytes went to the
// decoder with no event out of it, the session stops reading until an
// event comes out or the escape timeout has passed: the decoder then
// holds at most about twice this, and the SSH window (2 MiB, kept by the
// SSH library) pushes back on the client. A paste longer than this
// (bracketed pastes are cut at maxPaste) comes through in steps of one
// escape timeout.
const maxUndecoded = 16 << 10

// inputPacer stands between the input guard and the decoder: it counts
// the bytes passed since the decoder last gave an event, stops reading at
// maxUndecoded, and reads as the end of input once the session is over,
// so the decoder's loop ends with the session.
type inputPacer struct {
	r       io.Reader
	ctx     context.Context
	wait    time.Duration // longer than the decoder's escape timeout
	pending atomic.Int64  // bytes passed since the last event
	decoded chan struct{} // an event came out (one slot)
}

func newInputPacer(ctx context.Context, r io.Reader) *inputPacer {
	return &inputPacer{r: r, ctx: ctx, wait: 2 * uv.DefaultEscTimeout, decoded: make(chan struct{}, 1)}
}

// Read passes at most what keeps the decoder under maxUndecoded.
func (p *inputPacer) Read(b []byte) (int, error) {
	if p.pending.Load() >= maxUndecoded {
		// The decoder holds what it has until the client pauses: be that
		// pause. It decodes everything once its escape timeout passes.
		t := time.NewTimer(p.wait)
		select {
		case <-p.decoded:
		case <-t.C:
		case <-p.ctx.Done():
		}
		t.Stop()
		p.pending.Store(0)
	}
	if p.ctx.Err() != nil {
		return 0, io.EOF
	}
	if room := maxUndecoded - int(p.pending.Load()); len(b) > room {
		b = b[:room]
	}
	n, err := p.r.Read(b)
	p.pending.Add(int64(n))
	return n, err
}

// event notes that the decoder gave an event.
func (p *inputPacer) event() {
	p.pending.Store(0)
	select {
	case p.decoded <- struct{}{}:
	default:
	}
}

// runInput decodes a session's input (what the guard passes of r) and
// hands every event to p, until ctx ends or the input does. The program
// reads no input of its own (tea.WithInput(nil)): Bubble Tea's input loop
// sends its decoded events on a channel only the running program reads,
// and does not watch the program's end while it sends, so a session that
// ended while its input was behind left that loop blocked for ever, with
// every event it had decoded (one goroutine and about 100 MB per dropped
// flooding viewer). Here the events go through p.Send, which returns at
// once after the program ended, so whatever is pending drains and both
// goroutines end: the forwarding one with the decoder, and the decoder's
// once its read returns (at the latest when the connection closes). spawn
// starts them (see dashboard.spawn).
func runInput(ctx context.Context, r io.Reader, term string, p *tea.Program, spawn func(func())) {
	pacer := newInputPacer(ctx, ui.FilterInput(newInputGuard(r)))
	dec := uv.NewTerminalReader(pacer, term)
	events := make(chan uv.Event)
	spawn(func() {
		defer close(events)
		// Its only errors are the input's: the session ends anyway.
		_ = dec.StreamEvents(ctx, events)
	})
	spawn(func() {
		for ev := range events {
			pacer.event()
			p.Send(ev) // the program translates input events as its own
		}
	})
}
