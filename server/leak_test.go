package server

import (
	"bytes"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// flood is a viewer without a key that types keys the dashboard handles
// slowly (m opens a Monte Carlo run and m or esc closes it; t and esc the
// same for the tornado) as fast as the connection takes them, up to
// total bytes. It returns once the server has taken them all, or once
// the server has stopped taking them for a while (the writes block when
// the session's SSH window is full).
func flood(t *testing.T, ts *testServer, keys string, total int) *rawClient {
	t.Helper()
	c := ts.openRaw(t, 80, 24, nil)
	c.waitOutput(t, "the dashboard", 0, dashboardIn)
	chunk := bytes.Repeat([]byte(keys), (32<<10)/len(keys))
	var sent atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for sent.Load() < int64(total) {
			k, err := c.stdin.Write(chunk)
			sent.Add(int64(k))
			if err != nil {
				return
			}
		}
	}()
	last := int64(-1)
	for sent.Load() != last {
		last = sent.Load()
		select {
		case <-done:
			return c
		case <-time.After(500 * time.Millisecond):
		}
	}
	t.Logf("the server took %d KiB of %q, then stopped reading", last>>10, keys)
	return c
}

// goroutinesBack waits until no more goroutines run than want, and
// returns how many run. A session's own end takes a moment after its
// connection closed (its input ends when the connection does), and a
// Monte Carlo chunk already running ends by itself.
func goroutinesBack(want int) int {
	deadline := time.Now().Add(waitTimeout)
	for {
		runtime.GC()
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Bounds of the heap for TestDroppedFlood. A flooding session holds 7 to
// 11 MB: 2.6 MB of its SSH window, under 3 MB of input being decoded, its
// dashboard and the Monte Carlo runs its keys started. Before the input
// was bounded, the decoder took all the client sent and a dropped session
// kept 45 to 130 MB and a goroutine, for ever.
const (
	floodSessionBound = 16 << 20 // more heap with one flooding viewer connected
	leakBound         = 4 << 20  // more heap once all of them left
)

// TestDroppedFlood: a viewer without a key that floods keys the
// dashboard handles slowly is held back (the server stops reading), so
// its session's memory stays bounded; once it drops the connection, its
// goroutines and memory are gone, round after round.
func TestDroppedFlood(t *testing.T) {
	ts := startServer(t, Config{})
	baseG := runtime.NumGoroutine()
	// One viewer first, so that what every session shares (styles, the
	// dataset's caches) is counted in the baseline.
	first := ts.openTerm("first", 80, 24, termOpts{})
	first.WaitDashboard()
	quitClean(t, first)
	waitConnections(t, ts, 0)
	baseHeap := heapInUse()
	const rounds = 4
	for i := range rounds {
		keys := "m\x1b"
		if i%2 == 1 {
			keys = "t\x1b"
		}
		c := flood(t, ts, keys, 16<<20)
		if used := heapInUse(); used > baseHeap+floodSessionBound {
			t.Errorf("round %d: with a viewer flooding %q the server holds %d MiB, %d MiB more than before any (bound %d MiB)",
				i+1, keys, used>>20, (used-baseHeap)>>20, floodSessionBound>>20)
		} else {
			t.Logf("round %d: %.1f MiB more heap with a viewer flooding %q", i+1, float64(used-baseHeap)/(1<<20), keys)
		}
		_ = c.client.Close()
		waitConnections(t, ts, 0)
	}
	waitSessions(t, ts, 0)
	if n := goroutinesBack(baseG); n > baseG {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines run after %d flooding viewers left, %d before any came; stacks:\n%s", n, rounds, baseG, leakedStacks(string(buf)))
	}
	if used := heapInUse(); used > baseHeap+leakBound {
		t.Errorf("after %d flooding viewers left the server holds %d MiB, %d MiB more than before (bound %d MiB)",
			rounds, used>>20, (used-baseHeap)>>20, leakBound>>20)
	} else {
		t.Logf("heap in use: %d MiB before, %d MiB after %d flooding viewers left", baseHeap>>20, used>>20, rounds)
	}
	// The server still serves.
	next := ts.openTerm("next", 80, 24, termOpts{})
	next.WaitDashboard()
	quitClean(t, next)
}

// leakedStacks keeps the goroutines of a dump that are the server's, not
// the test's own.
func leakedStacks(dump string) string {
	var keep []string
	for _, g := range strings.Split(dump, "\n\n") {
		if strings.Contains(g, "iomt/server.") || strings.Contains(g, "bubbletea") || strings.Contains(g, "ultraviolet") {
			keep = append(keep, g)
		}
	}
	return strings.Join(keep, "\n\n")
}

// TestFloodEndedByServer: a session the server ends (here at its max
// timeout) while its viewer is still flooding keys leaves nothing behind
// either: its input stops with it, although the client never stops.
func TestFloodEndedByServer(t *testing.T) {
	ts := startServer(t, Config{MaxTimeout: 1500 * time.Millisecond})
	baseG := runtime.NumGoroutine()
	c := ts.openRaw(t, 80, 24, nil)
	c.waitOutput(t, "the dashboard", 0, dashboardIn)
	go func() {
		chunk := bytes.Repeat([]byte("m\x1b"), 16<<10)
		for {
			if _, err := c.stdin.Write(chunk); err != nil {
				return
			}
		}
	}()
	ts.waitLog("session end", "sessions last at most 1.5s")
	waitConnections(t, ts, 0)
	if n := goroutinesBack(baseG); n > baseG {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines run after the server ended a flooding session, %d before; stacks:\n%s", n, baseG, leakedStacks(string(buf)))
	}
}
