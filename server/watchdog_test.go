package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// event is what a watchdog did, and when (in the bubble's fake time,
// since the start).
type event struct {
	at   time.Duration
	what string
}

// watch runs a watchdog in a synctest bubble, where time is virtual:
// the test advances it with time.Sleep and every timing is exact.
type watch struct {
	mu     sync.Mutex
	start  time.Time
	events []event
	dog    *watchdog
	ended  chan struct{}
}

func newWatch(idle, max time.Duration) *watch {
	w := &watch{start: time.Now(), ended: make(chan struct{})}
	record := func(what string) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.events = append(w.events, event{time.Since(w.start), what})
	}
	var once sync.Once
	w.dog = newWatchdog(idle, max, func(topic, text string) {
		if text == "" {
			record("withdraw: " + topic)
			return
		}
		record("warn: " + text)
	},
		func(reason string) { record("end: " + reason); once.Do(func() { close(w.ended) }) })
	return w
}

func (w *watch) log() []event {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]event(nil), w.events...)
}

func (w *watch) String() string {
	var b strings.Builder
	for _, e := range w.log() {
		fmt.Fprintf(&b, "  %v %s\n", e.at, e.what)
	}
	return b.String()
}

// TestIdleTimeoutExact: with a 15-minute idle timeout, a session that
// presses nothing is warned at 14 minutes, "closes in 1m0s", and closed
// at 15; a key after the warning starts the count again, from the key.
func TestIdleTimeoutExact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWatch(15*time.Minute, 0)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go w.dog.run(ctx)

		time.Sleep(14*time.Minute - time.Second)
		synctest.Wait()
		if ev := w.log(); len(ev) != 0 {
			t.Fatalf("before 14 minutes:\n%s", w)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		want := "warn: No key pressed for a while: this session closes in 1m0s unless you press a key."
		if ev := w.log(); len(ev) != 1 || ev[0].at != 14*time.Minute || ev[0].what != want {
			t.Fatalf("at 14 minutes, want one warning %q:\n%s", want, w)
		}

		// A key at 14:30: no end at 15, a new warning at 28:30 and the
		// end at 29:30.
		time.Sleep(30 * time.Second)
		w.dog.key()
		<-w.ended
		ev := w.log()
		if len(ev) != 3 || ev[1].at != 28*time.Minute+30*time.Second || !strings.HasPrefix(ev[1].what, "warn:") ||
			ev[2].at != 29*time.Minute+30*time.Second || ev[2].what != "end: no key pressed for 15m0s; session closed." {
			t.Fatalf("after a key at 14:30, want a warning at 28:30 and the end at 29:30:\n%s", w)
		}
	})
}

// TestIdleWarnedOnce: a quiet spell is warned once, not on every tick;
// a short timeout is warned a quarter ahead.
func TestIdleWarnedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWatch(2*time.Minute, 0)
		go w.dog.run(t.Context())
		<-w.ended
		ev := w.log()
		if len(ev) != 2 || ev[0].at != 90*time.Second || ev[0].what != "warn: No key pressed for a while: this session closes in 30s unless you press a key." ||
			ev[1].at != 2*time.Minute {
			t.Fatalf("a 2-minute idle timeout: want one warning at 1:30 and the end at 2:00:\n%s", w)
		}
	})
}

// TestMaxTimeoutExact: the absolute limit ends a session however busy,
// warned a minute before (a quarter of a short limit).
func TestMaxTimeoutExact(t *testing.T) {
	for _, c := range []struct {
		max, warnAt time.Duration
		warn        string
	}{
		{4 * time.Hour, 4*time.Hour - time.Minute, "warn: Sessions last at most 4h0m0s: this one ends in 1m0s."},
		{2 * time.Minute, 90 * time.Second, "warn: Sessions last at most 2m0s: this one ends in 30s."},
		{600 * time.Millisecond, 450 * time.Millisecond, "warn: Sessions last at most 600ms: this one ends in 150ms."},
	} {
		synctest.Test(t, func(t *testing.T) {
			w := newWatch(time.Hour, c.max)
			go w.dog.run(t.Context())
			// Keys all along: the idle timeout never comes near.
			go func() {
				for {
					select {
					case <-w.ended:
						return
					case <-time.After(time.Second):
						w.dog.key()
					}
				}
			}()
			<-w.ended
			ev := w.log()
			if len(ev) != 2 || ev[0].at != c.warnAt || ev[0].what != c.warn ||
				ev[1].at != c.max || ev[1].what != fmt.Sprintf("end: sessions last at most %s; session closed.", c.max) {
				t.Fatalf("max timeout %v: want %q at %v and the end at %v:\n%s", c.max, c.warn, c.warnAt, c.max, w)
			}
		})
	}
}

// TestWatchdogOff: with both timeouts 0 nothing ever happens.
func TestWatchdogOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWatch(0, 0)
		ctx, cancel := context.WithCancel(t.Context())
		go w.dog.run(ctx)
		time.Sleep(1000 * time.Hour)
		synctest.Wait()
		cancel()
		if ev := w.log(); len(ev) != 0 {
			t.Fatalf("with no timeouts:\n%s", w)
		}
	})
}

// TestIdleFollowerCountsPresenterKeys: while a viewer follows, the
// presenter's keys keep it (a talk is not cut off); a quiet presenter
// lets it close as a quiet viewer would; once it forks, only its own keys
// count, however busy the presenter.
func TestIdleFollowerCountsPresenterKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hub := NewHub()
		turn, _, _ := hub.Present(&Seat{Name: "Ana"})
		var forked atomic.Bool
		w := newWatch(15*time.Minute, 0)
		w.dog.presenterKey = func() time.Time {
			if forked.Load() {
				return time.Time{}
			}
			return hub.LastKey()
		}
		go w.dog.run(t.Context())

		time.Sleep(10 * time.Minute)
		hub.Keyed(turn)
		time.Sleep(10 * time.Minute)
		hub.Keyed(turn)
		synctest.Wait()
		if ev := w.log(); len(ev) != 0 {
			t.Fatalf("a viewer following a presenter who pressed keys at 10 and 20 minutes was warned or closed:\n%s", w)
		}
		time.Sleep(5 * time.Minute)
		forked.Store(true) // 25:00, the viewer forks with a key of its own
		w.dog.key()
		for range 2 {
			time.Sleep(5 * time.Minute) // the presenter types on at 30 and 35
			hub.Keyed(turn)
		}
		<-w.ended
		ev := w.log()
		if len(ev) != 2 || ev[0].at != 39*time.Minute || ev[1].at != 40*time.Minute {
			t.Fatalf("a viewer that forked at 25:00: want a warning at 39:00 and the end at 40:00, its own keys only:\n%s", w)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		hub := NewHub()
		turn, _, _ := hub.Present(&Seat{Name: "Ana"})
		w := newWatch(15*time.Minute, 0)
		w.dog.presenterKey = hub.LastKey
		go w.dog.run(t.Context())
		time.Sleep(5 * time.Minute)
		hub.Keyed(turn) // then the presenter falls quiet
		<-w.ended
		ev := w.log()
		if len(ev) != 2 || ev[0].at != 19*time.Minute || ev[1].at != 20*time.Minute {
			t.Fatalf("a presenter quiet after 5:00: want the viewer warned at 19:00 and closed at 20:00:\n%s", w)
		}
	})
	// Warned at 14:00, the viewer is kept by the presenter's key at
	// 14:30: the warning, which no key of its own cleared, is withdrawn
	// at the next tick.
	synctest.Test(t, func(t *testing.T) {
		hub := NewHub()
		turn, _, _ := hub.Present(&Seat{Name: "Ana"})
		w := newWatch(15*time.Minute, 0)
		w.dog.presenterKey = hub.LastKey
		go w.dog.run(t.Context())
		time.Sleep(14*time.Minute + 30*time.Second)
		synctest.Wait() // the watchdog's tick at 14:30 first, then the key
		hub.Keyed(turn)
		<-w.ended
		ev := w.log()
		if len(ev) != 4 || ev[1].at != 14*time.Minute+31*time.Second || ev[1].what != "withdraw: idle" ||
			ev[3].at != 29*time.Minute+30*time.Second {
			t.Fatalf("a presenter's key at 14:30 after the viewer's warning: want it withdrawn at 14:31 and the end at 29:30:\n%s", w)
		}
	})
}
